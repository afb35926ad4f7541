"""WriteWindowedTables: the streaming job's Parquet files, one per table and
window (and per late arrival), under hive partitions of the ingest date:

    OUTPUT/articles/ingest_date=2026-11-23/part-20261123T101500-<digest>.parquet
    OUTPUT/articles/ingest_date=2026-11-23/part-20261123T101500-late-<digest>.parquet   (late arrivals)

The same `pyarrow.dataset.dataset(OUTPUT/<table>, format="parquet",
partitioning="hive")` call reads them as reads a batch run's tables (plus an
`ingest_date` column). A window is the window its rows were grouped in, not
the one a bundle happened to span (Beam's streaming WriteToParquet gets that
wrong). Each file is written under OUTPUT/_temporary/ and renamed into its
partition when complete, so a reader never sees half a file; its name is a
digest of its rows, so a retried write replaces itself instead of adding a
copy.

`window_file_path` and `write_parquet_file` are plain functions; the Beam
steps group rejects per window (the articles come grouped from the
duplicate step) and write.
"""
from __future__ import annotations

import datetime
import hashlib
import re
import uuid
from dataclasses import dataclass
from typing import Optional, Sequence

import apache_beam as beam
import pyarrow as pa
import pyarrow.parquet as pq
from apache_beam.io.filesystems import FileSystems
from apache_beam.utils.windowed_value import PaneInfoTiming

import schemas
from transforms.common import metrics
from transforms.read.read_dumps import InputFile
from transforms.reuse.remember_passages import WindowBatch
from transforms.write.publish import STAGING_DIR, join_path
from transforms.write.rows import article_row, boilerplate_rows, cluster_row, passage_rows, reject_row

PARTITION = 'ingest_date'
_PARTITION_VALUE = re.compile(r'\d{4}-\d{2}-\d{2}\Z')


def partition_folder(output: str, table: str, day: str) -> str:
    """OUTPUT/<table>/ingest_date=<day>: the one place a partition path is
    built. The value is checked to be a date, so nothing else (a `../x` from
    anywhere) can ever turn into a folder outside OUTPUT."""
    if not _PARTITION_VALUE.match(day) or table not in STREAM_TABLES + (schemas.INPUTS_TABLE,):
        raise ValueError(f'refusing partition {table}/{PARTITION}={day!r}: not a table and a YYYY-MM-DD date')
    return join_path(output, table, f'{PARTITION}={day}')
STREAM_TABLES = ('articles', 'passages', 'clusters', 'boilerplate', 'rejects')


@dataclass(frozen=True)
class WindowRows:
    """Rows of one table for one window: one Parquet file."""
    table: str
    window_start: float
    rows: tuple
    late: bool = False


def window_file_path(output: str, table: str, window_start: float, rows: Sequence[dict], late: bool = False) -> str:
    """A late pane's file says so in its name, so it never replaces the
    window's on-time file, even with the same rows."""
    start = datetime.datetime.fromtimestamp(window_start, datetime.timezone.utc)
    digest = hashlib.blake2b(repr([sorted(r.items()) for r in rows]).encode('utf-8'), digest_size=6).hexdigest()
    name = f'part-{start:%Y%m%dT%H%M%S}-{"late-" if late else ""}{digest}.parquet'
    return join_path(partition_folder(output, table, f'{start:%Y-%m-%d}'), name)


def write_parquet_file(path: str, schema: pa.Schema, rows: Sequence[dict], scratch: str) -> None:
    """Write rows to `path` atomically: a temporary file in `scratch`, then a
    rename; the partition folder is created first (Beam's own file moves
    fail silently into a missing folder)."""
    table = pa.Table.from_pylist(list(rows), schema=schema)
    temporary = join_path(scratch, f'{uuid.uuid4().hex}.parquet')
    with FileSystems.create(temporary) as f:
        pq.write_table(table, f, compression='zstd')
    folder = path.rsplit('/', 1)[0]
    if not FileSystems.exists(folder):
        FileSystems.mkdirs(folder)
    if FileSystems.exists(path):
        FileSystems.delete([path])
    FileSystems.rename([temporary], [path])


def read_window_files(output: str, table: str, columns: Sequence[str], since: Optional[float] = None):
    """The given columns of each window file of `table` under OUTPUT (only
    files written since `since`, epoch seconds, when given), one pyarrow
    Table per file; nothing when the table has no files yet."""
    try:
        matched = FileSystems.match([join_path(output, table, '*', '*.parquet')])[0].metadata_list
    except Exception:   # no such folder yet
        return
    for metadata in matched:
        if since is None or (metadata.last_updated_in_seconds or 0) >= since - 1:
            with FileSystems.open(metadata.path) as f:
                yield pq.read_table(f, columns=list(columns))


def ledger_paths(output: str) -> frozenset:
    """Paths a streaming job writing to `output` has already ingested, from
    its ledger (OUTPUT/_inputs): a restarted stream skips them."""
    return frozenset(path for table in read_window_files(output, schemas.INPUTS_TABLE, ['path'])
                     for path in table.column('path').to_pylist())


def batch_rows(batch: WindowBatch):
    """WindowRows of the four article tables for a window's batch."""
    docs = batch.docs
    tables = {
        'articles': [article_row(d) for d in docs],
        'passages': [row for d in docs for row in passage_rows(d)],
        'boilerplate': [row for d in docs for row in boilerplate_rows(d.article)],
        'clusters': [cluster_row(c) for c in batch.clusters],
    }
    for table, rows in tables.items():
        if rows:
            yield WindowRows(table, batch.window_start, tuple(rows), batch.late)


class _WriteWindowRowsFn(beam.DoFn):
    def __init__(self, output: str):
        self._output = output

    def setup(self):
        self._files = metrics.counter('stream_files_written')
        self._scratch = join_path(self._output, STAGING_DIR, 'stream')
        if not FileSystems.exists(self._scratch):
            FileSystems.mkdirs(self._scratch)

    def process(self, rows: WindowRows):
        path = window_file_path(self._output, rows.table, rows.window_start, rows.rows, rows.late)
        schema = schemas.INPUTS if rows.table == schemas.INPUTS_TABLE else schemas.TABLES[rows.table]
        write_parquet_file(path, schema, rows.rows, self._scratch)
        self._files.inc()
        yield path


def input_row(item: InputFile) -> dict:
    return {'path': item.path, 'records': item.records}


class RowsPerWindow(beam.PTransform):
    """Windowed records -> WindowRows of `table`, one per window pane (a late
    record makes another file in its window's partition), in the global
    window: each WindowRows carries its window itself."""

    def __init__(self, table: str, to_row):
        super().__init__()
        self._table = table
        self._to_row = to_row

    def expand(self, records):
        table, to_row = self._table, self._to_row

        def to_rows(item, window=beam.DoFn.WindowParam, pane=beam.DoFn.PaneInfoParam):
            _, grouped = item
            rows = sorted((to_row(r) for r in grouped), key=lambda r: repr(sorted(r.items())))
            yield WindowRows(table, float(window.start), tuple(rows), pane.timing == PaneInfoTiming.LATE)

        return (
            records
            | 'KeyTable' >> beam.Map(lambda r: (table, r))
            | 'GroupPerWindow' >> beam.GroupByKey()
            | 'TableRows' >> beam.FlatMap(to_rows)
            | 'Unwindowed' >> beam.WindowInto(beam.transforms.window.GlobalWindows()))


class WriteWindowedTables(beam.PTransform):
    """{'batches': WindowBatch, 'rejects': windowed Reject, 'inputs': windowed
    InputFile (optional)} -> written file paths."""

    def __init__(self, output: str):
        super().__init__()
        self._output = output

    def expand(self, pcolls):
        article_tables = pcolls['batches'] | 'TableRows' >> beam.FlatMap(batch_rows)
        tables = [article_tables, pcolls['rejects'] | 'RejectsPerWindow' >> RowsPerWindow('rejects', reject_row)]
        if 'inputs' in pcolls:
            tables.append(pcolls['inputs'] | 'InputsPerWindow' >> RowsPerWindow(schemas.INPUTS_TABLE, input_row))
        return (
            tables
            | 'AllTables' >> beam.Flatten()
            | 'WriteFiles' >> beam.ParDo(_WriteWindowRowsFn(self._output)))
