"""ReadDumps: input patterns in, one RawRecord per article-to-be out.

A text or HTML file is one record; a JSON Lines file gives one record per
line; a WARC file one per HTTP response record. Files are opened through
Beam's FileSystems (so gs:// and s3:// globs work like local ones) and
decompressed by their magic bytes, not their names: a gzip without `.gz` is
still read. Whatever cannot be read becomes a Reject with the bytes we have.
"""
from __future__ import annotations

import bz2
import dataclasses
import io
import json
import logging
import lzma
import os
import zlib
from dataclasses import dataclass
from typing import Iterable, Iterator, Optional, Union

import apache_beam as beam
from apache_beam.io.filesystem import CompressionTypes
from apache_beam.io.filesystems import FileSystems

from transforms.common import metrics
from transforms.common.progress import PROGRESS, ProgressSettings
from transforms.common.records import RawRecord, Reject

LOG = logging.getLogger(__name__)

DEFAULT_MAX_RECORD_BYTES = 64 * 1024 * 1024

_COMPRESSION_EXTENSIONS = ('.gz', '.gzip', '.bz2', '.zst', '.zstd', '.xz', '.lzma')
_FORMAT_BY_EXTENSION = {
    '.txt': 'text', '.text': 'text',
    '.html': 'html', '.htm': 'html', '.xhtml': 'html', '.shtml': 'html',
    '.jsonl': 'jsonl', '.ndjson': 'jsonl', '.json': 'jsonl',
    '.warc': 'warc', '.arc': 'warc',
}
INPUT_FORMATS = ('auto', 'text', 'html', 'jsonl', 'warc')


DEFAULT_MAX_ARTICLE_CHARS = 1_000_000
DEFAULT_MAX_INLINE_RAW_BYTES = 1024 * 1024


@dataclass(frozen=True)
class InputLimits:
    """How inputs are read and what is too large (all are options of the job)."""
    input_format: str = 'auto'
    max_record_bytes: int = DEFAULT_MAX_RECORD_BYTES         # a record larger is rejected, never truncated
    max_article_chars: int = DEFAULT_MAX_ARTICLE_CHARS       # likewise for decoded text / extracted body
    max_inline_raw_bytes: int = DEFAULT_MAX_INLINE_RAW_BYTES  # larger rejects keep raw by reference


class RecordTooLarge(Exception):
    pass


# --------------------------------------------------------------------------
# Plain functions: bytes and streams in, records out.
# --------------------------------------------------------------------------

def sniff_compression(head: bytes) -> Optional[str]:
    """The compression of a stream from its first bytes, or None."""
    if head[:2] == b'\x1f\x8b':
        return 'gzip'
    if head[:3] == b'BZh' and head[3:4].isdigit():
        return 'bz2'
    if head[:4] == b'\x28\xb5\x2f\xfd':
        return 'zstd'
    if head[:6] == b'\xfd7zXZ\x00':
        return 'xz'
    return None


def _gzip_member():
    return zlib.decompressobj(wbits=31)


def _zstd_frame():
    import zstandard  # imported lazily: only zstd inputs pay for it
    return zstandard.ZstdDecompressor().decompressobj()


# compression -> (a decompressor for one member/stream/frame, compressed bytes fed at a time)
_DECOMPRESSORS = {
    'gzip': (_gzip_member, 16384),
    'bz2': (bz2.BZ2Decompressor, 16384),
    'xz': (lzma.LZMADecompressor, 16384),
    'zstd': (_zstd_frame, 4096),   # zstd has no output bound per call, so its input is fed finer
}


def decompressing_reader(raw: io.BufferedIOBase, compression: Optional[str]) -> io.BufferedIOBase:
    if compression is None:
        return raw
    if compression not in _DECOMPRESSORS:
        raise ValueError(f'unknown compression {compression}')
    return io.BufferedReader(_Members(raw, compression))


class _Members(io.RawIOBase):
    """Every member (gzip), stream (bz2, xz) or frame (zstd) of a compressed
    file, decompressed in turn; EOFError when the file ends inside one.

    One reader for the four formats, so they behave alike: everything before
    a cut is handed out before the error is raised (the gzip module loses
    the records of a WARC read just before a truncated member, and
    zstandard's stream reader returns a short read for a truncated file as if
    it had ended there), and compressed input is fed a bounded piece at a
    time, so a compression bomb is never held whole."""

    def __init__(self, raw, compression: str):
        self._raw = raw
        self._compression = compression
        self._new, self._feed_size = _DECOMPRESSORS[compression]
        self._member = self._new()
        self._pending = memoryview(b'')
        self._in_member = False
        self._cut = False
        self._error = None

    def readable(self):
        return True

    def readinto(self, buffer) -> int:
        while not len(self._pending):
            if self._error is not None:
                raise self._error
            chunk = self._raw.read(self._feed_size)
            if not chunk:
                if self._in_member:
                    # Once a short read (so a buffered read hands out what came
                    # before the cut), then the error, on every read after it.
                    if self._cut:
                        raise EOFError(f'{self._compression} file ends inside a compressed block '
                                       f'(it is truncated)')
                    self._cut = True
                return 0
            self._pending = memoryview(self._feed(chunk))
        n = min(len(buffer), len(self._pending))
        buffer[:n] = self._pending[:n]
        self._pending = self._pending[n:]
        return n

    def _feed(self, chunk: bytes) -> bytes:
        out = []
        while chunk:
            if not self._in_member and self._compression == 'gzip':
                chunk = chunk.lstrip(b'\x00')   # gzip files may be padded with zeros after a member
                if not chunk:
                    break
            self._in_member = True
            try:
                out.append(self._member.decompress(chunk))
            except Exception as exc:
                if not out:
                    raise
                self._error = exc   # hand out what came before the damage first
                break
            if not self._member.eof:
                break
            self._in_member = False
            chunk = self._member.unused_data
            self._member = self._new()
        return b''.join(out)


def strip_compression_extension(path: str) -> str:
    lower = path.lower()
    for ext in _COMPRESSION_EXTENSIONS:
        if lower.endswith(ext):
            return path[: -len(ext)]
    return path


def format_from_name(path: str) -> Optional[str]:
    base = strip_compression_extension(path.rsplit('/', 1)[-1])
    ext = os.path.splitext(base)[1].lower()
    return _FORMAT_BY_EXTENSION.get(ext)


def sniff_format(head: bytes) -> str:
    """Guess the format of decompressed bytes when the name does not tell."""
    stripped = head.lstrip(b'\xef\xbb\xbf \t\r\n')
    if stripped.startswith(b'WARC/'):
        return 'warc'
    if stripped.startswith(b'{'):
        first_line = stripped.split(b'\n', 1)[0]
        try:
            if isinstance(json.loads(first_line), dict):
                return 'jsonl'
        except ValueError:
            pass
    lowered = stripped[:4096].lower()
    if lowered.startswith((b'<!doctype html', b'<html', b'<?xml')) or b'<html' in lowered or b'<body' in lowered:
        return 'html'
    return 'text'


def read_limited(stream, limit: int) -> bytes:
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise RecordTooLarge(f'more than {limit} bytes')
    ensure_complete(stream)
    return data


def ensure_complete(stream) -> None:
    """At the end of a stream: one more read, which raises when a compressed
    file was cut short (see _Members) instead of passing for its end."""
    stream.read(1)


#: how far past --max-record-bytes a rejected record is still measured, so a
#: compression bomb cannot keep a worker busy counting
MEASURE_CEILING = 4 * 1024 ** 3
_CHUNK = 1 << 20


def read_or_measure(stream, limit: int) -> tuple:
    """(the rest of the stream, its size) when it is at most `limit` bytes,
    else (b'', its size measured without keeping it)."""
    data = stream.read(limit + 1)
    if len(data) <= limit:
        return data, len(data)
    return b'', measure_rest(stream, len(data))[0]


def measure_rest(stream, already: int) -> tuple:
    """Read on to the end without keeping anything: (total size, complete)."""
    size = already
    while size < MEASURE_CEILING:
        chunk = stream.read(_CHUNK)
        if not chunk:
            ensure_complete(stream)
            return size, True
        size += len(chunk)
    return size, False


def _json_field(obj: dict, name: str) -> Optional[str]:
    value = obj.get(name)
    if value is None:
        return None
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return str(value)
    raise TypeError(f'field {name!r} must be a string, got {type(value).__name__}')


def jsonl_records(source_uri: str, stream, max_record_bytes: int) -> Iterator[Union[RawRecord, Reject]]:
    """One record per non-blank line, numbered by line (1-based) in source_uri.

    Lines are read at most --max-record-bytes (plus the line break) at a
    time: a longer line (a 500 MB file without newlines) is measured and
    rejected, never held."""
    offset = 0
    number = 0
    while True:
        line = stream.readline(max_record_bytes + 2)   # + '\r\n'
        if not line:
            ensure_complete(stream)
            return
        number += 1
        start = offset
        offset += len(line)
        content = line[:-1] if line.endswith(b'\n') else line
        content = content[:-1] if content.endswith(b'\r') else content
        if len(content) > max_record_bytes:
            blank = not content.strip()
            size = len(content)
            while not line.endswith(b'\n') and size < MEASURE_CEILING:   # measure the rest, keep nothing
                line = stream.readline(_CHUNK)
                if not line:
                    break
                offset += len(line)
                size += len(line.rstrip(b'\r\n'))
                blank = blank and not line.strip()
            if blank:
                continue
            measured = size < MEASURE_CEILING
            yield Reject(f'{source_uri}#{number}', 'read', 'record_too_large',
                         f'JSON line of {"" if measured else "more than "}{size} bytes exceeds '
                         f'--max-record-bytes={max_record_bytes}; kept by reference (raw_path, raw_offset)',
                         size, b'', source_uri, start)
            if not measured:
                return   # the rest of the file is one line: nothing more to read in it
            continue
        if not content.strip():
            continue
        yield parse_json_line(f'{source_uri}#{number}', content, source_uri, start)


def parse_json_line(uri: str, line: bytes, path: Optional[str] = None,
                    offset: int = 0) -> Union[RawRecord, Reject]:
    where = dict(raw_path=path, raw_offset=offset if path else None)
    try:
        obj = json.loads(line)
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        return Reject(uri, 'parse', 'malformed_json', f'line is not valid JSON: {exc}', len(line), line, **where)
    if not isinstance(obj, dict):
        return Reject(uri, 'parse', 'malformed_json',
                      f'line is JSON {type(obj).__name__}, expected an object with "text" or "html"',
                      len(line), line, **where)
    try:
        html = _json_field(obj, 'html')
        text = _json_field(obj, 'text')
        url = _json_field(obj, 'url')
        title = _json_field(obj, 'title')
        date = _json_field(obj, 'date')
        record_id = _json_field(obj, 'id')
    except TypeError as exc:
        return Reject(uri, 'parse', 'wrong_field_type', str(exc), len(line), line, **where)
    if html and html.strip():
        payload, kind = html, 'html'
    elif text and text.strip():
        payload, kind = text, 'text'
    else:
        return Reject(uri, 'parse', 'no_content', 'JSON object has no non-empty "text" or "html" field',
                      len(line), line, **where)
    return RawRecord(source_uri=uri, format='jsonl', payload=payload.encode('utf-8', 'surrogatepass'),
                     content_kind=kind, raw=line, url=url, title=title, date=date, record_id=record_id,
                     charset='utf-8', raw_path=path, raw_offset=offset)


def _http_charset(content_type: str) -> Optional[str]:
    for part in content_type.split(';')[1:]:
        key, _, value = part.strip().partition('=')
        if key.strip().lower() == 'charset' and value.strip():
            return value.strip().strip('"\'')
    return None


class _RaisedWatcher:
    """A stream that remembers the first error its reads raised, how many
    bytes were read, and whether the last ones were only blank."""

    def __init__(self, stream):
        self._stream = stream
        self.raised = None
        self.total = 0
        self.tail = b''

    def _seen(self, data: bytes) -> bytes:
        self.total += len(data)
        self.tail = (self.tail + data)[-8:]
        return data

    def _call(self, method, *args) -> bytes:
        try:
            return self._seen(method(*args))
        except Exception as exc:
            self.raised = self.raised or f'{type(exc).__name__}: {exc}'
            raise

    def read(self, *args):
        return self._call(self._stream.read, *args)

    def readline(self, *args):
        return self._call(self._stream.readline, *args)

    def unread_tail(self, offset: int) -> int:
        """Bytes after `offset` (the end of the last whole record) that are
        not just the blank lines a WARC file may end with."""
        left = self.total - offset
        if left <= 0 or (left <= len(self.tail) and not self.tail[-left:].strip()):
            return 0
        return left


def _has_record_headers(record) -> bool:
    length = record.rec_headers.get_header('Content-Length') or ''
    return bool(record.rec_type) and length.strip().isdigit()


def _unreadable_record(record) -> Optional[str]:
    """Why a record that is not a response cannot be read whole, or None.
    (It is read through, keeping nothing, to find a file cut short inside it.)"""
    if not _has_record_headers(record):
        return 'a record without a WARC-Type or Content-Length header (cut short in its headers?)'
    try:
        while record.raw_stream.read(_CHUNK):
            pass
    except Exception as exc:
        return f'{record.rec_type} record unreadable: {type(exc).__name__}: {exc}'
    missing = getattr(record.raw_stream, 'limit', 0)
    if missing:
        return f'{record.rec_type} record cut short: {missing} of {record.length} bytes missing'
    return None


def warc_records(source_uri: str, stream, max_record_bytes: int) -> Iterator[Union[RawRecord, Reject, str]]:
    """One record per HTTP response record, numbered among response records.

    Non-response records (warcinfo, request, metadata) are not articles: they
    are yielded as the string 'skipped' so the caller can count them. A
    reject's raw_offset is where its WARC record starts in the decompressed
    stream; its raw is the HTTP body.
    """
    from warcio.archiveiterator import ArchiveIterator  # lazily: text-only runs never load it
    head = stream.peek(64)[:64] if hasattr(stream, 'peek') else b''
    if hasattr(stream, 'peek') and not head.lstrip(b'\r\n').startswith((b'WARC/', b'filedesc://')):
        # warcio reads any line as an ARC header and would make records of junk.
        data, size = read_or_measure(stream, max_record_bytes)
        yield Reject(f'{source_uri}#1', 'read', 'malformed_warc',
                     f'not a WARC file: it starts with {head[:40]!r}, not a WARC/1.x record header',
                     size, data, source_uri, 0)
        return
    number = 0

    def broken(problem: str, offset: Optional[int]) -> Reject:
        return Reject(f'{source_uri}#{number + 1}', 'read', 'malformed_warc',
                      f'WARC stream is broken after {number} response records: {problem}', 0, b'', source_uri, offset)

    watched = _RaisedWatcher(stream)
    iterator = ArchiveIterator(watched, arc2warc=True)
    while True:
        offset = None
        try:
            record = next(iterator)
            offset = iterator.offset   # where this record starts (get_record_offset() would consume it)
        except StopIteration:
            # warcio swallows a read error of the stream under it, and a last
            # record cut short in its headers, and just stops.
            unread = watched.unread_tail(iterator.offset)
            problem = watched.raised or (f'{unread} bytes at the end are no complete record' if unread else None)
            if problem:
                yield broken(problem, iterator.offset)
            return
        except Exception as exc:  # warcio raises many types on broken input
            yield broken(f'{type(exc).__name__}: {exc}', offset)
            return
        if record.rec_type != 'response':
            problem = _unreadable_record(record)
            if problem:
                yield broken(problem, offset)
                return
            yield 'skipped'
            continue
        number += 1
        uri = f'{source_uri}#{number}'
        where = dict(raw_path=source_uri, raw_offset=offset)
        target = record.rec_headers.get_header('WARC-Target-URI')
        if not _has_record_headers(record):
            yield Reject(uri, 'read', 'malformed_warc', f'WARC response for {target} has no Content-Length '
                         f'(cut short in its headers?)', 0, b'', **where)
            return
        try:
            body = read_limited(record.content_stream(), max_record_bytes)
        except RecordTooLarge:
            yield Reject(uri, 'read', 'record_too_large',
                         f'WARC response for {target} exceeds --max-record-bytes={max_record_bytes}; '
                         f'kept by reference (raw_path, raw_offset)', record.length or 0, b'', **where)
            continue
        except Exception as exc:
            yield Reject(uri, 'read', 'malformed_warc',
                         f'WARC response for {target} is truncated: {type(exc).__name__}: {exc}', 0, b'', **where)
            return
        missing = getattr(record.raw_stream, 'limit', 0)
        if missing:
            # warcio hands back a short payload silently when the file ends early.
            yield Reject(uri, 'read', 'malformed_warc',
                         f'WARC response for {target} is truncated: {missing} of {record.length} bytes missing',
                         len(body), body, **where)
            return
        content_type = ''
        status = None
        if record.http_headers is not None:
            content_type = record.http_headers.get_header('Content-Type') or ''
            status = record.http_headers.get_statuscode()
        mime = content_type.split(';')[0].strip().lower()
        if status and not str(status).startswith('2'):
            yield Reject(uri, 'read', 'not_ok_response', f'HTTP status {status} for {target}', len(body), body,
                         **where)
            continue
        if mime and mime not in ('text/html', 'application/xhtml+xml') and not sniff_format(body[:4096]) == 'html':
            yield Reject(uri, 'read', 'not_html', f'WARC response for {target} is {mime}, not HTML', len(body), body,
                         **where)
            continue
        if not body.strip():
            yield Reject(uri, 'read', 'empty_input', f'WARC response for {target} has an empty body', 0, body,
                         **where)
            continue
        yield RawRecord(source_uri=uri, format='warc', payload=body, content_kind='html', raw=body,
                        url=target, record_id=record.rec_headers.get_header('WARC-Record-ID'),
                        charset=_http_charset(content_type), **where)


def read_records(source_uri: str, raw_stream, *, input_format: str = 'auto',
                 max_record_bytes: int = DEFAULT_MAX_RECORD_BYTES) -> Iterator[Union[RawRecord, Reject, str]]:
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


def original_bytes(path: str, max_inline_bytes: int) -> tuple:
    """(the file's stored bytes, or b'' when there are more than
    max_inline_bytes of them, and its size), for a reject row."""
    try:
        with FileSystems.open(path, compression_type=CompressionTypes.UNCOMPRESSED) as f:
            return read_or_measure(f, max_inline_bytes)
    except Exception:  # the reject row still says why; raw is best effort
        return b'', 0


def resolve_pattern(pattern: str) -> str:
    """Local patterns become absolute so source_uri and doc_id do not depend on the cwd."""
    if '://' in pattern:
        return pattern
    return os.path.abspath(os.path.expanduser(pattern))


_GLOB_CHARS = frozenset('*?[')


def read_back(path: Optional[str], offset: Optional[int], size: int) -> Optional[bytes]:
    """The `size` original bytes of a record at `offset` in the decompressed
    content of `path` (for a WARC file, the HTTP body of the record there),
    read again from the input: what a reject kept by reference holds. None
    when the file cannot be read."""
    if not path or offset is None:
        return None
    try:
        raw = FileSystems.open(path, compression_type=CompressionTypes.UNCOMPRESSED)
    except Exception:
        return None
    with raw:
        buffered = io.BufferedReader(raw) if not hasattr(raw, 'peek') else raw
        stream = decompressing_reader(buffered, sniff_compression(buffered.peek(8)[:8]))
        _skip(stream, offset)
        if hasattr(stream, 'peek') and stream.peek(5)[:5] == b'WARC/':
            from warcio.archiveiterator import ArchiveIterator   # the reference is to the whole record
            for record in ArchiveIterator(stream, arc2warc=True):
                return record.content_stream().read()
            return None
        return stream.read(size)


def _skip(stream, offset: int) -> None:
    while offset > 0:
        chunk = stream.read(min(offset, 1 << 20))
        if not chunk:
            return
        offset -= len(chunk)


def match_pattern(pattern: str) -> list:
    """The files a pattern names, sorted. A pattern that is the exact name of
    a file (`dump*1.txt`, `page[2].html`) names that file only: glob
    characters are legal in file names, and a glob would miss `[2]` or also
    read `dumpX1.txt`."""
    if _GLOB_CHARS & set(pattern) and FileSystems.exists(pattern) and not os.path.isdir(pattern):
        return [pattern]
    return sorted(m.path for m in FileSystems.match([pattern])[0].metadata_list)


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
