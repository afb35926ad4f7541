"""Tests for transforms/html/titles_authors.py: titles without the site name, bylines split into names."""
from __future__ import annotations

from transforms.html.titles_authors import split_authors, strip_site_suffix


def test_split_authors():
    assert split_authors('By Jane Doe and John Smith') == ('Jane Doe', 'John Smith')
    assert split_authors('Jane Doe, MD; John Smith') == ('Jane Doe', 'John Smith')
    assert split_authors(['Jane Doe', 'jane doe']) == ('Jane Doe',)
    assert split_authors('') == ()


def test_strip_site_suffix():
    assert strip_site_suffix('Big Headline Here | Example News', ['Example News']) == 'Big Headline Here'
    assert strip_site_suffix('Example News - Big Headline Here', ['example news']) == 'Big Headline Here'
    # not a site name: kept
    assert strip_site_suffix('Cats - A Love Story', ['Example News']) == 'Cats - A Love Story'
