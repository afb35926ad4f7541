"""Train `BoilerplateModel` (transforms/text/boilerplate_model.json) on text dumps
of the dev pages.

    python bench/train_boilerplate.py [--data DIR] [--out FILE] [--cv-only]

Data: every dev page with a body, turned into a raw text dump
(`bench/text_dumps.py`), run through the text path's header split, then
`BoilerplateRules.analyse` and `line_features`, exactly as at run time.
Labels: a line is body when its words stand in the page's hand-checked
`main_content` (`label_lines`: word trigrams for long lines; for short ones
the exact words, right after the previous body line).

Only the tune part is used (page ids not ending in 0 or 5), and of it only
pages from sites that have no page in the held-out part, so the held-out
score in `make eval` is a score on unseen sites. Model selection (the
decision threshold) is done by 5-fold cross-validation grouped by site,
maximizing macro body F1 with macro precision of at least 0.92.

Needs scikit-learn (a dev requirement); the shipped model is plain JSON and
needs only numpy.
"""
from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
from collections import Counter
from multiprocessing import Pool
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench.eval import DEFAULT_DATA, is_held_out, load_pages  # noqa: E402
from bench.scoring import prf_from_counts, tokens  # noqa: E402
from bench.text_dumps import page_text_dump  # noqa: E402
from transforms.text.boilerplate_features import feature_names, line_features  # noqa: E402
from transforms.text.boilerplate_model import FINAL_REASONS, MODEL_PATH, title_cut  # noqa: E402
from transforms.common.sites import site_of_url as site  # noqa: E402
from transforms.text.split_headers import split_headers  # noqa: E402
from transforms.text.boilerplate_rules import BoilerplateRules  # noqa: E402
from transforms.text.strip_boilerplate import text_to_lines  # noqa: E402


def label_lines(texts: list, gold: str, window: int = 40) -> np.ndarray:
    """1 for lines whose words are in the gold body, aligned in order: a
    line of 4+ words is body when most of its word trigrams are in the gold
    text (anywhere: pages reorder blocks); a shorter line only when its exact
    words come in the gold text within `window` words after the previous
    body line (so never before the first), so a 'Home' link or a
    table-of-contents entry is not body because the article says 'home' or
    has that subhead."""
    g = tokens(gold)
    tri_pos: dict = {}
    for p, tri in enumerate(zip(g, g[1:], g[2:])):
        tri_pos.setdefault(tri, p)
    y = np.zeros(len(texts), dtype=np.int8)
    ptr = None
    for k, text in enumerate(texts):
        t = tokens(text)
        if len(t) >= 4:
            hits = [tri_pos[x] for x in zip(t, t[1:], t[2:]) if x in tri_pos]
            if len(hits) >= 0.6 * (len(t) - 2):
                y[k] = 1
                ptr = max(hits) + 3
        elif t and ptr is not None:     # before the first body line: the menu
            n = len(t)
            for p in range(max(0, ptr - 2), min(len(g) - n, ptr + window) + 1):
                if g[p:p + n] == t:
                    y[k] = 1
                    ptr = p + n
                    break
    return y


def page_rows(item):
    page_id, html_path, gt = item
    html = gzip.open(html_path, 'rb').read().decode('utf-8', 'replace')
    dump = page_text_dump(html)
    hs = split_headers(text_to_lines(dump), find_title=True)
    a = BoilerplateRules().analyse(hs.lines)
    if not a.idx:
        return None
    X = line_features(a, title_cut(hs.cuts))
    texts = [a.texts[i] for i in a.idx]
    y = label_lines(texts, gt['main_content'])
    ntok = np.array([len(tokens(t)) for t in texts], dtype=np.float64)
    units = np.array([a.unit_of[i] for i in a.idx])
    return dict(id=page_id, site=site(gt.get('url')), X=X, y=y, ntok=ntok, units=units,
                chars=np.array([len(t) for t in texts], dtype=np.float64),
                gold=Counter(tokens(gt['main_content'])), line_tokens=[Counter(tokens(t)) for t in texts])


def page_f1(row, keep_line: np.ndarray) -> tuple:
    pred = Counter()
    for k in np.flatnonzero(keep_line):
        pred.update(row['line_tokens'][k])
    overlap = sum((pred & row['gold']).values())
    return prf_from_counts(overlap, sum(pred.values()), sum(row['gold'].values()))


def unit_keep(row, p: np.ndarray, threshold: float) -> np.ndarray:
    """Line keep flags from line probabilities, averaged per unit, with the
    final hard reasons applied, as at run time."""
    w = row['chars'] + 1
    keep = np.zeros(len(p), dtype=bool)
    for u in np.unique(row['units']):
        m = row['units'] == u
        keep[m] = np.average(p[m], weights=w[m]) >= threshold
    names = feature_names()
    for reason in FINAL_REASONS:
        keep &= row['X'][:, names.index(f'hard_{reason}')] == 0
    return keep


def make_model(args):
    from sklearn.ensemble import HistGradientBoostingClassifier
    return HistGradientBoostingClassifier(
        max_iter=args.trees, learning_rate=args.learning_rate, max_leaf_nodes=args.leaves,
        max_depth=args.depth, min_samples_leaf=args.min_leaf, l2_regularization=1.0,
        early_stopping=False, random_state=0)


def stack(rows):
    X = np.vstack([r['X'] for r in rows])
    y = np.concatenate([r['y'] for r in rows])
    # each page weighs the same (macro F1), each line by its words within the page
    w = np.concatenate([(r['ntok'] + 1) / (r['ntok'].sum() + len(r['ntok'])) for r in rows])
    return X, y, w * len(w) / len(rows) / max(1, np.mean([len(r['y']) for r in rows]))


def export(clf, threshold: float) -> dict:
    """The fitted HistGradientBoostingClassifier as flat node tables."""
    feature, thr, left, right, value, leaf, roots = [], [], [], [], [], [], []
    depth = 0
    for (pred,) in clf._predictors:
        nodes = pred.nodes
        if nodes['is_categorical'].any():
            raise ValueError('categorical splits are not supported')
        base = len(feature)
        roots.append(base)
        depth = max(depth, int(nodes['depth'].max()))
        for nd in nodes:
            is_leaf = bool(nd['is_leaf'])
            feature.append(int(nd['feature_idx']) if not is_leaf else 0)
            thr.append(float(nd['num_threshold']) if not is_leaf else 0.0)
            left.append(base + int(nd['left']) if not is_leaf else base)
            right.append(base + int(nd['right']) if not is_leaf else base)
            value.append(float(nd['value']) if is_leaf else 0.0)
            leaf.append(is_leaf)
    return dict(features=feature_names(), threshold=threshold,
                trees=dict(baseline=float(np.ravel(clf._baseline_prediction)[0]), feature=feature,
                           threshold=thr, left=left, right=right, value=value, is_leaf=leaf,
                           roots=roots, max_depth=depth))


#: precision the text path must keep (recall is not to be bought by keeping chrome)
MIN_PRECISION = 0.92


def choose_threshold(rows, oof) -> tuple:
    best = None
    for t in np.arange(0.2, 0.81, 0.05):
        scores = np.array([page_f1(r, unit_keep(r, oof[r['id']], t)) for r in rows])
        P, R, F = scores.mean(axis=0)
        print(f'  threshold {t:.2f}: P {P:.4f} R {R:.4f} F1 {F:.4f}')
        if P >= MIN_PRECISION and (best is None or F > best[1]):
            best = (round(float(t), 2), F, P, R)
    if best is None:
        raise SystemExit(f'no threshold reaches macro precision {MIN_PRECISION} in cross-validation')
    return best


def cross_validate(rows, args) -> tuple:
    """(threshold, F1, P, R): out-of-fold probabilities from 5 folds grouped
    by site, and the threshold that maximizes macro F1 with P >= MIN_PRECISION."""
    from sklearn.model_selection import GroupKFold
    oof = {}
    groups = np.array([r['site'] for r in rows])
    for tr, te in GroupKFold(n_splits=5).split(rows, groups=groups):
        X, y, w = stack([rows[i] for i in tr])
        clf = make_model(args).fit(X, y, sample_weight=w)
        for i in te:
            oof[rows[i]['id']] = clf.predict_proba(rows[i]['X'])[:, 1]
    rules = np.array([page_f1(r, r['X'][:, feature_names().index('rules_keep')] > 0) for r in rows]).mean(axis=0)
    print(f'rules on the same pages: P {rules[0]:.4f} R {rules[1]:.4f} F1 {rules[2]:.4f}')
    print('cross-validated by site:')
    threshold, F, P, R = choose_threshold(rows, oof)
    print(f'chosen threshold {threshold}: P {P:.4f} R {R:.4f} F1 {F:.4f}')
    return threshold, F, P, R


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--data', type=Path, default=DEFAULT_DATA)
    ap.add_argument('--out', type=Path, default=MODEL_PATH)
    ap.add_argument('--cv-only', action='store_true', help='cross-validate, do not write the model')
    ap.add_argument('--trees', type=int, default=200)
    ap.add_argument('--learning-rate', type=float, default=0.1)
    ap.add_argument('--leaves', type=int, default=31)
    ap.add_argument('--depth', type=int, default=8)
    ap.add_argument('--min-leaf', type=int, default=40)
    ap.add_argument('--procs', type=int, default=2)
    ap.add_argument('--threshold', type=float, default=None,
                    help='use this decision threshold and skip the cross-validation')
    args = ap.parse_args(argv)

    pages = load_pages(args.data)
    held_sites = {site(gt.get('url')) for pid, _, gt in pages if is_held_out(pid)}
    train_pages = [p for p in pages if not is_held_out(p[0]) and site(p[2].get('url')) not in held_sites]
    t0 = time.perf_counter()
    with Pool(args.procs) as pool:
        rows = [r for r in pool.map(page_rows, train_pages, chunksize=4) if r is not None]
    n_lines = sum(len(r['y']) for r in rows)
    print(f'{len(rows)} training pages ({len(pages) - len(train_pages)} held-out or same-site pages left out), '
          f'{n_lines} lines, {sum(int(r["y"].sum()) for r in rows)} body; features in {time.perf_counter() - t0:.1f}s')

    if args.threshold is not None:
        threshold, F, P, R = args.threshold, None, None, None
    else:
        threshold, F, P, R = cross_validate(rows, args)
    if args.cv_only:
        return
    X, y, w = stack(rows)
    clf = make_model(args).fit(X, y, sample_weight=w)
    spec = export(clf, threshold)
    from transforms.text.boilerplate_model import TreeEnsemble
    mine = TreeEnsemble(spec['trees']).proba(X)
    theirs = clf.predict_proba(X)[:, 1]
    if not np.allclose(mine, theirs, atol=1e-9):
        raise SystemExit(f'exported trees disagree with scikit-learn: max diff {np.abs(mine - theirs).max()}')
    spec['trained_on'] = dict(pages=len(rows), lines=n_lines, cv_macro=dict(P=P, R=R, F1=F),
                              params=dict(trees=args.trees, learning_rate=args.learning_rate, leaves=args.leaves,
                                          depth=args.depth, min_leaf=args.min_leaf))
    args.out.write_text(json.dumps(spec, separators=(',', ':')) + '\n', encoding='utf-8')
    print(f'wrote {args.out} ({args.out.stat().st_size // 1024} KB)')


if __name__ == '__main__':
    main()
