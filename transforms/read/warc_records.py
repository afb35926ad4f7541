"""WARC files: one record per HTTP response record (CC-NEWS style); a file
cut short or a broken record is a Reject, never a silently short article."""
from __future__ import annotations

from typing import Iterator, Optional, Union

from transforms.common.records import RawRecord, Reject
from transforms.read.formats import sniff_format
from transforms.read.limits import READ_CHUNK, RecordTooLarge, read_limited, read_or_measure


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
        while record.raw_stream.read(READ_CHUNK):
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
