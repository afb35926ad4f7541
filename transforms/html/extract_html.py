"""HTML article extraction: clean body text plus header fields, no Beam.

One `HtmlExtractor` is built per worker (the trafilatura configuration is
made once) and `extract()` is called per page. The page is parsed once with
lxml (trafilatura's own parser settings); the tree is read by the metadata
code here and handed to trafilatura, which works on a copy.

Body: trafilatura with recall settings, no comments, tables kept (cheaper
than the default balanced mode, which also runs fallback extractors, and
better on these pages). Only when that body is under a quarter of the page's
visible text is a second, balanced pass run; its body is taken when it is
over 3x longer. A trailing "Related articles" / "More from" / "Comments"
section (a heading of that kind -- also 'About the author', newsletter,
sponsored, 'Share with ...' -- after the first 30% of the body) is cut, and
so is a cookie-consent notice left at the end. A container named like
boilerplate ('w-embed', 'widget') that holds most of the page's paragraph
text (malformed pages nest the article in one) loses its class/id first.

Metadata: the page's structured metadata (JSON-LD incl. @graph, Open Graph /
article:* / itemprop / Dublin Core / parsely / sailthru meta tags, <time>
elements) is read here and combined with trafilatura's (htmldate) values.
The date shown with the headline is used when the metadata backs it;
publication dates beat modification dates and dates the page labels
'Updated' (or shows both as the shown date and as 'Updated'); a date the
page labels 'Published' stands in for metadata that only repeats the
modification date; numeric dates follow the page's locale (<html lang>,
other dates on the page); a date in the URL path is a last resort. Nothing here fetches
anything from the network.

This module holds `HtmlExtractor` (the two passes and the assembly of
the page), `extract_draft` and the Beam step. The parts live beside it in
transforms/html/: page_metadata (the page's <meta> and JSON-LD),
trafilatura_metadata (trafilatura's, the fallbacks), date_values and
shown_dates (dates in metadata values and URLs; dates shown in the body),
titles_authors, header_fields (the header from all of these) and
page_cleanup (before and after trafilatura); trafilatura's own steps,
made faster, in transforms/replicas/trafilatura_extraction.
"""
from __future__ import annotations

import dataclasses
import datetime
from copy import copy, deepcopy
from dataclasses import dataclass
from typing import Optional

import apache_beam as beam
import trafilatura  # noqa: F401  (import order: settings before core)
from lxml.html import HtmlElement
from trafilatura.core import bare_extraction
from trafilatura.settings import DEFAULT_CONFIG, Extractor, set_date_params

from transforms.common import metrics
from transforms.common.progress import PROGRESS
from transforms.common.records import Draft, HeaderFields, Line, Reject
from transforms.common.worker import freeze_loaded_models
from transforms.html.header_fields import page_header
from transforms.html.page_cleanup import cut_consent_tail, cut_tail_section, unhide_main_container
from transforms.html.page_metadata import collect_page_metadata, metadata_published_date
from transforms.html.shown_dates import scan_body
from transforms.html.titles_authors import normalize_words
from transforms.html.trafilatura_metadata import NoMetadata, TrafilaturaMetadata
from transforms.replicas.trafilatura_extraction import bare_extraction_in_place, extracts_in_place, load_html_tree


__all__ = ['ExtractHtml', 'HtmlExtractor', 'HtmlPage', 'HtmlTooDeep', 'extract_draft', 'html_draft_lines']


@dataclass(frozen=True)
class HtmlPage:
    text: str                 # article body, paragraphs joined by "\n\n", no title line
    fields: HeaderFields      # title, published_date, date_source ('html'/'none'), authors, publisher
    url: Optional[str]        # the given URL, else the page's canonical URL


def _doc_text(doc, trim: bool) -> str:
    if doc is None:
        return ''
    if trim and cut_tail_section(doc):
        from trafilatura.xml import xmltotxt
        return '\n'.join(_paragraphs(xmltotxt(doc.body, False)))
    return '\n'.join(_paragraphs(doc.text))


def _paragraphs(text: Optional[str]) -> list:
    return [ln.strip() for ln in (text or '').split('\n') if ln.strip()]


# ----------------------------------------------------------------- extractor

class HtmlTooDeep(ValueError):
    """libxml2 stops building a tree at 256 levels and drops the rest of the
    page without an error; a page that reaches the limit was cut short."""

    error = 'html_too_deep'


#: libxml2's nesting limit (without XML_PARSE_HUGE); real pages stay under 60
LIBXML_MAX_DEPTH = 256
_AT_DEPTH_LIMIT = '/*' * (LIBXML_MAX_DEPTH - 1)


class HtmlExtractor:
    """Build once per worker (heavy config in __init__), call extract() per page."""

    #: the first pass (recall settings) is suspicious when its body is less
    #: than this share of the page's visible text ...
    SMALL_SHARE = 0.25
    #: ... and the balanced second pass replaces it when it is this much longer
    LONGER = 3.0

    def __init__(self, second_pass: bool = True, trim_tail: bool = True, unhide: bool = True):
        config = deepcopy(DEFAULT_CONFIG)
        config['DEFAULT']['EXTRACTION_TIMEOUT'] = '0'   # no signal-based timeout (threads)
        self._config = config
        common = dict(config=config, output_format='python', comments=False,
                      tables=True, with_metadata=False)
        self._date_params = set_date_params(config.getboolean('DEFAULT', 'EXTENSIVE_DATE_SEARCH'))
        self._options = Extractor(recall=True, **common)
        self._balanced_options = Extractor(**common)
        self._second_pass = second_pass
        self._trim = trim_tail
        self._unhide = unhide
        self.pages = 0
        self.second_passes = 0   # pages that needed the second pass (for evals)

    # -- helpers
    def _run(self, tree, options, url, in_place: bool = False):
        """trafilatura's body of the page; `in_place`: on `tree` itself, which
        is pruned (the caller no longer needs it), rather than on a copy."""
        opts = copy(options)
        opts.url = url
        opts.source = url
        try:
            if in_place and extracts_in_place(opts):
                return bare_extraction_in_place(tree, opts)
            return bare_extraction(tree, options=opts)
        except Exception:  # trafilatura raises on odd trees; treat as empty
            return None

    def _reload(self, html: str) -> HtmlElement:
        """The tree `extract` starts from (parsed, container unhidden) once
        more, for a second extraction: the first one pruned it. Parsing again
        is dearer than a copy, but only the few pages that need a second pass
        pay for it, where a copy kept for it would cost every page."""
        tree = load_html_tree(html)
        if self._unhide:
            unhide_main_container(tree)
        return tree

    def extract(self, html: str, url: Optional[str] = None) -> HtmlPage:
        if not html or not html.strip():
            return HtmlPage('', HeaderFields(), url)
        try:
            tree = load_html_tree(html)
        except Exception:
            tree = None
        if tree is None:
            return HtmlPage('', HeaderFields(), url)
        if tree.xpath(_AT_DEPTH_LIMIT):   # one C-level pass over the tree, about 1% of extraction
            raise HtmlTooDeep(f'HTML is nested {LIBXML_MAX_DEPTH} or more elements deep; the parser stops there '
                              f'and would silently drop the rest of the page (real pages stay under 60)')
        self.pages += 1

        pm = collect_page_metadata(tree)
        max_date = datetime.date.today() + datetime.timedelta(days=1)
        title_hint = normalize_words(pm.meta.get('og:title') or pm.title_tag or '')
        scan = scan_body(tree, title_hint, max_date)
        if self._unhide:
            unhide_main_container(tree)
        # The tree's metadata is read before the body is extracted, so that the
        # extraction can work on the tree itself (it prunes what it is given)
        # instead of a copy of the whole page. trafilatura's metadata is only a
        # fallback, and only for a page it found a body in: without a body the
        # header is worked out again without it (what it reads of the tree,
        # `pub`, is kept).
        pub = metadata_published_date(pm, tree, max_date)
        try:
            header = page_header(pm, pub, TrafilaturaMetadata(tree, url, self._date_params), url, max_date, scan)
        except Exception as exc:   # raised below if there is a body, as it was when read after it
            header = exc
        doc = self._run(tree, self._options, url, in_place=True)
        text = _doc_text(doc, self._trim)

        if self._second_pass:
            if len(text) < self.SMALL_SHARE * scan.text_len:
                self.second_passes += 1
                doc2 = self._run(self._reload(html), self._balanced_options, url, in_place=True)
                text2 = _doc_text(doc2, self._trim)
                if len(text2) > self.LONGER * len(text):
                    text = text2
                    if doc is None:
                        doc = doc2

        if doc is None:
            header = page_header(pm, pub, NoMetadata(), url, max_date, scan)
        elif isinstance(header, Exception):
            raise header
        title, published, source, authors, publisher, page_url = header

        paras = _paragraphs(text)
        if self._trim:
            paras = cut_consent_tail(paras)
        if paras and title and normalize_words(paras[0]) == normalize_words(title):
            paras = paras[1:]
        body = '\n\n'.join(paras)
        fields = HeaderFields(title=title or None, published_date=published, date_source=source,
                              authors=authors, publisher=publisher or None)
        return HtmlPage(body, fields, url or page_url)


def html_draft_lines(page: HtmlPage) -> tuple:
    paragraphs = [p for p in page.text.split('\n') if p.strip()]
    return tuple(Line(i, p) for i, p in enumerate(paragraphs))


def extract_draft(extractor: HtmlExtractor, draft: Draft) -> Draft:
    """An HTML draft with its page turned into body lines and header fields;
    raises HtmlTooDeep for a page the parser cannot read whole."""
    page = extractor.extract(draft.html or '', draft.url)
    return dataclasses.replace(draft, html=None, lines=html_draft_lines(page), fields=page.fields,
                               url=draft.url or page.url)


# --------------------------------------------------------------------------
# Beam wrapper.
# --------------------------------------------------------------------------

class _ExtractHtmlFn(beam.DoFn):
    def setup(self):
        self._extractor = HtmlExtractor()
        self._pages = metrics.counter('html_pages')
        self._rejected = metrics.counter('rejected_extract')
        freeze_loaded_models()

    def process(self, draft: Draft):
        if draft.content_kind != 'html':
            yield draft
            return
        self._pages.inc()
        try:
            yield extract_draft(self._extractor, draft)
        except HtmlTooDeep as exc:
            self._rejected.inc()
            PROGRESS.add(rejects=1)
            yield beam.pvalue.TaggedOutput('rejects', Reject.of(draft, 'extract', exc.error, str(exc)))


class ExtractHtml(beam.PTransform):
    """Drafts -> (drafts whose HTML became body lines plus title, authors,
    date and site name (text drafts pass through), rejects)."""

    def expand(self, drafts):
        results = drafts | 'Extract' >> beam.ParDo(_ExtractHtmlFn()).with_outputs('rejects', main='drafts')
        return results.drafts, results.rejects
