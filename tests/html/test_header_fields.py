"""Tests for transforms/html/header_fields.py: which title and which date a
page's header gets when its metadata, its shown dates and its URL disagree."""
from __future__ import annotations

import datetime

from tests.html.pages import LONG_BODY, page


def test_shown_date_and_url_date(extractor):
    # no metadata: the date shown under the headline is taken
    out = extractor.extract(page(before_body='<h1>Volunteers build a garden</h1>'
                                 '<div class="byline">By Ann Lee | March 3, 2020</div>'))
    assert out.fields.published_date == datetime.date(2020, 3, 3)
    # nothing in the page but the URL has a date
    out = extractor.extract(page(), url='https://news.example/2019/11/02/garden/')
    assert out.fields.published_date == datetime.date(2019, 11, 2)
    # nothing at all
    out = extractor.extract(page(), url='https://news.example/garden/')
    assert out.fields.published_date is None and out.fields.date_source == 'none'


def test_title_suffix_stripped(extractor):
    head = '<meta property="og:site_name" content="Example News">'
    out = extractor.extract(page(head=head, title='Volunteers build a garden | Example News'))
    assert out.fields.title == 'Volunteers build a garden'
    assert out.fields.publisher == 'Example News'
    # an <h1> repeating the headline wins over a <title> with a suffix
    out = extractor.extract(page(title='Volunteers build a garden - Example News',
                                 before_body='<h1>Volunteers build a garden</h1>'))
    assert out.fields.title == 'Volunteers build a garden'


def test_shown_date_also_labelled_update_is_not_the_publication_date(extractor):
    # the byline shows the date twice, once labelled 'Updated': the metadata's
    # publication date wins over it
    head = ('<meta property="article:published_time" content="2023-10-02T08:00:00+00:00">'
            '<meta property="article:modified_time" content="2024-12-06T08:00:00+00:00">')
    before = ('<h1>Volunteers build a garden</h1><div class="byline"><span>December 6, 2024</span>'
              '<span class="updated">Updated: December 6, 2024</span></div>')
    out = extractor.extract(page(head=head, before_body=before))
    assert out.fields.published_date == datetime.date(2023, 10, 2)


def test_labelled_publication_date_beats_metadata_that_is_the_modified_date(extractor):
    # metadata gives one date as both published and modified (a re-save), the
    # page itself says when it was published (at the end of the article)
    head = ('<meta property="article:published_time" content="2025-11-29T10:00:00+00:00">'
            '<meta property="article:modified_time" content="2025-11-29T10:00:00+00:00">')
    body = LONG_BODY + ('<div class="article-body__published">Published '
                        '<time pubdate datetime="2025-08-13">August 13, 2025</time></div>')
    out = extractor.extract(page(head=head, before_body='<h1>Volunteers build a garden</h1>', body=body))
    assert out.fields.published_date == datetime.date(2025, 8, 13)
    # a date followed by its update date ('December 3, 2025. Updated: December 7, 2025')
    head = '<meta property="article:modified_time" content="2025-12-07T10:00:00+00:00">'
    body = LONG_BODY + ('<p class="date">December 3, 2025. <i>Updated: December 7, 2025</i></p>')
    out = extractor.extract(page(head=head, before_body='<h1>Volunteers build a garden</h1>', body=body))
    assert out.fields.published_date == datetime.date(2025, 12, 3)


def test_teaser_dates_are_not_a_labelled_publication_date(extractor):
    # the same 'Published' date on several teasers: a listing, not this article
    head = ('<meta property="article:published_time" content="2025-12-20T10:00:00+00:00">'
            '<meta property="article:modified_time" content="2025-12-20T10:00:00+00:00">')
    teasers = ''.join(f'<div class="card"><a href="/t{i}">Teaser {i}</a><span>Published May 2, 2024'
                      f'</span></div>' for i in range(3))
    out = extractor.extract(page(head=head, before_body='<h1>Volunteers build a garden</h1>',
                                 body=LONG_BODY + teasers))
    assert out.fields.published_date == datetime.date(2025, 12, 20)


def test_shown_date_earlier_than_metadata_is_the_original_publication(extractor):
    # a story re-published (or migrated to a new CMS): the metadata dates the
    # copy, the date shown with the headline is when the story came out
    head = '<meta property="article:published_time" content="2024-08-07T10:00:00+00:00">'
    before = '<h1>Volunteers build a garden</h1><div class="byline">By Ann Lee · Dec 30, 2013</div>'
    out = extractor.extract(page(head=head, before_body=before))
    assert out.fields.published_date == datetime.date(2013, 12, 30)
    # a shown date one day off the metadata is a time-zone shift: metadata wins
    before = '<h1>Volunteers build a garden</h1><div class="byline">By Ann Lee · Aug 6, 2024</div>'
    out = extractor.extract(page(head=head, before_body=before))
    assert out.fields.published_date == datetime.date(2024, 8, 7)
    # a later shown date without an update label is not taken over the metadata
    before = '<h1>Volunteers build a garden</h1><div class="byline">By Ann Lee · Nov 26, 2025</div>'
    out = extractor.extract(page(head=head, before_body=before))
    assert out.fields.published_date == datetime.date(2024, 8, 7)
