"""Unit tests for transforms.text.strip_boilerplate (no Beam)."""
import datetime
import re
import sys
from collections import Counter

import pytest
from hypothesis import given, settings, strategies as st

from tests.conftest import SEEDS
from transforms.common.records import Cut, HeaderFields, Line  # noqa: E402
from transforms.text.strip_boilerplate import (  # noqa: E402
    REASONS, BoilerplateRules, assemble_paragraphs, clean_text_dump, default_classifier, text_to_lines)

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


# ------------------------------------------------------------------ the rules on their own

P1 = ('Heavy rain pushed rivers over their banks across the coast on Friday, forcing hundreds of '
      'families from their homes as emergency crews worked through the night.')
P2 = ('Officials said the storm dropped more than eight inches of rain in less than a day, and that '
      'the worst of the flooding was expected overnight as the tide came in.')


def strip_texts(texts):
    kept, cuts = BoilerplateRules().strip([Line(i, t) for i, t in enumerate(texts)])
    return [ln.text for ln in kept if ln.text.strip()], {c.text: c.reason for c in cuts}


def test_call_to_action_words_inside_prose_are_kept():
    mid = ('She said she would subscribe to the newsletter and share the story with neighbours, '
           'and that she had accepted the cookies her neighbour baked after the flood.')
    kept, cuts = strip_texts([P1, '', mid, '', P2])
    assert kept == [P1, mid, P2] and cuts == {}


P3 = ('The state governor declared an emergency and asked for federal help, and shelters were '
      'opened in schools and churches across the county.')
P4 = ('Forecasters said the rain would ease on Saturday, but warned that rivers could keep rising '
      'for several days as water drained from the hills.')


def test_ads_and_repeats_inside_the_body():
    kept, cuts = strip_texts([P1, 'Advertisement', P2, 'Story continues below advertisement', P3,
                              'Short subhead here', P4, P1 + ' '])
    assert kept == [P1, P2, P3, 'Short subhead here', P4]
    assert cuts == {'Advertisement': 'advertisement',
                    'Story continues below advertisement': 'advertisement',
                    P1: 'repeated_line'}


def test_short_fragments_around_the_body():
    kept, cuts = strip_texts(['Breaking News', 'Weather', P1, '', 'A quote.', '', P2,
                              'Tags', 'Floods Maine Weather', 'Live Updates'])
    assert kept == [P1, 'A quote.', P2]
    assert cuts['Breaking News'] == 'navigation'
    assert cuts['Tags'] == 'related_links'


def test_author_bio_after_body():
    bio = ('Jane Roe is a senior reporter covering climate and energy. She joined the newsroom '
           'in 2015 after five years at a regional daily.')
    kept, cuts = strip_texts([P1, P2, bio])
    assert kept == [P1, P2] and cuts == {bio: 'author_bio'}


def test_non_english_text_is_kept():
    es = ('Las fuertes lluvias desbordaron los ríos de la costa el viernes y obligaron a cientos de '
          'familias a abandonar sus casas mientras los equipos trabajaban toda la noche.')
    de = ('Der Bürgermeister sagte, so hohes Wasser habe man in der Stadt noch nie gesehen, und bat '
          'alle Bewohner, die Straßen zu meiden, bis der Pegel wieder sinkt.')
    kept, cuts = strip_texts(['Inicio', es, de])
    assert kept == [es, de]
    assert cuts == {'Inicio': 'navigation'}


def test_only_short_sentences_are_not_all_dropped():
    kept, _ = strip_texts(['The mayor resigned.', 'She gave no reason.'])
    assert kept == ['The mayor resigned.', 'She gave no reason.']


def test_strip_keeps_blank_lines_and_every_line_once():
    lines = [Line(i, t) for i, t in enumerate(['Menu', '', P1, '', 'Share', P2])]
    kept, cuts = BoilerplateRules().strip(lines)
    assert sorted([ln.index for ln in kept] + [c.line_index for c in cuts]) == list(range(6))
    assert [ln.index for ln in kept] == [1, 2, 3, 5]


def test_empty_input():
    assert BoilerplateRules().strip([]) == ((), ())
    assert assemble_paragraphs([]) == ''
    assert clean_text_dump('') == ('', HeaderFields(), ())


# ------------------------------------------------------------------ paragraphs

def L(*texts, start=0):
    return [Line(start + i, t) for i, t in enumerate(texts)]


@pytest.mark.parametrize('lines,expected', [
    (L('  One  para.  ', '', '', 'Two\tpara. '), 'One para.\n\nTwo para.'),
    (L('First line.', 'Second line.'), 'First line.\n\nSecond line.'),
    (L('A hard-wrapped paragraph that goes on', 'and on until it ends.'),
     'A hard-wrapped paragraph that goes on and on until it ends.'),
    (L('The committee said the proposal would be debated',
       'next week, and that members from both parties had',
       'agreed. A vote is expected on Friday afternoon after',
       'the debate.'),
     'The committee said the proposal would be debated next week, and that members from both '
     'parties had agreed. A vote is expected on Friday afternoon after the debate.'),
    (L('A word broken by the wrap at a hyphen, well-', 'known to editors.'),
     'A word broken by the wrap at a hyphen, well-known to editors.'),
    (L('Subhead', 'A paragraph after it.'), 'Subhead\n\nA paragraph after it.'),
    ([Line(0, 'Cut around a line that'), Line(2, 'is not continued.')],
     'Cut around a line that\n\nis not continued.'),
    (L('', '   ', ''), ''),
    (L('zero\u200bwidth and\u00a0nbsp.'), 'zerowidth and nbsp.'),
])
def test_assemble_paragraphs(lines, expected):
    assert assemble_paragraphs(lines) == expected


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


# ------------------------------------------------------------------ required-substring gates

def _real_lines():
    """Every distinct line of the seeds and of 160 dev pages as scraped text
    dumps, normalized as the rules see them."""
    from bench.text_dumps import page_text_dump
    from tests.conftest import DEV, dev_html
    from transforms.common.text_primitives import collapse_whitespace
    texts = [p.read_text(encoding='utf-8') for p in sorted(SEEDS.glob('*.txt'))]
    ids = sorted(p.name[:4] for p in (DEV / 'ground-truth').glob('*.json'))[::5]
    texts += [page_text_dump(dev_html(page_id).decode('utf-8', 'replace')) for page_id in ids]
    return sorted({collapse_whitespace(line) for text in texts for line in text.splitlines()} - {''})


GATE_LINES = [
    # one line per pattern alternative the gates must let through, as pages write them
    'We use cookies to improve your experience', 'Privacy settings: accept all to continue', 'Reject all',
    'Get the morning briefing delivered straight to your inbox', 'Enter your E-mail', 'Sign up for our daily',
    'Subscribe now', 'Log in', 'LOGIN', 'Become a member', 'Join today', 'Start your free trial', 'Try it free',
    'Get unlimited access', 'Support independent journalism', 'Donate', 'Already a subscriber?', 'Unlock',
    'Create a free account', 'Members only', '$1 per month, cancel anytime', 'Save 50%', 'Free issues',
    'My account', 'Paywall', 'Premium', 'Share this article', 'Tweet', 'Pin it', 'Print', 'Copy link',
    'Follow us on Instagram', 'Like us on Facebook', 'X | Facebook', 'LinkedIn WhatsApp', 'Reddit, Telegram',
    'Messenger Flipboard', 'Bookmark', 'Gift this article', '12 comments', 'Join the discussion', 'Replies',
    'Advertisement', 'AD', 'Sponsored content', 'Promoted', 'Paid post', 'Partner content',
    'Story continues below advertisement', 'Scroll to continue', 'Skip ad', 'Remove ads', 'Ad blocker',
    '© 2024 The Times', '(C) Example News', 'Copyright 2020', 'All rights reserved.',
    'This material may not be published, broadcast or redistributed.', 'FILE - A view of the port',
    'Photo: Jane Doe', '(AP Photo/Jane Doe)', '(Photo: Reuters)', 'https://example.com/a/b',
    'More at www.example.com/story', 'ſubscribe now', 'Accept all cookıes', 'İNBOX', 'Skip to main content',
    'Home | World | Politics', 'Related stories:',
]


@pytest.mark.parametrize('lines', [GATE_LINES, 'real'], ids=['alternatives', 'dev-and-seed-lines'])
def test_required_substring_gates_never_hide_a_match(lines):
    """A pattern is only searched in lines holding one of the strings read
    off it: no line the pattern matches may lack them all, so the gated
    rules find exactly what the patterns alone would."""
    from transforms.common.pattern_gates import case_folded
    from transforms.text.strip_boilerplate import (_CAPTION_SELF_GATED, _GATED_DETECTORS, _IMG_CREDIT_GATED,
                                              URL_ANYWHERE_GATED)
    lines = _real_lines() if lines == 'real' else GATE_LINES
    gated = [(reason, gated) for reason, _, strong, weak in _GATED_DETECTORS
             for gated in (strong, weak) if gated is not None]
    gated += [('url', URL_ANYWHERE_GATED), ('caption', _CAPTION_SELF_GATED), ('image_credit', _IMG_CREDIT_GATED)]
    matched = Counter()
    for t in lines:
        low = case_folded(t)
        for reason, gated_pattern in gated:
            # the compiled gate says what the plain substring test says
            assert gated_pattern.may_match(low) == (
                gated_pattern.required is None or any(w in low for w in gated_pattern.required)), (reason, t)
            if gated_pattern.pattern.search(t):
                matched[reason] += 1
                assert gated_pattern.may_match(low), (reason, t)
                assert gated_pattern.search(t, low), (reason, t)
    # the lines exercise every pattern
    assert set(matched) >= {reason for reason, _ in gated}


def test_case_folding_matches_every_character_as_ignorecase_patterns_do():
    """case_folded(t) holds a lower-case letter where a (?i) pattern would
    match it to that letter, for every code point (Kelvin sign, dotted and
    dotless i, long s included): the gates compare folded text with the
    lower-case strings of the patterns."""
    import re
    from transforms.common.pattern_gates import case_folded
    every = ''.join(chr(code) for code in range(sys.maxunicode + 1) if not 0xD800 <= code <= 0xDFFF)
    for letter in 'abcdefghijklmnopqrstuvwxyz':
        matched = re.findall(letter, every, re.IGNORECASE)
        assert len(matched) >= 2          # the letter and its capital, at least
        for c in matched:
            assert case_folded(c) == letter, (hex(ord(c)), case_folded(c))


def test_required_substrings_are_read_off_the_pattern():
    from transforms.common.pattern_gates import required_substrings
    from transforms.text.strip_boilerplate import _GATED_DETECTORS
    assert required_substrings(re.compile(r'(?i)\bcookies?\b.{0,9}\b(?:use|accept)\b')) == {'cookie'}
    assert required_substrings(re.compile(r'^\W*(?:sign\s+up|log\s*in)\b|\bfree\s+trial\b')) == {
        'sign', 'log', 'trial'}
    # a repeat of at least one keeps its body; an optional part does not count
    assert required_substrings(re.compile(r'(?:\w[|/]){2,}x?')) == {'|', '/'}
    assert required_substrings(re.compile(r'(?:ab[|/]){2,}')) == {'ab'}
    assert required_substrings(re.compile(r'(?:abc)?x')) == {'x'}
    # an alternative with no fixed text: no gate
    assert required_substrings(re.compile(r'foo|\d+')) is None
    assert required_substrings(re.compile(r'[^a]+')) is None
    # every detector of a call to action has a gate
    assert {reason for reason, _, strong, _ in _GATED_DETECTORS if strong.required} >= {
        'cookie_notice', 'newsletter', 'subscribe_prompt', 'share_prompt', 'comments_prompt', 'advertisement',
        'copyright'}


def test_image_credit_gate_is_blind_to_whitespace():
    """_hard_reason gates `_is_image_credit`, which searches the
    whitespace-normalized line, on the line as given: sound only while no
    gate string holds whitespace."""
    from transforms.text.strip_boilerplate import _IMG_CREDIT_GATED
    assert _IMG_CREDIT_GATED.required
    assert not any(c.isspace() for w in _IMG_CREDIT_GATED.required for c in w)


@pytest.mark.parametrize('lines', [GATE_LINES, 'real'], ids=['alternatives', 'dev-and-seed-lines'])
def test_one_scan_opens_the_gates_each_pattern_would(lines):
    """_hard_reason asks one GateScan of the line instead of every gate: its
    bits are what each pattern's own gate says, line for line; the scans for
    longer lines answer for the patterns asked at their length, and only them."""
    from transforms.common.pattern_gates import case_folded
    from transforms.text.strip_boilerplate import _GATE_LIMIT, _GATE_SCAN, _GATE_SCANS, _GATE_WORD_LIMITS
    lines = _real_lines() if lines == 'real' else GATE_LINES
    opened_any = 0
    for t in lines:
        low = case_folded(t)
        may = [p.may_match(low) for p in _GATE_SCAN.patterns]
        opened = _GATE_SCAN.scan(low)
        assert [bool(opened & _GATE_SCAN.bit(p)) for p in _GATE_SCAN.patterns] == may, t
        opened_any |= opened
        for limit, scan in zip(_GATE_WORD_LIMITS, _GATE_SCANS):
            opened = scan.scan(low)
            assert [bool(opened & _GATE_SCAN.bit(p)) for p in _GATE_SCAN.patterns] == [
                m and _GATE_LIMIT[p] >= limit for p, m in zip(_GATE_SCAN.patterns, may)], (limit, t)
    assert opened_any == (1 << len(_GATE_SCAN.patterns)) - 1


def test_gate_scan_finds_overlapping_and_nested_strings():
    from transforms.common.pattern_gates import GatedPattern, GateScan, _trie_pattern
    # the longest string that starts at a position, and every shorter one inside it
    assert re.findall('(?=(' + _trie_pattern(['ab', 'abc', 'b', 'bcd']) + '))', 'abcd') == ['abc', 'bcd']
    patterns = [GatedPattern(re.compile(p)) for p in (r'subscri\w+', r'\bscribe\b', r'save|ave', r'\d+')]
    scan = GateScan(patterns)
    for low in ('subscribe', 'scribe', 'sharesave', 'xx', '', 'subscriber saves 5'):
        assert [bool(scan.scan(low) & scan.bit(p)) for p in patterns] == [p.may_match(low) for p in patterns], low
