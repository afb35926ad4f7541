"""The same input, bad files included, gives the same rows, in every table,
on the default runner, on two worker processes and on the portable (Fn API) path that
Flink, Spark and Dataflow use, run locally with a loopback environment."""
from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from pathlib import Path

import pyarrow.dataset as ds
import pytest

from tests.conftest import DEV, REPO, SEED_000, SEED_003, assert_accounted, dev_html, dev_truth

RUNNERS = {
    'default': [],
    'two-processes': ['--direct_running_mode=multi_processing', '--direct_num_workers=2'],
    'portable': ['--runner=PortableRunner', '--job_endpoint=embed', '--environment_type=LOOPBACK'],
}
TABLES = ('articles', 'passages', 'clusters', 'boilerplate', 'rejects')


def build_inputs(root: Path) -> None:
    """Seeds, real dev pages, a JSON Lines file with a reprint and a broken
    line: every table gets rows, duplicates and rejects included."""
    root.mkdir(parents=True)
    (root / SEED_000.name).write_bytes(SEED_000.read_bytes())
    (root / SEED_003.name).write_bytes(SEED_003.read_bytes())
    pages = sorted(p.stem for p in (DEV / 'ground-truth').glob('*.json'))[:12]
    for page_id in pages:
        (root / f'page-{page_id}.html').write_bytes(dev_html(page_id))
    quoted = [p for p in dev_truth(pages[0])['main_content'].split('\n') if len(p.split()) >= 25][0]
    lines = [
        json.dumps({'url': 'https://daily.example/reprint', 'date': '2026-11-20',
                    'text': f'The council met on Tuesday evening to hear residents.\n\n{quoted}\n\n'
                            f'The next meeting is in January, officials said.'}),
        '{"text": "a broken line',
    ]
    (root / 'feed.jsonl').write_text('\n'.join(lines) + '\n', encoding='utf-8')
    # Bad input takes the same paths on every runner: one reject per stage.
    (root / 'truncated.txt.gz').write_bytes(gzip.compress(SEED_003.read_bytes())[:300])
    (root / 'junk.dat').write_bytes(bytes(range(256)) * 16)
    (root / 'deep.html').write_bytes(b'<html><body>' + b'<div>' * 300 + b'<p>deep</p>' + b'</div>' * 300 + b'</body></html>')
    (root / 'menu.txt').write_text('Home\nNews\nSport\nWeather\nSubscribe\nSign in\n', encoding='utf-8')


def run_job(inputs: Path, output: Path, runner_args) -> None:
    result = subprocess.run(
        [sys.executable, '-m', 'pipeline.run', '--input', str(inputs / '*'), '--output', str(output), '--quiet']
        + runner_args,
        cwd=REPO, env=dict(os.environ, PYTHONPATH=str(REPO)), capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    assert 'accounting         ok' in result.stdout, result.stdout
    assert_accounted(output)


def table_rows(output: Path, table: str):
    rows = ds.dataset(output / table, format='parquet', partitioning='hive').to_table().to_pylist()
    return sorted(rows, key=repr)


@pytest.fixture(scope='module')
def outputs(tmp_path_factory):
    root = tmp_path_factory.mktemp('runners')
    build_inputs(root / 'in')
    found = {}
    for name, args in RUNNERS.items():
        run_job(root / 'in', root / name, args)
        found[name] = root / name
    return found


def test_every_table_has_rows_to_compare(outputs):
    default = outputs['default']
    counts = {table: len(table_rows(default, table)) for table in TABLES}
    assert counts['articles'] == 15 and counts['rejects'] == 5, counts
    stages = sorted(row['stage'] for row in table_rows(default, 'rejects'))
    assert stages == ['decode', 'extract', 'extract', 'parse', 'read'], stages
    assert counts['clusters'] >= 2 and counts['boilerplate'] > 0, counts
    assert any(row['is_duplicate'] for row in table_rows(default, 'passages'))


@pytest.mark.parametrize('runner', ['two-processes', 'portable'])
def test_runner_gives_identical_rows_in_every_table(outputs, runner):
    for table in TABLES:
        assert table_rows(outputs[runner], table) == table_rows(outputs['default'], table), table
