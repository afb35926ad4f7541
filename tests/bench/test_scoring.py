"""Tests for bench/scoring.py: how extraction results are scored against the ground truth."""
from __future__ import annotations

import datetime

import pytest

from bench.scoring import (author_set, authors_match, bag_of_words_prf, date_match,
                           macro_micro, split_names, title_exact, title_fuzzy)


def test_bag_of_words_prf():
    assert bag_of_words_prf('a b c', 'a b c') == (1.0, 1.0, 1.0)
    p, r, f = bag_of_words_prf('The cat sat', 'the cat sat on the mat')
    assert p == 1.0 and r == pytest.approx(0.5) and f == pytest.approx(2 / 3)
    # multiset: a repeated word counts only as often as in gold
    p, r, _ = bag_of_words_prf('cat cat cat cat', 'cat dog')
    assert p == pytest.approx(0.25) and r == pytest.approx(0.5)
    assert bag_of_words_prf('', 'something') == (0.0, 0.0, 0.0)
    assert bag_of_words_prf('', '') == (1.0, 1.0, 1.0)


def test_macro_micro():
    rows = [(1, 1, 2), (0, 4, 4)]      # page 1: P 1 R .5; page 2: nothing right
    m = macro_micro(rows)
    assert m['n'] == 2
    assert m['P'] == pytest.approx(0.5) and m['R'] == pytest.approx(0.25)
    assert m['microP'] == pytest.approx(1 / 5) and m['microR'] == pytest.approx(1 / 6)


def test_title_and_author_and_date_scoring():
    assert title_exact('  Hello   World ', 'hello world')
    assert not title_exact('Hello World | Site', 'Hello World')
    assert title_fuzzy('The big title of the day', 'The big title of the day!')
    assert not title_fuzzy('Something else', 'The big title')
    assert split_names('Dylan Bailey, MS, RD, FAND') == ['Dylan Bailey']
    assert author_set('Danielle DeSiato, Donna Enzmann, and Natalie Nguyen') == \
        {'danielle desiato', 'donna enzmann', 'natalie nguyen'}
    assert authors_match(['Natalie Nguyen', 'Donna Enzmann', 'Danielle DeSiato'],
                         'Danielle DeSiato, Donna Enzmann, and Natalie Nguyen')
    assert not authors_match(['Someone Else'], 'Jane Doe')
    assert not authors_match([], None)
    assert date_match(datetime.date(2024, 5, 1), '2024-05-01')
    assert date_match('2024-05-01T10:00:00Z', '2024-05-01')
    assert not date_match(datetime.date(2024, 5, 2), '2024-05-01')
    assert not date_match(None, None)


def test_date_in_page_finds_common_spellings_only():
    from bench.scoring import date_in_page
    gold = '2018-05-31'
    for page in (b'<time datetime="2018-05-31T10:00">', b'<p>May 31, 2018</p>', b'<p>31 May 2018</p>',
                 b'<span>05/31/2018</span>', b'<span>31.05.2018</span>', b'<p>May&nbsp;31st,&nbsp;2018</p>'):
        assert date_in_page(page, gold), page
    assert not date_in_page(b'<p>June 1, 2018</p><p>2018-05-30</p>', gold)
    assert not date_in_page(b'<p>May 31, 2018</p>', None)
