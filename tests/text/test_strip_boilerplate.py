"""Unit tests for transforms.text.strip_boilerplate: text dumps cleaned whole (no Beam)."""
import datetime
import re
from collections import Counter

from hypothesis import given, settings, strategies as st

from tests.conftest import SEEDS
from transforms.common.records import Cut, HeaderFields, Line  # noqa: E402
from transforms.text.boilerplate_rules import REASONS, BoilerplateRules
from transforms.text.paragraphs import assemble_paragraphs
from transforms.text.strip_boilerplate import clean_text_dump, default_classifier, text_to_lines  # noqa: E402

HEADER_REASONS = {'title', 'date_header', 'byline', 'dateline', 'wire_credit', 'author_bio'}
_INVISIBLE = re.compile('[\u200b\u2060\ufeff\u00ad]')


def nonspace(s):
    return Counter(''.join(_INVISIBLE.sub('', s).split()))


def norm(s):
    return ' '.join(s.split())


def seed(name):
    return next(SEEDS.glob(name + '_*.txt')).read_text(encoding='utf-8')


def assert_accounted(text, body, cuts):
    """Nothing dropped silently: every non-space character of the input is
    in the body or in a cut, and the body is made of whole input pieces."""
    assert nonspace(body) + nonspace(''.join(c.text for c in cuts)) == nonspace(text)


# ------------------------------------------------------------------ seed 000

def test_seed_000():
    text = seed('000')
    body, fields, cuts = clean_text_dump(text)
    assert fields.published_date == datetime.date(2018, 5, 31)
    assert fields.date_source == 'header'
    assert fields.wire_credit == 'The Associated Press'
    assert fields.title is None
    assert body.startswith('North Korean leader Kim Jong Un met')
    paras = body.split('\n\n')
    expected = [norm(t) for t in text.splitlines() if t.strip()][:-1]
    expected[0] = expected[0][len('date 2018-05-31 '):]
    assert paras == expected and len(paras) == 10
    assert 'Contributing' not in body
    assert {(c.line_index, c.reason) for c in cuts} == {(0, 'date_header'), (20, 'wire_credit')}
    assert_accounted(text, body, cuts)


# ------------------------------------------------------------------ seed 003

def test_seed_003():
    text = seed('003')
    body, fields, cuts = clean_text_dump(text)
    lines = text.splitlines()
    assert fields.title == ("Russia's foreign minister meets with Kim Jong Un as U.S. and "
                            "Pyongyang work to salvage Kim-Trump summit")
    assert fields.authors == ('Peter Weber',)
    assert fields.publisher == 'The Week'
    paras = body.split('\n\n')
    assert len(paras) == 2
    assert paras[0].startswith('After a 90-minute dinner')
    assert paras[1].startswith('Russian Foreign Minister Sergei Lavrov met with Kim')
    assert paras == [norm(lines[5]), norm(lines[7])]
    for bad in ('Image credit', 'greets', 'Subscribe', 'SUBSCRIBE', 'Escape your echo', 'Sign up',
                'Newsletter', 'inbox', 'https://', '.jpg', 'Explore More', 'Peter Weber',
                'Peter has worked', 'The Week US'):
        assert bad not in body, bad
    # every removed line is explained
    cut_lines = {c.line_index for c in cuts}
    for i, t in enumerate(lines):
        if t.strip() and i not in (5, 7):
            assert i in cut_lines, t
    assert all(c.reason in REASONS or c.reason in HEADER_REASONS for c in cuts)
    by_line = {c.line_index: c.reason for c in cuts}
    assert by_line[0] == 'title'
    assert by_line[2] == 'caption'
    assert by_line[3] == 'image_credit'
    assert by_line[14] == 'url'
    assert by_line[24] == 'byline'
    assert by_line[26] == 'author_bio'
    assert by_line[9] == by_line[13] == 'subscribe_prompt'
    assert by_line[16] == 'newsletter'
    assert_accounted(text, body, cuts)


# ------------------------------------------------------------------ a scraped news page

PAGE = """Skip to main content
Menu
Home
World
Politics
Business
We use cookies to improve your experience on our site. By continuing to browse you agree to our use of cookies. Accept all cookies
Storm floods coastal towns as emergency crews race to evacuate residents
By Maria Lopez and Tom Becker, Reuters
Published: June 4, 2021 | Updated: June 5, 2021
Share
Facebook Twitter Email
Residents wade through flooded streets in Port Ellis on Friday.
(Photo: Jane Smith/Getty Images)

PORT ELLIS, Maine (Reuters) - Heavy rain pushed rivers over their banks across the coast on Friday, forcing hundreds of families from their homes as emergency crews worked through the night to reach people trapped by the rising water.

Officials said the storm dropped more than eight inches of rain in less than a day, and that the worst of the flooding was expected overnight as the tide came in.
"We have never seen water this high," said the mayor.

Advertisement

The state's governor declared an emergency and asked for federal help. Shelters were opened in schools and churches, and the Red Cross said it had sent volunteers to the newsletter office.
It was not clear how many homes had been damaged.

Related: Five things to know about flood insurance
How climate change is making storms wetter
Coastal towns brace for a stormy summer

Forecasters said the rain would ease on Saturday, but warned that rivers could keep rising for several days as water drained from the hills into the valleys below.
He did not elaborate.

(Reporting by Maria Lopez in Port Ellis; Editing by Sam Cole)

Sign up for our Morning Briefing newsletter
Enter your email address
Subscribe
Most Read
Ten ways to keep your basement dry this spring
Comments
Join the conversation
© 2021 Example News Media. All rights reserved.
Privacy Policy | Terms of Use | Contact Us
https://example.com/news/storm-floods-coastal-towns
"""


def test_scraped_page():
    body, fields, cuts = clean_text_dump(PAGE)
    assert fields.title == 'Storm floods coastal towns as emergency crews race to evacuate residents'
    assert fields.authors == ('Maria Lopez', 'Tom Becker')
    assert fields.wire_credit == 'Reuters'
    assert fields.published_date == datetime.date(2021, 6, 4)
    assert body.split('\n\n') == [
        'Heavy rain pushed rivers over their banks across the coast on Friday, forcing hundreds of '
        'families from their homes as emergency crews worked through the night to reach people '
        'trapped by the rising water.',
        'Officials said the storm dropped more than eight inches of rain in less than a day, and that '
        'the worst of the flooding was expected overnight as the tide came in.',
        '"We have never seen water this high," said the mayor.',
        "The state's governor declared an emergency and asked for federal help. Shelters were opened "
        'in schools and churches, and the Red Cross said it had sent volunteers to the newsletter office.',
        'It was not clear how many homes had been damaged.',
        'Forecasters said the rain would ease on Saturday, but warned that rivers could keep rising '
        'for several days as water drained from the hills into the valleys below.',
        'He did not elaborate.',
    ]
    reason = {}
    for c in cuts:
        reason.setdefault(PAGE.splitlines()[c.line_index], c.reason)
    expect = {
        'Skip to main content': 'navigation', 'Menu': 'navigation', 'Home': 'navigation',
        'Politics': 'navigation', 'Share': 'share_prompt', 'Facebook Twitter Email': 'share_prompt',
        'Residents wade through flooded streets in Port Ellis on Friday.': 'caption',
        '(Photo: Jane Smith/Getty Images)': 'image_credit', 'Advertisement': 'advertisement',
        'Related: Five things to know about flood insurance': 'related_links',
        'How climate change is making storms wetter': 'related_links',
        'Sign up for our Morning Briefing newsletter': 'newsletter',
        'Enter your email address': 'newsletter', 'Subscribe': 'subscribe_prompt',
        'Most Read': 'related_links', 'Ten ways to keep your basement dry this spring': 'related_links',
        'Comments': 'comments_prompt', 'Join the conversation': 'comments_prompt',
        '© 2021 Example News Media. All rights reserved.': 'copyright',
        'Privacy Policy | Terms of Use | Contact Us': 'navigation',
        'https://example.com/news/storm-floods-coastal-towns': 'url',
        '(Reporting by Maria Lopez in Port Ellis; Editing by Sam Cole)': 'wire_credit',
        'By Maria Lopez and Tom Becker, Reuters': 'byline',
        'Published: June 4, 2021 | Updated: June 5, 2021': 'date_header',
    }
    for line, r in expect.items():
        assert reason.get(line) == r, line
    assert reason[PAGE.splitlines()[6]] == 'cookie_notice'
    assert_accounted(PAGE, body, cuts)


# ------------------------------------------------------------------ small dumps

P1 = ('Heavy rain pushed rivers over their banks across the coast on Friday, forcing hundreds of '
      'families from their homes as emergency crews worked through the night.')
P2 = ('Officials said the storm dropped more than eight inches of rain in less than a day, and that '
      'the worst of the flooding was expected overnight as the tide came in.')


def test_empty_input():
    assert BoilerplateRules().strip([]) == ((), ())
    assert assemble_paragraphs([]) == ''
    assert clean_text_dump('') == ('', HeaderFields(), ())


def test_known_title_passes_through_clean_text_dump():
    known = HeaderFields(title='Storm floods coastal towns', published_date=datetime.date(2021, 1, 1),
                         date_source='record')
    body, fields, cuts = clean_text_dump('Storm floods coastal towns\n\n' + P1, known=known)
    assert body == P1
    assert fields.title == 'Storm floods coastal towns'
    assert fields.published_date == datetime.date(2021, 1, 1) and fields.date_source == 'record'
    assert [c.reason for c in cuts] == ['title']


def test_text_to_lines():
    assert text_to_lines('a\r\nb\n\nc') == (Line(0, 'a'), Line(1, 'b'), Line(2, ''), Line(3, 'c'))


# ------------------------------------------------------------------ properties

pieces = st.sampled_from([
    P1, P2, 'Share', 'Subscribe', 'Advertisement', 'Home', 'date 2018-05-31 ', 'By Jane Doe',
    'Contributing: The Associated Press', 'Peter Weber, The Week US', 'Peter has worked at The Week.',
    'https://example.com/x', '(Image credit: Getty Images)', 'Related', '© 2020 X', '', '\n', '\n\n',
    'WASHINGTON (Reuters) - ', 'Published: May 31, 2018', '\u200b', '\ufeff', '\r', '\u2028',
])
documents = st.one_of(
    st.text(max_size=300),
    st.lists(st.one_of(pieces, st.text(max_size=40)), max_size=25).map(''.join),
    st.lists(st.one_of(pieces, st.text(max_size=40)), max_size=25).map('\n'.join),
)


@settings(max_examples=200, deadline=None)
@given(documents)
def test_property_clean_text_dump_never_raises_and_drops_nothing(text):
    body, fields, cuts = clean_text_dump(text)
    assert isinstance(body, str) and isinstance(fields, HeaderFields)
    assert body == body.strip()
    assert '\n\n\n' not in body
    assert all(isinstance(c, Cut) and c.reason in REASONS or c.reason in HEADER_REASONS for c in cuts)
    assert_accounted(text, body, cuts)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(max_size=120), max_size=30), st.sampled_from(['rules', 'model', 'model-extracted']))
def test_property_strip_puts_every_line_in_body_or_cuts(texts, classifier):
    lines = [Line(i, ''.join(t.splitlines())) for i, t in enumerate(texts)]
    if classifier == 'rules':
        kept, cuts = BoilerplateRules().strip(lines)
    else:
        kept, cuts = default_classifier().strip(lines, (), extracted=classifier == 'model-extracted')
        # the model's own path, not its last-resort fallback to the rules
        default_classifier().classify(lines, (), extracted=classifier == 'model-extracted')
    assert all(c.reason in REASONS for c in cuts)
    assert sorted([ln.index for ln in kept] + [c.line_index for c in cuts]) == list(range(len(lines)))
    assert all(ln.text.strip() for ln in lines if ln.index in {c.line_index for c in cuts})
    body = assemble_paragraphs(kept)
    assert nonspace(body) == nonspace(''.join(ln.text for ln in kept))


WRAPPED = """Trump says summit with Kim could still happen June 12
By ZEKE MILLER and CATHERINE LUCEY
Associated Press
Thursday, May 31, 2018 10:02 AM EDT

WASHINGTON (AP) — President Donald Trump said Thursday that a meeting with
North Korean leader Kim Jong Un could still take place on June 12, as a top
envoy from Pyongyang held talks in New York.

Trump told reporters the talks were going well.

"We'll see what happens," he said.

Associated Press writer Ken Thomas contributed to this report.
"""


def test_hard_wrapped_wire_story():
    body, fields, cuts = clean_text_dump(WRAPPED)
    assert fields.title == 'Trump says summit with Kim could still happen June 12'
    assert fields.authors == ('Zeke Miller', 'Catherine Lucey')
    assert fields.wire_credit == 'The Associated Press'
    assert fields.published_date == datetime.date(2018, 5, 31)
    assert body.split('\n\n') == [
        'President Donald Trump said Thursday that a meeting with North Korean leader Kim Jong Un '
        'could still take place on June 12, as a top envoy from Pyongyang held talks in New York.',
        'Trump told reporters the talks were going well.',
        '"We\'ll see what happens," he said.']
    assert [c.reason for c in cuts] == ['title', 'byline', 'byline', 'date_header', 'dateline',
                                        'wire_credit']
    assert_accounted(WRAPPED, body, cuts)
