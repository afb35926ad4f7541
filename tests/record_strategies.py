"""What the property-based tests (hypothesis) of the per-record steps share:
strategies for the inputs real dumps bring (page text around its body,
JSON values, generated and damaged HTML), the seeds as material, the
extractor, model and detector built once, and hypothesis settings."""
from __future__ import annotations

import codecs
import json
import re
from collections import Counter

import pytest
from hypothesis import Phase
from hypothesis import strategies as st

from tests.conftest import DEV_PAGE_IDS, SEEDS, dev_html, mojibake
from transforms.common.records import Reject
from transforms.html.extract_html import HtmlExtractor
from transforms.text.detect_language import LanguageDetector
from transforms.text.strip_boilerplate import default_classifier

# Shrunk examples of whole pages are large; hypothesis warns that printing them
# is slow: every test module of these strategies turns the warning off.
LARGE_REPRS_ARE_FINE = pytest.mark.filterwarnings('ignore:Generating overly large repr')

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


def check_reject(reject: Reject):
    assert isinstance(reject.stage, str) and reject.stage.strip(), reject
    assert isinstance(reject.error, str) and reject.error.strip(), reject
    assert isinstance(reject.message, str) and reject.message.strip(), reject
    assert isinstance(reject.size_bytes, int) and reject.size_bytes >= 0, reject
    assert isinstance(reject.raw, bytes), reject


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
record_dates = st.one_of(st.none(), ODD_DATES, st.sampled_from(['0000', '00:00', '2020-02-30T00:00', '1/1/1',
                                                                '99999-01-01', 'Feb 29 2021', '\x00', '\u0663']))
