"""Cost of a streaming window against everything remembered.

Builds the wire-reuse corpus (bench/wire_corpus.py) from the dev bodies,
streams all but the last 100 articles through `flag_window` in windows of
500, remembering their canonical passages in a BandKeyIndex as the stateful
step does, then times one window of the last 100 articles with that memory
against the same window with an empty one (same process):

    .venv/bin/python bench/stream_window_cost.py --articles 3000 10000
"""
from __future__ import annotations

import argparse
import gc
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.eval import load_pages  # noqa: E402
from bench.wire_corpus import build_wire_corpus  # noqa: E402
from transforms.reuse.dedup_settings import DedupSettings  # noqa: E402
from transforms.common.records import DocPassages  # noqa: E402
from transforms.reuse.remember_passages import BandKeyIndex, flag_window  # noqa: E402
from transforms.text.split_passages import split_passages  # noqa: E402

WINDOW = 100
FILL = 500


def measure(bodies, n: int) -> str:
    corpus = build_wire_corpus(bodies, n, seed=0)
    docs = [DocPassages(a, split_passages(a.doc_id, a.text)) for a in corpus.articles]
    gc.collect()
    gc.freeze()   # the corpus lives in this process, as it never does in a worker
    memory = BandKeyIndex()
    for start in range(0, n - WINDOW, FILL):
        _, _, entries = flag_window(docs[start:min(start + FILL, n - WINDOW)], memory, DedupSettings(), start)
        memory.add(entries)
    window = docs[n - WINDOW:]
    started = time.perf_counter()
    flag_window(window, memory, DedupSettings(), n)
    with_memory = time.perf_counter() - started
    started = time.perf_counter()
    flag_window(window, [], DedupSettings(), n)
    alone = time.perf_counter() - started
    gc.unfreeze()
    remembered = sum(len(e) for e in memory.entries)
    return (f'{n - WINDOW:>6} articles remembered ({remembered} passages): a window of {WINDOW} articles '
            f'takes {with_memory:.2f} s, {with_memory / alone:.1f}x the same window with nothing remembered '
            f'({alone:.2f} s)')


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--data', default=str(REPO.parent / 'shared' / 'data' / 'web-articles-dev'))
    parser.add_argument('--articles', type=int, nargs='+', default=[3000, 10000])
    args = parser.parse_args(argv)
    bodies = [gt['main_content'] for _, _, gt in load_pages(Path(args.data))]
    for n in args.articles:
        print(measure(bodies, n), flush=True)
    return 0


if __name__ == '__main__':
    sys.exit(main())
