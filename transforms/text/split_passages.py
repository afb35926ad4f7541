"""SplitPassages: an article's text cut into sentences with exact offsets.

Passages are the units reuse detection flags, so a paragraph that is only
partly reprinted has only the reprinted sentences marked. A passage never
crosses a paragraph break, and `text[char_start:char_end]` is always the
passage text (tests hold this on arbitrary input).
"""
from __future__ import annotations

import re
from typing import List, Tuple

import apache_beam as beam

from transforms.common import metrics
from transforms.common.records import Article, DocPassages, Passage


# Words that end in a period without ending a sentence.
_ABBREVIATIONS = frozenset('''
mr mrs ms dr prof sr jr st mt ft gen gov sen rep lt col sgt capt cmdr adm maj rev hon pres supt insp
inc co corp ltd llc plc bros dept univ assn est ed eds approx vs etc al cf
jan feb mar apr jun jul aug sep sept oct nov dec mon tue tues wed thu thur thurs fri sat sun
u.s u.k u.n e.g i.e a.m p.m d.c n.y l.a b.c a.d ph.d
ala ariz ark calif colo conn del fla ga ill ind kan ky la md mass mich minn miss mo mont neb nev okla ore pa tenn tex va vt wash wis wyo
'''.split())

# Abbreviations only before a number ("No. 5", "Vol. 2"): "he said no." ends a sentence.
_NUMBER_ABBREVIATIONS = frozenset('no nos fig figs vol vols pp op art sec ch'.split())

# A candidate boundary: terminal punctuation, optional closing quotes or
# brackets, then whitespace.
_BOUNDARY = re.compile(r'[.!?\u2026]+["\'\u201d\u2019)\]]*(?=\s)')
_PARAGRAPH = re.compile(r'[^\n]+(?:\n(?!\s*\n)[^\n]+)*')
_NEXT_START = re.compile(r'\s+["\'\u201c\u2018(\[]*([A-Z0-9\u00C0-\u024F\u0370-\u1FFF\u0400-\u04FF])')
_WORD_CHARS = re.compile(r'[\w.]+')


def word_before(paragraph: str, end: int) -> str:
    r"""The run of word characters and periods that ends at `end`, within the
    40 characters before it ('' if none): what r'([\w.]+)$' finds there.

    That search tries every start position in the window and backtracks
    from each (6 us a boundary); matching the reversed window from its start
    finds the same run in one pass. `$` also matches before a final newline,
    so a window ending in one is read without it."""
    window = paragraph[max(0, end - 40):end]
    if window.endswith('\n'):
        window = window[:-1]
    match = _WORD_CHARS.match(window[::-1])
    return match.group(0)[::-1] if match else ''


def _is_abbreviation(paragraph: str, boundary: re.Match) -> bool:
    """True when the boundary's period closes an abbreviation or an initial."""
    if not boundary.group(0).startswith('.'):
        return False  # '!' and '?' end sentences; abbreviations end in '.'
    before = word_before(paragraph, boundary.start())
    if not before:
        return False
    word = before.lower().strip('.')
    if word in _ABBREVIATIONS:
        return True
    if word in _NUMBER_ABBREVIATIONS:
        return paragraph[boundary.end():].lstrip()[:1].isdigit()
    # A single capital letter: an initial ("John F. Kennedy").
    return len(word) == 1 and word.isalpha() and before[:1].isupper()


def sentence_spans(paragraph: str) -> List[Tuple[int, int]]:
    """Sentence (start, end) offsets inside one paragraph, whitespace trimmed."""
    spans = []
    start = 0
    for boundary in _BOUNDARY.finditer(paragraph):
        end = boundary.end()
        following = _NEXT_START.match(paragraph, end)
        if following is None or _is_abbreviation(paragraph, boundary):
            continue
        spans.append((start, end))
        start = end
    spans.append((start, len(paragraph)))
    trimmed = []
    for s, e in spans:
        while s < e and paragraph[s].isspace():
            s += 1
        while e > s and paragraph[e - 1].isspace():
            e -= 1
        if e > s:
            trimmed.append((s, e))
    return trimmed


def passage_id(doc_id: str, index: int) -> str:
    """The stable id of an article's index-th passage."""
    return f'{doc_id}-{index:04d}'


def split_passages(doc_id: str, text: str) -> List[Passage]:
    """All sentences of `text`, in order, as passages with offsets into `text`."""
    passages = []
    for paragraph in _PARAGRAPH.finditer(text):
        base = paragraph.start()
        for start, end in sentence_spans(paragraph.group(0)):
            index = len(passages)
            passages.append(Passage(doc_id=doc_id, passage_id=passage_id(doc_id, index), index=index,
                                    char_start=base + start, char_end=base + end,
                                    text=text[base + start:base + end]))
    return passages


class SplitPassages(beam.PTransform):
    """Articles -> DocPassages (each article with its passages: one coarse element)."""

    def expand(self, articles):
        counter = metrics.counter('passages')

        def split(article: Article) -> DocPassages:
            passages = split_passages(article.doc_id, article.text)
            counter.inc(len(passages))
            return DocPassages(article, passages)

        return articles | 'Split' >> beam.Map(split)
