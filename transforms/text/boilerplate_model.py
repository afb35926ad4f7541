"""`BoilerplateModel`: the learned line classifier for scraped page text (no Beam).

Why a model: the rules in `BoilerplateRules` each see one kind of evidence
(a call-to-action word, stopword density, the class of the neighbours) and
decide alone. Real page text needs these weighed together: a short line
between two body paragraphs is a subhead, the same line under the footer is
a link. The model is a small gradient-boosted tree ensemble over per-line
features (`boilerplate_features.py`) that include every verdict of the
rules, so it learns where the rules are right and where they are not.

The ensemble is trained by `bench/train_boilerplate.py` on raw text dumps of
the tune part of the dev pages (pages whose site is also in the held-out part
excluded) and shipped as `boilerplate_model.json` beside this file: inference
is plain numpy, with no training library on the workers.

Deciding: a hard-wrapped paragraph (one unit of the rules) is kept or cut
whole, on its lines' probabilities averaged by length; a few kinds of hard
evidence are final (`FINAL_REASONS`); a short sentence glued to a kept
paragraph stays (`keep_glued_sentences`); a page the model would empty gets
the rules' verdict instead. On an HTML extractor's output the model only cuts
what it is sure of (`HTML_THRESHOLD`).
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Optional, Sequence

import numpy as np

from transforms.common.records import Cut, Line
from transforms.text.boilerplate_features import feature_names, line_features
from transforms.text.boilerplate_rules import BoilerplateRules, RuleAnalysis, split_by_reasons

MODEL_PATH = Path(__file__).with_name('boilerplate_model.json')


def title_cut(header_cuts: Sequence[Cut]) -> Optional[Cut]:
    """The headline among the header split's cuts."""
    return next((c for c in header_cuts or () if c.reason == 'title'), None)


class TreeEnsemble:
    """A binary gradient-boosted tree ensemble, evaluated with numpy.

    `nodes` holds every tree's nodes in one table (feature, threshold, left,
    right, value, is_leaf; children as absolute row numbers), `roots` the
    first row of each tree. All trees are walked at once, one level per step."""

    def __init__(self, spec: dict):
        self.baseline = float(spec['baseline'])
        self.feature = np.asarray(spec['feature'], dtype=np.int64)
        self.threshold = np.asarray(spec['threshold'], dtype=np.float64)
        self.left = np.asarray(spec['left'], dtype=np.int64)
        self.right = np.asarray(spec['right'], dtype=np.int64)
        self.value = np.asarray(spec['value'], dtype=np.float64)
        self.is_leaf = np.asarray(spec['is_leaf'], dtype=bool)
        self.roots = np.asarray(spec['roots'], dtype=np.int64)
        self.depth = int(spec['max_depth'])
        # The walk as one table lookup per level, on doubled row numbers: row
        # 2r + (x <= threshold) of `_next` is node r's next node (its left
        # child if the test holds, else its right one; a leaf is its own
        # child, on feature 0), so every row steps through the trees with no
        # masks or branches. A NaN feature fails the test and goes right.
        rows = np.arange(len(self.feature))
        left = np.where(self.is_leaf, rows, self.left)
        right = np.where(self.is_leaf, rows, self.right)
        self._next = 2 * np.stack([right, left], axis=1).ravel()
        self._walk_feature = np.repeat(np.where(self.is_leaf, 0, self.feature), 2)
        self._walk_threshold = np.repeat(self.threshold, 2)
        self._walk_value = np.repeat(self.value, 2)
        self._steps = self._deepest_leaf()

    def _deepest_leaf(self) -> int:
        """Steps from the roots to the deepest leaf: the walk needs no more."""
        level, steps = self.roots, 0
        while True:
            level = level[~self.is_leaf[level]]
            if not level.size:
                return steps
            level = np.concatenate((self.left[level], self.right[level]))
            steps += 1

    def raw(self, X: np.ndarray) -> np.ndarray:
        if not len(X):
            return np.zeros(0)
        X = np.ascontiguousarray(X, dtype=np.float64)
        flat = X.ravel()
        base = (np.arange(len(X)) * X.shape[1])[:, None]
        node = np.broadcast_to(2 * self.roots, (len(X), len(self.roots))).copy()
        # take() is the same gather as indexing with an integer array, minus
        # the checks for every other kind of index
        nxt, feature, threshold = self._next, self._walk_feature, self._walk_threshold
        for _ in range(self._steps):
            node = nxt.take(node + (flat.take(base + feature.take(node)) <= threshold.take(node)))
        return self.baseline + self._walk_value[node].sum(axis=1)

    def proba(self, X: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-self.raw(X)))


#: Hard evidence the model may not overrule. The first six are almost never
#: body on the dev pages (at most 2% of such lines); captions, image credits
#: and stray URLs are never body by the output contract, even where a
#: benchmark's hand-checked body kept one.
FINAL_REASONS = frozenset({'share_prompt', 'cookie_notice', 'advertisement', 'copyright', 'comments_prompt',
                           'author_bio', 'caption', 'image_credit', 'url'})


#: After trafilatura, a paragraph is cut only when the model is this sure it
#: is not body. Measured on the dev pages' HTML path (`make eval`): cutting
#: below 0.1 raises body precision and F1; from 0.3 on, F1 falls.
HTML_THRESHOLD = 0.1
#: On an extractor's output only the hard evidence that is never body there.
HTML_FINAL_REASONS = frozenset({'share_prompt', 'cookie_notice', 'advertisement', 'comments_prompt'})


def keep_glued_sentences(a: RuleAnalysis, keep: dict) -> None:
    """Keep a sentence-shaped line ("He did not elaborate.") that stands in
    the same block as a kept prose paragraph, with no blank line between:
    where a dump has blank lines, they are what separates the page's blocks,
    and a block that is body does not end in chrome without a break."""
    if len(a.idx) == len(a.texts):
        return                          # a dump without blank lines has no blocks to go by
    order = []
    for i in a.idx:
        u = a.unit_of[i]
        if not order or order[-1][0] != u:
            order.append([u, i, i])
        order[-1][2] = i
    glued = [a.line_index[nxt[1]] - a.line_index[cur[2]] == 1 for cur, nxt in zip(order, order[1:])]
    for direction in (1, -1):
        steps = range(len(order) - 1) if direction == 1 else range(len(order) - 2, -1, -1)
        for k in steps:
            src, dst = (order[k][0], order[k + 1][0]) if direction == 1 else (order[k + 1][0], order[k][0])
            if glued[k] and keep[src] and not keep[dst] and a.quality.get(src) == 'good' \
                    and a.quality.get(dst) == 'neargood' and a.unit_hard.get(dst) is None:
                keep[dst] = True


class BoilerplateModel:
    """Line classifier for the text of one scraped page: `strip(lines)` keeps
    the body and returns every other line as a Cut with its reason. Same
    interface as `BoilerplateRules`, which it uses for evidence and reasons."""

    judges_extracted_text = True     # strip_draft also gives it trafilatura's paragraphs

    def __init__(self, path: Optional[Path] = None, threshold: Optional[float] = None):
        spec = json.loads(Path(path or MODEL_PATH).read_text(encoding='utf-8'))
        if spec['features'] != feature_names():
            raise ValueError(f'{path or MODEL_PATH} was trained on other features; retrain it '
                             f'(python bench/train_boilerplate.py)')
        self.trees = TreeEnsemble(spec['trees'])
        self.threshold = float(spec['threshold'] if threshold is None else threshold)
        self.rules = BoilerplateRules()

    def body_probability(self, a: RuleAnalysis, title: Optional[Cut] = None) -> dict:
        """unit -> probability that the unit is body text."""
        p = self.trees.proba(line_features(a, title))
        units = [a.unit_of[i] for i in a.idx]
        names = list(dict.fromkeys(units))
        number = dict(zip(names, range(len(names))))
        which = np.fromiter(map(number.__getitem__, units), dtype=np.intp, count=len(units))
        w = np.fromiter((len(a.texts[i]) + 1 for i in a.idx), dtype=np.float64, count=len(units))
        # bincount adds a unit's lines one after another in line order: the
        # same sums as adding them up line by line
        num = np.bincount(which, weights=w * p, minlength=len(names))
        den = np.bincount(which, weights=w, minlength=len(names))
        return dict(zip(names, num / den))

    def classify(self, lines: Sequence[Line], header_cuts: Sequence[Cut] = (), extracted: bool = False) -> list:
        """Per line: None for body text (or a blank line), else the reason.
        `header_cuts` are the lines the header split took out (the headline
        among them): where the article starts is evidence too.

        `extracted`: the lines are paragraphs an HTML extractor already chose
        (trafilatura). The model was trained on whole-page text, where most
        lines are chrome; on an extractor's output it only cuts what it is
        sure of (`HTML_THRESHOLD`), and never everything."""
        a = self.rules.analyse(lines)
        if not a.idx:
            return a.reasons
        threshold = HTML_THRESHOLD if extracted else self.threshold
        final = HTML_FINAL_REASONS if extracted else FINAL_REASONS
        keep = {u: p >= threshold and a.unit_hard.get(u) not in final
                for u, p in self.body_probability(a, title_cut(header_cuts)).items()}
        keep_glued_sentences(a, keep)
        if not any(keep.values()):
            # the model would leave no body: the rules' verdict (or, after an
            # extractor, the extractor's) beats an empty article
            keep = {u: extracted or a.final.get(u) == 'good' for u in keep}
        return self.rules.reasons_for(a, keep)

    def strip(self, lines: Sequence[Line], header_cuts: Sequence[Cut] = (), extracted: bool = False) -> tuple:
        lines = tuple(lines or ())
        try:
            reasons = self.classify(lines, header_cuts, extracted)
        except Exception:  # pragma: no cover - last-resort guard: fall back to the rules
            return self.rules.strip(lines)
        return split_by_reasons(lines, reasons)
