"""The local streaming runner: Beam's bundle-based DirectRunner, made to run
this job's streaming graph on one machine with no download.

Two things keep Beam 2.77's local streaming path from running it as is
(both measured on these machines, see ../shared/NOTES-beam.md):

- Its override order replaces GroupByKeys created by the splittable-DoFn
  override after the streaming GroupByKey override has run, and the
  pipeline is refused ("... _GroupByKeyOnly was not replaced as expected").
  We apply the overrides once more in a working order before it runs.
- Its splittable-DoFn support cannot resume a self-checkpointed poller, so
  `fileio.MatchContinuously` and any watch SDF fail or busy-poll. WatchDumps
  is replaced here by `_PollDumps`, a root primitive evaluated like Beam's
  own local Pub/Sub read: each evaluation is a short check that lists the
  files when a poll is due, the watcher's state rides in the bundle it
  hands back to itself, and the watermark is the present. When the watcher
  stops (max idle or StopRequest) the watermark goes to +inf and every
  window is flushed.

Cloud runners never see any of this: they run WatchDumps' portable expansion.
"""
from __future__ import annotations

import logging
import time

import apache_beam as beam
from apache_beam import pvalue
from apache_beam.runners.direct import direct_runner
from apache_beam.runners.direct.direct_runner import BundleBasedDirectRunner
from apache_beam.runners.direct.transform_evaluator import TransformEvaluatorRegistry, _TransformEvaluator
from apache_beam.runners.direct.util import TransformResult
from apache_beam.transforms.window import GlobalWindows
from apache_beam.utils.timestamp import MAX_TIMESTAMP, Timestamp

from transforms.read.watch_dumps import (StopRequest, WatchPolicy, WatchState, idle_too_long,
                                    list_files, poll_files)

LOG = logging.getLogger(__name__)


class _PollDumps(beam.PTransform):
    """Root primitive standing in for WatchDumps on the local runner."""

    def __init__(self, patterns, policy: WatchPolicy):
        super().__init__()
        self.patterns = tuple(patterns)
        self.policy = policy

    def expand(self, pbegin):
        return pvalue.PCollection(pbegin.pipeline, is_bounded=False)

    def get_windowing(self, inputs):
        from apache_beam.transforms.core import Windowing
        return Windowing(GlobalWindows())


class _PollDumpsEvaluator(_TransformEvaluator):
    """One poll per evaluation; see the module docstring."""

    def start_bundle(self):
        self._state = None

    def process_element(self, element):
        self._state = element.value

    # Beam's local executor runs every task on one worker thread: the poller
    # must not sleep through a poll interval there, or all other work waits.
    # It naps at most TICK between checks and lists the files when due.
    TICK = 0.1

    def finish_bundle(self):
        transform: _PollDumps = self._applied_ptransform.transform
        policy = transform.policy
        state: WatchState = self._state or WatchState(emitted=set(policy.already_read))
        StopRequest.wait(min(self.TICK, max(0.0, state.next_poll - time.time())))
        now = time.time()
        stopping = StopRequest.is_set()
        bundles = []
        done = stopping
        if not stopping and now >= state.next_poll:
            state.next_poll = now + policy.poll_seconds
            ready = poll_files(state, list_files(transform.patterns), now)
            if ready:
                LOG.info('found %d new file(s): %s%s', len(ready),
                         ', '.join(p.rsplit('/', 1)[-1] for p in ready[:5]), ' ...' if len(ready) > 5 else '')
                bundle = self._evaluation_context.create_bundle(list(self._outputs)[0])
                for path in ready:
                    bundle.output(GlobalWindows.windowed_value(path, timestamp=Timestamp.of(now)))
                bundles.append(bundle)
            done = idle_too_long(state, now, policy)
            if done:
                LOG.info('no new file for %.0f s (--max-idle): flushing every open window and stopping',
                         now - state.last_activity)
        if stopping:
            LOG.info('stop requested: draining, flushing every open window')
        unprocessed = []
        if not done:
            carry = self._evaluation_context.create_bundle(pvalue.PBegin(transform.pipeline))
            carry.add(GlobalWindows.windowed_value(state, timestamp=Timestamp.of(now)))
            unprocessed.append(carry)
        # The watermark is the present: every file found later is stamped later.
        hold = MAX_TIMESTAMP if done else Timestamp.of(now)
        return TransformResult(self, bundles, unprocessed, None, {None: hold})


class LocalStreamingRunner(BundleBasedDirectRunner):
    """BundleBasedDirectRunner with WatchDumps polled locally (WatchDumps
    expands to `_PollDumps` when it sees this runner) and its overrides
    applied in an order that works for this graph."""

    local_watch = _PollDumps

    def run_pipeline(self, pipeline, options):
        TransformEvaluatorRegistry._test_evaluators_overrides[_PollDumps] = _PollDumpsEvaluator
        overrides = direct_runner._get_transform_overrides(options)
        for override in overrides:
            pipeline._replace(override)
        for override in overrides:   # GroupByKeys made by the last GroupByKey override get their streaming form
            if type(override).__name__.startswith('Streaming'):
                pipeline._replace(override)
        return super().run_pipeline(pipeline, options)
