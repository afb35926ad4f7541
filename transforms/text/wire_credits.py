"""Wire agencies and the credit lines that name them, as plain functions (no Beam).

`find_agency` and `normalize_agency` give an agency one spelling whatever
the page wrote (`Associated Press`, `AP` -> 'The Associated Press');
`parse_wire_credit` reads a credit line (`Contributing: The Associated
Press`, `(Reporting by ...; Editing by ...)`). A sentence that merely
mentions an agency is not a credit.
"""
from __future__ import annotations

import re
from typing import Optional

from transforms.common.text_primitives import collapse_whitespace

__all__ = ['REUTERS_TRAILER_GLUED', 'find_agency', 'normalize_agency', 'parse_credit_line', 'parse_wire_credit']


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
REUTERS_TRAILER_GLUED = re.compile(
    r'(?P<credit>\(\s*(?:additional\s+)?(?:reporting|writing|editing)\s+by\s+[^()]*\))\s*$', re.I)


def parse_credit_line(line: str):
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
        return parse_credit_line(line)[1]
    except Exception:
        return None
