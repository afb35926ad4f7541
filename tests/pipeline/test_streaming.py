"""The streaming job end to end: an empty folder is watched, dumps land in
three batches with pauses between them, --max-idle stops the job, and what
it wrote is compared with a batch run over the same files."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.dataset as ds
import pytest

from tests.conftest import DEV, REPO, SEED_000, SEED_003, assert_accounted, dev_html, dev_truth

WINDOW_MINUTES = 0.1          # 6-second windows
PAUSE_SECONDS = 8             # longer than a window (with 2 s to spare): each batch lands in a later window
MAX_IDLE_SECONDS = 11         # longer than a pause: the job waits through them


def dev_page_ids(count: int):
    """Dev pages with a body of several long paragraphs to quote."""
    chosen = []
    for path in sorted((DEV / 'ground-truth').glob('*.json')):
        page_id = path.stem
        paragraphs = long_paragraphs(page_id)
        if len(paragraphs) >= 2:
            chosen.append(page_id)
        if len(chosen) == count:
            break
    return chosen


def long_paragraphs(page_id: str):
    body = dev_truth(page_id).get('main_content') or ''
    return [p.strip() for p in body.split('\n') if 25 <= len(p.split()) <= 80]


def reprint(number: int, source_page: str) -> bytes:
    """A text dump of a later article that reprints a paragraph of a source
    page between its own sentences, the way outlets run wire copy."""
    quoted = long_paragraphs(source_page)[1]
    return (
        f'date 2026-11-2{number % 10} Regional desk report number {number} on the afternoon council session '
        f'covered a budget vote, a zoning appeal and a long public comment period.\n\n'
        f'{quoted}\n\n'
        f'Council member number {number} said the committee would take up the remaining '
        f'items at its next scheduled meeting in the new year.\n').encode('utf-8')


def build_batches(staged: Path):
    """Three folders of files to drop, and the reprint -> source page map."""
    pages = dev_page_ids(24)
    batches = [staged / f'batch{i}' for i in (1, 2, 3)]
    for folder in batches:
        folder.mkdir(parents=True)
    (batches[0] / SEED_000.name).write_bytes(SEED_000.read_bytes())
    (batches[0] / SEED_003.name).write_bytes(SEED_003.read_bytes())
    for i, page_id in enumerate(pages):
        (batches[i // 8] / f'page-{page_id}.html').write_bytes(dev_html(page_id))
    sources = {}
    for n, page_id in enumerate(pages[:3]):             # batch-1 sources, reprinted in batch 2
        name = f'reprint-{n}.txt'
        (batches[1] / name).write_bytes(reprint(n, page_id))
        sources[name] = f'page-{page_id}.html'
    for n, page_id in enumerate(pages[8:11], start=3):  # batch-2 sources, reprinted in batch 3
        name = f'reprint-{n}.txt'
        (batches[2] / name).write_bytes(reprint(n, page_id))
        sources[name] = f'page-{page_id}.html'
    (batches[2] / 'empty.txt').write_bytes(b'')         # a bad input: a reject, and the run goes on
    return batches, sources


def read_table(output: Path, table: str):
    rows = ds.dataset(output / table, format='parquet', partitioning='hive').to_table().to_pylist()
    for row in rows:
        row.pop('ingest_date', None)
    return rows


def by_name(rows, key='source_uri'):
    return {Path(row[key]).name: row for row in rows}


@pytest.fixture(scope='module')
def streamed(tmp_path_factory):
    root = tmp_path_factory.mktemp('stream')
    inbox, output = root / 'inbox', root / 'out'
    inbox.mkdir()
    batches, sources = build_batches(root / 'staged')
    env = dict(os.environ, PYTHONPATH=str(REPO))
    job = subprocess.Popen(
        [sys.executable, '-m', 'pipeline.run', '--streaming', '--input', str(inbox / '*'), '--output', str(output),
         '--window-minutes', str(WINDOW_MINUTES), '--poll-interval', '0.5', '--max-idle', str(MAX_IDLE_SECONDS)],
        cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    arrivals = {}
    try:
        time.sleep(3)   # the job starts watching an empty folder
        for number, folder in enumerate(batches, start=1):
            for path in sorted(folder.iterdir()):
                os.rename(path, inbox / path.name)   # a rename lands a whole file at once
                arrivals[path.name] = number
            if number < len(batches):
                time.sleep(PAUSE_SECONDS)
        stdout, stderr = job.communicate(timeout=120)
    finally:
        if job.poll() is None:
            job.kill()
    assert job.returncode == 0, stderr[-3000:]
    batch_output = root / 'batch'
    subprocess.run([sys.executable, '-m', 'pipeline.run', '--input', str(inbox / '*'), '--output', str(batch_output),
                    '--quiet'], cwd=REPO, env=env, check=True, capture_output=True)
    assert_accounted(output)
    assert_accounted(batch_output)
    return {'output': output, 'batch': batch_output, 'stdout': stdout, 'stderr': stderr,
            'arrivals': arrivals, 'sources': sources}


def test_stream_stops_on_max_idle_and_accounts_for_every_input(streamed):
    assert 'no new file for' in streamed['stderr']
    summary = streamed['stdout']
    n_files = len(streamed['arrivals'])
    assert f'inputs read             {n_files:>3}' in summary or f'{n_files} files' in summary
    assert 'accounting         ok' in summary, summary
    rejects = read_table(streamed['output'], 'rejects')
    assert [(Path(r['source_uri']).name, r['error']) for r in rejects] == [('empty.txt', 'empty_input')]


def test_stream_writes_each_window_under_its_ingest_date(streamed):
    files = sorted((streamed['output'] / 'articles').rglob('*.parquet'))
    assert len(files) >= 3, 'three batches in three windows make at least three article files'
    for path in files:
        assert path.parent.name.startswith('ingest_date=')
        window = path.name.split('-')[1]          # part-YYYYmmddTHHMMSS-digest.parquet
        assert path.parent.name == f'ingest_date={window[:4]}-{window[4:6]}-{window[6:8]}'
    # Every batch went into its own window: no file mixes articles of two batches.
    for path in files:
        names = {Path(uri).name for uri in ds.dataset(path, format='parquet').to_table()['source_uri'].to_pylist()}
        assert len({streamed['arrivals'][name] for name in names}) == 1, names
    assert not list((streamed['output'] / '_temporary').rglob('*.parquet'))


def test_streamed_articles_equal_batch_articles(streamed):
    stream = by_name(read_table(streamed['output'], 'articles'))
    batch = by_name(read_table(streamed['batch'], 'articles'))
    assert len(stream) >= 25
    assert stream.keys() == batch.keys()
    for name in batch:
        assert stream[name] == batch[name], name
    stream_passages = {r['passage_id']: r for r in read_table(streamed['output'], 'passages')}
    batch_passages = {r['passage_id']: r for r in read_table(streamed['batch'], 'passages')}
    assert stream_passages.keys() == batch_passages.keys()
    cluster_fields = ('cluster_id', 'canonical_doc_id', 'canonical_passage_id', 'similarity')
    later_canonicals = set()
    for passage_id, expected in batch_passages.items():
        got = stream_passages[passage_id]
        if got != expected and not expected['is_duplicate'] and got['cluster_id'] is None:
            # A canonical passage whose copies all arrived in later windows:
            # its row was written before they came (docs/streaming.md).
            later_canonicals.add(passage_id)
            assert {k: v for k, v in got.items() if k not in cluster_fields} == \
                {k: v for k, v in expected.items() if k not in cluster_fields}
        else:
            assert got == expected, passage_id
    reprints = {r['doc_id'] for r in stream.values() if Path(r['source_uri']).name in streamed['sources']}
    quoted = {r['canonical_passage_id'] for r in batch_passages.values() if r['is_duplicate'] and r['doc_id'] in reprints}
    assert later_canonicals == quoted and len(quoted) >= len(streamed['sources'])


def test_reprints_in_later_batches_are_flagged_against_earlier_sources(streamed):
    articles = read_table(streamed['output'], 'articles')
    name_of = {row['doc_id']: Path(row['source_uri']).name for row in articles}
    passages = read_table(streamed['output'], 'passages')
    arrivals = streamed['arrivals']
    flagged = {}
    for row in passages:
        if row['is_duplicate']:
            flagged.setdefault(name_of[row['doc_id']], set()).add(name_of[row['canonical_doc_id']])
    for reprint_name, source_name in streamed['sources'].items():
        assert flagged.get(reprint_name) == {source_name}, (reprint_name, flagged.get(reprint_name))
        assert arrivals[source_name] < arrivals[reprint_name]
    # The seeds' wire quote, within one batch, is flagged as in batch.
    assert flagged.get(SEED_003.name) == {SEED_000.name}


def test_sigterm_drains_open_windows_and_a_batch_index_seeds_the_stream(tmp_path):
    """No --max-idle and the default 5-minute window: SIGTERM must flush the
    open window rather than lose it. The stream starts from the dedup index
    of a batch run, so a quote of an article ingested yesterday is flagged."""
    import signal
    env = dict(os.environ, PYTHONPATH=str(REPO))
    yesterday, inbox, index = tmp_path / 'yesterday', tmp_path / 'inbox', tmp_path / 'index'
    yesterday.mkdir(), inbox.mkdir()
    (yesterday / SEED_000.name).write_bytes(SEED_000.read_bytes())
    subprocess.run([sys.executable, '-m', 'pipeline.run', '--input', str(yesterday / '*'), '--output',
                    str(tmp_path / 'batch'), '--dedup-index', str(index), '--quiet'],
                   cwd=REPO, env=env, check=True, capture_output=True)
    output = tmp_path / 'out'
    job = subprocess.Popen(
        [sys.executable, '-m', 'pipeline.run', '--streaming', '--input', str(inbox / '*'), '--output', str(output),
         '--poll-interval', '0.5', '--dedup-index', str(index)],
        cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        time.sleep(3)
        # Windows are aligned to the clock (FixedWindows of 5 minutes): a file
        # found in the last seconds before a boundary has its window close
        # during the wait below. Land it clear of one.
        to_boundary = 300 - time.time() % 300
        if to_boundary < 15:
            time.sleep(to_boundary + 1)
        (inbox / SEED_003.name).write_bytes(SEED_003.read_bytes())
        time.sleep(5)   # found after two polls and read; its 5-minute window is still open
        assert not (output / 'articles').exists()
        job.send_signal(signal.SIGTERM)
        stdout, stderr = job.communicate(timeout=60)
    finally:
        if job.poll() is None:
            job.kill()
    assert job.returncode == 0, stderr[-3000:]
    assert 'stopping: flushing open windows' in stderr
    assert 'accounting         ok: 1 read = 1 articles + 0 rejects' in stdout
    assert_accounted(output)
    assert_accounted(tmp_path / 'batch')
    articles = read_table(output, 'articles')
    assert [Path(a['source_uri']).name for a in articles] == [SEED_003.name]
    batch_000 = read_table(tmp_path / 'batch', 'articles')[0]['doc_id']
    duplicates = [p for p in read_table(output, 'passages') if p['is_duplicate']]
    assert len(duplicates) == 1 and duplicates[0]['canonical_doc_id'] == batch_000
    assert duplicates[0]['text'].startswith('"Despite having a border')


def test_cloud_runners_get_the_portable_watch_and_every_streaming_step():
    """On any runner but the local one, WatchDumps expands to Beam's
    MatchContinuously; the graph builds with every step of the stream."""
    import apache_beam as beam
    from apache_beam.io.fileio import MatchContinuously
    from apache_beam.options.pipeline_options import PipelineOptions
    from pipeline.graph import build_streaming_pipeline
    from pipeline.options import parse_args

    options, _ = parse_args(['--streaming', '--input', 'gs://bucket/dumps/*', '--output', 'gs://bucket/news'])
    p = beam.Pipeline(options=PipelineOptions(['--streaming']))
    build_streaming_pipeline(p, options, started=0)
    labels, kinds = set(), set()

    class Visitor(beam.pipeline.PipelineVisitor):
        def enter_composite_transform(self, node):
            labels.add(node.full_label.split('/')[0])
            kinds.add(type(node.transform))

        def visit_transform(self, node):
            self.enter_composite_transform(node)

    p.visit(Visitor())
    assert MatchContinuously in kinds
    assert {'WatchDumps', 'ReadFiles', 'IngestWindows', 'DecodeRecords', 'FindRecurringLines',
            'FlagDuplicatesAcrossWindows', 'WriteWindowedTables'} <= labels


def test_streaming_options_are_refused_without_streaming():
    from pipeline.options import UsageError, parse_args
    with pytest.raises(UsageError, match='--max-idle only apply with --streaming'):
        parse_args(['--input', 'x', '--output', 'y', '--max-idle', '10'])
    with pytest.raises(UsageError, match='must be positive'):
        parse_args(['--streaming', '--input', 'x', '--output', 'y', '--window-minutes', '0'])


def test_a_restarted_stream_skips_what_its_ledger_says_it_read(streamed):
    """Runs last: restarts the stream of the fixture on the same folder and
    output; every file there is in the ledger, so nothing is read again."""
    before = sorted(p.relative_to(streamed['output']) for p in streamed['output'].rglob('*.parquet'))
    inbox = Path(read_table(streamed['output'], 'articles')[0]['source_uri']).parent
    result = subprocess.run(
        [sys.executable, '-m', 'pipeline.run', '--streaming', '--input', str(inbox / '*'),
         '--output', str(streamed['output']), '--window-minutes', str(WINDOW_MINUTES), '--poll-interval', '0.5',
         '--max-idle', '3'],
        cwd=REPO, env=dict(os.environ, PYTHONPATH=str(REPO)), capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr[-3000:]
    assert f'skipping {len(streamed["arrivals"])} file(s) an earlier run already ingested' in result.stderr
    assert 'inputs read               0' in result.stdout
    assert sorted(p.relative_to(streamed['output']) for p in streamed['output'].rglob('*.parquet')) == before
