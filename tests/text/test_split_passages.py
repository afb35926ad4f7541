"""Sentence passages with exact offsets, with no Beam."""
from hypothesis import given, settings, strategies as st

from tests.conftest import SEED_000
from transforms.text.split_passages import split_passages


def texts(passages):
    return [p.text for p in passages]


def test_abbreviations_initials_and_quotes():
    text = ('Mr. J. R. Smith went to Washington, D.C. on Friday. He said "no." Then U.S. officials left! '
            'Really? See No. 5 on the list.')
    assert texts(split_passages('d', text)) == [
        'Mr. J. R. Smith went to Washington, D.C. on Friday.', 'He said "no."', 'Then U.S. officials left!',
        'Really?', 'See No. 5 on the list.']


def test_passages_never_cross_paragraphs_and_offsets_hold():
    text = 'First paragraph without a full stop\n\nSecond one. It has two sentences.'
    passages = split_passages('d', text)
    assert texts(passages) == ['First paragraph without a full stop', 'Second one.', 'It has two sentences.']
    assert [p.index for p in passages] == [0, 1, 2]
    assert passages[1].passage_id == 'd-0001'


def test_seed_quote_sentence_is_its_own_passage():
    text = SEED_000.read_text().strip()
    found = [p for p in split_passages('d', text) if p.text.startswith('Despite having a border')]
    assert len(found) == 1 and found[0].text.endswith('onto the world stage this year.')


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=('Cs',)), max_size=400))
def test_offsets_always_point_at_the_passage_text(text):
    passages = split_passages('d', text)
    previous_end = 0
    for p in passages:
        assert text[p.char_start:p.char_end] == p.text
        assert p.text.strip() == p.text and p.text
        assert p.char_start >= previous_end
        previous_end = p.char_end


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from('ab.Z_9\n \t\u00e9\u0661\u00b2\u2160\u0300,-x\u3042'), max_size=80),
       st.integers(min_value=0, max_value=80))
def test_word_before_is_what_the_end_anchored_search_finds(text, end):
    """word_before reads the reversed window; it must find what
    ([\\w.]+)$ finds in the 40 characters before `end`, newline before the
    end of the window included."""
    import re
    from transforms.text.split_passages import word_before
    end = min(end, len(text))
    match = re.search(r'([\w.]+)$', text[max(0, end - 40):end])
    assert word_before(text, end) == (match.group(1) if match else '')
