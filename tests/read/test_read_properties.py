"""Property-based tests (hypothesis) of reading, with no Beam: `read_records`
on arbitrary bytes under every name, extension, compression suffix, input
format and record limit; real gzip/bz2/xz/zstd and WARC files truncated,
bit-flipped or spliced; `jsonl_records` with tiny limits; `parse_json_line`
on arbitrary bytes and arbitrary JSON values. A file gives records or a
reject saying why, and never raises."""
from __future__ import annotations

import bz2
import gzip
import io
import json
import lzma
import re
import zlib

import pytest
import zstandard
from hypothesis import HealthCheck, given, settings, strategies as st

from tests.conftest import DEV_PAGE_IDS, warc_bytes
from tests.record_strategies import (DEV_PAGES, FAST, LARGE_REPRS_ARE_FINE, SEED_PARAGRAPHS, SEED_TEXTS, byte_mutations,
                                     check_reject, json_line, json_lines, json_values, junk_json_lines, record_objects,
                                     small_junk_json_lines)
from transforms.common.records import FORMATS, RawRecord, Reject
from transforms.read.decompress import sniff_compression
from transforms.read.formats import INPUT_FORMATS, format_from_name, sniff_format
from transforms.read.jsonl_records import jsonl_records, parse_json_line
from transforms.read.limits import InputLimits
from transforms.read.read_dumps import read_records

pytestmark = LARGE_REPRS_ARE_FINE


SEED_BYTES = SEED_TEXTS[0].encode('utf-8')
SMALL_HTML = ('<html><head><title>A page</title></head><body><article>'
              + ''.join(f'<p>{p}</p>' for p in SEED_PARAGRAPHS[:4]) + '</article></body></html>').encode('utf-8')
JSONL_DOC = b'\n'.join([
    json.dumps({'id': 'a1', 'url': 'https://example.com/a1', 'title': 'T', 'date': '2020-01-02',
                'text': SEED_TEXTS[0]}).encode(),
    json.dumps({'id': 'a2', 'html': SMALL_HTML.decode()}).encode(),
    b'{"id": "broken", "text": "unterminated',
    b'',
    json.dumps({'id': 'a4', 'text': ['not', 'a', 'string']}).encode(),
    json.dumps({'id': 'a5', 'text': SEED_TEXTS[-1]}).encode(),
]) + b'\n'
WARC_RESPONSES = [
    ('https://example.org/0013', 'text/html; charset=utf-8', SMALL_HTML),
    ('https://example.org/logo.png', 'image/png', b'\x89PNG\r\n\x1a\n' + bytes(200)),
    ('https://example.org/0002', 'text/html', DEV_PAGES[DEV_PAGE_IDS[0]]),
]
CONTAINERS = {   # (name without compression suffix, format, decompressed bytes)
    'text': ('/in/seed.txt', 'text', SEED_BYTES),
    'html': ('/in/page.html', 'html', DEV_PAGES[DEV_PAGE_IDS[0]]),
    'jsonl': ('/in/batch.jsonl', 'jsonl', JSONL_DOC),
    'warc': ('/in/crawl.warc', 'warc', warc_bytes(WARC_RESPONSES, gzip_records=False)),
    'warc.gz': ('/in/crawl.warc.gz', 'warc', warc_bytes(WARC_RESPONSES, gzip_records=True)),
}
def decompress_all(new_decompressor, zero_padding=False):
    """A strict reference decompressor: every member (gzip), stream (bz2, xz)
    or frame (zstd) in turn; an error for one cut short or for bytes after
    the last that are none (gzip files may be padded with zeros)."""
    def decompress(data: bytes) -> bytes:
        out = []
        while data:
            if zero_padding:
                data = data.lstrip(b'\x00')
                if not data:
                    break
            member = new_decompressor()
            out.append(member.decompress(data))
            if not member.eof:
                raise EOFError('cut short')
            data = member.unused_data
        return b''.join(out)
    return decompress


COMPRESSIONS = {   # name suffix, compress, reference decompress
    'gzip': ('.gz', gzip.compress, decompress_all(lambda: zlib.decompressobj(wbits=31), zero_padding=True)),
    'bz2': ('.bz2', bz2.compress, decompress_all(bz2.BZ2Decompressor)),
    'xz': ('.xz', lzma.compress, decompress_all(lzma.LZMADecompressor)),
    'zstd': ('.zst', zstandard.ZstdCompressor().compress,
             decompress_all(lambda: zstandard.ZstdDecompressor().decompressobj())),
    'none': ('', lambda b: b, lambda b: b),
}
def whole_record_cuts(data: bytes, gzip_records: bool) -> set:
    """Lengths a WARC file can be cut to and still be a whole, valid WARC
    file of fewer records: a cut there cannot be told from a shorter crawl."""
    cuts, start = set(), 0
    if gzip_records:          # one gzip member per record
        while start < len(data):
            member = zlib.decompressobj(wbits=31)
            member.decompress(data[start:])
            start = len(data) - len(member.unused_data)
            cuts.add(start)
        return cuts
    # a record is its header, its Content-Length bytes of content and two
    # CRLFs; a file cut anywhere from the end of the content on is whole
    while start < len(data):
        header_end = data.index(b'\r\n\r\n', start) + 4
        length = int(re.search(rb'Content-Length: *(\d+)', data[start:header_end]).group(1))
        next_start = data.find(b'WARC/1.0\r\n', header_end + length)
        next_start = len(data) if next_start < 0 else next_start
        cuts.update(range(header_end + length, next_start + 1))
        start = next_start
    return cuts


WHOLE_RECORD_CUTS = {kind: whole_record_cuts(CONTAINERS[kind][2], gzip_records=kind == 'warc.gz')
                     for kind in ('warc', 'warc.gz')}
COMPRESSED = {(kind, comp): COMPRESSIONS[comp][1](CONTAINERS[kind][2])
              for kind in CONTAINERS for comp in COMPRESSIONS if not (kind == 'warc.gz' and comp != 'none')}

MAGICS = [b'\x1f\x8b', b'\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff', b'BZh9', b'BZh91AY&SY', b'\x28\xb5\x2f\xfd',
          b'\xfd7zXZ\x00', b'WARC/1.0\r\n', b'WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 5\r\n\r\n',
          b'{', b'<html>', b'<!DOCTYPE html>', b'\xef\xbb\xbf', b'\xff\xfe', b'\xfe\xff', b'\x00\x00\xfe\xff']
arbitrary_files = st.one_of(
    st.binary(max_size=2048),
    st.tuples(st.sampled_from(MAGICS), st.binary(max_size=1024)).map(b''.join),
    st.lists(st.one_of(json_lines, small_junk_json_lines), max_size=10)
      .flatmap(lambda lines: st.sampled_from([b'\n', b'\r\n', b'\n\n']).map(lambda sep: sep.join(lines))),
    st.sampled_from(sorted(COMPRESSED.values(), key=len)[:8]).flatmap(byte_mutations),
)
EXTENSIONS = ('', '.txt', '.text', '.html', '.htm', '.xhtml', '.jsonl', '.ndjson', '.json', '.warc', '.arc',
              '.bin', '.TXT', '.Html')
SUFFIXES = ('', '.gz', '.gzip', '.bz2', '.zst', '.zstd', '.xz', '.lzma', '.GZ')
file_names = st.builds(lambda stem, ext, comp: stem + ext + comp,
                       st.sampled_from(['/data/file', 'gs://bucket/dir/file', 'file', '/data/a.b/file']),
                       st.sampled_from(EXTENSIONS), st.sampled_from(SUFFIXES))
record_limits = st.sampled_from([1, 2, 7, 64, 1000, 4096, InputLimits.max_record_bytes])

_ENDS_A_FILE = ('malformed_warc', 'broken_compression', 'unreadable')


def read_all(name, data, input_format='auto', max_record_bytes=InputLimits.max_record_bytes) -> list:
    return list(read_records(name, io.BytesIO(data), input_format=input_format, max_record_bytes=max_record_bytes))


def check_items(items: list, name: str, max_record_bytes: int):
    """What every file read gives, whatever its bytes: records, rejects or
    'skipped', a broken file ending in its reject, records numbered in order."""
    numbers = []
    for position, item in enumerate(items):
        assert isinstance(item, (RawRecord, Reject)) or item == 'skipped', item
        if item == 'skipped':
            continue
        assert item.source_uri == name or item.source_uri.startswith(name + '#'), (item.source_uri, name)
        if '#' in item.source_uri[len(name):]:
            numbers.append(int(item.source_uri[len(name) + 1:]))
        if isinstance(item, Reject):
            check_reject(item)
            assert item.stage in ('read', 'parse'), item
            if item.error in _ENDS_A_FILE:
                assert position == len(items) - 1, f'{item.error} reject is not the last item: {items[position:]}'
        else:
            assert isinstance(item.payload, bytes) and item.payload.strip(), item
            assert item.format in FORMATS and item.content_kind in ('text', 'html'), item
            if item.format != 'jsonl':
                assert len(item.payload) <= max_record_bytes, (len(item.payload), max_record_bytes)
    assert numbers == sorted(set(numbers)), f'records not numbered in order: {numbers}'


def physical_lines(data: bytes) -> list:
    """The lines a binary stream's readline gives: split after each b'\\n'."""
    pieces = data.split(b'\n')
    lines = [piece + b'\n' for piece in pieces[:-1]]
    if pieces[-1]:
        lines.append(pieces[-1])
    return lines


def check_jsonl(items: list, data: bytes, name: str, max_record_bytes: int):
    """One item per non-blank line, named by its 1-based line number; a line
    that fits the limit is parsed whole, one that does not is rejected."""
    lines = physical_lines(data)
    by_number = {}
    for item in items:
        assert not isinstance(item, str), item
        number = int(item.source_uri.rsplit('#', 1)[1])
        assert 1 <= number <= len(lines), (number, len(lines))
        assert number not in by_number, f'line {number} gave two items'
        by_number[number] = item
    for number, line in enumerate(lines, start=1):
        content = line.rstrip(b'\r\n')
        item = by_number.get(number)
        if line.strip():
            assert item is not None, f'non-blank line {number} gave nothing: {line[:80]!r}'
        if item is None:
            continue
        if isinstance(item, Reject) and item.error == 'record_too_large':
            assert len(line) > max_record_bytes, (number, len(line), max_record_bytes)
            continue
        # A blank line gives nothing unless it is too long to look at (above).
        assert line.strip(), f'blank line {number} gave {item}'
        assert len(content) <= max_record_bytes, (len(content), max_record_bytes, item)
        assert item.raw == content, (item, content[:80])
        if isinstance(item, Reject):
            assert item.stage == 'parse' and item.size_bytes == len(content), item
        offset = getattr(item, 'raw_offset', None)
        if getattr(item, 'raw_path', None) is not None and offset is not None:
            assert data[offset:offset + len(content)] == content, (offset, item)


@settings(max_examples=400, **FAST)
@given(data=arbitrary_files, name=file_names, input_format=st.sampled_from(INPUT_FORMATS),
       max_record_bytes=record_limits)
def test_read_records_never_raises_and_accounts_for_every_record(data, name, input_format, max_record_bytes):
    items = read_all(name, data, input_format, max_record_bytes)
    check_items(items, name, max_record_bytes)
    named = input_format if input_format != 'auto' else format_from_name(name)
    if named in ('text', 'html'):
        # a whole-file format: exactly one record or one reject, even for broken compression
        assert len(items) == 1 and isinstance(items[0], (RawRecord, Reject)), items
    if sniff_compression(data[:8]) is not None:
        return
    fmt = named or sniff_format(data[:4096])
    if fmt in ('text', 'html'):
        [item] = items
        if len(data) > max_record_bytes:
            assert isinstance(item, Reject) and item.error == 'record_too_large', item
            assert item.size_bytes == len(data), item     # measured, never truncated
        elif not data.strip():
            assert isinstance(item, Reject) and item.error == 'empty_input' and item.raw == data, item
        else:
            assert isinstance(item, RawRecord), item
            assert item.payload == data and item.format == item.content_kind == fmt, item
    elif fmt == 'jsonl':
        check_jsonl(items, data, name, max_record_bytes)
    else:
        assert fmt == 'warc'


jsonl_documents = st.lists(
    st.one_of(json_lines, small_junk_json_lines,
              st.sampled_from([b' ' * 40, b'\t\r', b'{"text": "' + b'x' * 60 + b'"}'])),
    max_size=12).flatmap(
    lambda lines: st.lists(st.sampled_from([b'\n', b'\r\n', b'\n\n', b'\n \n']), min_size=len(lines),
                           max_size=len(lines)).map(lambda seps: b''.join(l + s for l, s in zip(lines, seps))))


@settings(max_examples=200, **FAST)
@given(data=jsonl_documents, max_record_bytes=st.integers(1, 80), trailing_newline=st.booleans())
def test_jsonl_records_with_a_tiny_limit_give_one_item_per_line(data, max_record_bytes, trailing_newline):
    if not trailing_newline:
        data = data.rstrip(b'\n')
    items = list(jsonl_records('/in/x.jsonl', io.BufferedReader(io.BytesIO(data)), max_record_bytes))
    check_items(items, '/in/x.jsonl', max_record_bytes)
    check_jsonl(items, data, '/in/x.jsonl', max_record_bytes)


@settings(max_examples=150, **FAST)
@given(lines=st.lists(st.one_of(st.binary(max_size=30), st.sampled_from([b' ' * 45, b'\t \x0b' * 9, b'{}'])),
                      max_size=8),
       line_break=st.sampled_from([b'\n', b'\r\n']), max_record_bytes=st.integers(1, 40))
def test_jsonl_record_limit_is_on_the_line_not_its_line_break(lines, line_break, max_record_bytes):
    """Stricter than the above: a line is too large exactly when the line
    itself (without its LF or CRLF) is over the limit, it is measured as
    such, and a blank line gives nothing however long it is."""
    lines = [line.replace(b'\n', b'').replace(b'\r', b'') for line in lines]
    data = b''.join(line + line_break for line in lines)
    items = list(jsonl_records('/in/x.jsonl', io.BufferedReader(io.BytesIO(data)), max_record_bytes))
    by_number = {int(item.source_uri.rsplit('#', 1)[1]): item for item in items}
    for number, line in enumerate(lines, start=1):
        item = by_number.get(number)
        if not line.strip():
            assert item is None, (number, line, item)
        elif len(line) > max_record_bytes:
            assert isinstance(item, Reject) and item.error == 'record_too_large', (number, line, item)
            assert item.size_bytes == len(line), (item.size_bytes, len(line))
        else:
            assert item is not None and getattr(item, 'error', None) != 'record_too_large', (number, line, item)


@st.composite
def damaged_files(draw):
    kind = draw(st.sampled_from(sorted(CONTAINERS)))
    comp = 'none' if kind == 'warc.gz' else draw(st.sampled_from(sorted(COMPRESSIONS)))
    original = COMPRESSED[(kind, comp)]
    damage = draw(st.sampled_from(('truncate', 'flip', 'mutate', 'append', 'none')))
    if damage == 'truncate':
        # keep the magic bytes, so the file is still taken for what it was
        data = original[:draw(st.integers(min(6, len(original) - 1), len(original) - 1))]
    elif damage == 'flip':
        data = bytearray(original)
        for _ in range(draw(st.integers(1, 3))):
            i = draw(st.integers(0, len(data) - 1))
            data[i] ^= 1 << draw(st.integers(0, 7))
        data = bytes(data)
    elif damage == 'mutate':
        data = draw(byte_mutations(original))
    elif damage == 'append':
        data = original + draw(st.one_of(st.binary(min_size=1, max_size=64), st.just(b'\x00' * 16),
                                         st.just(original)))
    else:
        data = original
    return kind, comp, damage, data


def _view(items):
    """What a reader gave, without where it came from."""
    out = []
    for item in items:
        if isinstance(item, RawRecord):
            out.append(('record', item.source_uri, item.payload, item.content_kind, item.url))
        elif isinstance(item, Reject):
            out.append(('reject', item.source_uri, item.error, item.raw))
        else:
            out.append(item)
    return out


@settings(max_examples=250, **FAST, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(damaged=damaged_files(), by_name=st.booleans(),
       max_record_bytes=st.sampled_from([4096, InputLimits.max_record_bytes]))
def test_damaged_compressed_and_warc_files_end_in_a_reject(damaged, by_name, max_record_bytes):
    kind, comp, damage, data = damaged
    base_name, fmt, plain = CONTAINERS[kind]
    name = base_name + COMPRESSIONS[comp][0] if by_name else '/in/stored.bin'
    input_format = 'auto' if by_name else fmt
    items = read_all(name, data, input_format, max_record_bytes)
    check_items(items, name, max_record_bytes)
    if fmt in ('text', 'html'):
        assert len(items) == 1, items
    if damage == 'none':
        assert items and not any(isinstance(i, Reject) and i.error in _ENDS_A_FILE for i in items), items
    if comp != 'none' and sniff_compression(data[:8]) != comp:
        comp = 'none'     # the damage hit the magic bytes: it is no longer that compression
    try:
        reference = COMPRESSIONS[comp][2](data)
    except Exception:
        reference = None
    if comp != 'none' and (reference is None or damage == 'truncate'):
        # A broken compressed file is never read as if it were whole: it ends in
        # a reject saying so (or one for its size), not in a shortened record.
        assert items and isinstance(items[-1], Reject), _view(items)[-3:]
        if fmt in ('text', 'html'):
            assert items[0].error in ('broken_compression', 'record_too_large'), items[0]
    elif comp != 'none' and sniff_compression(reference[:8]) is None:
        # decompression by magic bytes is transparent
        assert _view(items) == _view(read_all(name, reference, input_format, max_record_bytes))
    if kind.startswith('warc') and damage == 'truncate' and not (
            comp == 'none' and len(data) in WHOLE_RECORD_CUTS[kind]):
        # a WARC file cut short says so; it never just ends early
        assert items and isinstance(items[-1], Reject), _view(items)[-3:]
        # (or the cut record was too large to read anyway)
        assert items[-1].error in ('malformed_warc', 'broken_compression', 'record_too_large'), items[-1]


SMALL_WARC_RESPONSES = [
    ('https://example.org/a', 'text/html; charset=utf-8', b'<html><body><p>A short page.</p></body></html>'),
    ('https://example.org/logo.png', 'image/png', b'\x89PNG\r\n\x1a\n' + bytes(20)),
    ('https://example.org/b', 'text/html', b'<html><body><p>Another page.</p></body></html>'),
]


@pytest.mark.parametrize('gzip_records', [False, True], ids=['warc', 'warc.gz'])
def test_warc_cut_at_any_byte_ends_in_a_reject_unless_whole(gzip_records):
    """Every cut of a small crawl, byte by byte (a few thousand reads): what
    was read before the cut is given, and then a reject says the file is
    cut short -- unless the cut falls between two whole records."""
    data = warc_bytes(SMALL_WARC_RESPONSES, gzip_records=gzip_records)
    whole = whole_record_cuts(data, gzip_records)
    unreported = []
    for cut in range(1, len(data)):
        items = read_all('/in/crawl.warc', data[:cut], 'warc', 4096)
        check_items(items, '/in/crawl.warc', 4096)
        if cut not in whole and not (items and isinstance(items[-1], Reject)):
            unreported.append(cut)
    if unreported:
        first = data[:unreported[0]]
        raise AssertionError(f'{len(unreported)} of {len(data)} cut points end without a reject, e.g. '
                             f'data[:{len(first)}] (ending {first[-40:]!r}) gives '
                             f'{_view(read_all("/in/crawl.warc", first, "warc"))}')


@settings(max_examples=300, **FAST)
@given(line=st.one_of(st.binary(max_size=200), junk_json_lines, json_lines))
def test_parse_json_line_never_raises_on_arbitrary_bytes(line):
    result = parse_json_line('/in/x.jsonl#1', line)
    check_parsed(result, line)


@settings(max_examples=300, **FAST)
@given(value=st.one_of(record_objects, json_values), ensure_ascii=st.booleans(),
       encoding=st.sampled_from(['utf-8', 'utf-16', 'utf-32']))
def test_parse_json_line_on_arbitrary_json_values(value, ensure_ascii, encoding):
    line = json_line(value, ensure_ascii, encoding)
    result = parse_json_line('/in/x.jsonl#1', line)
    check_parsed(result, line)
    if not isinstance(value, dict):
        assert isinstance(result, Reject) and result.error == 'malformed_json', result
        return
    if isinstance(result, RawRecord):
        parsed = json.loads(line)    # what the line says ("\\ud800\\udc00" is one character)
        field = parsed[result.content_kind]
        expected = field if isinstance(field, str) else str(field)
        assert result.payload.decode('utf-8', 'surrogatepass') == expected
        assert expected.strip()
        if result.content_kind == 'text':
            html = parsed.get('html')
            assert html is None or not str(html).strip()   # "html" wins when it has content
        for key, attr in (('url', 'url'), ('title', 'title'), ('date', 'date'), ('id', 'record_id')):
            given_value = parsed.get(key)
            assert getattr(result, attr) == (None if given_value is None else str(given_value))


def check_parsed(result, line):
    assert isinstance(result, (RawRecord, Reject)), result
    if isinstance(result, Reject):
        check_reject(result)
        assert result.stage == 'parse' and result.raw == line and result.size_bytes == len(line), result
        assert result.error in ('malformed_json', 'wrong_field_type', 'no_content'), result
    else:
        assert result.format == 'jsonl' and result.content_kind in ('text', 'html'), result
        assert result.raw == line and isinstance(result.payload, bytes) and result.payload.strip(), result
        for attr in ('url', 'title', 'date', 'record_id'):
            assert getattr(result, attr) is None or isinstance(getattr(result, attr), str)


