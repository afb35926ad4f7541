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
from apache_beam.io.filesystems import FileSystems

import schemas
from transforms.flag_duplicates import FlaggedDoc
from transforms.records import Article, Cluster, Cut, Reject

LOG = logging.getLogger(__name__)
STAGING_DIR = '_temporary'
SUCCESS_MARKER = '_SUCCESS'
_WORD = re.compile(r'\w+', re.U)


def count_words(text: str) -> int:
    return len(_WORD.findall(text))


def article_row(doc: FlaggedDoc) -> dict:
    a: Article = doc.article
    return {
        'doc_id': a.doc_id, 'source_uri': a.source_uri, 'format': a.format, 'url': a.url,
        'title': a.title, 'published_date': a.published_date, 'date_source': a.date_source,
        'authors': list(a.authors), 'publisher': a.publisher, 'wire_credit': a.wire_credit,
        'language': a.language, 'language_prob': a.language_prob, 'text': a.text,
        'unique_text': doc.unique_text, 'n_words': count_words(a.text), 'dup_ratio': doc.dup_ratio,
    }


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
        'message': reject.message, 'size_bytes': reject.size_bytes or len(reject.raw), 'raw': reject.raw,
    }


def join_path(*parts: str) -> str:
    return FileSystems.join(*parts)


def staging_path(output: str, run_id: str) -> str:
    return join_path(output, STAGING_DIR, run_id)


class WriteTables(beam.PTransform):
    """{'articles': FlaggedDoc, 'clusters': Cluster, 'rejects': Reject} PCollections
    -> Parquet files of all five tables under the run's staging folder."""

    def __init__(self, staging: str):
        super().__init__()
        self._staging = staging

    def expand(self, pcolls: Dict[str, beam.PCollection]):
        docs, clusters, rejects = pcolls['articles'], pcolls['clusters'], pcolls['rejects']
        rows = {
            'articles': docs | 'ArticleRows' >> beam.Map(article_row),
            'passages': docs | 'PassageRows' >> beam.FlatMap(passage_rows),
            'clusters': clusters | 'ClusterRows' >> beam.Map(cluster_row),
            'boilerplate': docs | 'BoilerplateRows' >> beam.FlatMap(lambda d: boilerplate_rows(d.article)),
            'rejects': rejects | 'RejectRows' >> beam.Map(reject_row),
        }
        written = {}
        for table, table_rows in rows.items():
            written[table] = table_rows | f'Write_{table}' >> beam.io.WriteToParquet(
                join_path(self._staging, table, 'part'), schemas.TABLES[table],
                file_name_suffix='.parquet', codec='zstd')
        return written


def _delete_if_exists(path: str) -> None:
    if FileSystems.exists(path):
        FileSystems.delete([path])


def move_table(source: str, target: str) -> None:
    """Replace the Parquet files of folder `target` with those of `source`."""
    _delete_if_exists(target)
    files = [m.path for m in FileSystems.match([join_path(source, '*.parquet')])[0].metadata_list]
    FileSystems.mkdirs(target)
    FileSystems.rename(files, [join_path(target, f.rsplit('/', 1)[-1]) for f in files])


def publish_tables(output: str, staging: str, tables=tuple(schemas.TABLES)) -> None:
    """Move each staged table into OUTPUT, replacing the previous run's, then
    mark the output complete. `_SUCCESS` is removed first, so a crash midway
    through publishing leaves an output that does not claim to be complete."""
    _delete_if_exists(join_path(output, SUCCESS_MARKER))
    for table in tables:
        move_table(join_path(staging, table), join_path(output, table))
    _delete_if_exists(staging)
    parent = join_path(output, STAGING_DIR)
    if not FileSystems.match([join_path(parent, '*')])[0].metadata_list:
        _delete_if_exists(parent)
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
