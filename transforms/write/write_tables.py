"""WriteTables: records to the five Parquet tables, published atomically.

The job writes every table under `OUTPUT/_temporary/<run_id>/`; only after
the pipeline has finished does `publish_tables` replace the tables in OUTPUT
and write `_SUCCESS`. A run that fails halfway leaves the previous tables
intact (or none), never a half-written table that looks complete.
"""
from __future__ import annotations

import logging
import re
from typing import Dict, Optional

import apache_beam as beam
import numpy as np
import pyarrow as pa
from apache_beam.io.filesystems import FileSystems

import schemas
from transforms.reuse.flag_duplicates import FlaggedDoc
from transforms.reuse.passage_signatures import word_characters
from transforms.common.progress import PROGRESS
from transforms.common.records import Article, Cluster, Cut, Reject

LOG = logging.getLogger(__name__)
STAGING_DIR = '_temporary'
SUCCESS_MARKER = '_SUCCESS'


def count_words(text: str) -> int:
    """len(re.findall(r'\\w+', text)), counted as the starts of runs of word
    characters over the text's code points: a quarter of the regex's time,
    which listed every word only to count them."""
    codes = np.frombuffer(text.encode('utf-32-le', 'surrogatepass'), np.uint32)
    if not len(codes):
        return 0
    word = word_characters(codes)
    return int(word[0]) + int(np.count_nonzero(word[1:] & ~word[:-1]))


def article_row(doc: FlaggedDoc) -> dict:
    a: Article = doc.article
    return {
        'doc_id': a.doc_id, 'source_uri': a.source_uri, 'format': a.format, 'url': a.url,
        'title': a.title, 'published_date': a.published_date, 'date_source': a.date_source,
        'authors': list(a.authors), 'publisher': a.publisher, 'wire_credit': a.wire_credit,
        'language': a.language, 'language_prob': a.language_prob, 'text': a.text,
        'unique_text': doc.unique_text, 'n_words': count_words(a.text), 'dup_ratio': doc.dup_ratio,
    }


def _counted_article_row(doc: FlaggedDoc) -> dict:
    PROGRESS.add(written=1)
    return article_row(doc)


def _single_row(row_fn):
    """`row_fn` (record -> its one row) as RowTables' `to_rows`."""
    return lambda record: [row_fn(record)]


def passage_rows(doc: FlaggedDoc):
    for passage, match in doc.passages:
        yield {
            'doc_id': passage.doc_id, 'passage_id': passage.passage_id, 'index': passage.index,
            'char_start': passage.char_start, 'char_end': passage.char_end, 'text': passage.text,
            'is_duplicate': bool(match and match.is_duplicate),
            'cluster_id': match.cluster_id if match else None,
            'canonical_doc_id': match.canonical_doc_id if match else None,
            'canonical_passage_id': match.canonical_passage_id if match else None,
            'similarity': match.similarity if match else None,
        }


def cluster_row(cluster: Cluster) -> dict:
    return {
        'cluster_id': cluster.cluster_id, 'canonical_doc_id': cluster.canonical_doc_id,
        'canonical_passage_id': cluster.canonical_passage_id, 'size': cluster.size,
        'doc_ids': list(cluster.doc_ids), 'first_published': cluster.first_published,
    }


def boilerplate_rows(article: Article):
    for cut in article.cuts:
        cut: Cut
        yield {'doc_id': article.doc_id, 'line_index': cut.line_index, 'text': cut.text, 'reason': cut.reason}


def reject_row(reject: Reject) -> dict:
    return {
        'source_uri': reject.source_uri, 'stage': reject.stage, 'error': reject.error,
        'message': reject.message, 'size_bytes': reject.size_bytes or len(reject.raw),
        'raw': reject.raw if reject.raw or reject.size_bytes == 0 else None,
        'raw_path': reject.raw_path, 'raw_offset': reject.raw_offset,
    }


def join_path(*parts: str) -> str:
    return FileSystems.join(*parts)


#: rows per Parquet write: one `write_table` call, one row group (about a
#: few MB of passages); the first batches of a bundle are smaller
MIN_BATCH_ROWS = 2_000
MAX_BATCH_ROWS = 50_000


class RowTables(beam.PTransform):
    """Records -> pyarrow Tables of `schema`, each holding the rows of many
    records (`to_rows` turns one record into its rows).

    Beam's row-at-a-time Parquet sink costs two Python calls per row; a
    passage row per sentence made that 140,000 calls on 600 bench articles.
    Here a record's rows travel as one list and are written a table at a time."""

    def __init__(self, to_rows, schema):
        super().__init__()
        self._to_rows = to_rows
        self._schema = schema

    def expand(self, records):
        to_rows, schema = self._to_rows, self._schema

        def rows_of(record):
            rows = list(to_rows(record))
            if rows:
                yield rows

        return (
            records
            | 'Rows' >> beam.FlatMap(rows_of)
            | 'Batch' >> beam.BatchElements(min_batch_size=MIN_BATCH_ROWS, max_batch_size=MAX_BATCH_ROWS,
                                            element_size_fn=len)
            | 'ToTable' >> beam.Map(lambda batch: rows_table([row for rows in batch for row in rows], schema)))


def rows_table(rows: list, schema) -> pa.Table:
    return pa.Table.from_pylist(rows, schema=schema)


def staging_path(output: str, run_id: str) -> str:
    return join_path(output, STAGING_DIR, run_id)


class WriteTables(beam.PTransform):
    """{'articles': FlaggedDoc, 'clusters': ClusterBatch, 'rejects': Reject} PCollections
    -> Parquet files of all five tables under the run's staging folder."""

    def __init__(self, staging: str):
        super().__init__()
        self._staging = staging

    def expand(self, pcolls: Dict[str, beam.PCollection]):
        docs, clusters, rejects = pcolls['articles'], pcolls['clusters'], pcolls['rejects']
        tables = {
            'articles': docs | 'ArticleRows' >> RowTables(_single_row(_counted_article_row), schemas.TABLES['articles']),
            'passages': docs | 'PassageRows' >> RowTables(passage_rows, schemas.TABLES['passages']),
            # already in batches of thousands: a table each, no regrouping of their rows
            'clusters': clusters | 'ClusterRows' >> beam.Map(
                lambda batch: rows_table([cluster_row(c) for c in batch], schemas.TABLES['clusters'])),
            'boilerplate': docs | 'BoilerplateRows' >> RowTables(lambda d: boilerplate_rows(d.article),
                                                                 schemas.TABLES['boilerplate']),
            'rejects': rejects | 'RejectRows' >> RowTables(_single_row(reject_row), schemas.TABLES['rejects']),
        }
        written = {}
        for table, batches in tables.items():
            written[table] = batches | f'Write_{table}' >> beam.io.WriteToParquetBatched(
                join_path(self._staging, table, 'part'), schemas.TABLES[table],
                file_name_suffix='.parquet', codec='zstd')
        return written


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


def _delete_if_exists(path: str) -> None:
    if FileSystems.exists(path):
        FileSystems.delete([path])


def move_table(source: str, target: str) -> None:
    """Replace the Parquet files of folder `target` with those of `source`."""
    _delete_if_exists(target)
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
        _delete_if_exists(parent)


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
        _delete_if_exists(staging)
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
    _delete_if_exists(join_path(output, SUCCESS_MARKER))
    for table in tables:
        move_table(join_path(staging, table), join_path(output, table))
    for relative, content in (files or {}).items():
        write_file(join_path(output, *relative.split('/')), content)
    _delete_if_exists(staging)
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
