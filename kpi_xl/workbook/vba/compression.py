"""MS-OVBA compression (MS-OVBA 2.4.1), the run-length/LZ77 scheme of VBA streams.

Own code: ``ms-ovba-compression`` 1.0.1 (PyPI) corrupts data. Its compressor computes the
maximum copy-token length as ``0xFFFF << (bit_count + 3)`` instead of
``(0xFFFF >> bit_count) + 3``, so a long run (e.g. a ``' ~~~~~~`` comment line in
xlwings' ``Dictionary.cls``) spills into the offset bits and ``oletools`` decompresses the
result to different text; its decompressor also fails on every multi-chunk stream Excel
writes. This module follows the spec's algorithm (greedy longest match, nearest candidate
on ties) and is checked against ``oletools.olevba.decompress_stream`` in the tests.
"""

from __future__ import annotations

CHUNK_SIZE = 4096
_SIGNATURE = 0x01


def compress(data: bytes) -> bytes:
    """Return the CompressedContainer for ``data`` (signature byte + compressed chunks)."""
    data = bytes(data)
    out = bytearray([_SIGNATURE])
    for start in range(0, len(data), CHUNK_SIZE):
        out += _compress_chunk(data[start : start + CHUNK_SIZE])
    return bytes(out)


def _compress_chunk(chunk: bytes) -> bytes:
    tokens = bytearray()
    pos, end = 0, len(chunk)
    while pos < end:
        flag_at = len(tokens)
        tokens.append(0)
        flags = 0
        for bit in range(8):
            if pos >= end:
                break
            offset, length, bit_count = _longest_match(chunk, pos)
            if length:
                token = ((offset - 1) << (16 - bit_count)) | (length - 3)
                tokens += token.to_bytes(2, "little")
                flags |= 1 << bit
                pos += length
            else:
                tokens.append(chunk[pos])
                pos += 1
        tokens[flag_at] = flags
    if len(tokens) > CHUNK_SIZE:
        # Incompressible: a raw chunk always holds 4096 bytes (the spec pads with 0x00).
        header = 0x3000 | (CHUNK_SIZE - 1)
        return header.to_bytes(2, "little") + chunk.ljust(CHUNK_SIZE, b"\x00")
    # CompressedChunkSize counts the 2 header bytes; the header stores size - 3.
    header = 0xB000 | (len(tokens) + 2 - 3)
    return header.to_bytes(2, "little") + bytes(tokens)


def _longest_match(chunk: bytes, pos: int) -> tuple[int, int, int]:
    """(offset, length, bit_count) of the longest earlier match of chunk[pos:], or length 0."""
    bit_count = max((pos - 1).bit_length(), 4) if pos else 4
    max_length = min((0xFFFF >> bit_count) + 3, len(chunk) - pos)
    if pos == 0 or max_length < 3:
        return 0, 0, bit_count
    # A match may start anywhere before pos and overlap pos (the decompressor copies byte
    # by byte), so a match of length L must lie inside chunk[0 : pos - 1 + L].
    best = chunk.rfind(chunk[pos : pos + 3], 0, pos + 2)
    if best < 0:
        return 0, 0, bit_count
    length = 3
    while length < max_length:
        found = chunk.rfind(chunk[pos : pos + length + 1], 0, pos + length)
        if found < 0:
            break
        best, length = found, length + 1
    return pos - best, length, bit_count
