"""Reuse: passages that are near-identical copies of a passage first
published in another article, flagged against that earliest source.

    FlagDuplicatePassages        batch: signatures, candidate pairs, verification,
                                 clusters, matches applied to each article
    FlagDuplicatesAcrossWindows  streaming: the same, against what earlier windows kept
    ReadDedupIndex               canonical passages of earlier runs in ...
    WriteDedupIndex              ... and this run's added, when it succeeds
"""
from transforms.reuse.dedup_index import ReadDedupIndex, WriteDedupIndex
from transforms.reuse.dedup_settings import DedupSettings
from transforms.reuse.flag_duplicates import FlagDuplicatePassages
from transforms.reuse.passage_signatures import SignatureParams
from transforms.reuse.remember_passages import FlagDuplicatesAcrossWindows

__all__ = ['DedupSettings', 'FlagDuplicatePassages', 'FlagDuplicatesAcrossWindows', 'ReadDedupIndex',
           'SignatureParams', 'WriteDedupIndex']
