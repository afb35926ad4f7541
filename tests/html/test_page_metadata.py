"""Tests for transforms/html/page_metadata.py: the page's <meta> tags and JSON-LD,
as they reach the extracted header."""
from __future__ import annotations

import datetime
import json

from tests.html.pages import page
from transforms.html.date_values import parse_date_value


def test_jsonld_graph_date_published_beats_modified(extractor):
    ld = {'@context': 'https://schema.org', '@graph': [
        {'@type': 'WebSite', 'name': 'Example News'},
        {'@type': 'NewsArticle', 'headline': 'Volunteers build a garden',
         'datePublished': '2023-04-05T09:00:00+02:00', 'dateModified': '2024-01-10T10:00:00Z',
         'author': [{'@type': 'Person', 'name': 'Jane Doe'}, {'@type': 'Person', 'name': 'John Smith'}],
         'publisher': {'@type': 'Organization', 'name': 'Example News'}}]}
    head = (f'<script type="application/ld+json">{json.dumps(ld)}</script>'
            '<meta property="article:modified_time" content="2024-01-10T10:00:00Z">'
            '<meta property="og:updated_time" content="2024-01-10T10:00:00Z">')
    out = extractor.extract(page(head=head, before_body='<h1>Volunteers build a garden</h1>'
                                 '<p class="meta">Updated January 10, 2024</p>'))
    f = out.fields
    assert f.published_date == datetime.date(2023, 4, 5)
    assert f.date_source == 'html'
    assert f.authors == ('Jane Doe', 'John Smith')
    assert f.publisher == 'Example News'
    assert f.title == 'Volunteers build a garden'


def test_meta_published_time(extractor):
    head = ('<meta property="article:modified_time" content="2022-12-01T00:00:00Z">'
            '<meta property="article:published_time" content="2021-06-15T08:00:00Z">'
            '<meta name="author" content="Ann Lee">'
            '<link rel="canonical" href="https://news.example/2021/06/garden">')
    out = extractor.extract(page(head=head))
    assert out.fields.published_date == datetime.date(2021, 6, 15)
    assert out.fields.authors == ('Ann Lee',)
    assert out.url == 'https://news.example/2021/06/garden'


def test_citation_date_in_highwire_form(extractor):
    """Scholarly pages give citation_publication_date as '2024 Jun 30'."""
    assert parse_date_value('2024 Jun 30') == datetime.date(2024, 6, 30)
    html = ('<html><head><title>Effects of sleep on recall</title>'
            '<meta name="citation_publication_date" content="2024 Jun 30"></head><body><article>'
            '<h1>Effects of sleep on recall</h1>' + '<p>Participants slept for eight hours before the test, '
            'and their recall improved markedly compared with the control group in every session.</p>' * 6 +
            '</article></body></html>')
    assert extractor.extract(html).fields.published_date == datetime.date(2024, 6, 30)
