"""The whole pipeline, one named step per line: read this file to see what
happens to a dump between the input glob and the Parquet tables."""
from __future__ import annotations

from dataclasses import replace

import apache_beam as beam

from pipeline.options import IngestOptions
from transforms.common.progress import ProgressSettings
from transforms.html import ExtractHtml
from transforms.read import DecodeRecords, IngestWindows, ReadDumps, ReadFiles, WatchDumps, with_raw_kept
from transforms.reuse import (FlagDuplicatePassages, FlagDuplicatesAcrossWindows, ReadDedupIndex,
                              WriteDedupIndex)
from transforms.text import (AssembleArticles, CutRecurringLines, DetectLanguage, FindRecurringLines,
                             SplitHeaders, SplitPassages, StripBoilerplate)
from transforms.write import WriteTables, WriteWindowedTables


def build_pipeline(p: beam.Pipeline, options: IngestOptions, staging: str, index_staging: str = None,
                   progress: ProgressSettings = ProgressSettings()):
    """Batch: read every matching file, write the tables under `staging`."""
    records, read_rejects = p | 'ReadDumps' >> ReadDumps(options.inputs, options.limits, progress)
    docs, rejects = clean_articles(records, read_rejects, options)
    earlier_passages = p | 'ReadDedupIndex' >> ReadDedupIndex(options.dedup_index) if options.dedup_index else None
    reuse = docs | 'FlagDuplicatePassages' >> FlagDuplicatePassages(options.dedup, earlier_passages)
    if options.dedup_index:
        reuse['index'] | 'WriteDedupIndex' >> WriteDedupIndex(index_staging, options.dedup.params)
    return ({'articles': reuse['articles'], 'clusters': reuse['clusters'], 'rejects': rejects}
            | 'WriteTables' >> WriteTables(staging))


def build_streaming_pipeline(p: beam.Pipeline, options: IngestOptions, started: int,
                             already_read: frozenset = frozenset()):
    """Streaming: watch the patterns, process each new file once (skipping
    `already_read`, the ledger of an earlier run into the same OUTPUT),
    write each window's rows to OUTPUT as the window closes (docs/streaming.md)."""
    records, read_rejects, ledger = (
        p
        | 'WatchDumps' >> WatchDumps(options.inputs, replace(options.watch, already_read=already_read))
        | 'ReadFiles' >> ReadFiles(options.limits, ledger=True,
                                   progress=ProgressSettings(options.progress_interval, run=str(started))))
    windows = IngestWindows(options.windows)
    records = records | 'IngestWindows' >> windows
    read_rejects = read_rejects | 'RejectWindows' >> windows
    ledger = ledger | 'LedgerWindows' >> windows
    docs, rejects = clean_articles(records, read_rejects, options)
    remembered = p | 'ReadDedupIndex' >> ReadDedupIndex(options.dedup_index) if options.dedup_index else None
    batches = docs | 'FlagDuplicatesAcrossWindows' >> FlagDuplicatesAcrossWindows(
        options.dedup, seed=remembered, seed_seen=started)
    return ({'batches': batches, 'rejects': rejects, 'inputs': ledger}
            | 'WriteWindowedTables' >> WriteWindowedTables(options.output))


def clean_articles(records, read_rejects, options: IngestOptions):
    """Records -> (articles split into passages, every reject): the steps
    batch and streaming share."""
    limits = options.limits
    drafts, decode_rejects = records | 'DecodeRecords' >> DecodeRecords(limits.max_article_chars)
    drafts, html_rejects = drafts | 'ExtractHtml' >> ExtractHtml()
    drafts = drafts | 'SplitHeaders' >> SplitHeaders()
    recurring = drafts | 'FindRecurringLines' >> FindRecurringLines(options.recurrence)
    articles, extract_rejects = (
        drafts
        | 'StripBoilerplate' >> StripBoilerplate(use_model=options.boilerplate == 'model')
        | 'CutRecurringLines' >> CutRecurringLines(recurring)
        | 'AssembleArticles' >> AssembleArticles(limits.max_article_chars))
    docs = articles | 'DetectLanguage' >> DetectLanguage() | 'SplitPassages' >> SplitPassages()
    rejects = ((read_rejects, decode_rejects, html_rejects, extract_rejects)
               | 'AllRejects' >> beam.Flatten()
               | 'KeepLargeRawByReference' >> beam.Map(with_raw_kept, limits.max_inline_raw_bytes))
    return docs, rejects
