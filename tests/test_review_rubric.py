"""Rubrics as data (verbatim against the seed, errors with file and line), the applicant's view, and scoring."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from skilldoc.cli import cli
from skilldoc.errors import InputError
from skilldoc.form import UNIT_CATEGORIES
from skilldoc.model import Application, Header, YearTotal
from skilldoc.review import scoring
from skilldoc.review.rubric import RUBRICS_DIR, allowed, available_rubrics, load_rubric

POLICY = Path(__file__).resolve().parent.parent / "policy"  # policy/README.md
SEED_003 = POLICY / "003_67d23fd4c36d1734.txt"


def _norm(text: str) -> str:
    """Drop whitespace and <p> tags; fold the punctuation widths the seed's OCR mixes."""
    text = re.sub(r"</?p>", "", text)
    return "".join(text.split()).translate(str.maketrans("（），．；：", "(),.;:"))


@pytest.mark.parametrize("key", available_rubrics())
def test_every_text_is_quoted_from_the_seed(key: str) -> None:
    seed = _norm(SEED_003.read_text(encoding="utf-8"))
    base = load_rubric(key)
    for variant in base.variants or (None,):
        rubric = load_rubric(key, variant)
        assert rubric.total == 100, (variant, rubric.total)
        assert _norm(rubric.title) in seed
        for group in rubric.groups:
            assert _norm(group) in seed, group
        for category in rubric.categories:
            assert _norm(f"{category.name}({category.points}分)") in seed, category.name
            for text in (category.standard, category.report, *(e.text for e in category.evidence)):
                assert _norm(text) in seed, f"{key}/{category.name}: not verbatim: {text[:40]}"
            for item in category.items:
                for line in item.text.splitlines():
                    assert _norm(line) in seed, f"{key}/{item.id}: not verbatim: {line[:40]}"
                assert f"满分{item.points}分" in _norm(item.text), item.id


def test_both_variants_of_the_facilities() -> None:
    offline = load_rubric("gaojineng-jidi")
    online = load_rubric("gaojineng-jidi", "线上平台")
    assert offline.variant == "线下基地"
    assert [i.id for i in offline.items if i.category == "设施设备"] == ["facility-area", "facility-equipment"]
    assert [i.id for i in online.items if i.category == "设施设备"] == [
        "online-functions", "online-courses", "online-security"]


def _app(category: str = "技工院校", trained: int | None = 2350, advanced: int | None = 612,
         floor: int | None = 38650) -> Application:
    header = Header({"category": category, "floor_area": floor, "org_name": "测试单位"})
    return Application(header, (YearTotal(2021, trained, advanced),), (), (), ())


@pytest.mark.parametrize(("category", "trained", "variant", "expected"), [
    ("技工院校", 2350, None, (10, 10, True)),
    ("技工院校", 1500, None, (6, 9, True)),
    ("技工院校", 800, None, (0, 5, True)),  # below every band: the stated `otherwise`
    ("公共实训中心", 2001, None, (10, 10, True)),
    ("制造业龙头企业", 501, None, (10, 10, True)),  # 企业、行业协会: > 500 人
    ("单项冠军企业", 300, None, (6, 9, True)),
    ("其他", 5000, None, (0, 10, False)),  # not a group of the rubric: the experts decide
    ("技工院校", 60000, "线上平台", (6, 9, True)),  # 线上平台: > 50000 人
    ("技工院校", None, None, (0, 10, False)),  # not filled in
])
def test_training_volume_bands(category: str, trained: int | None, variant: str | None,
                               expected: tuple[int, int, bool]) -> None:
    assert set(UNIT_CATEGORIES) >= {category}
    rubric = load_rubric("gaojineng-jidi", variant)
    item = next(i for i in rubric.items if i.id == "results-volume")
    a = allowed(item, _app(category, trained), rubric)
    assert (a.low, a.high, a.automatic) == expected
    assert a.fixed == (expected[0] == expected[1] and expected[2])


def test_manual_items_take_their_full_range() -> None:
    rubric = load_rubric("gaojineng-jidi")
    item = next(i for i in rubric.items if i.id == "org-rules")
    a = allowed(item, _app(), rubric)
    assert (a.low, a.high, a.automatic, a.basis) == (0, 6, False, "专家评定")


# --- rubric files with mistakes: the file and the line ----------------------------------------


def _broken(tmp_path: Path, old: str, new: str) -> Path:
    text = (RUBRICS_DIR / "gaojineng-jidi.toml").read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "评审细则.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def _line_of(path: Path, needle: str) -> int:
    return next(n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1) if needle in line)


def test_rubric_errors_name_file_and_line(tmp_path: Path) -> None:
    path = _broken(tmp_path, 'metric = "latest_trained"', 'metric = "trained_last_year"')
    with pytest.raises(InputError) as exc:
        load_rubric(path)
    problem = exc.value.problems[0]
    assert "trained_last_year" in problem.message
    assert problem.location is not None and problem.location.file == str(path)
    assert problem.location.line == _line_of(path, "trained_last_year")

    path = _broken(tmp_path, "score = [6, 9]", "score = [6, 19]")
    with pytest.raises(InputError) as exc:
        load_rubric(path)
    assert exc.value.problems[0].location.line == _line_of(path, "[6, 19]")  # type: ignore[union-attr]

    path = _broken(tmp_path, "id = \"org-rules\"\ntitle = \"基地管理制度\"\npoints = 6",
                   "id = \"org-rules\"\ntitle = \"基地管理制度\"\npoints = 7")
    with pytest.raises(InputError) as exc:
        load_rubric(path)
    assert "不等于" in exc.value.problems[0].message

    path = _broken(tmp_path, 'key = "gaojineng-jidi"', 'key = "gaojineng-jidi')
    with pytest.raises(InputError) as exc:
        load_rubric(path)
    assert exc.value.problems[0].location.line == _line_of(path, 'key = "gaojineng-jidi')  # type: ignore[union-attr]


def test_unknown_rubric_and_variant() -> None:
    with pytest.raises(InputError) as exc:
        load_rubric("no-such-rubric")
    assert "gaojineng-jidi" in (exc.value.problems[0].hint or "")
    with pytest.raises(InputError) as exc:
        load_rubric("gaojineng-jidi", "空中基地")
    assert "线上平台" in (exc.value.problems[0].hint or "")


# --- the applicant's side -----------------------------------------------------------------------


@pytest.mark.slow  # the sample's Word evidence needs LibreOffice
def test_check_with_rubric_text_and_json(sample_dir: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["check", str(sample_dir), "--rubric", "gaojineng-jidi"])
    assert result.exit_code == 0, result.output
    assert "评审细则：高技能人才培训基地认定评审细则（线下基地）（满分 100 分）" in result.output
    assert "培训成果·上年度培训量（10分）：10 分 [按数据]" in result.output
    assert "组织管理·基地管理制度（6分）：0–6 分 [专家评定]" in result.output
    assert "已确定的得分合计：25 分" in result.output  # 15 (场地) + 10 (培训量)
    assert "社保" in result.output  # asked for, not in the sample's evidence names
    assert "实训设备清单" not in result.output.split("似乎没有的")[1]  # E07-实训设备清单.pdf is there
    result = runner.invoke(cli, ["check", str(sample_dir), "--rubric", "gaojineng-jidi", "--variant", "线上平台",
                                 "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["rubric"]["variant"] == "线上平台"
    volume = next(i for i in data["rubric"]["items"] if i["id"] == "results-volume")
    assert (volume["low"], volume["high"]) == (0, 5)  # 2350 人 is far below a 线上平台's 50000
    assert data["thresholds"]  # the ordinary report is still there


def test_variant_needs_a_rubric(sample_dir: Path) -> None:
    result = CliRunner().invoke(cli, ["check", str(sample_dir), "--variant", "线上平台"])
    assert result.exit_code == 2


# --- scoring: means, flags, ranking --------------------------------------------------------------


def _sheet(expert: str, scores: dict[str, dict[str, object]]) -> scoring.ExpertSheet:
    return scoring.ExpertSheet(expert, f"{expert}.xlsx", scores)


def test_trimmed_mean_from_five_experts_and_spread_flag() -> None:
    rubric = load_rubric("gaojineng-jidi")
    app = _app()
    ranges = [allowed(i, app, rubric) for i in rubric.items]
    values = [1, 2, 2, 3, 4]  # org-structure (4 分): spread 3 > 4/3
    sheets = [_sheet(f"专家{n}", {"A01": {"org-structure": v}}) for n, v in enumerate(values, start=1)]
    result = scoring.aggregate(rubric, [("A01", "甲", ranges)], sheets)
    item = result.apps[0].items[0]
    assert item.method == scoring.METHOD_TRIMMED
    assert item.score == Decimal("2.33")  # (2 + 2 + 3) / 3, half up
    assert any(f.kind == "评分分歧" and "组织架构" in f.item for f in result.flags)
    four = scoring.aggregate(rubric, [("A01", "甲", ranges)], sheets[:4])
    assert four.apps[0].items[0].method == scoring.METHOD_MEAN
    assert four.apps[0].items[0].score == Decimal("2.00")
    volume = next(i for i in result.apps[0].items if i.item.id == "results-volume")
    assert volume.score == 10 and volume.method == scoring.METHOD_FIXED  # 2350 人: fixed by the figures


def test_out_of_range_text_and_missing_are_left_out_and_flagged() -> None:
    rubric = load_rubric("gaojineng-jidi")
    ranges = [allowed(i, _app(), rubric) for i in rubric.items]
    sheets = [_sheet("甲", {"A01": {"org-structure": 5}}), _sheet("乙", {"A01": {"org-structure": "很好"}}),
              _sheet("丙", {"A01": {"org-structure": "3"}}), _sheet("丁", {})]
    result = scoring.aggregate(rubric, [("A01", "某单位", ranges)], sheets)
    kinds = {(f.expert, f.kind) for f in result.flags if f.item.startswith("组织管理·组织架构") or not f.item}
    assert {("甲", "超出范围"), ("乙", "不是数字"), ("丁", "缺少评分")} <= kinds
    assert result.apps[0].items[0].score == Decimal("3.00")


def test_ties_are_broken_by_the_heaviest_category_then_shared() -> None:
    rubric = load_rubric("gaojineng-jidi")
    ranges = [allowed(i, _app(), rubric) for i in rubric.items]
    apps = [("A01", "乙", ranges), ("A02", "甲", ranges), ("A03", "丙", ranges)]
    # A01 and A02: the same total; A02 has more in 设施设备 (30 分) — A02 first
    sheet = _sheet("专家", {
        "A01": {"org-structure": 4, "facility-equipment": 10},
        "A02": {"org-structure": 2, "facility-equipment": 12},
        "A03": {"org-structure": 2, "facility-equipment": 12},
    })
    result = scoring.aggregate(rubric, apps, [sheet])
    assert [(a.app_id, a.rank, a.tied) for a in result.apps] == [("A03", 1, True), ("A02", 1, True),
                                                                  ("A01", 3, False)]


def test_a_missing_number_in_a_rubric_is_called_missing(tmp_path: Path) -> None:
    """Not “应为…整数，而不是“None””: the reviewer who wrote the file sees no Python words."""
    path = tmp_path / "细则.toml"
    path.write_text('name = "测试细则"\nkey = "t"\n[[categories]]\nname = "组织"\n', encoding="utf-8")
    with pytest.raises(InputError) as exc:
        load_rubric(path)
    messages = [p.message for p in exc.value.problems]
    assert not any("None" in m for m in messages), messages
    assert any("缺少“points”" in m for m in messages), messages


def test_a_sheet_without_the_application_does_not_hide_the_other_experts() -> None:
    """丁's sheet lacks A01: 甲's and 丙's scores still count, and 丁 is flagged once, not once per item."""
    rubric = load_rubric("gaojineng-jidi")
    ranges = [allowed(i, _app(), rubric) for i in rubric.items]
    sheets = [_sheet("丁", {}), _sheet("甲", {"A01": {"org-structure": 4}}), _sheet("丙", {"A01": {"org-structure": 2}})]
    result = scoring.aggregate(rubric, [("A01", "某单位", ranges)], sheets)
    assert result.apps[0].items[0].score == Decimal("3.00")
    missing = [f for f in result.flags if f.expert == "丁"]
    assert len(missing) == 1 and missing[0].kind == "缺少评分" and missing[0].item == "", missing
