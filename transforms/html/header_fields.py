"""The header fields of a page -- title, publication date, authors,
publisher -- and its URL, from the page's own metadata, the dates it shows
and trafilatura's metadata as a fallback."""
from __future__ import annotations

import re
from typing import Optional

from transforms.common.sites import site_of_url
from transforms.html.date_values import parse_date_value, url_date
from transforms.html.page_metadata import (AUTHOR_META, PageMetadata, article_objects, first_str, jsonld_names,
                                           metadata_modified_dates)
from transforms.html.shown_dates import BodyScan, displayed_dates, labelled_publication_date, swap_day_month
from transforms.html.titles_authors import NOT_NAME, normalize_words, split_authors, strip_site_suffix
from transforms.html.trafilatura_metadata import TrafilaturaMetadata

__all__ = ['page_header']


def _jsonld_authors(pm: PageMetadata) -> tuple:
    """The authors (or else creators) of the first JSON-LD article or page that names any."""
    for obj in article_objects(pm):
        names = jsonld_names(obj.get('author')) or jsonld_names(obj.get('creator'))
        if names:
            return split_authors(names)
    return ()


def page_header(pm: PageMetadata, pub, meta, url, max_date, scan: BodyScan) -> tuple:
    """(title, published date, date source, authors, publisher, page URL)
    from the page's metadata `pm`, its metadata publication date `pub`,
    trafilatura's metadata `meta` and the body scan."""
    site_names = []
    publisher = pm.meta.get('og:site_name')
    if not publisher:
        for obj in article_objects(pm):
            names = jsonld_names(obj.get('publisher'))
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

    title = _title(pm, meta, site_names)
    published, source = _publication_date(pm, pub, meta, page_url, max_date, scan)
    authors = _jsonld_authors(pm)
    if not authors and meta.author:
        authors = split_authors(meta.author.split(';'))
    if not authors:
        for key in AUTHOR_META:
            v = pm.meta.get(key)
            if v and not NOT_NAME.search(v):
                authors = split_authors(v)
                if authors:
                    break

    return title, published, source, authors, publisher, page_url


def _title(pm: PageMetadata, meta: TrafilaturaMetadata, site_names) -> Optional[str]:
    cands = []
    for obj in article_objects(pm):
        h = first_str(obj.get('headline'))
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
    norms = [normalize_words(c) for c in cands]
    for h in pm.h1:
        nh = normalize_words(h)
        if nh and any(nh == n or (n.startswith(nh) or n.endswith(nh)) and len(nh) > 10 for n in norms):
            return h
    return strip_site_suffix(cands[0], site_names)


def _publication_date(pm: PageMetadata, pub, meta: TrafilaturaMetadata, page_url, max_date, scan: BodyScan):
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
    `pub` is `metadata_published_date` of the page."""
    mods = metadata_modified_dates(pm, max_date)
    def htmldate():   # the costliest fallback: only where the answer depends on it
        return parse_date_value(meta.date, max_date) if meta.date else None

    shown, shown_update = displayed_dates(scan)
    if shown:
        if pub and shown != pub and shown.day <= 12 and swap_day_month(shown) == pub:
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

