"""A minimal writer for OLE compound files (MS-CFB version 3, 512-byte sectors).

Own code: ``ms-cfb`` 0.0.6 (PyPI) reads every stream from a file on disk, writes a
``fatChain.bin`` scratch file into the current directory, and produces wrong files for
two stream sizes: a stream of exactly 4096 bytes reads back (olefile) as 512 other bytes,
and a 0-byte stream corrupts the stream after it. A VBA module stream can be 4096 bytes
long, so it is not used. ``cfb`` 0.9.3 only reads. ``olefile`` only rewrites streams in
place. This writer covers what a vbaProject.bin needs: nested storages, streams of any
size below ~6.8 MB (no DIFAT sectors), the mini stream for streams below 4096 bytes, and
a valid red-black directory tree per storage.
"""

from __future__ import annotations

import struct
from collections.abc import Mapping
from dataclasses import dataclass, field

SECTOR = 512
MINI_SECTOR = 64
MINI_CUTOFF = 4096
_IDS_PER_SECTOR = SECTOR // 4
_MAX_FAT_SECTORS = 109  # all listed in the header: no DIFAT sectors needed

FREESECT = 0xFFFFFFFF
ENDOFCHAIN = 0xFFFFFFFE
FATSECT = 0xFFFFFFFD
NOSTREAM = 0xFFFFFFFF

_STORAGE, _STREAM, _ROOT = 1, 2, 5
_RED, _BLACK = 0, 1
_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

Tree = Mapping[str, "bytes | Tree"]


@dataclass
class _Entry:
    name: str
    kind: int
    data: bytes = b""
    children: list[int] = field(default_factory=list)
    left: int = NOSTREAM
    right: int = NOSTREAM
    child: int = NOSTREAM
    color: int = _BLACK
    start: int = ENDOFCHAIN
    size: int = 0


def write_compound_file(tree: Tree) -> bytes:
    """Bytes of a compound file whose root holds ``tree``.

    ``tree`` maps a name to ``bytes`` (a stream) or to another mapping (a storage),
    e.g. ``{"PROJECT": b"...", "VBA": {"dir": b"..."}}``.
    """
    entries = [_Entry("Root Entry", _ROOT)]
    _add_children(entries, 0, tree)
    for entry in entries:
        if entry.kind in (_ROOT, _STORAGE):
            entry.child = _red_black_tree(entries, entry.children)

    # Streams below the cutoff live in the mini stream (64-byte mini sectors).
    mini_stream = bytearray()
    minifat: list[int] = []
    big: list[_Entry] = []
    for entry in entries:
        if entry.kind != _STREAM or not entry.data:
            continue
        entry.size = len(entry.data)
        if entry.size >= MINI_CUTOFF:
            big.append(entry)
            continue
        first = len(minifat)
        count = -(-entry.size // MINI_SECTOR)
        minifat.extend(range(first + 1, first + count))
        minifat.append(ENDOFCHAIN)
        entry.start = first
        mini_stream += entry.data.ljust(count * MINI_SECTOR, b"\x00")

    dir_sectors = -(-len(entries) // (SECTOR // 128))
    minifat_sectors = -(-len(minifat) // _IDS_PER_SECTOR)
    mini_stream_sectors = -(-len(mini_stream) // SECTOR)
    chains = [dir_sectors, minifat_sectors, mini_stream_sectors] + [-(-e.size // SECTOR) for e in big]
    used = sum(chains)
    fat_sectors = 1
    while fat_sectors * _IDS_PER_SECTOR < used + fat_sectors:
        fat_sectors += 1
    if fat_sectors > _MAX_FAT_SECTORS:
        raise ValueError("compound file too large for this writer (more than 109 FAT sectors)")

    fat = [FATSECT] * fat_sectors
    starts = []
    for length in chains:
        if length == 0:
            starts.append(ENDOFCHAIN)
            continue
        first = len(fat)
        fat.extend(range(first + 1, first + length))
        fat.append(ENDOFCHAIN)
        starts.append(first)
    fat.extend([FREESECT] * (fat_sectors * _IDS_PER_SECTOR - len(fat)))
    dir_start, minifat_start, mini_stream_start = starts[:3]
    for entry, start in zip(big, starts[3:]):
        entry.start = start
    entries[0].start = mini_stream_start
    entries[0].size = len(mini_stream)

    directory = b"".join(_entry_bytes(e) for e in entries)
    directory += _unused_entry() * (dir_sectors * (SECTOR // 128) - len(entries))
    minifat += [FREESECT] * (minifat_sectors * _IDS_PER_SECTOR - len(minifat))

    header = struct.pack(
        "<8s16sHHHHH6sIIIIIIIII",
        _SIGNATURE,
        b"\x00" * 16,
        0x003E,  # minor version
        0x0003,  # major version 3: 512-byte sectors
        0xFFFE,  # byte order: little endian
        9,  # sector shift: 2**9
        6,  # mini sector shift: 2**6
        b"\x00" * 6,
        0,  # number of directory sectors (0 in version 3)
        fat_sectors,
        dir_start,
        0,  # transaction signature
        MINI_CUTOFF,
        minifat_start if minifat_sectors else ENDOFCHAIN,
        minifat_sectors,
        ENDOFCHAIN,  # first DIFAT sector
        0,  # number of DIFAT sectors
    )
    difat = list(range(fat_sectors)) + [FREESECT] * (_MAX_FAT_SECTORS - fat_sectors)
    header += struct.pack(f"<{_MAX_FAT_SECTORS}I", *difat)

    body = bytearray(struct.pack(f"<{len(fat)}I", *fat))
    body += _pad(directory)
    body += _pad(struct.pack(f"<{len(minifat)}I", *minifat))
    body += _pad(bytes(mini_stream))
    for entry in big:
        body += _pad(entry.data)
    return header + bytes(body)


def _add_children(entries: list[_Entry], parent: int, tree: Tree) -> None:
    seen: set[str] = set()
    for name, value in tree.items():
        _check_name(name)
        if name.upper() in seen:
            raise ValueError(f"duplicate compound-file entry name: {name!r}")
        seen.add(name.upper())
        index = len(entries)
        entries[parent].children.append(index)
        if isinstance(value, (bytes, bytearray, memoryview)):
            entries.append(_Entry(name, _STREAM, bytes(value)))
        else:
            entries.append(_Entry(name, _STORAGE, start=0))  # MS-CFB: 0 for storages
            _add_children(entries, index, value)


def _check_name(name: str) -> None:
    if not name or len(name) > 31 or any(c in name for c in "/\\:!"):
        raise ValueError(f"invalid compound-file entry name: {name!r}")


def _sort_key(name: str) -> tuple[int, str]:
    # MS-CFB 2.6.4: shorter names first, then code point order of the upper-cased names.
    return len(name.encode("utf-16-le")), name.upper()


def _red_black_tree(entries: list[_Entry], members: list[int]) -> int:
    """Link ``members`` as a balanced binary search tree; return the root (or NOSTREAM).

    A tree built from the middle of the sorted list has every empty link at depth D or
    D + 1 (D = depth of its deepest node). Colouring the nodes at depth D red (when D > 0)
    and all others black gives every path the same number of black nodes and no red node
    a red parent: a valid red-black tree, as MS-CFB requires.
    """
    ordered = sorted(members, key=lambda i: _sort_key(entries[i].name))
    if not ordered:
        return NOSTREAM
    deepest = len(ordered).bit_length() - 1

    def build(lo: int, hi: int, depth: int) -> int:
        if lo > hi:
            return NOSTREAM
        mid = (lo + hi) // 2
        node = entries[ordered[mid]]
        node.color = _RED if depth == deepest and depth > 0 else _BLACK
        node.left = build(lo, mid - 1, depth + 1)
        node.right = build(mid + 1, hi, depth + 1)
        return ordered[mid]

    return build(0, len(ordered) - 1, 0)


def _entry_bytes(entry: _Entry) -> bytes:
    name = entry.name.encode("utf-16-le") + b"\x00\x00"
    return struct.pack(
        "<64sHBBIII16sIQQIQ",
        name,
        len(name),
        entry.kind,
        entry.color,
        entry.left,
        entry.right,
        entry.child,
        b"\x00" * 16,  # CLSID
        0,  # state bits
        0,  # creation time
        0,  # modification time
        entry.start,
        entry.size,
    )


def _unused_entry() -> bytes:
    return struct.pack("<64sHBBIII16sIQQIQ", b"", 0, 0, 0, NOSTREAM, NOSTREAM, NOSTREAM, b"\x00" * 16, 0, 0, 0, 0, 0)


def _pad(data: bytes) -> bytes:
    return data + b"\x00" * (-len(data) % SECTOR)
