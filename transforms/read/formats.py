"""Input formats: by a file's extension, else by sniffing its decompressed
first bytes; `--input-format` overrides both."""
from __future__ import annotations

import json
import os
from typing import Optional

from transforms.read.decompress import strip_compression_extension

INPUT_FORMATS = ('auto', 'text', 'html', 'jsonl', 'warc')
_FORMAT_BY_EXTENSION = {
    '.txt': 'text', '.text': 'text',
    '.html': 'html', '.htm': 'html', '.xhtml': 'html', '.shtml': 'html',
    '.jsonl': 'jsonl', '.ndjson': 'jsonl', '.json': 'jsonl',
    '.warc': 'warc', '.arc': 'warc',
}


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
