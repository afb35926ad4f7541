"""`make bench`: the pipeline's articles per second as a ratio against a bare
trafilatura + langdetect loop over the same files, measured in the same run;
then the text path on raw text dumps of the same pages against a bare
jusText + langdetect loop.

    python bench/bench.py [--data DIR] [--pages N] [--workers 2]

The bare loop is what a user would write without this project: decompress,
trafilatura.extract, langdetect.detect. The pipeline does strictly more
(decoding, headers, passages, dedup, Parquet, atomic publish). Each side runs
in a fresh subprocess so neither warms the other's caches; peak memory is the
subprocess's max RSS.
"""
from __future__ import annotations

import argparse
import gzip
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

def bare_loop(setup: str, pattern: str, extract: str) -> str:
    """The code of a bare extraction loop, run in its own process: `setup`
    once, then for every file matching `pattern` under argv[1] the statement
    `extract` (which sets `text` from `path`), then langdetect on the text."""
    return f'''
import json, resource, sys, time
from pathlib import Path
start = time.time()
{setup}
from langdetect import DetectorFactory, detect
DetectorFactory.seed = 0
n = 0
for path in sorted(Path(sys.argv[1]).glob({pattern!r})):
    {extract}
    if text:
        try:
            detect(text[:3000])
        except Exception:
            pass
        n += 1
print(json.dumps({{'seconds': time.time() - start, 'articles': n,
                  'peak_mb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
'''


BARE_LOOP = bare_loop(
    'import gzip, trafilatura\nfrom trafilatura.settings import use_config\n'
    'config = use_config()\nconfig.set("DEFAULT", "EXTRACTION_TIMEOUT", "0")',
    '*.html.gz', 'text = trafilatura.extract(gzip.open(path).read(), with_metadata=True, config=config)')

# jusText on the dump's lines, each given to it as a paragraph (as `make eval` scores it)
BARE_TEXT_LOOP = bare_loop('from bench.eval import justext_body', '*.txt',
                           'text = justext_body(path.read_text(encoding="utf-8"))')

PIPELINE = r'''
import json, resource, sys, time
start = time.time()
from pipeline.run import run
summary = run(['--input', sys.argv[1], '--output', sys.argv[2], '--quiet'] + sys.argv[3:])
print(json.dumps({'seconds': time.time() - start, 'articles': summary['articles_written'],
                  'peak_mb': max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                                 resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024}))
'''


def measure(code: str, *args: str) -> dict:
    result = subprocess.run([sys.executable, '-c', code, *args], cwd=REPO, capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f'benchmark step failed:\n{result.stderr[-2000:]}')
    return json.loads(result.stdout.strip().splitlines()[-1])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--data', default=str(REPO.parent / 'shared' / 'data' / 'web-articles-dev'))
    parser.add_argument('--pages', type=int, default=400, help='dev pages to use (default %(default)s)')
    parser.add_argument('--workers', type=int, default=2)
    args = parser.parse_args(argv)

    work = Path(tempfile.mkdtemp(prefix='news-ingest-bench-'))
    try:
        pages = sorted((Path(args.data) / 'html').glob('*.html.gz'))[:args.pages]
        corpus = work / 'corpus'
        corpus.mkdir()
        for page in pages:
            shutil.copy(page, corpus / page.name)
        bare = measure(BARE_LOOP, str(corpus))
        one = measure(PIPELINE, str(corpus / '*.html.gz'), str(work / 'out1'))
        many = measure(PIPELINE, str(corpus / '*.html.gz'), str(work / 'out2'),
                       '--direct_running_mode=multi_processing', f'--direct_num_workers={args.workers}')
        # the text path: the same pages as raw text dumps (bench/text_dumps.py)
        sys.path.insert(0, str(REPO))
        from bench.text_dumps import page_text_dump
        dumps = work / 'text'
        dumps.mkdir()
        for page in pages:
            text = page_text_dump(gzip.open(page).read().decode('utf-8', 'replace'))
            (dumps / (page.name.split('.')[0] + '.txt')).write_text(text, encoding='utf-8')
        bare_text = measure(BARE_TEXT_LOOP, str(dumps))
        text_one = measure(PIPELINE, str(dumps / '*.txt'), str(work / 'out3'))
        text_many = measure(PIPELINE, str(dumps / '*.txt'), str(work / 'out4'),
                            '--direct_running_mode=multi_processing', f'--direct_num_workers={args.workers}')
    finally:
        shutil.rmtree(work, ignore_errors=True)

    workers = f'pipeline, {args.workers} processes'
    print_table(f'{len(pages)} HTML pages from {args.data}',
                [('bare trafilatura + langdetect', bare), ('pipeline, 1 process', one), (workers, many)])
    print_table(f'\nthe same {len(pages)} pages as raw text dumps',
                [('bare jusText + langdetect', bare_text), ('pipeline, 1 process', text_one), (workers, text_many)])
    return 0


def print_table(title: str, runs: list) -> None:
    """Articles per second of each (name, measurement), as a ratio of the first (the bare loop)."""
    def rate(m):
        return m['articles'] / m['seconds']

    print(title)
    print(f'{"run":<34}{"articles":>9}{"seconds":>9}{"art/s":>8}{"x bare":>8}{"peak MB":>9}')
    for name, m in runs:
        print(f'{name:<34}{m["articles"]:>9}{m["seconds"]:>9.1f}{rate(m):>8.1f}'
              f'{rate(m) / rate(runs[0][1]):>8.2f}{m["peak_mb"]:>9.0f}')


if __name__ == '__main__':
    sys.exit(main())
