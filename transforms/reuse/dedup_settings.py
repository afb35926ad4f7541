"""DedupSettings: every parameter of reuse detection, batch and streaming,
in one frozen record the steps carry (the options of the job set them)."""
from __future__ import annotations

from dataclasses import dataclass

from transforms.reuse.candidate_pairs import DEFAULT_SHARDS
from transforms.reuse.passage_signatures import SignatureParams
from transforms.reuse.reuse_clusters import DEFAULT_ROUNDS, IN_MEMORY_EDGES
from transforms.reuse.verify_candidates import VerifyPolicy


@dataclass(frozen=True)
class DedupSettings:
    params: SignatureParams = SignatureParams()
    policy: VerifyPolicy = VerifyPolicy()
    shards: int = DEFAULT_SHARDS
    rounds: int = DEFAULT_ROUNDS
    in_memory_edges: int = IN_MEMORY_EDGES   # larger reuse graphs take the sharded rounds
    # a run of at most this many articles (with the dedup index's entries) is
    # flagged in one element by `detect_reuse` (about 75 KB an article at its
    # peak: 1.9 GB for 25,000 wire-reuse articles); larger runs take the sharded steps
    in_memory_articles: int = 10_000
    # streaming: how long a canonical passage is remembered to flag later reprints
    retention_days: float = 7.0

    @property
    def retention_seconds(self) -> float:
        return self.retention_days * 86400
