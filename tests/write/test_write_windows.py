"""WriteWindowedTables, the streaming job's Parquet files: one per table and
window pane, in hive partitions of the ingest date, on TestStream; and the
paths it names."""
import dataclasses
import datetime
import re
import time
from pathlib import Path

import apache_beam as beam
import pyarrow.dataset as pads
import pyarrow.parquet as pq
import pytest
from apache_beam.testing import test_stream
from apache_beam.transforms.window import TimestampedValue

from tests.reuse.test_flag_duplicates import doc   # Article + split_passages: real offsets
from tests.stream_helpers import COPIED, D, MINUTE, REPRINT_TEXT, UTC, WIRE_TEXT, streaming_pipeline
from transforms.common.records import Cut, DocPassages, Reject
from transforms.read.ingest_windows import IngestWindows, WindowPolicy
from transforms.reuse.dedup_settings import DedupSettings
from transforms.reuse.remember_passages import WindowBatch, flag_window
from transforms.write.write_windows import WriteWindowedTables, partition_folder, window_file_path

# Two one-minute windows either side of midnight UTC.
W1 = datetime.datetime(2026, 11, 22, 23, 59, tzinfo=UTC).timestamp()
W2 = W1 + MINUTE
PART = re.compile(r'part-(\d{8}T\d{6})-(late-)?[0-9a-f]+\.parquet')


def reject(name, size):
    return Reject(f'/dumps/{name}', 'decode', 'empty_input', f'{name} decoded to no text', size, b'\x00' * size)


def window_batches():
    """The duplicate step's output for two windows: the wire in W1, the reprint in W2."""
    wire = doc('wire', WIRE_TEXT, D(2026, 11, 20))
    wire = DocPassages(dataclasses.replace(wire.article, cuts=(Cut(0, 'Subscribe to our newsletter', 'newsletter'),)),
                       wire.passages)
    reprint = doc('daily', REPRINT_TEXT, D(2026, 11, 21))
    settings = DedupSettings()
    first, first_clusters, remembered = flag_window([wire], [], settings, int(W2))
    second, second_clusters, _ = flag_window([reprint], remembered, settings, int(W2 + MINUTE))
    return [WindowBatch(W1, W2, tuple(first), tuple(first_clusters)),
            WindowBatch(W2, W2 + MINUTE, tuple(second), tuple(second_clusters))]


def run_writes(output):
    stream = (test_stream.TestStream()
              # one bundle spanning both windows
              .add_elements([TimestampedValue(reject('a1', 11), W1 + 5), TimestampedValue(reject('b1', 21), W2 + 5),
                             TimestampedValue(reject('a2', 12), W1 + 50)])
              .advance_watermark_to(W2 + 10)                         # W1 fires
              .add_elements([TimestampedValue(reject('b2', 22), W2 + 30)])
              .add_elements([TimestampedValue(reject('late', 13), W1 + 30)])   # late, in W1
              .advance_watermark_to_infinity())
    with streaming_pipeline() as p:
        rejects = p | 'Rejects' >> stream | 'RejectWindows' >> IngestWindows(WindowPolicy(minutes=1, allowed_lateness_minutes=60))
        batches = p | 'Batches' >> beam.Create(window_batches())
        {'batches': batches, 'rejects': rejects} | 'Write' >> WriteWindowedTables(str(output))


def written_files(output):
    return sorted(p.relative_to(output) for p in output.rglob('*') if p.is_file())


def test_windowed_writes_one_file_per_window_pane_in_ingest_date_partitions(tmp_path):
    output = tmp_path / 'out'
    run_writes(output)
    files = [f for f in written_files(output) if f.parts[0] != '_temporary']
    assert files
    by_table = {}
    for f in files:
        table, partition, name = f.parts
        start = datetime.datetime.strptime(PART.fullmatch(name).group(1), '%Y%m%dT%H%M%S').replace(tzinfo=UTC)
        assert start.timestamp() in (W1, W2)
        assert partition == f'ingest_date={start:%Y-%m-%d}'
        rows = pq.read_table(output / f).to_pylist()
        by_table.setdefault(table, []).append((start.timestamp(), rows))
        # Only the late pane's file says late, so it never replaces the on-time one.
        assert bool(PART.fullmatch(name).group(2)) == any(r.get('source_uri') == '/dumps/late' for r in rows)
    assert sorted(by_table) == ['articles', 'boilerplate', 'clusters', 'passages', 'rejects']

    # Rejects: each row in the file of the window its timestamp falls in; the late one in its own file.
    reject_files = sorted((start, sorted(r['source_uri'] for r in rows)) for start, rows in by_table['rejects'])
    assert reject_files == [
        (W1, ['/dumps/a1', '/dumps/a2']),
        (W1, ['/dumps/late']),
        (W2, ['/dumps/b1', '/dumps/b2']),
    ]
    assert {(r['source_uri'], r['size_bytes'], len(r['raw'])) for _, rows in by_table['rejects'] for r in rows} == {
        ('/dumps/a1', 11, 11), ('/dumps/a2', 12, 12), ('/dumps/late', 13, 13), ('/dumps/b1', 21, 21),
        ('/dumps/b2', 22, 22)}
    # The duplicate step's batches: each table's rows in their batch's window.
    assert sorted((s, [r['doc_id'] for r in rows]) for s, rows in by_table['articles']) == [
        (W1, ['wire']), (W2, ['daily'])]
    assert sorted((s, [r['doc_id'] for r in rows]) for s, rows in by_table['boilerplate']) == [(W1, ['wire'])]
    assert [(s, len(rows)) for s, rows in by_table['clusters']] == [(W2, 2)]
    passages = {s: rows for s, rows in by_table['passages']}
    assert {r['doc_id'] for r in passages[W1]} == {'wire'} and not any(r['is_duplicate'] for r in passages[W1])
    assert {r['text']: r['canonical_passage_id'] for r in passages[W2] if r['is_duplicate']} == COPIED

    # The hive layout reads back as one table with the partition column.
    table = pads.dataset(output / 'rejects', format='parquet', partitioning='hive').to_table()
    assert sorted((r['source_uri'], str(r['ingest_date'])) for r in table.to_pylist()) == [
        ('/dumps/a1', '2026-11-22'), ('/dumps/a2', '2026-11-22'), ('/dumps/b1', '2026-11-23'),
        ('/dumps/b2', '2026-11-23'), ('/dumps/late', '2026-11-22')]
    articles = pads.dataset(output / 'articles', format='parquet', partitioning='hive').to_table()
    assert sorted(zip(articles['doc_id'].to_pylist(), map(str, articles['ingest_date'].to_pylist()))) == [
        ('daily', '2026-11-23'), ('wire', '2026-11-22')]

    # Nothing half-written is left behind.
    staging = output / '_temporary'
    assert [p for p in staging.rglob('*') if p.is_file()] == []
    assert {p.relative_to(staging) for p in staging.rglob('*')} <= {Path('stream')}

    # A rerun of the same windows replaces its files instead of adding copies.
    run_writes(output)
    assert [f for f in written_files(output) if f.parts[0] != '_temporary'] == files


def test_window_file_path_partitions_by_utc_date_and_names_by_rows(monkeypatch):
    monkeypatch.setenv('TZ', 'Asia/Tokyo')   # the local date is already the 23rd: must not matter
    time.tzset()
    try:
        rows = [{'source_uri': '/dumps/a', 'size_bytes': 3, 'raw': b'abc'}]
        path = window_file_path('/out', 'rejects', W1, rows)
        folder, name = path.rsplit('/', 1)
        assert folder == '/out/rejects/ingest_date=2026-11-22'
        assert PART.fullmatch(name) and name.startswith('part-20261122T235900-')
        assert window_file_path('/out', 'rejects', W1, [dict(r) for r in rows]) == path
        assert window_file_path('/out', 'rejects', W1, [{**rows[0], 'size_bytes': 4}]) != path
        assert window_file_path('/out', 'rejects', W1, rows + rows) != path
        other = window_file_path('/out', 'rejects', W2, rows)
        assert other.startswith('/out/rejects/ingest_date=2026-11-23/part-20261123T000000-')
    finally:
        monkeypatch.undo()
        time.tzset()


def test_partition_folders_are_dates_only():
    assert partition_folder('/out', 'articles', '2026-11-23') == '/out/articles/ingest_date=2026-11-23'
    for day in ('../../x', '2026-11-23/../../etc', '2026-1-2', '', '2026-11-23\n'):
        with pytest.raises(ValueError):
            partition_folder('/out', 'articles', day)
    with pytest.raises(ValueError):
        partition_folder('/out', '../articles', '2026-11-23')
