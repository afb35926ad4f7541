"""Progress lines of a long run: the plain ProgressLog, and what a real run logs."""
from pipeline.run import main
from tests.conftest import SEEDS, assert_accounted
from transforms.common.progress import ProgressLog, ProgressSettings


class FakeClock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


def test_a_line_at_most_every_interval_with_counts_and_rates():
    clock, lines = FakeClock(), []
    progress = ProgressLog(clock=clock, emit=lines.append)
    progress.configure(ProgressSettings(interval=10, total_files=40, run='a'))
    assert progress.add(files=1, records=1) is None          # the first add starts the clock
    clock.now += 4
    assert progress.add(records=3, articles=2) is None       # 4 s < 10 s: no line yet
    clock.now += 6
    line = progress.add(rejects=1)
    assert line == lines[0]
    assert line == ('progress: 1/40 files read, 4 records, 2 articles, 1 rejected; '
                    '0.4 records/s, 0.2 articles/s over 10 s')
    clock.now += 1
    assert progress.add(written=5) is None                   # the interval starts again at the last line
    clock.now += 9
    assert ', 5 written, ' in progress.add(articles=1)
    assert len(lines) == 2


def test_off_when_interval_is_zero_and_a_new_run_starts_from_zero():
    clock, lines = FakeClock(), []
    progress = ProgressLog(clock=clock, emit=lines.append)
    progress.configure(ProgressSettings(interval=0, run='a'))
    for _ in range(5):
        clock.now += 100
        progress.add(records=1)
    assert lines == [] and progress.counts['records'] == 5
    progress.configure(ProgressSettings(interval=1, run='a'))   # another worker of the same run
    assert progress.counts['records'] == 5
    progress.configure(ProgressSettings(interval=1, run='b'))   # a new run in the same process
    assert progress.counts['records'] == 0


def progress_lines(err: str) -> list:
    return [line.split('transforms.common.progress: ', 1)[1] for line in err.splitlines() if 'transforms.common.progress: ' in line]


def test_a_run_logs_progress_lines_and_quiet_silences_them(tmp_path, capsys):
    # main() logs to stderr as a user sees it (its own logging set-up)
    inputs = ['--input', str(SEEDS / '*.txt')]
    assert main([*inputs, '--output', str(tmp_path / 'out'), '--progress-interval', '0.000001']) == 0
    lines = progress_lines(capsys.readouterr().err)
    files = len(list(SEEDS.glob('*.txt')))
    assert lines, 'no progress line logged'
    assert any(f'/{files} files read' in line for line in lines)
    last = lines[-1]
    summary = assert_accounted(tmp_path / 'out')
    # every article assembled and written is counted by the time the last line is logged
    assert f'{summary["articles_written"]} articles' in last or f'{summary["articles_written"]} written' in last
    assert main([*inputs, '--output', str(tmp_path / 'quiet'), '--quiet', '--progress-interval', '0.000001']) == 0
    quiet = capsys.readouterr()
    assert progress_lines(quiet.err) == [] and quiet.out.startswith('summary:')
