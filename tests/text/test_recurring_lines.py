"""Recurring lines: the plain functions, then FindRecurringLines and
CutRecurringLines on a real Beam pipeline over text dumps of three sites
built from real dev article bodies."""
from __future__ import annotations

import dataclasses
import json
import os
import random
import subprocess
import sys
from collections import Counter, defaultdict

import apache_beam as beam
import pytest
from apache_beam.metrics.metric import MetricsFilter

from tests.conftest import REPO, dev_html, dev_truth
from transforms.read.decode_records import draft_from_record
from transforms.common.records import Cut, Draft, HeaderFields, Line, RawRecord
from transforms.text.recurring_lines import (CUT_REASON, CutRecurringLines, FindRecurringLines, RecurrencePolicy,
                                        article_fingerprint, cut_recurring_lines, draft_line_keys, line_key, recurring_line_cuts,
                                        source_of)
from transforms.common.text_primitives import words_of


# ------------------------------------------------------------------ corpus

NAV = ['Home', 'World', 'Politics', 'Business', 'Subscribe', 'Sign in']
FOOTER = ['Privacy Policy', 'Terms of Use', 'Contact us']


def site(name: str, host: str, page_ids: tuple, disclaimer: str) -> dict:
    return {'name': name, 'host': host, 'page_ids': page_ids, 'disclaimer': disclaimer}


SITES = [
    site('Example Times', 'www.example-times.com', ('0002', '0004', '0011'),
         'The views expressed in reader comments are those of their authors and do not '
         'necessarily reflect the views of Example Times.'),
    site('Daily Herald', 'dailyherald.example.org', ('0013', '0001', '0008'),
         'Daily Herald may earn a commission when you buy products through links on this '
         'page, which does not affect our editorial independence.'),
    # Two articles only: below min_docs, nothing of this site may be cut.
    site('Valley Post', 'valleypost.example.net', ('0012', '0003'),
         'Valley Post articles are provided for general information only and are not a '
         'substitute for professional advice of any kind.'),
]
WIRE_PAGE = '0009'
# The wire sentence is printed by every Example Times article (so by its own
# site's counts alone it would look like a disclaimer) and by one Daily Herald
# article: the second source is what makes it wire copy.
WIRE_IN = {'Example Times': ('0002', '0004', '0011'), 'Daily Herald': ('0001',)}
HTML_PAGE = '0010'


def body_lines(page_id: str) -> list:
    """A real article body as a dump has it: one line per block."""
    text = dev_truth(page_id)['main_content']
    return [' '.join(line.split()) for line in text.splitlines() if line.strip()]


def wire_sentence() -> str:
    paragraph = next(p for p in dev_truth(WIRE_PAGE)['main_content'].split('\n\n')
                     if p.startswith('Climate change'))
    return paragraph.split('. ')[0] + '.'


def promo(spec: dict) -> str:
    return f'Sign up for the {spec["name"]} morning briefing newsletter.'


def page_dump(spec: dict, page_id: str, number: int, wire: str) -> tuple:
    """(dump text, body lines) of one scraped page: nav, title, body, promos,
    disclaimer, footer, with the numbers in it changing from page to page."""
    body = body_lines(page_id)
    if page_id in WIRE_IN.get(spec['name'], ()):
        body.insert(len(body) // 2, wire)
    year = 2024 + number % 2
    lines = (NAV + [dev_truth(page_id)['title'], f'{3 + 4 * number} comments'] + body +
             [promo(spec), spec['disclaimer'],
              f'© {year} {spec["name"]}. All rights reserved.'] + FOOTER)
    return '\n'.join(lines) + '\n', body


@pytest.fixture(scope='module')
def corpus():
    """Drafts of every site as DecodeRecords makes them, plus what each page's
    body was, plus one HTML page on the first site."""
    wire = wire_sentence()
    drafts, bodies, titles = [], {}, {}
    for spec in SITES:
        for number, page_id in enumerate(spec['page_ids']):
            dump, body = page_dump(spec, page_id, number, wire)
            slug = spec['name'].lower().replace(' ', '-')
            record = RawRecord(f'/dumps/{slug}/{page_id}.txt', 'text', dump.encode('utf-8'), 'text',
                               url=f'https://{spec["host"]}/news/{page_id}')
            draft = draft_from_record(record)
            drafts.append(draft)
            bodies[draft.doc_id] = body
            titles[draft.doc_id] = dev_truth(page_id)['title']
    html = draft_from_record(RawRecord(f'/dumps/html/{HTML_PAGE}.html', 'html', dev_html(HTML_PAGE), 'html',
                                       url=f'https://{SITES[0]["host"]}/news/{HTML_PAGE}'))
    # As ExtractHtml leaves it, with lines the text dumps of its site cut:
    # extracted paragraphs are the extractor's verdict and stay.
    html = dataclasses.replace(html, lines=tuple(Line(i, text) for i, text in enumerate(
        ['Home', 'Privacy Policy'] + body_lines(HTML_PAGE)[:5])))
    return {'drafts': drafts + [html], 'bodies': bodies, 'titles': titles, 'html': html, 'wire': wire}


# ------------------------------------------------------------------ line_key

def test_line_key_folds_spacing_case_and_numbers():
    assert line_key('© 2024 Example Times. All rights reserved.') == \
        line_key('©  2025 example times.  ALL rights reserved.')
    assert line_key('3 comments') == line_key('12 comments') == line_key('1,234 comments')
    assert line_key('Updated 12.05.2024 10:30') == line_key('Updated 1.6.2025 9:05')
    assert line_key('Sign in') != line_key('Sign up')


def test_line_key_is_none_without_letters():
    for text in ('', '   ', '2025', '* * *', '— | —', '12:30'):
        assert line_key(text) is None
    assert line_key('Straße') == line_key('STRASSE')  # casefold, not lower


def test_line_key_is_a_short_hash_stable_across_processes():
    key = line_key('Privacy Policy')
    assert len(key) == 16 and int(key, 16) >= 0
    # A fresh interpreter has a different hash() salt; the key must not move.
    code = 'from transforms.text.recurring_lines import line_key; print(line_key("Privacy Policy"))'
    other = subprocess.run([sys.executable, '-c', code], cwd=REPO, capture_output=True, text=True,
                           env={**os.environ, 'PYTHONHASHSEED': '12345'}, check=True).stdout.strip()
    assert other == key


# ------------------------------------------------------------------ source_of

def make_draft(**kwargs) -> Draft:
    base = dict(doc_id='d', source_uri='gs://bucket/a/b.txt', format='text', content_kind='text', url=None)
    return Draft(**{**base, **kwargs})


def test_source_of_prefers_url_host_without_www():
    assert source_of(make_draft(url='https://www.Example-Times.com/world/story?id=1')) == 'example-times.com'
    assert source_of(make_draft(url='http://news.example.org:8080/a')) == 'news.example.org'
    assert source_of(make_draft(url='https://www.example.com/a', fields=HeaderFields(publisher='Other'))) == \
        'example.com'


def test_source_of_falls_back_to_publisher_then_folder():
    assert source_of(make_draft(fields=HeaderFields(publisher='The  Daily Herald'))) == 'the daily herald'
    assert source_of(make_draft(known=HeaderFields(publisher='Reuters'))) == 'reuters'
    assert source_of(make_draft(url='not a url', fields=HeaderFields(publisher='Herald'))) == 'herald'
    assert source_of(make_draft()) == 'gs://bucket/a'
    assert source_of(make_draft(source_uri='gs://bucket/a/batch.jsonl#17')) == 'gs://bucket/a'
    assert source_of(make_draft(source_uri='/data/site/page.html')) == '/data/site'


# ------------------------------------------------------------------ draft_line_keys

def test_draft_line_keys_distinct_with_word_counts():
    lines = (Line(0, 'Home'), Line(1, ''), Line(2, '   '), Line(3, 'HOME'), Line(4, '2025'),
             Line(5, 'Read 3 more stories from our newsroom today.'))
    keys = draft_line_keys(make_draft(lines=lines))
    assert keys == [(line_key('Home'), 1), (line_key(lines[5].text), 7)]
    assert draft_line_keys(make_draft(content_kind='html', lines=lines)) == []


# ------------------------------------------------------------------ policy

POLICY = RecurrencePolicy()


def test_policy_defaults():
    assert (POLICY.min_docs, POLICY.long_words, POLICY.min_share_short, POLICY.min_share_long) == (3, 12, 0.1, 0.5)


def test_policy_min_docs_boundary():
    assert not POLICY.is_boilerplate(2, 20, 1, 2)
    assert POLICY.is_boilerplate(3, 20, 1, 2)
    assert not POLICY.is_boilerplate(2, 2, 1, 20)    # a 2-article site keeps even its disclaimer
    assert POLICY.is_boilerplate(3, 3, 1, 20)


def test_policy_short_lines_recurring_in_a_source_are_cut_wherever_else_they_are():
    assert POLICY.is_boilerplate(100, 1000, 1, 11)
    assert POLICY.is_boilerplate(500, 1000, 900, 1)   # "Home" on every site


def test_policy_short_sentences_a_big_site_prints_now_and_then_stay():
    # "He declined to comment." in 30 of a site's 1000 stories is body text
    assert not POLICY.is_boilerplate(30, 1000, 40, 4)
    assert not POLICY.is_boilerplate(99, 1000, 1, 11)
    assert RecurrencePolicy(min_share_short=0.02).is_boilerplate(30, 1000, 40, 4)


def test_policy_never_cuts_wire_copy():
    assert not POLICY.is_boilerplate(1000, 1000, 2, 12)
    assert not POLICY.is_boilerplate(3, 3, 50, 40)
    assert POLICY.is_boilerplate(1000, 1000, 1, 12)


def test_policy_long_single_source_lines_need_a_share_of_the_site():
    assert POLICY.is_boilerplate(50, 100, 1, 20)       # a standard disclaimer
    assert not POLICY.is_boilerplate(49, 100, 1, 20)   # background a few stories reuse
    assert not POLICY.is_boilerplate(3, 10, 1, 20)
    assert RecurrencePolicy(min_share_long=0.2).is_boilerplate(3, 10, 1, 20)


# ------------------------------------------------------------------ cutting (plain)

def test_recurring_line_cuts_and_cut_recurring_lines():
    lines = (Line(0, 'Home'), Line(1, 'A real opening paragraph of the story.'), Line(2, ''),
             Line(3, '©  2024 Example   Times'), Line(4, 'Home'))
    recurring = {('example.com', line_key('Home')), ('example.com', line_key('© 2025 Example Times'))}
    assert recurring_line_cuts(lines, 'example.com', recurring) == {0, 3, 4}
    assert recurring_line_cuts(lines, 'other.com', recurring) == set()
    assert recurring_line_cuts(lines, 'example.com', dict.fromkeys(recurring, True)) == {0, 3, 4}

    earlier = Cut(9, 'By Jane Doe', 'byline')
    before = make_draft(url='https://example.com/x', lines=lines, cuts=(earlier,))
    after = cut_recurring_lines(before, recurring)
    assert after.lines == (lines[1], lines[2])
    assert after.cuts == (earlier, Cut(0, 'Home', CUT_REASON), Cut(3, '© 2024 Example Times', CUT_REASON),
                          Cut(4, 'Home', CUT_REASON))
    html = dataclasses.replace(before, content_kind='html')
    assert cut_recurring_lines(html, recurring) is html


# ------------------------------------------------------------------ Beam

def reference_recurring(drafts, policy: RecurrencePolicy) -> set:
    """The same decision computed in memory, to check the Beam aggregation."""
    docs_per_line, words, source_docs, sources_per_key = Counter(), {}, Counter(), defaultdict(set)
    seen = set()
    for d in drafts:
        if d.content_kind != 'text':
            continue
        source = source_of(d)
        copy = (source, article_fingerprint(draft_line_keys(d), policy.long_words))
        if copy in seen:
            continue
        seen.add(copy)
        source_docs[source] += 1
        for key, n_words in draft_line_keys(d):
            docs_per_line[source, key] += 1
            words[source, key] = max(words.get((source, key), 0), n_words)
            sources_per_key[key].add(source)
    return {(s, k) for (s, k), n in docs_per_line.items()
            if policy.is_boilerplate(n, source_docs[s], len(sources_per_key[k]), words[s, k])}


def draft_row(d: Draft) -> str:
    return json.dumps({'doc_id': d.doc_id, 'kind': d.content_kind, 'html': d.html is not None,
                       'lines': [[line.index, line.text] for line in d.lines],
                       'cuts': [[c.line_index, c.text, c.reason] for c in d.cuts]})


@pytest.fixture(scope='module')
def beam_run(corpus, tmp_path_factory):
    """One pipeline run, outputs written to files so each test reads them."""
    out = tmp_path_factory.mktemp('recurring')
    drafts = list(corpus['drafts'])
    random.Random(7).shuffle(drafts)
    pipeline = beam.Pipeline(runner='FnApiRunner')
    inputs = pipeline | 'Drafts' >> beam.Create(drafts)
    recurring = inputs | FindRecurringLines()
    cleaned = inputs | CutRecurringLines(recurring)
    _ = (recurring | 'PairRows' >> beam.Map(json.dumps)
         | 'WritePairs' >> beam.io.WriteToText(str(out / 'pairs'), shard_name_template=''))
    _ = (cleaned | 'DraftRows' >> beam.Map(draft_row)
         | 'WriteDrafts' >> beam.io.WriteToText(str(out / 'drafts'), shard_name_template=''))
    result = pipeline.run()
    result.wait_until_finish()

    def counter(name: str) -> int:
        found = result.metrics().query(MetricsFilter().with_namespace('news_ingest').with_name(name))['counters']
        return sum(c.committed for c in found)

    pairs = [tuple(json.loads(row)) for row in (out / 'pairs').read_text().splitlines()]
    rows = {row['doc_id']: row for row in map(json.loads, (out / 'drafts').read_text().splitlines())}
    return {'pairs': pairs, 'drafts': rows, 'recurring_lines': counter('recurring_lines'),
            'recurring_lines_cut': counter('recurring_lines_cut')}


def kept_texts(row) -> list:
    return [text for _, text in row['lines']]


def cut_texts(row) -> list:
    return [text for _, text, reason in row['cuts'] if reason == CUT_REASON]


def test_beam_pairs_match_the_in_memory_reference(corpus, beam_run):
    pairs = beam_run['pairs']
    assert len(pairs) == len(set(pairs))
    assert set(pairs) == reference_recurring(corpus['drafts'], RecurrencePolicy())
    assert beam_run['recurring_lines'] == len(pairs)
    assert {source for source, _ in pairs} == {'example-times.com', 'dailyherald.example.org'}


def test_beam_cuts_site_chrome(corpus, beam_run):
    for spec in SITES[:2]:
        chrome = NAV + FOOTER + [spec['disclaimer'], promo(spec)]
        for d in corpus['drafts']:
            if d.content_kind != 'text' or source_of(d) != spec['host'].removeprefix('www.'):
                continue
            row = beam_run['drafts'][d.doc_id]
            cut = cut_texts(row)
            for line in chrome:
                assert line in cut, (spec['name'], line)
            assert any(t.endswith(f'{spec["name"]}. All rights reserved.') for t in cut)
            assert any(t.endswith(' comments') for t in cut)
            assert not set(kept_texts(row)) & set(chrome)
            assert corpus['titles'][d.doc_id] in kept_texts(row)


def test_beam_keeps_every_body_line_and_its_order(corpus, beam_run):
    for doc_id, body in corpus['bodies'].items():
        row = beam_run['drafts'][doc_id]
        kept = kept_texts(row)
        assert [t for t in kept if t in set(body)] == body
        indexes = [i for i, _ in row['lines']]
        assert indexes == sorted(indexes)
        # Every input line is either kept or cut, once.
        original = next(d for d in corpus['drafts'] if d.doc_id == doc_id)
        assert sorted(indexes + [i for i, _, _ in row['cuts']]) == [line.index for line in original.lines]


def test_beam_keeps_wire_copy_in_both_sites(corpus, beam_run):
    wire = corpus['wire']
    assert len(words_of(wire)) >= 12
    carriers = [d for d in corpus['drafts'] if any(line.text == wire for line in d.lines)]
    assert {source_of(d) for d in carriers} == {'example-times.com', 'dailyherald.example.org'}
    assert len(carriers) == 4
    for d in carriers:
        assert wire in kept_texts(beam_run['drafts'][d.doc_id])


def test_beam_leaves_a_two_article_site_alone(corpus, beam_run):
    small = [d for d in corpus['drafts'] if source_of(d) == 'valleypost.example.net']
    assert len(small) == 2
    for d in small:
        row = beam_run['drafts'][d.doc_id]
        assert row['cuts'] == [] and kept_texts(row) == [line.text for line in d.lines]


def test_beam_leaves_html_drafts_untouched(corpus, beam_run):
    row = beam_run['drafts'][corpus['html'].doc_id]
    assert row == json.loads(draft_row(corpus['html']))
    assert row['html'] and row['cuts'] == []


def test_beam_cut_counter_counts_cut_lines(beam_run):
    total = sum(len(cut_texts(row)) for row in beam_run['drafts'].values())
    assert beam_run['recurring_lines_cut'] == total > 0


# ------------------------------------------------------------------ copies of one article

def test_article_fingerprint_is_the_prose_not_the_chrome():
    body = [('a' * 16, 20), ('b' * 16, 15)]
    assert article_fingerprint(body + [('c' * 16, 2)], 12) == article_fingerprint([('d' * 16, 1)] + body, 12)
    assert article_fingerprint(body, 12) != article_fingerprint(body[:1], 12)
    assert article_fingerprint([('c' * 16, 2)], 12) != article_fingerprint([('d' * 16, 2)], 12)


def test_copies_of_one_article_are_not_a_recurrence():
    """The same story ingested four times (a re-crawl, two sections of a site)
    is one article: its lines are not the site's chrome."""
    lines = body_lines('0002')
    drafts = []
    for n, comments in enumerate(('3 comments', '5 comments', '5 comments', '12 comments')):
        text = '\n'.join(['Home', 'World'] + lines + [comments])
        drafts.append(draft_from_record(RawRecord(f'/crawl/copy{n}.txt', 'text', text.encode(), 'text',
                                                  url=f'https://copies.example.com/story?copy={n}')))
    with beam.Pipeline(runner='FnApiRunner') as pipeline:
        found = pipeline | beam.Create(drafts) | FindRecurringLines()
        from apache_beam.testing.util import assert_that, is_empty
        assert_that(found, is_empty())


# ------------------------------------------------------------------ per-source counts

def test_source_line_stats_and_the_long_line_shards_decide_as_the_policy_says():
    """The plain functions inside FindRecurringLines: a site's line counts
    combine across bundles; a short line on most of its pages is cut; a long
    disclaimer on most pages is cut unless another site printed the same
    sentence (then it is wire copy and stays)."""
    from transforms.text.recurring_lines import (SourceLineStats, long_line_shard, long_lines_by_shard, long_recurring,
                                            short_recurring)
    policy = RecurrencePolicy()
    menu, teaser = line_key('Home | World | Sport'), line_key('He declined to comment.')
    disclaimer = line_key('This article was produced with the support of a grant and may be republished freely.')
    wire = line_key('The central bank raised its benchmark rate by a quarter point on Wednesday, its fourth rise.')
    page = [(menu, 4), (disclaimer, 16), (wire, 17)]
    fn = SourceLineStats()
    half = [fn.add_input(fn.create_accumulator(), page) for _ in range(3)]
    rest = fn.add_input(fn.add_input(fn.create_accumulator(), page[:1]), [(teaser, 4)])
    docs, stats = fn.extract_output(fn.merge_accumulators([fn.merge_accumulators(half), rest]))
    assert docs == 5 and stats[menu] == (4, 4) and stats[disclaimer] == (3, 16) and stats[teaser] == (1, 4)
    assert short_recurring(docs, stats, policy) == [menu]          # the teaser is on 1 page of 5
    elsewhere = {wire: (1, 17)}                                    # another site printed the wire sentence once
    shards = {}
    for source, source_docs, source_stats in (('site.example', docs, stats), ('other.example', 40, elsewhere)):
        for shard, entry in long_lines_by_shard(source, source_docs, source_stats, policy).items():
            assert all(long_line_shard(key) == shard for key in entry[1])
            shards.setdefault(shard, []).append(entry)
    found = sorted(pair for entries in shards.values() for pair in long_recurring(entries))
    assert found == [('site.example', disclaimer)]
