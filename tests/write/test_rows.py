"""WriteTables' row helpers, on real article text."""
from __future__ import annotations

import json
import re

from tests.conftest import DEV
from transforms.write.rows import count_words

_WORD = re.compile(r'\w+')


def test_count_words_is_the_regex_word_count_on_dev_bodies():
    bodies = [json.loads(path.read_text())['ground_truth'].get('main_content') or ''
              for path in sorted((DEV / 'ground-truth').glob('*.json'))[:200]]
    assert sum(map(len, bodies)) > 500_000
    assert [count_words(b) for b in bodies] == [len(_WORD.findall(b)) for b in bodies]


def test_count_words_on_scripts_digits_marks_and_edges():
    samples = ['', ' ', 'word', ' word ', 'snake_case and __dunder__', 'n° 3,5 km²', 'Łódź – Kraków',
               'naïve cafe\u0301', '東京都 2024年', 'Привет, мир!', 'مرحبا بالعالم', '🙂 emoji 🙂',
               'a\u200bb', 'tab\tnew\nline', 'x' * 10_000, 'lone \udc80 surrogate', '१२३ ٣٤٥']
    assert [count_words(s) for s in samples] == [len(_WORD.findall(s)) for s in samples]
