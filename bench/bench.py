"""`make bench`: the pipeline's articles per second as a ratio against a bare
trafilatura + langdetect loop over the same files, measured in the same run,
on one process and on two (each between two runs of the bare loop); then the
duplicate-passage stage.

    python bench/bench.py [--data DIR] [--pages N] [--workers 2] [--parts corpus,dedup]
                          [--dedup-articles 3000] [--dedup-sizes 25000,50000,100000]

Corpus (bench/bench_corpus.py): every dev page three times, as a fetched
.html.gz, as a record of a WARC.gz crawl and as a scraped text dump, so
2,379 articles from the 793 pages. The bare loop is what a user would write
without this project: decompress, trafilatura.extract (with metadata) on each
HTML page, jusText on each text dump (trafilatura returns nothing for plain
text), langdetect on the result. The pipeline does strictly more (decoding,
headers, boilerplate lines, passages, dedup, Parquet, atomic publish, the
run report). Each side runs in a fresh subprocess so neither warms the
other's caches; peak memory is the subprocess's max RSS (for two worker
processes, the largest worker's or the driver's).

Dedup stage: on a synthetic wire-reuse corpus (bench/wire_corpus.py) its cost
per article beside the pipeline's language detection on the same articles in
the same process, then its time and peak memory at growing corpus sizes, each
size in a fresh process. It runs the plain functions of FlagDuplicatePassages
(transforms/reuse/detect_reuse.detect_reuse: signatures, sharded band keys,
verification, components, matches), without Beam's shuffles.
"""
from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

BARE_LOOP = r'''
import json, resource, sys, time
from pathlib import Path
start = time.time()
from bench.bench_corpus import bare_extract, corpus_files
from langdetect import DetectorFactory, detect
DetectorFactory.seed = 0
n = 0
for path in corpus_files(Path(sys.argv[1])):
    for text in bare_extract(path):
        if text:
            try:
                detect(text[:3000])
            except Exception:
                pass
            n += 1
print(json.dumps({'seconds': time.time() - start, 'articles': n,
                  'peak_mb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
'''

PIPELINE = r'''
import json, resource, sys, time
start = time.time()
from pipeline.run import run
summary = run(['--output', sys.argv[1], '--quiet'] + sys.argv[2:])
print(json.dumps({'seconds': time.time() - start, 'articles': summary['articles_written'],
                  'peak_mb': max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                                 resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024}))
'''


DEDUP_SETUP = r'''
import json, resource, sys, time
sys.path.insert(0, '.')
from bench.eval import load_pages
from bench.wire_corpus import build_wire_corpus
from pathlib import Path
from transforms.reuse.detect_reuse import detect_reuse
from transforms.common.records import DocPassages
from transforms.text.split_passages import split_passages
n = int(sys.argv[2])
corpus = build_wire_corpus([gt['main_content'] for _, _, gt in load_pages(Path(sys.argv[1]))], n, seed=0)
docs = [DocPassages(a, split_passages(a.doc_id, a.text)) for a in corpus.articles]
# The whole corpus lives in this one process, as it never does in a Beam
# worker: keep its millions of objects out of the cyclic collector's passes,
# and time with the collector off, as `timeit` does.
import gc
gc.freeze()
gc.disable()
before_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
'''

# Cost per article: dedup beside language detection, same articles, same process.
DEDUP_COST = DEDUP_SETUP + r'''
from transforms.text.detect_language import LanguageDetector
detector = LanguageDetector()
detector.detect(docs[0].article.text)
start = time.perf_counter()
for doc in docs:
    detector.detect(doc.article.text)
language = time.perf_counter() - start
start = time.perf_counter()
detect_reuse(docs)
dedup = time.perf_counter() - start
print(json.dumps({'articles': n, 'language_ms': 1000 * language / n, 'dedup_ms': 1000 * dedup / n}))
'''

# Scaling: the dedup stage alone, with its steps timed and the process's peak memory.
ARTICLES_PER_SHARD = 400
DEDUP_SCALE = DEDUP_SETUP + f'ARTICLES_PER_SHARD = {ARTICLES_PER_SHARD}\n' + r'''
from transforms.reuse.dedup_settings import DedupSettings
# Shards grow with the corpus, as --dedup-shards would on a cluster: a shard
# keeps the same size (and memory) whatever the corpus size.
shards = 64
timings = {}
start = time.perf_counter()
result = detect_reuse(docs, DedupSettings(shards=shards), timings=timings)
print(json.dumps({'articles': n, 'shards': shards, 'seconds': time.perf_counter() - start, 'steps': timings,
                  'corpus_mb': before_mb, 'peak_mb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  'clusters': len(result.clusters), 'edges': len(result.edges),
                  'passages': sum(len(d.passages) for d in docs)}))
'''


def measure(code: str, *args: str) -> dict:
    result = subprocess.run([sys.executable, '-c', code, *args], cwd=REPO, capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f'benchmark step failed:\n{result.stderr[-2000:]}')
    return json.loads(result.stdout.strip().splitlines()[-1])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--data', default=str(REPO.parent / 'shared' / 'data' / 'web-articles-dev'))
    parser.add_argument('--pages', type=int, default=None, help='dev pages to use (default: all)')
    parser.add_argument('--workers', type=int, default=2)
    parser.add_argument('--parts', default='corpus,dedup', help='which benchmarks to run (default %(default)s)')
    parser.add_argument('--dedup-articles', type=int, default=3000,
                        help='wire-reuse corpus size for the dedup cost per article (default %(default)s)')
    parser.add_argument('--dedup-sizes', default='25000,50000,100000',
                        help='corpus sizes for the dedup scaling run (default %(default)s)')
    args = parser.parse_args(argv)
    parts = set(args.parts.split(','))
    if 'corpus' in parts:
        bench_corpus(args)
    if 'dedup' in parts:
        bench_dedup(args)
    return 0


def bench_dedup(args) -> None:
    cost = measure(DEDUP_COST, args.data, str(args.dedup_articles))
    print(f'\nduplicate passages on a {cost["articles"]}-article wire-reuse corpus (bench/wire_corpus.py), '
          f'same articles, same process')
    print(f'{"step":<34}{"ms/article":>11}{"x language":>12}')
    print(f'{"language detection (DetectLanguage)":<34}{cost["language_ms"]:>11.2f}{1:>12.2f}')
    print(f'{"dedup stage (FlagDuplicatePassages)":<34}{cost["dedup_ms"]:>11.2f}'
          f'{cost["dedup_ms"] / cost["language_ms"]:>12.2f}')
    sizes = [int(n) for n in args.dedup_sizes.split(',') if n]
    runs = [measure(DEDUP_SCALE, args.data, str(n)) for n in sizes]
    print('\ndedup stage alone at growing corpus sizes (each in a fresh process)')
    steps = list(runs[0]['steps'])
    print(f'{"articles":>9}{"shards":>7}{"passages":>10}{"seconds":>9}{"x time":>8}{"x articles":>11}{"ms/art":>8}'
          f'{"corpus MB":>10}{"peak MB":>9}  ' + ' '.join(f'{s:>10}' for s in steps))
    for run in runs:
        print(f'{run["articles"]:>9}{run["shards"]:>7}{run["passages"]:>10}{run["seconds"]:>9.1f}'
              f'{run["seconds"] / runs[0]["seconds"]:>8.2f}{run["articles"] / runs[0]["articles"]:>11.2f}'
              f'{1000 * run["seconds"] / run["articles"]:>8.2f}{run["corpus_mb"]:>10.0f}{run["peak_mb"]:>9.0f}  '
              + ' '.join(f'{run["steps"][s]:>10.1f}' for s in steps))


def bench_corpus(args) -> None:
    """The generated corpus: the pipeline on one and on two processes, each
    between two runs of the bare loop. Timings on a shared machine drift by
    up to 30% from hour to hour (docs/benchmarks.md); a pipeline run is
    compared with the mean rate of the bare runs just before and after it,
    which take the same drift."""
    work = Path(tempfile.mkdtemp(prefix='news-ingest-bench-'))
    try:
        sys.path.insert(0, str(REPO))
        from bench.bench_corpus import build_bench_corpus
        corpus = work / 'corpus'
        counts = build_bench_corpus(Path(args.data), corpus, args.pages)
        inputs = ['--input', str(corpus / 'html' / '*.html.gz'), '--input', str(corpus / 'warc' / '*.warc.gz'),
                  '--input', str(corpus / 'text' / '*.txt')]
        multi = ('--direct_running_mode=multi_processing', f'--direct_num_workers={args.workers}')
        bare = 'bare trafilatura/jusText + langdetect'
        runs = [(bare, measure(BARE_LOOP, str(corpus))),
                ('pipeline, 1 process', measure(PIPELINE, str(work / 'out1'), *inputs)),
                (bare, measure(BARE_LOOP, str(corpus))),
                (f'pipeline, {args.workers} processes', measure(PIPELINE, str(work / 'out2'), *inputs, *multi)),
                (bare, measure(BARE_LOOP, str(corpus)))]
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print_table(f"{sum(counts.values())} articles generated from {counts['html']} dev pages "
                f"({', '.join(f'{n} {kind}' for kind, n in counts.items())})", runs)
    print()


def rate(measurement: dict) -> float:
    return measurement['articles'] / measurement['seconds']


def bracketed_ratios(runs: list) -> list:
    """Per run (runs alternate bare, pipeline, bare, ...): a bare run's rate
    as a ratio of all bare runs' mean (how far the machine drifted), a
    pipeline run's as a ratio of the mean of the bare runs on either side."""
    bare_rates = [rate(m) for k, (_, m) in enumerate(runs) if k % 2 == 0]
    mean = sum(bare_rates) / len(bare_rates)
    return [rate(m) / mean if k % 2 == 0 else 2 * rate(m) / (rate(runs[k - 1][1]) + rate(runs[k + 1][1]))
            for k, (_, m) in enumerate(runs)]


def print_table(title: str, runs: list) -> None:
    """Articles per second of each (name, measurement), as `bracketed_ratios`."""
    print(title)
    print(f'{"run":<38}{"articles":>9}{"seconds":>9}{"art/s":>8}{"x bare":>8}{"peak MB":>9}')
    for (name, m), ratio in zip(runs, bracketed_ratios(runs)):
        print(f'{name:<38}{m["articles"]:>9}{m["seconds"]:>9.1f}{rate(m):>8.1f}{ratio:>8.2f}{m["peak_mb"]:>9.0f}')
    print('x bare: a bare run against the mean of all bare runs; a pipeline run against the two bare runs around it')


if __name__ == '__main__':
    sys.exit(main())
