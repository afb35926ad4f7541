"""The option table (pipeline/options.py): each option parses into the
settings field it names, with that field's type and default, and a value
that fails its check is a usage error that names the flag."""
import pytest

from pipeline.options import OPTIONS, IngestOptions, UsageError, field_of, parse_args, with_value
from transforms.read.ingest_windows import WindowPolicy
from transforms.read.limits import InputLimits
from transforms.reuse.dedup_settings import DedupSettings
from transforms.reuse.passage_signatures import SignatureParams
from transforms.text.recurring_lines import RecurrencePolicy

REQUIRED = ['--input', 'in/*.txt', '--output', 'out']


def value_at(options, path):
    for name in path.split('.'):
        options = getattr(options, name)
    return options


def test_defaults_are_the_settings_dataclasses_defaults():
    options, beam_args = parse_args(REQUIRED)
    assert beam_args == []
    assert options == IngestOptions(inputs=('in/*.txt',), output='out')
    assert options.limits == InputLimits() and options.dedup == DedupSettings()
    assert options.recurrence == RecurrencePolicy() and options.windows == WindowPolicy()
    assert options.dedup.params == SignatureParams()


def test_every_option_lands_in_the_field_it_names():
    """A value different from the default, given on the command line, is
    found at the option's field and nowhere else changes."""
    defaults, _ = parse_args(['--streaming'] + REQUIRED)
    for option in OPTIONS:
        if option.field in ('inputs', 'output', 'streaming'):
            continue
        kind, default = field_of(option.field)
        if kind is bool:
            argv, expected = [option.flag], True
        elif option.choices:
            expected = next(c for c in option.choices if c != default)
            argv = [option.flag, expected]
        else:
            expected = kind(7) if default is None else kind(default + 3)
            argv = [option.flag, str(expected)]
        options, _ = parse_args(['--streaming'] + REQUIRED + argv)
        assert value_at(options, option.field) == expected, option.flag
        if option.field != 'quiet':   # --quiet also turns progress lines off
            assert options == with_value(defaults, option.field, expected), option.flag


def test_flags_are_unique_and_fields_exist():
    assert len({o.flag for o in OPTIONS}) == len(OPTIONS)
    assert len({o.field for o in OPTIONS}) == len(OPTIONS)
    for option in OPTIONS:
        field_of(option.field)   # raises KeyError for a field no settings class has


@pytest.mark.parametrize('flag,value,must', [
    ('--max-record-bytes', '0', 'must be positive'),
    ('--max-inline-raw-bytes', '-1', 'must be >= 0'),
    ('--min-passage-words', '0', 'must be at least 1'),
    ('--recurring-min-docs', '1', 'must be at least 2'),
    ('--dedup-shards', '0', 'must be at least 1'),
    ('--dedup-memory-edges', '-1', 'must be >= 0'),
    ('--progress-interval', '-0.5', 'must be >= 0'),
])
def test_a_value_failing_its_check_is_a_usage_error_naming_the_flag(flag, value, must):
    with pytest.raises(UsageError, match=f'^{flag} {must}'):
        parse_args(REQUIRED + [flag, value])


def test_quiet_turns_progress_lines_off_and_paths_lose_their_trailing_slash():
    options, beam_args = parse_args(['--input', 'a', '--input', 'b', '--output', 'out/', '--dedup-index', 'idx/',
                                     '--quiet', '--runner=DirectRunner'])
    assert options.inputs == ('a', 'b') and options.output == 'out' and options.dedup_index == 'idx'
    assert options.quiet and options.progress_interval == 0.0
    assert beam_args == ['--runner=DirectRunner']
    assert parse_args(['--input', 'a', '--output', '/'])[0].output == '/'
