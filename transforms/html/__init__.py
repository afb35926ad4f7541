"""HTML: a page's main text as paragraphs, and its header fields (title,
date, authors, publisher) from the page's metadata and visible text.

    ExtractHtml      HTML drafts -> drafts with body lines and fields
"""
from transforms.html.extract_html import ExtractHtml

__all__ = ['ExtractHtml']
