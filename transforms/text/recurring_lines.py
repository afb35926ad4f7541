"""Recurring lines: the corpus-level half of boilerplate removal for text dumps.

A text dump has every visible block of a page, chrome included. The chrome of
one site (menus, footers, newsletter promos, standard disclaimers) is the same
on every article of that site, so a line that recurs in many articles of one
source is boilerplate *for that source*. The per-page half
(`strip_boilerplate`) cannot see this; only a count over the corpus can.

Lines are compared by `line_key`: whitespace collapsed, case folded and every
number replaced by `0`, so "© 2024 ..." and "© 2025 ..." footers, or
"3 comments" and "12 comments", are one line.

The policy (`RecurrencePolicy`), for a line found in `docs_in_source` of the
`source_docs` text articles of its source and in `n_sources` sources overall:

- in fewer than `min_docs` articles of the source: kept. Two articles sharing
  a line is too little evidence, and a source with fewer than `min_docs`
  articles never loses a line here.
- short (fewer than `long_words` words): cut when it is in at least
  `min_share_short` of the source's articles. Menus, footers and promos are
  short and on (nearly) every page of a site; a short sentence that a big
  site prints in a few of its thousands of stories ("He declined to
  comment.") is body text.
- long and also found in another source: kept, always. A long sentence
  printed by several outlets is wire copy (AP/Reuters text reprinted); it is
  the article's body, and the duplicate-passage step handles the reprint.
- long and found in this source only: cut when it is in at least
  `min_share_long` of the source's articles (a standard disclaimer), kept
  otherwise (a background paragraph a few stories of the site reuse).

Run it on the same draft stage for finding and cutting (`source_of` reads the
draft's publisher when there is no URL), after the header split, so that
recurring bylines and wire credits have already become fields.

The functions up to `cut_recurring_lines` are plain Python; the Beam part is
`FindRecurringLines` (the corpus counts, as Beam aggregations) and
`CutRecurringLines` (applies them to drafts).
"""
from __future__ import annotations

import dataclasses
import hashlib
import posixpath
import re
from collections.abc import Container
from dataclasses import dataclass
from typing import Dict, Iterable, List, Optional, Sequence, Set, Tuple

import apache_beam as beam

from transforms.common import metrics
from transforms.common.records import Cut, Draft, Line
from transforms.common.sites import site_of_url
from transforms.common.text_primitives import collapse_whitespace, words_of

CUT_REASON = 'recurring_line'

__all__ = [
    'CUT_REASON', 'RecurrencePolicy', 'source_of', 'line_key', 'draft_line_keys', 'article_fingerprint',
    'recurring_line_cuts', 'cut_recurring_lines', 'FindRecurringLines', 'CutRecurringLines',
]

# A number with its thousands/decimal separators ("1,234", "2.5", "12.05.2024")
# is one token, so "1,234 comments" and "12 comments" give the same key.
_NUMBER = re.compile(r'\d+(?:[.,]\d+)*')
_RECORD_SUFFIX = re.compile(r'#\d+$')


def source_of(draft: Draft) -> str:
    """The site an article belongs to: the URL's host (without `www.`), else
    the publisher the record or header named, else the folder of the input
    file (a crawl usually writes one folder per site)."""
    host = site_of_url(draft.url)
    if host:
        return host
    # What the record said wins over what the header split guessed, as in
    # AssembleArticles.
    publisher = draft.known.publisher or draft.fields.publisher
    if publisher and publisher.strip():
        return collapse_whitespace(publisher).lower()
    return posixpath.dirname(_RECORD_SUFFIX.sub('', draft.source_uri))


def line_key(text: str) -> Optional[str]:
    """A key equal for lines that differ only in spacing, case or numbers;
    None for lines with no letters (separators, bare numbers), which say
    nothing about a site. A blake2b digest, so every worker of every run
    computes the same key (Python's hash() is salted per process)."""
    if not any(c.isalpha() for c in text):
        return None
    normalized = _NUMBER.sub('0', collapse_whitespace(text).casefold())
    return hashlib.blake2b(normalized.encode('utf-8'), digest_size=8).hexdigest()


def draft_line_keys(draft: Draft) -> List[Tuple[str, int]]:
    """(key, word count) of each distinct line of a text draft, in line order.
    A line repeated inside one article counts once: recurrence is across
    articles. HTML drafts give []: their chrome was left behind by
    the extractor, and their lines are extracted paragraphs."""
    if draft.content_kind != 'text':
        return []
    seen: Set[str] = set()
    keys = []
    for line in draft.lines:
        key = line_key(line.text)
        if key is not None and key not in seen:
            seen.add(key)
            keys.append((key, len(words_of(line.text))))
    return keys


def article_fingerprint(keys: Sequence[Tuple[str, int]], long_words: int) -> str:
    """A key equal for copies of one article: its long lines (the prose),
    or all its lines when it has none. The same story ingested twice, or
    printed in two sections of a site, is one article, not a recurrence:
    counted twice, its every line would look like the site's chrome."""
    prose = sorted(key for key, n_words in keys if n_words >= long_words) or sorted(key for key, _ in keys)
    return hashlib.blake2b(' '.join(prose).encode('ascii'), digest_size=8).hexdigest()


@dataclass(frozen=True)
class RecurrencePolicy:
    """When a line recurring in a source's articles is boilerplate for it
    (see the module docstring)."""
    min_docs: int = 3
    long_words: int = 12
    min_share_short: float = 0.1
    min_share_long: float = 0.5

    def is_long(self, n_words: int) -> bool:
        """Only long lines need `n_sources`: short ones are decided without
        it, so a line like "Home" in every site never has its sources counted."""
        return n_words >= self.long_words

    def is_boilerplate(self, docs_in_source: int, source_docs: int, n_sources: int, n_words: int) -> bool:
        if docs_in_source < self.min_docs:
            return False
        if not self.is_long(n_words):
            return docs_in_source >= self.min_share_short * source_docs
        if n_sources >= 2:
            return False
        return docs_in_source >= self.min_share_long * source_docs


def recurring_line_cuts(lines: Sequence[Line], source: str, recurring: Container) -> Set[int]:
    """Indexes (`Line.index`) of the lines whose (source, key) is in
    `recurring`, a set or a dict keyed by (source, key)."""
    cuts = set()
    for line in lines:
        key = line_key(line.text)
        if key is not None and (source, key) in recurring:
            cuts.add(line.index)
    return cuts


def cut_recurring_lines(draft: Draft, recurring: Container) -> Draft:
    """The draft with its recurring lines moved from `lines` to `cuts`;
    HTML drafts, and drafts with nothing to cut, come back unchanged."""
    if draft.content_kind != 'text':
        return draft
    cut_indexes = recurring_line_cuts(draft.lines, source_of(draft), recurring)
    if not cut_indexes:
        return draft
    kept = tuple(line for line in draft.lines if line.index not in cut_indexes)
    cuts = tuple(Cut(line.index, collapse_whitespace(line.text), CUT_REASON)
                 for line in draft.lines if line.index in cut_indexes)
    return dataclasses.replace(draft, lines=kept, cuts=tuple(draft.cuts) + cuts)


# --------------------------------------------------------------------------
# Beam wrapper.
# --------------------------------------------------------------------------

#: shards the long lines of every source meet in to count their sources
LONG_LINE_SHARDS = 16


class SourceLineStats(beam.CombineFn):
    """One source's articles (each as its line keys) -> (articles, {line key:
    (articles it is in, its largest word count)}). The largest, so a line
    that is long in any copy gets the long-line rules, which keep more.

    One accumulator per source rather than one element per line: Beam
    combines each bundle's articles before the shuffle, and a worker holds
    one source's distinct lines (about 100 bytes each) at a time."""

    def create_accumulator(self):
        return 0, {}

    def add_input(self, accumulator, keys):
        docs, stats = accumulator
        for key, n_words in keys:
            seen, words = stats.get(key, (0, 0))
            stats[key] = (seen + 1, max(words, n_words))
        return docs + 1, stats

    def merge_accumulators(self, accumulators):
        docs, stats = 0, {}
        for more_docs, more_stats in accumulators:
            docs += more_docs
            if not stats:
                stats = dict(more_stats)
                continue
            for key, (seen, n_words) in more_stats.items():
                had, words = stats.get(key, (0, 0))
                stats[key] = (had + seen, max(words, n_words))
        return docs, stats

    def extract_output(self, accumulator):
        return accumulator


def long_line_shard(key: str, shards: int = LONG_LINE_SHARDS) -> int:
    return int(key[:8], 16) % shards   # keys are hex digests


def short_recurring(source_docs: int, stats: dict, policy: RecurrencePolicy) -> List[str]:
    """The short lines of a source that are its boilerplate (no other source needed)."""
    return sorted(key for key, (docs, words) in stats.items()
                  if not policy.is_long(words) and policy.is_boilerplate(docs, source_docs, 1, words))


def long_lines_by_shard(source: str, source_docs: int, stats: dict, policy: RecurrencePolicy,
                        shards: int = LONG_LINE_SHARDS) -> Dict[int, tuple]:
    """shard -> (source, its long line keys there, those of them it would cut
    if no other source printed them): what the shards count sources with."""
    out: Dict[int, tuple] = {}
    for key, (docs, words) in stats.items():
        if policy.is_long(words):
            shard = long_line_shard(key, shards)
            if shard not in out:
                out[shard] = (source, [], [])
            _, long_keys, would_cut = out[shard]
            long_keys.append(key)
            if policy.is_boilerplate(docs, source_docs, 1, words):
                would_cut.append(key)
    return out


def long_recurring(shard_sources: Iterable[tuple]) -> List[Tuple[str, str]]:
    """(source, key) of the long lines of one shard that are boilerplate: in
    no other source as a long line (elsewhere they would be wire copy)."""
    shard_sources = list(shard_sources)
    sources_per_key: Dict[str, int] = {}
    for _, long_keys, _ in shard_sources:
        for key in long_keys:
            sources_per_key[key] = sources_per_key.get(key, 0) + 1
    return sorted((source, key) for source, _, would_cut in shard_sources
                  for key in would_cut if sources_per_key[key] < 2)


class FindRecurringLines(beam.PTransform):
    """Drafts -> (source, key) pairs, one per line key that is boilerplate for
    that source under `policy`.

    Copies of one article (same prose lines) count once. Each source's line
    counts are one combined element (`SourceLineStats`); short lines are
    decided there, long ones after their sources are counted in
    `LONG_LINE_SHARDS` shards. No side inputs, so the step runs the same
    per window in streaming, where it learns each site's recurring lines
    from the window's articles.
    """

    def __init__(self, policy: RecurrencePolicy = RecurrencePolicy()):
        super().__init__()
        self._policy = policy

    def expand(self, drafts):
        policy = self._policy
        recurring_lines = metrics.counter('recurring_lines')

        def article_lines(draft: Draft):
            keys = tuple(draft_line_keys(draft))
            return (source_of(draft), article_fingerprint(keys, policy.long_words)), keys

        def short_lines(item):
            source, (source_docs, stats) = item
            keys = short_recurring(source_docs, stats, policy)
            recurring_lines.inc(len(keys))
            return [(source, key) for key in keys]

        def long_lines(item):
            pairs = long_recurring(item[1])
            recurring_lines.inc(len(pairs))
            return pairs

        # (source, (articles, {key: (articles, words)})): copies of one article count once
        per_source = (
            drafts
            | 'TextOnly' >> beam.Filter(lambda draft: draft.content_kind == 'text')
            | 'ArticleLines' >> beam.Map(article_lines)
            | 'OneCopyPerArticle' >> beam.CombinePerKey(min)
            | 'KeySource' >> beam.Map(lambda item: (item[0][0], item[1]))
            | 'CountLinesPerSource' >> beam.CombinePerKey(SourceLineStats()))
        short = per_source | 'ShortRecurring' >> beam.FlatMap(short_lines)
        # Every site a long line is in counts, also sites where it is rare:
        # one copy elsewhere is what marks a sentence as wire copy.
        long = (
            per_source
            | 'LongLinesByShard' >> beam.FlatMap(
                lambda item: long_lines_by_shard(item[0], item[1][0], item[1][1], policy).items())
            | 'GroupByShard' >> beam.GroupByKey()
            | 'LongRecurring' >> beam.FlatMap(long_lines))
        return (short, long) | 'Recurring' >> beam.Flatten()


class CutRecurringLines(beam.PTransform):
    """Drafts -> drafts with the lines `FindRecurringLines` flagged moved into
    `cuts` (reason 'recurring_line'); HTML drafts pass unchanged.

    Text drafts are joined with their site's flagged lines by source: a
    worker holds one site's drafts and lines at a time.
    """

    def __init__(self, recurring):
        super().__init__()
        self._recurring = recurring

    def expand(self, drafts):
        cut_lines = metrics.counter('recurring_lines_cut')

        def cut(item):
            _, grouped = item
            recurring = {tuple(source_key) for source_key in grouped['recurring']}
            for draft in grouped['drafts']:
                result = cut_recurring_lines(draft, recurring)
                cut_lines.inc(len(result.cuts) - len(draft.cuts))
                yield result

        by_kind = drafts | 'ByKind' >> beam.Partition(lambda draft, _: int(draft.content_kind == 'text'), 2)
        cut_text = (
            {'drafts': by_kind[1] | 'KeyBySource' >> beam.Map(lambda draft: (source_of(draft), draft)),
             'recurring': self._recurring | 'RecurringBySource' >> beam.Map(lambda pair: (pair[0], tuple(pair)))}
            | 'JoinRecurring' >> beam.CoGroupByKey()
            | 'CutRecurring' >> beam.FlatMap(cut))
        return (by_kind[0], cut_text) | 'AllDrafts' >> beam.Flatten()
