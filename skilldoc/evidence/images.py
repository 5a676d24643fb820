"""A photo or scan → a small PDF with one A4 page per image (frame).

Written by hand (raw PDF objects, no pypdf/img2pdf) because what is needed is
small and must be exact:

- A JPEG is embedded as it is (``/DCTDecode`` over the file's own bytes): never
  decoded and re-encoded.  An Adobe (inverted) CMYK JPEG gets
  ``/Decode [1 0 1 0 1 0 1 0]``.  A phone's multi-picture JPEG (MPO) keeps its
  first (main) picture only.
- PNG data that PDF can take as it is (8-bit or less, not interlaced, no
  transparency) is copied chunk for chunk (``/FlateDecode`` with the PNG
  predictor); everything else (BMP, TIFF, GIF, WEBP, PNG with alpha) is decoded
  by Pillow and stored losslessly (Flate), alpha kept as an ``/SMask`` so
  transparent areas show the white page, never black.
- EXIF orientation (phone photos) is honoured through the placement matrix,
  not by touching pixels; the page itself has no ``/Rotate``, so the page is
  upright as a reader sees it and a stamp at its bottom lands at the bottom.
- The page is A4, portrait or landscape to match the picture as seen, with
  margins; the picture is centred and scaled down to fit, never up beyond its
  natural size (its DPI, or 150 dpi when absent or implausible), so small
  pictures stay sharp.
- Deterministic: no dates, no IDs; the same image gives the same bytes.
"""

from __future__ import annotations

import io
import struct
import warnings
import zlib
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PIL import Image, ImageSequence, UnidentifiedImageError

from .. import limits

A4 = (595.28, 841.89)  # points, portrait
MARGIN = 42.52  # 15 mm on every side ...
BOTTOM_MARGIN = 56.69  # ... and 20 mm at the bottom, where the page number goes
DEFAULT_DPI = 150.0
MIN_DPI, MAX_DPI = 50.0, 2400.0

IMAGE_FORMATS = ("JPEG", "MPO", "PNG", "TIFF", "BMP", "DIB", "GIF", "WEBP")


class ImageProblem(Exception):
    """The image cannot be read or turned into a PDF; ``str()`` is a Chinese sentence."""


class ImageTooLarge(ImageProblem):
    """Decoding the image would take more memory than :mod:`skilldoc.limits` allows."""


# bytes a pixel takes once decoded, as Pillow stores it or converts it on the way to the PDF
# (RGB is stored in 4 bytes; 16-bit grey, palette and alpha images are converted to 4-byte modes)
_ONE_BYTE_MODES = frozenset({"1", "L"})


def decoded_bytes(size: tuple[int, int], mode: str) -> int:
    """The memory one decoded frame of ``size`` in ``mode`` takes (before conversions)."""
    return size[0] * size[1] * (1 if mode in _ONE_BYTE_MODES else 4)


def _too_large(what: str, need: int, limit: int) -> ImageTooLarge:
    return ImageTooLarge(f"图片过大：{what}，解码约需 {_mib(need)} MB 内存，超过上限 {_mib(limit)} MB")


def _mib(n: int) -> str:
    return f"{n / limits.MiB:,.0f}"


def _check_budget(im: Image.Image, fmt: str, frames: int) -> None:
    """Refuse, from the headers alone, an image whose decoding would take too much memory.

    Every frame that will be decoded is counted (all pages of a TIFF; the first frame of an
    animation; a JPEG only at the 1/8 draft scale it is checked at) with its own size and mode.
    """
    if fmt in ("JPEG", "MPO"):
        w, h = im.size
        need = decoded_bytes((max(1, -(-w // 8)), max(1, -(-h // 8))), im.mode)
        if need > limits.IMAGE_MAX_FRAME_BYTES:
            raise _too_large(f"{w}×{h} 像素", need, limits.IMAGE_MAX_FRAME_BYTES)
        return
    if frames > limits.IMAGE_MAX_FRAMES:
        raise ImageTooLarge(f"图片共 {frames} 页（帧），超过上限 {limits.IMAGE_MAX_FRAMES} 页")
    total = 0
    for index in range(frames):
        if index:
            im.seek(index)  # reads the frame's header only
        need = decoded_bytes(im.size, im.mode)
        where = f"第 {index + 1} 页 " if frames > 1 else ""
        if need > limits.IMAGE_MAX_FRAME_BYTES:
            raise _too_large(f"{where}{im.width}×{im.height} 像素（{im.mode}）", need,
                             limits.IMAGE_MAX_FRAME_BYTES)
        total += need
        if total > limits.IMAGE_MAX_DECODED_TOTAL_BYTES:
            raise _too_large(f"共 {frames} 页", total, limits.IMAGE_MAX_DECODED_TOTAL_BYTES)
    if frames > 1:
        im.seek(0)


@dataclass(frozen=True)
class ImagePdf:
    pages: int
    warnings: tuple[str, ...]  # Chinese sentences


# --- EXIF orientation → placement -------------------------------------------------

# Displayed (S, T) as a function of stored (s, t), all normalised to [0, 1] with
# t, T growing downwards, for EXIF orientations 1..8.
_ORIENT = {
    1: lambda s, t: (s, t),
    2: lambda s, t: (1 - s, t),  # mirrored left-right
    3: lambda s, t: (1 - s, 1 - t),  # rotated 180°
    4: lambda s, t: (s, 1 - t),  # mirrored top-bottom
    5: lambda s, t: (t, s),  # transposed
    6: lambda s, t: (1 - t, s),  # turn 90° clockwise to view
    7: lambda s, t: (1 - t, 1 - s),  # transversed
    8: lambda s, t: (t, 1 - s),  # turn 90° counter-clockwise to view
}


def placement_matrix(orientation: int, x: float, y: float, width: float, height: float,
                     ) -> tuple[float, float, float, float, float, float]:
    """The ``cm`` matrix that draws an image XObject (unit square) into the box
    (x, y, width, height), shown as EXIF ``orientation`` says it should be seen."""
    f = _ORIENT.get(orientation, _ORIENT[1])

    def to_user(u: float, v: float) -> tuple[float, float]:
        big_s, big_t = f(u, 1 - v)  # unit square v grows upwards; image rows downwards
        return x + big_s * width, y + (1 - big_t) * height

    x00, y00 = to_user(0, 0)
    x10, y10 = to_user(1, 0)
    x01, y01 = to_user(0, 1)
    return (x10 - x00, y10 - y00, x01 - x00, y01 - y00, x00, y00)


def page_layout(px_w: int, px_h: int, dpi: tuple[float, float], orientation: int,
                ) -> tuple[tuple[float, float], tuple[float, float, float, float]]:
    """A4 page size and the image's box (x, y, w, h) on it, as the image is seen."""
    dx, dy = (_plausible(dpi[0]), _plausible(dpi[1]))
    nat_w, nat_h = px_w * 72.0 / dx, px_h * 72.0 / dy
    if orientation in (5, 6, 7, 8):
        nat_w, nat_h = nat_h, nat_w
    page_w, page_h = (A4[1], A4[0]) if nat_w > nat_h else A4
    box_w, box_h = page_w - 2 * MARGIN, page_h - MARGIN - BOTTOM_MARGIN
    scale = min(1.0, box_w / nat_w, box_h / nat_h)
    w, h = nat_w * scale, nat_h * scale
    x = MARGIN + (box_w - w) / 2
    y = BOTTOM_MARGIN + (box_h - h) / 2
    return (page_w, page_h), (x, y, w, h)


def _plausible(value: object) -> float:
    try:
        v = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return DEFAULT_DPI
    return v if MIN_DPI <= v <= MAX_DPI else DEFAULT_DPI


def _dpi(info: Mapping[Any, Any]) -> tuple[float, float]:
    dpi = info.get("dpi")
    if isinstance(dpi, tuple) and len(dpi) == 2:
        return _plausible(dpi[0]), _plausible(dpi[1])
    return DEFAULT_DPI, DEFAULT_DPI


def _num(v: float) -> str:
    text = f"{v:.4f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


# --- the PDF writer -------------------------------------------------------------


@dataclass
class _ImageObject:
    width: int
    height: int
    colorspace: str  # e.g. "/DeviceRGB", or "ICC" / "INDEXED" placeholders resolved by the writer
    bits: int
    filter: str
    data: bytes
    decode: str | None = None
    decode_parms: str | None = None
    icc: bytes | None = None
    icc_n: int = 0
    palette: bytes | None = None  # RGB triples for /Indexed
    smask: _ImageObject | None = None


@dataclass
class _PageSpec:
    image: _ImageObject
    orientation: int
    dpi: tuple[float, float]


class _PdfBuilder:
    def __init__(self) -> None:
        self.objects: list[bytes] = []

    def reserve(self) -> int:
        self.objects.append(b"")
        return len(self.objects)

    def set(self, num: int, body: bytes) -> None:
        self.objects[num - 1] = body

    def add(self, body: bytes) -> int:
        num = self.reserve()
        self.set(num, body)
        return num

    def add_stream(self, entries: dict[str, str], data: bytes) -> int:
        head = "".join(f"/{k} {v}" for k, v in entries.items())
        body = f"<</Length {len(data)}{head}>>\nstream\n".encode("latin-1") + data + b"\nendstream"
        return self.add(body)

    def add_image(self, img: _ImageObject) -> int:
        if img.icc is not None:
            icc_ref = self.add_stream({"N": str(img.icc_n), "Filter": "/FlateDecode"},
                                      zlib.compress(img.icc, 9))
            colorspace = f"[/ICCBased {icc_ref} 0 R]"
        else:
            colorspace = img.colorspace
        if img.palette is not None:
            colorspace = f"[/Indexed {colorspace} {len(img.palette) // 3 - 1} <{img.palette.hex()}>]"
        entries = {
            "Type": "/XObject", "Subtype": "/Image",
            "Width": str(img.width), "Height": str(img.height),
            "ColorSpace": colorspace, "BitsPerComponent": str(img.bits),
            "Filter": img.filter,
        }
        if img.decode:
            entries["Decode"] = img.decode
        if img.decode_parms:
            entries["DecodeParms"] = img.decode_parms
        if img.smask is not None:
            entries["SMask"] = f"{self.add_image(img.smask)} 0 R"
        return self.add_stream(entries, img.data)

    def build(self, pages: list[_PageSpec]) -> bytes:
        catalog = self.reserve()
        tree = self.reserve()
        kids = []
        for spec in pages:
            img = spec.image
            (pw, ph), (x, y, w, h) = page_layout(img.width, img.height, spec.dpi, spec.orientation)
            matrix = " ".join(_num(v) for v in placement_matrix(spec.orientation, x, y, w, h))
            content = f"q {matrix} cm /Im0 Do Q\n".encode("ascii")
            image_ref = self.add_image(img)
            content_ref = self.add_stream({}, content)
            kids.append(self.add(
                f"<</Type /Page /Parent {tree} 0 R /MediaBox [0 0 {_num(pw)} {_num(ph)}]"
                f" /Resources <</XObject <</Im0 {image_ref} 0 R>>>> /Contents {content_ref} 0 R>>"
                .encode("ascii")))
        self.set(catalog, f"<</Type /Catalog /Pages {tree} 0 R>>".encode("ascii"))
        self.set(tree, f"<</Type /Pages /Kids [{' '.join(f'{k} 0 R' for k in kids)}] /Count {len(kids)}>>"
                 .encode("ascii"))
        out = io.BytesIO()
        out.write(b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
        offsets = []
        for num, body in enumerate(self.objects, start=1):
            offsets.append(out.tell())
            out.write(f"{num} 0 obj\n".encode("ascii") + body + b"\nendobj\n")
        xref = out.tell()
        out.write(f"xref\n0 {len(self.objects) + 1}\n0000000000 65535 f \n".encode("ascii"))
        for off in offsets:
            out.write(f"{off:010d} 00000 n \n".encode("ascii"))
        out.write(f"trailer\n<</Size {len(self.objects) + 1} /Root {catalog} 0 R>>\nstartxref\n{xref}\n%%EOF\n"
                  .encode("ascii"))
        return out.getvalue()


# --- image decoding ---------------------------------------------------------------


@contextmanager
def _pillow_guard(collected: list[str]) -> Iterator[None]:
    """Open big photos (JPEG is never decoded in full) and keep Pillow's warnings from escaping."""
    old = Image.MAX_IMAGE_PIXELS
    Image.MAX_IMAGE_PIXELS = None
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            yield
        for w in caught:
            if issubclass(w.category, Image.DecompressionBombWarning):
                continue
            collected.append(f"读取图片时的提示：{w.message}")
    finally:
        Image.MAX_IMAGE_PIXELS = old


def _orientation(im: Image.Image) -> int:
    try:
        value = im.getexif().get(0x0112, 1)
    except Exception:  # a broken EXIF block must not stop the image from being used
        return 1
    return value if isinstance(value, int) and 1 <= value <= 8 else 1


def _jpeg_end(data: bytes) -> int:
    """Length of the first complete JPEG image in ``data`` (whole length when unsure)."""
    i, n = 2, len(data)
    while i + 4 <= n:
        if data[i] != 0xFF:
            return n
        marker = data[i + 1]
        if marker == 0xFF:
            i += 1
            continue
        if marker == 0xD9:
            return i + 2
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:
            i += 2
            continue
        seg = struct.unpack(">H", data[i + 2:i + 4])[0]
        i += 2 + seg
        if marker == 0xDA:  # entropy-coded data follows: skip to the next real marker
            while i + 1 < n:
                if data[i] == 0xFF and data[i + 1] != 0 and not 0xD0 <= data[i + 1] <= 0xD7:
                    break
                i += 1
    return n


def _jpeg_page(data: bytes, im: Image.Image) -> _PageSpec:
    mode = im.mode
    if mode not in ("L", "RGB", "CMYK"):
        raise ImageProblem(f"不支持的 JPEG 颜色模式 {mode}")
    width, height = im.size
    info = dict(im.info)
    orientation = _orientation(im)
    # Decode at 1/8 size: cheap, and it reads the whole file, so a truncated or
    # corrupt JPEG is caught here rather than shown half-grey by a viewer.
    im.draft(mode, (max(1, width // 8), max(1, height // 8)))
    im.load()
    colorspace = {"L": "/DeviceGray", "RGB": "/DeviceRGB", "CMYK": "/DeviceCMYK"}[mode]
    decode = "[1 0 1 0 1 0 1 0]" if mode == "CMYK" and "adobe" in info else None
    n = {"L": 1, "RGB": 3, "CMYK": 4}[mode]
    icc = info.get("icc_profile") or None
    if icc is not None and not _icc_matches(icc, n):
        icc = None
    img = _ImageObject(width, height, colorspace, 8, "/DCTDecode", data, decode=decode,
                       icc=icc, icc_n=n)
    return _PageSpec(img, orientation, _dpi(info))


def _icc_matches(icc: bytes, components: int) -> bool:
    """A well-formed ICC profile for ``components`` colour channels."""
    if len(icc) < 128:
        return False
    space = icc[16:20]
    return {b"GRAY": 1, b"RGB ": 3, b"CMYK": 4}.get(space) == components


def _png_chunks(data: bytes) -> Iterator[tuple[bytes, bytes]]:
    i = 8
    while i + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[i:i + 8])
        yield kind, data[i + 8:i + 8 + length]
        i += 12 + length
        if kind == b"IEND":
            return


def _png_image(data: bytes, icc: bytes | None) -> _ImageObject | None:
    """An image object straight from PNG bytes, or None when PDF cannot take them as they are."""
    header = None
    idat: list[bytes] = []
    palette = None
    for kind, body in _png_chunks(data):
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body[:13])
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"PLTE":
            palette = body
        elif kind == b"tRNS":
            return None
    if header is None or not idat:
        return None
    width, height, bits, ctype, _comp, _filter, interlace = header
    if interlace or bits > 8 or ctype not in (0, 2, 3) or (ctype == 3 and not palette):
        return None
    colors = {0: 1, 2: 3, 3: 1}[ctype]
    n = 3 if ctype == 3 else colors
    use_icc = icc if icc is not None and _icc_matches(icc, n) else None
    colorspace = "/DeviceRGB" if n == 3 else "/DeviceGray"
    parms = f"<</Predictor 15 /Colors {colors} /BitsPerComponent {bits} /Columns {width}>>"
    return _ImageObject(width, height, colorspace, bits, "/FlateDecode", b"".join(idat),
                        decode_parms=parms, icc=use_icc, icc_n=n,
                        palette=palette if ctype == 3 else None)


def _encode_png(frame: Image.Image) -> bytes:
    buf = io.BytesIO()
    frame.save(buf, format="PNG", compress_level=6)
    return buf.getvalue()


def _flate_image(frame: Image.Image) -> _ImageObject:
    """Lossless image object from a decoded frame (alpha → /SMask)."""
    icc = frame.info.get("icc_profile") or None
    mode = frame.mode
    if mode in ("I;16", "I;16B", "I;16L", "I;16N", "I"):
        frame = frame.convert("I").point(lambda v: v * (1 / 256)).convert("L")
    elif mode == "F":
        frame = frame.convert("L")
    elif mode == "P":
        frame = frame.convert("RGBA" if "transparency" in frame.info else "RGB")
    elif mode in ("PA", "RGBa", "RGBA"):
        frame = frame.convert("RGBA")
    elif mode in ("La", "LA"):
        frame = frame.convert("LA")
    elif mode in ("1", "L", "RGB", "CMYK"):
        pass
    else:
        frame = frame.convert("RGB")
    alpha = None
    if frame.mode in ("RGBA", "LA"):
        band = frame.getchannel("A")
        if band.getextrema() != (255, 255):
            alpha = band
        frame = frame.convert("RGB" if frame.mode == "RGBA" else "L")
    if frame.mode == "CMYK":
        img = _ImageObject(frame.width, frame.height, "/DeviceCMYK", 8, "/FlateDecode",
                           zlib.compress(frame.tobytes(), 6),
                           icc=icc if icc and _icc_matches(icc, 4) else None, icc_n=4)
    else:
        made = _png_image(_encode_png(frame), icc)
        if made is None:  # pragma: no cover - Pillow writes plain PNGs
            raise ImageProblem("无法编码图片")
        img = made
    if alpha is not None:
        mask = _png_image(_encode_png(alpha), None)
        if mask is None:  # pragma: no cover
            raise ImageProblem("无法编码图片的透明通道")
        img.smask = mask
    return img


def _encoded_size(img: _ImageObject) -> int:
    return len(img.data) + (len(img.smask.data) if img.smask is not None else 0)


def _frames(im: Image.Image) -> Iterator[Image.Image]:
    yield from ImageSequence.Iterator(im)


def image_to_pdf(src: Path, dest: Path, *, data: bytes | None = None) -> ImagePdf:
    """Write a PDF of ``src`` (an image file) to ``dest``: one A4 page per image frame.

    ``data`` may pass the file's bytes when the caller has read them already.
    Raises :class:`ImageProblem` when the image cannot be read.  ``src`` is only read.
    """
    if data is None:
        data = Path(src).read_bytes()
    notes: list[str] = []
    pages: list[_PageSpec] = []
    try:
        with _pillow_guard(notes), Image.open(io.BytesIO(data)) as im:
            fmt = im.format or ""
            if fmt not in IMAGE_FORMATS:
                raise ImageProblem(f"不支持的图片格式 {fmt or '未知'}")
            animated = fmt in ("GIF", "WEBP", "PNG") and getattr(im, "n_frames", 1) > 1
            # what will be decoded: every page of a TIFF, the first frame of anything else
            _check_budget(im, fmt, getattr(im, "n_frames", 1) if fmt == "TIFF" else 1)
            if fmt in ("JPEG", "MPO"):
                jpeg = data if fmt == "JPEG" else data[:_jpeg_end(data)]
                pages.append(_jpeg_page(jpeg, im))
            else:
                if fmt == "PNG" and not animated and im.mode in ("1", "L", "P", "RGB"):
                    im.load()  # decode once: a damaged PNG is an error, not a grey page
                    direct = _png_image(data, im.info.get("icc_profile") or None)
                    if direct is not None:
                        pages.append(_PageSpec(direct, _orientation(im), _dpi(im.info)))
                if not pages:
                    orientation = _orientation(im)
                    kept = 0
                    for frame in _frames(im):
                        frame.load()
                        dpi = _dpi(frame.info) if frame.info.get("dpi") else _dpi(im.info)
                        pages.append(_PageSpec(_flate_image(frame.copy()), orientation, dpi))
                        kept += _encoded_size(pages[-1].image)
                        if kept > limits.IMAGE_MAX_ENCODED_BYTES:
                            raise ImageTooLarge(
                                f"图片过大：前 {len(pages)} 页无损压缩后已超过 "
                                f"{_mib(limits.IMAGE_MAX_ENCODED_BYTES)} MB")
                        if animated:
                            notes.append(f"动图共 {getattr(im, 'n_frames', 1)} 帧，只使用第一帧")
                            break
    except ImageProblem:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError) as exc:
        raise ImageProblem(f"无法识别的图片（{exc.__class__.__name__}）") from None
    except (OSError, SyntaxError, ValueError, struct.error, EOFError, IndexError, KeyError) as exc:
        raise ImageProblem(f"图片已损坏或不完整（{exc}）") from None
    if not pages:
        raise ImageProblem("图片中没有可用的画面")
    pdf = _PdfBuilder().build(pages)
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(f".{dest.name}.partial")
    tmp.write_bytes(pdf)
    tmp.replace(dest)
    return ImagePdf(len(pages), tuple(dict.fromkeys(notes)))


__all__ = ["A4", "ImagePdf", "ImageProblem", "ImageTooLarge", "decoded_bytes", "image_to_pdf", "page_layout", "placement_matrix"]


# Bump when a change here changes the PDFs image_to_pdf makes (they are cached by skilldoc.cache).
CONVERTER_VERSION = "1"


def converter_version() -> str:
    """What besides the image decides the PDF made of it: this module's and Pillow's versions."""
    return f"{CONVERTER_VERSION} Pillow {Image.__version__}"
