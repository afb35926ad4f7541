"""Unit tests for transforms.text.paragraphs (no Beam)."""
import pytest

from transforms.common.records import Line
from transforms.text.paragraphs import assemble_paragraphs


def L(*texts, start=0):
    return [Line(start + i, t) for i, t in enumerate(texts)]


@pytest.mark.parametrize('lines,expected', [
    (L('  One  para.  ', '', '', 'Two\tpara. '), 'One para.\n\nTwo para.'),
    (L('First line.', 'Second line.'), 'First line.\n\nSecond line.'),
    (L('A hard-wrapped paragraph that goes on', 'and on until it ends.'),
     'A hard-wrapped paragraph that goes on and on until it ends.'),
    (L('The committee said the proposal would be debated',
       'next week, and that members from both parties had',
       'agreed. A vote is expected on Friday afternoon after',
       'the debate.'),
     'The committee said the proposal would be debated next week, and that members from both '
     'parties had agreed. A vote is expected on Friday afternoon after the debate.'),
    (L('A word broken by the wrap at a hyphen, well-', 'known to editors.'),
     'A word broken by the wrap at a hyphen, well-known to editors.'),
    (L('Subhead', 'A paragraph after it.'), 'Subhead\n\nA paragraph after it.'),
    ([Line(0, 'Cut around a line that'), Line(2, 'is not continued.')],
     'Cut around a line that\n\nis not continued.'),
    (L('', '   ', ''), ''),
    (L('zero\u200bwidth and\u00a0nbsp.'), 'zerowidth and nbsp.'),
])
def test_assemble_paragraphs(lines, expected):
    assert assemble_paragraphs(lines) == expected
