"""Unit tests for transforms.text.datelines (no Beam)."""
import datetime

import pytest

from transforms.text.datelines import parse_dateline

D = datetime.date


@pytest.mark.parametrize('text,agency,prefix,date', [
    ('PYONGYANG, North Korea (AP) — Kim said', 'The Associated Press', 'PYONGYANG, North Korea (AP) — ', None),
    ('WASHINGTON (Reuters) - The U.S. said', 'Reuters', 'WASHINGTON (Reuters) - ', None),
    ('LONDON, May 31 (Reuters) - Oil rose', 'Reuters', 'LONDON, May 31 (Reuters) - ', None),
    ('PARIS, 31 May 2018 (AFP) - France said', 'AFP', 'PARIS, 31 May 2018 (AFP) - ', D(2018, 5, 31)),
    ('Pyongyang (AFP) - Kim said', 'AFP', 'Pyongyang (AFP) - ', None),
    ('BEIJING, May 31, 2018 (Xinhua) -- China said', 'Xinhua', 'BEIJING, May 31, 2018 (Xinhua) -- ', D(2018, 5, 31)),
    ('CAPE CANAVERAL, Fla. (AP) — NASA said', 'The Associated Press', 'CAPE CANAVERAL, Fla. (AP) — ', None),
    ('NEW YORK — The city said', None, 'NEW YORK — ', None),
    ('(Reuters) - North Korea said', 'Reuters', '(Reuters) - ', None),
])
def test_parse_dateline(text, agency, prefix, date):
    dl = parse_dateline(text)
    assert (dl.agency, dl.prefix, dl.date) == (agency, prefix, date)
    assert dl.prefix + dl.rest == text


@pytest.mark.parametrize('text', [
    'North Korean leader Kim Jong Un met Lavrov.',
    'Kim — who met Lavrov — said',
    'The talks (AP) — were held',
    'Trump (R) - said',
    'I — think so',
    'NEW DELHI (Reuters) -',
    '',
])
def test_parse_dateline_absent(text):
    dl = parse_dateline(text)
    assert dl.agency is None and dl.prefix == '' and dl.rest == text
