"""The tolerant cell parsers of skilldoc.values: every accepted spelling, every rejection."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from skilldoc import form
from skilldoc.form import FieldType
from skilldoc.values import (
    ValueProblem,
    excel_serial_to_date,
    format_percent,
    normalise_decimal,
    normalise_text,
    parse_choice,
    parse_date,
    parse_decimal,
    parse_email,
    parse_field,
    parse_int,
    parse_mobile,
    parse_percent,
    parse_phone,
    parse_postcode,
    parse_url,
    percent_is_fraction,
    percent_of,
    restored_leading_zero,
    round_half_up,
    split_paths,
)

FULL_WIDTH = str.maketrans("0123456789.,%", "０１２３４５６７８９．，％")


# --- integers ---------------------------------------------------------------------------


@pytest.mark.parametrize("raw", [
    2000, 2000.0, Decimal("2000.00"), "2000", " 2000 ", "2,000", "2，000", "２０００", "２，０００",
    "2000人次", "2000 人次", "\u30002000\u3000", "\xa02000\xa0", "2000\u200b", "2000.0", "0.2万人次", "0.2万",
])
def test_int_accepts_what_people_type(raw):
    assert parse_int(raw, "人次") == 2000


@pytest.mark.parametrize("raw, unit, value", [
    ("30台", "台/套", 30), ("30套", "台/套", 30), ("30台/套", "台/套", 30), ("45人", "人", 45),
    ("12个", "个", 12), ("1,234,567", "", 1234567), (0, "人", 0), ("1.2万人次", "人次", 12000),
])
def test_int_units(raw, unit, value):
    assert parse_int(raw, unit) == value


@pytest.mark.parametrize("raw", [
    "两千", "2000人", "2000元", "2000.5", 2000.5, -1, "-5", "20,00", "2,0000", "1,2,3", "", None, True,
    "2000人次多", "约2000", dt.date(2022, 1, 1), "2e3", "NaN", float("nan"),
])
def test_int_rejects(raw):
    with pytest.raises(ValueProblem) as info:
        parse_int(raw, "人次")
    assert "整数" in info.value.expected and "人次" in info.value.expected
    assert info.value.message.startswith("填写了“")


def test_int_problem_message_quotes_what_was_typed():
    with pytest.raises(ValueProblem) as info:
        parse_int("两千", "人次")
    assert info.value.message == "填写了“两千”，应为不小于 0 的整数（单位：人次），例如 2000"


@given(st.integers(min_value=0, max_value=10**12))
def test_int_round_trips_every_spelling(n):
    plain = str(n)
    grouped = f"{n:,}"
    for raw in (n, float(n) if n < 2**53 else n, plain, grouped, grouped.replace(",", "，"),
                plain.translate(FULL_WIDTH), grouped.translate(FULL_WIDTH), f" {plain}人次 ", f"\u3000{grouped}人次"):
        assert parse_int(raw, "人次") == n


# --- decimals ----------------------------------------------------------------------------


@pytest.mark.parametrize("raw, unit, value", [
    ("1.5万元", "万元", "1.5"), ("1.5万", "万元", "1.5"), ("１．５万元", "万元", "1.5"), (1.5, "万元", "1.5"),
    ("1,234.50", "万元", "1234.5"), (Decimal("2000.00"), "万元", "2000"), ("2000.00", "", "2000"),
    (0.1, "", "0.1"), ("12000平方米", "平方米", "12000"), ("1.2万平方米", "平方米", "12000"),
    ("8600㎡", "平方米", "8600"), ("8600 m²", "平方米", "8600"), (1e15, "", "1000000000000000"),
])
def test_decimal_accepts(raw, unit, value):
    result = parse_decimal(raw, unit)
    assert result == Decimal(value)
    assert str(result) == value  # normalised, no exponent


@pytest.mark.parametrize("raw", ["15000元", "一万", "-1.5", "1.5亿", "1..5", "", None, False, "1.5万元整"])
def test_decimal_rejects(raw):
    with pytest.raises(ValueProblem):
        parse_decimal(raw, "万元")


@given(st.decimals(min_value=0, max_value=10**9, places=4, allow_nan=False, allow_infinity=False))
def test_decimal_is_normalised_without_exponent(d):
    for raw in (d, str(d), f"{d}万元", f"{d:,}".translate(FULL_WIDTH)):
        result = parse_decimal(raw, "万元")
        assert result == d
        assert "E" not in str(result)
        assert str(result) == str(normalise_decimal(result))


@given(st.integers(min_value=0, max_value=10**15), st.integers(min_value=0, max_value=6))
def test_normalise_decimal_never_uses_exponent_for_integers(n, zeros):
    d = Decimal(n).scaleb(zeros).quantize(Decimal(1)) if zeros else Decimal(f"{n}.{'0' * 3}")
    assert "E" not in str(normalise_decimal(d))
    assert normalise_decimal(Decimal("2000.00")) == Decimal("2000")
    assert str(normalise_decimal(Decimal("2E+3"))) == "2000"


@given(st.floats(min_value=0, max_value=1e12, allow_nan=False, allow_infinity=False))
def test_decimal_of_a_float_cell_is_its_shortest_repr(f):
    result = parse_decimal(f)
    assert float(result) == f
    assert "E" not in str(result) or f < 1e-6


# --- percentages ------------------------------------------------------------------------


@pytest.mark.parametrize("raw, fmt, value", [
    ("92%", False, "92"), ("92.5％", False, "92.5"), ("９２．５％", False, "92.5"), (92.5, False, "92.5"),
    ("92.5", False, "92.5"), (0.925, True, "92.5"), (1, True, "100"), (1.0, True, "100"), (92, True, "92"),
    (0, False, "0"), (100, False, "100"), ("100%", False, "100"), (0.95, False, "95"), (Decimal("0.9"), True, "90"),
    (0.965, False, "96.5"), ("0.965", False, "96.5"), (1, False, "100"), ("0.5%", False, "0.5"), (1.5, False, "1.5"),
])
def test_percent(raw, fmt, value):
    result = parse_percent(raw, "%", percent_format=fmt)
    assert result == Decimal(value)
    assert str(result) == value


@pytest.mark.parametrize("raw", ["101%", 150, "九成", "-1", "92.5‰", True])
def test_percent_rejects(raw):
    with pytest.raises(ValueProblem):
        parse_percent(raw)


@given(st.decimals(min_value=0, max_value=1, places=4))
def test_percent_fraction_in_percent_cell(frac):
    assert parse_percent(float(frac), percent_format=True) == normalise_decimal(Decimal(repr(float(frac))) * 100)
    assert parse_percent(f"{frac * 100}%") == normalise_decimal(frac * 100)


# --- dates ------------------------------------------------------------------------------

NOV20 = dt.date(2022, 11, 20)


@pytest.mark.parametrize("raw", [
    NOV20, dt.datetime(2022, 11, 20, 0, 0), dt.datetime(2022, 11, 20, 15, 30), "2022-11-20", "2022/11/20",
    "2022.11.20", "2022年11月20日", "2022年11月20", "２０２２年１１月２０日", " 2022 年 11 月 20 日 ", "20221120",
    "2022-11-20 00:00:00", "2022-11-20T08:00", 44885, 44885.0, "44885", 44885.5,
])
def test_date_accepts(raw):
    assert parse_date(raw) == NOV20


@pytest.mark.parametrize("raw", [20221120, 20221120.0, Decimal("20221120")])
def test_date_typed_as_an_eight_digit_number(raw):
    assert parse_date(raw) == dt.date(2022, 11, 20)
    with pytest.raises(ValueProblem, match="实际存在"):
        parse_date(20221320)


def test_date_1904_serial():
    assert parse_date(43423, epoch=1904) == NOV20
    assert excel_serial_to_date(1, 1904) == dt.date(1904, 1, 2)


def test_excel_1900_leap_bug():
    assert excel_serial_to_date(59) == dt.date(1900, 2, 28)
    assert excel_serial_to_date(61) == dt.date(1900, 3, 1)
    assert excel_serial_to_date(1) == dt.date(1900, 1, 1)


@pytest.mark.parametrize("raw", [
    "2022-13-01", "2022-02-30", "二〇二二年十一月", "2022年11月", "11/20/2022", "2022", 2022, True, "昨天",
    dt.time(8, 0), -5, 10**9,
])
def test_date_rejects(raw):
    with pytest.raises(ValueProblem) as info:
        parse_date(raw)
    assert "日期" in info.value.expected


@given(st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2099, 12, 31)))
def test_date_round_trips(d):
    serial = (d - dt.date(1899, 12, 30)).days
    serial_1904 = (d - dt.date(1904, 1, 1)).days
    for raw in (d, d.isoformat(), d.strftime("%Y/%m/%d"), f"{d.year}年{d.month}月{d.day}日", serial):
        assert parse_date(raw) == d
    assert parse_date(serial_1904, epoch=1904) == d


# --- choices ----------------------------------------------------------------------------


@pytest.mark.parametrize("raw, value", [
    ("技工院校", "技工院校"), (" 技工院校\u3000", "技工院校"), ("专精特新\"小巨人\"企业", "专精特新“小巨人”企业"),
    ("专精特新小巨人企业", "专精特新“小巨人”企业"), ("专精特新「小巨人」企业", "专精特新“小巨人”企业"),
    ("其它", "其他"),
])
def test_choice(raw, value):
    assert parse_choice(raw, form.UNIT_CATEGORIES) == value


@pytest.mark.parametrize("raw", [True, False, "Y", "yes", "1", 1, "是的", ""])
def test_yes_no_only_via_options(raw):
    with pytest.raises(ValueProblem) as info:
        parse_choice(raw, form.YES_NO)
    assert "是、否" in info.value.expected
    assert parse_choice(" 是 ", form.YES_NO) == "是"


def test_evidence_part_aliases():
    field = dict((f.key, f) for f in form.EVIDENCE_COLUMNS)["part"]
    from skilldoc.values import evidence_part_aliases

    aliases = evidence_part_aliases()
    for raw in ("3.师资队伍", "3、师资队伍", "师资队伍", "3", "３．师资队伍", "3-师资队伍"):
        assert parse_field(field, raw, aliases=aliases) == "3.师资队伍"
    assert parse_field(field, "基本信息", aliases=aliases) == form.HEADER_PART
    with pytest.raises(ValueProblem):
        parse_field(field, "9.其他", aliases=aliases)


# --- contact details and text -------------------------------------------------------------


@pytest.mark.parametrize("frac", [0.965, 0.5, 1, Decimal("0.01")])
def test_fraction_is_a_percentage_in_any_format(frac):
    assert percent_is_fraction(frac)
    assert parse_percent(frac) == normalise_decimal(Decimal(repr(frac) if isinstance(frac, float) else frac) * 100)


@pytest.mark.parametrize("raw", [0, 1.5, 96.5, "0.5%", "九成", True, None])
def test_not_a_fraction(raw):
    assert not percent_is_fraction(raw)


def test_round_half_up_one_decimal():
    assert round_half_up(Decimal("23.85")) == Decimal("23.9")  # ROUND_FLOOR gave 23.8, the DOCX 23.9
    assert round_half_up(23.85) == Decimal("23.9")
    assert round_half_up(Decimal("23.84999")) == Decimal("23.8")
    assert str(round_half_up(20)) == "20.0"
    assert percent_of(119, 500) == Decimal("23.8") and percent_of(477, 2000) == Decimal("23.9")
    assert format_percent(Decimal("96.45")) == "96.5%"


def test_contact_details():
    assert parse_postcode(312000) == "312000"
    assert parse_postcode(312000.0) == "312000"
    assert parse_postcode("３１２０００") == "312000"
    assert parse_postcode(10000) == "010000"  # a number cell lost the leading zero
    for bad in ("31200", "3120000", "31200a", True):
        with pytest.raises(ValueProblem):
            parse_postcode(bad)
    assert parse_phone("0575-88001234") == "0575-88001234"
    assert parse_phone("（0575）88001234") == "(0575)88001234"
    assert parse_phone(57588001234) == "057588001234"  # a number cell dropped the leading zero
    assert parse_phone(4711234568) == "04711234568"
    assert parse_phone(1012345678.0) == "01012345678"  # Beijing 010
    assert parse_phone(88001234) == "88001234"  # no area code: nothing was lost
    assert parse_phone(4008001234) == "4008001234"  # service numbers have no leading 0
    assert parse_phone("4711234568") == "4711234568"  # text keeps what was typed
    assert restored_leading_zero(13800001234, FieldType.PHONE) is None  # a mobile in the phone field
    assert restored_leading_zero(4711234568, FieldType.PHONE) == "04711234568"
    assert restored_leading_zero(4711234568, FieldType.MOBILE) is None
    assert restored_leading_zero(10000, FieldType.POSTCODE) == "010000"
    for bad in ("123", "电话", "0575-8800abcd"):
        with pytest.raises(ValueProblem):
            parse_phone(bad)
    for raw in ("13800001234", "138 0000 1234", "138-0000-1234", "+86 13800001234", 13800001234, 13800001234.0,
                "１３８００００１２３４"):
        assert parse_mobile(raw) == "13800001234"
    for bad in ("1380000123", "23800001234", "138000012345"):
        with pytest.raises(ValueProblem):
            parse_mobile(bad)
    assert parse_email(" office@example.edu.cn ") == "office@example.edu.cn"
    assert parse_email("office＠example.edu.cn") == "office@example.edu.cn"
    for bad in ("office", "office@", "a@b", 5):
        with pytest.raises(ValueProblem):
            parse_email(bad)
    assert parse_url("www.example.edu.cn") == "www.example.edu.cn"
    assert parse_url("https://example.com/a?b=1") == "https://example.com/a?b=1"
    with pytest.raises(ValueProblem):
        parse_url("没有")


@pytest.mark.parametrize("raw, text", [
    ("  绍兴市越城区\u3000", "绍兴市越城区"), ("a <b> & {{ c }} “d” 😀", "a <b> & {{ c }} “d” 😀"),
    ("第一行\r\n第二行", "第一行\n第二行"), (2000, "2000"), (2000.0, "2000"), (1.5, "1.5"), (None, ""),
    (dt.datetime(2022, 11, 20), "2022-11-20"),
])
def test_normalise_text_keeps_user_text(raw, text):
    assert normalise_text(raw) == text


@given(st.text())
def test_normalise_text_only_trims(s):
    out = normalise_text(s)
    assert out in s.replace("\r\n", "\n").replace("\r", "\n")


def test_split_paths():
    assert split_paths("证明材料/a.pdf\n证明材料/b.jpg；证明材料/c.pdf;  证明材料/d.png ;") == [
        "证明材料/a.pdf", "证明材料/b.jpg", "证明材料/c.pdf", "证明材料/d.png"]
    assert split_paths('"证明材料\\营业执照.pdf"') == ["证明材料/营业执照.pdf"]
    assert split_paths("\r\n；") == []


@pytest.mark.parametrize("field", [f for f in form.HEADER_FIELDS])
def test_every_header_field_parses_blank_to_none(field):
    assert parse_field(field, None) is None
    assert parse_field(field, " \u3000") is None
