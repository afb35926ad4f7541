"""The trained line classifier for text dumps (no Beam): its tree evaluator,
the model it ships, and what it does to real page text."""
from __future__ import annotations

import json

import numpy as np
import pytest

from bench.scoring import bag_of_words_prf
from bench.text_dumps import page_text_dump
from bench.train_boilerplate import label_lines
from tests.conftest import DEV, dev_html, dev_truth
from transforms.common.records import Line
from transforms.text.boilerplate_features import feature_names
from transforms.text.boilerplate_model import MODEL_PATH, BoilerplateModel, TreeEnsemble
from transforms.text.boilerplate_rules import REASONS, BoilerplateRules
from transforms.text.split_headers import HEADER_REASONS
from transforms.text.strip_boilerplate import clean_text_dump, text_to_lines


@pytest.fixture(scope='module')
def model():
    return BoilerplateModel()


# ------------------------------------------------------------------ the tree evaluator

def test_tree_ensemble_walks_every_tree_to_its_leaf():
    # tree 0: x0 <= 1 ? (x1 <= 5 ? 0.5 : -0.5) : 2.0 ; tree 1: a single leaf 0.25
    spec = dict(baseline=-1.0, max_depth=2, roots=[0, 5],
                feature=[0, 1, 0, 0, 0, 0], threshold=[1.0, 5.0, 0, 0, 0, 0],
                left=[1, 3, 2, 3, 4, 5], right=[2, 4, 2, 3, 4, 5],
                value=[0, 0, 2.0, 0.5, -0.5, 0.25], is_leaf=[False, False, True, True, True, True])
    X = np.array([[0.0, 0.0], [0.0, 9.0], [3.0, 0.0], [1.0, 5.0]])
    raw = TreeEnsemble(spec).raw(X)
    assert raw.tolist() == [-1 + 0.5 + 0.25, -1 - 0.5 + 0.25, -1 + 2.0 + 0.25, -1 + 0.5 + 0.25]
    assert TreeEnsemble(spec).raw(np.zeros((0, 2))).shape == (0,)


def test_shipped_model_matches_the_feature_code():
    spec = json.loads(MODEL_PATH.read_text())
    assert spec['features'] == feature_names()
    assert 0.0 < spec['threshold'] < 1.0
    assert max(spec['trees']['feature']) < len(feature_names())


def test_model_trained_on_other_features_is_refused(tmp_path):
    spec = json.loads(MODEL_PATH.read_text())
    spec['features'] = spec['features'][:-1]
    path = tmp_path / 'old.json'
    path.write_text(json.dumps(spec))
    with pytest.raises(ValueError, match='retrain'):
        BoilerplateModel(path)


# ------------------------------------------------------------------ training labels

def test_labels_follow_the_gold_body_in_order():
    gold = ('Home prices rose again in May.\n\nWhy it matters\n\nThe rise was the largest in a decade, '
            'economists said on Tuesday.\n\nStocks fell on the news.')
    lines = ['Home', 'Menu', 'Why it matters', 'Home prices rose again in May.', 'Why it matters',
             'The rise was the largest in a decade, economists said on Tuesday.', 'Share', 'Home']
    # the menu's 'Home' and the table of contents are not body; the subhead in place is
    assert label_lines(lines, gold).tolist() == [0, 0, 0, 1, 1, 1, 0, 0]


# ------------------------------------------------------------------ the model on real text

def test_every_line_is_kept_or_cut_with_a_reason(model):
    lines = text_to_lines(page_text_dump(dev_html('0004').decode('utf-8', 'replace')))
    kept, cuts = model.strip(lines)
    assert sorted([ln.index for ln in kept] + [c.line_index for c in cuts]) == [ln.index for ln in lines]
    assert cuts and all(c.reason in REASONS for c in cuts)
    assert model.strip([]) == ((), ())


def test_hard_wrapped_paragraph_is_kept_or_cut_whole(model):
    wrapped = ['The city council voted on Tuesday to close the old bridge to traffic for two years while',
               'engineers replace its deck, a project that officials said would cost more than forty',
               'million dollars and force thousands of commuters onto a ferry or a long detour.']
    lines = [Line(i, t) for i, t in enumerate(['Menu', 'News', 'Sport'] + wrapped + ['Share', 'Comments'])]
    kept, cuts = model.strip(lines)
    assert {3, 4, 5} <= {ln.index for ln in kept}
    assert {c.line_index for c in cuts} >= {0, 1, 2, 6, 7}


def _held_out_pages(n):
    ids = sorted(p.name[:4] for p in (DEV / 'ground-truth').glob('*.json') if p.name[3] in '05')
    return [i for i in ids if dev_truth(i).get('main_content')][:n]


def test_model_beats_the_rules_on_held_out_dev_dumps(model):
    """Raw text dumps of real pages the model never saw in training (held-out
    ids, sites not in the training part): body F1 above the rules' on the
    same pages, and high in absolute terms."""
    rules = BoilerplateRules()
    f_model, f_rules, p_model = [], [], []
    for page_id in _held_out_pages(40):
        dump = page_text_dump(dev_html(page_id).decode('utf-8', 'replace'))
        gold = dev_truth(page_id)['main_content']
        body_m = clean_text_dump(dump, rules=model)[0]
        body_r = clean_text_dump(dump, rules=rules)[0]
        p, _, f = bag_of_words_prf(body_m, gold)
        f_model.append(f)
        p_model.append(p)
        f_rules.append(bag_of_words_prf(body_r, gold)[2])
    assert np.mean(f_model) > np.mean(f_rules) + 0.005
    assert np.mean(f_model) >= 0.90 and np.mean(p_model) >= 0.90


def test_header_lines_are_not_judged_again(model):
    # the header split takes title and byline; the model sees only the rest
    text = page_text_dump(dev_html('0011').decode('utf-8', 'replace'))
    body, fields, cuts = clean_text_dump(text, rules=model)
    assert fields.title and fields.title not in body.split('\n\n')
    assert all(c.reason in REASONS or c.reason in HEADER_REASONS for c in cuts)
