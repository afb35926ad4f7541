"""FlagDuplicatesAcrossWindows: reuse detection for the streaming job.

Each window's articles are flagged as a batch run would flag them, against
every canonical passage remembered from earlier windows, so a reprint that
arrives an hour after its source is flagged against it. What is remembered
is what the batch job's dedup index keeps (signatures of passages that were
not copies; no text), held in keyed state and forgotten `retention` after
the window that first saw it, by an event-time timer.

Where streaming differs from batch (docs/streaming.md):
- First seen is canonical. Within a window the batch rule holds (earliest
  published, undated last, then doc_id); a passage remembered from an
  earlier window ranks before every passage of a later window, because rows
  already written named it canonical.
- A copy of a passage forgotten after `retention` starts a new cluster.
- Cluster rows are written per window: a cluster that grows in a later
  window gets another row there, listing the members that window matched.

`flag_window` is the logic (a window's articles and the remembered passages
in, flagged articles out), with no Beam in it; it runs `detect_reuse`, the
batch detector's in-memory form, given only the remembered articles a
window's passages share a band key with (`BandKeyIndex`), so a window's cost
does not grow with what is remembered. The Beam step keeps all remembered
passages under one key: every new passage may copy any remembered one. That
holds a few hundred thousand passages (a week of a national news feed) in
one worker's memory; beyond that, shard the state by band key.
"""
from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass
from typing import Any, Iterable, List, Optional, Sequence, Tuple, Union

import apache_beam as beam
from apache_beam.coders import PickleCoder
from apache_beam.transforms import userstate
from apache_beam.utils.timestamp import Timestamp
from apache_beam.utils.windowed_value import PaneInfoTiming

import numpy as np

from transforms.common import metrics
from transforms.reuse.dedup_settings import DedupSettings
from transforms.reuse.detect_reuse import detect_reuse
from transforms.reuse.passage_matches import apply_matches, index_entries
from transforms.reuse.passage_signatures import DocSignature, PassageSignatures, sign_doc
from transforms.common.records import Cluster, DocPassages, FlaggedDoc

LOG = logging.getLogger(__name__)
STATE_KEY = 'passages'


@dataclass(frozen=True)
class WindowBatch:
    """A window's flagged articles and clusters: what the streaming writer
    turns into one file per table. `late` when its articles came after the
    window had closed: in a late pane of an upstream grouping, or after a
    window not earlier than theirs had been flushed. A lower bound: a late
    article of a window that had no on-time ones, arriving before any later
    window was flushed, cannot be told from an on-time one here."""
    window_start: float      # epoch seconds
    window_end: float
    docs: tuple              # FlaggedDoc, by doc_id
    clusters: tuple          # Cluster, by cluster_id
    late: bool = False


def flag_window(docs: Sequence[DocPassages], remembered: Union[Sequence[DocSignature], BandKeyIndex],
                settings: DedupSettings, first_seen: int) -> Tuple[List[FlaggedDoc], List[Cluster], List[DocSignature]]:
    """(flagged articles, clusters with a member in `docs`, passages to
    remember from now on). `remembered`: the entries remembered so far, or
    a BandKeyIndex of them. `first_seen` (epoch seconds) ranks the new
    passages after every remembered one in later windows."""
    docs = sorted(docs, key=lambda d: d.article.doc_id)
    signer = PassageSignatures(settings.params)
    signed = {doc.article.doc_id: sign_doc(signer, doc) for doc in docs}
    index = remembered if isinstance(remembered, BandKeyIndex) else BandKeyIndex(remembered)
    result = detect_reuse(docs, settings, index=index.sharing(signed.values()), signed=signed)
    flagged, entries = [], []
    for doc in docs:
        doc_id = doc.article.doc_id
        matches = result.matches.get(doc_id, [])
        unique_text, dup_ratio, rows = apply_matches(doc, matches)
        flagged.append(FlaggedDoc(doc.article, unique_text, dup_ratio, tuple(rows)))
        keep = index_entries(result.signatures[doc_id], matches)
        if len(keep):
            entries.append(dataclasses.replace(keep, from_index=True, first_seen=int(first_seen)))
    return flagged, list(result.clusters), entries


class BandKeyIndex:
    """The remembered entries' band keys, sorted, for finding which of them a
    window's passages can collide with in O(window x log memory) instead of a
    pass over everything remembered. Pairs between two remembered passages
    are never looked for again: they were settled when those were new."""

    def __init__(self, entries: Sequence[DocSignature] = ()):
        self.entries: List[DocSignature] = []
        self._alive: List[bool] = []
        self._dead = 0
        self._keys = np.zeros(0, np.uint64)
        self._owner = np.zeros(0, np.int64)
        self.add(entries)

    def identity(self) -> List[Tuple[str, Optional[int]]]:
        """(doc_id, first_seen) of the entries held, in order."""
        return [(e.doc_id, e.first_seen) for e, alive in zip(self.entries, self._alive) if alive]

    def keep_only(self, identities: set) -> 'BandKeyIndex':
        """Forget the entries whose (doc_id, first_seen) is not in
        `identities`; rebuilt once half of what it holds is forgotten."""
        for i, (entry, alive) in enumerate(zip(self.entries, self._alive)):
            if alive and (entry.doc_id, entry.first_seen) not in identities:
                self._alive[i] = False
                self._dead += 1
        if self._dead * 2 > len(self.entries):
            return BandKeyIndex([e for e, alive in zip(self.entries, self._alive) if alive])
        return self

    def add(self, entries: Sequence[DocSignature]) -> None:
        first = len(self.entries)
        self.entries.extend(entries)
        self._alive.extend([True] * len(entries))
        keyed = [(first + i, e.band_keys.ravel()) for i, e in enumerate(entries) if len(e.band_keys)]
        if not keyed:
            return
        keys = np.concatenate([k for _, k in keyed])
        owner = np.repeat(np.array([i for i, _ in keyed], np.int64), [k.size for _, k in keyed])
        order = np.argsort(keys, kind='stable')
        keys, owner = keys[order], owner[order]
        at = np.searchsorted(self._keys, keys, side='right')
        self._keys = np.insert(self._keys, at, keys)
        self._owner = np.insert(self._owner, at, owner)

    def sharing(self, signatures: Iterable[DocSignature]) -> List[DocSignature]:
        """The entries with a band key in common with `signatures`, in memory order."""
        keys = [s.band_keys.ravel() for s in signatures if len(s.band_keys)]
        if not keys or not len(self._keys):
            return []
        keys = np.unique(np.concatenate(keys))
        lo = np.searchsorted(self._keys, keys, side='left')
        hi = np.searchsorted(self._keys, keys, side='right')
        hits = hi > lo
        lo, hi = lo[hits], hi[hits]
        if not len(lo):
            return []
        # every position in [lo, hi) of each hit key
        sizes = hi - lo
        positions = np.repeat(lo - np.concatenate(([0], np.cumsum(sizes)[:-1])), sizes) + np.arange(sizes.sum())
        return [self.entries[i] for i in np.unique(self._owner[positions]).tolist() if self._alive[i]]


def still_remembered(entries: Iterable[DocSignature], now: float, retention_seconds: float) -> List[DocSignature]:
    """Entries first seen less than `retention_seconds` before `now`."""
    return [e for e in entries if e.first_seen is None or e.first_seen + retention_seconds > now]


def _expiry(entries: Sequence[DocSignature], retention_seconds: float) -> Optional[float]:
    seen = [e.first_seen for e in entries if e.first_seen is not None]
    return min(seen) + retention_seconds if seen else None


class _RememberPassagesFn(beam.DoFn):
    """Keyed by STATE_KEY in the global window. Elements: ('doc', window
    start, window end, DocPassages, late pane) or ('seed', DocSignature) from a batch
    dedup index. A window's articles wait in PENDING until the watermark
    passes its end (FLUSH); a late article's window end is already past, so
    its timer fires at once and it is flagged as a late batch of its window."""
    PENDING = userstate.BagStateSpec('pending', PickleCoder())
    REMEMBERED = userstate.BagStateSpec('remembered', PickleCoder())
    FLUSHED_UNTIL = userstate.ReadModifyWriteStateSpec('flushed_until', PickleCoder())
    NEXT_FLUSH = userstate.ReadModifyWriteStateSpec('next_flush', PickleCoder())
    FLUSH = userstate.TimerSpec('flush', userstate.TimeDomain.WATERMARK)
    EXPIRE = userstate.TimerSpec('expire', userstate.TimeDomain.WATERMARK)

    def __init__(self, settings: DedupSettings, retention_seconds: float):
        self._settings = settings
        self._retention = retention_seconds

    def setup(self):
        self._duplicates = metrics.counter('duplicate_passages')
        self._clusters = metrics.counter('clusters')
        self._late = metrics.counter('late_articles')
        self._forgotten = metrics.counter('dedup_passages_forgotten')
        self._index = None   # BandKeyIndex of the remembered passages, see _index_of

    def process(self, item, pending=beam.DoFn.StateParam(PENDING), remembered=beam.DoFn.StateParam(REMEMBERED),
                next_flush=beam.DoFn.StateParam(NEXT_FLUSH), flush=beam.DoFn.TimerParam(FLUSH),
                expire=beam.DoFn.TimerParam(EXPIRE)):
        _, element = item
        if element[0] == 'seed':
            remembered.add(element[1])
            expire.set(Timestamp(_expiry([element[1]], self._retention)))
            return
        _, window_start, window_end, doc, late = element
        pending.add((window_start, window_end, doc, late))
        due = next_flush.read()
        if due is None or window_end < due:
            next_flush.write(window_end)
            flush.set(Timestamp(window_end))

    @userstate.on_timer(FLUSH)
    def on_flush(self, fired=beam.DoFn.TimestampParam, pending=beam.DoFn.StateParam(PENDING),
                 remembered=beam.DoFn.StateParam(REMEMBERED), flushed_until=beam.DoFn.StateParam(FLUSHED_UNTIL),
                 next_flush=beam.DoFn.StateParam(NEXT_FLUSH), flush=beam.DoFn.TimerParam(FLUSH),
                 expire=beam.DoFn.TimerParam(EXPIRE)):
        now = float(fired.micros) / 1e6
        waiting = list(pending.read())
        due = sorted((w for w in waiting if w[1] <= now), key=lambda w: (w[0], w[2].article.doc_id, w[3]))
        later = [w for w in waiting if w[1] > now]
        pending.clear()
        for w in later:
            pending.add(w)
        next_flush.write(min(w[1] for w in later) if later else None)
        if later:
            flush.set(Timestamp(min(w[1] for w in later)))
        if not due:
            return
        stored = list(remembered.read())
        memory = still_remembered(stored, now, self._retention)
        index = self._index_of(memory)
        new_entries = []
        done_until = flushed_until.read() or 0.0
        windows = {}
        for window_start, window_end, doc, late_pane in due:
            # Late: an upstream grouping saw it after the watermark passed
            # its window, or a window not before it was flushed already.
            late = late_pane or window_end <= done_until
            windows.setdefault((window_start, window_end, late), []).append(doc)
        for (window_start, window_end, late), docs in sorted(windows.items()):
            flagged, clusters, entries = flag_window(docs, index, self._settings, int(window_end))
            memory.extend(entries)
            new_entries.extend(entries)
            index.add(entries)
            duplicates = sum(1 for d in flagged for _, m in d.passages if m is not None and m.is_duplicate)
            self._duplicates.inc(duplicates)
            self._clusters.inc(len(clusters))
            if late:
                self._late.inc(len(flagged))
            LOG.info('window %s: %d articles%s, %d duplicate passages, %d clusters; %d passages remembered',
                     _clock(window_start), len(flagged), ' (late)' if late else '', duplicates, len(clusters),
                     sum(len(e) for e in memory))
            yield WindowBatch(window_start, window_end, tuple(flagged), tuple(clusters), late)
            done_until = max(done_until, window_end)
        flushed_until.write(done_until)
        if len(memory) - len(new_entries) < len(stored):
            self._remember(memory, remembered, expire)   # some were forgotten: rewrite
        else:
            for entry in new_entries:
                remembered.add(entry)
            expiry = _expiry(memory, self._retention)
            if expiry is not None:
                expire.set(Timestamp(expiry))

    @userstate.on_timer(EXPIRE)
    def on_expire(self, fired=beam.DoFn.TimestampParam, remembered=beam.DoFn.StateParam(REMEMBERED),
                  expire=beam.DoFn.TimerParam(EXPIRE)):
        now = float(fired.micros) / 1e6
        entries = list(remembered.read())
        kept = still_remembered(entries, now, self._retention)
        if len(kept) == len(entries):
            return
        self._forgotten.inc(sum(len(e) for e in entries) - sum(len(e) for e in kept))
        self._remember(kept, remembered, expire)

    def _index_of(self, memory: List[DocSignature]) -> BandKeyIndex:
        """A BandKeyIndex of `memory`. State is the truth; the index is kept
        on this DoFn instance between flushes, told which passages were
        forgotten since, and rebuilt whenever it does not hold exactly the
        entries state holds (a new worker, a restart)."""
        wanted = [(e.doc_id, e.first_seen) for e in memory]
        cached = self._index
        if cached is not None and len(wanted) < len(cached.identity()):
            cached = cached.keep_only(set(wanted))
        if cached is None or cached.identity() != wanted:
            cached = BandKeyIndex(memory)
        self._index = cached
        return cached

    def _remember(self, entries, remembered, expire):
        """Replace the remembered passages; the expiry timer fires when the
        oldest of them is due to be forgotten."""
        remembered.clear()
        for entry in entries:
            remembered.add(entry)
        expiry = _expiry(entries, self._retention)
        if expiry is not None:
            expire.set(Timestamp(expiry))


def _clock(epoch_seconds: float) -> str:
    import datetime
    return datetime.datetime.fromtimestamp(epoch_seconds, datetime.timezone.utc).strftime('%Y-%m-%d %H:%M:%S')


class FlagDuplicatesAcrossWindows(beam.PTransform):
    """Windowed DocPassages -> WindowBatch, one per window (and per late
    arrival), see the module docstring. `seed`: DocSignature PCollection of
    a batch dedup index to start from, or None."""

    def __init__(self, settings: DedupSettings = DedupSettings(), seed=None, seed_seen: int = 0):
        super().__init__()
        self._settings = settings
        self._retention = settings.retention_seconds
        self._seed = seed
        self._seed_seen = seed_seen

    def expand(self, docs):
        def with_window(doc, window=beam.DoFn.WindowParam, pane=beam.DoFn.PaneInfoParam):
            late = pane.timing == PaneInfoTiming.LATE
            return STATE_KEY, ('doc', float(window.start), float(window.end), doc, late)

        keyed = (
            docs
            | 'WithWindow' >> beam.Map(with_window).with_output_types(Tuple[str, Any])
            | 'AcrossWindows' >> beam.WindowInto(beam.transforms.window.GlobalWindows()))
        if self._seed is not None:
            seen = self._seed_seen
            seeds = self._seed | 'SeedEntries' >> beam.Map(
                lambda s: (STATE_KEY, ('seed', dataclasses.replace(s, from_index=True, first_seen=seen)))
            ).with_output_types(Tuple[str, Any])
            keyed = (keyed, seeds) | 'WithSeed' >> beam.Flatten()
        # A str key: the state step needs a deterministic key coder.
        return keyed | 'RememberPassages' >> beam.ParDo(
            _RememberPassagesFn(self._settings, self._retention)).with_input_types(Tuple[str, Any])
