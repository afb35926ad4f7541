"""The streaming job's steps on TestStream: FlagDuplicatesAcrossWindows
(reuse flagged across windows, late data, retention) and WriteWindowedTables
(one file per table and window pane, hive partitions of the ingest date),
plus the plain functions behind them and the dump watcher's poll decision.

TestStream pipelines run on LocalStreamingRunner (Beam's legacy bundle-based
runner with its overrides applied in a working order), in this process, so a
module-level list collects what a step emits.
"""
import dataclasses
import datetime
import re
import time
from pathlib import Path

import apache_beam as beam
import pyarrow.dataset as pads
import pyarrow.parquet as pq
import pytest
from apache_beam.options.pipeline_options import PipelineOptions
from apache_beam.testing import test_stream
from apache_beam.transforms.window import TimestampedValue

from pipeline.local_streaming import LocalStreamingRunner
from tests.reuse.test_flag_duplicates import doc   # Article + split_passages: real offsets
from transforms.reuse.flag_duplicates import DedupSettings
from transforms.read.ingest_windows import IngestWindows
from transforms.common.records import Cut, DocPassages, Reject
from transforms.reuse.remember_passages import (BandKeyIndex, FlagDuplicatesAcrossWindows, WindowBatch, flag_window,
                                         still_remembered)
from transforms.read.watch_dumps import WatchPolicy, WatchState, idle_too_long, poll_files
from transforms.write.write_windows import WriteWindowedTables, window_file_path

D = datetime.date
UTC = datetime.timezone.utc
MINUTE = 60.0
# Window k of the duplicate tests is [T0 + 60k, T0 + 60(k+1)).
T0 = datetime.datetime(2026, 11, 23, 10, 0, tzinfo=UTC).timestamp()

# A wire story: four long sentences in two paragraphs.
WIRE = [
    'The city council voted seven to two on Tuesday night to approve a new transit levy that will fund three '
    'additional bus routes across the eastern districts.',
    'Supporters of the measure said the routes would cut average commute times by nearly twenty minutes for '
    'residents who currently rely on two or more transfers.',
    'Opponents argued that the levy placed an unfair burden on small business owners who are still recovering '
    "from last winter's flooding along the river.",
    'The first of the new routes is expected to begin service next spring, pending approval of the final budget '
    'by the regional transportation authority.',
]
WIRE_TEXT = f'{WIRE[0]} {WIRE[1]}\n\n{WIRE[2]} {WIRE[3]}'
# A local paper's story: its own reporting with WIRE[1] verbatim and WIRE[2] lightly edited between.
EDITED = WIRE[2].replace('who are still', 'still')
REPRINT = [
    'Residents of the eastern districts packed the community hall on Wednesday evening to hear what the new '
    'bus service would mean for their neighbourhoods.',
    WIRE[1],
    'A bakery owner on Harbour Street told the gathering she was worried about rising rents and falling foot '
    'traffic since the old bridge closed in March.',
    EDITED,
]
REPRINT_TEXT = f'{REPRINT[0]} {REPRINT[1]}\n\n{REPRINT[2]} {REPRINT[3]}'
COPIED = {WIRE[1]: 'wire-0001', EDITED: 'wire-0002'}   # reprint passage text -> the wire passage it copies
# A second, later reprint that copies only the wire's lead (nothing REPRINT copied).
FOLLOW_UP_TEXT = (
    'Commuters waiting at the Harbour Street stop on Friday morning said they had heard little about the plan. '
    f'{WIRE[0]} '
    'Several of them said they would believe in the new buses only when they saw one pull up at the kerb.')
# Unrelated news, to show nothing is flagged without reuse.
UNRELATED_TEXT = (
    'The regional hospital opened a new maternity wing on Monday after nearly four years of delays caused by '
    'funding disputes and a shortage of qualified builders.\n\n'
    'Hospital administrators said the wing would allow the staff to handle roughly eight hundred more births '
    'each year without sending expectant mothers to neighbouring towns.')

_BATCHES = []


def _collect(batch):
    _BATCHES.append(batch)


def streaming_pipeline():
    return beam.Pipeline(runner=LocalStreamingRunner(), options=PipelineOptions(['--streaming']))


def window(k):
    return T0 + k * MINUTE, T0 + (k + 1) * MINUTE


def run_flagging(stream, **kwargs):
    """WindowBatches FlagDuplicatesAcrossWindows emits for `stream`, in order."""
    _BATCHES.clear()
    with streaming_pipeline() as p:
        (p
         | 'Docs' >> stream
         | 'Windows' >> IngestWindows(minutes=1, allowed_lateness_minutes=60)
         | 'Flag' >> FlagDuplicatesAcrossWindows(**kwargs)
         | 'Collect' >> beam.Map(_collect))
    batches = list(_BATCHES)
    assert all(isinstance(b, WindowBatch) for b in batches)
    return batches


def docs_of(batches):
    """doc_id -> (its batch, its FlaggedDoc); every doc comes out exactly once."""
    found = {}
    for batch in batches:
        for flagged in batch.docs:
            assert flagged.article.doc_id not in found, f'{flagged.article.doc_id} emitted twice'
            found[flagged.article.doc_id] = (batch, flagged)
    return found


def duplicates(flagged):
    """passage text -> canonical passage id, for the passages flagged as copies."""
    return {p.text: m.canonical_passage_id for p, m in flagged.passages if m is not None and m.is_duplicate}


def assert_in_window(batch, k, late=False):
    assert (batch.window_start, batch.window_end) == window(k)
    assert batch.late is late


# --------------------------------------------------------------------------
# FlagDuplicatesAcrossWindows on TestStream.
# --------------------------------------------------------------------------

def test_reprint_in_a_later_window_is_flagged_against_the_source():
    wire = doc('wire', WIRE_TEXT, D(2026, 11, 20))
    other = doc('hospital', UNRELATED_TEXT, D(2026, 11, 20))
    reprint = doc('daily', REPRINT_TEXT, D(2026, 11, 21))
    stream = (test_stream.TestStream()
              .add_elements([TimestampedValue(wire, T0 + 10), TimestampedValue(other, T0 + 30)])
              .advance_watermark_to(T0 + 90)            # window 0 closes before the reprint is read
              .add_elements([TimestampedValue(reprint, T0 + 75)])
              .advance_watermark_to(T0 + 150)
              .advance_watermark_to_infinity())
    batches = run_flagging(stream)
    assert len(batches) == 2
    assert_in_window(batches[0], 0)
    assert_in_window(batches[1], 1, late=False)
    assert [d.article.doc_id for d in batches[0].docs] == ['hospital', 'wire']
    assert [d.article.doc_id for d in batches[1].docs] == ['daily']

    found = docs_of(batches)
    assert duplicates(found['wire'][1]) == {} and duplicates(found['hospital'][1]) == {}
    assert batches[0].clusters == ()
    daily = found['daily'][1]
    assert duplicates(daily) == COPIED
    for _, match in daily.passages:
        if match is not None:
            assert match.canonical_doc_id == 'wire'
    assert daily.unique_text == f'{REPRINT[0]}\n\n{REPRINT[2]}'
    assert sorted((c.canonical_passage_id, c.doc_ids, c.size) for c in batches[1].clusters) == [
        ('wire-0001', ('daily', 'wire'), 2), ('wire-0002', ('daily', 'wire'), 2)]


@pytest.mark.parametrize('reprint_window, canonical', [
    (1, 'wire'),     # seen first wins, though the reprint is dated earlier
    (0, 'daily'),    # same window: the batch rule, earliest published is canonical
])
def test_first_seen_is_canonical_across_windows_earliest_published_within_one(reprint_window, canonical):
    wire = doc('wire', WIRE_TEXT, D(2026, 11, 21))
    reprint = doc('daily', REPRINT_TEXT, D(2026, 11, 19))    # published two days before the wire
    stream = (test_stream.TestStream()
              .add_elements([TimestampedValue(wire, T0 + 5)])
              .advance_watermark_to(T0 + 30)
              .add_elements([TimestampedValue(reprint, window(reprint_window)[0] + 40)])
              .advance_watermark_to(T0 + 180)
              .advance_watermark_to_infinity())
    batches = run_flagging(stream)
    found = docs_of(batches)
    assert found['wire'][0].window_start == T0
    assert found['daily'][0].window_start == window(reprint_window)[0]
    assert len(batches) == (1 if reprint_window == 0 else 2)
    assert not any(b.late for b in batches)
    copy, source = ('daily', 'wire') if canonical == 'wire' else ('wire', 'daily')
    assert duplicates(found[source][1]) == {}
    flagged = found[copy][1]
    assert {m.canonical_doc_id for _, m in flagged.passages if m is not None and m.is_duplicate} == {canonical}
    assert len(duplicates(flagged)) == 2
    assert {c.canonical_doc_id for c in found['daily'][0].clusters} == {canonical}


def test_late_article_comes_out_in_its_own_window_marked_late_and_flagged():
    wire = doc('wire', WIRE_TEXT, D(2026, 11, 20))
    other = doc('hospital', UNRELATED_TEXT, D(2026, 11, 21))
    reprint = doc('daily', REPRINT_TEXT, D(2026, 11, 21))
    stream = (test_stream.TestStream()
              .add_elements([TimestampedValue(wire, T0 + 10)])
              .advance_watermark_to(T0 + 90)               # window 0 flushed
              .add_elements([TimestampedValue(other, T0 + 100)])   # on time in window 1
              .add_elements([TimestampedValue(reprint, T0 + 40)])  # late: window 0, 50 s behind the watermark
              .advance_watermark_to(T0 + 240)
              .advance_watermark_to_infinity())
    batches = run_flagging(stream)
    found = docs_of(batches)
    assert set(found) == {'wire', 'hospital', 'daily'}
    on_time, late = found['wire'][0], found['daily'][0]
    assert_in_window(on_time, 0, late=False)
    assert_in_window(late, 0, late=True)
    assert_in_window(found['hospital'][0], 1, late=False)
    assert batches.index(late) > batches.index(on_time)          # a second batch of window 0, after its flush
    assert [d.article.doc_id for d in late.docs] == ['daily']
    assert duplicates(found['daily'][1]) == COPIED
    assert {c.canonical_doc_id for c in late.clusters} == {'wire'}
    assert duplicates(found['hospital'][1]) == {}


@pytest.mark.parametrize('retention_seconds, far_copy_flagged', [(120, False), (3600, True)])
def test_passages_are_forgotten_after_retention(retention_seconds, far_copy_flagged):
    wire = doc('wire', WIRE_TEXT, D(2026, 11, 20))
    near = doc('daily', REPRINT_TEXT, D(2026, 11, 21))             # window 1: a minute after the wire
    far = doc('weekly', FOLLOW_UP_TEXT, D(2026, 11, 22))           # window 4: four minutes after
    stream = (test_stream.TestStream()
              .add_elements([TimestampedValue(wire, T0 + 10)])
              .advance_watermark_to(T0 + 60)
              .add_elements([TimestampedValue(near, T0 + 70)])
              .advance_watermark_to(T0 + 120)
              .advance_watermark_to(T0 + 200)
              .add_elements([TimestampedValue(far, T0 + 250)])
              .advance_watermark_to(T0 + 300)
              .advance_watermark_to_infinity())
    batches = run_flagging(stream, retention_seconds=retention_seconds)
    found = docs_of(batches)
    assert found['weekly'][0].window_start == window(4)[0]
    assert duplicates(found['daily'][1]) == COPIED                 # within retention either way
    weekly = duplicates(found['weekly'][1])
    if far_copy_flagged:
        assert weekly == {WIRE[0]: 'wire-0000'}
        assert [c.doc_ids for c in found['weekly'][0].clusters] == [('weekly', 'wire')]
    else:
        assert weekly == {} and found['weekly'][0].clusters == ()   # the wire was forgotten


# --------------------------------------------------------------------------
# WriteWindowedTables on TestStream.
# --------------------------------------------------------------------------

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
        rejects = p | 'Rejects' >> stream | 'RejectWindows' >> IngestWindows(minutes=1, allowed_lateness_minutes=60)
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


# --------------------------------------------------------------------------
# Plain functions.
# --------------------------------------------------------------------------

def test_flag_window_flags_a_copy_against_an_entry_remembered_from_an_earlier_call():
    settings = DedupSettings()
    wire = doc('wire', WIRE_TEXT, D(2026, 11, 21))
    flagged, clusters, remembered = flag_window([wire], [], settings, first_seen=1000)
    assert duplicates(flagged[0]) == {} and clusters == []
    [entry] = remembered
    assert entry.doc_id == 'wire' and entry.from_index and entry.first_seen == 1000
    assert entry.passage_ids == ('wire-0000', 'wire-0001', 'wire-0002', 'wire-0003')

    # The reprint is dated earlier, but the remembered wire was seen first.
    reprint = doc('daily', REPRINT_TEXT, D(2026, 11, 19))
    flagged, clusters, remembered = flag_window([reprint], [entry], settings, first_seen=1060)
    assert duplicates(flagged[0]) == COPIED
    assert {m.canonical_doc_id for _, m in flagged[0].passages if m is not None} == {'wire'}
    assert sorted((c.canonical_doc_id, c.doc_ids) for c in clusters) == [('wire', ('daily', 'wire'))] * 2
    # Only the reprint's own sentences are remembered from now on.
    [entry] = remembered
    assert entry.doc_id == 'daily' and entry.first_seen == 1060
    assert entry.passage_ids == ('daily-0000', 'daily-0002')

    # Without the remembered entry, the earlier-dated reprint would be canonical.
    alone, _, _ = flag_window([reprint], [], settings, first_seen=1060)
    assert duplicates(alone[0]) == {}


def test_band_key_index_finds_exactly_the_entries_sharing_a_band_key_and_forgets():
    """On the wire-reuse corpus: the sorted index gives the same entries as a
    brute-force pass, after incremental adds and after forgetting some."""
    import numpy as np
    from bench.wire_corpus import build_wire_corpus
    from tests.conftest import DEV, dev_truth
    from transforms.text.split_passages import split_passages
    bodies = [dev_truth(p.stem)['main_content'] for p in sorted((DEV / 'ground-truth').glob('*.json'))[:120]]
    corpus = build_wire_corpus([b for b in bodies if b], 300, seed=3)
    docs = [DocPassages(a, split_passages(a.doc_id, a.text)) for a in corpus.articles]
    index, remembered = BandKeyIndex(), []
    for start in range(0, 250, 50):           # five windows, remembered as a stream would
        _, _, entries = flag_window(docs[start:start + 50], index, DedupSettings(), first_seen=start)
        index.add(entries)
        remembered.extend(entries)
    _, _, window = flag_window(docs[250:], [], DedupSettings(), first_seen=250)

    def brute(entries):
        keys = set(np.concatenate([w.band_keys.ravel() for w in window if len(w.band_keys)]).tolist())
        return [e.doc_id for e in entries if len(e.band_keys) and keys & set(e.band_keys.ravel().tolist())]

    assert [e.doc_id for e in index.sharing(window)] == brute(remembered)
    assert 0 < len(brute(remembered)) < len(remembered)
    kept = [e for e in remembered if e.first_seen >= 100]
    index = index.keep_only({(e.doc_id, e.first_seen) for e in kept})
    assert index.identity() == [(e.doc_id, e.first_seen) for e in kept]
    assert [e.doc_id for e in index.sharing(window)] == brute(kept)
    # flag_window gives the same rows with the index as with the plain list
    with_index, _, _ = flag_window(docs[250:], index, DedupSettings(), first_seen=250)
    with_list, _, _ = flag_window(docs[250:], kept, DedupSettings(), first_seen=250)
    assert with_index == with_list and any(duplicates(d) for d in with_index)


def test_still_remembered_prunes_by_first_seen_plus_retention():
    _, _, [entry] = flag_window([doc('wire', WIRE_TEXT, D(2026, 11, 21))], [], DedupSettings(), first_seen=100)
    old, new = entry, dataclasses.replace(entry, doc_id='newer', first_seen=200)
    seeded = dataclasses.replace(entry, doc_id='seeded', first_seen=None)
    entries = [old, new, seeded]
    ids = lambda kept: [e.doc_id for e in kept]  # noqa: E731
    assert ids(still_remembered(entries, now=159, retention_seconds=60)) == ['wire', 'newer', 'seeded']
    assert ids(still_remembered(entries, now=160, retention_seconds=60)) == ['newer', 'seeded']
    assert ids(still_remembered(entries, now=260, retention_seconds=60)) == ['seeded']
    assert ids(still_remembered(entries, now=260, retention_seconds=1000)) == ['wire', 'newer', 'seeded']


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


def test_poll_files_emits_a_file_once_it_stops_growing_and_never_again():
    state = WatchState()
    assert poll_files(state, {'/in/a.txt': (100, 1.0)}, now=0) == []            # first sight
    assert poll_files(state, {'/in/a.txt': (250, 2.0)}, now=5) == []            # still growing
    assert poll_files(state, {'/in/a.txt': (250, 3.0)}, now=10) == []           # touched, same size
    assert poll_files(state, {'/in/a.txt': (250, 3.0)}, now=15) == ['/in/a.txt']   # unchanged twice
    assert poll_files(state, {'/in/a.txt': (250, 3.0)}, now=20) == []
    assert poll_files(state, {'/in/a.txt': (900, 9.0)}, now=25) == []           # rewritten: still not again
    assert poll_files(state, {'/in/a.txt': (900, 9.0)}, now=30) == []
    assert state.emitted == {'/in/a.txt'} and state.polls == 7


def test_poll_files_returns_ready_paths_sorted_and_a_vanished_file_starts_over():
    state = WatchState()
    listing = {'/in/c.txt': (3, 1.0), '/in/a.txt': (1, 1.0), '/in/b.txt': (2, 1.0)}
    assert poll_files(state, listing, now=0) == []
    assert poll_files(state, dict(reversed(list(listing.items()))), now=5) == ['/in/a.txt', '/in/b.txt', '/in/c.txt']
    assert poll_files(state, {'/in/d.txt': (4, 1.0)}, now=10) == []
    assert poll_files(state, {}, now=15) == []                                  # gone from one listing
    assert poll_files(state, {'/in/d.txt': (4, 1.0)}, now=20) == []            # seen anew
    assert poll_files(state, {'/in/d.txt': (4, 1.0)}, now=25) == ['/in/d.txt']


def test_idle_too_long_respects_max_idle_and_waits_for_pending_files():
    policy = WatchPolicy(poll_seconds=5, max_idle=60)
    state = WatchState()
    assert not idle_too_long(state, now=1000, policy=policy)                    # never polled
    poll_files(state, {}, now=0)
    assert not idle_too_long(state, now=59, policy=policy)
    assert idle_too_long(state, now=60, policy=policy)
    assert not idle_too_long(state, now=10_000, policy=WatchPolicy(max_idle=None))

    poll_files(state, {'/in/big.warc.gz': (10, 1.0)}, now=100)                 # a dump being copied in
    poll_files(state, {'/in/big.warc.gz': (20, 2.0)}, now=105)
    assert state.pending
    assert not idle_too_long(state, now=1_000, policy=policy)                  # pending: never idle
    assert poll_files(state, {'/in/big.warc.gz': (20, 2.0)}, now=110) == ['/in/big.warc.gz']
    assert not idle_too_long(state, now=169, policy=policy)                    # found at 110
    assert idle_too_long(state, now=170, policy=policy)


def test_partition_folders_are_dates_only():
    from transforms.write.write_windows import partition_folder
    assert partition_folder('/out', 'articles', '2026-11-23') == '/out/articles/ingest_date=2026-11-23'
    for day in ('../../x', '2026-11-23/../../etc', '2026-1-2', '', '2026-11-23\n'):
        with pytest.raises(ValueError):
            partition_folder('/out', 'articles', day)
    with pytest.raises(ValueError):
        partition_folder('/out', '../articles', '2026-11-23')
