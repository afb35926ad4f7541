"""DetectLanguage: langdetect on a bounded, deterministic sample of the body.

langdetect is randomised; a factory of our own with a fixed seed gives every
call (in any process, on any runner) the same answer, without touching the
library's module-level factory. The sample is bounded so a book-length page
costs no more than a long article.
"""
from __future__ import annotations

import dataclasses
import random
import re
from itertools import islice
from typing import Tuple

import apache_beam as beam

from transforms.common import metrics
from transforms.common.pattern_gates import GatedPattern, case_folded
from transforms.common.records import Article
from transforms.common.worker import freeze_loaded_models

UNDETERMINED = 'und'
SAMPLE_CHARS = 3000
MIN_LETTERS = 20
LANGDETECT_SEED = 0
_LETTER = re.compile(r'[^\W\d_]', re.U)
# most articles hold no address; the search tries every position (2 ms a page)
_URLISH = GatedPattern(re.compile(r'\S*(?:https?://|www\.)\S*|\S+@\S+'))


def language_sample(text: str, limit: int = SAMPLE_CHARS) -> str:
    """Up to `limit` characters from the start, middle and end of the text,
    cut at whitespace, with URLs and e-mail addresses taken out."""
    if _URLISH.may_match(case_folded(text)):
        text = _URLISH.pattern.sub(' ', text)
    if len(text) <= limit:
        return text
    third = limit // 3
    middle = len(text) // 2 - third // 2
    parts = [text[:third], text[middle:middle + third], text[-third:]]
    return ' '.join(part.rsplit(' ', 1)[0] if ' ' in part else part for part in parts)


def _fast_detector_class():
    """langdetect's Detector with its three per-character Python loops
    (append, cleaning_text, _extract_ngrams) done on whole strings and whole
    words. They were two thirds of its time; the n-grams it draws from, in
    the same order, and so every answer, are the same (tests/test_detect_language.py
    compares the two on the dev pages). Then its sampling loop (_detect_block),
    the rest of its time, on numpy rows with the same arithmetic."""
    import numpy
    from langdetect.detector import Detector
    from langdetect.lang_detect_exception import ErrorCode, LangDetectException
    from langdetect.utils.ngram import NGram

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
            langdetect's (tests/test_detect_language.py)."""
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


class LanguageDetector:
    """Build once per worker: loading the profiles costs ~0.4 s and 60 MB."""

    def __init__(self, seed: int = LANGDETECT_SEED, sample_chars: int = SAMPLE_CHARS):
        from langdetect.detector_factory import DetectorFactory, PROFILES_DIRECTORY
        self._factory = DetectorFactory()
        self._factory.load_profile(PROFILES_DIRECTORY)
        self._factory.set_seed(seed)
        self._sample_chars = sample_chars
        self._detector_class = _fast_detector_class()

    def detect(self, text: str) -> Tuple[str, float]:
        """(ISO 639-1 code, probability); ('und', 0.0) when there is too little text."""
        from langdetect.lang_detect_exception import LangDetectException
        sample = language_sample(text, self._sample_chars)
        # is there a MIN_LETTERS-th letter? (stops there: counting all of a
        # 3000-character sample's letters took 0.5 ms)
        if next(islice(_LETTER.finditer(sample), MIN_LETTERS - 1, None), None) is None:
            return UNDETERMINED, 0.0
        detector = self._detector_class(self._factory)
        detector.append(sample)
        try:
            best = detector.get_probabilities()[0]
        except (LangDetectException, IndexError):
            return UNDETERMINED, 0.0
        # langdetect says zh-cn / zh-tw; the contract wants ISO 639-1.
        return best.lang.split('-')[0], round(float(best.prob), 6)


class _DetectLanguageFn(beam.DoFn):
    def setup(self):
        self._detector = LanguageDetector()
        self._undetermined = metrics.counter('language_undetermined')
        freeze_loaded_models()

    def process(self, article: Article):
        language, prob = self._detector.detect(article.text)
        if language == UNDETERMINED:
            self._undetermined.inc()
        yield dataclasses.replace(article, language=language, language_prob=prob)


class DetectLanguage(beam.PTransform):
    """Articles -> the same articles with `language` and `language_prob` set."""

    def expand(self, articles):
        return articles | 'Detect' >> beam.ParDo(_DetectLanguageFn())
