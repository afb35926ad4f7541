"""The whole pipeline, one named step per line: read this file to see what
happens to a dump between the input glob and the Parquet tables."""
from __future__ import annotations

import apache_beam as beam

from pipeline.options import IngestOptions
from transforms.assemble_articles import AssembleArticles
from transforms.decode_records import DecodeRecords
from transforms.detect_language import DetectLanguage
from transforms.extract_html import ExtractHtml
from transforms.dedup_index import ReadDedupIndex, WriteDedupIndex
from transforms.flag_duplicates import DedupSettings, FlagDuplicatePassages
from transforms.passage_signatures import SignatureParams
from transforms.read_dumps import ReadDumps
from transforms.recurring_lines import CutRecurringLines, FindRecurringLines, RecurrencePolicy
from transforms.split_headers import SplitHeaders
from transforms.split_passages import SplitPassages
from transforms.strip_boilerplate import StripBoilerplate
from transforms.write_tables import WriteTables


def dedup_settings(options: IngestOptions) -> DedupSettings:
    return DedupSettings(params=SignatureParams(min_words=options.min_passage_words),
                         shards=options.dedup_shards, rounds=options.dedup_rounds)


def build_pipeline(p: beam.Pipeline, options: IngestOptions, staging: str, index_staging: str = None):
    records, read_rejects = p | 'ReadDumps' >> ReadDumps(
        options.inputs, options.input_format, options.max_record_bytes)
    drafts, decode_rejects = records | 'DecodeRecords' >> DecodeRecords()
    drafts = drafts | 'ExtractHtml' >> ExtractHtml() | 'SplitHeaders' >> SplitHeaders()
    recurring = drafts | 'FindRecurringLines' >> FindRecurringLines(
        RecurrencePolicy(min_docs=options.recurring_min_docs))
    articles, extract_rejects = (
        drafts
        | 'StripBoilerplate' >> StripBoilerplate(use_model=options.boilerplate == 'model')
        | 'CutRecurringLines' >> CutRecurringLines(recurring)
        | 'AssembleArticles' >> AssembleArticles())
    earlier_passages = p | 'ReadDedupIndex' >> ReadDedupIndex(options.dedup_index) if options.dedup_index else None
    reuse = (
        articles
        | 'DetectLanguage' >> DetectLanguage()
        | 'SplitPassages' >> SplitPassages()
        | 'FlagDuplicatePassages' >> FlagDuplicatePassages(dedup_settings(options), earlier_passages))
    if options.dedup_index:
        reuse['index'] | 'WriteDedupIndex' >> WriteDedupIndex(index_staging, dedup_settings(options).params)
    rejects = (read_rejects, decode_rejects, extract_rejects) | 'AllRejects' >> beam.Flatten()
    return ({'articles': reuse['articles'], 'clusters': reuse['clusters'], 'rejects': rejects}
            | 'WriteTables' >> WriteTables(staging))
