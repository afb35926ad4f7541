"""AssembleArticles: a Draft's remaining lines become the article's `text`.

Fields the record itself gave (a JSON title or date) win over what the header
split or trafilatura guessed. A draft with no body left is rejected with its
original bytes, never dropped.
"""
from __future__ import annotations

import re
from collections import Counter
from typing import Optional, Union

import apache_beam as beam

from transforms.common import metrics
from transforms.common import progress
from transforms.common.records import Article, Draft, Reject
from transforms.text.paragraphs import assemble_paragraphs
from transforms.text.split_headers import HEADER_REASONS


def body_text(draft: Draft) -> str:
    if draft.content_kind == 'html':
        # trafilatura gives one paragraph per line already; no re-wrapping.
        return '\n\n'.join(' '.join(line.text.split()) for line in draft.lines if line.text.strip())
    return assemble_paragraphs(draft.lines)


# A word of letters (no digits), and a run of a script written without spaces.
_LETTER_WORD = re.compile(r'[^\W\d_]{2,}')
_UNSPACED_RUN = re.compile('[\u0e00-\u0e7f\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]{6,}')
MIN_SENTENCE_WORDS = 3


def has_sentence(text: str) -> bool:
    """Whether some paragraph has at least a sentence's worth of words:
    three words of letters, or a run of Chinese, Japanese, Korean or Thai.
    A body of numbers, symbols or single letters is not an article."""
    for paragraph in text.split('\n'):
        words = _LETTER_WORD.findall(paragraph)
        if len(words) >= MIN_SENTENCE_WORDS or _UNSPACED_RUN.search(paragraph):
            return True
    return False


def assemble_article(draft: Draft, max_article_chars: Optional[int] = None) -> Union[Article, Reject]:
    """The article a draft's remaining lines make, or a reject when nothing
    readable is left or the body is longer than `max_article_chars`."""
    text = body_text(draft)
    if not text:
        reasons = Counter(cut.reason for cut in draft.cuts)
        why = ', '.join(f'{n} {reason}' for reason, n in sorted(reasons.items())) or 'nothing extractable'
        if draft.cuts and not any(has_sentence(cut.text) for cut in draft.cuts):
            why += '; the input has no sentence at all'
        return Reject.of(draft, 'extract', 'empty_body', f'no article body left after extraction (lines cut: {why})')
    if not has_sentence(text):
        return Reject.of(draft, 'extract', 'no_sentences',
                         f'body of {len(text)} characters has no sentence (no paragraph with '
                         f'{MIN_SENTENCE_WORDS} words of letters): {text[:60]!r}')
    if max_article_chars and len(text) > max_article_chars:
        return Reject.of(draft, 'extract', 'article_too_long',
                         f'body of {len(text)} characters exceeds --max-article-chars={max_article_chars}; '
                         f'not truncated')
    fields = draft.known.filled_from(draft.fields)
    return Article(doc_id=draft.doc_id, source_uri=draft.source_uri, format=draft.format, url=draft.url,
                   title=fields.title, published_date=fields.published_date, date_source=fields.date_source,
                   authors=tuple(fields.authors), publisher=fields.publisher, wire_credit=fields.wire_credit,
                   text=text, cuts=tuple(draft.cuts))


class AssembleArticles(beam.PTransform):
    """Drafts -> (Articles, Rejects)."""

    def __init__(self, max_article_chars: Optional[int] = None):
        super().__init__()
        self._max_article_chars = max_article_chars

    def expand(self, drafts):
        max_article_chars = self._max_article_chars
        articles = metrics.counter('articles')
        rejected = metrics.counter('rejected_extract')
        boilerplate_lines = metrics.counter('boilerplate_lines')
        header_lines = metrics.counter('header_lines')

        def assemble(draft: Draft):
            result = assemble_article(draft, max_article_chars)
            if isinstance(result, Reject):
                rejected.inc()
                progress.PROGRESS.add(rejects=1)   # the module, not the object: a closure pickles its globals by value
                yield beam.pvalue.TaggedOutput('rejects', result)
            else:
                articles.inc()
                progress.PROGRESS.add(articles=1)
                headers = sum(cut.reason in HEADER_REASONS for cut in result.cuts)
                header_lines.inc(headers)
                boilerplate_lines.inc(len(result.cuts) - headers)
                yield result

        results = drafts | 'Assemble' >> beam.FlatMap(assemble).with_outputs('rejects', main='articles')
        return results.articles, results.rejects
