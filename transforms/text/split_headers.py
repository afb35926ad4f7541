"""Header and trailer fields of a text dump, as plain functions (no Beam).

A text dump is every visible line of one article, top to bottom. Its first
lines may carry a header: a `date 2018-05-31 ` prefix glued to the first
sentence, `Date:` / `Published:` / `Updated:` lines, a headline, a byline,
and a dateline opening the first paragraph (`WASHINGTON (Reuters) - `). Its
last lines may carry a wire credit (`Contributing: The Associated Press`), or
a trailing byline with an author bio. `split_headers` moves all of these into
`HeaderFields` and records each removed line, or part of a line, as a `Cut`;
the rest is left for boilerplate stripping.

Every function here is total: arbitrary text gives a result, never an
exception.
"""
from __future__ import annotations

import dataclasses
import datetime
import re
from dataclasses import dataclass
from typing import NamedTuple, Optional, Sequence

import apache_beam as beam

from transforms.common.dates import MONTH_NUMBERS, calendar_date
from transforms.common.records import Cut, Draft, HeaderFields, Line
from transforms.common.text_primitives import (LATIN_SENTENCE_END, STOPWORDS, collapse_whitespace,
                                               words_of)


__all__ = [
    'HeaderSplit', 'Dateline', 'split_headers', 'split_date_header',
    'parse_dateline', 'parse_wire_credit', 'parse_byline', 'parse_byline_parts',
    'parse_date', 'parse_date_line', 'find_agency', 'normalize_agency',
    'split_trailing_byline', 'is_prose', 'looks_like_title', 'looks_like_name',
]


# Cut reasons of lines moved into a field (title, date, authors, wire credit)
# rather than removed as boilerplate; 'author_bio' is boilerplate.
HEADER_REASONS = frozenset({'title', 'date_header', 'byline', 'dateline', 'wire_credit'})

@dataclass(frozen=True)
class HeaderSplit:
    lines: tuple        # tuple[Line, ...]: lines left for the body (a line may be shortened)
    fields: HeaderFields
    cuts: tuple         # tuple[Cut, ...]


class Dateline(NamedTuple):
    """What `parse_dateline` found. `prefix` is '' and `rest` the whole text
    when there is no dateline; `agency` is a normalized wire agency name."""
    agency: Optional[str]
    prefix: str
    rest: str
    place: Optional[str] = None
    date: Optional[datetime.date] = None


# ------------------------------------------------------------------ basics

def stopword_density(s: str) -> float:
    w = words_of(s)
    if not w:
        return 0.0
    return sum(1 for x in w if x.lower() in STOPWORDS) / len(w)


def is_prose(text: str) -> bool:
    """A line of running text: long enough, sentence punctuation, stopwords."""
    t = collapse_whitespace(text)
    w = words_of(t)
    if len(w) < 8:
        return False
    if not (LATIN_SENTENCE_END.search(t) or re.search(r'[.!?]["”’)]*\s+["“‘(]?[A-Z]', t)):
        return False
    # Language-agnostic enough: either stopwords or a long sentence.
    return stopword_density(t) >= 0.15 or len(w) >= 20


# ------------------------------------------------------------------ agencies

# (canonical name, pattern, case-sensitive?) -- longest alternatives first.
_AGENCIES = [
    ('AAP', r'Australian\s+Associated\s+Press', False),
    ('The Canadian Press', r'(?:The\s+)?Canadian\s+Press', False),
    ('The Associated Press', r'(?:The\s+)?Associated\s+Press', False),
    ('AFP', r'Agence\s+France[\s-]+Presse', False),
    ('Reuters', r'(?:Thomson\s+)?Reuters', False),
    ('Bloomberg', r'Bloomberg(?:\s+News)?', False),
    ('UPI', r'United\s+Press\s+International', False),
    ('dpa', r'Deutsche\s+Presse[\s-]+Agentur', False),
    ('Xinhua', r'Xinhua(?:\s+News\s+Agency)?', False),
    ('Kyodo', r'Kyodo(?:\s+News)?', False),
    ('Yonhap', r'Yonhap(?:\s+News\s+Agency)?', False),
    ('PA Media', r'PA\s+Media|(?:The\s+)?Press\s+Association', False),
    ('Press Trust of India', r'Press\s+Trust\s+of\s+India', False),
    ('ANSA', r'ANSA', True),
    ('EFE', r'EFE', True),
    ('AFP', r'AFP', True),
    ('UPI', r'UPI', True),
    ('dpa', r'dpa|DPA', True),
    ('PTI', r'PTI', True),
    ('AAP', r'AAP', True),
    ('The Associated Press', r'AP', True),
]
_AGENCY_ALT = '|'.join(
    '(?P<a%d>%s%s)' % (i, '' if cs else '(?i:', p + ('' if cs else ')'))
    for i, (_, p, cs) in enumerate(_AGENCIES))
_AGENCY_RE = re.compile(r'(?<![\w-])(?:%s)(?![\w-])' % _AGENCY_ALT)
_AGENCY_FULL = re.compile(r'^\s*(?:%s)\s*[.,;:]?\s*$' % _AGENCY_ALT)


def _agency_of(m: re.Match) -> Optional[str]:
    for i, (name, _, _) in enumerate(_AGENCIES):
        if m.group('a%d' % i):
            return name
    return None


def find_agency(text: str) -> Optional[str]:
    """The first wire agency named anywhere in `text`, normalized."""
    try:
        m = _AGENCY_RE.search(text or '')
    except Exception:
        return None
    return _agency_of(m) if m else None


def normalize_agency(text: str) -> Optional[str]:
    """The normalized agency when `text` is only an agency name, else None."""
    m = _AGENCY_FULL.match(text or '')
    return _agency_of(m) if m else None


# ------------------------------------------------------------------ dates

_MON = (r'(?P<mon>january|february|march|april|may|june|july|august|september|'
        r'october|november|december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)\.?')
_DAY = r'(?P<day>\d{1,2})(?:st|nd|rd|th)?'
_YEAR = r'(?P<year>(?:19|20)\d\d)'
_DATE_PATTERNS = [
    re.compile(r'(?<!\d)' + _YEAR + r'-(?P<m>\d{1,2})-(?P<d>\d{1,2})(?!\d)'),
    re.compile(r'(?<!\d)' + _YEAR + r'/(?P<m>\d{1,2})/(?P<d>\d{1,2})(?!\d)'),
    re.compile(r'(?<![\d.])' + _YEAR + r'\.(?P<m>\d{1,2})\.(?P<d>\d{1,2})(?![\d])'),
    re.compile(r'(?<![\w])' + _MON + r'\s+' + _DAY + r',?\s+' + _YEAR + r'(?!\d)', re.I),
    re.compile(r'(?<![\w])' + _DAY + r'(?:\s+of)?\s+' + _MON + r',?\s+' + _YEAR + r'(?!\d)', re.I),
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


def _only_date(text: str) -> Optional[datetime.date]:
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
                d = _only_date(m.group('value'))
                if d is None:
                    return None
                label = m.group('label').lower()
                kind = 'updated' if ('updated' in label or 'modified' in label) else 'published'
                found.append((kind, d))
            else:
                d = _only_date(part)
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
    + _MON.replace('?P<mon>', '?:') + r'\s+\d{1,2}(?:st|nd|rd|th)?,?\s+(?:19|20)\d\d|'
    r'\d{1,2}\s+' + _MON.replace('?P<mon>', '?:') + r'\s+(?:19|20)\d\d)'
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


# ------------------------------------------------------------------ datelines

_DASH = r'(?:--|[—–]|-(?=\s))'
_PLACE_CAPS = r"[A-Z][A-Z.'’\-]*(?:\s+[A-Z][A-Z.'’\-]*){0,3}"
_REGION = r"[A-Z][\w.'’\-]*(?:\s+[A-Z][\w.'’\-]*){0,2}\.?"
_MON_NC = '(?i:' + _MON.replace('?P<mon>', '?:') + ')'
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
                d = _only_date(m.group('dldate'))
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


# ------------------------------------------------------------------ wire credits

_A = r'(?P<ag>.{2,60}?)'
_CREDIT_PATTERNS = [
    # Contributing: The Associated Press / Contributing: Jane Doe, USA TODAY; AP
    # (bare keywords need their colon or dash: "Contributing to savings ..." is prose)
    re.compile(r'^(?:(?:contributing|contributors?|sources?)\s*[:\-–—]|contributed\s+by|'
               r'additional\s+reporting(?:\s+by)?|with\s+reporting\s+(?:by|from)|reporting\s+contributed\s+by|'
               r'wire\s+services?\s+contributed|compiled\s+from)\s*[:\-–—]?\s*(?P<ag>.+)$', re.I),
    # The Associated Press contributed to this report.
    re.compile(r'^(?:the\s+)?' + _A + r'\s+contributed(?:\s+(?:to\s+this\s+(?:report|story|article)|'
               r'reporting|information|to\s+this\s+story))?\s*\.?$', re.I),
    # Associated Press writer Jane Doe in Seoul contributed (to this report).
    re.compile(r'^(?:the\s+)?' + _A + r'\s+(?:staff\s+)?(?:writers?|reporters?|correspondents?|'
               r'journalists?|photographers?)\b.{0,200}?\bcontributed\b.{0,40}$', re.I),
    # Material from Reuters was used in this report. / Information from AP was used...
    re.compile(r'^(?:material|information|reporting)\s+from\s+' + _A +
               r'\s+(?:was|were)\s+used.{0,40}$', re.I),
    # Copyright 2018 The Associated Press. All rights reserved.
    re.compile(r'^(?:copyright|©|\(c\))\s*(?:©|\(c\))?\s*(?:(?:19|20)\d\d\s*)?[,.]?\s*'
               r'(?P<ag>[^.;,]{2,60}?)\s*(?:[.,;]|$).{0,300}$', re.I),
    # — AP / -- Reuters / (AP)
    re.compile(r'^\s*(?:--|[—–-])\s*' + _A + r'\s*\.?$'),
    re.compile(r'^\s*\(\s*' + _A + r'\s*\)\s*\.?$'),
    # With AFP / (With reporting by Reuters)
    re.compile(r'^\(?\s*(?:--|[—–-])?\s*with\s+(?:reporting\s+(?:by|from)\s+)?' + _A + r'\s*\)?\.?$', re.I),
    # Source: Reuters
    re.compile(r'^(?:source|via|credit)\s*:\s*' + _A + r'\s*\.?$', re.I),
]
# Reuters' house style: (Reporting by X in Y; Editing by Z)
_REUTERS_TRAILER = re.compile(
    r'\(?\s*(?:additional\s+)?(?:reporting|writing|editing|compiled|graphics)\s+by\s+[^()]*'
    r'(?:;\s*[^()]*\bby\b[^()]*)*\)?\s*$', re.I)
_REUTERS_TRAILER_GLUED = re.compile(
    r'(?P<credit>\(\s*(?:additional\s+)?(?:reporting|writing|editing)\s+by\s+[^()]*\))\s*$', re.I)


def _credit(line: str):
    """(is_credit_line, agency) for a line of a credit trailer."""
    t = collapse_whitespace(line or '')
    if not t or len(t) > 400:
        return False, None
    # Reuters trailer: whole line (Reporting by ...; Editing by ...)
    if re.match(r'^\(?\s*(?:additional\s+)?(?:reporting|writing|editing)\s+by\s', t, re.I) \
            and _REUTERS_TRAILER.fullmatch(t) and (';' in t or t.startswith('(') or 'editing' in t.lower()):
        return True, find_agency(t) or 'Reuters'
    if normalize_agency(t):
        return True, normalize_agency(t)
    for i, pat in enumerate(_CREDIT_PATTERNS):
        m = pat.match(t)
        if not m:
            continue
        ag = m.group('ag')
        if i == 0:
            agency = find_agency(ag)
            # contributor list without an agency: still a credit line (people)
            return True, agency
        agency = normalize_agency(ag)
        if agency is None and i in (2,):
            agency = find_agency(ag) if len(ag.split()) <= 5 else None
        if agency:
            return True, agency
    return False, None


def parse_wire_credit(line: str) -> Optional[str]:
    """The normalized wire agency a credit line names: `Contributing: The
    Associated Press`, `The Associated Press contributed to this report.`,
    `(Reporting by ...; Editing by ...)` -> 'Reuters', `Copyright 2018 The
    Associated Press. All rights reserved.`, `— AP`, `Associated Press
    writer X contributed.`. None for any other line (a sentence that merely
    mentions an agency is not a credit)."""
    try:
        return _credit(line)[1]
    except Exception:
        return None


# ------------------------------------------------------------------ bylines

_PARTICLES = {'de', 'da', 'del', 'della', 'der', 'den', 'van', 'von', 'la', 'le', 'du',
              'dos', 'das', 'di', 'bin', 'ibn', 'al', 'el', 'st.', 'y', 'ter', 'ten', 'zu'}
_NAME_TOKEN = re.compile(
    r"^(?:[A-ZÀ-ÖØ-ÞĀ-Ž][\w'’\-]*\.?|[A-Z]\.(?:[A-Z]\.)*|(?:al|el)-[A-Z][\w'’\-]*|"
    r"(?:Mc|Mac|O['’])[A-Z][\w'’\-]*)$")
_SUFFIXES = {'jr', 'jr.', 'sr', 'sr.', 'ii', 'iii', 'iv'}
_ROLE_WORDS = {
    'staff', 'writer', 'writers', 'reporter', 'reporters', 'correspondent', 'correspondents',
    'editor', 'editors', 'columnist', 'contributor', 'contributing', 'producer', 'senior',
    'chief', 'bureau', 'special', 'to', 'for', 'the', 'national', 'political', 'foreign',
    'white', 'house', 'business', 'science', 'health', 'sports', 'technology', 'tech',
    'digital', 'news', 'associate', 'deputy', 'managing', 'opinion', 'investigative',
    'photographer', 'analyst', 'global', 'international', 'economics', 'culture',
    'journalist', 'intern', 'fellow', 'head', 'of', 'and', 'desk', 'team', 'wire',
}
_ORG_HINTS = re.compile(
    r"(?i)\b(?:press|news|times|post|journal|herald|tribune|gazette|daily|weekly|week|"
    r"magazine|media|network|agency|wire|radio|television|tv|today|guardian|telegraph|"
    r"observer|independent|chronicle|reuters|bloomberg|cnn|bbc|npr|abc|cbs|nbc|fox|"
    r"staff|writer|reporter|correspondent|editor|columnist|contributor|inc|ltd|llc|\.com)\b")
_NAME_STOP = {'the', 'a', 'an', 'this', 'that', 'it', 'in', 'on', 'at', 'of', 'for',
              'and', 'or', 'but', 'with', 'from', 'to', 'is', 'was', 'by', 'more', 'read',
              'share', 'follow', 'sign', 'subscribe', 'home', 'news', 'about', 'contact',
              'privacy', 'policy', 'terms', 'use', 'us', 'cookie', 'cookies', 'advertise',
              'careers', 'help', 'search', 'menu', 'login', 'log', 'newsletter', 'newsletters',
              'world', 'politics', 'business', 'sport', 'sports', 'opinion', 'video', 'videos',
              'latest', 'live', 'explore', 'more', 'related', 'top', 'stories', 'editor', 'picks',
              'terms', 'conditions', 'accessibility', 'sitemap', 'feedback', 'jobs', 'store',
              'shop', 'weather', 'games', 'podcasts', 'podcast', 'photos', 'media', 'press'}


def looks_like_name(text: str) -> bool:
    """A person's name: 2-5 capitalized tokens (initials, particles, Jr.)."""
    t = collapse_whitespace(text or '').strip(' ,;:')
    if not t or len(t) > 60:
        return False
    toks = t.split(' ')
    if not 2 <= len(toks) <= 5:
        return False
    caps = 0
    for i, tok in enumerate(toks):
        low = tok.lower()
        if low in _SUFFIXES and i > 0:
            continue
        if low in _PARTICLES and 0 < i < len(toks) - 1:
            continue
        if low.strip('.') in _NAME_STOP:
            return False
        if not _NAME_TOKEN.match(tok):
            return False
        if any(ch.isdigit() for ch in tok):
            return False
        caps += 1
    if caps < 2:
        return False
    if _ORG_HINTS.search(t) or find_agency(t):
        return False
    return True


def _title_name(name: str) -> str:
    """JANE DOE -> Jane Doe; leaves mixed case alone."""
    if name.upper() != name:
        return name
    out = []
    for tok in name.split(' '):
        low = tok.lower()
        if low in _PARTICLES:
            out.append(low)
        elif re.fullmatch(r'(?:[A-Z]\.)+', tok):
            out.append(tok)
        elif low in _SUFFIXES:
            out.append(tok.capitalize() if low.startswith(('jr', 'sr')) else tok)
        else:
            out.append('-'.join(
                "'".join(p.capitalize() for p in part.split("'")) for part in tok.split('-')))
    return ' '.join(out)


_BY_RE = re.compile(r'^\s*(?:by|written\s+by|words\s+by|story\s+by|posted\s+by|author)\s*[:\-]?\s+(?P<rest>.+)$', re.I)
_TRAIL_DATE = re.compile(r'\s*(?:[|•·,]|\s[-–—]\s)?\s*(?:(?:published|posted|updated)\b.*|'
                         r'(?:mon|tues|wednes|thurs|fri|satur|sun)day\b.*)$', re.I)


def _clean_org(org: str) -> Optional[str]:
    o = collapse_whitespace(org).strip(' ,;:|-–—.')
    if not o:
        return None
    o = re.sub(r'^(?:for|of|at|special\s+to)\s+', '', o, flags=re.I)
    # trailing role words: "Washington Post Staff Writer" -> "Washington Post"
    toks = o.split(' ')
    while toks and toks[-1].lower().strip('.,') in {
            'staff', 'writer', 'writers', 'reporter', 'correspondent', 'editor', 'columnist',
            'contributor', 'producer', 'photographer', 'journalist', 'senior', 'chief'}:
        toks.pop()
    # edition suffix: "The Week US" -> "The Week"
    if len(toks) >= 2 and re.fullmatch(r'US|UK|AU|CA|NZ|IN|IE|EU|USA|Australia|Canada|India|Europe|Asia',
                                       toks[-1]):
        toks.pop()
    o = ' '.join(toks).strip(' ,;:')
    if not o:
        return None
    # a pure role ("Staff Writer", "Senior Correspondent") is not an outlet
    if all(w.lower().strip('.,') in _ROLE_WORDS for w in o.split()):
        return None
    if len(o) > 60 or len(o.split()) > 7:
        return None
    return o


def parse_byline_parts(line: str):
    """(names, organisation) for a byline, or None. The organisation is the
    outlet or agency text as written (`Associated Press`, `The Week`); names
    are normalized to title case when written in capitals."""
    try:
        t = collapse_whitespace(line or '')
        if not t or len(t) > 200:
            return None
        m = _BY_RE.match(t)
        explicit = bool(m)
        rest = m.group('rest') if m else t
        rest = _TRAIL_DATE.sub('', rest).strip(' ,;|')
        if not rest:
            return None
        # split off organisation/role pieces
        pieces = [p.strip() for p in re.split(r'\s*(?:\||•|·|\s[-–—]\s|/(?=\s))\s*', rest)
                  if p.strip() and not (parse_date(p) or re.search(r'\d{1,2}:\d\d', p))]
        if not pieces or (not explicit and len(pieces) > 2):
            return None
        head, tail = pieces[0], pieces[1:]
        # head: "Jane Doe, John Roe and Max Poe, Associated Press"
        parts = re.split(r'(?i)(,\s*|\s+(?:and|&)\s+|;\s*)', head)
        chunks = [(parts[k - 1].strip().lower() if k else '', parts[k].strip()) for k in range(0, len(parts), 2)]
        names, org_parts = [], []
        for joiner, c in chunks:
            if not c:
                continue
            if not org_parts and looks_like_name(c):
                names.append(_title_name(c))
            elif not org_parts and not names:
                return None
            elif joiner in ('and', '&') and not org_parts:
                return None  # "Tax Law Changes and Your Guide to ...": a headline, not two names
            else:
                org_parts.append(c)
        if not names:
            return None
        # a non-explicit byline needs an org ("Jane Doe | Reuters", "Peter Weber, The Week US")
        org_text = ', '.join(org_parts + tail)
        org = None
        if org_text:
            ag = find_agency(org_text)
            if ag:
                org = ag
            else:
                org = _clean_org(org_parts[0] if org_parts else tail[0])
                if org is None and not explicit and not (org_parts or tail):
                    return None
                if org is not None and not explicit and not re.match(r'^[A-Z0-9]', org):
                    return None
        if not explicit and org is None:
            # "Jane Doe, Staff Writer" style still counts when a role was given
            roles = (org_parts + tail)
            if not roles or not all(
                    all(w.lower().strip('.,') in _ROLE_WORDS for w in r.split()) for r in roles):
                return None
        if len(names) > 6:
            return None
        return tuple(dict.fromkeys(names)), org
    except Exception:
        return None


def parse_byline(line: str) -> Optional[tuple]:
    """Author names of a byline: `By Jane Doe and John Roe`, `By JANE DOE,
    Associated Press`, `Jane Doe | Reuters`. Names only (the agency or
    outlet is given by `parse_byline_parts`). None when the line is no
    byline."""
    p = parse_byline_parts(line)
    return p[0] if p else None


# ------------------------------------------------------------------ titles

_CTA_RE = re.compile(
    r'(?i)\b(?:subscribe|subscription|sign\s+(?:up|in)|log\s+in|newsletters?|cookies?|'
    r'advertisement|share\s+(?:this|on)|follow\s+us|read\s+more|related|menu|'
    r'skip\s+to|image\s+credit|photo\s*:|credit\s*:|getty\s+images|copyright|©|'
    r'all\s+rights\s+reserved|your\s+inbox|privacy\s+policy|javascript)\b')


def looks_like_title(text: str) -> bool:
    """A headline: short, starts with a capital or digit, no sentence-final
    period, not a date, not a URL, not a call to action."""
    t = collapse_whitespace(text or '')
    if not t or len(t) > 220 or len(t) < 8:
        return False
    w = words_of(t)
    if not 3 <= len(w) <= 30:
        return False
    if re.search(r'[.:;,\-–—]$', t) and not t.endswith('...'):
        return False
    if re.search(r'[.]["”’)]?$', t):
        return False
    if not re.match(r'^[\W]*[A-Z0-9À-ÖØ-Þ]', t) and not re.match(r'^[^\x00-\x7f]', t):
        return False
    if re.search(r'https?://|www\.|@\w', t):
        return False
    if _CTA_RE.search(t):
        return False
    if parse_date_line(t) or parse_byline_parts(t):
        return False
    # more than one sentence is prose, not a headline
    if re.search(r'[a-z]{2}[.!?]\s+[A-Z]', t):
        return False
    return True


_IMG_CREDIT = re.compile(
    r'(?i)^\(?\s*(?:image|photo|picture|video|illustration|graphic|photograph)s?'
    r'(?:\s+credit)?s?\s*(?::|by\b)|^\(?\s*credit\s*:|getty\s+images\)?\s*$|'
    r'\((?:AP|AFP|Reuters)\s+Photo|\bshutterstock\b\)?\s*$|^\(?\s*(?:AP|AFP|EPA|Reuters)\s*(?:/|Photo\b)')


def _is_image_credit(t: str) -> bool:
    return len(t) < 300 and bool(_IMG_CREDIT.search(collapse_whitespace(t)))


# ------------------------------------------------------------------ trailing byline

_BIO_START_VERBS = re.compile(
    r"^(?:is|was|has|had|covers|covered|writes|wrote|joined|worked|works|reports|"
    r"previously|currently|lives|began|holds|served|serves|spent|leads|edits|became|"
    r"graduated|also|received|focuses)\b", re.I)


def split_trailing_byline(lines: Sequence[Line], scan: int = 12):
    """A byline near the end of a page followed by the author's bio:
    `Peter Weber, The Week US` / `Peter has worked as ...`. Returns
    (names, organisation, byline Line, bio Lines) or None. Also accepts a
    trailing `By Jane Doe` line or a `Name | Agency` line without a bio."""
    try:
        nonempty = [ln for ln in lines if ln.text.strip()]
        tail = nonempty[-scan:]
        for pos in range(len(tail) - 1, -1, -1):
            ln = tail[pos]
            t = collapse_whitespace(ln.text)
            if len(t) > 120 or is_prose(t):
                continue
            parts = parse_byline_parts(t)
            if not parts:
                continue
            names, org = parts
            bio = []
            first = names[0].split(' ')[0]
            last = names[0].split(' ')[-1]
            for nxt in tail[pos + 1:]:
                nt = collapse_whitespace(nxt.text)
                m = re.match(r"^(?:%s|%s|%s)(?:['’]s)?\s+(?P<v>\w+)" % (
                    re.escape(names[0]), re.escape(first), re.escape(last)), nt)
                if m and (_BIO_START_VERBS.match(m.group('v')) or len(nt.split()) >= 8):
                    bio.append(nxt)
                    continue
                if bio and re.match(r'^(?:He|She|They|Before|Prior|Previously|'
                                    r'%s|%s)\b' % (re.escape(first), re.escape(last)), nt):
                    bio.append(nxt)
                    continue
                break
            explicit = bool(_BY_RE.match(t))
            if bio or explicit or (org and find_agency(org)):
                return names, org, ln, tuple(bio)
        return None
    except Exception:
        return None


# ------------------------------------------------------------------ split_headers

def _similar(a: str, b: str) -> bool:
    wa = {w.lower() for w in words_of(a)}
    wb = {w.lower() for w in words_of(b)}
    if not wa or not wb:
        return False
    # Against the longer side: a paragraph that merely contains the title's
    # words (a whole page glued into one line) is not the title.
    return len(wa & wb) / max(len(wa), len(wb)) >= 0.8


def _rank(kind: str) -> int:
    return {'published': 3, 'header': 3, 'date': 2, 'updated': 1}.get(kind, 0)


def split_headers(lines: Sequence[Line], *, find_title: bool = True,
                  known: HeaderFields = HeaderFields()) -> HeaderSplit:
    """Move the header and trailer of a text dump into fields.

    Top of the text (before the prose starts): a date glued to the first
    sentence, date lines (published wins over updated), a headline (only
    when `find_title`), bylines; then a dateline opening the first body
    paragraph. Bottom: wire credit lines, a Reuters-style trailer glued to
    the last paragraph, a trailing byline with the author's bio. Fields in
    `known` are kept as given. Never raises."""
    try:
        return _split_headers(tuple(lines or ()), find_title, known or HeaderFields())
    except Exception:  # pragma: no cover - last-resort guard
        return HeaderSplit(tuple(lines or ()), known or HeaderFields(), ())


def _split_headers(lines: tuple, find_title: bool, known: HeaderFields) -> HeaderSplit:
    lines = tuple(ln if isinstance(ln, Line) else Line(i, str(ln)) for i, ln in enumerate(lines))
    removed = {}                 # index in `lines` -> reason (whole line cut)
    replaced = {}                # index in `lines` -> new text
    cuts = []
    title = None
    dates = []                   # (rank, order, date, source)
    authors = []
    publisher = None
    wire = None

    def record_byline(names, org):
        """A byline's names join the authors; its organisation is a wire agency or the outlet."""
        nonlocal wire, publisher
        authors.extend(n for n in names if n not in authors)
        agency = find_agency(org) if org else None
        if agency:
            wire = wire or agency
        elif org:
            publisher = publisher or org

    dl_date = None

    def cut(i, text, reason):
        cuts.append(Cut(lines[i].index, collapse_whitespace(text), reason))

    nonempty = [i for i, ln in enumerate(lines) if ln.text.strip()]
    if not nonempty:
        return HeaderSplit(lines, known, ())

    # ---- glued date prefix on the first non-empty line
    first = nonempty[0]
    d, prefix, rest = split_date_header(lines[first].text)
    if d is not None:
        dates.append((_rank('header'), 0, d, 'header'))
        cut(first, prefix, 'date_header')
        if rest.strip():
            replaced[first] = rest
        else:
            removed[first] = 'date_header'

    def text_of(i):
        return replaced.get(i, lines[i].text)

    # ---- header region: the lines before the prose starts (at most 15)
    region = []
    for i in nonempty[:15]:
        if is_prose(text_of(i)) and len(words_of(text_of(i))) >= 12 and not _CTA_RE.search(text_of(i)):
            break
        region.append(i)
    title_line = None
    for order, i in enumerate(region, start=1):
        if i in removed:
            continue
        t = collapse_whitespace(text_of(i))
        dl = parse_date_line(t)
        if dl:
            kind, dd = dl
            dates.append((_rank(kind), order, dd, 'header'))
            removed[i] = 'date_header'
            cut(i, t, 'date_header')
            continue
        # the agency on its own line under a byline ("By JANE DOE" / "Associated Press")
        prev = [j for j in region if j < i][-1:]
        if prev and removed.get(prev[0]) == 'byline' and normalize_agency(t):
            wire = wire or normalize_agency(t)
            removed[i] = 'byline'
            cut(i, t, 'byline')
            continue
        # a byline, possibly with the date after it ("By Jane Doe | May 31, 2018")
        bp = parse_byline_parts(t)
        if bp and (_BY_RE.match(t) or title_line is not None or bp[1]):
            record_byline(*bp)
            dd = parse_date(t)
            if dd:
                dates.append((_rank('date'), order, dd, 'header'))
            removed[i] = 'byline'
            cut(i, t, 'byline')
            continue
        if title_line is None and title is None:
            nxt = [j for j in nonempty if j > i][:1]
            next_is_credit = bool(nxt) and _is_image_credit(text_of(nxt[0]))
            has_more = any(j > i for j in nonempty)
            if known.title:
                if _similar(t, known.title):
                    title_line = i
            elif find_title and has_more and not next_is_credit and looks_like_title(t) \
                    and len(words_of(t)) >= 4:
                title_line = i
                title = t
            if title_line == i:
                removed[i] = 'title'
                cut(i, t, 'title')
                continue

    # ---- dateline at the start of the first body paragraph: the first
    # remaining line of the header region or the line right after it
    after = [i for i in nonempty if i not in removed and i not in region][:1]
    candidates = [i for i in region if i not in removed] + after
    body_start = after[0] if after else None
    for i in candidates:
        dl = parse_dateline(text_of(i))
        if dl.prefix and len(words_of(dl.rest)) >= 3:
            body_start = i
            cut(i, dl.prefix, 'dateline')
            replaced[i] = dl.rest
            if dl.agency:
                wire = wire or dl.agency
            dl_date = dl.date
            break

    # ---- bottom: wire credit lines (scan the last lines upwards)
    credit_wire = None
    tail = [i for i in nonempty if i not in removed and i != body_start][-15:]
    for i in reversed(tail):
        t = collapse_whitespace(text_of(i))
        is_credit, ag = _credit(t)
        if is_credit:
            removed[i] = 'wire_credit' if ag else 'byline'
            cut(i, t, removed[i])
            if ag and credit_wire is None:
                credit_wire = ag
    # Reuters trailer glued to the last body line
    rem = [i for i in nonempty if i not in removed]
    if rem:
        last = rem[-1]
        t = text_of(last)
        m = _REUTERS_TRAILER_GLUED.search(t)
        if m and m.start() > 0 and t[:m.start()].strip():
            cut(last, m.group('credit'), 'wire_credit')
            replaced[last] = t[:m.start()].rstrip()
            credit_wire = credit_wire or 'Reuters'
    wire = credit_wire or wire

    # ---- trailing byline + bio
    rem_lines = [Line(lines[i].index, text_of(i)) for i in nonempty if i not in removed]
    tb = split_trailing_byline(rem_lines)
    if tb and not (len(rem_lines) <= 2 and not tb[3]):
        names, org, bl, bio = tb
        pos = {ln.index: k for k, ln in enumerate(lines)}
        k = pos.get(bl.index)
        if k is not None and k not in removed:
            record_byline(names, org)
            removed[k] = 'byline'
            cut(k, bl.text, 'byline')
            for b in bio:
                kb = pos.get(b.index)
                if kb is not None and kb not in removed:
                    removed[kb] = 'author_bio'
                    cut(kb, b.text, 'author_bio')

    # ---- fields, with `known` winning
    if known.published_date is not None:
        pub, src = known.published_date, known.date_source if known.date_source != 'none' else 'record'
    elif dates:
        best = sorted(dates, key=lambda x: (-x[0], x[1]))[0]
        pub, src = best[2], best[3]
    elif dl_date is not None:
        pub, src = dl_date, 'dateline'
    else:
        pub, src = None, known.date_source or 'none'
    fields = HeaderFields(
        title=known.title or title,
        published_date=pub,
        date_source=src,
        authors=tuple(known.authors) if known.authors else tuple(authors),
        publisher=known.publisher or publisher,
        wire_credit=known.wire_credit or wire,
    )
    out = []
    for i, ln in enumerate(lines):
        if i in removed:
            continue
        if i in replaced:
            out.append(Line(ln.index, replaced[i]))
        else:
            out.append(ln)
    cuts.sort(key=lambda c: c.line_index)
    return HeaderSplit(tuple(out), fields, tuple(cuts))


# --------------------------------------------------------------------------
# Beam wrapper.
# --------------------------------------------------------------------------

def split_draft_headers(draft: Draft) -> Draft:
    """Header lines of a draft moved into its fields. HTML drafts already have
    a title from the page, so only bylines, datelines and credits are looked for."""
    known = draft.known.filled_from(draft.fields)
    split = split_headers(draft.lines, find_title=draft.content_kind == 'text' and not known.title, known=known)
    return dataclasses.replace(draft, lines=tuple(split.lines), fields=draft.fields.filled_from(split.fields),
                               cuts=tuple(draft.cuts) + tuple(split.cuts))


class SplitHeaders(beam.PTransform):
    """Drafts -> drafts whose header and credit lines became fields."""

    def expand(self, drafts):
        return drafts | 'Split' >> beam.Map(split_draft_headers)
