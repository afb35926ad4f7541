"""trafilatura's metadata of a page (title, author, URL, date, site name),
each field worked out only when the header asks for it: the fallbacks for
what the page's own metadata does not say."""
from __future__ import annotations

from functools import cached_property
from html import unescape
from typing import Optional

import trafilatura  # noqa: F401  (import order: settings before core)
from htmldate import find_date
from lxml.html import HtmlElement
from trafilatura import metadata as traf_meta
from trafilatura.utils import line_processing

from transforms.html.page_metadata import first_str
from transforms.replicas.trafilatura_author import find_author

__all__ = ['NoMetadata', 'TrafilaturaMetadata']


class TrafilaturaMetadata:
    """trafilatura's metadata of a page, as `trafilatura.metadata.extract_metadata`
    works it out, one field at a time and only when asked for.

    The pipeline reads titles, dates, authors and publishers from the page's
    own metadata first (`collect_page_metadata`, `scan_body`); trafilatura's
    are fallbacks. Letting `bare_extraction` compute them all
    (with_metadata=True) cost 40% of extraction (measured: htmldate's date
    search, author search, categories, tags and licence, most of which no
    page here needs), so the body is extracted without metadata and each
    fallback is computed on first use."""

    def __init__(self, tree: HtmlElement, url: Optional[str], date_params: dict):
        self._tree = tree
        self._url = url
        self._date_params = date_params
        try:
            base = traf_meta.examine_meta(tree)
            if base.author and ' ' not in base.author:
                base.author = None
        except Exception:
            base = traf_meta.Document()
        try:
            base = traf_meta.extract_meta_json(tree, base)
        except Exception:   # as extract_metadata: bugs in trafilatura's JSON-LD code
            pass
        self._base = base

    @staticmethod
    def _clean(value):
        """`Document.clean_and_trim`, and odd JSON-LD values (lists, booleans) made strings."""
        if value is None:
            return None
        if not isinstance(value, str):
            return first_str(value)
        if len(value) > 10000:
            value = value[:9999] + '…'
        return line_processing(unescape(value))

    def _field(self, name: str, find):
        value = getattr(self._base, name, None)
        if not value:
            try:
                value = find()
            except Exception:
                value = None
        return self._clean(value)

    @cached_property
    def title(self) -> Optional[str]:
        return self._field('title', lambda: traf_meta.extract_title(self._tree))

    @cached_property
    def author(self) -> Optional[str]:
        # `find_author` is `traf_meta.extract_author` without its tree copy
        # and per-element Python callbacks (a quarter of extraction time)
        return self._field('author', lambda: find_author(self._tree))

    @cached_property
    def url(self) -> Optional[str]:
        return self._field('url', lambda: traf_meta.extract_url(self._tree, self._url))

    @cached_property
    def date(self) -> Optional[str]:
        try:
            return find_date(self._tree, **{**self._date_params, 'url': self.url})
        except Exception:
            return None

    @cached_property
    def sitename(self) -> Optional[str]:
        name = self._base.sitename
        if not name:
            try:
                name = traf_meta.extract_sitename(self._tree)
            except Exception:
                name = None
        if name and isinstance(name, str):
            name = name.lstrip('@')
            if name and '.' not in name and not name[0].isupper():
                name = name.title()
        elif not name and self.url:
            match = traf_meta.META_URL.match(self.url)
            name = match[1] if match else None
        return self._clean(name)


class NoMetadata:
    """Stands in for `TrafilaturaMetadata` where trafilatura's fallbacks are
    not used (a page in which it found no body)."""
    title = author = url = date = sitename = None

