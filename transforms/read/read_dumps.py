"""ReadDumps: input patterns in, one RawRecord per article-to-be out.

A text or HTML file is one record; a JSON Lines file gives one record per
line; a WARC file one per HTTP response record. Files are opened through
Beam's FileSystems (so gs:// and s3:// globs work like local ones) and
decompressed by their magic bytes, not their names: a gzip without `.gz` is
still read. Whatever cannot be read becomes a Reject with the bytes we have.
"""
from __future__ import annotations

import dataclasses
import io
import logging
from dataclasses import dataclass
from typing import Iterable, Iterator, Union

import apache_beam as beam
from apache_beam.io.filesystem import CompressionTypes
from apache_beam.io.filesystems import FileSystems

from transforms.common import metrics
from transforms.common.progress import PROGRESS, ProgressSettings
from transforms.common.records import RawRecord, Reject
from transforms.read.decompress import decompressing_reader, sniff_compression
from transforms.read.formats import format_from_name, sniff_format
from transforms.read.jsonl_records import jsonl_records
from transforms.read.limits import InputLimits, RecordTooLarge, measure_rest, read_limited
from transforms.read.match_inputs import match_pattern, resolve_pattern
from transforms.read.raw_bytes import original_bytes
from transforms.read.warc_records import warc_records

LOG = logging.getLogger(__name__)


def read_records(source_uri: str, raw_stream, *, input_format: str = 'auto',
                 max_record_bytes: int = InputLimits.max_record_bytes) -> Iterator[Union[RawRecord, Reject, str]]:
    """All records of one file. Never raises: a broken file ends as a Reject."""
    buffered = io.BufferedReader(raw_stream) if not hasattr(raw_stream, 'peek') else raw_stream
    compression = None
    stream = buffered
    try:
        compression = sniff_compression(buffered.peek(8)[:8])
        stream = decompressing_reader(buffered, compression)
        fmt = input_format if input_format != 'auto' else format_from_name(source_uri)
        if fmt is None:
            fmt = sniff_format(stream.peek(4096)[:4096])
        if fmt == 'jsonl':
            yield from jsonl_records(source_uri, stream, max_record_bytes)
            return
        if fmt == 'warc':
            yield from warc_records(source_uri, stream, max_record_bytes)
            return
        data = read_limited(stream, max_record_bytes)
    except RecordTooLarge:
        try:
            size, complete = measure_rest(stream, max_record_bytes + 1)
        except Exception:  # a broken stream past the limit: the size is a lower bound
            size, complete = max_record_bytes + 1, False
        yield Reject(source_uri, 'read', 'record_too_large',
                     f'file of {"" if complete else "more than "}{size} bytes'
                     f'{" (decompressed)" if compression else ""} exceeds --max-record-bytes={max_record_bytes}; '
                     f'not truncated, kept by reference (raw_path, raw_offset)', size, b'', source_uri, 0)
        return
    except Exception as exc:  # gzip/bz2/lzma/zstd each raise their own types on broken data
        error = 'broken_compression' if compression else 'unreadable'
        what = f'{compression} stream is broken' if compression else 'cannot read file'
        yield Reject(source_uri, 'read', error, f'{what}: {type(exc).__name__}: {exc}', 0, b'', source_uri, 0)
        return
    if not data.strip():
        yield Reject(source_uri, 'read', 'empty_input', 'file is empty or only whitespace', len(data), data,
                     source_uri, 0)
        return
    yield RawRecord(source_uri=source_uri, format=fmt, payload=data, content_kind=fmt, raw=b'',
                    raw_path=source_uri, raw_offset=0)


# --------------------------------------------------------------------------
# Beam wrapper.
# --------------------------------------------------------------------------

@dataclass(frozen=True)
class InputFile:
    """One file read: the streaming job's ledger of what it ingested."""
    path: str
    records: int     # records it gave (articles-to-be and rejects)


class _ReadRecordsFn(beam.DoFn):
    REJECTS = 'rejects'
    LEDGER = 'ledger'

    def __init__(self, limits: InputLimits, progress: ProgressSettings = ProgressSettings()):
        self._limits = limits
        self._progress = progress

    def setup(self):
        PROGRESS.configure(self._progress)
        self._files = metrics.counter('files_read')
        self._records = metrics.counter('records_read')
        self._rejected = metrics.counter('rejected_read')
        self._skipped = metrics.counter('warc_records_not_response')

    def process(self, path: str) -> Iterable:
        self._files.inc()
        PROGRESS.add(files=1)
        try:
            raw_stream = FileSystems.open(path, compression_type=CompressionTypes.UNCOMPRESSED)
        except Exception as exc:
            self._records.inc()
            self._rejected.inc()
            PROGRESS.add(records=1, rejects=1)
            yield beam.pvalue.TaggedOutput(self.REJECTS, Reject(
                path, 'read', 'unreadable', f'cannot open file: {type(exc).__name__}: {exc}', 0, b'', path, 0))
            yield beam.pvalue.TaggedOutput(self.LEDGER, InputFile(path, 1))
            return
        records = 0
        with raw_stream:
            for item in read_records(path, raw_stream, input_format=self._limits.input_format,
                                     max_record_bytes=self._limits.max_record_bytes):
                if isinstance(item, str):
                    self._skipped.inc()
                    continue
                self._records.inc()
                records += 1
                if isinstance(item, Reject):
                    self._rejected.inc()
                    PROGRESS.add(records=1, rejects=1)
                    if item.stage == 'read' and item.error in ('broken_compression', 'unreadable'):
                        # Nothing decompressed to keep: keep the file as stored.
                        stored, size = original_bytes(path, self._limits.max_inline_raw_bytes)
                        item = dataclasses.replace(item, raw=stored, size_bytes=size, raw_path=path, raw_offset=0)
                    yield beam.pvalue.TaggedOutput(self.REJECTS, _with_size(item))
                else:
                    PROGRESS.add(records=1)
                    yield item
        yield beam.pvalue.TaggedOutput(self.LEDGER, InputFile(path, records))


def _with_size(reject: Reject) -> Reject:
    if reject.size_bytes or not reject.raw:
        return reject
    return dataclasses.replace(reject, size_bytes=len(reject.raw))


class ReadFiles(beam.PTransform):
    """File paths -> (records, rejects), or (records, rejects, ledger of
    InputFile) with `ledger=True`: each file opened and split into records;
    each record or reject counts once in `records_read`. Batch (ReadDumps)
    and streaming (after WatchDumps) read through this step."""

    def __init__(self, limits: InputLimits = InputLimits(), ledger: bool = False,
                 progress: ProgressSettings = ProgressSettings()):
        super().__init__()
        self._limits = limits
        self._ledger = ledger
        self._progress = progress

    def expand(self, paths):
        results = paths | 'Read' >> beam.ParDo(_ReadRecordsFn(self._limits, self._progress)).with_outputs(
            _ReadRecordsFn.REJECTS, _ReadRecordsFn.LEDGER, main='records')
        if self._ledger:
            return results.records, results[_ReadRecordsFn.REJECTS], results[_ReadRecordsFn.LEDGER]
        return results.records, results[_ReadRecordsFn.REJECTS]


class ReadDumps(beam.PTransform):
    """Patterns -> (records, rejects). Every input file is matched once, even
    when several patterns match it, and read by ReadFiles."""

    def __init__(self, patterns, limits: InputLimits = InputLimits(), progress: ProgressSettings = ProgressSettings()):
        super().__init__()
        self._patterns = [resolve_pattern(p) for p in patterns]
        self._limits = limits
        self._progress = progress

    def expand(self, pbegin):
        return (
            pbegin
            | 'Patterns' >> beam.Create(self._patterns)
            | 'Match' >> beam.FlatMap(match_pattern)
            | 'Dedupe' >> beam.Distinct()  # overlapping globs must not read a file twice
            | 'ReadFiles' >> ReadFiles(self._limits, progress=self._progress))
