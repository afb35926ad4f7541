"""Inspect what a run rejected: `python -m pipeline.rejects OUTPUT [--list] [--raw SOURCE_URI]`.

Without options, a table of rejects by stage and error, each with a count,
the bytes involved and one example message. `--list` prints every reject.
`--raw SOURCE_URI` writes that reject's original bytes to stdout (or to
`--to FILE`): from the `raw` column, or, when they were too large to keep
inline, from the input file at `raw_path` / `raw_offset`.
"""
from __future__ import annotations

import argparse
import sys
from collections import Counter, defaultdict
from typing import List, Optional, Sequence

from apache_beam.io.filesystems import FileSystems


def read_rejects(output: str) -> List[dict]:
    import pyarrow.dataset as ds
    table = ds.dataset(FileSystems.join(output, 'rejects'), format='parquet', partitioning='hive').to_table()
    return sorted(table.to_pylist(), key=lambda r: (r['source_uri'], r['stage'], r['error']))


def reject_bytes(row: dict) -> Optional[bytes]:
    """The original bytes of a reject row: inline, or read back from the input
    by reference. None when neither is available (the file has gone)."""
    if row.get('raw') is not None:
        return row['raw']
    from transforms.read.raw_bytes import read_back
    return read_back(row.get('raw_path'), row.get('raw_offset'), row.get('size_bytes') or 0)


def summary_table(rows: Sequence[dict]) -> str:
    counts = Counter((r['stage'], r['error']) for r in rows)
    sizes = defaultdict(int)
    example = {}
    for r in rows:
        sizes[(r['stage'], r['error'])] += r['size_bytes']
        example.setdefault((r['stage'], r['error']), r)
    lines = [f'{len(rows)} rejects', f'{"stage":<8} {"error":<20} {"count":>6} {"bytes":>12}  example']
    for key, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        r = example[key]
        lines.append(f'{key[0]:<8} {key[1]:<20} {n:>6} {sizes[key]:>12}  {r["source_uri"]}: {r["message"][:100]}')
    return '\n'.join(lines)


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog='python -m pipeline.rejects', description=__doc__.split('\n')[0])
    parser.add_argument('output', help='the --output folder of a run')
    parser.add_argument('--list', action='store_true', help='print every reject, one per line')
    parser.add_argument('--raw', metavar='SOURCE_URI', help="write this reject's original bytes")
    parser.add_argument('--to', metavar='FILE', help='with --raw: write to FILE instead of stdout')
    args = parser.parse_args(argv)
    try:
        rows = read_rejects(args.output)
    except (FileNotFoundError, OSError, ValueError) as exc:
        print(f'error: no rejects table under {args.output}: {exc}'.splitlines()[0], file=sys.stderr)
        return 2
    if args.raw:
        matches = [r for r in rows if r['source_uri'] == args.raw]
        if not matches:
            print(f'error: no reject with source_uri {args.raw}', file=sys.stderr)
            return 2
        data = reject_bytes(matches[0])
        if data is None:
            print(f'error: the bytes of {args.raw} are not kept inline and '
                  f'{matches[0]["raw_path"]} cannot be read', file=sys.stderr)
            return 1
        if args.to:
            with open(args.to, 'wb') as f:
                f.write(data)
        else:
            sys.stdout.buffer.write(data)
        return 0
    if args.list:
        for r in rows:
            kept = 'inline' if r['raw'] is not None else f'at {r["raw_path"]}+{r["raw_offset"]}'
            print(f'{r["source_uri"]}\t{r["stage"]}/{r["error"]}\t{r["size_bytes"]} bytes {kept}\t{r["message"]}')
        return 0
    print(summary_table(rows))
    return 0


if __name__ == '__main__':
    sys.exit(main())
