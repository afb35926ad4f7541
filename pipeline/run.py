"""Entry point: `python -m pipeline.run --input GLOB --output DIR [options] [Beam options]`.

Validates the command line, runs the graph of pipeline/graph.py, publishes
the tables atomically and prints the summary. Exit status 0 when the run
finished (rejected inputs included), 2 with a one-line reason for a usage
error or an unwritable output, 1 when the run itself failed.
"""
from __future__ import annotations

import json
import logging
import re
import sys
import time
import uuid
from typing import Dict, List, Optional, Sequence

from pipeline.options import IngestOptions, UsageError, parse_args

LOG = logging.getLogger('pipeline')
REJECT_COUNTERS = ('rejected_read', 'rejected_decode', 'rejected_extract')


def check_inputs(patterns: Sequence[str]) -> int:
    """The number of distinct files the patterns match; UsageError when one matches none."""
    from transforms.read.match_inputs import match_pattern, resolve_pattern
    files = set()
    for pattern in patterns:
        try:
            found = match_pattern(resolve_pattern(pattern))
        except Exception as exc:
            raise UsageError(f'cannot list --input {pattern}: {type(exc).__name__}: {exc}'.splitlines()[0])
        if not found:
            raise UsageError(f'no file matches --input {pattern}')
        files.update(found)
    return len(files)


def beam_pipeline_options(beam_args: List[str], options: IngestOptions):
    """Beam options as given; with no --runner, the local FnApiRunner.

    The DirectRunner's default path first tries to download the Prism runner;
    offline that costs a failed request, on a hanging network it hangs. Naming
    the in-process runner keeps the default run local and download-free."""
    from apache_beam.options.pipeline_options import PipelineOptions, StandardOptions
    pipeline_options = PipelineOptions(beam_args)
    runner = pipeline_options.view_as(StandardOptions).runner
    if runner is None:
        from apache_beam.runners.portability.fn_api_runner import FnApiRunner
        return pipeline_options, FnApiRunner()
    return pipeline_options, runner


def counters(result) -> Dict[str, int]:
    from transforms.common.metrics import counter_totals
    try:
        return counter_totals(result)
    except Exception as exc:  # some runners do not report metrics
        LOG.warning('runner reported no metrics: %s', exc)
        return {}


def summarize(totals: Dict[str, int], seconds: float, output: str) -> dict:
    rejected = sum(totals.get(name, 0) for name in REJECT_COUNTERS)
    summary = {
        'output': output,
        'files_read': totals.get('files_read', 0),
        'records_read': totals.get('records_read', 0),
        'articles_written': totals.get('articles', 0),
        'rejected': rejected,
        'rejected_by_stage': {name.split('_', 1)[1]: totals.get(name, 0) for name in REJECT_COUNTERS},
        'boilerplate_lines_removed': totals.get('boilerplate_lines', 0),
        'header_lines_split': totals.get('header_lines', 0),
        'passages': totals.get('passages', 0),
        'duplicate_passages': totals.get('duplicate_passages', 0),
        'clusters': totals.get('clusters', 0),
        'dedup_candidate_pairs': totals.get('dedup_candidate_pairs', 0),
        'dedup_verified_pairs': totals.get('dedup_verified_pairs', 0),
        'dedup_unconverged_nodes': totals.get('dedup_unconverged_nodes', 0),
        'language_undetermined': totals.get('language_undetermined', 0),
        'mojibake_repaired': totals.get('mojibake_repaired', 0),
        'warc_records_not_response': totals.get('warc_records_not_response', 0),
        'seconds': round(seconds, 2),
    }
    summary['accounting_ok'] = summary['records_read'] == summary['articles_written'] + rejected
    return summary


class AccountingError(RuntimeError):
    """Records read and rows written disagree: something was lost."""


def check_accounting(summary: dict, staging: str) -> None:
    """Count articles and rejects from the tables the run wrote, not from
    metrics alone, and refuse to publish when records read != articles +
    rejects. A runner that reports no metrics leaves the check undecided."""
    from transforms.write.publish import join_path, table_rows
    articles = table_rows(join_path(staging, 'articles'))
    rejects = table_rows(join_path(staging, 'rejects'))
    if summary['records_read'] == 0 and articles + rejects > 0:
        LOG.warning('the runner reported no read counts; accounting cannot be checked')
        summary.update(articles_written=articles, rejected=rejects, accounting_ok=None)
        return
    if (articles, rejects) != (summary['articles_written'], summary['rejected']) or \
            summary['records_read'] != articles + rejects:
        raise AccountingError(f"accounting mismatch: {summary['records_read']} records read, but the tables "
                              f"hold {articles} articles + {rejects} rejects (metrics said "
                              f"{summary['articles_written']} + {summary['rejected']})")


def format_summary(s: dict) -> str:
    by_stage = ', '.join(f'{stage} {n}' for stage, n in s['rejected_by_stage'].items() if n) or 'none'
    accounting = {True: 'ok', False: 'MISMATCH', None: 'unchecked'}[s['accounting_ok']]
    return '\n'.join([
        f"summary: {s['output']}",
        f"  inputs read        {s['records_read']:>8}  ({s['files_read']} files)",
        f"  articles written   {s['articles_written']:>8}",
        f"  rejected           {s['rejected']:>8}  ({by_stage})",
        f"  boilerplate lines  {s['boilerplate_lines_removed']:>8}  removed "
        f"(+{s['header_lines_split']} header/credit lines moved into fields)",
        f"  passages           {s['passages']:>8}",
        f"  duplicate passages {s['duplicate_passages']:>8}  in {s['clusters']} clusters",
        f"  accounting         {accounting}: {s['records_read']} read = "
        f"{s['articles_written']} articles + {s['rejected']} rejects",
        f"  time               {s['seconds']:>8.1f} s",
    ])


SUMMARY_PATH = '_report/summary.json'
STREAM_REPORT_SCOPE = 'tables: every row in OUTPUT, from every run of the stream into it; counters: this run'


def summary_json(summary: dict) -> bytes:
    return json.dumps(summary, indent=2, sort_keys=True).encode()


def report_runner(runner) -> str:
    """The runner the report names: as given (`DataflowRunner`), or the local runner object's class."""
    return runner if isinstance(runner, str) else f'{type(runner).__name__} (local)'


def write_summary(output: str, summary: dict) -> None:
    from transforms.write.publish import join_path, write_file
    write_file(join_path(output, *SUMMARY_PATH.split('/')), summary_json(summary))


def run(argv: Sequence[str]) -> dict:
    """Run the job; returns the summary. Raises UsageError for usage problems."""
    options, beam_args = parse_args(argv)
    from pipeline.runner_options import runner_problems
    problems = runner_problems(beam_args, options.inputs, options.output, options.dedup_index)
    if problems:
        raise UsageError('; '.join(problems))
    if options.streaming:
        return run_streaming(options, beam_args)
    total_files = check_inputs(options.inputs)
    from transforms.write.publish import check_output_writable, discard_staging, publish_tables, staging_path
    problem = check_output_writable(options.output)
    if problem:
        raise UsageError(problem)

    import apache_beam as beam
    from pipeline.graph import build_pipeline
    index_staging = None
    run_id = options.run_id or f'{time.strftime("%Y%m%dT%H%M%S")}-{uuid.uuid4().hex[:8]}'
    if options.dedup_index:
        from transforms.reuse.dedup_index import check_index
        problem = check_index(options.dedup_index, options.dedup.params) or check_output_writable(
            options.dedup_index)
        if problem:
            raise UsageError(problem)
        index_staging = staging_path(options.dedup_index, run_id)
    pipeline_options, runner = beam_pipeline_options(beam_args, options)
    staging = staging_path(options.output, run_id)
    # A --run-id reused after a killed run must not publish that run's files too.
    _clear_staging(staging, index_staging)
    started = time.time()
    LOG.info('reading %d file(s) from %s into %s (staging %s)', total_files, ', '.join(options.inputs),
             options.output, staging)
    try:
        p = beam.Pipeline(runner=runner, options=pipeline_options)
        from transforms.common.progress import ProgressSettings
        build_pipeline(p, options, staging, index_staging,
                       ProgressSettings(options.progress_interval, total_files, run_id))
        result = p.run()
        result.wait_until_finish()
        summary = summarize(counters(result), time.time() - started, options.output)
        check_accounting(summary, staging)
        # The report (summary.json: the summary plus what the staged tables
        # hold; report.html) is published with the tables, before _SUCCESS: a
        # complete output never shows the report of an earlier run. A report
        # that cannot be made never fails the run (summary.json says why).
        from pipeline.report import report_files
        publish_tables(options.output, staging, keep=(index_staging,),
                       files=report_files(staging, summary, report_runner(runner)))
        if index_staging:
            import schemas
            publish_tables(options.dedup_index, index_staging, tables=(schemas.DEDUP_INDEX_TABLE,),
                           keep=(staging,))
    except BaseException:
        # Nothing of a failed run is published (a publish that failed midway
        # has already removed _SUCCESS); drop its staging so it does not pile up.
        LOG.error('run %s failed; removing its staging folder %s', run_id, staging)
        discard_staging(options.output, staging)
        if index_staging:
            discard_staging(options.dedup_index, index_staging)
        raise
    return summary


def _clear_staging(*folders: Optional[str]) -> None:
    from apache_beam.io.filesystems import FileSystems
    for folder in folders:
        if folder and FileSystems.exists(folder):
            LOG.info('removing files an earlier run left in staging folder %s', folder)
            FileSystems.delete([folder])


def run_streaming(options: IngestOptions, beam_args: List[str]) -> dict:
    """Watch the patterns until --max-idle, Ctrl-C or SIGTERM; each window's
    rows are in OUTPUT as soon as the window closes."""
    from transforms.write.publish import check_output_writable
    problem = check_output_writable(options.output)
    if problem:
        raise UsageError(problem)
    import apache_beam as beam
    from apache_beam.options.pipeline_options import PipelineOptions, StandardOptions
    from pipeline.graph import build_streaming_pipeline
    from transforms.read.watch_dumps import StopRequest
    if options.dedup_index:
        from transforms.reuse.dedup_index import check_index
        problem = check_index(options.dedup_index, options.dedup.params)
        if problem:
            raise UsageError(problem)
    pipeline_options = PipelineOptions(beam_args)
    pipeline_options.view_as(StandardOptions).streaming = True
    runner = pipeline_options.view_as(StandardOptions).runner
    if runner in (None, 'DirectRunner', 'BundleBasedDirectRunner'):
        # Beam's own local streaming path cannot run this graph (see pipeline/local_streaming.py).
        from pipeline.local_streaming import LocalStreamingRunner
        runner = LocalStreamingRunner()
    from transforms.write.write_windows import ledger_paths
    already_read = ledger_paths(options.output)
    if already_read:
        LOG.info('skipping %d file(s) an earlier run already ingested into %s (its _inputs ledger)',
                 len(already_read), options.output)
    started = time.time()
    LOG.info('watching %s every %.1f s into %s, %.1f-minute windows%s', ', '.join(options.inputs),
             options.watch.poll_seconds, options.output, options.windows.minutes,
             f', stopping after {options.watch.max_idle:.0f} s idle' if options.watch.max_idle else '; Ctrl-C drains and stops')
    StopRequest.clear()
    previous = _drain_on_signals(StopRequest.set)
    try:
        p = beam.Pipeline(runner=runner, options=pipeline_options)
        build_streaming_pipeline(p, options, int(started), already_read)
        result = p.run()
        result.wait_until_finish()
    finally:
        _restore_signals(previous)
    # Counts of what was read and written come from the files (see
    # written_totals); the metrics the runner did commit fill in the rest
    # (mojibake repaired, languages undetermined, ...), as a lower bound.
    totals = counters(result)
    totals.update(written_totals(options.output, started))
    summary = summarize(totals, time.time() - started, options.output)
    write_summary(options.output, summary)
    # Then the report, over every row in OUTPUT; summary.json is rewritten
    # with it (or with `report_error`: a report never fails the run).
    from pipeline.report import write_report
    write_report(options.output, summary, report_runner(runner), scope=STREAM_REPORT_SCOPE)
    return summary


def written_totals(output: str, since: float) -> Dict[str, int]:
    """Counts of what a streaming run wrote, from the files it wrote (those
    modified since it started): files and records from the input ledger
    (OUTPUT/_inputs), articles and rejects from their tables. Beam's local
    streaming runner drops some metric updates (measured: 10 of 33 files
    counted), so the summary counts what a reader will find instead."""
    from transforms.write.write_windows import read_window_files

    def tables(table, *columns):
        return read_window_files(output, table, columns, since)

    totals = {'articles': 0, 'passages': 0, 'duplicate_passages': 0, 'clusters': 0, 'boilerplate_lines': 0,
              'files_read': 0, 'records_read': 0}
    for table in tables('_inputs', 'records'):
        totals['files_read'] += table.num_rows
        totals['records_read'] += sum(table.column('records').to_pylist())
    for table in tables('articles', 'doc_id'):
        totals['articles'] += table.num_rows
    for table in tables('passages', 'is_duplicate'):
        totals['passages'] += table.num_rows
        totals['duplicate_passages'] += sum(table.column('is_duplicate').to_pylist())
    for table in tables('clusters', 'cluster_id'):
        totals['clusters'] += table.num_rows
    from transforms.text.split_headers import HEADER_REASONS
    totals['header_lines'] = 0
    for table in tables('boilerplate', 'reason'):
        headers = sum(reason in HEADER_REASONS for reason in table.column('reason').to_pylist())
        totals['header_lines'] += headers
        totals['boilerplate_lines'] += table.num_rows - headers
    by_stage = {}
    for table in tables('rejects', 'stage'):
        for stage in table.column('stage').to_pylist():
            by_stage[stage] = by_stage.get(stage, 0) + 1
    # The summary's reject stages: read problems are 'read', record parsing ('parse') counts as read.
    totals['rejected_read'] = by_stage.pop('read', 0) + by_stage.pop('parse', 0)
    totals['rejected_decode'] = by_stage.pop('decode', 0)
    totals['rejected_extract'] = sum(by_stage.values())
    return totals


def _drain_on_signals(request_stop) -> dict:
    """The first Ctrl-C or SIGTERM asks the job to drain (flush every window
    and stop); a second one stops it at once."""
    import os
    import signal
    if threading_is_main():
        def handler(signum, frame):
            if getattr(handler, 'fired', False):
                os._exit(130)
            handler.fired = True
            print('stopping: flushing open windows (press Ctrl-C again to abort)', file=sys.stderr)
            request_stop()
        return {sig: signal.signal(sig, handler) for sig in (signal.SIGINT, signal.SIGTERM)}
    return {}


def _restore_signals(previous: dict) -> None:
    import signal
    for sig, handler in previous.items():
        signal.signal(sig, handler)


def threading_is_main() -> bool:
    import threading
    return threading.current_thread() is threading.main_thread()


def failure_reason(exc: BaseException) -> str:
    """One line for a failed run: the innermost error Beam wrapped, e.g.
    `ValueError: ...` from the step that raised it."""
    root = exc
    while root.__cause__ is not None or root.__context__ is not None:
        root = root.__cause__ or root.__context__
    lines = [line.strip() for line in str(root).splitlines() if line.strip()]
    detail = next((line for line in reversed(lines) if re.match(r'^[A-Za-z_.]*(Error|Exception)\b', line)), None)
    detail = detail or f'{type(root).__name__}: {lines[0] if lines else ""}'
    step = re.search(r"\[while running '([^']+)'\]", str(exc))
    return f'{detail} (in step {step.group(1)})' if step else detail


def main(argv: Optional[Sequence[str]] = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    quiet = '--quiet' in argv
    logging.basicConfig(level=logging.WARNING, format='%(asctime)s %(levelname)s %(name)s: %(message)s', force=True)
    logging.getLogger('pipeline').setLevel(logging.WARNING if quiet else logging.INFO)
    logging.getLogger('transforms').setLevel(logging.WARNING if quiet else logging.INFO)
    # trafilatura and htmldate log every page they find hard; the rejects table says what matters.
    for noisy in ('trafilatura', 'htmldate', 'charset_normalizer', 'apache_beam.io.gcp'):
        logging.getLogger(noisy).setLevel(logging.ERROR)
    try:
        summary = run(argv)
    except UsageError as exc:
        print(f'error: {exc}', file=sys.stderr)
        return 2
    except Exception as exc:
        # The traceback is for whoever debugs it; the last line says what happened.
        LOG.error('run failed', exc_info=not quiet)
        print(f'error: run failed: {failure_reason(exc)}', file=sys.stderr)
        return 1
    print(format_summary(summary))
    return 0


if __name__ == '__main__':
    sys.exit(main())
