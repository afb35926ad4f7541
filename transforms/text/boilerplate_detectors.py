"""The boilerplate rules' detectors: what a line shows of boilerplate by itself
(a URL, an image credit, a caption, a call to action, a copyright), as plain
regexes and functions (no Beam).

Most lines hold none of it, and most patterns cannot match a line that lacks
every one of a few strings read off the pattern (`GatedPattern`): one scan of
the line for all those strings (`GATE_SCAN`) decides which patterns are
searched at all. `hard_reason` is what the rules ask of each line.
"""
from __future__ import annotations

import bisect
import functools
import math
import re
from typing import Optional

from transforms.common.pattern_gates import GatedPattern, GateScan, case_folded
from transforms.common.text_primitives import SENTENCE_END, STOPWORDS, URL_ANYWHERE, URL_ANYWHERE_GATED, words_of
from transforms.text.bylines import IMAGE_CREDIT, is_image_credit

__all__ = ['CAPTION_SELF_GATED', 'GATED_DETECTORS', 'GATE_LIMIT', 'GATE_SCAN', 'GATE_SCANS', 'GATE_WORD_LIMITS',
           'IMAGE_CREDIT_GATED', 'hard_reason']


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
GATED_DETECTORS = [(reason, max_words, GatedPattern(strong), GatedPattern(weak) if weak is not None else None)
                   for reason, max_words, strong, weak in _DETECTORS]

_CAPTION_SELF = re.compile(
    r'(?i)^\s*(?:FILE\s*[-–—]|\(?\s*(?:caption|photo|pictured|above|top|left|right)\s*:)|'
    r'\(\s*(?:AP|AFP|Reuters|EPA|Getty)[^()]*(?:Photo|Images?)[^()]*\)\s*$|'
    r'\((?:photo|image|picture)\s*:[^()]*\)\s*$')

CAPTION_SELF_GATED = GatedPattern(_CAPTION_SELF)
# the pattern `is_image_credit` searches: its gate spares most lines the
# call. The gate strings hold no whitespace (a test checks), so the lowered
# line holds one exactly when the whitespace-normalized one searched does.
IMAGE_CREDIT_GATED = GatedPattern(IMAGE_CREDIT)


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


# Every gate hard_reason may ask about, answered by one scan of the line:
# bit k of `GATE_SCAN.scan(low)` is set when pattern k may match.
GATE_SCAN = GateScan([URL_ANYWHERE_GATED, IMAGE_CREDIT_GATED, CAPTION_SELF_GATED]
                     + [g for _, _, strong, weak in GATED_DETECTORS for g in (strong, weak) if g is not None])
# A pattern is only asked about in lines of up to so many words (GATE_LIMIT):
# longer lines (most of an HTML extractor's paragraphs) are scanned for fewer
# gates' strings. GATE_SCANS[k] answers for the patterns whose limit is
# GATE_WORD_LIMITS[k] or more: the scan for a line of n words is the first
# whose limit is n or more.
GATE_LIMIT = {URL_ANYWHERE_GATED: math.inf, IMAGE_CREDIT_GATED: math.inf, CAPTION_SELF_GATED: 80,
              **{strong: max_words for _, max_words, strong, _ in GATED_DETECTORS},
              **{weak: 4 for _, _, _, weak in GATED_DETECTORS if weak is not None}}
GATE_WORD_LIMITS = sorted(set(GATE_LIMIT.values()))
GATE_SCANS = [GateScan(GATE_SCAN.patterns, [p for p in GATE_SCAN.patterns if GATE_LIMIT[p] >= limit])
              for limit in GATE_WORD_LIMITS]
_URL_BIT, _IMG_CREDIT_BIT, _CAPTION_BIT = map(GATE_SCAN.bit, (URL_ANYWHERE_GATED, IMAGE_CREDIT_GATED, CAPTION_SELF_GATED))
#: GATED_DETECTORS with their gates' bits: (reason, max_words, strong, its bit,
#: weak or None, its bit or 0)
_SCANNED_DETECTORS = [(reason, max_words, strong.pattern, GATE_SCAN.bit(strong),
                       weak.pattern if weak is not None else None, GATE_SCAN.bit(weak) if weak is not None else 0)
                      for reason, max_words, strong, weak in GATED_DETECTORS]


@functools.lru_cache(maxsize=16384)
def hard_reason(t: str, n_words: int) -> Optional[str]:
    """The line's own evidence of boilerplate (a URL, a credit, a call to
    action, ...), or None. A site's menus, footers and prompts recur on every
    one of its pages: cached per process."""
    if _URL_ONLY.match(t):
        return 'url'
    opened = GATE_SCANS[bisect.bisect_left(GATE_WORD_LIMITS, n_words)].scan(case_folded(t))
    urls = URL_ANYWHERE.findall(t) if opened & _URL_BIT else ()
    if urls and sum(len(u) for u in urls) > 0.5 * len(t):
        return 'url'
    if opened & _IMG_CREDIT_BIT and is_image_credit(t):
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
