"""Near-duplicate passage detection: signatures, verification, clusters,
the seeds, and the Beam graph against the in-memory reference."""
import datetime
import random

import numpy as np
import pytest

from tests.conftest import DEV, SEED_000, SEED_003
from transforms.reuse.candidate_pairs import band_blocks, candidate_pairs
from transforms.reuse.dedup_settings import DedupSettings
from transforms.reuse.detect_reuse import detect_reuse
from transforms.reuse.passage_matches import apply_matches, index_entries, remove_spans
from transforms.reuse.passage_signatures import normalize_passage, sign_doc
from transforms.reuse.passage_signatures import PassageSignatures, node_key, parse_node_key, shingle_overlap
from transforms.common.records import Article, DocPassages
from transforms.reuse.reuse_clusters import IN_MEMORY_EDGES, connected_components, labels_from_edges, star_rounds_in_memory
from transforms.text.split_passages import split_passages

SENTENCE = ('Despite having a border with the North and relatively cordial relations that Putin has seemed '
            'to want to develop further, Russia has so far remained largely on the sidelines as Kim has '
            'emerged onto the world stage this year.')
D = datetime.date


def article(doc_id, text, date=None):
    return Article(doc_id=doc_id, source_uri=f'/{doc_id}', format='text', url=None, title=None,
                   published_date=date, date_source='header' if date else 'none', authors=(),
                   publisher=None, wire_credit=None, text=text)


def doc(doc_id, text, date=None):
    return DocPassages(article(doc_id, text, date), split_passages(doc_id, text))


def flagged_texts(result, docs):
    """doc_id -> texts of its passages flagged as duplicates."""
    out = {}
    for d in docs:
        _, _, rows = apply_matches(d, result.matches[d.article.doc_id])
        out[d.article.doc_id] = [p.text for p, m in rows if m and m.is_duplicate]
    return out


def own_sentences(seed, n):
    """n unrelated sentences of real article prose (dev bodies), reproducible."""
    import json
    rnd = random.Random(seed)
    paths = sorted((DEV / 'ground-truth').glob('*.json'))
    out = []
    while len(out) < n:
        body = json.loads(rnd.choice(paths).read_text())['ground_truth'].get('main_content') or ''
        sentences = [s.text for s in split_passages('x', body)
                     if 14 <= len(s.text.split()) <= 40 and s.text[0].isupper() and s.text[-1] == '.']
        out.extend(rnd.sample(sentences, min(2, len(sentences))))
    return out[:n]


def test_normalization_folds_case_quotes_punctuation():
    assert normalize_passage('“Putin’s  plan,” he SAID.') == normalize_passage('"Putin\'s plan" he said')


def test_signatures_are_deterministic_and_ignore_quote_styles():
    def sign(doc_id, text, index=0):
        return PassageSignatures().sign(doc_id, None, text, [(index, f'{doc_id}-{index:04d}', 0, len(text))])

    a, b = sign('a', f'“{SENTENCE}”'), sign('b', f'"{SENTENCE.upper()}"', 3)
    assert np.array_equal(a.band_keys, b.band_keys) and np.array_equal(a.shingle_set(0), b.shingle_set(0))
    assert list(b.indexes) == [3] and b.passage_ids == ('b-0003',) and list(b.n_words) == [len(SENTENCE.split())]
    # NFKC and length-changing case folds take the slow path to the same words.
    c = sign('c', SENTENCE.replace('fi', '\ufb01') + ' \u0130')
    d = sign('d', SENTENCE + ' i\u0307')
    assert np.array_equal(c.shingle_set(0), d.shingle_set(0))
    short = sign('e', 'He declined to comment on Friday.')
    assert len(short) == 1 and len(short.band_keys) == 0 and len(short.shingle_set(0)) == 0
    assert len(short.word_set(0)) == 6


def test_seed_quote_in_003_is_flagged_against_000_and_nothing_else(seed_articles):
    docs = [DocPassages(a, split_passages(a.doc_id, a.text)) for a in seed_articles]
    result = detect_reuse(docs)
    flagged = flagged_texts(result, docs)
    first, second = seed_articles
    assert first.published_date == D(2018, 5, 31) and second.published_date is None
    assert flagged[first.doc_id] == []
    assert len(flagged[second.doc_id]) == 1
    quoted = flagged[second.doc_id][0]
    assert quoted.startswith('"Despite having a border') and 'President Vladimir Putin' in quoted
    assert quoted.endswith('world stage this year."') and 'Associated Press' not in quoted
    [cluster] = result.clusters
    assert cluster.canonical_doc_id == first.doc_id and cluster.size == 2
    assert cluster.first_published == D(2018, 5, 31)
    canonical = next(m for m in result.matches[first.doc_id])
    assert 'Despite having a border' in next(p.text for p in docs[0].passages if p.passage_id == canonical.passage_id)
    assert 0.8 < result.matches[second.doc_id][0].similarity < 1


@pytest.fixture(scope='module')
def seed_articles():
    from bench.eval import pipeline_text_article
    from transforms.text.strip_boilerplate import default_classifier
    model = default_classifier()
    return [pipeline_text_article(path.read_bytes(), str(path), model) for path in (SEED_000, SEED_003)]


@pytest.mark.parametrize('edited', [
    SENTENCE.replace('Putin', 'President Vladimir Putin'),                 # a title added
    SENTENCE.replace('relatively ', ''),                                   # a word dropped
    SENTENCE.replace('largely', 'mostly'),                                 # a word changed
    SENTENCE.replace('Russia has', "'Russia has").replace('year.', "year,' the AP said."),  # quoted
    f'The Associated Press reported that {SENTENCE[0].lower()}{SENTENCE[1:]}',               # inside a longer one
])
def test_edited_copies_are_flagged(edited):
    own = own_sentences(1, 4)
    docs = [doc('wire', f'{own[0]}\n\n{SENTENCE}', D(2018, 5, 31)),
            doc('copy', f'{own[1]} {edited} {own[2]}\n\n{own[3]}', D(2018, 6, 1))]
    flagged = flagged_texts(detect_reuse(docs), docs)
    assert flagged == {'wire': [], 'copy': [edited]}


def test_unrelated_and_formulaic_sentences_form_no_cluster():
    formula = 'The company did not immediately respond to a request for comment on Monday.'
    own = own_sentences(2, 24)
    docs = [doc(f'd{i}', f'{own[3 * i]} {formula}\n\n{own[3 * i + 1]} {own[3 * i + 2]}', D(2020, 1, 1 + i))
            for i in range(8)]
    result = detect_reuse(docs)
    assert result.clusters == [] and all(not m for m in result.matches.values())


def test_canonical_is_earliest_dated_then_undated_then_doc_id():
    own = own_sentences(3, 5)
    dates = {'a': None, 'z': D(2020, 1, 2), 'm': D(2020, 1, 2), 'b': D(2021, 1, 1)}
    docs = [doc(d, f'{own[i]}\n\n{SENTENCE}', date) for i, (d, date) in enumerate(dates.items())]
    result = detect_reuse(docs)
    [cluster] = result.clusters
    assert cluster.canonical_doc_id == 'm' and cluster.doc_ids == ('a', 'b', 'm', 'z') and cluster.size == 4
    assert cluster.first_published == D(2020, 1, 2)
    duplicates = {d: any(m.is_duplicate for m in ms) for d, ms in result.matches.items()}
    assert duplicates == {'a': True, 'b': True, 'm': False, 'z': True}
    assert len({m.cluster_id for ms in result.matches.values() for m in ms}) == 1


def test_repetition_inside_one_article_is_no_cluster():
    own = own_sentences(4, 1)
    result = detect_reuse([doc('a', f'{SENTENCE}\n\n{own[0]}\n\n{SENTENCE}')])
    assert result.clusters == [] and result.matches['a'] == []


def test_hundreds_of_outlets_share_one_canonical_with_linear_candidates():
    rnd = random.Random(7)
    words = SENTENCE.split()
    own = own_sentences(5, 300)
    docs = []
    for i in range(300):
        edited = list(words)
        for _ in range(rnd.randint(0, 2)):
            edited[rnd.randrange(len(edited))] = rnd.choice(['mostly', 'also', 'the', 'new'])
        date = None if i % 10 == 0 else D(2019, 1, 1) + datetime.timedelta(days=rnd.randrange(300))
        docs.append(doc(f'o{i:03d}', f'{own[i]}\n\n{" ".join(edited)}', date))
    result = detect_reuse(docs)
    earliest = min((d for d in docs if d.article.published_date), key=lambda d: (d.article.published_date, d.article.doc_id))
    big = max(result.clusters, key=lambda c: c.size)
    assert big.size >= 295 and big.canonical_doc_id == earliest.article.doc_id
    signer = PassageSignatures()
    pairs = candidate_pairs(band_blocks([sign_doc(signer, d) for d in docs], 1).values())
    assert len(pairs) <= 2 * 300 * signer.params.bands


def test_short_sentence_needs_a_reused_neighbour():
    short = 'Police said the two men were arrested at the scene on Tuesday.'
    own = own_sentences(6, 6)
    alone = [doc('w', f'{own[0]} {short} {own[1]}', D(2020, 1, 1)), doc('c', f'{own[2]} {short} {own[3]}', D(2020, 1, 2))]
    assert detect_reuse(alone).clusters == []
    with_context = [doc('w', f'{own[0]} {short} {SENTENCE}', D(2020, 1, 1)),
                    doc('c', f'{own[2]} {short} {SENTENCE}', D(2020, 1, 2))]
    assert flagged_texts(detect_reuse(with_context), with_context)['c'] == [short, SENTENCE]


def test_shingle_overlap():
    a, b = np.array([1, 2, 3, 4], np.uint64), np.array([3, 4, 5, 6, 7, 8, 9, 10], np.uint64)
    assert shingle_overlap(a, b) == (2 / 10, 2 / 4)
    assert shingle_overlap(a, a[:0]) == (0.0, 0.0)


def test_batched_overlaps_are_the_pairwise_ones_on_the_seeds(seed_articles):
    """Verification scores all candidate pairs of two articles in one sort:
    on every passage pair of the two seed articles (the quoted AP sentence,
    headings and short lines without shingles among them) it gives exactly
    what shingle_overlap gives pair by pair."""
    from transforms.reuse.passage_signatures import shingle_overlaps
    from transforms.reuse.verify_candidates import rows_of
    signer = PassageSignatures()
    a, b = (sign_doc(signer, DocPassages(x, split_passages(x.doc_id, x.text))) for x in seed_articles)
    rows_a, rows_b = (grid.ravel() for grid in np.meshgrid(np.arange(len(a)), np.arange(len(b)), indexing='ij'))
    jaccard, containment = shingle_overlaps(a, rows_a, b, rows_b)
    expected = [shingle_overlap(a.shingle_set(i), b.shingle_set(j)) for i, j in zip(rows_a.tolist(), rows_b.tolist())]
    assert list(zip(jaccard.tolist(), containment.tolist())) == expected
    assert max(expected) > (0.5, 0) and min(expected) == (0.0, 0.0) and len(expected) > 50, len(expected)
    rows, found = rows_of(b, np.array([-1, *b.indexes.tolist(), b.indexes.max() + 1]))
    assert found.tolist() == [False] + [True] * len(b) + [False] and rows[1:-1].tolist() == list(range(len(b)))


def test_node_keys_sort_by_canonical_rank():
    keys = [node_key(None, 'a', 0), node_key(D(2020, 1, 2), 'z', 1), node_key(D(2020, 1, 2), 'm', 7),
            node_key(D(2019, 12, 31), 'q', 3)]
    assert [parse_node_key(k) for k in sorted(keys)] == [('q', 3), ('m', 7), ('z', 1), ('a', 0)]


@pytest.mark.parametrize('seed', range(6))
def test_star_rounds_find_connected_components(seed):
    rnd = random.Random(seed)
    nodes = [f'{i:04d}' for i in range(120)]
    edges = [tuple(rnd.sample(nodes, 2)) for _ in range(90)]
    path = nodes[:]
    rnd.shuffle(path)
    edges += list(zip(path[:40], path[1:40]))
    labels = labels_from_edges(star_rounds_in_memory(edges, 5))
    for _ in range(2):
        labels = {v: labels.get(p, p) for v, p in labels.items()}
    assert labels == connected_components(edges)


def test_unique_text_and_dup_ratio():
    own = own_sentences(8, 3)
    text = f'{own[0]} {SENTENCE} {own[1]}\n\n{SENTENCE}\n\n{own[2]}'
    docs = [doc('w', f'{own[2][:0]}{SENTENCE}', D(2018, 5, 31)), doc('b', text)]
    result = detect_reuse(docs)
    unique_text, ratio, rows = apply_matches(docs[1], result.matches['b'])
    assert unique_text == f'{own[0]} {own[1]}\n\n{own[2]}'
    assert abs(ratio - 2 * len(SENTENCE) / len(text)) < 1e-9
    assert [p.text for p, m in rows if m and m.is_duplicate] == [SENTENCE, SENTENCE]


def test_remove_spans_merges_overlaps():
    assert remove_spans('abc def ghi', [(4, 8), (0, 3)]) == 'ghi'
    assert remove_spans('keep', []) == 'keep'


def test_index_from_an_earlier_run_flags_copies_but_not_the_article_itself():
    own = own_sentences(9, 3)
    wire = doc('wire', f'{own[0]}\n\n{SENTENCE}', D(2018, 5, 31))
    copy = doc('copy', f'{own[1]}\n\n{SENTENCE.replace("Putin", "President Vladimir Putin")}', D(2018, 6, 2))
    first = detect_reuse([wire])
    signer = PassageSignatures()
    index = [index_entries(sign_doc(signer, wire), first.matches['wire'])]
    for entry in index:
        entry.from_index = True
    second = detect_reuse([copy], index=index)
    [match] = [m for m in second.matches['copy'] if m.is_duplicate]
    assert match.canonical_doc_id == 'wire' and second.clusters[0].doc_ids == ('copy', 'wire')
    again = detect_reuse([wire], index=index)
    assert again.clusters == [] and again.matches['wire'] == []


@pytest.mark.parametrize('in_memory_articles,in_memory_edges', [(DedupSettings.in_memory_articles, IN_MEMORY_EDGES),
                                                               (0, IN_MEMORY_EDGES), (0, 0)],
                         ids=['run in memory', 'graph in memory', 'sharded rounds'])
def test_beam_graph_matches_the_in_memory_reference(in_memory_articles, in_memory_edges):
    import apache_beam as beam
    from apache_beam.testing.test_pipeline import TestPipeline
    from apache_beam.testing.util import assert_that, equal_to
    from transforms.reuse.flag_duplicates import FlagDuplicatePassages
    rnd = random.Random(11)
    own = own_sentences(10, 80)
    wires = [own[i:i + 4] for i in range(0, 20, 4)]
    docs = []
    for i in range(30):
        wire = wires[i % len(wires)]
        taken = rnd.sample(wire, 2)
        taken[0] = taken[0].replace(' the ', ' a ', 1)
        date = None if i % 7 == 0 else D(2020, 1, 1) + datetime.timedelta(days=rnd.randrange(30))
        docs.append(doc(f'r{i:02d}', f'{own[20 + i]} {taken[0]}\n\n{taken[1]}\n\n{own[50 + i]}', date))
    docs += [doc(f'w{j}', '\n\n'.join(w), D(2019, 12, 1)) for j, w in enumerate(wires)]
    reference = detect_reuse(docs, DedupSettings(shards=1))
    expected = sorted((m.passage_id, m.is_duplicate, m.cluster_id, m.canonical_passage_id, m.similarity)
                      for ms in reference.matches.values() for m in ms)
    assert sum(e[1] for e in expected) >= 50
    with TestPipeline() as p:
        out = p | beam.Create(docs) | FlagDuplicatePassages(DedupSettings(
            shards=5, rounds=3, in_memory_edges=in_memory_edges, in_memory_articles=in_memory_articles))
        rows = out['articles'] | beam.FlatMap(lambda d: [
            (m.passage_id, m.is_duplicate, m.cluster_id, m.canonical_passage_id, m.similarity)
            for _, m in d.passages if m])
        assert_that(rows, equal_to(expected), label='matches')
        assert_that(out['clusters'] | beam.FlatMap(list), equal_to(reference.clusters), label='clusters')
        assert_that(out['index'], equal_to([]), label='no index kept without one')


@pytest.mark.parametrize('limit_over_size,in_memory', [(0, True), (-1, False)], ids=['at the limit', 'one over'])
def test_a_run_up_to_the_limit_is_flagged_in_one_element(limit_over_size, in_memory):
    """--dedup-memory-articles counts the run's articles and the index's
    entries together; either way the rows, the index entries and the
    counters are the reference's."""
    import apache_beam as beam
    from apache_beam.metrics.metric import MetricsFilter
    from apache_beam.testing.test_pipeline import TestPipeline
    from apache_beam.testing.util import assert_that, equal_to
    from transforms.reuse.detect_reuse import flag_run
    from transforms.reuse.flag_duplicates import FlagDuplicatePassages
    own = own_sentences(16, 30)
    signer = PassageSignatures()
    wire = doc('wire', f'{SENTENCE}\n\n{own[0]}\n\n{own[1]}', D(2020, 1, 1))
    index = [index_entries(sign_doc(signer, wire), [])]
    for entry in index:
        entry.from_index = True
    docs = [doc(f'z{i:02d}', f'{own[2 + i]}\n\n{SENTENCE if i % 2 else own[20 - i]}\n\n{own[10 + i]}',
                D(2021, 1, 1 + i)) for i in range(8)]
    settings = DedupSettings(shards=3, in_memory_articles=len(docs) + len(index) + limit_over_size)
    flagged, clusters, entries, reference = flag_run(docs, index, DedupSettings(shards=3))
    assert any(m.canonical_doc_id == 'wire' for d in flagged for _, m in d.passages if m and m.is_duplicate)
    p = TestPipeline()
    out = (p | 'Docs' >> beam.Create(docs)) | FlagDuplicatePassages(settings, p | 'Index' >> beam.Create(index))
    assert_that(out['articles'], equal_to(flagged), label='articles')
    assert_that(out['clusters'] | beam.FlatMap(list), equal_to(clusters), label='clusters')
    assert_that(out['index'] | beam.Map(lambda e: (e.doc_id, e.passage_ids)),
                equal_to([(e.doc_id, e.passage_ids) for e in entries]), label='index')
    result = p.run()
    result.wait_until_finish()
    counters = {c.key.metric.name: c.committed for c in result.metrics().query(MetricsFilter())['counters']}
    assert counters.get('dedup_runs_in_memory', 0) == int(in_memory)
    assert counters['dedup_candidate_pairs'] == reference.candidate_pairs > 0
    assert counters['dedup_verified_pairs'] == len(reference.edges) > 0


def test_results_do_not_depend_on_input_order_or_shard_count():
    rnd = random.Random(12)
    own = own_sentences(13, 40)
    docs = [doc(f'x{i:02d}', f'{own[i]}\n\n{SENTENCE if i % 3 else SENTENCE.replace("Putin", "Mr. Putin")}\n\n'
                f'{own[(i * 7) % 40]}', D(2021, 3, 1 + i % 5) if i % 4 else None) for i in range(24)]

    def summary(result):
        return (sorted((m.passage_id, m.cluster_id, m.canonical_passage_id, m.similarity, m.is_duplicate)
                       for ms in result.matches.values() for m in ms), result.clusters)

    reference = summary(detect_reuse(docs, DedupSettings(shards=1)))
    assert reference[1]
    for shards in (2, 7, 64):
        shuffled = docs[:]
        rnd.shuffle(shuffled)
        assert summary(detect_reuse(shuffled, DedupSettings(shards=shards))) == reference


def test_batched_joins_give_what_the_per_element_joins_gave():
    """The coarse elements around ResolveClusters: labels and edges per
    article, cluster members per shard of the canonical node, candidate
    pairs merged per earlier article from every band shard."""
    from transforms.reuse.candidate_pairs import merge_doc_pairs, pairs_by_doc_shard
    from transforms.reuse.passage_matches import (build_cluster, clusters_of_shard, edges_by_doc, labels_by_doc,
                                                  members_by_shard)
    from transforms.reuse.reuse_clusters import ShardOf
    rnd = random.Random(14)
    own = own_sentences(15, 36)
    docs = [doc(f'y{i:02d}', f'{own[i]}\n\n{SENTENCE if i % 2 else own[(i * 5) % 36]}\n\n{own[(i * 7) % 36]}',
                D(2021, 3, 1 + i % 5) if i % 3 else None) for i in range(36)]
    result = detect_reuse(docs, DedupSettings(shards=3))
    labels = connected_components((e.earlier, e.later) for e in result.edges)
    assert result.clusters and len(labels) > 40
    items = sorted(labels.items())
    rnd.shuffle(items)
    per_doc = {}
    for start in range(0, len(items), 17):     # labels arrive in batches, an article's maybe in several
        for doc_id, batch in labels_by_doc(items[start:start + 17]):
            per_doc.setdefault(doc_id, []).extend(batch)
    assert {d: sorted(ls) for d, ls in per_doc.items()} == {
        d: sorted((n, r) for n, r in labels.items() if parse_node_key(n)[0] == d) for d in per_doc}
    edges = {}
    for start in range(0, len(result.edges), 9):
        for doc_id, batch in edges_by_doc(result.edges[start:start + 9]):
            edges.setdefault(doc_id, []).extend(batch)
    for doc_id, doc_edges in edges.items():
        assert doc_edges == [e for e in result.edges
                             if doc_id in (parse_node_key(e.earlier)[0], parse_node_key(e.later)[0])]
    shards = {}
    for doc_id, doc_labels in per_doc.items():
        for shard, batch in members_by_shard(doc_id, doc_id != 'y05', doc_labels, ShardOf(4)).items():
            shards.setdefault(shard, []).append(batch)
    expected = {}
    for node, root in labels.items():
        expected.setdefault(root, []).append((parse_node_key(node)[0], parse_node_key(node)[0] != 'y05'))
    assert sorted((c for batches in shards.values() for c in clusters_of_shard(batches)), key=lambda c: c.cluster_id) \
        == sorted((c for c in (build_cluster(r, m) for r, m in expected.items()) if c), key=lambda c: c.cluster_id)

    signer = PassageSignatures()
    signatures = [sign_doc(signer, d) for d in docs]
    by_band_shard = band_blocks(signatures, 5)
    to_doc_shards = {}
    for block in by_band_shard.values():
        for shard, batch in pairs_by_doc_shard(candidate_pairs([block]), 3).items():
            to_doc_shards.setdefault(shard, []).append(batch)
    merged = [item for batches in to_doc_shards.values() for item in merge_doc_pairs(batches)]
    assert len({doc_id for doc_id, _ in merged}) == len(merged)
    assert sorted((d, i, ld, j) for d, pairs in merged for i, ld, j in pairs) == sorted(
        p for block in by_band_shard.values() for p in candidate_pairs([block]))
