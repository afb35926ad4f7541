"""The helpers every area shares (transforms/common): dates, sites, text
primitives and the job's counters."""
import datetime

import apache_beam as beam
from apache_beam.runners.portability.fn_api_runner import FnApiRunner

from tests.conftest import SEED_003
from transforms.common import metrics
from transforms.common.dates import MONTH_NUMBERS, calendar_date
from transforms.common.sites import site_of_url
from transforms.common.text_primitives import (LATIN_SENTENCE_END, SENTENCE_END, STOPWORDS, collapse_whitespace,
                                               is_prose, words_of)

D = datetime.date


def test_calendar_date_names_a_day_or_none():
    assert calendar_date('2018', '05', '31') == D(2018, 5, 31)
    assert calendar_date(2024, 2, 29) == D(2024, 2, 29)
    for impossible in [(2023, 2, 29), (2018, 6, 31), (2018, 13, 1), (2018, 0, 1), ('20x8', 1, 1), (None, 1, 1),
                       (10 ** 30, 1, 1)]:
        assert calendar_date(*impossible) is None, impossible
    assert calendar_date(1994, 12, 31, min_year=1995) is None
    assert calendar_date(1995, 1, 1, min_year=1995) == D(1995, 1, 1)
    assert calendar_date(2026, 12, 8, not_after=D(2026, 12, 7)) is None
    assert calendar_date(2026, 12, 7, not_after=D(2026, 12, 7)) == D(2026, 12, 7)


def test_every_month_is_found_by_its_name_and_its_first_three_letters():
    for number in range(1, 13):
        name = D(2000, number, 1).strftime('%B').lower()
        assert MONTH_NUMBERS[name] == MONTH_NUMBERS[name[:3]] == number
    assert MONTH_NUMBERS['sept'] == 9


def test_site_of_url_is_the_host_without_www():
    assert site_of_url('https://www.example.com/a/b?c') == 'example.com'
    assert site_of_url('http://news.example.co.uk:8080/x') == 'news.example.co.uk'
    assert site_of_url('HTTPS://WWW.Example.COM/') == 'example.com'
    for no_host in (None, '', 'not a url', '/relative/path', 'http://[bad'):
        assert site_of_url(no_host) == ''


def test_words_whitespace_and_sentence_ends():
    assert words_of("The mayor's office didn't say 42 things") == ('The', "mayor's", 'office', "didn't", 'say',
                                                                   'things')
    assert words_of('Müller und Žižek, São Paulo') == ('Müller', 'und', 'Žižek', 'São', 'Paulo')
    assert collapse_whitespace(' a \t b\n\u00a0c  ') == 'a b c'
    assert LATIN_SENTENCE_END.search('He said so."') and SENTENCE_END.search('He said so."')
    # the CJK full stop ends a sentence for the boilerplate rules, not for the header split
    assert SENTENCE_END.search('他说。') and not LATIN_SENTENCE_END.search('他说。')
    assert {'the', 'and', 'said'} <= STOPWORDS


def test_is_prose_on_the_seed_body_and_its_menu():
    lines = [line.strip() for line in SEED_003.read_text(encoding='utf-8').splitlines() if line.strip()]
    prose = [line for line in lines if is_prose(line)]
    assert prose and all(len(words_of(line)) >= 8 for line in prose)
    assert not is_prose('Home | News | Sport | Weather') and not is_prose('Subscribe now')


def test_counters_of_every_step_add_up_in_the_one_namespace():
    def counted(name):
        counter = metrics.counter(name)

        def each(x):
            counter.inc(x)
            return x
        return beam.Map(each)

    p = beam.Pipeline(runner=FnApiRunner())
    numbers = p | beam.Create([1, 2, 3])
    _ = numbers | 'A' >> counted('files_read')
    _ = numbers | 'B' >> counted('files_read')
    _ = numbers | 'C' >> counted('passages')
    result = p.run()
    result.wait_until_finish()
    assert metrics.counter_totals(result) == {'files_read': 12, 'passages': 6}
