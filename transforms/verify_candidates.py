"""VerifyCandidates: a candidate pair becomes a reuse edge only when the
true shingle sets agree, never on the band collision alone.

A pair is verified when its Jaccard similarity is at least `min_jaccard`
(edits: a title added, a word dropped or changed) or when the smaller
passage is almost wholly contained in the larger (`min_containment`: a
sentence quoted inside a longer one, "..., the AP reported").

Short passages need context: a pair whose smaller side has fewer than
`context_words` words counts only when a neighbouring passage of the later
article was verified against the same earlier article. Formulaic sentences
("The company did not immediately respond to a request for comment.") recur
across unrelated stories; a reprinted short sentence arrives with its
neighbours.

The pair's two sides live in different articles, so verification joins
twice: the earlier article's shingles are attached first, then the pair is
judged beside the later article's signature.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, Iterable, List, Sequence, Tuple

import apache_beam as beam
import numpy as np

from transforms.passage_signatures import DocSignature, parse_node_key, shingle_overlap

NAMESPACE = 'news_ingest'


@dataclass(frozen=True)
class VerifyPolicy:
    min_jaccard: float = 0.5
    min_containment: float = 0.8
    context_words: int = 15


@dataclass(frozen=True)
class ReuseEdge:
    """Two passages verified as copies of each other; `earlier` ranks first."""
    earlier: str          # node key
    later: str            # node key
    similarity: float     # Jaccard of the shingle sets
    containment: float


@dataclass(frozen=True)
class SourceSide:
    """The earlier side of a candidate pair, carried to the later article."""
    node: str
    later_index: int
    shingles: np.ndarray
    n_words: int


def verify_pairs(later: DocSignature, sources: Iterable[SourceSide],
                 policy: VerifyPolicy = VerifyPolicy()) -> List[ReuseEdge]:
    """The verified edges between `later`'s passages and their candidate sources."""
    row_of = later.position_of()
    seen, passed = set(), []
    for source in sources:
        key = (source.node, source.later_index)
        row = row_of.get(source.later_index)
        if key in seen or row is None:
            continue
        seen.add(key)
        jaccard, containment = shingle_overlap(source.shingles, later.shingle_set(row))
        if jaccard >= policy.min_jaccard or containment >= policy.min_containment:
            short = min(source.n_words, int(later.n_words[row])) < policy.context_words
            passed.append((source.node, row, jaccard, containment, short))
    supported = {}
    for node, row, *_ in passed:
        supported.setdefault(parse_node_key(node)[0], set()).add(int(later.indexes[row]))
    edges = []
    for node, row, jaccard, containment, short in passed:
        index = int(later.indexes[row])
        if short and not ({index - 1, index + 1} & supported[parse_node_key(node)[0]]):
            continue
        edges.append(ReuseEdge(node, later.node(row), round(float(jaccard), 4), round(float(containment), 4)))
    return sorted(edges, key=lambda e: (e.earlier, e.later))


def attach_sources(earlier: DocSignature, pairs: Iterable[Tuple[str, str]]) -> List[Tuple[str, SourceSide]]:
    """(later doc_id, SourceSide) for every pair whose earlier side is in `earlier`."""
    row_of = earlier.position_of()
    out = []
    for earlier_node, later_node in pairs:
        row = row_of.get(parse_node_key(earlier_node)[1])
        if row is None:
            continue
        later_doc, later_index = parse_node_key(later_node)
        out.append((later_doc, SourceSide(earlier_node, later_index, earlier.shingle_set(row),
                                          int(earlier.n_words[row]))))
    return out


def verify_in_memory(signatures: Dict[str, DocSignature], pairs: Sequence[Tuple[str, str]],
                     policy: VerifyPolicy = VerifyPolicy()) -> List[ReuseEdge]:
    """What VerifyCandidates computes, for a corpus held in memory."""
    by_earlier_doc: Dict[str, list] = {}
    for pair in pairs:
        by_earlier_doc.setdefault(parse_node_key(pair[0])[0], []).append(pair)
    by_later_doc: Dict[str, list] = {}
    for doc_id, doc_pairs in by_earlier_doc.items():
        for later_doc, side in attach_sources(signatures[doc_id], doc_pairs):
            by_later_doc.setdefault(later_doc, []).append(side)
    edges = []
    for doc_id in sorted(by_later_doc):
        edges.extend(verify_pairs(signatures[doc_id], by_later_doc[doc_id], policy))
    return edges


class VerifyCandidates(beam.PTransform):
    """(candidate pairs, DocSignature keyed by doc_id) -> ReuseEdge."""

    def __init__(self, signatures_by_doc, policy: VerifyPolicy = VerifyPolicy()):
        super().__init__()
        self._signatures = signatures_by_doc
        self._policy = policy

    def expand(self, pairs):
        policy = self._policy
        verified = beam.metrics.Metrics.counter(NAMESPACE, 'dedup_verified_pairs')
        rejected = beam.metrics.Metrics.counter(NAMESPACE, 'dedup_rejected_pairs')

        def attach(item):
            _, grouped = item
            doc_pairs = list(grouped['pairs'])
            for signature in grouped['signatures']:
                yield from attach_sources(signature, doc_pairs)

        def verify(item):
            _, grouped = item
            sources = list(grouped['sources'])
            for signature in grouped['signatures']:
                edges = verify_pairs(signature, sources, policy)
                verified.inc(len(edges))
                rejected.inc(len({(s.node, s.later_index) for s in sources}) - len(edges))
                yield from edges

        with_sources = (
            {'pairs': pairs | 'KeyByEarlierDoc' >> beam.Map(lambda p: (parse_node_key(p[0])[0], p)),
             'signatures': self._signatures}
            | 'JoinEarlier' >> beam.CoGroupByKey()
            | 'AttachSources' >> beam.FlatMap(attach))
        return (
            {'sources': with_sources, 'signatures': self._signatures}
            | 'JoinLater' >> beam.CoGroupByKey()
            | 'Verify' >> beam.FlatMap(verify))
