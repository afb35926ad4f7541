"""Typed records that flow between the pipeline's steps.

Plain dataclasses with no Beam in them: the same records are built by the
plain functions in `transforms/`, checked in unit tests and carried in Beam
PCollections (Beam pickles them; every field is a plain Python value so the
coder is deterministic).
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass, field, replace
from typing import Optional

FORMATS = ('text', 'html', 'jsonl', 'warc')


@dataclass(frozen=True)
class RawRecord:
    """One input record: a whole file for text/HTML, a line of JSON Lines,
    a response record of a WARC file. `payload` holds the bytes of the
    article itself (page text or HTML), already decompressed."""
    source_uri: str            # file path, '#N' appended for record N of a multi-record file
    format: str                # one of FORMATS; for jsonl/warc the container format
    payload: bytes             # the article bytes (text or HTML)
    content_kind: str          # 'text' or 'html': how to read `payload`
    raw: bytes = b''           # the original record bytes, for rejects (JSON line, WARC record)
    url: Optional[str] = None
    title: Optional[str] = None
    date: Optional[str] = None     # a date given by the record itself (JSON field), unparsed
    record_id: Optional[str] = None
    charset: Optional[str] = None  # charset declared by a container (HTTP header)
    raw_path: Optional[str] = None  # the file the record's bytes are in ...
    raw_offset: int = 0             # ... and where they start in its (decompressed) content

    @property
    def original(self) -> bytes:
        """The bytes a reject of this record keeps: the record as it was read."""
        return self.raw or self.payload


@dataclass(frozen=True)
class Reject:
    """An input that could not become an article; `raw` keeps its bytes, and
    `raw_path` / `raw_offset` say where they are in the input, so that bytes
    too large to keep inline (`without_inline_raw`) are kept by reference
    (transforms/read/raw_bytes.py reads them back)."""
    source_uri: str
    stage: str       # 'read', 'decode', 'extract', 'parse', ...
    error: str       # short machine-readable error class, e.g. 'empty_input'
    message: str     # one sentence a person understands
    size_bytes: int
    raw: bytes = b''
    raw_path: Optional[str] = None
    raw_offset: Optional[int] = None

    @classmethod
    def of(cls, item, stage: str, error: str, message: str) -> 'Reject':
        """The reject of a RawRecord or Draft, with its original bytes and where they are."""
        raw = item.original if isinstance(item, RawRecord) else item.raw
        size = len(raw) or getattr(item, 'raw_size', 0)
        return cls(item.source_uri, stage, error, message, size, raw, item.raw_path,
                   item.raw_offset if item.raw_path else None)

    def without_inline_raw(self, max_inline_bytes: int) -> 'Reject':
        """The same reject with `raw` dropped when it is larger than
        `max_inline_bytes` and its location in the input is known."""
        if len(self.raw) <= max_inline_bytes or self.raw_path is None:
            return self
        return replace(self, raw=b'')


@dataclass(frozen=True)
class Line:
    """One line of a text dump, with its position in the decoded text."""
    index: int
    text: str


@dataclass(frozen=True)
class Cut:
    """A line, or a part of one, that was taken out of the body, and why.
    Header lines moved into fields (title, byline, ...) are recorded too, so
    every line of the input that is not in `text` is explained."""
    line_index: int
    text: str
    reason: str


@dataclass(frozen=True)
class HeaderFields:
    """What a header (or trailer) of an article told us."""
    title: Optional[str] = None
    published_date: Optional[datetime.date] = None
    date_source: str = 'none'
    authors: tuple = ()
    publisher: Optional[str] = None
    wire_credit: Optional[str] = None

    def filled_from(self, other: 'HeaderFields') -> 'HeaderFields':
        """These fields, with the ones missing here taken from `other`; a date
        keeps its own date_source."""
        dated = self.published_date is not None
        return HeaderFields(
            title=self.title or other.title,
            published_date=self.published_date if dated else other.published_date,
            date_source=self.date_source if dated else other.date_source,
            authors=tuple(self.authors) or tuple(other.authors),
            publisher=self.publisher or other.publisher,
            wire_credit=self.wire_credit or other.wire_credit,
        )


@dataclass(frozen=True)
class Article:
    """An article after extraction: clean body plus metadata."""
    doc_id: str
    source_uri: str
    format: str
    url: Optional[str]
    title: Optional[str]
    published_date: Optional[datetime.date]
    date_source: str
    authors: tuple
    publisher: Optional[str]
    wire_credit: Optional[str]
    text: str
    language: str = 'und'
    language_prob: float = 0.0
    cuts: tuple = ()           # tuple[Cut, ...]: what was removed from the body


@dataclass(frozen=True)
class Passage:
    """A unit of `Article.text` that reuse detection works on."""
    doc_id: str
    passage_id: str
    index: int
    char_start: int
    char_end: int
    text: str


@dataclass(frozen=True)
class PassageMatch:
    """A passage found in a reuse cluster."""
    doc_id: str
    passage_id: str
    is_duplicate: bool
    cluster_id: str
    canonical_doc_id: str
    canonical_passage_id: str
    similarity: float


@dataclass(frozen=True)
class Cluster:
    cluster_id: str
    canonical_doc_id: str
    canonical_passage_id: str
    size: int
    doc_ids: tuple
    first_published: Optional[datetime.date]


@dataclass(frozen=True)
class ClusterBatch:
    """Cluster rows on their way to the table, many to an element. One
    object, so Beam pickles a batch once: as a list, every Cluster in it was
    pickled (and its date in the row) on its own, at each step boundary,
    about 100,000 of them on 2,373 bench articles."""
    clusters: tuple

    def __iter__(self):
        return iter(self.clusters)

    def __len__(self) -> int:
        return len(self.clusters)


@dataclass
class DocPassages:
    """An article with its passages: the coarse element of the reuse step."""
    article: Article
    passages: list = field(default_factory=list)


@dataclass(frozen=True)
class Draft:
    """An article on its way through extraction: decoded, not yet assembled.

    Text dumps arrive with every line of the page in `lines`; HTML arrives in
    `html` and leaves ExtractHtml with the extracted paragraphs in `lines`.
    Each step moves lines out of `lines` into `fields` or `cuts`.
    """
    doc_id: str
    source_uri: str
    format: str                 # the input format (text, html, jsonl, warc)
    content_kind: str           # 'text' or 'html'
    url: Optional[str]
    lines: tuple = ()           # tuple[Line, ...]
    html: Optional[str] = None
    fields: HeaderFields = HeaderFields()
    known: HeaderFields = HeaderFields()   # what the record itself said (JSON title/date): wins over guesses
    cuts: tuple = ()            # tuple[Cut, ...]
    # The original bytes, for a reject if no body is left: only when they
    # cannot be read back from raw_path/raw_offset (records made in memory);
    # otherwise a reject reads them back (read.raw_bytes.with_raw_kept) rather than
    # every draft pickling its page's bytes through each shuffle and buffer.
    raw: bytes = b''
    raw_path: Optional[str] = None   # where the original bytes are in the input (see RawRecord)
    raw_offset: int = 0
    raw_size: int = 0                # how many there are


@dataclass(frozen=True)
class FlaggedDoc:
    """An article with its reuse results: what WriteTables turns into rows."""
    article: Article
    unique_text: str
    dup_ratio: float
    passages: tuple    # tuple[(Passage, PassageMatch | None), ...]
