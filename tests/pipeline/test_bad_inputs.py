"""Every kind of broken, oversized or hostile input through the real pipeline
(tests/bad_inputs.py makes them): each gives exactly the reject it should,
with its bytes or a reference to them, and the run goes on; what must decode
decodes; nothing from the data becomes a path, is fetched or is read from
disk; odd file names are read as they are."""
from __future__ import annotations

import gzip
import socket
from pathlib import Path

import pyarrow.dataset as ds
import pytest

from pipeline import rejects as rejects_cli
from pipeline.run import run
from tests.bad_inputs import ARTICLE, FILE_500MB, LINE_50MB, SECRET, build_bad_corpus
from tests.conftest import SEED_000, SEED_003, assert_accounted


@pytest.fixture(scope='module')
def bad_run(tmp_path_factory):
    root = tmp_path_factory.mktemp('bad')
    secret = root / 'secret.txt'
    secret.write_bytes(SECRET)
    corpus = root / 'in'
    expected = build_bad_corpus(corpus, secret)
    output = root / 'out'
    before = set(root.parent.rglob('*')) - set(root.rglob('*'))
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise OSError('network access while parsing input')

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(socket.socket, 'connect', refuse)
        patch.setattr(socket, 'create_connection', refuse)
        patch.setattr(socket, 'getaddrinfo', refuse)
        summary = run(['--input', str(corpus / '*'), '--output', str(output), '--quiet'])
    after = set(root.parent.rglob('*')) - set(root.rglob('*'))
    return dict(root=root, corpus=corpus, output=output, expected=expected, summary=summary,
                attempts=attempts, created_elsewhere=after - before)


def outcomes(run_info):
    prefix = str(run_info['corpus']) + '/'
    got = {}
    for row in ds.dataset(run_info['output'] / 'rejects').to_table().to_pylist():
        got.setdefault(row['source_uri'][len(prefix):], []).append((row['stage'], row['error']))
    for row in ds.dataset(run_info['output'] / 'articles').to_table(columns=['source_uri']).to_pylist():
        got.setdefault(row['source_uri'][len(prefix):], []).append(ARTICLE)
    return got


def rejects_by_name(run_info):
    prefix = str(run_info['corpus']) + '/'
    return {row['source_uri'][len(prefix):]: row
            for row in ds.dataset(run_info['output'] / 'rejects').to_table().to_pylist()}


def articles_by_name(run_info):
    prefix = str(run_info['corpus']) + '/'
    return {row['source_uri'][len(prefix):]: row
            for row in ds.dataset(run_info['output'] / 'articles').to_table().to_pylist()}


def test_every_input_gives_exactly_its_outcome(bad_run):
    got = outcomes(bad_run)
    assert got == {name: [outcome] for name, outcome in bad_run['expected'].items()}


def test_accounting_counts_every_record(bad_run):
    summary = bad_run['summary']
    assert summary['records_read'] == len(bad_run['expected'])
    assert_accounted(bad_run['output'], summary)


def test_every_reject_says_why_in_words(bad_run):
    for name, row in rejects_by_name(bad_run).items():
        assert len(row['message']) >= 25 and row['message'][0].isalpha(), (name, row['message'])
        assert '\n' not in row['message'], name


def test_rejects_keep_the_original_bytes_inline(bad_run):
    corpus = bad_run['corpus']
    rows = rejects_by_name(bad_run)
    for name in ('empty.txt', 'whitespace.txt', 'junk.dat', 'nul-bytes.txt', 'undecodable.txt', 'deep.html',
                 'chrome-only.html', 'images-only.html', 'no-sentences.txt', 'menu-only.txt',
                 'truncated.txt.gz', 'truncated.txt.bz2', 'truncated.txt.xz', 'truncated.txt.zst', 'not-really.gz',
                 'not-a-warc.warc#1'):
        row = rows[name]
        stored = (corpus / name.split('#')[0]).read_bytes()
        assert row['raw'] == stored and row['size_bytes'] == len(stored), name
        assert row['raw_path'] == str(corpus / name.split('#')[0]) and row['raw_offset'] == 0, name
    lines = (corpus / 'records.jsonl').read_bytes().split(b'\n')
    offsets = [sum(len(line) + 1 for line in lines[:i]) for i in range(len(lines))]
    for number in range(2, 9):
        row = rows[f'records.jsonl#{number}']
        assert row['raw'] == lines[number - 1] and row['raw_offset'] == offsets[number - 1], number
    assert rows['crawl.warc#2']['raw'].startswith(b'%PDF-1.7')
    assert rows['crawl.warc#3']['raw'] == b'<html><body>Not found</body></html>'


def test_oversized_inputs_are_measured_and_kept_by_reference(bad_run):
    corpus = bad_run['corpus']
    rows = rejects_by_name(bad_run)
    huge = rows['file-500mb.txt']
    assert huge['raw'] is None and huge['size_bytes'] == FILE_500MB and huge['raw_offset'] == 0
    assert 'not truncated' in huge['message'] and str(FILE_500MB) in huge['message']
    bomb = rows['bomb-500mb.txt.zst']
    assert bomb['raw'] is None and bomb['size_bytes'] > FILE_500MB and '(decompressed)' in bomb['message']
    line = rows['line-50mb.txt']
    assert line['raw'] is None and line['size_bytes'] == LINE_50MB and 'not truncated' in line['message']
    assert rejects_cli.reject_bytes(line) == (corpus / 'line-50mb.txt').read_bytes()
    json_line = rows['line-50mb.jsonl#1']
    assert json_line['raw'] is None
    assert rejects_cli.reject_bytes(json_line) == (corpus / 'line-50mb.jsonl').read_bytes().rstrip(b'\n')
    assert bad_run['summary']['articles_written'] == sum(o == ARTICLE for o in bad_run['expected'].values())


def test_text_in_other_encodings_decodes(bad_run):
    articles = articles_by_name(bad_run)
    seed_article = articles['records.jsonl#1']['text']
    for name in ('utf16-bom.txt', 'utf16le-no-bom.txt', 'cp1252.txt', 'utf8-with-stray-bytes.txt'):
        assert 'Russia' in articles[name]['text'] and 'â€' not in articles[name]['text'], name
    assert articles['utf16-bom.txt']['text'] == articles['utf16le-no-bom.txt']['text']
    assert articles['utf16-bom.txt']['text'] == seed_article
    assert 'crème brûlée' in articles['cp1252.txt']['text']
    assert 'Russia’s Tass news agency' in articles['utf8-with-stray-bytes.txt']['text']
    assert articles['gzip-without-extension.txt']['text'] == articles['with space.txt']['text']


def test_odd_file_names_are_read_as_they_are(bad_run):
    articles = articles_by_name(bad_run)
    corpus = bad_run['corpus']
    seed3_text = articles['with space.txt']['text']
    for name in ('with space.txt', 'ünïcödé-日本語.txt', 'hash#1.txt', 'star*name.txt', 'brackets[1].txt',
                 'question?.txt'):
        assert articles[name]['source_uri'] == str(corpus / name)
        assert articles[name]['text'] == seed3_text
    assert articles['feed#2.jsonl#1']['source_uri'] == f'{corpus}/feed#2.jsonl#1'
    assert len({a['doc_id'] for a in articles.values()}) == len(articles)


def test_a_name_with_glob_characters_given_literally_reads_that_file_only(tmp_path):
    corpus = tmp_path / 'in'
    corpus.mkdir()
    (corpus / 'star*name.txt').write_bytes(SEED_003.read_bytes())
    (corpus / 'starXname.txt').write_bytes(SEED_000.read_bytes())
    (corpus / 'brackets[1].txt').write_bytes(SEED_000.read_bytes())
    output = tmp_path / 'out'
    summary = run(['--input', str(corpus / 'star*name.txt'), '--input', str(corpus / 'brackets[1].txt'),
                   '--output', str(output), '--quiet'])
    uris = sorted(r['source_uri'] for r in ds.dataset(output / 'articles').to_table().to_pylist())
    assert uris == [str(corpus / 'brackets[1].txt'), str(corpus / 'star*name.txt')]
    assert_accounted(output, summary)


def test_nothing_is_fetched_read_or_written_outside_output(bad_run):
    assert bad_run['attempts'] == []
    assert bad_run['created_elsewhere'] == set()
    output = bad_run['output']
    for path in output.rglob('*'):
        assert path.resolve().is_relative_to(output.resolve())
        assert '..' not in path.relative_to(output).parts
        if path.is_file():
            assert SECRET not in path.read_bytes() and b'root:x:0:0' not in path.read_bytes(), path
    hostile = articles_by_name(bad_run)['hostile.html']
    assert 'tries to make the parser read files' in hostile['text'] and 'this-must-never-be-read' not in hostile['text']
    sneaky = articles_by_name(bad_run)['sneaky.jsonl#1']
    # '../../x' is no date: the date comes from the article's own header instead.
    assert str(sneaky['published_date']) == '2018-05-31' and sneaky['date_source'] == 'header'
    assert sneaky['url'] == 'file:///etc/passwd' and sneaky['title'] == '../../x/../../etc/passwd'


def test_rejects_command_summarises_and_gives_back_bytes(bad_run, capsys, tmp_path):
    assert rejects_cli.main([str(bad_run['output'])]) == 0
    table = capsys.readouterr().out
    for error in ('record_too_large', 'broken_compression', 'malformed_json', 'html_too_deep', 'no_sentences'):
        assert error in table
    assert table.startswith(f"{bad_run['summary']['rejected']} rejects")
    target = tmp_path / 'line.bin'
    uri = str(bad_run['corpus'] / 'line-50mb.txt')
    assert rejects_cli.main([str(bad_run['output']), '--raw', uri, '--to', str(target)]) == 0
    assert target.read_bytes() == (bad_run['corpus'] / 'line-50mb.txt').read_bytes()
    assert rejects_cli.main([str(bad_run['output']), '--raw', 'no-such-uri']) == 2


@pytest.mark.parametrize('max_inline', [0, None])
def test_every_reject_can_be_read_back_by_reference(tmp_path, max_inline):
    """With --max-inline-raw-bytes 0 nothing is inline; each reject's bytes
    come back from the input files, whatever the format and compression.
    With the default, every reject holds its bytes inline, also those of a
    page rejected after extraction (drafts do not carry their bytes through
    the steps: they are read back from the input for the reject)."""
    from tests.conftest import warc_bytes, dev_html
    corpus = tmp_path / 'in'
    corpus.mkdir()
    (corpus / 'junk.txt').write_bytes(bytes(range(256)) * 4)
    (corpus / 'lines.jsonl.gz').write_bytes(gzip.compress(b'{"text": "ok"\n[1, 2]\n{"title": "no text"}\n'))
    (corpus / 'crawl.warc.gz').write_bytes(warc_bytes([
        ('https://e.org/a.png', 'image/png', b'\x89PNG' + bytes(300)),
        ('https://e.org/b', 'text/html', dev_html('0002')),
        ('https://e.org/c', 'text/html', b'<html><body>gone</body></html>', '410 Gone')]))
    (corpus / 'deep.html').write_bytes(b'<html><body>' + b'<div>' * 400 + b'x' + b'</div>' * 400 + b'</body></html>')
    output = tmp_path / 'out'
    limits = ['--max-inline-raw-bytes', str(max_inline)] if max_inline is not None else []
    summary = run(['--input', str(corpus / '*'), '--output', str(output), '--quiet', *limits])
    assert_accounted(output, summary)
    rows = ds.dataset(output / 'rejects').to_table().to_pylist()
    assert len(rows) == summary['rejected'] == 7
    expected = {
        'junk.txt': bytes(range(256)) * 4,
        'lines.jsonl.gz#1': b'{"text": "ok"', 'lines.jsonl.gz#2': b'[1, 2]', 'lines.jsonl.gz#3': b'{"title": "no text"}',
        'crawl.warc.gz#1': b'\x89PNG' + bytes(300), 'crawl.warc.gz#3': b'<html><body>gone</body></html>',
        'deep.html': (corpus / 'deep.html').read_bytes(),
    }
    assert {row['stage'] for row in rows} >= {'read', 'parse', 'decode', 'extract'}
    for row in rows:
        name = row['source_uri'][len(str(corpus)) + 1:]
        assert row['raw_path'] == str(corpus / name.split('#')[0]), name
        assert row['size_bytes'] == len(expected[name]), name
        if max_inline == 0:
            assert row['raw'] is None, name
        else:
            assert row['raw'] == expected[name], name
        assert rejects_cli.reject_bytes(row) == expected[name], name


def test_limits_reject_never_truncate(tmp_path):
    corpus = tmp_path / 'in'
    corpus.mkdir()
    (corpus / 'seed000.txt').write_bytes(SEED_000.read_bytes())
    (corpus / 'seed003.txt').write_bytes(SEED_003.read_bytes())
    output = tmp_path / 'out'
    size3 = len(SEED_003.read_bytes())
    summary = run(['--input', str(corpus / '*'), '--output', str(output), '--quiet',
                   '--max-record-bytes', str(size3 - 1), '--max-article-chars', '500'])
    assert_accounted(output, summary)
    rows = {Path(r['source_uri']).name: r for r in ds.dataset(output / 'rejects').to_table().to_pylist()}
    assert rows['seed003.txt']['error'] == 'record_too_large' and rows['seed003.txt']['size_bytes'] == size3
    assert rows['seed000.txt']['error'] == 'article_too_long' and '--max-article-chars=500' in rows['seed000.txt']['message']
    assert summary['articles_written'] == 0
