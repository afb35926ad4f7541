"""Reuse: passages that are near-identical copies of a passage first
published in another article, flagged against that earliest source.

    FlagDuplicatePassages        batch: signatures, candidate pairs, verification,
                                 clusters, matches applied to each article
    FlagDuplicatesAcrossWindows  streaming: the same, against what earlier windows kept
    ReadDedupIndex               canonical passages of earlier runs in ...
    WriteDedupIndex              ... and this run's added, when it succeeds
"""
from transforms.common.exports import lazy_exports

# Each name is loaded with the module that defines it, when first asked for
# (transforms/common/exports.py says why).
_DEFINED_IN = {
    'DedupSettings': 'dedup_settings',
    'FlagDuplicatePassages': 'flag_duplicates',
    'FlagDuplicatesAcrossWindows': 'remember_passages',
    'ReadDedupIndex': 'dedup_index',
    'SignatureParams': 'passage_signatures',
    'WriteDedupIndex': 'dedup_index',
}
__all__ = sorted(_DEFINED_IN)
__getattr__ = lazy_exports(__name__, _DEFINED_IN)
