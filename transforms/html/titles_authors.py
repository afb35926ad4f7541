"""Clean-up of the title and author names a page gives: the site's name cut
from a title ('Headline | Site'), bylines split into person names."""
from __future__ import annotations

import re
from typing import Iterable, Optional

__all__ = ['NOT_NAME', 'normalize_words', 'split_authors', 'strip_site_suffix']

_TITLE_SEPARATORS = re.compile(r'\s+(?:[|\u2013\u2014\-\u2022\u00b7:\u00bb\u203a/~]|::)\s+')


def normalize_words(s: Optional[str]) -> str:
    """The words of `s`, lower case, one space apart: the form in which titles,
    headings and paragraphs are compared."""
    return ' '.join(re.findall(r'\w+', (s or '').lower()))


def strip_site_suffix(title: str, site_names: Iterable[str] = ()) -> str:
    """'Headline | Site' -> 'Headline' (also 'Site - Headline'). A part is cut
    only when it names the site (given names or the host) or the title has
    a clear separator with a short tail."""
    title = ' '.join(title.split())
    sites = {normalize_words(s) for s in site_names if s}
    sites.discard('')
    parts = _TITLE_SEPARATORS.split(title)
    if len(parts) < 2:
        return title
    seps = _TITLE_SEPARATORS.findall(title)

    site_tokens = [set(s.split()) for s in sites]

    def is_site(part):
        p = set(normalize_words(part).split())
        if not p:
            return False
        # the part names the site, or the site's name is a word of the part
        return any(p <= s or (s <= p and len(p) <= len(s) + 2) for s in site_tokens)

    # drop site-named parts at the end, then at the start
    while len(parts) > 1 and is_site(parts[-1]):
        parts.pop()
        seps.pop()
    while len(parts) > 1 and is_site(parts[0]):
        parts.pop(0)
        seps.pop(0)
    return ''.join(p + (seps[i] if i < len(seps) else '') for i, p in enumerate(parts)).strip()



# ----------------------------------------------------------------- authors

_BYLINE_PREFIX = re.compile(r'^\s*(?:written\s+by|posted\s+by|reviewed\s+by|by)[:\s]+', re.I)
#: what no person's name holds (a URL, a handle, a long number)
NOT_NAME = re.compile(r'https?://|www\.|@|\d{3,}', re.I)
_CREDENTIAL = re.compile(r'^(?:[A-Z]{1,5}|(?:[A-Za-z]{1,3}\.){1,3}[A-Za-z]?|[A-Z][A-Za-z]{0,3}\.|'
                         r'[A-Z\-]{2,8}\s*\d{1,4}|jr|sr)$')


def split_authors(value) -> tuple:
    """Person names from a byline string or list: split on ';', ',', '|',
    '&', ' and '; a credential after a name ('Jane Doe, MD, RD') is dropped;
    'By ' prefixes, URLs and handles are removed; duplicates dropped."""
    if not value:
        return ()
    items = value if isinstance(value, (list, tuple)) else [value]
    out: list = []
    seen = set()
    for item in items:
        if not isinstance(item, str):
            continue
        item = _BYLINE_PREFIX.sub('', ' '.join(item.split()))
        for part in re.split(r'\s*(?:;|,|\||&|\band\b|\bund\b|\bet\b|\by\b)\s*', item):
            part = _BYLINE_PREFIX.sub('', part).strip(' .:-\u2013\u2014')
            if not part or NOT_NAME.search(part) or len(part) > 60:
                continue
            if out and _CREDENTIAL.match(part):
                continue
            key = part.lower()
            if key not in seen:
                seen.add(key)
                out.append(part)
    return tuple(out)

