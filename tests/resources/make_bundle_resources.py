"""Make the small PDFs used by tests/test_bundle.py (the ``bnd_*.pdf`` files).

Each reproduces page-geometry or interactive properties of real-world files in
/work/shared/corpus (see tests/resources/README.md).  Written as raw PDF
objects so every property is exact and the bytes are deterministic.  Run from
the repository root:

    python tests/resources/make_bundle_resources.py
"""

from __future__ import annotations

import io
import zlib
from pathlib import Path

HERE = Path(__file__).resolve().parent

A4 = (595.28, 841.89)


def raw_pdf(objects: list[bytes], root: int = 1) -> bytes:
    """A PDF from numbered object bodies (1-based), with a correct xref."""
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for num, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % num + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for off in offsets:
        out.write(b"%010d 00000 n \n" % off)
    out.write(b"trailer\n<</Size %d /Root %d 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, root, xref))
    return out.getvalue()


def stream(data: bytes, extra: bytes = b"", compress: bool = True) -> bytes:
    if compress:
        data = zlib.compress(data, 9)
        extra += b"/Filter/FlateDecode"
    return b"<<%s/Length %d>>stream\n%s\nendstream" % (extra, len(data), data)


def _box(box: tuple[float, float, float, float]) -> bytes:
    return b"[%s]" % b" ".join(b"%g" % v for v in box)


def text_at(x: float, y: float, text: str, size: float = 12) -> bytes:
    return b"BT /F1 %g Tf %g %g Td (%s) Tj ET\n" % (size, x, y, text.encode("ascii"))


def geometry_pdf(pages: list[dict]) -> bytes:
    """One page per dict: media (box), crop (box or None), rotate (int or None), content (bytes)."""
    objs: list[bytes] = [b"<</Type/Catalog/Pages 2 0 R>>", b"", b"<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>"]
    kids = []
    for spec in pages:
        content_num = len(objs) + 1
        objs.append(stream(spec["content"]))
        page = b"<</Type/Page/Parent 2 0 R/MediaBox%s" % _box(spec["media"])
        if spec.get("crop"):
            page += b"/CropBox" + _box(spec["crop"])
        if spec.get("rotate") is not None:
            page += b"/Rotate %d" % spec["rotate"]
        page += b"/Resources<</Font<</F1 3 0 R>>>>/Contents %d 0 R>>" % content_num
        objs.append(page)
        kids.append(len(objs))
    objs[1] = b"<</Type/Pages/Count %d/Kids[%s]>>" % (len(kids), b" ".join(b"%d 0 R" % k for k in kids))
    return raw_pdf(objs)


def rotations() -> bytes:
    """bnd_rotations.pdf: A4 pages with /Rotate 0, 90, 180, 270, 360, -90 (corpus pdf_rotate_90_180_270_360)."""
    pages = []
    for r in (0, 90, 180, 270, 360, -90):
        pages.append({"media": (0, 0, *A4), "rotate": r,
                      "content": text_at(72, 760, f"ROTATE {r}") + b"0 0 1 RG 36 36 523.28 769.89 re S\n"})
    return geometry_pdf(pages)


def boxes() -> bytes:
    """bnd_boxes.pdf: different sizes and box origins (corpus pdf_mediabox_offset_mixed and others)."""
    unbalanced = b"q 1 0 0 1 0 0 cm\n" + text_at(20, 420, "EXTRA Q") + b"Q\nQ\n"  # one Q too many, as issue1350
    pages = [
        {"media": (0, 0, 612, 492), "content": unbalanced},
        {"media": (0, 482, 361, 792), "content": text_at(20, 760, "ORIGIN 0 482")},
        {"media": (357, 490, 612, 631), "content": text_at(370, 600, "SMALL 255x141", 8)},
        {"media": (0, 0, 1190.55, 841.89), "crop": (100, 50, 1000, 800),
         "content": text_at(120, 760, "A3 LANDSCAPE CROPPED")},
        {"media": (-300, -400, 312, 392), "rotate": 90, "content": text_at(-250, 300, "LETTER NEGATIVE ORIGIN ROT90")},
        {"media": (0, 0, *A4), "crop": (-50, -50, 400, 500), "content": text_at(20, 450, "CROP OUTSIDE MEDIA")},
        {"media": (0, 0, 612, 792), "crop": (50, 100, 562, 700), "rotate": 270,
         "content": text_at(60, 650, "LETTER CROP ROT270")},
    ]
    return geometry_pdf(pages)


def tiny() -> bytes:
    """bnd_tiny.pdf: three 3.8 x 3.8 pt pages, one rotated (corpus pdf_tiny_pages_4pt)."""
    pages = [{"media": (0, 0, 3.8, 3.8), "rotate": r, "content": b"0 0 1 rg 0 0 3.8 3.8 re f\n"}
             for r in (0, 90, 0)]
    return geometry_pdf(pages)


def interactive() -> bytes:
    """bnd_interactive.pdf: forms, links, scripts, shared resources, a /Contents array.

    Page 1: /Contents is an array of two streams; /AA with JavaScript; annotations:
    a /URI link, a /Launch link, a /GoTo link to page 2, and an AcroForm text field
    widget whose appearance shows FIELDVALUE.  Page 2: plain text.  Both pages share
    one indirect /Resources dictionary.  The catalog has a JavaScript /OpenAction and
    a /Names /JavaScript tree.
    """
    objs = [
        # 1 catalog
        b"<</Type/Catalog/Pages 2 0 R/OpenAction 14 0 R/Names<</JavaScript 15 0 R>>"
        b"/AcroForm<</Fields[9 0 R]/DR<</Font<</F1 3 0 R>>>>/NeedAppearances false>>>>",
        # 2 pages
        b"<</Type/Pages/Count 2/Kids[4 0 R 5 0 R]>>",
        # 3 font
        b"<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>",
        # 4 page 1
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595.28 841.89]/Resources 12 0 R/Contents[6 0 R 7 0 R]"
        b"/Annots[8 0 R 9 0 R 10 0 R 11 0 R]/AA<</O 14 0 R>>>>",
        # 5 page 2
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595.28 841.89]/Resources 12 0 R/Contents 13 0 R>>",
        # 6, 7 content array of page 1
        stream(b"0 0 1 rg 50 700 200 40 re f\n"),
        stream(text_at(72, 600, "INTERACTIVE PAGE ONE")),
        # 8 link /URI
        b"<</Type/Annot/Subtype/Link/Rect[72 500 250 520]/Border[0 0 1]/A<</S/URI/URI(https://example.org/)>>>>",
        # 9 text field widget (merged field/widget) with appearance
        b"<</Type/Annot/Subtype/Widget/FT/Tx/T(name)/V(FIELDVALUE)/Rect[72 400 300 430]/P 4 0 R/F 4"
        b"/DA(/F1 12 Tf 0 g)/AP<</N 16 0 R>>>>",
        # 10 link /Launch
        b"<</Type/Annot/Subtype/Link/Rect[72 300 250 320]/Border[0 0 1]/A<</S/Launch/F(calc.exe)>>>>",
        # 11 link to page 2
        b"<</Type/Annot/Subtype/Link/Rect[72 200 250 220]/Border[0 0 1]/Dest[5 0 R/Fit]>>",
        # 12 shared resources
        b"<</Font<</F1 3 0 R>>/ProcSet[/PDF/Text]>>",
        # 13 page 2 content
        stream(text_at(72, 600, "INTERACTIVE PAGE TWO")),
        # 14 JavaScript action
        b"<</S/JavaScript/JS(app.alert\\('hello'\\);)>>",
        # 15 JavaScript name tree
        b"<</Names[(open) 14 0 R]>>",
        # 16 widget appearance
        stream(b"/Tx BMC q BT /F1 12 Tf 2 8 Td (FIELDVALUE) Tj ET Q EMC\n",
               b"/Type/XObject/Subtype/Form/BBox[0 0 228 30]/Resources<</Font<</F1 3 0 R>>>>"),
    ]
    return raw_pdf(objs)


def main() -> None:
    for name, make in (("bnd_rotations.pdf", rotations), ("bnd_boxes.pdf", boxes), ("bnd_tiny.pdf", tiny),
                       ("bnd_interactive.pdf", interactive)):
        (HERE / name).write_bytes(make())
        print("wrote", name)


if __name__ == "__main__":
    main()
