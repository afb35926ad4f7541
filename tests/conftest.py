"""Shared test inputs: the seeds, real dev pages, and a mixed corpus built from
them in every input format the contract names."""
from __future__ import annotations

import bz2
import gzip
import io
import json
import lzma
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / 'shared'
SEEDS = SHARED / 'seeds'
DEV = SHARED / 'data' / 'web-articles-dev'
SEED_000 = SEEDS / '000_137e293e02e81e4e.txt'
SEED_003 = SEEDS / '003_87e0ca4567f25c2d.txt'

# Real dev pages used across tests: ids with a ground-truth date and body.
DEV_PAGE_IDS = ('0002', '0004', '0011', '0013')


def dev_html(page_id: str) -> bytes:
    return gzip.decompress((DEV / 'html' / f'{page_id}.html.gz').read_bytes())


def dev_truth(page_id: str) -> dict:
    return json.loads((DEV / 'ground-truth' / f'{page_id}.json').read_text())['ground_truth']


def warc_bytes(responses, *, gzip_records=True, extra_records=True) -> bytes:
    """A WARC file like a crawl's: warcinfo, then request/response pairs.
    `responses` is a list of (url, content_type, body bytes[, HTTP status line])."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=gzip_records)
    if extra_records:
        writer.write_record(writer.create_warcinfo_record('crawl.warc.gz', {'software': 'test-crawler'}))
    for url, content_type, body, *status in responses:
        if extra_records:
            request = writer.create_warc_record(url, 'request', payload=io.BytesIO(
                f'GET / HTTP/1.1\r\nHost: {url.split("/")[2]}\r\n\r\n'.encode()))
            writer.write_record(request)
        headers = StatusAndHeaders(status[0] if status else '200 OK', [('Content-Type', content_type)],
                                   protocol='HTTP/1.1')
        writer.write_record(writer.create_warc_record(url, 'response', payload=io.BytesIO(body),
                                                      http_headers=headers))
    return buffer.getvalue()


def mojibake(utf8: bytes) -> str:
    """UTF-8 bytes read as Windows-1252 the way browsers and editors do it
    (bytes cp1252 leaves undefined become the same-numbered code points)."""
    undefined = (0x81, 0x8d, 0x8f, 0x90, 0x9d)
    return ''.join(chr(b) if b in undefined else bytes([b]).decode('cp1252') for b in utf8)


def build_mixed_corpus(root: Path) -> dict:
    """Every input format and compression, plus bad inputs. Returns what a
    correct run must produce: the expected number of articles and rejects."""
    root.mkdir(parents=True, exist_ok=True)
    seed0 = SEED_000.read_bytes()
    seed3 = SEED_003.read_bytes()
    (root / 'seed000.txt').write_bytes(seed0)
    (root / 'seed003.txt.gz').write_bytes(gzip.compress(seed3))
    # The same seed, compressed three more ways, and once as gzip without .gz.
    (root / 'seed003-copy.txt.bz2').write_bytes(bz2.compress(seed3))
    (root / 'seed003-copy.txt.xz').write_bytes(lzma.compress(seed3))
    import zstandard
    (root / 'seed003-copy.txt.zst').write_bytes(zstandard.ZstdCompressor().compress(seed3))
    (root / 'seed003-gzip-no-ext.txt').write_bytes(gzip.compress(seed3))
    # UTF-16 and cp1252 text must decode, not be rejected.
    (root / 'seed000-utf16.txt').write_bytes(seed0.decode('utf-8').encode('utf-16'))
    (root / 'seed000-cp1252.txt').write_bytes(seed0.decode('utf-8').encode('cp1252'))
    # Mojibake: UTF-8 once read as (sloppy) cp1252 and saved again as UTF-8. Must be repaired.
    (root / 'seed000-mojibake.txt').write_bytes(mojibake(seed0).encode('utf-8'))
    # HTML, plain and gzipped.
    (root / 'page0002.html').write_bytes(dev_html('0002'))
    (root / 'page0004.html.gz').write_bytes(gzip.compress(dev_html('0004')))
    # JSON Lines: text, html, one malformed line, one without content, a blank line.
    lines = [
        json.dumps({'id': 'a1', 'url': 'https://example.com/a1', 'title': 'Given title', 'date': '2020-01-02',
                    'text': seed0.decode('utf-8')}),
        json.dumps({'id': 'a2', 'url': 'https://example.com/a2', 'html': dev_html('0011').decode('utf-8')}),
        '{"id": "broken", "text": "unterminated',
        json.dumps({'id': 'a4', 'title': 'only a title'}),
        '',
        json.dumps({'id': 'a5', 'text': ['not', 'a', 'string']}),
    ]
    (root / 'batch.jsonl').write_text('\n'.join(lines) + '\n')
    # WARC.gz: two HTML responses, one image response, plus warcinfo/request records.
    (root / 'crawl.warc.gz').write_bytes(warc_bytes([
        ('https://example.org/0013', 'text/html; charset=utf-8', dev_html('0013')),
        ('https://example.org/logo.png', 'image/png', b'\x89PNG\r\n\x1a\n' + bytes(200)),
        ('https://example.org/0002', 'text/html', dev_html('0002')),
    ]))
    # Bad inputs.
    (root / 'empty.txt').write_bytes(b'')
    (root / 'junk.txt').write_bytes(bytes(range(256)) * 8)
    (root / 'truncated.txt.gz').write_bytes(gzip.compress(seed0)[:200])
    return {
        # seed000, seed003 x5 (gz, bz2, xz, zst, no-ext gzip), utf16, cp1252, mojibake, 2 html, 2 jsonl, 2 warc
        'articles': 1 + 5 + 3 + 2 + 2 + 2,
        'mojibake_repaired': 1,
        # jsonl: malformed, no content, wrong type; warc: png; empty, junk, truncated gzip
        'rejects': 3 + 1 + 3,
    }


@pytest.fixture(scope='session')
def mixed_corpus(tmp_path_factory):
    root = tmp_path_factory.mktemp('corpus')
    expected = build_mixed_corpus(root)
    return root, expected


def assert_accounted(output, summary: dict = None, day: str = None) -> dict:
    """Accounting, checked after every end-to-end run: every record read is
    an article or a reject, counted from the tables themselves, and the
    summary (returned by run(), and the one written beside the tables)
    agrees. With `day`, the daily job's partition ingest_date=day."""
    import pyarrow.dataset as ds
    output = Path(output)
    report = output / '_days' / day / 'summary.json' if day else output / '_report' / 'summary.json'
    written = json.loads(report.read_text()) if report.exists() else None
    summary = summary or written
    assert summary is not None, f'no summary for {output}'
    if written is not None:
        for key in ('records_read', 'articles_written', 'rejected'):
            assert written[key] == summary[key], (key, written[key], summary[key])

    def rows(table):
        folder = output / table / f'ingest_date={day}' if day else output / table
        if not folder.exists():   # a streaming run writes no file for a table that got no rows
            return 0
        return ds.dataset(folder, format='parquet', partitioning='hive').count_rows()

    articles, rejects = rows('articles'), rows('rejects')
    assert summary['accounting_ok'], summary
    assert (articles, rejects) == (summary['articles_written'], summary['rejected']), (articles, rejects, summary)
    assert summary['records_read'] == articles + rejects, summary
    return summary
