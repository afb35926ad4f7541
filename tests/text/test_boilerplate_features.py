"""Unit tests for transforms.text.boilerplate_features: the model's features,
computed a column at a time, are the straightforward ones (no Beam)."""
from __future__ import annotations

import numpy as np
from hypothesis import given, settings, strategies as st

from bench.text_dumps import page_text_dump
from tests.conftest import dev_html
from transforms.common.records import Cut
from transforms.text.boilerplate_features import COLUMN, feature_names, line_features, main_region
from transforms.text.boilerplate_rules import BoilerplateRules
from transforms.text.strip_boilerplate import text_to_lines


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


# ------------------------------------------------------------------ the column-at-a-time feature code

@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.booleans(), st.integers(1, 500)), max_size=40), st.booleans())
def test_distance_to_matches_a_walk_over_the_lines(rows, forward):
    import math
    from transforms.text.boilerplate_features import _distance_to
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
    from transforms.text.boilerplate_features import (_ALNUM, _COMMA, _DIGIT, _SPACE, _char_class_counts,
                                                      _class_column)
    counts = _char_class_counts(texts)
    assert _class_column(counts, _DIGIT).tolist() == [sum(map(str.isdigit, t)) for t in texts]
    assert _class_column(counts, _ALNUM).tolist() == [sum(map(str.isalnum, t)) for t in texts]
    assert _class_column(counts, _SPACE).tolist() == [sum(map(str.isspace, t)) for t in texts]
    assert _class_column(counts, _COMMA).tolist() == [t.count(',') for t in texts]


def test_run_lengths():
    from transforms.text.boilerplate_features import _run_lengths
    assert _run_lengths(np.array([1, 1, 0, 1, 0, 0, 0])).tolist() == [2, 2, 1, 1, 3, 3, 3]
    assert _run_lengths(np.array([], dtype=bool)).tolist() == []


def test_gated_and_shared_features_are_the_straightforward_ones():
    """line_features looks for URLs and second person only where the gates
    say, and takes the lowered words and their stopword flags from analyse:
    the same values as searching and looking up every line, word by word."""
    from transforms.common.text_primitives import SECOND_PERSON, STOPWORDS, URL_ANYWHERE
    pages = [page_text_dump(dev_html(p).decode('utf-8', 'replace')) for p in ('0002', '0007', '0011')]
    pages.append('Visit https://example.com/a for more\nYou will like www.example.org\nplain text here')
    for text in pages:
        a = BoilerplateRules().analyse(text_to_lines(text))
        words = [w for i in range(len(a.idx)) for w in a.line_words[i]]
        assert a.low_words == [w.lower() for w in words]
        assert a.word_is_stopword == [w.lower() in STOPWORDS for w in words]
        X = line_features(a)
        texts = [a.texts[i] for i in a.idx]
        assert X[:, COLUMN['second_person']].tolist() == [float(bool(SECOND_PERSON.search(t))) for t in texts]
        assert X[:, COLUMN['url_share']].tolist() == [sum(map(len, URL_ANYWHERE.findall(t))) / len(t) for t in texts]
        # the units' quality from the counted stopwords is the quality from the words
        rules = BoilerplateRules()
        for u, t in a.unit_text.items():
            w = tuple(w for i in a.idx if a.unit_of[i] == u for w in a.line_words[a.idx.index(i)])
            assert rules._quality(t, a.foreign, w) == rules._quality(
                t, a.foreign, w, sum(x.lower() in STOPWORDS for x in w))
    assert any(X[:, COLUMN['url_share']]) and any(X[:, COLUMN['second_person']])
