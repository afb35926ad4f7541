"""Kept lines -> paragraphs, as plain functions (no Beam).

A text dump wraps a paragraph over several lines, or puts each on a line of
its own. `continues_paragraph` says whether a line goes on with the one
before it (the rules judge such lines as one unit); `assemble_paragraphs`
joins the kept lines into the body text, a blank line between paragraphs.
"""
from __future__ import annotations

import re
from typing import Sequence

from transforms.common.records import Line
from transforms.common.text_primitives import SENTENCE_END, STOPWORDS, collapse_whitespace, words_of

__all__ = ['assemble_paragraphs', 'clean_line', 'continues_paragraph']


_INVISIBLE = re.compile('[\u200b\u2060\ufeff\u00ad]')
_CONTINUATION = re.compile(r'^[\W]*[a-z0-9à-ÿ(\[,;:\-–—]')
_CONTINUED_END = re.compile(r'[,;(\-–—/&]$')


def clean_line(s: str) -> str:
    """The line without invisible characters (zero-width spaces, soft hyphens), whitespace collapsed."""
    return collapse_whitespace(_INVISIBLE.sub('', s))


def _ends_sentence(s: str) -> bool:
    return bool(SENTENCE_END.search(s)) or s.endswith(':')


def continues_paragraph(prev: str, nxt: str, longest: int = 0) -> bool:
    """`nxt` continues the paragraph `prev` was wrapped in. `longest`: the
    longest line of their block (a line nearly as long was wrapped)."""
    if not prev or not nxt or _ends_sentence(prev):
        return False
    if _CONTINUATION.match(nxt) or _CONTINUED_END.search(prev):
        return True
    last = words_of(prev[-30:])
    if last and last[-1].lower() in STOPWORDS:
        return True        # "... a meeting with" / "North Korean leader ..."
    return len(prev) >= 60 and len(prev) >= 0.8 * longest


def _join(a: str, b: str) -> str:
    if re.search(r'[^\W\d_]-$', a) and re.match(r'^[a-zà-ÿ]', b):
        return a + b          # word broken at a hyphen: keep the hyphen, no space
    return a + ' ' + b


def assemble_paragraphs(lines: Sequence[Line]) -> str:
    """Body text from kept lines: paragraphs joined by one blank line.

    Blocks are runs of consecutive lines (no blank line and no gap in line
    indices between them). Inside a block, a line that does not end a
    sentence is joined with the next by a space when the next continues it
    (starts in lower case, or the block is hard-wrapped: long lines of
    similar length); otherwise every non-empty line is its own paragraph."""
    try:
        blocks, cur, prev_index = [], [], None
        for ln in lines or ():
            t = clean_line(ln.text)
            if not t or (prev_index is not None and ln.index != prev_index + 1):
                if cur:
                    blocks.append(cur)
                cur = []
            if t:
                cur.append(t)
            prev_index = ln.index
        if cur:
            blocks.append(cur)
        paras = []
        for b in blocks:
            paras.extend(_block_paragraphs(b))
        return '\n\n'.join(p for p in paras if p)
    except Exception:  # pragma: no cover
        return '\n\n'.join(clean_line(ln.text) for ln in lines or () if clean_line(ln.text))


def _block_paragraphs(block: list) -> list:
    if len(block) == 1:
        return block
    longest = max(len(x) for x in block)
    # hard-wrapped block: long lines of similar length, most not ending a sentence
    wrapped = len(block) >= 3 and longest >= 40 \
        and all(len(x) >= 0.6 * longest for x in block[:-1]) \
        and sum(1 for x in block[:-1] if not _ends_sentence(x)) * 2 > len(block) - 1
    if wrapped:
        out = block[0]
        for t in block[1:]:
            out = _join(out, t)
        return [out]
    out = [block[0]]
    for prev, t in zip(block, block[1:]):
        if continues_paragraph(prev, t, longest):
            out[-1] = _join(out[-1], t)
        else:
            out.append(t)
    return out
