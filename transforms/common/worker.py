"""What every worker process does once its steps have loaded their models (no Beam).

The models a worker loads in `setup` (langdetect's profiles: a dict of
~170,000 n-grams with a list of probabilities each; the boilerplate trees;
trafilatura's and dateparser's tables) live as long as the process. Python's
cyclic collector would walk all of those objects again on every full
collection, and a worker allocates enough small objects per article to run
one every few articles: measured on 600 bench articles, 18% of the run's
time went to collections that never free anything of the models (77.5 s
against 63.6 s with the collector off). Moving what
is alive after set-up into the permanent generation (gc.freeze) keeps them
out of every later collection; garbage made while processing is collected
as before.
"""
from __future__ import annotations

import gc

YOUNG_THRESHOLD = 10_000


def freeze_loaded_models() -> None:
    """Call at the end of a DoFn's setup, after its models are loaded."""
    gc.collect()
    gc.freeze()
    # Young collections every 10,000 allocations instead of 700: an article
    # makes tens of thousands of short-lived tuples and strings that reference
    # counting frees anyway (measured: 69 s -> 65 s on the same run, the
    # collector off entirely: 64 s).
    gc.set_threshold(YOUNG_THRESHOLD, *gc.get_threshold()[1:])
