"""The corpus `make bench` runs on, generated from the dev pages: every page
three times, as the pipeline meets news in the wild.

    html/NNNN.html.gz       the page as fetched, one file each
    warc/crawl-K.warc.gz    the same pages as a crawl: warcinfo, then a
                            request/response pair per page (CC-NEWS style),
                            PAGES_PER_WARC pages a file
    text/NNNN.txt           the page scraped to plain text (bench/text_dumps.py):
                            menus, promos and bylines left in

The same story arriving by crawl, by feed and as a scraped dump is also what
reuse detection is for: the copies give the dedup stage real work.

`bare_extract(path)` is what a user would write without this project for the
same files: trafilatura on each HTML page (trafilatura returns nothing for
plain text), jusText on the lines of a text dump; `make bench` runs it, then
langdetect, as the baseline.
"""
from __future__ import annotations

import gzip
import io
from pathlib import Path
from typing import Iterator

PAGES_PER_WARC = 100


def build_bench_corpus(data: Path, root: Path, pages: int = None) -> dict:
    """Writes the corpus under `root`; returns {'html': n, 'warc': n, 'text': n} articles."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter
    from bench.eval import load_pages
    from bench.text_dumps import page_text_dump
    found = load_pages(Path(data))[:pages]
    for folder in ('html', 'warc', 'text'):
        (root / folder).mkdir(parents=True, exist_ok=True)
    for start in range(0, len(found), PAGES_PER_WARC):
        buffer = io.BytesIO()
        writer = WARCWriter(buffer, gzip=True)
        writer.write_record(writer.create_warcinfo_record(f'crawl-{start // PAGES_PER_WARC}.warc.gz',
                                                          {'software': 'news-ingest bench'}))
        for page_id, html_path, truth in found[start:start + PAGES_PER_WARC]:
            html_path = Path(html_path)
            body = gzip.decompress(html_path.read_bytes())
            url = truth.get('url') or f'https://bench.example/{page_id}'
            host = url.split('/')[2] if url.count('/') >= 2 else 'bench.example'
            writer.write_record(writer.create_warc_record(url, 'request', payload=io.BytesIO(
                f'GET / HTTP/1.1\r\nHost: {host}\r\n\r\n'.encode())))
            headers = StatusAndHeaders('200 OK', [('Content-Type', 'text/html; charset=utf-8')],
                                       protocol='HTTP/1.1')
            writer.write_record(writer.create_warc_record(url, 'response', payload=io.BytesIO(body),
                                                          http_headers=headers))
            (root / 'html' / html_path.name).write_bytes(html_path.read_bytes())
            dump = page_text_dump(body.decode('utf-8', 'replace'))
            (root / 'text' / f'{page_id}.txt').write_text(dump, encoding='utf-8')
        (root / 'warc' / f'crawl-{start // PAGES_PER_WARC}.warc.gz').write_bytes(buffer.getvalue())
    return {'html': len(found), 'warc': len(found), 'text': len(found)}


def corpus_files(root: Path) -> list:
    return sorted(p for p in root.rglob('*') if p.is_file())


def bare_extract(path: Path) -> Iterator[str]:
    """The body text of every article in one corpus file, the bare way."""
    if path.name.endswith('.html.gz'):
        yield _trafilatura(gzip.decompress(path.read_bytes()))
    elif path.name.endswith('.warc.gz'):
        from warcio.archiveiterator import ArchiveIterator
        with path.open('rb') as stream:
            for record in ArchiveIterator(stream):
                if record.rec_type == 'response':
                    yield _trafilatura(record.content_stream().read())
    elif path.name.endswith('.txt'):
        from bench.eval import justext_body
        yield justext_body(path.read_text(encoding='utf-8'))


_CONFIG = []


def _trafilatura(html: bytes):
    import trafilatura
    if not _CONFIG:
        from trafilatura.settings import use_config
        _CONFIG.append(use_config())
        _CONFIG[0].set('DEFAULT', 'EXTRACTION_TIMEOUT', '0')
    return trafilatura.extract(html, with_metadata=True, config=_CONFIG[0])
