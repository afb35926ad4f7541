"""WatchDumps: the input patterns watched for new files, each emitted once.

A file is emitted when it has stopped growing: its size and modification
time must read the same on two polls in a row, so a dump still being copied
into the folder is not read half-written. Each path is emitted at most once
per job, timestamped with the time it was found (its ingest time), which is
what the streaming windows are cut on.

`poll_files` is the decision (listing in, paths out), with no Beam in it.
`WatchDumps` expands portably, with Beam's `fileio.MatchContinuously`, for
cloud runners (Dataflow, Flink, Spark), where stopping is the runner's drain.
On this machine the local streaming runner (pipeline/local_streaming.py)
replaces that expansion with a poller that keeps its state between polls,
stops after `max_idle` seconds without a new file, and stops when
`StopRequest` is set (Ctrl-C or SIGTERM): every window is then flushed.
"""
from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence, Tuple

import apache_beam as beam

from transforms.read.match_inputs import resolve_pattern

LOG = logging.getLogger(__name__)


@dataclass(frozen=True)
class WatchPolicy:
    poll_seconds: float = 5.0
    max_idle: Optional[float] = None   # seconds without a new file before stopping; None = run until stopped
    already_read: frozenset = frozenset()   # paths an earlier run of the stream ingested (its ledger)


@dataclass
class WatchState:
    """What the watcher remembers between polls."""
    emitted: set = field(default_factory=set)           # paths already emitted
    pending: Dict[str, Tuple[int, float]] = field(default_factory=dict)   # path -> (size, mtime) at last poll
    last_activity: Optional[float] = None               # when a file last appeared or changed
    polls: int = 0
    next_poll: float = 0.0                              # when the next listing is due


def poll_files(state: WatchState, listing: Dict[str, Tuple[int, float]], now: float) -> List[str]:
    """Paths ready to read after a poll that listed `listing` (path -> (size,
    mtime)): seen unchanged since the previous poll and not emitted before.
    Updates `state` in place; paths come back sorted, so a poll's output does
    not depend on the listing's order."""
    if state.last_activity is None:
        state.last_activity = now
    ready = []
    pending = {}
    for path in sorted(listing):
        if path in state.emitted:
            continue
        seen = listing[path]
        if state.pending.get(path) == seen:
            ready.append(path)
            state.emitted.add(path)
        else:
            pending[path] = seen
            state.last_activity = now
    if ready:
        state.last_activity = now
    state.pending = pending
    state.polls += 1
    return ready


def idle_too_long(state: WatchState, now: float, policy: WatchPolicy) -> bool:
    return (policy.max_idle is not None and not state.pending and state.last_activity is not None
            and now - state.last_activity >= policy.max_idle)


def list_files(patterns: Sequence[str]) -> Dict[str, Tuple[int, float]]:
    """path -> (size, mtime) of every file the patterns match now; a pattern
    that cannot be listed (a folder not created yet) matches nothing."""
    from apache_beam.io.filesystems import FileSystems
    found = {}
    for pattern in patterns:
        try:
            matched = FileSystems.match([pattern])[0].metadata_list
        except Exception as exc:  # a missing folder or bucket, a transient listing error
            LOG.debug('cannot list %s: %s', pattern, exc)
            continue
        for metadata in matched:
            found[metadata.path] = (int(metadata.size_in_bytes), float(metadata.last_updated_in_seconds or 0.0))
    return found


class StopRequest:
    """Set by the entry point on Ctrl-C or SIGTERM: the local watcher stops
    polling and the job drains, flushing every open window."""
    _event = threading.Event()

    @classmethod
    def set(cls) -> None:
        cls._event.set()

    @classmethod
    def clear(cls) -> None:
        cls._event.clear()

    @classmethod
    def is_set(cls) -> bool:
        return cls._event.is_set()

    @classmethod
    def wait(cls, seconds: float) -> bool:
        return cls._event.wait(max(0.0, seconds))


class WatchDumps(beam.PTransform):
    """PBegin -> file paths (str), each new file once, timestamped when found.

    This expansion is the portable one (cloud runners); the local streaming
    runner replaces it, see the module docstring."""

    def __init__(self, patterns: Sequence[str], policy: WatchPolicy = WatchPolicy()):
        super().__init__()
        self.patterns = tuple(resolve_pattern(p) for p in patterns)
        self.policy = policy

    def expand(self, pbegin):
        local_watch = getattr(pbegin.pipeline.runner, 'local_watch', None)
        if local_watch is not None:   # pipeline/local_streaming.py
            return pbegin | 'PollDumps' >> local_watch(self.patterns, self.policy)
        from apache_beam.io import fileio
        matches = [
            pbegin
            | f'Match{i}' >> fileio.MatchContinuously(pattern, interval=self.policy.poll_seconds,
                                                      has_deduplication=True)
            for i, pattern in enumerate(self.patterns)]
        return (
            matches | 'AllMatches' >> beam.Flatten()
            | 'Paths' >> beam.Map(lambda metadata: metadata.path))
