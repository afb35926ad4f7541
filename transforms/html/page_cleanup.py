"""Clean-up of a page around trafilatura's extraction: before it, a container
named like boilerplate that holds most of the article loses its class/id
(`unhide_main_container`); after it, a trailing 'Related articles' /
'Comments' / newsletter section (`cut_tail_section`) and a cookie-consent
notice at the end (`cut_consent_tail`) are cut."""
from __future__ import annotations

import re

from lxml.html import HtmlElement

__all__ = ['cut_consent_tail', 'cut_tail_section', 'unhide_main_container']

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


def cut_tail_section(doc, min_share: float = 0.3) -> bool:
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

