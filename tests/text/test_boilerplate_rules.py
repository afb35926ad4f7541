"""Unit tests for transforms.text.boilerplate_rules: the rules on their own (no Beam)."""
from transforms.common.records import Line
from transforms.text.boilerplate_rules import BoilerplateRules

P1 = ('Heavy rain pushed rivers over their banks across the coast on Friday, forcing hundreds of '
      'families from their homes as emergency crews worked through the night.')
P2 = ('Officials said the storm dropped more than eight inches of rain in less than a day, and that '
      'the worst of the flooding was expected overnight as the tide came in.')


def strip_texts(texts):
    kept, cuts = BoilerplateRules().strip([Line(i, t) for i, t in enumerate(texts)])
    return [ln.text for ln in kept if ln.text.strip()], {c.text: c.reason for c in cuts}


def test_call_to_action_words_inside_prose_are_kept():
    mid = ('She said she would subscribe to the newsletter and share the story with neighbours, '
           'and that she had accepted the cookies her neighbour baked after the flood.')
    kept, cuts = strip_texts([P1, '', mid, '', P2])
    assert kept == [P1, mid, P2] and cuts == {}


P3 = ('The state governor declared an emergency and asked for federal help, and shelters were '
      'opened in schools and churches across the county.')
P4 = ('Forecasters said the rain would ease on Saturday, but warned that rivers could keep rising '
      'for several days as water drained from the hills.')


def test_ads_and_repeats_inside_the_body():
    kept, cuts = strip_texts([P1, 'Advertisement', P2, 'Story continues below advertisement', P3,
                              'Short subhead here', P4, P1 + ' '])
    assert kept == [P1, P2, P3, 'Short subhead here', P4]
    assert cuts == {'Advertisement': 'advertisement',
                    'Story continues below advertisement': 'advertisement',
                    P1: 'repeated_line'}


def test_short_fragments_around_the_body():
    kept, cuts = strip_texts(['Breaking News', 'Weather', P1, '', 'A quote.', '', P2,
                              'Tags', 'Floods Maine Weather', 'Live Updates'])
    assert kept == [P1, 'A quote.', P2]
    assert cuts['Breaking News'] == 'navigation'
    assert cuts['Tags'] == 'related_links'


def test_author_bio_after_body():
    bio = ('Jane Roe is a senior reporter covering climate and energy. She joined the newsroom '
           'in 2015 after five years at a regional daily.')
    kept, cuts = strip_texts([P1, P2, bio])
    assert kept == [P1, P2] and cuts == {bio: 'author_bio'}


def test_non_english_text_is_kept():
    es = ('Las fuertes lluvias desbordaron los ríos de la costa el viernes y obligaron a cientos de '
          'familias a abandonar sus casas mientras los equipos trabajaban toda la noche.')
    de = ('Der Bürgermeister sagte, so hohes Wasser habe man in der Stadt noch nie gesehen, und bat '
          'alle Bewohner, die Straßen zu meiden, bis der Pegel wieder sinkt.')
    kept, cuts = strip_texts(['Inicio', es, de])
    assert kept == [es, de]
    assert cuts == {'Inicio': 'navigation'}


def test_only_short_sentences_are_not_all_dropped():
    kept, _ = strip_texts(['The mayor resigned.', 'She gave no reason.'])
    assert kept == ['The mayor resigned.', 'She gave no reason.']


def test_strip_keeps_blank_lines_and_every_line_once():
    lines = [Line(i, t) for i, t in enumerate(['Menu', '', P1, '', 'Share', P2])]
    kept, cuts = BoilerplateRules().strip(lines)
    assert sorted([ln.index for ln in kept] + [c.line_index for c in cuts]) == list(range(6))
    assert [ln.index for ln in kept] == [1, 2, 3, 5]
