"""Language detection, with no Beam: deterministic, bounded, 'und' when unsure."""
from tests.conftest import SEED_000, dev_html
from transforms.detect_language import LanguageDetector, language_sample


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
