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
from contextlib import redirect_stderr
from pathlib import Path

import pytest

from kpi_xl import cli, workbook_file
from kpi_xl import layout as L
from kpi_xl.errors import KpiError
from kpi_xl.refresh import refresh_file
from tests.workbooks import NOW, TODAY, demo_workbook, owned_parts, parts, sheet_cells

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
    start = time.perf_counter()
    proc = subprocess.Popen([*COMMAND, str(book)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    first_tmp = last_tmp = None
    while proc.poll() is None:
        if _temp_files(tmp_path, book):
            last_tmp = time.perf_counter() - start
            first_tmp = first_tmp or last_tmp
        time.sleep(0.001)
    duration = time.perf_counter() - start
    assert proc.returncode == 0, proc.stderr.read()
    assert first_tmp is not None
    write_time = max(last_tmp - first_tmp, 0.005)  # from the temporary file's creation to its move

    rng = random.Random(20260601)
    outcomes = {"unchanged": 0, "replaced": 0}
    during_write = 0
    for i in range(KILLS):
        before = book.read_bytes()
        left = set(_temp_files(tmp_path, book))  # from earlier kills
        proc = subprocess.Popen([*COMMAND, str(book)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        began = time.perf_counter()
        if i % 3 == 0:
            time.sleep(rng.uniform(0, duration))
        else:  # wait for the temporary file, then kill somewhere inside the write
            while proc.poll() is None and not set(_temp_files(tmp_path, book)) - left \
                    and time.perf_counter() - began < 30:
                time.sleep(0.001)
            time.sleep(rng.uniform(0, write_time))
        writing = bool(set(_temp_files(tmp_path, book)) - left)
        proc.kill()
        proc.wait()
        during_write += writing and proc.returncode != 0
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
        monkeypatch.setattr(workbook_file.tempfile, "mkstemp", _refuse_with(full))
    elif where == "writestr":
        monkeypatch.setattr(zipfile.ZipFile, "writestr", _refuse_with(full))
    elif where == "copy_entry":
        monkeypatch.setattr(workbook_file, "copy_entry", _refuse_with(full))
    elif where == "fsync":
        monkeypatch.setattr(workbook_file.os, "fsync", _refuse_with(full))
    else:
        monkeypatch.setattr(workbook_file.os, "replace", _refuse_with(full))
    with pytest.raises(KpiError, match=r"^The disk is full; book\.xlsm was not changed$"):
        refresh_file(book, month=MONTH, now=NOW, today=TODAY)
    assert book.read_bytes() == original
    assert _temp_files(tmp_path, book) == []


def test_not_writable_is_refused_before_anything_is_written(tmp_path, monkeypatch):
    book = demo_workbook(tmp_path / "book.xlsm")
    original = book.read_bytes()
    # as root (CI) chmod does not stop a write: what the refresh asks the system is simulated instead
    monkeypatch.setattr(workbook_file.os, "access", lambda path, mode: mode != os.W_OK)
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
    monkeypatch.setattr(workbook_file.os, "replace",
                        _refuse_with(PermissionError(errno.EACCES, "Permission denied", str(book))))
    monkeypatch.setattr(sys, "argv", ["kpi-xl", "refresh", str(book), "--month", MONTH])
    stderr = io.StringIO()
    with redirect_stderr(stderr), pytest.raises(SystemExit) as exited:
        cli.errors.file = stderr
        try:
            cli.main()
        finally:
            cli.errors.file = sys.__stderr__
    assert exited.value.code == 1
    said = " ".join(stderr.getvalue().split())
    assert "Permission denied" in said and "the workbook was not changed" in said and "Traceback" not in said
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
