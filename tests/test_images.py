"""Image → one-page-per-frame A4 PDF: no re-encoding of JPEGs, EXIF orientation, no upscaling, alpha."""

from __future__ import annotations

import hashlib
import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image, ImageDraw, ImageOps
from pypdf import PdfReader

from skilldoc.evidence.images import (
    A4,
    BOTTOM_MARGIN,
    DEFAULT_DPI,
    MARGIN,
    ImageProblem,
    image_to_pdf,
    page_layout,
    placement_matrix,
)

RES = Path(__file__).parent / "resources"

needs_poppler = pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils not installed")


def _pattern(size: tuple[int, int] = (120, 80)) -> Image.Image:
    """Four coloured quadrants: red TL, green TR, blue BL, yellow BR."""
    w, h = size
    im = Image.new("RGB", size)
    draw = ImageDraw.Draw(im)
    draw.rectangle((0, 0, w // 2 - 1, h // 2 - 1), fill=(255, 0, 0))
    draw.rectangle((w // 2, 0, w - 1, h // 2 - 1), fill=(0, 255, 0))
    draw.rectangle((0, h // 2, w // 2 - 1, h - 1), fill=(0, 0, 255))
    draw.rectangle((w // 2, h // 2, w - 1, h - 1), fill=(255, 255, 0))
    return im


def _load(path: Path) -> Image.Image:
    """Open an image without leaving a file handle behind."""
    return Image.open(io.BytesIO(Path(path).read_bytes()))


def _render(pdf: Path, dpi: int = 72) -> Image.Image:
    out = subprocess.run(["pdftoppm", "-r", str(dpi), "-singlefile", "-png", str(pdf)],
                         capture_output=True, check=True).stdout
    return Image.open(io.BytesIO(out)).convert("RGB")


def _extract(pdf: Path, tmp: Path) -> list[Image.Image]:
    """The PDF's images at their own pixels, as poppler decodes them (Decode, palette, predictor)."""
    subprocess.run(["pdfimages", "-all", str(pdf), str(tmp / "x")], check=True, capture_output=True)
    return [_load(p) for p in sorted(tmp.glob("x-*"))]


def _image_box(pdf: Path, page_index: int = 0) -> tuple[float, float, float, float]:
    """(x, y, w, h) of the placed image from its cm matrix (axis-aligned placements only)."""
    page = PdfReader(pdf).pages[page_index]
    content = page.get_contents().get_data().decode()
    a, b, c, d, e, f = (float(v) for v in re.search(r"q (.+) cm", content).group(1).split())
    xs = [e, e + a, e + c, e + a + c]
    ys = [f, f + b, f + d, f + b + d]
    return min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys)


def _quadrant_colours(im: Image.Image) -> list[str]:
    """Dominant colour name of each quadrant TL, TR, BL, BR."""
    w, h = im.size
    names = []
    for box in ((0, 0, w // 2, h // 2), (w // 2, 0, w, h // 2), (0, h // 2, w // 2, h), (w // 2, h // 2, w, h)):
        quad = im.crop(box).resize((1, 1), Image.Resampling.BOX).getpixel((0, 0))
        r, g, b = quad[:3]
        names.append({(1, 0, 0): "red", (0, 1, 0): "green", (0, 0, 1): "blue", (1, 1, 0): "yellow"}
                     .get((int(r > 128), int(g > 128), int(b > 128)), f"?{quad}"))
    return names


# --- pure geometry -----------------------------------------------------------------


@given(st.integers(1, 8), st.floats(0, 500), st.floats(0, 500), st.floats(1, 800), st.floats(1, 800))
def test_placement_matrix_maps_the_unit_square_onto_the_box(orientation, x, y, w, h):
    a, b, c, d, e, f = placement_matrix(orientation, x, y, w, h)
    corners = {(round(e + a * u + c * v, 6), round(f + b * u + d * v, 6)) for u in (0, 1) for v in (0, 1)}
    assert corners == {(round(px, 6), round(py, 6)) for px in (x, x + w) for py in (y, y + h)}


@given(st.integers(1, 20000), st.integers(1, 20000), st.floats(0, 5000), st.integers(1, 8))
def test_layout_fits_the_margins_and_never_upscales(px_w, px_h, dpi, orientation):
    (pw, ph), (x, y, w, h) = page_layout(px_w, px_h, (dpi, dpi), orientation)
    assert {round(pw, 2), round(ph, 2)} == {A4[0], A4[1]}
    assert x >= MARGIN - 1e-6 and x + w <= pw - MARGIN + 1e-6
    assert y >= BOTTOM_MARGIN - 1e-6 and y + h <= ph - MARGIN + 1e-6
    eff = dpi if 50 <= dpi <= 2400 else DEFAULT_DPI
    seen_w, seen_h = (px_h, px_w) if orientation >= 5 else (px_w, px_h)
    assert w <= seen_w * 72 / eff + 1e-6 and h <= seen_h * 72 / eff + 1e-6
    assert (pw > ph) == (seen_w > seen_h)  # landscape page for a landscape picture as seen


# --- JPEG ------------------------------------------------------------------------


def test_jpeg_is_embedded_byte_for_byte(tmp_path):
    src = RES / "img_exif3.jpg"
    original = src.read_bytes()
    out = tmp_path / "out.pdf"
    result = image_to_pdf(src, out)
    assert result.pages == 1 and result.warnings == ()
    assert original in out.read_bytes()  # the whole file, unchanged: never re-encoded
    reader = PdfReader(out)
    page = reader.pages[0]
    image = page["/Resources"]["/XObject"]["/Im0"].get_object()
    assert image["/Filter"] == "/DCTDecode"
    assert (image["/Width"], image["/Height"]) == (60, 40)
    assert image["/ColorSpace"][0] == "/ICCBased"  # the photo's ICC profile is kept
    assert "/Rotate" not in page  # orientation goes into the placement, the page stays upright
    assert src.read_bytes() == original


def test_jpeg_size_follows_its_dpi_and_is_not_upscaled(tmp_path):
    out = tmp_path / "out.pdf"
    image_to_pdf(RES / "img_exif3.jpg", out)  # 60x40 px at 300 dpi
    reader = PdfReader(out)
    box = reader.pages[0].mediabox
    assert (round(float(box.width), 2), round(float(box.height), 2)) == (A4[1], A4[0])  # landscape
    x, y, w, h = _image_box(out)
    assert (round(w, 2), round(h, 2)) == (14.4, 9.6)  # 60/300 in, 40/300 in: natural size


def test_missing_dpi_defaults_to_150(tmp_path):
    src = tmp_path / "nodpi.jpg"
    _pattern((300, 150)).save(src, "JPEG")
    out = tmp_path / "out.pdf"
    image_to_pdf(src, out)
    _, _, w, h = _image_box(out)
    assert (round(w, 2), round(h, 2)) == (144.0, 72.0)


def test_big_scan_is_scaled_down_to_fit_the_margins(tmp_path):
    src = tmp_path / "scan.jpg"
    _pattern((2480, 3508)).save(src, "JPEG", dpi=(300, 300))  # an A4 page scanned at 300 dpi
    out = tmp_path / "out.pdf"
    image_to_pdf(src, out)
    box = PdfReader(out).pages[0].mediabox
    assert float(box.height) > float(box.width)  # portrait
    x, y, w, h = _image_box(out)
    assert y >= BOTTOM_MARGIN - 0.01 and y + h <= A4[1] - MARGIN + 0.01
    assert abs(w / h - 2480 / 3508) < 1e-3


@needs_poppler
@pytest.mark.parametrize("orientation", range(1, 9))
def test_exif_orientation_is_honoured(tmp_path, orientation):
    stored = _pattern()
    exif = Image.Exif()
    exif[0x0112] = orientation
    src = tmp_path / f"o{orientation}.jpg"
    stored.save(src, "JPEG", exif=exif, quality=95, dpi=(72, 72))
    expected = _quadrant_colours(ImageOps.exif_transpose(_load(src)))
    out = tmp_path / "out.pdf"
    image_to_pdf(src, out)
    page = _render(out)
    x, y, w, h = _image_box(out)
    top = page.height - (y + h)  # 72 dpi: 1 pt = 1 px
    seen = page.crop((round(x) + 2, round(top) + 2, round(x + w) - 2, round(top + h) - 2))
    assert _quadrant_colours(seen) == expected
    landscape = page.width > page.height
    assert landscape == (orientation < 5)  # 120x80 stored; 5..8 are seen as 80x120


@needs_poppler
def test_adobe_cmyk_jpeg_gets_an_inverting_decode_array(tmp_path):
    src = tmp_path / "cmyk.jpg"
    Image.new("CMYK", (64, 64), (0, 255, 255, 0)).save(src, "JPEG", quality=95)  # pure red ink mix
    assert "adobe" in _load(src).info  # Pillow, like Photoshop, writes inverted CMYK
    out = tmp_path / "out.pdf"
    image_to_pdf(src, out)
    assert src.read_bytes() in out.read_bytes()
    image = PdfReader(out).pages[0]["/Resources"]["/XObject"]["/Im0"].get_object()
    assert image["/ColorSpace"] == "/DeviceCMYK"
    assert [float(v) for v in image["/Decode"]] == [1, 0, 1, 0, 1, 0, 1, 0]
    x, y, w, h = _image_box(out)
    page = _render(out)
    r, g, b = page.getpixel((round(x + w / 2), round(page.height - y - h / 2)))
    assert r > 180 and g < 90 and b < 90  # red, not cyan (what a missing /Decode would show)


def test_truncated_jpeg_is_an_error(tmp_path):
    src = tmp_path / "cut.jpg"
    buf = io.BytesIO()
    _pattern((400, 300)).save(buf, "JPEG")
    src.write_bytes(buf.getvalue()[: len(buf.getvalue()) // 2])
    with pytest.raises(ImageProblem, match="损坏或不完整"):
        image_to_pdf(src, tmp_path / "out.pdf")
    assert not (tmp_path / "out.pdf").exists()


def test_mpo_keeps_only_its_main_picture(tmp_path):
    src = tmp_path / "phone.mpo"
    first, second = _pattern((80, 60)), _pattern((40, 30))
    first.save(src, "MPO", save_all=True, append_images=[second])
    out = tmp_path / "out.pdf"
    assert image_to_pdf(src, out).pages == 1
    image = PdfReader(out).pages[0]["/Resources"]["/XObject"]["/Im0"].get_object()
    assert (image["/Width"], image["/Height"]) == (80, 60)
    data = src.read_bytes()
    assert len(image._data) < len(data) and data.startswith(image._data)


# --- lossless kinds --------------------------------------------------------------


@needs_poppler
def test_png_alpha_becomes_a_soft_mask_on_white(tmp_path):
    out = tmp_path / "out.pdf"
    image_to_pdf(RES / "img_rgba.png", out)
    image = PdfReader(out).pages[0]["/Resources"]["/XObject"]["/Im0"].get_object()
    assert image["/Filter"] == "/FlateDecode" and "/SMask" in image
    page = _render(out, dpi=144)
    x, y, w, h = _image_box(out)
    top = page.height / 2 - y - h  # in points; the page renders at 2 px per point
    corner = page.getpixel((round(x * 2) + 2, round(top * 2) + 2))  # a transparent corner
    centre = page.getpixel((round((x + w / 2) * 2), round((top + h / 2) * 2)))
    assert corner == (255, 255, 255)  # white paper, not the black hidden under the alpha
    assert centre[1] > 100 and centre[0] < 60  # the green ellipse


def test_plain_png_data_is_copied_not_recompressed(tmp_path):
    src = tmp_path / "pal.png"
    _pattern((90, 60)).convert("P", palette=Image.Palette.ADAPTIVE, colors=4).save(src, "PNG")
    out = tmp_path / "out.pdf"
    image_to_pdf(src, out)
    data = src.read_bytes()
    idat = data.index(b"IDAT")
    length = int.from_bytes(data[idat - 4:idat], "big")
    assert data[idat + 4: idat + 4 + length] in out.read_bytes()
    image = PdfReader(out).pages[0]["/Resources"]["/XObject"]["/Im0"].get_object()
    assert image["/ColorSpace"][0] == "/Indexed"
    if shutil.which("pdfimages"):
        (decoded,) = _extract(out, tmp_path)
        assert decoded.convert("RGB").tobytes() == _load(src).convert("RGB").tobytes()  # lossless


@needs_poppler
@pytest.mark.parametrize("fmt,mode", [("PNG", "L"), ("PNG", "RGB"), ("BMP", "RGB"), ("TIFF", "RGB"),
                                      ("TIFF", "CMYK"), ("TIFF", "1"), ("WEBP", "RGB"), ("PNG", "I;16"),
                                      ("GIF", "P")])
def test_lossless_formats_round_trip(tmp_path, fmt, mode):
    base = _pattern((50, 40))
    if mode == "I;16":
        im = base.convert("L").convert("I").point(lambda v: v * 257).convert("I;16")
    else:
        im = base.convert(mode)
    src = tmp_path / f"img.{fmt.lower()}"
    kwargs = {"lossless": True} if fmt == "WEBP" else {}
    im.save(src, fmt, **kwargs)
    out = tmp_path / "out.pdf"
    assert image_to_pdf(src, out).pages == 1
    page = PdfReader(out).pages[0]
    xobj = page["/Resources"]["/XObject"]["/Im0"].get_object()
    assert xobj["/Filter"] == "/FlateDecode"
    (got,) = _extract(out, tmp_path)
    want = _load(src)
    if mode == "I;16":
        want = want.convert("I").point(lambda v: v * (1 / 256)).convert("L")
    ref = want.convert("RGB") if mode != "CMYK" else want
    assert got.convert(ref.mode).tobytes() == ref.tobytes()


def test_multipage_tiff_gives_one_page_per_frame(tmp_path):
    src = tmp_path / "scan.tif"
    frames = [_pattern((60, 80)), _pattern((80, 60)), _pattern((60, 80)).convert("L")]
    frames[0].save(src, "TIFF", save_all=True, append_images=frames[1:], dpi=(200, 200))
    out = tmp_path / "out.pdf"
    assert image_to_pdf(src, out).pages == 3
    reader = PdfReader(out)
    shapes = [float(p.mediabox.width) > float(p.mediabox.height) for p in reader.pages]
    assert shapes == [False, True, False]


def test_animated_gif_uses_its_first_frame_with_a_note(tmp_path):
    src = tmp_path / "anim.gif"
    _pattern((40, 30)).save(src, "GIF", save_all=True, append_images=[_pattern((40, 30)).rotate(180)])
    result = image_to_pdf(src, tmp_path / "out.pdf")
    assert result.pages == 1
    assert any("第一帧" in w for w in result.warnings)


def test_output_is_deterministic(tmp_path):
    for name in ("img_exif6.jpg", "img_rgba.png"):
        a, b = tmp_path / "a.pdf", tmp_path / "b.pdf"
        image_to_pdf(RES / name, a)
        image_to_pdf(RES / name, b)
        assert a.read_bytes() == b.read_bytes()
        assert b"CreationDate" not in a.read_bytes()


def test_not_an_image_is_an_error(tmp_path):
    src = tmp_path / "x.png"
    src.write_bytes(b"\x89PNG\r\n\x1a\n" + b"garbage" * 10)
    with pytest.raises(ImageProblem):
        image_to_pdf(src, tmp_path / "out.pdf")


def test_source_file_is_never_modified(tmp_path):
    for name in ("img_exif3.jpg", "img_exif6.jpg", "img_rgba.png"):
        before = hashlib.sha256((RES / name).read_bytes()).hexdigest()
        image_to_pdf(RES / name, tmp_path / f"{name}.pdf")
        assert hashlib.sha256((RES / name).read_bytes()).hexdigest() == before
