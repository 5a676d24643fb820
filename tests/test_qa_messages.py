"""QA walk: messages that point at the fix — the 编号 meant, the file meant."""

from __future__ import annotations

from pathlib import Path

import pytest

from skilldoc.errors import EvidenceError, InputError
from skilldoc.evidence.sources import prepare_inputs
from skilldoc.form import SECTIONS
from skilldoc.model import Application, EvidenceItem, Header, PageRange, SectionSource
from skilldoc.render import render_sections


def _render_problems(text: str, codes: list[str]) -> list[str]:
    items = tuple(EvidenceItem(c, f"材料{c}", SECTIONS[0].title, (Path(f"/x/{c}.pdf"),)) for c in codes)
    app = Application(Header({}), (), (), (), items)
    source = SectionSource(SECTIONS[0], Path("sections/1-申报背景.md"), text)
    with pytest.raises(InputError) as info:
        render_sections(app, [source], {c: PageRange(i + 1, i + 1) for i, c in enumerate(codes)})
    return [p.render() for p in info.value.problems]


@pytest.mark.parametrize("typed", ["E1", "e01", "Ｅ０１", "E001"])
def test_unknown_code_suggests_the_zero_padded_one(typed: str) -> None:
    codes = [f"E{i:02d}" for i in range(1, 30)]
    (problem,) = _render_problems(f'见{{{{ 证明("{typed}") }}}}', codes)
    assert "是否想写 “E01”" in problem, problem


def test_missing_evidence_file_names_the_file_meant(tmp_path: Path) -> None:
    folder = tmp_path / "证明材料"
    folder.mkdir()
    (folder / "E07-实训设备清单-改名.pdf").write_bytes(b"%PDF-1.4\n")
    (folder / "E06-实训场所平面图.pdf").write_bytes(b"%PDF-1.4\n")
    (folder / "营业执照.pdf").write_bytes(b"%PDF-1.4\n")
    items = [EvidenceItem("E07", "设备清单", SECTIONS[1].title, (folder / "E07-实训设备清单.pdf",), row=3),
             EvidenceItem("E01", "营业执照", SECTIONS[0].title, (tmp_path / "营业执照.pdf",), row=4)]
    with pytest.raises(EvidenceError) as info:
        prepare_inputs(items, tmp_path / "work", root=tmp_path)
    hints = [p.hint or "" for p in info.value.problems if p.code == "evidence.missing"]
    assert len(hints) == 2
    assert "E07-实训设备清单-改名.pdf" in hints[0] and "E06" not in hints[0]
    assert "证明材料/营业执照.pdf" in hints[1]  # written without its folder


def test_missing_file_without_anything_close_keeps_the_plain_hint(tmp_path: Path) -> None:
    items = [EvidenceItem("E01", "营业执照", SECTIONS[0].title, (tmp_path / "nothing-like-it.pdf",))]
    with pytest.raises(EvidenceError) as info:
        prepare_inputs(items, tmp_path / "work", root=tmp_path)
    assert "相近" not in (info.value.problems[0].hint or "")


@pytest.mark.parametrize("field_key, typed", [("postcode", "31200"), ("mobile", "1380000123")])
def test_expected_digits_are_spaced_from_chinese(field_key: str, typed: str) -> None:
    from skilldoc.form import HEADER_BY_KEY
    from skilldoc.values import ValueProblem, parse_field

    field = HEADER_BY_KEY[field_key]
    with pytest.raises(ValueProblem) as info:
        parse_field(field, typed)
    assert "，应为 " in info.value.message and "应为6" not in info.value.message


def test_blank_required_cell_message_is_spaced_too(tmp_path: Path) -> None:
    from skilldoc.workbook import load_application, write_workbook

    path = tmp_path / "申报数据.xlsx"
    write_workbook(path, 2022)
    with pytest.raises(InputError) as info:
        load_application(path, tmp_path)
    postcode = next(p for p in info.value.problems if p.location and p.location.cell == "C6")
    assert "未填写，应为 6 位数字" in postcode.message
