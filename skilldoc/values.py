"""Tolerant parsing of what applicants type into workbook cells (pure, no openpyxl).

Each parser takes the raw cell value — ``None``, ``str``, ``int``, ``float``,
``Decimal``, ``bool``, ``datetime``/``date`` as openpyxl returns it — and
returns the typed value or raises :class:`ValueProblem` saying what was found
and what is expected (in Chinese, for the applicant).

Accepted for numbers: numbers stored as text, thousands separators (``2,000``,
``2，000``; groups of three only), full-width digits (``２０００``), stray
spaces anywhere (incl. U+3000 and NBSP), a trailing unit matching the field's
unit (``2000人次``, ``1.5万元``, ``92%``, ``92.5％``), and ``万`` as a
multiplier before the unit in fields not counted in 万元 (``1.2万人次`` → 12000).
All counts and amounts are non-negative.

Decimals are returned normalised and without an exponent for integral values
(``Decimal('2000.00')`` → ``Decimal('2000')``, never ``2E+3``).

Percentages are returned as a number 0–100.  A number (or bare number text)
above 0 and ≤ 1 is a fraction, whatever the cell's format: Excel, WPS and Calc
store ``96.5%`` typed into a General cell as 0.965, and no one means 0.965%.
Larger numbers are percentages as typed (92 in a %-formatted cell, shown as
9200%, means 92%); text with its own % sign means what it says (``0.5%``).

Dates: ``datetime``/``date`` cells, text ``2022-11-20``, ``2022/11/20``,
``2022.11.20``, ``2022年11月20日``, ``20221120`` (as text or as the number
20221120, optionally with a time), and Excel serial numbers in either date
system (``epoch`` 1900 or 1904).

Choices: only the listed options, compared ignoring spaces, full-/half-width
forms and quote styles (so ``专精特新"小巨人"企业`` matches).  Booleans (TRUE /
FALSE cells) are never accepted: a yes/no field takes its options (是 / 否).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation

from . import form
from .form import Field, FieldType

Raw = object  # whatever openpyxl returns for a cell


class ValueProblem(ValueError):
    """A cell value that does not fit its field: what was found, what is expected."""

    def __init__(self, found: str, expected: str) -> None:
        self.found = found
        self.expected = expected
        super().__init__(self.message)

    @property
    def message(self) -> str:
        return f"填写了“{self.found}”，应为{spaced(self.expected)}"


def spaced(text: str) -> str:
    """``text`` after a Chinese word: a space first when it starts with a digit or Latin letter."""
    return f" {text}" if text[:1].isascii() and text[:1].isalnum() else text


# --- text helpers ----------------------------------------------------------------

_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"  # zero-width characters and stray BOMs
_QUOTES = "\"'“”‘’「」『』＂＇"


def _strip(text: str) -> str:
    """Strip whitespace (incl. U+3000, NBSP) and zero-width characters at both ends."""
    return text.strip().strip(_INVISIBLE).strip()


def is_blank(raw: Raw) -> bool:
    """True for an empty cell or one holding only spaces."""
    return raw is None or (isinstance(raw, str) and _strip(raw) == "")


def _number_to_text(value: int | float | Decimal) -> str:
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return repr(value)
    if isinstance(value, Decimal):
        return str(normalise_decimal(value))
    return str(value)


def display(raw: Raw) -> str:
    """How a raw cell value is quoted back to the applicant in a message."""
    if is_blank(raw):
        return "（空）"
    if isinstance(raw, bool):
        return "TRUE" if raw else "FALSE"
    if isinstance(raw, int | float | Decimal):
        return _number_to_text(raw)
    if isinstance(raw, dt.datetime):
        return raw.isoformat(sep=" ") if raw.time() != dt.time() else raw.date().isoformat()
    if isinstance(raw, dt.date | dt.time | dt.timedelta):
        return str(raw)
    text = str(raw).replace("\r\n", "\n").replace("\n", "↵")
    return text if len(text) <= 60 else text[:57] + "…"


def normalise_text(raw: Raw) -> str:
    """Text as typed, minus surrounding spaces; numbers and dates become their usual text.

    Inner text is kept verbatim (full-width punctuation, ``<``, ``&``, ``{{``,
    emoji); only line endings are unified to ``\\n``.
    """
    if is_blank(raw):
        return ""
    if isinstance(raw, bool):
        raise ValueProblem(display(raw), "文字（不要使用 TRUE/FALSE）")
    if isinstance(raw, int | float | Decimal):
        return _number_to_text(raw)
    if isinstance(raw, dt.datetime):
        return display(raw)
    if isinstance(raw, dt.date):
        return raw.isoformat()
    text = str(raw).replace("\r\n", "\n").replace("\r", "\n")
    return _strip(text)


def _compact(text: str) -> str:
    """NFKC (full-width → ASCII, U+3000 → space) and no whitespace at all."""
    text = unicodedata.normalize("NFKC", text)
    return "".join(ch for ch in text if not ch.isspace() and ch not in _INVISIBLE)


# --- numbers -----------------------------------------------------------------------

# Accepted spellings of each unit, after NFKC.  Checked longest first.
UNIT_ALIASES: dict[str, tuple[str, ...]] = {
    "人次": ("人次",),
    "人": ("人", "名"),
    "台/套": ("台/套", "台(套)", "台套", "台", "套"),
    "万元": ("万元", "万"),
    "平方米": ("平方米", "平米", "m2", "㎡"),
    "%": ("%",),
    "个": ("个",),
    "年": ("年", "年度"),
}

_NUMBER = re.compile(r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|[+-]?\.\d+")
_TEN_THOUSAND = Decimal(10000)
_WIDE = Context(prec=60)  # enough digits that quantize/normalize never round a cell value


def normalise_decimal(value: Decimal) -> Decimal:
    """Drop trailing zeros without switching to exponent form: 2000.00 → 2000, 1.50 → 1.5."""
    if value == value.to_integral_value():
        return value.quantize(Decimal(1), context=_WIDE)
    return value.normalize(context=_WIDE)


PERCENT_DIGITS = 1  # percentages are shown with one decimal everywhere (report, DOCX, checks)


def round_half_up(value: int | float | Decimal, digits: int = PERCENT_DIGITS) -> Decimal:
    """``value`` rounded half up (away from zero at .5) to ``digits`` decimals: 23.85 → 23.9.

    The one rounding rule for figures shown to people — percentages in the
    check report, the DOCX and the templates — so the same figure never reads
    23.8% in one place and 23.9% in another.  Floats go through ``repr`` so
    0.1 + 0.2 is not rounded as 0.30000000000000004.
    """
    number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    return number.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP, context=_WIDE)


def percent_of(part: int | Decimal, whole: int | Decimal, digits: int = PERCENT_DIGITS) -> Decimal:
    """``part`` as a percentage of ``whole``, rounded by :func:`round_half_up` (``whole`` must not be 0)."""
    return round_half_up(Decimal(part) * 100 / Decimal(whole), digits)


def format_percent(value: int | float | Decimal, digits: int = PERCENT_DIGITS) -> str:
    """``23.9%``: a percentage (0–100) as shown everywhere, by :func:`round_half_up`."""
    return f"{round_half_up(value, digits)}%"


def _expected_number(kind: str, unit: str, example: str) -> str:
    unit_part = f"（单位：{unit}）" if unit else ""
    return f"{kind}{unit_part}，例如 {example}"


def _to_decimal(raw: Raw, unit: str, expected: str) -> Decimal:
    """The number in a cell, with the unit and separators removed (not yet range-checked)."""
    if isinstance(raw, bool) or is_blank(raw):
        raise ValueProblem(display(raw), expected)
    if isinstance(raw, int):
        return Decimal(raw)
    if isinstance(raw, float):
        if raw != raw or raw in (float("inf"), float("-inf")):
            raise ValueProblem(display(raw), expected)
        return Decimal(repr(raw))
    if isinstance(raw, Decimal):
        if not raw.is_finite():
            raise ValueProblem(display(raw), expected)
        return raw
    if not isinstance(raw, str):
        raise ValueProblem(display(raw), expected)
    text = _compact(raw)
    multiplier = Decimal(1)
    for alias in sorted(UNIT_ALIASES.get(unit, (unit,) if unit else ()), key=len, reverse=True):
        if alias and text.endswith(alias) and len(text) > len(alias):
            text = text[: -len(alias)]
            break
    if unit != "万元" and text.endswith("万") and len(text) > 1:
        text = text[:-1]
        multiplier = _TEN_THOUSAND
    if not _NUMBER.fullmatch(text):
        raise ValueProblem(display(raw), expected)
    try:
        return Decimal(text.replace(",", "")) * multiplier
    except InvalidOperation:  # pragma: no cover - the pattern rules this out
        raise ValueProblem(display(raw), expected) from None


def parse_decimal(raw: Raw, unit: str = "") -> Decimal:
    """A non-negative number such as an area (平方米) or an amount (万元)."""
    expected = _expected_number("不小于 0 的数字", unit, "1.5")
    value = _to_decimal(raw, unit, expected)
    if value < 0:
        raise ValueProblem(display(raw), expected)
    return normalise_decimal(value)


def parse_int(raw: Raw, unit: str = "") -> int:
    """A non-negative whole number (人, 人次, 台/套, 个)."""
    expected = _expected_number("不小于 0 的整数", unit, "2000")
    value = _to_decimal(raw, unit, expected)
    if value < 0 or value != value.to_integral_value():
        raise ValueProblem(display(raw), expected)
    return int(value)


def percent_is_fraction(raw: Raw) -> bool:
    """True when ``raw`` in a % field is a fraction: a number (or bare number text) above 0 and ≤ 1.

    ``96.5%`` typed into a General cell is stored as 0.965; no one reports a
    training pass rate of 0.965%, so in a field whose unit is % such a number is
    read as 96.5 (the loader warns, naming the cell).  Text with its own % sign
    (``0.5%``) means what it says.
    """
    if isinstance(raw, bool):
        return False
    if isinstance(raw, int | float | Decimal):
        try:
            value = _to_decimal(raw, "", "")
        except ValueProblem:
            return False
    elif isinstance(raw, str):
        text = _compact(raw)
        if not _NUMBER.fullmatch(text):
            return False
        value = Decimal(text.replace(",", ""))
    else:
        return False
    return 0 < value <= 1


def parse_percent(raw: Raw, unit: str = "%", percent_format: bool = False) -> Decimal:
    """A percentage 0–100 (see the module docstring for fractions such as 0.965)."""
    expected = "0 到 100 之间的百分数，例如 92.5（表示 92.5%）"
    value = _to_decimal(raw, unit or "%", expected)
    if percent_is_fraction(raw):
        value = value * 100
    if value < 0 or value > 100:
        raise ValueProblem(display(raw), expected)
    return normalise_decimal(value)


# --- dates ---------------------------------------------------------------------------

_DATE_TEXT = re.compile(
    r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?"
    r"(?:T?\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
)
_DATE_DIGITS = re.compile(r"(\d{4})(\d{2})(\d{2})")
_SERIAL_TEXT = re.compile(r"\d{5}(?:\.\d+)?")
DATE_EXPECTED = "日期，例如 2022-11-20 或 2022年11月20日"
_SERIAL_YEARS = (1950, 2100)  # a serial number outside these years is not a date anyone meant


def excel_serial_to_date(serial: float | int | Decimal, epoch: int = 1900) -> dt.date:
    """An Excel serial day number as a date, in the 1900 (Windows) or 1904 (Mac) system."""
    days = int(serial)
    if epoch == 1904:
        return dt.date(1904, 1, 1) + dt.timedelta(days=days)
    if days >= 61:  # Excel counts the non-existent 1900-02-29 (serial 60)
        return dt.date(1899, 12, 30) + dt.timedelta(days=days)
    return dt.date(1899, 12, 31) + dt.timedelta(days=days)


def parse_date(raw: Raw, epoch: int = 1900) -> dt.date:
    """A date: a date cell, date text, or an Excel serial number (``epoch`` 1900 or 1904)."""
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    serial: Decimal | None = None
    if isinstance(raw, int | float | Decimal) and not isinstance(raw, bool):
        try:
            serial = _to_decimal(raw, "", DATE_EXPECTED)
        except ValueProblem:
            raise ValueProblem(display(raw), DATE_EXPECTED) from None
        if serial == serial.to_integral_value() and _DATE_DIGITS.fullmatch(str(int(serial))):
            return parse_date(str(int(serial)), epoch)  # 20221118 typed as a number: yyyymmdd
    elif isinstance(raw, str):
        text = _compact(raw)
        if _SERIAL_TEXT.fullmatch(text):
            serial = Decimal(text)
        else:
            m = _DATE_TEXT.fullmatch(text) or _DATE_DIGITS.fullmatch(text)
            if not m:
                raise ValueProblem(display(raw), DATE_EXPECTED)
            try:
                return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            except ValueError:
                raise ValueProblem(display(raw), "实际存在的" + DATE_EXPECTED) from None
    if serial is None:
        raise ValueProblem(display(raw), DATE_EXPECTED)
    try:
        date = excel_serial_to_date(serial, epoch)
    except (OverflowError, ValueError):
        raise ValueProblem(display(raw), DATE_EXPECTED) from None
    if not (_SERIAL_YEARS[0] <= date.year <= _SERIAL_YEARS[1]):
        raise ValueProblem(display(raw), DATE_EXPECTED)
    return date


# --- choices -------------------------------------------------------------------------


def _choice_key(text: str) -> str:
    key = _compact(text)
    key = "".join(ch for ch in key if ch not in _QUOTES)
    return key.replace("其它", "其他").replace("、", ".").replace("．", ".")


def parse_choice(raw: Raw, options: Iterable[str], aliases: Mapping[str, str] | None = None) -> str:
    """One of ``options`` (returned exactly as listed); ``aliases`` maps other spellings to options."""
    options = tuple(options)
    expected = "下列选项之一：" + "、".join(options) + "（可从下拉列表中选择）"
    if isinstance(raw, bool) or is_blank(raw):
        raise ValueProblem(display(raw), expected)
    text = normalise_text(raw)
    table = {_choice_key(o): o for o in options}
    for alias, option in (aliases or {}).items():
        table.setdefault(_choice_key(alias), option)
    try:
        return table[_choice_key(text)]
    except KeyError:
        raise ValueProblem(display(raw), expected) from None


def evidence_part_aliases() -> dict[str, str]:
    """Other ways people name a part: ``3.师资队伍`` may be typed ``师资队伍``, ``3、师资队伍`` or ``3``."""
    aliases: dict[str, str] = {"基本信息": form.HEADER_PART, "基本信息表": form.HEADER_PART}
    for s in form.SECTIONS:
        for alias in (s.name, str(s.number), f"{s.number}、{s.name}", f"{s.number}-{s.name}",
                      f"{s.number} {s.name}"):
            aliases[alias] = s.title
    return aliases


# --- contact details -------------------------------------------------------------------


def _digits_text(raw: Raw) -> str:
    """Text of a cell that should hold digits: numbers lose a trailing .0, text is NFKC'd."""
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    if isinstance(raw, int) and not isinstance(raw, bool):
        return str(raw)
    if isinstance(raw, str):
        return unicodedata.normalize("NFKC", _strip(raw))
    return display(raw)


def parse_postcode(raw: Raw) -> str:
    expected = "6 位数字的邮政编码，例如 312000"
    if isinstance(raw, bool):
        raise ValueProblem(display(raw), expected)
    text = restored_leading_zero(raw, FieldType.POSTCODE) or _compact(_digits_text(raw))
    if not re.fullmatch(r"\d{6}", text):
        raise ValueProblem(display(raw), expected)
    return text


_PHONE = re.compile(r"[0-9+()（）\-—– /、,，;；转ext.xX]+")
_MOBILE = re.compile(r"1[3-9]\d{9}")


def restored_leading_zero(raw: Raw, field_type: FieldType) -> str | None:
    """The digits of a number cell with its lost leading 0 put back, or None when none was lost.

    A postcode has 6 digits, so a 5-digit number lost its 0 (010000 → 10000).
    A Chinese landline with its area code starts with 0 and has 11 or 12 digits
    (010-12345678, 0471-1234568, 0575-88001234); typed as a number it keeps 10
    or 11.  An 11-digit number starting 13–19 is a mobile, and 400/800 service
    numbers have 10 digits and no 0: those are left alone.
    """
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        return None
    text = _digits_text(raw)
    if not text.isdigit():
        return None
    if field_type is FieldType.POSTCODE:
        return "0" + text if len(text) == 5 else None
    if field_type is FieldType.PHONE and len(text) in (10, 11) and not _MOBILE.fullmatch(text) \
            and not text.startswith(("400", "800")):
        return "0" + text
    return None


def parse_phone(raw: Raw) -> str:
    expected = "电话号码，例如 0575-88001234"
    if isinstance(raw, bool):
        raise ValueProblem(display(raw), expected)
    text = restored_leading_zero(raw, FieldType.PHONE) or _digits_text(raw)
    digits = sum(ch.isdigit() for ch in text)
    if not _PHONE.fullmatch(text) or not 7 <= digits <= 30:
        raise ValueProblem(display(raw), expected)
    return re.sub(r"\s+", " ", text)


def parse_mobile(raw: Raw) -> str:
    expected = "11 位手机号码，例如 13800001234"
    if isinstance(raw, bool):
        raise ValueProblem(display(raw), expected)
    text = re.sub(r"[\s\-—–]", "", _digits_text(raw))
    text = re.sub(r"^(?:\+?86)(?=1\d{10}$)", "", text)
    if not re.fullmatch(r"1\d{10}", text):
        raise ValueProblem(display(raw), expected)
    return text


def parse_email(raw: Raw) -> str:
    expected = "电子邮箱，例如 office@example.edu.cn"
    text = _compact(normalise_text(raw)) if isinstance(raw, str) else ""
    if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s.]+", text):
        raise ValueProblem(display(raw), expected)
    return text


def parse_url(raw: Raw) -> str:
    expected = "网址，例如 www.example.edu.cn"
    text = normalise_text(raw) if isinstance(raw, str) else ""
    if not re.fullmatch(r"(?:https?://)?[^\s.]+(?:\.[^\s.]+)+/?\S*", text):
        raise ValueProblem(display(raw), expected)
    return text


def expected_text(field: Field) -> str:
    """What a cell of ``field`` should hold, for “未填写” messages (same wording as the parsers)."""
    t = field.type
    if t is FieldType.INT:
        return _expected_number("不小于 0 的整数", field.unit, "2000")
    if t is FieldType.DECIMAL:
        return _expected_number("不小于 0 的数字", field.unit, "1.5")
    if t is FieldType.PERCENT:
        return "0 到 100 之间的百分数，例如 92.5（表示 92.5%）"
    if t is FieldType.DATE:
        return DATE_EXPECTED
    if t is FieldType.CHOICE:
        return "下列选项之一：" + "、".join(field.options) + "（可从下拉列表中选择）"
    if t is FieldType.POSTCODE:
        return "6 位数字的邮政编码，例如 312000"
    if t is FieldType.PHONE:
        return "电话号码，例如 0575-88001234"
    if t is FieldType.MOBILE:
        return "11 位手机号码，例如 13800001234"
    if t is FieldType.EMAIL:
        return "电子邮箱，例如 office@example.edu.cn"
    if t is FieldType.URL:
        return "网址，例如 www.example.edu.cn"
    return "文字"


# --- the dispatcher --------------------------------------------------------------------


def parse_field(field: Field, raw: Raw, *, percent_format: bool = False, epoch: int = 1900,
                aliases: Mapping[str, str] | None = None) -> str | int | Decimal | dt.date | None:
    """Parse ``raw`` as ``field`` says; ``None`` for a blank cell (the caller decides if that is allowed)."""
    if is_blank(raw):
        return None
    t = field.type
    if t is FieldType.TEXT:
        return normalise_text(raw)
    if t is FieldType.INT:
        return parse_int(raw, field.unit)
    if t is FieldType.DECIMAL:
        return parse_decimal(raw, field.unit)
    if t is FieldType.PERCENT:
        return parse_percent(raw, field.unit or "%", percent_format)
    if t is FieldType.DATE:
        return parse_date(raw, epoch)
    if t is FieldType.CHOICE:
        return parse_choice(raw, field.options, aliases)
    if t is FieldType.POSTCODE:
        return parse_postcode(raw)
    if t is FieldType.PHONE:
        return parse_phone(raw)
    if t is FieldType.MOBILE:
        return parse_mobile(raw)
    if t is FieldType.EMAIL:
        return parse_email(raw)
    if t is FieldType.URL:
        return parse_url(raw)
    raise AssertionError(f"unhandled field type {t}")  # pragma: no cover


# --- evidence file lists -------------------------------------------------------------------

_PATH_SEPARATORS = re.compile(r"[\r\n;；]+")


def split_paths(raw: Raw) -> list[str]:
    """The paths in an evidence 文件 cell: separated by newlines or semicolons (；/;).

    Surrounding quotes (Windows “Copy as path”) and spaces are removed; Windows
    backslashes become ``/``.
    """
    text = normalise_text(raw)
    paths = []
    for part in _PATH_SEPARATORS.split(text):
        part = _strip(part).strip(_QUOTES).strip()
        if part:
            paths.append(part.replace("\\", "/"))
    return paths
