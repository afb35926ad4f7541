"""What is too large to read, and reading within those bounds: a record
over the limit is measured and rejected, never truncated and never held."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class InputLimits:
    """How inputs are read and what is too large (all are options of the job)."""
    input_format: str = 'auto'
    max_record_bytes: int = 64 * 1024 * 1024    # a record larger is rejected, never truncated
    max_article_chars: int = 1_000_000          # likewise for decoded text / extracted body
    max_inline_raw_bytes: int = 1024 * 1024     # larger rejects keep raw by reference


class RecordTooLarge(Exception):
    pass


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
READ_CHUNK = 1 << 20


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
        chunk = stream.read(READ_CHUNK)
        if not chunk:
            ensure_complete(stream)
            return size, True
        size += len(chunk)
    return size, False
