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
