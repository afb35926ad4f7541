"""The synthetic wire-reuse corpus (bench/wire_corpus.py): determinism, the
truth of what was taken, token scoring and the exact-sentence baseline."""
import datetime
import json
import random
import re
from difflib import SequenceMatcher

import pytest

from bench.wire_corpus import (AGENCIES, VERBS_PAST, VERBS_PRESENT, TakenSpan, WireCorpus, _quoted,
                               build_wire_corpus, exact_sentence_baseline, fold, normalize_body, prepare_pool,
                               rank_key, token_scores)
from tests.conftest import DEV
from transforms.common.records import Article


@pytest.fixture(scope='module')
def pool():
    bodies = []
    for path in sorted((DEV / 'ground-truth').glob('*.json'))[:120]:
        body = (json.loads(path.read_text(encoding='utf-8')).get('ground_truth') or {}).get('main_content')
        if body:
            bodies.append(body)
    return prepare_pool(bodies)


@pytest.fixture(scope='module')
def corpus(pool):
    return build_wire_corpus(pool, 400, seed=3)


def article(doc_id, text, date=None):
    return Article(doc_id=doc_id, source_uri=f'wire://test/{doc_id}', format='text', url=None, title=None,
                   published_date=date, date_source='header' if date else 'none', authors=(), publisher=None,
                   wire_credit=None, text=text)


def test_deterministic_for_a_seed(pool):
    a, b = build_wire_corpus(pool, 150, seed=7), build_wire_corpus(pool, 150, seed=7)
    assert [(x.doc_id, x.text, x.published_date) for x in a.articles] == \
           [(x.doc_id, x.text, x.published_date) for x in b.articles]
    assert a.spans == b.spans and a.roles == b.roles
    c = build_wire_corpus(pool, 150, seed=8)
    assert [x.text for x in c.articles] != [x.text for x in a.articles]


def test_mix_of_roles_kinds_and_dates(corpus):
    assert len(corpus.articles) == 400
    assert {'wire', 'own', 'reprint', 'full_reprint'} <= set(corpus.roles.values())
    spans = [s for spans in corpus.spans.values() for s in spans]
    assert {s.kind for s in spans} == {'verbatim', 'title_added', 'word_dropped', 'word_changed', 'quotes_restyled'}
    assert {s.placement for s in spans} == {'own_paragraph', 'inside_paragraph', 'quoted_in_paragraph',
                                            'full_reprint'}
    assert any(s.hops == 2 for s in spans)
    reprints = [a for a in corpus.articles if corpus.roles[a.doc_id] in ('reprint', 'full_reprint')]
    undated = sum(a.published_date is None for a in reprints) / len(reprints)
    assert 0.05 < undated < 0.3
    assert any(a.published_date is None for a in corpus.articles if corpus.roles[a.doc_id] != 'reprint')
    for a in corpus.articles:
        assert a.doc_id.startswith('w') and a.source_uri.startswith('wire://') and a.format == 'text'
        assert '\n\n\n' not in a.text and a.text == a.text.strip()
        assert all(p == p.strip() and p and '\n' not in p for p in a.text.split('\n\n'))
        if corpus.roles[a.doc_id] in ('wire', 'own'):
            assert a.doc_id not in corpus.spans


def test_taken_spans_are_copies_of_earlier_ranked_text(corpus):
    by_id = corpus.by_id
    checked = 0
    for doc_id, spans in corpus.spans.items():
        text = by_id[doc_id].text
        assert spans == sorted(spans) and corpus.taken[doc_id] == [(s.start, s.end) for s in spans]
        for prev, span in zip(spans, spans[1:]):
            assert prev.end <= span.start
        for span in spans:
            assert 0 <= span.start < span.end <= len(text)
            copy = text[span.start:span.end]
            assert copy == copy.strip() and '\n' not in copy
            source = by_id[span.source]
            assert rank_key(source) < rank_key(by_id[doc_id])
            if span.kind in ('verbatim', 'quotes_restyled'):
                assert fold(copy) in fold(source.text)
            else:
                # Near-identical: all but at most two of the copy's words match the source, in order.
                words, source_words = fold(copy).split(), fold(source.text).split()
                matcher = SequenceMatcher(None, source_words, words, autojunk=False)
                matched = sum(block.size for block in matcher.get_matching_blocks())
                assert matched >= len(words) - 2, (span, copy)
            checked += 1
    assert checked > 500


def test_attribution_words_are_outside_taken_spans(corpus):
    names = [n for agency in AGENCIES for n in agency[:2]]
    phrases = {f'According to {n}, ' for n in names}
    for n in names:
        for verb in VERBS_PRESENT + VERBS_PAST:
            phrases |= {f'{n[:1].upper()}{n[1:]} {verb}: ', f'{n[:1].upper()}{n[1:]} {verb}. ', f'{n} {verb}.'}
    pattern = re.compile('|'.join(re.escape(p) for p in sorted(phrases, key=len, reverse=True)))
    found = 0
    for doc_id, spans in corpus.spans.items():
        if not any(s.placement == 'quoted_in_paragraph' and s.hops == 1 for s in spans):
            continue
        for m in pattern.finditer(corpus.by_id[doc_id].text):
            found += 1
            assert not any(s.start < m.end() and m.start() < s.end for s in spans), m.group(0)
    assert found > 5


def test_quoted_forms_keep_the_copy_tagged_and_the_attribution_not():
    tag = ('verbatim', 'quoted_in_paragraph', 'w000001', 1)
    copies = [('Officials said the border would stay closed until Friday.', tag),
              ('He called it "a pause" in the talks.', tag)]
    forms = set()
    for seed in range(40):
        segments = _quoted(random.Random(seed), list(copies))
        text = ''.join(t for t, _ in segments)
        tagged = [t for t, g in segments if g is not None]
        untagged = ''.join(t for t, g in segments if g is None)
        assert any(n in untagged for agency in AGENCIES for n in agency[:2])
        assert tagged[0].rstrip('.') == copies[0][0].rstrip('.') or tagged[0][1:] == copies[0][0][1:]
        assert tagged[1] == "He called it 'a pause' in the talks."    # inner quotes turned single
        assert [g[0] for t, g in segments if g is not None] == ['verbatim', 'quotes_restyled']
        forms.add(text.split(' ')[0])
    assert len(forms) >= 3


def test_shared_text_in_the_bodies_is_left_out():
    shared = 'Sign up for our newsletter to get the latest deals delivered to your inbox every week.'
    near = 'The committee approved the new budget for the regional hospital network on Tuesday evening.'
    alpha = 'Alpha reporters walked through the flooded market streets on Monday morning.'
    bodies = [f'{alpha} {shared}\n{near}',
              f'Beta engineers tested the prototype engine twice before lunch.\n{shared}',
              'Gamma voters queued outside polling stations. The committee approved the new budget for '
              'the regional hospital network on Tuesday evening after a long debate.']
    pool = prepare_pool(bodies)
    kept = [s for body in pool.bodies for para in body for s in para]
    assert shared not in kept and near not in kept
    assert pool.excluded['exact_across_bodies'] == 2 and pool.excluded['near'] >= 1
    assert alpha in kept and 'Gamma voters queued outside polling stations.' in kept
    assert normalize_body('  a  b \n\n\n c ') == 'a b\n\nc'


def test_large_corpora_reuse_the_pool_only_as_new_text():
    bodies = [' '.join(f'Story {b} sentence {i} says that word{b}x{i} and more words follow here.'
                       for i in range(30)) for b in range(6)]
    corpus = build_wire_corpus(bodies, 120, seed=1)
    assert corpus.stats['epochs'] > 2
    scores = token_scores(exact_sentence_baseline(corpus.articles), corpus)
    assert scores['precision'] == 1.0 and scores['recall'] > 0.5


def _corpus(texts_spans):
    articles, spans = [], {}
    for i, (text, taken) in enumerate(texts_spans):
        doc_id = f'w{i:06d}'
        articles.append(article(doc_id, text, datetime.date(2024, 1, 1 + i)))
        if taken:
            spans[doc_id] = [TakenSpan(s, e, kind, 'own_paragraph', 'w000000', 1) for s, e, kind in taken]
    return WireCorpus(articles, spans, {a.doc_id: 'reprint' for a in articles})


def test_token_scores_by_hand():
    #        0         1         2         3
    #        0123456789012345678901234567890123456789
    own = 'one two three four'
    reprint = 'aa bb cc dd ee ff gg hh'
    corpus = _corpus([(own, []), (reprint, [(0, 8, 'verbatim'), (12, 17, 'word_dropped')])])
    # taken tokens: aa bb cc (0-8), ee ff (12-17): 5 tokens
    flagged = {'w000001': [(3, 11), (15, 20)], 'w000000': [(0, 3)]}
    # flagged tokens: bb cc dd (3-11), ff gg? gg is 18-20 -> inside (15, 20): ff gg; one (0-3): 6 tokens
    scores = token_scores(flagged, corpus)
    assert scores['tokens'] == 12 and scores['taken_tokens'] == 5 and scores['flagged_tokens'] == 6
    assert scores['true_positive'] == 3                       # bb cc ff
    assert scores['precision'] == pytest.approx(3 / 6) and scores['recall'] == pytest.approx(3 / 5)
    assert scores['f1'] == pytest.approx(2 * 0.5 * 0.6 / 1.1)
    assert scores['per_kind']['verbatim'] == dict(taken=3, flagged=2, recall=pytest.approx(2 / 3))
    assert scores['per_kind']['word_dropped']['recall'] == pytest.approx(1 / 2)
    assert scores['per_kind']['own_paragraph']['taken'] == 5
    # A token only partly inside a flagged span is not flagged; nothing flagged: P 0, R 0.
    assert token_scores({'w000001': [(1, 4)]}, corpus)['flagged_tokens'] == 0
    empty = token_scores({}, corpus)
    assert empty['precision'] == 0.0 and empty['recall'] == 0.0 and empty['f1'] == 0.0
    perfect = token_scores({'w000001': [(0, 8), (12, 17)]}, corpus)
    assert perfect['precision'] == perfect['recall'] == 1.0


def test_exact_baseline_misses_edits_but_is_precise(corpus):
    flagged = exact_sentence_baseline(corpus.articles)
    scores = token_scores(flagged, corpus)
    assert scores['precision'] > 0.98
    assert 0.4 < scores['recall'] < 0.95
    per = scores['per_kind']
    assert per['verbatim']['recall'] > 0.8
    for kind in ('title_added', 'word_dropped', 'word_changed'):
        assert per[kind]['recall'] < 0.3
    assert per['quoted_in_paragraph']['recall'] < per['own_paragraph']['recall']


def test_exact_baseline_ranks_dated_before_undated():
    sentence = 'The minister said the new rail line would open to passengers next spring.'
    articles = [article('a', f'Own words here. {sentence}'), article('b', sentence, datetime.date(2024, 5, 1)),
                article('c', sentence, datetime.date(2024, 5, 1)), article('d', 'Too short to match. Really.')]
    flagged = exact_sentence_baseline(articles)
    assert set(flagged) == {'a', 'c'}
    assert flagged['a'] == [(16, 16 + len(sentence))]
