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
"""
from __future__ import annotations

import dataclasses
import datetime
import hashlib
import inspect
import json
import re
from copy import copy, deepcopy
from dataclasses import dataclass
from functools import cached_property
from html import unescape
from typing import Iterable, Optional
from urllib.parse import urlsplit

import apache_beam as beam
import trafilatura  # noqa: F401  (import order: settings before core)
from lxml import etree
from lxml.html import HtmlElement
from htmldate import find_date
from trafilatura import core as traf_core
from trafilatura import metadata as traf_meta
from trafilatura.core import bare_extraction
from trafilatura.settings import DEFAULT_CONFIG, Extractor, set_date_params
from trafilatura import utils as traf_utils
from trafilatura.utils import line_processing, load_html

from transforms.common import metrics
from transforms.replicas.trafilatura_author import find_author
from transforms.common.dates import MONTH_NUMBERS, calendar_date
from transforms.common.progress import PROGRESS
from transforms.common.records import Draft, HeaderFields, Line, Reject
from transforms.common.sites import site_of_url
from transforms.common.worker import freeze_loaded_models


__all__ = ['HtmlPage', 'HtmlExtractor', 'split_authors', 'parse_date_value']


@dataclass(frozen=True)
class HtmlPage:
    text: str                 # article body, paragraphs joined by "\n\n", no title line
    fields: HeaderFields      # title, published_date, date_source ('html'/'none'), authors, publisher
    url: Optional[str]        # the given URL, else the page's canonical URL


# ----------------------------------------------------------------- dates

_MIN_YEAR = 1995
_ISO_DATE = re.compile(r'(?<!\d)((?:19|20)\d{2})[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)')
_COMPACT_DATE = re.compile(r'(?<!\d)((?:19|20)\d{2})(\d{2})(\d{2})(?:T|\b)')
_MONTH_RE = r'(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?'
_TEXT_DATE_MDY = re.compile(_MONTH_RE + r'\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+((?:19|20)\d{2})', re.I)
_TEXT_DATE_DMY = re.compile(r'(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?' + _MONTH_RE + r',?\s+((?:19|20)\d{2})', re.I)
# Highwire Press / Google Scholar citation_* tags write '2024 Jun 30'.
_TEXT_DATE_YMD = re.compile(r'((?:19|20)\d{2})\s+' + _MONTH_RE + r'\.?\s+(\d{1,2})\b', re.I)
_URL_DATE = re.compile(r'/((?:19|20)\d{2})[/-](\d{1,2})[/-](\d{1,2})(?:/|-|$)')
_URL_DATE_COMPACT = re.compile(r'/((?:19|20)\d{2})(\d{2})(\d{2})/')


def parse_date_value(value, max_date: Optional[datetime.date] = None) -> Optional[datetime.date]:
    """A calendar date from a metadata value: ISO 8601 ('2024-05-01T10:00Z'),
    '2024/05/01', '20240501', 'May 1, 2024', '1 May 2024', or a Unix
    timestamp. The date as written (no time-zone shift). None if none."""
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(int(value))
    s = str(value).strip()
    if not s:
        return None
    m = _ISO_DATE.search(s)
    if m:
        return calendar_date(*m.groups(), min_year=_MIN_YEAR, not_after=max_date)
    m = _TEXT_DATE_MDY.search(s)
    if m:
        return calendar_date(m.group(3), MONTH_NUMBERS[m.group(1).lower()[:3]], m.group(2), min_year=_MIN_YEAR, not_after=max_date)
    m = _TEXT_DATE_DMY.search(s)
    if m:
        return calendar_date(m.group(3), MONTH_NUMBERS[m.group(2).lower()[:3]], m.group(1), min_year=_MIN_YEAR, not_after=max_date)
    m = _TEXT_DATE_YMD.search(s)
    if m:
        return calendar_date(m.group(1), MONTH_NUMBERS[m.group(2).lower()[:3]], m.group(3), min_year=_MIN_YEAR, not_after=max_date)
    if re.fullmatch(r'\d{10}(?:\d{3})?', s):  # Unix timestamp (s or ms)
        ts = int(s[:10])
        try:
            return calendar_date(*datetime.datetime.fromtimestamp(ts, datetime.timezone.utc).timetuple()[:3],
                                 min_year=_MIN_YEAR, not_after=max_date)
        except (OverflowError, OSError, ValueError):
            return None
    m = _COMPACT_DATE.search(s)
    if m:
        return calendar_date(*m.groups(), min_year=_MIN_YEAR, not_after=max_date)
    return None


def url_date(url: Optional[str], max_date: Optional[datetime.date] = None) -> Optional[datetime.date]:
    """A full date in a URL path (/2024/05/01/ or /2024-05-01-slug), not after max_date."""
    if not url:
        return None
    try:
        path = urlsplit(url).path
    except ValueError:   # e.g. an unbalanced '[' in the host
        return None
    m = _URL_DATE.search(path) or _URL_DATE_COMPACT.search(path)
    return calendar_date(*m.groups(), min_year=_MIN_YEAR, not_after=max_date) if m else None


# ----------------------------------------------------------------- JSON-LD

_ARTICLE_TYPES = ('article', 'newsarticle', 'blogposting', 'reportagenewsarticle',
                  'analysisnewsarticle', 'opinionnewsarticle', 'techarticle',
                  'scholarlyarticle', 'socialmediaposting', 'liveblogposting',
                  'report', 'review', 'backgroundnewsarticle', 'medicalwebpage',
                  'howto', 'recipe', 'creativework', 'podcastepisode', 'videoobject')
_PAGE_TYPES = ('webpage', 'itempage', 'aboutpage', 'faqpage', 'qapage', 'collectionpage')


def _json_loads_lenient(raw: str):
    raw = raw.strip()
    if raw.startswith('<!--'):
        raw = raw[4:]
    if raw.endswith('-->'):
        raw = raw[:-3]
    raw = raw.replace('<![CDATA[', '').replace(']]>', '').strip().rstrip(';')
    try:
        return json.loads(raw)
    except RecursionError:   # nested thousands deep: no metadata in there
        return None
    except ValueError:
        pass
    try:  # control characters inside strings, trailing commas
        fixed = re.sub(r'[\x00-\x1f]+', ' ', raw)
        fixed = re.sub(r',\s*([}\]])', r'\1', fixed)
        return json.loads(fixed)
    except (ValueError, RecursionError):
        return None


def _walk_jsonld(node, out: list, depth: int = 0):
    if depth > 6:
        return
    if isinstance(node, list):
        for item in node:
            _walk_jsonld(item, out, depth + 1)
    elif isinstance(node, dict):
        if '@type' in node:
            out.append(node)
        for key in ('@graph', 'mainEntity', 'mainEntityOfPage', 'itemListElement', 'hasPart'):
            if key in node:
                _walk_jsonld(node[key], out, depth + 1)


def _types(obj: dict) -> tuple:
    t = obj.get('@type')
    if isinstance(t, str):
        t = [t]
    if not isinstance(t, list):
        return ()
    return tuple(str(x).lower().rsplit('/', 1)[-1] for x in t)


def _jsonld_name(value) -> list:
    """Names from a JSON-LD person/organization value (str, dict, list)."""
    if value is None:
        return []
    if isinstance(value, list):
        out = []
        for v in value:
            out.extend(_jsonld_name(v))
        return out
    if isinstance(value, dict):
        name = value.get('name')
        if isinstance(name, list):
            name = name[0] if name else None
        if isinstance(name, str) and name.strip():
            return [name.strip()]
        given, family = value.get('givenName'), value.get('familyName')
        if isinstance(given, str) and isinstance(family, str):
            return [f'{given} {family}'.strip()]
        return []
    if isinstance(value, str) and value.strip() and not value.strip().startswith(('http://', 'https://')):
        return [value.strip()]
    return []


# ----------------------------------------------------------------- page metadata

_PUB_META = (  # publication date meta keys, most specific first
    'article:published_time', 'og:article:published_time', 'og:published_time',
    'article:published', 'datepublished', 'parsely-pub-date', 'sailthru.date',
    'publish-date', 'publish_date', 'publishdate', 'published_time', 'published-date',
    'pubdate', 'publication_date', 'publication-date', 'dc.date.issued', 'dcterms.issued',
    'dc.date.created', 'dcterms.created', 'datecreated', 'citation_publication_date',
    'citation_date', 'cxenseparse:recs:publishtime', 'date', 'dc.date', 'dcterms.date',
    'article.published', 'originalpublicationdate', 'release_date', 'displaydate',
    'article_date_original', 'og:pubdate', 'bt:pubdate', 'page.date')
_MOD_META = ('article:modified_time', 'og:updated_time', 'datemodified', 'dc.date.modified',
             'dcterms.modified', 'last-modified', 'lastmod', 'modified')
_TITLE_META = ('og:title', 'twitter:title', 'parsely-title', 'sailthru.title', 'dc.title',
               'headline', 'title')
_AUTHOR_META = ('author', 'article:author', 'parsely-author', 'sailthru.author', 'dc.creator',
                'byl', 'byline', 'citation_author', 'cxenseparse:author', 'twitter:creator')
_SITE_META = ('og:site_name', 'application-name', 'apple-mobile-web-app-title',
              'twitter:site', 'publisher', 'dc.publisher', 'copyright')


@dataclass
class _PageMeta:
    meta: dict
    jsonld: list
    title_tag: Optional[str]
    h1: list
    canonical: Optional[str]


def _text(el) -> str:
    return ' '.join(el.text_content().split())


def _collect(tree: HtmlElement) -> _PageMeta:
    meta: dict = {}
    for el in tree.iter('meta'):
        content = el.get('content')
        if content is None:
            content = el.get('value')
        if content is None or not content.strip():
            continue
        for attr in ('property', 'name', 'itemprop', 'http-equiv'):
            key = el.get(attr)
            if key:
                for k in key.lower().split():
                    meta.setdefault(k.strip(), content.strip())
    jsonld: list = []
    for el in tree.iter('script'):
        if (el.get('type') or '').strip().lower() == 'application/ld+json' and el.text:
            data = _json_loads_lenient(el.text)
            if data is not None:
                _walk_jsonld(data, jsonld)
    title_el = tree.find('.//title')
    title_tag = _text(title_el) if title_el is not None else None
    h1 = [t for t in (_text(e) for e in tree.iter('h1')) if t][:5]
    canonical = None
    for el in tree.iter('link'):
        if 'canonical' in (el.get('rel') or '').lower().split() and el.get('href'):
            canonical = el.get('href').strip()
            break
    return _PageMeta(meta, jsonld, title_tag, h1, canonical)


def _article_objects(pm: _PageMeta) -> list:
    """JSON-LD objects, article types first, then page types, then others."""
    arts = [o for o in pm.jsonld if any(t in _ARTICLE_TYPES for t in _types(o))]
    pages = [o for o in pm.jsonld if o not in arts and any(t in _PAGE_TYPES for t in _types(o))]
    return arts + pages


def _first_str(value) -> Optional[str]:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get('@value') or value.get('name')
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return str(value)
    return None


def _published_date(pm: _PageMeta, tree: HtmlElement, max_date: datetime.date) -> Optional[datetime.date]:
    """The publication date from structured metadata, or None."""
    for obj in _article_objects(pm):
        for key in ('datePublished', 'dateCreated', 'uploadDate'):
            d = parse_date_value(_first_str(obj.get(key)), max_date)
            if d:
                return d
    for key in _PUB_META:
        if key in pm.meta:
            d = parse_date_value(pm.meta[key], max_date)
            if d:
                return d
    # microdata on non-meta elements, <time pubdate>
    for el in tree.xpath('//*[@itemprop="datePublished"][@datetime or @content]'
                         ' | //time[@pubdate][@datetime]'):
        d = parse_date_value(el.get('datetime') or el.get('content'), max_date)
        if d:
            return d
    return None


def _modified_dates(pm: _PageMeta, max_date) -> set:
    out = set()
    for obj in _article_objects(pm):
        d = parse_date_value(_first_str(obj.get('dateModified')), max_date)
        if d:
            out.add(d)
    for key in _MOD_META:
        d = parse_date_value(pm.meta.get(key), max_date)
        if d:
            out.add(d)
    return out


# ----------------------------------------------------------------- titles

_TITLE_SEPARATORS = re.compile(r'\s+(?:[|\u2013\u2014\-\u2022\u00b7:\u00bb\u203a/~]|::)\s+')


def _norm(s: Optional[str]) -> str:
    return ' '.join(re.findall(r'\w+', (s or '').lower()))


def strip_site_suffix(title: str, site_names: Iterable[str] = ()) -> str:
    """'Headline | Site' -> 'Headline' (also 'Site - Headline'). A part is cut
    only when it names the site (given names or the host) or the title has
    a clear separator with a short tail."""
    title = ' '.join(title.split())
    sites = {_norm(s) for s in site_names if s}
    sites.discard('')
    parts = _TITLE_SEPARATORS.split(title)
    if len(parts) < 2:
        return title
    seps = _TITLE_SEPARATORS.findall(title)

    site_tokens = [set(s.split()) for s in sites]

    def is_site(part):
        p = set(_norm(part).split())
        if not p:
            return False
        # the part names the site, or the site's name is a word of the part
        return any(p <= s or (s <= p and len(p) <= len(s) + 2) for s in site_tokens)

    # drop site-named parts at the end, then at the start
    while len(parts) > 1 and is_site(parts[-1]):
        parts.pop()
        seps.pop()
    while len(parts) > 1 and is_site(parts[0]):
        parts.pop(0)
        seps.pop(0)
    return ''.join(p + (seps[i] if i < len(seps) else '') for i, p in enumerate(parts)).strip()


# ----------------------------------------------------------------- authors

_BYLINE_PREFIX = re.compile(r'^\s*(?:written\s+by|posted\s+by|reviewed\s+by|by)[:\s]+', re.I)
_NOT_NAME = re.compile(r'https?://|www\.|@|\d{3,}', re.I)
_CREDENTIAL = re.compile(r'^(?:[A-Z]{1,5}|(?:[A-Za-z]{1,3}\.){1,3}[A-Za-z]?|[A-Z][A-Za-z]{0,3}\.|'
                         r'[A-Z\-]{2,8}\s*\d{1,4}|jr|sr)$')


def split_authors(value) -> tuple:
    """Person names from a byline string or list: split on ';', ',', '|',
    '&', ' and '; a credential after a name ('Jane Doe, MD, RD') is dropped;
    'By ' prefixes, URLs and handles are removed; duplicates dropped."""
    if not value:
        return ()
    items = value if isinstance(value, (list, tuple)) else [value]
    out: list = []
    seen = set()
    for item in items:
        if not isinstance(item, str):
            continue
        item = _BYLINE_PREFIX.sub('', ' '.join(item.split()))
        for part in re.split(r'\s*(?:;|,|\||&|\band\b|\bund\b|\bet\b|\by\b)\s*', item):
            part = _BYLINE_PREFIX.sub('', part).strip(' .:-\u2013\u2014')
            if not part or _NOT_NAME.search(part) or len(part) > 60:
                continue
            if out and _CREDENTIAL.match(part):
                continue
            key = part.lower()
            if key not in seen:
                seen.add(key)
                out.append(part)
    return tuple(out)


def _jsonld_authors(pm: _PageMeta) -> tuple:
    for obj in _article_objects(pm):
        names = _jsonld_name(obj.get('author')) or _jsonld_name(obj.get('creator'))
        if names:
            return split_authors(names)
    return ()


# ----------------------------------------------------------------- body

_TAIL_HEADING = re.compile(
    r'^\W*(?:related(?:\s+(?:articles?|posts?|stories|content|reading|news|guides?))?'
    r'|read\s+(?:this\s+)?next|what\s+to\s+read\s+next|up\s+next|keep\s+reading'
    r'|you\s+(?:may|might)\s+(?:also\s+)?(?:like|enjoy|be\s+interested(?:\s+in)?)'
    r'|more\s+(?:from|stories|articles|posts|news|like\s+this|to\s+(?:read|explore))\b.*'
    r'|(?:recommended|popular|trending|latest)(?:\s+(?:for\s+you|articles?|posts?|stories|news|reads?))?'
    r'|also\s+read|see\s+also|share\s+this(?:\s+(?:article|post|story))?'
    r'|(?:leave\s+a\s+)?(?:comments?|reply|responses?)|join\s+the\s+conversation'
    r'|subscribe\b.*|sign\s+up\b.*|newsletter'
    r'|about\s+the\s+authors?|meet\s+the\s+authors?|author\s+bio|sponsored(?:\s+content)?|advertisement\b.*'
    r'|in\s+case\s+you\s+missed\s+it|icymi\b.*|share\s+(?:with|on)\b.*'
    r'|join\s+(?:our|the)\b.*(?:newsletter|list|community)|get\s+(?:the|our)\b.*newsletter'
    r'|(?:do\s+you\s+)?have\s+(?:any\s+)?questions|stay\s+(?:ahead|informed|in\s+touch|up\s+to\s+date)\b.*'
    r'|follow\s+us\b.*|get\s+in\s+touch|contact\s+us|more\s+in\b.*|other\s+(?:articles|posts|stories)\b.*'
    r'|popular\s+(?:articles|posts|stories|now))\W*$', re.I)


def _trim_tail(doc, min_share: float = 0.3) -> bool:
    """Cut a trailing 'Related articles' / 'More from' / 'Comments' section:
    a heading of that kind in the second half of the extracted body ends it.
    Returns True if something was cut (doc.body is changed in place)."""
    body = getattr(doc, 'body', None)
    if body is None or len(body) < 3:
        return False
    sizes = [len(' '.join(ch.itertext())) for ch in body]
    total = sum(sizes)
    if not total:
        return False
    seen = 0
    for idx, ch in enumerate(body):
        if seen >= min_share * total and ch.tag == 'head':
            heading = ' '.join(' '.join(ch.itertext()).split())
            if len(heading) <= 60 and _TAIL_HEADING.match(heading):
                for extra in list(body)[idx:]:
                    body.remove(extra)
                return True
        seen += sizes[idx]
    return False


_BOILER_ATTR = re.compile(
    r'embed|share|social|sociable|comment|sidebar|related|footer|widget|meta|hidden|nav|menu|consent'
    r'|modal|popup|overlay|promo|banner|\bads?\b|advert|sponsor|newsletter|subscribe|author|byline|tags?\b', re.I)
_CONTENT_ATTR = re.compile(r'article|content|entry|post|story|body|main|text|prose|rich', re.I)


def unhide_main_container(tree: HtmlElement, share: float = 0.5, min_chars: int = 1000) -> int:
    """Clear the class/id of an element that holds most of the page's
    paragraph text but is named like boilerplate ('w-embed', 'share-wrap',
    'sidebar'): malformed pages nest the rest of the article inside such an
    element, and the extractor would drop it all. Returns how many were cleared."""
    body = tree.find('.//body')
    if body is None:
        return 0
    held: dict = {}
    total = 0
    for p in body.iter('p'):
        n = len(p.text_content())
        if n < 40:
            continue
        total += n
        for anc in p.iterancestors():
            if anc is body:
                break
            held[anc] = held.get(anc, 0) + n
    if total < min_chars:
        return 0
    cleared = 0
    for el, n in held.items():
        if n < share * total or el.tag not in ('div', 'section', 'span', 'td'):
            continue
        attrs = ' '.join(filter(None, (el.get('class'), el.get('id'))))
        if attrs and _BOILER_ATTR.search(attrs) and not _CONTENT_ATTR.search(attrs):
            for a in ('class', 'id'):
                if a in el.attrib:
                    del el.attrib[a]
            cleared += 1
    return cleared


_COOKIE = re.compile(r'\bcookies?\b', re.I)
_CONSENT_NOTICE = re.compile(
    r'\b(?:we|this\s+(?:web)?site|our\s+(?:web)?site)\s+uses?\s+cookies\b'
    r'|\bcookies?\s+(?:policy|settings|preferences|consent)\b|\baccept(?:ing)?\s+(?:all\s+)?cookies\b'
    r'|\bconsent\b', re.I)


def cut_consent_tail(paras: list) -> list:
    """Drop a cookie-consent notice left at the end of the body: from a
    paragraph in the second half that reads like one ('We use cookies ...',
    'Cookie settings'), when at least 30% of the paragraphs from there on
    mention cookies."""
    n = len(paras)
    for i in range(n // 2, n):
        if _CONSENT_NOTICE.search(paras[i]) and _COOKIE.search(' '.join(paras[i:i + 3])):
            rest = paras[i:]
            if sum(1 for p in rest if _COOKIE.search(p)) >= 0.3 * len(rest):
                return paras[:i]
    return paras


def _doc_text(doc, trim: bool) -> str:
    if doc is None:
        return ''
    if trim and _trim_tail(doc):
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


#: what `_load_html` replicates: trafilatura 2.3's load_html for a str, its repair and fallback
#: parse, and the characters its repair deletes; any other text: use trafilatura's function
_LOAD_HTML_REPLICATED = '18bb46e8b8d90f428e57d13e2a4211a647ebe942'
LOAD_HTML_REPLICATES_INSTALLED = hashlib.sha1((
    inspect.getsource(traf_utils.load_html) + inspect.getsource(traf_utils.repair_faulty_html)
    + inspect.getsource(traf_utils.fromstring_bytes) + traf_utils.INVALID_XML_CHARS.pattern
).encode()).hexdigest() == _LOAD_HTML_REPLICATED
#: the characters INVALID_XML_CHARS matches ([\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff])
_INVALID_XML_CHARS = tuple(chr(c) for c in (*range(0x09), 0x0b, 0x0c, *range(0x0e, 0x20))) + ('\ufffe', '\uffff')


def _load_html(html: str) -> Optional[HtmlElement]:
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


#: what `_bare_extraction_in_place` replicates: trafilatura 2.3's bare_extraction; another
#: version: `HtmlExtractor._run` calls trafilatura's function (on a copy, as before)
_BARE_EXTRACTION_REPLICATED = '256616fcd1f1ee5973f39f3b8b549b11a22d3785'
BARE_EXTRACTION_REPLICATES_INSTALLED = hashlib.sha1(
    inspect.getsource(traf_core.bare_extraction).encode()).hexdigest() == _BARE_EXTRACTION_REPLICATED


def _extracts_in_place(options: Extractor) -> bool:
    """Whether `_bare_extraction_in_place` is `bare_extraction` for these
    options: the installed version is the one replicated, and none of the
    options whose steps it leaves out is set (the extractor's are not)."""
    return (BARE_EXTRACTION_REPLICATES_INSTALLED and not options.lang and not options.with_metadata
            and not options.only_with_metadata and not options.dedup and not options.max_tree_size
            and not options.comments and options.format == 'python')


def _bare_extraction_in_place(tree: HtmlElement, options: Extractor):
    """`bare_extraction(tree, options=options)` on the tree itself rather than
    the copy bare_extraction makes of a tree it is given (the extraction
    prunes the tree; copying a whole page costs a few milliseconds). For the options `_extracts_in_place` accepts, the
    rest of bare_extraction is what remains here: the extraction cascade, the
    minimum size check and the python-format output."""
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


class TrafilaturaMetadata:
    """trafilatura's metadata of a page, as `trafilatura.metadata.extract_metadata`
    works it out, one field at a time and only when asked for.

    The pipeline reads titles, dates, authors and publishers from the page's
    own metadata first (`_collect`, `_scan_body`); trafilatura's are fallbacks.
    Letting `bare_extraction` compute them all (with_metadata=True) cost 40% of
    extraction (measured: htmldate's date search, author search, categories,
    tags and licence, most of which no page here needs), so the body is
    extracted without metadata and each fallback is computed on first use."""

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
            return _first_str(value)
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


class _NoMetadata:
    title = author = url = date = sitename = None


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
            if in_place and _extracts_in_place(opts):
                return _bare_extraction_in_place(tree, opts)
            return bare_extraction(tree, options=opts)
        except Exception:  # trafilatura raises on odd trees; treat as empty
            return None

    def _reload(self, html: str) -> HtmlElement:
        """The tree `extract` starts from (parsed, container unhidden) once
        more, for a second extraction: the first one pruned it. Parsing again
        is dearer than a copy, but only the few pages that need a second pass
        pay for it, where a copy kept for it would cost every page."""
        tree = _load_html(html)
        if self._unhide:
            unhide_main_container(tree)
        return tree

    def extract(self, html: str, url: Optional[str] = None) -> HtmlPage:
        if not html or not html.strip():
            return HtmlPage('', HeaderFields(), url)
        try:
            tree = _load_html(html)
        except Exception:
            tree = None
        if tree is None:
            return HtmlPage('', HeaderFields(), url)
        if tree.xpath(_AT_DEPTH_LIMIT):   # one C-level pass over the tree, about 1% of extraction
            raise HtmlTooDeep(f'HTML is nested {LIBXML_MAX_DEPTH} or more elements deep; the parser stops there '
                              f'and would silently drop the rest of the page (real pages stay under 60)')
        self.pages += 1

        pm = _collect(tree)
        max_date = datetime.date.today() + datetime.timedelta(days=1)
        title_hint = _norm(pm.meta.get('og:title') or pm.title_tag or '')
        scan = _scan_body(tree, title_hint, max_date)
        if self._unhide:
            unhide_main_container(tree)
        # The tree's metadata is read before the body is extracted, so that the
        # extraction can work on the tree itself (it prunes what it is given)
        # instead of a copy of the whole page. trafilatura's metadata is only a
        # fallback, and only for a page it found a body in: without a body the
        # header is worked out again without it (what it reads of the tree,
        # `pub`, is kept).
        pub = _published_date(pm, tree, max_date)
        try:
            header = self._header(pm, pub, TrafilaturaMetadata(tree, url, self._date_params), url, max_date, scan)
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
            header = self._header(pm, pub, _NoMetadata(), url, max_date, scan)
        elif isinstance(header, Exception):
            raise header
        title, published, source, authors, publisher, page_url = header

        paras = _paragraphs(text)
        if self._trim:
            paras = cut_consent_tail(paras)
        if paras and title and _norm(paras[0]) == _norm(title):
            paras = paras[1:]
        body = '\n\n'.join(paras)
        fields = HeaderFields(title=title or None, published_date=published, date_source=source,
                              authors=authors, publisher=publisher or None)
        return HtmlPage(body, fields, url or page_url)

    def _header(self, pm: _PageMeta, pub, meta, url, max_date, scan: '_Scan') -> tuple:
        """(title, published date, date source, authors, publisher, page URL)
        from the page's metadata `pm`, its metadata publication date `pub`,
        trafilatura's metadata `meta` and the body scan."""
        site_names = []
        publisher = pm.meta.get('og:site_name')
        if not publisher:
            for obj in _article_objects(pm):
                names = _jsonld_name(obj.get('publisher'))
                if names:
                    publisher = names[0]
                    break
        if not publisher and meta.sitename:
            publisher = meta.sitename
        for s in (publisher, pm.meta.get('application-name'),
                  meta.sitename):
            if s:
                site_names.append(s)
        page_url = url or pm.canonical or pm.meta.get('og:url') or meta.url
        if page_url:
            host = re.sub(r'^www\d\.', '', site_of_url(page_url))   # www2.example.com too
            if host:
                site_names.extend([host, host.rsplit('.', 1)[0]])

        title = self._title(pm, meta, site_names)
        published, source = self._date(pm, pub, meta, page_url, max_date, scan)
        authors = _jsonld_authors(pm)
        if not authors and meta.author:
            authors = split_authors(meta.author.split(';'))
        if not authors:
            for key in _AUTHOR_META:
                v = pm.meta.get(key)
                if v and not _NOT_NAME.search(v):
                    authors = split_authors(v)
                    if authors:
                        break

        return title, published, source, authors, publisher, page_url

    def _title(self, pm: _PageMeta, meta: TrafilaturaMetadata, site_names) -> Optional[str]:
        cands = []
        for obj in _article_objects(pm):
            h = _first_str(obj.get('headline'))
            if h:
                cands.append(h)
                break
        for key in ('og:title', 'twitter:title'):
            if pm.meta.get(key):
                cands.append(pm.meta[key])
        if meta.title:
            cands.append(meta.title)
        if pm.title_tag:
            cands.append(pm.title_tag)
        cands = [' '.join(c.split()) for c in cands if c and c.strip()]
        if not cands:
            return pm.h1[0] if pm.h1 else None
        # an <h1> that matches a metadata title is the cleanest form
        norms = [_norm(c) for c in cands]
        for h in pm.h1:
            nh = _norm(h)
            if nh and any(nh == n or (n.startswith(nh) or n.endswith(nh)) and len(nh) > 10 for n in norms):
                return h
        return strip_site_suffix(cands[0], site_names)

    def _date(self, pm: _PageMeta, pub, meta: TrafilaturaMetadata, page_url, max_date, scan: '_Scan'):
        """Publication date, in this order:
        1. the date shown with the headline (not labelled as an update, and
           not also shown there as the update date), when the metadata agrees
           with it (it is the metadata's publication or modification date or
           htmldate's date), when the metadata has no publication date, or
           when that "publication" date is also given as the modification
           date (so it may be one), or when the shown date is earlier than
           the metadata's by more than a day (the page was re-published or
           migrated and its metadata dates the copy, not the story);
        2. when the metadata has no trustworthy publication date: a date the
           page labels as published ('Published ...', <time pubdate>) or that
           directly precedes a labelled update date, anywhere on the page, if
           it occurs only once (not a listing of other articles);
        3. the publication date of the structured metadata (JSON-LD, meta,
           microdata) -- it beats modification dates and dates the page
           labels 'Updated';
        4. without one: a shown update date, htmldate's date, a URL date.
        `pub` is `_published_date` of the page."""
        mods = _modified_dates(pm, max_date)
        def htmldate():   # the costliest fallback: only where the answer depends on it
            return parse_date_value(meta.date, max_date) if meta.date else None

        shown, shown_update = displayed_dates(scan)
        if shown:
            if pub and shown != pub and shown.day <= 12 and _swap_day_month(shown) == pub:
                return pub, 'html'            # 10/09/2024 read in the wrong order
            if shown == shown_update and pub and shown != pub:
                shown = None                  # the page also labels it as the update date
        if shown:
            # (shown == pub: either way the answer is that date; htmldate is not asked)
            if (not pub or shown == pub or shown in mods or pub in mods or (pub - shown).days > 1
                    or shown == htmldate()):
                return shown, 'html'
        if not shown and (not pub or pub in mods):
            d = labelled_publication_date(scan)
            if d:
                return d, 'html'
        if pub:
            return pub, 'html'
        if shown_update:
            return shown_update, 'html'
        d = htmldate()
        if d:
            return d, 'html'
        d = url_date(page_url, max_date)
        if d:
            return d, 'html'
        return None, 'none'


def _swap_day_month(d: datetime.date) -> Optional[datetime.date]:
    try:
        return datetime.date(d.year, d.day, d.month)
    except ValueError:
        return None


# ----------------------------------------------------------------- displayed dates

_SKIP_TAGS = frozenset(('script', 'style', 'noscript', 'template', 'svg', 'iframe', 'select', 'option'))
_VIS_DATE = re.compile(
    r'(?:(?P<m1>' + _MONTH_RE + r')\s+(?P<d1>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y1>(?:19|20)\d{2})'
    r'|(?P<d2>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<m2>' + _MONTH_RE + r'),?\s+(?P<y2>(?:19|20)\d{2})'
    r'|(?<![\d/.-])(?P<y3>(?:19|20)\d{2})-(?P<mo3>\d{2})-(?P<d3>\d{2})(?![\d])'
    r'|(?<![\d/.])(?P<a4>\d{1,2})(?P<s4>[/.])(?P<b4>\d{1,2})(?P=s4)(?P<y4>(?:19|20)\d{2})(?![\d])'
    r')', re.I)
#: every alternative of `_VIS_DATE` holds a year: a text without one cannot match
_HAS_YEAR = re.compile(r'(?:19|20)\d{2}')
_UPDATE_LABEL = re.compile(r'updat|modif|revis|edited|refreshed|aktualisiert|mis à jour|actualiz')
_PUB_LABEL = re.compile(r'publish|posted|originally|publi[ée]|publicad|pubblicat|veröffentlicht|erschienen')


def _visible_date(m: re.Match, max_date, day_first: bool = False) -> Optional[datetime.date]:
    """The date of a `_VIS_DATE` match. A numeric a/b/yyyy date is read day
    first when a > 12 or the separator is '.', month first when b > 12, else
    as `day_first` says (the page's locale)."""
    g = m.groupdict()
    if g['y1']:
        return calendar_date(g['y1'], MONTH_NUMBERS[g['m1'].lower()[:3]], g['d1'], min_year=_MIN_YEAR, not_after=max_date)
    if g['y2']:
        return calendar_date(g['y2'], MONTH_NUMBERS[g['m2'].lower()[:3]], g['d2'], min_year=_MIN_YEAR, not_after=max_date)
    if g['y3']:
        return calendar_date(g['y3'], g['mo3'], g['d3'], min_year=_MIN_YEAR, not_after=max_date)
    a, b = int(g['a4']), int(g['b4'])
    if g['s4'] == '.':                      # 24.12.2025: day first
        return calendar_date(g['y4'], b, a, min_year=_MIN_YEAR, not_after=max_date)
    if a > 12 or (day_first and b <= 12):   # 24/12/2025, or 03/04/2025 on a day-first page
        return calendar_date(g['y4'], b, a, min_year=_MIN_YEAR, not_after=max_date)
    return calendar_date(g['y4'], a, b, min_year=_MIN_YEAR, not_after=max_date)   # 12/24/2025 (US order by default)


#: languages / locales that write numeric dates month first (03/04/2025 = March 4)
_MONTH_FIRST_LANGS = ('en', 'en-us', 'en-ph', 'en-ca', 'es-us', 'fil')


def _day_first(tree: HtmlElement) -> bool:
    """Whether the page's language writes numeric dates day first: every
    language but US-style English (no language: month first)."""
    lang = (tree.get('lang') or tree.get('{http://www.w3.org/XML/1998/namespace}lang')
            or tree.get('xml:lang') or '').strip().lower().replace('_', '-')
    if not lang:
        return False
    return lang not in _MONTH_FIRST_LANGS and not lang.startswith('en-us')


@dataclass
class _Scan:
    text_len: int           # visible characters in <body>
    h1_offset: Optional[int]
    dates: list             # [(offset, date, labelled_as_update, labelled_as_published)] of short,
                            # date-like visible text nodes and <time datetime> values, in order


def _class_label(el, inherited: int) -> int:
    """1 if the element's class/itemprop marks an update date, 0 if it marks a
    publication date, else the inherited value (-1: unknown)."""
    attrs = ' '.join(filter(None, (el.get('class'), el.get('itemprop'), el.get('id')))).lower()
    if not attrs:
        return inherited
    if 'publish' in attrs or 'pubdate' in attrs or 'posted' in attrs or 'created' in attrs:
        return 0
    if 'updated' in attrs or 'modified' in attrs:
        return 1
    return inherited


def _scan_body(tree: HtmlElement, title_norm: str, max_date) -> _Scan:
    """One pass over the visible text of <body>: its length, where the (title)
    <h1> starts, and the dates shown in short text nodes (bylines, datelines,
    <time> elements) with their text offsets and whether the page labels them
    as an update ('Updated ...', class="updated"). The class label of a text
    (`_class_label`) is its element's, else that of the element's parent (no
    deeper); it is read only for the few texts that hold a date."""
    body = tree.find('.//body')
    if body is None:
        body = tree
    offset = 0
    h1_first = h1_title = None
    dates = []
    prev = ''
    day_first = _day_first(tree)
    order_votes = 0         # numeric dates with a day > 12 first (+1) / second (-1)
    ambiguous = []          # indexes in `dates` of numeric dates read by the default order
    time_attr = -1          # index in `dates` of the last <time datetime> entry

    def element_label(el) -> int:
        """The class label of an element inside <body>: its own, else its parent's."""
        label = _class_label(el, -1)
        if label == -1 and el is not body:
            label = _class_label(el.getparent(), -1)
        return label

    def add_date(s, m, container):
        """A short text `s` in which `_VIS_DATE` found `m`, at `offset`."""
        nonlocal order_votes
        d = _visible_date(m, max_date, day_first)
        a, b = m.group('a4'), m.group('b4')
        if a and m.group('s4') == '/':
            order_votes += (int(a) > 12) - (int(b) > 12)
        if d:
            if time_attr == len(dates) - 1 and dates and dates[-1][0] == offset:
                dates.pop()     # the shown text beats a <time datetime> (often UTC)
            if a and m.group('s4') == '/' and int(a) != int(b) and max(int(a), int(b)) <= 12:
                ambiguous.append(len(dates))
            label = (prev[-30:] + ' ' + s[:m.start()]).lower()
            dates.append((offset, d, bool(_UPDATE_LABEL.search(label)) or element_label(container) == 1,
                          bool(_PUB_LABEL.search(label))))

    walker = etree.iterwalk(body, events=('start', 'end'))
    for event, el in walker:
        if event == 'start':
            tag = el.tag
            if tag in _SKIP_TAGS:
                walker.skip_subtree()   # its text is not shown; its tail is
                continue
            if tag == 'h1':
                if h1_first is None:
                    h1_first = offset
                if h1_title is None and title_norm:
                    n = _norm(el.text_content())
                    if n and (n == title_norm or (len(n) > 10 and n in title_norm)):
                        h1_title = offset
            elif tag == 'time':
                d = parse_date_value(el.get('datetime'), max_date)
                if d:
                    label = (prev[-30:] + ' ' + (el.text or '')).lower()
                    dates.append((offset, d, bool(_UPDATE_LABEL.search(label)) or element_label(el) == 1,
                                  bool(_PUB_LABEL.search(label)) or el.get('pubdate') is not None))
                    time_attr = len(dates) - 1
            t = el.text
        elif el is not body:
            t = el.tail
        else:
            continue
        if not t:
            continue
        s = t.strip()
        if not s:
            continue
        # most short texts hold no year; the cheap test spares them the full pattern
        if len(s) <= 80 and _HAS_YEAR.search(s):
            m = _VIS_DATE.search(s)
            if m:
                # a text is in its element; a tail in the element's parent
                add_date(s, m, el if event == 'start' else el.getparent())
        prev = s
        offset += len(s) + 1
    # numeric dates whose order the page's other dates settle (25/03/2025 -> day first)
    if ambiguous and order_votes and (order_votes > 0) != day_first:
        for i in ambiguous:
            if i < len(dates):
                o, d, upd, pub = dates[i]
                d = _swap_day_month(d)
                if d is not None and d <= max_date:
                    dates[i] = (o, d, upd, pub)
    h1 = h1_title if h1_title is not None else h1_first
    if h1_title is None and h1 is not None and h1 > 0.75 * offset:
        h1 = None           # a footer / sidebar <h1>, not the headline
    return _Scan(offset, h1, dates)


def labelled_publication_date(scan: _Scan, gap: int = 40) -> Optional[datetime.date]:
    """The first date anywhere on the page that is labelled as the publication
    date ('Published March 3, 2024', <time pubdate>) or that directly precedes
    (within `gap` characters) a date labelled as an update ('March 3, 2024.
    Updated: March 9, 2024'), and that occurs only once among the page's dates
    (a date repeated in a list of teasers is not this article's)."""
    dates = scan.dates
    counts: dict = {}
    for x in dates:
        counts[x[1]] = counts.get(x[1], 0) + 1
    for i, (off, d, upd, pub) in enumerate(dates):
        if upd or counts[d] > 1:
            continue
        if pub or (i + 1 < len(dates) and dates[i + 1][2] and dates[i + 1][0] - off <= gap):
            return d
    return None


def displayed_dates(scan: _Scan, before: int = 300, after: int = 1500) -> tuple:
    """The dates a reader sees with the headline, as (shown, shown_update):
    the first date not labelled as an update and the first labelled as one,
    looking first after the <h1> (within `after` characters), then before it
    (within `before`, nearest first); without an <h1>, in the first `after`
    characters of the page."""
    h1 = scan.h1_offset
    if h1 is None:
        window = [x for x in scan.dates if x[0] <= after]
    else:
        window = [x for x in scan.dates if h1 <= x[0] <= h1 + after]
        window += [x for x in reversed(scan.dates) if h1 - before <= x[0] < h1]
    shown = next((x[1] for x in window if not x[2]), None)
    shown_update = next((x[1] for x in window if x[2]), None)
    return shown, shown_update


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
