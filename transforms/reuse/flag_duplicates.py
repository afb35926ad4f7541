"""FlagDuplicatePassages: every passage reprinted from another article,
edited or quoted, marked against its cluster's earliest copy.

    SignPassages        numpy MinHash signatures per article    (passage_signatures.py)
    FindCandidatePairs  LSH band keys collide inside shards     (candidate_pairs.py)
    VerifyCandidates    true Jaccard / containment on shingles  (verify_candidates.py)
    ResolveClusters     connected components, canonical = min   (reuse_clusters.py)
    ApplyMatches        passages, unique_text, dup_ratio, clusters, index rows

Canonical member of a cluster: the earliest `published_date`; undated after
dated; ties by `doc_id`, then passage order. Only passages in other articles
than the canonical one are duplicates: repetition inside one article is the
boilerplate step's business.

With a dedup index (`--dedup-index DIR`, dedup_index.py), the canonical
passages of earlier runs join the graph as signatures only: today's copies
of them are flagged without re-reading earlier articles, and an article seen
again (same doc_id) replaces its own index entries instead of matching them.

`detect_reuse` runs the same plain functions on a corpus held in memory: the
reference the Beam graph is tested against, and what `make eval` scores. A
run of up to `--dedup-memory-articles` articles (and index entries) is
flagged by it in one element, from the signatures alone
(`reuse_of_signatures`); the sharded steps above take larger runs. Either
way the matches are applied to each article in the same step (JoinResults,
ApplyMatches), shared by the workers.
"""
from __future__ import annotations

import datetime
import functools
import gc
import hashlib
import re
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

import apache_beam as beam
import numpy as np

from transforms.common import metrics
from transforms.reuse.candidate_pairs import DEFAULT_SHARDS, FindCandidatePairs, key_ranks, table_pairs
from transforms.reuse.passage_signatures import (DocSignature, PassageSignatures, SignatureParams,  # noqa: F401
                                           node_published_date, normalize_passage, parse_node_key,
                                           signature_table)
from transforms.common.records import Article, Cluster, ClusterBatch, DocPassages, PassageMatch
from transforms.reuse.reuse_clusters import (DEFAULT_ROUNDS, IN_MEMORY_EDGES, TOO_LARGE, ListsUpTo, ResolveClusters,
                                      ShardOf, pass_if)
from transforms.text.split_passages import passage_id
from transforms.reuse.verify_candidates import (ReuseEdge, VerifyCandidates, VerifyPolicy, edges_from_wire,
                                          edges_to_wire, verify_table)


# Sentences shorter than this ("He declined to comment.") recur across
# unrelated articles: they never start a match, and join one only as the
# neighbour of a copied passage from the same source.
MIN_PASSAGE_WORDS = SignatureParams.min_words
CLUSTER_BATCH = 5_000   # Cluster rows per element of the 'clusters' output
#: a run of at most this many articles (with the dedup index's entries) is
#: flagged in one element by `detect_reuse` (about 75 KB an article at its
#: peak: 1.9 GB for 25,000 wire-reuse articles); larger runs take the sharded steps
IN_MEMORY_ARTICLES = 10_000


@dataclass(frozen=True)
class DedupSettings:
    params: SignatureParams = SignatureParams()
    policy: VerifyPolicy = VerifyPolicy()
    shards: int = DEFAULT_SHARDS
    rounds: int = DEFAULT_ROUNDS
    in_memory_edges: int = IN_MEMORY_EDGES   # larger reuse graphs take the sharded rounds
    in_memory_articles: int = IN_MEMORY_ARTICLES   # larger runs take the sharded steps
    # streaming: how long a canonical passage is remembered to flag later reprints
    retention_days: float = 7.0

    @property
    def retention_seconds(self) -> float:
        return self.retention_days * 86400


def sign_doc(signer: PassageSignatures, doc: DocPassages) -> DocSignature:
    return signer.sign(doc.article.doc_id, doc.article.published_date, doc.article.text,
                       [(p.index, p.passage_id, p.char_start, p.char_end) for p in doc.passages])


def node_date(node: str) -> Optional[datetime.date]:
    return node_published_date(node)


@functools.lru_cache(maxsize=1 << 16)
def canonical_of(root: str) -> Tuple[str, str, str]:
    """(cluster_id, canonical doc_id, canonical passage_id) of a cluster's
    canonical node. Cached: every copy in a cluster asks for its canonical."""
    return cluster_identity(*parse_node_key(root))


def cluster_identity(doc_id: str, index: int) -> Tuple[str, str, str]:
    """(cluster_id, doc_id, passage_id) of the cluster whose canonical passage
    is passage `index` of article `doc_id`."""
    canonical_passage = passage_id(doc_id, index)
    cluster_id = 'c-' + hashlib.blake2b(canonical_passage.encode('utf-8'), digest_size=10).hexdigest()
    return cluster_id, doc_id, canonical_passage


def passage_matches(doc_id: str, labels: Iterable[Tuple[str, str]], edges: Iterable[tuple],
                    parse=parse_node_key, canonical=canonical_of) -> List[PassageMatch]:
    """One article's matches from its nodes' canonical labels and the edges
    touching them (as `edges_to_wire` gives them). `similarity`: Jaccard with
    the canonical passage when the two were compared directly (nearly
    always), else with the closest copy it was verified against; 1.0 for
    the canonical itself. `parse` and `canonical`: parse_node_key and
    canonical_of, or lookups of theirs made once for a whole run
    (detect_reuse)."""
    mine: Dict[str, Tuple[int, str]] = {}
    for node, root in labels:
        owner, index = parse(node)
        if owner == doc_id:
            mine[node] = (index, root)
    # An edge joins two articles, so only one of its ends can be this
    # article's: the other end's similarities would never be read.
    best: Dict[Tuple[str, str], float] = {}
    closest: Dict[str, float] = {}
    for earlier, later, similarity, _ in edges:
        if earlier in mine:
            node, other = earlier, later
        elif later in mine:
            node, other = later, earlier
        else:
            continue
        if similarity > best.get((node, other), 0.0):
            best[node, other] = similarity
        if similarity > closest.get(node, 0.0):
            closest[node] = similarity
    matches = []
    for node in sorted(mine):
        index, root = mine[node]
        cluster_id, canonical_doc, canonical_passage = canonical(root)
        if node == root:
            similarity = 1.0
        else:
            similarity = best.get((node, root)) or closest.get(node, 0.0)
        matches.append(PassageMatch(
            doc_id=doc_id, passage_id=passage_id(doc_id, index), is_duplicate=canonical_doc != doc_id,
            cluster_id=cluster_id, canonical_doc_id=canonical_doc,
            canonical_passage_id=canonical_passage, similarity=similarity))
    return matches


def build_cluster(root: str, member_docs: Iterable[Tuple[str, bool]], canonical=canonical_of) -> Optional[Cluster]:
    """The cluster row of a canonical node, given (doc_id, in this run) of
    every member; None when no member is in this run (an index-only cluster)."""
    members = list(member_docs)
    if not any(current for _, current in members):
        return None
    cluster_id, canonical_doc, canonical_passage = canonical(root)
    doc_ids = tuple(sorted({doc for doc, _ in members} | {canonical_doc}))
    return Cluster(cluster_id=cluster_id, canonical_doc_id=canonical_doc,
                   canonical_passage_id=canonical_passage, size=len(doc_ids),
                   doc_ids=doc_ids, first_published=node_date(root))


def labels_by_doc(labels: Iterable[Tuple[str, str]], parse=parse_node_key) -> List[Tuple[str, list]]:
    """(doc_id, [(node, canonical node), ...]) for the articles of some labelled nodes."""
    out: Dict[str, list] = {}
    for node, root in labels:
        out.setdefault(parse(node)[0], []).append((node, root))
    return list(out.items())


def edges_by_doc(edges: Iterable[ReuseEdge], parse=parse_node_key) -> List[Tuple[str, list]]:
    """(doc_id, [edge, ...]) for every article some of the edges touch."""
    out: Dict[str, list] = {}
    for edge in edges:
        for doc_id in {parse(edge.earlier)[0], parse(edge.later)[0]}:
            out.setdefault(doc_id, []).append(edge)
    return list(out.items())


def members_by_shard(doc_id: str, current: bool, labels: Iterable[Tuple[str, str]],
                     shard_of: ShardOf) -> Dict[int, list]:
    """An article's membership in the clusters of its labels, on its way to
    the shards of their canonical nodes: shard -> [(root, doc_id, current), ...],
    one entry per cluster."""
    out: Dict[int, list] = {}
    for root in sorted({root for _, root in labels}):
        out.setdefault(shard_of(root), []).append((root, doc_id, current))
    return out


def clusters_of_shard(batches: Iterable[Sequence[Tuple[str, str, bool]]]) -> List[Cluster]:
    """The cluster rows of a shard's canonical nodes, from what the articles
    sent it (members_by_shard), by canonical node."""
    members: Dict[str, list] = {}
    for batch in batches:
        for root, doc_id, current in batch:
            members.setdefault(root, []).append((doc_id, current))
    return [c for c in (build_cluster(root, members[root]) for root in sorted(members)) if c]


def remove_spans(text: str, spans: Sequence[Tuple[int, int]]) -> str:
    """`text` without the given spans; emptied paragraphs disappear and the
    gaps left inside a paragraph close up to one space."""
    if not spans:
        return text
    pieces = []
    position = 0
    for start, end in sorted(spans):
        if start > position:
            pieces.append(text[position:start])
        position = max(position, end)
    pieces.append(text[position:])
    joined = ''.join(pieces)
    paragraphs = (re.sub(r'[ \t]{2,}', ' ', p).strip() for p in joined.split('\n\n'))
    return '\n\n'.join(p for p in paragraphs if p)


def apply_matches(doc: DocPassages, matches: Sequence[PassageMatch]):
    """(unique_text, dup_ratio, passage rows as (Passage, PassageMatch|None))."""
    by_passage = {m.passage_id: m for m in matches}
    duplicate_spans = [(p.char_start, p.char_end) for p in doc.passages
                       if p.passage_id in by_passage and by_passage[p.passage_id].is_duplicate]
    text = doc.article.text
    duplicate_chars = sum(end - start for start, end in duplicate_spans)
    dup_ratio = duplicate_chars / len(text) if text else 0.0
    rows = [(p, by_passage.get(p.passage_id)) for p in doc.passages]
    return remove_spans(text, duplicate_spans), dup_ratio, rows


def index_entries(signature: DocSignature, matches: Sequence[PassageMatch]) -> DocSignature:
    """The part of an article's signature the dedup index keeps: its passages
    that are not copies of an earlier one."""
    duplicate = {m.passage_id for m in matches if m.is_duplicate}
    keep = [row for row, pid in enumerate(signature.passage_ids) if pid not in duplicate]
    return signature.select(keep)


@dataclass
class ReuseResult:
    matches: Dict[str, List[PassageMatch]] = field(default_factory=dict)
    clusters: List[Cluster] = field(default_factory=list)
    edges: List[ReuseEdge] = field(default_factory=list)
    signatures: Dict[str, DocSignature] = field(default_factory=dict)   # the corpus's own, by doc_id
    candidate_pairs: int = 0   # as FindCandidatePairs counts them
    doc_labels: Dict[str, list] = field(default_factory=dict)   # doc_id -> its (node, canonical node)s
    doc_edges: Dict[str, list] = field(default_factory=dict)    # doc_id -> the edges touching it


def detect_reuse(docs: Sequence[DocPassages], settings: DedupSettings = DedupSettings(),
                 index: Sequence[DocSignature] = (), timings: Optional[dict] = None,
                 signed: Optional[Dict[str, DocSignature]] = None) -> ReuseResult:
    """Reuse detection on a corpus held in memory, with the plain functions
    the Beam steps run (union-find for the components). `timings`, when
    given, receives the seconds spent in each step; `signed`, the docs'
    signatures when the caller has made them already."""
    clock = _StepClock(timings)
    signer = PassageSignatures(settings.params)
    current = {doc.article.doc_id: (signed or {}).get(doc.article.doc_id) or sign_doc(signer, doc) for doc in docs}
    clock.lap('sign')
    return reuse_of_signatures(current, settings, index, clock)


def reuse_of_signatures(current: Dict[str, DocSignature], settings: DedupSettings = DedupSettings(),
                        index: Sequence[DocSignature] = (), clock: Optional['_StepClock'] = None,
                        with_matches: bool = True) -> ReuseResult:
    """`detect_reuse` from the run's signatures (by doc_id): all it needs of
    the articles. `with_matches=False` leaves `matches` empty: the caller
    makes them per article from `doc_labels` and `doc_edges`."""
    clock = clock or _StepClock(None)
    signatures = dict(current)
    for entry in index:
        signatures.setdefault(entry.doc_id, entry)
    # The whole run at once, as arrays (SignatureTable): the band keys of
    # every shard collide together (a bucket lives in one shard, and a pair
    # found in several shards is kept once, counted once per shard as
    # FindCandidatePairs counts them), and verification scores every pair in
    # bulk before the runs grow per article pair.
    table = signature_table(list(signatures.values()))
    earlier, later, shard_pairs = table_pairs(table, settings.shards)
    clock.lap('candidates')
    keys = table.node_keys()
    key_rank = key_ranks(table, keys)
    edges, edge_earlier, edge_later = verify_table(table, earlier, later, settings.policy, keys, key_rank)
    clock.lap('verify')
    nodes, roots = table_components(key_rank, edge_earlier, edge_later)
    labels = dict(zip([keys[r] for r in nodes], [keys[r] for r in roots]))
    clock.lap('clusters')
    doc_ids, indexes = table.doc_ids, table.indexes.tolist()
    node_doc = table.doc[nodes].tolist()
    parse = None
    if with_matches:
        parse = dict(zip(labels, zip([doc_ids[d] for d in node_doc],
                                     [indexes[r] for r in nodes.tolist()]))).__getitem__
    canonical_of_root = {}
    root_rows = np.sort(roots)
    root_rows = root_rows[np.concatenate(([True], root_rows[1:] != root_rows[:-1]))[:len(root_rows)]]
    for r, d in zip(root_rows.tolist(), table.doc[root_rows].tolist()):
        canonical_of_root[keys[r]] = cluster_identity(doc_ids[d], indexes[r])
    canonical = canonical_of_root.__getitem__
    doc_labels: Dict[str, list] = {}
    for (node, root), d in zip(labels.items(), node_doc):
        doc_labels.setdefault(doc_ids[d], []).append((node, root))
    doc_edges = _edges_by_doc(edges, table.doc[edge_earlier], table.doc[edge_later], doc_ids)
    result = ReuseResult(edges=edges, signatures=current, candidate_pairs=shard_pairs,
                         doc_labels=doc_labels, doc_edges=doc_edges)
    for doc_id in current if with_matches else ():
        result.matches[doc_id] = passage_matches(doc_id, doc_labels.get(doc_id, ()),
                                                 edges_to_wire(doc_edges.get(doc_id, ())),
                                                 parse, canonical)
    result.clusters = _table_clusters(table, current, nodes, roots, canonical_of_root, keys)
    clock.lap('apply')
    return result


def _edges_by_doc(edges: Sequence[ReuseEdge], earlier_docs: np.ndarray, later_docs: np.ndarray,
                  doc_ids: Sequence[str]) -> Dict[str, list]:
    """`edges_by_doc` as a dict, given the article of each edge's two nodes
    (positions in `doc_ids`): each article's edges in order, the articles in
    the order edges_by_doc meets them."""
    n = len(edges)
    if not n:
        return {}
    number = np.arange(n, dtype=np.int64)
    other = earlier_docs != later_docs
    code = np.sort(np.concatenate((earlier_docs * n + number, (later_docs * n + number)[other])))
    doc, edge = code // n, code % n
    starts = np.flatnonzero(np.concatenate(([True], doc[1:] != doc[:-1])))
    ends = np.concatenate((starts[1:], [len(code)]))
    first_edge = edge[starts].tolist()
    docs = doc[starts].tolist()
    slices = dict(zip(docs, zip(starts.tolist(), ends.tolist())))
    # articles by their first edge; two met in the same edge in the order of the set edges_by_doc makes
    by_first: Dict[int, list] = {}
    for d, e in zip(docs, first_edge):
        by_first.setdefault(e, []).append(d)
    edge_list = edge.tolist()
    out: Dict[str, list] = {}
    for e in sorted(by_first):
        group = by_first[e]
        if len(group) > 1:
            a, b = int(earlier_docs[e]), int(later_docs[e])
            position = {doc_ids[a]: a, doc_ids[b]: b}
            group = [position[name] for name in {doc_ids[a], doc_ids[b]}]
        for d in group:
            first, last = slices[d]
            out[doc_ids[d]] = [edges[k] for k in edge_list[first:last]]
    return out


def table_components(key_rank: np.ndarray, earlier: np.ndarray, later: np.ndarray):
    """`connected_components` of edges given as rows (`key_rank`: the rank
    of every row's node key, key_ranks): (nodes, roots) as row arrays, the
    nodes in the order connected_components lists them (first seen, earlier
    before later of each edge), each with the smallest node key of its component."""
    ends = np.empty(2 * len(earlier), np.int64)
    ends[0::2], ends[1::2] = earlier, later
    if not len(ends):
        return ends, ends
    ordered = np.sort(ends)
    distinct = ordered[np.concatenate(([True], ordered[1:] != ordered[:-1]))]
    # slot order = node key order
    by_key = np.argsort(key_rank[distinct])
    slot_of = np.empty(len(distinct), np.int64)
    slot_of[by_key] = np.arange(len(distinct))
    row_of_slot = distinct[by_key]
    a = slot_of[np.searchsorted(distinct, earlier)]
    b = slot_of[np.searchsorted(distinct, later)]
    label = np.arange(len(distinct))
    while True:
        smaller = np.minimum(label[a], label[b])
        np.minimum.at(label, a, smaller)
        np.minimum.at(label, b, smaller)
        while True:
            jumped = label[label]
            if np.array_equal(jumped, label):
                break
            label = jumped
        if np.array_equal(label[a], label[b]):
            break
    slots = slot_of[np.searchsorted(distinct, ends)]
    first = np.zeros(len(ends), bool)
    # first appearance of every node, in edge order
    order = np.argsort(slots, kind='stable')
    lead = np.concatenate(([True], slots[order][1:] != slots[order][:-1]))
    first[order[lead]] = True
    node_slots = slots[first]
    return row_of_slot[node_slots], row_of_slot[label[node_slots]]


def _table_clusters(table, current, nodes: np.ndarray, roots: np.ndarray, canonical: dict,
                    keys: Sequence[str]) -> List[Cluster]:
    """`build_cluster` for every component (nodes with their roots, as rows),
    sorted by cluster_id."""
    if not len(nodes):
        return []
    doc_ids = table.doc_ids
    in_run = np.array([doc_id in current for doc_id in doc_ids], bool)
    code = np.sort(roots * len(doc_ids) + table.doc[nodes])
    code = code[np.concatenate(([True], code[1:] != code[:-1]))]
    root_of, member = code // len(doc_ids), code % len(doc_ids)
    starts = np.flatnonzero(np.concatenate(([True], root_of[1:] != root_of[:-1])))
    ends = np.concatenate((starts[1:], [len(code)]))
    any_current = np.add.reduceat(in_run[member].astype(np.int64), starts) > 0
    starts, ends = starts[any_current], ends[any_current]
    root_rows = root_of[starts]
    dates = {}
    clusters = []
    new = object.__new__
    member_list = member.tolist()
    name = doc_ids.__getitem__
    for root_row, d, first, last in zip(root_rows.tolist(), table.doc[root_rows].tolist(),
                                        starts.tolist(), ends.tolist()):
        root = keys[root_row]
        cluster_id, canonical_doc, canonical_passage = canonical[root]
        date = dates.get(d, dates)
        if date is dates:
            date = dates[d] = node_date(root)
        ids = tuple(map(name, member_list[first:last]))
        cluster = new(Cluster)   # Cluster(...) without the frozen dataclass's __init__
        cluster.__dict__.update(cluster_id=cluster_id, canonical_doc_id=canonical_doc,
                                canonical_passage_id=canonical_passage, size=len(ids),
                                doc_ids=ids, first_published=date)
        clusters.append(cluster)
    clusters.sort(key=lambda c: c.cluster_id)
    return clusters


class _StepClock:
    def __init__(self, timings: Optional[dict]):
        self._timings = timings
        self._last = time.perf_counter()

    def lap(self, step: str) -> None:
        now = time.perf_counter()
        if self._timings is not None:
            self._timings[step] = self._timings.get(step, 0.0) + now - self._last
        self._last = now


# --------------------------------------------------------------------------
# Beam wrapper.
# --------------------------------------------------------------------------

@dataclass(frozen=True)
class FlaggedDoc:
    """An article with its reuse results: what WriteTables turns into rows."""
    article: Article
    unique_text: str
    dup_ratio: float
    passages: tuple    # tuple[(Passage, PassageMatch | None), ...]


class FlagDuplicatePassages(beam.PTransform):
    """DocPassages -> {'articles': FlaggedDoc, 'clusters': ClusterBatch, 'index': DocSignature}.

    Clusters travel in batches (a shard's, or up to CLUSTER_BATCH of a run
    flagged in memory): a run has about 45 of them per article, small rows
    that cost Beam more to move one by one than to build.

    `index`: a PCollection of DocSignature from earlier runs, or None: then
    the 'index' output stays empty (a run without an index keeps none)."""

    def __init__(self, settings: DedupSettings = DedupSettings(), index=None):
        super().__init__()
        self._settings = settings
        self._index = index

    def expand(self, docs):
        settings = self._settings
        signer = PassageSignatures(settings.params)
        keep_index = self._index is not None
        # A run that fits in memory is flagged in one element: the sharded
        # steps below ship every signature through four shuffles, which
        # costs a small run more than the detection itself. The sharded
        # steps see nothing then, and the in-memory step nothing when the run
        # is too large to collect. Either way only signatures go there (numpy
        # arrays, cheap to move): articles are signed first, a step per
        # article that workers share, and wait in JoinResults for their part
        # of the reuse graph (labels and edges), from which their matches are
        # made and applied there, a step per article again.
        signed = docs | 'SignPassages' >> beam.Map(lambda doc: (doc, sign_doc(signer, doc)))
        docs = signed | 'Docs' >> beam.Map(lambda pair: pair[0])
        current = signed | 'Signatures' >> beam.Map(lambda pair: pair[1])
        items = current | 'TagDocs' >> beam.Map(lambda signature: [(_DOC, signature)])
        if self._index is not None:
            items = (items, self._index | 'TagIndex' >> beam.Map(lambda entry: [(_INDEX, entry)])
                     ) | 'DocsAndIndex' >> beam.Flatten()
        # No default for an empty run (see ResolveClusters: a default goes
        # through a side input of the whole run), so the flag has one. The
        # flag comes out of the same step as the results: every further
        # reader of the whole run would be another copy of it.
        in_memory = (
            items
            | 'WholeRunIfSmall' >> beam.CombineGlobally(ListsUpTo(settings.in_memory_articles)).without_defaults()
            | 'FlagInMemory' >> beam.ParDo(_FlagInMemory(settings, keep_index)).with_outputs(
                'clusters', 'index', TOO_LARGE, main='graph'))
        large = beam.pvalue.AsSingleton(in_memory[TOO_LARGE], default_value=False)
        current = current | 'SignedIfLarge' >> beam.FlatMap(pass_if, large)
        signatures = current
        if self._index is not None:
            index = self._index | 'IndexIfLarge' >> beam.FlatMap(pass_if, large)
            signatures = (current, index | 'NotSeenAgain' >> DropReingested(current)) | 'WithIndex' >> beam.Flatten()
        by_doc = signatures | 'KeySignatures' >> beam.Map(lambda s: (s.doc_id, s))
        # Coarse elements from here on: edges travel as one list per later
        # article, labels as one list per shard of ResolveClusters' last jump
        # (split per article for the join), cluster members as one list per
        # (article, shard of the canonical node).
        edges = (
            signatures
            | 'FindCandidatePairs' >> FindCandidatePairs(settings.shards)
            | 'VerifyCandidates' >> VerifyCandidates(by_doc, settings.policy))
        labels = (
            edges
            | 'EdgeNodes' >> beam.Map(lambda doc_edges: [(earlier, later) for earlier, later, _, _ in doc_edges])
            | 'ResolveClusters' >> ResolveClusters(settings.rounds, settings.shards, settings.in_memory_edges))

        duplicates = metrics.counter('duplicate_passages')
        shards = settings.shards

        def apply(item):
            doc_id, grouped = item
            graph_part = list(grouped['graph'])
            if graph_part:   # flagged in memory: its clusters and index entries come from there
                [(doc_labels, doc_edges)] = graph_part
            else:
                doc_labels = [label for batch in grouped['labels'] for label in batch]
                doc_edges = [edge for batch in grouped['edges'] for edge in batch]
            matches = passage_matches(doc_id, doc_labels, doc_edges)
            current_docs = list(grouped['docs'])
            if not graph_part:
                yield from (beam.pvalue.TaggedOutput('members', m)
                            for m in members_by_shard(doc_id, bool(current_docs), doc_labels, ShardOf(shards)).items())
            for signature in grouped['signatures'] if keep_index else ():
                if current_docs:
                    yield beam.pvalue.TaggedOutput('index', index_entries(signature, matches))
                elif signature.from_index:
                    yield beam.pvalue.TaggedOutput('index', signature)
            for doc in current_docs:
                unique_text, dup_ratio, rows = apply_matches(doc, matches)
                duplicates.inc(sum(1 for _, m in rows if m is not None and m.is_duplicate))
                yield FlaggedDoc(doc.article, unique_text, dup_ratio, tuple(rows))

        applied = (
            {'docs': docs | 'KeyDocs' >> beam.Map(lambda d: (d.article.doc_id, d)),
             'graph': in_memory.graph,
             'signatures': by_doc,
             'labels': labels | 'LabelsByDoc' >> beam.FlatMap(labels_by_doc),
             'edges': edges | 'EdgesByDoc' >> beam.FlatMap(
                 lambda rows: [(doc_id, edges_to_wire(doc_edges)) for doc_id, doc_edges in edges_by_doc(edges_from_wire(rows))])}
            | 'JoinResults' >> beam.CoGroupByKey()
            | 'ApplyMatches' >> beam.FlatMap(apply).with_outputs('members', 'index', main='articles'))

        clusters_counter = metrics.counter('clusters')

        def cluster(item):
            built = clusters_of_shard(item[1])
            clusters_counter.inc(len(built))
            if built:
                yield ClusterBatch(tuple(built))

        clusters = (
            applied.members
            | 'GroupClusters' >> beam.GroupByKey()
            | 'BuildClusters' >> beam.FlatMap(cluster))
        return {'articles': applied.articles,
                'clusters': (in_memory.clusters, clusters) | 'AllClusters' >> beam.Flatten(),
                'index': (in_memory.index, applied.index) | 'AllIndex' >> beam.Flatten()}


_DOC, _INDEX = 'doc', 'index'


def flag_run(docs: Sequence[DocPassages], index: Sequence[DocSignature] = (),
             settings: DedupSettings = DedupSettings()):
    """A whole run's reuse results, for a run held in memory: (FlaggedDoc
    per article, Cluster rows, the dedup index's entries, ReuseResult).
    What FlagDuplicatePassages gives, in one call: the reference its steps
    are tested against."""
    docs = sorted(docs, key=lambda doc: doc.article.doc_id)
    result = detect_reuse(docs, settings, sorted(index, key=lambda entry: entry.doc_id))
    flagged = []
    for doc in docs:
        unique_text, dup_ratio, rows = apply_matches(doc, result.matches.get(doc.article.doc_id, ()))
        flagged.append(FlaggedDoc(doc.article, unique_text, dup_ratio, tuple(rows)))
    return flagged, result.clusters, run_index_entries(result, index), result


def run_index_entries(result: ReuseResult, index: Sequence[DocSignature]) -> List[DocSignature]:
    """The dedup index after a run: the run's articles' passages that are not
    copies, and the earlier entries of articles the run did not see again."""
    entries = [index_entries(signature, result.matches.get(doc_id, ()))
               for doc_id, signature in sorted(result.signatures.items())]
    return entries + [entry for entry in index if entry.doc_id not in result.signatures and entry.from_index]


@contextmanager
def _collector_paused():
    """The cyclic collector off while a whole run is flagged. Flagging makes
    hundreds of thousands of edges, labels and clusters (none in a cycle)
    that live until the step ends: each full collection they trigger walks
    them all again and frees nothing (measured on 2,373 bench articles: the
    collector took 3.0 s of the step, 0.2 s with this). Garbage made
    meanwhile is collected after."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class _FlagInMemory(beam.DoFn):
    """The run's tagged signatures and index entries in one list (or None:
    too many) -> (doc_id, (its labels, its edges on the wire)) for every
    article with a verified edge, with Cluster rows and index entries on the
    side. The matches are made from labels and edges per article, after
    this step: the part of the work that the workers can share."""

    def __init__(self, settings: DedupSettings, keep_index: bool):
        self._settings = settings
        self._keep_index = keep_index
        self._clusters = metrics.counter('clusters')
        self._pairs = metrics.counter('dedup_candidate_pairs')
        self._verified = metrics.counter('dedup_verified_pairs')
        self._in_memory = metrics.counter('dedup_runs_in_memory')

    def process(self, collected):
        whole = collected.items
        yield beam.pvalue.TaggedOutput(TOO_LARGE, whole is None)
        if whole is None:
            return
        self._in_memory.inc()
        current = {item.doc_id: item for tag, item in sorted(whole, key=lambda pair: pair[1].doc_id)
                   if tag == _DOC}   # combiners merge in any order
        index = sorted((item for tag, item in whole if tag == _INDEX), key=lambda entry: entry.doc_id)
        with _collector_paused():
            # the index entries need the matches now; otherwise they are made per article
            result = reuse_of_signatures(current, self._settings, index, with_matches=self._keep_index)
        self._pairs.inc(result.candidate_pairs)
        self._verified.inc(len(result.edges))
        self._clusters.inc(len(result.clusters))
        for doc_id in current:
            labels = result.doc_labels.get(doc_id)
            if labels:
                yield doc_id, (labels, edges_to_wire(result.doc_edges.get(doc_id, ())))
        for start in range(0, len(result.clusters), CLUSTER_BATCH):
            yield beam.pvalue.TaggedOutput('clusters', ClusterBatch(tuple(result.clusters[start:start + CLUSTER_BATCH])))
        for entry in run_index_entries(result, index) if self._keep_index else ():
            yield beam.pvalue.TaggedOutput('index', entry)


class DropReingested(beam.PTransform):
    """Index signatures whose article is in this run again: the run's own
    signature replaces them, so an article never matches itself."""

    def __init__(self, current):
        super().__init__()
        self._current = current

    def expand(self, index):
        def keep(item):
            _, grouped = item
            if not list(grouped['current']):
                yield from grouped['index']

        return (
            {'index': index | 'KeyIndex' >> beam.Map(lambda s: (s.doc_id, s)),
             'current': self._current | 'CurrentIds' >> beam.Map(lambda s: (s.doc_id, None))}
            | 'JoinCurrent' >> beam.CoGroupByKey()
            | 'KeepOthers' >> beam.FlatMap(keep))
