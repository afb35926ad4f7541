"""FindCandidatePairs: passages that share an LSH band key, as candidate
pairs for verification. No all-pairs step anywhere.

Band keys travel in shards: a batch of articles sends each shard one
`BandBlock` (numpy arrays of keys and owners) instead of one element per key,
and a shard finds its collisions by sorting. Memory per shard is about
16 bytes x passages x bands / shards; raise `--dedup-shards` with the corpus.

A bucket of n colliding passages gives at most 2n pairs, never n^2: every
member is paired with the bucket's earliest member (the likely canonical) and
with its predecessor in rank order (so a member still connects when the
earliest is a chance collision that verification rejects). A passage
reprinted by 500 outlets costs 1000 verifications per band, not 125,000.
"""
from __future__ import annotations

import itertools
import zlib
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
    doc: np.ndarray       # int32 (m,): position in `docs`
    row: np.ndarray       # int32 (m,): row in that article's signature
    docs: tuple           # per article: (node key prefix, passage indexes of its rows, doc_id)


def band_blocks(signatures: Sequence[DocSignature], shards: int) -> Dict[int, BandBlock]:
    """Split the band keys of some signed articles by shard (key mod shards)."""
    signatures = [s for s in signatures if len(s.band_keys)]
    if not signatures:
        return {}
    bands = signatures[0].band_keys.shape[1]
    keys = np.concatenate([s.band_keys.ravel() for s in signatures])
    doc = np.concatenate([np.full(s.band_keys.size, d, np.int32) for d, s in enumerate(signatures)])
    row = np.concatenate([np.repeat(s.signed_rows().astype(np.int32), bands) for s in signatures])
    docs = tuple((node_prefix(s.published_date, s.doc_id, s.first_seen), s.indexes, s.doc_id) for s in signatures)
    shard = (keys % np.uint64(shards)).astype(np.int64)
    order = np.argsort(shard.astype(np.uint16) if shards <= 65536 else shard, kind='stable')
    bounds = np.searchsorted(shard[order], np.arange(shards + 1))
    blocks = {}
    for k in range(shards):
        take = order[bounds[k]:bounds[k + 1]]
        if len(take):
            blocks[k] = BandBlock(keys[take], doc[take], row[take], docs)
    return blocks


def candidate_pairs(blocks: Iterable[BandBlock]) -> List[Tuple[str, int, str, int]]:
    """Unique (earlier doc_id, its passage index, later doc_id, its passage
    index) of passages in different articles that share a band key, in rank
    order of the earlier passage (so each earlier article's pairs are
    consecutive). A pair colliding in several bands of this shard appears
    once; verification drops the repeats from other shards."""
    pairs, doc_by_rank = ranked_pairs(blocks)
    return [(doc_by_rank[a >> 32], a & 0xFFFFFFFF, doc_by_rank[b >> 32], b & 0xFFFFFFFF) for a, b in pairs.tolist()]


def ranked_pairs(blocks: Iterable[BandBlock]) -> Tuple[np.ndarray, list]:
    """`candidate_pairs` as numbers: an (m, 2) int64 array of (earlier, later)
    passages, each (article rank << 32 | passage index), and the doc_id of
    each article rank."""
    keys, docs, rows, doc_info = [], [], [], []
    for block in blocks:
        keys.append(block.keys)
        docs.append(block.doc.astype(np.int64) + len(doc_info))
        rows.append(block.row)
        doc_info.extend(block.docs)
    if not keys:
        return np.empty((0, 2), np.int64), []
    keys = np.concatenate(keys)
    order = np.argsort(keys)
    sorted_keys = keys[order]
    starts = np.flatnonzero(np.concatenate(([True], sorted_keys[1:] != sorted_keys[:-1])))
    sizes = np.diff(np.concatenate((starts, [len(keys)])))
    in_bucket = np.repeat(sizes >= 2, sizes)
    members = order[in_bucket]
    if len(members) == 0:
        return np.empty((0, 2), np.int64), []
    bucket = np.repeat(np.arange(len(starts)), sizes)[in_bucket]
    member_docs, member_rows = np.concatenate(docs)[members], np.concatenate(rows)[members]
    # Rank members numerically: articles by their node key prefix (date, then
    # doc_id), passages by index inside them. Strings are built only for the
    # passages that end up in pairs.
    distinct_docs, doc_slot = np.unique(member_docs, return_inverse=True)
    prefixes = [doc_info[d][0] for d in distinct_docs.tolist()]
    doc_rank = np.empty(len(prefixes), np.int64)
    doc_rank[sorted(range(len(prefixes)), key=prefixes.__getitem__)] = np.arange(len(prefixes))
    doc_slot = doc_slot.ravel()
    row_indexes = [doc_info[d][1] for d in distinct_docs.tolist()]   # passage index of each signed row
    first_row = np.concatenate(([0], np.cumsum([len(r) for r in row_indexes])[:-1])).astype(np.int64)
    index = np.concatenate(row_indexes).astype(np.int64)[first_row[doc_slot] + member_rows]
    rank = (doc_rank[doc_slot] << 32) | index
    by_bucket_rank = np.lexsort((rank, bucket))
    bucket, rank = bucket[by_bucket_rank], rank[by_bucket_rank]
    first = np.concatenate(([True], bucket[1:] != bucket[:-1]))
    head = rank[np.flatnonzero(first)][np.cumsum(first) - 1]
    previous = np.concatenate(([-1], rank[:-1]))
    earlier = np.concatenate([head[~first], previous[~first]])
    later = np.concatenate([rank[~first], rank[~first]])
    keep = (earlier >> 32) != (later >> 32)          # passages of two different articles
    earlier, later = earlier[keep], later[keep]
    order = np.lexsort((later, earlier))
    earlier, later = earlier[order], later[order]
    fresh = np.concatenate(([True], (earlier[1:] != earlier[:-1]) | (later[1:] != later[:-1])))[:len(earlier)]
    pairs = np.stack([earlier[fresh], later[fresh]], 1)
    doc_by_rank = [None] * len(prefixes)
    for slot, r in enumerate(doc_rank.tolist()):
        doc_by_rank[r] = doc_info[distinct_docs[slot]][2]
    return pairs, doc_by_rank


def doc_shard(doc_id: str, shards: int) -> int:
    """The shard an earlier article's candidate pairs gather in (stable across processes)."""
    return zlib.crc32(doc_id.encode('utf-8')) % shards


def pairs_by_doc_shard(pairs: Sequence[Tuple[str, int, str, int]], shards: int) -> Dict[int, list]:
    """One shard's candidate pairs (as candidate_pairs gives them), on their
    way to the shards of their earlier articles: doc shard -> [(earlier
    doc_id, [(its passage index, later doc_id, later passage index), ...]), ...]."""
    out: Dict[int, list] = {}
    for earlier_doc, group in itertools.groupby(pairs, key=lambda p: p[0]):
        out.setdefault(doc_shard(earlier_doc, shards), []).append(
            (earlier_doc, [(i, later_doc, j) for _, i, later_doc, j in group]))
    return out


def merge_doc_pairs(batches: Iterable[Sequence[Tuple[str, list]]]) -> List[Tuple[str, list]]:
    """(earlier doc_id, all its candidate pairs from every band shard), by doc_id."""
    merged: Dict[str, list] = {}
    for batch in batches:
        for earlier_doc, pairs in batch:
            merged.setdefault(earlier_doc, []).extend(pairs)
    return sorted(merged.items())


class FindCandidatePairs(beam.PTransform):
    """DocSignature -> (earlier doc_id, [(its passage index, later doc_id, later passage index), ...]):
    the candidate pairs of every band shard, one element per earlier article.

    Band shards send their pairs on as one list per shard of earlier
    articles (`doc_shard`), which merges them per article: shards^2
    elements in between, not one per (band shard, article)."""

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
            return pairs_by_doc_shard(pairs, shards).items()

        return (
            signatures
            | 'Batch' >> beam.BatchElements(min_batch_size=16, max_batch_size=512)
            | 'ToShards' >> beam.FlatMap(lambda batch: band_blocks(batch, shards).items())
            | 'GroupByShard' >> beam.GroupByKey()
            | 'Collide' >> beam.FlatMap(find)
            | 'GroupByDocShard' >> beam.GroupByKey()
            | 'PairsByDoc' >> beam.FlatMap(lambda item: merge_doc_pairs(item[1])))
