"""StripBoilerplate: the boilerplate lines of a draft moved to its cuts.

The pipeline's line classifier is `BoilerplateModel` (`boilerplate_model.py`),
trained on the evidence of `BoilerplateRules` (`boilerplate_rules.py`) and
more; the rules alone remain as `--boilerplate rules`. Anything with a
`strip(lines, header_cuts) -> (kept, cuts)` method can take their place in
`clean_text_dump(..., rules=...)` and `strip_draft`. The logic is in plain
functions; the Beam step at the end only wraps `strip_draft`.
"""
from __future__ import annotations

import dataclasses
from typing import Optional, Protocol, Sequence

import apache_beam as beam

from transforms.common import metrics
from transforms.common.records import Cut, Draft, HeaderFields, Line
from transforms.common.worker import freeze_loaded_models
from transforms.text.boilerplate_model import BoilerplateModel
from transforms.text.boilerplate_rules import BoilerplateRules
from transforms.text.paragraphs import assemble_paragraphs, clean_line
from transforms.text.split_headers import split_headers


__all__ = ['LineClassifier', 'StripBoilerplate', 'clean_text_dump', 'default_classifier', 'strip_draft',
           'text_to_lines']


class LineClassifier(Protocol):
    def strip(self, lines: Sequence[Line], header_cuts: Sequence[Cut] = ()) -> tuple: ...


def text_to_lines(text: str) -> tuple:
    """The lines of a decoded text dump, numbered from 0 (str.splitlines)."""
    return tuple(Line(i, t) for i, t in enumerate((text or '').splitlines()))


_DEFAULT_CLASSIFIER = []


def default_classifier() -> LineClassifier:
    """The pipeline's line classifier, the trained `BoilerplateModel`, loaded
    once per process."""
    if not _DEFAULT_CLASSIFIER:
        _DEFAULT_CLASSIFIER.append(BoilerplateModel())
    return _DEFAULT_CLASSIFIER[0]


def clean_text_dump(text: str, known: HeaderFields = HeaderFields(), *,
                    find_title: bool = True, rules: Optional[LineClassifier] = None) -> tuple:
    """Text dump -> (body text, HeaderFields, cuts sorted by line).

    lines -> split_headers (title, dates, byline, dateline, credits,
    trailing byline + bio) -> rules.strip (the trained BoilerplateModel by
    default, as in the pipeline) -> assemble_paragraphs. Never raises."""
    try:
        lines = text_to_lines(text if isinstance(text, str) else str(text or ''))
        hs = split_headers(lines, find_title=find_title, known=known or HeaderFields())
        kept, cuts = (rules or default_classifier()).strip(hs.lines, hs.cuts)
        body = assemble_paragraphs(kept)
        all_cuts = tuple(sorted(tuple(hs.cuts) + tuple(cuts), key=lambda c: c.line_index))
        return body, hs.fields, all_cuts
    except Exception:  # pragma: no cover - last-resort guard
        return clean_line(text or '') if isinstance(text, str) else '', known or HeaderFields(), ()


# --------------------------------------------------------------------------
# Beam wrapper.
# --------------------------------------------------------------------------

def strip_draft(model: LineClassifier, draft: Draft) -> Draft:
    """The draft with its boilerplate lines moved to `cuts`. HTML drafts come
    from trafilatura, which has dropped the chrome already: only the model
    (not the rules) looks at them again, for what trafilatura kept (promos,
    share prompts), and only cuts what it is sure of."""
    if draft.content_kind != 'text':
        if not getattr(model, 'judges_extracted_text', False):
            return draft
        kept, cuts = model.strip(draft.lines, draft.cuts, extracted=True)
    else:
        kept, cuts = model.strip(draft.lines, draft.cuts)
    return dataclasses.replace(draft, lines=tuple(kept), cuts=tuple(draft.cuts) + tuple(cuts))


class _StripBoilerplateFn(beam.DoFn):
    def __init__(self, use_model: bool):
        self._use_model = use_model

    def setup(self):
        self._model = default_classifier() if self._use_model else BoilerplateRules()
        self._cut = metrics.counter('boilerplate_lines_cut')
        freeze_loaded_models()

    def process(self, draft: Draft):
        stripped = strip_draft(self._model, draft)
        self._cut.inc(len(stripped.cuts) - len(draft.cuts))
        yield stripped


class StripBoilerplate(beam.PTransform):
    """Drafts -> drafts of text dumps with boilerplate lines moved to `cuts`:
    by the trained `BoilerplateModel`, or by the rules alone (`use_model=False`)."""

    def __init__(self, use_model: bool = True):
        super().__init__()
        self._use_model = use_model

    def expand(self, drafts):
        return drafts | 'Strip' >> beam.ParDo(_StripBoilerplateFn(self._use_model))
