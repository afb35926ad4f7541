"""The real pipeline, end to end: the seeds, every input format, bad inputs,
the tables' schemas, accounting, atomic output, and the portable runner."""
from __future__ import annotations

import datetime
import subprocess
import sys

import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest

import schemas
from pipeline.run import main, run
from tests.conftest import REPO, SEED_000, SEED_003, SEEDS, assert_accounted
from transforms.write.publish import STAGING_DIR, SUCCESS_MARKER


def read_table(output, table):
    return ds.dataset(str(output / table), format='parquet', partitioning='hive').to_table()


def rows(output, table, sort_by):
    return sorted(read_table(output, table).to_pylist(), key=lambda r: tuple(str(r[k]) for k in sort_by))


SORT_KEYS = {'articles': ('doc_id',), 'passages': ('passage_id',), 'clusters': ('cluster_id',),
             'boilerplate': ('doc_id', 'line_index', 'reason', 'text'), 'rejects': ('source_uri', 'error')}


def all_rows(output):
    return {table: rows(output, table, keys) for table, keys in SORT_KEYS.items()}


@pytest.fixture(scope='session')
def seeds_run(tmp_path_factory):
    output = tmp_path_factory.mktemp('seeds-out')
    summary = run(['--input', str(SEEDS / '*.txt'), '--output', str(output), '--quiet'])
    assert_accounted(output, summary)
    return output, summary


@pytest.fixture(scope='session')
def mixed_run(mixed_corpus, tmp_path_factory):
    corpus, expected = mixed_corpus
    output = tmp_path_factory.mktemp('mixed-out')
    summary = run(['--input', str(corpus / '*'), '--output', str(output), '--quiet'])
    assert_accounted(output, summary)
    return output, summary, expected


def by_name(articles, fragment):
    [row] = [a for a in articles if a['source_uri'].endswith(fragment)]
    return row


def test_seed_000_header_body_and_credit(seeds_run):
    output, _ = seeds_run
    article = by_name(read_table(output, 'articles').to_pylist(), '000_137e293e02e81e4e.txt')
    assert article['published_date'] == datetime.date(2018, 5, 31)
    assert article['date_source'] == 'header'
    assert article['text'].startswith('North Korean leader Kim Jong Un met')
    assert 'The Associated Press' in article['wire_credit']
    assert 'Contributing' not in article['text'] and 'date 2018' not in article['text']
    assert article['text'].count('\n\n') == 9  # all ten body paragraphs
    assert article['language'] == 'en' and article['language_prob'] > 0.9
    assert article['format'] == 'text' and article['n_words'] > 300


def test_seed_003_title_and_language(seeds_run):
    output, _ = seeds_run
    article = by_name(read_table(output, 'articles').to_pylist(), '003_87e0ca4567f25c2d.txt')
    assert article['title'] == ("Russia's foreign minister meets with Kim Jong Un as U.S. and Pyongyang "
                                'work to salvage Kim-Trump summit')
    assert not article['text'].startswith("Russia's foreign minister meets")
    assert article['language'] == 'en'
    cut = [r for r in read_table(output, 'boilerplate').to_pylist() if r['doc_id'] == article['doc_id']]
    assert any(r['reason'] == 'title' for r in cut)
    assert any('SUBSCRIBE' in r['text'] for r in cut)


def test_seed_passages_point_into_text(seeds_run):
    output, summary = seeds_run
    texts = {a['doc_id']: a['text'] for a in read_table(output, 'articles').to_pylist()}
    passages = read_table(output, 'passages').to_pylist()
    assert passages
    for p in passages:
        assert texts[p['doc_id']][p['char_start']:p['char_end']] == p['text']
    assert summary['records_read'] == 2 and summary['articles_written'] == 2 and summary['accounting_ok']
    cuts = read_table(output, 'boilerplate').to_pylist()
    headers = [c for c in cuts if c['reason'] in ('title', 'date_header', 'byline', 'dateline', 'wire_credit')]
    assert summary['header_lines_split'] == len(headers) >= 4
    assert summary['boilerplate_lines_removed'] == len(cuts) - len(headers) > 0


def test_seed_wire_quote_is_the_only_duplicate(seeds_run):
    """003 quotes the AP sentence of 000 ("Putin" became "President Vladimir
    Putin") inside a longer paragraph: only that sentence is flagged, against
    000's paragraph, and 003's unique_text keeps the rest of the paragraph."""
    output, summary = seeds_run
    articles = {a['source_uri'].rsplit('/', 1)[-1][:3]: a for a in read_table(output, 'articles').to_pylist()}
    passages = read_table(output, 'passages').to_pylist()
    [flagged] = [p for p in passages if p['is_duplicate']]
    first, second = articles['000'], articles['003']
    assert flagged['doc_id'] == second['doc_id'] and flagged['canonical_doc_id'] == first['doc_id']
    assert flagged['text'].startswith('"Despite having a border with the North') and flagged['text'].endswith('year."')
    assert 'President Vladimir Putin' in flagged['text'] and 0.8 < flagged['similarity'] < 1
    [canonical] = [p for p in passages if p['passage_id'] == flagged['canonical_passage_id']]
    assert canonical['text'].startswith('Despite having a border') and not canonical['is_duplicate']
    assert canonical['cluster_id'] == flagged['cluster_id']
    [cluster] = read_table(output, 'clusters').to_pylist()
    assert cluster['doc_ids'] == sorted([first['doc_id'], second['doc_id']]) and cluster['size'] == 2
    assert cluster['first_published'] == datetime.date(2018, 5, 31)
    assert second['unique_text'].endswith('The Associated Press reports.')
    assert abs(second['dup_ratio'] - len(flagged['text']) / len(second['text'])) < 1e-6
    assert first['dup_ratio'] == 0 and first['unique_text'] == first['text']
    assert summary['duplicate_passages'] == 1 and summary['clusters'] == 1


@pytest.mark.parametrize('memory_articles', ['10000', '0'], ids=['run in memory', 'sharded steps'])
def test_dedup_index_flags_copies_of_an_earlier_run(tmp_path, memory_articles):
    """Day 1 ingests 000; day 2 ingests 003 with the index only: 003's quote
    is flagged against 000 without 000 being read again. Re-running day 2
    gives the same rows and never flags 003 against itself; re-running day 1
    flags nothing. The same whether the run (with the index's entries) is
    flagged in one element or by the sharded steps."""
    day1, day2 = tmp_path / 'day1', tmp_path / 'day2'
    day1.mkdir(), day2.mkdir()
    (day1 / SEED_000.name).write_bytes(SEED_000.read_bytes())
    (day2 / SEED_003.name).write_bytes(SEED_003.read_bytes())
    index = tmp_path / 'index'

    def ingest(folder, output):
        summary = run(['--input', str(folder / '*.txt'), '--output', str(tmp_path / output),
                       '--dedup-index', str(index), '--dedup-memory-articles', memory_articles, '--quiet'])
        assert_accounted(tmp_path / output, summary)
        return summary, rows(tmp_path / output, 'passages', ('passage_id',))

    first, _ = ingest(day1, 'out1')
    assert first['duplicate_passages'] == 0
    n_index = ds.dataset(str(index / schemas.DEDUP_INDEX_TABLE), format='parquet').count_rows()
    assert n_index >= 10
    second, passages = ingest(day2, 'out2')
    [flagged] = [p for p in passages if p['is_duplicate']]
    assert flagged['text'].startswith('"Despite having a border') and second['clusters'] == 1
    assert flagged['canonical_passage_id'].startswith(read_table(tmp_path / 'out1', 'articles')['doc_id'][0].as_py())
    grown = ds.dataset(str(index / schemas.DEDUP_INDEX_TABLE), format='parquet').count_rows()
    assert grown > n_index
    again, passages_again = ingest(day2, 'out3')
    assert passages_again == passages and again['duplicate_passages'] == 1
    assert ds.dataset(str(index / schemas.DEDUP_INDEX_TABLE), format='parquet').count_rows() == grown
    redo, _ = ingest(day1, 'out4')
    assert redo['duplicate_passages'] == 0 and redo['clusters'] == 0


def test_dedup_index_built_with_other_parameters_is_refused(tmp_path, capsys):
    index = tmp_path / 'index'
    assert main(['--input', str(SEED_000), '--output', str(tmp_path / 'a'), '--dedup-index', str(index),
                 '--quiet']) == 0
    assert main(['--input', str(SEED_000), '--output', str(tmp_path / 'b'), '--dedup-index', str(index),
                 '--min-passage-words', '5', '--quiet']) == 2
    assert 'built with other parameters' in capsys.readouterr().err
    [index_file] = (index / schemas.DEDUP_INDEX_TABLE).glob('*.parquet')
    index_file.write_bytes(b'not parquet at all')
    assert main(['--input', str(SEED_000), '--output', str(tmp_path / 'c'), '--dedup-index', str(index),
                 '--quiet']) == 2
    assert 'is unreadable' in capsys.readouterr().err


def test_every_table_has_its_schema_and_version(seeds_run):
    output, _ = seeds_run
    for table, schema in schemas.TABLES.items():
        files = sorted((output / table).glob('*.parquet'))
        assert files, table
        for f in files:
            metadata = pq.read_metadata(f).metadata
            assert metadata[schemas.SCHEMA_VERSION_KEY] == schemas.SCHEMA_VERSION.encode()
        assert read_table(output, table).schema.remove_metadata().equals(schema.remove_metadata()), table
    assert (output / SUCCESS_MARKER).exists()
    assert not (output / STAGING_DIR).exists()


def test_mixed_formats_accounting(mixed_run):
    output, summary, expected = mixed_run
    articles = read_table(output, 'articles').to_pylist()
    rejects = read_table(output, 'rejects').to_pylist()
    assert len(articles) == expected['articles']
    assert len(rejects) == expected['rejects']
    assert summary['records_read'] == len(articles) + len(rejects)
    assert summary['accounting_ok']
    assert {a['format'] for a in articles} == {'text', 'html', 'jsonl', 'warc'}
    assert len({a['doc_id'] for a in articles}) == len(articles)


def test_every_compression_gives_the_same_article(mixed_run):
    output, _, _ = mixed_run
    articles = read_table(output, 'articles').to_pylist()
    copies = [a for a in articles if 'seed003' in a['source_uri']]
    assert len(copies) == 5
    assert len({(a['text'], a['title']) for a in copies}) == 1
    utf16, cp1252 = by_name(articles, 'seed000-utf16.txt'), by_name(articles, 'seed000-cp1252.txt')
    repaired = by_name(articles, 'seed000-mojibake.txt')
    original = by_name(articles, 'seed000.txt')
    assert utf16['text'] == cp1252['text'] == repaired['text'] == original['text']


def test_mojibake_repair_is_counted(mixed_run):
    _, summary, expected = mixed_run
    assert summary['mojibake_repaired'] == expected['mojibake_repaired']


def test_jsonl_and_warc_records(mixed_run):
    output, _, _ = mixed_run
    articles = read_table(output, 'articles').to_pylist()
    given = by_name(articles, 'batch.jsonl#1')
    assert given['title'] == 'Given title' and given['url'] == 'https://example.com/a1'
    assert given['published_date'] == datetime.date(2020, 1, 2) and given['date_source'] == 'record'
    html_line = by_name(articles, 'batch.jsonl#2')
    assert html_line['title'] and len(html_line['text']) > 500
    warc = by_name(articles, 'crawl.warc.gz#1')
    assert warc['url'] == 'https://example.org/0013' and warc['format'] == 'warc'
    assert by_name(articles, 'crawl.warc.gz#3')['text'] == by_name(articles, 'page0002.html')['text']


def test_bad_inputs_are_rejected_with_bytes_and_reason(mixed_run, mixed_corpus):
    output, _, _ = mixed_run
    corpus, _ = mixed_corpus
    rejects = {r['source_uri'].rsplit('/', 1)[-1]: r for r in read_table(output, 'rejects').to_pylist()}
    assert rejects['empty.txt']['error'] == 'empty_input'
    assert rejects['junk.txt']['stage'] == 'decode'
    assert rejects['junk.txt']['raw'] == (corpus / 'junk.txt').read_bytes()
    assert rejects['truncated.txt.gz']['error'] == 'broken_compression'
    assert rejects['truncated.txt.gz']['raw'] == (corpus / 'truncated.txt.gz').read_bytes()
    assert rejects['batch.jsonl#3']['error'] == 'malformed_json'
    assert rejects['batch.jsonl#3']['raw'].startswith(b'{"id": "broken"')
    assert rejects['batch.jsonl#4']['error'] == 'no_content'
    assert rejects['batch.jsonl#6']['error'] == 'wrong_field_type'
    assert rejects['crawl.warc.gz#2']['error'] == 'not_html'
    assert all(r['message'] for r in rejects.values())


def test_identical_text_is_flagged_against_the_earliest(mixed_run):
    """seed000.txt (dated 2018-05-31 by its header) and its re-encoded copies
    share every sentence: the copies' passages are duplicates of the original's
    sibling with the earliest date, tie broken by doc_id."""
    output, summary, _ = mixed_run
    articles = {a['doc_id']: a for a in read_table(output, 'articles').to_pylist()}
    passages = read_table(output, 'passages').to_pylist()
    clusters = read_table(output, 'clusters').to_pylist()
    assert clusters and summary['clusters'] == len(clusters)
    for cluster in clusters:
        members = [articles[d] for d in cluster['doc_ids']]
        dated = [m for m in members if m['published_date']]
        earliest = min(dated or members, key=lambda m: (m['published_date'] or datetime.date.max, m['doc_id']))
        assert cluster['canonical_doc_id'] == earliest['doc_id']
    flagged = [p for p in passages if p['is_duplicate']]
    assert flagged and summary['duplicate_passages'] == len(flagged)
    assert all(p['doc_id'] != p['canonical_doc_id'] for p in flagged)
    for doc_id, article in articles.items():
        mine = [p for p in flagged if p['doc_id'] == doc_id]
        if mine:
            assert 0 < article['dup_ratio'] <= 1 and len(article['unique_text']) < len(article['text'])
        else:
            assert article['dup_ratio'] == 0 and article['unique_text'] == article['text']


def test_portable_runner_gives_the_same_rows(seeds_run, mixed_corpus, tmp_path):
    """The Fn API path that Flink, Spark and Dataflow use, run locally."""
    corpus, _ = mixed_corpus
    default_out, portable_out = tmp_path / 'default', tmp_path / 'portable'
    inputs = ['--input', str(SEEDS / '*.txt'), '--input', str(corpus / '*.jsonl'),
              '--input', str(corpus / '*.warc.gz'), '--quiet']
    assert_accounted(default_out, run(inputs + ['--output', str(default_out)]))
    assert_accounted(portable_out, run(inputs + ['--output', str(portable_out), '--runner=PortableRunner',
                                                 '--job_endpoint=embed', '--environment_type=LOOPBACK']))
    assert all_rows(portable_out) == all_rows(default_out)


def test_usage_errors_are_one_line(tmp_path, capsys):
    assert main(['--input', str(tmp_path / 'nothing-here-*.txt'), '--output', str(tmp_path / 'o')]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith('error: no file matches') and '\n' not in err
    unwritable = tmp_path / 'file'
    unwritable.write_text('x')
    assert main(['--input', str(SEEDS / '*.txt'), '--output', str(unwritable / 'sub')]) == 2
    assert 'not writable' in capsys.readouterr().err
    assert main(['--output', str(tmp_path)]) == 2


def test_command_line_runs_offline_and_prints_summary(tmp_path):
    """`python -m pipeline.run` as a user types it; the default runner must not
    try to download anything (Prism), so no 'prism' appears in its logs."""
    result = subprocess.run(
        [sys.executable, '-m', 'pipeline.run', '--input', str(SEEDS / '*.txt'), '--output', str(tmp_path / 'o')],
        cwd=REPO, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert 'articles written' in result.stdout and 'accounting         ok' in result.stdout
    assert 'prism' not in (result.stdout + result.stderr).lower()
    assert_accounted(tmp_path / 'o')


# ------------------------------------------------------------------ scraped page text of one site

SITE_DISCLAIMER = ('This story was produced in partnership with the Example Foundation, which supports '
                   'independent local reporting across the region and has no say over what we publish.')


def test_text_dumps_of_one_site_lose_the_site_chrome(tmp_path):
    """Raw text dumps of real pages, all from one site (one folder, no URL),
    each ending in the long disclaimer the site prints under every article.
    The default job removes it. It reads like prose, so page by page the
    rules keep it: with them, the corpus step is what removes it, with reason
    `recurring_line`; with the corpus step off, it stays."""
    from bench.scoring import bag_of_words_prf
    from bench.text_dumps import page_text_dump
    from tests.conftest import DEV_PAGE_IDS, dev_html, dev_truth
    site = tmp_path / 'example-times'
    site.mkdir()
    for page_id in DEV_PAGE_IDS:
        dump = page_text_dump(dev_html(page_id).decode('utf-8', 'replace'))
        (site / f'{page_id}.txt').write_text(f'{dump}\n\n{SITE_DISCLAIMER}\n', encoding='utf-8')

    def job(name, *options):
        output = tmp_path / name
        summary = run(['--input', str(site / '*.txt'), '--output', str(output), '--quiet', *options])
        assert_accounted(output, summary)
        assert summary['articles_written'] == len(DEV_PAGE_IDS)
        return read_table(output, 'articles').to_pylist(), read_table(output, 'boilerplate').to_pylist()

    articles, _ = job('default')
    for article in articles:
        assert 'Example Foundation' not in article['text']
        page_id = article['source_uri'].rsplit('/', 1)[-1][:4]
        assert bag_of_words_prf(article['text'], dev_truth(page_id)['main_content'])[2] > 0.8
    articles, cuts = job('rules', '--boilerplate', 'rules')
    for article in articles:
        assert 'Example Foundation' not in article['text']
        mine = [c['reason'] for c in cuts if c['doc_id'] == article['doc_id'] and 'Example Foundation' in c['text']]
        assert mine == ['recurring_line']
    articles, _ = job('rules-alone', '--boilerplate', 'rules', '--recurring-min-docs', '99')
    assert all('Example Foundation' in a['text'] for a in articles)
