"""The run summary: the counts a run prints and writes to
`OUTPUT/_report/summary.json`, which the run report extends.

- `counters` reads the job's metrics; `written_totals` counts what a
  streaming run wrote from the files themselves;
- `summarize` turns those counts into the summary, `format_summary` into
  the lines the command prints;
- `check_accounting` refuses a run whose tables lost a record;
- `SUMMARY_PATH`, `summary_json` and `write_summary`: where summary.json
  goes and its bytes.
"""
from __future__ import annotations

import json
import logging
from typing import Dict

# The logger of the run itself (pipeline/run.py), whose messages these are.
LOG = logging.getLogger('pipeline')
REJECT_COUNTERS = ('rejected_read', 'rejected_decode', 'rejected_extract')
SUMMARY_PATH = '_report/summary.json'


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


def summary_json(summary: dict) -> bytes:
    return json.dumps(summary, indent=2, sort_keys=True).encode()


def write_summary(output: str, summary: dict) -> None:
    from transforms.write.publish import join_path, write_file
    write_file(join_path(output, *SUMMARY_PATH.split('/')), summary_json(summary))


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
