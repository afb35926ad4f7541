"""Datelines opening a paragraph (`WASHINGTON (Reuters) - `), as plain functions (no Beam).

`parse_dateline` returns a `Dateline`: the agency the dateline names, the
dateline text as it stood, the text after it, the place and the date. Total:
arbitrary text gives a result, never an exception.
"""
from __future__ import annotations

import datetime
import re
from typing import NamedTuple, Optional

from transforms.text.header_dates import MONTH_NAME, only_date
from transforms.text.wire_credits import normalize_agency

__all__ = ['Dateline', 'parse_dateline']


class Dateline(NamedTuple):
    """What `parse_dateline` found. `prefix` is '' and `rest` the whole text
    when there is no dateline; `agency` is a normalized wire agency name."""
    agency: Optional[str]
    prefix: str
    rest: str
    place: Optional[str] = None
    date: Optional[datetime.date] = None


_DASH = r'(?:--|[—–]|-(?=\s))'
_PLACE_CAPS = r"[A-Z][A-Z.'’\-]*(?:\s+[A-Z][A-Z.'’\-]*){0,3}"
_REGION = r"[A-Z][\w.'’\-]*(?:\s+[A-Z][\w.'’\-]*){0,2}\.?"
_MON_NC = '(?i:' + MONTH_NAME.replace('?P<mon>', '?:') + ')'
_DL_DATE = (r'(?P<dldate>' + _MON_NC + r'\s+\d{1,2}(?:st|nd|rd|th)?'
            r'(?:,?\s+(?:19|20)\d\d)?|\d{1,2}\s+' + _MON_NC +
            r'(?:\s+(?:19|20)\d\d)?)')
_PAREN = r'\((?P<paren>[^()]{1,40})\)'
_DATELINE_RE = re.compile(
    r'^(?P<prefix>\s*(?P<place>' + _PLACE_CAPS + r'|[A-Z][a-z]+(?:\s+[A-Z][a-z]+){0,2}(?=(?:,\s*' +
    _REGION + r')?(?:,\s*' + r'[^()]{3,25}' + r')?\s*\())' +
    r'(?:,\s*(?P<region>(?!' + _MON_NC + r'\s+\d|\d)' + _REGION + r'))?' +
    r'(?:,\s*' + _DL_DATE + r')?' +
    r'\s*(?:' + _PAREN + r')?\s*' +
    r'(?P<dash>' + _DASH + r'|:(?=\s))\s*)(?=\S)')
_PAREN_ONLY_RE = re.compile(r'^(?P<prefix>\s*' + _PAREN + r'\s*(?:' + _DASH + r'\s*)?)(?=\S)')


def parse_dateline(text: str) -> Dateline:
    """A dateline opening a paragraph: `PYONGYANG, North Korea (AP) — Kim`,
    `WASHINGTON (Reuters) - `, `LONDON, May 31 (Reuters) -`, `NEW YORK —`,
    `(Reuters) - `. Returns Dateline(agency, prefix, rest, place, date):
    the normalized wire agency (None when there is none), the dateline text
    as it stood (trailing space included), the text after it, the place and
    the date when the dateline carries a full date. No dateline: agency None,
    prefix '', rest = text."""
    none = Dateline(None, '', text)
    try:
        if not text:
            return none
        m = _DATELINE_RE.match(text)
        if m:
            place = m.group('place')
            paren = m.group('paren')
            agency = normalize_agency(paren) if paren else None
            caps = place == place.upper() and sum(c.isalpha() for c in place) >= 2
            if paren and agency is None and not re.fullmatch(r'[A-Z][A-Za-z]{1,15}', paren.strip()):
                return none
            if not caps and not paren:
                return none
            if m.group('dash').startswith(':') and not (caps and (paren or m.group('dldate'))):
                return none
            rest = text[m.end():]
            if not rest.strip():
                return none
            d = None
            if m.group('dldate'):
                d = only_date(m.group('dldate'))
            pl = place + (', ' + m.group('region') if m.group('region') else '')
            return Dateline(agency, m.group('prefix'), rest, pl, d)
        m = _PAREN_ONLY_RE.match(text)
        if m:
            paren = m.group('paren').strip()
            agency = normalize_agency(paren)
            if agency is None and not re.fullmatch(r'[A-Z]{2,6}', paren):
                return none
            rest = text[m.end():]
            if not rest.strip():
                return none
            return Dateline(agency, m.group('prefix'), rest, None, None)
    except Exception:
        return none
    return none
