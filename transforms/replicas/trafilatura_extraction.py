"""Two steps of trafilatura's extraction, replicated to save time on every page:

- `load_html_tree`: `trafilatura.utils.load_html` without its whole-page
  regex for invalid characters, for the pages that have none of them;
- `bare_extraction_in_place`: `trafilatura.core.bare_extraction` run on the
  parsed tree itself instead of on a copy of it, for the options that the
  extractor uses (`extracts_in_place`).

Each is guarded by the hash of the trafilatura source it replicates
(`LOAD_HTML_REPLICATES_INSTALLED`, `BARE_EXTRACTION_REPLICATES_INSTALLED`):
another trafilatura version gets trafilatura's own function.
"""
from __future__ import annotations

import hashlib
import inspect
from typing import Optional

import trafilatura  # noqa: F401  (import order: settings before core)
from lxml.html import HtmlElement
from trafilatura import core as traf_core
from trafilatura import utils as traf_utils
from trafilatura.settings import Extractor
from trafilatura.utils import load_html

__all__ = ['BARE_EXTRACTION_REPLICATES_INSTALLED', 'LOAD_HTML_REPLICATES_INSTALLED', 'bare_extraction_in_place',
           'extracts_in_place', 'load_html_tree']

# ----------------------------------------------------------------- load_html

#: what `load_html_tree` replicates: trafilatura 2.3's load_html for a str, its repair and fallback
#: parse, and the characters its repair deletes; any other text: use trafilatura's function
_LOAD_HTML_REPLICATED = '18bb46e8b8d90f428e57d13e2a4211a647ebe942'
LOAD_HTML_REPLICATES_INSTALLED = hashlib.sha1((
    inspect.getsource(traf_utils.load_html) + inspect.getsource(traf_utils.repair_faulty_html)
    + inspect.getsource(traf_utils.fromstring_bytes) + traf_utils.INVALID_XML_CHARS.pattern
).encode()).hexdigest() == _LOAD_HTML_REPLICATED
#: the characters INVALID_XML_CHARS matches ([\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff])
_INVALID_XML_CHARS = tuple(chr(c) for c in (*range(0x09), 0x0b, 0x0c, *range(0x0e, 0x20))) + ('\ufffe', '\uffff')


def load_html_tree(html: str) -> Optional[HtmlElement]:
    """`trafilatura.utils.load_html(html)` for a page without the control
    characters its repair step deletes (nearly every page), minus that step:
    its `INVALID_XML_CHARS.sub` scans the whole page with the regex engine,
    while looking for each character with `in` is a fast C search (about a
    third of the time). Any other page or input, or another trafilatura
    version, goes to trafilatura's own function."""
    if (not LOAD_HTML_REPLICATES_INSTALLED or not isinstance(html, str)
            or any(ch in html for ch in _INVALID_XML_CHARS)):
        return load_html(html)
    # the rest is load_html (decode_file returns a str as is) and repair_faulty_html
    # after its INVALID_XML_CHARS.sub, which would delete nothing here
    beginning = html[:50].lower()
    check_flag = traf_utils.is_dubious_html(beginning)
    if 'doctype' in beginning:
        firstline, _, rest = html.partition('\n')
        html = traf_utils.DOCTYPE_TAG.sub('', firstline, count=1) + '\n' + rest
    for line in html[:4096].splitlines()[:4]:
        if '<html' in line and line.endswith('/>'):
            html = traf_utils.FAULTY_HTML.sub(r'\1>', html, count=1)
            break
    tree = None
    fallback_parse = False
    try:
        tree = traf_utils.fromstring(html, parser=traf_utils.HTML_PARSER)
    except ValueError:  # "Unicode strings with encoding declaration are not supported."
        tree = traf_utils.fromstring_bytes(html)
        fallback_parse = True
    except Exception as err:  # pragma: no cover
        traf_utils.LOGGER.error('lxml parsing failed: %s', err)
    if (tree is None or len(tree) < 1) and not fallback_parse:
        tree = traf_utils.fromstring_bytes(html)
    if tree is not None and check_flag is True and len(tree) < 2:
        traf_utils.LOGGER.error('parsed tree length: %s, wrong data type or not valid HTML', len(tree))
        tree = None
    return tree


# ----------------------------------------------------------------- bare_extraction

#: what `bare_extraction_in_place` replicates: trafilatura 2.3's bare_extraction; another
#: version: `HtmlExtractor._run` calls trafilatura's function (on a copy, as before)
_BARE_EXTRACTION_REPLICATED = '256616fcd1f1ee5973f39f3b8b549b11a22d3785'
BARE_EXTRACTION_REPLICATES_INSTALLED = hashlib.sha1(
    inspect.getsource(traf_core.bare_extraction).encode()).hexdigest() == _BARE_EXTRACTION_REPLICATED


def extracts_in_place(options: Extractor) -> bool:
    """Whether `bare_extraction_in_place` is `bare_extraction` for these
    options: the installed version is the one replicated, and none of the
    options whose steps it leaves out is set (the extractor's are not)."""
    return (BARE_EXTRACTION_REPLICATES_INSTALLED and not options.lang and not options.with_metadata
            and not options.only_with_metadata and not options.dedup and not options.max_tree_size
            and not options.comments and options.format == 'python')


def bare_extraction_in_place(tree: HtmlElement, options: Extractor):
    """`bare_extraction(tree, options=options)` on the tree itself rather than
    the copy bare_extraction makes of a tree it is given (the extraction
    prunes the tree; copying a whole page costs a few milliseconds). For the
    options `extracts_in_place` accepts, the rest of bare_extraction is what
    remains here: the extraction cascade, the minimum size check and the
    python-format output."""
    try:
        postbody, temp_text, _, temp_comments = traf_core.trafilatura_sequence(
            tree, options, options.url or None)   # `options.url or document.url`, document.url is None
        if len(temp_text) < options.min_output_size and len(temp_comments) < options.min_output_comm_size:
            traf_core.LOGGER.debug('text and comments not long enough: %s %s %s',
                                   len(temp_text), len(temp_comments), options.source)
            raise ValueError
    except (TypeError, ValueError):
        traf_core.LOGGER.warning('discarding data: %s', options.source)
        return None
    document = traf_core.Document()
    document.text = traf_core.xmltotxt(postbody, options.formatting)
    document.raw_text = document.text
    document.body = postbody
    return document

