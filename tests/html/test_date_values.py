"""Tests for transforms/html/date_values.py: dates in metadata values and URLs."""
from __future__ import annotations

import datetime

from tests.html.pages import page
from transforms.html.date_values import parse_date_value, url_date


def test_parse_date_value_and_url_date():
    assert parse_date_value('2024-05-01T23:30:00-07:00') == datetime.date(2024, 5, 1)
    assert parse_date_value('May 3rd, 2023') == datetime.date(2023, 5, 3)
    assert parse_date_value('3 May 2023') == datetime.date(2023, 5, 3)
    assert parse_date_value('20230503') == datetime.date(2023, 5, 3)
    assert parse_date_value('not a date') is None
    assert parse_date_value('2023-02-30') is None
    assert url_date('https://x.example/2021/07/04/some-story/') == datetime.date(2021, 7, 4)
    assert url_date('https://x.example/news/some-story') is None


def test_local_date_of_timestamp_with_offset_not_utc(extractor):
    head = '<meta property="article:published_time" content="2025-01-29T23:00:00-05:00">'
    out = extractor.extract(page(head=head))
    assert out.fields.published_date == datetime.date(2025, 1, 29)
