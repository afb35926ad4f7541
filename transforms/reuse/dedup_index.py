"""The dedup index: canonical passage signatures persisted between runs.

`--dedup-index DIR` reads `DIR/signatures/*.parquet` (one row per passage:
its shingle set and band keys, never its text) into the reuse graph and,
when the run has finished, replaces it with the old entries plus this run's
passages that were not copies. Today's run thereby flags copies of passages
first seen in earlier runs without re-reading earlier articles.

An article read again (same doc_id) replaces its own entries, so re-running
the same day flags nothing against itself. The index is published like the
tables: written under `DIR/_temporary/<run_id>/` and moved into place only
after the job succeeded, so a failed run leaves the previous index intact.
"""
from __future__ import annotations

import json
from typing import Iterable, List, Optional

import apache_beam as beam
import numpy as np
from apache_beam.io.filesystems import FileSystems

import schemas
from transforms.reuse.passage_signatures import DocSignature, SignatureParams, pack_sets


def params_json(params: SignatureParams) -> str:
    return json.dumps(params.as_metadata(), sort_keys=True)


def index_files(index_dir: str) -> List[str]:
    pattern = FileSystems.join(index_dir, schemas.DEDUP_INDEX_TABLE, '*.parquet')
    try:
        return sorted(m.path for m in FileSystems.match([pattern])[0].metadata_list)
    except Exception:
        return []


def check_index(index_dir: str, params: SignatureParams) -> Optional[str]:
    """None when the index at `index_dir` is absent or compatible, else why not."""
    import pyarrow.parquet as pq
    for path in index_files(index_dir):
        try:
            with FileSystems.open(path) as f:
                metadata = pq.read_schema(f).metadata or {}
        except Exception as exc:
            return f'dedup index file {path} is unreadable ({type(exc).__name__}): restore it or use a new index folder'
        found = metadata.get(schemas.DEDUP_PARAMS_KEY, b'').decode()
        if found != params_json(params):
            return (f'dedup index {index_dir} was built with other parameters ({found or "none"}); '
                    f'this run uses {params_json(params)}: use a new index folder')
    return None


def index_rows(signature: DocSignature) -> Iterable[dict]:
    band_row = {row: j for j, row in enumerate(signature.signed_rows().tolist())}
    for row in range(len(signature)):
        yield {
            'doc_id': signature.doc_id, 'passage_id': signature.passage_ids[row],
            'passage_index': int(signature.indexes[row]), 'published_date': signature.published_date,
            'n_words': int(signature.n_words[row]), 'words': signature.word_set(row).tolist(),
            'shingles': signature.shingle_set(row).tolist(),
            'band_keys': signature.band_keys[band_row[row]].tolist() if row in band_row else [],
        }


def signature_from_rows(doc_id: str, rows: Iterable[dict]) -> DocSignature:
    rows = sorted(rows, key=lambda r: r['passage_index'])

    offsets, shingles = pack_sets([np.asarray(r['shingles'], np.uint64) for r in rows])
    word_offsets, words = pack_sets([np.asarray(r['words'], np.uint64) for r in rows])
    keys = [r['band_keys'] for r in rows if r['band_keys']]
    return DocSignature(
        doc_id=doc_id, published_date=rows[0]['published_date'] if rows else None,
        indexes=np.array([r['passage_index'] for r in rows], np.int32),
        passage_ids=tuple(r['passage_id'] for r in rows),
        n_words=np.array([r['n_words'] for r in rows], np.int32),
        offsets=offsets, shingles=shingles,
        band_keys=np.array(keys, np.uint64).reshape(len(keys), -1) if keys else np.zeros((0, 0), np.uint64),
        word_offsets=word_offsets, words=words, from_index=True)


class ReadDedupIndex(beam.PTransform):
    """DIR -> DocSignature per article of earlier runs (empty when DIR has none)."""

    def __init__(self, index_dir: str):
        super().__init__()
        self._index_dir = index_dir

    def expand(self, pbegin):
        if not index_files(self._index_dir):
            return pbegin | 'NoIndexYet' >> beam.Create([])
        pattern = FileSystems.join(self._index_dir, schemas.DEDUP_INDEX_TABLE, '*.parquet')
        return (
            pbegin
            | 'ReadIndex' >> beam.io.ReadFromParquet(pattern)
            | 'KeyByDoc' >> beam.Map(lambda row: (row['doc_id'], row))
            | 'GroupByDoc' >> beam.GroupByKey()
            | 'ToSignatures' >> beam.MapTuple(signature_from_rows))


class WriteDedupIndex(beam.PTransform):
    """DocSignature -> index Parquet files under the run's staging folder."""

    def __init__(self, staging: str, params: SignatureParams):
        super().__init__()
        self._staging = staging
        self._params = params

    def expand(self, signatures):
        return (
            signatures
            | 'IndexRows' >> beam.FlatMap(index_rows)
            | 'WriteIndex' >> beam.io.WriteToParquet(
                FileSystems.join(self._staging, schemas.DEDUP_INDEX_TABLE, 'part'),
                schemas.dedup_index_schema(params_json(self._params)),
                file_name_suffix='.parquet', codec='zstd'))
