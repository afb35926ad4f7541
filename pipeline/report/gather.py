"""Gathering the run report: `gather_report(tables_root, summary, runner=...)`
returns the run summary extended with what the tables under `tables_root`
hold: counts per language, date source, format, reject stage and error, top
publishers, articles per published day, the n_words and dup_ratio
distributions, duplicate clusters by size, the largest reuse clusters with
their passages, and the most frequent boilerplate lines. The text of
passages is read only for the few clusters shown. Same tables, same dict.
"""
from __future__ import annotations

import datetime
import heapq
import logging
import math
import time
from collections import Counter
from typing import Dict, List, Optional, Tuple

from pipeline.report.tables import table_batches

# The report's one logger, whichever of its modules logs.
LOG = logging.getLogger('pipeline.report')

REPORT_VERSION = 1
TOP_PUBLISHERS = 20
TOP_CLUSTERS = 5
CLUSTER_COPIES = 6
TOP_BOILERPLATE = 25
MAX_PASSAGE_CHARS = 3_000       # a passage shown in the report is cut here (and says so)
MAX_LINE_CHARS = 400            # a boilerplate line shown in the report is cut here
# Distinct boilerplate lines counted at once; past this the rarest are
# dropped (heavy hitters survive) and the finalists are counted again exactly.
MAX_DISTINCT_LINES = 200_000
DUP_RATIO_BINS = 10             # (0, 0.1], (0.1, 0.2], ... (0.9, 1.0], plus exactly 0
N_WORDS_QUANTILES = (('min', 0.0), ('p10', 0.10), ('p25', 0.25), ('median', 0.50), ('p75', 0.75),
                     ('p90', 0.90), ('p99', 0.99), ('max', 1.0))


# ------------------------------------------------------------------ small helpers

def _counts(counter: Counter, total: Optional[int] = None) -> List[dict]:
    """[{'value', 'count', 'share'}], most frequent first, ties by value."""
    total = sum(counter.values()) if total is None else total
    return [{'value': value, 'count': n, 'share': round(n / total, 4) if total else 0.0}
            for value, n in sorted(counter.items(), key=lambda kv: (-kv[1], str(kv[0])))]


def _add_value_counts(counter: Counter, column) -> None:
    import pyarrow.compute as pc
    if len(column) == 0:
        return
    for item in pc.value_counts(column).to_pylist():
        counter[item['values']] += item['counts']


def _quantiles(values: Counter) -> dict:
    """Nearest-rank quantiles of an exact value -> count histogram."""
    n = sum(values.values())
    out = {'articles': n}
    if not n:
        return out
    ordered = sorted(values.items())
    for name, q in N_WORDS_QUANTILES:
        rank = max(1, math.ceil(q * n))
        seen = 0
        for value, count in ordered:
            seen += count
            if seen >= rank:
                out[name] = int(value)
                break
    out['mean'] = round(sum(v * c for v, c in ordered) / n, 1)
    return out


def _cut(text: Optional[str], limit: int) -> Tuple[str, bool]:
    text = text or ''
    return (text, False) if len(text) <= limit else (text[:limit].rstrip() + '…', True)


def _date(value) -> Optional[str]:
    return value.isoformat() if isinstance(value, (datetime.date, datetime.datetime)) else value


# ------------------------------------------------------------------ gathering

def gather_articles(root: str, top_publishers: int) -> dict:
    import numpy as np
    languages, date_sources, formats, publishers, days, n_words = (Counter() for _ in range(6))
    dup_bins = [0] * DUP_RATIO_BINS
    dup_zero = dup_missing = 0
    dup_sum = 0.0
    articles = 0
    for batch in table_batches(root, 'articles', ('language', 'date_source', 'format', 'publisher',
                                                  'published_date', 'n_words', 'dup_ratio')):
        articles += batch.num_rows
        _add_value_counts(languages, batch.column('language'))
        _add_value_counts(date_sources, batch.column('date_source'))
        _add_value_counts(formats, batch.column('format'))
        _add_value_counts(publishers, batch.column('publisher'))
        _add_value_counts(days, batch.column('published_date'))
        _add_value_counts(n_words, batch.column('n_words'))
        ratio = batch.column('dup_ratio')
        dup_missing += ratio.null_count
        values = ratio.to_numpy(zero_copy_only=False).astype('float64')
        values = values[~np.isnan(values)]
        dup_sum += float(values.sum())
        dup_zero += int((values <= 0).sum())
        positive = values[values > 0]
        # (k/10, (k+1)/10] -> k; rounding first keeps a float32 0.1 in the first bin
        index = np.clip(np.ceil(np.round(positive * DUP_RATIO_BINS, 6)).astype(int) - 1, 0, DUP_RATIO_BINS - 1)
        for k, count in zip(*np.unique(index, return_counts=True)):
            dup_bins[int(k)] += int(count)

    unknown_publisher = publishers.pop(None, 0)
    ranked = _counts(publishers, articles)
    undated = days.pop(None, 0)
    by_day = [{'date': _date(day), 'count': n} for day, n in sorted(days.items())]
    dup_measured = articles - dup_missing
    return {
        'articles_in_tables': articles,
        'languages': _counts(languages, articles),
        'date_sources': _counts(date_sources, articles),
        'formats': _counts(formats, articles),
        'publishers': {
            'top': ranked[:top_publishers],
            'other': sum(p['count'] for p in ranked[top_publishers:]),
            'other_publishers': max(0, len(ranked) - top_publishers),
            'unknown': unknown_publisher,
            'distinct': len(ranked),
        },
        'published_dates': {
            'by_day': by_day,
            'undated': undated,
            'dated': articles - undated,
            'first': by_day[0]['date'] if by_day else None,
            'last': by_day[-1]['date'] if by_day else None,
        },
        'n_words': _quantiles(n_words),
        'dup_ratio': {
            'zero': dup_zero,
            'bins': [{'low': round(k / DUP_RATIO_BINS, 1), 'high': round((k + 1) / DUP_RATIO_BINS, 1),
                      'count': dup_bins[k]} for k in range(DUP_RATIO_BINS)],
            'missing': dup_missing,
            'mean': round(dup_sum / dup_measured, 4) if dup_measured else None,
        },
    }


def gather_rejects(root: str) -> dict:
    import pyarrow as pa
    by_stage, by_error, pairs = Counter(), Counter(), Counter()
    for batch in table_batches(root, 'rejects', ('stage', 'error')):
        if batch.num_rows:
            grouped = pa.Table.from_batches([batch]).group_by(['stage', 'error']).aggregate([([], 'count_all')])
            for stage, error, n in zip(*(grouped.column(c).to_pylist() for c in ('stage', 'error', 'count_all'))):
                pairs[(stage, error)] += n
    for (stage, error), n in pairs.items():
        by_stage[stage] += n
        by_error[error] += n
    total = sum(pairs.values())
    return {
        'rejects_in_tables': total,
        'rejects': {
            'by_stage': _counts(by_stage, total),
            'by_error': _counts(by_error, total),
            'by_stage_error': [{'stage': s, 'error': e, 'count': n}
                               for (s, e), n in sorted(pairs.items(), key=lambda kv: (-kv[1], kv[0]))],
        },
    }


def _sizes_and_largest(root: str, top: int) -> Tuple[Counter, Dict[str, tuple]]:
    """Clusters by size, and the `top` largest (size desc, cluster_id) with
    their canonical passage. A streaming output has a cluster row per window
    it grew in: the largest row of a cluster stands for it."""
    import pyarrow.compute as pc
    sizes = Counter()
    best: Dict[str, tuple] = {}
    for batch in table_batches(root, 'clusters', ('cluster_id', 'size', 'canonical_doc_id', 'canonical_passage_id')):
        _add_value_counts(sizes, batch.column('size'))
        size = batch.column('size')
        if len(best) >= top:
            floor = min(row[0] for row in best.values())
            keep = pc.greater_equal(size, floor)
            batch = batch.filter(keep)
        for cid, n, cdoc, cpid in zip(*(batch.column(c).to_pylist() for c in (
                'cluster_id', 'size', 'canonical_doc_id', 'canonical_passage_id'))):
            if cid not in best or n > best[cid][0]:
                best[cid] = (n, cdoc, cpid)
        if len(best) > top:
            best = dict(sorted(best.items(), key=lambda kv: (-kv[1][0], kv[0]))[:top])
    return sizes, best


def _passage_record(row: dict, articles: Dict[str, dict]) -> dict:
    text, truncated = _cut(row['text'], MAX_PASSAGE_CHARS)
    article = articles.get(row['doc_id'], {})
    similarity = row.get('similarity')
    return {
        'doc_id': row['doc_id'], 'passage_id': row['passage_id'],
        'publisher': article.get('publisher'), 'published_date': _date(article.get('published_date')),
        'title': article.get('title'),
        'similarity': None if similarity is None else round(float(similarity), 4),
        'text': text, 'truncated': truncated,
    }


def gather_clusters(root: str, top: int, copies: int) -> dict:
    import pyarrow.compute as pc
    sizes, best = _sizes_and_largest(root, top)
    chosen = sorted(best.items(), key=lambda kv: (-kv[1][0], kv[0]))
    ids = [cid for cid, _ in chosen]
    canonical_ids = {cpid: cid for cid, (_, _, cpid) in chosen}
    canonical_rows: Dict[str, dict] = {}
    # Per cluster, the `copies` most edited copies: lowest similarity first,
    # then doc_id and passage order; trimmed as the scan goes, so a passage
    # reprinted a million times costs a few rows of memory.
    picked: Dict[str, list] = {cid: [] for cid in ids}
    members = Counter()

    def order(row):
        return (row['similarity'] if row['similarity'] is not None else 2.0, row['doc_id'], row['index'])

    if ids:
        where = pc.field('cluster_id').isin(ids) | pc.field('passage_id').isin(sorted(canonical_ids))
        columns = ('doc_id', 'passage_id', 'index', 'text', 'cluster_id', 'similarity')
        for batch in table_batches(root, 'passages', columns, where):
            for row in batch.to_pylist():
                if row['passage_id'] in canonical_ids:
                    canonical_rows[canonical_ids[row['passage_id']]] = row
                elif row['cluster_id'] in picked:
                    members[row['cluster_id']] += 1
                    rows = picked[row['cluster_id']]
                    rows.append(row)
                    if len(rows) > 4 * copies:
                        rows[:] = sorted(rows, key=order)[:copies]
    picked = {cid: sorted(rows, key=order)[:copies] for cid, rows in picked.items()}
    doc_ids = {row['doc_id'] for rows in picked.values() for row in rows} | {
        row['doc_id'] for row in canonical_rows.values()} | {cdoc for _, (_, cdoc, _) in chosen}
    articles: Dict[str, dict] = {}
    if doc_ids:
        for batch in table_batches(root, 'articles', ('doc_id', 'publisher', 'published_date', 'title'),
                                   pc.field('doc_id').isin(sorted(doc_ids))):
            for row in batch.to_pylist():
                articles[row['doc_id']] = row
    largest = []
    for cid, (size, cdoc, cpid) in chosen:
        canonical = canonical_rows.get(cid)
        largest.append({
            'cluster_id': cid, 'size': size, 'copies_total': members[cid],
            'canonical': _passage_record(canonical, articles) if canonical else {
                'doc_id': cdoc, 'passage_id': cpid, 'text': None, 'missing': True,
                'publisher': articles.get(cdoc, {}).get('publisher'),
                'published_date': _date(articles.get(cdoc, {}).get('published_date'))},
            'copies': [_passage_record(row, articles) for row in picked[cid]],
        })
    return {
        'cluster_sizes': [{'size': int(s), 'clusters': n} for s, n in sorted(sizes.items())],
        'largest_clusters': largest,
    }


def rank_order(item: tuple) -> tuple:
    """Most frequent first, ties by value: the one order of every ranking."""
    return -item[1], item[0]


def gather_boilerplate(root: str, top: int) -> dict:
    """The most frequent boilerplate lines (header lines moved into fields
    are not boilerplate), counted by exact text, with their reasons."""
    import pyarrow as pa
    import pyarrow.compute as pc
    from transforms.text.split_headers import HEADER_REASONS
    where = ~pc.field('reason').isin(sorted(HEADER_REASONS))
    lines: Dict[str, Counter] = {}
    totals = Counter()
    total = 0
    pruned = False
    for batch in table_batches(root, 'boilerplate', ('text', 'reason'), where):
        total += batch.num_rows
        if not batch.num_rows:
            continue
        grouped = pa.Table.from_batches([batch]).group_by(['text', 'reason']).aggregate([([], 'count_all')])
        for text, reason, n in zip(grouped.column('text').to_pylist(), grouped.column('reason').to_pylist(),
                                   grouped.column('count_all').to_pylist()):
            lines.setdefault(text, Counter())[reason] += n
            totals[text] += n
        if len(totals) > MAX_DISTINCT_LINES:
            pruned = True
            keep = {text for text, _ in heapq.nsmallest(MAX_DISTINCT_LINES // 2, totals.items(), key=rank_order)}
            lines = {text: lines[text] for text in keep}
            totals = Counter({text: totals[text] for text in keep})
    distinct = None if pruned else len(totals)
    if pruned:
        # The survivors are the candidates; count them again, exactly.
        finalists = [text for text, _ in heapq.nsmallest(top * 4, totals.items(), key=rank_order)]
        lines, totals = {}, Counter()
        for batch in table_batches(root, 'boilerplate', ('text', 'reason'),
                                   where & pc.field('text').isin(finalists)):
            for text, reason in zip(batch.column('text').to_pylist(), batch.column('reason').to_pylist()):
                lines.setdefault(text, Counter())[reason] += 1
                totals[text] += 1
    ranked = heapq.nsmallest(top, totals.items(), key=rank_order)
    out = []
    for text, n in ranked:
        reasons = lines[text]
        shown, truncated = _cut(text, MAX_LINE_CHARS)
        out.append({'text': shown, 'truncated': truncated, 'count': n,
                    'reason': sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0]))[0][0],
                    'reasons': dict(sorted(reasons.items()))})
    return {'boilerplate_lines': {'top': out, 'lines': total, 'distinct': distinct}}


def gather_report(tables_root: str, summary: dict, runner: Optional[str] = None, scope: Optional[str] = None,
                  *, top_publishers: int = TOP_PUBLISHERS, top_clusters: int = TOP_CLUSTERS,
                  cluster_copies: int = CLUSTER_COPIES, top_boilerplate: int = TOP_BOILERPLATE) -> dict:
    """The summary extended with what the tables under `tables_root` hold.

    Never raises for a table it cannot read: the summary comes back with a
    one-line `report_error` instead (a remote path without its filesystem,
    a damaged file). `scope` says which rows the tables hold (e.g. every
    window a stream has written), for the reader."""
    report = dict(summary)
    report.update(report_version=REPORT_VERSION, runner=runner or 'unknown')
    if scope:
        report['report_scope'] = scope
    started = time.monotonic()
    try:
        gathered = gather_articles(tables_root, top_publishers)
        gathered.update(gather_rejects(tables_root))
        gathered.update(gather_clusters(tables_root, top_clusters, cluster_copies))
        gathered.update(gather_boilerplate(tables_root, top_boilerplate))
    except Exception as exc:
        report['report_error'] = error_line(exc)
        LOG.warning('run report: cannot read the tables under %s: %s', tables_root, report['report_error'])
        return report
    report.update(gathered)
    LOG.info('run report gathered from %s in %.2f s', tables_root, time.monotonic() - started)
    return report


def error_line(exc: BaseException) -> str:
    """An error in one line, for the log and summary.json's `report_error`."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return f'{type(exc).__name__}: {lines[0] if lines else ""}'[:500]
