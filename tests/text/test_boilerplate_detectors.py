"""Unit tests for transforms.text.boilerplate_detectors: the patterns' gates
and the one scan that opens them (no Beam)."""
from collections import Counter

import pytest

from tests.conftest import SEEDS
from transforms.common.pattern_gates import case_folded
from transforms.common.text_primitives import URL_ANYWHERE_GATED
from transforms.text.boilerplate_detectors import (CAPTION_SELF_GATED, GATED_DETECTORS, GATE_LIMIT, GATE_SCAN,
                                                   GATE_SCANS, GATE_WORD_LIMITS, IMAGE_CREDIT_GATED)


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
    lines = _real_lines() if lines == 'real' else GATE_LINES
    gated = [(reason, gated) for reason, _, strong, weak in GATED_DETECTORS
             for gated in (strong, weak) if gated is not None]
    gated += [('url', URL_ANYWHERE_GATED), ('caption', CAPTION_SELF_GATED), ('image_credit', IMAGE_CREDIT_GATED)]
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


def test_image_credit_gate_is_blind_to_whitespace():
    """hard_reason gates `is_image_credit`, which searches the
    whitespace-normalized line, on the line as given: sound only while no
    gate string holds whitespace."""
    assert IMAGE_CREDIT_GATED.required
    assert not any(c.isspace() for w in IMAGE_CREDIT_GATED.required for c in w)


@pytest.mark.parametrize('lines', [GATE_LINES, 'real'], ids=['alternatives', 'dev-and-seed-lines'])
def test_one_scan_opens_the_gates_each_pattern_would(lines):
    """hard_reason asks one GateScan of the line instead of every gate: its
    bits are what each pattern's own gate says, line for line; the scans for
    longer lines answer for the patterns asked at their length, and only them."""
    lines = _real_lines() if lines == 'real' else GATE_LINES
    opened_any = 0
    for t in lines:
        low = case_folded(t)
        may = [p.may_match(low) for p in GATE_SCAN.patterns]
        opened = GATE_SCAN.scan(low)
        assert [bool(opened & GATE_SCAN.bit(p)) for p in GATE_SCAN.patterns] == may, t
        opened_any |= opened
        for limit, scan in zip(GATE_WORD_LIMITS, GATE_SCANS):
            opened = scan.scan(low)
            assert [bool(opened & GATE_SCAN.bit(p)) for p in GATE_SCAN.patterns] == [
                m and GATE_LIMIT[p] >= limit for p, m in zip(GATE_SCAN.patterns, may)], (limit, t)
    assert opened_any == (1 << len(GATE_SCAN.patterns)) - 1


def test_every_call_to_action_detector_has_a_gate():
    # every detector of a call to action has a gate
    assert {reason for reason, _, strong, _ in GATED_DETECTORS if strong.required} >= {
        'cookie_notice', 'newsletter', 'subscribe_prompt', 'share_prompt', 'comments_prompt', 'advertisement',
        'copyright'}
