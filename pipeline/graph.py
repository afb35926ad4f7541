"""The whole pipeline, one named step per line: read this file to see what
happens to a dump between the input glob and the Parquet tables."""
from __future__ import annotations

import apache_beam as beam

from pipeline.options import IngestOptions
from transforms.assemble_articles import AssembleArticles
from transforms.decode_records import DecodeRecords
from transforms.detect_language import DetectLanguage
from transforms.extract_html import ExtractHtml
from transforms.flag_duplicates import FlagDuplicatePassages
from transforms.read_dumps import ReadDumps
from transforms.recurring_lines import CutRecurringLines, FindRecurringLines, RecurrencePolicy
from transforms.split_headers import SplitHeaders
from transforms.split_passages import SplitPassages
from transforms.strip_boilerplate import StripBoilerplate
from transforms.write_tables import WriteTables


def build_pipeline(p: beam.Pipeline, options: IngestOptions, staging: str):
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
    flagged, clusters = (
        articles
        | 'DetectLanguage' >> DetectLanguage()
        | 'SplitPassages' >> SplitPassages()
        | 'FlagDuplicatePassages' >> FlagDuplicatePassages(options.min_passage_words))
    rejects = (read_rejects, decode_rejects, extract_rejects) | 'AllRejects' >> beam.Flatten()
    return {'articles': flagged, 'clusters': clusters, 'rejects': rejects} | 'WriteTables' >> WriteTables(staging)
