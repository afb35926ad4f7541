"""VerifyCandidates: a candidate pair becomes a reuse edge only when the
true shingle sets agree, never on the band collision alone.

A pair is verified when its Jaccard similarity is at least `min_jaccard`
(edits: a title added, a word dropped or changed) or when the smaller
passage is almost wholly contained in the larger (`min_containment`: a
sentence quoted inside a longer one, "..., the AP reported").

Copied blocks are followed passage by passage: from every verified pair the
run grows to the neighbours on both sides while they match, so the headings,
list items and short sentences of a reprinted block (too short to have
shingles of their own) are flagged with it.

Short passages need context: a candidate pair whose smaller side has fewer
than `context_words` words counts only next to another passage of the later
article matched to the same earlier article. Formulaic sentences ("The
company did not immediately respond to a request for comment.") recur across
unrelated stories; a reprinted short sentence arrives with its neighbours.

The pair's two sides live in different articles, so verification joins
twice: the earlier article's signature (without band keys) is attached once
per later article it has candidates with, then judged beside the later
article's signature.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, Iterable, List, Sequence, Tuple

import apache_beam as beam

import numpy as np

from transforms.passage_signatures import DocSignature, shingle_overlap, shingle_overlaps

NAMESPACE = 'news_ingest'


@dataclass(frozen=True)
class VerifyPolicy:
    min_jaccard: float = 0.5
    min_containment: float = 0.8
    context_words: int = 15
    min_word_jaccard: float = 0.6     # short neighbours of a copied passage, on word sets


@dataclass(frozen=True)
class ReuseEdge:
    """Two passages verified as copies of each other; `earlier` ranks first."""
    earlier: str          # node key
    later: str            # node key
    similarity: float     # Jaccard of the shingle sets (word sets for short passages)
    containment: float


def edges_to_wire(edges: Iterable[ReuseEdge]) -> List[tuple]:
    """Edges as plain tuples for the trip between Beam steps. Beam's default
    coder encodes lists and tuples of str/float in C but pickles every
    dataclass on its own: 360,000 separate pickles on 600 bench articles,
    most of the dedup stage's encoding time."""
    return [(e.earlier, e.later, e.similarity, e.containment) for e in edges]


def edges_from_wire(rows: Iterable[tuple]) -> List[ReuseEdge]:
    return [ReuseEdge(*row) for row in rows]


@dataclass
class SourceDoc:
    """An earlier article (its signature without band keys) and its
    candidate pairs with one later article, as (earlier index, later index)."""
    signature: DocSignature
    pairs: tuple


def neighbour_similarity(a: DocSignature, i: int, b: DocSignature, j: int, policy: VerifyPolicy):
    """(Jaccard, containment) when passage i of `a` and j of `b`, next to a
    copied pair and in step with it, are copies too; (None, None) when not.
    In step with a copied block, a neighbour also counts when its word set
    matches (a short heading, or a sentence edited more than its shingles
    forgive)."""
    if a.offsets[i + 1] > a.offsets[i] and b.offsets[j + 1] > b.offsets[j]:
        jaccard, containment = shingle_overlap(a.shingle_set(i), b.shingle_set(j))
        if jaccard >= policy.min_jaccard or containment >= policy.min_containment:
            return jaccard, containment
    jaccard, containment = shingle_overlap(a.word_set(i), b.word_set(j))
    return (jaccard, containment) if jaccard >= policy.min_word_jaccard else (None, None)


def rows_of(signature: DocSignature, indexes: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
    """(rows, found): the signature's row of each passage index (its indexes
    are in article order), and whether the passage has a row at all."""
    rows = np.minimum(np.searchsorted(signature.indexes, indexes), max(len(signature) - 1, 0))
    found = (signature.indexes[rows] == indexes) if len(signature) else np.zeros(len(indexes), bool)
    return rows, found


def verify_source(later: DocSignature, source: DocSignature, pairs: Iterable[Tuple[int, int]],
                  policy: VerifyPolicy = VerifyPolicy()) -> List[ReuseEdge]:
    """The verified edges between one earlier article and a later one.

    1. Candidate pairs pass on Jaccard or containment of their shingles.
    2. Runs grow from the passed pairs to their neighbours on both sides, in
       step in both articles, while the neighbours match (shingles, or word
       sets when a side is too short to have shingles): headings, list items
       and short sentences of a copied block come with it.
    3. A passed pair with a short side (< context_words) counts only next to
       another matched passage of the same source in the later article."""
    strong, weak = {}, {}
    # in the order of the set: runs grow from the passed pairs in this order
    pairs = np.array(list(set(pairs)), np.int64).reshape(-1, 2)
    rows_i, found_i = rows_of(source, pairs[:, 0])
    rows_j, found_j = rows_of(later, pairs[:, 1])
    rows_i, rows_j = rows_i[found_i & found_j], rows_j[found_i & found_j]
    jaccards, containments = shingle_overlaps(source, rows_i, later, rows_j)
    passed = (jaccards >= policy.min_jaccard) | (containments >= policy.min_containment)
    shorts = np.minimum(source.n_words[rows_i], later.n_words[rows_j]) < policy.context_words
    for i, j, jaccard, containment, short in zip(rows_i[passed].tolist(), rows_j[passed].tolist(),
                                                 jaccards[passed].tolist(), containments[passed].tolist(),
                                                 shorts[passed].tolist()):
        (weak if short else strong)[i, j] = (jaccard, containment)

    matched = dict(strong)
    source_indexes, later_indexes = source.indexes.tolist(), later.indexes.tolist()
    n_source, n_later = len(source_indexes), len(later_indexes)

    def grow():
        frontier = list(matched)
        used_source, used_later = {i for i, _ in matched}, {j for _, j in matched}
        while frontier:
            i, j = frontier.pop()
            for step in (1, -1):
                ni, nj = i + step, j + step
                if not (0 <= ni < n_source and 0 <= nj < n_later) or ni in used_source or nj in used_later:
                    continue
                if source_indexes[ni] != source_indexes[i] + step or later_indexes[nj] != later_indexes[j] + step:
                    continue   # a passage without words lies between: not in step
                jaccard, containment = neighbour_similarity(source, ni, later, nj, policy)
                if jaccard is not None:
                    matched[ni, nj] = (jaccard, containment)
                    used_source.add(ni)
                    used_later.add(nj)
                    frontier.append((ni, nj))

    grow()
    while True:
        near = {j + d for _, j in matched for d in (-1, 1)}
        supported = {key: value for key, value in weak.items() if key not in matched and key[1] in near}
        if not supported:
            break
        matched.update(supported)
        grow()
    ordered = sorted(matched.items())
    earlier_nodes = source.node_keys([i for (i, _), _ in ordered])
    later_nodes = later.node_keys([j for (_, j), _ in ordered])
    return [ReuseEdge(earlier, later_node, round(float(jaccard), 4), round(float(containment), 4))
            for earlier, later_node, (_, (jaccard, containment)) in zip(earlier_nodes, later_nodes, ordered)]


def verify_pairs(later: DocSignature, sources: Iterable[SourceDoc],
                 policy: VerifyPolicy = VerifyPolicy()) -> List[ReuseEdge]:
    """The verified edges between `later`'s passages and all its candidate sources."""
    by_doc: Dict[str, list] = {}
    signature_of = {}
    for source in sources:
        signature_of[source.signature.doc_id] = source.signature
        by_doc.setdefault(source.signature.doc_id, []).extend(source.pairs)
    edges = []
    for doc_id in sorted(by_doc):
        if doc_id != later.doc_id:
            edges.extend(verify_source(later, signature_of[doc_id], by_doc[doc_id], policy))
    return sorted(edges, key=lambda e: (e.earlier, e.later))


def attach_sources(earlier: DocSignature, pairs: Iterable[Tuple[int, str, int]]) -> List[Tuple[str, SourceDoc]]:
    """(later doc_id, SourceDoc) for every later article paired with
    `earlier`; `pairs` are (earlier index, later doc_id, later index)."""
    by_later: Dict[str, set] = {}
    for earlier_index, later_doc, later_index in pairs:
        by_later.setdefault(later_doc, set()).add((earlier_index, later_index))
    lite = earlier.without_band_keys()
    return [(doc_id, SourceDoc(lite, tuple(sorted(p)))) for doc_id, p in sorted(by_later.items())]


def verify_in_memory(signatures: Dict[str, DocSignature], pairs: Iterable[Tuple[str, int, str, int]],
                     policy: VerifyPolicy = VerifyPolicy()) -> List[ReuseEdge]:
    """What VerifyCandidates computes, for a corpus held in memory; `pairs`
    as candidate_pairs gives them."""
    by_earlier_doc: Dict[str, list] = {}
    for earlier_doc, earlier_index, later_doc, later_index in pairs:
        by_earlier_doc.setdefault(earlier_doc, []).append((earlier_index, later_doc, later_index))
    by_later_doc: Dict[str, list] = {}
    for doc_id, doc_pairs in by_earlier_doc.items():
        for later_doc, source in attach_sources(signatures[doc_id], doc_pairs):
            by_later_doc.setdefault(later_doc, []).append(source)
    edges = []
    for doc_id in sorted(by_later_doc):
        edges.extend(verify_pairs(signatures[doc_id], by_later_doc[doc_id], policy))
    return edges


class VerifyCandidates(beam.PTransform):
    """(earlier doc_id, [(index, later doc_id, later index), ...]) candidate
    pairs, with DocSignature keyed by doc_id -> [(earlier, later, similarity,
    containment), ...]: one list per later article that has verified edges
    (its edges with all sources, as `edges_to_wire` gives them)."""

    def __init__(self, signatures_by_doc, policy: VerifyPolicy = VerifyPolicy()):
        super().__init__()
        self._signatures = signatures_by_doc
        self._policy = policy

    def expand(self, pairs):
        policy = self._policy
        verified = beam.metrics.Metrics.counter(NAMESPACE, 'dedup_verified_pairs')

        def attach(item):
            _, grouped = item
            doc_pairs = [pair for shard_pairs in grouped['pairs'] for pair in shard_pairs]
            for signature in grouped['signatures']:
                yield from attach_sources(signature, doc_pairs)

        def verify(item):
            _, grouped = item
            sources = list(grouped['sources'])
            for signature in grouped['signatures']:
                edges = verify_pairs(signature, sources, policy)
                verified.inc(len(edges))
                if edges:
                    yield edges_to_wire(edges)

        with_sources = (
            {'pairs': pairs, 'signatures': self._signatures}
            | 'JoinEarlier' >> beam.CoGroupByKey()
            | 'AttachSources' >> beam.FlatMap(attach))
        return (
            {'sources': with_sources, 'signatures': self._signatures}
            | 'JoinLater' >> beam.CoGroupByKey()
            | 'Verify' >> beam.FlatMap(verify))
