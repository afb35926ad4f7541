"""FlagDuplicatePassages: passages reprinted from another article, marked
against the earliest copy.

This first version matches sentences exactly after normalization (case,
punctuation, quote styles, whitespace); the near-duplicate version (MinHash +
LSH + verification) replaces `passage_key` and the grouping, not the cluster
resolution or the way results are applied to articles.

Canonical member of a cluster: the earliest `published_date`; undated after
dated; ties by `doc_id`, then passage order. Only passages in other articles
than the canonical one are duplicates: repetition inside one article is the
boilerplate step's business.
"""
from __future__ import annotations

import datetime
import hashlib
import re
import unicodedata
from dataclasses import dataclass
from typing import Iterable, List, Optional, Sequence, Tuple

import apache_beam as beam

from transforms.records import Article, Cluster, DocPassages, Passage, PassageMatch

NAMESPACE = 'news_ingest'

# Sentences shorter than this are formulaic ("He declined to comment.") and
# recur across unrelated articles; they never form clusters.
MIN_PASSAGE_WORDS = 8

_QUOTES = str.maketrans({c: "'" for c in '\u2018\u2019\u201a\u201b\u2032\u00b4`'} |
                        {c: '"' for c in '\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb'})
_NON_WORD = re.compile(r"[^\w\s]+", re.U)
_SPACE = re.compile(r'\s+', re.U)


def normalize_passage(text: str) -> str:
    """Case, quote styles, punctuation and whitespace folded away."""
    text = unicodedata.normalize('NFKC', text).translate(_QUOTES).lower()
    text = text.replace("'s ", ' s ').replace("'", '')
    return _SPACE.sub(' ', _NON_WORD.sub(' ', text)).strip()


def passage_key(text: str, min_words: int = MIN_PASSAGE_WORDS) -> Optional[str]:
    """The matching key of a passage, or None when it is too short to match."""
    normalized = normalize_passage(text)
    if normalized.count(' ') + 1 < min_words:
        return None
    return hashlib.blake2b(normalized.encode('utf-8'), digest_size=12).hexdigest()


@dataclass(frozen=True)
class Member:
    """A passage as a candidate member of a cluster."""
    published_date: Optional[datetime.date]
    doc_id: str
    passage_index: int
    passage_id: str

    def rank(self) -> Tuple:
        undated = self.published_date is None
        return (undated, self.published_date or datetime.date.max, self.doc_id, self.passage_index)


def resolve_cluster(key: str, members: Iterable[Member]) -> Tuple[Optional[Cluster], List[PassageMatch]]:
    """A cluster and its passage matches, or (None, []) when all members are
    in one article."""
    ordered = sorted(set(members), key=Member.rank)
    doc_ids = sorted({m.doc_id for m in ordered})
    if len(doc_ids) < 2:
        return None, []
    canonical = ordered[0]
    cluster_id = f'c-{key[:20]}'
    cluster = Cluster(cluster_id=cluster_id, canonical_doc_id=canonical.doc_id,
                      canonical_passage_id=canonical.passage_id, size=len(doc_ids), doc_ids=tuple(doc_ids),
                      first_published=canonical.published_date)
    matches = [PassageMatch(doc_id=m.doc_id, passage_id=m.passage_id,
                            is_duplicate=m.doc_id != canonical.doc_id, cluster_id=cluster_id,
                            canonical_doc_id=canonical.doc_id, canonical_passage_id=canonical.passage_id,
                            similarity=1.0)
               for m in ordered]
    return cluster, matches


def remove_spans(text: str, spans: Sequence[Tuple[int, int]]) -> str:
    """`text` without the given spans; emptied paragraphs disappear and the
    gaps left inside a paragraph close up to one space."""
    if not spans:
        return text
    pieces = []
    position = 0
    for start, end in sorted(spans):
        if start > position:
            pieces.append(text[position:start])
        position = max(position, end)
    pieces.append(text[position:])
    joined = ''.join(pieces)
    paragraphs = (re.sub(r'[ \t]{2,}', ' ', p).strip() for p in joined.split('\n\n'))
    return '\n\n'.join(p for p in paragraphs if p)


def apply_matches(doc: DocPassages, matches: Sequence[PassageMatch]):
    """(unique_text, dup_ratio, passage rows as (Passage, PassageMatch|None))."""
    by_passage = {m.passage_id: m for m in matches}
    duplicate_spans = [(p.char_start, p.char_end) for p in doc.passages
                       if p.passage_id in by_passage and by_passage[p.passage_id].is_duplicate]
    text = doc.article.text
    duplicate_chars = sum(end - start for start, end in duplicate_spans)
    dup_ratio = duplicate_chars / len(text) if text else 0.0
    rows = [(p, by_passage.get(p.passage_id)) for p in doc.passages]
    return remove_spans(text, duplicate_spans), dup_ratio, rows


# --------------------------------------------------------------------------
# Beam wrapper.
# --------------------------------------------------------------------------

@dataclass(frozen=True)
class FlaggedDoc:
    """An article with its reuse results: what WriteTables turns into rows."""
    article: Article
    unique_text: str
    dup_ratio: float
    passages: tuple    # tuple[(Passage, PassageMatch | None), ...]


class FlagDuplicatePassages(beam.PTransform):
    """DocPassages -> (FlaggedDoc, Cluster) PCollections."""

    def __init__(self, min_words: int = MIN_PASSAGE_WORDS):
        super().__init__()
        self._min_words = min_words

    def expand(self, docs):
        min_words = self._min_words

        def keyed_members(doc: DocPassages):
            date = doc.article.published_date
            seen = set()
            for passage in doc.passages:
                key = passage_key(passage.text, min_words)
                if key is not None and (key, passage.passage_id) not in seen:
                    seen.add((key, passage.passage_id))
                    yield key, Member(date, doc.article.doc_id, passage.index, passage.passage_id)

        duplicates = beam.metrics.Metrics.counter(NAMESPACE, 'duplicate_passages')
        clusters_counter = beam.metrics.Metrics.counter(NAMESPACE, 'clusters')

        def resolve(item):
            key, members = item
            cluster, matches = resolve_cluster(key, members)
            if cluster is None:
                return
            clusters_counter.inc()
            duplicates.inc(sum(m.is_duplicate for m in matches))
            yield beam.pvalue.TaggedOutput('clusters', cluster)
            for match in matches:
                yield match.doc_id, match

        resolved = (
            docs
            | 'KeyPassages' >> beam.FlatMap(keyed_members)
            | 'GroupByPassageKey' >> beam.GroupByKey()
            | 'ResolveClusters' >> beam.FlatMap(resolve).with_outputs('clusters', main='matches'))

        def apply(item):
            _, grouped = item
            for doc in grouped['docs']:
                unique_text, dup_ratio, rows = apply_matches(doc, list(grouped['matches']))
                yield FlaggedDoc(doc.article, unique_text, dup_ratio, tuple(rows))

        flagged = (
            {'docs': docs | 'KeyDocs' >> beam.Map(lambda d: (d.article.doc_id, d)),
             'matches': resolved.matches}
            | 'JoinMatches' >> beam.CoGroupByKey()
            | 'ApplyMatches' >> beam.FlatMap(apply))
        return flagged, resolved.clusters
