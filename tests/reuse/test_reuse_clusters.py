"""ResolveClusters on shards: the batch functions against the per-node ones,
`resolve_in_shards` against union-find and against the per-node rounds
(labels and unconverged nodes alike), and the Beam transform against both."""
import datetime
import logging
import random

import pytest

from transforms.reuse.passage_signatures import node_key
from transforms.reuse.reuse_clusters import (POINTER_JUMPS, ResolveClusters, ShardOf, connected_components, for_jump,
                                       large_star, large_star_batch, labels_from_edges, pointer_jump,
                                       resolve_in_shards, small_star, small_star_batch, smallest_labels,
                                       star_rounds_in_memory)


def per_node_reference(edges, rounds):
    """What the rounds compute one node at a time: (node -> label after the
    jumps, the nodes whose parent was no root before the last jump)."""
    labels = labels_from_edges(star_rounds_in_memory(edges, rounds))
    for _ in range(POINTER_JUMPS - 1):
        labels = {v: labels.get(p, p) for v, p in labels.items()}
    unconverged = sorted(v for v, p in labels.items() if labels.get(p, p) != p)
    return {v: labels.get(p, p) for v, p in labels.items()}, unconverged


def passage_nodes(rnd, n_docs, per_doc):
    """Real node keys: articles with dates (some undated) and passages."""
    nodes = []
    for d in range(n_docs):
        date = None if rnd.random() < 0.2 else datetime.date(2020, 1, 1) + datetime.timedelta(days=rnd.randrange(60))
        nodes += [node_key(date, f'doc{d:03d}', i) for i in range(rnd.randint(1, per_doc))]
    return nodes


def random_path(rnd, nodes):
    order = nodes[:]
    rnd.shuffle(order)
    return list(zip(order, order[1:]))


def star(rnd, nodes):
    centre = rnd.choice(nodes)
    return [(centre, v) if rnd.random() < 0.5 else (v, centre) for v in nodes if v != centre]


def clique(nodes):
    return [(a, b) for i, a in enumerate(nodes) for b in nodes[i + 1:]]


def graphs(seed):
    """Paths in random rank order, stars, cliques, many small components,
    and a mixture of them, on real node keys and on plain strings."""
    rnd = random.Random(seed)
    nodes = passage_nodes(rnd, 40, 6)
    rnd.shuffle(nodes)
    plain = [f'{i:04d}' for i in range(150)]
    rnd.shuffle(plain)
    small = []
    for start in range(0, 120, 4):
        group = nodes[start:start + rnd.randint(2, 4)]
        small += random_path(rnd, group) + ([tuple(group[::2])] if len(group) > 2 else [])
    mixed = (random_path(rnd, nodes[:60]) + star(rnd, nodes[60:100]) + clique(nodes[100:110])
             + [tuple(rnd.sample(nodes, 2)) for _ in range(30)])
    return {'path': random_path(rnd, nodes), 'plain_path': random_path(rnd, plain), 'star': star(rnd, nodes),
            'clique': clique(nodes[:25]), 'small': small, 'mixed': mixed, 'single': [(nodes[0], nodes[1])],
            'empty': []}


@pytest.mark.parametrize('seed', range(4))
@pytest.mark.parametrize('shards', [1, 3, 64])
def test_sharded_rounds_equal_union_find(seed, shards):
    for name, edges in graphs(seed).items():
        labels, unconverged = resolve_in_shards(edges, rounds=8, shards=shards)
        assert unconverged == [], name
        assert labels == connected_components(edges), name


@pytest.mark.parametrize('seed', range(4))
@pytest.mark.parametrize('rounds', [0, 1, 2, 5])
def test_sharded_rounds_equal_the_per_node_rounds(seed, rounds):
    """Same labels and the same unconverged nodes as one node at a time,
    also when the rounds were too few."""
    for name, edges in graphs(seed).items():
        expected = per_node_reference(edges, rounds)
        for shards in (1, 5, 64):
            labels, unconverged = resolve_in_shards(edges, rounds, shards)
            assert (labels, sorted(unconverged)) == expected, (name, shards)


def test_too_few_rounds_are_counted():
    rnd = random.Random(3)
    edges = random_path(rnd, [f'{i:04d}' for i in range(300)])
    labels, unconverged = resolve_in_shards(edges, rounds=1, shards=8)
    assert unconverged and (labels, sorted(unconverged)) == per_node_reference(edges, 1)
    assert resolve_in_shards(edges, rounds=6, shards=8) == (connected_components(edges), [])


def test_batch_steps_are_the_per_node_steps():
    rnd = random.Random(5)
    nodes = [f'{i:03d}' for i in range(60)]
    edges = [tuple(rnd.sample(nodes, 2)) for _ in range(150)]
    directed = [(a, b) for a, b in edges] + [(b, a) for a, b in edges]
    adjacency = {}
    for u, v in directed:
        adjacency.setdefault(u, []).append(v)
    assert sorted(large_star_batch(directed)) == sorted(e for u, vs in adjacency.items() for e in large_star(u, vs))
    smaller = {}
    for a, b in edges:
        smaller.setdefault(max(a, b), []).append(min(a, b))
    assert sorted(small_star_batch((max(e), min(e)) for e in edges)) == sorted(
        e for u, vs in smaller.items() for e in small_star(u, vs))
    assert dict(smallest_labels([('b', 'b'), ('c', 'b'), ('c', 'a'), ('b', 'a')])) == {'b': 'a', 'c': 'a'}


def test_pointer_jump_and_its_messages():
    shard_of = ShardOf(1)
    [(own, links)] = for_jump([('c', 'b'), ('b', 'a'), ('a', 'a')], shard_of).values()
    assert sorted(own) == [('a', 'a'), ('b', 'a'), ('c', 'b')]
    assert sorted(links) == [('a', 'a'), ('a', 'b'), ('b', 'c')]
    jumped, unconverged = pointer_jump([(own, links)])
    assert sorted(jumped) == [('a', 'a'), ('b', 'a'), ('c', 'a')] and unconverged == ['c']


def test_an_articles_passages_share_a_shard():
    shard_of = ShardOf(64)
    date = datetime.date(2021, 5, 4)
    assert len({shard_of(node_key(date, 'doc-7', i)) for i in range(50)}) == 1
    assert len({shard_of(node_key(date, f'doc-{d}', 0)) for d in range(200)}) > 32
    assert shard_of('plain') == ShardOf(64)('plain') == 421552847 % 64   # crc32: the same in every process


@pytest.mark.parametrize('rounds', [1, 5])
def test_beam_transform_matches_resolve_in_shards(rounds, caplog):
    import apache_beam as beam
    from apache_beam.metrics.metric import MetricsFilter
    from apache_beam.testing.test_pipeline import TestPipeline
    from apache_beam.testing.util import assert_that, equal_to
    rnd = random.Random(21)
    nodes = passage_nodes(rnd, 80, 5)
    edges = random_path(rnd, nodes) + clique(nodes[:8]) + star(rnd, nodes[8:40])
    labels, unconverged = resolve_in_shards(edges, rounds, shards=7)
    assert bool(unconverged) == (rounds == 1)
    if not unconverged:
        assert labels == connected_components(edges)
    batches = [edges[i:i + 13] for i in range(0, len(edges), 13)]
    caplog.set_level(logging.WARNING)
    p = TestPipeline()
    out = p | beam.Create(batches, reshuffle=False) | ResolveClusters(rounds, shards=7, in_memory_edges=0)
    assert_that(out | beam.FlatMap(lambda batch: batch), equal_to(sorted(labels.items())))
    result = p.run()
    result.wait_until_finish()
    [counter] = result.metrics().query(MetricsFilter().with_name('dedup_unconverged_nodes'))['counters'] or [None]
    assert (counter.committed if counter else 0) == len(unconverged)
    logged = [r.args[0] for r in caplog.records if 'not converged' in r.getMessage()]
    assert sorted(logged) == sorted(unconverged)


@pytest.mark.parametrize('limit', [10_000, 0])
def test_a_graph_that_fits_is_resolved_in_memory_and_exactly(limit):
    """Up to the edge limit the graph is resolved by union-find in one
    element: converged even with a single round, where the rounds leave
    labels unproven (and the counter says so); past it, the rounds run."""
    import apache_beam as beam
    from apache_beam.metrics.metric import MetricsFilter
    from apache_beam.testing.test_pipeline import TestPipeline
    from apache_beam.testing.util import assert_that, equal_to
    rnd = random.Random(21)
    nodes = passage_nodes(rnd, 80, 5)
    edges = random_path(rnd, nodes) + clique(nodes[:8]) + star(rnd, nodes[8:40])
    exact = connected_components(edges)
    rounds_labels, unconverged = resolve_in_shards(edges, 1, shards=7)
    assert unconverged and rounds_labels != exact   # one round is not enough for this path
    batches = [edges[i:i + 13] for i in range(0, len(edges), 13)]
    p = TestPipeline()
    out = p | beam.Create(batches, reshuffle=False) | ResolveClusters(1, shards=7, in_memory_edges=limit)
    expected = exact if limit else rounds_labels
    assert_that(out | beam.FlatMap(lambda batch: batch), equal_to(sorted(expected.items())))
    if limit:   # one list per shard of the node, as the last pointer jump sends them
        assert_that(out | beam.Map(lambda batch: len({ShardOf(7)(node) for node, _ in batch})),
                    equal_to([1] * len({ShardOf(7)(node) for node in exact})), label='per shard')
    result = p.run()
    result.wait_until_finish()
    [counter] = result.metrics().query(MetricsFilter().with_name('dedup_unconverged_nodes'))['counters'] or [None]
    assert (counter.committed if counter else 0) == (0 if limit else len(unconverged))


def test_lists_up_to_gives_up_past_the_limit():
    from transforms.reuse.reuse_clusters import ListsUpTo
    fn = ListsUpTo(3)
    acc = fn.add_input(fn.create_accumulator(), [('a', 'b'), ('b', 'c')])
    assert fn.extract_output(acc).items == [('a', 'b'), ('b', 'c')]
    assert fn.add_input(acc, [('c', 'd'), ('d', 'e')]) is None
    assert fn.merge_accumulators([[('a', 'b')], None]) is None
    assert fn.merge_accumulators([[('a', 'b'), ('b', 'c')], [('c', 'd')]]) == [('a', 'b'), ('b', 'c'), ('c', 'd')]
    assert fn.merge_accumulators([[('a', 'b'), ('b', 'c')], [('c', 'd'), ('d', 'e')]]) is None
    assert fn.add_input(None, [('x', 'y')]) is None
    assert fn.extract_output(None).items is None


def test_collected_coder_round_trips_and_estimates_size_from_a_sample(monkeypatch):
    """The runner sizes a whole-run element on every step it passes; the
    estimate must be close to the encoded size without encoding it all."""
    import pickle
    from transforms.reuse.reuse_clusters import Collected, CollectedCoder
    coder = CollectedCoder()
    items = [('doc-%05d' % i, 'passage text ' * (5 + i % 7)) for i in range(5000)]
    for value in (Collected(items), Collected(None), items, None, []):
        decoded = coder.decode(coder.encode(value))
        assert (decoded.items if isinstance(value, Collected) else decoded) == (
            value.items if isinstance(value, Collected) else value)
    exact = len(coder.encode(Collected(items)))
    encoded = []
    real_dumps = pickle.dumps
    monkeypatch.setattr(pickle, 'dumps', lambda obj, *a: encoded.append(obj) or real_dumps(obj, *a))
    estimate = coder.estimate_size(Collected(items))
    assert 0.7 * exact < estimate < 1.3 * exact
    assert sum(len(obj) for obj in encoded) <= CollectedCoder.SAMPLE
    from apache_beam.coders import registry
    assert registry.get_coder(Collected) == coder
