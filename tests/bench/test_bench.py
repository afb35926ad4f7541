"""`make bench`'s ratios: each pipeline run against the bare runs around it."""
from bench.bench import bracketed_ratios


def run(seconds, articles=2370):
    return {'articles': articles, 'seconds': seconds, 'peak_mb': 1}


def test_a_pipeline_run_is_compared_with_the_bare_runs_on_either_side():
    # the machine slows down between the first and second bare run: the first
    # pipeline run is judged against both, not against the fast first one
    runs = [('bare', run(100)), ('one', run(150)), ('bare', run(125)), ('two', run(90)), ('bare', run(125))]
    ratios = bracketed_ratios(runs)
    assert round(ratios[1], 4) == round((2370 / 150) / ((2370 / 100 + 2370 / 125) / 2), 4)
    assert round(ratios[3], 4) == round(125 / 90, 4)
    bare_mean = (2370 / 100 + 2 * 2370 / 125) / 3
    assert [round(r, 4) for r in ratios[::2]] == [round(2370 / s / bare_mean, 4) for s in (100, 125, 125)]
