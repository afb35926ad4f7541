"""Atomic publishing: every table is written under
`OUTPUT/_temporary/<run_id>/`; only after the pipeline has finished does
`publish_tables` replace the tables in OUTPUT and write `_SUCCESS`. A run
that fails halfway leaves the previous tables intact (or none), never a
half-written table that looks complete."""
from __future__ import annotations

import logging
import re
from typing import Dict, Optional

from apache_beam.io.filesystems import FileSystems

import schemas

LOG = logging.getLogger(__name__)
STAGING_DIR = '_temporary'
SUCCESS_MARKER = '_SUCCESS'


def join_path(*parts: str) -> str:
    return FileSystems.join(*parts)


def staging_path(output: str, run_id: str) -> str:
    return join_path(output, STAGING_DIR, run_id)


def table_rows(folder: str) -> int:
    """Rows in the Parquet files of a table folder, from their footers (any
    Beam filesystem: local, gs://, s3://)."""
    import pyarrow.parquet as pq
    rows = 0
    for metadata in FileSystems.match([join_path(folder, '*.parquet')])[0].metadata_list:
        with FileSystems.open(metadata.path) as f:
            rows += pq.ParquetFile(f).metadata.num_rows
    return rows


def write_file(path: str, content: bytes) -> None:
    """Write a small file (a summary, a marker), creating its folder first."""
    folder = path.rsplit('/', 1)[0]
    if not FileSystems.exists(folder):
        FileSystems.mkdirs(folder)
    with FileSystems.create(path) as f:
        f.write(content)


def delete_if_exists(path: str) -> None:
    """Delete a file or a folder (with everything in it), if it is there."""
    if FileSystems.exists(path):
        FileSystems.delete([path])


def move_table(source: str, target: str) -> None:
    """Replace the Parquet files of folder `target` with those of `source`."""
    delete_if_exists(target)
    files = [m.path for m in FileSystems.match([join_path(source, '*.parquet')])[0].metadata_list]
    FileSystems.mkdirs(target)
    FileSystems.rename(files, [join_path(target, f.rsplit('/', 1)[-1]) for f in files])


# The staging folder name `run()` makes when no --run-id is given; only
# folders named like this are batch leftovers a later publish may remove
# (streaming's `stream` and the daily job's `day-D` folders never match).
BATCH_RUN_ID = re.compile(r'^\d{8}T\d{6}-[0-9a-f]{8}$')


def _children(folder: str):
    """Paths of the entries directly inside `folder`, files and folders.

    `FileSystems.match(['folder/*'])` lists only the files directly inside
    (on the local filesystem a sub-folder never matches `*`), so the names are
    taken from the recursive listing; on the local filesystem, where a folder
    can exist with nothing in it, from the folder itself as well."""
    import os
    folder = folder.rstrip('/')
    names = set()
    for metadata in FileSystems.match([join_path(folder, '**')])[0].metadata_list:
        relative = metadata.path[len(folder):].lstrip('/')
        if relative:
            names.add(relative.split('/', 1)[0])
    from apache_beam.io.localfilesystem import LocalFileSystem
    if isinstance(FileSystems.get_filesystem(folder), LocalFileSystem) and os.path.isdir(folder):
        names.update(os.listdir(folder))
    return sorted(join_path(folder, name) for name in names)


def _remove_parent_if_empty(output: str) -> None:
    parent = join_path(output, STAGING_DIR)
    if FileSystems.exists(parent) and not _children(parent):
        delete_if_exists(parent)


def remove_abandoned_staging(output: str, keep=()) -> list:
    """Delete OUTPUT/_temporary/<run_id> folders left by batch runs that were
    killed or failed before publishing; returns the folders removed. Only
    folders named like a generated batch run id are touched, never those in
    `keep` (staging the current run still has to publish)."""
    parent = join_path(output, STAGING_DIR)
    if not FileSystems.exists(parent):
        return []
    kept = {path.rstrip('/') for path in keep if path}
    abandoned = [path for path in _children(parent)
                 if BATCH_RUN_ID.match(path.rsplit('/', 1)[-1]) and path.rstrip('/') not in kept]
    if abandoned:
        FileSystems.delete(abandoned)
        LOG.info('removed %d staging folder(s) left in %s by earlier runs that did not finish: %s',
                 len(abandoned), parent, ', '.join(path.rsplit('/', 1)[-1] for path in abandoned))
    return abandoned


def discard_staging(output: str, staging: str) -> None:
    """After a failed run: delete its staging folder (and `_temporary` if that
    leaves it empty). Never raises, so the run's own error is the one reported."""
    try:
        delete_if_exists(staging)
        _remove_parent_if_empty(output)
    except Exception as exc:  # the failure being reported matters more
        LOG.warning('could not remove the failed run\'s staging folder %s: %s', staging, exc)


def publish_tables(output: str, staging: str, tables=tuple(schemas.TABLES), keep=(),
                   files: Optional[Dict[str, bytes]] = None) -> None:
    """Move each staged table into OUTPUT, replacing the previous run's, then
    mark the output complete. `_SUCCESS` is removed first, so a crash midway
    through publishing leaves an output that does not claim to be complete.
    `files` (path relative to OUTPUT -> content, e.g. the run's summary) are
    written after the tables and before `_SUCCESS`. Staging folders of earlier
    batch runs that never published are removed (except those in `keep`)."""
    delete_if_exists(join_path(output, SUCCESS_MARKER))
    for table in tables:
        move_table(join_path(staging, table), join_path(output, table))
    for relative, content in (files or {}).items():
        write_file(join_path(output, *relative.split('/')), content)
    delete_if_exists(staging)
    remove_abandoned_staging(output, keep)
    _remove_parent_if_empty(output)
    with FileSystems.create(join_path(output, SUCCESS_MARKER)) as marker:
        marker.write(b'')


def check_output_writable(output: str) -> Optional[str]:
    """None when OUTPUT can be written, else a one-line reason."""
    probe = join_path(output, STAGING_DIR, '.write-probe')
    try:
        FileSystems.mkdirs(join_path(output, STAGING_DIR)) if not FileSystems.exists(
            join_path(output, STAGING_DIR)) else None
        with FileSystems.create(probe) as f:
            f.write(b'ok')
        FileSystems.delete([probe])
    except Exception as exc:
        return f'output {output} is not writable: {type(exc).__name__}: {exc}'
    return None
