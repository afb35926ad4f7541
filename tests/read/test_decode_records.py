"""Bytes to text, with no Beam: encodings, junk, mojibake, record dates."""
import datetime
import os

import pytest

from tests.conftest import SEED_000, dev_html
from transforms.read.decode_records import (DecodeError, decode_bytes, declared_charset, draft_from_record,
                                       make_doc_id, parse_record_date)
from transforms.common.records import RawRecord

SEED = SEED_000.read_text(encoding='utf-8')


@pytest.mark.parametrize('encoding', ['utf-8', 'utf-8-sig', 'utf-16', 'utf-16-le', 'utf-16-be', 'utf-32'])
def test_unicode_encodings_round_trip(encoding):
    assert decode_bytes(SEED.encode(encoding)).text == SEED


def test_cp1252_is_detected_not_rejected():
    # 'ï' is where cp1250 and cp1252 differ; Western text must come out Western.
    text = SEED + '\nThe naïve café owner’s crème brûlée won praise in Zürich.\n'
    assert decode_bytes(text.encode('cp1252')).text == text


def test_cyrillic_code_page_is_detected():
    text = 'Министр иностранных дел России встретился в четверг с лидером Северной Кореи в Пхеньяне. ' * 3
    assert decode_bytes(text.encode('cp1251')).text == text


def test_declared_charset_is_used_for_html():
    html = '<html><head><meta charset="windows-1251"></head><body><p>Привет, мир</p></body></html>'
    data = html.encode('cp1251')
    assert declared_charset(data) == 'cp1251'
    assert 'Привет' in decode_bytes(data, is_html=True).text


def test_mojibake_is_repaired_and_clean_text_untouched():
    broken = SEED.encode('utf-8').decode('cp1252', errors='ignore')
    assert '\u00e2\u20ac' in broken  # the visible mojibake: â€
    fixed = decode_bytes(broken.encode('utf-8'))
    assert fixed.repaired and 'Russia’s Tass news agency reported' in fixed.text
    clean = decode_bytes(SEED.encode('utf-8'))
    assert not clean.repaired and clean.text == SEED


def test_binary_junk_is_refused():
    with pytest.raises(DecodeError) as err:
        decode_bytes(os.urandom(4096))
    assert err.value.error in ('binary_content', 'undecodable_bytes')
    with pytest.raises(DecodeError):
        decode_bytes(b'\x00\x01\x02\x03' * 500)


def test_record_dates():
    assert parse_record_date('2018-05-31T10:00:00Z') == datetime.date(2018, 5, 31)
    assert parse_record_date('May 31, 2018') == datetime.date(2018, 5, 31)
    assert parse_record_date('not a date') is None
    assert parse_record_date(None) is None


def test_draft_from_records():
    text = draft_from_record(RawRecord('/d/a.txt', 'text', SEED.encode(), 'text'))
    assert text.lines[0].text.startswith(' date 2018-05-31') and text.lines[0].index == 0
    assert text.doc_id == make_doc_id('/d/a.txt') and len(text.doc_id) == 16
    page = draft_from_record(RawRecord('/d/p.jsonl#2', 'jsonl', dev_html('0002'), 'html', title=' T ',
                                       date='2020-01-02'))
    assert page.html and page.known.title == 'T' and page.known.published_date == datetime.date(2020, 1, 2)
    assert page.known.date_source == 'record'


def test_utf8_with_a_few_broken_bytes_stays_utf8():
    """A truncated or once-corrupted UTF-8 file must not be read as some
    code page (it came out as mac-iceland, breaking every curly quote)."""
    data = SEED.encode('utf-8')
    cut = data.index('Russia’s'.encode('utf-8'))
    broken = data[:cut] + b'\xff\xfe\xc3' + data[cut:]
    decoded = decode_bytes(broken)
    assert decoded.encoding.startswith('utf-8')
    assert 'Russia’s Tass news agency reported' in decoded.text
    assert decoded.text.count('\ufffd') == 3


def test_bytes_that_are_no_text_are_undecodable_not_latin1_garbage():
    high = bytes((b | 0x80) for b in os.urandom(5000))
    with pytest.raises(DecodeError) as err:
        decode_bytes(high)
    assert err.value.error == 'undecodable_bytes' and 'not text in UTF-8' in str(err.value)


def test_nul_bytes_in_text_are_binary():
    with pytest.raises(DecodeError) as err:
        decode_bytes(SEED.encode('utf-8')[:400] + b'\x00' * 64 + SEED.encode('utf-8')[400:])
    assert err.value.error == 'binary_content' and 'NUL' in str(err.value)


def test_a_few_legacy_bytes_read_as_cp1252_not_any_code_page():
    """Too little text for detection to know the language: browsers' default
    for unlabelled legacy pages, not UTF-16 or Urdu (cp1006)."""
    assert decode_bytes(b'caf\xe9').text == 'café'
    assert decode_bytes(b'<p>caf\xe9</p>', is_html=True).text == '<p>café</p>'
