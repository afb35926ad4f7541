"""`find_author(tree)`: the same answer as `trafilatura.metadata.extract_author`,
without copying the tree or calling back into Python for every element.

trafilatura deep-copies the page, deletes the elements matched by
`AUTHOR_DISCARD_XPATHS` (comments, sidebars, <time>, <figure>, ...) from the
copy, then tries the three `AUTHOR_XPATHS` in turn and takes the first match
whose text (its `itertext()` pieces joined with ' ', whitespace collapsed)
is 3-119 characters long. Those XPaths use EXSLT `re:test`, which lxml runs
as a Python function on every element of the page, several times over;
with the copy that was about half of the metadata cost of a page.

Here one XPath without string tests (cheap in C) picks the elements that
carry an attribute any of those expressions tests, and the exact
conditions (the same regular expressions, tag tests and attribute
comparisons) are checked in Python, once per distinct class / id value.
The text a candidate would have in the pruned copy is computed from the
original tree: deleted
elements are skipped, and a deleted element's tail is glued onto the text
before it exactly as `trafilatura.xml.delete_element` does (to the previous
sibling's tail, else to the parent's text), since glued pieces are no longer
separated by the ' ' that `extract_metainfo` puts between pieces.

A page with a <rel> element falls back to trafilatura: the first author
XPath tests a child element `rel` (`rel='me'`, a typo for `@rel` upstream)
by its text in the pruned copy, which is not replicated here. So does every
page when the installed trafilatura's expressions are not the ones
replicated here (another version).
"""
from __future__ import annotations

import hashlib
import re
from typing import Optional

from lxml import etree
from lxml.html import HtmlElement
from trafilatura import metadata as traf_meta
from trafilatura.json_metadata import normalize_authors
from trafilatura.utils import trim
from trafilatura.xpaths import AUTHOR_DISCARD_XPATHS, AUTHOR_XPATHS

__all__ = ['find_author']

#: the expressions below replicate these (trafilatura 2.3); any other text: use trafilatura's code
_REPLICATED = 'db9efc26e0c419b12e97be891f10585b9fade1bb'
REPLICATES_INSTALLED = hashlib.sha1('\n'.join(
    x.path for x in AUTHOR_DISCARD_XPATHS + AUTHOR_XPATHS).encode()).hexdigest() == _REPLICATED

# Every element those expressions can select has one of the attributes they
# test, or is one of the tags they name (<rel>: see the module docstring).
# Existence tests are cheap in libxml2; string tests such as contains() cost
# about as much as an element proxy each (~1 ms for a page of 1,000 elements).
_CANDIDATES = etree.XPath(
    'descendant-or-self::*[@class or @id or @itemprop or @rel or @data-testid or @data-component'
    ' or self::author or self::time or self::figure or self::rel]')

# AUTHOR_DISCARD_XPATHS[0]
_DISCARD_TAGS = frozenset(('a', 'div', 'section', 'span'))
_DISCARD_ID = re.compile('^comments|comment-?list|ProductReviews')
_DISCARD_CLASS = re.compile('^[Cc]omments|commentlist|comments-list|sidebar|is-hidden|quote|embedly-instagram'
                            '|article-(?:share|support)|print|category|meta-date|meta-reviewer')
# AUTHOR_XPATHS[0]
_TAGS_1 = frozenset(('a', 'address', 'div', 'link', 'p', 'span', 'strong'))
_CLASS_1 = re.compile('author-?name|AuthorName|authorName')
# AUTHOR_XPATHS[1]
_TAGS_2 = frozenset(('a', 'div', 'h3', 'h4', 'p', 'span'))
_ID_2 = re.compile('author|zuozhe|bianji|xiaobian')
_CLASS_2 = re.compile('author|channel-name|zuozhe|bianji|xiaobian|submitted-by|posted-by|journalist-name')
# AUTHOR_XPATHS[2]
_ID_3 = re.compile('[Aa]uthor')
_CLASS_3 = re.compile('[Aa]uthor|screenname|writer|[Bb]yline')


def _class_tests(cls: str) -> tuple:
    """What a class value contributes to (discard, AUTHOR_XPATHS[0], [1], [2])."""
    return (cls in ('comments', 'title', 'date') or bool(_DISCARD_CLASS.search(cls)),
            cls == 'author' or bool(_CLASS_1.search(cls)),
            cls in ('byline', 'username', 'byl', 'BBL') or bool(_CLASS_2.search(cls)),
            bool(_CLASS_3.search(cls)))


def _id_tests(id_: str) -> tuple:
    """What an id value contributes to (discard, AUTHOR_XPATHS[0], [1], [2])."""
    return (id_ == 'comments' or bool(_DISCARD_ID.search(id_)), id_ == 'author',
            bool(_ID_2.search(id_)), bool(_ID_3.search(id_)))


_NO_MATCH = (False, False, False, False)


def _memoized(value: str, memo: dict, tests) -> tuple:
    """tests(value), worked out once per distinct value; _NO_MATCH for a
    missing or empty attribute."""
    if not value:
        return _NO_MATCH
    found = memo.get(value)
    if found is None:
        found = memo[value] = tests(value)
    return found


def _pruned_pieces(el, discard: set, out: list) -> None:
    """Append to `out` what `el.itertext()` would yield (without el's own
    tail) once the elements in `discard` are deleted with
    `trafilatura.xml.delete_element`: a deleted child's tail is appended to
    the previous sibling's tail, or to the parent's text if it was first."""
    pending = el.text
    for child in el:
        if child in discard:
            if child.tail:
                pending = (pending or '') + child.tail
            continue
        if pending is not None:
            out.append(pending)
        if isinstance(child.tag, str):      # comments and PIs: only their tail is text
            _pruned_pieces(child, discard, out)
        pending = child.tail
    if pending is not None:
        out.append(pending)


def _classify(tree: HtmlElement):
    """(elements AUTHOR_DISCARD_XPATHS deletes, the elements each of the
    AUTHOR_XPATHS selects in document order), or None when the page needs
    trafilatura's own code. An attribute that is missing reads as '' (as in
    XPath and lxml's re:test), which none of the tests accepts."""
    discard = set()
    cands = ([], [], [])
    class_memo: dict = {}   # pages repeat a few class names many times
    id_memo: dict = {}
    for el in _CANDIDATES(tree):
        tag = el.tag
        if tag == 'rel':
            return None
        get = el.get
        c = _memoized(get('class'), class_memo, _class_tests)
        i = _memoized(get('id'), id_memo, _id_tests)
        itemprop = get('itemprop') or ''
        component = get('data-component') or ''
        # AUTHOR_DISCARD_XPATHS: './/*[self::a or ...][...]' and '//time|//figure';
        # the root is never deleted (delete_element needs a parent)
        if el is not tree and (tag == 'time' or tag == 'figure' or tag in _DISCARD_TAGS and (
                c[0] or i[0] or 'Figure' in component)):
            discard.add(el)
        if tag == 'author' or tag in _TAGS_1 and (
                c[1] or i[1] or get('rel') == 'author' or itemprop == 'author name'
                or get('data-testid') in ('AuthorCard', 'AuthorURL')):
            cands[0].append(el)
        if tag in _TAGS_2 and (c[2] or i[2] or 'author' in itemprop):
            cands[1].append(el)
        if c[3] or i[3] or 'author' in itemprop or 'Byline' in component:
            cands[2].append(el)
    return discard, cands


def find_author(tree: HtmlElement) -> Optional[str]:
    """`trafilatura.metadata.extract_author(tree)`, computed without copying
    and pruning the tree (see the module docstring)."""
    found = _classify(tree) if REPLICATES_INSTALLED else None
    if found is None:
        return traf_meta.extract_author(tree)
    discard, cands = found
    author = None
    for expression in cands:
        for el in expression:
            # gone from the pruned copy if it or an ancestor was deleted
            if el in discard or (discard and any(a in discard for a in el.iterancestors())):
                continue
            pieces: list = []
            _pruned_pieces(el, discard, pieces)
            content = trim(' '.join(pieces))
            if content and 2 < len(content) < 120:
                author = content
                break
        if author:
            break
    if author:
        author = normalize_authors(None, author)
    return author
