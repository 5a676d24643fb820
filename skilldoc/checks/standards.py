"""Selection standards as data: load ``skilldoc/standards/*.toml`` and measure an application.

A standard is a TOML file (see ``skilldoc/standards/national.toml``): a title, a
source, and rules.  Each rule names an article, quotes the article text and the
clause it checks verbatim, and compares one *metric* — a figure computed from
the workbook by a function in :data:`METRICS` — with a threshold.  Adding a
standard (人社部发〔2022〕62号, 绍兴) is adding a file; adding a kind of figure is
adding one entry to :data:`METRICS`.

Pure: no printing; loading a malformed standard raises :class:`InputError`.
"""

from __future__ import annotations

import operator
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from ..errors import InputError, Location, Problem, Severity
from ..model import Application, Occupation, YearTotal
from ..resources import standards_dir
from ..values import format_percent

# --- figures ---------------------------------------------------------------------


@dataclass(frozen=True)
class Measurement:
    """One figure of the applicant: its value (None when the workbook lacks it) and how to show it."""

    value: Decimal | None
    display: str  # "2350 人次", "23.8%", "未填写"
    details: tuple[str, ...] = ()  # supporting lines, e.g. one per year
    cells: tuple[tuple[str, str], ...] = ()  # (sheet, cell or range) the figure came from


Cells = tuple[tuple[str, str], ...]


def header_cells(app: Application, *keys: str) -> Cells:
    """Where header fields were read (``基本信息!C20``), for the keys the loader recorded."""
    return tuple(app.cells[f"header.{k}"] for k in keys if f"header.{k}" in app.cells)


def year_cells(app: Application, year: int, *keys: str) -> Cells:
    """The cells of one 培训总量 year: ``培训总量!B4``."""
    return tuple(app.cells[f"year.{year}.{k}"] for k in keys if f"year.{year}.{k}" in app.cells)


def column_cells(app: Application, key: str, rows: Sequence[int]) -> Cells:
    """A table column over some rows, contiguous rows as one range: ``职业工种!H2:H5``."""
    if key not in app.cells or not rows:
        return ()
    sheet, col = app.cells[key]
    rows = sorted(r for r in rows if r > 0)
    spans: list[tuple[int, int]] = []
    for r in rows:
        if spans and r == spans[-1][1] + 1:
            spans[-1] = (spans[-1][0], r)
        else:
            spans.append((r, r))
    return tuple((sheet, f"{col}{a}" if a == b else f"{col}{a}:{col}{b}") for a, b in spans)


def fmt_number(value: int | Decimal | None) -> str:
    """A number as written in the form: no exponent, no trailing zeros (2000, 1.5, 92.5)."""
    if value is None:
        return "未填写"
    if isinstance(value, int):
        return str(value)
    return format(value.normalize(), "f")


def _percent(part: int, whole: int) -> Decimal:
    return Decimal(part) * 100 / Decimal(whole)


def fmt_percent(value: Decimal) -> str:
    """One decimal, rounded half up as everywhere else (report, DOCX, templates): 23.85 → 23.9%."""
    return format_percent(value)


def _year_line(y: YearTotal) -> str:
    trained = "未填写" if y.trained is None else f"{y.trained} 人次"
    line = f"{y.year}年：培训 {trained}"
    if y.advanced is not None:
        line += f"，高级工及以上 {y.advanced} 人次"
        if y.trained:
            line += f"（{fmt_percent(_percent(y.advanced, y.trained))}）"
    return line


def _years_details(app: Application) -> tuple[str, ...]:
    return tuple(_year_line(y) for y in app.years)


def latest_trained(app: Application) -> Measurement:
    """培训数量 of the latest of the three years (人次)."""
    y = app.latest_year
    cells = year_cells(app, y.year, "trained") if y is not None else ()
    if y is None or y.trained is None:
        return Measurement(None, "未填写", _years_details(app), cells)
    return Measurement(Decimal(y.trained), f"{y.trained} 人次（{y.year}年）", _years_details(app), cells)


def latest_advanced(app: Application) -> Measurement:
    """高级工及以上数量 of the latest year (人次)."""
    y = app.latest_year
    cells = year_cells(app, y.year, "advanced") if y is not None else ()
    if y is None or y.advanced is None:
        return Measurement(None, "未填写", _years_details(app), cells)
    return Measurement(Decimal(y.advanced), f"{y.advanced} 人次（{y.year}年）", _years_details(app), cells)


def latest_advanced_ratio(app: Application) -> Measurement:
    """高级工及以上数量 ÷ 培训数量 of the latest year, in percent."""
    y = app.latest_year
    cells = year_cells(app, y.year, "advanced", "trained") if y is not None else ()
    if y is None or y.trained is None or y.advanced is None:
        return Measurement(None, "未填写", _years_details(app), cells)
    if y.trained == 0:
        return Measurement(Decimal(0), f"0%（{y.year}年培训数量为 0）", _years_details(app), cells)
    ratio = _percent(y.advanced, y.trained)
    return Measurement(ratio, f"{fmt_percent(ratio)}（{y.year}年 {y.advanced}/{y.trained}）",
                       _years_details(app), cells)


def _occupation_equipment_line(o: Occupation) -> str:
    count = "未填写" if o.equipment_count is None else f"{o.equipment_count} 台/套"
    value = "未填写" if o.equipment_value is None else f"{fmt_number(o.equipment_value)} 万元"
    return f"{o.name}：{count}，{value}"


def _has_equipment(o: Occupation) -> bool:
    return bool(o.equipment_count) or bool(o.equipment_value)


def occupations_with_equipment(app: Application) -> Measurement:
    """Number of 职业（工种） with matched 实训设备 (数量 > 0 or 总值 > 0)."""
    n = sum(1 for o in app.occupations if _has_equipment(o))
    details = tuple(_occupation_equipment_line(o) for o in app.occupations)
    rows = [o.row for o in app.occupations]
    cells = column_cells(app, "occupations.equipment_count", rows) + column_cells(
        app, "occupations.equipment_value", rows)
    return Measurement(Decimal(n), f"{n} 个（共 {len(app.occupations)} 个职业（工种））", details, cells)


def occupation_count(app: Application) -> Measurement:
    """Number of 职业（工种） rows."""
    n = len(app.occupations)
    return Measurement(Decimal(n), f"{n} 个", tuple(o.name for o in app.occupations),
                       column_cells(app, "occupations.name", [o.row for o in app.occupations]))


def occupation_equipment_sum(app: Application) -> Decimal | None:
    values = [o.equipment_value for o in app.occupations if o.equipment_value is not None]
    return sum(values, Decimal(0)) if values else None


def equipment_value_total(app: Application) -> Measurement:
    """教学实训设备总值（万元）from the header table (基本信息 设备总值).

    The header figure is the one printed on the form and read by the reviewer; it
    covers all teaching and training equipment.  The per-职业（工种） sum of matched
    实训设备 is shown as a detail (and checked to be no larger, see the engine);
    it is used only when the header figure is empty.
    """
    header = app.header.get("equipment_value")
    occ_sum = occupation_equipment_sum(app)
    details = []
    if occ_sum is not None:
        details.append(f"各职业（工种）相匹配的实训设备合计 {fmt_number(occ_sum)} 万元")
    occ_cells = column_cells(app, "occupations.equipment_value", [o.row for o in app.occupations])
    if isinstance(header, int | Decimal):
        value = Decimal(header)
        return Measurement(value, f"{fmt_number(value)} 万元", tuple(details), header_cells(app, "equipment_value"))
    if occ_sum is not None:
        return Measurement(occ_sum, f"{fmt_number(occ_sum)} 万元（基本信息未填设备总值，按各职业（工种）合计）",
                           tuple(details), occ_cells)
    return Measurement(None, "未填写", tuple(details), header_cells(app, "equipment_value"))


def min_experts_per_occupation(app: Application) -> Measurement:
    """The smallest number of 专家 of any 职业（工种） (0 when there are no occupations)."""
    if not app.occupations:
        return Measurement(None, "未填写职业（工种）")
    cells = column_cells(app, "occupations.name", [o.row for o in app.occupations]) + column_cells(
        app, "experts.occupation", [e.row for e in app.experts])
    per = [(o.name, len(app.experts_for(o.name))) for o in app.occupations]
    low = min(n for _, n in per)
    details = tuple(f"{name}：{n} 名" for name, n in per)
    weakest = [name for name, n in per if n == low]
    if len(weakest) == len(per):
        display = f"每个 {low} 名"
    else:
        shown = "、".join(weakest[:3]) + ("等" if len(weakest) > 3 else "")
        display = f"最少 {low} 名（{shown}）"
    return Measurement(Decimal(low), display, details, cells)


def experts_total(app: Application) -> Measurement:
    """Number of 专家 in the team."""
    n = len(app.experts)
    return Measurement(Decimal(n), f"{n} 名", (), column_cells(app, "experts.name", [e.row for e in app.experts]))


def _latest_rate(app: Application, attr: str) -> Measurement:
    details = tuple(f"{y.year}年：{'未填写' if getattr(y, attr) is None else fmt_number(getattr(y, attr)) + '%'}"
                    for y in app.years)
    y = app.latest_year
    value = None if y is None else getattr(y, attr)
    cells = year_cells(app, y.year, attr) if y is not None else ()
    if value is None:
        return Measurement(None, "未填写", details, cells)
    return Measurement(Decimal(value), f"{fmt_number(value)}%（{y.year}年）", details, cells)  # type: ignore[union-attr]


def latest_pass_rate(app: Application) -> Measurement:
    """培训合格率（%）of the latest year."""
    return _latest_rate(app, "pass_rate")


def latest_satisfaction(app: Application) -> Measurement:
    """满意率（%）of the latest year."""
    return _latest_rate(app, "satisfaction")


def _header_number(key: str, unit: str) -> Callable[[Application], Measurement]:
    def measure(app: Application) -> Measurement:
        value = app.header.get(key)
        cells = header_cells(app, key)
        if not isinstance(value, int | Decimal):
            return Measurement(None, "未填写", (), cells)
        return Measurement(Decimal(value), f"{fmt_number(value)} {unit}".rstrip(), (), cells)

    measure.__doc__ = f"基本信息 {key}（{unit}）"
    return measure


Metric = Callable[[Application], Measurement]

METRICS: dict[str, Metric] = {
    "latest_trained": latest_trained,
    "latest_advanced": latest_advanced,
    "latest_advanced_ratio": latest_advanced_ratio,
    "occupation_count": occupation_count,
    "occupations_with_equipment": occupations_with_equipment,
    "equipment_value_total": equipment_value_total,
    "min_experts_per_occupation": min_experts_per_occupation,
    "experts_total": experts_total,
    "latest_pass_rate": latest_pass_rate,
    "latest_satisfaction": latest_satisfaction,
    "floor_area": _header_number("floor_area", "平方米"),
    "fulltime_teachers": _header_number("fulltime_teachers", "人"),
    "integrated_teachers": _header_number("integrated_teachers", "人"),
    "instructors": _header_number("instructors", "人"),
}


# --- rules and standards -----------------------------------------------------------

OPERATORS: dict[str, tuple[Callable[[Decimal, Decimal], bool], str]] = {
    ">=": (operator.ge, "≥"),
    ">": (operator.gt, ">"),
    "<=": (operator.le, "≤"),
    "<": (operator.lt, "<"),
    "==": (operator.eq, "="),
}


@dataclass(frozen=True)
class Rule:
    id: str
    article: str  # 第四条、第九条
    clause: str  # the verbatim words the rule checks
    text: str  # the whole article(s), verbatim
    metric: str
    op: str
    threshold: Decimal
    unit: str = ""
    severity: Severity = Severity.ERROR
    applies_to: tuple[str, ...] = ()  # 单位类别 values; empty = every applicant
    label: str = ""  # the figure, short: 年培训规模

    @property
    def summary(self) -> str:
        """``年培训规模 ≥ 2000 人次``: what the report's 要求 column shows."""
        return f"{self.label} {self.requirement}" if self.label else self.clause

    @property
    def requirement(self) -> str:
        """Short form of the comparison: ``≥ 2000 人次``, ``≥ 20%``."""
        sep = "" if self.unit == "%" else " "
        return f"{OPERATORS[self.op][1]} {fmt_number(self.threshold)}{sep}{self.unit}".rstrip()

    def applies(self, app: Application) -> bool:
        return not self.applies_to or app.header.get("category") in self.applies_to

    def holds(self, value: Decimal | None) -> bool:
        return value is not None and OPERATORS[self.op][0](value, self.threshold)


@dataclass(frozen=True)
class Standard:
    key: str  # file stem, e.g. "national"
    title: str
    source: str
    rules: tuple[Rule, ...]
    path: Path


def available_standards() -> list[str]:
    """Keys of the standards shipped with skilldoc."""
    return sorted(p.stem for p in standards_dir().glob("*.toml"))


def standard_path(name: str | Path) -> Path:
    """``"national"`` → the shipped file; a path to a .toml file is taken as is."""
    candidate = Path(name)
    if candidate.suffix == ".toml":
        return candidate
    return standards_dir() / f"{name}.toml"


def load_standard(name: str | Path) -> Standard:
    """Read and validate one standard; every problem in the file is reported at once."""
    path = standard_path(name)
    loc = Location(str(path))
    if not path.is_file():
        known = "、".join(available_standards())
        raise InputError("找不到遴选标准", [Problem(
            f"没有名为“{name}”的遴选标准", loc, hint=f"可用的标准：{known}", code="standard.unknown")])
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InputError("遴选标准文件格式有误", [Problem(
            f"无法读取：{exc}", loc, hint="该文件应为 UTF-8 编码的 TOML", code="standard.syntax")]) from None

    problems: list[Problem] = []
    default_severity = _severity(data.get("severity", "error"), "severity", loc, problems)
    for key in ("title",):
        if not isinstance(data.get(key), str) or not data[key].strip():
            problems.append(Problem(f"缺少“{key}”", loc, code="standard.field"))
    rules: list[Rule] = []
    raw_rules = data.get("rules")
    if not isinstance(raw_rules, list) or not raw_rules:
        problems.append(Problem("没有任何规则（[[rules]]）", loc, code="standard.field"))
        raw_rules = []
    seen: set[str] = set()
    for i, raw in enumerate(raw_rules, start=1):
        where = f"第 {i} 条规则"
        missing = [k for k in ("id", "article", "clause", "text", "metric", "op", "threshold") if k not in raw]
        if missing:
            problems.append(Problem(f"{where}缺少：{'、'.join(missing)}", loc, code="standard.field"))
            continue
        if raw["metric"] not in METRICS:
            problems.append(Problem(f"{where}（{raw['id']}）的指标“{raw['metric']}”不存在", loc,
                                    hint=f"可用指标：{'、'.join(METRICS)}", code="standard.metric"))
        if raw["op"] not in OPERATORS:
            problems.append(Problem(f"{where}（{raw['id']}）的比较符“{raw['op']}”无效", loc,
                                    hint=f"可用：{' '.join(OPERATORS)}", code="standard.op"))
        if not isinstance(raw["threshold"], int | float) or isinstance(raw["threshold"], bool):
            problems.append(Problem(f"{where}（{raw['id']}）的阈值不是数字", loc, code="standard.threshold"))
            continue
        if raw["id"] in seen:
            problems.append(Problem(f"{where}的 id“{raw['id']}”重复", loc, code="standard.field"))
        seen.add(raw["id"])
        if str(raw["clause"]) not in str(raw["text"]):
            problems.append(Problem(f"{where}（{raw['id']}）的 clause 不是 text 的原文摘录", loc,
                                    hint="clause 应逐字摘自条文", code="standard.clause"))
        severity = _severity(raw.get("severity"), f"{where} severity", loc, problems) or default_severity
        rules.append(Rule(
            id=str(raw["id"]), article=str(raw["article"]), clause=str(raw["clause"]),
            text=str(raw["text"]).strip(), metric=str(raw["metric"]), op=str(raw["op"]),
            threshold=Decimal(str(raw["threshold"])), unit=str(raw.get("unit", "")),
            severity=severity or Severity.ERROR, applies_to=tuple(raw.get("applies_to", ())),
            label=str(raw.get("label", "")),
        ))
    if problems:
        raise InputError("遴选标准文件有误", problems)
    return Standard(key=str(data.get("key", path.stem)), title=str(data["title"]),
                    source=str(data.get("source", "")), rules=tuple(rules), path=path)


def _severity(value: object, what: str, loc: Location, problems: list[Problem]) -> Severity | None:
    if value is None:
        return None
    if value in ("error", "warning"):
        return Severity(value)
    problems.append(Problem(f"{what} 应为 error 或 warning，而不是“{value}”", loc, code="standard.field"))
    return None


def measure(rule: Rule, app: Application) -> Measurement:
    return METRICS[rule.metric](app)


def load_standards(names: Sequence[str | Path]) -> list[Standard]:
    """Load several standards, reporting the problems of all of them together."""
    loaded: list[Standard] = []
    problems: list[Problem] = []
    for name in names:
        try:
            loaded.append(load_standard(name))
        except InputError as exc:
            problems.extend(exc.problems)
    if problems:
        raise InputError("遴选标准文件有误", problems)
    return loaded


__all__ = [
    "METRICS", "OPERATORS", "Measurement", "Rule", "Standard", "available_standards", "fmt_number",
    "fmt_percent", "load_standard", "load_standards", "measure",
]
