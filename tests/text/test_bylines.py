"""Unit tests for transforms.text.bylines (no Beam)."""
import pytest

from transforms.text.bylines import parse_byline, parse_byline_parts

PROSE = ('Officials said the storm dropped more than eight inches of rain in less than a day, '
         'and that the worst of the flooding was expected overnight.')


@pytest.mark.parametrize('line,names,org', [
    ('By Jane Doe', ('Jane Doe',), None),
    ('By Jane Doe and John Roe', ('Jane Doe', 'John Roe'), None),
    ('By Jane Doe, John Roe and Max Poe', ('Jane Doe', 'John Roe', 'Max Poe'), None),
    ('By JANE DOE, Associated Press', ('Jane Doe',), 'The Associated Press'),
    ("BY JOHN O'BRIEN AND MARY SMITH, ASSOCIATED PRESS", ("John O'Brien", 'Mary Smith'),
     'The Associated Press'),
    ('Jane Doe | Reuters', ('Jane Doe',), 'Reuters'),
    ('By Hyung-Jin Kim and Vladimir Isachenkov, Associated Press',
     ('Hyung-Jin Kim', 'Vladimir Isachenkov'), 'The Associated Press'),
    ('By Jane Doe, Washington Post Staff Writer', ('Jane Doe',), 'Washington Post'),
    ('By Jane Doe, Staff Writer', ('Jane Doe',), None),
    ('By Jane Doe | May 31, 2018', ('Jane Doe',), None),
    ('Peter Weber, The Week US', ('Peter Weber',), 'The Week'),
    ('By Ludwig van Beethoven', ('Ludwig van Beethoven',), None),
])
def test_parse_byline(line, names, org):
    assert parse_byline(line) == names
    assert parse_byline_parts(line) == (names, org)


@pytest.mark.parametrize('line', [
    'By the time we got there it was over.',
    'Kim Jong Un greets Russian Foreign Minister Sergei Lavrov',
    'Home | News | World',
    'Privacy Policy | Terms of Use',
    'Sign up',
    'Jane Doe and John Roe',
    '',
    PROSE,
])
def test_parse_byline_rejects(line):
    assert parse_byline(line) is None


def test_headline_joined_by_and_is_not_a_byline():
    assert parse_byline_parts('Tax Law Changes and Your Guide to Filing Taxes in 2026') is None
    assert parse_byline_parts('Jane Doe and John Roe, Reuters') == (('Jane Doe', 'John Roe'), 'Reuters')
