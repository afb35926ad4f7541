"""Header and trailer fields of a text dump, as plain functions (no Beam).

A text dump is every visible line of one article, top to bottom. Its first
lines may carry a header: a `date 2018-05-31 ` prefix glued to the first
sentence, `Date:` / `Published:` / `Updated:` lines, a headline, a byline,
and a dateline opening the first paragraph (`WASHINGTON (Reuters) - `). Its
last lines may carry a wire credit (`Contributing: The Associated Press`), or
a trailing byline with an author bio. `split_headers` moves all of these into
`HeaderFields` and records each removed line, or part of a line, as a `Cut`;
the rest is left for boilerplate stripping.

Each kind of line is read by its own module: header_dates, titles, bylines,
datelines, wire_credits. This one decides which lines they are asked about
and in what order, and never raises.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Optional, Sequence

import apache_beam as beam

from transforms.common.records import Cut, Draft, HeaderFields, Line
from transforms.common.text_primitives import collapse_whitespace, is_prose, words_of
from transforms.text.bylines import EXPLICIT_BYLINE, is_image_credit, parse_byline_parts, split_trailing_byline
from transforms.text.datelines import parse_dateline
from transforms.text.header_dates import parse_date, parse_date_line, split_date_header
from transforms.text.titles import CALL_TO_ACTION, looks_like_title
from transforms.text.wire_credits import REUTERS_TRAILER_GLUED, find_agency, normalize_agency, parse_credit_line

__all__ = ['HEADER_REASONS', 'HeaderSplit', 'SplitHeaders', 'split_draft_headers', 'split_headers']


# Cut reasons of lines moved into a field (title, date, authors, wire credit)
# rather than removed as boilerplate; 'author_bio' is boilerplate.
HEADER_REASONS = frozenset({'title', 'date_header', 'byline', 'dateline', 'wire_credit'})


@dataclass(frozen=True)
class HeaderSplit:
    lines: tuple        # tuple[Line, ...]: lines left for the body (a line may be shortened)
    fields: HeaderFields
    cuts: tuple         # tuple[Cut, ...]


def _similar(a: str, b: str) -> bool:
    wa = {w.lower() for w in words_of(a)}
    wb = {w.lower() for w in words_of(b)}
    if not wa or not wb:
        return False
    # Against the longer side: a paragraph that merely contains the title's
    # words (a whole page glued into one line) is not the title.
    return len(wa & wb) / max(len(wa), len(wb)) >= 0.8


def _rank(kind: str) -> int:
    return {'published': 3, 'header': 3, 'date': 2, 'updated': 1}.get(kind, 0)


def split_headers(lines: Sequence[Line], *, find_title: bool = True,
                  known: HeaderFields = HeaderFields()) -> HeaderSplit:
    """Move the header and trailer of a text dump into fields.

    Top of the text (before the prose starts): a date glued to the first
    sentence, date lines (published wins over updated), a headline (only
    when `find_title`), bylines; then a dateline opening the first body
    paragraph. Bottom: wire credit lines, a Reuters-style trailer glued to
    the last paragraph, a trailing byline with the author's bio. Fields in
    `known` are kept as given. Never raises."""
    try:
        return _split_headers(tuple(lines or ()), find_title, known or HeaderFields())
    except Exception:  # pragma: no cover - last-resort guard
        return HeaderSplit(tuple(lines or ()), known or HeaderFields(), ())


def _split_headers(lines: tuple, find_title: bool, known: HeaderFields) -> HeaderSplit:
    lines = tuple(ln if isinstance(ln, Line) else Line(i, str(ln)) for i, ln in enumerate(lines))
    scan = _HeaderScan(lines)
    if not scan.nonempty:
        return HeaderSplit(lines, known, ())
    scan.take_glued_date()
    region = scan.header_region()
    scan.take_header_lines(region, find_title, known)
    body_start = scan.take_dateline(region)
    scan.take_credits(body_start)
    scan.take_trailing_byline()
    return HeaderSplit(scan.body_lines(), scan.fields(known), scan.sorted_cuts())


class _HeaderScan:
    """One text dump's header split under way: the lines taken out whole
    (`removed`) or shortened (`replaced`), the cuts, the fields found so far.
    Its steps run top to bottom, each on the text the ones before it left;
    positions are indexes in `lines`."""

    def __init__(self, lines: tuple):
        self.lines = lines
        self.nonempty = [i for i, ln in enumerate(lines) if ln.text.strip()]
        self.removed = {}                 # index in `lines` -> reason (whole line cut)
        self.replaced = {}                # index in `lines` -> new text
        self.cuts = []
        self.title = None
        self.title_line = None
        self.dates = []                   # (rank, order, date, source)
        self.authors = []
        self.publisher = None
        self.wire = None
        self.dateline_date = None

    def text_of(self, i: int) -> str:
        return self.replaced.get(i, self.lines[i].text)

    def cut(self, i: int, text: str, reason: str) -> None:
        self.cuts.append(Cut(self.lines[i].index, collapse_whitespace(text), reason))

    def remove(self, i: int, text: str, reason: str) -> None:
        """Line i leaves the body whole, recorded as a cut of `text`."""
        self.removed[i] = reason
        self.cut(i, text, reason)

    def record_byline(self, names, org) -> None:
        """A byline's names join the authors; its organisation is a wire agency or the outlet."""
        self.authors.extend(n for n in names if n not in self.authors)
        agency = find_agency(org) if org else None
        if agency:
            self.wire = self.wire or agency
        elif org:
            self.publisher = self.publisher or org

    # ---- top
    def take_glued_date(self) -> None:
        """A date prefix glued to the first non-empty line (`date 2018-05-31 North Korean ...`)."""
        first = self.nonempty[0]
        d, prefix, rest = split_date_header(self.lines[first].text)
        if d is not None:
            self.dates.append((_rank('header'), 0, d, 'header'))
            self.cut(first, prefix, 'date_header')
            if rest.strip():
                self.replaced[first] = rest
            else:
                self.removed[first] = 'date_header'

    def header_region(self) -> list:
        """The lines before the prose starts (at most 15)."""
        region = []
        for i in self.nonempty[:15]:
            if is_prose(self.text_of(i)) and len(words_of(self.text_of(i))) >= 12 \
                    and not CALL_TO_ACTION.search(self.text_of(i)):
                break
            region.append(i)
        return region

    def take_header_lines(self, region: list, find_title: bool, known: HeaderFields) -> None:
        """Date lines, bylines (and an agency's line under one) and the headline, in the header region."""
        for order, i in enumerate(region, start=1):
            if i in self.removed:
                continue
            t = collapse_whitespace(self.text_of(i))
            if self.take_date_line(i, t, order) or self.take_agency_line(i, t, region) \
                    or self.take_byline(i, t, order):
                continue
            if self.title_line is None and self.title is None:
                self.take_title(i, t, find_title, known)

    def take_date_line(self, i: int, t: str, order: int) -> bool:
        dl = parse_date_line(t)
        if not dl:
            return False
        kind, dd = dl
        self.dates.append((_rank(kind), order, dd, 'header'))
        self.remove(i, t, 'date_header')
        return True

    def take_agency_line(self, i: int, t: str, region: list) -> bool:
        """The agency on its own line under a byline ("By JANE DOE" / "Associated Press")."""
        prev = [j for j in region if j < i][-1:]
        if prev and self.removed.get(prev[0]) == 'byline' and normalize_agency(t):
            self.wire = self.wire or normalize_agency(t)
            self.remove(i, t, 'byline')
            return True
        return False

    def take_byline(self, i: int, t: str, order: int) -> bool:
        """A byline, possibly with the date after it ("By Jane Doe | May 31, 2018")."""
        bp = parse_byline_parts(t)
        if bp and (EXPLICIT_BYLINE.match(t) or self.title_line is not None or bp[1]):
            self.record_byline(*bp)
            dd = parse_date(t)
            if dd:
                self.dates.append((_rank('date'), order, dd, 'header'))
            self.remove(i, t, 'byline')
            return True
        return False

    def take_title(self, i: int, t: str, find_title: bool, known: HeaderFields) -> None:
        """The headline: the line like the known title; with none known (and
        `find_title`), a line that looks like one, with more lines after it
        and no image credit right under it (that makes it a caption)."""
        nxt = [j for j in self.nonempty if j > i][:1]
        next_is_credit = bool(nxt) and is_image_credit(self.text_of(nxt[0]))
        has_more = any(j > i for j in self.nonempty)
        if known.title:
            if _similar(t, known.title):
                self.title_line = i
        elif find_title and has_more and not next_is_credit and looks_like_title(t) \
                and len(words_of(t)) >= 4:
            self.title_line = i
            self.title = t
        if self.title_line == i:
            self.remove(i, t, 'title')

    def take_dateline(self, region: list) -> Optional[int]:
        """A dateline at the start of the first body paragraph: the first
        remaining line of the header region or the line right after it.
        Returns the first body line (None when nothing follows the header)."""
        after = [i for i in self.nonempty if i not in self.removed and i not in region][:1]
        candidates = [i for i in region if i not in self.removed] + after
        body_start = after[0] if after else None
        for i in candidates:
            dl = parse_dateline(self.text_of(i))
            if dl.prefix and len(words_of(dl.rest)) >= 3:
                body_start = i
                self.cut(i, dl.prefix, 'dateline')
                self.replaced[i] = dl.rest
                if dl.agency:
                    self.wire = self.wire or dl.agency
                self.dateline_date = dl.date
                break
        return body_start

    # ---- bottom
    def take_credits(self, body_start: Optional[int]) -> None:
        """Wire credit lines (the last lines, scanned upwards) and a Reuters
        trailer glued to the last body line. The agency a credit names wins
        over one the header or dateline named."""
        credit_wire = None
        tail = [i for i in self.nonempty if i not in self.removed and i != body_start][-15:]
        for i in reversed(tail):
            t = collapse_whitespace(self.text_of(i))
            is_credit, ag = parse_credit_line(t)
            if is_credit:
                self.remove(i, t, 'wire_credit' if ag else 'byline')
                if ag and credit_wire is None:
                    credit_wire = ag
        rem = [i for i in self.nonempty if i not in self.removed]
        if rem:
            last = rem[-1]
            t = self.text_of(last)
            m = REUTERS_TRAILER_GLUED.search(t)
            if m and m.start() > 0 and t[:m.start()].strip():
                self.cut(last, m.group('credit'), 'wire_credit')
                self.replaced[last] = t[:m.start()].rstrip()
                credit_wire = credit_wire or 'Reuters'
        self.wire = credit_wire or self.wire

    def take_trailing_byline(self) -> None:
        """A byline near the end, with the author's bio after it."""
        rem_lines = [Line(self.lines[i].index, self.text_of(i)) for i in self.nonempty if i not in self.removed]
        tb = split_trailing_byline(rem_lines)
        if tb and not (len(rem_lines) <= 2 and not tb[3]):
            names, org, bl, bio = tb
            pos = {ln.index: k for k, ln in enumerate(self.lines)}
            k = pos.get(bl.index)
            if k is not None and k not in self.removed:
                self.record_byline(names, org)
                self.remove(k, bl.text, 'byline')
                for b in bio:
                    kb = pos.get(b.index)
                    if kb is not None and kb not in self.removed:
                        self.remove(kb, b.text, 'author_bio')

    # ---- the result
    def fields(self, known: HeaderFields) -> HeaderFields:
        """The fields found, with `known` winning."""
        if known.published_date is not None:
            pub, src = known.published_date, known.date_source if known.date_source != 'none' else 'record'
        elif self.dates:
            best = sorted(self.dates, key=lambda x: (-x[0], x[1]))[0]
            pub, src = best[2], best[3]
        elif self.dateline_date is not None:
            pub, src = self.dateline_date, 'dateline'
        else:
            pub, src = None, known.date_source or 'none'
        return HeaderFields(
            title=known.title or self.title,
            published_date=pub,
            date_source=src,
            authors=tuple(known.authors) if known.authors else tuple(self.authors),
            publisher=known.publisher or self.publisher,
            wire_credit=known.wire_credit or self.wire,
        )

    def body_lines(self) -> tuple:
        """The lines left for the body, shortened where a part was cut."""
        out = []
        for i, ln in enumerate(self.lines):
            if i in self.removed:
                continue
            if i in self.replaced:
                out.append(Line(ln.index, self.replaced[i]))
            else:
                out.append(ln)
        return tuple(out)

    def sorted_cuts(self) -> tuple:
        return tuple(sorted(self.cuts, key=lambda c: c.line_index))


# --------------------------------------------------------------------------
# Beam wrapper.
# --------------------------------------------------------------------------

def split_draft_headers(draft: Draft) -> Draft:
    """Header lines of a draft moved into its fields. HTML drafts already have
    a title from the page, so only bylines, datelines and credits are looked for."""
    known = draft.known.filled_from(draft.fields)
    split = split_headers(draft.lines, find_title=draft.content_kind == 'text' and not known.title, known=known)
    return dataclasses.replace(draft, lines=tuple(split.lines), fields=draft.fields.filled_from(split.fields),
                               cuts=tuple(draft.cuts) + tuple(split.cuts))


class SplitHeaders(beam.PTransform):
    """Drafts -> drafts whose header and credit lines became fields."""

    def expand(self, drafts):
        return drafts | 'Split' >> beam.Map(split_draft_headers)
