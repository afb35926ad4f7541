"""A corpus of every kind of broken or hostile input a crawl delivers, made
from the seeds and real dev pages, with what a correct run makes of each.

`build_bad_corpus(root)` writes the files and returns {name: outcome}, where
name is the file name (plus `#N` for the Nth record of a multi-record file)
and outcome is 'article' or (stage, error) of the one reject it must give.
"""
from __future__ import annotations

import bz2
import gzip
import json
import lzma
import random
from pathlib import Path

from tests.conftest import SEED_000, SEED_003, dev_html, warc_bytes

MB = 1024 * 1024
ARTICLE = 'article'

# Sizes of the large inputs, and the limits the test run uses (the defaults).
LINE_50MB = 50 * MB
FILE_500MB = 500 * MB

SECRET = b'root:x:0:0:this-must-never-be-read'


def _deep_html(depth: int) -> bytes:
    paragraph = '<p>' + 'The story goes on, sentence after sentence, as stories do. ' * 5 + '</p>'
    return ('<html><head><title>Deep</title></head><body>' + '<div>' * depth + paragraph + '</div>' * depth
            + paragraph + '</body></html>').encode()


def _chrome_only_page() -> bytes:
    links = ''.join(f'<li><a href="/s{i}">Section {i}</a></li>' for i in range(30))
    return (f'<html><head><title>Example News</title></head><body><nav><ul>{links}</ul></nav>'
            f'<footer><p>© 2024 Example News. All rights reserved.</p><a href="/privacy">Privacy</a></footer>'
            f'</body></html>').encode()


def build_bad_corpus(root: Path, secret_file: Path) -> dict:
    root.mkdir(parents=True, exist_ok=True)
    seed0, seed3 = SEED_000.read_bytes(), SEED_003.read_bytes()
    text0 = seed0.decode('utf-8')
    rng = random.Random(7)
    expected = {}

    def put(name: str, data: bytes, outcome) -> None:
        (root / name).write_bytes(data)
        expected[name] = outcome

    # -- nothing there
    put('empty.txt', b'', ('read', 'empty_input'))
    put('whitespace.txt', b'\n  \n\t\r\n', ('read', 'empty_input'))
    # -- not text
    put('junk.dat', bytes(rng.randrange(256) for _ in range(8192)), ('decode', 'binary_content'))
    put('nul-bytes.txt', seed0[:500] + b'\x00' * 40 + seed0[500:], ('decode', 'binary_content'))
    put('undecodable.txt', bytes(0x80 | rng.randrange(128) for _ in range(6000)), ('decode', 'undecodable_bytes'))
    # -- broken compression, each kind
    put('truncated.txt.gz', gzip.compress(seed3)[:700], ('read', 'broken_compression'))
    put('truncated.txt.bz2', bz2.compress(seed3)[:700], ('read', 'broken_compression'))
    put('truncated.txt.xz', lzma.compress(seed3)[:700], ('read', 'broken_compression'))
    import zstandard
    put('truncated.txt.zst', zstandard.ZstdCompressor().compress(seed3)[:700], ('read', 'broken_compression'))
    put('not-really.gz', b'\x1f\x8b' + bytes(rng.randrange(256) for _ in range(300)), ('read', 'broken_compression'))
    # -- must decode, not be rejected
    put('gzip-without-extension.txt', gzip.compress(seed3), ARTICLE)
    put('utf16-bom.txt', text0.encode('utf-16'), ARTICLE)
    put('utf16le-no-bom.txt', text0.encode('utf-16-le'), ARTICLE)
    put('cp1252.txt', (text0 + '\nThe café’s crème brûlée drew praise — and a queue.\n').encode('cp1252'), ARTICLE)
    cut = seed0.index('Russia’s'.encode())
    put('utf8-with-stray-bytes.txt', seed0[:cut] + b'\xff\xfe' + seed0[cut:], ARTICLE)
    # -- JSON Lines: one record per line, numbered by line
    lines = [
        json.dumps({'id': 'ok', 'url': 'https://example.com/ok', 'date': '2018-05-31', 'text': text0}),   # 1
        '{"id": "broken", "text": "unterminated',                                                          # 2
        json.dumps(['an', 'array']),                                                                      # 3
        json.dumps({'id': 'wrong-type', 'text': 12.5, 'title': {'nested': True}}),                        # 4
        json.dumps({'id': 'no-content', 'title': 'only a title'}),                                        # 5
        '[' * 100_000 + ']' * 100_000,                                                                    # 6
        '{"text": "bad \xff utf-8"}',                                                                      # 7 (bytes below)
        json.dumps({'text': 42}),                                                                         # 8 a number is text
    ]
    raw_lines = [line.encode('utf-8') if i != 6 else b'{"text": "bad \xff\xfe utf-8 in JSON"}'
                 for i, line in enumerate(lines)]
    put('records.jsonl', b'\n'.join(raw_lines) + b'\n', None)
    del expected['records.jsonl']
    for number, outcome in enumerate([ARTICLE, ('parse', 'malformed_json'), ('parse', 'malformed_json'),
                                      ('parse', 'wrong_field_type'), ('parse', 'no_content'),
                                      ('parse', 'malformed_json'), ('parse', 'malformed_json'),
                                      ('extract', 'empty_body')], start=1):
        expected[f'records.jsonl#{number}'] = outcome
    # -- WARC: good, not HTML, not 200, then cut short inside a response
    page = dev_html('0002')
    crawl = warc_bytes([
        ('https://example.org/story', 'text/html; charset=utf-8', page),
        ('https://example.org/report.pdf', 'application/pdf', b'%PDF-1.7\n' + bytes(rng.randrange(256) for _ in range(500))),
        ('https://example.org/gone', 'text/html', b'<html><body>Not found</body></html>', '404 Not Found'),
    ], gzip_records=False)
    tail = warc_bytes([('https://example.org/cut', 'text/html', dev_html('0004'))], gzip_records=False,
                      extra_records=False)
    put('crawl.warc', crawl + tail[:len(tail) // 2], None)
    del expected['crawl.warc']
    expected.update({'crawl.warc#1': ARTICLE, 'crawl.warc#2': ('read', 'not_html'),
                     'crawl.warc#3': ('read', 'not_ok_response'), 'crawl.warc#4': ('read', 'malformed_warc')})
    put('not-a-warc.warc', b'this is no WARC file at all\n' * 20, None)
    del expected['not-a-warc.warc']
    expected['not-a-warc.warc#1'] = ('read', 'malformed_warc')
    # -- HTML the parser cannot take whole, and a page that is only site chrome
    put('deep.html', _deep_html(5000), ('extract', 'html_too_deep'))
    put('chrome-only.html', _chrome_only_page(), ('extract', 'no_sentences'))
    put('images-only.html', b'<html><body><div><img src="a.png"><img src="b.png"></div></body></html>',
        ('extract', 'empty_body'))
    # -- hostile HTML: an external entity pointing at a local file, XInclude, remote resources
    hostile = ('<?xml version="1.0"?><!DOCTYPE html [<!ENTITY leak SYSTEM "file://' + str(secret_file) + '">]>'
               '<html xmlns:xi="http://www.w3.org/2001/XInclude"><head><title>Hostile page</title>'
               '<link rel="stylesheet" href="http://127.0.0.1:9/x.css"><script src="http://127.0.0.1:9/x.js"></script>'
               '</head><body><article><h1>Hostile page</h1><p>Leak: &leak;</p>'
               '<xi:include href="file://' + str(secret_file) + '" parse="text"/>'
               '<img src="http://127.0.0.1:9/pixel.gif">'
               + '<p>' + 'This page tries to make the parser read files and fetch URLs while it is parsed. ' * 4
               + '</p></article></body></html>')
    put('hostile.html', hostile.encode(), ARTICLE)
    # -- text that is no article
    put('no-sentences.txt', b'1234 5678 9012\n-- -- --\n42\n3.14159 2.71828\n#### **** !!!!\n', ('extract', 'empty_body'))
    put('menu-only.txt', b'Home\nNews\nSport\nWeather\nSubscribe\nSign in\nPrivacy Policy\nTerms of Use\n',
        ('extract', 'empty_body'))
    # -- too large: one 50 MB line (as text and as a JSON line), a 500 MB file, a compression bomb
    line = (b'word ' * (LINE_50MB // 5))[:LINE_50MB]
    put('line-50mb.txt', line, ('decode', 'article_too_long'))
    put('line-50mb.jsonl', json.dumps({'text': line.decode()}).encode() + b'\n', None)
    del expected['line-50mb.jsonl']
    expected['line-50mb.jsonl#1'] = ('decode', 'article_too_long')
    with open(root / 'file-500mb.txt', 'wb') as f:   # sparse: 500 MB to read, no disk used
        f.truncate(FILE_500MB)
    expected['file-500mb.txt'] = ('read', 'record_too_large')
    with open(root / 'bomb-500mb.txt.zst', 'wb') as f, zstandard.ZstdCompressor().stream_writer(f) as bomb:
        block = seed3 * (MB // len(seed3))
        for _ in range(FILE_500MB // len(block) + 1):
            bomb.write(block)
    expected['bomb-500mb.txt.zst'] = ('read', 'record_too_large')
    # -- values from the data that must never become paths
    sneaky = {'id': '../../../escape', 'url': 'file:///etc/passwd', 'title': '../../x/../../etc/passwd',
              'date': '../../x', 'text': text0}
    put('sneaky.jsonl', json.dumps(sneaky).encode() + b'\n', None)
    del expected['sneaky.jsonl']
    expected['sneaky.jsonl#1'] = ARTICLE
    # -- file names that are hard to glob and to quote
    for name in ('with space.txt', 'ünïcödé-日本語.txt', 'hash#1.txt', 'star*name.txt', 'brackets[1].txt',
                 'question?.txt'):
        put(name, seed3, ARTICLE)
    put('feed#2.jsonl', json.dumps({'url': 'https://example.com/f', 'text': text0}).encode() + b'\n', None)
    del expected['feed#2.jsonl']
    expected['feed#2.jsonl#1'] = ARTICLE
    return expected
