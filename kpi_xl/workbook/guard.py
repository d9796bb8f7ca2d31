"""Guards around replacing the user's workbook: not open elsewhere, writable, unchanged since it was read.

The workbook stays the user's file: a lock file of Excel (``~$NAME``) or LibreOffice
(``.~lock.NAME#``) means it is open; a workbook without write permission is refused even for root; the
new file gets the original's owner, group and mode; and a save by another program (OneDrive, Dropbox,
Excel) between the read and the replace is found by the file's size, modification time and hash.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from kpi_xl.errors import KpiError
from kpi_xl.messages import both_languages

LOCK_FILES = ("~${name}", ".~lock.{name}#")  # Excel's, LibreOffice's


def check_not_open(path: Path) -> None:
    """Refuse a workbook that Excel or LibreOffice has open (their lock file lies beside it).

    Through a symbolic link both the link's folder and the real file's folder are looked in.
    """
    real = Path(os.path.realpath(path))
    for place in dict.fromkeys((path, real)):
        for pattern in LOCK_FILES:
            lock = place.with_name(pattern.format(name=place.name))
            if lock.exists():
                raise KpiError(both_languages("open_elsewhere", name=path.name, lock=lock.name))


def keep_owner_and_mode(tmp: Path, status: os.stat_result) -> None:
    """Give the new file the original's owner, group and permissions (as far as the system allows)."""
    for uid, gid in ((status.st_uid, status.st_gid), (-1, status.st_gid)):
        try:
            os.chown(tmp, uid, gid)
            break
        except (OSError, AttributeError):  # not root: a file can only be given away to one's own groups
            continue
    try:
        os.chmod(tmp, status.st_mode & 0o7777)
    except OSError:
        pass


@dataclass(frozen=True)
class Fingerprint:
    """What identifies one saved version of a file: size, modification time and a hash of its bytes."""

    size: int
    modified_ns: int
    sha256: str


def fingerprint(path: str | Path) -> Fingerprint:
    with open(path, "rb") as handle:
        status = os.fstat(handle.fileno())
        digest = hashlib.file_digest(handle, "sha256").hexdigest()
    return Fingerprint(status.st_size, status.st_mtime_ns, digest)


def check_writable(path: Path) -> None:
    """Refuse a workbook that may not be written. Root may write anything: a workbook without any write
    permission bit is refused for everyone (its owner made it read-only on purpose)."""
    real = Path(os.path.realpath(path))
    if not real.stat().st_mode & 0o222 or not os.access(real, os.W_OK) or not os.access(real.parent, os.W_OK):
        raise KpiError(both_languages("read_only", name=Path(path).name))
