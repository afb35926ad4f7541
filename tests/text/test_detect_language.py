"""Language detection, with no Beam: deterministic, bounded, 'und' when unsure."""
from tests.conftest import SEED_000
from transforms.text.detect_language import LanguageDetector, language_sample


def test_seed_is_english_and_stable_across_detectors():
    text = SEED_000.read_text()
    first = LanguageDetector().detect(text)
    assert first[0] == 'en' and first[1] > 0.9
    # A fresh detector (another worker) gives the identical answer every time.
    assert all(LanguageDetector().detect(text) == first for _ in range(3))


def test_other_languages_and_iso_codes():
    detector = LanguageDetector()
    assert detector.detect('Le président de la République a annoncé jeudi une nouvelle réforme des retraites '
                           'qui sera présentée au Parlement le mois prochain.')[0] == 'fr'
    assert detector.detect('Der Bundeskanzler hat am Donnerstag in Berlin eine neue Regierungserklärung zur '
                           'Wirtschaftspolitik abgegeben und die Opposition kritisiert.')[0] == 'de'
    assert detector.detect('国务院总理在北京会见了来访的外国代表团，双方就经贸合作等问题深入交换了意见。')[0] == 'zh'


def test_too_short_is_undetermined():
    detector = LanguageDetector()
    assert detector.detect('') == ('und', 0.0)
    assert detector.detect('12:30 — 5/6') == ('und', 0.0)
    assert detector.detect('OK then') == ('und', 0.0)


def test_sample_is_bounded_and_drops_urls():
    long_text = 'word ' * 100_000 + 'https://example.com/very/long/url'
    sample = language_sample(long_text, 3000)
    assert len(sample) <= 3002 and 'https' not in sample


def test_sample_skips_the_address_pattern_only_where_it_cannot_match():
    """The sample is the same as with the URL/e-mail substitution run on every
    text: on the dev bodies and on text where each kind of address sits
    at the start, the end, inside a word and alone."""
    import json
    from tests.conftest import DEV
    from transforms.text.detect_language import _URLISH
    from transforms.common.pattern_gates import case_folded
    texts = [json.loads(p.read_text(encoding='utf-8'))['ground_truth'].get('main_content') or ''
             for p in sorted((DEV / 'ground-truth').glob('*.json'))]
    texts += ['http://a.b/c starts', 'ends https://x.y', 'inwww.example.com', 'mail jo@x.org now', 'me@',
              '@handle only', 'a@b', 'Www.Example.com HTTP://X.Y', 'x' * 5000 + ' see https://e.com/' + 'y' * 5000]
    with_addresses = 0
    for text in texts:
        if not _URLISH.may_match(case_folded(text)):
            assert _URLISH.pattern.search(text) is None
        else:
            with_addresses += 1
        substituted = _URLISH.pattern.sub(' ', text)
        assert _URLISH.pattern.search(substituted) is None
        assert language_sample(text) == language_sample(substituted)
        if len(substituted) <= 3000:
            assert language_sample(text) == substituted
    assert 10 < with_addresses < len(texts) - 100


def test_fast_detector_draws_the_same_ngrams_and_answers_as_langdetect():
    """The detector's string-at-a-time append/cleaning/n-gram extraction is
    langdetect's per-character code made fast, not a different model: on real
    article text in several scripts and on random multi-script strings it
    yields the same text, the same n-grams in the same order, and the same
    answer as langdetect's own Detector."""
    import json
    import random
    from langdetect.detector import Detector
    from tests.conftest import DEV
    from transforms.text.detect_language import _fast_detector_class
    detector = LanguageDetector()
    fast = _fast_detector_class()
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
    from langdetect.detector import Detector
    from tests.conftest import SEED_000
    from transforms.text.detect_language import _fast_detector_class
    factory = LanguageDetector()._factory
    fast = _fast_detector_class()
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
