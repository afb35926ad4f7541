"""VerifyCandidates: a candidate pair becomes a reuse edge only when the
true shingle sets agree, never on the band collision alone.

A pair is verified when its Jaccard similarity is at least `min_jaccard`
(edits: a title added, a word dropped or changed) or when the smaller
passage is almost wholly contained in the larger (`min_containment`: a
sentence quoted inside a longer one, "..., the AP reported").

Copied blocks are followed passage by passage: from every verified pair the
run grows to the neighbours on both sides while they match, so the headings,
list items and short sentences of a reprinted block (too short to have
shingles of their own) are flagged with it.

Short passages need context: a candidate pair whose smaller side has fewer
than `context_words` words counts only next to another passage of the later
article matched to the same earlier article. Formulaic sentences ("The
company did not immediately respond to a request for comment.") recur across
unrelated stories; a reprinted short sentence arrives with its neighbours.

The pair's two sides live in different articles, so verification joins
twice: the earlier article's signature (without band keys) is attached once
per later article it has candidates with, then judged beside the later
article's signature.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, Iterable, List, Tuple

import apache_beam as beam

import numpy as np

from transforms.common import metrics
from transforms.reuse.passage_signatures import (DocSignature, SignatureTable, overlap_ratios, shared_counts,
                                           shingle_overlap, shingle_overlaps)


@dataclass(frozen=True)
class VerifyPolicy:
    min_jaccard: float = 0.5
    min_containment: float = 0.8
    context_words: int = 15
    min_word_jaccard: float = 0.6     # short neighbours of a copied passage, on word sets


@dataclass(frozen=True)
class ReuseEdge:
    """Two passages verified as copies of each other; `earlier` ranks first."""
    earlier: str          # node key
    later: str            # node key
    similarity: float     # Jaccard of the shingle sets (word sets for short passages)
    containment: float


def new_edge(earlier: str, later: str, similarity: float, containment: float) -> ReuseEdge:
    """ReuseEdge(earlier, later, similarity, containment), made without the
    frozen dataclass's __init__ (one object.__setattr__ per field: the
    largest cost of making the 300,000 edges of 2,400 bench articles)."""
    edge = _new(ReuseEdge)
    edge.__dict__.update(earlier=earlier, later=later, similarity=similarity, containment=containment)
    return edge


_new = object.__new__


def edges_to_wire(edges: Iterable[ReuseEdge]) -> List[tuple]:
    """Edges as plain tuples for the trip between Beam steps. Beam's default
    coder encodes lists and tuples of str/float in C but pickles every
    dataclass on its own: 360,000 separate pickles on 600 bench articles,
    most of the dedup stage's encoding time."""
    return [(e.earlier, e.later, e.similarity, e.containment) for e in edges]


def edges_from_wire(rows: Iterable[tuple]) -> List[ReuseEdge]:
    return [ReuseEdge(*row) for row in rows]


@dataclass
class SourceDoc:
    """An earlier article (its signature without band keys) and its
    candidate pairs with one later article, as (earlier index, later index)."""
    signature: DocSignature
    pairs: tuple


def neighbour_similarity(a: DocSignature, i: int, b: DocSignature, j: int, policy: VerifyPolicy):
    """(Jaccard, containment) when passage i of `a` and j of `b`, next to a
    copied pair and in step with it, are copies too; (None, None) when not.
    In step with a copied block, a neighbour also counts when its word set
    matches (a short heading, or a sentence edited more than its shingles
    forgive)."""
    if a.offsets[i + 1] > a.offsets[i] and b.offsets[j + 1] > b.offsets[j]:
        jaccard, containment = shingle_overlap(a.shingle_set(i), b.shingle_set(j))
        if jaccard >= policy.min_jaccard or containment >= policy.min_containment:
            return jaccard, containment
    jaccard, containment = shingle_overlap(a.word_set(i), b.word_set(j))
    return (jaccard, containment) if jaccard >= policy.min_word_jaccard else (None, None)


def rows_of(signature: DocSignature, indexes: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
    """(rows, found): the signature's row of each passage index (its indexes
    are in article order), and whether the passage has a row at all."""
    rows = np.minimum(np.searchsorted(signature.indexes, indexes), max(len(signature) - 1, 0))
    found = (signature.indexes[rows] == indexes) if len(signature) else np.zeros(len(indexes), bool)
    return rows, found


def grow_runs(strong: dict, weak: dict, n_source: int, n_later: int, in_step, neighbour) -> dict:
    """verify_source's steps 2 and 3 for one pair of articles: the matched
    (row in source, row in later) pairs -> (Jaccard, containment), grown
    from the `strong` passed pairs to their neighbours while `neighbour(ni,
    nj)` gives a match (None: none) and `in_step(ni, nj, step)` holds, then
    from the `weak` (short) pairs next to a matched passage, until none is
    added. Runs grow in the order of `strong` (the order of a set: the
    answer can depend on it, a passage joins one run only)."""
    matched = dict(strong)

    def grow():
        frontier = list(matched)
        used_source, used_later = {i for i, _ in matched}, {j for _, j in matched}
        while frontier:
            i, j = frontier.pop()
            for step in (1, -1):
                ni, nj = i + step, j + step
                if not (0 <= ni < n_source and 0 <= nj < n_later) or ni in used_source or nj in used_later:
                    continue
                if not in_step(ni, nj, step):
                    continue
                value = neighbour(ni, nj)
                if value is not None:
                    matched[ni, nj] = value
                    used_source.add(ni)
                    used_later.add(nj)
                    frontier.append((ni, nj))

    grow()
    while True:
        near = {j + d for _, j in matched for d in (-1, 1)}
        supported = {key: value for key, value in weak.items() if key not in matched and key[1] in near}
        if not supported:
            break
        matched.update(supported)
        grow()
    return matched


def verify_source(later: DocSignature, source: DocSignature, pairs: Iterable[Tuple[int, int]],
                  policy: VerifyPolicy = VerifyPolicy()) -> List[ReuseEdge]:
    """The verified edges between one earlier article and a later one.

    1. Candidate pairs pass on Jaccard or containment of their shingles.
    2. Runs grow from the passed pairs to their neighbours on both sides, in
       step in both articles, while the neighbours match (shingles, or word
       sets when a side is too short to have shingles): headings, list items
       and short sentences of a copied block come with it.
    3. A passed pair with a short side (< context_words) counts only next to
       another matched passage of the same source in the later article."""
    strong, weak = {}, {}
    # in the order of the set: runs grow from the passed pairs in this order
    pairs = np.array(list(set(pairs)), np.int64).reshape(-1, 2)
    rows_i, found_i = rows_of(source, pairs[:, 0])
    rows_j, found_j = rows_of(later, pairs[:, 1])
    rows_i, rows_j = rows_i[found_i & found_j], rows_j[found_i & found_j]
    jaccards, containments = shingle_overlaps(source, rows_i, later, rows_j)
    passed = (jaccards >= policy.min_jaccard) | (containments >= policy.min_containment)
    shorts = np.minimum(source.n_words[rows_i], later.n_words[rows_j]) < policy.context_words
    for i, j, jaccard, containment, short in zip(rows_i[passed].tolist(), rows_j[passed].tolist(),
                                                 jaccards[passed].tolist(), containments[passed].tolist(),
                                                 shorts[passed].tolist()):
        (weak if short else strong)[i, j] = (jaccard, containment)

    source_indexes, later_indexes = source.indexes.tolist(), later.indexes.tolist()

    def in_step(ni, nj, step):   # no passage without words lies between
        return (source_indexes[ni] == source_indexes[ni - step] + step
                and later_indexes[nj] == later_indexes[nj - step] + step)

    def neighbour(ni, nj):
        jaccard, containment = neighbour_similarity(source, ni, later, nj, policy)
        return None if jaccard is None else (jaccard, containment)

    matched = grow_runs(strong, weak, len(source_indexes), len(later_indexes), in_step, neighbour)
    ordered = sorted(matched.items())
    earlier_nodes = source.node_keys([i for (i, _), _ in ordered])
    later_nodes = later.node_keys([j for (_, j), _ in ordered])
    return [ReuseEdge(earlier, later_node, round(float(jaccard), 4), round(float(containment), 4))
            for earlier, later_node, (_, (jaccard, containment)) in zip(earlier_nodes, later_nodes, ordered)]


def verify_pairs(later: DocSignature, sources: Iterable[SourceDoc],
                 policy: VerifyPolicy = VerifyPolicy()) -> List[ReuseEdge]:
    """The verified edges between `later`'s passages and all its candidate sources."""
    by_doc: Dict[str, list] = {}
    signature_of = {}
    for source in sources:
        signature_of[source.signature.doc_id] = source.signature
        by_doc.setdefault(source.signature.doc_id, []).extend(source.pairs)
    edges = []
    for doc_id in sorted(by_doc):
        if doc_id != later.doc_id:
            edges.extend(verify_source(later, signature_of[doc_id], by_doc[doc_id], policy))
    return sorted(edges, key=lambda e: (e.earlier, e.later))


def attach_sources(earlier: DocSignature, pairs: Iterable[Tuple[int, str, int]]) -> List[Tuple[str, SourceDoc]]:
    """(later doc_id, SourceDoc) for every later article paired with
    `earlier`; `pairs` are (earlier index, later doc_id, later index)."""
    by_later: Dict[str, set] = {}
    for earlier_index, later_doc, later_index in pairs:
        by_later.setdefault(later_doc, set()).add((earlier_index, later_index))
    lite = earlier.without_band_keys()
    return [(doc_id, SourceDoc(lite, tuple(sorted(p)))) for doc_id, p in sorted(by_later.items())]


def verify_in_memory(signatures: Dict[str, DocSignature], pairs: Iterable[Tuple[str, int, str, int]],
                     policy: VerifyPolicy = VerifyPolicy()) -> List[ReuseEdge]:
    """What VerifyCandidates computes, for a corpus held in memory; `pairs`
    as candidate_pairs gives them."""
    by_earlier_doc: Dict[str, list] = {}
    for earlier_doc, earlier_index, later_doc, later_index in pairs:
        by_earlier_doc.setdefault(earlier_doc, []).append((earlier_index, later_doc, later_index))
    by_later_doc: Dict[str, list] = {}
    for doc_id, doc_pairs in by_earlier_doc.items():
        for later_doc, source in attach_sources(signatures[doc_id], doc_pairs):
            by_later_doc.setdefault(later_doc, []).append(source)
    edges = []
    for doc_id in sorted(by_later_doc):
        edges.extend(verify_pairs(signatures[doc_id], by_later_doc[doc_id], policy))
    return edges


def table_neighbours(table: SignatureTable, rows_a: np.ndarray, rows_b: np.ndarray, policy: VerifyPolicy):
    """`neighbour_similarity` of many row pairs of `table` at once:
    (Jaccard, containment, matched) arrays."""
    sa, sb = table.shingle_size[rows_a], table.shingle_size[rows_b]
    both = np.flatnonzero((sa > 0) & (sb > 0))
    jaccard, containment = np.zeros(len(rows_a)), np.zeros(len(rows_a))
    matched = np.zeros(len(rows_a), bool)
    if len(both):
        shared = shared_counts(table.shingles, table.shingle_start, table.shingle_size, rows_a[both], rows_b[both])
        j, c = overlap_ratios(shared, sa[both], sb[both])
        ok = (j >= policy.min_jaccard) | (c >= policy.min_containment)
        jaccard[both[ok]], containment[both[ok]], matched[both[ok]] = j[ok], c[ok], True
    rest = np.flatnonzero(~matched)
    if len(rest):
        wa, wb = table.word_size[rows_a[rest]], table.word_size[rows_b[rest]]
        shared = shared_counts(table.words, table.word_start, table.word_size, rows_a[rest], rows_b[rest])
        j, c = overlap_ratios(shared, wa, wb)
        ok = j >= policy.min_word_jaccard
        jaccard[rest[ok]], containment[rest[ok]], matched[rest[ok]] = j[ok], c[ok], True
    return jaccard, containment, matched


def next_in_step(table: SignatureTable, a: np.ndarray, b: np.ndarray, step: int):
    """The row pairs (a + step, b + step) a run at (a, b) may grow to: both
    rows exist, in the same articles as a and b, with no passage without
    words between (`grow`'s in-step test, vectorized): (positions in a and
    b of the pairs kept, their next rows on the a side, on the b side)."""
    n_rows = len(table)
    na, nb = a + step, b + step
    kept = np.flatnonzero((na >= 0) & (na < n_rows) & (nb >= 0) & (nb < n_rows))
    a, b, na, nb = a[kept], b[kept], na[kept], nb[kept]
    doc, indexes = table.doc, table.indexes
    ok = ((doc[na] == doc[a]) & (doc[nb] == doc[b])
          & (indexes[na] == indexes[a] + step) & (indexes[nb] == indexes[b] + step))
    return kept[ok], na[ok], nb[ok]


def _grow_apart(table: SignatureTable, n_groups: int, group_of_pair, passed, shorts, earlier, later,
                jaccards, containments, near_a, near_b, near_j, near_c, near_code, near_group):
    """verify_source's growing of runs (grow, then weak pairs next to a
    matched passage, until none is added) for every group of `verify_table`
    whose passed pairs and matching neighbours (`near_*`, near_code sorted)
    use each passage of either side at most once: then no pair ever blocks
    another, and the runs are the same whatever order they grow in.
    (slow: the other groups, edges of these as (earlier rows, later rows,
    jaccards, containments), unordered)."""
    n_rows = len(table)
    seeds = np.flatnonzero(passed)
    seed_group = group_of_pair[seeds]
    slow = np.zeros(n_groups, bool)
    position_group = np.concatenate((seed_group, near_group))
    position_a = np.concatenate((earlier[seeds], near_a))
    position_b = np.concatenate((later[seeds], near_b))
    code = position_a * n_rows + position_b
    order = np.argsort(code, kind='stable')
    distinct = order[np.concatenate(([True], code[order][1:] != code[order][:-1]))[:len(order)]]
    for side in (position_a, position_b):
        taken = np.sort(position_group[distinct] * n_rows + side[distinct])
        slow[taken[1:][taken[1:] == taken[:-1]] // n_rows] = True
    apart = seeds[~slow[seed_group]]
    strong, weak = apart[~shorts[apart]], apart[shorts[apart]]
    m_a, m_b, m_g = [earlier[strong]], [later[strong]], [group_of_pair[strong]]
    m_j, m_c = [jaccards[strong]], [containments[strong]]
    m_codes = np.sort(earlier[strong] * n_rows + later[strong])
    weak_a, weak_b, weak_g = earlier[weak], later[weak], group_of_pair[weak]
    weak_j, weak_c = jaccards[weak], containments[weak]
    frontier = (earlier[strong], later[strong], group_of_pair[strong])

    def member(codes, sorted_codes):
        if not len(sorted_codes):
            return np.zeros(len(codes), bool)
        at = np.minimum(np.searchsorted(sorted_codes, codes), len(sorted_codes) - 1)
        return sorted_codes[at] == codes

    while True:
        for step in (1, -1):
            ca, cb, cg = frontier
            added = []
            while len(ca):
                kept, na, nb = next_in_step(table, ca, cb, step)
                cg = cg[kept]
                code = na * n_rows + nb
                at = np.minimum(np.searchsorted(near_code, code), max(len(near_code) - 1, 0))
                ok = (near_code[at] == code) if len(near_code) else np.zeros(len(code), bool)
                ok &= ~member(code, m_codes)
                ca, cb, cg, at = na[ok], nb[ok], cg[ok], at[ok]
                m_a.append(ca)
                m_b.append(cb)
                m_g.append(cg)
                m_j.append(near_j[at])
                m_c.append(near_c[at])
                added.append(ca * n_rows + cb)
            if added:
                m_codes = np.sort(np.concatenate([m_codes] + added))
        # weak pairs next to a matched passage of the later article, all at once
        later_rows = np.sort(np.concatenate(m_g) * n_rows + np.concatenate(m_b))
        out = ~member(weak_a * n_rows + weak_b, m_codes)
        key = weak_g * n_rows + weak_b
        supported = out & (member(key - 1, later_rows) | member(key + 1, later_rows))
        if not supported.any():
            break
        fa, fb, fg = weak_a[supported], weak_b[supported], weak_g[supported]
        m_a.append(fa)
        m_b.append(fb)
        m_g.append(fg)
        m_j.append(weak_j[supported])
        m_c.append(weak_c[supported])
        m_codes = np.sort(np.concatenate((m_codes, fa * n_rows + fb)))
        keep = ~supported
        weak_a, weak_b, weak_g, weak_j, weak_c = weak_a[keep], weak_b[keep], weak_g[keep], weak_j[keep], weak_c[keep]
        frontier = (fa, fb, fg)
    return slow, np.concatenate(m_a), np.concatenate(m_b), np.concatenate(m_j), np.concatenate(m_c)


def verify_table(table: SignatureTable, earlier: np.ndarray, later: np.ndarray,
                 policy: VerifyPolicy = VerifyPolicy(), keys: List[str] = None, key_rank: np.ndarray = None
                 ) -> Tuple[List[ReuseEdge], np.ndarray, np.ndarray]:
    """`verify_in_memory` on a whole run's SignatureTable: the verified edges
    of candidate pairs given as rows (table_pairs), with the rows of each
    edge's two passages. The same edges in the same order: per later article
    (by doc_id) and source article, `verify_source`'s steps, with the
    overlaps of every candidate pair computed at once, and the neighbours the
    runs may grow to computed beforehand along the diagonals of the passed
    pairs (a run grows from a matched pair to the next one in step, so every
    neighbour `grow` looks at lies on such a diagonal, in a stretch of
    matching neighbours starting at a passed pair)."""
    n_rows = len(table)
    empty = ([], np.zeros(0, np.int64), np.zeros(0, np.int64))
    if not len(earlier):
        return empty
    shared = shared_counts(table.shingles, table.shingle_start, table.shingle_size, earlier, later)
    jaccards, containments = overlap_ratios(shared, table.shingle_size[earlier], table.shingle_size[later])
    passed = (jaccards >= policy.min_jaccard) | (containments >= policy.min_containment)
    shorts = np.minimum(table.n_words[earlier], table.n_words[later]) < policy.context_words
    seeds = np.flatnonzero(passed)
    if not len(seeds):
        return empty
    # Neighbour similarities along the diagonals, from every passed pair
    # outwards while the neighbours match; a stretch stops at another passed
    # pair (whose own stretch goes on from there). `near` keeps those that
    # match: a neighbour `grow` looks at (in step with a matched pair) is
    # either there or does not match.
    seed_codes = np.sort(earlier[seeds] * n_rows + later[seeds])
    doc, indexes = table.doc, table.indexes
    found = []
    for step in (1, -1):
        a, b = earlier[seeds], later[seeds]
        while len(a):
            _, na, nb = next_in_step(table, a, b, step)
            if not len(na):
                break
            jaccard, containment, matched = table_neighbours(table, na, nb, policy)
            found.append((na[matched], nb[matched], jaccard[matched], containment[matched]))
            code = na * n_rows + nb
            at = np.minimum(np.searchsorted(seed_codes, code), len(seed_codes) - 1)
            go = matched & (seed_codes[at] != code)
            a, b = na[go], nb[go]
    near_a, near_b, near_j, near_c = (np.concatenate([f[k] for f in found]) if found else
                                      np.zeros(0, np.int64 if k < 2 else float) for k in range(4))
    near_code = near_a * n_rows + near_b
    order = np.argsort(near_code, kind='stable')
    fresh = order[np.concatenate(([True], near_code[order][1:] != near_code[order][:-1]))[:len(order)]]
    near_a, near_b, near_j, near_c, near_code = near_a[fresh], near_b[fresh], near_j[fresh], near_c[fresh], near_code[fresh]

    # Groups: one (later article, source article) each, pairs in (earlier, later) order.
    n_docs = len(table.signatures)
    group_key = doc[later] * n_docs + doc[earlier]
    starts = np.flatnonzero(np.concatenate(([True], group_key[1:] != group_key[:-1])))
    ends = np.concatenate((starts[1:], [len(earlier)]))
    group_of_pair = np.repeat(np.arange(len(starts)), ends - starts)
    with_passed = np.add.reduceat(passed.astype(np.int64), starts) > 0
    # A group whose passed pairs and matching neighbours share no passage on
    # either side grows the same whatever the order: vectorized for those
    # (_grow_apart); `grow` runs in Python only for the others.
    near_group = np.searchsorted(group_key[starts], doc[near_b] * n_docs + doc[near_a])
    slow, out_a, out_b, out_j, out_c = _grow_apart(
        table, len(starts), group_of_pair, passed, shorts, earlier, later, jaccards, containments,
        near_a, near_b, near_j, near_c, near_code, near_group)
    out_a, out_b, out_j, out_c = [out_a], [out_b], [out_j], [out_c]

    slow_groups = np.flatnonzero(with_passed & slow)
    in_slow = slow[near_group]
    near = dict(zip(near_code[in_slow].tolist(), zip(near_j[in_slow].tolist(), near_c[in_slow].tolist())))
    base = table.base.tolist()
    doc_list = doc.tolist()
    index_list = indexes.tolist()
    seed_list = seeds.tolist()
    seed_at, seed_end = np.searchsorted(seeds, starts).tolist(), np.searchsorted(seeds, ends).tolist()
    info = list(zip((earlier[seeds] - table.base[doc[earlier[seeds]]]).tolist(),
                    (later[seeds] - table.base[doc[later[seeds]]]).tolist(),
                    jaccards[seeds].tolist(), containments[seeds].tolist(), shorts[seeds].tolist()))
    earlier_list, later_list = earlier.tolist(), later.tolist()
    slow_a, slow_b, slow_j, slow_c = [], [], [], []

    for g in slow_groups.tolist():
        first, last = int(starts[g]), int(ends[g])
        source_doc, later_doc = doc_list[earlier_list[first]], doc_list[later_list[first]]
        k0, k1 = seed_at[g], seed_end[g]
        strong, weak = {}, {}
        if k1 - k0 == 1:
            i, j, jaccard, containment, short = info[k0]
            (weak if short else strong)[i, j] = (jaccard, containment)
        else:
            # verify_source's order: that of the set of the group's (earlier, later) passage indexes
            by_pair = {(index_list[earlier_list[k]], index_list[later_list[k]]): info[q]
                       for q, k in zip(range(k0, k1), seed_list[k0:k1])}
            for pair in set(zip([index_list[r] for r in earlier_list[first:last]],
                                [index_list[r] for r in later_list[first:last]])):
                value = by_pair.get(pair)
                if value is not None:
                    i, j, jaccard, containment, short = value
                    (weak if short else strong)[i, j] = (jaccard, containment)
        source_base, later_base = base[source_doc], base[later_doc]
        n_source, n_later = base[source_doc + 1] - source_base, base[later_doc + 1] - later_base

        def in_step(ni, nj, step, source_base=source_base, later_base=later_base):
            ri, rj = source_base + ni, later_base + nj
            return index_list[ri] == index_list[ri - step] + step and index_list[rj] == index_list[rj - step] + step

        def neighbour(ni, nj, source_base=source_base, later_base=later_base):   # every in-step match, computed ahead
            return near.get((source_base + ni) * n_rows + later_base + nj)

        matched = grow_runs(strong, weak, n_source, n_later, in_step, neighbour)
        for (i, j), (jaccard, containment) in matched.items():
            slow_a.append(source_base + i)
            slow_b.append(later_base + j)
            slow_j.append(jaccard)
            slow_c.append(containment)
    out_a.append(np.array(slow_a, np.int64))
    out_b.append(np.array(slow_b, np.int64))
    out_j.append(np.array(slow_j, float))
    out_c.append(np.array(slow_c, float))
    edge_a, edge_b = np.concatenate(out_a), np.concatenate(out_b)
    edge_j, edge_c = np.concatenate(out_j), np.concatenate(out_c)
    # verify_in_memory's order: by later article, then (earlier node key, later node key)
    keys = keys if keys is not None else table.node_keys()
    if key_rank is None:
        key_rank = np.empty(n_rows, np.int64)
        key_rank[np.array(sorted(range(n_rows), key=keys.__getitem__), np.int64)] = np.arange(n_rows)
    order = np.lexsort((key_rank[edge_b], key_rank[edge_a], doc[edge_b]))
    edge_a, edge_b, edge_j, edge_c = edge_a[order], edge_b[order], edge_j[order], edge_c[order]
    rounded = {}
    for value in set(edge_j.tolist()) | set(edge_c.tolist()):
        rounded[value] = round(float(value), 4)
    edges = [new_edge(e, l, j, c) for e, l, j, c in zip(
        [keys[r] for r in edge_a.tolist()], [keys[r] for r in edge_b.tolist()],
        [rounded[v] for v in edge_j.tolist()], [rounded[v] for v in edge_c.tolist()])]
    return edges, edge_a, edge_b


class VerifyCandidates(beam.PTransform):
    """(earlier doc_id, [(index, later doc_id, later index), ...]) candidate
    pairs, with DocSignature keyed by doc_id -> [(earlier, later, similarity,
    containment), ...]: one list per later article that has verified edges
    (its edges with all sources, as `edges_to_wire` gives them)."""

    def __init__(self, signatures_by_doc, policy: VerifyPolicy = VerifyPolicy()):
        super().__init__()
        self._signatures = signatures_by_doc
        self._policy = policy

    def expand(self, pairs):
        policy = self._policy
        verified = metrics.counter('dedup_verified_pairs')

        def attach(item):
            _, grouped = item
            doc_pairs = [pair for shard_pairs in grouped['pairs'] for pair in shard_pairs]
            for signature in grouped['signatures']:
                yield from attach_sources(signature, doc_pairs)

        def verify(item):
            _, grouped = item
            sources = list(grouped['sources'])
            for signature in grouped['signatures']:
                edges = verify_pairs(signature, sources, policy)
                verified.inc(len(edges))
                if edges:
                    yield edges_to_wire(edges)

        with_sources = (
            {'pairs': pairs, 'signatures': self._signatures}
            | 'JoinEarlier' >> beam.CoGroupByKey()
            | 'AttachSources' >> beam.FlatMap(attach))
        return (
            {'sources': with_sources, 'signatures': self._signatures}
            | 'JoinLater' >> beam.CoGroupByKey()
            | 'Verify' >> beam.FlatMap(verify))
