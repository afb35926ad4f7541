"""The run summary (pipeline/summary.py): its accounting check against the
tables a run wrote."""
from __future__ import annotations

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pipeline.summary import AccountingError, check_accounting


def test_accounting_is_checked_against_the_written_tables(tmp_path):
    """The summary's counts come from metrics; before publishing, the run
    counts the rows it wrote and refuses to publish when a record is lost."""
    for table, n in (('articles', 3), ('rejects', 2)):
        (tmp_path / table).mkdir()
        rows = pa.Table.from_pylist([{'x': i} for i in range(n)])
        pq.write_table(rows, tmp_path / table / 'part-0.parquet')
    ok = {'records_read': 5, 'articles_written': 3, 'rejected': 2, 'accounting_ok': True}
    check_accounting(dict(ok), str(tmp_path))
    with pytest.raises(AccountingError, match='6 records read, but the tables hold 3 articles \\+ 2 rejects'):
        check_accounting(dict(ok, records_read=6), str(tmp_path))
    with pytest.raises(AccountingError):
        check_accounting(dict(ok, articles_written=4, records_read=6), str(tmp_path))
    unknown = dict(ok, records_read=0, articles_written=0, rejected=0)
    check_accounting(unknown, str(tmp_path))
    assert unknown['accounting_ok'] is None and unknown['articles_written'] == 3
