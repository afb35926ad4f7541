"""The pyarrow schemas of the five output tables: the one place columns are named.

Column names and types follow ../shared/CONTRACT.md. Every Parquet file carries
SCHEMA_VERSION in its key-value metadata under SCHEMA_VERSION_KEY; bump it when
a column is added (columns are added, never renamed).
"""
import pyarrow as pa

SCHEMA_VERSION = '2'   # 2: rejects.raw_path, rejects.raw_offset
SCHEMA_VERSION_KEY = b'news_ingest.schema_version'


def _schema(table, fields):
    return pa.schema(fields, metadata={
        SCHEMA_VERSION_KEY: SCHEMA_VERSION.encode(),
        b'news_ingest.table': table.encode(),
    })


ARTICLES = _schema('articles', [
    pa.field('doc_id', pa.string(), nullable=False),
    pa.field('source_uri', pa.string(), nullable=False),
    pa.field('format', pa.string(), nullable=False),
    pa.field('url', pa.string()),
    pa.field('title', pa.string()),
    pa.field('published_date', pa.date32()),
    pa.field('date_source', pa.string(), nullable=False),
    pa.field('authors', pa.list_(pa.string())),
    pa.field('publisher', pa.string()),
    pa.field('wire_credit', pa.string()),
    pa.field('language', pa.string(), nullable=False),
    pa.field('language_prob', pa.float32()),
    pa.field('text', pa.string(), nullable=False),
    pa.field('unique_text', pa.string(), nullable=False),
    pa.field('n_words', pa.int32(), nullable=False),
    pa.field('dup_ratio', pa.float32()),
])

PASSAGES = _schema('passages', [
    pa.field('doc_id', pa.string(), nullable=False),
    pa.field('passage_id', pa.string(), nullable=False),
    pa.field('index', pa.int32(), nullable=False),
    pa.field('char_start', pa.int32(), nullable=False),
    pa.field('char_end', pa.int32(), nullable=False),
    pa.field('text', pa.string(), nullable=False),
    pa.field('is_duplicate', pa.bool_(), nullable=False),
    pa.field('cluster_id', pa.string()),
    pa.field('canonical_doc_id', pa.string()),
    pa.field('canonical_passage_id', pa.string()),
    pa.field('similarity', pa.float32()),
])

CLUSTERS = _schema('clusters', [
    pa.field('cluster_id', pa.string(), nullable=False),
    pa.field('canonical_doc_id', pa.string(), nullable=False),
    pa.field('canonical_passage_id', pa.string(), nullable=False),
    pa.field('size', pa.int32(), nullable=False),
    pa.field('doc_ids', pa.list_(pa.string())),
    pa.field('first_published', pa.date32()),
])

BOILERPLATE = _schema('boilerplate', [
    pa.field('doc_id', pa.string(), nullable=False),
    pa.field('line_index', pa.int32(), nullable=False),
    pa.field('text', pa.string(), nullable=False),
    pa.field('reason', pa.string(), nullable=False),
])

REJECTS = _schema('rejects', [
    pa.field('source_uri', pa.string(), nullable=False),
    pa.field('stage', pa.string(), nullable=False),
    pa.field('error', pa.string(), nullable=False),
    pa.field('message', pa.string(), nullable=False),
    pa.field('size_bytes', pa.int64(), nullable=False),
    pa.field('raw', pa.binary()),
    # Where the original bytes are: the input file, and the byte offset in its
    # decompressed content (for WARC, of the record; for a broken compressed
    # file, of the file as stored). `raw` is null when the bytes are larger
    # than --max-inline-raw-bytes: read them from here (pipeline/rejects.py).
    pa.field('raw_path', pa.string()),
    pa.field('raw_offset', pa.int64()),
])

# The streaming job's ledger of input files (OUTPUT/_inputs/ingest_date=.../):
# which file was read in which window, and how many records it gave. Not an
# output table of the contract; the run summary's accounting reads it.
INPUTS_TABLE = '_inputs'
INPUTS = _schema(INPUTS_TABLE, [
    pa.field('path', pa.string(), nullable=False),
    pa.field('records', pa.int64(), nullable=False),
])

# The dedup index (`--dedup-index DIR`): one row per canonical passage of
# earlier runs, enough to match copies without re-reading the article. Not an
# output table of the contract; its files also carry the detector's
# parameters under DEDUP_PARAMS_KEY, and an index built with other parameters
# is refused.
DEDUP_PARAMS_KEY = b'news_ingest.dedup_params'
DEDUP_INDEX_TABLE = 'signatures'


def dedup_index_schema(params_json: str) -> pa.Schema:
    return pa.schema([
        pa.field('doc_id', pa.string(), nullable=False),
        pa.field('passage_id', pa.string(), nullable=False),
        pa.field('passage_index', pa.int32(), nullable=False),
        pa.field('published_date', pa.date32()),
        pa.field('n_words', pa.int32(), nullable=False),
        pa.field('words', pa.list_(pa.uint64()), nullable=False),
        pa.field('shingles', pa.list_(pa.uint64()), nullable=False),
        pa.field('band_keys', pa.list_(pa.uint64()), nullable=False),
    ], metadata={SCHEMA_VERSION_KEY: SCHEMA_VERSION.encode(), b'news_ingest.table': DEDUP_INDEX_TABLE.encode(),
                 DEDUP_PARAMS_KEY: params_json.encode()})


TABLES = {
    'articles': ARTICLES,
    'passages': PASSAGES,
    'clusters': CLUSTERS,
    'boilerplate': BOILERPLATE,
    'rejects': REJECTS,
}
