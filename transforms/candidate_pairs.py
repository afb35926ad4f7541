"""FindCandidatePairs: passages that share an LSH band key, as candidate
pairs for verification. No all-pairs step anywhere.

Band keys travel in shards: a batch of articles sends each shard one
`BandBlock` (numpy arrays of keys and owners) instead of one element per key,
and a shard finds its collisions by sorting. Memory per shard is about
24 bytes x passages x bands / shards; raise `--dedup-shards` with the corpus.

A bucket of n colliding passages gives at most 2n pairs, never n^2: every
member is paired with the bucket's earliest member (the likely canonical) and
with its predecessor in rank order (so a member still connects when the
earliest is a chance collision that verification rejects). A passage
reprinted by 500 outlets costs 1000 verifications per band, not 125,000.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, Iterable, List, Sequence, Tuple

import apache_beam as beam
import numpy as np

from transforms.passage_signatures import DocSignature, node_prefix

NAMESPACE = 'news_ingest'
DEFAULT_SHARDS = 64


@dataclass
class BandBlock:
    """Band keys of a batch of articles that fall in one shard."""
    keys: np.ndarray      # uint64 (m,)
    doc: np.ndarray       # int32 (m,): position in `nodes_of`
    row: np.ndarray       # int32 (m,): row in that article's signature
    docs: tuple           # per article: (node key prefix, passage indexes of its rows)


def band_blocks(signatures: Sequence[DocSignature], shards: int) -> Dict[int, BandBlock]:
    """Split the band keys of some signed articles by shard (key mod shards)."""
    signatures = [s for s in signatures if len(s.band_keys)]
    if not signatures:
        return {}
    bands = signatures[0].band_keys.shape[1]
    keys = np.concatenate([s.band_keys.ravel() for s in signatures])
    doc = np.concatenate([np.full(s.band_keys.size, d, np.int32) for d, s in enumerate(signatures)])
    row = np.concatenate([np.repeat(s.signed_rows().astype(np.int32), bands) for s in signatures])
    docs = tuple((node_prefix(s.published_date, s.doc_id), s.indexes) for s in signatures)
    shard = (keys % np.uint64(shards)).astype(np.int64)
    order = np.argsort(shard.astype(np.uint16) if shards <= 65536 else shard, kind='stable')
    bounds = np.searchsorted(shard[order], np.arange(shards + 1))
    blocks = {}
    for k in range(shards):
        take = order[bounds[k]:bounds[k + 1]]
        if len(take):
            blocks[k] = BandBlock(keys[take], doc[take], row[take], docs)
    return blocks


def candidate_pairs(blocks: Iterable[BandBlock]) -> List[Tuple[str, str]]:
    """Sorted unique (earlier node, later node) pairs of passages in different
    articles that share a band key."""
    keys, docs, rows, doc_info = [], [], [], []
    for block in blocks:
        keys.append(block.keys)
        docs.append(block.doc.astype(np.int64) + len(doc_info))
        rows.append(block.row)
        doc_info.extend(block.docs)
    if not keys:
        return []
    keys = np.concatenate(keys)
    order = np.argsort(keys)
    sorted_keys = keys[order]
    starts = np.flatnonzero(np.concatenate(([True], sorted_keys[1:] != sorted_keys[:-1])))
    sizes = np.diff(np.concatenate((starts, [len(keys)])))
    in_bucket = np.repeat(sizes >= 2, sizes)
    members = order[in_bucket]
    if len(members) == 0:
        return []
    bucket = np.repeat(np.arange(len(starts)), sizes)[in_bucket]
    member_docs, member_rows = np.concatenate(docs)[members], np.concatenate(rows)[members]
    # Rank each distinct member passage once (a copied passage sits in most
    # of its bands' buckets), then order each bucket by rank.
    passages, inverse = np.unique((member_docs << 32) | member_rows.astype(np.int64), return_inverse=True)
    nodes = [doc_info[d][0] + f'{int(doc_info[d][1][r]):06d}'
             for d, r in zip((passages >> 32).tolist(), (passages & 0xFFFFFFFF).tolist())]
    by_rank = sorted(range(len(nodes)), key=nodes.__getitem__)
    rank_of = np.empty(len(nodes), np.int64)
    rank_of[by_rank] = np.arange(len(nodes))
    rank = rank_of[inverse.ravel()]
    distinct = [nodes[i] for i in by_rank]
    by_bucket_rank = np.lexsort((rank, bucket))
    bucket, rank = bucket[by_bucket_rank], rank[by_bucket_rank]
    first = np.concatenate(([True], bucket[1:] != bucket[:-1]))
    head = rank[np.flatnonzero(first)][np.cumsum(first) - 1]
    previous = np.concatenate(([-1], rank[:-1]))
    pairs = np.concatenate([np.stack([head, rank], 1)[~first], np.stack([previous, rank], 1)[~first]])
    pairs = np.unique(pairs[pairs[:, 0] != pairs[:, 1]], axis=0)
    doc_of = (passages >> 32)[by_rank]
    pairs = pairs[doc_of[pairs[:, 0]] != doc_of[pairs[:, 1]]]
    return [(distinct[a], distinct[b]) for a, b in pairs.tolist()]


class FindCandidatePairs(beam.PTransform):
    """DocSignature -> (earlier node, later node) candidate pairs."""

    def __init__(self, shards: int = DEFAULT_SHARDS):
        super().__init__()
        self._shards = shards

    def expand(self, signatures):
        shards = self._shards
        pairs_counter = beam.metrics.Metrics.counter(NAMESPACE, 'dedup_candidate_pairs')
        # The in-memory reference (flag_duplicates.detect_reuse) batches the same way.

        def find(item):
            _, blocks = item
            pairs = candidate_pairs(blocks)
            pairs_counter.inc(len(pairs))
            return pairs

        return (
            signatures
            | 'Batch' >> beam.BatchElements(min_batch_size=16, max_batch_size=512)
            | 'ToShards' >> beam.FlatMap(lambda batch: band_blocks(batch, shards).items())
            | 'GroupByShard' >> beam.GroupByKey()
            | 'Collide' >> beam.FlatMap(find))

