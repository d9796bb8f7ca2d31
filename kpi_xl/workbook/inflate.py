"""A part of the workbook's zip inflated as a stream, checked as zipfile checks it, in less time.

The sheet scan inflates each data sheet before fastexcel reads it (:mod:`kpi_xl.workbook.error_scan`); at
Excel's row limit the Activities sheet is 280 MB of XML, and inflating it is most of the scan. ISA-L
(the ``isal`` package, wheels for Windows, Mac and Linux) inflates it in about 0.6 of zlib's time;
without it this uses zlib, as zipfile does.

The checks are zipfile's: the part unpacks to exactly the size the central directory declares (a part
that unpacks to more is refused as soon as it passes that size: a zip bomb costs at most one chunk) and
its CRC-32 is the declared one. A part stored otherwise than plainly deflated (stored, another method,
encrypted), or a file saved over the one the archive was opened from, is read through zipfile itself.
"""

from __future__ import annotations

import os
import struct
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path

try:
    from isal import isal_zlib as _zlib
except ImportError:  # pragma: no cover - isal is a dependency; a platform without its wheel falls back
    _zlib = zlib

__all__ = ["crc32", "file_identity", "part_chunks"]

crc32 = _zlib.crc32  # zlib's CRC-32 (the same values), ISA-L's when it is installed

_LOCAL_HEADER = struct.Struct(zipfile.structFileHeader)  # a local file header, as zipfile reads it
_INPUT = 1 << 20  # compressed bytes fed at a time
# flag bits that change nothing about inflating: deflate options (1, 2), sizes after the data (3), UTF-8
# names (11)
_PLAIN_FLAGS = 0x2 | 0x4 | 0x8 | 0x800


def part_chunks(path: str | Path, archive: zipfile.ZipFile, name: str, size: int) -> Iterator[bytes]:
    """The inflated bytes of part ``name`` of the zip at ``path`` (open as ``archive``), in chunks of at
    most ``size`` bytes; raises ``zipfile.BadZipFile`` for a part that is not what the central directory
    says (its size or CRC-32), or whose compressed data is damaged."""
    info = archive.getinfo(name)
    with open(path, "rb") as handle:
        # the file ``archive`` opened, not one saved over it since (a sync client, Excel): else zipfile reads
        plain = info.compress_type == zipfile.ZIP_DEFLATED and not info.flag_bits & ~_PLAIN_FLAGS
        if not plain or archive.fp is None or _identity(handle) != _identity(archive.fp):
            with archive.open(info) as stream:
                while chunk := stream.read(size):
                    yield chunk
            return
        handle.seek(info.header_offset)
        header = handle.read(_LOCAL_HEADER.size)
        if len(header) != _LOCAL_HEADER.size or header[:4] != zipfile.stringFileHeader:
            raise zipfile.BadZipFile(f"{name}: bad local file header")
        fields = _LOCAL_HEADER.unpack(header)
        handle.seek(fields[-2] + fields[-1], 1)  # past the local name and extra field
        yield from _inflated(handle, info, size)


def file_identity(file: str | Path | int) -> tuple:
    """A file as the operating system sees it (a path, or an open file's descriptor): another save (a new
    inode, size or modification time) is another file."""
    status = os.fstat(file) if isinstance(file, int) else os.stat(file)
    return status.st_dev, status.st_ino, status.st_size, status.st_mtime_ns


def _identity(handle) -> tuple:
    return file_identity(handle.fileno())


def _inflated(handle, info: zipfile.ZipInfo, size: int) -> Iterator[bytes]:
    inflater = _zlib.decompressobj(-zlib.MAX_WBITS)
    left = info.compress_size  # compressed bytes not yet read
    produced, crc = 0, 0
    pending = b""  # compressed bytes read but not yet inflated
    while not inflater.eof:
        chunk = b""
        while len(chunk) < size and not inflater.eof:
            if not pending and left > 0:
                pending = handle.read(min(_INPUT, left))
                if not pending:
                    raise zipfile.BadZipFile(f"{info.filename}: the compressed data ends early")
                left -= len(pending)
            try:  # at most what the chunk lacks: a part that inflates to far more costs no more memory
                out = inflater.decompress(pending, size - len(chunk))
            except (zlib.error, _zlib.error) as err:
                raise zipfile.BadZipFile(f"{info.filename}: {err}") from None
            pending = inflater.unconsumed_tail
            if not out and not pending and left <= 0:
                break  # nothing more will come (the data ends before the deflate stream does)
            chunk = out if not chunk else chunk + out
        if not chunk:
            break
        produced += len(chunk)
        if produced > info.file_size:
            raise zipfile.BadZipFile(f"{info.filename}: larger than its declared size")
        crc = _zlib.crc32(chunk, crc)
        yield chunk
    if not inflater.eof or produced != info.file_size:
        raise zipfile.BadZipFile(f"{info.filename}: not the declared size")
    if crc != info.CRC:
        raise zipfile.BadZipFile(f"Bad CRC-32 for file {info.filename!r}")
