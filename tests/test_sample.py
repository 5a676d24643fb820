"""The bundled sample applicant (data_samples/demo) loads, renders, counts and cites as promised."""

from __future__ import annotations

import datetime as dt
import importlib.util
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from PIL import Image, ImageOps
from pypdf import PdfReader

from skilldoc import form
from skilldoc.checks.engine import section_plain_text
from skilldoc.checks.wordcount import count_text
from skilldoc.model import PageRange, SectionSource
from skilldoc.render import render_sections
from skilldoc.workbook import load_application

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data_samples" / "demo"
EVIDENCE = SAMPLE / form.LAYOUT.evidence_dir
MIN_WORDS, MAX_WORDS = 1500, 2900


@pytest.fixture(scope="module")
def app():
    application, warnings = load_application(SAMPLE / form.LAYOUT.workbook, SAMPLE)
    assert warnings == []
    return application


@pytest.fixture(scope="module")
def page_map(app):
    """Consecutive placeholder pages, one per file (the real map comes from the bundle)."""
    pages, first = {}, 1
    for item in app.evidence:
        pages[item.code] = PageRange(first, first + len(item.files) - 1)
        first += len(item.files)
    return pages


@pytest.fixture(scope="module")
def rendered(app, page_map):
    sources = []
    for section in form.SECTIONS:
        path = SAMPLE / form.LAYOUT.sections_dir / section.filename
        sources.append(SectionSource(section, path, path.read_text(encoding="utf-8")))
    sections, warnings = render_sections(app, sources, page_map)
    assert warnings == []
    return sections


def test_workbook_loads_with_the_tolerated_input_forms(app):
    h = app.header
    assert h.org_name == "浙江省示范市高级技工学校（虚构）"
    assert h.category == "技工院校"
    assert h.filled_on == dt.date(2022, 11, 20)  # typed as text "2022年11月20日"
    assert h.equipment_value == Decimal("2860")  # typed as "2860万元"
    assert h.is_assessor == "是" and h.assessor_since == dt.date(2020, 8, 18)
    assert [y.year for y in app.years] == [2019, 2020, 2021]
    assert app.years[-1].trained == 2350  # typed as text "2,350"


def test_workbook_figures_pass_the_national_thresholds_and_agree(app):
    latest = app.years[-1]
    assert latest.trained >= 2000 and latest.advanced * 5 >= latest.trained
    assert all(y.pass_rate >= 90 and y.satisfaction >= 90 for y in app.years)
    assert app.header.equipment_value >= 2000
    assert len([o for o in app.occupations if o.equipment_count]) >= 3
    for occ in app.occupations:
        experts = app.experts_for(occ.name)
        assert len(experts) >= 3
        assert {e.category for e in experts} == set(form.EXPERT_CATEGORIES)
    for total in app.years:
        rows = [o.year(total.year) for o in app.occupations]
        assert total.advanced <= total.trained
        assert sum(r.trained for r in rows) <= total.trained
        assert sum(r.advanced for r in rows) <= total.advanced
        assert all(r.advanced <= r.trained for r in rows)
    h = app.header
    assert h.instructors == h.instr_senior + h.instr_first + h.instr_title_other
    assert h.instructors == (h.instr_senior_technician + h.instr_technician + h.instr_senior_worker
                             + h.instr_level_other)


def test_all_eight_sections_render_within_the_word_range(rendered):
    assert [r.section.title for r in rendered] == [s.title for s in form.SECTIONS]
    for r in rendered:
        words = count_text(section_plain_text(r)).words
        assert MIN_WORDS <= words <= MAX_WORDS, (r.section.title, words)
        assert r.source.read_text(encoding="utf-8").startswith("{# " + r.section.title)


def test_sections_use_markup_and_keep_special_characters(rendered):
    text = "\n".join(r.text for r in rendered)
    assert "合格率 < 90% 的班次" in text
    assert "校企合作 & 产教融合" in text
    assert "“{{课程名称}}”" in text
    assert "浙江省示范市高级技工学校（虚构）" in text
    assert "| 数控车工 | 480 | 450 | 520 | 146 | 28.1% |" in text  # the {% for %} table of 4.技能培训
    kinds = {type(b).__name__ for r in rendered for b in r.blocks}
    assert {"Heading", "Paragraph", "ListItem", "Table"} <= kinds
    assert any(run.bold for r in rendered for b in r.blocks if hasattr(b, "runs") for run in b.runs)


def test_every_section_cites_and_every_item_is_cited(app, rendered):
    for r in rendered:
        assert r.cited, r.section.title
    cited = {code for r in rendered for code in r.cited}
    assert cited == {item.code for item in app.evidence}


def test_every_evidence_file_exists_and_the_folder_stays_small(app):
    assert 20 <= sum(len(item.files) for item in app.evidence) <= 40
    for item in app.evidence:
        assert item.part in form.EVIDENCE_PARTS
        for path in item.files:
            assert path.is_file() and path.stat().st_size > 0, (item.code, path)
    assert any(len(item.files) == 2 for item in app.evidence)
    total = sum(p.stat().st_size for p in EVIDENCE.iterdir())
    assert total < 4 * 1024 * 1024


def test_phone_photos_need_exif_rotation_to_stand_upright():
    with Image.open(EVIDENCE / "E01-办学许可证.jpg") as im:
        assert im.getexif().get(0x0112) == 6
        assert im.size == (1200, 900)  # stored sideways
        assert ImageOps.exif_transpose(im).size == (900, 1200)  # a portrait certificate
    with Image.open(EVIDENCE / "E02-事业单位法人证书.jpg") as im:
        assert im.getexif().get(0x0112) == 3


def test_pdf_page_forms_rotate_a3_and_scan():
    rotated = PdfReader(EVIDENCE / "E06-实训场所平面图.pdf").pages[0]
    assert rotated.rotation == 90
    assert (float(rotated.mediabox.width), float(rotated.mediabox.height)) == pytest.approx((595.28, 841.89), abs=0.1)
    a3 = PdfReader(EVIDENCE / "E07-实训设备清单.pdf").pages[0]
    assert (float(a3.mediabox.width), float(a3.mediabox.height)) == pytest.approx((1190.55, 841.89), abs=0.1)
    scan = PdfReader(EVIDENCE / "E08-固定资产审计报告.pdf")
    assert len(scan.pages) == 2
    for page in scan.pages:
        assert page.extract_text().strip() == ""
        assert len(page.images) == 1
    assert 5 <= len(PdfReader(EVIDENCE / "E09-管理制度汇编.pdf").pages) <= 8
    assert len(PdfReader(EVIDENCE / "E24-校企合作协议.pdf").pages) == 3


@pytest.mark.slow
def test_sample_passes_every_check():
    from skilldoc import api

    report = api.check(SAMPLE)
    assert report.errors == [] and report.warnings == []
    assert report.thresholds and all(t.passed for t in report.thresholds)


@pytest.mark.slow
def test_make_demo_regenerates_the_committed_files(tmp_path):
    """The committed sample is exactly what make_demo.py produces (deterministic, up to date)."""
    spec = importlib.util.spec_from_file_location("make_demo", ROOT / "data_samples" / "make_demo.py")
    assert spec and spec.loader
    make_demo = importlib.util.module_from_spec(spec)
    sys.modules["make_demo"] = make_demo
    try:
        spec.loader.exec_module(make_demo)
        make_demo.sum_check()
        files = make_demo.make_evidence(tmp_path / "证明材料")
        make_demo.make_workbook(tmp_path / "申报数据.xlsx")
    finally:
        sys.modules.pop("make_demo", None)
    assert sorted(p.name for p in files) == sorted(p.name for p in EVIDENCE.iterdir())
    for p in files:
        assert p.read_bytes() == (EVIDENCE / p.name).read_bytes(), p.name
    assert (tmp_path / "申报数据.xlsx").read_bytes() == (SAMPLE / "申报数据.xlsx").read_bytes()
