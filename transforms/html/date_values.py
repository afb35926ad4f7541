"""Dates in a page's metadata values and in its URL: the forms they are
written in, read as calendar dates no earlier than 1995 and no later than
the day the caller allows (pages are not dated in the future)."""
from __future__ import annotations

import datetime
import re
from typing import Optional
from urllib.parse import urlsplit

from transforms.common.dates import MONTH_NUMBERS, calendar_date

__all__ = ['MONTH_NAME_PATTERN', 'bounded_date', 'parse_date_value', 'url_date']

_MIN_YEAR = 1995
_ISO_DATE = re.compile(r'(?<!\d)((?:19|20)\d{2})[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)')
_COMPACT_DATE = re.compile(r'(?<!\d)((?:19|20)\d{2})(\d{2})(\d{2})(?:T|\b)')
MONTH_NAME_PATTERN = r'(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?'
_TEXT_DATE_MDY = re.compile(MONTH_NAME_PATTERN + r'\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+((?:19|20)\d{2})', re.I)
_TEXT_DATE_DMY = re.compile(r'(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?' + MONTH_NAME_PATTERN
                            + r',?\s+((?:19|20)\d{2})', re.I)
# Highwire Press / Google Scholar citation_* tags write '2024 Jun 30'.
_TEXT_DATE_YMD = re.compile(r'((?:19|20)\d{2})\s+' + MONTH_NAME_PATTERN + r'\.?\s+(\d{1,2})\b', re.I)
_URL_DATE = re.compile(r'/((?:19|20)\d{2})[/-](\d{1,2})[/-](\d{1,2})(?:/|-|$)')
_URL_DATE_COMPACT = re.compile(r'/((?:19|20)\d{2})(\d{2})(\d{2})/')


def bounded_date(year, month, day, max_date: Optional[datetime.date]) -> Optional[datetime.date]:
    """`calendar_date` for a date a page can carry: none before _MIN_YEAR or after `max_date`."""
    return calendar_date(year, month, day, min_year=_MIN_YEAR, not_after=max_date)


def parse_date_value(value, max_date: Optional[datetime.date] = None) -> Optional[datetime.date]:
    """A calendar date from a metadata value: ISO 8601 ('2024-05-01T10:00Z'),
    '2024/05/01', '20240501', 'May 1, 2024', '1 May 2024', or a Unix
    timestamp. The date as written (no time-zone shift). None if none."""
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(int(value))
    s = str(value).strip()
    if not s:
        return None
    m = _ISO_DATE.search(s)
    if m:
        return bounded_date(*m.groups(), max_date)
    m = _TEXT_DATE_MDY.search(s)
    if m:
        return bounded_date(m.group(3), MONTH_NUMBERS[m.group(1).lower()[:3]], m.group(2), max_date)
    m = _TEXT_DATE_DMY.search(s)
    if m:
        return bounded_date(m.group(3), MONTH_NUMBERS[m.group(2).lower()[:3]], m.group(1), max_date)
    m = _TEXT_DATE_YMD.search(s)
    if m:
        return bounded_date(m.group(1), MONTH_NUMBERS[m.group(2).lower()[:3]], m.group(3), max_date)
    if re.fullmatch(r'\d{10}(?:\d{3})?', s):  # Unix timestamp (s or ms)
        ts = int(s[:10])
        try:
            return bounded_date(*datetime.datetime.fromtimestamp(ts, datetime.timezone.utc).timetuple()[:3],
                                max_date)
        except (OverflowError, OSError, ValueError):
            return None
    m = _COMPACT_DATE.search(s)
    if m:
        return bounded_date(*m.groups(), max_date)
    return None


def url_date(url: Optional[str], max_date: Optional[datetime.date] = None) -> Optional[datetime.date]:
    """A full date in a URL path (/2024/05/01/ or /2024-05-01-slug), not after max_date."""
    if not url:
        return None
    try:
        path = urlsplit(url).path
    except ValueError:   # e.g. an unbalanced '[' in the host
        return None
    m = _URL_DATE.search(path) or _URL_DATE_COMPACT.search(path)
    return bounded_date(*m.groups(), max_date) if m else None
