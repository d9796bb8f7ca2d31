"""Faults during a refresh (issue #6): killed at any moment, disk full, not writable, open in Excel.

Whatever happens, the workbook on disk is either exactly the original or a complete refreshed
workbook, and the user reads what happened. Leftover temporary files of a killed refresh are
removed by the next one.
"""

from __future__ import annotations

import errno
import io
import os
import random
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from kpi_xl.errors import KpiError
from kpi_xl.report import layout as L
from kpi_xl.workbook import write as workbook_write
from kpi_xl.workbook.refresh import refresh_file
from tests.kills import kill_somewhere, timed_run
from tests.workbooks import NOW, TODAY, demo_workbook, owned_parts, parts, run_cli, sheet_cells

MONTH = "2026-10"
KILLS = 24
COMMAND = [sys.executable, "-m", "kpi_xl.cli", "refresh"]


def _temp_files(folder: Path, book: Path) -> list[Path]:
    return [p for p in folder.iterdir() if p != book]


def _is_complete_workbook(path: Path) -> bool:
    with zipfile.ZipFile(path) as archive:
        assert archive.testzip() is None  # every part's CRC checks out
    cells = sheet_cells(path, L.DASHBOARD)  # python-calamine opens it
    return cells.get(L.MONTH_USED) is not None


def test_killed_at_random_moments_the_workbook_is_never_damaged(tmp_path):
    """SIGKILL a ``kpi-xl refresh`` subprocess at random moments, many times.

    A third of the kills come at a uniformly random moment of a normal run (mostly while Python
    starts and reads); the others come while the temporary workbook is being written, the moment
    that matters. After each kill the file is the original byte for byte, or a complete workbook.
    """
    book = demo_workbook(tmp_path / "book.xlsm")
    pristine = book.read_bytes()
    # one undisturbed run: how long it takes, and when the temporary file is being written
    duration, write_time = timed_run([*COMMAND, str(book)], lambda: bool(_temp_files(tmp_path, book)))

    rng = random.Random(20260601)
    outcomes = {"unchanged": 0, "replaced": 0}
    during_write = 0
    for i in range(KILLS):
        before = book.read_bytes()
        left = set(_temp_files(tmp_path, book))  # from earlier kills

        def writing(left=left) -> bool:
            return bool(set(_temp_files(tmp_path, book)) - left)

        during_write += kill_somewhere([*COMMAND, str(book)], writing, rng, i, duration, write_time, patience=30)
        after = book.read_bytes()
        if after == before:
            outcomes["unchanged"] += 1
        else:
            assert _is_complete_workbook(book), f"kill {i}: the workbook is damaged"
            outcomes["replaced"] += 1
        for leftover in _temp_files(tmp_path, book):
            assert leftover.name.startswith(".~book.") and leftover.name.endswith(".tmp"), leftover.name
        # the data sheets are never touched, whatever the moment
        old = parts(book)
        owned = owned_parts(book)
        with zipfile.ZipFile(io.BytesIO(pristine)) as original:
            for name in original.namelist():
                if name not in owned:
                    assert old[name] == original.read(name), (i, name)
    print(f"\nkills: {KILLS}, during the write: {during_write}, outcomes: {outcomes}, "
          f"normal run {duration:.2f} s, write phase {write_time:.2f} s")
    assert sum(outcomes.values()) == KILLS
    assert during_write >= KILLS // 3  # the kills really hit the write, not only the start-up

    # the next refresh removes what the killed ones left behind (once it is more than a minute old)
    leftovers = _temp_files(tmp_path, book)
    for leftover in leftovers:
        old_time = time.time() - 120
        os.utime(leftover, (old_time, old_time))
    refresh_file(book, month=MONTH, now=NOW, today=TODAY)
    assert _temp_files(tmp_path, book) == []
    assert _is_complete_workbook(book)


def test_a_fresh_temporary_file_is_left_alone(tmp_path):
    """A ``.~book.*.tmp`` younger than a minute may belong to a refresh running right now."""
    book = demo_workbook(tmp_path / "book.xlsm")
    young = tmp_path / ".~book.abc123.tmp"
    young.write_bytes(b"partial")
    other = tmp_path / ".~other.abc123.tmp"
    other.write_bytes(b"not ours")
    old_time = time.time() - 120
    os.utime(other, (old_time, old_time))
    refresh_file(book, month=MONTH, now=NOW, today=TODAY)
    assert young.exists() and other.exists()


def _refuse_with(error: OSError):
    def fail(*args, **kwargs):
        raise error
    return fail


@pytest.mark.parametrize("where", ["mkstemp", "writestr", "copy_entry", "fsync", "replace"])
def test_disk_full_leaves_the_original_and_says_so(where, tmp_path, monkeypatch):
    book = demo_workbook(tmp_path / "book.xlsm")
    original = book.read_bytes()
    full = OSError(errno.ENOSPC, "No space left on device")
    if where == "mkstemp":  # not even the temporary file can be made
        monkeypatch.setattr(workbook_write.tempfile, "mkstemp", _refuse_with(full))
    elif where == "writestr":
        monkeypatch.setattr(zipfile.ZipFile, "writestr", _refuse_with(full))
    elif where == "copy_entry":
        monkeypatch.setattr(workbook_write, "copy_entry", _refuse_with(full))
    elif where == "fsync":
        monkeypatch.setattr(workbook_write.os, "fsync", _refuse_with(full))
    else:
        monkeypatch.setattr(workbook_write.os, "replace", _refuse_with(full))
    with pytest.raises(KpiError, match=r"^The disk is full; book\.xlsm was not changed$"):
        refresh_file(book, month=MONTH, now=NOW, today=TODAY)
    assert book.read_bytes() == original
    assert _temp_files(tmp_path, book) == []


def test_not_writable_is_refused_before_anything_is_written(tmp_path, monkeypatch):
    book = demo_workbook(tmp_path / "book.xlsm")
    original = book.read_bytes()
    # as root (CI) chmod does not stop a write: what the refresh asks the system is simulated instead
    monkeypatch.setattr(workbook_write.os, "access", lambda path, mode: mode != os.W_OK)
    with pytest.raises(KpiError, match=r"book\.xlsm cannot be written \(read-only file or folder\)"):
        refresh_file(book, month=MONTH, now=NOW, today=TODAY)
    assert book.read_bytes() == original
    assert _temp_files(tmp_path, book) == []


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0,
                    reason="runs as root: chmod does not stop root from writing (simulated in the test above)")
def test_read_only_folder_for_real(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    book = demo_workbook(folder / "book.xlsm")
    original = book.read_bytes()
    folder.chmod(0o555)
    try:
        with pytest.raises(KpiError, match="cannot be written"):
            refresh_file(book, month=MONTH, now=NOW, today=TODAY)
    finally:
        folder.chmod(0o755)
    assert book.read_bytes() == original


def test_a_refused_replace_is_a_message_not_a_traceback(tmp_path, monkeypatch):
    """The system refuses the final move (a virus scanner or Excel on Windows holds the file)."""
    book = demo_workbook(tmp_path / "book.xlsm")
    original = book.read_bytes()
    monkeypatch.setattr(workbook_write.os, "replace",
                        _refuse_with(PermissionError(errno.EACCES, "Permission denied", str(book))))
    code, stderr = run_cli(monkeypatch, ["refresh", str(book), "--month", MONTH])
    assert code == 1
    said = " ".join(stderr.split())
    assert "Permission denied" in said and "de werkmap is niet gewijzigd" in said and "Traceback" not in said
    assert book.read_bytes() == original
    assert _temp_files(tmp_path, book) == []


def test_open_in_excel_through_the_command(tmp_path):
    book = demo_workbook(tmp_path / "book.xlsm")
    original = book.read_bytes()
    (tmp_path / "~$book.xlsm").write_bytes(b"lock")
    done = subprocess.run([*COMMAND, str(book)], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 1
    assert "book.xlsm is open in Excel (lock file ~$book.xlsm); close it and try again" in " ".join(
        done.stderr.split())
    assert "Traceback" not in done.stderr
    assert book.read_bytes() == original


def test_refresh_twice_differs_only_in_the_refresh_time(tmp_path):
    """Two refreshes at different moments: the same workbook, except the cells holding the refresh time."""
    book = demo_workbook(tmp_path / "book.xlsm", messy=True)
    refresh_file(book, now=NOW, today=TODAY)
    first = parts(book)
    first_cells = {name: sheet_cells(book, name) for name in L.OWNED_SHEETS}
    later = NOW.replace(hour=17, minute=5)
    refresh_file(book, now=later, today=TODAY)
    second = parts(book)
    owned = owned_parts(book)
    assert {n for n in first if first[n] != second[n]} <= owned
    for name in L.OWNED_SHEETS:
        cells = sheet_cells(book, name)
        differ = {pos for pos in set(cells) | set(first_cells[name]) if cells.get(pos) != first_cells[name].get(pos)}
        if name == L.DASHBOARD:
            assert differ == {L.REFRESHED}
        elif name == L.HISTORY:
            column = L.HISTORY_COLUMNS.index("refreshed_at")
            assert {c for _, c in differ} <= {column} and len(differ) == 1
        else:
            assert differ == set()


# --------------------------------------------------------------------------- the file stays the user's file


def _refreshed(book: Path) -> bool:
    return sheet_cells(book, L.DASHBOARD).get(L.MONTH_USED) == MONTH


@pytest.mark.parametrize("relative", [True, False])
def test_through_a_symbolic_link_the_target_is_written_and_the_link_kept(tmp_path, relative):
    real_folder = tmp_path / "OneDrive" / "Sales"
    real_folder.mkdir(parents=True)
    book = demo_workbook(real_folder / "book.xlsm")
    link = tmp_path / "shortcut.xlsm"
    link.symlink_to(os.path.relpath(book, tmp_path) if relative else book)
    refresh_file(link, month=MONTH, now=NOW, today=TODAY)
    assert link.is_symlink() and link.resolve() == book.resolve()
    assert _refreshed(book)
    assert sorted(p.name for p in real_folder.iterdir()) == ["book.xlsm"]  # no temporary file left
    assert sorted(p.name for p in tmp_path.iterdir()) == ["OneDrive", "shortcut.xlsm"]


def test_a_lock_beside_the_real_workbook_counts_through_a_link(tmp_path):
    (tmp_path / "real").mkdir()
    book = demo_workbook(tmp_path / "real" / "book.xlsm")
    link = tmp_path / "link.xlsm"
    link.symlink_to(book)
    (tmp_path / "real" / ".~lock.book.xlsm#").write_text("user,host,2026-11-02")
    original = book.read_bytes()
    with pytest.raises(KpiError, match=r"\.~lock\.book\.xlsm#"):
        refresh_file(link, month=MONTH, now=NOW, today=TODAY)
    assert book.read_bytes() == original and link.is_symlink()


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="only root can give a file away")
def test_owner_group_and_mode_are_kept(tmp_path):
    book = demo_workbook(tmp_path / "book.xlsm")
    os.chown(book, 12345, 23456)
    book.chmod(0o640)
    refresh_file(book, month=MONTH, now=NOW, today=TODAY)
    status = book.stat()
    assert (status.st_uid, status.st_gid, status.st_mode & 0o7777) == (12345, 23456, 0o640)
    assert _refreshed(book)


def test_a_read_only_workbook_is_refused_even_for_root(tmp_path):
    """Root may write anything; a workbook without any write permission is still refused (a user's
    "read-only" is a decision, not an obstacle), with a message and the file unchanged."""
    book = demo_workbook(tmp_path / "book.xlsm")
    book.chmod(0o444)
    original = book.read_bytes()
    done = subprocess.run([*COMMAND, str(book), "--month", MONTH], capture_output=True, text=True, timeout=120,
                          check=False)
    said = " ".join(done.stderr.split())
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "book.xlsm cannot be written (read-only file or folder); nothing was changed" in said
    assert "book.xlsm kan niet geschreven worden" in said
    assert book.read_bytes() == original and (book.stat().st_mode & 0o777) == 0o444
    assert _temp_files(tmp_path, book) == []


def test_open_in_libreoffice_is_refused_like_excel(tmp_path):
    book = demo_workbook(tmp_path / "book.xlsm")
    original = book.read_bytes()
    (tmp_path / ".~lock.book.xlsm#").write_text("Jan,laptop,jan,02.11.2026 08:30,file:///home/jan/.config;")
    with pytest.raises(KpiError, match=r"book\.xlsm is open in Excel \(lock file \.~lock\.book\.xlsm#\)"):
        refresh_file(book, month=MONTH, now=NOW, today=TODAY)
    assert book.read_bytes() == original
    # a lock of another workbook in the same folder is not this workbook's
    (tmp_path / ".~lock.book.xlsm#").unlink()
    (tmp_path / ".~lock.other.xlsm#").write_text("x")
    refresh_file(book, month=MONTH, now=NOW, today=TODAY)
    assert _refreshed(book)


def _other_program_saves(book: Path, how: str, other: Path) -> bytes:
    """What a sync client or Excel does: a new version of the workbook, saved in place or moved over it."""
    data = bytearray(book.read_bytes())
    if how == "same_size_and_time":  # a byte changed inside, size and modification time put back
        status = book.stat()
        data[10] ^= 0x01  # the time stamp in the first part's header: still a valid workbook
        book.write_bytes(bytes(data))
        os.utime(book, ns=(status.st_atime_ns, status.st_mtime_ns))
    else:  # Excel and OneDrive save to a new file and move it over the workbook
        os.replace(other, book)
    return book.read_bytes()


@pytest.mark.parametrize("cache", ["empty", "prepared"])
@pytest.mark.parametrize("moment", ["after_read", "during_write"])
@pytest.mark.parametrize("how", ["moved_over", "same_size_and_time"])
def test_a_save_by_another_program_meanwhile_stops_the_refresh(tmp_path, monkeypatch, moment, how, cache):
    """OneDrive, Dropbox or Excel save the workbook after the refresh read it: the refresh would compute
    from old data and overwrite that save. It stops instead; the other program's version stays. Also
    when the refresh reads no data sheet at all (its tables come prepared from the cache)."""
    from kpi_xl.workbook import refresh as refresh_module

    book = demo_workbook(tmp_path / "book.xlsm")
    if cache == "prepared":
        refresh_file(book, month="2026-09", now=NOW, today=TODAY)
    other = demo_workbook(tmp_path / "~saved.xlsm", seed=8)  # the other program's version
    saved: list[bytes] = []
    if moment == "after_read":
        load = refresh_module.load_prepared  # what refresh_file reads the tables with

        def load_then_save(path, settings, *rest):
            result = load(path, settings, *rest)
            saved.append(_other_program_saves(book, how, other))
            return result
        monkeypatch.setattr(refresh_module, "load_prepared", load_then_save)
    else:
        copy = workbook_write.copy_entry

        def copy_and_save(src, dst, info):
            if not saved:
                saved.append(_other_program_saves(book, how, other))
            copy(src, dst, info)
        monkeypatch.setattr(workbook_write, "copy_entry", copy_and_save)
    with pytest.raises(KpiError) as refused:
        refresh_file(book, month=MONTH, now=NOW, today=TODAY)
    assert "book.xlsm was changed by another program" in str(refused.value)
    assert "nothing was written and that change is kept. Refresh again" in str(refused.value)
    assert "book.xlsm is door een ander programma" in str(refused.value)
    assert book.read_bytes() == saved[0]
    assert [p.name for p in _temp_files(tmp_path, book)] == ([] if how == "moved_over" else ["~saved.xlsm"])
    monkeypatch.undo()
    refresh_file(book, month=MONTH, now=NOW, today=TODAY)  # refreshing again works
    assert _refreshed(book)
