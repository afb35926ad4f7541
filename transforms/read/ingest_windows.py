"""IngestWindows: the streaming job's fixed windows of ingest time.

Every record and reject is assigned the window of the time its file was
found. A window fires when the watermark passes its end; anything arriving
later, up to `allowed_lateness`, fires again as a late pane of the same
window (written as another file in that window's partition), so nothing
late is dropped without a trace within that bound.
"""
from __future__ import annotations

from dataclasses import dataclass

import apache_beam as beam
from apache_beam.transforms import trigger, window


@dataclass(frozen=True)
class WindowPolicy:
    minutes: float = 5.0                      # rows are written per window of this many minutes
    allowed_lateness_minutes: float = 60.0    # later records still reach their window, as a late file


class IngestWindows(beam.PTransform):
    def __init__(self, policy: WindowPolicy = WindowPolicy()):
        super().__init__()
        self._seconds = policy.minutes * 60
        self._lateness = policy.allowed_lateness_minutes * 60

    def expand(self, pcoll):
        return pcoll | 'FixedWindows' >> beam.WindowInto(
            window.FixedWindows(self._seconds),
            trigger=trigger.AfterWatermark(late=trigger.AfterCount(1)),
            accumulation_mode=trigger.AccumulationMode.DISCARDING,
            allowed_lateness=self._lateness)
