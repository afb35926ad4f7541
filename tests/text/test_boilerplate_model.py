"""The trained line classifier for text dumps (no Beam): its tree evaluator,
its features, and what it does to real page text."""
from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from bench.scoring import bag_of_words_prf
from bench.text_dumps import page_text_dump
from bench.train_boilerplate import label_lines
from tests.conftest import DEV, dev_html, dev_truth
from transforms.text.boilerplate_model import (MODEL_PATH, BoilerplateModel, TreeEnsemble, feature_names,
                                          line_features, main_region)
from transforms.common.records import Cut, Line
from transforms.text.split_headers import HEADER_REASONS
from transforms.text.strip_boilerplate import REASONS, BoilerplateRules, clean_text_dump, text_to_lines


@pytest.fixture(scope='module')
def model():
    return BoilerplateModel()


# ------------------------------------------------------------------ the tree evaluator

def test_tree_ensemble_walks_every_tree_to_its_leaf():
    # tree 0: x0 <= 1 ? (x1 <= 5 ? 0.5 : -0.5) : 2.0 ; tree 1: a single leaf 0.25
    spec = dict(baseline=-1.0, max_depth=2, roots=[0, 5],
                feature=[0, 1, 0, 0, 0, 0], threshold=[1.0, 5.0, 0, 0, 0, 0],
                left=[1, 3, 2, 3, 4, 5], right=[2, 4, 2, 3, 4, 5],
                value=[0, 0, 2.0, 0.5, -0.5, 0.25], is_leaf=[False, False, True, True, True, True])
    X = np.array([[0.0, 0.0], [0.0, 9.0], [3.0, 0.0], [1.0, 5.0]])
    raw = TreeEnsemble(spec).raw(X)
    assert raw.tolist() == [-1 + 0.5 + 0.25, -1 - 0.5 + 0.25, -1 + 2.0 + 0.25, -1 + 0.5 + 0.25]
    assert TreeEnsemble(spec).raw(np.zeros((0, 2))).shape == (0,)


def test_shipped_model_matches_the_feature_code():
    spec = json.loads(MODEL_PATH.read_text())
    assert spec['features'] == feature_names()
    assert 0.0 < spec['threshold'] < 1.0
    assert max(spec['trees']['feature']) < len(feature_names())


def test_model_trained_on_other_features_is_refused(tmp_path):
    spec = json.loads(MODEL_PATH.read_text())
    spec['features'] = spec['features'][:-1]
    path = tmp_path / 'old.json'
    path.write_text(json.dumps(spec))
    with pytest.raises(ValueError, match='retrain'):
        BoilerplateModel(path)


# ------------------------------------------------------------------ features

def test_features_one_row_per_nonempty_line_and_finite():
    lines = text_to_lines(page_text_dump(dev_html('0002').decode('utf-8', 'replace')))
    a = BoilerplateRules().analyse(lines)
    X = line_features(a, Cut(3, 'A headline about the page', 'title'))
    assert X.shape == (len(a.idx), len(feature_names()))
    assert np.isfinite(X).all()
    assert line_features(BoilerplateRules().analyse([])).shape == (0, len(feature_names()))


def test_features_from_the_rules_words_are_the_features_from_the_text():
    """line_features reuses the words the rules split each line into: the
    same features as from each line's text split anew; and a unit's words,
    for its quality, are its lines' words."""
    import dataclasses
    from transforms.common.text_primitives import words_of
    lines = text_to_lines(page_text_dump(dev_html('0002').decode('utf-8', 'replace')))
    a = BoilerplateRules().analyse(lines)
    assert a.line_words == [words_of(a.texts[i]) for i in a.idx]
    title = Cut(3, 'A headline about the page', 'title')
    resplit = dataclasses.replace(a, line_words=[words_of(a.texts[i]) for i in a.idx])
    assert np.array_equal(line_features(a, title), line_features(resplit, title))
    # a unit's words are its lines' words in a row
    words_by_line = dict(zip(a.idx, a.line_words))
    members = {}
    for i in a.idx:
        members.setdefault(a.unit_of[i], []).append(i)
    assert any(len(m) > 1 for m in members.values())
    for u, m in members.items():
        assert words_of(a.unit_text[u]) == tuple(w for i in m for w in words_by_line[i])


def test_main_region_is_the_run_of_prose_not_the_menu():
    chars = np.array([5, 6, 4, 300, 250, 8, 280, 7, 5, 6, 5], dtype=float)
    quality = ['short', 'short', 'short', 'good', 'good', 'short', 'good', 'short', 'short', 'short', 'short']
    assert main_region(chars, quality) == (3, 6)
    assert main_region(chars[:3], quality[:3]) is None


def test_labels_follow_the_gold_body_in_order():
    gold = ('Home prices rose again in May.\n\nWhy it matters\n\nThe rise was the largest in a decade, '
            'economists said on Tuesday.\n\nStocks fell on the news.')
    lines = ['Home', 'Menu', 'Why it matters', 'Home prices rose again in May.', 'Why it matters',
             'The rise was the largest in a decade, economists said on Tuesday.', 'Share', 'Home']
    # the menu's 'Home' and the table of contents are not body; the subhead in place is
    assert label_lines(lines, gold).tolist() == [0, 0, 0, 1, 1, 1, 0, 0]


# ------------------------------------------------------------------ the model on real text

def test_every_line_is_kept_or_cut_with_a_reason(model):
    lines = text_to_lines(page_text_dump(dev_html('0004').decode('utf-8', 'replace')))
    kept, cuts = model.strip(lines)
    assert sorted([ln.index for ln in kept] + [c.line_index for c in cuts]) == [ln.index for ln in lines]
    assert cuts and all(c.reason in REASONS for c in cuts)
    assert model.strip([]) == ((), ())


def test_hard_wrapped_paragraph_is_kept_or_cut_whole(model):
    wrapped = ['The city council voted on Tuesday to close the old bridge to traffic for two years while',
               'engineers replace its deck, a project that officials said would cost more than forty',
               'million dollars and force thousands of commuters onto a ferry or a long detour.']
    lines = [Line(i, t) for i, t in enumerate(['Menu', 'News', 'Sport'] + wrapped + ['Share', 'Comments'])]
    kept, cuts = model.strip(lines)
    assert {3, 4, 5} <= {ln.index for ln in kept}
    assert {c.line_index for c in cuts} >= {0, 1, 2, 6, 7}


def _held_out_pages(n):
    ids = sorted(p.name[:4] for p in (DEV / 'ground-truth').glob('*.json') if p.name[3] in '05')
    return [i for i in ids if dev_truth(i).get('main_content')][:n]


def test_model_beats_the_rules_on_held_out_dev_dumps(model):
    """Raw text dumps of real pages the model never saw in training (held-out
    ids, sites not in the training part): body F1 above the rules' on the
    same pages, and high in absolute terms."""
    rules = BoilerplateRules()
    f_model, f_rules, p_model = [], [], []
    for page_id in _held_out_pages(40):
        dump = page_text_dump(dev_html(page_id).decode('utf-8', 'replace'))
        gold = dev_truth(page_id)['main_content']
        body_m = clean_text_dump(dump, rules=model)[0]
        body_r = clean_text_dump(dump, rules=rules)[0]
        p, _, f = bag_of_words_prf(body_m, gold)
        f_model.append(f)
        p_model.append(p)
        f_rules.append(bag_of_words_prf(body_r, gold)[2])
    assert np.mean(f_model) > np.mean(f_rules) + 0.005
    assert np.mean(f_model) >= 0.90 and np.mean(p_model) >= 0.90


def test_header_lines_are_not_judged_again(model):
    # the header split takes title and byline; the model sees only the rest
    text = page_text_dump(dev_html('0011').decode('utf-8', 'replace'))
    body, fields, cuts = clean_text_dump(text, rules=model)
    assert fields.title and fields.title not in body.split('\n\n')
    assert all(c.reason in REASONS or c.reason in HEADER_REASONS for c in cuts)


# ------------------------------------------------------------------ the column-at-a-time feature code

@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.booleans(), st.integers(1, 500)), max_size=40), st.booleans())
def test_distance_to_matches_a_walk_over_the_lines(rows, forward):
    import math
    from transforms.text.boilerplate_model import _distance_to
    flags = np.array([float(f) for f, _ in rows])
    chars = np.array([float(c) for _, c in rows])
    n = len(rows)
    lines_out = [math.log1p(n + 1)] * n
    chars_out = [math.log1p(float(chars.sum()) + 1)] * n
    last, acc = None, 0.0
    for k in (range(n - 1, -1, -1) if forward else range(n)):
        if last is not None:
            lines_out[k], chars_out[k] = math.log1p(abs(k - last)), math.log1p(acc)
        acc += chars[k]
        if flags[k]:
            last, acc = k, 0.0
    got_lines, got_chars = _distance_to(flags, chars, forward)
    assert got_lines.tolist() == lines_out and got_chars.tolist() == chars_out


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(min_size=1, max_size=30), min_size=1, max_size=10))
def test_character_class_counts_match_the_str_methods(texts):
    from transforms.text.boilerplate_model import _ALNUM, _COMMA, _DIGIT, _SPACE, _char_class_counts, _class_column
    counts = _char_class_counts(texts)
    assert _class_column(counts, _DIGIT).tolist() == [sum(map(str.isdigit, t)) for t in texts]
    assert _class_column(counts, _ALNUM).tolist() == [sum(map(str.isalnum, t)) for t in texts]
    assert _class_column(counts, _SPACE).tolist() == [sum(map(str.isspace, t)) for t in texts]
    assert _class_column(counts, _COMMA).tolist() == [t.count(',') for t in texts]


def test_run_lengths():
    from transforms.text.boilerplate_model import _run_lengths
    assert _run_lengths(np.array([1, 1, 0, 1, 0, 0, 0])).tolist() == [2, 2, 1, 1, 3, 3, 3]
    assert _run_lengths(np.array([], dtype=bool)).tolist() == []


def test_gated_and_shared_features_are_the_straightforward_ones():
    """line_features looks for URLs and second person only where the gates
    say, and takes the lowered words and their stopword flags from analyse:
    the same values as searching and looking up every line, word by word."""
    from transforms.text.boilerplate_model import _COLUMN, SECOND_PERSON, URL_ANYWHERE
    from transforms.common.text_primitives import STOPWORDS
    pages = [page_text_dump(dev_html(p).decode('utf-8', 'replace')) for p in ('0002', '0007', '0011')]
    pages.append('Visit https://example.com/a for more\nYou will like www.example.org\nplain text here')
    for text in pages:
        a = BoilerplateRules().analyse(text_to_lines(text))
        words = [w for i in range(len(a.idx)) for w in a.line_words[i]]
        assert a.low_words == [w.lower() for w in words]
        assert a.word_is_stopword == [w.lower() in STOPWORDS for w in words]
        X = line_features(a)
        texts = [a.texts[i] for i in a.idx]
        assert X[:, _COLUMN['second_person']].tolist() == [float(bool(SECOND_PERSON.search(t))) for t in texts]
        assert X[:, _COLUMN['url_share']].tolist() == [sum(map(len, URL_ANYWHERE.findall(t))) / len(t) for t in texts]
        # the units' quality from the counted stopwords is the quality from the words
        rules = BoilerplateRules()
        for u, t in a.unit_text.items():
            w = tuple(w for i in a.idx if a.unit_of[i] == u for w in a.line_words[a.idx.index(i)])
            assert rules._quality(t, a.foreign, w) == rules._quality(
                t, a.foreign, w, sum(x.lower() in STOPWORDS for x in w))
    assert any(X[:, _COLUMN['url_share']]) and any(X[:, _COLUMN['second_person']])
