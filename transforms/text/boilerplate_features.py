"""The boilerplate model's features: one row of numbers per non-empty line of
an article (`line_features`), in the columns `feature_names()` lists (no Beam).

Features (all computed inside one article, never keyed to a site):
  * the line itself: length, words, stopword density, sentence punctuation,
    capitalisation, digits, separators, URLs, second person, quotes;
  * the rules' evidence: the hard reason (call-to-action, URL, credit, ...),
    the quality class before context and the rules' final verdict;
  * position and context: where the line sits in the page, relative to the
    headline and to the stretch of the page with the most prose, how much
    prose surrounds it in windows of 1-10 lines, the shape of its
    neighbours, its block (blank lines), how often it repeats in the article;
  * the furniture of comment threads and teaser lists (reply links, user and
    time lines, a Comments or Related heading above it, trailing '...');
  * topicality: how much of its vocabulary the article's prose and headline
    share.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from itertools import chain, compress
from operator import itemgetter
from typing import Optional, Sequence

import numpy as np

from transforms.common.pattern_gates import GatedPattern, case_folded
from transforms.common.records import Cut
from transforms.common.text_primitives import (SECOND_PERSON, SENTENCE_END, SENTENCE_PUNCTUATION, STOPWORDS,
                                               URL_ANYWHERE, URL_ANYWHERE_GATED, words_of)
from transforms.text.boilerplate_rules import HARD_REASONS, RuleAnalysis

__all__ = ['COLUMN', 'feature_names', 'line_features', 'main_region']

_QUALITY = ('good', 'neargood', 'short', 'bad')
_HARD = HARD_REASONS
_SEPARATORS = re.compile(r'[|»›•·>/]')
_QUOTE = re.compile('["“”«»]')
_WINDOWS = (1, 2, 5, 10)
_COMMENT_META = re.compile(
    r'(?i)^\W*(?:reply|report|permalink|flag|like|upvote|share)\W*$|\bsays:?\s*$|\b(?:reply|replies)\b|'
    r'\b\d+\s+(?:second|minute|hour|day|week|month|year)s?\s+ago\b|\bat\s+\d{1,2}:\d{2}\s*(?:[ap]\.?m\.?)?\b|'
    r'\(score:|^\s*@\w+')
_SENTENCE_END = re.compile(r'[.!?…](?:["”’\')\]]*)(?:\s|$)')
_NEIGHBOURS = (-3, -2, -1, 1, 2, 3)
_NEIGHBOUR_KEYS = ('log_chars', 'stopword_density', 'rules_keep', 'ends_sentence', 'hard_any')
_SECOND_PERSON_GATED = GatedPattern(SECOND_PERSON)


def feature_names() -> list:
    names = ['log_chars', 'n_words', 'stopword_density', 'ends_sentence', 'has_sentence_punct',
             'starts_upper', 'capitalised_share', 'digit_share', 'punct_share', 'url_share',
             'second_person', 'all_caps', 'ends_colon', 'separators', 'mean_word_len', 'has_quote',
             'commas_per_word', 'repeats_in_article', 'unit_lines', 'unit_log_chars']
    names += [f'hard_{r}' for r in _HARD] + ['hard_any']
    names += [f'quality_{q}' for q in _QUALITY] + ['rules_keep']
    names += ['rel_line', 'rel_chars', 'in_prose_run', 'lines_before_prose', 'lines_after_prose',
              'lines_to_kept_before', 'lines_to_kept_after', 'chars_to_kept_before', 'chars_to_kept_after']
    names += [f'kept_share_w{w}' for w in _WINDOWS] + [f'good_share_w{w}' for w in _WINDOWS]
    names += [f'{k}_{o:+d}' for o in _NEIGHBOURS
              for k in _NEIGHBOUR_KEYS]
    names += ['doc_log_lines', 'doc_log_chars', 'doc_kept_share', 'foreign']
    names += ['in_main_region', 'lines_to_main_region', 'main_region_share', 'short_run', 'good_run',
              'title_known', 'after_title', 'lines_from_title']
    names += ['topic_share', 'topic_weight', 'title_share', 'sentences', 'words_per_sentence']
    names += ['ends_ellipsis', 'comment_meta', 'comment_meta_w3', 'after_comments_heading',
              'related_heading_before', 'prose_block_rank', 'prose_block_share', 'prose_blocks_before']
    names += ['blank_before', 'blank_after', 'block_prev_good', 'block_next_good', 'page_has_blanks']
    return names


#: feature name -> its column in the rows of `line_features`
COLUMN = {name: j for j, name in enumerate(feature_names())}
_HARD_COLUMN = {r: COLUMN[f'hard_{r}'] for r in _HARD}
_QUALITY_COLUMN = {q: COLUMN[f'quality_{q}'] for q in _QUALITY}

# Per-character classes, for counts over every character of a line. One
# table lookup per character of the article replaces a str method call per
# character; each class is decided by the very test the feature is defined
# by (a str method or the feature's own pattern), the first time a character
# is seen, so a count is the same as counting character by character.
_DIGIT, _ALNUM, _SPACE, _SENT_PUNCT_CHAR, _SEPARATOR, _QUOTE_CHAR, _COMMA, _CLASSIFIED = (1 << b for b in range(8))
_CHAR_CLASS = np.zeros(0x110000, dtype=np.uint8)   # code point -> class bits; 0: not seen yet


def _char_class(ch: str) -> int:
    return (_DIGIT * ch.isdigit() | _ALNUM * ch.isalnum() | _SPACE * ch.isspace()
            | _SENT_PUNCT_CHAR * bool(SENTENCE_PUNCTUATION.search(ch)) | _SEPARATOR * bool(_SEPARATORS.search(ch))
            | _QUOTE_CHAR * bool(_QUOTE.search(ch)) | _COMMA * (ch == ',') | _CLASSIFIED)


def _char_class_counts(texts: list) -> np.ndarray:
    """Per text (none empty), how many of its characters are in each class:
    an (n, 8) integer array, column b counting the characters with bit b."""
    joined = ''.join(texts)
    codes = np.frombuffer(joined.encode('utf-32-le', 'surrogatepass'), dtype='<u4')
    classes = _CHAR_CLASS[codes]
    unseen = classes == 0
    if unseen.any():
        for c in np.unique(codes[unseen]).tolist():
            _CHAR_CLASS[c] = _char_class(chr(c))
        classes = _CHAR_CLASS[codes]
    bits = np.unpackbits(classes.reshape(len(classes), 1), axis=1, bitorder='little')
    starts = np.cumsum([0] + [len(t) for t in texts[:-1]])
    return np.add.reduceat(bits, starts, axis=0, dtype=np.int64)


def _class_column(counts: np.ndarray, bit: int) -> np.ndarray:
    return counts[:, bit.bit_length() - 1]


def _per_line_sum(line_of_word: np.ndarray, values, n: int) -> np.ndarray:
    """Per line, the sum of its words' values (whole numbers: exact in any order)."""
    return np.bincount(line_of_word, weights=np.asarray(values, dtype=np.float64), minlength=n)


def _share(count: np.ndarray, total: np.ndarray) -> np.ndarray:
    """count / total, 0.0 where total is 0."""
    return np.divide(count, total, out=np.zeros(len(count)), where=total > 0)


def _found(pattern: re.Pattern, texts) -> np.ndarray:
    """Per text: 1.0 where `pattern` occurs in it, else 0.0."""
    return np.array([m is not None for m in map(pattern.search, texts)], dtype=np.float64)


def main_region(chars: np.ndarray, quality: list) -> tuple:
    """(first, last) line of the stretch of the page with the most prose: the
    maximum-sum run, where prose lines add their length and every other line
    costs (short menu and link lines add up to a wall between stretches)."""
    weight = {'good': 1.0, 'neargood': 0.3}
    best, best_span, cur, start = 0.0, None, 0.0, 0
    for k, (c, q) in enumerate(zip(chars, quality)):
        if cur <= 0:
            cur, start = 0.0, k
        cur += c * weight.get(q, -0.5) - 10.0
        if cur > best:
            best, best_span = cur, (start, k)
    return best_span


def _run_lengths(flags: np.ndarray) -> np.ndarray:
    """Per line: the length of the run of equal flags it belongs to."""
    flags = np.asarray(flags)
    if not len(flags):
        return np.zeros(0)
    starts = np.flatnonzero(np.concatenate(([True], flags[1:] != flags[:-1])))
    lengths = np.diff(np.append(starts, len(flags)))
    return np.repeat(lengths, lengths).astype(np.float64)


def _content_words(words: Sequence[str]) -> list:
    return [low for w, low in zip(words, map(str.lower, words)) if len(w) > 2 and low not in STOPWORDS]


def line_features(a: RuleAnalysis, title: Optional[Cut] = None) -> np.ndarray:
    """One row of `feature_names()` per non-empty line (`a.idx` order).
    `title` is the headline line the header split took out, if it found one.

    Computed a column at a time over all lines: what is counted per word or
    per character is counted over the article's words (characters) at once.
    Every value is the same float as computed line by line (counts are whole
    numbers, exact in any order; sums of fractions keep their order)."""
    col = COLUMN
    n = len(a.idx)
    X = np.zeros((n, len(col)), dtype=np.float64)
    if not n:
        return X
    texts = [a.texts[i] for i in a.idx]
    lengths = [len(t) for t in texts]
    chars = np.array(lengths, dtype=np.float64)
    words = a.line_words
    word_counts = [len(w) for w in words]
    nw = np.array(word_counts, dtype=np.float64)
    # the article's words in one list, each with the line it is in
    flat_words = list(chain.from_iterable(words))
    low_words = a.low_words                 # lowered, and looked up, by analyse
    line_of_word = np.repeat(np.arange(n), word_counts)
    is_stopword = np.array(a.word_is_stopword, dtype=bool)
    word_lengths = np.fromiter(map(len, flat_words), dtype=np.int64, count=len(flat_words))
    sw = _share(_per_line_sum(line_of_word, is_stopword, n), nw)
    ends = _found(SENTENCE_END, texts)
    units = [a.unit_of[i] for i in a.idx]
    quality = [a.quality.get(u) for u in units]
    keep = np.array([a.final.get(u) == 'good' for u in units], dtype=np.float64)
    good = np.array([q == 'good' for q in quality], dtype=np.float64)
    hard = [a.hard.get(i) or a.unit_hard.get(u) for i, u in zip(a.idx, units)]
    hard_any = np.array([h is not None for h in hard], dtype=np.float64)
    low_texts = list(map(str.lower, texts))
    counts = Counter(low_texts)
    unit_sizes = Counter(units)
    unit_chars: Counter = Counter()
    for u, c in zip(units, lengths):
        unit_chars[u] += c + 1
    unit_log_chars = {u: math.log1p(c) for u, c in unit_chars.items()}
    char_counts = _char_class_counts(texts)

    X[:, col['log_chars']] = np.log1p(chars)
    X[:, col['n_words']] = nw
    X[:, col['stopword_density']] = sw
    X[:, col['ends_sentence']] = ends
    X[:, col['has_sentence_punct']] = _class_column(char_counts, _SENT_PUNCT_CHAR) > 0
    X[:, col['starts_upper']] = [t[:1].isupper() for t in texts]
    capitalised = list(map(str.isupper, map(itemgetter(0), flat_words)))
    X[:, col['capitalised_share']] = _share(_per_line_sum(line_of_word, capitalised, n), nw)
    X[:, col['digit_share']] = _class_column(char_counts, _DIGIT) / chars
    X[:, col['punct_share']] = (chars - _class_column(char_counts, _ALNUM)
                                - _class_column(char_counts, _SPACE)) / chars
    # The URL and second-person patterns are searched only where their gate
    # strings are: most lines (most articles) hold none. The lines are folded
    # for the gates in one go: folding the joined text folds each line alike
    # (but for Greek final sigmas, in no gate string), and no gate string
    # holds the newline that joins them.
    folded = case_folded('\n'.join(texts))
    if URL_ANYWHERE_GATED.may_match(folded):
        url_chars = [sum(map(len, URL_ANYWHERE.findall(t))) if URL_ANYWHERE_GATED.may_match(low) else 0
                     for t, low in zip(texts, folded.split('\n'))]
        X[:, col['url_share']] = np.array(url_chars, dtype=np.float64) / chars
    if _SECOND_PERSON_GATED.may_match(folded):
        X[:, col['second_person']] = [_SECOND_PERSON_GATED.search(t, low) is not None
                                      for t, low in zip(texts, folded.split('\n'))]
    X[:, col['all_caps']] = list(map(str.isupper, texts))
    X[:, col['ends_colon']] = [t.endswith(':') for t in texts]
    X[:, col['separators']] = _class_column(char_counts, _SEPARATOR)
    X[:, col['mean_word_len']] = _share(_per_line_sum(line_of_word, word_lengths, n), nw)
    X[:, col['has_quote']] = _class_column(char_counts, _QUOTE_CHAR) > 0
    X[:, col['commas_per_word']] = _class_column(char_counts, _COMMA) / np.maximum(1, nw)
    X[:, col['repeats_in_article']] = [counts[t] - 1 for t in low_texts]
    X[:, col['unit_lines']] = [unit_sizes[u] for u in units]
    X[:, col['unit_log_chars']] = [unit_log_chars[u] for u in units]
    hard_rows = [k for k, h in enumerate(hard) if h in _HARD_COLUMN]
    X[hard_rows, [_HARD_COLUMN[hard[k]] for k in hard_rows]] = 1.0
    quality_rows = [k for k, q in enumerate(quality) if q in _QUALITY_COLUMN]
    X[quality_rows, [_QUALITY_COLUMN[quality[k]] for k in quality_rows]] = 1.0
    X[:, col['hard_any']] = hard_any
    X[:, col['rules_keep']] = keep

    # position, and where the run of prose is
    pos = np.arange(n, dtype=np.float64)
    X[:, col['rel_line']] = pos / max(1, n - 1)
    cum = np.cumsum(chars) - chars
    total = float(chars.sum()) or 1.0
    X[:, col['rel_chars']] = cum / total
    good_pos = np.flatnonzero(good)
    if good_pos.size:
        first, last = good_pos[0], good_pos[-1]
        X[:, col['in_prose_run']] = (pos >= first) & (pos <= last)
        X[:, col['lines_before_prose']] = np.log1p(np.maximum(0, first - pos))
        X[:, col['lines_after_prose']] = np.log1p(np.maximum(0, pos - last))
    else:
        X[:, col['lines_before_prose']] = math.log1p(n)
        X[:, col['lines_after_prose']] = math.log1p(n)
    X[:, col['lines_to_kept_before']], X[:, col['chars_to_kept_before']] = _distance_to(keep, chars, forward=False)
    X[:, col['lines_to_kept_after']], X[:, col['chars_to_kept_after']] = _distance_to(keep, chars, forward=True)

    # how much of the text around the line is prose, excluding the line itself
    kept_chars = keep * chars
    good_chars = good * chars
    ck, cg, ca = (np.concatenate(([0.0], np.cumsum(v))) for v in (kept_chars, good_chars, chars))
    for w in _WINDOWS:
        lo = np.clip(pos - w, 0, n).astype(int)
        hi = np.clip(pos + w + 1, 0, n).astype(int)
        around = ca[hi] - ca[lo] - chars
        denom = np.where(around > 0, around, 1.0)
        X[:, col[f'kept_share_w{w}']] = (ck[hi] - ck[lo] - kept_chars) / denom
        X[:, col[f'good_share_w{w}']] = (cg[hi] - cg[lo] - good_chars) / denom

    # the neighbours' values: the line's own ones, shifted, -1.0 past either
    # end; an offset's columns are side by side, in _NEIGHBOUR_KEYS order
    own = (X[:, col['log_chars']], sw, keep, ends, hard_any)        # _NEIGHBOUR_KEYS
    reach = max(map(abs, _NEIGHBOURS))
    padded = np.full((n + 2 * reach, len(own)), -1.0)
    padded[reach:reach + n] = np.column_stack(own)
    for o in _NEIGHBOURS:
        first = col[f'{_NEIGHBOUR_KEYS[0]}_{o:+d}']
        X[:, first:first + len(own)] = padded[reach + o:reach + o + n]

    X[:, col['doc_log_lines']] = math.log1p(n)
    X[:, col['doc_log_chars']] = math.log1p(total)
    X[:, col['doc_kept_share']] = float(kept_chars.sum()) / total
    X[:, col['foreign']] = float(a.foreign)

    span = main_region(chars, quality)
    if span is not None:
        lo, hi = span
        X[:, col['in_main_region']] = (pos >= lo) & (pos <= hi)
        X[:, col['lines_to_main_region']] = np.log1p(np.maximum(lo - pos, 0) + np.maximum(pos - hi, 0))
        X[:, col['main_region_share']] = chars[lo:hi + 1].sum() / total
    else:
        X[:, col['lines_to_main_region']] = math.log1p(n)
    X[:, col['short_run']] = np.log1p(_run_lengths(nw < 8) * (nw < 8))
    X[:, col['good_run']] = np.log1p(_run_lengths(good > 0) * (good > 0))
    if title is not None:
        line_index = np.array([a.line_index[i] for i in a.idx], dtype=np.float64)
        X[:, col['title_known']] = 1.0
        X[:, col['after_title']] = line_index > title.line_index
        d = line_index - title.line_index
        X[:, col['lines_from_title']] = np.sign(d) * np.log1p(np.abs(d))

    # comment threads and teaser lists are prose too: what marks them is the
    # furniture around them (reply links, user/time lines, a Comments heading)
    meta = np.array([len(w) <= 12 and bool(_COMMENT_META.search(t)) for t, w in zip(texts, words)], dtype=float)
    X[:, col['ends_ellipsis']] = [t.endswith(('…', '...')) for t in texts]
    X[:, col['comment_meta']] = meta
    cm = np.concatenate(([0.0], np.cumsum(meta)))
    lo3, hi3 = np.clip(pos - 3, 0, n).astype(int), np.clip(pos + 4, 0, n).astype(int)
    X[:, col['comment_meta_w3']] = cm[hi3] - cm[lo3] - meta
    # a Comments (Related) heading after the first prose line: every line below it
    first_good = good_pos[0] if good_pos.size else n
    for name, reason in (('after_comments_heading', 'comments_prompt'), ('related_heading_before', 'related_links')):
        heading = (pos > first_good) & np.array([h == reason for h in hard])
        X[1:, col[name]] = np.cumsum(heading[:-1]) > 0
    # blocks of prose: runs of good lines that at most 2 other lines interrupt
    block = np.full(n, -1)
    if good_pos.size:
        block[good_pos] = np.cumsum(np.concatenate(([True], np.diff(good_pos) - 1 > 2))) - 1
        b = block[good_pos[-1]]
        sizes = np.bincount(block[block >= 0], weights=chars[block >= 0], minlength=b + 1)
        rank = np.argsort(np.argsort(-sizes))
        # lines between blocks belong to the block before them
        owner = np.maximum.accumulate(np.where(block >= 0, block, -1))
        has = owner >= 0
        X[:, col['prose_block_rank']] = np.where(has, rank[np.maximum(owner, 0)], b + 1)
        X[:, col['prose_block_share']] = np.where(has, sizes[np.maximum(owner, 0)] / total, 0.0)
        X[:, col['prose_blocks_before']] = np.where(has, owner, -1)

    # blank lines: where the dump has them, they delimit the page's blocks
    # (a paragraph, a menu): a short line in the same block as prose is prose
    blank_before = np.array([i > 0 and not a.texts[i - 1] for i in a.idx], dtype=float)
    blank_after = np.array([i + 1 < len(a.texts) and not a.texts[i + 1] for i in a.idx], dtype=float)
    X[:, col['blank_before']] = blank_before
    X[:, col['blank_after']] = blank_after
    X[:, col['page_has_blanks']] = float(len(a.idx) < len(a.texts))
    X[1:, col['block_prev_good']] = (1 - blank_before[1:]) * good[:-1]
    X[:-1, col['block_next_good']] = (1 - blank_after[:-1]) * good[1:]

    # topicality: body lines share the vocabulary of the article's prose and
    # headline; menus, promos and teasers for other stories do not
    is_content = (word_lengths > 2) & ~is_stopword
    content = list(compress(low_words, is_content))          # _content_words of every line, in a row
    line_of_content = line_of_word[is_content]
    n_content = np.bincount(line_of_content, minlength=n)
    bounds = np.concatenate(([0], np.cumsum(n_content))).tolist()
    vocab: Counter = Counter()
    for k in np.flatnonzero(good).tolist():
        vocab.update(set(content[bounds[k]:bounds[k + 1]]))
    # in how many prose lines other than its own each word is (a prose line's
    # words are all in `vocab`)
    others = np.array(list(map(vocab.__getitem__, content)), dtype=np.int64) - good[line_of_content].astype(np.int64)
    rows = np.flatnonzero(n_content)
    X[rows, col['topic_share']] = _per_line_sum(line_of_content, others > 0, n)[rows] / n_content[rows]
    # a sum of fractions: added up word by word in line order, as ever
    log_others = list(map(math.log1p, others.tolist()))
    X[rows, col['topic_weight']] = [sum(log_others[bounds[k]:bounds[k + 1]]) / (bounds[k + 1] - bounds[k])
                                    for k in rows.tolist()]
    title_words = set(_content_words(words_of(title.text))) if title is not None else set()
    if title_words:
        in_title = list(map(title_words.__contains__, content))
        X[rows, col['title_share']] = _per_line_sum(line_of_content, in_title, n)[rows] / n_content[rows]
    n_sent = np.array([len(_SENTENCE_END.findall(texts[k])) or 1 for k in rows.tolist()], dtype=np.float64)
    X[rows, col['sentences']] = n_sent
    X[rows, col['words_per_sentence']] = nw[rows] / n_sent
    return X


def _distance_to(flags: np.ndarray, chars: np.ndarray, forward: bool) -> tuple:
    """Per line: log(1 + lines) and log(1 + characters) to the nearest flagged
    line before it (or after it, `forward`); a large value where there is none."""
    n = len(flags)
    lines_out = np.full(n, math.log1p(n + 1))
    chars_out = np.full(n, math.log1p(float(chars.sum()) + 1))
    if forward:
        flags, chars = flags[::-1], chars[::-1]
    pos = np.arange(n)
    # the nearest flagged line strictly before each line, -1 where none
    nearest = np.concatenate(([-1], np.maximum.accumulate(np.where(flags != 0, pos, -1))[:-1]))
    found = np.flatnonzero(nearest >= 0)
    # characters strictly between the two lines: whole numbers, exact as a difference of sums
    before = np.concatenate(([0.0], np.cumsum(chars)))
    lines = (found - nearest[found]).tolist()
    between = (before[found] - before[nearest[found] + 1]).tolist()
    if forward:
        found = n - 1 - found
    lines_out[found] = list(map(math.log1p, lines))
    chars_out[found] = list(map(math.log1p, between))
    return lines_out, chars_out
