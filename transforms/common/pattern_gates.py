"""GatedPattern: a regex searched only in text that holds one of the strings
every match of it must hold, read off the parsed pattern.

Most lines hold none of a boilerplate detector's strings, and most articles
no URL: a substring test on the lowered text is far cheaper than a search
that tries every position (on the dev dumps' 140,000 distinct lines the
detectors' searches were 6.4 of the 7.8 s the rules spent on a line's own
evidence). The strings come from the pattern itself, so an edited pattern
brings its own gate; there is no hand-kept word list to fall out of step.
"""
from __future__ import annotations

import re
from typing import Optional

try:                    # Python 3.11 on; setup.py allows 3.10, where they have their old names
    from re import _constants as _sre_op, _parser as _sre_parser
except ImportError:     # pragma: no cover
    import sre_constants as _sre_op
    import sre_parse as _sre_parser

_REPEATS = tuple(getattr(_sre_op, name) for name in ('MAX_REPEAT', 'MIN_REPEAT', 'POSSESSIVE_REPEAT')
                 if hasattr(_sre_op, name))
_ATOMIC_GROUP = getattr(_sre_op, 'ATOMIC_GROUP', None)

# (?i) also matches these to an ASCII letter; lower() leaves two of them
# alone and makes 'İ' two characters
# (the Kelvin sign, which (?i) also equates with k, needs no entry: str.lower()
# makes it k; an ASCII K here sent every text with a capital K through translate)
_IGNORECASE_EQUIVALENTS = str.maketrans({'İ': 'i', 'ı': 'i', 'ſ': 's'})


_NEEDS_TRANSLATION = re.compile('[İıſ]')     # one scan, not one `in` per character


def case_folded(t: str) -> str:
    """`t` lowered as (?i) patterns compare it, character for character."""
    if _NEEDS_TRANSLATION.search(t):
        t = t.translate(_IGNORECASE_EQUIVALENTS)
    return t.lower()


def required_substrings(pattern: re.Pattern) -> Optional[frozenset]:
    """Strings (lower case) one of which every text the pattern matches in
    holds; None when it has no such set (an alternative with no fixed text)."""
    return _required_in(_sre_parser.parse(pattern.pattern, pattern.flags))


def _required_in(sequence) -> Optional[frozenset]:
    op = _sre_op
    candidates, run = [], ''
    for code, arg in sequence:
        if code is op.LITERAL:
            run += chr(arg).lower()
            continue
        if run:
            candidates.append(frozenset([run]))
            run = ''
        found = None
        if code is op.SUBPATTERN:
            found = _required_in(arg[-1])
        elif code is _ATOMIC_GROUP:
            found = _required_in(arg)
        elif code in _REPEATS and arg[0] >= 1:
            found = _required_in(arg[2])
        elif code is op.BRANCH:
            branches = [_required_in(branch) for branch in arg[1]]
            found = frozenset().union(*branches) if all(branches) else None
        elif code is op.IN and arg and all(c is op.LITERAL for c, _ in arg):
            found = frozenset(chr(a).lower() for _, a in arg)
        if found:
            candidates.append(found)
    if run:
        candidates.append(frozenset([run]))
    # the most telling: the longest shortest string, then the fewest strings
    return max(candidates, key=lambda c: (min(map(len, c)), -len(c)), default=None)


class GatedPattern:
    """`pattern` with its required strings: `search(t, low)` searches only
    when `low` (case_folded(t), made once for all of a line's patterns)
    holds one of them."""
    __slots__ = ('pattern', 'required', '_gate')

    def __init__(self, pattern: re.Pattern):
        self.pattern = pattern
        self.required = required_substrings(pattern)
        self._gate = required_gate(self.required)

    def may_match(self, low: str) -> bool:
        return self._gate is None or self._gate.search(low) is not None

    def search(self, t: str, low: str):
        gate = self._gate
        if gate is not None and gate.search(low) is None:
            return None
        return self.pattern.search(t)


def required_gate(required: Optional[frozenset]) -> Optional[re.Pattern]:
    """One pattern that occurs in a text exactly when one of `required` does:
    a single scan in C instead of a Python-level `in` test per string (the
    gate runs on nearly every short line, and a detector has up to 30
    strings). None for no gate (`required` None)."""
    if required is None:
        return None
    # plain literals, no flags: `low` is already folded as the strings are
    return re.compile('|'.join(sorted(map(re.escape, required))))


def _trie_pattern(strings) -> str:
    """A pattern that matches, where any of `strings` starts, the longest of
    them that starts there: the strings as a trie (one branch per next
    character, so a position costs one step per character it shares with a
    string, not one per string)."""
    tree: dict = {}
    for s in strings:
        node = tree
        for ch in s:
            node = node.setdefault(ch, {})
        node[''] = {}                     # a string ends here

    def emit(node) -> str:
        branches = [re.escape(ch) + emit(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ''
        body = branches[0] if len(branches) == 1 else '(?:' + '|'.join(branches) + ')'
        # greedy: the longer string first, the one ending here when it fails
        return '(?:' + body + ')?' if '' in node else body
    return emit(tree)


class GateScan:
    """Which of several GatedPatterns' gates a text passes, from one scan of
    it instead of one per gate (a line meets some 20 gates).

    `scan(low)` is an int with bit k set when `patterns[k].may_match(low)`,
    for the patterns in `asked` (all by default; the others' bits stay 0: a
    scan for fewer gates looks for fewer strings, and goes faster).
    The scan finds, at every position, the longest of all the gates' strings
    that starts there; every string of any gate that occurs in the text is a
    prefix of the one found where it starts, so a gate passes exactly when a
    string found holds one of its strings."""

    def __init__(self, patterns, asked=None):
        self.patterns = list(patterns)
        asked = [k for k, p in enumerate(self.patterns) if asked is None or any(p is q for q in asked)]
        gated = [(k, self.patterns[k].required) for k in asked if self.patterns[k].required is not None]
        self._always = sum(1 << k for k in asked if self.patterns[k].required is None)
        strings = frozenset().union(*(required for _, required in gated))
        # a lookahead matches no characters: findall tries every position
        self._scan = re.compile('(?=(' + _trie_pattern(strings) + '))')
        self._opens = {s: sum(1 << k for k, required in gated if any(r in s for r in required))
                       for s in strings}

    def bit(self, pattern: GatedPattern) -> int:
        """The bit of `pattern` (one of `patterns`) in what scan returns."""
        return 1 << next(k for k, p in enumerate(self.patterns) if p is pattern)

    def scan(self, low: str) -> int:
        opened = self._always
        for s in self._scan.findall(low):
            opened |= self._opens[s]
        return opened
