"""FlagDuplicatePassages: every passage reprinted from another article,
edited or quoted, marked against its cluster's earliest copy.

    SignPassages        numpy MinHash signatures per article    (passage_signatures.py)
    FindCandidatePairs  LSH band keys collide inside shards     (candidate_pairs.py)
    VerifyCandidates    true Jaccard / containment on shingles  (verify_candidates.py)
    ResolveClusters     connected components, canonical = min   (reuse_clusters.py)
    ApplyMatches        passages, unique_text, dup_ratio, clusters, index rows
                                                                (passage_matches.py)

Canonical member of a cluster: the earliest `published_date`; undated after
dated; ties by `doc_id`, then passage order. Only passages in other articles
than the canonical one are duplicates: repetition inside one article is the
boilerplate step's business.

With a dedup index (`--dedup-index DIR`, dedup_index.py), the canonical
passages of earlier runs join the graph as signatures only: today's copies
of them are flagged without re-reading earlier articles, and an article seen
again (same doc_id) replaces its own index entries instead of matching them.

`detect_reuse` (detect_reuse.py) runs the same plain functions on a corpus
held in memory: the reference the Beam graph is tested against, and what
`make eval` scores. A run of up to `--dedup-memory-articles` articles (and index entries) is
flagged by it in one element, from the signatures alone
(`reuse_of_signatures`); the sharded steps above take larger runs. Either
way the matches are applied to each article in the same step (JoinResults,
ApplyMatches), shared by the workers.
"""
from __future__ import annotations

import apache_beam as beam

from transforms.common import metrics
from transforms.common.records import ClusterBatch, FlaggedDoc
from transforms.reuse.candidate_pairs import FindCandidatePairs
from transforms.reuse.dedup_settings import DedupSettings
from transforms.reuse.detect_reuse import collector_paused, reuse_of_signatures, run_index_entries
from transforms.reuse.passage_matches import (apply_matches, clusters_of_shard, edges_by_doc, index_entries,
                                              labels_by_doc, members_by_shard, passage_matches)
from transforms.reuse.passage_signatures import PassageSignatures, sign_doc
from transforms.reuse.reuse_clusters import TOO_LARGE, ListsUpTo, ResolveClusters, ShardOf, pass_if
from transforms.reuse.verify_candidates import VerifyCandidates, edges_from_wire, edges_to_wire

CLUSTER_BATCH = 5_000   # Cluster rows per element of the 'clusters' output


class FlagDuplicatePassages(beam.PTransform):
    """DocPassages -> {'articles': FlaggedDoc, 'clusters': ClusterBatch, 'index': DocSignature}.

    Clusters travel in batches (a shard's, or up to CLUSTER_BATCH of a run
    flagged in memory): a run has about 45 of them per article, small rows
    that cost Beam more to move one by one than to build.

    `index`: a PCollection of DocSignature from earlier runs, or None: then
    the 'index' output stays empty (a run without an index keeps none)."""

    def __init__(self, settings: DedupSettings = DedupSettings(), index=None):
        super().__init__()
        self._settings = settings
        self._index = index

    def expand(self, docs):
        settings = self._settings
        signer = PassageSignatures(settings.params)
        keep_index = self._index is not None
        # A run that fits in memory is flagged in one element: the sharded
        # steps below ship every signature through four shuffles, which
        # costs a small run more than the detection itself. The sharded
        # steps see nothing then, and the in-memory step nothing when the run
        # is too large to collect. Either way only signatures go there (numpy
        # arrays, cheap to move): articles are signed first, a step per
        # article that workers share, and wait in JoinResults for their part
        # of the reuse graph (labels and edges), from which their matches are
        # made and applied there, a step per article again.
        signed = docs | 'SignPassages' >> beam.Map(lambda doc: (doc, sign_doc(signer, doc)))
        docs = signed | 'Docs' >> beam.Map(lambda pair: pair[0])
        current = signed | 'Signatures' >> beam.Map(lambda pair: pair[1])
        items = current | 'TagDocs' >> beam.Map(lambda signature: [(_DOC, signature)])
        if self._index is not None:
            items = (items, self._index | 'TagIndex' >> beam.Map(lambda entry: [(_INDEX, entry)])
                     ) | 'DocsAndIndex' >> beam.Flatten()
        # No default for an empty run (see ResolveClusters: a default goes
        # through a side input of the whole run), so the flag has one. The
        # flag comes out of the same step as the results: every further
        # reader of the whole run would be another copy of it.
        in_memory = (
            items
            | 'WholeRunIfSmall' >> beam.CombineGlobally(ListsUpTo(settings.in_memory_articles)).without_defaults()
            | 'FlagInMemory' >> beam.ParDo(_FlagInMemory(settings, keep_index)).with_outputs(
                'clusters', 'index', TOO_LARGE, main='graph'))
        large = beam.pvalue.AsSingleton(in_memory[TOO_LARGE], default_value=False)
        current = current | 'SignedIfLarge' >> beam.FlatMap(pass_if, large)
        signatures = current
        if self._index is not None:
            index = self._index | 'IndexIfLarge' >> beam.FlatMap(pass_if, large)
            signatures = (current, index | 'NotSeenAgain' >> DropReingested(current)) | 'WithIndex' >> beam.Flatten()
        by_doc = signatures | 'KeySignatures' >> beam.Map(lambda s: (s.doc_id, s))
        # Coarse elements from here on: edges travel as one list per later
        # article, labels as one list per shard of ResolveClusters' last jump
        # (split per article for the join), cluster members as one list per
        # (article, shard of the canonical node).
        edges = (
            signatures
            | 'FindCandidatePairs' >> FindCandidatePairs(settings.shards)
            | 'VerifyCandidates' >> VerifyCandidates(by_doc, settings.policy))
        labels = (
            edges
            | 'EdgeNodes' >> beam.Map(lambda doc_edges: [(earlier, later) for earlier, later, _, _ in doc_edges])
            | 'ResolveClusters' >> ResolveClusters(settings.rounds, settings.shards, settings.in_memory_edges))

        duplicates = metrics.counter('duplicate_passages')
        shards = settings.shards

        def apply(item):
            doc_id, grouped = item
            graph_part = list(grouped['graph'])
            if graph_part:   # flagged in memory: its clusters and index entries come from there
                [(doc_labels, doc_edges)] = graph_part
            else:
                doc_labels = [label for batch in grouped['labels'] for label in batch]
                doc_edges = [edge for batch in grouped['edges'] for edge in batch]
            matches = passage_matches(doc_id, doc_labels, doc_edges)
            current_docs = list(grouped['docs'])
            if not graph_part:
                yield from (beam.pvalue.TaggedOutput('members', m)
                            for m in members_by_shard(doc_id, bool(current_docs), doc_labels, ShardOf(shards)).items())
            for signature in grouped['signatures'] if keep_index else ():
                if current_docs:
                    yield beam.pvalue.TaggedOutput('index', index_entries(signature, matches))
                elif signature.from_index:
                    yield beam.pvalue.TaggedOutput('index', signature)
            for doc in current_docs:
                unique_text, dup_ratio, rows = apply_matches(doc, matches)
                duplicates.inc(sum(1 for _, m in rows if m is not None and m.is_duplicate))
                yield FlaggedDoc(doc.article, unique_text, dup_ratio, tuple(rows))

        applied = (
            {'docs': docs | 'KeyDocs' >> beam.Map(lambda d: (d.article.doc_id, d)),
             'graph': in_memory.graph,
             'signatures': by_doc,
             'labels': labels | 'LabelsByDoc' >> beam.FlatMap(labels_by_doc),
             'edges': edges | 'EdgesByDoc' >> beam.FlatMap(
                 lambda rows: [(doc_id, edges_to_wire(doc_edges)) for doc_id, doc_edges in edges_by_doc(edges_from_wire(rows))])}
            | 'JoinResults' >> beam.CoGroupByKey()
            | 'ApplyMatches' >> beam.FlatMap(apply).with_outputs('members', 'index', main='articles'))

        clusters_counter = metrics.counter('clusters')

        def cluster(item):
            built = clusters_of_shard(item[1])
            clusters_counter.inc(len(built))
            if built:
                yield ClusterBatch(tuple(built))

        clusters = (
            applied.members
            | 'GroupClusters' >> beam.GroupByKey()
            | 'BuildClusters' >> beam.FlatMap(cluster))
        return {'articles': applied.articles,
                'clusters': (in_memory.clusters, clusters) | 'AllClusters' >> beam.Flatten(),
                'index': (in_memory.index, applied.index) | 'AllIndex' >> beam.Flatten()}


_DOC, _INDEX = 'doc', 'index'


class _FlagInMemory(beam.DoFn):
    """The run's tagged signatures and index entries in one list (or None:
    too many) -> (doc_id, (its labels, its edges on the wire)) for every
    article with a verified edge, with Cluster rows and index entries on the
    side. The matches are made from labels and edges per article, after
    this step: the part of the work that the workers can share."""

    def __init__(self, settings: DedupSettings, keep_index: bool):
        self._settings = settings
        self._keep_index = keep_index
        self._clusters = metrics.counter('clusters')
        self._pairs = metrics.counter('dedup_candidate_pairs')
        self._verified = metrics.counter('dedup_verified_pairs')
        self._in_memory = metrics.counter('dedup_runs_in_memory')

    def process(self, collected):
        whole = collected.items
        yield beam.pvalue.TaggedOutput(TOO_LARGE, whole is None)
        if whole is None:
            return
        self._in_memory.inc()
        current = {item.doc_id: item for tag, item in sorted(whole, key=lambda pair: pair[1].doc_id)
                   if tag == _DOC}   # combiners merge in any order
        index = sorted((item for tag, item in whole if tag == _INDEX), key=lambda entry: entry.doc_id)
        with collector_paused():
            # the index entries need the matches now; otherwise they are made per article
            result = reuse_of_signatures(current, self._settings, index, with_matches=self._keep_index)
        self._pairs.inc(result.candidate_pairs)
        self._verified.inc(len(result.edges))
        self._clusters.inc(len(result.clusters))
        for doc_id in current:
            labels = result.doc_labels.get(doc_id)
            if labels:
                yield doc_id, (labels, edges_to_wire(result.doc_edges.get(doc_id, ())))
        for start in range(0, len(result.clusters), CLUSTER_BATCH):
            yield beam.pvalue.TaggedOutput('clusters', ClusterBatch(tuple(result.clusters[start:start + CLUSTER_BATCH])))
        for entry in run_index_entries(result, index) if self._keep_index else ():
            yield beam.pvalue.TaggedOutput('index', entry)


class DropReingested(beam.PTransform):
    """Index signatures whose article is in this run again: the run's own
    signature replaces them, so an article never matches itself."""

    def __init__(self, current):
        super().__init__()
        self._current = current

    def expand(self, index):
        def keep(item):
            _, grouped = item
            if not list(grouped['current']):
                yield from grouped['index']

        return (
            {'index': index | 'KeyIndex' >> beam.Map(lambda s: (s.doc_id, s)),
             'current': self._current | 'CurrentIds' >> beam.Map(lambda s: (s.doc_id, None))}
            | 'JoinCurrent' >> beam.CoGroupByKey()
            | 'KeepOthers' >> beam.FlatMap(keep))
