"""Raw text dumps of HTML pages, as scrapers produce them: every visible text
of the page, one block element per line, a blank line around paragraphs (as
`innerText` gives them), scripts and styles dropped.

This is the input the text path (`transforms/text/strip_boilerplate.py`) is built
for. `make eval` turns each dev page into such a dump to score the text path
against the page's hand-checked body; the boilerplate model is trained on
dumps made the same way (`bench/train_boilerplate.py`).
"""
from __future__ import annotations

import re

from lxml import etree, html as lxml_html

# Elements whose text a browser never shows.
_INVISIBLE = frozenset(('script', 'style', 'noscript', 'template', 'svg', 'head', 'iframe', 'object',
                        'canvas', 'select', 'option', 'datalist', 'math', 'title', 'meta', 'link'))
# Elements that start a new line in rendered text (CSS display: block / list-item / table-row).
_BLOCK = frozenset((
    'address', 'article', 'aside', 'blockquote', 'body', 'caption', 'center', 'dd', 'details', 'dialog',
    'dir', 'div', 'dl', 'dt', 'fieldset', 'figcaption', 'figure', 'footer', 'form', 'h1', 'h2', 'h3',
    'h4', 'h5', 'h6', 'header', 'hgroup', 'hr', 'legend', 'li', 'main', 'menu', 'nav', 'ol', 'p', 'pre',
    'section', 'summary', 'table', 'tbody', 'tfoot', 'thead', 'tr', 'ul', 'html'))
_CELL = frozenset(('td', 'th'))
_HIDDEN_STYLE = re.compile(r'display\s*:\s*none|visibility\s*:\s*hidden', re.I)
_WS = re.compile(r'[ \t\r\n\f\v\u00a0\u200b]+')


def _hidden(el) -> bool:
    if el.get('hidden') is not None:
        return True
    style = el.get('style')
    return bool(style and _HIDDEN_STYLE.search(style))


def page_text_dump(html: str) -> str:
    """The visible text of an HTML page, one block per line (like a
    browser's `innerText` copied out of the page): a blank line around each
    `<p>`, table cells of one row on one line, `<br>` breaks a line,
    whitespace collapsed, no other empty lines."""
    if not html or not html.strip():
        return ''
    try:
        root = lxml_html.document_fromstring(html)
    except (etree.ParserError, ValueError):
        return ''
    body = root.find('body')
    if body is None:
        body = root
    lines, cur = [], []

    def flush():
        t = _WS.sub(' ', ''.join(cur)).strip()
        if t:
            lines.append(t)
        cur.clear()

    def paragraph_break():
        # innerText puts a blank line around a <p> (its "required line break count" is 2)
        flush()
        if lines and lines[-1]:
            lines.append('')

    skip = 0
    for event, el in etree.iterwalk(body, events=('start', 'end')):
        tag = el.tag.lower() if isinstance(el.tag, str) else ''
        if event == 'start':
            if skip or not tag or tag in _INVISIBLE or _hidden(el):
                skip += 1
                continue
            if tag == 'p':
                paragraph_break()
            elif tag in _BLOCK or tag == 'br':
                flush()
            elif tag in _CELL:
                cur.append(' ')
            if el.text:
                cur.append(el.text)
        else:
            if skip:
                skip -= 1
                if skip:
                    continue
            elif tag == 'p':
                paragraph_break()
            elif tag in _BLOCK:
                flush()
            elif tag in _CELL:
                cur.append(' ')
            if el is not body and el.tail:
                cur.append(el.tail)
    flush()
    return '\n'.join(lines).strip('\n')
