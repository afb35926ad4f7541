"""Command-line options of the ingestion job.

Our own options are parsed here; everything else on the command line is a
Beam option and passes through untouched to the runner (Dataflow, Flink,
Spark, Portable, ...).
"""
from __future__ import annotations

import argparse
from dataclasses import dataclass
from typing import List, Optional, Sequence, Tuple

from transforms.read.read_dumps import (DEFAULT_MAX_ARTICLE_CHARS, DEFAULT_MAX_INLINE_RAW_BYTES, DEFAULT_MAX_RECORD_BYTES,
                                   INPUT_FORMATS, InputLimits)
from transforms.reuse.candidate_pairs import DEFAULT_SHARDS
from transforms.reuse.flag_duplicates import IN_MEMORY_ARTICLES, MIN_PASSAGE_WORDS
from transforms.reuse.reuse_clusters import DEFAULT_ROUNDS, IN_MEMORY_EDGES
from transforms.text.recurring_lines import RecurrencePolicy
from transforms.read.ingest_windows import DEFAULT_ALLOWED_LATENESS_MINUTES, DEFAULT_WINDOW_MINUTES
from transforms.reuse.remember_passages import DEFAULT_RETENTION_DAYS


class UsageError(Exception):
    """A problem with the command line: reported in one line, exit status 2."""


@dataclass(frozen=True)
class IngestOptions:
    inputs: Tuple[str, ...]
    output: str
    input_format: str = 'auto'
    max_record_bytes: int = DEFAULT_MAX_RECORD_BYTES
    max_article_chars: int = DEFAULT_MAX_ARTICLE_CHARS
    max_inline_raw_bytes: int = DEFAULT_MAX_INLINE_RAW_BYTES
    min_passage_words: int = MIN_PASSAGE_WORDS
    boilerplate: str = 'model'
    recurring_min_docs: int = RecurrencePolicy.min_docs
    dedup_index: Optional[str] = None
    dedup_shards: int = DEFAULT_SHARDS
    dedup_rounds: int = DEFAULT_ROUNDS
    dedup_memory_edges: int = IN_MEMORY_EDGES
    dedup_memory_articles: int = IN_MEMORY_ARTICLES
    run_id: Optional[str] = None
    quiet: bool = False
    progress_interval: float = 10.0
    streaming: bool = False
    poll_interval: float = 5.0
    max_idle: Optional[float] = None
    window_minutes: float = DEFAULT_WINDOW_MINUTES
    allowed_lateness_minutes: float = DEFAULT_ALLOWED_LATENESS_MINUTES
    retention_days: float = DEFAULT_RETENTION_DAYS

    @property
    def limits(self) -> InputLimits:
        return InputLimits(self.input_format, self.max_record_bytes, self.max_article_chars,
                           self.max_inline_raw_bytes)


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        raise UsageError(message)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog='python -m pipeline.run',
        description='Clean, deduplicate and store raw news dumps as Parquet tables. '
                    'Unrecognised options are passed to Apache Beam (e.g. --runner, --direct_num_workers).')
    parser.add_argument('--input', action='append', required=True, metavar='GLOB',
                        help='file pattern to read (local, gs://, s3://); repeatable')
    parser.add_argument('--output', required=True, metavar='DIR', help='folder for the output tables')
    parser.add_argument('--input-format', default='auto', choices=INPUT_FORMATS,
                        help='format of every input; auto = by extension, else by sniffing the content')
    parser.add_argument('--max-record-bytes', type=int, default=DEFAULT_MAX_RECORD_BYTES,
                        help='a file or record larger than this (decompressed) is rejected, never truncated '
                             '(default %(default)s)')
    parser.add_argument('--max-article-chars', type=int, default=DEFAULT_MAX_ARTICLE_CHARS,
                        help='a text record, or an HTML page\'s extracted body, longer than this is rejected, '
                             'never truncated (default %(default)s)')
    parser.add_argument('--max-inline-raw-bytes', type=int, default=DEFAULT_MAX_INLINE_RAW_BYTES,
                        help='a reject\'s original bytes are kept in rejects.raw up to this size; larger ones '
                             'are kept by reference (raw_path, raw_offset, size_bytes) (default %(default)s)')
    parser.add_argument('--min-passage-words', type=int, default=MIN_PASSAGE_WORDS,
                        help='shorter passages never start a reuse match; they join one only next to a copied '
                             'passage of the same source (default %(default)s)')
    parser.add_argument('--boilerplate', default='model', choices=('model', 'rules'),
                        help='line classifier for text dumps: the trained model, or the rules alone')
    parser.add_argument('--recurring-min-docs', type=int, default=RecurrencePolicy.min_docs,
                        help='a line in at least this many articles of one site (and a large enough share '
                             'of them) is that site\'s boilerplate (default %(default)s)')
    parser.add_argument('--dedup-index', default=None, metavar='DIR',
                        help='persisted index of canonical passage signatures: read to flag copies of '
                             'passages seen in earlier runs, updated when the run succeeds')
    parser.add_argument('--dedup-shards', type=int, default=DEFAULT_SHARDS,
                        help='shards the LSH band keys are grouped in; memory per shard is about '
                             '24 bytes x passages x 32 bands / shards (default %(default)s)')
    parser.add_argument('--dedup-rounds', type=int, default=DEFAULT_ROUNDS,
                        help='Large-Star/Small-Star rounds of cluster resolution (default %(default)s)')
    parser.add_argument('--dedup-memory-edges', type=int, default=IN_MEMORY_EDGES, metavar='N',
                        help='resolve the reuse graph in one element by union-find when it has at most N '
                             'verified edges (about 250 bytes each), by the sharded rounds above that; '
                             '0: always the rounds (default %(default)s)')
    parser.add_argument('--dedup-memory-articles', type=int, default=IN_MEMORY_ARTICLES, metavar='N',
                        help='flag duplicates in one element (detect_reuse) when the run has at most N articles '
                             'and dedup index entries together, with the sharded steps above that; '
                             '0: always the sharded steps (default %(default)s)')
    parser.add_argument('--run-id', default=None,
                        help='name of the staging folder under OUTPUT/_temporary (default: a fresh one)')
    parser.add_argument('--quiet', action='store_true', help='print only the summary (no progress lines)')
    parser.add_argument('--progress-interval', type=float, default=10.0, metavar='SECONDS',
                        help='seconds between progress log lines (files and records read, articles, '
                             'rejects, rate); 0 turns them off (default %(default)s)')
    stream = parser.add_argument_group('streaming (--streaming)')
    stream.add_argument('--streaming', action='store_true',
                        help='watch the --input patterns and process each new file once, as it lands')
    stream.add_argument('--poll-interval', type=float, default=5.0, metavar='SECONDS',
                        help='seconds between listings of the watched patterns; a file is read once it is '
                             'unchanged over one interval (default %(default)s)')
    stream.add_argument('--max-idle', type=float, default=None, metavar='SECONDS',
                        help='stop, flushing every window, once no new file has arrived for this long '
                             '(default: run until Ctrl-C or SIGTERM, which also flush)')
    stream.add_argument('--window-minutes', type=float, default=DEFAULT_WINDOW_MINUTES,
                        help='rows are written per window of this many minutes of ingest time (default %(default)s)')
    stream.add_argument('--allowed-lateness-minutes', type=float, default=DEFAULT_ALLOWED_LATENESS_MINUTES,
                        help='records arriving up to this late are still written, as a late file of '
                             'their window (default %(default)s)')
    stream.add_argument('--retention-days', type=float, default=DEFAULT_RETENTION_DAYS,
                        help='how long a canonical passage is remembered to flag later reprints '
                             '(default %(default)s)')
    return parser


def parse_args(argv: Sequence[str]) -> Tuple[IngestOptions, List[str]]:
    """(our options, the remaining Beam options)."""
    known, beam_args = build_parser().parse_known_args(list(argv))
    if known.max_record_bytes <= 0 or known.max_article_chars <= 0 or known.max_inline_raw_bytes < 0:
        raise UsageError('--max-record-bytes and --max-article-chars must be positive, '
                         '--max-inline-raw-bytes at least 0')
    if known.min_passage_words < 1:
        raise UsageError('--min-passage-words must be at least 1')
    if known.recurring_min_docs < 2:
        raise UsageError('--recurring-min-docs must be at least 2 (one article is no recurrence)')
    if known.progress_interval < 0:
        raise UsageError('--progress-interval must be >= 0')
    if known.dedup_memory_edges < 0 or known.dedup_memory_articles < 0:
        raise UsageError('--dedup-memory-edges and --dedup-memory-articles must be >= 0')
    if known.dedup_shards < 1 or known.dedup_rounds < 1:
        raise UsageError('--dedup-shards and --dedup-rounds must be at least 1')
    if known.poll_interval <= 0 or known.window_minutes <= 0 or known.retention_days <= 0:
        raise UsageError('--poll-interval, --window-minutes and --retention-days must be positive')
    if known.allowed_lateness_minutes < 0 or (known.max_idle is not None and known.max_idle <= 0):
        raise UsageError('--allowed-lateness-minutes must be >= 0 and --max-idle positive')
    if not known.streaming:
        given = [name for name in ('--poll-interval', '--max-idle', '--window-minutes',
                                   '--allowed-lateness-minutes', '--retention-days')
                 if any(a == name or a.startswith(name + '=') for a in argv)]
        if given:
            raise UsageError(f'{", ".join(given)} only apply with --streaming')
    return IngestOptions(
        inputs=tuple(known.input), output=known.output.rstrip('/') or '/', input_format=known.input_format,
        max_record_bytes=known.max_record_bytes, max_article_chars=known.max_article_chars,
        max_inline_raw_bytes=known.max_inline_raw_bytes, min_passage_words=known.min_passage_words,
        boilerplate=known.boilerplate, recurring_min_docs=known.recurring_min_docs,
        dedup_index=known.dedup_index.rstrip('/') if known.dedup_index else None,
        dedup_shards=known.dedup_shards, dedup_rounds=known.dedup_rounds,
        dedup_memory_edges=known.dedup_memory_edges, dedup_memory_articles=known.dedup_memory_articles,
        run_id=known.run_id, quiet=known.quiet,
        progress_interval=0.0 if known.quiet else known.progress_interval,
        streaming=known.streaming, poll_interval=known.poll_interval, max_idle=known.max_idle,
        window_minutes=known.window_minutes, allowed_lateness_minutes=known.allowed_lateness_minutes,
        retention_days=known.retention_days), beam_args
