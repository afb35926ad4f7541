"""The text primitives every step shares: words, whitespace, stopwords,
sentence ends, second-person and URL patterns, and the header split's test
for running text (`is_prose`). Plain regexes and functions, no Beam; each
step builds its own rules from these."""
from __future__ import annotations

import functools
import re

from transforms.common.pattern_gates import GatedPattern

WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")

STOPWORDS = frozenset("""
a about above after again against all also am an and any are as at be because
been before being below between both but by can could did do does doing down
during each few for from further had has have having he her here hers herself
him himself his how i if in into is it its itself just me more most my myself
no nor not now of off on once only or other our ours ourselves out over own
said same she should so some such than that the their theirs them themselves
then there these they this those through to too under until up very was we
were what when where which while who whom why will with would you your yours
yourself yourselves says according since still who's it's that's there's
""".split())

# A line that ends a sentence: final punctuation, then closing quotes or
# brackets. The header split knows Latin punctuation only; the boilerplate
# rules and model also take the CJK full stops (unifying the two would
# change which header lines count as prose).
LATIN_SENTENCE_END = re.compile(r'[.!?…]["”’\')\]]*\s*$')
SENTENCE_END = re.compile(r'[.!?…。！？]["”’\')\]]*\s*$')
SENTENCE_PUNCTUATION = re.compile(r'[.!?。！？]')

SECOND_PERSON = re.compile(r"(?i)\b(?:you|your|yours|you['’](?:re|ll|ve|d))\b")

# An address anywhere in a line; gated, since most lines hold none.
URL_ANYWHERE = re.compile(r'(?:https?://|www\.)\S+', re.I)
URL_ANYWHERE_GATED = GatedPattern(URL_ANYWHERE)


def collapse_whitespace(s: str) -> str:
    """`s` with every run of whitespace one space, none at either end."""
    return ' '.join(s.split())


@functools.lru_cache(maxsize=4096)
def words_of(s: str) -> tuple:
    """The words of a line (letters, inner apostrophes). The header split,
    the boilerplate rules and the model each ask for the words of the same
    lines several times: cached per process."""
    return tuple(WORD.findall(s))


def stopword_density(s: str) -> float:
    """The share of the words of `s` that are English stopwords (0.0 for no words)."""
    w = words_of(s)
    if not w:
        return 0.0
    return sum(1 for x in w if x.lower() in STOPWORDS) / len(w)


def is_prose(text: str) -> bool:
    """A line of running text: long enough, sentence punctuation, stopwords.
    The header split's test: Latin sentence ends only (LATIN_SENTENCE_END)."""
    t = collapse_whitespace(text)
    w = words_of(t)
    if len(w) < 8:
        return False
    if not (LATIN_SENTENCE_END.search(t) or re.search(r'[.!?]["”’)]*\s+["“‘(]?[A-Z]', t)):
        return False
    # Language-agnostic enough: either stopwords or a long sentence.
    return stopword_density(t) >= 0.15 or len(w) >= 20
