"""Command-line options of the ingestion job, declared once.

`OPTIONS` is the table: each row names a flag, the field of `IngestOptions`
its value lands in (`limits.max_record_bytes` is a field of the
`InputLimits` the job reads with), its help and the check its value must
pass. The type and the default are read off that field, so a default is
written once, on the settings dataclass it configures; `build_parser` and
`parse_args` are made from the table.

Our own options are parsed here; everything else on the command line is a
Beam option and passes through untouched to the runner (Dataflow, Flink,
Spark, Portable, ...).
"""
from __future__ import annotations

import argparse
import dataclasses
import typing
from dataclasses import dataclass
from typing import Any, Callable, List, Optional, Sequence, Tuple

from transforms.read.formats import INPUT_FORMATS
from transforms.read.ingest_windows import WindowPolicy
from transforms.read.limits import InputLimits
from transforms.read.watch_dumps import WatchPolicy
from transforms.reuse.dedup_settings import DedupSettings
from transforms.text.recurring_lines import RecurrencePolicy


class UsageError(Exception):
    """A problem with the command line: reported in one line, exit status 2."""


@dataclass(frozen=True)
class IngestOptions:
    """The job's options, grouped into the settings of the steps they configure."""
    inputs: Tuple[str, ...]
    output: str
    limits: InputLimits = InputLimits()
    boilerplate: str = 'model'                  # line classifier for text dumps: 'model' or 'rules'
    recurrence: RecurrencePolicy = RecurrencePolicy()
    dedup: DedupSettings = DedupSettings()
    dedup_index: Optional[str] = None
    run_id: Optional[str] = None
    quiet: bool = False
    progress_interval: float = 10.0             # the job logs progress; the steps alone do not (ProgressSettings)
    streaming: bool = False
    watch: WatchPolicy = WatchPolicy()
    windows: WindowPolicy = WindowPolicy()


@dataclass(frozen=True)
class Check:
    """What an option's value must be, as a test and the words of the error."""
    test: Callable[[Any], bool]
    must: str


POSITIVE = Check(lambda v: v > 0, 'must be positive')
NOT_NEGATIVE = Check(lambda v: v >= 0, 'must be >= 0')


def at_least(n: int, why: str = '') -> Check:
    return Check(lambda v: v >= n, f'must be at least {n}{why}')


@dataclass(frozen=True)
class Option:
    flag: str
    field: str                      # dotted path into IngestOptions
    help: str
    metavar: Optional[str] = None
    choices: Optional[tuple] = None
    check: Optional[Check] = None   # not applied to a None value (an option left unset)
    streaming_only: bool = False


OPTIONS = (
    Option('--input', 'inputs', 'file pattern to read (local, gs://, s3://); repeatable', metavar='GLOB'),
    Option('--output', 'output', 'folder for the output tables', metavar='DIR'),
    Option('--input-format', 'limits.input_format',
           'format of every input; auto = by extension, else by sniffing the content', choices=INPUT_FORMATS),
    Option('--max-record-bytes', 'limits.max_record_bytes',
           'a file or record larger than this (decompressed) is rejected, never truncated (default %(default)s)',
           check=POSITIVE),
    Option('--max-article-chars', 'limits.max_article_chars',
           'a text record, or an HTML page\'s extracted body, longer than this is rejected, never truncated '
           '(default %(default)s)', check=POSITIVE),
    Option('--max-inline-raw-bytes', 'limits.max_inline_raw_bytes',
           'a reject\'s original bytes are kept in rejects.raw up to this size; larger ones are kept by '
           'reference (raw_path, raw_offset, size_bytes) (default %(default)s)', check=NOT_NEGATIVE),
    Option('--min-passage-words', 'dedup.params.min_words',
           'shorter passages never start a reuse match; they join one only next to a copied passage of the '
           'same source (default %(default)s)', check=at_least(1)),
    Option('--boilerplate', 'boilerplate', 'line classifier for text dumps: the trained model, or the rules alone',
           choices=('model', 'rules')),
    Option('--recurring-min-docs', 'recurrence.min_docs',
           'a line in at least this many articles of one site (and a large enough share of them) is that '
           'site\'s boilerplate (default %(default)s)', check=at_least(2, ' (one article is no recurrence)')),
    Option('--dedup-index', 'dedup_index',
           'persisted index of canonical passage signatures: read to flag copies of passages seen in earlier '
           'runs, updated when the run succeeds', metavar='DIR'),
    Option('--dedup-shards', 'dedup.shards',
           'shards the LSH band keys are grouped in; memory per shard is about 24 bytes x passages x 32 bands / '
           'shards (default %(default)s)', check=at_least(1)),
    Option('--dedup-rounds', 'dedup.rounds',
           'Large-Star/Small-Star rounds of cluster resolution (default %(default)s)', check=at_least(1)),
    Option('--dedup-memory-edges', 'dedup.in_memory_edges',
           'resolve the reuse graph in one element by union-find when it has at most N verified edges (about '
           '250 bytes each), by the sharded rounds above that; 0: always the rounds (default %(default)s)',
           metavar='N', check=NOT_NEGATIVE),
    Option('--dedup-memory-articles', 'dedup.in_memory_articles',
           'flag duplicates in one element (detect_reuse) when the run has at most N articles and dedup index '
           'entries together, with the sharded steps above that; 0: always the sharded steps '
           '(default %(default)s)', metavar='N', check=NOT_NEGATIVE),
    Option('--run-id', 'run_id', 'name of the staging folder under OUTPUT/_temporary (default: a fresh one)'),
    Option('--quiet', 'quiet', 'print only the summary (no progress lines)'),
    Option('--progress-interval', 'progress_interval',
           'seconds between progress log lines (files and records read, articles, rejects, rate); 0 turns them '
           'off (default %(default)s)', metavar='SECONDS', check=NOT_NEGATIVE),
    Option('--streaming', 'streaming', 'watch the --input patterns and process each new file once, as it lands'),
    Option('--poll-interval', 'watch.poll_seconds',
           'seconds between listings of the watched patterns; a file is read once it is unchanged over one '
           'interval (default %(default)s)', metavar='SECONDS', check=POSITIVE, streaming_only=True),
    Option('--max-idle', 'watch.max_idle',
           'stop, flushing every window, once no new file has arrived for this long (default: run until Ctrl-C '
           'or SIGTERM, which also flush)', metavar='SECONDS', check=POSITIVE, streaming_only=True),
    Option('--window-minutes', 'windows.minutes',
           'rows are written per window of this many minutes of ingest time (default %(default)s)',
           check=POSITIVE, streaming_only=True),
    Option('--allowed-lateness-minutes', 'windows.allowed_lateness_minutes',
           'records arriving up to this late are still written, as a late file of their window '
           '(default %(default)s)', check=NOT_NEGATIVE, streaming_only=True),
    Option('--retention-days', 'dedup.retention_days',
           'how long a canonical passage is remembered to flag later reprints (default %(default)s)',
           check=POSITIVE, streaming_only=True),
)
REQUIRED = ('inputs', 'output')


def field_of(path: str) -> Tuple[Any, Any]:
    """(type, default) of the IngestOptions field at a dotted path: its
    annotated type without Optional, and the default that the settings
    dataclasses declare for it."""
    owner, default = IngestOptions, IngestOptions(inputs=(), output='')
    for name in path.split('.'):
        kind = typing.get_type_hints(owner)[name]
        owner, default = kind, getattr(default, name)
    args = [a for a in typing.get_args(kind) if a is not type(None)]
    return (args[0] if typing.get_origin(kind) is typing.Union else kind), default


def with_value(settings, path: str, value):
    """`settings` (a frozen dataclass) with the field at `path` set to `value`."""
    name, _, rest = path.partition('.')
    return dataclasses.replace(settings, **{name: with_value(getattr(settings, name), rest, value) if rest else value})


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        raise UsageError(message)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog='python -m pipeline.run',
        description='Clean, deduplicate and store raw news dumps as Parquet tables. '
                    'Unrecognised options are passed to Apache Beam (e.g. --runner, --direct_num_workers).')
    stream = parser.add_argument_group('streaming (--streaming)')
    for option in OPTIONS:
        kind, default = field_of(option.field)
        where = stream if option.streaming_only or option.field == 'streaming' else parser
        named = dict(dest=option.field, help=option.help)
        if kind is bool:
            where.add_argument(option.flag, action='store_true', **named)
            continue
        # argparse would name the value after `dest`, a dotted path: name it after the flag
        named['metavar'] = option.metavar or (None if option.choices else option.flag[2:].upper().replace('-', '_'))
        if option.field in REQUIRED:
            repeat = typing.get_origin(kind) is tuple
            where.add_argument(option.flag, action='append' if repeat else 'store', required=True, **named)
        else:
            where.add_argument(option.flag, type=kind, default=default, choices=option.choices, **named)
    return parser


def parse_args(argv: Sequence[str]) -> Tuple[IngestOptions, List[str]]:
    """(our options, the remaining Beam options)."""
    known, beam_args = build_parser().parse_known_args(list(argv))
    values = vars(known)
    for option in OPTIONS:
        value = values[option.field]
        if option.check and value is not None and not option.check.test(value):
            raise UsageError(f'{option.flag} {option.check.must}')
    if not known.streaming:
        given = [o.flag for o in OPTIONS if o.streaming_only
                 and any(a == o.flag or a.startswith(o.flag + '=') for a in argv)]
        if given:
            raise UsageError(f'{", ".join(given)} only apply with --streaming')
    values.update(inputs=tuple(values['inputs']), output=values['output'].rstrip('/') or '/',
                  dedup_index=values['dedup_index'].rstrip('/') if values['dedup_index'] else None)
    if known.quiet:
        values['progress_interval'] = 0.0
    options = IngestOptions(inputs=(), output='')
    for option in OPTIONS:
        options = with_value(options, option.field, values[option.field])
    return options, beam_args
