"""Make the small evidence-input resources used by tests/test_sources.py and tests/test_images.py.

Each reproduces one property of a real-world file in /work/shared/corpus (see
tests/resources/README.md).  Run from the repository root:

    python tests/resources/make_source_resources.py

The outputs are committed; this script is their provenance.  (Encrypted files
get random IDs from pypdf, so re-running changes their bytes, not their properties.)
"""

from __future__ import annotations

import io
from pathlib import Path

from make_bundle_resources import raw_pdf  # the sibling script (run from any folder: its own is on sys.path)
from PIL import Image, ImageCms, ImageDraw
from pypdf import PdfWriter
from pypdf.generic import NameObject, NumberObject

HERE = Path(__file__).resolve().parent


def text_page_objects(first: int, parent: int, label: bytes, extra: bytes = b"") -> list[bytes]:
    """A page (object ``first``) and its content stream (``first + 1``)."""
    content = b"BT /F1 24 Tf 72 300 Td (" + label + b") Tj ET"
    return [
        b"<</Type /Page /Parent %d 0 R /Contents %d 0 R%s>>" % (parent, first + 1, extra),
        b"<</Length %d>>\nstream\n" % len(content) + content + b"\nendstream",
    ]


def simple_pdf(pages: int = 1) -> bytes:
    """Catalog 1, Pages 2, font 3, then page/content pairs."""
    kids = b" ".join(b"%d 0 R" % (4 + 2 * i) for i in range(pages))
    objects = [
        b"<</Type /Catalog /Pages 2 0 R>>",
        b"<</Type /Pages /Kids [%s] /Count %d /MediaBox [0 0 595 842]"
        b" /Resources <</Font <</F1 3 0 R>>>>>>" % (kids, pages),
        b"<</Type /Font /Subtype /Type1 /BaseFont /Helvetica>>",
    ]
    for i in range(pages):
        objects += text_page_objects(4 + 2 * i, 2, b"Page %d" % (i + 1))
    return raw_pdf(objects)


def nested_page_tree() -> bytes:
    """Like qpdf's lin-special.pdf: MediaBox/Resources/Rotate inherited at two levels, 5 pages."""
    objects = [
        b"<</Type /Catalog /Pages 2 0 R>>",
        # 2: root Pages: MediaBox letter-ish, Resources, Rotate 0 inherited by all
        b"<</Type /Pages /Kids [4 0 R 5 0 R] /Count 5 /MediaBox [0 0 576 792] /Rotate 0"
        b" /Resources <</Font <</F1 3 0 R>>>>>>",
        b"<</Type /Font /Subtype /Type1 /BaseFont /Helvetica>>",
        # 4: child Pages with pages 1-2 (inherit root MediaBox)
        b"<</Type /Pages /Parent 2 0 R /Kids [6 0 R 8 0 R] /Count 2>>",
        # 5: child Pages with its own MediaBox for pages 3-4, and page 5 with its own box and /Rotate 180
        b"<</Type /Pages /Parent 2 0 R /Kids [10 0 R 12 0 R 14 0 R] /Count 3 /MediaBox [0 0 576 396]>>",
    ]
    objects += text_page_objects(6, 4, b"p1")
    objects += text_page_objects(8, 4, b"p2")
    objects += text_page_objects(10, 5, b"p3")
    objects += text_page_objects(12, 5, b"p4")
    objects += text_page_objects(14, 5, b"p5", b" /MediaBox [0 0 306 396] /Rotate 180")
    return raw_pdf(objects)


def broken_xref() -> bytes:
    """A valid PDF with bytes inserted after the header: every xref offset and startxref are wrong
    (like Word 2019's issue17147.pdf: strict pypdf fails, lenient pypdf reconstructs)."""
    good = simple_pdf(1)
    cut = good.index(b"1 0 obj")
    return good[:cut] + b"% inserted bytes shift every offset\n" * 3 + good[cut:]


def zero_pages() -> bytes:
    return raw_pdf([b"<</Type /Catalog /Pages 2 0 R>>", b"<</Type /Pages /Kids [] /Count 0>>"])


def encrypted(user: str, owner: str, algorithm: str) -> bytes:
    writer = PdfWriter()
    from pypdf import PdfReader

    for page in PdfReader(io.BytesIO(simple_pdf(1))).pages:
        writer.add_page(page)
    # restricted: print and copy not allowed (like bug900822.pdf's P=-60)
    writer.encrypt(user_password=user, owner_password=owner, algorithm=algorithm, permissions_flag=-60)
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def with_attachment() -> bytes:
    writer = PdfWriter()
    from pypdf import PdfReader

    for page in PdfReader(io.BytesIO(simple_pdf(1))).pages:
        writer.add_page(page)
    writer.add_attachment("foo.txt", b"attached\n")
    writer._info = None  # no Producer: stable bytes
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def exif_photo(orientation: int) -> bytes:
    """A 60x40 'photo' stored sideways/upside down: its EXIF says how to turn it; sRGB ICC profile."""
    im = Image.new("RGB", (60, 40), "white")
    draw = ImageDraw.Draw(im)
    draw.rectangle((0, 0, 29, 19), fill=(220, 0, 0))  # red block: stored top-left
    draw.rectangle((30, 20, 59, 39), fill=(0, 0, 220))  # blue block: stored bottom-right
    exif = Image.Exif()
    exif[0x0112] = orientation
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    buf = io.BytesIO()
    im.save(buf, "JPEG", quality=90, exif=exif, icc_profile=icc, dpi=(300, 300))
    return buf.getvalue()


def rgba_png() -> bytes:
    """An RGBA PNG whose transparent pixels are black underneath (like baiona_alpha.png)."""
    im = Image.new("RGBA", (40, 30), (0, 0, 0, 0))
    draw = ImageDraw.Draw(im)
    draw.ellipse((5, 5, 35, 25), fill=(0, 128, 0, 255))
    buf = io.BytesIO()
    im.save(buf, "PNG")
    return buf.getvalue()


def main() -> None:
    files = {
        "src_header_only.pdf": b"%PDF-1.3\nThis is not really a PDF: no objects, no xref.\n%%EOF\n",
        "src_broken_xref.pdf": broken_xref(),
        "src_enc_empty_userpw.pdf": encrypted("", "owner-secret", "RC4-40"),
        "src_enc_userpw.pdf": encrypted("openpassword", "permissionpassword", "RC4-128"),
        "src_embedded_file.pdf": with_attachment(),
        "src_zero_pages.pdf": zero_pages(),
        "src_nested_pagetree.pdf": nested_page_tree(),
        "src_jpeg_named.pdf": exif_photo(1),
        "src_html_named.pdf": ("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>登录</title></head>"
                               "<body>会话已过期，请重新登录</body></html>\n").encode(),
        "img_exif3.jpg": exif_photo(3),
        "img_exif6.jpg": exif_photo(6),
        "img_rgba.png": rgba_png(),
    }
    for name, data in files.items():
        (HERE / name).write_bytes(data)
    # sanity: the inherited page tree really inherits
    from pypdf import PdfReader

    reader = PdfReader(HERE / "src_nested_pagetree.pdf")
    boxes = [tuple(float(v) for v in p.mediabox) for p in reader.pages]
    assert boxes[0][3] == 792 and boxes[2][3] == 396 and boxes[4][2] == 306, boxes
    assert reader.pages[4].get(NameObject("/Rotate")) == NumberObject(180)


if __name__ == "__main__":
    main()
