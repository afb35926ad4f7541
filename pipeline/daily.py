"""Daily partitions: `python -m pipeline.daily --date D --input-root IN --output-root OUT`
runs the batch job on `IN/D/**` and publishes its tables as the `ingest_date=D`
partition of each table under OUT:

    OUT/articles/ingest_date=2026-11-22/part-....parquet
    OUT/_days/2026-11-22/_SUCCESS            (the day is complete)
    OUT/_days/2026-11-22/summary.json
    OUT/_dedup_index/                        (carried from day to day)

Re-running a day replaces that day's partitions and never adds rows: the job
writes to OUT/_temporary/day-D/, and only when it has succeeded is each
table's partition swapped in; the day's `_SUCCESS` is removed before the
swap and written after it. `--from/--to` runs a range in date order,
skipping days that have `_SUCCESS` (pass --force to redo them), with the
duplicate index carried from one day to the next, so a reprint is flagged
against yesterday's source.
"""
from __future__ import annotations

import argparse
import datetime
import logging
import sys
from typing import List, Optional, Sequence

from pipeline.options import UsageError
from pipeline.summary import summary_json

LOG = logging.getLogger('pipeline.daily')
DAYS_DIR = '_days'
INDEX_DIR = '_dedup_index'


def day_range(first: datetime.date, last: datetime.date) -> List[datetime.date]:
    if last < first:
        raise UsageError(f'--to {last} is before --from {first}')
    return [first + datetime.timedelta(days=n) for n in range((last - first).days + 1)]


def parse_day(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise UsageError(f'{text!r} is not a date (YYYY-MM-DD)') from None


def day_done(output_root: str, day: datetime.date) -> bool:
    from apache_beam.io.filesystems import FileSystems
    return FileSystems.exists(FileSystems.join(output_root, DAYS_DIR, day.isoformat(), '_SUCCESS'))


def publish_day(output_root: str, staged: str, day: datetime.date, summary: dict) -> None:
    """Swap each staged table in as the day's partition, then mark the day done."""
    import schemas
    from apache_beam.io.filesystems import FileSystems
    from transforms.write.publish import delete_if_exists, move_table, write_file
    from transforms.write.write_windows import partition_folder
    day_dir = FileSystems.join(output_root, DAYS_DIR, day.isoformat())
    marker = FileSystems.join(day_dir, '_SUCCESS')
    delete_if_exists(marker)
    for table in schemas.TABLES:
        move_table(FileSystems.join(staged, table), partition_folder(output_root, table, day.isoformat()))
    delete_if_exists(staged)
    write_file(FileSystems.join(day_dir, 'summary.json'), summary_json(summary))
    write_file(marker, b'')


def run_day(day: datetime.date, input_root: str, output_root: str, extra: Sequence[str] = ()) -> dict:
    from apache_beam.io.filesystems import FileSystems
    from pipeline.run import run
    from transforms.write.publish import STAGING_DIR
    staged = FileSystems.join(output_root, STAGING_DIR, f'day-{day.isoformat()}')
    pattern = FileSystems.join(input_root, day.isoformat(), '**')
    LOG.info('day %s: %s -> %s', day, pattern, output_root)
    summary = run(['--input', pattern, '--output', staged, '--run-id', 'job',
                   '--dedup-index', FileSystems.join(output_root, INDEX_DIR), '--quiet', *extra])
    publish_day(output_root, staged, day, summary)
    return summary


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog='python -m pipeline.daily', description=__doc__.split('\n\n')[0])
    parser.add_argument('--input-root', required=True, help='folder with one sub-folder per day (YYYY-MM-DD)')
    parser.add_argument('--output-root', required=True)
    parser.add_argument('--date', help='the day to process (YYYY-MM-DD)')
    parser.add_argument('--from', dest='first', help='first day of a backfill')
    parser.add_argument('--to', dest='last', help='last day of a backfill')
    parser.add_argument('--force', action='store_true', help='redo days that are already done')
    args, extra = parser.parse_known_args(argv)
    logging.basicConfig(level=logging.INFO, format='%(asctime)s %(levelname)s %(name)s: %(message)s', force=True)
    for noisy in ('trafilatura', 'htmldate', 'charset_normalizer', 'apache_beam'):
        logging.getLogger(noisy).setLevel(logging.ERROR)
    try:
        if args.date and not (args.first or args.last):
            days, skip_done = [parse_day(args.date)], False
        elif args.first and args.last and not args.date:
            days, skip_done = day_range(parse_day(args.first), parse_day(args.last)), not args.force
        else:
            raise UsageError('give --date D, or --from D1 --to D2')
        failed = []
        for day in days:
            if skip_done and day_done(args.output_root, day):
                LOG.info('day %s: done already (_SUCCESS), skipped', day)
                continue
            try:
                summary = run_day(day, args.input_root, args.output_root, extra)
            except UsageError as exc:
                if len(days) == 1:
                    raise
                LOG.error('day %s: %s', day, exc)
                failed.append(day)
                continue
            print(f'{day}: {summary["records_read"]} read, {summary["articles_written"]} articles, '
                  f'{summary["rejected"]} rejected, {summary["duplicate_passages"]} duplicate passages')
    except UsageError as exc:
        print(f'error: {exc}', file=sys.stderr)
        return 2
    if failed:
        print(f'error: {len(failed)} day(s) failed: {", ".join(map(str, failed))}', file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
