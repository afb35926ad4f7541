"""Tests for transforms/html/page_cleanup.py: tail sections, consent notices
and boilerplate-named containers around trafilatura's extraction."""
from __future__ import annotations

from tests.html.pages import BODY, page
from transforms.html.page_cleanup import cut_consent_tail


def test_about_the_author_and_newsletter_tail_cut(extractor):
    tail = ('<h2>About the Author</h2><p>Ann Lee has written about city gardens for ten years and '
            'lives with her two cats in a flat full of tomato plants and seed catalogues.</p>'
            '<h2>Join Our Weekly Newsletter</h2><p>Get the best gardening stories in your inbox every '
            'Friday morning, free of charge, unsubscribe whenever you like.</p>')
    out = extractor.extract(page(before_body='<h1>Volunteers build a garden</h1>', body=BODY + tail))
    assert 'Paragraph 7 of the story' in out.text
    assert 'tomato plants' not in out.text and 'inbox every' not in out.text
    # the same heading early in the body (first third) is not a tail
    early = tail + BODY
    out = extractor.extract(page(before_body='<h1>Volunteers build a garden</h1>', body=early))
    assert 'Paragraph 7 of the story' in out.text


def test_cookie_consent_notice_at_end_cut():
    story = [f'Paragraph {i} of the story about the garden.' for i in range(8)]
    notice = ['We use cookies on our website to give you the most relevant experience. By clicking '
              '"Accept", you consent to the use of ALL the cookies.',
              'Manage consent',
              'Necessary cookies are absolutely essential for the website to function properly.',
              'Analytical cookies are used to understand how visitors interact with the website.']
    assert cut_consent_tail(story + notice) == story
    # an article about cookies keeps its text
    about = [f'Paragraph {i}: browsers store cookies for each site you visit.' for i in range(8)]
    assert cut_consent_tail(about) == about
    assert cut_consent_tail(story) == story


def test_article_nested_in_boilerplate_named_container_is_kept(extractor):
    # malformed page: the rest of the article ends up inside an embed wrapper
    # (class "w-embed"), which extractors drop as an embedded widget
    first = ''.join(f'<p>Intro paragraph {i} about tipping at restaurants and what servers earn in '
                    f'different states across the country.</p>' for i in range(3))
    rest = ''.join(f'<h3>Section {i}</h3><p>Section {i} paragraph explains a tipping custom for '
                   f'takeout, delivery, large groups and service charges in some detail.</p>'
                   for i in range(8))
    html = (f'<html><head><title>Tip guide</title></head><body><nav><a href="/">Home</a></nav>'
            f'<div class="rich-text-block"><h1>Tip guide</h1>{first}<div class="w-embed">'
            f'<style>table {{ width: 100%; }}</style><div class="responsive-table">'
            f'<table><tr><th>Bill</th><th>15%</th></tr><tr><td>$10</td><td>$1.50</td></tr></table>'
            f'{rest}</div></div></div><footer><p>Copyright</p></footer></body></html>')
    out = extractor.extract(html)
    assert 'Intro paragraph 0' in out.text
    assert 'Section 7 paragraph explains' in out.text
