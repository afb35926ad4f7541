"""`make eval`: score the text path and the HTML path on the dev article pages.

    python bench/eval.py [--data DIR] [--limit N] [--procs 2] [--dump FILE] [--path both|text|html|dedup]
                         [--dedup-articles 3000] [--dedup-seed 0]

Text path: every page is turned into a raw text dump (`bench/text_dumps.py`)
and run through decode, header split, boilerplate model and assembly; its body
is scored beside the raw dump's, jusText's on the same lines, and the rules'
alone (`--boilerplate rules`).

HTML path: for every page with a ground-truth body, runs `HtmlExtractor.extract` (on the
HTML decoded to str) and, in the same process, bare
`trafilatura.extract(html_bytes, output_format='json', with_metadata=True)`,
and prints body bag-of-words P/R/F1 (macro; micro F1 too), date, title and
author accuracy for both, on all pages and on the tune / held-out splits
(held-out: page ids ending in 0 or 5), plus the time ratio of the two.

Duplicate passages (`--path dedup`): builds a synthetic wire-reuse corpus
from the pages' ground-truth bodies (`bench/wire_corpus.py`: wire stories,
own articles, reprints with edits, quotes and full reprints, with the truth of
which text was taken) and scores, by word tokens, the exact-sentence baseline
and `transforms.reuse.detect_reuse.detect_reuse` (when it exists) on it:
precision, recall, F1, and recall per edit kind and placement.

`--path both` (the default, what `make eval` runs) runs all three.
"""
from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
from multiprocessing import Pool
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench.scoring import (authors_match, bag_of_words_counts, date_in_page, date_match,  # noqa: E402
                           macro_micro, title_exact, title_fuzzy, to_date)

DEFAULT_DATA = REPO.parent / 'shared' / 'data' / 'web-articles-dev'


def is_held_out(page_id: str) -> bool:
    return page_id[-1] in '05'


def load_pages(data: Path, limit=None) -> list:
    """[(page_id, html_path, ground_truth dict with url)] for pages with a body."""
    out = []
    for gt_path in sorted((data / 'ground-truth').glob('*.json')):
        rec = json.loads(gt_path.read_text(encoding='utf-8'))
        gt = rec.get('ground_truth') or {}
        if not gt.get('main_content'):
            continue
        html_path = data / 'html' / f'{gt_path.stem}.html.gz'
        if not html_path.exists():
            continue
        gt = dict(gt, url=rec.get('url'))
        out.append((gt_path.stem, str(html_path), gt))
        if limit and len(out) >= limit:
            break
    return out


_EXTRACTOR = None
_TEXT_MODEL = None
_TEXT_RULES = None


def _init_worker():
    global _EXTRACTOR
    import logging
    logging.disable(logging.CRITICAL)
    from transforms.html.extract_html import HtmlExtractor
    _EXTRACTOR = HtmlExtractor()
    global _TEXT_MODEL, _TEXT_RULES
    from transforms.text.boilerplate_rules import BoilerplateRules
    from transforms.text.strip_boilerplate import default_classifier
    _TEXT_MODEL, _TEXT_RULES = default_classifier(), BoilerplateRules()


def _score(text, date, title, authors, gt) -> dict:
    return dict(
        body=bag_of_words_counts(text, gt['main_content']),
        has_gold_date=bool(gt.get('publish_date')),
        date_ok=date_match(date, gt.get('publish_date')),
        date_none=to_date(date) is None,
        title_ok=title_exact(title, gt.get('title')),
        title_fuzzy=title_fuzzy(title, gt.get('title')),
        has_gold_author=bool(gt.get('author')),
        author_ok=authors_match(authors, gt.get('author')),
    )


def pipeline_article(raw: bytes, source: str, url):
    """The pipeline's own per-page path, without Beam: decode, extract, split
    headers, strip boilerplate, assemble. What `make eval` scores is what the
    job writes."""
    from transforms.text.assemble_articles import assemble_article
    from transforms.read.decode_records import draft_from_record
    from transforms.html.extract_html import extract_draft
    from transforms.common.records import RawRecord
    from transforms.text.split_headers import split_draft_headers
    from transforms.text.strip_boilerplate import strip_draft
    draft = draft_from_record(RawRecord(source, 'html', raw, 'html', url=url))
    return assemble_article(strip_draft(_TEXT_MODEL, split_draft_headers(extract_draft(_EXTRACTOR, draft))))


def pipeline_text_article(raw: bytes, source: str, classifier=None):
    """The pipeline's own path for a text dump, without Beam: decode, split
    headers, strip boilerplate (the trained model unless `classifier` says
    otherwise), assemble."""
    from transforms.text.assemble_articles import assemble_article
    from transforms.read.decode_records import draft_from_record
    from transforms.common.records import RawRecord
    from transforms.text.split_headers import split_draft_headers
    from transforms.text.strip_boilerplate import strip_draft
    draft = draft_from_record(RawRecord(source, 'text', raw, 'text'))
    return assemble_article(strip_draft(classifier or _TEXT_MODEL, split_draft_headers(draft)))


def justext_body(dump: str) -> str:
    """jusText (default settings, English stoplist) on the dump's lines, each
    given to it as a paragraph."""
    import html as html_mod
    import justext
    page = ''.join(f'<p>{html_mod.escape(line)}</p>' for line in dump.splitlines())
    paras = justext.justext(f'<html><body>{page}</body></html>'.encode('utf-8'), justext.get_stoplist('English'))
    return '\n\n'.join(p.text for p in paras if not p.is_boilerplate)


def _run_text_page(item):
    from bench.text_dumps import page_text_dump
    page_id, html_path, gt = item
    raw = gzip.open(html_path, 'rb').read()
    dump = page_text_dump(raw.decode('utf-8', 'replace'))
    t0 = time.perf_counter()
    article = pipeline_text_article(dump.encode('utf-8'), html_path + '.txt')
    t_ours = time.perf_counter() - t0
    t0 = time.perf_counter()
    jt = justext_body(dump)
    t_jt = time.perf_counter() - t0
    rules = pipeline_text_article(dump.encode('utf-8'), html_path + '.txt', _TEXT_RULES)
    gold = gt['main_content']
    return dict(id=page_id, t_ours=t_ours, t_justext=t_jt,
                raw=bag_of_words_counts(dump, gold), justext=bag_of_words_counts(jt, gold),
                rules=bag_of_words_counts(getattr(rules, 'text', ''), gold),
                ours=bag_of_words_counts(getattr(article, 'text', ''), gold))


def render_text(results: list) -> str:
    splits = [('all', results), ('tune', [r for r in results if not is_held_out(r['id'])]),
              ('held-out', [r for r in results if is_held_out(r['id'])])]
    cols = (('raw', 'raw'), ('justext', 'jusText'), ('rules', 'rules'), ('ours', 'model'))
    lines = [f'{"text dumps":<24}' + ''.join(f'{f"{name} {label}":>17}' for name, _ in splits
                                              for _, label in cols)]
    stats = [[macro_micro([r[k] for r in rs]) for k, _ in cols] for _, rs in splits]
    for label, key in (('pages', 'n'), ('body P (macro)', 'P'), ('body R (macro)', 'R'),
                       ('body F1 (macro)', 'F1'), ('body F1 (micro)', 'microF1')):
        fmt = '{:d}' if key == 'n' else '{:.4f}'
        lines.append(f'{label:<24}' + ''.join(f'{fmt.format(s[key]):>17}' for split in stats for s in split))
    return '\n'.join(lines)


def _run_page(item):
    import trafilatura
    page_id, html_path, gt = item
    raw = gzip.open(html_path, 'rb').read()
    url = gt.get('url')

    t0 = time.perf_counter()
    base = trafilatura.extract(raw, url=url, output_format='json', with_metadata=True)
    t_base = time.perf_counter() - t0
    base = json.loads(base) if base else {}

    before = _EXTRACTOR.second_passes
    t0 = time.perf_counter()
    article = pipeline_article(raw, html_path, url)
    t_ours = time.perf_counter() - t0
    text = getattr(article, 'text', '')   # a Reject has no text: scored as an empty body
    date, title = getattr(article, 'published_date', None), getattr(article, 'title', None)
    authors = list(getattr(article, 'authors', ()))
    ours = _score(text, date, title, authors, gt)
    ours['gold_date_in_page'] = date_in_page(raw, gt.get('publish_date'))
    bare = _score(base.get('text'), base.get('date'), base.get('title'),
                  (base.get('author') or '').split(';') if base.get('author') else None, gt)
    bare['gold_date_in_page'] = ours['gold_date_in_page']
    return dict(id=page_id, ours=ours, bare=bare, t_ours=t_ours, t_base=t_base,
                second=_EXTRACTOR.second_passes - before,
                pred=dict(date=str(date) if date else None, title=title, authors=authors,
                          publisher=getattr(article, 'publisher', None), url=getattr(article, 'url', None),
                          text_len=len(text)),
                bare_pred=dict(date=base.get('date'), title=base.get('title'),
                               author=base.get('author'), text_len=len(base.get('text') or '')))


def summarize(results: list, key: str) -> dict:
    s = macro_micro([r[key]['body'] for r in results])
    dated = [r[key] for r in results if r[key]['has_gold_date']]
    findable = [x for x in dated if x['gold_date_in_page']]
    authored = [r[key] for r in results if r[key]['has_gold_author']]
    n = len(results)
    s.update(
        dates=len(dated), date_acc=sum(x['date_ok'] for x in dated) / max(1, len(dated)),
        date_none=sum(x['date_none'] for x in dated),
        findable=len(findable), findable_acc=sum(x['date_ok'] for x in findable) / max(1, len(findable)),
        title_acc=sum(r[key]['title_ok'] for r in results) / max(1, n),
        title_fuzzy=sum(r[key]['title_fuzzy'] for r in results) / max(1, n),
        authors=len(authored),
        author_acc=sum(x['author_ok'] for x in authored) / max(1, len(authored)),
    )
    return s


ROWS = [('pages', 'n', '{:d}'), ('body P (macro)', 'P', '{:.4f}'), ('body R (macro)', 'R', '{:.4f}'),
        ('body F1 (macro)', 'F1', '{:.4f}'), ('body F1 (micro)', 'microF1', '{:.4f}'),
        ('pages with gold date', 'dates', '{:d}'), ('date accuracy', 'date_acc', '{:.4f}'),
        ('  no date predicted', 'date_none', '{:d}'),
        ('gold date shown in page', 'findable', '{:d}'), ('  date accuracy there', 'findable_acc', '{:.4f}'), ('title exact', 'title_acc', '{:.4f}'),
        ('title fuzzy>=0.9', 'title_fuzzy', '{:.4f}'), ('pages with gold author', 'authors', '{:d}'),
        ('author set match', 'author_acc', '{:.4f}')]


def render(results: list) -> str:
    splits = [('all', results), ('tune', [r for r in results if not is_held_out(r['id'])]),
              ('held-out', [r for r in results if is_held_out(r['id'])])]
    cols = []
    for name, rs in splits:
        cols.append((f'{name} ours', summarize(rs, 'ours')))
        cols.append((f'{name} bare', summarize(rs, 'bare')))
    w = 24
    lines = [f'{"metric":<{w}}' + ''.join(f'{c:>14}' for c, _ in cols)]
    for label, key, fmt in ROWS:
        lines.append(f'{label:<{w}}' + ''.join(f'{fmt.format(s[key]):>14}' for _, s in cols))
    return '\n'.join(lines)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--data', type=Path, default=DEFAULT_DATA)
    ap.add_argument('--limit', type=int, default=None)
    ap.add_argument('--procs', type=int, default=2)
    ap.add_argument('--dump', type=Path, default=None, help='write per-page results as JSON Lines')
    ap.add_argument('--path', choices=('both', 'html', 'text', 'dedup'), default='both',
                    help='score the HTML path, the text-dump path, duplicate-passage detection on a '
                         'synthetic wire-reuse corpus, or all three (both)')
    ap.add_argument('--dedup-articles', type=int, default=3000,
                    help='articles in the synthetic wire-reuse corpus (--path dedup)')
    ap.add_argument('--dedup-seed', type=int, default=0, help='seed of the synthetic wire-reuse corpus')
    args = ap.parse_args(argv)

    pages = load_pages(args.data, args.limit)
    if not pages:
        sys.exit(f'no pages with ground truth under {args.data}')
    if args.path in ('text', 'both'):
        run_text(pages, args)
    if args.path in ('html', 'both'):
        run_html(pages, args)
    if args.path in ('dedup', 'both'):
        run_dedup(pages, args)


def map_pages(fn, pages, procs: int) -> tuple:
    """(results sorted by page id, wall seconds) of `fn` over the pages in
    `procs` worker processes."""
    t0 = time.perf_counter()
    with Pool(procs, initializer=_init_worker) as pool:
        results = pool.map(fn, pages, chunksize=4)
    return sorted(results, key=lambda r: r['id']), time.perf_counter() - t0


def run_text(pages, args):
    results, wall = map_pages(_run_text_page, pages, args.procs)
    print(f'Text path on raw text dumps of {len(pages)} pages (all visible text, one block per line; '
          f'held-out = ids ending in 0 or 5, sites the model was not trained on; "rules" = --boilerplate rules)')
    print(render_text(results))
    t_ours, t_jt = sum(r['t_ours'] for r in results), sum(r['t_justext'] for r in results)
    print(f'\ntime: ours {t_ours:.1f}s, jusText {t_jt:.1f}s, ratio {t_ours / max(t_jt, 1e-9):.3f}; '
          f'wall {wall:.1f}s with {args.procs} procs\n')
    if args.dump:
        with open(str(args.dump) + '.text.jsonl', 'w', encoding='utf-8') as fh:
            for r in results:
                fh.write(json.dumps(r) + '\n')


def run_html(pages, args):
    results, wall = map_pages(_run_page, pages, args.procs)

    print(f'HTML extraction on {len(pages)} pages from {args.data} '
          f'(held-out = ids ending in 0 or 5; "bare" = trafilatura.extract with metadata)')
    print(render(results))
    t_ours = sum(r['t_ours'] for r in results)
    t_base = sum(r['t_base'] for r in results)
    print(f'\ntime: ours {t_ours:.1f}s, bare trafilatura {t_base:.1f}s, ratio {t_ours / t_base:.3f} '
          f'(same process, decode included in ours); wall {wall:.1f}s with {args.procs} procs')
    print(f'second pass run on {sum(r["second"] for r in results)} of {len(results)} pages')
    if args.dump:
        with open(args.dump, 'w', encoding='utf-8') as fh:
            for r in results:
                fh.write(json.dumps(r, default=str) + '\n')


def render_dedup(corpus, results: list) -> str:
    """Markdown tables: scores per method, then recall per kind of taken text.
    `results` is [(method name, token_scores dict, seconds)]."""
    lines = ['| method | P | R | F1 | flagged tokens | seconds |', '|---|---:|---:|---:|---:|---:|']
    for name, sc, seconds in results:
        lines.append(f'| {name} | {sc["precision"]:.4f} | {sc["recall"]:.4f} | {sc["f1"]:.4f} | '
                     f'{sc["flagged_tokens"]} | {seconds:.1f} |')
    from bench.wire_corpus import EDIT_KINDS, PLACEMENTS
    labels = ([(f'edit: {k}', k) for k in EDIT_KINDS] + [(f'placement: {k}', k) for k in PLACEMENTS] +
              [('copy of a reprint', 'second_hand')])
    lines += ['', '| recall by kind | taken tokens | ' + ' | '.join(name for name, _, _ in results) + ' |',
              '|---|---:|' + '---:|' * len(results)]
    first = results[0][1]['per_kind']
    for label, key in labels:
        if key not in first:
            continue
        lines.append(f'| {label} | {first[key]["taken"]} | ' +
                     ' | '.join(f'{sc["per_kind"][key]["recall"]:.4f}' for _, sc, _ in results) + ' |')
    return '\n'.join(lines)


def run_dedup(pages, args):
    from bench.wire_corpus import build_wire_corpus, detector_flags, exact_sentence_baseline, token_scores
    corpus = build_wire_corpus([gt['main_content'] for _, _, gt in pages], args.dedup_articles,
                               seed=args.dedup_seed)
    st = corpus.stats
    roles, ex = st['roles'], st['excluded']
    t0 = time.perf_counter()
    baseline = exact_sentence_baseline(corpus.articles)
    results = [('exact sentence', token_scores(baseline, corpus), time.perf_counter() - t0)]
    t0 = time.perf_counter()
    ours = detector_flags(corpus.articles)
    if ours is not None:
        results.append(('ours', token_scores(ours, corpus), time.perf_counter() - t0))
    sc = results[0][1]
    print(f'Duplicate passages on a synthetic wire-reuse corpus of {st["articles"]} articles from '
          f'{st["input_bodies"]} dev bodies (bench/wire_corpus.py, seed {args.dedup_seed}): '
          f'{roles.get("wire", 0)} wire stories, {roles.get("own", 0)} own articles, '
          f'{roles.get("reprint", 0)} reprints with excerpts, {roles.get("full_reprint", 0)} full reprints; '
          f'{sc["taken_tokens"]} of {sc["tokens"]} tokens taken; {st["undated"]} undated; '
          f'{st["epochs"]} epoch(s) of the pool; built in {st["seconds"]:.1f}s. Left out of the pool as '
          f'text the dev bodies already share: {ex.get("exact_across_bodies", 0)} sentences repeated across '
          f'bodies, {ex.get("exact_inside_body", 0)} inside one, {ex.get("near", 0)} near repeats, of '
          f'{ex.get("total", 0)}. Token scores (P = flagged tokens really taken / flagged, '
          f'R = taken tokens flagged / taken):')
    print(render_dedup(corpus, results))
    if ours is None:
        print('\nours: not available (transforms.reuse.detect_reuse.detect_reuse does not exist yet)')
    print()


if __name__ == '__main__':
    main()
