"""Tests for transforms/html/extract_html.py: whole pages through `HtmlExtractor` (no Beam)."""
from __future__ import annotations

import pytest

from bench.scoring import authors_match, bag_of_words_prf, date_match, title_exact, title_fuzzy
from tests.html.pages import DATA, load_dev_page, page
from transforms.common.records import HeaderFields
from transforms.html.extract_html import HtmlExtractor, HtmlPage, HtmlTooDeep


def test_empty_page_gives_empty_text(extractor):
    for html in ('', '   ', '<html><head></head><body></body></html>'):
        out = extractor.extract(html)
        assert isinstance(out, HtmlPage)
        assert out.text == ''
        assert isinstance(out.fields, HeaderFields)


def test_body_is_paragraphs_without_title(extractor):
    html = page(before_body='<h1>Volunteers build a garden</h1>')
    out = extractor.extract(html, url='https://news.example/garden')
    paras = out.text.split('\n\n')
    assert len(paras) == 8
    assert paras[0].startswith('Paragraph 0 of the story')
    assert 'Volunteers build a garden' not in out.text
    assert 'Copyright' not in out.text and 'Home' not in out.text
    assert out.url == 'https://news.example/garden'


REAL_PAGES = ['0001', '0004', '0011', '0013', '0024', '0031', '0042', '0049']


@pytest.mark.skipif(not DATA.exists(), reason='dev pages not present')
@pytest.mark.parametrize('page_id', REAL_PAGES)
def test_real_page_body_date_title(extractor, page_id):
    gt, html = load_dev_page(page_id)
    g = gt['ground_truth']
    out = extractor.extract(html, url=gt.get('url'))
    _, _, f1 = bag_of_words_prf(out.text, g['main_content'])
    assert f1 >= 0.85, f1
    assert '\n\n' in out.text and '\n\n\n' not in out.text
    assert title_exact(out.fields.title, g['title']) or title_fuzzy(out.fields.title, g['title'])
    if g.get('publish_date'):
        assert date_match(out.fields.published_date, g['publish_date'])
        assert out.fields.date_source == 'html'
    if g.get('author'):
        assert authors_match(out.fields.authors, g['author'])


def test_html_nested_past_the_parser_limit_is_refused_not_cut_short():
    story = '<p>' + 'The council met on Tuesday to hear from residents about the plan. ' * 4 + '</p>'
    for depth, refused in ((200, False), (250, False), (256, True), (20000, True)):
        html = '<html><body>' + '<div>' * depth + story + '</div>' * depth + story + '</body></html>'
        if refused:
            with pytest.raises(HtmlTooDeep, match='nested 256'):
                HtmlExtractor().extract(html)
        else:
            assert 'council met' in HtmlExtractor().extract(html).text
