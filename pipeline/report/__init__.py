"""The run report: `OUTPUT/_report/summary.json` (the run summary extended
with what the tables hold) and `OUTPUT/_report/report.html` (the same, for
people: one self-contained page, charts drawn here as inline SVG).

Plain functions, no Beam pipeline:

- `gather_report(tables_root, summary, runner=...)` (gather.py, reading the
  tables through tables.py) reads the Parquet tables a run wrote (a batch
  run's staging folder before it is published, or a streaming OUTPUT with
  its hive partitions) and returns the summary extended with what they hold.
- `render_report_html(report)` (render.py, with charts.py and clusters.py)
  turns that dict into one HTML file: no script, no external URL, no web
  font; every value from the data escaped.
- `report_files(...)` / `write_report(...)`, here, are what the runs call;
  they never raise because of the report: a failure is logged and lands in
  summary.json as `report_error`, beside every key the summary has.
"""
from __future__ import annotations

import logging
from typing import Dict, Optional

from pipeline.report.clusters import word_diff_html
from pipeline.report.gather import error_line, gather_report
from pipeline.report.render import render_report_html
from pipeline.summary import SUMMARY_PATH, summary_json

__all__ = ['REPORT_HTML_PATH', 'STREAM_REPORT_SCOPE', 'gather_report', 'render_report_html', 'report_files',
           'report_runner', 'word_diff_html', 'write_report']

LOG = logging.getLogger(__name__)

REPORT_HTML_PATH = '_report/report.html'
STREAM_REPORT_SCOPE = 'tables: every row in OUTPUT, from every run of the stream into it; counters: this run'


def report_runner(runner) -> str:
    """The runner the report names: as given (`DataflowRunner`), or the local runner object's class."""
    return runner if isinstance(runner, str) else f'{type(runner).__name__} (local)'


def report_files(tables_root: str, summary: dict, runner: Optional[str] = None,
                 scope: Optional[str] = None) -> Dict[str, bytes]:
    """{'_report/summary.json': ..., '_report/report.html': ...} (paths
    relative to OUTPUT) for publish_tables' `files`. Never raises: when the
    report cannot be made, summary.json is the summary plus `report_error`,
    and there is no report.html."""
    try:
        report = gather_report(tables_root, summary, runner, scope)
    except Exception as exc:   # gather_report catches read errors; this is the last guard
        LOG.warning('run report failed: %s', error_line(exc), exc_info=True)
        report = dict(summary, report_error=error_line(exc))
    files = {}
    if 'report_error' not in report:
        try:
            files[REPORT_HTML_PATH] = render_report_html(report).encode('utf-8')
        except Exception as exc:
            LOG.warning('run report: cannot render report.html: %s', error_line(exc), exc_info=True)
            report['report_error'] = error_line(exc)
    files[SUMMARY_PATH] = summary_json(report)
    return dict(sorted(files.items()))


def write_report(output: str, summary: dict, runner: Optional[str] = None, scope: Optional[str] = None) -> None:
    """Write OUTPUT/_report/report.html and summary.json for the tables in
    OUTPUT itself (a streaming run's, which are published as they go). A
    report.html that cannot be written is logged and noted in summary.json."""
    from transforms.write.publish import join_path, write_file
    files = report_files(output, summary, runner, scope)
    if REPORT_HTML_PATH in files:
        try:
            write_file(join_path(output, *REPORT_HTML_PATH.split('/')), files[REPORT_HTML_PATH])
        except Exception as exc:
            LOG.warning('run report: cannot write %s: %s', REPORT_HTML_PATH, error_line(exc))
            import json
            files[SUMMARY_PATH] = summary_json(dict(json.loads(files[SUMMARY_PATH]), report_error=error_line(exc)))
    write_file(join_path(output, *SUMMARY_PATH.split('/')), files[SUMMARY_PATH])
