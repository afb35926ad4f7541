"""Reading records from files, with no Beam: formats, compression, bad input."""
import bz2
import gzip
import io
import json
import lzma

import pytest
import zstandard

from tests.conftest import SEED_000, dev_html, warc_bytes
from transforms.common.records import RawRecord, Reject
from transforms.read.decompress import sniff_compression
from transforms.read.formats import format_from_name, sniff_format
from transforms.read.read_dumps import read_records


def records(name, data, **kwargs):
    return list(read_records(name, io.BytesIO(data), **kwargs))


SEED = SEED_000.read_bytes()


@pytest.mark.parametrize('compress', [gzip.compress, bz2.compress, lzma.compress,
                                      zstandard.ZstdCompressor().compress, lambda b: b])
def test_compressed_text_reads_the_same_bytes(compress):
    [record] = records('/data/seed.txt', compress(SEED))
    assert isinstance(record, RawRecord)
    assert record.payload == SEED and record.format == 'text'


def test_gzip_without_extension_is_sniffed():
    [record] = records('/data/seed.txt', gzip.compress(SEED))
    assert record.payload == SEED


def test_truncated_gzip_is_rejected_with_reason():
    [reject] = records('/data/seed.txt.gz', gzip.compress(SEED)[:300])
    assert isinstance(reject, Reject)
    assert reject.error == 'broken_compression' and 'gzip' in reject.message


def test_empty_file_is_rejected():
    [reject] = records('/data/empty.txt', b'')
    assert reject.error == 'empty_input' and reject.stage == 'read'


def test_oversized_file_is_rejected_not_truncated():
    [reject] = records('/data/big.txt', SEED, max_record_bytes=100)
    assert reject.error == 'record_too_large'


def test_format_by_name_and_by_content():
    assert format_from_name('gs://b/x/page.HTML.gz') == 'html'
    assert format_from_name('/x/a.jsonl.zst') == 'jsonl'
    assert format_from_name('/x/crawl.warc.gz') == 'warc'
    assert format_from_name('/x/noext') is None
    assert sniff_format(b'WARC/1.0\r\n') == 'warc'
    assert sniff_format(b'{"text": "x"}\n{"text": "y"}') == 'jsonl'
    assert sniff_format(b'\n<!DOCTYPE html><html>') == 'html'
    assert sniff_format(SEED[:4096]) == 'text'
    assert sniff_compression(gzip.compress(b'x')[:8]) == 'gzip'
    assert sniff_compression(b'plain') is None


def test_html_without_extension_is_sniffed():
    [record] = records('/data/page', dev_html('0002'))
    assert record.format == 'html' and record.content_kind == 'html'


def test_jsonl_records_numbered_by_line_with_rejects():
    lines = [json.dumps({'text': 'Body one.', 'url': 'https://a/1', 'date': '2020-01-02', 'id': 7}),
             '', 'not json', json.dumps([1, 2]), json.dumps({'title': 'no body'}),
             json.dumps({'html': '<p>x</p>', 'title': {'nested': 1}}), json.dumps({'html': '<p>Hi</p>'})]
    out = records('/d/a.jsonl', '\n'.join(lines).encode())
    assert [type(r).__name__ for r in out] == ['RawRecord', 'Reject', 'Reject', 'Reject', 'Reject', 'RawRecord']
    first, malformed, not_object, no_content, wrong_type, html = out
    assert first.source_uri == '/d/a.jsonl#1' and first.url == 'https://a/1' and first.record_id == '7'
    assert first.payload == b'Body one.' and first.content_kind == 'text' and first.date == '2020-01-02'
    assert malformed.source_uri == '/d/a.jsonl#3' and malformed.error == 'malformed_json'
    assert malformed.raw == b'not json'
    assert not_object.error == 'malformed_json' and 'list' in not_object.message
    assert no_content.error == 'no_content'
    assert wrong_type.error == 'wrong_field_type' and 'title' in wrong_type.message
    assert html.content_kind == 'html' and html.source_uri == '/d/a.jsonl#7'


def test_warc_reads_html_responses_only():
    data = warc_bytes([('https://e.org/a', 'text/html; charset=iso-8859-1', b'<html><p>A</p></html>'),
                       ('https://e.org/i.png', 'image/png', b'\x89PNG....'),
                       ('https://e.org/b', 'text/html', b'<html><p>B</p></html>')])
    out = records('/d/crawl.warc.gz', data)
    skipped = [r for r in out if r == 'skipped']
    items = [r for r in out if r != 'skipped']
    assert len(skipped) == 4  # warcinfo + 3 requests
    a, png, b = items
    assert a.url == 'https://e.org/a' and a.charset == 'iso-8859-1' and a.source_uri == '/d/crawl.warc.gz#1'
    assert png.error == 'not_html' and png.raw.startswith(b'\x89PNG')
    assert b.payload == b'<html><p>B</p></html>' and b.source_uri == '/d/crawl.warc.gz#3'


def test_uncompressed_warc_and_truncated_warc():
    data = warc_bytes([('https://e.org/a', 'text/html', b'<html><p>A</p></html>')] * 2, gzip_records=False)
    ok = [r for r in records('/d/crawl.warc', data) if r != 'skipped']
    assert len(ok) == 2 and all(isinstance(r, RawRecord) for r in ok)
    cut = [r for r in records('/d/crawl.warc', data[:len(data) - 40]) if r != 'skipped']
    assert isinstance(cut[0], RawRecord)
    assert isinstance(cut[-1], Reject) and cut[-1].error == 'malformed_warc'


def test_zstd_truncation_is_caught_and_frames_are_joined():
    """zstandard's stream reader returns a short read for a cut file; ours
    says the file is truncated. Several frames read as one stream."""
    frame = zstandard.ZstdCompressor().compress(SEED)
    [whole] = records('/d/a.txt.zst', frame + zstandard.ZstdCompressor(level=9).compress(SEED))
    assert whole.payload == SEED + SEED
    for cut in (10, len(frame) // 2, len(frame) - 1):
        [reject] = records('/d/a.txt.zst', frame[:cut])
        assert reject.error == 'broken_compression' and 'truncated' in reject.message


def test_compression_bomb_is_measured_not_held():
    block = SEED * 64
    bomb = zstandard.ZstdCompressor().compress(block * 64)
    [reject] = records('/d/bomb.txt.zst', bomb, max_record_bytes=len(block))
    assert reject.error == 'record_too_large' and reject.size_bytes == len(block) * 64
    assert reject.raw == b'' and reject.raw_path == '/d/bomb.txt.zst' and reject.raw_offset == 0
    assert '(decompressed)' in reject.message and 'not truncated' in reject.message


def test_jsonl_offsets_and_an_overlong_line_between_good_ones():
    good = json.dumps({'text': 'A short story.'}).encode()
    long_line = json.dumps({'text': 'x' * 5000}).encode()
    data = good + b'\n' + long_line + b'\n' + good + b'\n'
    first, too_long, third = records('/d/f.jsonl', data, max_record_bytes=1000)
    assert (first.raw_offset, third.raw_offset) == (0, len(good) + len(long_line) + 2)
    assert too_long.error == 'record_too_large' and too_long.size_bytes == len(long_line)
    assert too_long.raw_offset == len(good) + 1 and too_long.source_uri == '/d/f.jsonl#2'
    assert third.source_uri == '/d/f.jsonl#3' and third.payload == b'A short story.'


def test_warc_offsets_point_at_each_record():
    data = warc_bytes([('https://e.org/a', 'text/html', b'<html><p>A</p></html>'),
                       ('https://e.org/i.png', 'image/png', b'\x89PNG....')], gzip_records=False)
    a, png = [r for r in records('/d/c.warc', data) if r != 'skipped']
    for item, url in ((a, 'https://e.org/a'), (png, 'https://e.org/i.png')):
        record = data[item.raw_offset:]
        assert record.startswith(b'WARC/1.') and b'WARC-Type: response' in record[:400]
        assert f'WARC-Target-URI: {url}'.encode() in record[:400]


def test_a_file_that_is_no_warc_is_one_reject():
    [reject] = records('/d/x.warc', b'GET / HTTP/1.1\r\nHost: e.org\r\n\r\n' * 30)
    assert reject.error == 'malformed_warc' and 'not a WARC file' in reject.message
    assert reject.source_uri == '/d/x.warc#1' and reject.raw.startswith(b'GET /')


def test_literal_names_with_glob_characters(tmp_path):
    from transforms.read.match_inputs import match_pattern
    for name in ('a*b.txt', 'aXb.txt', 'p[1].html', 'p1.html'):
        (tmp_path / name).write_text('x')
    assert match_pattern(str(tmp_path / 'a*b.txt')) == [str(tmp_path / 'a*b.txt')]
    assert match_pattern(str(tmp_path / 'p[1].html')) == [str(tmp_path / 'p[1].html')]
    assert match_pattern(str(tmp_path / 'a*.txt')) == [str(tmp_path / 'a*b.txt'), str(tmp_path / 'aXb.txt')]
    assert match_pattern(str(tmp_path / 'p?.html')) == [str(tmp_path / 'p1.html')]


@pytest.mark.parametrize('compress', [gzip.compress, bz2.compress, lzma.compress,
                                      zstandard.ZstdCompressor().compress])
def test_a_cut_compressed_jsonl_keeps_the_records_before_the_cut(compress):
    lines = b''.join(json.dumps({'text': f'Story number {i} goes on. ' * 40}).encode() + b'\n' for i in range(400))
    data = compress(lines)
    items = records('/d/f.jsonl.x', data[:len(data) * 3 // 4])
    assert isinstance(items[-1], Reject) and items[-1].error == 'broken_compression'
    assert 'truncated' in items[-1].message and items[-1].source_uri == '/d/f.jsonl.x'
    whole = [r for r in items if isinstance(r, RawRecord)]
    assert [r.source_uri for r in whole] == [f'/d/f.jsonl.x#{i}' for i in range(1, len(whole) + 1)]
    assert all(r.payload.startswith(b'Story number') and r.payload.endswith(b'goes on. ') for r in whole)


def test_records_of_a_warc_before_a_cut_member_are_read():
    data = warc_bytes([('https://e.org/a', 'text/html', dev_html('0002')),
                       ('https://e.org/b', 'text/html', b'<html><p>B</p></html>')])
    items = [r for r in records('/d/c.warc.gz', data[:-10]) if r != 'skipped']
    assert [type(r).__name__ for r in items] == ['RawRecord', 'RawRecord', 'Reject']
    assert items[0].payload == dev_html('0002') and items[-1].error == 'malformed_warc'
    assert 'truncated' in items[-1].message


@pytest.mark.parametrize('compress', [gzip.compress, bz2.compress, lzma.compress,
                                      zstandard.ZstdCompressor().compress])
def test_bytes_after_the_last_complete_member_are_no_silent_end(compress):
    [reject] = records('/d/a.txt.x', compress(SEED) + b'this is not compressed')
    assert reject.error == 'broken_compression'
    [member_after_member] = records('/d/a.txt.x', compress(SEED) + compress(SEED))
    assert member_after_member.payload == SEED + SEED


def test_gzip_padded_with_zeros_is_whole():
    [record] = records('/d/a.txt.gz', gzip.compress(SEED) + bytes(512))
    assert record.payload == SEED
