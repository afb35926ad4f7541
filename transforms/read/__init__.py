"""Reading: input patterns (or a watched folder) in, decoded drafts out.

    ReadDumps        patterns -> one RawRecord per article-to-be, or a Reject
    WatchDumps       (streaming) patterns watched; each new file emitted once
    ReadFiles        file paths -> records (ReadDumps and the stream share it)
    IngestWindows    (streaming) records into fixed windows of ingest time
    DecodeRecords    bytes -> text: encoding found, binary refused, mojibake repaired

and `with_raw_kept`, which gives every reject its original bytes (inline,
or by reference when they are large).
"""
from transforms.read.decode_records import DecodeRecords
from transforms.read.ingest_windows import IngestWindows, WindowPolicy
from transforms.read.limits import InputLimits
from transforms.read.raw_bytes import with_raw_kept
from transforms.read.read_dumps import ReadDumps, ReadFiles
from transforms.read.watch_dumps import WatchDumps, WatchPolicy

__all__ = ['DecodeRecords', 'IngestWindows', 'InputLimits', 'ReadDumps', 'ReadFiles', 'WatchDumps', 'WatchPolicy',
           'WindowPolicy', 'with_raw_kept']
