"""A page's own structured metadata: <meta> tags (Open Graph, article:*,
itemprop, Dublin Core, parsely, sailthru ...), JSON-LD (incl. @graph), the
<title>, <h1> and canonical link, read from the parsed tree; and the
publication and modification dates they give."""
from __future__ import annotations

import datetime
import json
import re
from dataclasses import dataclass
from typing import Optional

from lxml.html import HtmlElement

from transforms.html.date_values import parse_date_value

__all__ = ['AUTHOR_META', 'PageMetadata', 'article_objects', 'collect_page_metadata', 'first_str',
           'jsonld_names', 'metadata_modified_dates', 'metadata_published_date']

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


def jsonld_names(value) -> list:
    """Names from a JSON-LD person/organization value (str, dict, list)."""
    if value is None:
        return []
    if isinstance(value, list):
        out = []
        for v in value:
            out.extend(jsonld_names(v))
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
AUTHOR_META = ('author', 'article:author', 'parsely-author', 'sailthru.author', 'dc.creator',
               'byl', 'byline', 'citation_author', 'cxenseparse:author', 'twitter:creator')


@dataclass
class PageMetadata:
    """A page's own metadata, as `collect_page_metadata` reads it."""
    meta: dict
    jsonld: list
    title_tag: Optional[str]
    h1: list
    canonical: Optional[str]


def _text(el) -> str:
    return ' '.join(el.text_content().split())


def collect_page_metadata(tree: HtmlElement) -> PageMetadata:
    """The <meta> values by key (lower case, first value wins), the JSON-LD
    objects that have a type, the <title>, the first five <h1> texts and the
    canonical URL of a page."""
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
    return PageMetadata(meta, jsonld, title_tag, h1, canonical)


def article_objects(pm: PageMetadata) -> list:
    """JSON-LD objects, article types first, then page types, then others."""
    arts = [o for o in pm.jsonld if any(t in _ARTICLE_TYPES for t in _types(o))]
    pages = [o for o in pm.jsonld if o not in arts and any(t in _PAGE_TYPES for t in _types(o))]
    return arts + pages


def first_str(value) -> Optional[str]:
    """A JSON-LD value as a string: the first of a list, the '@value' or
    'name' of an object; None for anything else."""
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get('@value') or value.get('name')
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return str(value)
    return None


def metadata_published_date(pm: PageMetadata, tree: HtmlElement, max_date: datetime.date) -> Optional[datetime.date]:
    """The publication date from structured metadata, or None."""
    for obj in article_objects(pm):
        for key in ('datePublished', 'dateCreated', 'uploadDate'):
            d = parse_date_value(first_str(obj.get(key)), max_date)
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


def metadata_modified_dates(pm: PageMetadata, max_date) -> set:
    """Every modification date the structured metadata gives."""
    out = set()
    for obj in article_objects(pm):
        d = parse_date_value(first_str(obj.get('dateModified')), max_date)
        if d:
            out.add(d)
    for key in _MOD_META:
        d = parse_date_value(pm.meta.get(key), max_date)
        if d:
            out.add(d)
    return out

