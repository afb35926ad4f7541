"""transforms.replicas.langdetect_sampling: the fast detector is langdetect's
own Detector, draw for draw and bit for bit, while the installed langdetect is
the one it replicates; any other langdetect gets its own Detector."""
from langdetect.detector import Detector

from transforms.replicas import langdetect_sampling
from transforms.replicas.langdetect_sampling import (REPLICATES_INSTALLED, detector_class, fast_detector_class,
                                                     replicated_source_hash)
from transforms.text.detect_language import LanguageDetector, language_sample


def test_the_installed_langdetect_is_the_one_replicated():
    """The pinned hash: a langdetect whose replicated methods changed (another
    version) fails here, rather than quietly running langdetect's slower code."""
    assert replicated_source_hash() == '87dbda53840d5692e1c4555fe992d1f8966f05f1'
    assert REPLICATES_INSTALLED     # else it only delegates to langdetect: update the replica and its hash
    assert detector_class().__name__ == 'FastDetector' and issubclass(detector_class(), Detector)


def test_another_langdetect_gets_its_own_detector(monkeypatch):
    monkeypatch.setattr(langdetect_sampling, 'REPLICATES_INSTALLED', False)
    assert detector_class() is Detector


def test_fast_detector_draws_the_same_ngrams_and_answers_as_langdetect():
    """The detector's string-at-a-time append/cleaning/n-gram extraction is
    langdetect's per-character code made fast, not a different model: on real
    article text in several scripts and on random multi-script strings it
    yields the same text, the same n-grams in the same order, and the same
    answer as langdetect's own Detector."""
    import json
    import random
    from tests.conftest import DEV
    detector = LanguageDetector()
    fast = fast_detector_class()
    texts = [json.loads(p.read_text(encoding='utf-8'))['ground_truth']['main_content'] or ''
             for p in sorted((DEV / 'ground-truth').glob('*.json'))[:60]]
    texts += ['Le président a annoncé jeudi une réforme des retraites.', 'ĐÂY LÀ Việt Nam ạ ổ',
              '国务院总理在北京会见了来访的外国代表团', 'Москва — столица России. ПРЕЗИДЕНТ сказал',
              'see https://example.com/x?y=1 or mail me@example.org  now', '']
    rng = random.Random(7)
    alphabet = 'aAbBzZ  éÉßøЖжΩωあア中文한글ÀẠ\u0301\u0219.,-!0129@:/ \t\u2014ﬁＡ'
    texts += [''.join(rng.choice(alphabet) for _ in range(rng.randint(0, 60))) for _ in range(500)]
    for text in texts:
        ours, theirs = fast(detector._factory), Detector(detector._factory)
        ours.append(text)
        theirs.append(text)
        assert ours.text == theirs.text
        ours.cleaning_text()
        theirs.cleaning_text()
        assert ours.text == theirs.text
        assert ours._extract_ngrams() == theirs._extract_ngrams(), text[:80]
    for text in texts[:66]:
        sample = language_sample(text)
        ours, theirs = fast(detector._factory), Detector(detector._factory)
        ours.append(sample)
        theirs.append(sample)
        try:
            expected = [(p.lang, p.prob) for p in theirs.get_probabilities()]
        except Exception as exc:
            expected = type(exc)
        try:
            got = [(p.lang, p.prob) for p in ours.get_probabilities()]
        except Exception as exc:
            got = type(exc)
        assert got == expected


def test_fast_sampling_loop_is_bit_identical_to_langdetect():
    """_detect_block on numpy rows is langdetect's loop with the same
    arithmetic and the same random draws: every language's probability is
    the same float, on random multi-script strings (short ones draw from a
    few n-grams), with a prior map, and when the loop never converges and
    stops at ITERATION_LIMIT."""
    import random
    from tests.conftest import SEED_000
    factory = LanguageDetector()._factory
    fast = fast_detector_class()
    rng = random.Random(11)
    alphabet = 'aAbBeEtTzZ  éÉßøЖжΩωあア中文한글ÀẠ.,!0129'
    texts = [''.join(rng.choice(alphabet) for _ in range(rng.randint(1, 80))) for _ in range(200)]
    texts.append(SEED_000.read_text()[:2000])

    def outcome(detector, text, setup):
        setup(detector)
        detector.append(text)
        try:
            return [(p.lang, p.prob) for p in detector.get_probabilities()], detector.langprob
        except Exception as exc:
            return type(exc)

    def never_converges(detector):
        detector.CONV_THRESHOLD = 1.1

    def with_prior(detector):
        detector.set_prior_map({'en': 0.5, 'fr': 0.3, 'ja': 0.2})

    for setup, some in ((lambda detector: None, texts), (never_converges, texts[::10]), (with_prior, texts[::5])):
        for text in some:
            assert outcome(fast(factory), text, setup) == outcome(Detector(factory), text, setup), text
