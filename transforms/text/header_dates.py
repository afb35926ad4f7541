"""Dates in the header of a text dump, as plain functions (no Beam).

`parse_date` finds a date in any of the shapes pages write it in,
`parse_date_line` reads a `Date:` / `Published:` / `Updated:` line (or a line
that is only a date), `split_date_header` takes a `date 2018-05-31 ` prefix
off the first sentence. Every function is total: arbitrary text gives a
result, never an exception.
"""
from __future__ import annotations

import datetime
import re
from typing import Optional

from transforms.common.dates import MONTH_NUMBERS, calendar_date
from transforms.common.text_primitives import collapse_whitespace

__all__ = ['MONTH_NAME', 'only_date', 'parse_date', 'parse_date_line', 'split_date_header']

#: a month's name or abbreviation (regex source, in group `mon`); datelines write dates with it too
MONTH_NAME = (r'(?P<mon>january|february|march|april|may|june|july|august|september|'
              r'october|november|december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)\.?')
_DAY = r'(?P<day>\d{1,2})(?:st|nd|rd|th)?'
_YEAR = r'(?P<year>(?:19|20)\d\d)'
_DATE_PATTERNS = [
    re.compile(r'(?<!\d)' + _YEAR + r'-(?P<m>\d{1,2})-(?P<d>\d{1,2})(?!\d)'),
    re.compile(r'(?<!\d)' + _YEAR + r'/(?P<m>\d{1,2})/(?P<d>\d{1,2})(?!\d)'),
    re.compile(r'(?<![\d.])' + _YEAR + r'\.(?P<m>\d{1,2})\.(?P<d>\d{1,2})(?![\d])'),
    re.compile(r'(?<![\w])' + MONTH_NAME + r'\s+' + _DAY + r',?\s+' + _YEAR + r'(?!\d)', re.I),
    re.compile(r'(?<![\w])' + _DAY + r'(?:\s+of)?\s+' + MONTH_NAME + r',?\s+' + _YEAR + r'(?!\d)', re.I),
    # numeric day-first with dots (31.05.2018) and US month-first slashes (5/31/2018)
    re.compile(r'(?<![\d.])(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.' + _YEAR + r'(?!\d)'),
    re.compile(r'(?<![\d/])(?P<m>\d{1,2})/(?P<d>\d{1,2})/' + _YEAR + r'(?!\d)'),
    re.compile(r'(?<![\d-])(?P<d>\d{1,2})-(?P<m>\d{1,2})-' + _YEAR + r'(?!\d)'),
    re.compile(r'(?<!\d)' + _YEAR + r'(?P<m>\d{2})(?P<d>\d{2})(?!\d)'),
]

# Words that may surround a date on a line that is "only a date".
_DATE_FILLER = re.compile(
    r'(?i:\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|'
    r'mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun|am|pm|at|on|utc|gmt|et|pt|ct|mt)\b)\.?|'
    r'(?i:[ap]\.m\.)|\b[A-Z]{2,5}\b|[\d:+\-/.,|()•·–—TZ]|\s')


def _date_from_match(m: re.Match) -> Optional[datetime.date]:
    g = m.groupdict()
    month = g.get('m')
    if g.get('mon'):
        month = MONTH_NUMBERS.get(g['mon'].lower().rstrip('.'))
    day = g.get('d') or g.get('day')
    if month is None or day is None:
        return None
    mm, dd = int(month), int(day)
    # 31/05/2018 written month-first is impossible: swap when it only fits that way
    if mm > 12 and dd <= 12 and g.get('m'):
        mm, dd = dd, mm
    return calendar_date(g['year'], mm, dd)


def _search_date(text: str):
    """(date, match) for the earliest date found in text, else (None, None)."""
    best = None
    for pat in _DATE_PATTERNS:
        for m in pat.finditer(text):
            d = _date_from_match(m)
            if d is not None:
                if best is None or m.start() < best[1].start():
                    best = (d, m)
                break
    return best if best else (None, None)


def parse_date(text: str) -> Optional[datetime.date]:
    """The first date found in `text` in any of the supported shapes: ISO
    (with or without a time), 2018/05/31, May 31, 2018, 31 May 2018,
    Thursday, May 31, 2018 10:02 AM EDT, 31.05.2018, 5/31/2018 ... ."""
    try:
        return _search_date(text or '')[0]
    except Exception:
        return None


def only_date(text: str) -> Optional[datetime.date]:
    """A date when `text` holds a date and nothing but weekday/time words."""
    d, m = _search_date(text)
    if d is None:
        return None
    rest = text[:m.start()] + ' ' + text[m.end():]
    rest = _DATE_FILLER.sub('', rest)
    return d if not rest.strip() else None


_LABEL_RE = re.compile(
    r'^\s*(?P<label>(?:originally\s+)?(?:first\s+)?(?:date(?:\s+published)?|'
    r'published(?:\s+(?:on|at|date))?|publication\s+date|posted(?:\s+(?:on|at))?|'
    r'pub(?:lished)?\s+date|dated|(?:last\s+)?updated(?:\s+(?:on|at))?|'
    r'(?:last\s+)?modified(?:\s+(?:on|at))?|created(?:\s+(?:on|at))?|'
    r'released(?:\s+(?:on|at))?|filed(?:\s+(?:on|at))?))\s*[:\-–—]?\s*(?P<value>.*)$',
    re.I)


def parse_date_line(line: str):
    """For a `Date: ...` / `Published: ...` / `Updated: ...` line, or a line
    that is only a date: (kind, date) with kind 'published', 'updated' or
    'date'. Several labelled parts on one line (`Published May 31, 2018 |
    Updated June 1, 2018`) give the published one. None otherwise."""
    try:
        t = collapse_whitespace(line or '')
        if not t or len(t) > 160:
            return None
        parts = [p for p in re.split(r'\s[|•·]\s|\s{2,}|;\s', t) if p.strip()]
        found = []
        for part in parts:
            m = _LABEL_RE.match(part)
            if m and m.group('value'):
                d = only_date(m.group('value'))
                if d is None:
                    return None
                label = m.group('label').lower()
                kind = 'updated' if ('updated' in label or 'modified' in label) else 'published'
                found.append((kind, d))
            else:
                d = only_date(part)
                if d is None:
                    return None
                found.append(('date', d))
        if not found:
            return None
        for want in ('published', 'date', 'updated'):
            for kind, d in found:
                if kind == want:
                    return kind, d
    except Exception:
        return None
    return None


_GLUED_DATE = re.compile(
    r'^(?P<prefix>\s*(?:date|dated|published|posted)\s*[:=]?\s*'
    r'(?P<date>(?:19|20)\d\d[-/.]\d{1,2}[-/.]\d{1,2}(?:[T ]\d{1,2}:\d\d(?::\d\d(?:\.\d+)?)?'
    r'(?:Z|[+-]\d\d:?\d\d)?)?|'
    + MONTH_NAME.replace('?P<mon>', '?:') + r'\s+\d{1,2}(?:st|nd|rd|th)?,?\s+(?:19|20)\d\d|'
    r'\d{1,2}\s+' + MONTH_NAME.replace('?P<mon>', '?:') + r'\s+(?:19|20)\d\d)'
    r')(?:\s+|\s*[|:;,–—-]\s*|$)', re.I)


def split_date_header(text: str) -> tuple:
    """`date 2018-05-31 North Korean ...` -> (date(2018, 5, 31),
    'date 2018-05-31 ', 'North Korean ...'). (None, '', text) when the text
    does not start with such a header."""
    try:
        m = _GLUED_DATE.match(text or '')
        if not m:
            return None, '', text
        d = parse_date(m.group('date'))
        if d is None:
            return None, '', text
        return d, text[:m.end()], text[m.end():]
    except Exception:
        return None, '', text
