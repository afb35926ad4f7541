"""DetectLanguage: langdetect on a bounded, deterministic sample of the body.

langdetect is randomised; a factory of our own with a fixed seed gives every
call (in any process, on any runner) the same answer, without touching the
library's module-level factory. The sample is bounded so a book-length page
costs no more than a long article.
"""
from __future__ import annotations

import dataclasses
import re
from typing import Tuple

import apache_beam as beam

from transforms.pattern_gates import GatedPattern, case_folded
from transforms.records import Article
from transforms.worker import freeze_loaded_models

NAMESPACE = 'news_ingest'
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
    compares the two on the dev pages)."""
    from langdetect.detector import Detector
    from langdetect.utils.ngram import NGram

    class _Normalized(dict):
        """code point -> NGram.normalize of it, filled on first sight, for str.translate."""
        def __missing__(self, code):
            value = self[code] = NGram.normalize(chr(code))
            return value

    normalized = _Normalized()
    spaces = re.compile(' {2,}')
    latin = re.compile('[A-z]')
    # langdetect compares unicode_block() (an int) with a block *name*, so in
    # effect every character from U+0300 on counts as non-Latin
    non_latin = re.compile('[\u0300-\U0010ffff]')
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

    class FastDetector(Detector):
        def append(self, text):
            text = self.URL_RE.sub(' ', text)
            text = self.MAIL_RE.sub(' ', text)
            text = NGram.normalize_vi(text)
            self.text += spaces.sub(' ', text[:self.max_text_length])

        def cleaning_text(self):
            if len(latin.findall(self.text)) * 2 < len(non_latin.findall(self.text)):
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
        if len(_LETTER.findall(sample)) < MIN_LETTERS:
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
        self._undetermined = beam.metrics.Metrics.counter(NAMESPACE, 'language_undetermined')
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
