"""Atomic output (issue 7): a run that fails halfway leaves no table that
looks complete, and re-running after a failure gives the same result as a
clean run. Real runs on real inputs: the two seeds plus dev HTML pages.

- a batch run SIGKILLed while its pipeline runs: no table, no `_SUCCESS` in a
  fresh output; an earlier complete output is left byte for byte; the re-run
  equals a clean run and removes the killed run's staging folder;
- publishing that fails after the first table was moved: no `_SUCCESS`; the
  re-run equals a clean run;
- a step that raises for one article: `run` raises, the earlier output is left
  untouched, the failed run's staging is neither published nor left behind;
  on the command line the exit status is 1.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.dataset as ds
import pytest
from apache_beam.io.filesystems import FileSystems

import schemas
import transforms.text.split_passages
import transforms.write.publish
from pipeline.run import run
from tests.conftest import DEV, REPO, SEED_000, SEED_003, dev_html
from transforms.write.publish import BATCH_RUN_ID, STAGING_DIR, SUCCESS_MARKER

ENV = {**os.environ, 'PYTHONPATH': str(REPO)}
DEV_IDS = sorted(p.name.split('.')[0] for p in (DEV / 'html').glob('*.html.gz'))
SMALL_PAGES = DEV_IDS[:6]       # with the seeds: ~3 s in-process
KILL_PAGES = DEV_IDS[10:40]     # with the seeds: ~9 s on the command line, staging from ~3 s
SEED_000_BODY = 'North Korean leader Kim Jong Un met'  # how seed 000's article text starts


def make_corpus(root: Path, page_ids) -> Path:
    root.mkdir(parents=True)
    for seed in (SEED_000, SEED_003):
        (root / seed.name).write_bytes(seed.read_bytes())
    for page_id in page_ids:
        (root / f'page{page_id}.html').write_bytes(dev_html(page_id))
    return root


def all_rows(output: Path) -> dict:
    """Every table's rows, sorted, so two runs' outputs compare as equal."""
    assert set(schemas.TABLES) == {'articles', 'passages', 'clusters', 'boilerplate', 'rejects'}
    return {table: sorted(ds.dataset(str(output / table), format='parquet').to_table().to_pylist(), key=repr)
            for table in schemas.TABLES}


def snapshot(output: Path) -> dict:
    """Content and modification time of every file outside the staging folder:
    equal snapshots mean nothing was rewritten, not merely rewritten alike."""
    return {str(f.relative_to(output)): (hashlib.sha256(f.read_bytes()).hexdigest(), f.stat().st_mtime_ns)
            for f in sorted(output.rglob('*'))
            if f.is_file() and f.relative_to(output).parts[0] != STAGING_DIR}


def staged_runs(output: Path) -> list:
    folder = output / STAGING_DIR
    return sorted(d.name for d in folder.iterdir() if BATCH_RUN_ID.match(d.name)) if folder.is_dir() else []


def command(corpus: Path, output: Path) -> list:
    return [sys.executable, '-m', 'pipeline.run', '--input', str(corpus / '*'), '--output', str(output)]


def assert_complete(output: Path, expected_rows: dict) -> None:
    assert (output / SUCCESS_MARKER).exists()
    assert all_rows(output) == expected_rows
    assert not (output / STAGING_DIR).exists(), list((output / STAGING_DIR).rglob('*'))


@pytest.fixture(scope='module')
def corpora(tmp_path_factory):
    root = tmp_path_factory.mktemp('fault-corpora')
    return {'small': make_corpus(root / 'small', SMALL_PAGES), 'kill': make_corpus(root / 'kill', KILL_PAGES)}


def clean_run(corpus: Path, output: Path) -> dict:
    summary = run(['--input', str(corpus / '*'), '--output', str(output), '--quiet'])
    assert summary['accounting_ok'] and summary['articles_written'] >= len(list(corpus.iterdir())) - 2
    return all_rows(output)


@pytest.fixture(scope='module')
def clean_small(corpora, tmp_path_factory):
    output = tmp_path_factory.mktemp('clean-small')
    return output, clean_run(corpora['small'], output)


class BackgroundRun:
    """A clean command-line run into a fresh folder, started at once so it
    runs on the second core while a test kills and re-runs the same job."""

    def __init__(self, corpus: Path, output: Path):
        self.output = output
        self.proc = subprocess.Popen(command(corpus, output) + ['--quiet'], cwd=REPO, env=ENV,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self._rows = None

    def rows(self) -> dict:
        if self._rows is None:
            out, err = self.proc.communicate(timeout=180)
            assert self.proc.returncode == 0, err[-3000:]
            assert 'accounting         ok' in out
            self._rows = all_rows(self.output)
        return self._rows

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.communicate(timeout=30)


@pytest.fixture(scope='module')
def clean_kill(corpora, tmp_path_factory):
    background = BackgroundRun(corpora['kill'], tmp_path_factory.mktemp('clean-kill') / 'out')
    yield background
    background.stop()


def kill_while_running(corpus: Path, output: Path, log: Path) -> str:
    """Start the command-line job, wait until its staging folder is being
    written, SIGKILL its process group; returns the killed run's id."""
    with open(log, 'wb') as stderr:
        proc = subprocess.Popen(command(corpus, output), cwd=REPO, env=ENV, stdout=subprocess.DEVNULL,
                                stderr=stderr, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while not [d for d in staged_runs(output) if list((output / STAGING_DIR / d).glob('*/beam-temp-*'))]:
            assert proc.poll() is None, f'job ended (status {proc.returncode}) before it staged anything'
            assert time.monotonic() < deadline, 'no staging folder after 60 s'
            time.sleep(0.05)
        # The sinks are initialised (~3 s in); kill a second later, inside the
        # processing, long before the tables are finalised (~9 s in). The
        # assertions below fail if the kill came too late.
        time.sleep(1.0)
        assert proc.poll() is None, 'job finished before it could be killed: make the corpus bigger'
        os.killpg(proc.pid, signal.SIGKILL)
        assert proc.wait(timeout=30) == -signal.SIGKILL
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)
    [run_id] = staged_runs(output)
    return run_id


def rerun(corpus: Path, output: Path, killed_run_id: str) -> None:
    done = subprocess.run(command(corpus, output), cwd=REPO, env=ENV, capture_output=True, text=True,
                          timeout=180)
    assert done.returncode == 0, done.stderr[-3000:]
    assert 'accounting         ok' in done.stdout
    # The publish says it removed the killed run's staging.
    [line] = [line for line in done.stderr.splitlines() if 'staging folder(s) left' in line]
    assert killed_run_id in line and 'removed 1 ' in line


def test_killed_run_leaves_no_table_and_rerun_equals_a_clean_run(corpora, clean_kill, tmp_path):
    output = tmp_path / 'out'
    run_id = kill_while_running(corpora['kill'], output, tmp_path / 'killed.log')
    assert not (output / SUCCESS_MARKER).exists()
    assert [p.name for p in output.iterdir()] == [STAGING_DIR]  # no table, no _report: nothing published
    assert list((output / STAGING_DIR / run_id).rglob('*'))  # the killed run's leftovers
    # Staging of the streaming and daily jobs is not a batch leftover: kept.
    others = {'stream/articles/window-1.parquet': b'streaming', 'day-2026-11-22/articles/part.parquet': b'daily'}
    for relative, content in others.items():
        (output / STAGING_DIR / relative).parent.mkdir(parents=True)
        (output / STAGING_DIR / relative).write_bytes(content)

    rerun(corpora['kill'], output, run_id)
    assert (output / SUCCESS_MARKER).exists()
    assert all_rows(output) == clean_kill.rows()
    assert {str(f.relative_to(output / STAGING_DIR)): f.read_bytes()
            for f in (output / STAGING_DIR).rglob('*') if f.is_file()} == others
    assert json.loads((output / '_report' / 'summary.json').read_text())['records_read'] == 2 + len(KILL_PAGES)


def test_killed_run_leaves_an_earlier_output_untouched(corpora, clean_small, clean_kill, tmp_path):
    output = tmp_path / 'out'
    shutil.copytree(clean_small[0], output)  # a complete earlier run of another input
    before = snapshot(output)
    assert SUCCESS_MARKER in before and all(table in {k.split('/')[0] for k in before} for table in schemas.TABLES)

    run_id = kill_while_running(corpora['kill'], output, tmp_path / 'killed.log')
    assert snapshot(output) == before
    assert all_rows(output) == clean_small[1]

    rerun(corpora['kill'], output, run_id)
    assert_complete(output, clean_kill.rows())


class _RenameFailsOnSecondCall(FileSystems):
    calls = []

    @staticmethod
    def rename(sources, destinations):
        _RenameFailsOnSecondCall.calls.append(list(destinations))
        if len(_RenameFailsOnSecondCall.calls) == 2:
            raise OSError('injected: storage went away while publishing')
        return FileSystems.rename(sources, destinations)


def test_publish_failing_midway_leaves_no_success_marker(corpora, clean_small, tmp_path, monkeypatch):
    output = tmp_path / 'out'
    _RenameFailsOnSecondCall.calls = []
    monkeypatch.setattr(transforms.write.publish, 'FileSystems', _RenameFailsOnSecondCall)
    with pytest.raises(OSError, match='storage went away'):
        run(['--input', str(corpora['small'] / '*'), '--output', str(output), '--quiet'])
    monkeypatch.undo()
    first_table = list(schemas.TABLES)[0]
    assert len(_RenameFailsOnSecondCall.calls) == 2
    assert list((output / first_table).glob('*.parquet'))  # the first table was published ...
    assert not (output / SUCCESS_MARKER).exists()  # ... but the output does not claim to be complete
    assert not (output / STAGING_DIR).exists()  # the failed run removed its staging

    run(['--input', str(corpora['small'] / '*'), '--output', str(output), '--quiet'])
    assert_complete(output, clean_small[1])


FAILURES = []


def _split_passages_failing_on_seed_000(doc_id, text):
    if text.startswith(SEED_000_BODY):
        FAILURES.append(doc_id)
        raise ValueError('injected failure in split_passages')
    return _REAL_SPLIT_PASSAGES(doc_id, text)


_REAL_SPLIT_PASSAGES = transforms.text.split_passages.split_passages


@pytest.fixture
def seeds_only(tmp_path):
    return make_corpus(tmp_path / 'seeds', ())


def test_step_failing_for_one_article_publishes_nothing(seeds_only, clean_small, tmp_path, monkeypatch):
    output = tmp_path / 'out'
    shutil.copytree(clean_small[0], output)
    before = snapshot(output)
    FAILURES.clear()
    # SplitPassages calls the module's split_passages by name when each article comes through.
    monkeypatch.setattr(transforms.text.split_passages, 'split_passages', _split_passages_failing_on_seed_000)
    with pytest.raises(Exception, match='injected failure in split_passages'):
        run(['--input', str(seeds_only / '*'), '--output', str(output), '--quiet'])
    assert FAILURES  # it failed where intended, for the one article
    assert snapshot(output) == before
    assert all_rows(output) == clean_small[1]
    assert not (output / STAGING_DIR).exists()  # staging neither published nor left behind


def test_command_line_reports_a_failed_run_with_status_1(seeds_only, clean_small, tmp_path):
    output = tmp_path / 'out'
    shutil.copytree(clean_small[0], output)
    before = snapshot(output)
    script = '\n'.join([
        'import sys',
        'import transforms.text.split_passages as sp',
        'real = sp.split_passages',
        'def failing(doc_id, text):',
        f'    if text.startswith({SEED_000_BODY!r}):',
        "        raise ValueError('injected failure in split_passages')",
        '    return real(doc_id, text)',
        'sp.split_passages = failing',
        'from pipeline.run import main',
        'sys.exit(main(sys.argv[1:]))',
    ])
    done = subprocess.run([sys.executable, '-c', script, '--input', str(seeds_only / '*'), '--output', str(output)],
                          cwd=REPO, env=ENV, capture_output=True, text=True, timeout=180)
    assert done.returncode == 1, done.stderr[-3000:]
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith('error: run failed: ')
    assert 'ValueError: injected failure in split_passages' in last, last
    assert 'summary:' not in done.stdout
    assert snapshot(output) == before
    assert not (output / STAGING_DIR).exists()
