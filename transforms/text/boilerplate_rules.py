"""`BoilerplateRules`: the rule-based line classifier for scraped page text (no Beam).

It only uses evidence inside the article:

* per line: length, sentence punctuation, stopword density (prose) and
  call-to-action vocabulary (subscribe, newsletter, share, cookies, related,
  advertisement, ...), URLs, copyright and image-credit shapes (the
  detectors, `boilerplate_detectors.py`);
* across lines: repeated lines, and where the contiguous run of prose is.
  Lines without decisive evidence of their own (short fragments, a promo
  blurb) take the class of their neighbours, as in jusText: between body
  paragraphs they stay, next to boilerplate they go.

`BoilerplateRules.analyse` keeps every intermediate verdict (`RuleAnalysis`):
the trained `BoilerplateModel` learns from them, and gives its cuts the
rules' reasons (`reasons_for`).
"""
from __future__ import annotations

import dataclasses
import re
from collections import Counter
from itertools import accumulate, chain
from typing import Optional, Sequence

from transforms.common.records import Cut, Line
from transforms.common.text_primitives import (SECOND_PERSON, SENTENCE_END, SENTENCE_PUNCTUATION, STOPWORDS,
                                               collapse_whitespace, words_of)
from transforms.text.boilerplate_detectors import hard_reason
from transforms.text.bylines import looks_like_name
from transforms.text.paragraphs import continues_paragraph

__all__ = ['HARD_REASONS', 'INHERITABLE', 'REASONS', 'TRANSPARENT', 'BoilerplateRules', 'RuleAnalysis',
           'split_by_reasons']

REASONS = ('navigation', 'share_prompt', 'subscribe_prompt', 'newsletter', 'cookie_notice',
           'related_links', 'advertisement', 'comments_prompt', 'copyright', 'image_credit',
           'caption', 'url', 'repeated_line', 'author_bio', 'short_fragment', 'not_article_text',
           'recurring_line')
#: the reasons the rules find in a line (or its unit) by itself
HARD_REASONS = REASONS[:REASONS.index('not_article_text')]

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
        hard = {i: hard_reason(texts[i], nwords[i]) for i in idx}

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
                    and self._same_block(lines, i - 1, i) and continues_paragraph(texts[i - 1], texts[i], longest[i]):
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
