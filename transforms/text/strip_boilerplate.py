"""Boilerplate removal for scraped page text, as plain functions (no Beam).

`BoilerplateRules` is a first, rule-based line classifier. It only uses
evidence inside the article:

* per line: length, sentence punctuation, stopword density (prose) and
  call-to-action vocabulary (subscribe, newsletter, share, cookies, related,
  advertisement, ...), URLs, copyright and image-credit shapes;
* across lines: repeated lines, and where the contiguous run of prose is.
  Lines without decisive evidence of their own (short fragments, a promo
  blurb) take the class of their neighbours, as in jusText: between body
  paragraphs they stay, next to boilerplate they go.

The pipeline's classifier is `BoilerplateModel` (`boilerplate_model.py`),
trained on the rules' evidence (`BoilerplateRules.analyse`) and more; the
rules alone remain as `--boilerplate rules`. Anything with a
`strip(lines, header_cuts) -> (kept, cuts)` method can take their place in
`clean_text_dump(..., rules=...)` and `strip_draft`.
"""
from __future__ import annotations

import bisect
import dataclasses
import functools
import math
import re
from collections import Counter
from itertools import accumulate, chain
from typing import Optional, Protocol, Sequence

import apache_beam as beam

from transforms.common import metrics
from transforms.common.pattern_gates import GatedPattern, GateScan, case_folded
from transforms.common.records import Cut, Draft, HeaderFields, Line
from transforms.common.text_primitives import (SECOND_PERSON, SENTENCE_END, SENTENCE_PUNCTUATION, STOPWORDS,
                                               URL_ANYWHERE, URL_ANYWHERE_GATED, collapse_whitespace, words_of)
from transforms.text.split_headers import _IMG_CREDIT, _is_image_credit, looks_like_name, split_headers
from transforms.common.worker import freeze_loaded_models


__all__ = ['BoilerplateRules', 'LineClassifier', 'assemble_paragraphs', 'clean_text_dump',
           'text_to_lines', 'REASONS']

REASONS = ('navigation', 'share_prompt', 'subscribe_prompt', 'newsletter', 'cookie_notice',
           'related_links', 'advertisement', 'comments_prompt', 'copyright', 'image_credit',
           'caption', 'url', 'repeated_line', 'author_bio', 'short_fragment', 'not_article_text',
           'recurring_line')
#: the reasons the rules find in a line (or its unit) by itself
HARD_REASONS = REASONS[:REASONS.index('not_article_text')]


class LineClassifier(Protocol):
    def strip(self, lines: Sequence[Line], header_cuts: Sequence[Cut] = ()) -> tuple: ...


# ------------------------------------------------------------------ detectors
# Each: (reason, strong pattern for lines up to `max_words`, weak keyword
# pattern only for very short lines). Order matters: first match wins.

_URL_ONLY = re.compile(r'^\s*[<(\[]?\s*(?:https?://|www\.)\S+\s*[>)\]]?\s*$', re.I)

_DETECTORS = [
    ('cookie_notice', 80,
     re.compile(r'(?i)\bcookies?\b.{0,200}\b(?:use|using|uses|accept|consent|policy|settings|'
                r'preferences|experience|browsing|continu\w*|agree|manage)\b|'
                r'\b(?:we|this (?:web)?site)\s+uses?\s+cookies\b|\b(?:accept|reject|manage)\s+'
                r'(?:all\s+)?cookies\b|\bprivacy\s+(?:policy|settings|preferences)\b.{0,80}\b(?:accept|agree|consent)'),
     re.compile(r'(?i)\b(?:cookies?|consent|accept all|reject all|privacy settings)\b')),
    ('newsletter', 45,
     re.compile(r'(?i)\bnewsletters?\b|\b(?:delivered|straight|directly)\s+(?:\w+\s+)?(?:to|in|into)\s+'
                r'your\s+inbox\b|\bin\s+your\s+inbox\b|\benter\s+your\s+e-?mail\b|\byour\s+e-?mail\s+address\b|'
                r'\bsign\s+up\s+for\s+(?:our|the|free)\b|\bmorning\s+briefing\b.{0,40}\binbox\b'),
     re.compile(r'(?i)\b(?:newsletters?|inbox|e-?mail\s+address)\b')),
    ('subscribe_prompt', 30,
     re.compile(r'(?i)^\W*(?:subscribe|subscription|sign\s+(?:up|in)|log\s*in|login|register|'
                r'become\s+a\s+(?:member|subscriber)|join\s+(?:now|today|us)\b|'
                r'start\s+(?:your\s+)?(?:free\s+)?trial|try\s+\w+\s+free|get\s+(?:unlimited|full|digital)\s+access|'
                r'support\s+(?:our|independent|quality)\s+journalism|donate|already\s+a\s+(?:subscriber|member)|'
                r'unlock\b|create\s+(?:a\s+)?(?:free\s+)?account)\b|'
                r'\bsubscribe\s+(?:now|today|to|for|&|and)\b|\b(?:subscribers?|members?)\s+only\b|'
                r'\bper\s+(?:month|week|year)\b.{0,40}\b(?:cancel|subscri)|\bsave\s+\d+\s*%|'
                r'\bfree\s+(?:trial|issues?)\b|\bsubscribe\s*$'),
     re.compile(r'(?i)\b(?:subscribe|subscription|sign\s+(?:up|in)|log\s*(?:in|out)|register|'
                r'my\s+account|paywall|premium)\b')),
    ('share_prompt', 15,
     re.compile(r'(?i)^\W*(?:share|tweet|pin|email|print|copy\s+(?:link|url))\b(?:\s+(?:this|on|via|the|'
                r'article|story|page|link|to|with|it))*\W*(?:\s+\w+){0,4}\s*$|'
                r'\b(?:share\s+(?:this|on|via)|click\s+to\s+share|follow\s+us\s+on|follow\s+(?:@\w+|us)|'
                r'like\s+us\s+on\s+facebook)\b|^(?:\W*(?:facebook|twitter|x|linkedin|whatsapp|'
                r'pinterest|reddit|email|e-mail|print|messenger|telegram|flipboard|copy\s+link|share)\W*){2,}$'),
     re.compile(r'(?i)^\W*(?:share|shares|tweet|facebook|twitter|linkedin|whatsapp|pinterest|'
                r'reddit|email|e-mail|print|copy\s+link|save|bookmark|gift\s+(?:this\s+)?article)\W*$')),
    ('comments_prompt', 20,
     re.compile(r'(?i)^\W*(?:\d+\s+)?comments?\b|\b(?:leave|post|add|write|view|show|load|read)\s+'
                r'(?:a\s+|the\s+|all\s+)?(?:\d+\s+)?comments?\b|\bjoin\s+the\s+(?:conversation|discussion)\b|'
                r'\bcomment\s+on\s+this\b|\bcommenting\s+(?:is|has\s+been)\s+(?:closed|disabled)\b'),
     re.compile(r'(?i)\b(?:comments?|discussion|replies)\b')),
    ('advertisement', 12,
     re.compile(r'(?i)^\W*(?:advertisements?|advertising|advert|ad|ads|sponsored(?:\s+content)?|'
                r'promoted(?:\s+content)?|paid\s+(?:content|post)|partner\s+content|'
                r'story\s+continues\s+below(?:\s+(?:this\s+)?advertisement)?|'
                r'continue\s+reading\s+(?:the\s+main\s+story|below)|scroll\s+(?:down\s+)?to\s+continue.*|'
                r'article\s+continues\s+(?:below|after).*|skip\s+(?:the\s+)?ad(?:vert(?:isement)?)?)\W*$|'
                r'\bremove\s+ads\b|\bad\s*blocker\b|\badvertisement\s*$'),
     re.compile(r'(?i)\b(?:advertisement|sponsored|promoted)\b')),
    ('related_links', 20,
     re.compile(r'(?i)^\W*(?:related(?:\s+(?:stories|articles|coverage|content|links|topics|reading|news))?|'
                r'read\s+(?:more|next|also)|also\s+read|see\s+also|more\s+(?:from|on|in|about|stories|news|'
                r'coverage|like\s+this)|explore\s+more|you\s+(?:may|might)\s+(?:also\s+)?(?:like|be\s+interested)|'
                r'recommended(?:\s+for\s+you)?|most\s+(?:popular|read|viewed|shared)|trending(?:\s+now)?|'
                r'top\s+stories|latest(?:\s+(?:news|stories|videos?))?|what\s+to\s+read\s+next|'
                r'editor[\'’]?s\s+picks?|further\s+reading|watch|listen|don[\'’]t\s+miss|'
                r'(?:more|other)\s+stories|in\s+(?:other|case\s+you\s+missed)|'
                r'topics?|tags?|filed\s+under|categories)\b\s*(?:[:>»|\-–—]|$)|^\W*(?:read|watch|see|'
                r'listen|more|related)\s*[:>»]'),
     re.compile(r'(?i)\b(?:related|more|latest|trending|popular|recommended|explore)\b')),
    ('navigation', 12,
     re.compile(r'(?i)^\W*(?:skip\s+to\s+(?:main\s+)?(?:content|navigation|search)|toggle\s+(?:navigation|'
                r'menu)|(?:open|close|main)\s+menu|back\s+to\s+top|go\s+to\s+(?:top|homepage)|'
                r'search(?:\s+(?:site|for))?|menu|home(?:page)?|sections|next\s+(?:article|story|page)|'
                r'previous\s+(?:article|story|page)|next|previous|prev|close|open|more|'
                r'sitemap|contact\s+us|about\s+us|terms\s+(?:of\s+(?:use|service)|and\s+conditions)|'
                r'privacy(?:\s+(?:policy|notice))?|accessibility|careers|faqs?|help)\W*$|'
                r'^(?:[^|>»/•·]{1,30}\s*(?:\||>|»|/|•|·)\s*){2,}[^|>»/•·]{1,30}$'),
     None),
    ('copyright', 60,
     re.compile(r'(?i)^\W*(?:©|\(c\)|copyright\b)|\ball\s+rights\s+reserved\b|'
                r'\bmay\s+not\s+be\s+(?:published|reproduced|redistributed)\b'),
     None),
]

#: the detectors as GatedPatterns: each searched only in a line that holds one
#: of the strings every match of it holds
_GATED_DETECTORS = [(reason, max_words, GatedPattern(strong), GatedPattern(weak) if weak is not None else None)
                    for reason, max_words, strong, weak in _DETECTORS]

_CAPTION_SELF = re.compile(
    r'(?i)^\s*(?:FILE\s*[-–—]|\(?\s*(?:caption|photo|pictured|above|top|left|right)\s*:)|'
    r'\(\s*(?:AP|AFP|Reuters|EPA|Getty)[^()]*(?:Photo|Images?)[^()]*\)\s*$|'
    r'\((?:photo|image|picture)\s*:[^()]*\)\s*$')

_CAPTION_SELF_GATED = GatedPattern(_CAPTION_SELF)
# the pattern `_is_image_credit` searches: its gate spares most lines the
# call. The gate strings hold no whitespace (a test checks), so the lowered
# line holds one exactly when the whitespace-normalized one searched does.
_IMG_CREDIT_GATED = GatedPattern(_IMG_CREDIT)

_BIO_RE = re.compile(
    r"(?i)^(?P<name>[A-Z][\w'’\-]+(?:\s+[A-Z][\w'’\-.]+){0,3})\s+(?:is|was|has\s+(?:been|worked|written|"
    r"covered)|covers|writes|joined|reports)\b.{0,300}\b(?:reporter|writer|editor|correspondent|"
    r"journalist|columnist|contributor|author|journalism|newsroom|covers|covering|producer|"
    r"photographer|fellow|graduate)\b")


_DOUBLE_QUOTE = re.compile('["“”]')
_STARTS_SENTENCE = re.compile(r'^\W*[A-Z0-9"“‘\'(]')
# Markers that sit between body paragraphs: they are cut, but do not count
# as boilerplate context for their neighbours.
TRANSPARENT = {'advertisement'}

INHERITABLE = {'subscribe_prompt', 'newsletter', 'related_links', 'share_prompt',
               'comments_prompt', 'cookie_notice', 'advertisement'}


_ADDRESSES_READER = re.compile(r"(?i)\b(?:you|your|yours|you['’](?:re|ll|ve|d)|we|our|us)\b")
_PROSE_EXEMPT = {'url', 'image_credit', 'copyright', 'advertisement'}


def _is_plain_prose(t: str, n_words: int) -> bool:
    """Running text that does not address the reader: call-to-action words in
    it ("she would subscribe to the newsletter") are reported, not asked."""
    if n_words < 12 or not SENTENCE_END.search(t):
        return False
    w = words_of(t)
    sd = sum(1 for x in w if x.lower() in STOPWORDS) / max(1, len(w))
    return sd >= 0.2 and not _ADDRESSES_READER.search(t)


# Every gate _hard_reason may ask about, answered by one scan of the line:
# bit k of `_GATE_SCAN.scan(low)` is set when pattern k may match.
_GATE_SCAN = GateScan([URL_ANYWHERE_GATED, _IMG_CREDIT_GATED, _CAPTION_SELF_GATED]
                      + [g for _, _, strong, weak in _GATED_DETECTORS for g in (strong, weak) if g is not None])
# A pattern is only asked about in lines of up to so many words (_GATE_LIMIT):
# longer lines (most of an HTML extractor's paragraphs) are scanned for fewer
# gates' strings. _GATE_SCANS[k] answers for the patterns whose limit is
# _GATE_WORD_LIMITS[k] or more: the scan for a line of n words is the first
# whose limit is n or more.
_GATE_LIMIT = {URL_ANYWHERE_GATED: math.inf, _IMG_CREDIT_GATED: math.inf, _CAPTION_SELF_GATED: 80,
               **{strong: max_words for _, max_words, strong, _ in _GATED_DETECTORS},
               **{weak: 4 for _, _, _, weak in _GATED_DETECTORS if weak is not None}}
_GATE_WORD_LIMITS = sorted(set(_GATE_LIMIT.values()))
_GATE_SCANS = [GateScan(_GATE_SCAN.patterns, [p for p in _GATE_SCAN.patterns if _GATE_LIMIT[p] >= limit])
               for limit in _GATE_WORD_LIMITS]
_URL_BIT, _IMG_CREDIT_BIT, _CAPTION_BIT = map(_GATE_SCAN.bit, (URL_ANYWHERE_GATED, _IMG_CREDIT_GATED, _CAPTION_SELF_GATED))
#: _GATED_DETECTORS with their gates' bits: (reason, max_words, strong, its bit,
#: weak or None, its bit or 0)
_SCANNED_DETECTORS = [(reason, max_words, strong.pattern, _GATE_SCAN.bit(strong),
                       weak.pattern if weak is not None else None, _GATE_SCAN.bit(weak) if weak is not None else 0)
                      for reason, max_words, strong, weak in _GATED_DETECTORS]


@functools.lru_cache(maxsize=16384)
def _hard_reason(t: str, n_words: int) -> Optional[str]:
    """The line's own evidence of boilerplate (a URL, a credit, a call to
    action, ...), or None. A site's menus, footers and prompts recur on every
    one of its pages: cached per process."""
    if _URL_ONLY.match(t):
        return 'url'
    opened = _GATE_SCANS[bisect.bisect_left(_GATE_WORD_LIMITS, n_words)].scan(case_folded(t))
    urls = URL_ANYWHERE.findall(t) if opened & _URL_BIT else ()
    if urls and sum(len(u) for u in urls) > 0.5 * len(t):
        return 'url'
    if opened & _IMG_CREDIT_BIT and _is_image_credit(t):
        return 'image_credit'
    if n_words <= 80 and opened & _CAPTION_BIT and _CAPTION_SELF.search(t):
        return 'caption'
    plain = None        # worked out only for a line some detector fires on: most lines have none
    for reason, max_words, strong, strong_bit, weak, weak_bit in _SCANNED_DETECTORS:
        if (n_words <= max_words and opened & strong_bit and strong.search(t)) \
                or (n_words <= 4 and opened & weak_bit and weak.search(t)):
            if reason not in _PROSE_EXEMPT:
                if plain is None:
                    plain = _is_plain_prose(t, n_words)
                if plain:
                    continue
            return reason
    return None


@dataclasses.dataclass
class RuleAnalysis:
    """What `BoilerplateRules` found in one article's lines. Indexes are
    positions in the line tuple; a unit (a paragraph hard-wrapped over
    several lines) is named by its first line."""
    texts: list            # whitespace-normalized line texts
    line_index: list       # each line's index in the input (Line.index)
    idx: list              # positions of the non-empty lines
    hard: dict             # line -> reason from the line's own evidence (or None)
    unit_of: dict          # line -> unit
    unit_hard: dict        # unit -> hard reason (or None)
    unit_text: dict        # unit -> its lines joined by a space
    unit_words: dict       # unit -> words in it
    quality: dict          # unit -> 'good' | 'neargood' | 'short' | 'bad', before context
    final: dict            # unit -> 'good' | 'bad', after context
    reasons: list          # per line: None (kept) or the reason it is cut
    foreign: bool          # the page has too few English stopwords to judge by them
    # per non-empty line (`idx` order), its words: the model's features count
    # them again, and splitting every line anew costs as much as the counting
    line_words: list
    # the words of all lines in a row, lowered, and whether each is a
    # stopword: the rules and the model's features both go by them
    low_words: list
    word_is_stopword: list


def split_by_reasons(lines: Sequence[Line], reasons: Sequence[Optional[str]]) -> tuple:
    """(kept lines, cuts) from one reason per line (None: kept)."""
    kept, cuts = [], []
    for ln, r in zip(lines, reasons):
        if r is None:
            kept.append(ln)
        else:
            cuts.append(Cut(ln.index, collapse_whitespace(ln.text), r))
    return tuple(kept), tuple(cuts)


class BoilerplateRules:
    """Rule-based boilerplate classifier for the lines of one article.

    Thresholds are characters of the whitespace-normalized line; stopword
    density is the share of English stopwords among the line's words (when
    the whole page has almost none, the text is taken to be in another
    language and length alone decides)."""

    def __init__(self, good_chars: int = 150, neargood_chars: int = 60,
                 good_stopwords: float = 0.25, neargood_stopwords: float = 0.18):
        self.good_chars = good_chars
        self.neargood_chars = neargood_chars
        self.good_stopwords = good_stopwords
        self.neargood_stopwords = neargood_stopwords

    # -------------------------------------------------------------- public
    def strip(self, lines: Sequence[Line], header_cuts: Sequence[Cut] = ()) -> tuple:
        """(kept, cuts): `kept` are the input lines judged to be body text,
        blank lines included (they separate paragraphs), in input order;
        `cuts` are the others, one Cut per line with its reason. Every input
        line is in exactly one of the two. The rules do not use
        `header_cuts` (the model does)."""
        try:
            return self._strip(tuple(lines or ()))
        except Exception:  # pragma: no cover - last-resort guard: keep everything
            return tuple(lines or ()), ()

    def classify(self, lines: Sequence[Line]) -> list:
        """Per line: None for body text (or a blank line), else the reason."""
        return self._classify(tuple(lines or ()))

    # -------------------------------------------------------------- internals
    def _strip(self, lines: tuple) -> tuple:
        return split_by_reasons(lines, self._classify(lines))

    def _classify(self, lines: tuple) -> list:
        return self.analyse(lines).reasons

    def analyse(self, lines: Sequence[Line]) -> 'RuleAnalysis':
        """Every intermediate verdict of the rules for the lines of one
        article (the evidence `BoilerplateModel` learns from), with the
        rules' own final reasons."""
        lines = tuple(lines or ())
        n_all = len(lines)
        texts = [collapse_whitespace(ln.text) for ln in lines]
        idx = [i for i in range(n_all) if texts[i]]          # non-empty lines
        out = [None] * n_all
        if not idx:
            return RuleAnalysis(texts, [ln.index for ln in lines], idx, {}, {}, {}, {}, {}, {}, {}, out, False, [],
                                [], [])
        line_words = [words_of(texts[i]) for i in idx]
        nwords = dict(zip(idx, map(len, line_words)))
        all_words = list(map(str.lower, chain.from_iterable(line_words)))
        is_stopword = list(map(STOPWORDS.__contains__, all_words))
        sw_total = sum(is_stopword)
        # per line, how many of its words are stopwords (for the units' quality)
        bounds = list(accumulate(map(len, line_words), initial=0))
        stops_of = {i: sum(is_stopword[b:e]) for i, b, e in zip(idx, bounds, bounds[1:])}
        foreign = len(all_words) >= 30 and sw_total / max(1, len(all_words)) < 0.15

        # 1. hard evidence of the line itself
        hard = {i: _hard_reason(texts[i], nwords[i]) for i in idx}

        # 2. repeated lines: later copies of a line already seen
        seen = Counter()
        for i in idx:
            key = texts[i].lower()
            seen[key] += 1
            if seen[key] > 1 and hard[i] is None:
                hard[i] = 'repeated_line'

        # 3. captions: the line right above an image credit (same block)
        for k, i in enumerate(idx):
            if hard[i] == 'image_credit' and k > 0:
                p = idx[k - 1]
                if hard[p] is None and nwords[p] <= 60 and self._same_block(lines, p, i):
                    hard[p] = 'caption'

        # 4. units: a line with its own verdict stands alone; other lines of
        # a hard-wrapped paragraph are judged together
        longest = {}
        block = []
        for i in idx + [None]:
            if block and (i is None or i != block[-1] + 1 or not self._same_block(lines, block[-1], i)):
                m = max(len(texts[j]) for j in block)
                longest.update((j, m) for j in block)
                block = []
            if i is not None:
                block.append(i)
        members = {}
        cur = None
        for k, i in enumerate(idx):
            if hard[i] is not None:
                members[i] = [i]
                cur = None
                continue
            if cur is not None and members[cur][-1] == i - 1 \
                    and self._same_block(lines, i - 1, i) and _continues(texts[i - 1], texts[i], longest[i]):
                members[cur].append(i)
            else:
                cur = i
                members[cur] = [i]
        units = sorted(members)
        utext = {u: ' '.join(texts[i] for i in members[u]) for u in units}
        unw = {u: sum(nwords[i] for i in members[u]) for u in units}
        uhard = {u: hard[u] for u in units}
        # a word never spans the space the lines are joined by: a unit's words
        # are its lines' words in a row
        words_by_line = dict(zip(idx, line_words))

        # 5. quality of the other units
        cls = {}
        for u in units:
            if uhard[u] is not None:
                cls[u] = 'bad'
            else:
                m = members[u]
                uw = words_by_line[u] if len(m) == 1 else tuple(chain.from_iterable(map(words_by_line.__getitem__, m)))
                cls[u] = self._quality(utext[u], foreign, uw, sum(map(stops_of.__getitem__, m)))
        if not any(c == 'good' for c in cls.values()):
            for u in units:
                if cls[u] == 'neargood':
                    cls[u] = 'good'

        # 6. author bio after the last body paragraph
        goods = [u for u in units if cls[u] == 'good']
        if goods:
            last_good = goods[-1]
            for u in units:
                if u >= last_good and uhard[u] is None and unw[u] <= 120:
                    m = _BIO_RE.match(utext[u])
                    if m and (looks_like_name(m.group('name')) or len(m.group('name').split()) == 1) \
                            and (u > last_good or len(goods) > 1):
                        uhard[u] = 'author_bio'
                        cls[u] = 'bad'

        # 7. context: short and near-good units take their neighbours' class
        ctx = [u for u in units if uhard[u] not in TRANSPARENT]
        final = self._revise(ctx, {u: cls[u] for u in ctx})
        for u in units:
            final.setdefault(u, 'bad')

        # 8. reasons for the units that context removed
        for u, r in self._reasons_for_removed(units, uhard, final, utext, unw).items():
            for i in members[u]:
                out[i] = r
        unit_of = {i: u for u in units for i in members[u]}
        return RuleAnalysis(texts, [ln.index for ln in lines], idx, hard, unit_of, uhard, utext, unw, cls, final,
                            out, foreign, line_words, all_words, is_stopword)

    def reasons_for(self, analysis: 'RuleAnalysis', keep_units: dict) -> list:
        """Per line, the reason to give for cutting it when another judge
        (the model) decided which units to keep: the rules' hard reason for
        the unit, else what the run of cut units around it says."""
        a = analysis
        members: dict = {}
        for i in a.idx:
            members.setdefault(a.unit_of[i], []).append(i)
        units = sorted(members)
        final = {u: 'good' if keep_units.get(u, True) else 'bad' for u in units}
        out = [None] * len(a.texts)
        for u, r in self._reasons_for_removed(units, a.unit_hard, final, a.unit_text, a.unit_words).items():
            if r == 'short_fragment' and a.quality.get(u) in ('good', 'neargood'):
                r = 'not_article_text'     # prose, but not this article's (comments, teasers, promos)
            for i in members[u]:
                out[i] = r
        return out

    @staticmethod
    def _same_block(lines, a, b) -> bool:
        return lines[b].index - lines[a].index == 1

    def _quality(self, t: str, foreign: bool, words: tuple, stopwords: Optional[int] = None) -> str:
        """`words`: words_of(t), which analyse has from the unit's lines;
        `stopwords`: how many of them are stopwords, if it has counted them."""
        n = len(t)
        w = words
        if stopwords is None:
            stopwords = sum(map(STOPWORDS.__contains__, map(str.lower, w)))
        sd = (stopwords / len(w)) if w else 0.0
        has_punct = bool(SENTENCE_PUNCTUATION.search(t))
        sd_good = foreign or sd >= self.good_stopwords
        if sd_good and ((n >= self.good_chars and has_punct) or
                        (n >= self.good_chars * 2 // 3 and SENTENCE_END.search(t))):
            # prose that speaks to the reader outside quotes is a promo more often than not
            if SECOND_PERSON.search(t) and not _DOUBLE_QUOTE.search(t) and n < 2 * self.good_chars:
                return 'neargood'
            return 'good'
        if n >= self.neargood_chars and (foreign or sd >= self.neargood_stopwords) and len(w) >= 5:
            return 'neargood'
        # a short but complete sentence ("He did not elaborate.")
        if len(w) >= 3 and SENTENCE_END.search(t) and _STARTS_SENTENCE.match(t) \
                and (foreign or sd >= 0.1):
            return 'neargood'
        return 'short'

    @staticmethod
    def _revise(idx: list, cls: dict) -> dict:
        """jusText-style context revision, in linear time."""
        n = len(idx)

        def neighbours(classes, ignore_neargood):
            take = ('good', 'bad') if ignore_neargood else ('good', 'bad', 'neargood')
            prev, nxt = ['bad'] * n, ['bad'] * n
            last = 'bad'
            for k in range(n):
                prev[k] = last
                if classes[idx[k]] in take:
                    last = classes[idx[k]]
            last = 'bad'
            for k in range(n - 1, -1, -1):
                nxt[k] = last
                if classes[idx[k]] in take:
                    last = classes[idx[k]]
            return prev, nxt

        new = dict(cls)
        p_ign, n_ign = neighbours(cls, True)
        p_all, n_all = neighbours(cls, False)
        for k, i in enumerate(idx):
            if cls[i] != 'short':
                continue
            p, nx = p_ign[k], n_ign[k]
            if p == 'good' and nx == 'good':
                new[i] = 'good'
            elif p == 'bad' and nx == 'bad':
                new[i] = 'bad'
            elif (p == 'bad' and p_all[k] == 'neargood') or (nx == 'bad' and n_all[k] == 'neargood'):
                new[i] = 'good'
            else:
                new[i] = 'bad'
        final = dict(new)
        p_ign, n_ign = neighbours(new, True)
        for k, i in enumerate(idx):
            if new[i] == 'neargood':
                final[i] = 'bad' if (p_ign[k] == 'bad' and n_ign[k] == 'bad') else 'good'
        return final

    @staticmethod
    def _reasons_for_removed(idx, hard, final, texts, nwords) -> dict:
        """Reasons for the lines context removed: the call-to-action heading
        their run of removed lines, else the one right after, else
        navigation (very short) or short_fragment."""
        out = {}
        run_reason = None
        for k, i in enumerate(idx):
            if final[i] != 'bad':
                run_reason = None
                continue
            if hard[i] is not None:
                out[i] = hard[i]
                run_reason = hard[i]
                continue
            if run_reason in INHERITABLE:
                out[i] = run_reason
            elif nwords[i] <= 4 and not SENTENCE_END.search(texts[i]):
                out[i] = 'navigation'
            elif k + 1 < len(idx) and hard[idx[k + 1]] in INHERITABLE and nwords[i] <= 30:
                out[i] = hard[idx[k + 1]]
            else:
                out[i] = 'short_fragment'
        return out


# ------------------------------------------------------------------ paragraphs

_INVISIBLE = re.compile('[\u200b\u2060\ufeff\u00ad]')
_CONTINUATION = re.compile(r'^[\W]*[a-z0-9à-ÿ(\[,;:\-–—]')
_CONTINUED_END = re.compile(r'[,;(\-–—/&]$')


def _clean_line(s: str) -> str:
    return collapse_whitespace(_INVISIBLE.sub('', s))


def _ends_sentence(s: str) -> bool:
    return bool(SENTENCE_END.search(s)) or s.endswith(':')


def _continues(prev: str, nxt: str, longest: int = 0) -> bool:
    """`nxt` continues the paragraph `prev` was wrapped in."""
    if not prev or not nxt or _ends_sentence(prev):
        return False
    if _CONTINUATION.match(nxt) or _CONTINUED_END.search(prev):
        return True
    last = words_of(prev[-30:])
    if last and last[-1].lower() in STOPWORDS:
        return True        # "... a meeting with" / "North Korean leader ..."
    return len(prev) >= 60 and len(prev) >= 0.8 * longest


def _join(a: str, b: str) -> str:
    if re.search(r'[^\W\d_]-$', a) and re.match(r'^[a-zà-ÿ]', b):
        return a + b          # word broken at a hyphen: keep the hyphen, no space
    return a + ' ' + b


def assemble_paragraphs(lines: Sequence[Line]) -> str:
    """Body text from kept lines: paragraphs joined by one blank line.

    Blocks are runs of consecutive lines (no blank line and no gap in line
    indices between them). Inside a block, a line that does not end a
    sentence is joined with the next by a space when the next continues it
    (starts in lower case, or the block is hard-wrapped: long lines of
    similar length); otherwise every non-empty line is its own paragraph."""
    try:
        blocks, cur, prev_index = [], [], None
        for ln in lines or ():
            t = _clean_line(ln.text)
            if not t or (prev_index is not None and ln.index != prev_index + 1):
                if cur:
                    blocks.append(cur)
                cur = []
            if t:
                cur.append(t)
            prev_index = ln.index
        if cur:
            blocks.append(cur)
        paras = []
        for b in blocks:
            paras.extend(_block_paragraphs(b))
        return '\n\n'.join(p for p in paras if p)
    except Exception:  # pragma: no cover
        return '\n\n'.join(_clean_line(ln.text) for ln in lines or () if _clean_line(ln.text))


def _block_paragraphs(block: list) -> list:
    if len(block) == 1:
        return block
    longest = max(len(x) for x in block)
    # hard-wrapped block: long lines of similar length, most not ending a sentence
    wrapped = len(block) >= 3 and longest >= 40 \
        and all(len(x) >= 0.6 * longest for x in block[:-1]) \
        and sum(1 for x in block[:-1] if not _ends_sentence(x)) * 2 > len(block) - 1
    if wrapped:
        out = block[0]
        for t in block[1:]:
            out = _join(out, t)
        return [out]
    out = [block[0]]
    for prev, t in zip(block, block[1:]):
        if _continues(prev, t, longest):
            out[-1] = _join(out[-1], t)
        else:
            out.append(t)
    return out


# ------------------------------------------------------------------ convenience

def text_to_lines(text: str) -> tuple:
    """The lines of a decoded text dump, numbered from 0 (str.splitlines)."""
    return tuple(Line(i, t) for i, t in enumerate((text or '').splitlines()))


_DEFAULT_CLASSIFIER = []


def default_classifier() -> LineClassifier:
    """The pipeline's line classifier, the trained `BoilerplateModel`, loaded
    once per process."""
    if not _DEFAULT_CLASSIFIER:
        from transforms.text.boilerplate_model import BoilerplateModel   # it imports this module
        _DEFAULT_CLASSIFIER.append(BoilerplateModel())
    return _DEFAULT_CLASSIFIER[0]


def clean_text_dump(text: str, known: HeaderFields = HeaderFields(), *,
                    find_title: bool = True, rules: Optional[LineClassifier] = None) -> tuple:
    """Text dump -> (body text, HeaderFields, cuts sorted by line).

    lines -> split_headers (title, dates, byline, dateline, credits,
    trailing byline + bio) -> rules.strip (the trained BoilerplateModel by
    default, as in the pipeline) -> assemble_paragraphs. Never raises."""
    try:
        lines = text_to_lines(text if isinstance(text, str) else str(text or ''))
        hs = split_headers(lines, find_title=find_title, known=known or HeaderFields())
        kept, cuts = (rules or default_classifier()).strip(hs.lines, hs.cuts)
        body = assemble_paragraphs(kept)
        all_cuts = tuple(sorted(tuple(hs.cuts) + tuple(cuts), key=lambda c: c.line_index))
        return body, hs.fields, all_cuts
    except Exception:  # pragma: no cover - last-resort guard
        return _clean_line(text or '') if isinstance(text, str) else '', known or HeaderFields(), ()


# --------------------------------------------------------------------------
# Beam wrapper.
# --------------------------------------------------------------------------

def strip_draft(model: LineClassifier, draft: Draft) -> Draft:
    """The draft with its boilerplate lines moved to `cuts`. HTML drafts come
    from trafilatura, which has dropped the chrome already: only the model
    (not the rules) looks at them again, for what trafilatura kept (promos,
    share prompts), and only cuts what it is sure of."""
    if draft.content_kind != 'text':
        if not getattr(model, 'judges_extracted_text', False):
            return draft
        kept, cuts = model.strip(draft.lines, draft.cuts, extracted=True)
    else:
        kept, cuts = model.strip(draft.lines, draft.cuts)
    return dataclasses.replace(draft, lines=tuple(kept), cuts=tuple(draft.cuts) + tuple(cuts))


class _StripBoilerplateFn(beam.DoFn):
    def __init__(self, use_model: bool):
        self._use_model = use_model

    def setup(self):
        self._model = default_classifier() if self._use_model else BoilerplateRules()
        self._cut = metrics.counter('boilerplate_lines_cut')
        freeze_loaded_models()

    def process(self, draft: Draft):
        stripped = strip_draft(self._model, draft)
        self._cut.inc(len(stripped.cuts) - len(draft.cuts))
        yield stripped


class StripBoilerplate(beam.PTransform):
    """Drafts -> drafts of text dumps with boilerplate lines moved to `cuts`:
    by the trained `BoilerplateModel`, or by the rules alone (`use_model=False`)."""

    def __init__(self, use_model: bool = True):
        super().__init__()
        self._use_model = use_model

    def expand(self, drafts):
        return drafts | 'Strip' >> beam.ParDo(_StripBoilerplateFn(self._use_model))
