"""Text: a draft's lines become the article body, then its language and passages.

    SplitHeaders        date header, headline, byline, dateline, wire credit -> fields
    StripBoilerplate    menus, promos, credits, captions cut (the line model)
    FindRecurringLines  lines repeated across one site's articles ...
    CutRecurringLines   ... cut from each of them
    AssembleArticles    the remaining lines -> the article's `text`
    DetectLanguage      langdetect, seeded, on a bounded sample
    SplitPassages       sentences with exact offsets: the units of reuse detection
"""
from transforms.text.assemble_articles import AssembleArticles
from transforms.text.detect_language import DetectLanguage
from transforms.text.recurring_lines import CutRecurringLines, FindRecurringLines, RecurrencePolicy
from transforms.text.split_headers import SplitHeaders
from transforms.text.split_passages import SplitPassages
from transforms.text.strip_boilerplate import StripBoilerplate

__all__ = ['AssembleArticles', 'CutRecurringLines', 'DetectLanguage', 'FindRecurringLines', 'RecurrencePolicy',
           'SplitHeaders', 'SplitPassages', 'StripBoilerplate']
