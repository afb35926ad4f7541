"""The extractor the HTML tests share, one per test module."""
from __future__ import annotations

import pytest

from transforms.html.extract_html import HtmlExtractor


@pytest.fixture(scope='module')
def extractor():
    return HtmlExtractor()
