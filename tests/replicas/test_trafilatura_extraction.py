"""Tests for transforms/replicas/trafilatura_extraction.py: `load_html_tree`
and `bare_extraction_in_place` give trafilatura's own answers, and replicate
the installed version."""
from __future__ import annotations

import pytest

from tests.html.pages import DATA, load_dev_page
from transforms.html.extract_html import HtmlExtractor


@pytest.fixture(scope='module')
def extractor():
    return HtmlExtractor()


def test_load_html_and_bare_extraction_replicate_the_installed_trafilatura():
    from transforms.replicas.trafilatura_extraction import (BARE_EXTRACTION_REPLICATES_INSTALLED,
                                                            LOAD_HTML_REPLICATES_INSTALLED)
    # else `load_html_tree` / `bare_extraction_in_place` only delegate to trafilatura: update them
    assert LOAD_HTML_REPLICATES_INSTALLED
    assert BARE_EXTRACTION_REPLICATES_INSTALLED


ODD_PAGES = [
    '<html><body><p>control\x00 \x08characters\x1f and \ufffe non-characters</p></body></html>',
    '<?xml version="1.0" encoding="utf-8"?><html><body><p>declared encoding</p></body></html>',
    '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1.dtd"/>\n'
    '<html><body><p>self-closed doctype</p></body></html>',
    '<!doctype html>\n<html lang="en"/>\n<head><title>T</title></head><body><p>self-closed html</p></body>',
    'plain text, not HTML',
    '<p>a fragment</p>',
    '<div><p>one</p></div><div><p>two</p></div>',
]


def _tree_bytes(tree):
    from lxml import etree
    return None if tree is None else etree.tostring(tree)


@pytest.mark.parametrize('html', ODD_PAGES)
def test_load_html_is_trafilaturas_on_odd_pages(html):
    from trafilatura.utils import load_html
    from transforms.replicas.trafilatura_extraction import load_html_tree
    assert _tree_bytes(load_html_tree(html)) == _tree_bytes(load_html(html))


@pytest.mark.skipif(not DATA.exists(), reason='dev pages not present')
def test_load_html_is_trafilaturas_on_dev_pages():
    from trafilatura.utils import load_html
    from transforms.replicas.trafilatura_extraction import load_html_tree
    for path in sorted((DATA / 'html').glob('*.html.gz'))[:200]:
        _, html = load_dev_page(path.name.split('.')[0])
        assert _tree_bytes(load_html_tree(html)) == _tree_bytes(load_html(html)), path


@pytest.mark.skipif(not DATA.exists(), reason='dev pages not present')
def test_bare_extraction_in_place_is_trafilaturas_on_dev_pages(extractor):
    from copy import copy
    from trafilatura.core import bare_extraction
    from transforms.replicas.trafilatura_extraction import bare_extraction_in_place, extracts_in_place, load_html_tree
    extracted = 0
    for path in sorted((DATA / 'html').glob('*.html.gz'))[:40]:
        _, html = load_dev_page(path.name.split('.')[0])
        for options in (extractor._options, extractor._balanced_options):
            options = copy(options)
            options.url = options.source = 'https://example.com/a'
            assert extracts_in_place(options)
            tree = load_html_tree(html)
            expected = bare_extraction(tree, options=options)
            found = bare_extraction_in_place(tree, options)
            assert (found is None) == (expected is None), path
            if expected is not None:
                assert found.text == expected.text, path
                assert _tree_bytes(found.body) == _tree_bytes(expected.body), path
                extracted += 1
    assert extracted > 60
