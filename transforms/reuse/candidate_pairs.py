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

from transforms.common import metrics
from transforms.reuse.passage_signatures import DocSignature, SignatureTable, node_prefix

DEFAULT_SHARDS = 64
SIGN_BATCH = 512   # signed articles per batch on their way to the shards (at most)


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


#: band keys collided at once by `table_pairs` (about 40 bytes each at the peak)
KEY_BUDGET = 4_000_000


def rank_order(table: SignatureTable) -> Tuple[List[int], np.ndarray]:
    """(articles, rows) of `table` in the order candidate_pairs ranks
    passages in: articles by node key prefix, passages by index."""
    signatures = table.signatures
    prefixes = [node_prefix(s.published_date, s.doc_id, s.first_seen) for s in signatures]
    doc_rank = sorted(range(len(signatures)), key=prefixes.__getitem__)
    row_of_rank = np.concatenate([np.arange(table.base[d], table.base[d + 1]) for d in doc_rank] or
                                 [np.zeros(0, np.int64)]).astype(np.int64)
    return doc_rank, row_of_rank


def key_ranks(table: SignatureTable, keys: Sequence[str]) -> np.ndarray:
    """The rank of every row's node key (`keys`) among them all, in string
    order: rank_order's, unless a key prefix is a prefix of another or an
    index has more than six digits (then the keys are sorted)."""
    _, row_of_rank = rank_order(table)
    prefixes = sorted(node_prefix(s.published_date, s.doc_id, s.first_seen) for s in table.signatures)
    rank = np.empty(len(keys), np.int64)
    if (any(b.startswith(a) for a, b in zip(prefixes, prefixes[1:]))
            or (len(table.indexes) and (table.indexes.max() >= 10 ** 6 or table.indexes.min() < 0))):
        rank[np.array(sorted(range(len(keys)), key=keys.__getitem__), np.int64)] = np.arange(len(keys))
    else:
        rank[row_of_rank] = np.arange(len(keys))
    return rank


def table_pairs(table: SignatureTable, shards: int, budget: int = KEY_BUDGET) -> Tuple[np.ndarray, np.ndarray, int]:
    """The candidate pairs of a whole run held in memory, as the rows of
    `table` (its signatures with band keys): (earlier rows, later rows,
    shard pairs). The pairs are those `candidate_pairs` finds in every shard
    of the run's band keys (`band_blocks`), without the repeats of a pair from
    several shards, ordered by (later article, earlier row, later row);
    `shard pairs` counts them as FindCandidatePairs does: a pair once per
    shard it comes from. A bucket (one band key) lives in one shard, so the
    shards are collided together, in groups of at most `budget` keys."""
    signatures = table.signatures
    doc_rank, row_of_rank = rank_order(table)
    rank_of_row = np.empty(len(row_of_rank), np.int64)
    rank_of_row[row_of_rank] = np.arange(len(row_of_rank))
    rank_doc = table.doc[row_of_rank]
    keys, key_rank = [], []
    for d in doc_rank:
        s = signatures[d]
        if len(s.band_keys):
            keys.append(s.band_keys.ravel())
            key_rank.append(np.repeat(rank_of_row[table.base[d] + s.signed_rows()], s.band_keys.shape[1]))
    empty = np.zeros(0, np.int64)
    if not keys:
        return empty, empty, 0
    keys, key_rank = np.concatenate(keys), np.concatenate(key_rank)
    n_rows = len(row_of_rank)
    shard = keys % np.uint64(shards)
    shard = shard.astype(np.uint16) if shards <= 65536 else shard.astype(np.int64)
    counts = np.bincount(shard, minlength=shards).tolist()
    groups, start, size = [], 0, 0
    for k, count in enumerate(counts):
        if size and size + count > budget:
            groups.append((start, k))
            start, size = k, 0
        size += count
    groups.append((start, shards))
    found, shard_pairs = [], 0
    packed = n_rows * n_rows * shards < 2 ** 62
    for low, high in groups:
        if len(groups) == 1:
            group_keys, group_rank = keys, key_rank
        else:
            take = np.flatnonzero((shard >= low) & (shard < high))
            group_keys, group_rank = keys[take], key_rank[take]
        earlier, later, pair_shard = _bucket_pairs(group_keys, group_rank, rank_doc, shards)
        if packed:
            code = _distinct((earlier * n_rows + later) * shards + pair_shard)
            shard_pairs += len(code)
            found.append(_distinct(code // shards))
        else:
            order = np.lexsort((pair_shard, later, earlier))
            earlier, later, pair_shard = earlier[order], later[order], pair_shard[order]
            fresh = np.concatenate(([True], (earlier[1:] != earlier[:-1]) | (later[1:] != later[:-1])
                                    | (pair_shard[1:] != pair_shard[:-1])))[:len(earlier)]
            shard_pairs += int(fresh.sum())
            found.append(np.stack([earlier[fresh], later[fresh]], 1))
    if packed:
        code = _distinct(np.concatenate(found))
        earlier, later = row_of_rank[code // n_rows], row_of_rank[code % n_rows]
    else:
        both = np.unique(np.concatenate(found), axis=0)
        earlier, later = row_of_rank[both[:, 0]], row_of_rank[both[:, 1]]
    if len(signatures) * n_rows * n_rows < 2 ** 62:
        code = np.sort((table.doc[later] * n_rows + earlier) * n_rows + later)
        return (code // n_rows) % n_rows, code % n_rows, shard_pairs
    order = np.lexsort((later, earlier, table.doc[later]))
    return earlier[order], later[order], shard_pairs


def _distinct(values: np.ndarray) -> np.ndarray:
    """The sorted distinct values of an int array (np.unique hashes, which is slower here)."""
    values = np.sort(values)
    return values[np.concatenate(([True], values[1:] != values[:-1]))[:len(values)]]


def _bucket_pairs(keys: np.ndarray, rank: np.ndarray, rank_doc: np.ndarray, shards: int):
    """`ranked_pairs` of some band keys (every key of each of their buckets),
    keys given in rank order of their passages (`rank`): (earlier, later,
    shard) of every pair found, repeats included."""
    n = len(keys)
    empty = np.zeros(0, np.int64)
    if n < 2:
        return empty, empty, empty
    # One sort of 64-bit words (far faster than an argsort): the key's high
    # bits with the key's position below them. Keys equal in their high bits
    # but not in full (rare) are put in order afterwards.
    bits = (n - 1).bit_length()
    low = np.uint64((1 << bits) - 1)
    code = (keys & ~low) | np.arange(n, dtype=np.uint64)
    code.sort()
    position = (code & low).astype(np.int64)
    full = keys[position]
    top = code >> np.uint64(bits)
    del code
    mixed = np.flatnonzero((top[1:] == top[:-1]) & (full[1:] != full[:-1]))
    if len(mixed):
        group_start = np.flatnonzero(np.concatenate(([True], top[1:] != top[:-1])))
        group_end = np.concatenate((group_start[1:], [n]))
        for g in np.unique(np.searchsorted(group_start, mixed, side='right') - 1).tolist():
            a, b = int(group_start[g]), int(group_end[g])
            order = np.argsort(full[a:b], kind='stable')
            position[a:b], full[a:b] = position[a:b][order], full[a:b][order]
    del top
    starts = np.flatnonzero(np.concatenate(([True], full[1:] != full[:-1])))
    sizes = np.diff(np.concatenate((starts, [n])))
    in_bucket = np.repeat(sizes >= 2, sizes)
    if not in_bucket.any():
        return empty, empty, empty
    bucket_shard = (full[starts[sizes >= 2]] % np.uint64(shards)).astype(np.int64)
    sizes = sizes[sizes >= 2]
    ranks = rank[position[in_bucket]]
    first = np.zeros(len(ranks), bool)
    first_at = np.concatenate(([0], np.cumsum(sizes)[:-1]))
    first[first_at] = True
    head = np.repeat(ranks[first_at], sizes)
    previous = np.concatenate(([-1], ranks[:-1]))
    member_shard = np.repeat(bucket_shard, sizes)
    rest = ~first
    earlier = np.concatenate([head[rest], previous[rest]])
    later = np.concatenate([ranks[rest], ranks[rest]])
    pair_shard = np.concatenate([member_shard[rest], member_shard[rest]])
    keep = rank_doc[earlier] != rank_doc[later]
    return earlier[keep], later[keep], pair_shard[keep]


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
        pairs_counter = metrics.counter('dedup_candidate_pairs')
        # The in-memory reference (detect_reuse.detect_reuse) batches the same way.

        def find(item):
            _, blocks = item
            pairs = candidate_pairs(blocks)
            pairs_counter.inc(len(pairs))
            return pairs_by_doc_shard(pairs, shards).items()

        return (
            signatures
            | 'Batch' >> beam.BatchElements(min_batch_size=16, max_batch_size=SIGN_BATCH)
            | 'ToShards' >> beam.FlatMap(lambda batch: band_blocks(batch, shards).items())
            | 'GroupByShard' >> beam.GroupByKey()
            | 'Collide' >> beam.FlatMap(find)
            | 'GroupByDocShard' >> beam.GroupByKey()
            | 'PairsByDoc' >> beam.FlatMap(lambda item: merge_doc_pairs(item[1])))
