"""langdetect's `Detector`, made fast: the same n-grams drawn in the same
order, the same random draws, every probability the same float.

It replicates, from langdetect 1.0.9, the per-character loops of
`Detector.append`, `Detector.cleaning_text` and `Detector._extract_ngrams`
(with `NGram.add_char`), done here on whole strings and whole words, and the
sampling loop `Detector._detect_block` (with `_update_lang_prob` and
`_normalize_prob`), done here on numpy rows with the same arithmetic.

`REPLICATES_INSTALLED` says whether the installed langdetect still has the
code replicated here (a sha1 of its source); when it does not,
`detector_class()` gives langdetect's own `Detector`.
"""
from __future__ import annotations

import hashlib
import inspect
import random
import re
from typing import Optional

import numpy
from langdetect.detector import Detector
from langdetect.lang_detect_exception import ErrorCode, LangDetectException
from langdetect.utils.ngram import NGram
from langdetect.utils.unicode_block import unicode_block

__all__ = ['REPLICATED', 'REPLICATES_INSTALLED', 'detector_class', 'fast_detector_class', 'replicated_source_hash']

#: the langdetect code replicated below; `unicode_block` for what
#: `cleaning_text` compares it with (see `non_latin_runs`)
REPLICATED = (Detector.append, Detector.cleaning_text, Detector._extract_ngrams, NGram.add_char,
              Detector._detect_block, Detector._update_lang_prob, Detector._normalize_prob, unicode_block)


def replicated_source_hash() -> Optional[str]:
    """The sha1 of the installed source of `REPLICATED`; None when it cannot be read."""
    try:
        return hashlib.sha1('\n'.join(map(inspect.getsource, REPLICATED)).encode()).hexdigest()
    except (OSError, TypeError):
        return None


#: replicated from this source (langdetect 1.0.9); any other: use langdetect's own Detector
_REPLICATED_SHA1 = '87dbda53840d5692e1c4555fe992d1f8966f05f1'
REPLICATES_INSTALLED = replicated_source_hash() == _REPLICATED_SHA1


def detector_class() -> type:
    """The class to build a detector from: the fast one while the installed
    langdetect is the one replicated, else langdetect's own `Detector`."""
    return fast_detector_class() if REPLICATES_INSTALLED else Detector


def fast_detector_class() -> type:
    """langdetect's Detector with its three per-character Python loops
    (append, cleaning_text, _extract_ngrams) done on whole strings and whole
    words. They were two thirds of its time; the n-grams it draws from, in
    the same order, and so every answer, are the same (tests/replicas/test_langdetect_sampling.py
    compares the two on the dev pages). Then its sampling loop (_detect_block),
    the rest of its time, on numpy rows with the same arithmetic."""
    class _Normalized(dict):
        """code point -> NGram.normalize of it, filled on first sight, for str.translate."""
        def __missing__(self, code):
            value = self[code] = NGram.normalize(chr(code))
            return value

    normalized = _Normalized()
    spaces = re.compile(' {2,}')
    latin = re.compile('[A-z]')
    latin_runs = re.compile('[A-z]+')
    # langdetect compares unicode_block() (an int) with a block *name*, so in
    # effect every character from U+0300 on counts as non-Latin
    non_latin_runs = re.compile('[\u0300-\U0010ffff]+')

    def count(runs: re.Pattern, text: str) -> int:
        """Characters of the pattern's class: the lengths of its maximal runs
        added up (half the time of a list of every character)."""
        return sum(map(len, runs.findall(text)))
    word_grams: dict = {}

    def grams_of(word: str, prob_map) -> tuple:
        """(n-grams of the word's own characters, n-grams ending at the space after it)."""
        found = word_grams.get(word)
        if found is None:
            inner = []
            padded = ' ' + word
            for j in range(len(word)):
                if j and word[j].isupper() and word[j - 1].isupper():
                    continue        # inside an all-caps word: NGram.capitalword
                window = padded[max(0, j - 1):j + 2]
                for n in (1, 2, 3):
                    if len(window) < n:
                        break
                    w = window[-n:]
                    if w != ' ' and w in prob_map:
                        inner.append(w)
            window = padded[-2:] + ' '
            trail = [w for w in (window[-2:], window[-3:] if len(window) >= 3 else None) if w and w in prob_map]
            found = word_grams[word] = (tuple(inner), tuple(trail))
            if len(word_grams) > 200_000:
                word_grams.clear()
        return found

    class _Rows(dict):
        """word -> its row of language probabilities as a float64 array, made
        on first draw: an article draws only a few hundred of its n-grams, so
        neither its n-gram list nor the 87k-word profile is converted whole."""
        def __init__(self, prob_map):
            super().__init__()
            self.prob_map = prob_map

        def __missing__(self, word):
            if len(self) >= 20_000:     # bounded: ~11 MB
                self.clear()
            row = self[word] = numpy.array(self.prob_map[word], dtype=numpy.float64)
            return row

    # _detect_block draws as random.choice does only while choice goes
    # through _randbelow_with_getrandbits, as CPython's Random does
    draws_like_choice = random.Random._randbelow is random.Random._randbelow_with_getrandbits

    class FastDetector(Detector):
        _rows = None

        def _detect_block(self):
            """langdetect's own loop with each update and normalisation done on
            a numpy array instead of a Python loop over 55 floats. The
            arithmetic is the same IEEE operations in the same order (per
            language one multiply by weight + p per drawn n-gram, one divide
            per normalisation), the random draws are the same, and the one
            reduction whose result depends on order, the sum, stays Python's
            sequential sum; so every probability is bit-identical to
            langdetect's (tests/replicas/)."""
            if self.verbose or not draws_like_choice:
                return super()._detect_block()
            self.cleaning_text()
            ngrams = self._extract_ngrams()
            if not ngrams:
                raise LangDetectException(ErrorCode.CantDetectError, 'No features in text.')
            rows = self._rows_for(self.word_lang_prob_map)
            langprob = numpy.zeros(len(self.langlist))
            rng = self.random
            rng.seed(self.seed)
            gauss, getrandbits = rng.gauss, rng.getrandbits
            # random.choice(ngrams) is ngrams[_randbelow(n)], and _randbelow
            # draws k-bit numbers until one is below n: the same calls inline
            n = len(ngrams)
            k = n.bit_length()
            conv, limit = self.CONV_THRESHOLD, self.ITERATION_LIMIT
            for _ in range(self.n_trial):
                prob = numpy.array(self._init_probability(), dtype=numpy.float64)
                alpha = self.alpha + gauss(0.0, 1.0) * self.ALPHA_WIDTH
                weight = alpha / self.BASE_FREQ
                i = 0
                while True:
                    r = getrandbits(k)
                    while r >= n:
                        r = getrandbits(k)
                    # _update_lang_prob: prob[j] *= weight + lang_prob_map[j]
                    prob *= weight + rows[ngrams[r]]
                    if i % 5 == 0:
                        if self._normalize_array(prob) > conv or i >= limit:
                            break
                    i += 1
                langprob += prob / self.n_trial
            self.langprob = langprob.tolist()

        @classmethod
        def _rows_for(cls, prob_map):
            if cls._rows is None or cls._rows.prob_map is not prob_map:
                cls._rows = _Rows(prob_map)
            return cls._rows

        @staticmethod
        def _normalize_array(prob) -> float:
            """_normalize_prob in place on an array. The sum stays Python's
            sequential sum (numpy's is pairwise and rounds differently).
            Dividing by a positive number keeps the order of values (rounding
            is monotone), so max-then-divide is the same float as
            divide-then-max."""
            values = prob.tolist()
            total = sum(values)
            prob /= total
            return max(values) / total

        def append(self, text):
            text = self.URL_RE.sub(' ', text)
            text = self.MAIL_RE.sub(' ', text)
            text = NGram.normalize_vi(text)
            self.text += spaces.sub(' ', text[:self.max_text_length])

        def cleaning_text(self):
            if count(latin_runs, self.text) * 2 < count(non_latin_runs, self.text):
                self.text = latin.sub('', self.text)

        def _extract_ngrams(self):
            prob_map = self.word_lang_prob_map
            words = self.text.translate(normalized).split(' ')
            result = []
            for k, word in enumerate(words):
                if word:
                    inner, trail = grams_of(word, prob_map)
                    result.extend(inner)
                    if k + 1 < len(words):
                        result.extend(trail)
            return result

    return FastDetector
