"""PassageSignatures: each passage as a set of word shingles, a MinHash
signature over them, and the LSH band keys that find its near copies.

Everything for one article is computed at once with numpy (one element per
article, never one per shingle): token hashes -> shingle hashes -> a
(shingles x permutations) matrix -> per-passage minima -> band keys.

Why these choices (measured with `make eval`'s wire-reuse corpus, see
docs/reuse-detection.md):

- Normalization folds case, quote styles, punctuation and whitespace, so
  restyled quotes and punctuation edits do not change a single shingle.
- Word 3-shingles: a one-word edit in a 25-word sentence keeps Jaccard near
  0.75, while unrelated sentences share almost none (2-shingles like "of the"
  are shared by everything and flood the buckets).
- 32 bands of 3 rows: a pair with Jaccard 0.4 becomes a candidate with
  probability 0.88, 0.5 with 0.98, 0.6 with 0.999; pairs at 0.05 with 0.004.
  Candidates are verified on the true shingle sets afterwards, so the bands
  only need recall.
- Hashes are blake2b/splitmix64, never Python's `hash()`: signatures must be
  identical in every worker process and in the persisted index.
"""
from __future__ import annotations

import dataclasses
import datetime
import re
import unicodedata
from dataclasses import dataclass
from typing import List, Optional, Sequence, Tuple

import numpy as np

from transforms.common.records import DocPassages

_QUOTES = str.maketrans({c: "'" for c in '\u2018\u2019\u201a\u201b\u2032\u00b4`'} |
                        {c: '"' for c in '\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb'})
_NON_WORD = re.compile(r"[^\w\s]+", re.U)
_SPACE = re.compile(r'\s+', re.U)

_M1 = np.uint64(0xbf58476d1ce4e5b9)
_M2 = np.uint64(0x94d049bb133111eb)
_GOLDEN = np.uint64(0x9e3779b97f4a7c15)


def normalize_passage(text: str) -> str:
    """Case, quote styles, punctuation and whitespace folded away."""
    text = unicodedata.normalize('NFKC', text).translate(_QUOTES).lower()
    text = text.replace("'s ", ' s ').replace("'", '')
    return _SPACE.sub(' ', _NON_WORD.sub(' ', text)).strip()


_WORD = re.compile(r'\w+', re.U)


def passage_words(text: str) -> list:
    """The passage's words, lower-cased: quotes, punctuation and whitespace
    are never part of a word, so restyling them changes nothing."""
    if not unicodedata.is_normalized('NFKC', text):
        text = unicodedata.normalize('NFKC', text)
    return _WORD.findall(text.lower())


def mix64(x: np.ndarray) -> np.ndarray:
    """splitmix64's finalizer, elementwise on uint64 (wrapping arithmetic)."""
    x = x ^ (x >> np.uint64(30))
    x = x * _M1
    x = x ^ (x >> np.uint64(27))
    x = x * _M2
    return x ^ (x >> np.uint64(31))


_ASCII_WORD = np.array([chr(c).isalnum() or c == ord('_') for c in range(128)])


def word_characters(codes: np.ndarray) -> np.ndarray:
    """Which code points are word characters (regex \\w: alphanumeric or '_'):
    a table for ASCII, one Python check per distinct other code point."""
    out = _ASCII_WORD[np.minimum(codes, 127)]
    wide = codes >= 128
    if wide.any():
        distinct = np.unique(codes[wide])
        word = distinct[[chr(c).isalnum() for c in distinct.tolist()]]
        out[wide] = np.isin(codes[wide], word)
    return out


_POLY = 0x100000001b3 | 1
_POLY_INVERSE = pow(_POLY, -1, 2 ** 64)


def _powers(base: int, n: int) -> np.ndarray:
    """base**i mod 2**64 for i < n."""
    out = np.full(n, base, np.uint64)
    out[0] = 1
    return np.cumprod(out, dtype=np.uint64)


def word_tokens(text: str, spans: Sequence[Tuple[int, int]]) -> Tuple[np.ndarray, np.ndarray]:
    """(hash of every word of the spans in order, word count of each span).

    Vectorized over the whole article: the lower-cased text with every
    non-word character blanked is read as UTF-32 code points, words are the
    runs between blanks, and each word's hash is a polynomial over its code
    points taken from one prefix sum (position-free: multiplied back by the
    inverse power of its start). No Python loop per word."""
    lowered = text.lower()
    if len(lowered) != len(text) or not unicodedata.is_normalized('NFKC', text):
        # Rare: case folding or NFKC changes lengths; rebuild a text whose spans line up.
        pieces, new_spans, position = [], [], 0
        for start, end in spans:
            words = ' '.join(passage_words(text[start:end]))
            pieces.append(words)
            new_spans.append((position, position + len(words)))
            position += len(words) + 1
        return word_tokens(' '.join(pieces), new_spans) if pieces else (np.zeros(0, np.uint64), np.zeros(0, np.int64))
    codes = np.frombuffer(lowered.encode('utf-32-le'), np.uint32)
    n = len(codes)
    if n == 0 or not spans:
        return np.zeros(0, np.uint64), np.zeros(len(spans), np.int64)
    is_word = np.concatenate(([False], word_characters(codes), [False]))
    edges = np.diff(is_word.astype(np.int8))
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    prefix = np.concatenate((np.zeros(1, np.uint64),
                             np.cumsum((codes.astype(np.uint64) + np.uint64(1)) * _powers(_POLY, n), dtype=np.uint64)))
    hashes = mix64((prefix[ends] - prefix[starts]) * _powers(_POLY_INVERSE, n)[starts]
                   ^ (ends - starts).astype(np.uint64))
    span_starts = np.array([s for s, _ in spans], np.int64)
    span_ends = np.array([e for _, e in spans], np.int64)
    owner = np.searchsorted(span_starts, starts, side='right') - 1
    inside = (owner >= 0) & (ends <= span_ends[np.maximum(owner, 0)])
    return hashes[inside], np.bincount(owner[inside], minlength=len(spans)).astype(np.int64)


def node_key(published_date: Optional[datetime.date], doc_id: str, index: int,
             first_seen: Optional[int] = None) -> str:
    """A passage's identity in the reuse graph; sorting node keys sorts by
    canonical rank: dated before undated, earliest first, then doc_id, then
    passage order. The smallest key of a cluster is its canonical member.

    `first_seen` (epoch seconds) marks a passage a streaming job remembers
    from an earlier window: it ranks before every passage of the window at
    hand, earliest seen first, whatever the dates say (rows already written
    named it canonical)."""
    return indexed_node_key(node_prefix(published_date, doc_id, first_seen), index)


def indexed_node_key(prefix: str, index: int) -> str:
    """The node key of passage `index` of the article whose keys start with `prefix`."""
    return f'{prefix}{index:06d}'


SEEN_MARK = '+'   # sorts before '0' (dated) and '1' (undated)
_SEEN_WIDTH = 1 + 12


def node_prefix(published_date: Optional[datetime.date], doc_id: str, first_seen: Optional[int] = None) -> str:
    """The part of an article's node keys shared by all its passages."""
    seen = '' if first_seen is None else f'{SEEN_MARK}{int(first_seen):012d}'
    return seen + (f'0{published_date.isoformat()}|{doc_id}|' if published_date else f'19999-99-99|{doc_id}|')


def node_published_date(key: str) -> Optional[datetime.date]:
    """The published date a node key carries (None when undated)."""
    if key.startswith(SEEN_MARK):
        key = key[_SEEN_WIDTH:]
    return None if key[0] == '1' else datetime.date.fromisoformat(key[1:11])


def parse_node_key(key: str) -> Tuple[str, int]:
    """(doc_id, passage index) of a node key."""
    head, index = key.rsplit('|', 1)
    return head.split('|', 1)[1], int(index)


@dataclass(frozen=True)
class SignatureParams:
    """The reuse detector's parameters; an index written with other values
    cannot be read (its band keys would never match)."""
    shingle_words: int = 3
    bands: int = 32
    rows: int = 3
    min_words: int = 8          # shorter passages get no shingles: they join a match only as a neighbour
    seed: int = 20180531

    @property
    def num_perm(self) -> int:
        return self.bands * self.rows

    def as_metadata(self) -> dict:
        return {'shingle_words': self.shingle_words, 'bands': self.bands, 'rows': self.rows,
                'min_words': self.min_words, 'seed': self.seed}


@dataclass
class DocSignature:
    """An article's passages, signed: the coarse element of reuse detection.

    One row per passage with words: `indexes` are passage indexes in the
    article, `n_words` their word counts, `words[word_offsets[i]:...]` each
    one's sorted unique word hashes. Rows with at least `min_words` words are
    *signed*: `shingles[offsets[i]:offsets[i+1]]` is the sorted unique
    shingle set (empty for shorter rows), and `band_keys` holds the LSH band
    keys of the signed rows, in row order. Shorter passages never seed a
    match; they join one as the neighbour of a copied passage. `from_index`
    marks passages read from a persisted index of earlier runs."""
    doc_id: str
    published_date: Optional[datetime.date]
    indexes: np.ndarray          # int32 (n,)
    passage_ids: tuple           # (n,) str
    n_words: np.ndarray          # int32 (n,)
    offsets: np.ndarray          # int64 (n+1,)
    shingles: np.ndarray         # uint64 (offsets[-1],)
    band_keys: np.ndarray        # uint64 (signed rows, bands)
    word_offsets: np.ndarray = None   # int64 (n+1,)
    words: np.ndarray = None          # uint64 (word_offsets[-1],)
    from_index: bool = False
    first_seen: Optional[int] = None  # streaming: epoch seconds of the window that first saw it

    def __len__(self) -> int:
        return len(self.indexes)

    def shingle_set(self, i: int) -> np.ndarray:
        return self.shingles[self.offsets[i]:self.offsets[i + 1]]

    def word_set(self, i: int) -> np.ndarray:
        return self.words[self.word_offsets[i]:self.word_offsets[i + 1]]

    def signed_rows(self) -> np.ndarray:
        """Rows that have band keys (band_keys[j] belongs to row signed_rows()[j])."""
        return np.flatnonzero(np.diff(self.offsets) > 0)

    def without_band_keys(self) -> 'DocSignature':
        """What verification needs of a source article: everything but the band keys."""
        return dataclasses.replace(self, band_keys=np.zeros((0, 0), np.uint64))

    def node_keys(self, rows: Sequence[int]) -> List[str]:
        """node(row) of each of `rows`, with the article's key prefix made once."""
        prefix = node_prefix(self.published_date, self.doc_id, self.first_seen)
        indexes = self.indexes.tolist()
        return [indexed_node_key(prefix, indexes[row]) for row in rows]

    def select(self, rows: Sequence[int]) -> 'DocSignature':
        """The signature of some of its passages (rows in order)."""
        rows = np.asarray(list(rows), np.int64)
        offsets, shingles = pack_sets([self.shingle_set(r) for r in rows.tolist()])
        word_offsets, words = pack_sets([self.word_set(r) for r in rows.tolist()])
        band_row = {row: j for j, row in enumerate(self.signed_rows().tolist())}
        keep_keys = [band_row[r] for r in rows.tolist() if r in band_row]
        return DocSignature(
            self.doc_id, self.published_date, self.indexes[rows], tuple(self.passage_ids[r] for r in rows.tolist()),
            self.n_words[rows], offsets, shingles, self.band_keys[keep_keys], word_offsets, words, self.from_index,
            self.first_seen)


class PassageSignatures:
    """Signs an article's passages (text in, DocSignature out). No Beam."""

    def __init__(self, params: SignatureParams = SignatureParams()):
        self.params = params
        rng = np.random.default_rng(params.seed)
        # Permutation p maps a (uniformly mixed) shingle hash x to a_p * x + b_p
        # mod 2**64 with a_p odd: a bijection, two vector operations instead
        # of a full mix per (shingle, permutation).
        self._perm_mult = rng.integers(0, 2 ** 63, size=params.num_perm, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
        self._perm_add = rng.integers(0, 2 ** 63, size=params.num_perm, dtype=np.uint64)
        self._band_salts = mix64(np.arange(1, params.bands + 1, dtype=np.uint64) * _GOLDEN)
        self._shingle_mult = mix64(np.arange(1, params.shingle_words + 1, dtype=np.uint64) + _GOLDEN) | np.uint64(1)

    def sign(self, doc_id: str, published_date: Optional[datetime.date], text: str,
             passages: Sequence[Tuple[int, str, int, int]]) -> DocSignature:
        """`passages`: (index, passage_id, char_start, char_end) in article order."""
        k = self.params.shingle_words
        tokens, lengths = word_tokens(text, [(start, end) for _, _, start, end in passages])
        has_words = lengths > 0
        kept = [(index, passage_id) for (index, passage_id, _, _), ok in zip(passages, has_words.tolist()) if ok]
        lengths = lengths[has_words]
        n = len(kept)
        eligible = lengths >= max(self.params.min_words, k)
        word_offsets, words = unique_sets(tokens, np.repeat(np.arange(n), lengths), n)
        signed = np.flatnonzero(eligible)
        m = len(signed)
        if m:
            tokens = tokens[np.repeat(eligible, lengths)]
            signed_lengths = lengths[eligible].astype(np.int64)
            # Shingle j of the concatenation starts at token j; keep those inside one passage.
            window = len(tokens) - k + 1
            combined = np.zeros(window, np.uint64)
            for j in range(k):
                combined = combined + tokens[j:j + window] * self._shingle_mult[j]
            combined = mix64(combined)
            starts = np.concatenate(([0], np.cumsum(signed_lengths)[:-1]))
            counts = signed_lengths - k + 1
            position = np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)
            shingles = combined[np.repeat(starts, counts) + position]
            # MinHash: one pass over a (shingles x permutations) matrix, minima per passage.
            hashed = shingles[:, None] * self._perm_mult[None, :] + self._perm_add[None, :]
            signature = np.minimum.reduceat(hashed, np.concatenate(([0], np.cumsum(counts)[:-1])), axis=0)
            bands = signature.reshape(m, self.params.bands, self.params.rows)
            keys = np.broadcast_to(self._band_salts, (m, self.params.bands)).copy()
            for r in range(self.params.rows):
                keys = mix64(keys ^ bands[:, :, r])
            offsets, unique_shingles = unique_sets(shingles, np.repeat(signed, counts), n)
        else:
            keys = np.zeros((0, self.params.bands), np.uint64)
            offsets, unique_shingles = np.zeros(n + 1, np.int64), np.zeros(0, np.uint64)
        return DocSignature(
            doc_id=doc_id, published_date=published_date,
            indexes=np.array([index for index, _ in kept], np.int32),
            passage_ids=tuple(pid for _, pid in kept), n_words=lengths.astype(np.int32),
            offsets=offsets, shingles=unique_shingles, band_keys=keys,
            word_offsets=word_offsets, words=words)


def pack_sets(sets: Sequence[np.ndarray]) -> Tuple[np.ndarray, np.ndarray]:
    """(offsets, values): a list of uint64 sets as DocSignature stores them."""
    offsets = np.concatenate(([0], np.cumsum([len(s) for s in sets]))).astype(np.int64)
    return offsets, np.concatenate(sets) if len(sets) else np.zeros(0, np.uint64)


def unique_sets(values: np.ndarray, owner: np.ndarray, n: int) -> Tuple[np.ndarray, np.ndarray]:
    """(offsets, values): each owner's sorted unique values, for all owners
    (0..n-1, non-decreasing in `owner`) in one sort."""
    order = np.lexsort((values, owner))
    owner, ordered = owner[order], values[order]
    fresh = np.concatenate(([True], (ordered[1:] != ordered[:-1]) | (owner[1:] != owner[:-1])))[:len(ordered)]
    return np.searchsorted(owner[fresh], np.arange(n + 1)).astype(np.int64), ordered[fresh]


def shingle_overlaps(a: DocSignature, rows_a: np.ndarray, b: DocSignature, rows_b: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
    """`shingle_overlap` of many passage pairs at once: (Jaccard, containment)
    arrays for the shingle sets of rows_a[k] of `a` and rows_b[k] of `b`.
    Each set is unique, so a shingle both sides share appears twice among
    one pair's values: one sort of every pair's values counts them all."""
    size_a = a.offsets[rows_a + 1] - a.offsets[rows_a]
    size_b = b.offsets[rows_b + 1] - b.offsets[rows_b]
    pairs = np.arange(len(rows_a))
    values = np.concatenate((a.shingles[_spans(a.offsets[rows_a], size_a)], b.shingles[_spans(b.offsets[rows_b], size_b)]))
    pair = np.concatenate((np.repeat(pairs, size_a), np.repeat(pairs, size_b)))
    order = np.lexsort((values, pair))
    values, pair = values[order], pair[order]
    twice = (values[1:] == values[:-1]) & (pair[1:] == pair[:-1])
    shared = np.bincount(pair[1:][twice], minlength=len(rows_a))
    return overlap_ratios(shared, size_a, size_b)


def overlap_ratios(shared: np.ndarray, size_a: np.ndarray, size_b: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
    """(Jaccard, containment of the smaller in the larger) arrays of set pairs
    from their sizes and shared counts, as shingle_overlap computes them (0
    when a set is empty)."""
    smaller = np.minimum(size_a, size_b)
    empty = smaller == 0
    jaccard = np.where(empty, 0.0, shared / np.maximum(size_a + size_b - shared, 1))
    containment = np.where(empty, 0.0, shared / np.maximum(smaller, 1))
    return jaccard, containment


def _spans(starts: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """The positions starts[k], ..., starts[k] + sizes[k] - 1 for every k, in order."""
    total = int(sizes.sum())
    if total == 0:
        return np.zeros(0, np.int64)
    ends = np.cumsum(sizes)
    return np.arange(total) + np.repeat(starts - (ends - sizes), sizes)


def shingle_overlap(a: np.ndarray, b: np.ndarray) -> Tuple[float, float]:
    """(Jaccard, containment of the smaller set in the larger) of two sorted
    unique shingle arrays."""
    if len(a) == 0 or len(b) == 0:
        return 0.0, 0.0
    if len(a) > len(b):
        a, b = b, a
    found = np.searchsorted(b, a)
    shared = int(np.count_nonzero(b[np.minimum(found, len(b) - 1)] == a))
    return shared / (len(a) + len(b) - shared), shared / min(len(a), len(b))


@dataclass
class SignatureTable:
    """A whole run's signatures as one set of arrays, for the steps that
    flag a run held in memory in numpy instead of per article. Articles in
    doc_id order, their rows one after the other: article d owns rows
    base[d]:base[d + 1]. Shingle and word sets stay where they are in one
    concatenation of every article's arrays (starts and sizes per row)."""
    signatures: list              # DocSignature, by doc_id
    doc_ids: list
    base: np.ndarray              # int64 (docs + 1,)
    doc: np.ndarray               # int64 (rows,): the article of each row
    indexes: np.ndarray           # int64 (rows,): passage index of each row
    n_words: np.ndarray           # int64 (rows,)
    shingle_start: np.ndarray     # int64 (rows,)
    shingle_size: np.ndarray      # int64 (rows,)
    shingles: np.ndarray          # uint64
    word_start: np.ndarray        # int64 (rows,)
    word_size: np.ndarray         # int64 (rows,)
    words: np.ndarray             # uint64

    def __len__(self) -> int:
        return len(self.indexes)

    def node_keys(self) -> List[str]:
        """The node key of every row."""
        keys = []
        for s in self.signatures:
            keys.extend(s.node_keys(range(len(s))))
        return keys


def signature_table(signatures: Sequence[DocSignature]) -> SignatureTable:
    """The SignatureTable of some articles' signatures (distinct doc_ids)."""
    signatures = sorted(signatures, key=lambda s: s.doc_id)
    sizes = np.array([len(s) for s in signatures], np.int64)
    base = np.concatenate(([0], np.cumsum(sizes))).astype(np.int64)

    def column(get, dtype):
        parts = [np.asarray(get(s), dtype) for s in signatures]
        return np.concatenate(parts) if parts else np.zeros(0, dtype)

    def sets(offsets_of, values_of):
        shift = np.cumsum([0] + [len(values_of(s)) for s in signatures])[:-1].astype(np.int64)
        start = column(lambda s: offsets_of(s)[:-1], np.int64) + np.repeat(shift, sizes)
        size = column(lambda s: np.diff(offsets_of(s)), np.int64)
        return start, size, column(values_of, np.uint64)

    shingle_start, shingle_size, shingles = sets(lambda s: s.offsets, lambda s: s.shingles)
    word_start, word_size, words = sets(lambda s: s.word_offsets, lambda s: s.words)
    return SignatureTable(signatures, [s.doc_id for s in signatures], base,
                          np.repeat(np.arange(len(signatures), dtype=np.int64), sizes),
                          column(lambda s: s.indexes, np.int64), column(lambda s: s.n_words, np.int64),
                          shingle_start, shingle_size, shingles, word_start, word_size, words)


def shared_counts(values: np.ndarray, start: np.ndarray, size: np.ndarray, rows_a: np.ndarray, rows_b: np.ndarray,
                  chunk: int = 4_000_000) -> np.ndarray:
    """|set(rows_a[k]) & set(rows_b[k])| for every k, where row r's set is the
    sorted unique values[start[r]:start[r] + size[r]] (a SignatureTable's
    shingles or words). Every b set goes into one sorted array keyed by
    (pair, high 32 bits of the value); each value of an a set is looked up
    there and compared in full (values sharing their high bits inside one set
    are rare: those are scanned one by one)."""
    out = np.zeros(len(rows_a), np.int64)
    size_a, size_b = size[rows_a], size[rows_b]
    total = np.cumsum(size_a + size_b)
    first = 0
    while first < len(rows_a):
        last = int(np.searchsorted(total, (total[first - 1] if first else 0) + chunk, side='right'))
        last = min(max(last, first + 1), len(rows_a))
        part = slice(first, last)
        pairs = np.arange(last - first, dtype=np.uint64)
        a = values[_spans(start[rows_a[part]], size_a[part])]
        b = values[_spans(start[rows_b[part]], size_b[part])]
        owner_a = np.repeat(pairs, size_a[part])
        key_a = (owner_a << np.uint64(32)) | (a >> np.uint64(32))
        key_b = (np.repeat(pairs, size_b[part]) << np.uint64(32)) | (b >> np.uint64(32))
        if len(b):
            position = np.minimum(np.searchsorted(key_b, key_a), len(b) - 1)
            near = key_b[position] == key_a
            hit = near & (b[position] == a)
            for k in np.flatnonzero(near & ~hit).tolist():
                p = int(position[k]) + 1
                while p < len(b) and key_b[p] == key_a[k]:
                    if b[p] == a[k]:
                        hit[k] = True
                        break
                    p += 1
            out[part] = np.bincount(owner_a[hit].astype(np.int64), minlength=last - first)
        first = last
    return out


def sign_doc(signer: PassageSignatures, doc: DocPassages) -> DocSignature:
    """The signature of an article's passages."""
    return signer.sign(doc.article.doc_id, doc.article.published_date, doc.article.text,
                       [(p.index, p.passage_id, p.char_start, p.char_end) for p in doc.passages])
