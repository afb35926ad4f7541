"""JSON Lines: one record per line, with `text` or `html` and optional
`url`, `title`, `date`, `id` fields; a bad line is a Reject, the file goes on."""
from __future__ import annotations

import json
from typing import Iterator, Optional, Union

from transforms.common.records import RawRecord, Reject
from transforms.read.limits import MEASURE_CEILING, READ_CHUNK, ensure_complete


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
                line = stream.readline(READ_CHUNK)
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
