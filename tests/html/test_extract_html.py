"""Tests for transforms/html/extract_html.py and bench/scoring.py (no Beam)."""
from __future__ import annotations

import datetime
import gzip
import json

import pytest

from bench.scoring import (author_set, authors_match, bag_of_words_prf, date_match,
                           macro_micro, split_names, title_exact, title_fuzzy)
from transforms.html.extract_html import (HtmlExtractor, HtmlPage, parse_date_value,
                                     split_authors, strip_site_suffix, url_date)
from tests.conftest import DEV
from transforms.common.records import HeaderFields

DATA = DEV


@pytest.fixture(scope='module')
def extractor():
    return HtmlExtractor()


# ------------------------------------------------------------ scoring

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


# ------------------------------------------------------------ helpers

def test_parse_date_value_and_url_date():
    assert parse_date_value('2024-05-01T23:30:00-07:00') == datetime.date(2024, 5, 1)
    assert parse_date_value('May 3rd, 2023') == datetime.date(2023, 5, 3)
    assert parse_date_value('3 May 2023') == datetime.date(2023, 5, 3)
    assert parse_date_value('20230503') == datetime.date(2023, 5, 3)
    assert parse_date_value('not a date') is None
    assert parse_date_value('2023-02-30') is None
    assert url_date('https://x.example/2021/07/04/some-story/') == datetime.date(2021, 7, 4)
    assert url_date('https://x.example/news/some-story') is None


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


# ------------------------------------------------------------ hand-written pages

BODY = ''.join(
    f'<p>Paragraph {i} of the story tells readers about the new community garden that '
    f'volunteers built on the empty lot beside the old railway station this spring.</p>'
    for i in range(8))


def page(head='', before_body='', body=BODY, title='Volunteers build a garden'):
    return (f'<html><head><title>{title}</title>{head}</head><body>'
            f'<header><nav><a href="/">Home</a> <a href="/news">News</a></nav></header>'
            f'<article>{before_body}{body}</article>'
            f'<footer><p>Copyright Example News</p></footer></body></html>')


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


# ------------------------------------------------------------ real dev pages

REAL_PAGES = ['0001', '0004', '0011', '0013', '0024', '0031', '0042', '0049']


def _load(page_id):
    gt = json.loads((DATA / 'ground-truth' / f'{page_id}.json').read_text(encoding='utf-8'))
    raw = gzip.open(DATA / 'html' / f'{page_id}.html.gz', 'rb').read()
    from trafilatura.utils import decode_file
    html = decode_file(raw)
    return gt, html if isinstance(html, str) else html.decode('utf-8', 'replace')


@pytest.mark.skipif(not DATA.exists(), reason='dev pages not present')
@pytest.mark.parametrize('page_id', REAL_PAGES)
def test_real_page_body_date_title(extractor, page_id):
    gt, html = _load(page_id)
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


# ------------------------------------------------------------ general rules (dates)

LONG_BODY = ''.join(
    f'<p>Paragraph {i} explains how the city council plans to widen the cycle lanes on the '
    f'main bridge and what residents said about the proposal at the public meeting.</p>'
    for i in range(10))


def test_shown_date_also_labelled_update_is_not_the_publication_date(extractor):
    # the byline shows the date twice, once labelled 'Updated': the metadata's
    # publication date wins over it
    head = ('<meta property="article:published_time" content="2023-10-02T08:00:00+00:00">'
            '<meta property="article:modified_time" content="2024-12-06T08:00:00+00:00">')
    before = ('<h1>Volunteers build a garden</h1><div class="byline"><span>December 6, 2024</span>'
              '<span class="updated">Updated: December 6, 2024</span></div>')
    out = extractor.extract(page(head=head, before_body=before))
    assert out.fields.published_date == datetime.date(2023, 10, 2)


def test_local_date_of_timestamp_with_offset_not_utc(extractor):
    head = '<meta property="article:published_time" content="2025-01-29T23:00:00-05:00">'
    out = extractor.extract(page(head=head))
    assert out.fields.published_date == datetime.date(2025, 1, 29)


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


# ------------------------------------------------------------ general rules (body)

def test_about_the_author_and_newsletter_tail_cut(extractor):
    tail = ('<h2>About the Author</h2><p>Ann Lee has written about city gardens for ten years and '
            'lives with her two cats in a flat full of tomato plants and seed catalogues.</p>'
            '<h2>Join Our Weekly Newsletter</h2><p>Get the best gardening stories in your inbox every '
            'Friday morning, free of charge, unsubscribe whenever you like.</p>')
    out = extractor.extract(page(before_body='<h1>Volunteers build a garden</h1>', body=BODY + tail))
    assert 'Paragraph 7 of the story' in out.text
    assert 'tomato plants' not in out.text and 'inbox every' not in out.text
    # the same heading early in the body (first third) is not a tail
    early = tail + BODY
    out = extractor.extract(page(before_body='<h1>Volunteers build a garden</h1>', body=early))
    assert 'Paragraph 7 of the story' in out.text


def test_cookie_consent_notice_at_end_cut():
    from transforms.html.extract_html import cut_consent_tail
    story = [f'Paragraph {i} of the story about the garden.' for i in range(8)]
    notice = ['We use cookies on our website to give you the most relevant experience. By clicking '
              '"Accept", you consent to the use of ALL the cookies.',
              'Manage consent',
              'Necessary cookies are absolutely essential for the website to function properly.',
              'Analytical cookies are used to understand how visitors interact with the website.']
    assert cut_consent_tail(story + notice) == story
    # an article about cookies keeps its text
    about = [f'Paragraph {i}: browsers store cookies for each site you visit.' for i in range(8)]
    assert cut_consent_tail(about) == about
    assert cut_consent_tail(story) == story


def test_article_nested_in_boilerplate_named_container_is_kept(extractor):
    # malformed page: the rest of the article ends up inside an embed wrapper
    # (class "w-embed"), which extractors drop as an embedded widget
    first = ''.join(f'<p>Intro paragraph {i} about tipping at restaurants and what servers earn in '
                    f'different states across the country.</p>' for i in range(3))
    rest = ''.join(f'<h3>Section {i}</h3><p>Section {i} paragraph explains a tipping custom for '
                   f'takeout, delivery, large groups and service charges in some detail.</p>'
                   for i in range(8))
    html = (f'<html><head><title>Tip guide</title></head><body><nav><a href="/">Home</a></nav>'
            f'<div class="rich-text-block"><h1>Tip guide</h1>{first}<div class="w-embed">'
            f'<style>table {{ width: 100%; }}</style><div class="responsive-table">'
            f'<table><tr><th>Bill</th><th>15%</th></tr><tr><td>$10</td><td>$1.50</td></tr></table>'
            f'{rest}</div></div></div><footer><p>Copyright</p></footer></body></html>')
    out = extractor.extract(html)
    assert 'Intro paragraph 0' in out.text
    assert 'Section 7 paragraph explains' in out.text


def test_date_in_page_finds_common_spellings_only():
    from bench.scoring import date_in_page
    gold = '2018-05-31'
    for page in (b'<time datetime="2018-05-31T10:00">', b'<p>May 31, 2018</p>', b'<p>31 May 2018</p>',
                 b'<span>05/31/2018</span>', b'<span>31.05.2018</span>', b'<p>May&nbsp;31st,&nbsp;2018</p>'):
        assert date_in_page(page, gold), page
    assert not date_in_page(b'<p>June 1, 2018</p><p>2018-05-30</p>', gold)
    assert not date_in_page(b'<p>May 31, 2018</p>', None)


def test_citation_date_in_highwire_form(extractor):
    """Scholarly pages give citation_publication_date as '2024 Jun 30'."""
    assert parse_date_value('2024 Jun 30') == datetime.date(2024, 6, 30)
    html = ('<html><head><title>Effects of sleep on recall</title>'
            '<meta name="citation_publication_date" content="2024 Jun 30"></head><body><article>'
            '<h1>Effects of sleep on recall</h1>' + '<p>Participants slept for eight hours before the test, '
            'and their recall improved markedly compared with the control group in every session.</p>' * 6 +
            '</article></body></html>')
    assert extractor.extract(html).fields.published_date == datetime.date(2024, 6, 30)


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


def test_html_nested_past_the_parser_limit_is_refused_not_cut_short():
    from transforms.html.extract_html import HtmlTooDeep
    story = '<p>' + 'The council met on Tuesday to hear from residents about the plan. ' * 4 + '</p>'
    for depth, refused in ((200, False), (250, False), (256, True), (20000, True)):
        html = '<html><body>' + '<div>' * depth + story + '</div>' * depth + story + '</body></html>'
        if refused:
            with pytest.raises(HtmlTooDeep, match='nested 256'):
                HtmlExtractor().extract(html)
        else:
            assert 'council met' in HtmlExtractor().extract(html).text


# ------------------------------------------------------------ cheaper paths, same answers

def _reference_scan_body(tree, title_norm, max_date):
    """`_scan_body` as it was before it read class labels only for dates
    (a walk keeping a stack of the labels of every element): the reference."""
    from lxml import etree
    from transforms.html.extract_html import (_PUB_LABEL, _SKIP_TAGS, _UPDATE_LABEL, _VIS_DATE, _Scan,
                                         _class_label, _day_first, _norm, _swap_day_month,
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
    day_first = _day_first(tree)
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
                    n = _norm(el.text_content())
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
                d = _swap_day_month(d)
                if d is not None and d <= max_date:
                    dates[i] = (o, d, upd, pub)
    h1 = h1_title if h1_title is not None else h1_first
    if h1_title is None and h1 is not None and h1 > 0.75 * offset:
        h1 = None
    return _Scan(offset, h1, dates)


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
    from transforms.html.extract_html import _scan_body
    max_date = datetime.date(2026, 1, 1)
    for tree in (load_html(html), lxml.html.document_fromstring(html)):
        for title in ('volunteers build a garden', 'title', ''):
            assert _scan_body(tree, title, max_date) == _reference_scan_body(tree, title, max_date)


@pytest.mark.skipif(not DATA.exists(), reason='dev pages not present')
def test_scan_body_as_the_full_walk_did_on_dev_pages():
    import lxml.html
    from trafilatura.utils import load_html
    from transforms.html.extract_html import _scan_body
    max_date = datetime.date.today() + datetime.timedelta(days=1)
    paths = sorted((DATA / 'html').glob('*.html.gz'))[::8]
    for path in paths:
        _, html = _load(path.name.split('.')[0])
        for tree in (load_html(html), lxml.html.document_fromstring(html)):
            assert _scan_body(tree, '', max_date) == _reference_scan_body(tree, '', max_date), path


# ------------------------------------------------------------ author search (trafilatura's, faster)

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
        _, html = _load(path.name.split('.')[0])
        tree = load_html(html)
        if tree is None:
            continue
        expected = extract_author(tree)
        assert find_author(tree) == expected, path
        found += expected is not None
    assert found > 100      # the comparison covered pages with an author


@pytest.mark.parametrize('text', ['May 3, 2024', '3rd of May 2024', '2024-05-03', '03/05/2024', '3.5.1999',
                                  'Updated: Sep. 30th, 2025 10:00', 'posted 12/31/2020 by Ann'])
def test_every_shown_date_form_has_the_year_the_scan_looks_for_first(text):
    from transforms.html.extract_html import _HAS_YEAR, _VIS_DATE
    assert _VIS_DATE.search(text) and _HAS_YEAR.search(text)


# ------------------------------------------------------------ replicated trafilatura steps

def test_load_html_and_bare_extraction_replicate_the_installed_trafilatura():
    from transforms.html.extract_html import BARE_EXTRACTION_REPLICATES_INSTALLED, LOAD_HTML_REPLICATES_INSTALLED
    # else `_load_html` / `_bare_extraction_in_place` only delegate to trafilatura: update them
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
    from transforms.html.extract_html import _load_html
    assert _tree_bytes(_load_html(html)) == _tree_bytes(load_html(html))


@pytest.mark.skipif(not DATA.exists(), reason='dev pages not present')
def test_load_html_is_trafilaturas_on_dev_pages():
    from trafilatura.utils import load_html
    from transforms.html.extract_html import _load_html
    for path in sorted((DATA / 'html').glob('*.html.gz'))[:200]:
        _, html = _load(path.name.split('.')[0])
        assert _tree_bytes(_load_html(html)) == _tree_bytes(load_html(html)), path


@pytest.mark.skipif(not DATA.exists(), reason='dev pages not present')
def test_bare_extraction_in_place_is_trafilaturas_on_dev_pages(extractor):
    from copy import copy
    from trafilatura.core import bare_extraction
    from transforms.html.extract_html import _bare_extraction_in_place, _extracts_in_place, _load_html
    extracted = 0
    for path in sorted((DATA / 'html').glob('*.html.gz'))[:40]:
        _, html = _load(path.name.split('.')[0])
        for options in (extractor._options, extractor._balanced_options):
            options = copy(options)
            options.url = options.source = 'https://example.com/a'
            assert _extracts_in_place(options)
            tree = _load_html(html)
            expected = bare_extraction(tree, options=options)
            found = _bare_extraction_in_place(tree, options)
            assert (found is None) == (expected is None), path
            if expected is not None:
                assert found.text == expected.text, path
                assert _tree_bytes(found.body) == _tree_bytes(expected.body), path
                extracted += 1
    assert extracted > 60
