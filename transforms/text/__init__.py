"""Text: a draft's lines become the article body, then its language and passages.

    SplitHeaders        date header, headline, byline, dateline, wire credit -> fields
    StripBoilerplate    menus, promos, credits, captions cut (the line model)
    FindRecurringLines  lines repeated across one site's articles ...
    CutRecurringLines   ... cut from each of them
    AssembleArticles    the remaining lines -> the article's `text`
    DetectLanguage      langdetect, seeded, on a bounded sample
    SplitPassages       sentences with exact offsets: the units of reuse detection
"""
from transforms.common.exports import lazy_exports

# Each name is loaded with the module that defines it, when first asked for
# (transforms/common/exports.py says why).
_DEFINED_IN = {
    'AssembleArticles': 'assemble_articles',
    'CutRecurringLines': 'recurring_lines',
    'DetectLanguage': 'detect_language',
    'FindRecurringLines': 'recurring_lines',
    'RecurrencePolicy': 'recurring_lines',
    'SplitHeaders': 'split_headers',
    'SplitPassages': 'split_passages',
    'StripBoilerplate': 'strip_boilerplate',
}
__all__ = sorted(_DEFINED_IN)
__getattr__ = lazy_exports(__name__, _DEFINED_IN)
