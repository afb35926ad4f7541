"""transforms.common.pattern_gates: the strings a regex cannot match
without, read off the parsed pattern; case folding as (?i) compares; one
scan that opens every gate a line may need."""
import re
import sys

from transforms.common.pattern_gates import GatedPattern, GateScan, _trie_pattern, case_folded, required_substrings


def test_case_folding_matches_every_character_as_ignorecase_patterns_do():
    """case_folded(t) holds a lower-case letter where a (?i) pattern would
    match it to that letter, for every code point (Kelvin sign, dotted and
    dotless i, long s included): the gates compare folded text with the
    lower-case strings of the patterns."""
    every = ''.join(chr(code) for code in range(sys.maxunicode + 1) if not 0xD800 <= code <= 0xDFFF)
    for letter in 'abcdefghijklmnopqrstuvwxyz':
        matched = re.findall(letter, every, re.IGNORECASE)
        assert len(matched) >= 2          # the letter and its capital, at least
        for c in matched:
            assert case_folded(c) == letter, (hex(ord(c)), case_folded(c))


def test_required_substrings_are_read_off_the_pattern():
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


def test_gate_scan_finds_overlapping_and_nested_strings():
    # the longest string that starts at a position, and every shorter one inside it
    assert re.findall('(?=(' + _trie_pattern(['ab', 'abc', 'b', 'bcd']) + '))', 'abcd') == ['abc', 'bcd']
    patterns = [GatedPattern(re.compile(p)) for p in (r'subscri\w+', r'\bscribe\b', r'save|ave', r'\d+')]
    scan = GateScan(patterns)
    for low in ('subscribe', 'scribe', 'sharesave', 'xx', '', 'subscriber saves 5'):
        assert [bool(scan.scan(low) & scan.bit(p)) for p in patterns] == [p.may_match(low) for p in patterns], low
