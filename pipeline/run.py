"""Entry point: `python -m pipeline.run --input GLOB --output DIR [options] [Beam options]`.

Validates the command line, runs the graph of pipeline/graph.py, publishes
the tables atomically and prints the summary. Exit status 0 when the run
finished (rejected inputs included), 2 with a one-line reason for a usage
error or an unwritable output, 1 when the run itself failed.
"""
from __future__ import annotations

import logging
import re
import sys
import time
import uuid
from typing import List, Optional, Sequence

from pipeline.options import IngestOptions, UsageError, parse_args
from pipeline.summary import check_accounting, counters, format_summary, summarize, write_summary, written_totals

LOG = logging.getLogger('pipeline')


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
        from pipeline.report import report_files, report_runner
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
    from pipeline.report import STREAM_REPORT_SCOPE, report_runner, write_report
    write_report(options.output, summary, report_runner(runner), scope=STREAM_REPORT_SCOPE)
    return summary


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
