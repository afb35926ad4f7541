"""The run report (OUTPUT/_report/summary.json and report.html), from real
runs: the seeds, real dev pages and two reprints of seed 000's wire copy
(edited a word or two, and carrying hostile text), an empty run, a run whose
report fails, a streaming run; then report.html in a real headless Chromium.

The browser test needs Debian's `chromium` and `chromium-driver` (`make
browser`) and selenium (requirements-dev.txt). Without them it is skipped
with the reason, except when the environment variable CI is set: then it
fails, so CI never passes without having rendered the page.
"""
from __future__ import annotations

import collections
import json
import math
import os
import shutil
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pyarrow.dataset as ds
import pytest

import pipeline.report as report_module
import pipeline.report.gather as gather_module
import pipeline.report.tables as tables_module
from pipeline.report import REPORT_HTML_PATH, gather_report, render_report_html, report_files, word_diff_html
from pipeline.run import run
from pipeline.summary import SUMMARY_PATH
from tests.conftest import DEV_PAGE_IDS, SEED_000, SEED_003, assert_accounted, dev_html
from transforms.text.split_headers import HEADER_REASONS

HOSTILE_PASSAGE = 'posted as <script>alert("pwned")</script> on its website'
HOSTILE_LINE = 'Subscribe to our newsletter <script>alert(1)</script>'
# Seed 000's wire sentence, and its two reprints: one word changed in one,
# "Putin" replaced by three words in the other (seed 003 quotes it too).
WIRE = ('Despite having a border with the North and relatively cordial relations that Putin has seemed to want '
        'to develop further, Russia has so far remained largely on the sidelines as Kim has emerged onto the '
        'world stage this year.')
NOTICE = (f'A ministry notice, {HOSTILE_PASSAGE} for a few hours, was taken down after readers complained '
          'about the broken page.')
MINISTRY = ('Russia’s Foreign Ministry said in a statement earlier the two would discuss bilateral issues as well as '
            'the overall situation on the Korean Peninsula. Details of Lavrov’s schedule in Pyongyang were not ')
TALKS = ('The talks with Lavrov were the first {} face-to-face meeting between a Russian government figure and '
         'Kim Jong Un, Tass {}reported.')


def reprint(lead: str, talks: tuple, disclosed: str, wire: str) -> str:
    """A text dump reprinting seed 000's paragraphs with small edits, ending
    with the hostile notice and two lines of page chrome."""
    return '\n\n'.join([lead, TALKS.format(*talks), MINISTRY + disclosed, wire, NOTICE,
                        f'{HOSTILE_LINE}\nShare this article']) + '\n'


REPRINT_A = reprint('date 2018-06-01 Moscow is trying to get a seat at the table as Washington and Pyongyang prepare '
                    'for a summit, analysts in Seoul said on Friday.', ('official', 'news agency '), 'disclosed.',
                    WIRE.replace('that Putin has', 'that the Russian president has'))
REPRINT_B = reprint('date 2018-06-02 Analysts in Tokyo said the visit showed how keen Moscow is to shape whatever '
                    'deal emerges from the planned summit in Singapore.', ('formal', ''), 'made public.',
                    WIRE.replace('relatively cordial relations', 'relatively warm relations'))


def build_corpus(root: Path) -> Path:
    root.mkdir(parents=True)
    for seed in (SEED_000, SEED_003):
        (root / seed.name).write_bytes(seed.read_bytes())
    for page_id in DEV_PAGE_IDS:
        (root / f'page{page_id}.html').write_bytes(dev_html(page_id))
    (root / 'reprint-a.txt').write_text(REPRINT_A, encoding='utf-8')
    (root / 'reprint-b.txt').write_text(REPRINT_B, encoding='utf-8')
    return root


@pytest.fixture(scope='module')
def corpus(tmp_path_factory):
    return build_corpus(tmp_path_factory.mktemp('report') / 'corpus')


@pytest.fixture(scope='module')
def report_run(corpus):
    output = corpus.parent / 'out'
    summary = run(['--input', str(corpus / '*'), '--output', str(output), '--quiet'])
    assert_accounted(output, summary)
    report = json.loads((output / SUMMARY_PATH).read_text())
    return output, summary, report


@pytest.fixture(scope='module')
def empty_run(tmp_path_factory):
    root = tmp_path_factory.mktemp('report-empty')
    (root / 'in').mkdir()
    (root / 'in' / 'empty.txt').write_bytes(b'')
    summary = run(['--input', str(root / 'in' / '*'), '--output', str(root / 'out'), '--quiet'])
    assert_accounted(root / 'out', summary)
    return root / 'out', summary


def table(output: Path, name: str, columns=None):
    return ds.dataset(str(output / name), format='parquet', partitioning='hive').to_table(columns=columns)


# ------------------------------------------------------------------ what summary.json holds

def test_summary_json_keeps_the_summary_and_adds_the_report(report_run):
    output, summary, report = report_run
    for key, value in summary.items():          # every key tests and pipeline/daily.py use, unchanged
        assert report[key] == value, key
    assert report['runner'] == 'FnApiRunner (local)' and 'report_error' not in report
    assert (output / REPORT_HTML_PATH).stat().st_size > 10_000
    assert (output / '_SUCCESS').exists() and not (output / '_temporary').exists()
    assert report['articles_in_tables'] == summary['articles_written'] == 8
    assert report['rejects_in_tables'] == summary['rejected'] == 0


def test_counts_agree_with_the_tables(report_run):
    output, _, report = report_run
    articles = table(output, 'articles', ['language', 'format', 'date_source', 'publisher', 'published_date',
                                          'n_words', 'dup_ratio']).to_pylist()
    n = len(articles)

    def counted(items):
        return {item['value']: item['count'] for item in items}

    assert counted(report['languages']) == collections.Counter(a['language'] for a in articles)
    assert counted(report['formats']) == {'text': 4, 'html': 4}
    assert counted(report['date_sources']) == collections.Counter(a['date_source'] for a in articles)
    assert all(abs(item['share'] - item['count'] / n) < 1e-4 for item in report['languages'])
    publishers = report['publishers']
    assert counted(publishers['top']) == collections.Counter(a['publisher'] for a in articles if a['publisher'])
    assert publishers['unknown'] == sum(a['publisher'] is None for a in articles) == 3   # seed 000, the reprints
    assert publishers['other'] == 0
    days = collections.Counter(a['published_date'].isoformat() for a in articles if a['published_date'])
    assert {d['date']: d['count'] for d in report['published_dates']['by_day']} == days
    assert report['published_dates']['undated'] == n - sum(days.values()) == 1          # seed 003
    assert [d['date'] for d in report['published_dates']['by_day']] == sorted(days)

    words = sorted(a['n_words'] for a in articles)
    assert report['n_words']['median'] == words[math.ceil(0.5 * n) - 1]
    assert (report['n_words']['min'], report['n_words']['max']) == (words[0], words[-1])
    assert report['n_words']['mean'] == round(sum(words) / n, 1)

    ratios = np.array([a['dup_ratio'] for a in articles], dtype='float64')
    dup = report['dup_ratio']
    assert dup['zero'] == int((ratios == 0).sum()) and dup['missing'] == 0
    assert [b['count'] for b in dup['bins']] == [int(((ratios > b['low'] + 1e-9) & (ratios <= b['high'] + 1e-9)).sum())
                                                 for b in dup['bins']]
    assert dup['zero'] + sum(b['count'] for b in dup['bins']) == n
    assert [(b['low'], b['high']) for b in dup['bins']][0] == (0.0, 0.1) and dup['bins'][-1]['high'] == 1.0

    sizes = collections.Counter(table(output, 'clusters', ['size']).column('size').to_pylist())
    assert {s['size']: s['clusters'] for s in report['cluster_sizes']} == sizes

    cuts = [c for c in table(output, 'boilerplate', ['text', 'reason']).to_pylist()
            if c['reason'] not in HEADER_REASONS]
    by_text = collections.Counter(c['text'] for c in cuts)
    top = report['boilerplate_lines']['top']
    ranked = sorted(by_text.items(), key=lambda kv: (-kv[1], kv[0]))[:25]
    assert [(line['text'], line['count']) for line in top] == ranked
    assert report['boilerplate_lines']['lines'] == len(cuts)
    assert any(line['text'] == HOSTILE_LINE and line['count'] == 2 for line in top)


def test_largest_cluster_is_the_wire_sentence_with_its_copies(report_run):
    output, _, report = report_run
    clusters = report['largest_clusters']
    assert [c['size'] for c in clusters] == sorted((c['size'] for c in clusters), reverse=True)
    biggest = clusters[0]
    assert biggest['size'] == 4 and biggest['copies_total'] == 3
    assert biggest['canonical']['text'] == WIRE and biggest['canonical']['published_date'] == '2018-05-31'
    copies = {c['text'] for c in biggest['copies']}
    assert WIRE.replace('cordial', 'warm') in copies
    assert WIRE.replace('that Putin', 'that the Russian president') in copies
    assert any('President Vladimir Putin' in text for text in copies)            # seed 003's quote
    the_week = [c for c in biggest['copies'] if c['publisher'] == 'The Week']
    assert the_week and the_week[0]['published_date'] is None and the_week[0]['title'].startswith("Russia's")
    similarities = [c['similarity'] for c in biggest['copies']]
    assert similarities == sorted(similarities)                                  # most edited first
    passages = table(output, 'passages', ['passage_id', 'cluster_id', 'text']).to_pylist()
    for cluster in clusters:
        members = [p for p in passages if p['cluster_id'] == cluster['cluster_id']]
        assert cluster['copies_total'] == len(members) - 1
        assert {c['passage_id'] for c in cluster['copies']} <= {p['passage_id'] for p in members}
    assert any(HOSTILE_PASSAGE in c['canonical']['text'] for c in clusters)


def test_report_is_deterministic_and_reads_remote_paths_the_same_way(report_run, monkeypatch):
    output, summary, report = report_run
    again = gather_report(str(output), summary, 'FnApiRunner (local)')
    assert json.dumps(again, sort_keys=True) == json.dumps(report, sort_keys=True)
    # The path a gs:// or s3:// output takes (Beam's filesystems, file by file) gives the same report.
    monkeypatch.setattr(tables_module, 'is_local_path', lambda path: False)
    assert gather_report(str(output), summary, 'FnApiRunner (local)') == report


def test_boilerplate_lines_are_counted_in_bounded_memory(tmp_path, monkeypatch):
    """Many distinct lines: past MAX_DISTINCT_LINES the rarest are dropped
    as the scan goes and the finalists are counted again, exactly."""
    import pyarrow as pa
    import pyarrow.parquet as pq
    import schemas
    rows = []
    for k in range(3000):
        rows.append({'doc_id': f'd{k}', 'line_index': 0, 'text': f'unique line {k}', 'reason': 'caption'})
        if k % 10 == 0:
            rows.append({'doc_id': f'd{k}', 'line_index': 1, 'text': 'Share this article', 'reason': 'share_prompt'})
        if k % 25 == 0:
            rows.append({'doc_id': f'd{k}', 'line_index': 2, 'text': 'Sign up <b>now</b>',
                         'reason': 'newsletter' if k % 50 else 'subscribe_prompt'})
        if k % 100 == 0:
            rows.append({'doc_id': f'd{k}', 'line_index': 3, 'text': 'Headline', 'reason': 'title'})
    (tmp_path / 'boilerplate').mkdir()
    pq.write_table(pa.Table.from_pylist(rows, schema=schemas.BOILERPLATE), tmp_path / 'boilerplate' / 'p.parquet')
    exact = gather_report(str(tmp_path), {}, 'x')['boilerplate_lines']
    monkeypatch.setattr(gather_module, 'MAX_DISTINCT_LINES', 200)
    monkeypatch.setattr(tables_module, 'BATCH_ROWS', 100)
    bounded = gather_report(str(tmp_path), {}, 'x')['boilerplate_lines']
    assert bounded['distinct'] is None and exact['distinct'] == 3002
    assert bounded['top'][:2] == exact['top'][:2] == [
        {'text': 'Share this article', 'truncated': False, 'count': 300, 'reason': 'share_prompt',
         'reasons': {'share_prompt': 300}},
        {'text': 'Sign up <b>now</b>', 'truncated': False, 'count': 120, 'reason': 'newsletter',
         'reasons': {'newsletter': 60, 'subscribe_prompt': 60}}]
    assert bounded['lines'] == exact['lines'] == 3000 + 300 + 120     # title lines are header lines


def test_unreadable_tables_give_the_summary_with_a_report_error(report_run):
    _, summary, _ = report_run
    broken = gather_report('nosuchfs://bucket/out', summary, 'DataflowRunner')
    assert broken['report_error'].startswith('ValueError') and '\n' not in broken['report_error']
    assert all(broken[key] == value for key, value in summary.items())
    files = report_files('nosuchfs://bucket/out', summary, 'DataflowRunner')
    assert list(files) == [SUMMARY_PATH] and 'report_error' in json.loads(files[SUMMARY_PATH])


def test_a_report_that_fails_does_not_fail_the_run(empty_run, tmp_path, monkeypatch):
    output, _ = empty_run

    def broken(*args, **kwargs):
        raise RuntimeError('disk on fire')

    monkeypatch.setattr(report_module, 'render_report_html', broken)
    files = report_files(str(output), {'records_read': 1}, 'x')
    assert list(files) == [SUMMARY_PATH] and json.loads(files[SUMMARY_PATH])['report_error'] == \
        'RuntimeError: disk on fire'

    monkeypatch.setattr(gather_module, 'gather_clusters', broken)
    corpus = tmp_path / 'in'
    corpus.mkdir()
    (corpus / SEED_000.name).write_bytes(SEED_000.read_bytes())
    summary = run(['--input', str(corpus / '*'), '--output', str(tmp_path / 'out'), '--quiet'])
    written = json.loads((tmp_path / 'out' / SUMMARY_PATH).read_text())
    assert written['report_error'] == 'RuntimeError: disk on fire'
    assert all(written[key] == value for key, value in summary.items())
    assert not (tmp_path / 'out' / REPORT_HTML_PATH).exists() and (tmp_path / 'out' / '_SUCCESS').exists()
    assert_accounted(tmp_path / 'out', summary)


def test_empty_run_and_missing_tables(empty_run, tmp_path):
    output, summary = empty_run
    report = json.loads((output / SUMMARY_PATH).read_text())
    assert 'report_error' not in report and report['articles_in_tables'] == 0
    assert report['languages'] == [] and report['publishers']['top'] == [] and report['cluster_sizes'] == []
    assert report['published_dates'] == {'by_day': [], 'undated': 0, 'dated': 0, 'first': None, 'last': None}
    assert report['n_words'] == {'articles': 0} and report['dup_ratio']['mean'] is None
    assert report['largest_clusters'] == [] and report['boilerplate_lines']['top'] == []
    assert report['rejects']['by_error'] == [{'value': 'empty_input', 'count': 1, 'share': 1.0}]
    page = (output / REPORT_HTML_PATH).read_text()
    assert page.count('no data') >= 5 and 'no duplicate cluster' in page
    # A folder with no table at all (a stream that wrote nothing yet) is an empty report, not an error.
    nothing = gather_report(str(tmp_path), summary, 'x')
    assert 'report_error' not in nothing and nothing['articles_in_tables'] == 0
    render_report_html(nothing)


def test_streaming_run_writes_the_report_for_its_output(corpus, report_run, tmp_path):
    _, _, batch = report_run
    output = tmp_path / 'stream'
    summary = run(['--streaming', '--input', str(corpus / '*'), '--output', str(output), '--poll-interval', '0.2',
                   '--max-idle', '1', '--quiet'])
    assert_accounted(output, summary)
    report = json.loads((output / SUMMARY_PATH).read_text())
    assert 'report_error' not in report and report['runner'] == 'LocalStreamingRunner (local)'
    assert 'every row in OUTPUT' in report['report_scope'] and (output / REPORT_HTML_PATH).exists()
    for key in ('articles_in_tables', 'languages', 'formats', 'n_words', 'publishers', 'published_dates'):
        assert report[key] == batch[key], key
    assert report['largest_clusters'][0]['canonical']['text'] == WIRE


# ------------------------------------------------------------------ the HTML

class Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = collections.Counter()
        self.attributes = set()

    def handle_starttag(self, tag, attrs):
        self.tags[tag] += 1
        self.attributes.update(name for name, _ in attrs)


ALLOWED_TAGS = {'html', 'head', 'meta', 'title', 'style', 'body', 'main', 'header', 'h1', 'h2', 'h3', 'p', 'b', 'em',
                'code', 'section', 'div', 'span', 'svg', 'rect', 'line', 'text', 'table', 'thead', 'tbody', 'tr',
                'th', 'td', 'ins', 'del', 'details', 'summary'}


def parsed(page: str) -> Tags:
    tags = Tags()
    tags.feed(page)
    return tags


def test_page_is_self_contained_and_escapes_the_run_text(report_run):
    output, _, _ = report_run
    page = (output / REPORT_HTML_PATH).read_text()
    tags = parsed(page)
    assert set(tags.tags) <= ALLOWED_TAGS, set(tags.tags) - ALLOWED_TAGS
    assert '<script' not in page.lower() and 'url(' not in page and '@import' not in page and '@font-face' not in page
    assert 'Subscribe to our newsletter &lt;script&gt;alert(1)&lt;/script&gt;' in page
    assert 'posted as &lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt; on its website' in page
    assert tags.tags['svg'] >= 7 and "default-src 'none'" in page
    assert {'src', 'href', 'onerror', 'onload'}.isdisjoint(tags.attributes)


def test_every_value_from_the_data_is_escaped():
    evil = '<img src=x onerror=alert(1)><script>alert(2)</script>"\'&'
    report = {
        'output': evil, 'runner': evil, 'records_read': 1, 'articles_written': 1, 'rejected': 1, 'seconds': evil,
        'files_read': evil, 'clusters': evil, 'passages': evil,
        'rejected_by_stage': {evil: 1}, 'accounting_ok': True, 'report_scope': evil, 'articles_in_tables': 1,
        'languages': [{'value': evil, 'count': 1, 'share': 1.0}],
        'date_sources': [{'value': evil, 'count': 1, 'share': 1.0}],
        'formats': [{'value': evil, 'count': 1, 'share': 1.0}],
        'publishers': {'top': [{'value': evil, 'count': 1, 'share': 1.0}], 'other': 0, 'other_publishers': 0,
                       'unknown': 0, 'distinct': 1},
        'published_dates': {'by_day': [{'date': '2020-01-01', 'count': 1}], 'undated': 0, 'dated': 1,
                            'first': '2020-01-01', 'last': '2020-01-01'},
        'rejects': {'by_stage_error': [{'stage': evil, 'error': evil, 'count': 1}]},
        'cluster_sizes': [{'size': 2, 'clusters': 1}],
        'largest_clusters': [{'cluster_id': evil, 'size': 2, 'copies_total': 1,
                              'canonical': {'doc_id': evil, 'passage_id': evil, 'publisher': evil, 'title': evil,
                                            'published_date': evil, 'text': f'one {evil} two'},
                              'copies': [{'doc_id': evil, 'passage_id': evil, 'publisher': evil, 'title': evil,
                                          'published_date': evil, 'similarity': 0.5,
                                          'text': f'one {evil} {evil} three'}]}],
        'boilerplate_lines': {'top': [{'text': evil, 'count': 3, 'reason': evil, 'reasons': {evil: 3}}],
                              'lines': 3, 'distinct': 1},
        'report_error': evil, evil: evil,
    }
    page = render_report_html(report)
    tags = parsed(page)
    assert 'img' not in tags.tags and 'script' not in tags.tags and 'onerror' not in tags.attributes
    assert '<img' not in page and '<script' not in page
    assert page.count('&lt;img src=x onerror=alert(1)&gt;&lt;script&gt;alert(2)&lt;/script&gt;') >= 10
    assert '&amp;lt;' not in page        # escaped once, not twice


def test_word_diff_marks_only_the_words_that_differ():
    page, inserted, deleted = word_diff_html(WIRE, WIRE.replace('cordial', 'warm'))
    assert (inserted, deleted) == (1, 1)
    assert '<del class="diff-del">cordial</del> <ins class="diff-ins">warm</ins> relations' in page
    assert page.count('diff-') == 2
    page, inserted, deleted = word_diff_html(WIRE, f'"{WIRE.replace("that Putin", "that President Vladimir Putin")}"')
    assert (inserted, deleted) == (4, 0)    # two quote marks and two words; "Despite" itself is unchanged
    assert '<ins class="diff-ins">President Vladimir</ins> Putin' in page
    assert word_diff_html(WIRE, WIRE) == (WIRE, 0, 0)
    assert word_diff_html('a <b> c', 'a <i> c')[0] == \
        'a &lt;<del class="diff-del">b</del> <ins class="diff-ins">i</ins>&gt; c'


def test_report_page_shows_the_copies_differing_words(report_run):
    output, _, _ = report_run
    page = (output / REPORT_HTML_PATH).read_text()
    assert '<del class="diff-del">cordial</del> <ins class="diff-ins">warm</ins>' in page
    assert '<ins class="diff-ins">the Russian president</ins>' in page


# ------------------------------------------------------------------ in a real browser

def _chromium():
    """(chromium, chromedriver) paths, or skip (fail under CI) with the reason."""
    missing = []
    try:
        import selenium  # noqa: F401
    except ImportError:
        missing.append('the selenium package (pip install -r requirements-dev.txt)')
    browser = next(filter(None, map(shutil.which, ('chromium', 'chromium-browser', 'google-chrome'))), None)
    driver = shutil.which('chromedriver')
    if not browser:
        missing.append('a chromium binary')
    if not driver:
        missing.append('chromedriver')
    if missing:
        reason = f'report.html is rendered in headless Chromium, which needs {", ".join(missing)}: run `make browser`'
        if os.environ.get('CI'):
            pytest.fail(f'{reason} (CI is set: a missing browser fails instead of skipping)')
        pytest.skip(reason)
    return browser, driver


@pytest.fixture(scope='module')
def chrome():
    browser, driver_path = _chromium()
    os.environ.setdefault('SE_OFFLINE', 'true')      # never let Selenium Manager download a driver
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    options = webdriver.ChromeOptions()
    options.binary_location = browser
    for argument in ('--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage',
                     '--window-size=1280,900', '--hide-scrollbars', '--no-first-run', '--disable-extensions',
                     '--disable-background-networking', '--disable-component-update', '--disable-sync'):
        options.add_argument(argument)
    options.set_capability('goog:loggingPrefs', {'browser': 'ALL'})
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    yield driver
    driver.quit()


def open_page(driver, path: Path) -> list:
    """Load the page; returns its console's severe entries."""
    driver.get(path.resolve().as_uri())
    driver.get_log('browser')   # (clears what an earlier page left)
    driver.refresh()
    return [entry for entry in driver.get_log('browser') if entry['level'] == 'SEVERE']


def rendered_size(driver, element) -> tuple:
    box = driver.execute_script('const r = arguments[0].getBoundingClientRect(); return [r.width, r.height];', element)
    return tuple(box)


def full_page_png(driver) -> bytes:
    height = driver.execute_script('return document.documentElement.scrollHeight')
    driver.set_window_size(1280, height + 120)
    return driver.get_screenshot_as_png()


def test_report_renders_in_headless_chromium(chrome, report_run, tmp_path_factory):
    output, _, _ = report_run
    from selenium.webdriver.common.by import By
    assert open_page(chrome, output / REPORT_HTML_PATH) == []
    assert chrome.execute_script('return document.scripts.length') == 0
    charts = chrome.find_elements(By.CSS_SELECTOR, 'svg.chart')
    assert len(charts) >= 7
    for chart in charts:
        width, height = rendered_size(chrome, chart)
        assert width > 100 and height > 20, (chart.get_attribute('outerHTML')[:200], width, height)
        assert chart.find_elements(By.CSS_SELECTOR, 'rect.bar') or 'nodata' in chart.get_attribute('class')
    bars = chrome.find_elements(By.CSS_SELECTOR, 'svg.chart rect.bar')
    assert sum(rendered_size(chrome, bar)[1] > 0 for bar in bars) >= 10
    # The cluster comparison: canonical on the left, copies beside it, differing words highlighted.
    canonical = chrome.find_element(By.CSS_SELECTOR, '.cluster .passage.canonical')
    copy = chrome.find_element(By.CSS_SELECTOR, '.cluster .passage.copy')
    assert canonical.location['x'] < copy.location['x'] and abs(canonical.location['y'] - copy.location['y']) < 5
    highlights = chrome.find_elements(By.CSS_SELECTOR, '.cluster ins.diff-ins, .cluster del.diff-del')
    visible = [h for h in highlights if h.is_displayed() and min(rendered_size(chrome, h)) > 0]
    assert len(visible) >= 4 and {'warm', 'cordial'} <= {h.text for h in visible}
    colour = chrome.execute_script('return getComputedStyle(arguments[0]).backgroundColor', visible[0])
    assert colour not in ('rgba(0, 0, 0, 0)', 'transparent')
    # Hostile text is shown as text, not run.
    lines = [cell.text for cell in chrome.find_elements(By.CSS_SELECTOR, 'td')]
    assert HOSTILE_LINE in lines

    png = full_page_png(chrome)
    folder = Path(os.environ.get('REPORT_SCREENSHOT_DIR') or tmp_path_factory.mktemp('screenshots'))
    folder.mkdir(parents=True, exist_ok=True)
    (folder / 'report.png').write_bytes(png)
    assert_not_blank(png, min_height=2000, bars=True)


def test_empty_report_renders_with_no_data_charts(chrome, empty_run, tmp_path_factory):
    output, _ = empty_run
    from selenium.webdriver.common.by import By
    assert open_page(chrome, output / REPORT_HTML_PATH) == []
    charts = chrome.find_elements(By.CSS_SELECTOR, 'svg.chart')
    assert charts and all(min(rendered_size(chrome, chart)) > 0 for chart in charts)
    assert all('no data' in chart.text for chart in charts)
    png = full_page_png(chrome)
    folder = Path(os.environ.get('REPORT_SCREENSHOT_DIR') or tmp_path_factory.mktemp('screenshots'))
    folder.mkdir(parents=True, exist_ok=True)
    (folder / 'report-empty.png').write_bytes(png)
    assert_not_blank(png, min_height=800)


def assert_not_blank(png: bytes, min_height: int, bars: bool = False) -> None:
    """The screenshot decodes and shows a page: tall enough, many colours
    (text is anti-aliased, charts and highlights are coloured), and no
    single colour covering nearly all of it."""
    import io
    from PIL import Image
    image = Image.open(io.BytesIO(png)).convert('RGB')
    assert image.width >= 1000 and image.height >= min_height, image.size
    colours = image.getcolors(maxcolors=1 << 20)
    assert len(colours) > 200, len(colours)
    assert max(count for count, _ in colours) < 0.9 * image.width * image.height
    if bars:
        blue = sum(count for count, (r, g, b) in colours if b > r + 40 and b > g + 20)   # the chart bars
        assert blue > 5000, blue
