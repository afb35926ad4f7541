"""Input patterns to files: any Beam filesystem glob, local paths absolute."""
from __future__ import annotations

import os

from apache_beam.io.filesystems import FileSystems


def resolve_pattern(pattern: str) -> str:
    """Local patterns become absolute so source_uri and doc_id do not depend on the cwd."""
    if '://' in pattern:
        return pattern
    return os.path.abspath(os.path.expanduser(pattern))


_GLOB_CHARS = frozenset('*?[')


def match_pattern(pattern: str) -> list:
    """The files a pattern names, sorted. A pattern that is the exact name of
    a file (`dump*1.txt`, `page[2].html`) names that file only: glob
    characters are legal in file names, and a glob would miss `[2]` or also
    read `dumpX1.txt`."""
    if _GLOB_CHARS & set(pattern) and FileSystems.exists(pattern) and not os.path.isdir(pattern):
        return [pattern]
    return sorted(m.path for m in FileSystems.match([pattern])[0].metadata_list)
