"""Tests for transforms/html/shown_dates.py: the dates a page shows, where,
and in which order of day and month."""
from __future__ import annotations

import datetime

import pytest

from tests.html.pages import BODY, DATA, LONG_BODY, load_dev_page
from transforms.html.date_values import parse_date_value
from transforms.html.shown_dates import BodyScan, page_writes_day_first, scan_body, swap_day_month
from transforms.html.titles_authors import normalize_words


def test_footer_h1_is_not_the_headline(extractor):
    # the only <h1> is the site name in the footer: the date near the top counts,
    # not the dates of the teasers just above that footer
    html = ('<html><head><title>Addressing cybersecurity concerns</title></head><body>'
            '<div class="top"><h2>Addressing cybersecurity concerns</h2><p class="date">November 21, 2023</p>'
            '</div><article>' + LONG_BODY + '</article><aside>'
            + ''.join(f'<div><a href="/x{i}">Another story {i}</a><span>August 19, 2025</span></div>'
                      for i in range(3))
            + '</aside><footer><h1>Example Group</h1></footer></body></html>')
    out = extractor.extract(html)
    assert out.fields.published_date == datetime.date(2023, 11, 21)


@pytest.mark.parametrize('lang,extra,expected', [
    ('en-GB', '', datetime.date(2025, 4, 3)),       # British English: day first
    ('de', '', datetime.date(2025, 4, 3)),
    ('en', '', datetime.date(2025, 3, 4)),          # plain / US English: month first
    ('en', '<p>Comments closed 25/12/2024</p>', datetime.date(2025, 4, 3)),   # the page's own dates say day first
])
def test_numeric_date_order_follows_page_locale(extractor, lang, extra, expected):
    html = (f'<html lang="{lang}"><head><title>Volunteers build a garden</title></head><body>'
            f'<article><h1>Volunteers build a garden</h1><div class="byline">By Ann Lee | 03/04/2025</div>'
            f'{BODY}{extra}</article></body></html>')
    assert extractor.extract(html).fields.published_date == expected


def _reference_scan_body(tree, title_norm, max_date):
    """`scan_body` as it was before it read class labels only for dates
    (a walk keeping a stack of the labels of every element): the reference."""
    from lxml import etree
    from transforms.html.shown_dates import (_PUB_LABEL, _SKIP_TAGS, _UPDATE_LABEL, _VIS_DATE, _class_label,
                                             _visible_date)
    body = tree.find('.//body')
    if body is None:
        body = tree
    offset = 0
    skip = 0
    h1_first = h1_title = None
    dates = []
    prev = ''
    labels = [-1]
    day_first = page_writes_day_first(tree)
    order_votes = [0]
    ambiguous = []
    time_attr = [-1]

    def is_update(text_label, cls):
        return bool(_UPDATE_LABEL.search(text_label.lower())) or cls == 1

    def is_published(text_label):
        return bool(_PUB_LABEL.search(text_label.lower()))

    def add_text(t, cls):
        nonlocal offset, prev
        s = t.strip()
        if not s:
            return
        if len(s) <= 80:
            m = _VIS_DATE.search(s)
            if m:
                d = _visible_date(m, max_date, day_first)
                a, b = m.group('a4'), m.group('b4')
                if a and m.group('s4') == '/':
                    order_votes[0] += (int(a) > 12) - (int(b) > 12)
                if d:
                    if time_attr[0] == len(dates) - 1 and dates and dates[-1][0] == offset:
                        dates.pop()
                    if a and m.group('s4') == '/' and int(a) != int(b) and max(int(a), int(b)) <= 12:
                        ambiguous.append(len(dates))
                    label = prev[-30:] + ' ' + s[:m.start()]
                    dates.append((offset, d, is_update(label, cls), is_published(label)))
        prev = s
        offset += len(s) + 1

    for event, el in etree.iterwalk(body, events=('start', 'end')):
        tag = el.tag if isinstance(el.tag, str) else ''
        if event == 'start':
            if skip or tag in _SKIP_TAGS:
                skip += 1
                continue
            own = _class_label(el, -1) if tag else -1
            labels.append(own)
            cls = own if own != -1 else labels[-2]
            if tag == 'h1':
                if h1_first is None:
                    h1_first = offset
                if h1_title is None and title_norm:
                    n = normalize_words(el.text_content())
                    if n and (n == title_norm or (len(n) > 10 and n in title_norm)):
                        h1_title = offset
            elif tag == 'time':
                d = parse_date_value(el.get('datetime'), max_date)
                if d:
                    label = prev[-30:] + ' ' + (el.text or '')
                    dates.append((offset, d, is_update(label, cls),
                                  is_published(label) or el.get('pubdate') is not None))
                    time_attr[0] = len(dates) - 1
            if el.text:
                add_text(el.text, cls)
        else:
            if skip:
                skip -= 1
                if skip:
                    continue
            else:
                labels.pop()
            if el is not body and el.tail:
                add_text(el.tail, labels[-1] if labels[-1] != -1 else (labels[-2] if len(labels) > 1 else -1))
    if ambiguous and order_votes[0] and (order_votes[0] > 0) != day_first:
        for i in ambiguous:
            if i < len(dates):
                o, d, upd, pub = dates[i]
                d = swap_day_month(d)
                if d is not None and d <= max_date:
                    dates[i] = (o, d, upd, pub)
    h1 = h1_title if h1_title is not None else h1_first
    if h1_title is None and h1 is not None and h1 > 0.75 * offset:
        h1 = None
    return BodyScan(offset, h1, dates)


SCAN_PAGES = [
    # class labels on the element, its parent, its grandparent (too far); tails; skipped subtrees
    '<html><body class="post"><div class="updated"><p>x<b>May 4, 2024</b>May 5, 2024</p>'
    '<i>May 6, 2024</i></div><div class="date-modified"><span>03/04/2024</span>'
    '<span><em>x</em>May 7, 2024</span></div><script>May 8, 2024</script>May 9, 2024'
    '<svg><title>May 10, 2024</title><g><text>May 11, 2024</text></g></svg>tail May 12, 2024'
    '<noscript><div>May 13, 2024</div></noscript><select><optgroup><option>May 14, 2024</option>'
    '</optgroup></select><h1>Volunteers build a garden</h1><p>Updated May 15, 2024</p>'
    '<div class="pubdate"><div><p>04/05/2024</p></div></div><p>13/05/2024</p></body></html>',
    # <time>: a shown date at its offset replaces it; labels by class and text
    '<html lang="de"><body><div itemprop="dateModified"><time datetime="2024-05-03T10:00Z">3.5.2024</time> '
    '<time datetime="2024-05-04" class="updated">x</time>Aktualisiert: 05.06.2024</div>'
    '<span class="published"><time datetime="2024-05-01">1 May 2024</time></span>'
    '<time pubdate datetime="2024-04-30"></time></body></html>',
    # comments and processing instructions (a parser that keeps them): a walk never saw
    # their text nor the text after them
    '<html><body class="updated"><!--Updated 3 May 2024-->after the comment 4 May 2024'
    '<p class="a">hi <?pi 5 May 2024?> 6 May 2024<b class="updated">b 7 May 2024</b>8 May 2024</p>'
    '<h1>Title</h1></body></html>',
    '<html><body>No dates here at all</body></html>',
    '<html><head><title>x</title></head></html>',
]


@pytest.mark.parametrize('html', SCAN_PAGES)
def test_scan_body_as_the_full_walk_did(html):
    import lxml.html
    from trafilatura.utils import load_html
    max_date = datetime.date(2026, 1, 1)
    for tree in (load_html(html), lxml.html.document_fromstring(html)):
        for title in ('volunteers build a garden', 'title', ''):
            assert scan_body(tree, title, max_date) == _reference_scan_body(tree, title, max_date)


@pytest.mark.skipif(not DATA.exists(), reason='dev pages not present')
def test_scan_body_as_the_full_walk_did_on_dev_pages():
    import lxml.html
    from trafilatura.utils import load_html
    max_date = datetime.date.today() + datetime.timedelta(days=1)
    paths = sorted((DATA / 'html').glob('*.html.gz'))[::8]
    for path in paths:
        _, html = load_dev_page(path.name.split('.')[0])
        for tree in (load_html(html), lxml.html.document_fromstring(html)):
            assert scan_body(tree, '', max_date) == _reference_scan_body(tree, '', max_date), path


@pytest.mark.parametrize('text', ['May 3, 2024', '3rd of May 2024', '2024-05-03', '03/05/2024', '3.5.1999',
                                  'Updated: Sep. 30th, 2025 10:00', 'posted 12/31/2020 by Ann'])
def test_every_shown_date_form_has_the_year_the_scan_looks_for_first(text):
    from transforms.html.shown_dates import _HAS_YEAR, _VIS_DATE
    assert _VIS_DATE.search(text) and _HAS_YEAR.search(text)
