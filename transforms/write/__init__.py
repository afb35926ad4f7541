"""Writing: the five Parquet tables.

    WriteTables          batch: the tables staged, published whole and atomically
    WriteWindowedTables  streaming: each window's files as the window closes
"""
from transforms.write.write_tables import WriteTables
from transforms.write.write_windows import WriteWindowedTables

__all__ = ['WriteTables', 'WriteWindowedTables']
