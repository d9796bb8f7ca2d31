"""kpi_xl.workbook.inflate: a part inflated as zipfile inflates it, refused where zipfile refuses it."""

from __future__ import annotations

import os
import struct
import zipfile
import zlib

import pytest

from kpi_xl.workbook import inflate
from kpi_xl.workbook.template import template_path

NAME = "xl/worksheets/sheet1.xml"


@pytest.fixture(params=["isal", "zlib"])
def engine(request, monkeypatch):
    if request.param == "zlib":
        monkeypatch.setattr(inflate, "_zlib", zlib)
    return request.param


def _chunks(path, name=NAME, size=4096) -> list[bytes]:
    with zipfile.ZipFile(path) as archive:
        return list(inflate.part_chunks(path, archive, name, size))


def _zip(path, data: bytes, method=zipfile.ZIP_DEFLATED):
    with zipfile.ZipFile(path, "w", compression=method) as archive:
        archive.writestr(NAME, data)
    return path


def _set_field(path, central_at: int, local_at: int | None, value: int, size: str = "<I") -> None:
    """Overwrite a field of the part's entry in the central directory (and in its local header)."""
    data = bytearray(path.read_bytes())
    for signature, at in ((b"PK\x01\x02", central_at), (b"PK\x03\x04", local_at)):
        if at is None:
            continue
        start = data.find(signature)
        struct.pack_into(size, data, start + at, value)
    path.write_bytes(bytes(data))


def test_the_installed_engine_is_isal():
    assert inflate._zlib.__name__.endswith("isal_zlib")


@pytest.mark.parametrize("size", [7, 1000, 1 << 20])
def test_every_part_of_the_template_inflates_to_what_zipfile_reads(engine, size):
    path = template_path()
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            chunks = list(inflate.part_chunks(path, archive, info.filename, size))
            assert b"".join(chunks) == archive.read(info)
            assert all(len(c) == size for c in chunks[:-1]) and all(0 < len(c) <= size for c in chunks)


def test_a_large_part_comes_in_full_chunks_and_an_empty_part_in_none(engine, tmp_path):
    data = os.urandom(300_000) + b"<row/>" * 500_000
    assert [len(c) for c in _chunks(_zip(tmp_path / "big.zip", data), size=1 << 20)] == [1 << 20] * 3 + [
        len(data) - 3 * (1 << 20)]
    assert b"".join(_chunks(tmp_path / "big.zip", size=1 << 20)) == data
    assert _chunks(_zip(tmp_path / "empty.zip", b"")) == []


def test_data_that_hardly_compresses_fills_a_chunk_from_several_reads_of_compressed_bytes(engine, tmp_path):
    """Random bytes inflate to about what they take compressed: a 2 MiB chunk needs three reads of 1 MiB."""
    data = os.urandom(5_000_000)
    chunks = _chunks(_zip(tmp_path / "random.zip", data), size=1 << 21)
    assert [len(c) for c in chunks] == [1 << 21, 1 << 21, len(data) - 2 * (1 << 21)]
    assert b"".join(chunks) == data


def test_a_stored_part_is_read_through_zipfile(engine, tmp_path):
    data = b"<worksheet/>" * 1000
    assert b"".join(_chunks(_zip(tmp_path / "stored.zip", data, zipfile.ZIP_STORED))) == data


def test_a_part_that_inflates_beyond_its_declared_size_is_refused_within_one_chunk(engine, tmp_path):
    """A zip bomb: 50 MB of zeros that claims 1,000 bytes. No more than the declared size and one chunk is
    ever inflated."""
    path = _zip(tmp_path / "bomb.zip", bytes(50_000_000))
    _set_field(path, 24, 22, 1000)  # uncompressed size, central directory and local header
    seen = 0
    with pytest.raises(zipfile.BadZipFile, match="larger than its declared size"):
        with zipfile.ZipFile(path) as archive:
            for chunk in inflate.part_chunks(path, archive, NAME, 4096):
                seen += len(chunk)
    assert seen <= 1000


def test_a_part_smaller_than_its_declared_size_is_refused(engine, tmp_path):
    path = _zip(tmp_path / "short.zip", b"<c/>" * 10_000)
    _set_field(path, 24, 22, 40_001)
    with pytest.raises(zipfile.BadZipFile, match="not the declared size"):
        _chunks(path)


def test_a_wrong_crc_is_refused(engine, tmp_path):
    path = _zip(tmp_path / "crc.zip", b"<c/>" * 10_000)
    with zipfile.ZipFile(path) as archive:
        crc = archive.getinfo(NAME).CRC
    _set_field(path, 16, 14, crc ^ 1)
    with pytest.raises(zipfile.BadZipFile, match="CRC"):
        _chunks(path)


def test_damaged_compressed_data_is_refused_as_a_bad_zip(engine, tmp_path):
    path = _zip(tmp_path / "damaged.zip", os.urandom(20_000) + b"<c/>" * 20_000)
    data = bytearray(path.read_bytes())
    start = data.find(b"PK\x03\x04") + 30 + len(NAME)
    data[start:start + 8] = b"\xff" * 8  # an invalid deflate block header
    path.write_bytes(bytes(data))
    with pytest.raises(zipfile.BadZipFile):
        _chunks(path)


def test_compressed_data_cut_short_is_refused(engine, tmp_path):
    path = _zip(tmp_path / "cut.zip", os.urandom(20_000))
    with zipfile.ZipFile(path) as archive:
        compressed = archive.getinfo(NAME).compress_size
    _set_field(path, 20, 18, compressed // 2)  # compressed size: the stream ends before its last block
    with pytest.raises(zipfile.BadZipFile, match="not the declared size"):
        _chunks(path)


def test_a_local_header_elsewhere_than_the_directory_says_is_refused(engine, tmp_path):
    path = _zip(tmp_path / "moved.zip", b"<c/>" * 100)
    _set_field(path, 42, None, 7)  # the local header's offset
    with pytest.raises(zipfile.BadZipFile, match="local file header"):
        _chunks(path)


def test_a_file_saved_over_the_open_archive_is_still_read_from_the_archive(engine, tmp_path):
    """A sync client or Excel replaces the workbook between its opening and the scan: what is scanned is
    the file that was opened (as zipfile reads it), not the new one at the same path."""
    path = _zip(tmp_path / "book.zip", b"<old/>" * 1000)
    newer = _zip(tmp_path / "newer.zip", b"<new/>" * 3000)
    with zipfile.ZipFile(path) as archive:
        os.replace(newer, path)
        assert b"".join(inflate.part_chunks(path, archive, NAME, 4096)) == b"<old/>" * 1000


def test_the_cache_digest_is_zlibs_crc32_and_the_size():
    """The cache checks its files with the CRC-32 the inflater uses: the values zlib gives, with or without
    ISA-L, so an entry written on one machine checks on another."""
    import zlib

    from kpi_xl.workbook import parse_cache

    data = bytes(range(256)) * 1000
    assert inflate.crc32(data) == zlib.crc32(data)
    assert parse_cache.digest(data) == f"crc32:{zlib.crc32(data):08x}:{len(data)}"
