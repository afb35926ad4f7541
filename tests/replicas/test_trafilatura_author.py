"""Tests for transforms/replicas/trafilatura_author.py: `find_author` gives
trafilatura's `extract_author` answer, and replicates the installed version."""
from __future__ import annotations

import pytest

from tests.html.pages import DATA, load_dev_page


AUTHOR_PAGES = [
    # a deleted element's tail is glued to the previous sibling's tail / the parent's text,
    # so the pieces around it are no longer joined with ' '
    '<html><body><div class="author">Jane<time>x</time>Doe<span class="date">y</span>Smith</div></body></html>',
    '<html><body><div class="author"><figure>f</figure>Jane<b>Mary</b><figure>g</figure>Doe'
    '<figure>h</figure>Roe</div></body></html>',
    '<html><body><p class="byline">By <!--c-->Jane<time>1</time>Doe<?pi x?>and<time>2</time>Ann Lee</p></body></html>',
    # a candidate inside a deleted element is not there; the next expression's is
    '<html><body><div class="sidebar"><span class="author-name">Side Bar</span></div>'
    '<span class="byline">Real Writer</span></body></html>',
    '<html><body><section id="comments"><a rel="author">Commenter Name</a></section>'
    '<div data-component="Byline">Ann <figure data-x="1">pic</figure>Other</div></body></html>',
    # too short / too long texts are skipped
    '<html><body><a rel="author">Al</a><span class="writer">' + 'x' * 130 + '</span>'
    '<div id="Author-box">Kim Park</div></body></html>',
    '<html><body><author>Tag Author</author><p itemprop="author name">Item Prop</p></body></html>',
    '<html><body><h3 id="xiaobian">Xiao Bian</h3><span class="AuthorName">Later One</span></body></html>',
    # upstream tests a child element <rel> (`rel='me'`): handled by trafilatura itself
    '<html><body><a><rel>me</rel>Rel Child</a></body></html>',
    '<html><body><p>No author here</p></body></html>',
]


def test_find_author_replicates_the_installed_trafilatura():
    from transforms.replicas.trafilatura_author import REPLICATES_INSTALLED
    assert REPLICATES_INSTALLED     # else it only delegates to trafilatura: update it


@pytest.mark.parametrize('html', AUTHOR_PAGES)
def test_find_author_is_trafilaturas_extract_author(html):
    from trafilatura.metadata import extract_author
    from trafilatura.utils import load_html
    from transforms.replicas.trafilatura_author import find_author
    assert find_author(load_html(html)) == extract_author(load_html(html))


@pytest.mark.skipif(not DATA.exists(), reason='dev pages not present')
def test_find_author_is_trafilaturas_extract_author_on_dev_pages():
    from trafilatura.metadata import extract_author
    from trafilatura.utils import load_html
    from transforms.replicas.trafilatura_author import find_author
    found = 0
    for path in sorted((DATA / 'html').glob('*.html.gz')):
        _, html = load_dev_page(path.name.split('.')[0])
        tree = load_html(html)
        if tree is None:
            continue
        expected = extract_author(tree)
        assert find_author(tree) == expected, path
        found += expected is not None
    assert found > 100      # the comparison covered pages with an author
