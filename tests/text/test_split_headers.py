"""Unit tests for transforms.text.split_headers (no Beam)."""
import datetime
from collections import Counter

import pytest
from hypothesis import given, settings, strategies as st

from tests.conftest import SEEDS
from transforms.common.records import Cut, HeaderFields, Line  # noqa: E402
from transforms.text.split_headers import HeaderSplit, split_headers  # noqa: E402

D = datetime.date


def lines_of(text):
    return [Line(i, t) for i, t in enumerate(text.splitlines())]


def body_texts(hs):
    return [ln.text for ln in hs.lines if ln.text.strip()]


def reasons(hs):
    return {c.reason for c in hs.cuts}


def nonspace(s):
    return Counter(''.join(s.split()))


# ------------------------------------------------------------------ seeds

def test_seed_000_header_and_credit():
    text = (SEEDS / '000_137e293e02e81e4e.txt').read_text(encoding='utf-8')
    hs = split_headers(lines_of(text))
    assert isinstance(hs, HeaderSplit)
    f = hs.fields
    assert f.published_date == D(2018, 5, 31)
    assert f.date_source == 'header'
    assert f.title is None
    assert f.wire_credit == 'The Associated Press'
    body = body_texts(hs)
    assert body[0].startswith('North Korean leader Kim Jong Un met')
    assert hs.lines[0].index == 0          # shortened line keeps its index
    assert len(body) == 10
    assert not any('Contributing' in t for t in body)
    assert Cut(0, 'date 2018-05-31', 'date_header') in hs.cuts
    assert any(c.reason == 'wire_credit' and c.text == 'Contributing: The Associated Press'
               for c in hs.cuts)


def test_seed_003_title():
    text = (SEEDS / '003_87e0ca4567f25c2d.txt').read_text(encoding='utf-8')
    hs = split_headers(lines_of(text))
    assert hs.fields.title == ("Russia's foreign minister meets with Kim Jong Un as U.S. and "
                               "Pyongyang work to salvage Kim-Trump summit")
    assert hs.fields.authors == ('Peter Weber',)
    assert hs.fields.publisher == 'The Week'
    # the caption under the headline is not taken as a second title / byline
    assert any(t.startswith('Kim Jong Un greets') for t in body_texts(hs))
    assert {'title', 'byline', 'author_bio'} <= reasons(hs)
    # the magazine quotes the AP mid-paragraph: that is not a wire credit
    assert hs.fields.wire_credit is None
    assert any('The Associated Press reports' in t for t in body_texts(hs))


# ------------------------------------------------------------------ dates

PROSE = ('Officials said the storm dropped more than eight inches of rain in less than a day, '
         'and that the worst of the flooding was expected overnight.')


@pytest.mark.parametrize('header,expected', [
    (['Date: 2018-05-31'], D(2018, 5, 31)),
    (['Published: May 31, 2018'], D(2018, 5, 31)),
    (['Updated: June 2, 2018', 'Published: May 31, 2018'], D(2018, 5, 31)),
    (['Published: May 31, 2018', 'Updated: June 2, 2018'], D(2018, 5, 31)),
    (['Updated: June 2, 2018'], D(2018, 6, 2)),
    (['Thursday, May 31, 2018 10:02 AM EDT'], D(2018, 5, 31)),
    (['31 May 2018'], D(2018, 5, 31)),
    (['2018/05/31'], D(2018, 5, 31)),
])
def test_date_lines_in_header(header, expected):
    hs = split_headers(lines_of('\n'.join(header + [PROSE])))
    assert hs.fields.published_date == expected
    assert hs.fields.date_source == 'header'
    assert body_texts(hs) == [PROSE]
    assert [c.reason for c in hs.cuts] == ['date_header'] * len(header)


def test_known_date_is_not_overridden():
    known = HeaderFields(published_date=D(2020, 1, 2), date_source='record')
    hs = split_headers(lines_of('Published: May 31, 2018\n' + PROSE), known=known)
    assert hs.fields.published_date == D(2020, 1, 2)
    assert hs.fields.date_source == 'record'
    assert body_texts(hs) == [PROSE]       # the date line still leaves the body


def test_no_date():
    hs = split_headers(lines_of(PROSE))
    assert hs.fields.published_date is None
    assert hs.fields.date_source == 'none'
    assert hs.cuts == ()


# ------------------------------------------------------------------ bylines

def test_byline_agency_becomes_wire_credit():
    text = 'Storm floods coastal towns\nBy JANE DOE and JOHN ROE, Associated Press\n' + PROSE
    hs = split_headers(lines_of(text))
    assert hs.fields.authors == ('Jane Doe', 'John Roe')
    assert hs.fields.wire_credit == 'The Associated Press'
    assert hs.fields.publisher is None
    assert hs.fields.title == 'Storm floods coastal towns'
    assert body_texts(hs) == [PROSE]
    assert [c.reason for c in hs.cuts] == ['title', 'byline']


def test_byline_outlet_becomes_publisher():
    text = 'By Jane Doe, The Daily Planet\nMay 31, 2018\n\n' + PROSE
    hs = split_headers(lines_of(text), find_title=False)
    assert hs.fields.authors == ('Jane Doe',)
    assert hs.fields.publisher == 'The Daily Planet'
    assert hs.fields.wire_credit is None
    assert hs.fields.published_date == D(2018, 5, 31)


# ------------------------------------------------------------------ datelines

def test_dateline_cut_from_first_paragraph():
    text = ('Kim meets Lavrov in Pyongyang\n\nPYONGYANG, North Korea (AP) — ' + PROSE +
            '\n\nSecond paragraph, not a dateline. WASHINGTON (Reuters) - ' + PROSE)
    hs = split_headers(lines_of(text))
    assert hs.fields.wire_credit == 'The Associated Press'
    assert body_texts(hs)[0] == PROSE
    assert body_texts(hs)[1].startswith('Second paragraph')
    assert Cut(2, 'PYONGYANG, North Korea (AP) —', 'dateline') in hs.cuts


def test_dateline_full_date_sets_date_source():
    hs = split_headers(lines_of('PARIS, 31 May 2018 (AFP) - ' + PROSE))
    assert hs.fields.published_date == D(2018, 5, 31)
    assert hs.fields.date_source == 'dateline'
    assert hs.fields.wire_credit == 'AFP'
    # a header date wins over the dateline
    hs = split_headers(lines_of('Date: 2018-06-01\nPARIS, 31 May 2018 (AFP) - ' + PROSE))
    assert (hs.fields.published_date, hs.fields.date_source) == (D(2018, 6, 1), 'header')


# ------------------------------------------------------------------ wire credits

@pytest.mark.parametrize('credit,agency', [
    ('Contributing: The Associated Press', 'The Associated Press'),
    ('The Associated Press contributed to this report.', 'The Associated Press'),
    ('(Reporting by Jane Doe; Editing by John Roe)', 'Reuters'),
    ('— AFP', 'AFP'),
])
def test_credit_lines_at_the_end(credit, agency):
    hs = split_headers(lines_of(PROSE + '\n\n' + PROSE.upper() + '\n\n' + credit + '\n'))
    assert hs.fields.wire_credit == agency
    assert body_texts(hs) == [PROSE, PROSE.upper()]
    assert [c.reason for c in hs.cuts] == ['wire_credit']


def test_mere_mention_of_agency_is_not_cut():
    last = ('It was widely "seen as an attempt by Moscow to make its voice heard," '
            'The Associated Press reports.')
    hs = split_headers(lines_of(PROSE + '\n\n' + last))
    assert body_texts(hs) == [PROSE, last]
    assert hs.cuts == ()
    assert hs.fields.wire_credit is None


def test_reuters_trailer_glued_to_last_paragraph():
    hs = split_headers(lines_of(PROSE + ' (Reporting by Jane Doe; Editing by John Roe)'))
    assert body_texts(hs) == [PROSE]
    assert hs.fields.wire_credit == 'Reuters'
    assert [c.reason for c in hs.cuts] == ['wire_credit']


# ------------------------------------------------------------------ titles

def test_title_detection_and_known_title():
    text = 'Storm floods coastal towns as crews race to evacuate residents\n\n' + PROSE
    assert split_headers(lines_of(text)).fields.title.startswith('Storm floods')
    # find_title=False: the line is left for the body / boilerplate step
    hs = split_headers(lines_of(text), find_title=False)
    assert hs.fields.title is None and len(body_texts(hs)) == 2
    # a known title wins, and the matching headline line is still removed
    known = HeaderFields(title='Storm floods coastal towns as crews race to evacuate residents')
    hs = split_headers(lines_of(text), known=known)
    assert hs.fields.title == known.title and body_texts(hs) == [PROSE]
    # a different known title is kept, and no weaker guess replaces it
    known = HeaderFields(title='Something else entirely')
    hs = split_headers(lines_of(text), known=known)
    assert hs.fields.title == 'Something else entirely'


@pytest.mark.parametrize('text', [
    PROSE + '\n\n' + PROSE,                               # prose first: no headline
    'Kim Jong Un greets Sergei Lavrov in Pyongyang\n(Photo: Jane Roe/AFP/Getty Images)\n\n' + PROSE,
    'Subscribe to our newsletter today for free\n\n' + PROSE,
    'Storm floods coastal towns.\n\n' + PROSE,            # ends like a sentence
    'Storm floods coastal towns as crews race',           # nothing after it
])
def test_no_title(text):
    assert split_headers(lines_of(text)).fields.title is None


def test_known_fields_are_kept():
    known = HeaderFields(authors=('A Person',), publisher='Pub', wire_credit='AFP')
    text = 'By Jane Doe, Reuters\n' + PROSE + '\nThe Associated Press contributed to this report.'
    hs = split_headers(lines_of(text), known=known)
    assert hs.fields.authors == ('A Person',)
    assert hs.fields.publisher == 'Pub'
    assert hs.fields.wire_credit == 'AFP'
    assert body_texts(hs) == [PROSE]


def test_trailing_byline_with_bio():
    text = (PROSE + '\n\nJane Roe, Example Weekly UK\n\nJane has covered science for the '
            'magazine since 2015 and writes about space.')
    hs = split_headers(lines_of(text))
    assert hs.fields.authors == ('Jane Roe',)
    assert hs.fields.publisher == 'Example Weekly'
    assert body_texts(hs) == [PROSE]
    assert [c.reason for c in hs.cuts] == ['byline', 'author_bio']


# ------------------------------------------------------------------ robustness

@pytest.mark.parametrize('lines', [[], [Line(0, '')], [Line(0, '   '), Line(1, '\t')],
                                   [Line(0, 'date 2018-05-31 ')], [Line(0, 'By')], [Line(5, '(AP) —')]])
def test_degenerate_inputs(lines):
    hs = split_headers(lines)
    assert isinstance(hs.fields, HeaderFields)


line_text = st.one_of(
    st.text(max_size=80),
    st.sampled_from(['date 2018-05-31 Kim met Lavrov.', 'By Jane Doe and John Roe', 'Published: May 31, 2018',
                     'Contributing: The Associated Press', 'WASHINGTON (Reuters) - Talks', '(Reporting by X; Editing by Y)',
                     'Peter Weber, The Week US', 'Peter has worked at The Week.', '', 'Headline Words Here Now',
                     PROSE, 'PARIS, 31 May 2018 (AFP) - x']),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(line_text, max_size=12), st.booleans())
def test_property_never_raises_and_accounts_for_every_line(texts, find_title):
    lines = [Line(i, t.replace('\n', ' ').replace('\r', ' ')) for i, t in enumerate(texts)]
    hs = split_headers(lines, find_title=find_title)
    assert isinstance(hs, HeaderSplit)
    # per input line: what stayed + what was cut holds exactly its characters
    kept = {ln.index: ln.text for ln in hs.lines}
    for ln in lines:
        pieces = [c.text for c in hs.cuts if c.line_index == ln.index] + [kept.get(ln.index, '')]
        assert nonspace(''.join(pieces)) == nonspace(ln.text), ln
    # kept lines keep their order and indexes
    assert [ln.index for ln in hs.lines] == sorted(kept)


def test_long_line_that_contains_the_known_title_is_not_cut_as_title():
    """A body glued into one line that begins with the headline stays body."""
    title = 'Tax Law Changes and Your Guide to Filing Taxes in 2026'
    body = (f'Tax Planning {title} Read the Article. On July 4, 2025, the legislation known as the bill was '
            'signed into law and contains significant tax law changes for most households this year.')
    lines = [Line(0, 'Tax Planning ' + title), Line(1, body)]
    split = split_headers(lines, find_title=False, known=HeaderFields(title=title))
    assert [l.index for l in split.lines] == [1]
    assert [c.reason for c in split.cuts] == ['title']
