"""Property-based tests (hypothesis) of HTML extraction, with no Beam:
`HtmlExtractor.extract` on arbitrary text, generated HTML (nesting,
attributes, entities, script/style, meta tags with odd dates, JSON-LD with
junk) and damaged real pages; `extract_draft`."""
from __future__ import annotations

import datetime
import json

from hypothesis import HealthCheck, given, settings, strategies as st

from tests.record_strategies import (DATED_URLS, EXTRACTOR, FAST, LARGE_REPRS_ARE_FINE, META_KEYS, ODD_DATES, ODD_URLS,
                                     SEED_PARAGRAPHS, SLOW, article_jsonld, damaged_dev_pages, deep_html, html_pages,
                                     jsonld_graphs)
from transforms.common.records import Draft, HeaderFields, Line
from transforms.html.extract_html import HtmlPage, HtmlTooDeep, extract_draft

pytestmark = LARGE_REPRS_ARE_FINE


def extract(html, url):
    """The extractor's page, or None for HTML nested past the parser's depth
    limit: the one exception extract() documents (ExtractHtml rejects it)."""
    try:
        return EXTRACTOR.extract(html, url)
    except HtmlTooDeep as exc:
        assert exc.error and str(exc)
        return None


def check_page(page, url):
    if page is None:
        return
    assert isinstance(page, HtmlPage)
    assert isinstance(page.text, str)
    if page.text:
        for paragraph in page.text.split('\n\n'):
            assert paragraph and paragraph == paragraph.strip() and '\n' not in paragraph, repr(paragraph)
    fields = page.fields
    assert isinstance(fields, HeaderFields)
    assert fields.title is None or (isinstance(fields.title, str) and fields.title.strip()), fields
    assert isinstance(fields.authors, tuple) and all(isinstance(a, str) and a.strip() for a in fields.authors)
    assert fields.publisher is None or isinstance(fields.publisher, str)
    assert fields.date_source in ('html', 'none'), fields
    assert (fields.published_date is None) == (fields.date_source == 'none'), fields
    if fields.published_date is not None:
        assert isinstance(fields.published_date, datetime.date) and fields.published_date.year >= 1995
    if url:
        assert page.url == url


@settings(max_examples=150, **FAST)
@given(html=st.text(max_size=400), url=st.one_of(st.none(), ODD_URLS))
def test_extract_never_raises_on_arbitrary_text(html, url):
    check_page(extract(html, url), url)


@settings(max_examples=200, **SLOW, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(html=st.one_of(html_pages, deep_html), url=st.one_of(st.none(), ODD_URLS))
def test_extract_never_raises_on_generated_html(html, url):
    check_page(extract(html, url), url)


@settings(max_examples=150, **FAST)
@given(objects=st.lists(st.one_of(article_jsonld, jsonld_graphs), min_size=1, max_size=3),
       paragraphs=st.lists(st.sampled_from(SEED_PARAGRAPHS), min_size=1, max_size=3), in_head=st.booleans(),
       url=st.one_of(st.none(), ODD_URLS))
def test_extract_never_raises_on_jsonld_with_odd_values(objects, paragraphs, in_head, url):
    """JSON-LD is data the page's author typed: any value can be of any type."""
    scripts_html = ''.join(f'<script type="application/ld+json">{json.dumps(o)}</script>' for o in objects)
    body = ''.join(f'<p>{p}</p>' for p in paragraphs)
    html = (f'<html><head>{scripts_html}</head><body>{body}</body></html>' if in_head
            else f'<html><body>{body}{scripts_html}</body></html>')
    check_page(extract(html, url), url)


@settings(max_examples=30, **SLOW, suppress_health_check=[HealthCheck.too_slow])
@given(html=damaged_dev_pages(), url=DATED_URLS)   # junk URLs: the small-input tests above
def test_extract_never_raises_on_damaged_real_pages(html, url):
    check_page(extract(html, url), url)


dated_pages = st.builds(
    lambda heads, dates, paragraphs: ('<html><head>' + ''.join(heads) + '</head><body><article>'
                                      + ''.join(dates) + ''.join(f'<p>{p}</p>' for p in paragraphs)
                                      + '</article></body></html>'),
    st.lists(st.builds(lambda key, d: f'<meta property="{key}" content="{d}">', st.sampled_from(META_KEYS), ODD_DATES),
             max_size=3),
    st.lists(st.one_of(st.builds(lambda d, t: f'<time datetime="{d}" pubdate>{t}</time>', ODD_DATES, ODD_DATES),
                       ODD_DATES.map(lambda d: f'<p>Published {d}</p>'),
                       ODD_DATES.map(lambda d: f'<span class="updated">Updated {d}</span>'),
                       st.dates().map(lambda d: f'<div class="date">{d:%B %d, %Y}</div>')), max_size=3),
    st.lists(st.sampled_from(SEED_PARAGRAPHS), min_size=1, max_size=4))


@settings(max_examples=60, **FAST, suppress_health_check=[HealthCheck.too_slow])
@given(html=dated_pages, url=DATED_URLS)
def test_extracted_dates_are_not_in_the_future(html, url):
    """Every date source is bounded by tomorrow (junk and placeholder dates
    like 2099-12-31 are refused), the URL path included."""
    page = extract(html, url)
    tomorrow = datetime.date.today() + datetime.timedelta(days=1)
    assert page is not None and page.fields.published_date is None or page.fields.published_date <= tomorrow, (page.fields, url)


@settings(max_examples=60, **SLOW, suppress_health_check=[HealthCheck.too_slow])
@given(html=st.one_of(html_pages, st.text(max_size=200)), url=st.one_of(st.none(), ODD_URLS),
       known_title=st.one_of(st.none(), st.just('Known title')))
def test_extract_draft_turns_html_into_numbered_body_lines(html, url, known_title):
    draft = Draft(doc_id='d', source_uri='/in/p.html', format='html', content_kind='html', url=url or None,
                  html=html, known=HeaderFields(title=known_title), raw=b'raw')
    try:
        out = extract_draft(EXTRACTOR, draft)
    except HtmlTooDeep:
        return
    assert isinstance(out, Draft) and out.html is None
    assert [ln.index for ln in out.lines] == list(range(len(out.lines)))
    assert all(isinstance(ln, Line) and ln.text.strip() and '\n' not in ln.text for ln in out.lines)
    assert out.known == draft.known and out.cuts == draft.cuts and out.raw == draft.raw
    assert out.doc_id == draft.doc_id and out.source_uri == draft.source_uri
    if url:
        assert out.url == url


