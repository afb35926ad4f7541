"""Reuse detection on a run held in memory: the plain functions the Beam
steps run, on the whole run's signatures at once as arrays (`SignatureTable`).

`detect_reuse` is the reference the Beam graph is tested against and what
`make eval` scores; `reuse_of_signatures` is what FlagDuplicatePassages runs
in one element for a run of up to `--dedup-memory-articles` articles (and
index entries); `flag_run` gives what the whole step gives, in one call."""
from __future__ import annotations

import gc
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence

import numpy as np

from transforms.common.records import Cluster, DocPassages, FlaggedDoc, PassageMatch
from transforms.reuse.candidate_pairs import key_ranks, table_pairs
from transforms.reuse.dedup_settings import DedupSettings
from transforms.reuse.passage_matches import (apply_matches, cluster_identity, index_entries, node_date,
                                              passage_matches)
from transforms.reuse.passage_signatures import DocSignature, PassageSignatures, sign_doc, signature_table
from transforms.reuse.verify_candidates import ReuseEdge, edges_to_wire, verify_table


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
    clock = StepClock(timings)
    signer = PassageSignatures(settings.params)
    current = {doc.article.doc_id: (signed or {}).get(doc.article.doc_id) or sign_doc(signer, doc) for doc in docs}
    clock.lap('sign')
    return reuse_of_signatures(current, settings, index, clock)


def reuse_of_signatures(current: Dict[str, DocSignature], settings: DedupSettings = DedupSettings(),
                        index: Sequence[DocSignature] = (), clock: Optional['StepClock'] = None,
                        with_matches: bool = True) -> ReuseResult:
    """`detect_reuse` from the run's signatures (by doc_id): all it needs of
    the articles. `with_matches=False` leaves `matches` empty: the caller
    makes them per article from `doc_labels` and `doc_edges`."""
    clock = clock or StepClock(None)
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


class StepClock:
    """Seconds spent in each step, added up into `timings` (when given)."""

    def __init__(self, timings: Optional[dict]):
        self._timings = timings
        self._last = time.perf_counter()

    def lap(self, step: str) -> None:
        now = time.perf_counter()
        if self._timings is not None:
            self._timings[step] = self._timings.get(step, 0.0) + now - self._last
        self._last = now


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
def collector_paused():
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
