"""Every check of ``skilldoc check``: pure functions over the model and the rendered sections.

:func:`run_checks` returns a :class:`CheckReport`: the findings (errors and
warnings as :class:`~skilldoc.errors.Problem`, each with a stable ``code``),
the per-section counts, and one :class:`ThresholdResult` per rule of each
selection standard.  Nothing here prints or raises for a finding; the caller
decides (``skilldoc build`` stops on ``report.has_errors`` unless ``--force``).

Finding codes (stable; documented in ``docs/检查报告JSON格式.md``):

=============================================  ===========================================
section.over_limit / section.near_limit        字数 over the limit / at ≥95% of it
section.empty / section.no_evidence            nothing written / no 证明材料 cited
field.missing / field.choice / field.format     header-table completeness and form
field.category_other / field.assessor_since …   cross-field rules of the header table
consistency.*                                   figures that contradict each other
template.literal_number                         a workbook figure typed into a template
evidence.uncited                                an evidence item no section cites
threshold.failed                                a rule of a selection standard not met
=============================================  ===========================================
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from .. import form, values
from ..errors import Location, Problem, Severity, errors_in, warnings_in
from ..form import HEADER_BY_KEY, LAYOUT, FieldType, Section
from ..markup import plain_text
from ..model import Application, PageMap, RenderedSection, SectionSource
from . import standards as std
from .wordcount import Counts, count_text

NEAR_LIMIT = Decimal("0.95")  # ≥95% of the limit is a warning


@dataclass
class SectionCount:
    section: Section
    counts: Counts
    limit: int
    source: Path | None = None
    cited: tuple[str, ...] = ()

    @property
    def over(self) -> int:
        """By how many 字 the section exceeds its limit (0 when within)."""
        return max(0, self.counts.words - self.limit)

    @property
    def near(self) -> bool:
        """Within the limit but at or above 95% of it."""
        return not self.over and self.counts.words >= NEAR_LIMIT * self.limit

    @property
    def status(self) -> str:
        return "over" if self.over else "near" if self.near else "ok"


@dataclass
class ThresholdResult:
    standard: str  # standard key, e.g. "national"
    article: str  # 第四条、第九条
    rule: str  # the verbatim clause checked, e.g. 年培训规模不少于2000人次
    actual: str  # the applicant's figure, for display
    passed: bool
    details: tuple[str, ...] = ()
    # machine-readable extras
    rule_id: str = ""
    standard_title: str = ""
    requirement: str = ""  # 年培训规模 ≥ 2000 人次
    metric: str = ""
    op: str = ""
    threshold: Decimal | None = None
    unit: str = ""
    value: Decimal | None = None
    text: str = ""  # the article(s), verbatim
    severity: Severity = Severity.ERROR
    cells: tuple[tuple[str, str], ...] = ()  # (sheet, cell) the applicant's figure came from


@dataclass
class CheckReport:
    findings: list[Problem] = field(default_factory=list)
    sections: list[SectionCount] = field(default_factory=list)
    thresholds: list[ThresholdResult] = field(default_factory=list)
    standards: list[tuple[str, str]] = field(default_factory=list)  # (key, title) of each standard checked
    limit: int = 3000
    # an evidence file could not be used (its problems are among the findings): ``check`` then
    # exits with the evidence code (4), as ``build`` does, instead of the checks' (5)
    evidence_failed: bool = False

    @property
    def errors(self) -> list[Problem]:
        return errors_in(self.findings)

    @property
    def warnings(self) -> list[Problem]:
        return warnings_in(self.findings)

    @property
    def has_errors(self) -> bool:
        return bool(self.errors)


def run_checks(
    app: Application,
    sections: Sequence[RenderedSection],
    *,
    sources: Sequence[SectionSource] = (),
    page_map: PageMap | None = None,
    evidence_problems: Sequence[Problem] = (),
    limit: int | None = 3000,
    standards: Sequence[str | Path] = ("national",),
    input_problems: Sequence[Problem] = (),
) -> CheckReport:
    """Run every check; ``limit`` None means each section's own limit from the form spec.

    ``input_problems``: the warnings found while reading the workbook and rendering
    the sections; they are part of the report (``check`` shows all that ``build`` would).
    """
    report = CheckReport(limit=limit or form.SECTIONS[0].limit)
    wb = _workbook_name(app)

    report.findings += list(input_problems)
    report.sections = [count_section(s, limit) for s in sections]
    report.findings += section_problems(report.sections)
    report.findings += header_problems(app, wb)
    report.findings += consistency_problems(app, wb)
    report.findings += literal_number_problems(app, sources)
    report.findings += list(evidence_problems)
    report.findings += evidence_citation_problems(app, sections, wb)

    for standard in std.load_standards(standards):
        report.standards.append((standard.key, standard.title))
        for rule in standard.rules:
            if not rule.applies(app):
                continue
            result = evaluate(standard, rule, app)
            report.thresholds.append(result)
            if not result.passed:
                report.findings.append(threshold_problem(result, wb, input_problems))
    return report


def cells_location(wb: str, cells: Sequence[tuple[str, str]], sheet: str | None = None) -> Location:
    """The workbook location of a finding whose figures came from ``cells`` (sheet, cell).

    One sheet: ``sheet`` plus the cells joined (``培训总量!B4、C4``); several sheets:
    ``refs`` lists each as ``sheet!cell``.  Without cells, the ``sheet`` if given.
    """
    unique = list(dict.fromkeys(cells))
    if not unique:
        return Location(wb, sheet=sheet)
    sheets = list(dict.fromkeys(s for s, _ in unique))
    first = sheets[0]
    joined = "、".join(c for s, c in unique if s == first)
    refs = tuple(f"{s}!{c}" for s, c in unique) if len(sheets) > 1 else ()
    return Location(wb, sheet=first, cell=joined, refs=refs)


# --- section limits ------------------------------------------------------------------


def section_plain_text(rendered: RenderedSection) -> str:
    """The section as it will appear in the DOCX (markup removed), for counting."""
    return plain_text(tuple(rendered.blocks))


def count_section(rendered: RenderedSection, limit: int | None) -> SectionCount:
    counts = count_text(section_plain_text(rendered))
    return SectionCount(rendered.section, counts, limit or rendered.section.limit,
                        rendered.source, tuple(rendered.cited))


def _section_loc(sc: SectionCount) -> Location:
    if sc.source is None:
        return Location(f"{LAYOUT.sections_dir}/{sc.section.filename}")
    return Location(display_path(sc.source))


def display_path(path: Path) -> str:
    """``sections/1-申报背景.md``: the file as the applicant sees it inside the folder."""
    parts = Path(path).parts
    return "/".join(parts[-2:]) if len(parts) >= 2 else str(path)


def section_problems(counts: Sequence[SectionCount]) -> list[Problem]:
    problems: list[Problem] = []
    for sc in counts:
        title, words, lim = sc.section.title, sc.counts.words, sc.limit
        if sc.over:
            problems.append(Problem(
                f"“{title}”共 {words} 字，超过上限 {lim} 字，超出 {sc.over} 字",
                _section_loc(sc),
                hint=f"删减约 {sc.over} 字（按 Word“字数统计”计：每个汉字和中文标点算 1 字，"
                     "每个连续的英文单词或数字算 1 字）；详细材料可放入证明材料",
                code="section.over_limit",
            ))
        elif sc.near:
            problems.append(Problem(
                f"“{title}”共 {words} 字，已达上限 {lim} 字的 {words * 100 // lim}%（还可写 {lim - words} 字）",
                _section_loc(sc),
                hint="接近上限；在 Word 中微调格式不会改变字数，但增补内容前请先删减",
                severity=Severity.WARNING,
                code="section.near_limit",
            ))
        if words == 0:
            problems.append(Problem(
                f"“{title}”没有正文内容", _section_loc(sc),
                hint=f"按表中提示撰写：{sc.section.guidance}",
                severity=Severity.WARNING, code="section.empty",
            ))
        elif not sc.cited:
            problems.append(Problem(
                f"“{title}”没有引用任何证明材料", _section_loc(sc),
                hint="表中要求“另附相关证明材料，并标注证明材料页码”：在正文中用 {{ 证明(\"E01\") }} 引用",
                severity=Severity.WARNING, code="section.no_evidence",
            ))
    return problems


# --- header table: completeness and form ----------------------------------------------


def _workbook_name(app: Application) -> str:
    return app.source.name if app.source is not None else LAYOUT.workbook


_LABEL_USES: dict[str, int] = {}
for _f in form.HEADER_FIELDS:
    _LABEL_USES[_f.label] = _LABEL_USES.get(_f.label, 0) + 1


def _field_name(key: str) -> str:
    """The label in quotes, with its row group when the label alone is ambiguous (其他, 数量（台/套）)."""
    f = HEADER_BY_KEY[key]
    if _LABEL_USES[f.label] == 1:
        return f"“{f.label}”"
    if f.group:
        return f"{f.group.split('/')[-1].replace(' ', '')}“{f.label}”"
    previous = form.HEADER_FIELDS[form.HEADER_FIELDS.index(f) - 1]  # 单位类别 → its 其他
    return f"{previous.label}“{f.label}”"


def _header_loc(wb: str, app: Application | None = None, key: str | None = None) -> Location:
    """The header sheet, and the exact cell when the loader recorded where ``key`` came from."""
    if app is not None and key is not None and f"header.{key}" in app.cells:
        sheet, cell = app.cells[f"header.{key}"]
        return Location(wb, sheet=sheet, cell=cell)
    return Location(wb, sheet=LAYOUT.sheets["header"])


def _year_loc(wb: str, app: Application, year: int) -> Location:
    if f"year.{year}" in app.cells:
        sheet, cell = app.cells[f"year.{year}"]
        return Location(wb, sheet=sheet, cell=cell)
    return Location(wb, sheet=LAYOUT.sheets["years"])


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


# Fields whose form the header check re-validates with the loader's own parsers
# (skilldoc.values), for applications not read from a workbook.
_VALIDATED = (FieldType.CHOICE, FieldType.POSTCODE, FieldType.PHONE, FieldType.MOBILE, FieldType.EMAIL,
              FieldType.URL)


def header_problems(app: Application, wb: str) -> list[Problem]:
    """Required fields filled, choices valid, contact fields plausible, cross-field rules."""
    h = app.header
    problems: list[Problem] = []
    for f in form.HEADER_FIELDS:
        loc = _header_loc(wb, app, f.key)
        value = h.get(f.key)
        if _blank(value):
            if f.required:
                problems.append(Problem(
                    f"必填项{_field_name(f.key)}未填写", loc, hint=f.hint, code="field.missing"))
            continue
        if f.type is FieldType.CHOICE and value not in f.options:
            problems.append(Problem(
                f"{_field_name(f.key)}填的是“{value}”，不是表中的选项", loc,
                hint=f"从下拉列表中选择：{'、'.join(f.options)}", code="field.choice"))
        elif f.type in _VALIDATED and f.type is not FieldType.CHOICE:
            try:
                values.parse_field(f, value)
            except values.ValueProblem as exc:
                problems.append(Problem(
                    f"{_field_name(f.key)}{exc.message}", loc, hint=f.hint, code="field.format"))
        elif f.type in (FieldType.INT, FieldType.DECIMAL, FieldType.PERCENT) and isinstance(value, int | Decimal) \
                and value < 0:
            problems.append(Problem(f"{_field_name(f.key)}为负数 {value}", loc, code="field.negative"))

    other = h.get("category_other")
    if h.get("category") == "其他" and _blank(other):
        problems.append(Problem(
            "单位类别选了“其他”，但没有填写具体类别", _header_loc(wb, app, "category_other"),
            hint="在“其他”一行填写具体的单位类别", code="field.category_other"))
    elif h.get("category") not in (None, "其他") and not _blank(other):
        problems.append(Problem(
            f"单位类别为“{h.get('category')}”，但“其他”一行填了“{other}”（不会印在申报书上）",
            _header_loc(wb, app, "category_other"),
            hint="单位类别不是“其他”时，请清空“其他”一行；或把单位类别改为“其他”",
            severity=Severity.WARNING, code="field.category_other_unused"))

    if h.get("is_assessor") == "是":
        if _blank(h.get("assessor_since")):
            problems.append(Problem(
                "“是否为技能等级认定机构”选了“是”，但“获批等级认定资质时间”未填写",
                _header_loc(wb, app, "assessor_since"),
                hint="填写获批时间，如 2020-06-15", code="field.assessor_since"))
        if _blank(h.get("assessed_occupations")):
            problems.append(Problem(
                "“是否为技能等级认定机构”选了“是”，但“等级认定资质制造类职业（工种）数量”未填写",
                _header_loc(wb, app, "assessed_occupations"),
                hint="填写具备等级认定资质的制造类职业（工种）个数", severity=Severity.WARNING,
                code="field.assessed_occupations"))
    elif h.get("is_assessor") == "否":
        filled = [HEADER_BY_KEY[k].label for k in ("assessor_since", "assessed_occupations")
                  if not _blank(h.get(k))]
        if filled:
            problems.append(Problem(
                f"“是否为技能等级认定机构”选了“否”，但填写了{'、'.join(f'“{x}”' for x in filled)}",
                _header_loc(wb, app, "is_assessor"),
                hint="如已获批认定资质，请改选“是”；否则清空这些项", severity=Severity.WARNING,
                code="field.assessor_inconsistent"))
    return problems


# --- consistency ------------------------------------------------------------------------


def _num(value: object) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        return None
    return Decimal(value)


def consistency_problems(app: Application, wb: str) -> list[Problem]:
    problems: list[Problem] = []
    years_sheet, occ_sheet = LAYOUT.sheets["years"], LAYOUT.sheets["occupations"]
    expert_sheet = LAYOUT.sheets["experts"]
    h = app.header

    # the three years are the three before 填报时间
    filled_on = h.get("filled_on")
    years = [y.year for y in app.years]
    if filled_on is not None and hasattr(filled_on, "year"):
        expected = list(range(filled_on.year - form.TRAINING_YEARS, filled_on.year))
        if years != expected:
            problems.append(Problem(
                f"培训总量的年度为 {'、'.join(map(str, years)) or '（无）'}，"
                f"应为填报时间（{filled_on.year}年）之前三年 {'、'.join(map(str, expected))}",
                cells_location(wb, std.header_cells(app, "filled_on")
                               + tuple(app.cells[f"year.{y}"] for y in years if f"year.{y}" in app.cells),
                               years_sheet),
                hint="核对“填报时间”和“培训总量”表的年度列", code="consistency.years"))

    # 高级工及以上 ≤ 培训数量, per year
    for y in app.years:
        if y.trained is not None and y.advanced is not None and y.advanced > y.trained:
            problems.append(Problem(
                f"{y.year}年高级工及以上数量 {y.advanced} 人次大于培训数量 {y.trained} 人次",
                cells_location(wb, std.year_cells(app, y.year, "advanced", "trained"), years_sheet)
                if std.year_cells(app, y.year, "advanced") else _year_loc(wb, app, y.year), hint="高级工及以上数量是培训数量的一部分，不能更大",
                code="consistency.advanced_exceeds_trained"))
        for attr, label in (("pass_rate", "培训合格率"), ("satisfaction", "满意率")):
            v = getattr(y, attr)
            if v is not None and not (0 <= v <= 100):
                problems.append(Problem(
                    f"{y.year}年{label}为 {std.fmt_number(v)}，不在 0–100 之间",
                    cells_location(wb, std.year_cells(app, y.year, attr), years_sheet)
                    if std.year_cells(app, y.year, attr) else _year_loc(wb, app, y.year), hint="填百分数，如 95 表示 95%",
                    code="consistency.percent_range"))

    # … and per occupation and year
    for o in app.occupations:
        for oy in o.years:
            cells = (std.column_cells(app, f"occupations.{oy.year}.advanced", [o.row])
                     + std.column_cells(app, f"occupations.{oy.year}.trained", [o.row]))
            loc = cells_location(wb, cells) if cells else _row_loc(wb, occ_sheet, o.row)
            if oy.trained is not None and oy.advanced is not None and oy.advanced > oy.trained:
                problems.append(Problem(
                    f"职业（工种）“{o.name}”{oy.year}年高级工及以上数量 {oy.advanced} 人次"
                    f"大于培训数量 {oy.trained} 人次",
                    loc, hint="高级工及以上数量是培训数量的一部分，不能更大",
                    code="consistency.advanced_exceeds_trained"))

    # per-occupation sums ≤ totals, per year
    for y in app.years:
        for attr, label in (("trained", "培训数量"), ("advanced", "高级工及以上数量")):
            total = getattr(y, attr)
            found = [o.year(y.year) for o in app.occupations]
            parts = [v for oyr in found if oyr is not None and (v := getattr(oyr, attr)) is not None]
            if total is None or not parts:
                continue
            s = sum(parts)
            if s > total:
                problems.append(Problem(
                    f"{y.year}年各职业（工种）{label}合计 {s} 人次，大于培训总量表中的 {total} 人次",
                    cells_location(wb, std.column_cells(app, f"occupations.{y.year}.{attr}",
                                                        [o.row for o in app.occupations])
                                   + std.year_cells(app, y.year, attr), occ_sheet),
                    hint=f"核对“{occ_sheet}”表各行与“{years_sheet}”表 {y.year}年的{label}",
                    code="consistency.occupation_sum_exceeds_total"))

    # 实习指导教师人数 = sum by 职称 = sum by 职业资格
    instructors = _num(h.get("instructors"))
    for keys, label, code in (
        (("instr_senior", "instr_first", "instr_title_other"), "按职称分列", "consistency.instructors_by_title"),
        (("instr_senior_technician", "instr_technician", "instr_senior_worker", "instr_level_other"),
         "按职业资格（技能等级）分列", "consistency.instructors_by_level"),
    ):
        counts = [_num(h.get(k)) for k in keys]
        if instructors is None or all(v is None for v in counts):
            continue
        total = sum((v for v in counts if v is not None), Decimal(0))
        if total != instructors:
            breakdown = "＋".join(f"{HEADER_BY_KEY[k].label} {std.fmt_number(v) if v is not None else 0}"
                                 for k, v in zip(keys, counts, strict=True))
            problems.append(Problem(
                f"实习指导教师人数为 {std.fmt_number(instructors)} 人，但{label}之和为 "
                f"{std.fmt_number(total)} 人（{breakdown}）",
                cells_location(wb, std.header_cells(app, "instructors", *keys), LAYOUT.sheets["header"]),
                hint="两种分列方式各自相加都应等于实习指导教师人数",
                code=code))

    # 一体化（双师型）教师 and 实习指导教师 are part of the teaching staff? Not stated by the form: no check.

    # matched 实训设备 of the occupations ≤ the header's 教学实训设备
    for occ_attr, head_key, label in (("equipment_value", "equipment_value", "总值"),
                                      ("equipment_count", "equipment_count", "数量")):
        head = _num(h.get(head_key))
        parts = [_num(getattr(o, occ_attr)) for o in app.occupations]
        parts = [p for p in parts if p is not None]
        if head is None or not parts:
            continue
        s = sum(parts, Decimal(0))
        if s > head:
            problems.append(Problem(
                f"各职业（工种）实训设备{label}合计 {std.fmt_number(s)}，大于基本信息中的教学实训设备{label} "
                f"{std.fmt_number(head)}",
                cells_location(wb, std.column_cells(app, f"occupations.{occ_attr}", [o.row for o in app.occupations])
                               + std.header_cells(app, head_key), occ_sheet),
                hint="各职业（工种）相匹配的实训设备是全部教学实训设备的一部分",
                severity=Severity.WARNING, code="consistency.equipment_exceeds_total"))

    # experts belong to a listed occupation
    names = {o.name for o in app.occupations}
    for e in app.experts:
        if e.occupation not in names:
            problems.append(Problem(
                f"专家“{e.name}”的职业（工种）“{e.occupation}”不在“{occ_sheet}”表中",
                cells_location(wb, std.column_cells(app, "experts.occupation", [e.row]))
                if "experts.occupation" in app.cells else _row_loc(wb, expert_sheet, e.row),
                hint=f"改为与“{occ_sheet}”表完全一致的名称：{'、'.join(sorted(names)) or '（表中尚无职业）'}",
                code="consistency.expert_occupation"))
    return problems


def _row_loc(wb: str, sheet: str, row: int) -> Location:
    """A whole worksheet row (``职业工种!5:5``) when the row is known."""
    return Location(wb, sheet=sheet, cell=f"{row}:{row}" if row > 0 else None)


# --- numbers typed into templates ----------------------------------------------------------

_JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.DOTALL)
_NUMBER = re.compile(r"(?<![0-9A-Za-z_.,])(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?![0-9A-Za-z_]|[.,]\d)")
_MIN_LITERAL = 10  # smaller numbers (3 个职业) are too common to mean anything


# A typed number is taken for a workbook figure only when it carries the figure's unit
# (“2350人次”, “210 名”), which keeps coincidences such as “612 家企业” out.
_UNIT_PATTERNS: dict[str, re.Pattern[str]] = {
    "人次": re.compile(r"\s*人次"),
    "人": re.compile(r"\s*(?:人(?!次)|名)"),
    "万元": re.compile(r"\s*万元"),
    "台/套": re.compile(r"\s*(?:台|套)"),
    "平方米": re.compile(r"\s*(?:平方米|平米|㎡|m²|m2)"),
    "个": re.compile(r"\s*个[^\s，。；、]{0,6}?(?:职业|工种)"),  # 12 个制造类职业（工种）
    "%": re.compile(r"\s*[%％]"),
}


@dataclass(frozen=True)
class Figure:
    """A workbook figure a template could print: the expression, its unit, its year and its words."""

    expr: str  # the template expression that prints it
    unit: str
    year: int | None = None  # the year a per-year figure belongs to
    words: tuple[str, ...] = ()  # words that name it (合格率, 专任教师, 数控车工 …)


def _label_words(label: str, *more: str) -> tuple[str, ...]:
    base = re.sub(r"[（(].*?[)）]", "", label).strip()
    return tuple(w for w in (base, *more) if w)


def workbook_numbers(app: Application) -> dict[Decimal, list[Figure]]:
    """Workbook figures by value (the ones a typed number could be a copy of)."""
    found: dict[Decimal, list[Figure]] = {}

    def add(value: object, figure: Figure) -> None:
        n = _num(value)
        if n is not None and n >= _MIN_LITERAL and figure.unit in _UNIT_PATTERNS:
            found.setdefault(n.normalize(), []).append(figure)

    for f in form.HEADER_FIELDS:
        if f.type in (FieldType.INT, FieldType.DECIMAL, FieldType.PERCENT):
            add(app.header.get(f.key), Figure(f"{{{{ {f.var} }}}}", f.unit, None, _label_words(f.label, f.var)))
    n = len(app.years)
    for i, y in enumerate(app.years):
        ref = "最近年度" if i == n - 1 else f"年度[{i}]"
        add(y.trained, Figure(f"{{{{ {ref}.培训数量 }}}}", "人次", y.year, ("培训",)))
        add(y.advanced, Figure(f"{{{{ {ref}.高级工及以上数量 }}}}", "人次", y.year, ("高级工",)))
        add(y.pass_rate, Figure(f"{{{{ {ref}.合格率 }}}}", "%", y.year, ("合格率", "合格")))
        add(y.satisfaction, Figure(f"{{{{ {ref}.满意率 }}}}", "%", y.year, ("满意率", "满意")))
    for i, o in enumerate(app.occupations):
        add(o.equipment_value, Figure(f"{{{{ 职业[{i}].设备总值 }}}}", "万元", None, (o.name, "设备")))
        add(o.equipment_count, Figure(f"{{{{ 职业[{i}].设备数量 }}}}", "台/套", None, (o.name, "设备")))
        for oy in o.years:
            add(oy.trained, Figure(f"{{{{ 职业[{i}].培训[{oy.year}].培训数量 }}}}", "人次", oy.year, (o.name,)))
            add(oy.advanced, Figure(f"{{{{ 职业[{i}].培训[{oy.year}].高级工及以上数量 }}}}", "人次", oy.year,
                                    (o.name, "高级工")))
    add(len(app.experts), Figure("{{ 专家人数 }}", "人", None, ("专家",)))
    return found


_CLAUSE_END = re.compile(r"[。；;！!？?\n]")
_YEAR_WORD = re.compile(r"((?:19|20)\d{2})\s*年")


def _clause(text: str, start: int, end: int) -> str:
    """The clause around a number: from the previous 。；！？ or line break to the next one."""
    before = max((m.end() for m in _CLAUSE_END.finditer(text, 0, start)), default=0)
    after = _CLAUSE_END.search(text, end)
    return text[before:after.start() if after else len(text)]


def matching_figure(figures: Sequence[Figure], text: str, start: int, end: int,
                    latest_year: int | None) -> Figure | None:
    """The figure a typed number is a copy of, judged by its unit, the years and the words around it.

    The unit must follow the number.  A year named in the clause must be the
    figure's year (a 2025 target of 96% is not the 2020 pass rate of 96%); a
    figure without a year does not match a clause about a year after the data
    (a plan).  A percentage also needs its word (合格率, 满意率) in the clause; other
    figures are preferred when their words appear, and match by unit otherwise.
    """
    clause = _clause(text, start, end)
    years = {int(y) for y in _YEAR_WORD.findall(clause)}
    candidates = []
    for fig in figures:
        if not _UNIT_PATTERNS[fig.unit].match(text, end):
            continue
        if years:
            if fig.year is not None and fig.year not in years:
                continue
            if fig.year is None and latest_year is not None and max(years) > latest_year + 1:
                continue
        named = any(w in clause for w in fig.words)
        if fig.unit == "%" and not named:
            continue
        candidates.append((not named, fig))
    candidates.sort(key=lambda c: c[0])  # figures named by their words first
    return candidates[0][1] if candidates else None


def literal_number_problems(app: Application, sources: Sequence[SectionSource]) -> list[Problem]:
    """A number typed into a template that is a workbook figure (same value, unit and context): suggest the variable."""
    figures = workbook_numbers(app)
    years = {Decimal(y.year) for y in app.years}
    latest = app.years[-1].year if app.years else None
    problems: list[Problem] = []
    for src in sources:
        # blank out Jinja constructs, keeping offsets (and so line numbers) intact
        text = _JINJA.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), src.text)
        seen: set[tuple[int, Decimal]] = set()
        for m in _NUMBER.finditer(text):
            try:
                value = Decimal(m.group(0).replace(",", "")).normalize()
            except InvalidOperation:
                continue
            if value in years or value not in figures:
                continue
            figure = matching_figure(figures[value], text, m.start(), m.end(), latest)
            if figure is None:
                continue
            line = text.count("\n", 0, m.start()) + 1
            if (line, value) in seen:
                continue
            seen.add((line, value))
            problems.append(Problem(
                f"正文直接写了数字 {m.group(0)}，与工作簿中的数据相同",
                Location(display_path(src.path), line=line),
                hint=f"改用变量 {figure.expr}，工作簿修改后正文会自动一致",
                severity=Severity.WARNING, code="template.literal_number"))
    return problems


# --- evidence ---------------------------------------------------------------------------------


def evidence_citation_problems(app: Application, sections: Sequence[RenderedSection], wb: str) -> list[Problem]:
    cited = {code for s in sections for code in (getattr(s, "cited", ()) or ())}
    sheet = LAYOUT.sheets["evidence"]
    problems: list[Problem] = []
    if not sections:  # nothing rendered: citations unknown
        return problems
    for item in app.evidence:
        if item.part == form.HEADER_PART or item.code in cited:
            continue
        problems.append(Problem(
            f"证明材料 {item.code}“{item.title}”（所属部分：{item.part}）没有在任何部分的正文中引用",
            Location(wb, sheet=sheet, cell=f"{item.row}:{item.row}" if item.row > 0 else None, item=item.code),
            hint=f"在“{item.part}”正文中用 {{{{ 证明(\"{item.code}\") }}}} 标注页码；不需要的材料请从清单中删除",
            severity=Severity.WARNING, code="evidence.uncited"))
    return problems


# --- thresholds ---------------------------------------------------------------------------------


def evaluate(standard: std.Standard, rule: std.Rule, app: Application) -> ThresholdResult:
    m = std.measure(rule, app)
    passed = rule.holds(m.value)
    actual = m.display
    if not passed and m.value is not None and rule.unit == "%" and rule.holds(values.round_half_up(m.value)):
        # rounded half up to one decimal (20.0%) the figure would read as meeting the threshold:
        # show it unrounded (19.95%) so that the figure and the verdict agree
        rounded = values.format_percent(m.value)
        exact = format(values.normalise_decimal(values.round_half_up(m.value, 4)), "f") + "%"
        actual = exact + actual[len(rounded):] if actual.startswith(rounded) else f"{exact}（{actual}）"
    return ThresholdResult(
        standard=standard.key, article=rule.article, rule=rule.clause, actual=actual,
        passed=passed, details=m.details, rule_id=rule.id, standard_title=standard.title,
        requirement=rule.summary, metric=rule.metric, op=rule.op, threshold=rule.threshold,
        unit=rule.unit, value=m.value, text=rule.text, severity=rule.severity, cells=m.cells,
    )


def _cell_refs(p: Problem) -> set[tuple[str, str]]:
    loc = p.location
    if loc is None:
        return set()
    refs = {tuple(r.split("!", 1)) for r in loc.refs if "!" in r}
    if loc.sheet and loc.cell:
        refs |= {(loc.sheet, c) for c in loc.cell.split("、")}
    return refs  # type: ignore[return-value]


def threshold_problem(result: ThresholdResult, wb: str, input_problems: Sequence[Problem] = ()) -> Problem:
    """A failed rule, located at the cells its figure came from.

    When the reader already warned about one of those cells (a fraction read as a
    percentage, a lost leading zero …), the hint points there instead of telling the
    applicant to postpone: the figure may be a typing matter, not a shortfall.
    """
    missing = result.value is None
    message = (f"{result.standard_title}{result.article}要求“{result.rule}”，"
               + ("本单位未填写相应数据" if missing else f"本单位为 {result.actual}"))
    where = cells_location(wb, result.cells)
    cited = "、".join(where.refs) if where.refs else (f"{where.sheet}!{where.cell}" if where.cell else "")
    suspect = _cell_refs(Problem("", where)) & {r for p in input_problems
                                               if p.severity is Severity.WARNING for r in _cell_refs(p)}
    if missing:
        hint = f"在工作簿中填写相应数据（{cited}）后重新检查" if cited else "在工作簿中填写相应数据后重新检查"
    elif suspect:
        cells_text = "、".join(f"{s}!{c}" for s, c in sorted(suspect))
        hint = (f"先核对 {cells_text} 的填写：读取时已对该格给出警告（见上文），可能是输入方式的问题"
                "（如百分数、小数点、单位），改正后重新检查")
    else:
        hint = ((f"请先核对 {cited} 的数据是否填写正确（单位、小数点、年度）；" if cited else "请先核实数据；")
                + "数据无误而确实不足时，评审时不达标的申报将不被推荐，应暂缓申报")
    return Problem(message, where, hint=hint, severity=result.severity, code="threshold.failed")


__all__ = [
    "CheckReport", "RenderedSection", "SectionCount", "ThresholdResult", "count_section", "run_checks",
    "section_plain_text",
]
