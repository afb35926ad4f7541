"""Scoring functions for extraction evals (no Beam, no trafilatura).

Body: bag-of-words precision / recall / F1 as the extraction benchmarks do
(tokens = ``re.findall(r'\\w+', text.lower())``, multiset overlap).
Metadata: date exact match, title exact (normalized) and fuzzy match, author
name-set match. All functions are pure and cheap so tests and later evals can
reuse them.
"""
from __future__ import annotations

import datetime
import re
import unicodedata
from collections import Counter
from typing import Optional, Sequence

_WORD = re.compile(r'\w+')


def tokens(text: Optional[str]) -> list:
    return _WORD.findall((text or '').lower())


def bag_of_words_counts(pred: Optional[str], gold: Optional[str]) -> tuple:
    """(overlap, n_pred, n_gold): the multiset counts behind P/R/F1."""
    p, g = Counter(tokens(pred)), Counter(tokens(gold))
    overlap = sum((p & g).values())
    return overlap, sum(p.values()), sum(g.values())


def prf_from_counts(overlap: int, n_pred: int, n_gold: int) -> tuple:
    if n_pred == 0 and n_gold == 0:
        return 1.0, 1.0, 1.0
    p = overlap / n_pred if n_pred else 0.0
    r = overlap / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def bag_of_words_prf(pred: Optional[str], gold: Optional[str]) -> tuple:
    """Bag-of-words (precision, recall, f1) of `pred` against `gold`.
    Both empty counts as perfect; one empty as 0."""
    return prf_from_counts(*bag_of_words_counts(pred, gold))


def macro_micro(rows: Sequence[tuple]) -> dict:
    """rows: (overlap, n_pred, n_gold) per page. Returns macro P/R/F1 (mean of
    per-page scores) and micro P/R/F1 (from summed counts)."""
    if not rows:
        return dict(n=0, P=0.0, R=0.0, F1=0.0, microP=0.0, microR=0.0, microF1=0.0)
    per = [prf_from_counts(*r) for r in rows]
    n = len(per)
    mp, mr, mf = prf_from_counts(sum(r[0] for r in rows), sum(r[1] for r in rows),
                                 sum(r[2] for r in rows))
    return dict(n=n, P=sum(x[0] for x in per) / n, R=sum(x[1] for x in per) / n,
                F1=sum(x[2] for x in per) / n, microP=mp, microR=mr, microF1=mf)


# ---------------------------------------------------------------- dates

def to_date(value) -> Optional[datetime.date]:
    """A date from a datetime.date/datetime or an ISO-ish string (first
    YYYY-MM-DD in it); None otherwise."""
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    m = re.search(r'(\d{4})-(\d{1,2})-(\d{1,2})', str(value))
    if not m:
        return None
    try:
        return datetime.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def date_match(pred, gold) -> bool:
    g = to_date(gold)
    return g is not None and to_date(pred) == g


# ---------------------------------------------------------------- titles

def normalize_text(s: Optional[str]) -> str:
    """NFKC, casefold, typographic quotes/dashes unified, whitespace collapsed."""
    s = unicodedata.normalize('NFKC', s or '')
    s = s.translate(str.maketrans({'\u2018': "'", '\u2019': "'", '\u201c': '"', '\u201d': '"',
                                   '\u2013': '-', '\u2014': '-', '\u00a0': ' '}))
    return ' '.join(s.casefold().split())


def title_exact(pred: Optional[str], gold: Optional[str]) -> bool:
    return bool(gold) and normalize_text(pred) == normalize_text(gold)


def title_fuzzy(pred: Optional[str], gold: Optional[str], threshold: float = 0.9) -> bool:
    """Token-bag F1 of the titles >= threshold."""
    return bool(gold) and bool(pred) and bag_of_words_prf(pred, gold)[2] >= threshold


# ---------------------------------------------------------------- authors

def _is_credential(chunk: str) -> bool:
    """A short all-caps / abbreviated / numbered token that follows a name
    after a comma ("MS", "RD", "Ph.D.", "E-RYT 200", "Jr.")."""
    if len(chunk) > 10 or ' ' in chunk.strip() and not re.search(r'\d', chunk):
        return False
    return (chunk.isupper() and len(chunk) <= 5) or '.' in chunk or bool(re.search(r'\d', chunk)) or \
        chunk.lower() in ('jr', 'sr', 'phd', 'md')


def split_names(value) -> list:
    """A list of person names from a byline string or a sequence of names:
    split on ';', ',', '&', '|', ' and '; drop empty parts and credentials
    that follow a name ("Jane Doe, MS, RD")."""
    if value is None:
        return []
    parts = list(value) if isinstance(value, (list, tuple)) else [value]
    out = []
    for part in parts:
        for chunk in re.split(r'\s*(?:;|,|&|\||\band\b)\s*', str(part)):
            chunk = chunk.strip(' .\t\n')
            if not chunk or (out and _is_credential(chunk)):
                continue
            out.append(chunk)
    return out


def normalize_name(name: str) -> str:
    s = unicodedata.normalize('NFKD', name)
    s = ''.join(c for c in s if not unicodedata.combining(c))
    s = re.sub(r'^(?:by|written by|posted by)\s+', '', s.strip(), flags=re.I)
    return ' '.join(tokens(s))


def author_set(value) -> frozenset:
    return frozenset(n for n in (normalize_name(x) for x in split_names(value)) if n)


def authors_match(pred, gold) -> bool:
    """Normalized name sets are equal (gold must be non-empty)."""
    g = author_set(gold)
    return bool(g) and author_set(pred) == g


_MONTHS = ('january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october',
           'november', 'december')


def date_spellings(d: datetime.date) -> set:
    """The ways a page commonly writes a date: ISO, numeric day-first and
    month-first, month names long and short, ordinals."""
    y, m, day = d.year, d.month, d.day
    long_month = _MONTHS[m - 1]
    months = {long_month, long_month[:3], long_month[:3] + '.', long_month[:4] + '.'}
    days = {str(day), f'{day:02d}', f'{day}{_ordinal(day)}'}
    out = {f'{y}-{m:02d}-{day:02d}', f'{y}/{m:02d}/{day:02d}', f'{y}.{m:02d}.{day:02d}', f'{y}{m:02d}{day:02d}'}
    for mm in (str(m), f'{m:02d}'):
        for dd in (str(day), f'{day:02d}'):
            for yy in (str(y), f'{y % 100:02d}'):
                for sep in '/.-':
                    out.add(f'{mm}{sep}{dd}{sep}{yy}')
                    out.add(f'{dd}{sep}{mm}{sep}{yy}')
    for mon in months:
        for dd in days:
            out.update({f'{mon} {dd}, {y}', f'{mon} {dd} {y}', f'{dd} {mon} {y}', f'{dd} {mon}, {y}',
                        f'{dd}. {mon} {y}', f'{dd} de {mon} de {y}', f'{y} {mon} {dd}'})
    return out


def _ordinal(n: int) -> str:
    return 'th' if 11 <= n % 100 <= 13 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')


def date_in_page(raw_html: bytes, gold) -> bool:
    """Whether the gold date is written anywhere in the page (text, attributes,
    scripts): a date nowhere in the HTML cannot be extracted from it."""
    d = to_date(gold)
    if d is None:
        return False
    text = raw_html.decode('utf-8', 'replace').lower().replace('&nbsp;', ' ').replace('\xa0', ' ')
    text = re.sub(r'\s+', ' ', text)
    return any(spelling in text for spelling in date_spellings(d))
