"""The job's Beam counters, all in one namespace so that the summary finds
every one of them (pipeline/summary.py), whatever step counted it."""
from __future__ import annotations

from typing import Dict

import apache_beam as beam

NAMESPACE = 'news_ingest'


def counter(name: str):
    """The job's counter `name`: make it in a DoFn's `setup` or a transform's
    `expand`, increment it per element."""
    return beam.metrics.Metrics.counter(NAMESPACE, name)


def counter_totals(result) -> Dict[str, int]:
    """Every counter of the job in a finished run, summed over steps
    (committed values where the runner has them); {} when the runner
    reports no metrics."""
    from apache_beam.metrics.metric import MetricsFilter
    totals: Dict[str, int] = {}
    query = result.metrics().query(MetricsFilter().with_namespace(NAMESPACE))
    for metric in query['counters']:
        value = metric.committed if metric.committed is not None else metric.attempted
        totals[metric.key.metric.name] = totals.get(metric.key.metric.name, 0) + int(value or 0)
    return totals
