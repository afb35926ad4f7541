"""Property-based tests (hypothesis) of the whole per-record chain as the
pipeline runs it, with no Beam, for text and HTML records (plain, JSON
Lines, WARC): decode -> extract -> split headers -> strip boilerplate -> cut
recurring lines -> assemble -> passages and language. A record gives
exactly one article or one reject, and what an article does not keep of its
lines is in its cuts. (The header split, the boilerplate strip and the
passage split have properties of their own in tests/text/.)"""
from __future__ import annotations

import re

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from tests.conftest import DEV_PAGE_IDS
from tests.record_strategies import (DATED_URLS, DETECTOR, DEV_PAGES, EXTRACTOR, JUNK_CHARSETS, LARGE_REPRS_ARE_FINE,
                                     MODEL, ODD_URLS, SEED_PARAGRAPHS, SLOW, byte_mutations, check_reject,
                                     decodable_bytes, deep_html, html_pages, json_line, json_text, nonspace,
                                     record_dates, seed_dump_bytes, seed_dumps)
from transforms.common.records import Article, Cut, RawRecord, Reject
from transforms.html.extract_html import HtmlTooDeep, extract_draft
from transforms.read.decode_records import (DecodeError, decode_record, draft_from_decoded, make_doc_id,
                                            parse_record_date)
from transforms.read.jsonl_records import parse_json_line
from transforms.text.assemble_articles import assemble_article
from transforms.text.detect_language import UNDETERMINED
from transforms.text.recurring_lines import cut_recurring_lines, line_key, source_of
from transforms.text.split_headers import split_draft_headers
from transforms.text.split_passages import split_passages
from transforms.text.strip_boilerplate import strip_draft

pytestmark = LARGE_REPRS_ARE_FINE


def run_chain(record: RawRecord, recurring_picks, max_article_chars=None) -> tuple:
    """Run one record through the per-record steps as the pipeline does.
    Returns (outputs, the draft that entered the header split or None, the
    draft that entered assembly or None)."""
    try:
        decoded = decode_record(record, max_article_chars)
    except DecodeError as exc:                                  # DecodeRecords
        return [Reject.of(record, 'decode', exc.error, str(exc))], None, None
    draft = draft_from_decoded(record, decoded)
    if draft.content_kind == 'html':
        try:
            draft = extract_draft(EXTRACTOR, draft)
        except HtmlTooDeep as exc:                              # ExtractHtml
            return [Reject.of(draft, 'extract', exc.error, str(exc))], None, None
    entered = draft
    draft = split_draft_headers(draft)
    # lines the corpus found recurring in this draft's source (FindRecurringLines)
    source = source_of(draft)
    recurring = {(source, line_key(draft.lines[i % len(draft.lines)].text))
                 for i in recurring_picks if draft.lines}
    draft = strip_draft(MODEL, draft)
    draft = cut_recurring_lines(draft, recurring)
    return [assemble_article(draft, max_article_chars)], entered, draft


def check_chain(record: RawRecord, recurring_picks, max_article_chars=None):
    outputs, entered, final = run_chain(record, recurring_picks, max_article_chars)
    assert len(outputs) == 1, outputs
    [out] = outputs
    assert isinstance(out, (Article, Reject)), out
    event(f'outcome: {type(out).__name__} {getattr(out, "stage", "")} {getattr(out, "error", "")}'.strip())
    original = record.raw or record.payload
    if isinstance(out, Reject):
        check_reject(out)
        assert out.stage in ('decode', 'extract'), out
        assert out.source_uri == record.source_uri
        assert out.raw == original and out.size_bytes == len(original), out   # never dropped: bytes kept
    if entered is None:
        assert isinstance(out, Reject)
        return out
    # Every line that entered the header split is in the body or in the cuts:
    # per line, what was kept and what was cut hold exactly its characters.
    assert final.cuts[:len(entered.cuts)] == entered.cuts
    new_cuts = final.cuts[len(entered.cuts):]
    assert all(isinstance(c, Cut) and c.reason for c in new_cuts)
    entered_indexes = [ln.index for ln in entered.lines]
    kept_indexes = [ln.index for ln in final.lines]
    assert set(kept_indexes) <= set(entered_indexes) and kept_indexes == sorted(set(kept_indexes))
    assert {c.line_index for c in new_cuts} <= set(entered_indexes)
    kept = {ln.index: ln.text for ln in final.lines}
    for ln in entered.lines:
        pieces = [c.text for c in new_cuts if c.line_index == ln.index] + [kept.get(ln.index, '')]
        assert nonspace(''.join(pieces)) == nonspace(ln.text), (ln, pieces)
    if isinstance(out, Reject):
        assert out.stage == 'extract', out    # nothing left of the body after extraction
        return out
    # The article: its body is what was kept, nothing else.
    assert out.text and out.text == out.text.strip(), repr(out.text[:80])
    assert not max_article_chars or len(out.text) <= max_article_chars
    assert nonspace(out.text) == nonspace(''.join(ln.text for ln in final.lines))
    assert out.cuts == final.cuts
    assert out.doc_id == make_doc_id(record.source_uri) and out.source_uri == record.source_uri
    assert out.format == record.format
    if record.url:
        assert out.url == record.url
    if record.title and record.title.strip():
        assert out.title == record.title.strip()            # the record's own title wins
    record_date = parse_record_date(record.date)
    if record_date:
        assert out.published_date == record_date and out.date_source == 'record'
    assert (out.published_date is None) == (out.date_source == 'none'), out
    # Passages: exact offsets, in order, not overlapping, covering the text.
    passages = split_passages(out.doc_id, out.text)
    end = 0
    for i, p in enumerate(passages):
        assert p.index == i and p.doc_id == out.doc_id
        assert out.text[p.char_start:p.char_end] == p.text and p.text
        assert p.char_start >= end
        end = p.char_end
    assert len({p.passage_id for p in passages}) == len(passages)
    assert nonspace(''.join(p.text for p in passages)) == nonspace(out.text)
    # Language: a code and its probability, or 'und' with 0, and the same twice.
    language, prob = DETECTOR.detect(out.text)
    assert isinstance(language, str) and isinstance(prob, float)
    if language == UNDETERMINED:
        assert prob == 0.0
    else:
        assert re.fullmatch('[a-z]{2,3}', language) and 0.0 < prob <= 1.0, (language, prob)
    assert DETECTOR.detect(out.text) == (language, prob)
    return out


recurring_picks = st.lists(st.integers(0, 10_000), max_size=4)
article_limits = st.sampled_from([None, None, 80, 1_000_000])   # --max-article-chars
source_uris = st.sampled_from(['/data/site-a/a.txt', 'gs://b/site/x.jsonl#4', 'page.html', '/w/c.warc.gz#2'])


@settings(max_examples=120, **SLOW, suppress_health_check=[HealthCheck.too_slow])
@given(payload=st.one_of(seed_dump_bytes, st.binary(max_size=400), decodable_bytes),
       uri=source_uris, charset=st.one_of(st.none(), JUNK_CHARSETS), picks=recurring_picks,
       limit=article_limits)
def test_chain_text_record_gives_one_article_or_one_reject(payload, uri, charset, picks, limit):
    record = RawRecord(source_uri=uri, format='text', payload=payload, content_kind='text', charset=charset)
    check_chain(record, picks, limit)


@settings(max_examples=80, **SLOW, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(html=st.one_of(html_pages, deep_html, st.text(max_size=300)),   # damaged real pages: the WARC test below
       encoding=st.sampled_from(['utf-8', 'utf-8', 'utf-16', 'cp1252']), uri=source_uris,
       charset=st.one_of(st.none(), JUNK_CHARSETS), picks=recurring_picks, limit=article_limits)
def test_chain_html_record_gives_one_article_or_one_reject(html, encoding, uri, charset, picks, limit):
    record = RawRecord(source_uri=uri, format='html', payload=html.encode(encoding, 'replace'),
                       content_kind='html', charset=charset)
    check_chain(record, picks, limit)


@settings(max_examples=40, **SLOW, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(page=st.sampled_from(DEV_PAGE_IDS).map(DEV_PAGES.get).flatmap(byte_mutations),
       target=DATED_URLS, charset=st.sampled_from([None, 'utf-8', 'ISO-8859-1', 'windows-1252', 'bogus']),
       picks=recurring_picks, limit=article_limits)
def test_chain_warc_record_gives_one_article_or_one_reject(page, target, charset, picks, limit):
    record = RawRecord(source_uri='/w/crawl.warc.gz#1', format='warc', payload=page, content_kind='html',
                       raw=page, url=target, charset=charset)
    check_chain(record, picks, limit)


jsonl_chain_objects = st.fixed_dictionaries(
    {'id': st.text(max_size=5)},
    optional={
        'text': st.one_of(seed_dumps, json_text),
        'html': st.one_of(html_pages, st.sampled_from(SEED_PARAGRAPHS).map(lambda p: f'<p>{p}</p>'), json_text),
        'url': ODD_URLS,
        'title': st.one_of(json_text, st.sampled_from(['Given title', '  ', ''])),
        'date': record_dates,
    })


@settings(max_examples=80, **SLOW, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(obj=jsonl_chain_objects, ensure_ascii=st.booleans(), picks=recurring_picks, limit=article_limits)
def test_chain_jsonl_record_gives_one_article_or_one_reject(obj, ensure_ascii, picks, limit):
    line = json_line(obj, ensure_ascii, 'utf-8')
    record = parse_json_line('/in/batch.jsonl#1', line)
    if isinstance(record, Reject):
        check_reject(record)
        return
    check_chain(record, picks, limit)
