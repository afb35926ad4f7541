"""A synthetic wire-reuse corpus built from real article bodies, with the truth
of which text was taken, and token-level scoring of reuse detectors.

    corpus = build_wire_corpus(bodies, n_articles=3000, seed=0)
    scores = token_scores(exact_sentence_baseline(corpus.articles), corpus)

Roles. Every article is one of:

- ``wire``: a wire story (AP, Reuters, AFP, PA): a run of paragraphs of a dev body.
- ``own``: an outlet's own article: a run of paragraphs of a dev body, nothing taken.
- ``reprint``: the outlet's own paragraphs with 1-3 excerpts of an earlier
  article (1-4 sentences of a paragraph, or 1-3 whole paragraphs) placed as
  paragraphs of their own (``own_paragraph``), spliced into one of the
  outlet's paragraphs (``inside_paragraph``) or quoted inside one with an
  attribution (``quoted_in_paragraph``: ``Reuters reported: "..."``,
  ``"...," The Associated Press reports.``, ``According to AFP, ...``).
- ``full_reprint``: a whole earlier article under a new lead paragraph (the
  original lead dropped half of the time, the tail sometimes cut).

A reprint copies from the wire story or, with `Mix.second_hand`, from an
earlier reprint of it (then everything it copies from that reprint, the
reprint's own sentences included, is taken; ``hops`` = 2). Every copied
sentence is edited with probability `Mix.edit`, with one of
``title_added`` ("Putin" -> "President Putin"), ``word_dropped``,
``word_changed`` (synonym, changed figure, or another word) and
``quotes_restyled`` (straight <-> curly quotes and apostrophes); otherwise it
is ``verbatim``. Quoting a sentence that has double quotes inside double
quotes turns the inner ones into single quotes (``quotes_restyled``).

Truth. ``corpus.spans[doc_id]`` lists a `TakenSpan` for every copied
sentence: its character span in that article's ``text`` (the edited copy;
attribution words and quote marks around it are outside), its edit ``kind``,
its ``placement``, the article it was copied from and ``hops``.
``corpus.taken`` / ``corpus.kinds`` are the same as plain span lists. Copies
always rank after what they copy under the pipeline's rule (dated before
undated, then date, then doc_id): a reprint is dated on or after its source
and gets a larger doc_id; a copy of an undated article is undated. So "taken"
is exactly "near-identical to text of an earlier-ranked article" and a
correct detector can reach P = R = 1. About 15% of reprints are undated
(``Mix.undated_reprint`` plus the reprints of undated wire stories) and some
wire stories and own articles are undated too.

Keeping the truth right. The dev bodies already share text (a site's
disclaimers, FAQ headings, list numbers, one real story on two sites). Before
anything is built, every sentence whose folded text (NFKC, lowercase,
punctuation and whitespace folded) occurs more than once in the dev bodies
(across bodies or inside one) is dropped, and so is every sentence of which
half or more of the word 6-grams occur in one other sentence (restated
summaries, templated product lines). ``corpus.stats['excluded']`` counts them.
What is left is cut into runs of consecutive paragraphs, each used for one
role (a body is carved into several articles, each paragraph used once).

Large corpora. The 791 dev bodies give ~9M characters, about 4,000 articles.
Beyond that the generator starts a new *epoch*: the same pool under a
letter-substitution cipher drawn for that epoch (vowels to vowels,
consonants to consonants, digits to digits, case, punctuation, lengths and
paragraph shape kept). Every epoch is new text that shares no sentence (and
practically no word 6-gram) with any other epoch, so reusing a body never
creates a copy the truth does not know about. The alternatives were worse:
marking repeated uses as taken would make most of a 100k corpus reuse, and
shuffling real sentences across bodies still repeats every sentence.
``corpus.stats['epochs']`` says how many epochs were used; epoch 0 is the
real text.

Deterministic for a given seed (``random.Random`` only; no ``hash()``), no Beam.
"""
from __future__ import annotations

import datetime
import random
import re
import time
import unicodedata
from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from itertools import chain
from typing import Dict, Iterable, List, NamedTuple, Optional, Sequence, Tuple

from transforms.common.records import Article
from transforms.text.split_passages import sentence_spans

Span = Tuple[int, int]

EDIT_KINDS = ('verbatim', 'title_added', 'word_dropped', 'word_changed', 'quotes_restyled')
PLACEMENTS = ('own_paragraph', 'inside_paragraph', 'quoted_in_paragraph', 'full_reprint')


class TakenSpan(NamedTuple):
    start: int
    end: int
    kind: str        # one of EDIT_KINDS: how the copied sentence was edited
    placement: str   # one of PLACEMENTS: where it was put
    source: str      # doc_id of the article it was copied from
    hops: int        # 1: copied from the article that wrote it; 2: from a reprint of it


@dataclass
class WireCorpus:
    articles: List[Article]
    spans: Dict[str, List[TakenSpan]]        # doc_id -> taken spans, in text order
    roles: Dict[str, str]                    # doc_id -> wire | own | reprint | full_reprint
    stats: dict = field(default_factory=dict)

    @cached_property
    def taken(self) -> Dict[str, List[Span]]:
        return {doc_id: [(s.start, s.end) for s in spans] for doc_id, spans in self.spans.items()}

    @cached_property
    def kinds(self) -> Dict[str, List[str]]:
        return {doc_id: [s.kind for s in spans] for doc_id, spans in self.spans.items()}

    @cached_property
    def by_id(self) -> Dict[str, Article]:
        return {a.doc_id: a for a in self.articles}


@dataclass(frozen=True)
class Mix:
    """How the corpus is mixed. The defaults give about 30% own articles,
    17% wire stories, 53% reprints (a quarter of them full), about a fifth of
    all tokens taken, and an exact-sentence baseline recall near 0.7."""
    own_share: float = 0.63              # chance the next item is an own article rather than a wire story
    reprint_counts: Tuple = ((0, 15), (1, 25), (2, 20), (3, 15), (4, 6), (5, 5), (6, 4), (8, 4), (12, 4), (20, 2))
    full_reprint: float = 0.25
    second_hand: float = 0.15            # a reprint copies an earlier reprint instead of the wire story
    edit: float = 0.25                   # chance a copied sentence is edited
    edit_weights: Tuple = (('title_added', 25), ('word_dropped', 30), ('word_changed', 30), ('quotes_restyled', 15))
    placement_weights: Tuple = (('own_paragraph', 35), ('inside_paragraph', 25), ('quoted_in_paragraph', 40))
    whole_paragraphs: float = 0.4        # an excerpt is 1-3 whole paragraphs rather than 1-4 sentences
    undated_wire: float = 0.06           # its reprints are all undated too
    undated_reprint: float = 0.09
    undated_own: float = 0.10
    wire_chars: Tuple = (1500, 5000)
    own_chars: Tuple = (1200, 5000)
    outlet_chars: Tuple = (500, 2500)    # the reprinting outlet's own text around excerpts
    first_date: datetime.date = datetime.date(2024, 1, 1)
    days: int = 730


# --------------------------------------------------------------------------
# The pool: dev bodies cut into paragraphs of sentences, shared text removed.
# --------------------------------------------------------------------------

_NON_WORD = re.compile(r'[^\w]+', re.U)
_QUOTE_FOLD = str.maketrans({c: "'" for c in '\u2018\u2019\u201a\u201b\u2032\u00b4`'})
NEAR_N = 6
NEAR_CONTAINMENT = 0.5


def fold(text: str) -> str:
    """Lowercase, punctuation and whitespace folded (apostrophes vanish)."""
    if not text.isascii():
        text = unicodedata.normalize('NFKC', text).translate(_QUOTE_FOLD)
    return _NON_WORD.sub(' ', text.lower().replace("'", '')).strip()


def body_paragraphs(body: str) -> List[str]:
    """A `main_content` body as the pipeline's `articles.text` has it: one
    paragraph per non-blank line, inner whitespace collapsed."""
    return [' '.join(line.split()) for line in body.split('\n') if line.strip()]


def normalize_body(body: str) -> str:
    return '\n\n'.join(body_paragraphs(body))


@dataclass
class SourcePool:
    """Dev bodies as paragraphs of sentences, with every sentence that the
    bodies already share removed. Build once with `prepare_pool`, reuse for
    several corpora."""
    bodies: List[List[Tuple[str, ...]]]     # body -> paragraphs -> sentences
    donor_words: List[str]                  # replacement words for word_changed
    excluded: dict
    chars: int
    input_bodies: int = 0

    def __len__(self):
        return len(self.bodies)


def prepare_pool(bodies: Iterable[str]) -> SourcePool:
    split = []   # body -> paragraph -> list of sentences
    for body in bodies:
        paragraphs = []
        for paragraph in body_paragraphs(body):
            paragraphs.append([paragraph[s:e] for s, e in sentence_spans(paragraph)])
        split.append(paragraphs)

    # Exact repeats, across bodies or inside one.
    keys = [[[fold(s) for s in para] for para in body] for body in split]
    occurrences = Counter(k for body in keys for para in body for k in para)
    in_bodies = defaultdict(int)
    for body in keys:
        for k in {k for para in body for k in para}:
            in_bodies[k] += 1

    # Near repeats: half or more of a sentence's word 6-grams in another body,
    # or in one other sentence of its own body.
    grams, body_of = [], []
    for b, body in enumerate(keys):
        for para in body:
            for k in para:
                words = k.split()
                grams.append(set(zip(*(words[i:] for i in range(NEAR_N)))))
                body_of.append(b)
    gram_count = Counter(chain.from_iterable(grams))
    shared = {x for x, c in gram_count.items() if c > 1}
    shared_index = defaultdict(list)
    candidates = []
    for sid, g in enumerate(grams):
        common = g & shared
        if not common:
            continue
        for x in common:
            shared_index[x].append(sid)
        if len(common) >= NEAR_CONTAINMENT * len(g):
            candidates.append((sid, common, NEAR_CONTAINMENT * len(g)))
    near = [False] * len(grams)
    for sid, common, need in candidates:
        b = body_of[sid]
        partners = Counter(chain.from_iterable(
            {body_of[o] if body_of[o] != b else -1 - o for o in shared_index[x] if o != sid} for x in common))
        if partners and max(partners.values()) >= need:
            near[sid] = True

    excluded = Counter()
    out, chars, sid = [], 0, 0
    for body, body_keys in zip(split, keys):
        paragraphs = []
        for para, para_keys in zip(body, body_keys):
            kept = []
            for s, k in zip(para, para_keys):
                if occurrences[k] > 1:
                    excluded['exact_across_bodies' if in_bodies[k] > 1 else 'exact_inside_body'] += 1
                elif near[sid]:
                    excluded['near'] += 1
                else:
                    kept.append(s)
                sid += 1
            if kept:
                paragraphs.append(tuple(kept))
                chars += sum(map(len, kept)) + len(kept) - 1
        if paragraphs:
            out.append(paragraphs)
    excluded['kept'] = sid - sum(excluded.values())
    excluded['total'] = sid
    # Donor words (deterministic: every 97th sentence's longer words, no duplicates).
    donors, seen = [], set()
    flat = [s for body in out for para in body for s in para]
    for s in flat[::97]:
        for w in s.split(' '):
            if len(w) >= 4 and w.isalpha() and w.islower() and w not in seen:
                seen.add(w)
                donors.append(w)
    return SourcePool(out, donors or ['report'], dict(excluded), chars, len(split))


# --------------------------------------------------------------------------
# Epochs: the pool again under a letter-substitution cipher.
# --------------------------------------------------------------------------

_VOWELS = 'aeiou'
_CONSONANTS = 'bcdfghjklmnpqrstvwxyz'
_DIGITS = '0123456789'


def cipher_table(seed: int, epoch: int) -> Optional[bytes]:
    """None for epoch 0 (the real text); else a 256-byte table for
    `bytes.translate` on UTF-8 (only ASCII letters and digits move, so
    multi-byte characters pass through untouched)."""
    if epoch == 0:
        return None
    rng = random.Random(f'wire-corpus-cipher/{seed}/{epoch}')
    table = bytearray(range(256))
    for group in (_VOWELS, _CONSONANTS, _DIGITS):
        shuffled = list(group)
        while True:
            rng.shuffle(shuffled)
            if all(a != b for a, b in zip(group, shuffled)):   # no letter stays itself
                break
        for a, b in zip(group, shuffled):
            table[ord(a)] = ord(b)
            if a.isalpha():
                table[ord(a.upper())] = ord(b.upper())
    return bytes(table)


def encipher(text: str, table: Optional[bytes]) -> str:
    if table is None:
        return text
    return text.encode('utf-8').translate(table).decode('utf-8')


class _Stream:
    """Runs of consecutive paragraphs of the pool, each paragraph handed out
    once per epoch; a new epoch (new cipher, new body order) when the pool is
    used up."""

    def __init__(self, pool: SourcePool, seed: int):
        self.pool, self.seed = pool, seed
        self.rng = random.Random(f'wire-corpus-stream/{seed}')
        # Per body: characters before each paragraph (prefix sums), for cheap runs.
        self.prefix = []
        for body in pool.bodies:
            sums = [0]
            for para in body:
                sums.append(sums[-1] + sum(map(len, para)) + len(para))
            self.prefix.append(sums)
        self.epoch = -1
        self._next_epoch()

    def _next_epoch(self):
        self.epoch += 1
        self.table = cipher_table(self.seed, self.epoch)
        self.order = list(range(len(self.pool.bodies)))
        self.rng.shuffle(self.order)
        self.body_pos, self.para_pos = 0, 0
        self._body = None
        if self.table is None:
            self.donors = self.pool.donor_words
        else:
            self.donors = encipher('\0'.join(self.pool.donor_words), self.table).split('\0')

    def _paragraphs(self, b: int) -> List[Tuple[str, ...]]:
        """Body `b` in this epoch's text (translated once per body and epoch)."""
        body = self.pool.bodies[b]
        if self.table is None:
            return body
        if self._body is None or self._body[0] != b:
            flat = encipher('\0'.join('\0'.join(para) for para in body), self.table).split('\0')
            out, i = [], 0
            for para in body:
                out.append(tuple(flat[i:i + len(para)]))
                i += len(para)
            self._body = (b, out)
        return self._body[1]

    def take(self, target_chars: int) -> List[Tuple[str, ...]]:
        """Consecutive paragraphs of one body, about `target_chars` long (at
        least 40% of it, unless a body is shorter than that)."""
        for _ in range(2 * len(self.pool.bodies) + 2):
            if self.body_pos >= len(self.order):
                self._next_epoch()
            b = self.order[self.body_pos]
            sums = self.prefix[b]
            n = len(sums) - 1
            rest_chars = sums[-1] - sums[self.para_pos]
            if self.para_pos < n and (rest_chars >= 0.4 * target_chars or
                                      (self.para_pos == 0 and sums[-1] < 0.4 * target_chars)):
                stop = bisect_left(sums, sums[self.para_pos] + target_chars, self.para_pos + 1)
                stop = min(stop, n)
                out = self._paragraphs(b)[self.para_pos:stop]
                self.para_pos = stop
                if stop >= n:
                    self.body_pos, self.para_pos = self.body_pos + 1, 0
                return out
            self.body_pos, self.para_pos = self.body_pos + 1, 0
        raise ValueError('the pool has no usable text')

    def lead(self) -> Tuple[str, ...]:
        """One paragraph of at least one full sentence, for a new lead."""
        for _ in range(50):
            para = self.take(1)[0]
            if sum(map(len, para)) >= 60:
                return para[:2]
        return para


# --------------------------------------------------------------------------
# Edits.
# --------------------------------------------------------------------------

TITLES = ('President', 'Prime Minister', 'Mr.', 'Ms.', 'Dr.', 'Sen.', 'Gov.', 'Rep.', 'Chief Executive',
          'Secretary', 'Minister', 'Chancellor', 'Judge', 'Professor', 'Gen.')
DROPPABLE = frozenset('also very just still now really only recently currently already even however reportedly '
                      'actually quite nearly about the a'.split())
SYNONYMS = {
    'said': 'stated', 'says': 'said', 'told': 'informed', 'about': 'around', 'around': 'about', 'big': 'large',
    'large': 'big', 'start': 'begin', 'begin': 'start', 'help': 'assist', 'show': 'indicate', 'shows': 'indicates',
    'use': 'utilize', 'percent': 'per cent', 'many': 'numerous', 'however': 'but', 'buy': 'purchase',
    'get': 'obtain', 'need': 'require', 'recent': 'latest', 'important': 'key', 'major': 'significant',
    'nearly': 'almost', 'almost': 'nearly', 'quickly': 'rapidly', 'after': 'following', 'because': 'since',
    'while': 'whereas', 'people': 'residents', 'also': 'additionally', 'make': 'create', 'makes': 'creates',
    'small': 'little', 'first': 'initial', 'best': 'top', 'often': 'frequently', 'key': 'crucial',
}
_WORD_TOKEN = re.compile(r'\w+$', re.U)
_NUMBER = re.compile(r'^(\D*?)(\d+)(\D*)$')


def _match_case(word: str, like: str) -> str:
    if like[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


def _title_added(rng, tokens):
    cands = [i for i in range(1, len(tokens))
             if tokens[i][:1].isupper() and tokens[i][1:2].islower() and tokens[i].rstrip(',.;:').isalpha()
             and not tokens[i - 1].endswith(('.', ':', '"', '\u201c')) and tokens[i - 1] not in TITLES]
    if not cands:
        return None
    i = rng.choice(cands)
    return tokens[:i] + [rng.choice(TITLES)] + tokens[i:]


def _word_dropped(rng, tokens):
    cands = [i for i in range(1, len(tokens)) if tokens[i].lower() in DROPPABLE]
    if not cands:
        cands = [i for i in range(1, len(tokens) - 1) if _WORD_TOKEN.match(tokens[i])]
    if not cands:
        return None
    i = rng.choice(cands)
    return tokens[:i] + tokens[i + 1:]


def _word_changed(rng, tokens, donors):
    cands = [i for i in range(1, len(tokens)) if tokens[i].lower() in SYNONYMS]
    if cands:
        i = rng.choice(cands)
        return tokens[:i] + [_match_case(SYNONYMS[tokens[i].lower()], tokens[i])] + tokens[i + 1:]
    numbers = [i for i, t in enumerate(tokens) if _NUMBER.match(t)]
    if numbers and rng.random() < 0.5:
        i = rng.choice(numbers)
        pre, digits, post = _NUMBER.match(tokens[i]).groups()
        return tokens[:i] + [f'{pre}{int(digits) + rng.choice((1, 2, 3, 10))}{post}'] + tokens[i + 1:]
    cands = [i for i in range(1, len(tokens)) if len(tokens[i]) >= 4 and tokens[i].isalpha()]
    if not cands:
        return None
    i = rng.choice(cands)
    word = rng.choice(donors)
    if word.lower() == tokens[i].lower():
        return None
    return tokens[:i] + [_match_case(word, tokens[i])] + tokens[i + 1:]


_CURLY = str.maketrans({'\u201c': '"', '\u201d': '"', '\u2018': "'", '\u2019': "'"})


def _quotes_restyled(rng, sentence: str) -> Optional[str]:
    if any(c in sentence for c in '\u201c\u201d\u2018\u2019'):
        return sentence.translate(_CURLY)
    if '"' in sentence or "'" in sentence:
        out, open_ = [], True
        for c in sentence:
            if c == '"':
                out.append('\u201c' if open_ else '\u201d')
                open_ = not open_
            elif c == "'":
                out.append('\u2019')
            else:
                out.append(c)
        return ''.join(out)
    return None


def edit_sentence(rng: random.Random, sentence: str, mix: Mix, donors: Sequence[str]) -> Tuple[str, str]:
    """(the copy, edit kind): `sentence` as an outlet reprints it."""
    if rng.random() >= mix.edit:
        return sentence, 'verbatim'
    tokens = sentence.split(' ')
    if len(tokens) < 4:
        return sentence, 'verbatim'
    kinds = [k for k, _ in mix.edit_weights]
    weights = [w for _, w in mix.edit_weights]
    for _ in range(4):
        kind = rng.choices(kinds, weights)[0]
        if kind == 'quotes_restyled':
            new = _quotes_restyled(rng, sentence)
        else:
            if kind == 'title_added':
                out = _title_added(rng, tokens)
            elif kind == 'word_dropped':
                out = _word_dropped(rng, tokens)
            else:
                out = _word_changed(rng, tokens, donors)
            new = ' '.join(out) if out else None
        if new and new != sentence:
            return new, kind
    return sentence, 'verbatim'


def inner_quotes_single(sentence: str) -> str:
    return sentence.replace('\u201c', '\u2018').replace('\u201d', '\u2019').replace('"', "'")


# --------------------------------------------------------------------------
# Articles under construction.
# --------------------------------------------------------------------------

AGENCIES = (('The Associated Press', 'AP', 'The Associated Press'), ('Reuters', 'Reuters', 'Reuters'),
            ('Agence France-Presse', 'AFP', 'Agence France-Presse'), ('the PA news agency', 'PA', 'PA Media'))
VERBS_PRESENT = ('reports', 'says', 'writes')
VERBS_PAST = ('reported', 'said', 'wrote')

Tag = Tuple[str, str, str, int]   # kind, placement, source doc_id, hops


class _Draft:
    """An article being built: paragraphs of (text, tag) segments, tag None
    for text the outlet wrote (attribution and quote marks included), and per
    paragraph the sentences a later reprint may copy."""

    def __init__(self):
        self.paras: List[List[Tuple[str, Optional[Tag]]]] = []
        self.units: List[Sequence[str]] = []
        self.tagged = False

    def own(self, sentences: Sequence[str]):
        self.paras.append([(' '.join(sentences), None)])
        self.units.append(sentences)

    def add(self, segments: List[Tuple[str, Optional[Tag]]], units: Sequence[str]):
        self.paras.append(segments)
        self.units.append(units)
        self.tagged = True

    def assemble(self) -> Tuple[str, List[TakenSpan]]:
        if not self.tagged:
            return '\n\n'.join(para[0][0] for para in self.paras), []
        parts, spans, pos = [], [], 0
        for i, para in enumerate(self.paras):
            if i:
                parts.append('\n\n')
                pos += 2
            for text, tag in para:
                if tag is not None:
                    spans.append(TakenSpan(pos, pos + len(text), *tag))
                parts.append(text)
                pos += len(text)
        return ''.join(parts), spans


def _copy_run(rng, mix, donors, sentences, placement, source_id, hops_from) -> List[Tuple[str, Tag]]:
    """The edited copies of `sentences`, tagged."""
    hops = 2 if hops_from else 1
    out = []
    for text in sentences:
        new, kind = edit_sentence(rng, text, mix, donors)
        out.append((new, (kind, placement, source_id, hops)))
    return out


def _joined(segments: Sequence[Tuple[str, Optional[Tag]]]) -> List[Tuple[str, Optional[Tag]]]:
    out = []
    for seg in segments:
        if out:
            out.append((' ', None))
        out.append(seg)
    return out


def _capitalized(text: str) -> str:
    return text[:1].upper() + text[1:]


def _quoted(rng, copies: List[Tuple[str, Tag]]) -> List[Tuple[str, Optional[Tag]]]:
    """The copies quoted with an attribution; the quote marks and attribution
    untagged. May restyle inner quotes (then the kind says so)."""
    name, short, _ = rng.choice(AGENCIES)
    agency = rng.choice((name, short))
    curly = rng.random() < 0.6
    q_open, q_close = ('\u201c', '\u201d') if curly else ('"', '"')
    fixed = []
    for text, (kind, placement, source, hops) in copies:
        if any(c in text for c in '"\u201c\u201d'):
            text = inner_quotes_single(text)
            kind = 'quotes_restyled' if kind == 'verbatim' else kind
        fixed.append((text, (kind, placement, source, hops)))
    copies = fixed
    form = rng.choice(('colon', 'sentence', 'trailing', 'according'))
    first_text, first_tag = copies[0]
    if form == 'trailing' and first_text.endswith('.') and first_text[:-1].rstrip()[-1:].isalnum():
        segs = [(q_open, None), (first_text[:-1].rstrip(), first_tag),
                (f',{q_close} {agency} {rng.choice(VERBS_PRESENT + VERBS_PAST)}.', None)]
        if len(copies) > 1:
            segs += [(' ' + q_open, None)] + _joined(copies[1:]) + [(q_close, None)]
        return segs
    if form == 'according':
        if first_text[1:2].islower():
            first_text = first_text[:1].lower() + first_text[1:]
        return [(f'According to {agency}, ', None)] + _joined([(first_text, first_tag)] + copies[1:])
    if form == 'sentence':
        return ([(f'{_capitalized(agency)} {rng.choice(VERBS_PRESENT)}. {q_open}', None)] + _joined(copies) +
                [(q_close, None)])
    return ([(f'{_capitalized(agency)} {rng.choice(VERBS_PAST)}: {q_open}', None)] + _joined(copies) +
            [(q_close, None)])


class _Built(NamedTuple):
    doc_id: str
    role: str
    date: Optional[datetime.date]
    draft: _Draft
    wire_credit: Optional[str]


def _sentence_like(text: str) -> bool:
    """A sentence an outlet would quote: a few words, closed by punctuation."""
    return len(text) >= 30 and text[-1] in '.!?"\')\u201d\u2019' and text.count(' ') >= 4


def _later(rng, date: Optional[datetime.date], undated_p: float) -> Optional[datetime.date]:
    if date is None or rng.random() < undated_p:
        return None
    return date + datetime.timedelta(days=rng.choices((0, 1, 2, 3, 5, 7), (40, 30, 12, 8, 6, 4))[0])


def _reprint(rng, mix: Mix, stream: _Stream, source: _Built, hops_from: bool) -> Tuple[_Draft, str]:
    """A reprint of `source`: excerpts among the outlet's own paragraphs, or
    the whole of it under a new lead."""
    draft = _Draft()
    donors = stream.donors
    units = [u for u in source.draft.units if u]
    if rng.random() < mix.full_reprint:
        draft.own(stream.lead())
        start = 1 if len(units) > 1 and rng.random() < 0.5 else 0
        end = len(units) - (rng.choice((1, 2)) if len(units) - start > 3 and rng.random() < 0.3 else 0)
        for para in units[start:end]:
            copies = _copy_run(rng, mix, donors, para, 'full_reprint', source.doc_id, hops_from)
            draft.add(_joined(copies), [text for text, _ in copies])
        return draft, 'full_reprint'

    own = stream.take(rng.randint(*mix.outlet_chars))
    # The outlet's paragraphs as items (segments, sentences a later reprint may copy).
    host_paras = [[([(s, None)], [s]) for s in para] for para in own]
    inserted_paras = defaultdict(list)   # after own paragraph index -> new paragraphs
    n_excerpts = rng.choices((1, 2, 3), (50, 30, 20))[0]
    free = list(range(len(units)))   # paragraphs of the source not excerpted yet
    for _ in range(n_excerpts):
        with_sentences = [q for q in free if any(map(_sentence_like, units[q]))]
        if not with_sentences:
            break
        if rng.random() < mix.whole_paragraphs:
            long_enough = [q for q in with_sentences if sum(map(len, units[q])) >= 80]
            p = rng.choice(long_enough or with_sentences)
            run = [q for q in range(p, p + rng.choice((1, 1, 2, 3))) if q in free]
            for q in run:
                free.remove(q)
            after = rng.randrange(len(host_paras) + 1)
            for q in run:
                copies = _copy_run(rng, mix, donors, units[q], 'own_paragraph', source.doc_id, hops_from)
                inserted_paras[after].append(copies)
            continue
        p = rng.choice(with_sentences)
        free.remove(p)
        para = units[p]
        i = rng.choice([i for i, text in enumerate(para) if _sentence_like(text)])
        run = [para[i]]
        for text in para[i + 1:i + rng.choices((1, 2, 3, 4), (45, 30, 15, 10))[0]]:
            if not _sentence_like(text):
                break
            run.append(text)
        placement = rng.choices([k for k, _ in mix.placement_weights], [w for _, w in mix.placement_weights])[0]
        copies = _copy_run(rng, mix, donors, run, placement, source.doc_id, hops_from)
        if placement == 'own_paragraph':
            inserted_paras[rng.randrange(len(host_paras) + 1)].append(copies)
            continue
        h = rng.randrange(len(host_paras))
        host = host_paras[h]
        at = rng.randint(1 if len(host) > 1 else 0, len(host))
        if placement == 'quoted_in_paragraph':
            segs = _quoted(rng, copies)
            host[at:at] = [(segs, [text for text, tag in segs if tag is not None])]
        else:
            host[at:at] = [([copy], [copy[0]]) for copy in copies]
    for after in range(len(host_paras) + 1):
        for copies in inserted_paras.get(after, ()):
            draft.add(_joined(copies), [text for text, _ in copies])
        if after < len(host_paras):
            merged, sentences = [], []
            for segments, item_sentences in host_paras[after]:
                sentences.extend(item_sentences)
                for text, tag in ([(' ', None)] if merged else []) + segments:
                    if tag is None and merged and merged[-1][1] is None:   # one segment per untagged run
                        merged[-1] = (merged[-1][0] + text, None)
                    else:
                        merged.append((text, tag))
            draft.add(merged, sentences)
    return draft, 'reprint'


def build_wire_corpus(bodies, n_articles: int, seed: int = 0, mix: Optional[Mix] = None) -> WireCorpus:
    """A corpus of `n_articles` from the dev `main_content` strings `bodies`
    (or a `SourcePool` made from them by `prepare_pool`)."""
    t0 = time.perf_counter()
    mix = mix or Mix()
    pool = bodies if isinstance(bodies, SourcePool) else prepare_pool(bodies)
    t_pool = time.perf_counter() - t0
    rng = random.Random(f'wire-corpus/{seed}')
    stream = _Stream(pool, seed)
    counts, weights = zip(*mix.reprint_counts)
    articles: List[Article] = []
    spans: Dict[str, List[TakenSpan]] = {}
    roles: Dict[str, str] = {}

    def new_id():
        return f'w{len(articles):06d}'

    def random_date():
        return mix.first_date + datetime.timedelta(days=rng.randrange(mix.days))

    def emit(b: _Built):
        text, taken = b.draft.assemble()
        articles.append(Article(doc_id=b.doc_id, source_uri=f'wire://{b.role}/{b.doc_id}', format='text',
                                url=None, title=None, published_date=b.date,
                                date_source='header' if b.date else 'none', authors=(), publisher=None,
                                wire_credit=b.wire_credit, text=text))
        roles[b.doc_id] = b.role
        if taken:
            spans[b.doc_id] = taken

    while len(articles) < n_articles:
        if rng.random() < mix.own_share:
            draft = _Draft()
            for para in stream.take(rng.randint(*mix.own_chars)):
                draft.own(para)
            date = None if rng.random() < mix.undated_own else random_date()
            emit(_Built(new_id(), 'own', date, draft, None))
            continue
        draft = _Draft()
        for para in stream.take(rng.randint(*mix.wire_chars)):
            draft.own(para)
        agency = rng.choice(AGENCIES)
        wire_date = None if rng.random() < mix.undated_wire else random_date()
        wire = _Built(new_id(), 'wire', wire_date, draft, agency[2])
        emit(wire)
        story = [wire]
        for _ in range(rng.choices(counts, weights)[0]):
            if len(articles) >= n_articles:
                break
            source = wire
            if len(story) > 1 and rng.random() < mix.second_hand:
                source = rng.choice(story[1:])
            draft, role = _reprint(rng, mix, stream, source, source is not wire)
            date = _later(rng, source.date, mix.undated_reprint)
            credit = agency[2] if role == 'full_reprint' and source is wire else None
            reprint = _Built(new_id(), role, date, draft, credit)
            emit(reprint)
            story.append(reprint)

    stats = dict(articles=len(articles), roles=dict(Counter(roles.values())), epochs=stream.epoch + 1,
                 input_bodies=pool.input_bodies, pool_bodies=len(pool.bodies), pool_chars=pool.chars,
                 excluded=dict(pool.excluded),
                 undated=sum(a.published_date is None for a in articles),
                 undated_reprints=sum(a.published_date is None for a in articles
                                      if roles[a.doc_id] in ('reprint', 'full_reprint')),
                 chars=sum(len(a.text) for a in articles),
                 seconds_pool=round(t_pool, 3), seconds=round(time.perf_counter() - t0, 3))
    return WireCorpus(articles, spans, roles, stats)


# --------------------------------------------------------------------------
# Scoring by tokens.
# --------------------------------------------------------------------------

_TOKEN = re.compile(r'\w+', re.U)


def _merged(spans: Iterable[Span]) -> Tuple[List[int], List[int]]:
    starts, ends = [], []
    for s, e in sorted(spans):
        if starts and s <= ends[-1]:
            ends[-1] = max(ends[-1], e)
        else:
            starts.append(s)
            ends.append(e)
    return starts, ends


def _inside(starts, ends, s, e) -> bool:
    i = bisect_right(starts, s) - 1
    return i >= 0 and e <= ends[i]


def _prf(tp, n_flagged, n_taken):
    p = tp / n_flagged if n_flagged else (1.0 if not n_taken else 0.0)
    r = tp / n_taken if n_taken else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def token_scores(flagged: Dict[str, Sequence[Span]], corpus: WireCorpus) -> dict:
    """Precision, recall and F1 over the word tokens (`\\w+`) of every article:
    a token is flagged when it lies inside a flagged span, taken when inside a
    taken span. `per_kind` holds recall per edit kind, per placement, and
    for copies of copies (`second_hand`)."""
    tokens = tp = n_flagged = n_taken = 0
    per = defaultdict(lambda: [0, 0])    # label -> [taken tokens, of them flagged]
    for article in corpus.articles:
        text = article.text
        f_starts, f_ends = _merged(flagged.get(article.doc_id, ()))
        taken = corpus.spans.get(article.doc_id, ())
        t_starts = [s.start for s in taken]
        for m in _TOKEN.finditer(text):
            s, e = m.span()
            tokens += 1
            is_flagged = bool(f_starts) and _inside(f_starts, f_ends, s, e)
            n_flagged += is_flagged
            if not taken:
                continue
            i = bisect_right(t_starts, s) - 1
            if i < 0 or e > taken[i].end:
                continue
            span = taken[i]
            n_taken += 1
            tp += is_flagged
            labels = (span.kind, span.placement, 'second_hand') if span.hops > 1 else (span.kind, span.placement)
            for label in labels:
                per[label][0] += 1
                per[label][1] += is_flagged
    p, r, f = _prf(tp, n_flagged, n_taken)
    per_kind = {label: dict(taken=t, flagged=fl, recall=fl / t if t else 0.0)
                for label, (t, fl) in sorted(per.items())}
    return dict(precision=p, recall=r, f1=f, tokens=tokens, flagged_tokens=n_flagged, taken_tokens=n_taken,
                true_positive=tp, per_kind=per_kind)


# --------------------------------------------------------------------------
# Baseline and our detector, both as doc_id -> flagged spans.
# --------------------------------------------------------------------------

def rank_key(article: Article):
    """The pipeline's canonical order: dated before undated, then date, then doc_id."""
    date = article.published_date
    return (date is None, date or datetime.date.max, article.doc_id)


def exact_sentence_baseline(articles: Sequence[Article], min_words: int = 8) -> Dict[str, List[Span]]:
    """Every sentence (split_passages) whose normalize_passage key, with at
    least `min_words` words, occurred in an earlier-ranked article."""
    from transforms.reuse.passage_signatures import normalize_passage
    from transforms.text.split_passages import split_passages
    seen = set()
    flagged = {}
    for article in sorted(articles, key=rank_key):
        keys = []
        spans = []
        for passage in split_passages(article.doc_id, article.text):
            key = normalize_passage(passage.text)
            if key.count(' ') + 1 < min_words:
                continue
            keys.append(key)
            if key in seen:
                spans.append((passage.char_start, passage.char_end))
        if spans:
            flagged[article.doc_id] = spans
        seen.update(keys)
    return flagged


def detector_flags(articles: Sequence[Article]) -> Optional[Dict[str, List[Span]]]:
    """Spans flagged by `transforms.reuse.flag_duplicates.detect_reuse`, or None
    when that function does not exist (yet)."""
    try:
        from transforms.reuse.detect_reuse import detect_reuse
    except ImportError:
        return None
    from transforms.common.records import DocPassages
    from transforms.text.split_passages import split_passages
    docs = [DocPassages(a, split_passages(a.doc_id, a.text)) for a in articles]
    result = detect_reuse(docs)
    flagged = {}
    for doc in docs:
        matches = {m.passage_id: m for m in result.matches.get(doc.article.doc_id, ())}
        spans = [(p.char_start, p.char_end) for p in doc.passages
                 if p.passage_id in matches and matches[p.passage_id].is_duplicate]
        if spans:
            flagged[doc.article.doc_id] = spans
    return flagged
