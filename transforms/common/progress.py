"""Progress of a long run, as log lines: files and records read, articles so
far (and written, once the tables are being written), rejects, and the
rate, every `interval` seconds (no Beam).

Beam's metrics are only read when the job ends, so each worker process keeps
its own running counts here: the steps that read, reject and assemble add to
the one `PROGRESS` of their process, and whichever adds after the interval
has passed writes the line. The local runner is one process, so its lines
count the whole job; with several worker processes each logs its share,
tagged with its process id. `--progress-interval 0` or `--quiet` turns the
lines off.
"""
from __future__ import annotations

import logging
import os
import threading
import time
from dataclasses import dataclass
from typing import Callable, Optional

LOG = logging.getLogger(__name__)

COUNTS = ('files', 'records', 'articles', 'rejects', 'written')


@dataclass(frozen=True)
class ProgressSettings:
    interval: float = 0.0     # seconds between lines; 0: no lines
    total_files: int = 0      # files the job will read, when known
    run: str = ''             # counts start again when a process sees another run


class ProgressLog:
    """Running counts of one process; `add` logs a line at most every `interval` s."""

    def __init__(self, interval: float = 0.0, clock: Callable[[], float] = time.monotonic,
                 emit: Optional[Callable[[str], None]] = None):
        self.interval = interval
        self._clock = clock
        self._emit = emit
        self._lock = threading.Lock()
        self.counts = dict.fromkeys(COUNTS, 0)
        self.run: Optional[str] = None
        self.total_files = 0
        self._started: Optional[float] = None
        self._last: Optional[float] = None

    def configure(self, settings: ProgressSettings) -> None:
        """Called by the reading step of each worker with the job's settings."""
        with self._lock:
            if settings.run != self.run:
                self.counts = dict.fromkeys(COUNTS, 0)
                self._started = self._last = None
            self.run = settings.run
            self.interval = settings.interval
            self.total_files = settings.total_files
        if settings.interval:
            LOG.setLevel(logging.INFO)   # a worker process has no level set for it

    def add(self, **counts: int) -> Optional[str]:
        """Add to the counts (files=1, records=1, ...); returns the line if one was logged."""
        now = self._clock()
        with self._lock:
            for name, n in counts.items():
                self.counts[name] += n
            if self._started is None:
                self._started = self._last = now
            if not self.interval or now - self._last < self.interval:
                return None
            self._last = now
            line = self.line(now)
        (self._emit or _log)(line)
        return line

    def line(self, now: Optional[float] = None) -> str:
        c = self.counts
        elapsed = max(1e-9, (self._clock() if now is None else now) - (self._started or 0.0))
        files = f'{c["files"]:,}/{self.total_files:,} files' if self.total_files else f'{c["files"]:,} files'
        written = f', {c["written"]:,} written' if c['written'] else ''
        return (f'progress: {files} read, {c["records"]:,} records, {c["articles"]:,} articles{written}, '
                f'{c["rejects"]:,} rejected; {c["records"] / elapsed:,.1f} records/s, '
                f'{c["articles"] / elapsed:,.1f} articles/s over {elapsed:,.0f} s')


def _log(line: str) -> None:
    LOG.info('%s (process %d)', line, os.getpid())


#: The counts of this process, shared by its steps.
PROGRESS = ProgressLog()
