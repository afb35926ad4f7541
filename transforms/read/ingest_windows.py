"""IngestWindows: the streaming job's fixed windows of ingest time.

Every record and reject is assigned the window of the time its file was
found. A window fires when the watermark passes its end; anything arriving
later, up to `allowed_lateness`, fires again as a late pane of the same
window (written as another file in that window's partition), so nothing
late is dropped without a trace within that bound.
"""
from __future__ import annotations

import apache_beam as beam
from apache_beam.transforms import trigger, window

DEFAULT_WINDOW_MINUTES = 5.0
DEFAULT_ALLOWED_LATENESS_MINUTES = 60.0


class IngestWindows(beam.PTransform):
    def __init__(self, minutes: float = DEFAULT_WINDOW_MINUTES,
                 allowed_lateness_minutes: float = DEFAULT_ALLOWED_LATENESS_MINUTES):
        super().__init__()
        self._seconds = minutes * 60
        self._lateness = allowed_lateness_minutes * 60

    def expand(self, pcoll):
        return pcoll | 'FixedWindows' >> beam.WindowInto(
            window.FixedWindows(self._seconds),
            trigger=trigger.AfterWatermark(late=trigger.AfterCount(1)),
            accumulation_mode=trigger.AccumulationMode.DISCARDING,
            allowed_lateness=self._lateness)
