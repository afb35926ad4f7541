"""A reuse cluster on the report page: the canonical passage beside its
copies, each copy with the words it added or dropped marked
(`word_diff_html`)."""
from __future__ import annotations

import difflib
import re
from typing import List, Tuple

from pipeline.report.html_text import escape, plural


_TOKEN = re.compile(r"(\w(?:[\w'’-]*\w)?|[^\w\s])(\s*)")


def _word_tokens(text: str) -> List[Tuple[str, str]]:
    """(token, the whitespace after it): words, and each punctuation mark on
    its own, so a quote mark added before a word does not mark the word."""
    return [(m.group(1), m.group(2)) for m in _TOKEN.finditer(text or '')]


def word_diff_html(canonical: str, copy: str) -> Tuple[str, int, int]:
    """The copy, with the words it added marked <ins class="diff-ins"> and the
    canonical's words it lost marked <del class="diff-del">, word by word
    (difflib). Returns the HTML and the counts of inserted and deleted words."""
    a, b = _word_tokens(canonical), _word_tokens(copy)
    matcher = difflib.SequenceMatcher(None, [w for w, _ in a], [w for w, _ in b], autojunk=False)
    out, inserted, deleted = [], 0, 0

    def words(tokens):
        return ''.join(escape(w) + escape(s) for w, s in tokens)

    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == 'equal':
            out.append(words(b[j1:j2]))
            continue
        if i2 > i1:
            deleted += i2 - i1
            gone = a[i1:i2]
            out.append(f'<del class="diff-del">{words(gone).rstrip()}</del> ')
        if j2 > j1:
            inserted += j2 - j1
            new = b[j1:j2]
            text = words(new)
            trail = text[len(text.rstrip()):]
            out.append(f'<ins class="diff-ins">{text.rstrip()}</ins>{trail}')
    return ''.join(out), inserted, deleted


def _passage_meta(p: dict, similarity: bool = True) -> str:
    bits = [f'<span class="pub">{escape(p.get("publisher") or "unknown publisher")}</span>',
            f'<span>{escape(p.get("published_date") or "undated")}</span>',
            f'<span class="mono" title="passage {escape(p.get("passage_id"))}">{escape(p.get("doc_id"))}</span>']
    if similarity and p.get('similarity') is not None:
        bits.append(f'<span>similarity {p["similarity"]:.2f}</span>')
    title = f'<div class="ptitle">{escape(p["title"])}</div>' if p.get('title') else ''
    return f'<div class="meta">{" · ".join(bits)}</div>{title}'


def cluster_html(cluster: dict) -> str:
    """One of gather_report's `largest_clusters`: the canonical passage, then its copies marked up."""
    canonical = cluster['canonical']
    base = canonical.get('text') or ''
    copies = []
    for p in cluster['copies']:
        diff, inserted, deleted = word_diff_html(base, p['text']) if base else (escape(p['text']), 0, 0)
        counts = [f'<span class="n-ins">+{inserted}</span>' if inserted else '',
                  f'<span class="n-del">−{deleted}</span>' if deleted else '']
        change = ' '.join(c for c in counts if c) + ' words' if inserted or deleted else 'identical words'
        copies.append(f'<div class="passage copy">{_passage_meta(p)}<div class="change">{change}</div>'
                      f'<div class="ptext">{diff}</div></div>')
    shown = len(cluster['copies'])
    more = cluster.get('copies_total', shown) - shown
    canonical_text = (escape(base) if base else '<em>the canonical passage is not in these tables</em>')
    return (f'<div class="cluster"><h3>Cluster <span class="mono">{escape(cluster["cluster_id"])}</span>: '
            f'{plural(cluster["size"], "article")}, {plural(cluster.get("copies_total", shown), "copy", "copies")}'
            f'{f" ({shown} most edited shown)" if more > 0 else ""}</h3>'
            f'<div class="cluster-cols"><div class="passage canonical"><div class="role">canonical</div>'
            f'{_passage_meta(canonical, similarity=False)}<div class="ptext">{canonical_text}</div></div>'
            f'<div class="copies">{"".join(copies) or "<p class=muted>no copy in these tables</p>"}</div>'
            f'</div></div>')
