"""A reject's original bytes: kept inline when small, else by reference
(raw_path, raw_offset, size_bytes) and read back from the input on demand
(`python -m pipeline.rejects --raw`, or a draft's reject once its bytes
were no longer carried)."""
from __future__ import annotations

import io
from dataclasses import replace
from typing import Optional

from apache_beam.io.filesystem import CompressionTypes
from apache_beam.io.filesystems import FileSystems

from transforms.common.records import Reject
from transforms.read.decompress import decompressing_reader, sniff_compression
from transforms.read.limits import read_or_measure


def original_bytes(path: str, max_inline_bytes: int) -> tuple:
    """(the file's stored bytes, or b'' when there are more than
    max_inline_bytes of them, and its size), for a reject row."""
    try:
        with FileSystems.open(path, compression_type=CompressionTypes.UNCOMPRESSED) as f:
            return read_or_measure(f, max_inline_bytes)
    except Exception:  # the reject row still says why; raw is best effort
        return b'', 0


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


def with_raw_kept(reject: Reject, max_inline_bytes: int) -> Reject:
    """`reject.raw` inline up to `max_inline_bytes`, else by reference only:
    a draft's reject (its bytes were not carried through the steps after
    decoding) reads them back from the input when they are small enough."""
    if not reject.raw and reject.raw_path is not None and 0 < reject.size_bytes <= max_inline_bytes:
        raw = read_back(reject.raw_path, reject.raw_offset, reject.size_bytes)
        if raw is not None:
            return replace(reject, raw=raw)
    return reject.without_inline_raw(max_inline_bytes)
