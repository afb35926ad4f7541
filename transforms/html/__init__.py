"""HTML: a page's main text as paragraphs, and its header fields (title,
date, authors, publisher) from the page's metadata and visible text.

    ExtractHtml      HTML drafts -> drafts with body lines and fields
"""
from transforms.common.exports import lazy_exports

# Each name is loaded with the module that defines it, when first asked for
# (transforms/common/exports.py says why).
_DEFINED_IN = {
    'ExtractHtml': 'extract_html',
}
__all__ = sorted(_DEFINED_IN)
__getattr__ = lazy_exports(__name__, _DEFINED_IN)
