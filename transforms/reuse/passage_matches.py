"""From the reuse graph to rows: an article's passage matches from its
nodes' canonical labels and the edges touching them, the cluster rows, the
article's unique_text and dup_ratio, and what the dedup index keeps of it.
Plain functions, shared by the sharded Beam steps, the in-memory path
(detect_reuse.py) and the streaming job (remember_passages.py)."""
from __future__ import annotations

import functools
import hashlib
import re
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

from transforms.common.records import Cluster, DocPassages, PassageMatch
from transforms.reuse.passage_signatures import DocSignature, node_published_date, parse_node_key
from transforms.reuse.reuse_clusters import ShardOf
from transforms.reuse.verify_candidates import ReuseEdge
from transforms.text.split_passages import passage_id


def node_date(node: str):
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
