"""The report reads the tables a run wrote a batch of rows at a time, and
only the columns a count needs: local folders (a batch run's staging
folder, a streaming OUTPUT with its hive partitions) through pyarrow's
datasets, anything else (gs://, s3://, ...) through Beam's filesystems.
"""
from __future__ import annotations

import os
import re
from typing import Iterator, Sequence

BATCH_ROWS = 16_384


def is_local_path(path: str) -> bool:
    """A plain path or file://, read with pyarrow; any other scheme is read through Beam."""
    scheme = re.match(r'^([A-Za-z][A-Za-z0-9+.-]*)://', path)
    return scheme is None or scheme.group(1).lower() == 'file'


def _join(root: str, *parts: str) -> str:
    return '/'.join([root.rstrip('/'), *parts])


def _local_batches(folder: str, columns: Sequence[str], where) -> Iterator:
    import pyarrow.dataset as ds
    if folder.startswith('file://'):
        folder = folder[len('file://'):]
    if not os.path.isdir(folder):       # a streaming output has no folder for a table that got no row
        return
    dataset = ds.dataset(folder, format='parquet', partitioning='hive')
    if not dataset.files:
        return
    yield from dataset.to_batches(columns=list(columns), filter=where, batch_size=BATCH_ROWS)


def _beam_batches(folder: str, columns: Sequence[str], where) -> Iterator:
    """The same through Beam's filesystems (gs://, s3://, ...): the paths the
    run itself wrote with. Files under `_`/`.` names are skipped, as pyarrow
    does; partition columns are not needed by the report."""
    import pyarrow as pa
    import pyarrow.parquet as pq
    from apache_beam.io.filesystems import FileSystems
    paths = sorted(m.path for m in FileSystems.match([_join(folder, '**')])[0].metadata_list
                   if m.path.endswith('.parquet'))
    for path in paths:
        relative = path[len(folder.rstrip('/')):].strip('/').split('/')
        if any(part.startswith(('_', '.')) for part in relative):
            continue
        with FileSystems.open(path) as f:
            for batch in pq.ParquetFile(f).iter_batches(batch_size=BATCH_ROWS, columns=list(columns)):
                if where is not None:
                    table = pa.Table.from_batches([batch]).filter(where)
                    yield from table.to_batches()
                else:
                    yield batch


def table_batches(root: str, table: str, columns: Sequence[str], where=None) -> Iterator:
    """Record batches of `columns` of one table under `root`, optionally
    filtered by a pyarrow compute expression (applied in the scan)."""
    folder = _join(root, table)
    if is_local_path(root):
        return _local_batches(folder, columns, where)
    return _beam_batches(folder, columns, where)
