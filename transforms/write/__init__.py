"""Writing: the five Parquet tables.

    WriteTables          batch: the tables staged, published whole and atomically
    WriteWindowedTables  streaming: each window's files as the window closes
"""
from transforms.common.exports import lazy_exports

# Each name is loaded with the module that defines it, when first asked for
# (transforms/common/exports.py says why).
_DEFINED_IN = {
    'WriteTables': 'write_tables',
    'WriteWindowedTables': 'write_windows',
}
__all__ = sorted(_DEFINED_IN)
__getattr__ = lazy_exports(__name__, _DEFINED_IN)
