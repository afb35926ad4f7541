"""Daily partitions: a day re-run replaces itself, a backfill skips finished
days and carries the duplicate index, and the schedule is one crontab line."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pyarrow.dataset as ds
import pytest

from tests.conftest import REPO, SEED_000, SEED_003, assert_accounted, dev_html

TABLES = ('articles', 'passages', 'clusters', 'boilerplate', 'rejects')


def daily(*args):
    return subprocess.run([sys.executable, '-m', 'pipeline.daily', *args], cwd=REPO, capture_output=True, text=True,
                          env=dict(os.environ, PYTHONPATH=str(REPO)), timeout=300)


def snapshot(root: Path):
    """Every table's rows, with their partition, and the files that hold them."""
    rows = {t: sorted(map(repr, ds.dataset(root / t, format='parquet', partitioning='hive').to_table().to_pylist()))
            for t in TABLES}
    return rows, sorted(str(p.relative_to(root)) for p in root.rglob('*.parquet') if '_dedup_index' not in p.parts)


@pytest.fixture
def dumps(tmp_path):
    root = tmp_path / 'dumps'
    (root / '2026-11-21' / 'site').mkdir(parents=True)
    (root / '2026-11-22').mkdir(parents=True)
    shutil.copy(SEED_000, root / '2026-11-21' / 'site' / SEED_000.name)     # ** reaches sub-folders
    (root / '2026-11-21' / 'page-0002.html').write_bytes(dev_html('0002'))
    (root / '2026-11-21' / 'empty.txt').write_bytes(b'')
    shutil.copy(SEED_003, root / '2026-11-22' / SEED_003.name)              # quotes yesterday's 000
    (root / '2026-11-22' / 'page-0004.html').write_bytes(dev_html('0004'))
    return root


def test_rerunning_a_day_replaces_it_and_never_duplicates_rows(dumps, tmp_path):
    out = tmp_path / 'tables'
    first = daily('--input-root', str(dumps), '--output-root', str(out), '--date', '2026-11-21')
    assert first.returncode == 0, first.stderr[-2000:]
    assert '2026-11-21: 3 read, 2 articles, 1 rejected' in first.stdout
    assert_accounted(out, day='2026-11-21')
    before = snapshot(out)
    assert len(before[0]['articles']) == 2
    assert all(p.startswith(f'{t}/ingest_date=2026-11-21/') for p in before[1] for t in [p.split('/')[0]])
    again = daily('--input-root', str(dumps), '--output-root', str(out), '--date', '2026-11-21')
    assert again.returncode == 0, again.stderr[-2000:]
    assert snapshot(out) == before
    assert_accounted(out, day='2026-11-21')
    assert (out / '_days' / '2026-11-21' / '_SUCCESS').exists()
    assert not list((out / '_temporary').rglob('*.parquet'))


def test_backfill_skips_finished_days_and_carries_the_duplicate_index(dumps, tmp_path):
    out = tmp_path / 'tables'
    assert daily('--input-root', str(dumps), '--output-root', str(out), '--date', '2026-11-21').returncode == 0
    result = daily('--input-root', str(dumps), '--output-root', str(out), '--from', '2026-11-21', '--to', '2026-11-22')
    assert result.returncode == 0, result.stderr[-2000:]
    assert 'day 2026-11-21: done already (_SUCCESS), skipped' in result.stderr
    assert '2026-11-21:' not in result.stdout and '2026-11-22: 2 read, 2 articles' in result.stdout
    for day in ('2026-11-21', '2026-11-22'):
        assert_accounted(out, day=day)
    articles = ds.dataset(out / 'articles', format='parquet', partitioning='hive').to_table().to_pylist()
    by_name = {Path(a['source_uri']).name: a for a in articles}
    assert {str(a['ingest_date']) for a in articles} == {'2026-11-21', '2026-11-22'}
    passages = ds.dataset(out / 'passages', format='parquet', partitioning='hive').to_table().to_pylist()
    duplicates = [p for p in passages if p['is_duplicate']]
    assert len(duplicates) == 1
    assert duplicates[0]['doc_id'] == by_name[SEED_003.name]['doc_id']
    assert duplicates[0]['canonical_doc_id'] == by_name[SEED_000.name]['doc_id']   # yesterday's, via the index


def test_a_day_with_no_dumps_and_a_bad_date_are_one_line_errors(dumps, tmp_path):
    out = tmp_path / 'tables'
    for args, message in ((['--date', '2026-11-30'], 'no file matches'),
                          (['--date', '2026-13-01'], "'2026-13-01' is not a date"),
                          (['--from', '2026-11-22', '--to', '2026-11-21'], 'is before --from')):
        result = daily('--input-root', str(dumps), '--output-root', str(out), *args)
        assert result.returncode == 2 and message in result.stderr.strip().splitlines()[-1], result.stderr
        assert 'Traceback' not in result.stderr


def test_make_schedule_prints_a_crontab_line_for_yesterday():
    line = subprocess.run(['make', '-s', '--no-print-directory', 'schedule', 'INPUT_ROOT=/data/dumps', 'OUTPUT_ROOT=/data/tables'],
                          cwd=REPO, capture_output=True, text=True, check=True).stdout.strip()
    fields = line.split(None, 5)
    assert fields[:5] == ['15', '2', '*', '*', '*']
    command = fields[5]
    assert f'cd {REPO} && ' in command
    assert 'make daily DATE=$(date -d yesterday +\\%F)' in command   # % escaped for cron
    assert 'INPUT_ROOT=/data/dumps OUTPUT_ROOT=/data/tables' in command
    assert command.endswith('.log 2>&1')
