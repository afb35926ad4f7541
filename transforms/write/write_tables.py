"""WriteTables: records to the five Parquet tables, under the run's staging
folder; pipeline/run.py publishes them atomically when the run has finished
(transforms/write/publish.py)."""
from __future__ import annotations

from typing import Dict

import apache_beam as beam

import schemas
from transforms.write.publish import join_path
from transforms.write.rows import (boilerplate_rows, cluster_row, counted_article_row, passage_rows, reject_row,
                                   rows_table, single_row)


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


class WriteTables(beam.PTransform):
    """{'articles': FlaggedDoc, 'clusters': ClusterBatch, 'rejects': Reject} PCollections
    -> Parquet files of all five tables under the run's staging folder."""

    def __init__(self, staging: str):
        super().__init__()
        self._staging = staging

    def expand(self, pcolls: Dict[str, beam.PCollection]):
        docs, clusters, rejects = pcolls['articles'], pcolls['clusters'], pcolls['rejects']
        tables = {
            'articles': docs | 'ArticleRows' >> RowTables(single_row(counted_article_row), schemas.TABLES['articles']),
            'passages': docs | 'PassageRows' >> RowTables(passage_rows, schemas.TABLES['passages']),
            # already in batches of thousands: a table each, no regrouping of their rows
            'clusters': clusters | 'ClusterRows' >> beam.Map(
                lambda batch: rows_table([cluster_row(c) for c in batch], schemas.TABLES['clusters'])),
            'boilerplate': docs | 'BoilerplateRows' >> RowTables(lambda d: boilerplate_rows(d.article),
                                                                 schemas.TABLES['boilerplate']),
            'rejects': rejects | 'RejectRows' >> RowTables(single_row(reject_row), schemas.TABLES['rejects']),
        }
        written = {}
        for table, batches in tables.items():
            written[table] = batches | f'Write_{table}' >> beam.io.WriteToParquetBatched(
                join_path(self._staging, table, 'part'), schemas.TABLES[table],
                file_name_suffix='.parquet', codec='zstd')
        return written
