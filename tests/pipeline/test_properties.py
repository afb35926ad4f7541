"""Property-based tests (hypothesis) of the per-record steps, with no Beam (issue 7).

Arbitrary bytes and text never raise out of a step, and every input is
accounted for: a file gives records or a reject saying why, a record gives
exactly one article or one reject, and what an article does not keep of its
lines is in its cuts.

Covered here (the header split, the boilerplate strip and the passage split
have properties of their own in test_split_headers.py, test_strip_boilerplate.py
and test_split_passages.py):

- read_dumps: `read_records` on arbitrary bytes under every name, extension,
  compression suffix, input format and record limit; real gzip/bz2/xz/zstd and
  WARC files truncated, bit-flipped or spliced; `jsonl_records` with tiny
  limits; `parse_json_line` on arbitrary bytes and arbitrary JSON values.
- decode_records: `decode_bytes` on arbitrary bytes and declared charsets
  (junk names included); Unicode text round-trips through UTF-8/16/32;
  `draft_from_record`.
- extract_html: `HtmlExtractor.extract` on arbitrary text, generated HTML
  (nesting, attributes, entities, script/style, meta tags with odd dates,
  JSON-LD with junk) and damaged real pages; `extract_draft`.
- the whole per-record chain as the pipeline runs it, for text and HTML
  records (plain, JSON Lines, WARC): decode -> extract -> split headers ->
  strip boilerplate -> cut recurring lines -> assemble -> passages and
  language.
"""
from __future__ import annotations

import bz2
import codecs
import datetime
import gzip
import io
import json
import lzma
import re
import unicodedata
import zlib
from collections import Counter

import pytest
import zstandard
from hypothesis import HealthCheck, Phase, event, given, settings, strategies as st

from tests.conftest import DEV_PAGE_IDS, SEEDS, dev_html, mojibake, warc_bytes
from transforms.text.assemble_articles import assemble_article
from transforms.read.decode_records import (
    DecodeError, Decoded, decode_bytes, decode_record, draft_from_decoded, draft_from_record, looks_like_mojibake,
    make_doc_id, parse_record_date)
from transforms.text.detect_language import UNDETERMINED, LanguageDetector
from transforms.html.extract_html import HtmlExtractor, HtmlPage, HtmlTooDeep, extract_draft
from transforms.read.decompress import sniff_compression
from transforms.read.formats import INPUT_FORMATS, format_from_name, sniff_format
from transforms.read.jsonl_records import jsonl_records, parse_json_line
from transforms.read.limits import InputLimits
from transforms.read.read_dumps import read_records
from transforms.common.records import FORMATS, Article, Cut, Draft, HeaderFields, Line, RawRecord, Reject
from transforms.text.recurring_lines import cut_recurring_lines, line_key, source_of
from transforms.text.split_headers import split_draft_headers
from transforms.text.split_passages import split_passages
from transforms.text.strip_boilerplate import default_classifier, strip_draft

# Shrunk examples of whole pages are large; hypothesis warns that printing them is slow.
pytestmark = pytest.mark.filterwarnings('ignore:Generating overly large repr')

# Every test: no deadline (the first pages parsed are slow), and no 'explain'
# phase, which on a failure re-runs the slow steps hundreds of times only to
# annotate the report.
FAST = dict(deadline=None, phases=(Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink))
# The slow tests (HTML extraction, the whole chain) shrink only the first
# failure they find: shrinking several through the chain takes minutes, and
# every crash they can meet has a small test of its own above them.
SLOW = dict(FAST, report_multiple_bugs=False)

# Built once: the extractor's configuration and the language profiles are slow.
EXTRACTOR = HtmlExtractor()
DETECTOR = LanguageDetector()
MODEL = default_classifier()

SEED_TEXTS = [p.read_text(encoding='utf-8') for p in sorted(SEEDS.glob('*.txt'))]
SEED_WORDS = sorted({w for text in SEED_TEXTS for w in text.split()})
SEED_PARAGRAPHS = [p.strip() for text in SEED_TEXTS for p in text.split('\n') if len(p.split()) >= 12]
DEV_PAGES = {page_id: dev_html(page_id) for page_id in DEV_PAGE_IDS}

_INVISIBLE = re.compile('[\u200b\u2060\ufeff\u00ad]')


def nonspace(s: str) -> Counter:
    """The characters of `s` that are not whitespace (nor invisible), counted."""
    return Counter(''.join(_INVISIBLE.sub('', s).split()))


# ==========================================================================
# Strategies
# ==========================================================================

@st.composite
def byte_mutations(draw, base: bytes, max_ops: int = 3) -> bytes:
    """`base` with 1..max_ops damages: bit flips, truncation, inserted,
    deleted, overwritten or duplicated bytes, at arbitrary positions."""
    data = bytearray(base)
    for _ in range(draw(st.integers(1, max_ops))):
        op = draw(st.sampled_from(('flip', 'truncate', 'insert', 'delete', 'overwrite', 'duplicate')))
        n = len(data)
        if op == 'truncate':
            del data[draw(st.integers(0, n)):]
        elif op == 'insert':
            i = draw(st.integers(0, n))
            data[i:i] = draw(st.binary(min_size=1, max_size=64))
        elif not n:
            continue
        elif op == 'flip':
            i = draw(st.integers(0, n - 1))
            data[i] ^= 1 << draw(st.integers(0, 7))
        elif op == 'delete':
            i = draw(st.integers(0, n - 1))
            del data[i:i + draw(st.integers(1, 4096))]
        elif op == 'overwrite':
            i = draw(st.integers(0, n - 1))
            chunk = draw(st.binary(min_size=1, max_size=32))
            data[i:i + len(chunk)] = chunk
        else:  # duplicate a slice right after itself
            i = draw(st.integers(0, n - 1))
            j = min(n, i + draw(st.integers(1, 4096)))
            data[j:j] = data[i:j]
    return bytes(data)


# Lines a text dump really has around its body: header, chrome, credits, odd dates.
JUNK_LINES = [
    '', ' ', '\t', 'Share', 'Subscribe', 'Advertisement', 'Home', 'Menu', 'Related', 'Read more',
    'Sign up for our newsletter', 'By Jane Doe', 'By Jane Doe and John Roe, Reuters', 'date 2018-05-31 ',
    'Published: May 31, 2018', 'Updated: 31 Feb 2018', 'Published: 2020-13-45', 'date 0000-00-00 ',
    'Contributing: The Associated Press', '(Reporting by X; Editing by Y)', 'WASHINGTON (Reuters) - ',
    'PARIS, 31 May 2018 (AFP) - ', 'Peter Weber, The Week US', 'Peter has worked at The Week.',
    'https://example.com/x', '(Image credit: Getty Images)', '© 2020 X', '\u200b', '\ufeff', '\u2028', '\r',
    'Headline Words Here Now', '1', '—', 'Jane Roe, Example Weekly UK',
]
unicode_text = st.text(alphabet=st.characters(exclude_categories=('Cs',)), max_size=80)


@st.composite
def text_mutations(draw, base: str, max_ops: int = 4) -> str:
    """A text dump damaged line-wise: lines inserted (chrome, headers, junk),
    deleted, duplicated, replaced, split, joined; characters inserted; cut short."""
    lines = base.splitlines()
    for _ in range(draw(st.integers(0, max_ops))):
        op = draw(st.sampled_from(('insert', 'delete', 'duplicate', 'replace', 'split', 'join', 'chars',
                                   'truncate')))
        n = len(lines)
        if op == 'insert':
            line = draw(st.one_of(st.sampled_from(JUNK_LINES), unicode_text))
            lines.insert(draw(st.integers(0, n)), line)
        elif not n:
            continue
        elif op == 'delete':
            del lines[draw(st.integers(0, n - 1))]
        elif op == 'duplicate':
            i = draw(st.integers(0, n - 1))
            lines.insert(draw(st.integers(0, n)), lines[i])
        elif op == 'replace':
            lines[draw(st.integers(0, n - 1))] = draw(st.one_of(st.sampled_from(JUNK_LINES), unicode_text))
        elif op == 'split':
            i = draw(st.integers(0, n - 1))
            at = draw(st.integers(0, len(lines[i])))
            lines[i:i + 1] = [lines[i][:at], lines[i][at:]]
        elif op == 'join' and n > 1:
            i = draw(st.integers(0, n - 2))
            lines[i:i + 2] = [lines[i] + draw(st.sampled_from(['', ' ', '\t'])) + lines[i + 1]]
        elif op == 'chars':
            i = draw(st.integers(0, n - 1))
            at = draw(st.integers(0, len(lines[i])))
            lines[i] = lines[i][:at] + draw(unicode_text) + lines[i][at:]
        else:
            del lines[draw(st.integers(0, n - 1)):]
    return draw(st.sampled_from(['\n', '\r\n', '\n\n'])).join(lines)


ENCODINGS = ('utf-8', 'utf-8-sig', 'utf-16', 'utf-16-le', 'utf-16-be', 'utf-32', 'cp1252', 'latin-1',
             'koi8-r', 'shift_jis', 'mojibake')


def encode_as(text: str, encoding: str) -> bytes:
    if encoding == 'mojibake':   # UTF-8 once read as cp1252 and saved again as UTF-8
        return mojibake(text.encode('utf-8')).encode('utf-8')
    return text.encode(encoding, errors='replace')


seed_dumps = st.sampled_from(SEED_TEXTS).flatmap(text_mutations)
seed_dump_bytes = st.builds(encode_as, seed_dumps, st.sampled_from(ENCODINGS))

# ------------------------------------------------------------------ JSON values

def _lone_surrogates():
    return st.integers(0xD800, 0xDFFF).map(chr)


json_text = st.one_of(st.text(max_size=30), st.lists(st.one_of(st.text(max_size=6), _lone_surrogates()), max_size=4)
                      .map(''.join))
json_scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.integers(-10 ** 30, 10 ** 30),
                         st.floats(), json_text)
json_values = st.recursive(
    json_scalars,
    lambda children: st.one_of(st.lists(children, max_size=4), st.dictionaries(json_text, children, max_size=4)),
    max_leaves=8)
small_json_values = st.recursive(  # cheaper, for JSON-LD inside generated pages
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=12)),
    lambda children: st.one_of(st.lists(children, max_size=3), st.dictionaries(st.text(max_size=8), children,
                                                                              max_size=3)),
    max_leaves=4)
FIELDS = ('text', 'html', 'url', 'title', 'date', 'id')
record_objects = st.fixed_dictionaries(
    {}, optional={name: st.one_of(json_values, json_text, st.sampled_from(SEED_PARAGRAPHS)) for name in FIELDS})


def json_line(value, ensure_ascii: bool, encoding: str) -> bytes:
    """One JSON Lines line as a producer might write it: lone surrogates kept
    as the bytes a careless encoder writes (surrogatepass)."""
    text = json.dumps(value, ensure_ascii=ensure_ascii)
    if encoding == 'utf-8':
        return text.encode('utf-8', 'surrogatepass')
    return text.encode(encoding, 'surrogatepass')


json_lines = st.builds(json_line, st.one_of(record_objects, json_values), st.booleans(),
                       st.sampled_from(['utf-8', 'utf-8', 'utf-8', 'utf-16', 'utf-32-le']))
small_junk_json_lines = st.one_of(
    st.binary(max_size=60),
    st.sampled_from([b'', b' ', b'{', b'}', b'[]', b'null', b'"text"', b'{"text": }', b'{"text": "unterminated',
                     b'{"text": NaN}', b'{"html": Infinity}', b'{"text": 1e400}', b'\xef\xbb\xbf{"text": "bom"}',
                     b'{"text": "a", "text": ["dup"]}', b'{"text": "\\ud800"}', b'{"text": "\\udc00x\\ud83d"}',
                     b'{"html": "\\u0000"}', b'{"text": "ok", "url": "http://["}', b'1' * 5000,
                     b'{"text": ' + b'1' * 5000 + b'}', b'\x00\x00\x00{']),
    st.integers(1, 300).map(lambda n: b'[' * n),
    st.integers(1, 300).map(lambda n: b'{"text": ' * n + b'"x"' + b'}' * n),
)
junk_json_lines = st.one_of(  # and nested deeper than the interpreter's stack
    small_junk_json_lines,
    st.integers(1, 3000).map(lambda n: b'[' * n),
    st.integers(1, 3000).map(lambda n: b'{"text": ' * n + b'"x"' + b'}' * n),
    st.integers(500, 200_000).map(lambda n: b'[' * n + b']' * n),
)

# ------------------------------------------------------------------ HTML

ODD_DATES = st.one_of(
    st.sampled_from([
        '2020-02-30', '0000-00-00', '9999-12-31', '2099-01-01T00:00:00Z', '1970-01-01', '1994-12-31', '20201301',
        '1e400', 'NaN', '-1', '0', '99999999999999', '4102444800', '1700000000000', '253402300800',
        '-62135596801', 'May 32, 2020', '31 Febuary 2021', '2021/13/01', '13/13/2013', '00/00/0000', 'yesterday',
        '', ' ', '2020-1-1', '2020-01-01T25:61:61+99:99', '2019.12.31', 'Sept 5th, 2019', '20 of March 2018',
        '2024 Jun 31', '2018-05-31', 'May 31, 2018', '31.05.2018', '05/31/2018', '12/05/2018', '2018-05-31T10:00',
    ]),
    st.text(max_size=25),
    st.integers(-10 ** 20, 10 ** 20).map(str),
    st.datetimes().map(lambda d: d.isoformat()),
)
ODD_URLS = st.one_of(
    st.sampled_from([
        'https://example.com/2018/05/31/story/', 'https://www.example.com/news/a', 'http://[', 'http://[::1',
        'http://[x]/2018/05/31/', 'http://a:b:c/', 'http://x:99999999/', 'javascript:void(0)', '//cdn.example',
        '', ' ', 'https://例え.jp/2020/01/01/', 'https://example.com/2099/12/31/story', 'https://x/20180531/a/',
        'mailto:a@b', 'https://example.com/%zz', 'http://user@:80', 'http://\x00/',
    ]),
    st.text(max_size=30),
)
DATED_URLS = st.one_of(st.none(), st.sampled_from([
    'https://example.com/2018/05/31/story/', 'https://example.com/2099/12/31/story', 'https://x.example/20991231/a/',
    'https://example.com/news/a', 'https://example.com/1990/01/01/old/']),
    st.dates().map(lambda d: f'https://example.com/{d.year:04d}/{d.month:02d}/{d.day:02d}/story/'))
TAGS = ('div', 'p', 'span', 'article', 'main', 'section', 'header', 'footer', 'nav', 'aside', 'h1', 'h2', 'h3',
        'a', 'ul', 'li', 'table', 'tr', 'td', 'noscript', 'time', 'figure', 'figcaption', 'blockquote', 'pre',
        'b', 'i', 'em', 'form', 'select', 'option', 'template', 'svg', 'iframe', 'button', 'body', 'html', 'head',
        'title', 'textarea', 'code', 'br', 'img', 'hr', 'meta', 'link', 'input', 'x-custom', 'o:p')
ATTR_NAMES = ('class', 'id', 'itemprop', 'datetime', 'content', 'property', 'name', 'lang', 'href', 'rel', 'type',
              'pubdate', 'style', 'hidden', 'data-x', 'src', 'charset', 'xml:lang', 'onclick', 'aria-hidden')
ATTR_VALUES = st.one_of(
    st.sampled_from(['article', 'content', 'entry-content', 'post-body', 'story', 'widget', 'w-embed', 'sidebar',
                     'nav', 'menu', 'share', 'comments', 'related', 'footer', 'author', 'byline', 'date',
                     'published', 'updated', 'datePublished', 'dateModified', 'hidden', 'display:none',
                     'canonical', 'application/ld+json', 'en', 'de', 'en-US', 'fr', 'pubdate', 'headline']),
    ODD_DATES, ODD_URLS, st.text(max_size=20))
ENTITIES = st.sampled_from(['&amp;', '&lt;', '&gt;', '&nbsp;', '&#0;', '&#x0;', '&#xD800;', '&#x110000;',
                            '&#99999999999;', '&bogus;', '&', '&#', '&#x;', '&mdash;', '&#8217;', '&#65279;',
                            '&#x1F600;', '&#128;', '&#13;', '&#x2028;', '&quot', '&AMP'])
META_KEYS = ('article:published_time', 'og:published_time', 'datePublished', 'date', 'pubdate', 'dc.date',
             'article:modified_time', 'og:updated_time', 'dateModified', 'og:title', 'twitter:title', 'title',
             'author', 'article:author', 'byl', 'og:site_name', 'application-name', 'og:url', 'description',
             'citation_publication_date', 'sailthru.date', 'parsely-pub-date')


def _attr(name, value):
    return f' {name}="{value.replace(chr(34), "&quot;")}"' if value is not None else f' {name}'


attrs = st.lists(st.builds(_attr, st.sampled_from(ATTR_NAMES), st.one_of(st.none(), ATTR_VALUES)),
                 max_size=3).map(''.join)
html_text = st.one_of(
    st.text(max_size=60),
    st.lists(st.sampled_from(SEED_WORDS), min_size=1, max_size=40).map(' '.join),
    st.sampled_from(SEED_PARAGRAPHS),
    ENTITIES,
    ODD_DATES.map(lambda d: f'Published {d}'),
    ODD_DATES.map(lambda d: f'Updated: {d}'),
)
meta_tags = st.one_of(
    st.builds(lambda attr, key, value: f'<meta {attr}="{key}" content="{value.replace(chr(34), "")}">',
              st.sampled_from(['property', 'name', 'itemprop', 'http-equiv']), st.sampled_from(META_KEYS),
              st.one_of(ODD_DATES, ODD_URLS, st.text(max_size=30))),
    st.builds(lambda cs: f'<meta charset="{cs}">', st.sampled_from(['utf-8', 'undefined', 'x', 'utf-16',
                                                                    'latin-1', ''])),
    st.builds(lambda href: f'<link rel="canonical" href="{href.replace(chr(34), "")}">', ODD_URLS),
    st.builds(lambda d, t: f'<time datetime="{d}" pubdate>{t}</time>', ODD_DATES, ODD_DATES),
)
jsonld_objects = st.fixed_dictionaries({}, optional={
    '@type': st.one_of(st.sampled_from(['NewsArticle', 'Article', 'WebPage', 'BlogPosting', 'Person', '']),
                       small_json_values),
    '@context': st.just('https://schema.org'),
    'datePublished': st.one_of(ODD_DATES, small_json_values),
    'dateModified': st.one_of(ODD_DATES, small_json_values),
    'headline': st.one_of(st.sampled_from(SEED_PARAGRAPHS), small_json_values),
    'author': small_json_values,
    'creator': small_json_values,
    'publisher': small_json_values,
    'url': st.one_of(ODD_URLS, small_json_values),
})
article_jsonld = st.fixed_dictionaries(   # what extractors look at first: an article, its values of any type
    {'@context': st.sampled_from(['https://schema.org', 'http://schema.org', 'https://schema.org/']),
     '@type': st.sampled_from(['NewsArticle', 'Article', 'BlogPosting', 'ReportageNewsArticle', 'WebPage',
                               ['NewsArticle'], 'https://schema.org/NewsArticle']),
     'headline': st.one_of(small_json_values, st.sampled_from(SEED_PARAGRAPHS))},
    optional={key: st.one_of(small_json_values, ODD_DATES, st.sampled_from(SEED_PARAGRAPHS))
              for key in ('name', 'datePublished', 'dateModified', 'author', 'publisher', 'url',
                          'mainEntityOfPage', 'description', 'inLanguage')})
jsonld_graphs = st.recursive(
    jsonld_objects,
    lambda children: st.one_of(st.lists(children, max_size=3),
                               st.builds(lambda g: {'@context': 'https://schema.org', '@graph': g},
                                         st.lists(children, max_size=3)),
                               st.builds(lambda o, m: {**o, 'mainEntity': m}, jsonld_objects, children)),
    max_leaves=3)
jsonld_bodies = st.one_of(
    article_jsonld.map(json.dumps),
    jsonld_graphs.map(json.dumps),
    small_json_values.map(json.dumps),
    jsonld_graphs.map(lambda g: '<!--' + json.dumps(g) + ',\n-->'),
    jsonld_graphs.map(lambda g: json.dumps(g)[:-1]),                 # truncated
    jsonld_graphs.map(lambda g: json.dumps(g).replace(',', ',\x01', 1) + ';'),
    st.text(max_size=40),
    st.integers(100, 100_000).map(lambda n: '[' * n),                # nested deeper than the stack
    st.integers(100, 5_000).map(lambda n: '{"@type": "NewsArticle", "author": ' + '[' * n + '"A B"' + ']' * n + '}'),
)
scripts = st.one_of(
    jsonld_bodies.map(lambda body: f'<script type="application/ld+json">{body}</script>'),
    st.text(max_size=40).map(lambda body: f'<script>{body}</script>'),
    st.text(max_size=40).map(lambda body: f'<style>{body}</style>'),
    st.just('<script>document.write("<p>not body</p>")</script>'),
)
odd_markup = st.sampled_from([
    '<!--', '-->', '<!-- comment -->', '<![CDATA[x]]>', '<!DOCTYPE html>', '<?xml version="1.0"?>', '</p>',
    '</div></div>', '<p', '<', '>', '<br/>', '</html>', '<html>', '<body>', '<a href="http://[">x</a>',
    '<table><td>cell', '<select><option>opt', '<plaintext>', '<frameset>', '\x00', '\ufeff', '<p/>',
])


def _element(tag, attributes, children, closed):
    inner = ''.join(children)
    return f'<{tag}{attributes}>{inner}' + (f'</{tag}>' if closed else '')


html_nodes = st.recursive(
    st.one_of(html_text, meta_tags, scripts, odd_markup),
    lambda children: st.builds(_element, st.sampled_from(TAGS), attrs, st.lists(children, max_size=5),
                               st.booleans()),
    max_leaves=10)


def _page(prefix, head, body, wrap):
    if not wrap:
        return prefix + ''.join(head) + ''.join(body)
    return f'{prefix}<html><head>{"".join(head)}</head><body>{"".join(body)}</body></html>'


html_pages = st.builds(
    _page,
    st.sampled_from(['', '<!DOCTYPE html>', '<?xml version="1.0" encoding="utf-8"?>', '\ufeff', '  \n']),
    st.lists(st.one_of(meta_tags, scripts, st.builds(lambda t: f'<title>{t}</title>', html_text)), max_size=4),
    st.lists(st.one_of(html_nodes, st.sampled_from(SEED_PARAGRAPHS).map(lambda p: f'<p>{p}</p>')), max_size=6),
    st.booleans())


deep_html = st.builds(   # nested around libxml2's limit of 256 levels
    lambda n, tag, text: f'<html><body>{f"<{tag}>" * n}<p>{text}</p>{f"</{tag}>" * n}</body></html>',
    st.integers(200, 320), st.sampled_from(['div', 'span', 'b', 'blockquote']), st.sampled_from(SEED_PARAGRAPHS))


@st.composite
def damaged_dev_pages(draw) -> str:
    """A real page, decoded, cut short and with tags or text spliced in."""
    page = DEV_PAGES[draw(st.sampled_from(DEV_PAGE_IDS))].decode('utf-8', 'replace')
    for _ in range(draw(st.integers(1, 3))):
        n = len(page)
        op = draw(st.sampled_from(('truncate', 'insert', 'delete')))
        at = draw(st.integers(0, n))
        if op == 'truncate':
            page = page[:at]
        elif op == 'insert':
            page = page[:at] + draw(st.one_of(html_nodes, odd_markup, meta_tags)) + page[at:]
        else:
            page = page[:at] + page[at + draw(st.integers(1, 20_000)):]
    return page


# ==========================================================================
# read_dumps
# ==========================================================================

SEED_BYTES = SEED_TEXTS[0].encode('utf-8')
SMALL_HTML = ('<html><head><title>A page</title></head><body><article>'
              + ''.join(f'<p>{p}</p>' for p in SEED_PARAGRAPHS[:4]) + '</article></body></html>').encode('utf-8')
JSONL_DOC = b'\n'.join([
    json.dumps({'id': 'a1', 'url': 'https://example.com/a1', 'title': 'T', 'date': '2020-01-02',
                'text': SEED_TEXTS[0]}).encode(),
    json.dumps({'id': 'a2', 'html': SMALL_HTML.decode()}).encode(),
    b'{"id": "broken", "text": "unterminated',
    b'',
    json.dumps({'id': 'a4', 'text': ['not', 'a', 'string']}).encode(),
    json.dumps({'id': 'a5', 'text': SEED_TEXTS[-1]}).encode(),
]) + b'\n'
WARC_RESPONSES = [
    ('https://example.org/0013', 'text/html; charset=utf-8', SMALL_HTML),
    ('https://example.org/logo.png', 'image/png', b'\x89PNG\r\n\x1a\n' + bytes(200)),
    ('https://example.org/0002', 'text/html', DEV_PAGES[DEV_PAGE_IDS[0]]),
]
CONTAINERS = {   # (name without compression suffix, format, decompressed bytes)
    'text': ('/in/seed.txt', 'text', SEED_BYTES),
    'html': ('/in/page.html', 'html', DEV_PAGES[DEV_PAGE_IDS[0]]),
    'jsonl': ('/in/batch.jsonl', 'jsonl', JSONL_DOC),
    'warc': ('/in/crawl.warc', 'warc', warc_bytes(WARC_RESPONSES, gzip_records=False)),
    'warc.gz': ('/in/crawl.warc.gz', 'warc', warc_bytes(WARC_RESPONSES, gzip_records=True)),
}
def decompress_all(new_decompressor, zero_padding=False):
    """A strict reference decompressor: every member (gzip), stream (bz2, xz)
    or frame (zstd) in turn; an error for one cut short or for bytes after
    the last that are none (gzip files may be padded with zeros)."""
    def decompress(data: bytes) -> bytes:
        out = []
        while data:
            if zero_padding:
                data = data.lstrip(b'\x00')
                if not data:
                    break
            member = new_decompressor()
            out.append(member.decompress(data))
            if not member.eof:
                raise EOFError('cut short')
            data = member.unused_data
        return b''.join(out)
    return decompress


COMPRESSIONS = {   # name suffix, compress, reference decompress
    'gzip': ('.gz', gzip.compress, decompress_all(lambda: zlib.decompressobj(wbits=31), zero_padding=True)),
    'bz2': ('.bz2', bz2.compress, decompress_all(bz2.BZ2Decompressor)),
    'xz': ('.xz', lzma.compress, decompress_all(lzma.LZMADecompressor)),
    'zstd': ('.zst', zstandard.ZstdCompressor().compress,
             decompress_all(lambda: zstandard.ZstdDecompressor().decompressobj())),
    'none': ('', lambda b: b, lambda b: b),
}
def whole_record_cuts(data: bytes, gzip_records: bool) -> set:
    """Lengths a WARC file can be cut to and still be a whole, valid WARC
    file of fewer records: a cut there cannot be told from a shorter crawl."""
    cuts, start = set(), 0
    if gzip_records:          # one gzip member per record
        while start < len(data):
            member = zlib.decompressobj(wbits=31)
            member.decompress(data[start:])
            start = len(data) - len(member.unused_data)
            cuts.add(start)
        return cuts
    # a record is its header, its Content-Length bytes of content and two
    # CRLFs; a file cut anywhere from the end of the content on is whole
    while start < len(data):
        header_end = data.index(b'\r\n\r\n', start) + 4
        length = int(re.search(rb'Content-Length: *(\d+)', data[start:header_end]).group(1))
        next_start = data.find(b'WARC/1.0\r\n', header_end + length)
        next_start = len(data) if next_start < 0 else next_start
        cuts.update(range(header_end + length, next_start + 1))
        start = next_start
    return cuts


WHOLE_RECORD_CUTS = {kind: whole_record_cuts(CONTAINERS[kind][2], gzip_records=kind == 'warc.gz')
                     for kind in ('warc', 'warc.gz')}
COMPRESSED = {(kind, comp): COMPRESSIONS[comp][1](CONTAINERS[kind][2])
              for kind in CONTAINERS for comp in COMPRESSIONS if not (kind == 'warc.gz' and comp != 'none')}

MAGICS = [b'\x1f\x8b', b'\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff', b'BZh9', b'BZh91AY&SY', b'\x28\xb5\x2f\xfd',
          b'\xfd7zXZ\x00', b'WARC/1.0\r\n', b'WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 5\r\n\r\n',
          b'{', b'<html>', b'<!DOCTYPE html>', b'\xef\xbb\xbf', b'\xff\xfe', b'\xfe\xff', b'\x00\x00\xfe\xff']
arbitrary_files = st.one_of(
    st.binary(max_size=2048),
    st.tuples(st.sampled_from(MAGICS), st.binary(max_size=1024)).map(b''.join),
    st.lists(st.one_of(json_lines, small_junk_json_lines), max_size=10)
      .flatmap(lambda lines: st.sampled_from([b'\n', b'\r\n', b'\n\n']).map(lambda sep: sep.join(lines))),
    st.sampled_from(sorted(COMPRESSED.values(), key=len)[:8]).flatmap(byte_mutations),
)
EXTENSIONS = ('', '.txt', '.text', '.html', '.htm', '.xhtml', '.jsonl', '.ndjson', '.json', '.warc', '.arc',
              '.bin', '.TXT', '.Html')
SUFFIXES = ('', '.gz', '.gzip', '.bz2', '.zst', '.zstd', '.xz', '.lzma', '.GZ')
file_names = st.builds(lambda stem, ext, comp: stem + ext + comp,
                       st.sampled_from(['/data/file', 'gs://bucket/dir/file', 'file', '/data/a.b/file']),
                       st.sampled_from(EXTENSIONS), st.sampled_from(SUFFIXES))
record_limits = st.sampled_from([1, 2, 7, 64, 1000, 4096, InputLimits.max_record_bytes])

_ENDS_A_FILE = ('malformed_warc', 'broken_compression', 'unreadable')


def read_all(name, data, input_format='auto', max_record_bytes=InputLimits.max_record_bytes) -> list:
    return list(read_records(name, io.BytesIO(data), input_format=input_format, max_record_bytes=max_record_bytes))


def check_reject(reject: Reject):
    assert isinstance(reject.stage, str) and reject.stage.strip(), reject
    assert isinstance(reject.error, str) and reject.error.strip(), reject
    assert isinstance(reject.message, str) and reject.message.strip(), reject
    assert isinstance(reject.size_bytes, int) and reject.size_bytes >= 0, reject
    assert isinstance(reject.raw, bytes), reject


def check_items(items: list, name: str, max_record_bytes: int):
    """What every file read gives, whatever its bytes: records, rejects or
    'skipped', a broken file ending in its reject, records numbered in order."""
    numbers = []
    for position, item in enumerate(items):
        assert isinstance(item, (RawRecord, Reject)) or item == 'skipped', item
        if item == 'skipped':
            continue
        assert item.source_uri == name or item.source_uri.startswith(name + '#'), (item.source_uri, name)
        if '#' in item.source_uri[len(name):]:
            numbers.append(int(item.source_uri[len(name) + 1:]))
        if isinstance(item, Reject):
            check_reject(item)
            assert item.stage in ('read', 'parse'), item
            if item.error in _ENDS_A_FILE:
                assert position == len(items) - 1, f'{item.error} reject is not the last item: {items[position:]}'
        else:
            assert isinstance(item.payload, bytes) and item.payload.strip(), item
            assert item.format in FORMATS and item.content_kind in ('text', 'html'), item
            if item.format != 'jsonl':
                assert len(item.payload) <= max_record_bytes, (len(item.payload), max_record_bytes)
    assert numbers == sorted(set(numbers)), f'records not numbered in order: {numbers}'


def physical_lines(data: bytes) -> list:
    """The lines a binary stream's readline gives: split after each b'\\n'."""
    pieces = data.split(b'\n')
    lines = [piece + b'\n' for piece in pieces[:-1]]
    if pieces[-1]:
        lines.append(pieces[-1])
    return lines


def check_jsonl(items: list, data: bytes, name: str, max_record_bytes: int):
    """One item per non-blank line, named by its 1-based line number; a line
    that fits the limit is parsed whole, one that does not is rejected."""
    lines = physical_lines(data)
    by_number = {}
    for item in items:
        assert not isinstance(item, str), item
        number = int(item.source_uri.rsplit('#', 1)[1])
        assert 1 <= number <= len(lines), (number, len(lines))
        assert number not in by_number, f'line {number} gave two items'
        by_number[number] = item
    for number, line in enumerate(lines, start=1):
        content = line.rstrip(b'\r\n')
        item = by_number.get(number)
        if line.strip():
            assert item is not None, f'non-blank line {number} gave nothing: {line[:80]!r}'
        if item is None:
            continue
        if isinstance(item, Reject) and item.error == 'record_too_large':
            assert len(line) > max_record_bytes, (number, len(line), max_record_bytes)
            continue
        # A blank line gives nothing unless it is too long to look at (above).
        assert line.strip(), f'blank line {number} gave {item}'
        assert len(content) <= max_record_bytes, (len(content), max_record_bytes, item)
        assert item.raw == content, (item, content[:80])
        if isinstance(item, Reject):
            assert item.stage == 'parse' and item.size_bytes == len(content), item
        offset = getattr(item, 'raw_offset', None)
        if getattr(item, 'raw_path', None) is not None and offset is not None:
            assert data[offset:offset + len(content)] == content, (offset, item)


@settings(max_examples=400, **FAST)
@given(data=arbitrary_files, name=file_names, input_format=st.sampled_from(INPUT_FORMATS),
       max_record_bytes=record_limits)
def test_read_records_never_raises_and_accounts_for_every_record(data, name, input_format, max_record_bytes):
    items = read_all(name, data, input_format, max_record_bytes)
    check_items(items, name, max_record_bytes)
    named = input_format if input_format != 'auto' else format_from_name(name)
    if named in ('text', 'html'):
        # a whole-file format: exactly one record or one reject, even for broken compression
        assert len(items) == 1 and isinstance(items[0], (RawRecord, Reject)), items
    if sniff_compression(data[:8]) is not None:
        return
    fmt = named or sniff_format(data[:4096])
    if fmt in ('text', 'html'):
        [item] = items
        if len(data) > max_record_bytes:
            assert isinstance(item, Reject) and item.error == 'record_too_large', item
            assert item.size_bytes == len(data), item     # measured, never truncated
        elif not data.strip():
            assert isinstance(item, Reject) and item.error == 'empty_input' and item.raw == data, item
        else:
            assert isinstance(item, RawRecord), item
            assert item.payload == data and item.format == item.content_kind == fmt, item
    elif fmt == 'jsonl':
        check_jsonl(items, data, name, max_record_bytes)
    else:
        assert fmt == 'warc'


jsonl_documents = st.lists(
    st.one_of(json_lines, small_junk_json_lines,
              st.sampled_from([b' ' * 40, b'\t\r', b'{"text": "' + b'x' * 60 + b'"}'])),
    max_size=12).flatmap(
    lambda lines: st.lists(st.sampled_from([b'\n', b'\r\n', b'\n\n', b'\n \n']), min_size=len(lines),
                           max_size=len(lines)).map(lambda seps: b''.join(l + s for l, s in zip(lines, seps))))


@settings(max_examples=200, **FAST)
@given(data=jsonl_documents, max_record_bytes=st.integers(1, 80), trailing_newline=st.booleans())
def test_jsonl_records_with_a_tiny_limit_give_one_item_per_line(data, max_record_bytes, trailing_newline):
    if not trailing_newline:
        data = data.rstrip(b'\n')
    items = list(jsonl_records('/in/x.jsonl', io.BufferedReader(io.BytesIO(data)), max_record_bytes))
    check_items(items, '/in/x.jsonl', max_record_bytes)
    check_jsonl(items, data, '/in/x.jsonl', max_record_bytes)


@settings(max_examples=150, **FAST)
@given(lines=st.lists(st.one_of(st.binary(max_size=30), st.sampled_from([b' ' * 45, b'\t \x0b' * 9, b'{}'])),
                      max_size=8),
       line_break=st.sampled_from([b'\n', b'\r\n']), max_record_bytes=st.integers(1, 40))
def test_jsonl_record_limit_is_on_the_line_not_its_line_break(lines, line_break, max_record_bytes):
    """Stricter than the above: a line is too large exactly when the line
    itself (without its LF or CRLF) is over the limit, it is measured as
    such, and a blank line gives nothing however long it is."""
    lines = [line.replace(b'\n', b'').replace(b'\r', b'') for line in lines]
    data = b''.join(line + line_break for line in lines)
    items = list(jsonl_records('/in/x.jsonl', io.BufferedReader(io.BytesIO(data)), max_record_bytes))
    by_number = {int(item.source_uri.rsplit('#', 1)[1]): item for item in items}
    for number, line in enumerate(lines, start=1):
        item = by_number.get(number)
        if not line.strip():
            assert item is None, (number, line, item)
        elif len(line) > max_record_bytes:
            assert isinstance(item, Reject) and item.error == 'record_too_large', (number, line, item)
            assert item.size_bytes == len(line), (item.size_bytes, len(line))
        else:
            assert item is not None and getattr(item, 'error', None) != 'record_too_large', (number, line, item)


@st.composite
def damaged_files(draw):
    kind = draw(st.sampled_from(sorted(CONTAINERS)))
    comp = 'none' if kind == 'warc.gz' else draw(st.sampled_from(sorted(COMPRESSIONS)))
    original = COMPRESSED[(kind, comp)]
    damage = draw(st.sampled_from(('truncate', 'flip', 'mutate', 'append', 'none')))
    if damage == 'truncate':
        # keep the magic bytes, so the file is still taken for what it was
        data = original[:draw(st.integers(min(6, len(original) - 1), len(original) - 1))]
    elif damage == 'flip':
        data = bytearray(original)
        for _ in range(draw(st.integers(1, 3))):
            i = draw(st.integers(0, len(data) - 1))
            data[i] ^= 1 << draw(st.integers(0, 7))
        data = bytes(data)
    elif damage == 'mutate':
        data = draw(byte_mutations(original))
    elif damage == 'append':
        data = original + draw(st.one_of(st.binary(min_size=1, max_size=64), st.just(b'\x00' * 16),
                                         st.just(original)))
    else:
        data = original
    return kind, comp, damage, data


def _view(items):
    """What a reader gave, without where it came from."""
    out = []
    for item in items:
        if isinstance(item, RawRecord):
            out.append(('record', item.source_uri, item.payload, item.content_kind, item.url))
        elif isinstance(item, Reject):
            out.append(('reject', item.source_uri, item.error, item.raw))
        else:
            out.append(item)
    return out


@settings(max_examples=250, **FAST, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(damaged=damaged_files(), by_name=st.booleans(),
       max_record_bytes=st.sampled_from([4096, InputLimits.max_record_bytes]))
def test_damaged_compressed_and_warc_files_end_in_a_reject(damaged, by_name, max_record_bytes):
    kind, comp, damage, data = damaged
    base_name, fmt, plain = CONTAINERS[kind]
    name = base_name + COMPRESSIONS[comp][0] if by_name else '/in/stored.bin'
    input_format = 'auto' if by_name else fmt
    items = read_all(name, data, input_format, max_record_bytes)
    check_items(items, name, max_record_bytes)
    if fmt in ('text', 'html'):
        assert len(items) == 1, items
    if damage == 'none':
        assert items and not any(isinstance(i, Reject) and i.error in _ENDS_A_FILE for i in items), items
    if comp != 'none' and sniff_compression(data[:8]) != comp:
        comp = 'none'     # the damage hit the magic bytes: it is no longer that compression
    try:
        reference = COMPRESSIONS[comp][2](data)
    except Exception:
        reference = None
    if comp != 'none' and (reference is None or damage == 'truncate'):
        # A broken compressed file is never read as if it were whole: it ends in
        # a reject saying so (or one for its size), not in a shortened record.
        assert items and isinstance(items[-1], Reject), _view(items)[-3:]
        if fmt in ('text', 'html'):
            assert items[0].error in ('broken_compression', 'record_too_large'), items[0]
    elif comp != 'none' and sniff_compression(reference[:8]) is None:
        # decompression by magic bytes is transparent
        assert _view(items) == _view(read_all(name, reference, input_format, max_record_bytes))
    if kind.startswith('warc') and damage == 'truncate' and not (
            comp == 'none' and len(data) in WHOLE_RECORD_CUTS[kind]):
        # a WARC file cut short says so; it never just ends early
        assert items and isinstance(items[-1], Reject), _view(items)[-3:]
        # (or the cut record was too large to read anyway)
        assert items[-1].error in ('malformed_warc', 'broken_compression', 'record_too_large'), items[-1]


SMALL_WARC_RESPONSES = [
    ('https://example.org/a', 'text/html; charset=utf-8', b'<html><body><p>A short page.</p></body></html>'),
    ('https://example.org/logo.png', 'image/png', b'\x89PNG\r\n\x1a\n' + bytes(20)),
    ('https://example.org/b', 'text/html', b'<html><body><p>Another page.</p></body></html>'),
]


@pytest.mark.parametrize('gzip_records', [False, True], ids=['warc', 'warc.gz'])
def test_warc_cut_at_any_byte_ends_in_a_reject_unless_whole(gzip_records):
    """Every cut of a small crawl, byte by byte (a few thousand reads): what
    was read before the cut is given, and then a reject says the file is
    cut short -- unless the cut falls between two whole records."""
    data = warc_bytes(SMALL_WARC_RESPONSES, gzip_records=gzip_records)
    whole = whole_record_cuts(data, gzip_records)
    unreported = []
    for cut in range(1, len(data)):
        items = read_all('/in/crawl.warc', data[:cut], 'warc', 4096)
        check_items(items, '/in/crawl.warc', 4096)
        if cut not in whole and not (items and isinstance(items[-1], Reject)):
            unreported.append(cut)
    if unreported:
        first = data[:unreported[0]]
        raise AssertionError(f'{len(unreported)} of {len(data)} cut points end without a reject, e.g. '
                             f'data[:{len(first)}] (ending {first[-40:]!r}) gives '
                             f'{_view(read_all("/in/crawl.warc", first, "warc"))}')


@settings(max_examples=300, **FAST)
@given(line=st.one_of(st.binary(max_size=200), junk_json_lines, json_lines))
def test_parse_json_line_never_raises_on_arbitrary_bytes(line):
    result = parse_json_line('/in/x.jsonl#1', line)
    check_parsed(result, line)


@settings(max_examples=300, **FAST)
@given(value=st.one_of(record_objects, json_values), ensure_ascii=st.booleans(),
       encoding=st.sampled_from(['utf-8', 'utf-16', 'utf-32']))
def test_parse_json_line_on_arbitrary_json_values(value, ensure_ascii, encoding):
    line = json_line(value, ensure_ascii, encoding)
    result = parse_json_line('/in/x.jsonl#1', line)
    check_parsed(result, line)
    if not isinstance(value, dict):
        assert isinstance(result, Reject) and result.error == 'malformed_json', result
        return
    if isinstance(result, RawRecord):
        parsed = json.loads(line)    # what the line says ("\\ud800\\udc00" is one character)
        field = parsed[result.content_kind]
        expected = field if isinstance(field, str) else str(field)
        assert result.payload.decode('utf-8', 'surrogatepass') == expected
        assert expected.strip()
        if result.content_kind == 'text':
            html = parsed.get('html')
            assert html is None or not str(html).strip()   # "html" wins when it has content
        for key, attr in (('url', 'url'), ('title', 'title'), ('date', 'date'), ('id', 'record_id')):
            given_value = parsed.get(key)
            assert getattr(result, attr) == (None if given_value is None else str(given_value))


def check_parsed(result, line):
    assert isinstance(result, (RawRecord, Reject)), result
    if isinstance(result, Reject):
        check_reject(result)
        assert result.stage == 'parse' and result.raw == line and result.size_bytes == len(line), result
        assert result.error in ('malformed_json', 'wrong_field_type', 'no_content'), result
    else:
        assert result.format == 'jsonl' and result.content_kind in ('text', 'html'), result
        assert result.raw == line and isinstance(result.payload, bytes) and result.payload.strip(), result
        for attr in ('url', 'title', 'date', 'record_id'):
            assert getattr(result, attr) is None or isinstance(getattr(result, attr), str)


# ==========================================================================
# decode_records
# ==========================================================================

JUNK_CHARSETS = st.one_of(
    st.none(),
    st.sampled_from(['utf-8', 'UTF8', ' latin-1 ', 'cp1252', 'windows-1251', 'koi8-r', 'shift_jis', 'gb2312',
                     'utf-16', 'utf-32', 'utf_8_sig', 'ascii', 'iso-8859-15', 'mac-roman', 'palmos']),
    # names Python knows that are no text encoding, or behave oddly, or cannot be looked up
    st.sampled_from(['undefined', 'idna', 'punycode', 'rot13', 'hex', 'base64', 'zlib', 'bz2', 'uu', 'quopri',
                     'unicode_escape', 'raw_unicode_escape', 'utf-7', 'x-user-defined', 'mbcs', 'cp65001',
                     'charmap', 'utf-8\x00', 'a\x00b']),
    st.sampled_from(['', ' ', '"utf-8"', 'utf-8;', '\u00e9', 'x' * 300]),
    st.text(max_size=20),
)
decodable_bytes = st.one_of(
    st.binary(max_size=1500),
    seed_dump_bytes,
    st.tuples(st.sampled_from([codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_LE,
                               codecs.BOM_UTF32_BE, b'<meta charset="undefined">', b'<meta charset=idna>',
                               b'<?xml version="1.0" encoding="punycode"?>', b'<meta charset="koi8-r">']),
              st.binary(max_size=400)).map(b''.join),
    st.builds(encode_as, st.text(max_size=200), st.sampled_from(ENCODINGS)),
    st.sampled_from(SEED_TEXTS).map(str.encode).flatmap(byte_mutations),
)


@settings(max_examples=300, **FAST, suppress_health_check=[HealthCheck.too_slow])
@given(data=decodable_bytes, declared=JUNK_CHARSETS, is_html=st.booleans())
def test_decode_bytes_returns_nfc_text_or_raises_decode_error(data, declared, is_html):
    try:
        decoded = decode_bytes(data, declared, is_html=is_html)
    except DecodeError as exc:
        assert isinstance(exc.error, str) and exc.error.strip() and str(exc).strip()
        return
    assert isinstance(decoded, Decoded) and isinstance(decoded.text, str)
    assert unicodedata.is_normalized('NFC', decoded.text)
    assert isinstance(decoded.encoding, str) and decoded.encoding
    assert '\x00' not in decoded.text


printable = st.text(alphabet=st.characters(exclude_categories=('Cs', 'Cc', 'Co', 'Cn'),
                                           exclude_characters='\ufffd', include_characters='\n\t\r '),
                    max_size=300)
BOM_ENCODINGS = {
    'utf-8': lambda t: t.encode('utf-8'),
    'utf-8-sig': lambda t: t.encode('utf-8-sig'),
    'utf-16': lambda t: t.encode('utf-16'),
    'utf-16-le+bom': lambda t: codecs.BOM_UTF16_LE + t.encode('utf-16-le'),
    'utf-16-be+bom': lambda t: codecs.BOM_UTF16_BE + t.encode('utf-16-be'),
    'utf-32': lambda t: t.encode('utf-32'),
    'utf-32-le+bom': lambda t: codecs.BOM_UTF32_LE + t.encode('utf-32-le'),
    'utf-32-be+bom': lambda t: codecs.BOM_UTF32_BE + t.encode('utf-32-be'),
}


@settings(max_examples=300, **FAST)
@given(text=st.one_of(printable, seed_dumps), encoding=st.sampled_from(sorted(BOM_ENCODINGS)),
       declared=JUNK_CHARSETS, is_html=st.booleans())
def test_unicode_text_round_trips(text, encoding, declared, is_html):
    if encoding == 'utf-8' and text.startswith('\ufeff'):
        text = text[1:]   # indistinguishable from a byte-order mark
    text = ''.join(c for c in text if unicodedata.category(c) not in ('Cc', 'Cs') or c in '\n\t\r')
    if looks_like_mojibake(text):
        return            # repaired on purpose; only clean text is never touched
    decoded = decode_bytes(BOM_ENCODINGS[encoding](text), declared, is_html=is_html)
    assert decoded.text == unicodedata.normalize('NFC', text)
    assert not decoded.repaired


record_dates = st.one_of(st.none(), ODD_DATES, st.sampled_from(['0000', '00:00', '2020-02-30T00:00', '1/1/1',
                                                                '99999-01-01', 'Feb 29 2021', '\x00', '\u0663']))


@settings(max_examples=200, **FAST, suppress_health_check=[HealthCheck.too_slow])
@given(payload=st.one_of(decodable_bytes, html_pages.map(str.encode)), kind=st.sampled_from(['text', 'html']),
       fmt=st.sampled_from(FORMATS), charset=JUNK_CHARSETS, date=record_dates,
       title=st.one_of(st.none(), st.text(max_size=20)), raw=st.sampled_from([b'', b'{"raw": 1}']))
def test_draft_from_record_gives_a_draft_or_a_decode_error(payload, kind, fmt, charset, date, title, raw):
    record = RawRecord(source_uri='/in/x#3', format=fmt, payload=payload, content_kind=kind, raw=raw,
                       url='https://example.com/a', title=title, date=date, charset=charset)
    try:
        draft = draft_from_record(record)
    except DecodeError as exc:
        assert exc.error and str(exc)
        return
    assert isinstance(draft, Draft)
    assert draft.doc_id == make_doc_id(record.source_uri) and draft.source_uri == record.source_uri
    assert draft.format == fmt and draft.content_kind == kind and draft.url == record.url
    assert draft.raw == (raw or payload)
    text = decode_bytes(payload, charset, is_html=kind == 'html').text
    if kind == 'html':
        assert draft.html == text and draft.lines == ()
    else:
        assert draft.html is None
        assert draft.lines == tuple(Line(i, t) for i, t in enumerate(text.splitlines()))
    known = draft.known
    assert known.published_date is None or isinstance(known.published_date, datetime.date)
    assert (known.date_source == 'record') == (known.published_date is not None)
    assert known.title is None or (known.title == known.title.strip() and known.title)


# ==========================================================================
# extract_html
# ==========================================================================

def extract(html, url):
    """The extractor's page, or None for HTML nested past the parser's depth
    limit: the one exception extract() documents (ExtractHtml rejects it)."""
    try:
        return EXTRACTOR.extract(html, url)
    except HtmlTooDeep as exc:
        assert exc.error and str(exc)
        return None


def check_page(page, url):
    if page is None:
        return
    assert isinstance(page, HtmlPage)
    assert isinstance(page.text, str)
    if page.text:
        for paragraph in page.text.split('\n\n'):
            assert paragraph and paragraph == paragraph.strip() and '\n' not in paragraph, repr(paragraph)
    fields = page.fields
    assert isinstance(fields, HeaderFields)
    assert fields.title is None or (isinstance(fields.title, str) and fields.title.strip()), fields
    assert isinstance(fields.authors, tuple) and all(isinstance(a, str) and a.strip() for a in fields.authors)
    assert fields.publisher is None or isinstance(fields.publisher, str)
    assert fields.date_source in ('html', 'none'), fields
    assert (fields.published_date is None) == (fields.date_source == 'none'), fields
    if fields.published_date is not None:
        assert isinstance(fields.published_date, datetime.date) and fields.published_date.year >= 1995
    if url:
        assert page.url == url


@settings(max_examples=150, **FAST)
@given(html=st.text(max_size=400), url=st.one_of(st.none(), ODD_URLS))
def test_extract_never_raises_on_arbitrary_text(html, url):
    check_page(extract(html, url), url)


@settings(max_examples=200, **SLOW, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(html=st.one_of(html_pages, deep_html), url=st.one_of(st.none(), ODD_URLS))
def test_extract_never_raises_on_generated_html(html, url):
    check_page(extract(html, url), url)


@settings(max_examples=150, **FAST)
@given(objects=st.lists(st.one_of(article_jsonld, jsonld_graphs), min_size=1, max_size=3),
       paragraphs=st.lists(st.sampled_from(SEED_PARAGRAPHS), min_size=1, max_size=3), in_head=st.booleans(),
       url=st.one_of(st.none(), ODD_URLS))
def test_extract_never_raises_on_jsonld_with_odd_values(objects, paragraphs, in_head, url):
    """JSON-LD is data the page's author typed: any value can be of any type."""
    scripts_html = ''.join(f'<script type="application/ld+json">{json.dumps(o)}</script>' for o in objects)
    body = ''.join(f'<p>{p}</p>' for p in paragraphs)
    html = (f'<html><head>{scripts_html}</head><body>{body}</body></html>' if in_head
            else f'<html><body>{body}{scripts_html}</body></html>')
    check_page(extract(html, url), url)


@settings(max_examples=30, **SLOW, suppress_health_check=[HealthCheck.too_slow])
@given(html=damaged_dev_pages(), url=DATED_URLS)   # junk URLs: the small-input tests above
def test_extract_never_raises_on_damaged_real_pages(html, url):
    check_page(extract(html, url), url)


dated_pages = st.builds(
    lambda heads, dates, paragraphs: ('<html><head>' + ''.join(heads) + '</head><body><article>'
                                      + ''.join(dates) + ''.join(f'<p>{p}</p>' for p in paragraphs)
                                      + '</article></body></html>'),
    st.lists(st.builds(lambda key, d: f'<meta property="{key}" content="{d}">', st.sampled_from(META_KEYS), ODD_DATES),
             max_size=3),
    st.lists(st.one_of(st.builds(lambda d, t: f'<time datetime="{d}" pubdate>{t}</time>', ODD_DATES, ODD_DATES),
                       ODD_DATES.map(lambda d: f'<p>Published {d}</p>'),
                       ODD_DATES.map(lambda d: f'<span class="updated">Updated {d}</span>'),
                       st.dates().map(lambda d: f'<div class="date">{d:%B %d, %Y}</div>')), max_size=3),
    st.lists(st.sampled_from(SEED_PARAGRAPHS), min_size=1, max_size=4))


@settings(max_examples=60, **FAST, suppress_health_check=[HealthCheck.too_slow])
@given(html=dated_pages, url=DATED_URLS)
def test_extracted_dates_are_not_in_the_future(html, url):
    """Every date source is bounded by tomorrow (junk and placeholder dates
    like 2099-12-31 are refused), the URL path included."""
    page = extract(html, url)
    tomorrow = datetime.date.today() + datetime.timedelta(days=1)
    assert page is not None and page.fields.published_date is None or page.fields.published_date <= tomorrow, (page.fields, url)


@settings(max_examples=60, **SLOW, suppress_health_check=[HealthCheck.too_slow])
@given(html=st.one_of(html_pages, st.text(max_size=200)), url=st.one_of(st.none(), ODD_URLS),
       known_title=st.one_of(st.none(), st.just('Known title')))
def test_extract_draft_turns_html_into_numbered_body_lines(html, url, known_title):
    draft = Draft(doc_id='d', source_uri='/in/p.html', format='html', content_kind='html', url=url or None,
                  html=html, known=HeaderFields(title=known_title), raw=b'raw')
    try:
        out = extract_draft(EXTRACTOR, draft)
    except HtmlTooDeep:
        return
    assert isinstance(out, Draft) and out.html is None
    assert [ln.index for ln in out.lines] == list(range(len(out.lines)))
    assert all(isinstance(ln, Line) and ln.text.strip() and '\n' not in ln.text for ln in out.lines)
    assert out.known == draft.known and out.cuts == draft.cuts and out.raw == draft.raw
    assert out.doc_id == draft.doc_id and out.source_uri == draft.source_uri
    if url:
        assert out.url == url


# ==========================================================================
# The whole per-record chain
# ==========================================================================

def run_chain(record: RawRecord, recurring_picks, max_article_chars=None) -> tuple:
    """Run one record through the per-record steps as the pipeline does.
    Returns (outputs, the draft that entered the header split or None, the
    draft that entered assembly or None)."""
    try:
        decoded = decode_record(record, max_article_chars)
    except DecodeError as exc:                                  # DecodeRecords
        return [Reject.of(record, 'decode', exc.error, str(exc))], None, None
    draft = draft_from_decoded(record, decoded)
    if draft.content_kind == 'html':
        try:
            draft = extract_draft(EXTRACTOR, draft)
        except HtmlTooDeep as exc:                              # ExtractHtml
            return [Reject.of(draft, 'extract', exc.error, str(exc))], None, None
    entered = draft
    draft = split_draft_headers(draft)
    # lines the corpus found recurring in this draft's source (FindRecurringLines)
    source = source_of(draft)
    recurring = {(source, line_key(draft.lines[i % len(draft.lines)].text))
                 for i in recurring_picks if draft.lines}
    draft = strip_draft(MODEL, draft)
    draft = cut_recurring_lines(draft, recurring)
    return [assemble_article(draft, max_article_chars)], entered, draft


def check_chain(record: RawRecord, recurring_picks, max_article_chars=None):
    outputs, entered, final = run_chain(record, recurring_picks, max_article_chars)
    assert len(outputs) == 1, outputs
    [out] = outputs
    assert isinstance(out, (Article, Reject)), out
    event(f'outcome: {type(out).__name__} {getattr(out, "stage", "")} {getattr(out, "error", "")}'.strip())
    original = record.raw or record.payload
    if isinstance(out, Reject):
        check_reject(out)
        assert out.stage in ('decode', 'extract'), out
        assert out.source_uri == record.source_uri
        assert out.raw == original and out.size_bytes == len(original), out   # never dropped: bytes kept
    if entered is None:
        assert isinstance(out, Reject)
        return out
    # Every line that entered the header split is in the body or in the cuts:
    # per line, what was kept and what was cut hold exactly its characters.
    assert final.cuts[:len(entered.cuts)] == entered.cuts
    new_cuts = final.cuts[len(entered.cuts):]
    assert all(isinstance(c, Cut) and c.reason for c in new_cuts)
    entered_indexes = [ln.index for ln in entered.lines]
    kept_indexes = [ln.index for ln in final.lines]
    assert set(kept_indexes) <= set(entered_indexes) and kept_indexes == sorted(set(kept_indexes))
    assert {c.line_index for c in new_cuts} <= set(entered_indexes)
    kept = {ln.index: ln.text for ln in final.lines}
    for ln in entered.lines:
        pieces = [c.text for c in new_cuts if c.line_index == ln.index] + [kept.get(ln.index, '')]
        assert nonspace(''.join(pieces)) == nonspace(ln.text), (ln, pieces)
    if isinstance(out, Reject):
        assert out.stage == 'extract', out    # nothing left of the body after extraction
        return out
    # The article: its body is what was kept, nothing else.
    assert out.text and out.text == out.text.strip(), repr(out.text[:80])
    assert not max_article_chars or len(out.text) <= max_article_chars
    assert nonspace(out.text) == nonspace(''.join(ln.text for ln in final.lines))
    assert out.cuts == final.cuts
    assert out.doc_id == make_doc_id(record.source_uri) and out.source_uri == record.source_uri
    assert out.format == record.format
    if record.url:
        assert out.url == record.url
    if record.title and record.title.strip():
        assert out.title == record.title.strip()            # the record's own title wins
    record_date = parse_record_date(record.date)
    if record_date:
        assert out.published_date == record_date and out.date_source == 'record'
    assert (out.published_date is None) == (out.date_source == 'none'), out
    # Passages: exact offsets, in order, not overlapping, covering the text.
    passages = split_passages(out.doc_id, out.text)
    end = 0
    for i, p in enumerate(passages):
        assert p.index == i and p.doc_id == out.doc_id
        assert out.text[p.char_start:p.char_end] == p.text and p.text
        assert p.char_start >= end
        end = p.char_end
    assert len({p.passage_id for p in passages}) == len(passages)
    assert nonspace(''.join(p.text for p in passages)) == nonspace(out.text)
    # Language: a code and its probability, or 'und' with 0, and the same twice.
    language, prob = DETECTOR.detect(out.text)
    assert isinstance(language, str) and isinstance(prob, float)
    if language == UNDETERMINED:
        assert prob == 0.0
    else:
        assert re.fullmatch('[a-z]{2,3}', language) and 0.0 < prob <= 1.0, (language, prob)
    assert DETECTOR.detect(out.text) == (language, prob)
    return out


recurring_picks = st.lists(st.integers(0, 10_000), max_size=4)
article_limits = st.sampled_from([None, None, 80, 1_000_000])   # --max-article-chars
source_uris = st.sampled_from(['/data/site-a/a.txt', 'gs://b/site/x.jsonl#4', 'page.html', '/w/c.warc.gz#2'])


@settings(max_examples=120, **SLOW, suppress_health_check=[HealthCheck.too_slow])
@given(payload=st.one_of(seed_dump_bytes, st.binary(max_size=400), decodable_bytes),
       uri=source_uris, charset=st.one_of(st.none(), JUNK_CHARSETS), picks=recurring_picks,
       limit=article_limits)
def test_chain_text_record_gives_one_article_or_one_reject(payload, uri, charset, picks, limit):
    record = RawRecord(source_uri=uri, format='text', payload=payload, content_kind='text', charset=charset)
    check_chain(record, picks, limit)


@settings(max_examples=80, **SLOW, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(html=st.one_of(html_pages, deep_html, st.text(max_size=300)),   # damaged real pages: the WARC test below
       encoding=st.sampled_from(['utf-8', 'utf-8', 'utf-16', 'cp1252']), uri=source_uris,
       charset=st.one_of(st.none(), JUNK_CHARSETS), picks=recurring_picks, limit=article_limits)
def test_chain_html_record_gives_one_article_or_one_reject(html, encoding, uri, charset, picks, limit):
    record = RawRecord(source_uri=uri, format='html', payload=html.encode(encoding, 'replace'),
                       content_kind='html', charset=charset)
    check_chain(record, picks, limit)


@settings(max_examples=40, **SLOW, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(page=st.sampled_from(DEV_PAGE_IDS).map(DEV_PAGES.get).flatmap(byte_mutations),
       target=DATED_URLS, charset=st.sampled_from([None, 'utf-8', 'ISO-8859-1', 'windows-1252', 'bogus']),
       picks=recurring_picks, limit=article_limits)
def test_chain_warc_record_gives_one_article_or_one_reject(page, target, charset, picks, limit):
    record = RawRecord(source_uri='/w/crawl.warc.gz#1', format='warc', payload=page, content_kind='html',
                       raw=page, url=target, charset=charset)
    check_chain(record, picks, limit)


jsonl_chain_objects = st.fixed_dictionaries(
    {'id': st.text(max_size=5)},
    optional={
        'text': st.one_of(seed_dumps, json_text),
        'html': st.one_of(html_pages, st.sampled_from(SEED_PARAGRAPHS).map(lambda p: f'<p>{p}</p>'), json_text),
        'url': ODD_URLS,
        'title': st.one_of(json_text, st.sampled_from(['Given title', '  ', ''])),
        'date': record_dates,
    })


@settings(max_examples=80, **SLOW, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(obj=jsonl_chain_objects, ensure_ascii=st.booleans(), picks=recurring_picks, limit=article_limits)
def test_chain_jsonl_record_gives_one_article_or_one_reject(obj, ensure_ascii, picks, limit):
    line = json_line(obj, ensure_ascii, 'utf-8')
    record = parse_json_line('/in/batch.jsonl#1', line)
    if isinstance(record, Reject):
        check_reject(record)
        return
    check_chain(record, picks, limit)
