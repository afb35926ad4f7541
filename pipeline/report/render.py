"""Rendering the run report: `render_report_html(report)` turns
gather_report's dict into one self-contained HTML page: no script, no
external URL, no web font; every value from the data escaped. Charts are
inline SVG (charts.py), reuse clusters are shown word by word (clusters.py).
"""
from __future__ import annotations

import datetime
from collections import Counter
from typing import Iterable, List, Optional, Sequence, Tuple

from pipeline.report.charts import bar_list, column_chart
from pipeline.report.clusters import cluster_html
from pipeline.report.gather import N_WORDS_QUANTILES, rank_order
from pipeline.report.html_text import escape, format_number, plural


def _pct(share) -> str:
    return f'{100 * (share or 0):.1f}%'


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
    return (f'<div class="card"><div class="k">{escape(key)}</div><div class="n {cls}">{value}</div>'
            f'<div class="d">{detail}</div></div>')


def _summary_cards(r: dict) -> str:
    by_stage = ', '.join(f'{escape(s)} {format_number(n)}' for s, n in (r.get('rejected_by_stage') or {}).items() if n)
    accounting = {True: ('ok', 'ok'), False: ('MISMATCH', 'bad'), None: ('unchecked', '')}.get(
        r.get('accounting_ok'), ('unchecked', ''))
    seconds = r.get('seconds')
    return '<div class="cards">' + ''.join([
        _card('records read', format_number(r.get('records_read')), plural(r.get('files_read') or 0, 'file')),
        _card('articles', format_number(r.get('articles_written')), 'written'),
        _card('rejected', format_number(r.get('rejected')), by_stage or 'none'),
        _card('boilerplate lines', format_number(r.get('boilerplate_lines_removed')),
              f'removed; +{format_number(r.get("header_lines_split"))} header lines moved into fields'),
        _card('passages', format_number(r.get('passages'))),
        _card('duplicates', format_number(r.get('duplicate_passages')),
              f'passages, in {plural(r.get("clusters") or 0, "cluster")}'),
        _card('accounting', accounting[0], f'{format_number(r.get("records_read"))} read = {format_number(r.get("articles_written"))} '
              f'articles + {format_number(r.get("rejected"))} rejects', accounting[1]),
        _card('run time', f'{seconds:,.1f} s' if isinstance(seconds, (int, float)) else '–', escape(r.get('runner'))),
    ]) + '</div>'


def _ranked_rows(items: Sequence[dict], extra: Sequence[Tuple[str, int, bool]] = (),
                 total: Optional[int] = None) -> list:
    rows = [(str(i['value']), i['count'], f'{format_number(i["count"])} · {_pct(i["share"])}', False) for i in items]
    for label, n, muted in extra:
        if n:
            share = n / total if total else 0
            rows.append((label, n, f'{format_number(n)} · {_pct(share)}', muted))
    return rows


def render_report_html(report: dict) -> str:
    """One self-contained HTML page for `report` (gather_report's dict)."""
    r = report
    articles = r.get('articles_in_tables', r.get('articles_written', 0)) or 0
    parts = []
    title = f'Run report: {r.get("output", "")}'
    scope = f' · {escape(r["report_scope"])}' if r.get('report_scope') else ''
    parts.append(f'<header><h1>{escape(title)}</h1><p class="sub">runner {escape(r.get("runner", "unknown"))} · '
                 f'run time {format_number(r.get("seconds"))} s{scope}</p>{_summary_cards(r)}</header>')
    if r.get('report_error'):
        parts.append(f'<section class="error">The tables could not be read for this report: '
                     f'{escape(r["report_error"])}</section>')

    # Articles: when, which language, where from.
    dates = r.get('published_dates') or {}
    bars, unit = _date_bars(dates)
    undated = dates.get('undated', 0)
    span = f' from {escape(dates["first"])} to {escape(dates["last"])}' if dates.get('first') else ''
    parts.append(
        '<section><h2>Articles per published date</h2>'
        + column_chart(bars, title=f'articles per {unit} of published_date', width=1160, height=240,
                       y_label='articles', value_labels=len(bars) <= 40)
        + f'<p class="note">per {unit}; {format_number(dates.get("dated", 0))} dated{span}, '
          f'<b>{format_number(undated)} undated</b> (not in the chart)</p></section>')
    publishers = r.get('publishers') or {}
    publisher_rows = _ranked_rows(publishers.get('top', []), [
        (f'other ({format_number(publishers.get("other_publishers", 0))} publishers)', publishers.get('other', 0), True),
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
        + f'<p class="note">{format_number(publishers.get("distinct", 0))} publishers in all</p></div></section>')

    # Length and duplication.
    words = r.get('n_words') or {}
    quantiles = [(name, words.get(name)) for name, _ in N_WORDS_QUANTILES] + [('mean', words.get('mean'))]
    words_table = (_table(['n_words', 'words'], [(name, format_number(v)) for name, v in quantiles], numeric=(1,))
                   if words.get('articles') else '<p class="muted">no data</p>')
    dup = r.get('dup_ratio') or {}
    dup_bars = [('0', dup.get('zero', 0), f'dup_ratio = 0: {format_number(dup.get("zero", 0))} articles')] + [
        (f'{b["low"]:.1f}–{b["high"]:.1f}', b['count'], f'{b["low"]:.1f} < dup_ratio ≤ {b["high"]:.1f}: '
         f'{format_number(b["count"])} articles') for b in dup.get('bins', [])]
    parts.append(
        '<section class="grid2"><div><h2>Duplicated share of each article (dup_ratio)</h2>'
        + column_chart(dup_bars, title='articles by dup_ratio', y_label='articles')
        + f'<p class="note">share of an article\'s characters in passages reprinted from elsewhere; '
          f'mean {format_number(dup.get("mean"))}</p></div>'
        '<div><h2>Article length</h2>' + words_table
        + f'<p class="note">words in <code>text</code>, {format_number(words.get("articles", 0))} articles</p></div>'
        '</section>')

    # Reuse clusters.
    cluster_bars = _cluster_size_bars(r.get('cluster_sizes', []))
    largest = r.get('largest_clusters', [])
    parts.append(
        '<section><div class="grid2"><div><h2>Duplicate clusters by size</h2>'
        + column_chart(cluster_bars, title='clusters by number of articles', y_label='clusters')
        + '<p class="note">articles per cluster of reprinted passages</p></div><div>'
        + '<h2>Duplicate passages</h2>'
        + _table(['', 'count'], [('passages', format_number(r.get('passages'))),
                                 ('duplicate passages', format_number(r.get('duplicate_passages'))),
                                 ('clusters', format_number(r.get('clusters'))),
                                 ('candidate pairs', format_number(r.get('dedup_candidate_pairs'))),
                                 ('verified pairs', format_number(r.get('dedup_verified_pairs'))),
                                 ('unconverged nodes', format_number(r.get('dedup_unconverged_nodes')))], numeric=(1,))
        + '</div></div>'
        + '<h2 style="margin-top:18px">Largest reuse clusters</h2>'
        + '<p class="note">the canonical passage (earliest published) on the left, its copies on the right: '
          '<ins class="diff-ins">words the copy added</ins>, <del class="diff-del">words it dropped</del></p>'
        + (''.join(cluster_html(c) for c in largest) or '<p class="muted">no duplicate cluster</p>')
        + '</section>')

    # Boilerplate lines.
    bp = r.get('boilerplate_lines') or {}
    top_lines = bp.get('top', [])
    peak = max([line['count'] for line in top_lines] or [1])
    line_rows = [(format_number(line['count']),
                  f'<div class="hbar"><span style="width:{100 * line["count"] / peak:.1f}%"></span></div>',
                  escape(', '.join(f'{k} {v}' for k, v in sorted(line['reasons'].items(), key=rank_order))
                     if len(line['reasons']) > 1 else line['reason']),
                  escape(line['text'])) for line in top_lines]
    distinct = f', {format_number(bp["distinct"])} distinct' if bp.get('distinct') is not None else ''
    parts.append(
        '<section><h2>Most frequent boilerplate lines cut</h2>'
        + (_table(['count', '', 'reason', 'line'], line_rows, numeric=(0,)) if top_lines
           else '<p class="muted">no data</p>')
        + f'<p class="note">{format_number(bp.get("lines", 0))} boilerplate lines{distinct}, counted by exact text '
          '(header lines moved into fields are not counted)</p></section>')

    # Rejects.
    rejects = (r.get('rejects') or {}).get('by_stage_error', [])
    parts.append(
        '<section><h2>Rejects</h2>'
        + (_table(['stage', 'error', 'count'], [(escape(x['stage']), escape(x['error']), format_number(x['count'])) for x in rejects],
                  numeric=(2,)) if rejects else '<p class="muted">no reject</p>')
        + '<p class="note"><code>make rejects OUTPUT=…</code> lists them with an example each</p></section>')

    # Every counter of the summary, for the record.
    scalars = [(k, v) for k, v in sorted(r.items()) if isinstance(v, (int, float, str, bool)) or v is None]
    parts.append('<section><details><summary>All run counters</summary>'
                 + _table(['counter', 'value'], [(escape(k), escape(v)) for k, v in scalars], numeric=(1,))
                 + '</details></section>')

    return ('<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            # Nothing may load or run: the page is data only, whatever the articles contain.
            '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
            'style-src \'unsafe-inline\'; img-src data:">'
            f'<title>{escape(title)}</title><style>{CSS}</style></head><body><main>'
            + '\n'.join(parts) + '</main></body></html>\n')
