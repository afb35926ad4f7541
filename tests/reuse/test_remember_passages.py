"""FlagDuplicatesAcrossWindows, the streaming job's reuse detection: on
TestStream (reuse flagged across windows, late data, retention) and its
plain functions (flag_window, BandKeyIndex, still_remembered).

A module-level list collects what the step emits: the TestStream pipeline
runs in this process."""
import dataclasses

import apache_beam as beam
import pytest
from apache_beam.testing import test_stream
from apache_beam.transforms.window import TimestampedValue

from tests.reuse.test_flag_duplicates import doc   # Article + split_passages: real offsets
from tests.stream_helpers import (COPIED, D, FOLLOW_UP_TEXT, REPRINT, REPRINT_TEXT, T0, UNRELATED_TEXT, WIRE,
                                  WIRE_TEXT, duplicates, streaming_pipeline, window)
from transforms.common.records import DocPassages
from transforms.read.ingest_windows import IngestWindows, WindowPolicy
from transforms.reuse.dedup_settings import DedupSettings
from transforms.reuse.remember_passages import (BandKeyIndex, FlagDuplicatesAcrossWindows, WindowBatch, flag_window,
                                                still_remembered)

_BATCHES = []


def _collect(batch):
    _BATCHES.append(batch)


def run_flagging(stream, **kwargs):
    """WindowBatches FlagDuplicatesAcrossWindows emits for `stream`, in order."""
    _BATCHES.clear()
    with streaming_pipeline() as p:
        (p
         | 'Docs' >> stream
         | 'Windows' >> IngestWindows(WindowPolicy(minutes=1, allowed_lateness_minutes=60))
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
    batches = run_flagging(stream, settings=DedupSettings(retention_days=retention_seconds / 86400))
    found = docs_of(batches)
    assert found['weekly'][0].window_start == window(4)[0]
    assert duplicates(found['daily'][1]) == COPIED                 # within retention either way
    weekly = duplicates(found['weekly'][1])
    if far_copy_flagged:
        assert weekly == {WIRE[0]: 'wire-0000'}
        assert [c.doc_ids for c in found['weekly'][0].clusters] == [('weekly', 'wire')]
    else:
        assert weekly == {} and found['weekly'][0].clusters == ()   # the wire was forgotten


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
