"""Bylines and the names in them, and image credits, as plain functions (no Beam).

`parse_byline_parts` reads a byline (`By JANE DOE, Associated Press`,
`Jane Doe | Reuters`, `Peter Weber, The Week US`) into names and an
organisation; `looks_like_name` says whether a piece of it is a person's
name; `split_trailing_byline` finds a byline near the end of a page with the
author's bio after it. `is_image_credit` tells the credit line of a photo
(`(Photo: Jane Roe/Getty Images)`), which is no byline of the article. Every
function is total: arbitrary text gives a result, never an exception.
"""
from __future__ import annotations

import re
from typing import Optional, Sequence

from transforms.common.records import Line
from transforms.common.text_primitives import collapse_whitespace, is_prose
from transforms.text.header_dates import parse_date
from transforms.text.wire_credits import find_agency

__all__ = ['EXPLICIT_BYLINE', 'IMAGE_CREDIT', 'is_image_credit', 'looks_like_name', 'parse_byline',
           'parse_byline_parts', 'split_trailing_byline']


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


EXPLICIT_BYLINE = re.compile(
    r'^\s*(?:by|written\s+by|words\s+by|story\s+by|posted\s+by|author)\s*[:\-]?\s+(?P<rest>.+)$', re.I)
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
        m = EXPLICIT_BYLINE.match(t)
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


# ------------------------------------------------------------------ image credits

IMAGE_CREDIT = re.compile(
    r'(?i)^\(?\s*(?:image|photo|picture|video|illustration|graphic|photograph)s?'
    r'(?:\s+credit)?s?\s*(?::|by\b)|^\(?\s*credit\s*:|getty\s+images\)?\s*$|'
    r'\((?:AP|AFP|Reuters)\s+Photo|\bshutterstock\b\)?\s*$|^\(?\s*(?:AP|AFP|EPA|Reuters)\s*(?:/|Photo\b)')


def is_image_credit(t: str) -> bool:
    """The credit line of a photo or image: `(Photo: Jane Roe/Getty Images)`,
    `Image credit: ...`, `(AP Photo/...)`."""
    return len(t) < 300 and bool(IMAGE_CREDIT.search(collapse_whitespace(t)))


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
            explicit = bool(EXPLICIT_BYLINE.match(t))
            if bio or explicit or (org and find_agency(org)):
                return names, org, ln, tuple(bio)
        return None
    except Exception:
        return None
