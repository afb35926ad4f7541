"""AssembleArticles: a Draft's remaining lines become the article's `text`.

Fields the record itself gave (a JSON title or date) win over what the header
split or trafilatura guessed. A draft with no body left is rejected with its
original bytes, never dropped.
"""
from __future__ import annotations

from collections import Counter
from typing import Union

import apache_beam as beam

from transforms.records import Article, Draft, Reject
from transforms.split_headers import HEADER_REASONS
from transforms.strip_boilerplate import assemble_paragraphs

NAMESPACE = 'news_ingest'


def body_text(draft: Draft) -> str:
    if draft.content_kind == 'html':
        # trafilatura gives one paragraph per line already; no re-wrapping.
        return '\n\n'.join(' '.join(line.text.split()) for line in draft.lines if line.text.strip())
    return assemble_paragraphs(draft.lines)


def assemble_article(draft: Draft) -> Union[Article, Reject]:
    text = body_text(draft)
    if not text:
        reasons = Counter(cut.reason for cut in draft.cuts)
        why = ', '.join(f'{n} {reason}' for reason, n in sorted(reasons.items())) or 'nothing extractable'
        return Reject(draft.source_uri, 'extract', 'empty_body',
                      f'no article body left after extraction (lines cut: {why})', len(draft.raw), draft.raw)
    fields = draft.known.filled_from(draft.fields)
    return Article(doc_id=draft.doc_id, source_uri=draft.source_uri, format=draft.format, url=draft.url,
                   title=fields.title, published_date=fields.published_date, date_source=fields.date_source,
                   authors=tuple(fields.authors), publisher=fields.publisher, wire_credit=fields.wire_credit,
                   text=text, cuts=tuple(draft.cuts))


class AssembleArticles(beam.PTransform):
    """Drafts -> (Articles, Rejects)."""

    def expand(self, drafts):
        articles = beam.metrics.Metrics.counter(NAMESPACE, 'articles')
        rejected = beam.metrics.Metrics.counter(NAMESPACE, 'rejected_extract')
        boilerplate_lines = beam.metrics.Metrics.counter(NAMESPACE, 'boilerplate_lines')
        header_lines = beam.metrics.Metrics.counter(NAMESPACE, 'header_lines')

        def assemble(draft: Draft):
            result = assemble_article(draft)
            if isinstance(result, Reject):
                rejected.inc()
                yield beam.pvalue.TaggedOutput('rejects', result)
            else:
                articles.inc()
                headers = sum(cut.reason in HEADER_REASONS for cut in result.cuts)
                header_lines.inc(headers)
                boilerplate_lines.inc(len(result.cuts) - headers)
                yield result

        results = drafts | 'Assemble' >> beam.FlatMap(assemble).with_outputs('rejects', main='articles')
        return results.articles, results.rejects
