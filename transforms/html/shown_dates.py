"""The dates a page shows its readers: one pass over the visible text of
<body> (`scan_body`) finds the short texts and <time> elements that hold a
date, with their place and whether the page labels them as the publication
or as an update; `displayed_dates` picks the dates shown with the headline
and `labelled_publication_date` a date labelled as published anywhere.
Numeric dates (03/04/2025) follow the page's locale and its other dates."""
from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from typing import Optional

from lxml import etree
from lxml.html import HtmlElement

from transforms.common.dates import MONTH_NUMBERS
from transforms.html.date_values import MONTH_NAME_PATTERN, bounded_date, parse_date_value
from transforms.html.titles_authors import normalize_words

__all__ = ['BodyScan', 'displayed_dates', 'labelled_publication_date', 'page_writes_day_first',
           'scan_body', 'swap_day_month']

_SKIP_TAGS = frozenset(('script', 'style', 'noscript', 'template', 'svg', 'iframe', 'select', 'option'))
_VIS_DATE = re.compile(
    r'(?:(?P<m1>' + MONTH_NAME_PATTERN + r')\s+(?P<d1>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y1>(?:19|20)\d{2})'
    r'|(?P<d2>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<m2>' + MONTH_NAME_PATTERN + r'),?\s+(?P<y2>(?:19|20)\d{2})'
    r'|(?<![\d/.-])(?P<y3>(?:19|20)\d{2})-(?P<mo3>\d{2})-(?P<d3>\d{2})(?![\d])'
    r'|(?<![\d/.])(?P<a4>\d{1,2})(?P<s4>[/.])(?P<b4>\d{1,2})(?P=s4)(?P<y4>(?:19|20)\d{2})(?![\d])'
    r')', re.I)
#: every alternative of `_VIS_DATE` holds a year: a text without one cannot match
_HAS_YEAR = re.compile(r'(?:19|20)\d{2}')
_UPDATE_LABEL = re.compile(r'updat|modif|revis|edited|refreshed|aktualisiert|mis à jour|actualiz')
_PUB_LABEL = re.compile(r'publish|posted|originally|publi[ée]|publicad|pubblicat|veröffentlicht|erschienen')


def swap_day_month(d: datetime.date) -> Optional[datetime.date]:
    """The date with its day and month swapped (a numeric date read in the
    other order), or None when that names no day."""
    try:
        return datetime.date(d.year, d.day, d.month)
    except ValueError:
        return None


def _visible_date(m: re.Match, max_date, day_first: bool = False) -> Optional[datetime.date]:
    """The date of a `_VIS_DATE` match. A numeric a/b/yyyy date is read day
    first when a > 12 or the separator is '.', month first when b > 12, else
    as `day_first` says (the page's locale)."""
    g = m.groupdict()
    if g['y1']:
        return bounded_date(g['y1'], MONTH_NUMBERS[g['m1'].lower()[:3]], g['d1'], max_date)
    if g['y2']:
        return bounded_date(g['y2'], MONTH_NUMBERS[g['m2'].lower()[:3]], g['d2'], max_date)
    if g['y3']:
        return bounded_date(g['y3'], g['mo3'], g['d3'], max_date)
    a, b = int(g['a4']), int(g['b4'])
    if g['s4'] == '.':                      # 24.12.2025: day first
        return bounded_date(g['y4'], b, a, max_date)
    if a > 12 or (day_first and b <= 12):   # 24/12/2025, or 03/04/2025 on a day-first page
        return bounded_date(g['y4'], b, a, max_date)
    return bounded_date(g['y4'], a, b, max_date)   # 12/24/2025 (US order by default)


#: languages / locales that write numeric dates month first (03/04/2025 = March 4)
_MONTH_FIRST_LANGS = ('en', 'en-us', 'en-ph', 'en-ca', 'es-us', 'fil')


def page_writes_day_first(tree: HtmlElement) -> bool:
    """Whether the page's language writes numeric dates day first: every
    language but US-style English (no language: month first)."""
    lang = (tree.get('lang') or tree.get('{http://www.w3.org/XML/1998/namespace}lang')
            or tree.get('xml:lang') or '').strip().lower().replace('_', '-')
    if not lang:
        return False
    return lang not in _MONTH_FIRST_LANGS and not lang.startswith('en-us')


@dataclass
class BodyScan:
    """What `scan_body` saw of the page's visible text."""
    text_len: int           # visible characters in <body>
    h1_offset: Optional[int]
    dates: list             # [(offset, date, labelled_as_update, labelled_as_published)] of short,
                            # date-like visible text nodes and <time datetime> values, in order


def _class_label(el, inherited: int) -> int:
    """1 if the element's class/itemprop marks an update date, 0 if it marks a
    publication date, else the inherited value (-1: unknown)."""
    attrs = ' '.join(filter(None, (el.get('class'), el.get('itemprop'), el.get('id')))).lower()
    if not attrs:
        return inherited
    if 'publish' in attrs or 'pubdate' in attrs or 'posted' in attrs or 'created' in attrs:
        return 0
    if 'updated' in attrs or 'modified' in attrs:
        return 1
    return inherited


def scan_body(tree: HtmlElement, title_norm: str, max_date) -> BodyScan:
    """One pass over the visible text of <body>: its length, where the (title)
    <h1> starts, and the dates shown in short text nodes (bylines, datelines,
    <time> elements) with their text offsets and whether the page labels them
    as an update ('Updated ...', class="updated"). The class label of a text
    (`_class_label`) is its element's, else that of the element's parent (no
    deeper); it is read only for the few texts that hold a date."""
    body = tree.find('.//body')
    if body is None:
        body = tree
    offset = 0
    h1_first = h1_title = None
    dates = []
    prev = ''
    day_first = page_writes_day_first(tree)
    order_votes = 0         # numeric dates with a day > 12 first (+1) / second (-1)
    ambiguous = []          # indexes in `dates` of numeric dates read by the default order
    time_attr = -1          # index in `dates` of the last <time datetime> entry

    def element_label(el) -> int:
        """The class label of an element inside <body>: its own, else its parent's."""
        label = _class_label(el, -1)
        if label == -1 and el is not body:
            label = _class_label(el.getparent(), -1)
        return label

    def add_date(s, m, container):
        """A short text `s` in which `_VIS_DATE` found `m`, at `offset`."""
        nonlocal order_votes
        d = _visible_date(m, max_date, day_first)
        a, b = m.group('a4'), m.group('b4')
        if a and m.group('s4') == '/':
            order_votes += (int(a) > 12) - (int(b) > 12)
        if d:
            if time_attr == len(dates) - 1 and dates and dates[-1][0] == offset:
                dates.pop()     # the shown text beats a <time datetime> (often UTC)
            if a and m.group('s4') == '/' and int(a) != int(b) and max(int(a), int(b)) <= 12:
                ambiguous.append(len(dates))
            label = (prev[-30:] + ' ' + s[:m.start()]).lower()
            dates.append((offset, d, bool(_UPDATE_LABEL.search(label)) or element_label(container) == 1,
                          bool(_PUB_LABEL.search(label))))

    walker = etree.iterwalk(body, events=('start', 'end'))
    for event, el in walker:
        if event == 'start':
            tag = el.tag
            if tag in _SKIP_TAGS:
                walker.skip_subtree()   # its text is not shown; its tail is
                continue
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
                    label = (prev[-30:] + ' ' + (el.text or '')).lower()
                    dates.append((offset, d, bool(_UPDATE_LABEL.search(label)) or element_label(el) == 1,
                                  bool(_PUB_LABEL.search(label)) or el.get('pubdate') is not None))
                    time_attr = len(dates) - 1
            t = el.text
        elif el is not body:
            t = el.tail
        else:
            continue
        if not t:
            continue
        s = t.strip()
        if not s:
            continue
        # most short texts hold no year; the cheap test spares them the full pattern
        if len(s) <= 80 and _HAS_YEAR.search(s):
            m = _VIS_DATE.search(s)
            if m:
                # a text is in its element; a tail in the element's parent
                add_date(s, m, el if event == 'start' else el.getparent())
        prev = s
        offset += len(s) + 1
    # numeric dates whose order the page's other dates settle (25/03/2025 -> day first)
    if ambiguous and order_votes and (order_votes > 0) != day_first:
        for i in ambiguous:
            if i < len(dates):
                o, d, upd, pub = dates[i]
                d = swap_day_month(d)
                if d is not None and d <= max_date:
                    dates[i] = (o, d, upd, pub)
    h1 = h1_title if h1_title is not None else h1_first
    if h1_title is None and h1 is not None and h1 > 0.75 * offset:
        h1 = None           # a footer / sidebar <h1>, not the headline
    return BodyScan(offset, h1, dates)


def labelled_publication_date(scan: BodyScan, gap: int = 40) -> Optional[datetime.date]:
    """The first date anywhere on the page that is labelled as the publication
    date ('Published March 3, 2024', <time pubdate>) or that directly precedes
    (within `gap` characters) a date labelled as an update ('March 3, 2024.
    Updated: March 9, 2024'), and that occurs only once among the page's dates
    (a date repeated in a list of teasers is not this article's)."""
    dates = scan.dates
    counts: dict = {}
    for x in dates:
        counts[x[1]] = counts.get(x[1], 0) + 1
    for i, (off, d, upd, pub) in enumerate(dates):
        if upd or counts[d] > 1:
            continue
        if pub or (i + 1 < len(dates) and dates[i + 1][2] and dates[i + 1][0] - off <= gap):
            return d
    return None


def displayed_dates(scan: BodyScan, before: int = 300, after: int = 1500) -> tuple:
    """The dates a reader sees with the headline, as (shown, shown_update):
    the first date not labelled as an update and the first labelled as one,
    looking first after the <h1> (within `after` characters), then before it
    (within `before`, nearest first); without an <h1>, in the first `after`
    characters of the page."""
    h1 = scan.h1_offset
    if h1 is None:
        window = [x for x in scan.dates if x[0] <= after]
    else:
        window = [x for x in scan.dates if h1 <= x[0] <= h1 + after]
        window += [x for x in reversed(scan.dates) if h1 - before <= x[0] < h1]
    shown = next((x[1] for x in window if not x[2]), None)
    shown_update = next((x[1] for x in window if x[2]), None)
    return shown, shown_update

