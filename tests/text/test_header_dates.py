"""Unit tests for transforms.text.header_dates (no Beam)."""
import datetime

import pytest

from transforms.text.header_dates import parse_date, parse_date_line, split_date_header

D = datetime.date


@pytest.mark.parametrize('s,expected', [
    ('2018-05-31', D(2018, 5, 31)),
    ('2018-05-31T10:02:00Z', D(2018, 5, 31)),
    ('May 31, 2018', D(2018, 5, 31)),
    ('May 31 2018', D(2018, 5, 31)),
    ('Sept. 5, 2019', D(2019, 9, 5)),
    ('31 May 2018', D(2018, 5, 31)),
    ('31st of May, 2018', D(2018, 5, 31)),
    ('2018/05/31', D(2018, 5, 31)),
    ('31.05.2018', D(2018, 5, 31)),
    ('5/31/2018', D(2018, 5, 31)),
    ('Thursday, May 31, 2018 10:02 AM EDT', D(2018, 5, 31)),
    ('2018-02-30', None),
    ('no date here', None),
    ('', None),
])
def test_parse_date(s, expected):
    assert parse_date(s) == expected


@pytest.mark.parametrize('s,expected', [
    ('Date: 2018-05-31', ('published', D(2018, 5, 31))),
    ('Published: May 31, 2018', ('published', D(2018, 5, 31))),
    ('Posted on 31 May 2018', ('published', D(2018, 5, 31))),
    ('Updated: June 1, 2018 10:02 a.m. ET', ('updated', D(2018, 6, 1))),
    ('Last updated 3:45 PM GMT, Friday, June 1, 2018', ('updated', D(2018, 6, 1))),
    ('Published May 31, 2018 | Updated June 1, 2018', ('published', D(2018, 5, 31))),
    ('Updated June 1, 2018 | Published May 31, 2018', ('published', D(2018, 5, 31))),
    ('Thursday, May 31, 2018 10:02 AM EDT', ('date', D(2018, 5, 31))),
    ('May 31, 2018 at the White House, officials met', None),
    ('Published: sometime soon', None),
])
def test_parse_date_line(s, expected):
    assert parse_date_line(s) == expected


@pytest.mark.parametrize('text,date,prefix,rest', [
    (' date 2018-05-31 North Korean leader', D(2018, 5, 31), ' date 2018-05-31 ', 'North Korean leader'),
    ('Date: 2018-05-31 Kim met', D(2018, 5, 31), 'Date: 2018-05-31 ', 'Kim met'),
    ('date 2018-05-31T10:00:00Z Kim met', D(2018, 5, 31), 'date 2018-05-31T10:00:00Z ', 'Kim met'),
    ('dated May 31, 2018 Kim met', D(2018, 5, 31), 'dated May 31, 2018 ', 'Kim met'),
    ('data 2018-05-31 Kim', None, '', 'data 2018-05-31 Kim'),
    ('Kim met on 2018-05-31', None, '', 'Kim met on 2018-05-31'),
    ('date 2018-13-45 Kim', None, '', 'date 2018-13-45 Kim'),
    ('', None, '', ''),
])
def test_split_date_header(text, date, prefix, rest):
    assert split_date_header(text) == (date, prefix, rest)
