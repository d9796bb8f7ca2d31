"""Whether a file may be read as a workbook at all: the package's limits (zip and XML bombs) and what a
damaged package raises, checked before any reader inflates a part."""

from __future__ import annotations

import re
import zipfile
import zlib
from pathlib import Path

from kpi_xl.errors import KpiError
from kpi_xl.messages import text

__all__ = ["MAX_ENTRIES", "MAX_PROLOG", "MAX_RATIO", "MAX_RATIO_SIZE", "MAX_TOTAL_SIZE", "UNREADABLE", "check_package",
           "check_readable", "unreadable"]


# What reading a damaged package raises (zipfile, zlib, a bad offset's seek, a part that is not UTF-8)
UNREADABLE = (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, ValueError, zlib.error,
              KeyError, UnicodeDecodeError, OSError)


def unreadable(path: Path, err: BaseException) -> KpiError:
    return KpiError(f"{path.name} cannot be read as a workbook: {err}")


def check_readable(path: Path) -> None:
    check_package(path)


# Limits on the zip package, checked before any reader inflates a part: far above any real sales
# workbook (1,048,576 rows of a data sheet are ~150 MB of XML), far below what exhausts memory.
MAX_ENTRIES = 10_000
MAX_TOTAL_SIZE = 2 * 1024**3  # uncompressed, all parts together
MAX_RATIO = 200  # uncompressed : compressed, for a part above MAX_RATIO_SIZE
MAX_RATIO_SIZE = 50 * 1024**2
MAX_PROLOG = 1024**2  # bytes of an XML part read to find its root element
_XML_PART = (".xml", ".rels", ".vml")
_ROOT_TAG = re.compile(rb"<[A-Za-z_]")
_DECLARATIONS = re.compile(rb"<!(DOCTYPE|ENTITY)", re.I)
_COMMENT = re.compile(rb"<!--.*?-->", re.S)


def check_package(path: str | Path) -> None:
    """Refuse a file that is not a workbook, or a zip or XML bomb, before anything reads it.

    Checks the central directory (number of parts, their total uncompressed
    size, the compression ratio of big parts) and the prolog of every XML
    part: a ``<!DOCTYPE`` or ``<!ENTITY`` declaration (entity expansion, the
    "billion laughs") is refused. Only the first bytes of each part are
    inflated. Raises :class:`KpiError` with a message in Dutch and English.
    """
    path = Path(path)
    if not path.exists():
        raise KpiError(f"Workbook not found: {path}")
    if not zipfile.is_zipfile(path):
        raise KpiError(f"{path.name} is not an Excel workbook (.xlsx/.xlsm)")

    def refuse(code: str, **params) -> KpiError:
        return KpiError(f"{path.name}: {text(code, 'nl', **params)} / {text(code, 'en', **params)}")

    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            if len(infos) > MAX_ENTRIES:
                raise refuse("package_entries", count=len(infos), limit=MAX_ENTRIES)
            total = sum(info.file_size for info in infos)
            if total > MAX_TOTAL_SIZE:
                raise refuse("package_size", size=_mb(total), limit=_mb(MAX_TOTAL_SIZE))
            for info in infos:
                ratio = info.file_size / max(info.compress_size, 1)
                if info.file_size > MAX_RATIO_SIZE and ratio > MAX_RATIO:
                    raise refuse("package_ratio", part=info.filename, size=_mb(info.file_size), ratio=int(ratio),
                                 limit=MAX_RATIO)
            for info in infos:
                xml = info.filename.lower().endswith(_XML_PART) and not info.flag_bits & 0x1
                if xml and _declares_entities(archive, info):
                    raise refuse("package_doctype", part=info.filename)
    except UNREADABLE as err:
        raise unreadable(path, err) from None


def _declares_entities(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    """True when the XML prolog (everything before the root element) holds a DOCTYPE or ENTITY."""
    raw = prolog = b""
    with archive.open(info) as reader:
        while len(raw) < MAX_PROLOG:
            chunk = reader.read(16384)
            if not chunk:
                break
            raw += chunk
            utf16 = raw[:2] in (b"\xff\xfe", b"\xfe\xff")  # compare a UTF-16 part as UTF-8
            prolog = raw.decode("utf-16", "ignore").encode("utf-8") if utf16 else raw
            visible = _COMMENT.sub(b"", prolog)  # a comment may mention "<a" before the root
            open_comment = visible.find(b"<!--")  # a comment not closed yet: read on
            root = _ROOT_TAG.search(visible, 0, open_comment if open_comment >= 0 else len(visible))
            if root:
                return bool(_DECLARATIONS.search(visible, 0, root.start()))
    return bool(_DECLARATIONS.search(prolog)) or len(raw) >= MAX_PROLOG


def _mb(size: int) -> str:
    return f"{size / 1024**2:,.0f} MB"
