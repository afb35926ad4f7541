"""The whole-run (in-memory) reuse detection on arrays (SignatureTable,
table_pairs, verify_table, table_components) against the per-shard,
per-article functions the Beam steps run, on signed wire-reuse articles
(and copies of them, as the bench corpus has every page three times)."""
import dataclasses
import datetime
import json

import numpy as np
import pytest

from bench.wire_corpus import build_wire_corpus, prepare_pool
from tests.conftest import DEV
from transforms.reuse.candidate_pairs import SIGN_BATCH, band_blocks, key_ranks, ranked_pairs, table_pairs
from transforms.reuse.dedup_settings import DedupSettings
from transforms.reuse.detect_reuse import reuse_of_signatures, table_components
from transforms.reuse.passage_matches import build_cluster, edges_by_doc, labels_by_doc, passage_matches
from transforms.reuse.passage_signatures import sign_doc
from transforms.reuse.passage_signatures import (PassageSignatures, parse_node_key, shared_counts, shingle_overlap,
                                           signature_table)
from transforms.common.records import Article, DocPassages
from transforms.reuse.reuse_clusters import connected_components
from transforms.text.split_passages import split_passages
from transforms.reuse.verify_candidates import VerifyPolicy, edges_to_wire, verify_in_memory, verify_table


@pytest.fixture(scope='module')
def signatures():
    bodies = []
    for path in sorted((DEV / 'ground-truth').glob('*.json'))[:120]:
        body = (json.loads(path.read_text(encoding='utf-8')).get('ground_truth') or {}).get('main_content')
        if body:
            bodies.append(body)
    corpus = build_wire_corpus(prepare_pool(bodies), 300, seed=5)
    signer = PassageSignatures()
    out = []
    for k, a in enumerate(corpus.articles):
        out.append(sign_doc(signer, DocPassages(a, split_passages(a.doc_id, a.text))))
        if k % 4 == 0:   # copies of a whole article: long runs of matched passages, short ones among them
            for copy in range(2):
                date = None if copy else datetime.date(2024, 1, 1 + k % 20)
                b = Article(doc_id=f'{a.doc_id}-copy{copy}', source_uri=a.source_uri, format='text', url=None,
                            title=None, published_date=date, date_source='header' if date else 'none',
                            authors=(), publisher=None, wire_credit=None, text=a.text)
                out.append(sign_doc(signer, DocPassages(b, split_passages(b.doc_id, b.text))))
    return sorted(out, key=lambda s: s.doc_id)


def shard_pairs(signatures, shards):
    """What reuse_of_signatures found before SignatureTable: every shard's
    ranked_pairs, their count, and the pairs without repeats."""
    by_shard = {}
    for start in range(0, len(signatures), SIGN_BATCH):
        for shard, block in band_blocks(signatures[start:start + SIGN_BATCH], shards).items():
            by_shard.setdefault(shard, []).append(block)
    count, pairs = 0, set()
    for shard in sorted(by_shard):
        ranked, doc_by_rank = ranked_pairs(by_shard[shard])
        count += len(ranked)
        pairs.update((doc_by_rank[a >> 32], a & 0xFFFFFFFF, doc_by_rank[b >> 32], b & 0xFFFFFFFF)
                     for a, b in ranked.tolist())
    return count, pairs


def as_tuples(table, earlier, later):
    ids, doc, indexes = table.doc_ids, table.doc.tolist(), table.indexes.tolist()
    return [(ids[doc[a]], indexes[a], ids[doc[b]], indexes[b]) for a, b in zip(earlier.tolist(), later.tolist())]


@pytest.mark.parametrize('shards,budget', [(64, 10 ** 9), (64, 20_000), (7, 10 ** 9), (1, 10 ** 9)])
def test_table_pairs_are_every_shards_pairs(signatures, shards, budget):
    count, expected = shard_pairs(signatures, shards)
    table = signature_table(signatures)
    earlier, later, found = table_pairs(table, shards, budget)
    pairs = as_tuples(table, earlier, later)
    assert found == count and len(expected) > 1000
    assert pairs == sorted(expected, key=lambda p: (p[2], p[0], p[1], p[3]))


def test_verify_table_gives_verify_in_memory_edges(signatures):
    table = signature_table(signatures)
    earlier, later, _ = table_pairs(table, 64)
    policy = VerifyPolicy()
    expected = verify_in_memory({s.doc_id: s for s in signatures}, as_tuples(table, earlier, later), policy)
    keys = table.node_keys()
    edges, edge_earlier, edge_later = verify_table(table, earlier, later, policy, keys, key_ranks(table, keys))
    assert edges == expected and len(edges) > 1000
    assert [(keys[a], keys[b]) for a, b in zip(edge_earlier.tolist(), edge_later.tolist())] == \
        [(e.earlier, e.later) for e in edges]
    # keys and their ranks made by verify_table itself
    assert verify_table(table, earlier, later, policy)[0] == expected
    # no pairs, and pairs none of which pass
    assert verify_table(table, earlier[:0], later[:0], policy)[0] == []
    strict = VerifyPolicy(min_jaccard=2.0, min_containment=2.0)
    assert verify_table(table, earlier, later, strict)[0] == verify_in_memory(
        {s.doc_id: s for s in signatures}, as_tuples(table, earlier, later), strict) == []


def test_shared_counts_are_shingle_overlaps(signatures):
    table = signature_table(signatures[:40])
    rnd = np.random.default_rng(3)
    a, b = rnd.integers(0, len(table), 3000), rnd.integers(0, len(table), 3000)
    a[:200] = b[:200]   # a set with itself
    for values, start, size in ((table.shingles, table.shingle_start, table.shingle_size),
                                (table.words, table.word_start, table.word_size)):
        shared = shared_counts(values, start, size, a, b, chunk=5000)
        sets = [values[s:s + n] for s, n in zip(start.tolist(), size.tolist())]
        for k, (i, j) in enumerate(zip(a.tolist(), b.tolist())):
            expected = len(np.intersect1d(sets[i], sets[j]))
            assert shared[k] == expected
            if len(sets[i]) and len(sets[j]):
                assert shingle_overlap(sets[i], sets[j])[0] == expected / (len(sets[i]) + len(sets[j]) - expected)
    # values equal in their high 32 bits but not in full
    high = np.uint64(7 << 32)
    values = np.array([high + np.uint64(1), high + np.uint64(2), high + np.uint64(3),
                       high + np.uint64(3), np.uint64(9 << 32)], np.uint64)
    start, size = np.array([0, 3]), np.array([3, 2])
    assert shared_counts(values, start, size, np.array([1, 0]), np.array([0, 1])).tolist() == [1, 1]


def test_table_components_are_connected_components(signatures):
    table = signature_table(signatures)
    earlier, later, _ = table_pairs(table, 64)
    keys = table.node_keys()
    edges, edge_earlier, edge_later = verify_table(table, earlier, later, VerifyPolicy(), keys)
    nodes, roots = table_components(key_ranks(table, keys), edge_earlier, edge_later)
    labels = dict(zip([keys[r] for r in nodes.tolist()], [keys[r] for r in roots.tolist()]))
    expected = connected_components((e.earlier, e.later) for e in edges)
    assert list(labels.items()) == list(expected.items()) and len(set(expected.values())) > 100
    empty = np.zeros(0, np.int64)
    assert [len(x) for x in table_components(key_ranks(table, keys), empty, empty)] == [0, 0]


def reference_reuse(current, settings, index):
    """reuse_of_signatures as it was before SignatureTable, from the functions the Beam steps run."""
    signatures = dict(current)
    for entry in index:
        signatures.setdefault(entry.doc_id, entry)
    count, pairs = shard_pairs(list(signatures.values()), settings.shards)
    edges = verify_in_memory(signatures, sorted(pairs), settings.policy)
    labels = connected_components((e.earlier, e.later) for e in edges)
    doc_labels = dict(labels_by_doc(labels.items()))
    doc_edges = dict(edges_by_doc(edges))
    members = {}
    for node, root in labels.items():
        doc_id = parse_node_key(node)[0]
        members.setdefault(root, []).append((doc_id, doc_id in current))
    clusters = sorted((c for c in (build_cluster(r, m) for r, m in members.items()) if c),
                      key=lambda c: c.cluster_id)
    matches = {doc_id: passage_matches(doc_id, doc_labels.get(doc_id, ()),
                                       edges_to_wire(doc_edges.get(doc_id, ())))
               for doc_id in current}
    return edges, doc_labels, doc_edges, clusters, matches, count


@pytest.mark.parametrize('with_index', [False, True])
def test_reuse_of_signatures_is_the_per_shard_reference(signatures, with_index):
    third = len(signatures) // 3 if with_index else 0
    index = [dataclasses.replace(s, from_index=True) for s in signatures[:third]]
    current = {s.doc_id: s for s in signatures[third:]}
    settings = DedupSettings(shards=16)
    result = reuse_of_signatures(current, settings, index)
    edges, doc_labels, doc_edges, clusters, matches, count = reference_reuse(current, settings, index)
    assert result.edges == edges and result.candidate_pairs == count
    assert list(result.doc_labels.items()) == list(doc_labels.items())
    assert result.doc_edges == doc_edges and list(result.doc_edges) == list(doc_edges)
    assert result.clusters == clusters and len(clusters) > 100
    assert result.matches == matches
