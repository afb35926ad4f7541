"""Property-based tests (hypothesis) of decoding, with no Beam: `decode_bytes`
on arbitrary bytes and declared charsets (junk names included); Unicode text
round-trips through UTF-8/16/32; `draft_from_record`."""
from __future__ import annotations

import codecs
import datetime
import unicodedata

from hypothesis import HealthCheck, given, settings, strategies as st

from tests.record_strategies import (FAST, JUNK_CHARSETS, LARGE_REPRS_ARE_FINE, decodable_bytes, html_pages,
                                     record_dates, seed_dumps)
from transforms.common.records import FORMATS, Draft, Line, RawRecord
from transforms.read.decode_records import (Decoded, DecodeError, decode_bytes, draft_from_record, looks_like_mojibake,
                                            make_doc_id)

pytestmark = LARGE_REPRS_ARE_FINE


@settings(max_examples=300, **FAST, suppress_health_check=[HealthCheck.too_slow])
@given(data=decodable_bytes, declared=JUNK_CHARSETS, is_html=st.booleans())
def test_decode_bytes_returns_nfc_text_or_raises_decode_error(data, declared, is_html):
    try:
        decoded = decode_bytes(data, declared, is_html=is_html)
    except DecodeError as exc:
        assert isinstance(exc.error, str) and exc.error.strip() and str(exc).strip()
        return
    assert isinstance(decoded, Decoded) and isinstance(decoded.text, str)
    assert unicodedata.is_normalized('NFC', decoded.text)
    assert isinstance(decoded.encoding, str) and decoded.encoding
    assert '\x00' not in decoded.text


printable = st.text(alphabet=st.characters(exclude_categories=('Cs', 'Cc', 'Co', 'Cn'),
                                           exclude_characters='\ufffd', include_characters='\n\t\r '),
                    max_size=300)
BOM_ENCODINGS = {
    'utf-8': lambda t: t.encode('utf-8'),
    'utf-8-sig': lambda t: t.encode('utf-8-sig'),
    'utf-16': lambda t: t.encode('utf-16'),
    'utf-16-le+bom': lambda t: codecs.BOM_UTF16_LE + t.encode('utf-16-le'),
    'utf-16-be+bom': lambda t: codecs.BOM_UTF16_BE + t.encode('utf-16-be'),
    'utf-32': lambda t: t.encode('utf-32'),
    'utf-32-le+bom': lambda t: codecs.BOM_UTF32_LE + t.encode('utf-32-le'),
    'utf-32-be+bom': lambda t: codecs.BOM_UTF32_BE + t.encode('utf-32-be'),
}


@settings(max_examples=300, **FAST)
@given(text=st.one_of(printable, seed_dumps), encoding=st.sampled_from(sorted(BOM_ENCODINGS)),
       declared=JUNK_CHARSETS, is_html=st.booleans())
def test_unicode_text_round_trips(text, encoding, declared, is_html):
    if encoding == 'utf-8' and text.startswith('\ufeff'):
        text = text[1:]   # indistinguishable from a byte-order mark
    text = ''.join(c for c in text if unicodedata.category(c) not in ('Cc', 'Cs') or c in '\n\t\r')
    if looks_like_mojibake(text):
        return            # repaired on purpose; only clean text is never touched
    decoded = decode_bytes(BOM_ENCODINGS[encoding](text), declared, is_html=is_html)
    assert decoded.text == unicodedata.normalize('NFC', text)
    assert not decoded.repaired


@settings(max_examples=200, **FAST, suppress_health_check=[HealthCheck.too_slow])
@given(payload=st.one_of(decodable_bytes, html_pages.map(str.encode)), kind=st.sampled_from(['text', 'html']),
       fmt=st.sampled_from(FORMATS), charset=JUNK_CHARSETS, date=record_dates,
       title=st.one_of(st.none(), st.text(max_size=20)), raw=st.sampled_from([b'', b'{"raw": 1}']))
def test_draft_from_record_gives_a_draft_or_a_decode_error(payload, kind, fmt, charset, date, title, raw):
    record = RawRecord(source_uri='/in/x#3', format=fmt, payload=payload, content_kind=kind, raw=raw,
                       url='https://example.com/a', title=title, date=date, charset=charset)
    try:
        draft = draft_from_record(record)
    except DecodeError as exc:
        assert exc.error and str(exc)
        return
    assert isinstance(draft, Draft)
    assert draft.doc_id == make_doc_id(record.source_uri) and draft.source_uri == record.source_uri
    assert draft.format == fmt and draft.content_kind == kind and draft.url == record.url
    assert draft.raw == (raw or payload)
    text = decode_bytes(payload, charset, is_html=kind == 'html').text
    if kind == 'html':
        assert draft.html == text and draft.lines == ()
    else:
        assert draft.html is None
        assert draft.lines == tuple(Line(i, t) for i, t in enumerate(text.splitlines()))
    known = draft.known
    assert known.published_date is None or isinstance(known.published_date, datetime.date)
    assert (known.date_source == 'record') == (known.published_date is not None)
    assert known.title is None or (known.title == known.title.strip() and known.title)


