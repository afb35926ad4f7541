"""Decompression by magic bytes, not names: a gzip without `.gz` is still
read, and the four formats (gzip, bz2, xz, zstd) fail alike on a cut file."""
from __future__ import annotations

import bz2
import io
import lzma
import zlib
from typing import Optional

COMPRESSION_EXTENSIONS = ('.gz', '.gzip', '.bz2', '.zst', '.zstd', '.xz', '.lzma')


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
    for ext in COMPRESSION_EXTENSIONS:
        if lower.endswith(ext):
            return path[: -len(ext)]
    return path
