"""Generate the bundling benchmark corpus (deterministic; nothing downloaded).

    python benchmarks/make_corpus.py OUT_DIR [--files 100] [--pages 10]

Per 10 files: 2 × A4 text, 1 × Letter text, 1 × A3 landscape text,
1 × pages with /Rotate 90/180/270 (cycling), 1 × offset MediaBox/CropBox
origins, 2 × full-page JPEG "scans" (≈ 400 KB a page), 1 × nested page tree
with inherited /Resources and /MediaBox, 1 × pages whose /Contents is an array.
100 files × 10 pages ≈ 80 MB.
"""

from __future__ import annotations

import argparse
import io
import random
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, FloatObject, NameObject, NumberObject, RectangleObject
from reportlab.lib.pagesizes import A3, A4, landscape, letter
from reportlab.pdfgen import canvas

WORDS = ("skill training base evidence certificate contract enrolment teacher workshop "
         "assessment equipment budget plan report annual national standard").split()


def _scan_jpegs(count: int, seed: int = 7) -> list[bytes]:
    """Full-page grey 'scans' at 150 dpi, ~400 KB each, distinct content."""
    rng = random.Random(seed)
    out = []
    for i in range(count):
        img = Image.effect_noise((1240, 1754), 30).convert("L")
        img = img.filter(ImageFilter.GaussianBlur(0.6))
        draw = ImageDraw.Draw(img)
        for row in range(60):
            y = 120 + row * 26
            x = 100
            while x < 1100:
                w = rng.randint(20, 90)
                draw.rectangle([x, y, x + w, y + 12], fill=rng.randint(0, 60))
                x += w + rng.randint(8, 16)
        draw.text((100, 60), f"SCAN {i}", fill=0)
        buf = io.BytesIO()
        img.save(buf, "JPEG", quality=55)
        out.append(buf.getvalue())
    return out


def _text_pdf(pagesize, pages: int, seed: int) -> bytes:
    rng = random.Random(seed)
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=pagesize, invariant=1, pageCompression=1)
    w, h = pagesize
    for p in range(pages):
        c.setFont("Helvetica-Bold", 16)
        c.drawString(72, h - 72, f"Document {seed} page {p + 1}")
        c.setFont("Helvetica", 10)
        y = h - 100
        while y > 60:
            c.drawString(72, y, " ".join(rng.choice(WORDS) for _ in range(int((w - 144) / 45))))
            y -= 14
        c.rect(60, 50, w - 120, h - 110)
        c.showPage()
    c.save()
    return buf.getvalue()


def _scan_pdf(jpegs: list[bytes], pages: int, start: int) -> bytes:
    """A PDF of full-page JPEGs embedded as is (/DCTDecode), like a scanner writes."""
    objs: list[bytes] = []
    kids = []
    for p in range(pages):
        data = jpegs[(start + p) % len(jpegs)]
        w, h = Image.open(io.BytesIO(data)).size
        img = len(objs) + 3
        objs.append(b"<</Type/XObject/Subtype/Image/Width %d/Height %d/ColorSpace/DeviceGray"
                    b"/BitsPerComponent 8/Filter/DCTDecode/Length %d>>stream\n" % (w, h, len(data))
                    + data + b"\nendstream")
        content = b"q 595.28 0 0 841.89 0 0 cm /Im0 Do Q"
        objs.append(b"<</Length %d>>stream\n%s\nendstream" % (len(content), content))
        objs.append(b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595.28 841.89]/Resources<</XObject<</Im0 %d 0 R>>>>"
                    b"/Contents %d 0 R>>" % (img, img + 1))
        kids.append(img + 2)
    head = [b"<</Type/Catalog/Pages 2 0 R>>",
            b"<</Type/Pages/Count %d/Kids[%s]>>" % (pages, b" ".join(b"%d 0 R" % k for k in kids))]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for num, body in enumerate(head + objs, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % num + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(offsets) + 1))
    out.write(b"".join(b"%010d 00000 n \n" % o for o in offsets))
    out.write(b"trailer\n<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (len(offsets) + 1, xref))
    return out.getvalue()


def _postprocess(data: bytes, kind: str) -> bytes:
    reader = PdfReader(io.BytesIO(data))
    writer = PdfWriter(clone_from=reader)
    for i, page in enumerate(writer.pages):
        if kind == "rotate":
            page[NameObject("/Rotate")] = NumberObject((90, 180, 270)[i % 3])
        elif kind == "offset":
            w, h = float(page.mediabox.width), float(page.mediabox.height)
            dx, dy = 100 + 10 * i, -200 + 15 * i
            page.mediabox = RectangleObject([dx, dy, dx + w, dy + h])
            page.cropbox = RectangleObject([dx + 20, dy + 30, dx + w - 20, dy + h - 10])
        elif kind == "contents-array":
            contents = page.raw_get("/Contents")
            extra = writer._add_object(_raw_stream(b"0.9 g 20 20 40 40 re f\n"))
            page[NameObject("/Contents")] = ArrayObject([extra, contents])
    if kind == "nested":
        # move MediaBox and Resources up to the page tree root: inherited by every page
        root = writer._root_object["/Pages"].get_object()
        first = writer.pages[0]
        root[NameObject("/MediaBox")] = ArrayObject([FloatObject(v) for v in first.mediabox])
        for page in writer.pages:
            del page["/MediaBox"]
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def _raw_stream(data: bytes):
    from pypdf.generic import DecodedStreamObject

    s = DecodedStreamObject()
    s.set_data(data)
    return s


def make_corpus(out: Path, files: int = 100, pages: int = 10) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    jpegs = _scan_jpegs(24)
    kinds = ["a4", "a4", "letter", "a3l", "rotate", "offset", "scan", "scan", "nested", "contents-array"]
    paths = []
    for i in range(files):
        kind = kinds[i % len(kinds)]
        if kind == "scan":
            data = _scan_pdf(jpegs, pages, i)
        else:
            size = {"letter": letter, "a3l": landscape(A3)}.get(kind, A4)
            data = _text_pdf(size, pages, i)
            if kind in ("rotate", "offset", "nested", "contents-array"):
                data = _postprocess(data, kind)
        path = out / f"{i:04d}-{kind}.pdf"
        path.write_bytes(data)
        paths.append(path)
    return paths


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--files", type=int, default=100)
    ap.add_argument("--pages", type=int, default=10)
    args = ap.parse_args()
    paths = make_corpus(args.out, args.files, args.pages)
    total = sum(p.stat().st_size for p in paths)
    print(f"{len(paths)} files, {len(paths) * args.pages} pages, {total / 1e6:.1f} MB in {args.out}")


if __name__ == "__main__":
    main()
