"""Latency of the streaming job: from a file landing in the watched folder
to its article being readable with pyarrow.dataset.

Starts `python -m pipeline.run --streaming` on an empty folder, drops one
dev page at a time (a rename, as a finished copy lands), and polls the
articles table until the page's row is there. A row becomes readable when
its window closes, so latency is the rest of the window, plus up to two
poll intervals (a file is read once it is unchanged over one interval),
plus the work. Prints each file's latency and the summary:

    .venv/bin/python bench/stream_latency.py --window-minutes 0.25 --poll-interval 1 --files 6
"""
from __future__ import annotations

import argparse
import gzip
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def readable_sources(articles: Path) -> set:
    import pyarrow.dataset as ds
    if not articles.exists():
        return set()
    try:
        table = ds.dataset(articles, format='parquet', partitioning='hive').to_table(columns=['source_uri'])
    except Exception:   # a partition folder appearing while we list it
        return set()
    return {Path(uri).name for uri in table.column('source_uri').to_pylist()}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--data', default=str(REPO.parent / 'shared' / 'data' / 'web-articles-dev'))
    parser.add_argument('--window-minutes', type=float, default=0.25)
    parser.add_argument('--poll-interval', type=float, default=1.0)
    parser.add_argument('--files', type=int, default=6)
    parser.add_argument('--gap', type=float, default=7.0, help='seconds between drops')
    args = parser.parse_args(argv)

    pages = sorted((Path(args.data) / 'html').glob('*.html.gz'))[:args.files]
    root = Path(tempfile.mkdtemp(prefix='stream-latency-'))
    inbox, output, staged = root / 'inbox', root / 'out', root / 'staged'
    inbox.mkdir(), staged.mkdir()
    for page in pages:
        (staged / page.name.replace('.gz', '')).write_bytes(gzip.decompress(page.read_bytes()))
    window = args.window_minutes * 60
    job = subprocess.Popen(
        [sys.executable, '-m', 'pipeline.run', '--streaming', '--input', str(inbox / '*'), '--output', str(output),
         '--window-minutes', str(args.window_minutes), '--poll-interval', str(args.poll_interval),
         '--max-idle', str(window + 4 * args.poll_interval + 5), '--quiet'],
        cwd=REPO, env=dict(os.environ, PYTHONPATH=str(REPO)), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True)
    time.sleep(3)
    landed, latency = {}, {}
    def watch_output(until: float):
        while time.time() < until and not (len(latency) == len(pages) == len(landed)):
            for name in readable_sources(output / 'articles') - latency.keys():
                if name in landed:
                    latency[name] = time.time() - landed[name]
            time.sleep(0.2)

    try:
        # Drops every `gap` seconds, whatever the window: they land at
        # different points of their windows.
        for path in sorted(staged.iterdir()):
            os.rename(path, inbox / path.name)
            landed[path.name] = time.time()
            watch_output(time.time() + args.gap)
        watch_output(time.time() + window + 30)
        job.communicate(timeout=window + 120)
    finally:
        if job.poll() is None:
            job.kill()
    for name in sorted(landed):
        print(f'{name:<16} {latency.get(name, float("nan")):6.1f} s')
    values = sorted(latency.values())
    print(f'window {window:.0f} s, poll {args.poll_interval:.1f} s: {len(values)}/{len(landed)} files readable; '
          f'latency min {values[0]:.1f} s, median {statistics.median(values):.1f} s, max {values[-1]:.1f} s '
          f'(bound: window + 2 polls + work = {window + 2 * args.poll_interval:.0f} s + work)')
    return 0 if len(values) == len(landed) else 1


if __name__ == '__main__':
    sys.exit(main())
