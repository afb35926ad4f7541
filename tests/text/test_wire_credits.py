"""Unit tests for transforms.text.wire_credits (no Beam)."""
import pytest

from transforms.text.wire_credits import parse_wire_credit

PROSE = ('Officials said the storm dropped more than eight inches of rain in less than a day, '
         'and that the worst of the flooding was expected overnight.')


@pytest.mark.parametrize('line,agency', [
    ('Contributing: The Associated Press', 'The Associated Press'),
    ('Contributing: Jane Doe, USA TODAY; The Associated Press', 'The Associated Press'),
    ('The Associated Press contributed to this report.', 'The Associated Press'),
    ('Reuters contributed to this report.', 'Reuters'),
    ('(Reporting by Jane Doe; Editing by John Roe)', 'Reuters'),
    ('Reporting by Jane Doe in London; Editing by Mark Potter', 'Reuters'),
    ('Copyright 2018 The Associated Press. All rights reserved. This material may not be '
     'published, broadcast, rewritten or redistributed.', 'The Associated Press'),
    ('© 2018 Reuters', 'Reuters'),
    ('— AP', 'The Associated Press'),
    ('-- Reuters', 'Reuters'),
    ('— Agence France-Presse', 'AFP'),
    ('With AFP', 'AFP'),
    ('Associated Press writer Jane Doe in Seoul contributed.', 'The Associated Press'),
    ('Associated Press writers Jane Doe and John Roe contributed to this report.', 'The Associated Press'),
    ('Material from Reuters was used in this report.', 'Reuters'),
    ('Australian Associated Press', 'AAP'),
])
def test_parse_wire_credit(line, agency):
    assert parse_wire_credit(line) == agency


@pytest.mark.parametrize('line', [
    'The Associated Press reports that Kim met Lavrov.',
    'Kim met Lavrov, the AP said.',
    '"Seen as an attempt by Moscow," The Associated Press reports.',
    'Contributing: Jane Doe, USA TODAY',
    '© 2018 The Week',
    'He was a reporter for Reuters for ten years before he contributed to the book.',
    '',
    PROSE,
])
def test_parse_wire_credit_rejects(line):
    assert parse_wire_credit(line) is None


def test_sentence_starting_with_contributing_is_not_a_credit():
    assert parse_wire_credit('Contributing to savings should be seen the same as other regular bills.') is None
    assert parse_wire_credit('Contributing: The Associated Press') == 'The Associated Press'
    assert parse_wire_credit('Contributors - Reuters') == 'Reuters'
