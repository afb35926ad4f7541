"""Reading: input patterns (or a watched folder) in, decoded drafts out.

    ReadDumps        patterns -> one RawRecord per article-to-be, or a Reject
    WatchDumps       (streaming) patterns watched; each new file emitted once
    ReadFiles        file paths -> records (ReadDumps and the stream share it)
    IngestWindows    (streaming) records into fixed windows of ingest time
    DecodeRecords    bytes -> text: encoding found, binary refused, mojibake repaired

and `with_raw_kept`, which gives every reject its original bytes (inline,
or by reference when they are large).
"""
from transforms.common.exports import lazy_exports

# Each name is loaded with the module that defines it, when first asked for
# (transforms/common/exports.py says why).
_DEFINED_IN = {
    'DecodeRecords': 'decode_records',
    'IngestWindows': 'ingest_windows',
    'InputLimits': 'limits',
    'ReadDumps': 'read_dumps',
    'ReadFiles': 'read_dumps',
    'WatchDumps': 'watch_dumps',
    'WatchPolicy': 'watch_dumps',
    'WindowPolicy': 'ingest_windows',
    'with_raw_kept': 'raw_bytes',
}
__all__ = sorted(_DEFINED_IN)
__getattr__ = lazy_exports(__name__, _DEFINED_IN)
