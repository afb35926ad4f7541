"""DecodeRecords: bytes to text. Find the encoding, refuse binary junk, repair mojibake.

Order of evidence: a byte-order mark; UTF-16/32 without a BOM (NUL bytes in
every other position); strict UTF-8 (most of the web); the charset a container
or the page declares; charset-normalizer's detection; cp1252, then latin-1.
Text that decodes but is visibly mojibake (UTF-8 read as cp1252, 'â€™') is
repaired with ftfy's fix_encoding, and only then, so clean text is never
touched.
"""
from __future__ import annotations

import codecs
import datetime
import hashlib
import re
import unicodedata
from dataclasses import dataclass
from typing import Optional

import apache_beam as beam

from transforms.common import metrics
from transforms.common.progress import PROGRESS
from transforms.common.records import Draft, HeaderFields, Line, RawRecord, Reject


_BOMS = (
    (codecs.BOM_UTF32_LE, 'utf-32-le'),
    (codecs.BOM_UTF32_BE, 'utf-32-be'),
    (codecs.BOM_UTF8, 'utf-8'),
    (codecs.BOM_UTF16_LE, 'utf-16-le'),
    (codecs.BOM_UTF16_BE, 'utf-16-be'),
)
_META_CHARSET = re.compile(rb'<meta[^>]+charset\s*=\s*["\']?\s*([A-Za-z0-9_.:-]+)', re.I)
_XML_ENCODING = re.compile(rb'<\?xml[^>]+encoding\s*=\s*["\']([A-Za-z0-9_.:-]+)', re.I)
# Control characters that never occur in real text (tab, newlines, form feed
# do). C1 controls (U+0080-U+009F) are what bytes that fit no code page
# become when read as latin-1, the last resort: random high bytes are junk.
_C0 = re.compile('[\x00-\x08\x0b\x0e-\x1f\x7f]')
# The same two sets counted on the text's UTF-8 bytes, where C0 codes are
# single bytes (deleted-by-translate counts them) and C1 codes are \xc2 plus
# one byte: a tenth of the cost of two regex scans of every page.
_NOT_C0_BYTES = bytes(b for b in range(256) if not _C0.match(chr(b)))
_C1_UTF8 = re.compile(rb'\xc2[\x80-\x9f]')
# A valid multi-byte UTF-8 sequence: lead byte, then continuation bytes.
_UTF8_MULTIBYTE = re.compile(rb'[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}')
# Sequences that UTF-8 bytes leave behind when read as cp1252/latin-1.
_MOJIBAKE_HINT = re.compile('[ÂÃ][\x80-\xbf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013-\u203a\u20ac\u2122]|â€')

MAX_CONTROL_SHARE = 0.01
MAX_REPLACEMENT_SHARE = 0.01


class DecodeError(ValueError):
    """Bytes that are not text in any encoding we accept; the message says why."""

    def __init__(self, error: str, message: str):
        super().__init__(message)
        self.error = error


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str
    repaired: bool = False   # mojibake was fixed


def _codec(name: Optional[str]) -> Optional[str]:
    if not name:
        return None
    try:
        return codecs.lookup(name.strip().lower()).name
    except (LookupError, ValueError):   # ValueError: a NUL in the name
        return None


def declared_charset(data: bytes) -> Optional[str]:
    """The charset an HTML/XML page declares about itself in its first 4 KB."""
    head = data[:4096]
    match = _META_CHARSET.search(head) or _XML_ENCODING.search(head)
    return _codec(match.group(1).decode('ascii', 'ignore')) if match else None


def _utf16_without_bom(data: bytes) -> Optional[str]:
    sample = data[:4096]
    if len(sample) < 4:
        return None
    even_nuls = sample[0::2].count(0) / len(sample[0::2])
    odd_nuls = sample[1::2].count(0) / len(sample[1::2])
    if odd_nuls > 0.4 and even_nuls < 0.05:
        return 'utf-16-le'
    if even_nuls > 0.4 and odd_nuls < 0.05:
        return 'utf-16-be'
    return None


def _mostly_utf8(data: bytes) -> Optional[str]:
    """UTF-8 with a few broken sequences (a truncated copy, one stray byte),
    decoded with U+FFFD where the bytes were broken. Real UTF-8 text has far
    more valid multi-byte sequences than broken ones; single-byte code pages
    (cp1252 text) have almost none, so they are left to detection."""
    text = data.decode('utf-8', errors='replace')
    broken = text.count('\ufffd') - data.count('\ufffd'.encode('utf-8'))
    valid = len(_UTF8_MULTIBYTE.findall(data[:1_000_000]))
    if broken and valid >= 4 * broken and broken <= MAX_REPLACEMENT_SHARE * len(text):
        return text
    return None


def _try(data: bytes, encoding: str) -> Optional[str]:
    try:
        return data.decode(encoding)
    except (UnicodeError, LookupError):   # UnicodeError: a page may declare charset=undefined
        return None


# Among detections that explain the bytes equally well, the Western code page
# is by far the most common on the web (cp1250 and cp1252 tie on most English).
_PREFERRED_ON_TIE = ('cp1252', 'iso8859_1', 'iso8859_15')


def _detect(data: bytes) -> Optional[str]:
    from charset_normalizer import from_bytes  # only non-UTF-8 input pays for it
    sample = data[:200_000]
    matches = [m for m in from_bytes(sample)
               if b'\x00' in sample or not m.encoding.startswith(('utf_16', 'utf_32'))]  # no NUL, no UTF-16
    if not matches:
        return None
    best = min(m.chaos for m in matches)
    tied = [m for m in matches if m.chaos <= best + 0.01]
    for preferred in _PREFERRED_ON_TIE:
        if preferred in {m.encoding for m in tied}:
            return _codec(preferred)
    if max(m.coherence for m in tied) == 0:
        # No language evidence (a few bytes, a name): the web's default for
        # unlabelled legacy pages, as browsers do, rather than the first of
        # a dozen code pages that explain the bytes equally badly.
        return 'cp1252'
    return _codec(tied[0].encoding)


def looks_like_mojibake(text: str) -> bool:
    # every hint starts with one of these; `in` is a C scan, the regex is not
    if 'Â' not in text and 'Ã' not in text and 'â€' not in text:
        return False
    return bool(_MOJIBAKE_HINT.search(text))


def control_codes(sample: str) -> tuple:
    """(C0, C1) control characters in `sample` (tab, line breaks and form feed are text)."""
    data = sample.encode('utf-8', 'surrogatepass')
    return len(data.translate(None, _NOT_C0_BYTES)), len(_C1_UTF8.findall(data)) if b'\xc2' in data else 0


def repair_mojibake(text: str) -> str:
    import ftfy
    return ftfy.fix_encoding(text)


def check_is_text(text: str, encoding: Optional[str] = None) -> None:
    """Raise DecodeError for binary junk that happened to decode."""
    if not text:
        return
    sample = text[:100_000]
    c0, c1 = control_codes(sample)
    if '\x00' in sample or c0 / len(sample) > MAX_CONTROL_SHARE:
        raise DecodeError('binary_content',
                          f'input looks binary, not text: {c0} control characters (NUL and the like) '
                          f'in the first {len(sample)} characters')
    controls = c0 + c1
    if controls / len(sample) > MAX_CONTROL_SHARE:
        raise DecodeError('undecodable_bytes',
                          f'bytes are not text in UTF-8, UTF-16 or any single-byte code page '
                          f'(read as {encoding or "latin-1"}, {controls} of the first {len(sample)} '
                          f'characters are control codes)')
    if sample.count('\ufffd') / len(sample) > MAX_REPLACEMENT_SHARE:
        raise DecodeError('undecodable_bytes', 'input contains too many undecodable byte sequences')


def decode_bytes(data: bytes, declared: Optional[str] = None, *, is_html: bool = False) -> Decoded:
    """Decode bytes of a text or HTML document, or raise DecodeError."""
    encoding = None
    text = None
    for bom, name in _BOMS:
        if data.startswith(bom):
            encoding = name
            text = _try(data[len(bom):], name)
            if text is None:
                raise DecodeError('undecodable_bytes', f'starts with a {name} byte-order mark but is not valid {name}')
            break
    if text is None:
        guess = _utf16_without_bom(data)
        if guess:
            text = _try(data, guess)
            encoding = guess if text is not None else None
    if text is None:
        text = _try(data, 'utf-8')
        encoding = 'utf-8' if text is not None else None
    if text is None:
        text = _mostly_utf8(data)
        encoding = 'utf-8 (broken sequences replaced)' if text is not None else None
    if text is None:
        candidates = [_codec(declared)]
        if is_html:
            candidates.append(declared_charset(data))
        for candidate in candidates:
            if candidate and candidate != 'utf-8':
                text = _try(data, candidate)
                if text is not None:
                    encoding = candidate
                    break
    if text is None:
        detected = _detect(data)
        for candidate in (detected, 'cp1252', 'latin-1'):
            if candidate:
                text = _try(data, candidate)
                if text is not None:
                    encoding = candidate
                    break
    check_is_text(text, encoding)
    repaired = False
    if looks_like_mojibake(text):
        fixed = repair_mojibake(text)
        repaired = fixed != text
        text = fixed
    return Decoded(unicodedata.normalize('NFC', text), encoding, repaired)


# --------------------------------------------------------------------------
# Beam wrapper.
# --------------------------------------------------------------------------

def make_doc_id(source_uri: str) -> str:
    """Stable id: the same input (file, and record within it) gives the same id
    on every run and runner."""
    return hashlib.blake2b(source_uri.encode('utf-8'), digest_size=8).hexdigest()


def parse_record_date(value: Optional[str]) -> Optional[datetime.date]:
    """A date given by the record itself (JSON `date`), in ISO or a common shape."""
    if not value:
        return None
    value = value.strip()
    try:
        return datetime.date.fromisoformat(value[:10])
    except ValueError:
        pass
    try:
        from dateutil import parser
        return parser.parse(value, fuzzy=False, default=datetime.datetime(1, 1, 1)).date()
    except (ValueError, OverflowError, TypeError):
        return None


def decode_record(record: RawRecord, max_article_chars: Optional[int] = None) -> Decoded:
    """A record's payload as text, or raise DecodeError. Text longer than
    `max_article_chars` is refused here, before any step works on it (an HTML
    page is judged by its extracted body instead, in AssembleArticles)."""
    decoded = decode_bytes(record.payload, record.charset, is_html=record.content_kind == 'html')
    if max_article_chars and record.content_kind == 'text' and len(decoded.text) > max_article_chars:
        longest = max(map(len, decoded.text.splitlines()), default=0)
        raise DecodeError('article_too_long',
                          f'text of {len(decoded.text)} characters (longest line {longest}) exceeds '
                          f'--max-article-chars={max_article_chars}; not truncated')
    return decoded


def draft_from_decoded(record: RawRecord, decoded: Decoded) -> Draft:
    record_date = parse_record_date(record.date)
    known = HeaderFields(title=record.title.strip() if record.title and record.title.strip() else None,
                         published_date=record_date, date_source='record' if record_date else 'none')
    common = dict(doc_id=make_doc_id(record.source_uri), source_uri=record.source_uri, format=record.format,
                  content_kind=record.content_kind, url=record.url, known=known,
                  raw=b'' if record.raw_path else record.original, raw_path=record.raw_path,
                  raw_offset=record.raw_offset, raw_size=len(record.original))
    if record.content_kind == 'html':
        return Draft(html=decoded.text, **common)
    lines = tuple(Line(i, line) for i, line in enumerate(decoded.text.splitlines()))
    return Draft(lines=lines, **common)


def draft_from_record(record: RawRecord) -> Draft:
    """Decode a record's payload into a Draft, or raise DecodeError."""
    return draft_from_decoded(record, decode_record(record))


class _DecodeFn(beam.DoFn):
    def __init__(self, max_article_chars: Optional[int]):
        self._max_article_chars = max_article_chars

    def setup(self):
        self._rejected = metrics.counter('rejected_decode')
        self._repaired = metrics.counter('mojibake_repaired')

    def process(self, record: RawRecord):
        try:
            decoded = decode_record(record, self._max_article_chars)
        except DecodeError as exc:
            self._rejected.inc()
            PROGRESS.add(rejects=1)
            yield beam.pvalue.TaggedOutput('rejects', Reject.of(record, 'decode', exc.error, str(exc)))
            return
        if decoded.repaired:
            self._repaired.inc()
        yield draft_from_decoded(record, decoded)


class DecodeRecords(beam.PTransform):
    """RawRecords -> (Drafts, Rejects): bytes become text, or a reject saying why."""

    def __init__(self, max_article_chars: Optional[int] = None):
        super().__init__()
        self._max_article_chars = max_article_chars

    def expand(self, records):
        results = records | 'Decode' >> beam.ParDo(_DecodeFn(self._max_article_chars)).with_outputs(
            'rejects', main='drafts')
        return results.drafts, results.rejects
