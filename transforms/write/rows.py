"""Rows of the five tables from the records of the pipeline's last steps,
as dicts with the columns of schemas/ (no Beam)."""
from __future__ import annotations

import numpy as np
import pyarrow as pa

from transforms.common.progress import PROGRESS
from transforms.common.records import Article, Cluster, Cut, FlaggedDoc, Reject
from transforms.reuse.passage_signatures import word_characters


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


def counted_article_row(doc: FlaggedDoc) -> dict:
    """`article_row`, counted as written in the progress log."""
    PROGRESS.add(written=1)
    return article_row(doc)


def single_row(row_fn):
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


def rows_table(rows: list, schema) -> pa.Table:
    return pa.Table.from_pylist(rows, schema=schema)
