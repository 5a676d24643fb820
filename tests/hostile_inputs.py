"""Hostile evidence files, built in memory: small on disk, huge once decoded (issue 9).

Used by ``test_hostile_evidence.py`` and ``benchmarks/hostile_evidence_memory.py``; nothing large
is committed.  The bombs rely on one trick: after a full flush zlib's state is reset, so deflating
the same input again gives the same bytes, and one block can be repeated at will.
"""

from __future__ import annotations

import struct
import zlib


def zlib_bomb(unit: bytes, copies: int) -> bytes:
    """A valid zlib stream of ``unit`` × (copies + 1), about len(deflated unit) × copies bytes."""
    c = zlib.compressobj(9)
    head = c.compress(unit) + c.flush(zlib.Z_FULL_FLUSH)
    block = c.compress(unit) + c.flush(zlib.Z_FULL_FLUSH)
    adler = zlib.adler32(unit)
    for _ in range(copies):
        adler = zlib.adler32(unit, adler)
    return head + block * copies + b"\x03\x00" + adler.to_bytes(4, "big")  # empty final block, checksum


def pdf_file(objects: list[bytes]) -> bytes:
    """A PDF of ``objects`` (numbered from 1; object 1 is the catalog) with a classic xref table."""
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for num, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % num + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    out += b"trailer\n<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def pdf_with_content(content: bytes, *, flate: bool = True, pages: int = 1) -> bytes:
    """A PDF whose ``pages`` pages all share one content stream (``content``: already deflated
    when ``flate``)."""
    kids = " ".join(f"{3 + i} 0 R" for i in range(pages))
    page = f"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents {3 + pages} 0 R/Resources<<>>>>"
    filt = b"/Filter/FlateDecode" if flate else b""
    return pdf_file([b"<</Type/Catalog/Pages 2 0 R>>", f"<</Type/Pages/Kids[{kids}]/Count {pages}>>".encode(),
                     *[page.encode()] * pages,
                     b"<<%s/Length %d>>\nstream\n" % (filt, len(content)) + content + b"\nendstream"])


def pdf_content_bomb(pages: int = 3, mib_per_page: int = 1024) -> bytes:
    """About ``mib_per_page`` KB: ``pages`` pages sharing a content stream of ``mib_per_page`` MiB of "q Q "."""
    return pdf_with_content(zlib_bomb(b"q Q " * (1 << 18), mib_per_page - 1), pages=pages)


def pdf_with_object_streams(pages: int, padding: int) -> bytes:
    """A PDF whose page objects each live in their own Flate object stream padded with ``padding``
    spaces after the object (a cross-reference stream is the compressed objects' only index)."""
    out = bytearray(b"%PDF-1.7\n")
    offsets: dict[int, int] = {}
    kids = " ".join(f"{3 + i} 0 R" for i in range(pages))
    for num, body in ((1, b"<</Type/Catalog/Pages 2 0 R>>"),
                      (2, f"<</Type/Pages/Kids[{kids}]/Count {pages}>>".encode())):
        offsets[num] = len(out)
        out += b"%d 0 obj\n" % num + body + b"\nendobj\n"
    spaces = b" " * (1 << 16)
    for i in range(pages):
        header = f"{3 + i} 0 ".encode()
        c = zlib.compressobj(9)
        parts = [c.compress(header + b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>")]
        parts += [c.compress(spaces) for _ in range(padding >> 16)]
        data = b"".join(parts) + c.flush()
        offsets[100 + i] = len(out)
        out += (b"%d 0 obj\n<</Type/ObjStm/N 1/First %d/Filter/FlateDecode/Length %d>>\nstream\n"
                % (100 + i, len(header), len(data)) + data + b"\nendstream\nendobj\n")
    size = 100 + pages + 1
    xpos = len(out)
    rows = [struct.pack(">BIH", 1, offsets[n], 0) if n in offsets
            else struct.pack(">BIH", 2, 100 + n - 3, 0) if 3 <= n < 3 + pages
            else struct.pack(">BIH", 1, xpos, 0) if n == size - 1
            else struct.pack(">BIH", 0, 0, 0) for n in range(size)]
    xdata = zlib.compress(b"".join(rows))
    out += (b"%d 0 obj\n<</Type/XRef/Size %d/W[1 4 2]/Root 1 0 R/Filter/FlateDecode/Length %d>>\nstream\n"
            % (size - 1, size, len(xdata)) + xdata + b"\nendstream\nendobj\n")
    out += b"startxref\n%d\n%%%%EOF\n" % xpos
    return bytes(out)


def png_bomb(width: int, height: int, color_type: int = 6, bits: int = 8, *, full: bool = True) -> bytes:
    """A ``width`` × ``height`` PNG (RGBA by default) of zeros; ``full=False`` stores one tiny IDAT
    only (what a decoder allocates still comes from the header)."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return len(body).to_bytes(4, "big") + kind + body + zlib.crc32(kind + body).to_bytes(4, "big")

    channels = {0: 1, 2: 3, 4: 2, 6: 4}[color_type]
    row = b"\0" * (1 + width * channels * bits // 8)
    idat = zlib_bomb(row * 16, height // 16 - 1) if full else zlib.compress(b"\0" * 64)
    ihdr = width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes([bits, color_type, 0, 0, 0])
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def tiff_shared_strip(pages: int, side: int) -> bytes:
    """``pages`` pages of ``side``² RGB, all pointing at one Deflate strip of zeros."""
    strip = zlib_bomb(b"\0" * (side * 3), side - 1)
    bps_at, strip_at = 8, 16
    ifd_at = strip_at + len(strip) + (len(strip) & 1)
    entries = [(256, 4, 1, side), (257, 4, 1, side), (258, 3, 3, bps_at), (259, 3, 1, 8), (262, 3, 1, 2),
               (273, 4, 1, strip_at), (277, 3, 1, 3), (278, 4, 1, side), (279, 4, 1, len(strip)),
               (284, 3, 1, 1)]
    size = 2 + 12 * len(entries) + 4
    out = bytearray(b"II*\x00" + struct.pack("<I", ifd_at))
    out += struct.pack("<3H", 8, 8, 8) + b"\0\0" + strip + b"\0" * (len(strip) & 1)
    for page in range(pages):
        out += struct.pack("<H", len(entries))
        for tag, kind, count, value in entries:
            packed = struct.pack("<H", value) + b"\0\0" if kind == 3 and count == 1 else struct.pack("<I", value)
            out += struct.pack("<HHI", tag, kind, count) + packed
        out += struct.pack("<I", ifd_at + size * (page + 1) if page + 1 < pages else 0)
    return bytes(out)
