"""The report's charts, drawn as inline SVG: vertical bars (`column_chart`)
and ranked horizontal bars (`bar_list`), a "no data" box when there is
nothing to draw."""
from __future__ import annotations

import math
from typing import Sequence, Tuple

from pipeline.report.html_text import escape, format_number


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
            f'<title>{escape(what)}</title><rect x="0.5" y="0.5" width="{width - 1}" height="55" rx="6" '
            f'class="nodata-box"/><text x="{width / 2}" y="33" text-anchor="middle" class="nodata-text">'
            f'{escape(what)}</text></svg>')


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
           f'<title>{escape(title)}</title>']
    for k in range(round(peak / step) + 1):
        value = step * k
        y = top + plot_h - plot_h * value / peak
        out.append(f'<line class="grid" x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}"/>'
                   f'<text class="tick" x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{_fmt_tick(value)}</text>')
    if y_label:
        out.append(f'<text class="axis" x="12" y="{top + plot_h / 2:.1f}" text-anchor="middle" '
                   f'transform="rotate(-90 12 {top + plot_h / 2:.1f})">{escape(y_label)}</text>')
    show_values = value_labels and len(bars) <= 24
    for i, (label, value, tip) in enumerate(bars):
        x = left + i * slot + (slot - bar_w) / 2
        h = plot_h * value / peak
        y = top + plot_h - h
        out.append(f'<rect class="bar" x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{max(h, 0):.1f}">'
                   f'<title>{escape(tip)}</title></rect>')
        if show_values and value:
            out.append(f'<text class="val" x="{x + bar_w / 2:.1f}" y="{y - 4:.1f}" text-anchor="middle">'
                       f'{format_number(value)}</text>')
        if i % every == 0:
            out.append(f'<text class="tick" x="{x + bar_w / 2:.1f}" y="{top + plot_h + 16}" '
                       f'text-anchor="middle">{escape(label)}</text>')
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
           f'<title>{escape(title)}</title>']
    for i, (label, value, note, muted) in enumerate(rows):
        y = top + i * row_h
        shown = label if len(label) <= 26 else label[:25] + '…'
        w = max(1.0 if value else 0.0, plot_w * min(value, peak) / peak)
        cut = (f'<line class="break" x1="{label_width + w * 0.86:.1f}" x2="{label_width + w * 0.84:.1f}" '
               f'y1="{y + 2}" y2="{y + row_h - 2}"/>' if value > peak else '')
        out.append(f'<text class="label" x="{label_width - 8}" y="{y + 16}" text-anchor="end">{escape(shown)}'
                   f'<title>{escape(label)}</title></text>'
                   f'<rect class="bar{" muted" if muted else ""}" x="{label_width}" y="{y + 4}" width="{w:.1f}" '
                   f'height="{row_h - 8}" rx="2"><title>{escape(label)}: {escape(note)}</title></rect>'
                   f'{cut}<text class="val" x="{label_width + w + 6:.1f}" y="{y + 16}">{escape(note)}</text>')
    out.append('</svg>')
    return ''.join(out)
