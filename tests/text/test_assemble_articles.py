"""A draft's remaining lines become the article, or a reject saying why."""
from transforms.text.assemble_articles import assemble_article, has_sentence
from transforms.common.records import Article, Cut, Draft, Line, Reject

from tests.conftest import SEED_003


def draft(lines, cuts=(), kind='text'):
    return Draft(doc_id='d1', source_uri='/in/a.txt', format='text', content_kind=kind, url=None,
                 lines=tuple(Line(i, t) for i, t in enumerate(lines)), cuts=tuple(cuts),
                 raw=b'original bytes', raw_path='/in/a.txt', raw_offset=0)


def test_has_sentence():
    assert has_sentence(SEED_003.read_text(encoding='utf-8'))
    assert has_sentence('今日は東京で大きな会議が開かれた。')
    assert has_sentence('วันนี้มีการประชุมใหญ่ที่กรุงเทพ')
    for text in ('', '42', '12 34 56\n78 90', 'a b c d e f g', '!!! ??? ...', 'Home\n\nNews'):
        assert not has_sentence(text), text


def test_a_body_of_numbers_is_no_article():
    result = assemble_article(draft(['Scores: 12 - 7', '3.5 4.25 19']))
    assert isinstance(result, Reject) and result.error == 'no_sentences' and result.stage == 'extract'
    assert result.raw == b'original bytes' and result.raw_path == '/in/a.txt' and result.raw_offset == 0


def test_empty_body_says_what_was_cut():
    result = assemble_article(draft([], cuts=[Cut(0, 'Home', 'navigation'), Cut(1, '42', 'short_fragment')]))
    assert result.error == 'empty_body'
    assert '1 navigation, 1 short_fragment; the input has no sentence at all' in result.message
    result = assemble_article(draft([], cuts=[Cut(0, 'Subscribe to our newsletter today', 'subscribe_prompt')]))
    assert result.error == 'empty_body' and 'no sentence' not in result.message


def test_a_body_over_the_limit_is_rejected_not_truncated():
    lines = ['The council met on Tuesday to hear residents speak about the plan.'] * 20
    assert isinstance(assemble_article(draft(lines)), Article)
    result = assemble_article(draft(lines), max_article_chars=500)
    assert result.error == 'article_too_long' and '--max-article-chars=500' in result.message
