"""The run report: `OUTPUT/_report/summary.json` (the run summary extended
with what the tables hold) and `OUTPUT/_report/report.html` (the same, for
people: one self-contained page, charts drawn here as inline SVG).

Plain functions, no Beam pipeline:

- `gather_report(tables_root, summary, runner=...)` reads the Parquet tables
  a run wrote (a batch run's staging folder before it is published, or a
  streaming OUTPUT with its hive partitions) and returns the summary extended
  with counts per language, date source, format, reject stage and error, top
  publishers, articles per published day, the n_words and dup_ratio
  distributions, duplicate clusters by size, the largest reuse clusters with
  their passages, and the most frequent boilerplate lines. Tables are read a
  batch of rows at a time and only the columns a count needs; the text of
  passages is read only for the few clusters shown. Same tables, same dict.
- `render_report_html(report)` turns that dict into one HTML file: no
  script, no external URL, no web font; every value from the data escaped.
- `report_files(...)` / `write_report(...)` are what the runs call; they
  never raise because of the report: a failure is logged and lands in
  summary.json as `report_error`, beside every key the summary has.
"""
from __future__ import annotations

import datetime
import difflib
import heapq
import html
import logging
import math
import os
import re
import time
from collections import Counter
from typing import Dict, Iterable, Iterator, List, Optional, Sequence, Tuple

from pipeline.summary import SUMMARY_PATH, summary_json

LOG = logging.getLogger(__name__)

REPORT_VERSION = 1
REPORT_HTML_PATH = '_report/report.html'
STREAM_REPORT_SCOPE = 'tables: every row in OUTPUT, from every run of the stream into it; counters: this run'
BATCH_ROWS = 16_384
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


# ------------------------------------------------------------------ reading the tables

def _is_local(path: str) -> bool:
    scheme = re.match(r'^([A-Za-z][A-Za-z0-9+.-]*)://', path)
    return scheme is None or scheme.group(1).lower() == 'file'


def _join(root: str, *parts: str) -> str:
    return '/'.join([root.rstrip('/'), *parts])


def _local_batches(folder: str, columns: Sequence[str], where) -> Iterator:
    import pyarrow.dataset as ds
    if folder.startswith('file://'):
        folder = folder[len('file://'):]
    if not os.path.isdir(folder):       # a streaming output has no folder for a table that got no row
        return
    dataset = ds.dataset(folder, format='parquet', partitioning='hive')
    if not dataset.files:
        return
    yield from dataset.to_batches(columns=list(columns), filter=where, batch_size=BATCH_ROWS)


def _beam_batches(folder: str, columns: Sequence[str], where) -> Iterator:
    """The same through Beam's filesystems (gs://, s3://, ...): the paths the
    run itself wrote with. Files under `_`/`.` names are skipped, as pyarrow
    does; partition columns are not needed by the report."""
    import pyarrow as pa
    import pyarrow.parquet as pq
    from apache_beam.io.filesystems import FileSystems
    paths = sorted(m.path for m in FileSystems.match([_join(folder, '**')])[0].metadata_list
                   if m.path.endswith('.parquet'))
    for path in paths:
        relative = path[len(folder.rstrip('/')):].strip('/').split('/')
        if any(part.startswith(('_', '.')) for part in relative):
            continue
        with FileSystems.open(path) as f:
            for batch in pq.ParquetFile(f).iter_batches(batch_size=BATCH_ROWS, columns=list(columns)):
                if where is not None:
                    table = pa.Table.from_batches([batch]).filter(where)
                    yield from table.to_batches()
                else:
                    yield batch


def table_batches(root: str, table: str, columns: Sequence[str], where=None) -> Iterator:
    """Record batches of `columns` of one table under `root`, optionally
    filtered by a pyarrow compute expression (applied in the scan)."""
    folder = _join(root, table)
    if _is_local(root):
        return _local_batches(folder, columns, where)
    return _beam_batches(folder, columns, where)


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

def _gather_articles(root: str, top_publishers: int) -> dict:
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


def _gather_rejects(root: str) -> dict:
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


def _gather_clusters(root: str, top: int, copies: int) -> dict:
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


def _rank(item: tuple) -> tuple:
    """Most frequent first, ties by value: the one order of every ranking."""
    return -item[1], item[0]


def _gather_boilerplate(root: str, top: int) -> dict:
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
            keep = {text for text, _ in heapq.nsmallest(MAX_DISTINCT_LINES // 2, totals.items(), key=_rank)}
            lines = {text: lines[text] for text in keep}
            totals = Counter({text: totals[text] for text in keep})
    distinct = None if pruned else len(totals)
    if pruned:
        # The survivors are the candidates; count them again, exactly.
        finalists = [text for text, _ in heapq.nsmallest(top * 4, totals.items(), key=_rank)]
        lines, totals = {}, Counter()
        for batch in table_batches(root, 'boilerplate', ('text', 'reason'),
                                   where & pc.field('text').isin(finalists)):
            for text, reason in zip(batch.column('text').to_pylist(), batch.column('reason').to_pylist()):
                lines.setdefault(text, Counter())[reason] += 1
                totals[text] += 1
    ranked = heapq.nsmallest(top, totals.items(), key=_rank)
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
        gathered = _gather_articles(tables_root, top_publishers)
        gathered.update(_gather_rejects(tables_root))
        gathered.update(_gather_clusters(tables_root, top_clusters, cluster_copies))
        gathered.update(_gather_boilerplate(tables_root, top_boilerplate))
    except Exception as exc:
        report['report_error'] = _one_line(exc)
        LOG.warning('run report: cannot read the tables under %s: %s', tables_root, report['report_error'])
        return report
    report.update(gathered)
    LOG.info('run report gathered from %s in %.2f s', tables_root, time.monotonic() - started)
    return report


def _one_line(exc: BaseException) -> str:
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return f'{type(exc).__name__}: {lines[0] if lines else ""}'[:500]


# ------------------------------------------------------------------ rendering

def _e(value) -> str:
    """Every value from the data goes through here: article text is hostile."""
    return html.escape('' if value is None else str(value), quote=True)


def _fmt(n) -> str:
    """A number for the page (HTML-safe whatever it is given)."""
    if n is None:
        return '–'
    if isinstance(n, bool) or not isinstance(n, (int, float)):
        return _e(n)
    if isinstance(n, float):
        return f'{n:,.4g}' if abs(n) < 1000 else f'{n:,.0f}'
    return f'{n:,}'


def _pct(share) -> str:
    return f'{100 * (share or 0):.1f}%'


def _axis(value: float, ticks: int = 4) -> Tuple[float, float]:
    """(top of the axis, tick step): a step of 1, 2 or 5 times a power of
    ten, whole numbers for counts, about `ticks` steps up to `value`."""
    if value <= 0:
        return 1, 1
    rough = value / ticks
    power = 10 ** math.floor(math.log10(rough))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if rough <= m * power and (m * power) % 1 == 0)
    step = max(step, 1)
    return step * math.ceil(value / step), step


def _no_data(width: int, what: str = 'no data') -> str:
    return (f'<svg class="chart nodata" role="img" viewBox="0 0 {width} 56" width="{width}" height="56">'
            f'<title>{_e(what)}</title><rect x="0.5" y="0.5" width="{width - 1}" height="55" rx="6" '
            f'class="nodata-box"/><text x="{width / 2}" y="33" text-anchor="middle" class="nodata-text">'
            f'{_e(what)}</text></svg>')


def column_chart(bars: Sequence[Tuple[str, float, str]], *, title: str, width: int = 560, height: int = 220,
                 y_label: str = '', value_labels: bool = True) -> str:
    """Vertical bars: (label, value, tooltip). Labels thinned to fit."""
    if not bars or not any(value for _, value, _ in bars):
        return _no_data(width)
    left, right, top, bottom = 46, 10, 18, 34
    plot_w, plot_h = width - left - right, height - top - bottom
    peak, step = _axis(max(value for _, value, _ in bars))
    slot = plot_w / len(bars)
    bar_w = min(56.0, max(1.0, slot * 0.78))
    longest = max(len(label) for label, _, _ in bars)
    every = max(1, math.ceil(len(bars) / max(1, plot_w // (longest * 6.2 + 10))))
    out = [f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="{width}" height="{height}">',
           f'<title>{_e(title)}</title>']
    for k in range(round(peak / step) + 1):
        value = step * k
        y = top + plot_h - plot_h * value / peak
        out.append(f'<line class="grid" x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}"/>'
                   f'<text class="tick" x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{_fmt_tick(value)}</text>')
    if y_label:
        out.append(f'<text class="axis" x="12" y="{top + plot_h / 2:.1f}" text-anchor="middle" '
                   f'transform="rotate(-90 12 {top + plot_h / 2:.1f})">{_e(y_label)}</text>')
    show_values = value_labels and len(bars) <= 24
    for i, (label, value, tip) in enumerate(bars):
        x = left + i * slot + (slot - bar_w) / 2
        h = plot_h * value / peak
        y = top + plot_h - h
        out.append(f'<rect class="bar" x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{max(h, 0):.1f}">'
                   f'<title>{_e(tip)}</title></rect>')
        if show_values and value:
            out.append(f'<text class="val" x="{x + bar_w / 2:.1f}" y="{y - 4:.1f}" text-anchor="middle">'
                       f'{_fmt(value)}</text>')
        if i % every == 0:
            out.append(f'<text class="tick" x="{x + bar_w / 2:.1f}" y="{top + plot_h + 16}" '
                       f'text-anchor="middle">{_e(label)}</text>')
    out.append(f'<line class="axis-line" x1="{left}" x2="{width - right}" y1="{top + plot_h}" y2="{top + plot_h}"/>')
    out.append('</svg>')
    return ''.join(out)


def _fmt_tick(value: float) -> str:
    return f'{value:,.0f}' if value == int(value) else f'{value:,.1f}'


def bar_list(rows: Sequence[Tuple[str, float, str, bool]], *, title: str, width: int = 560,
             label_width: int = 170) -> str:
    """Horizontal bars, one per row: (label, value, note shown after the bar,
    muted). For ranked categories: languages, publishers, sources. The scale
    is the largest plain row's: a muted catch-all row ("other", "unknown")
    larger than that is drawn full length with a break in it."""
    if not rows or not any(value for _, value, _, _ in rows):
        return _no_data(width)
    row_h, top = 24, 4
    height = top * 2 + row_h * len(rows)
    note_w = 96
    plot_w = width - label_width - note_w - 8
    peak = max([value for _, value, _, muted in rows if not muted] or [value for _, value, _, _ in rows]) or 1
    out = [f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="{width}" height="{height}">',
           f'<title>{_e(title)}</title>']
    for i, (label, value, note, muted) in enumerate(rows):
        y = top + i * row_h
        shown = label if len(label) <= 26 else label[:25] + '…'
        w = max(1.0 if value else 0.0, plot_w * min(value, peak) / peak)
        cut = (f'<line class="break" x1="{label_width + w * 0.86:.1f}" x2="{label_width + w * 0.84:.1f}" '
               f'y1="{y + 2}" y2="{y + row_h - 2}"/>' if value > peak else '')
        out.append(f'<text class="label" x="{label_width - 8}" y="{y + 16}" text-anchor="end">{_e(shown)}'
                   f'<title>{_e(label)}</title></text>'
                   f'<rect class="bar{" muted" if muted else ""}" x="{label_width}" y="{y + 4}" width="{w:.1f}" '
                   f'height="{row_h - 8}" rx="2"><title>{_e(label)}: {_e(note)}</title></rect>'
                   f'{cut}<text class="val" x="{label_width + w + 6:.1f}" y="{y + 16}">{_e(note)}</text>')
    out.append('</svg>')
    return ''.join(out)


def _date_bars(dates: dict) -> Tuple[List[Tuple[str, float, str]], str]:
    """Articles per day, month or year, whichever keeps the bars readable;
    the gaps between dated articles are shown as zeros."""
    days = [(datetime.date.fromisoformat(d['date']), d['count']) for d in dates.get('by_day', [])]
    if not days:
        return [], 'day'
    first, last = days[0][0], days[-1][0]
    span = (last - first).days
    if span <= 92:
        unit, key = 'day', (lambda d: d.isoformat())
        counts = Counter({key(d): n for d, n in days})
        labels = [(first + datetime.timedelta(days=k)).isoformat() for k in range(span + 1)]
    elif span <= 3 * 366:
        unit, key = 'month', (lambda d: f'{d.year:04d}-{d.month:02d}')
        counts = Counter()
        for d, n in days:
            counts[key(d)] += n
        labels, y, m = [], first.year, first.month
        while (y, m) <= (last.year, last.month):
            labels.append(f'{y:04d}-{m:02d}')
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    else:
        unit, key = 'year', (lambda d: f'{d.year:04d}')
        counts = Counter()
        for d, n in days:
            counts[key(d)] += n
        labels = [f'{y:04d}' for y in range(first.year, last.year + 1)]
    return [(label, counts.get(label, 0), f'{label}: {counts.get(label, 0):,} articles') for label in labels], unit


def _cluster_size_bars(sizes: Sequence[dict]) -> List[Tuple[str, float, str]]:
    counts = {s['size']: s['clusters'] for s in sizes}
    if not counts:
        return []
    biggest = max(counts)
    edges = [(n, n) for n in range(2, 11)] + [(11, 20), (21, 50), (51, 100), (101, 1000), (1001, None)]
    bars = []
    for low, high in edges:
        if low > biggest:
            break
        n = sum(c for s, c in counts.items() if s >= low and (high is None or s <= high))
        label = str(low) if low == high else (f'{low}+' if high is None else f'{low}–{high}')
        bars.append((label, n, f'{n:,} clusters of {label} articles'))
    small = sum(c for s, c in counts.items() if s < 2)   # a streaming window's row may list one member
    if small:
        bars.insert(0, ('1', small, f'{small:,} cluster rows with 1 article'))
    return bars


_TOKEN = re.compile(r"(\w(?:[\w'’-]*\w)?|[^\w\s])(\s*)")


def _word_tokens(text: str) -> List[Tuple[str, str]]:
    """(token, the whitespace after it): words, and each punctuation mark on
    its own, so a quote mark added before a word does not mark the word."""
    return [(m.group(1), m.group(2)) for m in _TOKEN.finditer(text or '')]


def word_diff_html(canonical: str, copy: str) -> Tuple[str, int, int]:
    """The copy, with the words it added marked <ins class="diff-ins"> and the
    canonical's words it lost marked <del class="diff-del">, word by word
    (difflib). Returns the HTML and the counts of inserted and deleted words."""
    a, b = _word_tokens(canonical), _word_tokens(copy)
    matcher = difflib.SequenceMatcher(None, [w for w, _ in a], [w for w, _ in b], autojunk=False)
    out, inserted, deleted = [], 0, 0

    def words(tokens):
        return ''.join(_e(w) + _e(s) for w, s in tokens)

    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == 'equal':
            out.append(words(b[j1:j2]))
            continue
        if i2 > i1:
            deleted += i2 - i1
            gone = a[i1:i2]
            out.append(f'<del class="diff-del">{words(gone).rstrip()}</del> ')
        if j2 > j1:
            inserted += j2 - j1
            new = b[j1:j2]
            text = words(new)
            trail = text[len(text.rstrip()):]
            out.append(f'<ins class="diff-ins">{text.rstrip()}</ins>{trail}')
    return ''.join(out), inserted, deleted


def _passage_meta(p: dict, similarity: bool = True) -> str:
    bits = [f'<span class="pub">{_e(p.get("publisher") or "unknown publisher")}</span>',
            f'<span>{_e(p.get("published_date") or "undated")}</span>',
            f'<span class="mono" title="passage {_e(p.get("passage_id"))}">{_e(p.get("doc_id"))}</span>']
    if similarity and p.get('similarity') is not None:
        bits.append(f'<span>similarity {p["similarity"]:.2f}</span>')
    title = f'<div class="ptitle">{_e(p["title"])}</div>' if p.get('title') else ''
    return f'<div class="meta">{" · ".join(bits)}</div>{title}'


def _cluster_html(cluster: dict) -> str:
    canonical = cluster['canonical']
    base = canonical.get('text') or ''
    copies = []
    for p in cluster['copies']:
        diff, inserted, deleted = word_diff_html(base, p['text']) if base else (_e(p['text']), 0, 0)
        counts = [f'<span class="n-ins">+{inserted}</span>' if inserted else '',
                  f'<span class="n-del">−{deleted}</span>' if deleted else '']
        change = ' '.join(c for c in counts if c) + ' words' if inserted or deleted else 'identical words'
        copies.append(f'<div class="passage copy">{_passage_meta(p)}<div class="change">{change}</div>'
                      f'<div class="ptext">{diff}</div></div>')
    shown = len(cluster['copies'])
    more = cluster.get('copies_total', shown) - shown
    canonical_text = (_e(base) if base else '<em>the canonical passage is not in these tables</em>')
    return (f'<div class="cluster"><h3>Cluster <span class="mono">{_e(cluster["cluster_id"])}</span>: '
            f'{_plural(cluster["size"], "article")}, {_plural(cluster.get("copies_total", shown), "copy", "copies")}'
            f'{f" ({shown} most edited shown)" if more > 0 else ""}</h3>'
            f'<div class="cluster-cols"><div class="passage canonical"><div class="role">canonical</div>'
            f'{_passage_meta(canonical, similarity=False)}<div class="ptext">{canonical_text}</div></div>'
            f'<div class="copies">{"".join(copies) or "<p class=muted>no copy in these tables</p>"}</div>'
            f'</div></div>')


def _plural(n: int, one: str, many: Optional[str] = None) -> str:
    return f'{_fmt(n)} {one if n == 1 else (many or one + "s")}'


def _table(headers: Sequence[str], rows: Iterable[Sequence[str]], numeric: Sequence[int] = ()) -> str:
    """Cells are HTML already (escape first)."""
    head = ''.join(f'<th{" class=num" if i in numeric else ""}>{h}</th>' for i, h in enumerate(headers))
    body = ''.join('<tr>' + ''.join(f'<td{" class=num" if i in numeric else ""}>{c}</td>' for i, c in enumerate(row))
                   + '</tr>' for row in rows)
    return f'<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


CSS = """
:root{--ink:#1d2733;--muted:#6a7480;--line:#e3e6ea;--bg:#f5f6f7;--bar:#3d6fa8;--bar2:#b8c7d9;
--ins:#c8f0c4;--ins-ink:#14521a;--del:#ffd3d0;--del-ink:#8a1c12;--ok:#1f7a3a;--bad:#b3261e}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--ink);
font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,"Liberation Sans",sans-serif}
main{max-width:1220px;margin:0 auto;padding:20px 24px 48px}
h1{font-size:22px;margin:0 0 2px}h2{font-size:17px;margin:0 0 10px}h3{font-size:14px;margin:16px 0 8px}
.sub{color:var(--muted);margin:0 0 14px}
.mono{font-family:ui-monospace,"SFMono-Regular",Menlo,Consolas,"DejaVu Sans Mono",monospace;font-size:12px}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(132px,1fr));gap:10px}
.card{background:#fff;border:1px solid var(--line);border-radius:8px;padding:10px 12px}
.card .k{color:var(--muted);font-size:12px}.card .n{font-size:22px;font-weight:650;font-variant-numeric:tabular-nums}
.card .d{color:var(--muted);font-size:12px}
.ok{color:var(--ok)}.bad{color:var(--bad)}
section{background:#fff;border:1px solid var(--line);border-radius:8px;padding:16px 20px;margin:16px 0}
.grid2{display:grid;grid-template-columns:repeat(auto-fit,minmax(460px,1fr));gap:12px 28px}
.grid2>div{min-width:0}
.note{color:var(--muted);font-size:12px;margin:4px 0 0}
svg.chart{display:block;width:100%;max-width:100%;height:auto}
svg .bar{fill:var(--bar)}svg .bar.muted{fill:var(--bar2)}svg .grid{stroke:#edf0f2}
svg .axis-line{stroke:#9aa3ad}svg .break{stroke:#fff;stroke-width:4}
svg text{font-size:11px;fill:#4a5560}svg .val{fill:var(--ink);font-size:11px}
svg .label{font-size:12px;fill:var(--ink)}svg .axis{fill:var(--muted)}
svg .nodata-box{fill:#fafbfc;stroke:var(--line)}svg .nodata-text{fill:var(--muted);font-size:13px}
table{border-collapse:collapse;width:100%;font-size:13px}
th,td{text-align:left;padding:4px 8px;border-bottom:1px solid var(--line);vertical-align:top}
th{font-weight:600;color:var(--muted);font-size:12px}
.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.hbar{height:10px;margin-top:5px;background:#eef2f6;border-radius:2px;min-width:80px}
.hbar span{display:block;height:100%;background:var(--bar);border-radius:2px}
td.line{overflow-wrap:anywhere;white-space:pre-wrap}
.cluster{border-top:1px solid var(--line);padding-top:4px;margin-top:12px}
.cluster:first-of-type{border-top:0}
.cluster-cols{display:grid;grid-template-columns:minmax(260px,1fr) minmax(0,2fr);gap:12px;align-items:start}
.copies{display:grid;grid-template-columns:repeat(auto-fill,minmax(260px,1fr));gap:12px}
.passage{border:1px solid var(--line);border-radius:6px;padding:8px 10px;background:#fcfcfd;min-width:0}
.passage.canonical{background:#f3f7fc;border-color:#c9d8ea}
.role{font-size:11px;text-transform:uppercase;letter-spacing:.05em;color:var(--bar);font-weight:650}
.meta{color:var(--muted);font-size:12px}.meta .pub{color:var(--ink);font-weight:600}
.ptitle{font-size:12px;font-style:italic;color:var(--muted);overflow-wrap:anywhere}
.change{font-size:12px;margin:2px 0 4px;color:var(--muted)}
.n-ins,.n-del{font-weight:650;border-radius:2px;padding:0 3px}
.n-ins{background:var(--ins);color:var(--ins-ink)}.n-del{background:var(--del);color:var(--del-ink)}
.ptext{white-space:pre-wrap;overflow-wrap:anywhere;margin-top:4px}
ins.diff-ins{background:var(--ins);color:var(--ins-ink);text-decoration:none;border-radius:2px;padding:0 1px}
del.diff-del{background:var(--del);color:var(--del-ink);text-decoration:line-through;border-radius:2px;padding:0 1px}
.muted{color:var(--muted)}
.error{background:#fff4f2;border:1px solid #f0c4bd;color:var(--bad);border-radius:8px;padding:10px 14px}
details summary{cursor:pointer;color:var(--muted)}
"""


def _card(key: str, value, detail: str = '', cls: str = '') -> str:
    return (f'<div class="card"><div class="k">{_e(key)}</div><div class="n {cls}">{value}</div>'
            f'<div class="d">{detail}</div></div>')


def _summary_cards(r: dict) -> str:
    by_stage = ', '.join(f'{_e(s)} {_fmt(n)}' for s, n in (r.get('rejected_by_stage') or {}).items() if n)
    accounting = {True: ('ok', 'ok'), False: ('MISMATCH', 'bad'), None: ('unchecked', '')}.get(
        r.get('accounting_ok'), ('unchecked', ''))
    seconds = r.get('seconds')
    return '<div class="cards">' + ''.join([
        _card('records read', _fmt(r.get('records_read')), _plural(r.get('files_read') or 0, 'file')),
        _card('articles', _fmt(r.get('articles_written')), 'written'),
        _card('rejected', _fmt(r.get('rejected')), by_stage or 'none'),
        _card('boilerplate lines', _fmt(r.get('boilerplate_lines_removed')),
              f'removed; +{_fmt(r.get("header_lines_split"))} header lines moved into fields'),
        _card('passages', _fmt(r.get('passages'))),
        _card('duplicates', _fmt(r.get('duplicate_passages')),
              f'passages, in {_plural(r.get("clusters") or 0, "cluster")}'),
        _card('accounting', accounting[0], f'{_fmt(r.get("records_read"))} read = {_fmt(r.get("articles_written"))} '
              f'articles + {_fmt(r.get("rejected"))} rejects', accounting[1]),
        _card('run time', f'{seconds:,.1f} s' if isinstance(seconds, (int, float)) else '–', _e(r.get('runner'))),
    ]) + '</div>'


def _ranked_rows(items: Sequence[dict], extra: Sequence[Tuple[str, int, bool]] = (),
                 total: Optional[int] = None) -> list:
    rows = [(str(i['value']), i['count'], f'{_fmt(i["count"])} · {_pct(i["share"])}', False) for i in items]
    for label, n, muted in extra:
        if n:
            share = n / total if total else 0
            rows.append((label, n, f'{_fmt(n)} · {_pct(share)}', muted))
    return rows


def render_report_html(report: dict) -> str:
    """One self-contained HTML page for `report` (gather_report's dict)."""
    r = report
    articles = r.get('articles_in_tables', r.get('articles_written', 0)) or 0
    parts = []
    title = f'Run report: {r.get("output", "")}'
    scope = f' · {_e(r["report_scope"])}' if r.get('report_scope') else ''
    parts.append(f'<header><h1>{_e(title)}</h1><p class="sub">runner {_e(r.get("runner", "unknown"))} · '
                 f'run time {_fmt(r.get("seconds"))} s{scope}</p>{_summary_cards(r)}</header>')
    if r.get('report_error'):
        parts.append(f'<section class="error">The tables could not be read for this report: '
                     f'{_e(r["report_error"])}</section>')

    # Articles: when, which language, where from.
    dates = r.get('published_dates') or {}
    bars, unit = _date_bars(dates)
    undated = dates.get('undated', 0)
    span = f' from {_e(dates["first"])} to {_e(dates["last"])}' if dates.get('first') else ''
    parts.append(
        '<section><h2>Articles per published date</h2>'
        + column_chart(bars, title=f'articles per {unit} of published_date', width=1160, height=240,
                       y_label='articles', value_labels=len(bars) <= 40)
        + f'<p class="note">per {unit}; {_fmt(dates.get("dated", 0))} dated{span}, '
          f'<b>{_fmt(undated)} undated</b> (not in the chart)</p></section>')
    publishers = r.get('publishers') or {}
    publisher_rows = _ranked_rows(publishers.get('top', []), [
        (f'other ({_fmt(publishers.get("other_publishers", 0))} publishers)', publishers.get('other', 0), True),
        ('unknown publisher', publishers.get('unknown', 0), True)], articles)
    parts.append(
        '<section class="grid2">'
        '<div><h2>Languages</h2>' + bar_list(_ranked_rows(r.get('languages', [])), title='articles per language')
        + '<h2 style="margin-top:18px">Date source</h2>'
        + bar_list(_ranked_rows(r.get('date_sources', [])), title='articles per date_source')
        + '<h2 style="margin-top:18px">Input format</h2>'
        + bar_list(_ranked_rows(r.get('formats', [])), title='articles per input format') + '</div>'
        '<div><h2>Top publishers</h2>'
        + bar_list(publisher_rows, title='articles per publisher', label_width=190)
        + f'<p class="note">{_fmt(publishers.get("distinct", 0))} publishers in all</p></div></section>')

    # Length and duplication.
    words = r.get('n_words') or {}
    quantiles = [(name, words.get(name)) for name, _ in N_WORDS_QUANTILES] + [('mean', words.get('mean'))]
    words_table = (_table(['n_words', 'words'], [(name, _fmt(v)) for name, v in quantiles], numeric=(1,))
                   if words.get('articles') else '<p class="muted">no data</p>')
    dup = r.get('dup_ratio') or {}
    dup_bars = [('0', dup.get('zero', 0), f'dup_ratio = 0: {_fmt(dup.get("zero", 0))} articles')] + [
        (f'{b["low"]:.1f}–{b["high"]:.1f}', b['count'], f'{b["low"]:.1f} < dup_ratio ≤ {b["high"]:.1f}: '
         f'{_fmt(b["count"])} articles') for b in dup.get('bins', [])]
    parts.append(
        '<section class="grid2"><div><h2>Duplicated share of each article (dup_ratio)</h2>'
        + column_chart(dup_bars, title='articles by dup_ratio', y_label='articles')
        + f'<p class="note">share of an article\'s characters in passages reprinted from elsewhere; '
          f'mean {_fmt(dup.get("mean"))}</p></div>'
        '<div><h2>Article length</h2>' + words_table
        + f'<p class="note">words in <code>text</code>, {_fmt(words.get("articles", 0))} articles</p></div>'
        '</section>')

    # Reuse clusters.
    cluster_bars = _cluster_size_bars(r.get('cluster_sizes', []))
    largest = r.get('largest_clusters', [])
    parts.append(
        '<section><div class="grid2"><div><h2>Duplicate clusters by size</h2>'
        + column_chart(cluster_bars, title='clusters by number of articles', y_label='clusters')
        + '<p class="note">articles per cluster of reprinted passages</p></div><div>'
        + '<h2>Duplicate passages</h2>'
        + _table(['', 'count'], [('passages', _fmt(r.get('passages'))),
                                 ('duplicate passages', _fmt(r.get('duplicate_passages'))),
                                 ('clusters', _fmt(r.get('clusters'))),
                                 ('candidate pairs', _fmt(r.get('dedup_candidate_pairs'))),
                                 ('verified pairs', _fmt(r.get('dedup_verified_pairs'))),
                                 ('unconverged nodes', _fmt(r.get('dedup_unconverged_nodes')))], numeric=(1,))
        + '</div></div>'
        + '<h2 style="margin-top:18px">Largest reuse clusters</h2>'
        + '<p class="note">the canonical passage (earliest published) on the left, its copies on the right: '
          '<ins class="diff-ins">words the copy added</ins>, <del class="diff-del">words it dropped</del></p>'
        + (''.join(_cluster_html(c) for c in largest) or '<p class="muted">no duplicate cluster</p>')
        + '</section>')

    # Boilerplate lines.
    bp = r.get('boilerplate_lines') or {}
    top_lines = bp.get('top', [])
    peak = max([line['count'] for line in top_lines] or [1])
    line_rows = [(_fmt(line['count']),
                  f'<div class="hbar"><span style="width:{100 * line["count"] / peak:.1f}%"></span></div>',
                  _e(', '.join(f'{k} {v}' for k, v in sorted(line['reasons'].items(), key=_rank))
                     if len(line['reasons']) > 1 else line['reason']),
                  _e(line['text'])) for line in top_lines]
    distinct = f', {_fmt(bp["distinct"])} distinct' if bp.get('distinct') is not None else ''
    parts.append(
        '<section><h2>Most frequent boilerplate lines cut</h2>'
        + (_table(['count', '', 'reason', 'line'], line_rows, numeric=(0,)) if top_lines
           else '<p class="muted">no data</p>')
        + f'<p class="note">{_fmt(bp.get("lines", 0))} boilerplate lines{distinct}, counted by exact text '
          '(header lines moved into fields are not counted)</p></section>')

    # Rejects.
    rejects = (r.get('rejects') or {}).get('by_stage_error', [])
    parts.append(
        '<section><h2>Rejects</h2>'
        + (_table(['stage', 'error', 'count'], [(_e(x['stage']), _e(x['error']), _fmt(x['count'])) for x in rejects],
                  numeric=(2,)) if rejects else '<p class="muted">no reject</p>')
        + '<p class="note"><code>make rejects OUTPUT=…</code> lists them with an example each</p></section>')

    # Every counter of the summary, for the record.
    scalars = [(k, v) for k, v in sorted(r.items()) if isinstance(v, (int, float, str, bool)) or v is None]
    parts.append('<section><details><summary>All run counters</summary>'
                 + _table(['counter', 'value'], [(_e(k), _e(v)) for k, v in scalars], numeric=(1,))
                 + '</details></section>')

    return ('<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            # Nothing may load or run: the page is data only, whatever the articles contain.
            '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
            'style-src \'unsafe-inline\'; img-src data:">'
            f'<title>{_e(title)}</title><style>{CSS}</style></head><body><main>'
            + '\n'.join(parts) + '</main></body></html>\n')


# ------------------------------------------------------------------ what the runs call

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
        LOG.warning('run report failed: %s', _one_line(exc), exc_info=True)
        report = dict(summary, report_error=_one_line(exc))
    files = {}
    if 'report_error' not in report:
        try:
            files[REPORT_HTML_PATH] = render_report_html(report).encode('utf-8')
        except Exception as exc:
            LOG.warning('run report: cannot render report.html: %s', _one_line(exc), exc_info=True)
            report['report_error'] = _one_line(exc)
    files[SUMMARY_PATH] = summary_json(report)
    return dict(sorted(files.items()))


def write_report(output: str, summary: dict, runner: Optional[str] = None, scope: Optional[str] = None) -> None:
    """Write OUTPUT/_report/report.html and summary.json for the tables in
    OUTPUT itself (a streaming run's, which are published as they go). A
    report.html that cannot be written is logged and noted in summary.json."""
    from transforms.write.write_tables import join_path, write_file
    files = report_files(output, summary, runner, scope)
    if REPORT_HTML_PATH in files:
        try:
            write_file(join_path(output, *REPORT_HTML_PATH.split('/')), files[REPORT_HTML_PATH])
        except Exception as exc:
            LOG.warning('run report: cannot write %s: %s', REPORT_HTML_PATH, _one_line(exc))
            import json
            files[SUMMARY_PATH] = summary_json(dict(json.loads(files[SUMMARY_PATH]), report_error=_one_line(exc)))
    write_file(join_path(output, *SUMMARY_PATH.split('/')), files[SUMMARY_PATH])
