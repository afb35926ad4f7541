"""Cluster resolution and its application to articles, with no Beam."""
import datetime

from transforms.flag_duplicates import (Member, apply_matches, normalize_passage, passage_key,
                                        remove_spans, resolve_cluster)
from transforms.records import Article, DocPassages
from transforms.split_passages import split_passages

SENTENCE = 'Russia has so far remained largely on the sidelines as Kim has emerged onto the world stage.'


def article(doc_id, text, date=None):
    return Article(doc_id=doc_id, source_uri=f'/{doc_id}', format='text', url=None, title=None,
                   published_date=date, date_source='header' if date else 'none', authors=(),
                   publisher=None, wire_credit=None, text=text)


def test_normalization_folds_case_quotes_punctuation():
    assert normalize_passage('“Putin’s  plan,” he SAID.') == normalize_passage('"Putin\'s plan" he said')
    assert passage_key(SENTENCE) == passage_key(SENTENCE.upper().replace('.', '!'))
    assert passage_key('He declined to comment.') is None


def test_earliest_dated_wins_undated_last_ties_by_doc_id():
    members = [Member(None, 'a', 0, 'a-0000'), Member(datetime.date(2020, 1, 2), 'z', 3, 'z-0003'),
               Member(datetime.date(2020, 1, 2), 'm', 1, 'm-0001'), Member(datetime.date(2021, 1, 1), 'b', 0, 'b-0000')]
    cluster, matches = resolve_cluster('k' * 24, members)
    assert cluster.canonical_doc_id == 'm' and cluster.canonical_passage_id == 'm-0001'
    assert cluster.size == 4 and cluster.doc_ids == ('a', 'b', 'm', 'z')
    assert cluster.first_published == datetime.date(2020, 1, 2)
    assert {m.doc_id: m.is_duplicate for m in matches} == {'a': True, 'b': True, 'm': False, 'z': True}
    assert {m.cluster_id for m in matches} == {cluster.cluster_id}


def test_repetition_inside_one_article_is_no_cluster():
    cluster, matches = resolve_cluster('k', [Member(None, 'a', 0, 'a-0000'), Member(None, 'a', 5, 'a-0005')])
    assert cluster is None and matches == []


def test_unique_text_and_dup_ratio():
    text = f'Own lead sentence here. {SENTENCE} Own closing words.\n\n{SENTENCE}'
    doc = DocPassages(article('b', text), split_passages('b', text))
    _, matches = resolve_cluster(passage_key(SENTENCE), [
        Member(datetime.date(2018, 5, 31), 'a', 0, 'a-0000')] + [
        Member(None, 'b', p.index, p.passage_id) for p in doc.passages if p.text == SENTENCE])
    unique_text, ratio, rows = apply_matches(doc, [m for m in matches if m.doc_id == 'b'])
    assert unique_text == 'Own lead sentence here. Own closing words.'
    assert abs(ratio - 2 * len(SENTENCE) / len(text)) < 1e-9
    flagged = [p.text for p, m in rows if m and m.is_duplicate]
    assert flagged == [SENTENCE, SENTENCE]


def test_remove_spans_merges_overlaps():
    assert remove_spans('abc def ghi', [(4, 8), (0, 3)]) == 'ghi'
    assert remove_spans('keep', []) == 'keep'
