"""Headlines: `looks_like_title` tells a line that reads as an article's
headline (plain function, no Beam)."""
from __future__ import annotations

import re

from transforms.common.text_primitives import collapse_whitespace, words_of
from transforms.text.bylines import parse_byline_parts
from transforms.text.header_dates import parse_date_line

__all__ = ['CALL_TO_ACTION', 'looks_like_title']

# Calls to action and credits: a line holding one is page furniture, neither a
# headline nor the prose that ends a header.
CALL_TO_ACTION = re.compile(
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
    if CALL_TO_ACTION.search(t):
        return False
    if parse_date_line(t) or parse_byline_parts(t):
        return False
    # more than one sentence is prose, not a headline
    if re.search(r'[a-z]{2}[.!?]\s+[A-Z]', t):
        return False
    return True
