"""Pages the HTML tests read: a hand-written news page around a given head
and body, and the real dev pages with their ground truth."""
from __future__ import annotations

import gzip
import json

from tests.conftest import DEV

DATA = DEV


BODY = ''.join(
    f'<p>Paragraph {i} of the story tells readers about the new community garden that '
    f'volunteers built on the empty lot beside the old railway station this spring.</p>'
    for i in range(8))


def page(head='', before_body='', body=BODY, title='Volunteers build a garden'):
    return (f'<html><head><title>{title}</title>{head}</head><body>'
            f'<header><nav><a href="/">Home</a> <a href="/news">News</a></nav></header>'
            f'<article>{before_body}{body}</article>'
            f'<footer><p>Copyright Example News</p></footer></body></html>')


def load_dev_page(page_id):
    """(ground truth, HTML text) of a dev page."""
    gt = json.loads((DATA / 'ground-truth' / f'{page_id}.json').read_text(encoding='utf-8'))
    raw = gzip.open(DATA / 'html' / f'{page_id}.html.gz', 'rb').read()
    from trafilatura.utils import decode_file
    html = decode_file(raw)
    return gt, html if isinstance(html, str) else html.decode('utf-8', 'replace')


LONG_BODY = ''.join(
    f'<p>Paragraph {i} explains how the city council plans to widen the cycle lanes on the '
    f'main bridge and what residents said about the proposal at the public meeting.</p>'
    for i in range(10))
