"""Scoring rubrics (评审细则) as data: load ``skilldoc/rubrics/*.toml`` and apply them to an application.

A rubric has categories (评审内容, with points, the 评审标准 and the 佐证材料
they ask for) made of items (评审细则) the experts score.  An item whose score
follows from a figure of the workbook names a metric of
:data:`skilldoc.checks.standards.METRICS` and bands: the first band that holds
gives a fixed score (filled in for the experts) or a range left to them.  See
``skilldoc/rubrics/gaojineng-jidi.toml`` for the format.

Like the standards, a rubric quotes its policy text verbatim; unlike them, a
rubric error names the line of the file (tomllib keeps no positions, so the
lines are found by scanning for the table headers in document order).

Pure: no printing; a malformed rubric raises :class:`InputError` with every problem.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from ..checks.standards import METRICS, OPERATORS, fmt_number
from ..errors import InputError, Location, Problem
from ..model import Application

RUBRICS_DIR = Path(__file__).resolve().parent.parent / "rubrics"


@dataclass(frozen=True)
class Band:
    op: str
    threshold: Decimal
    low: int
    high: int
    group: str | None = None  # a key of Rubric.groups: only these 单位类别
    variants: tuple[str, ...] = ()  # only in these variants of the rubric

    def holds(self, value: Decimal) -> bool:
        return OPERATORS[self.op][0](value, self.threshold)

    @property
    def requirement(self) -> str:
        return f"{OPERATORS[self.op][1]} {fmt_number(self.threshold)}"


@dataclass(frozen=True)
class Item:
    id: str
    category: str
    title: str
    points: int
    text: str  # the 评审细则 lines, verbatim
    metric: str | None = None
    unit: str = ""
    label: str = ""
    bands: tuple[Band, ...] = ()
    otherwise: tuple[int, int] | None = None

    @property
    def heading(self) -> str:
        """``培训成果·上年度培训量（10分）``: a column title of the score sheet."""
        return f"{self.category}·{self.title}（{self.points}分）"

    @property
    def automatic(self) -> bool:
        return self.metric is not None


@dataclass(frozen=True)
class EvidenceAsk:
    """One 佐证材料 a category asks for, and the words that identify it in evidence names."""

    category: str
    text: str
    keywords: tuple[str, ...]


@dataclass(frozen=True)
class Category:
    name: str
    points: int
    standard: str
    report: str
    variant: str | None
    evidence: tuple[EvidenceAsk, ...]
    items: tuple[Item, ...]


@dataclass(frozen=True)
class Rubric:
    key: str
    title: str
    source: str
    variant: str | None  # the variant chosen (None when the rubric has none)
    variants: tuple[str, ...]
    groups: Mapping[str, tuple[str, ...]]
    categories: tuple[Category, ...]  # those of the chosen variant only
    path: Path

    @property
    def items(self) -> list[Item]:
        return [it for c in self.categories for it in c.items]

    @property
    def total(self) -> int:
        return sum(c.points for c in self.categories)

    @property
    def name(self) -> str:
        return f"{self.title}（{self.variant}）" if self.variant else self.title


def available_rubrics() -> list[str]:
    return sorted(p.stem for p in RUBRICS_DIR.glob("*.toml"))


def rubric_path(name: str | Path) -> Path:
    candidate = Path(name)
    if candidate.suffix == ".toml":
        return candidate
    return RUBRICS_DIR / f"{name}.toml"


# --- loading ---------------------------------------------------------------------------------

_HEADER_RE = re.compile(r"^\s*\[\[\s*([A-Za-z_.]+)\s*\]\]\s*(#.*)?$")
_TOML_LINE_RE = re.compile(r"at line (\d+)")


class _Lines:
    """Line numbers of array-of-tables headers, in document order, and of keys inside them."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()
        self.headers: dict[str, list[int]] = {}
        for n, line in enumerate(self.lines, start=1):
            m = _HEADER_RE.match(line)
            if m:
                self.headers.setdefault(m.group(1).replace(" ", ""), []).append(n)

    def table(self, name: str, index: int) -> int | None:
        found = self.headers.get(name, [])
        return found[index] if index < len(found) else None

    def key(self, start: int | None, key: str) -> int | None:
        if start is None:
            return None
        pattern = re.compile(rf"^\s*\"?{re.escape(key)}\"?\s*=")
        for n in range(start, len(self.lines) + 1):
            if n > start and _HEADER_RE.match(self.lines[n - 1]):
                return start
            if pattern.match(self.lines[n - 1]):
                return n
        return start


class _Loader:
    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.lines = _Lines(text)
        self.problems: list[Problem] = []
        self.counters: dict[str, int] = {}

    def fail(self, message: str, line: int | None, hint: str | None = None, code: str = "rubric.field") -> None:
        self.problems.append(Problem(message, Location(str(self.path), line=line), hint, code=code))

    def next_table(self, name: str) -> int | None:
        index = self.counters.get(name, 0)
        self.counters[name] = index + 1
        return self.lines.table(name, index)

    def text(self, raw: Mapping[str, object], key: str, line: int | None, where: str,
             required: bool = True) -> str:
        value = raw.get(key)
        if value is None and not required:
            return ""
        if not isinstance(value, str) or (required and not value.strip()):
            self.fail(f"{where}缺少“{key}”（文字）", self.lines.key(line, key))
            return ""
        return value.strip()

    def integer(self, raw: Mapping[str, object], key: str, line: int | None, where: str) -> int:
        value = raw.get(key)
        if value is None:
            self.fail(f"{where}缺少“{key}”（不小于 0 的整数）", self.lines.key(line, key))
            return 0
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            self.fail(f"{where}的“{key}”应为不小于 0 的整数，而不是“{value}”", self.lines.key(line, key))
            return 0
        return value

    def score_range(self, value: object, key: str, line: int | None, where: str,
                    points: int) -> tuple[int, int] | None:
        ok = (isinstance(value, list) and len(value) == 2
              and all(isinstance(v, int) and not isinstance(v, bool) for v in value))
        if value is None:
            self.fail(f"{where}缺少“{key}”（两个整数 [最低分, 最高分]）", self.lines.key(line, key))
            return None
        if not ok:
            self.fail(f"{where}的“{key}”应为两个整数 [最低分, 最高分]，而不是“{value}”", self.lines.key(line, key))
            return None
        low, high = int(value[0]), int(value[1])  # type: ignore[index]
        if not 0 <= low <= high <= points:
            self.fail(f"{where}的“{key}” [{low}, {high}] 不在 0–{points} 分之内或最低分大于最高分",
                      self.lines.key(line, key))
            return None
        return low, high


def load_rubric(name: str | Path, variant: str | None = None) -> Rubric:
    """Read and validate a rubric; ``variant`` picks one of its ``variants`` (default: the first)."""
    path = rubric_path(name)
    if not path.is_file():
        raise InputError("找不到评审细则", [Problem(
            f"没有名为“{name}”的评审细则", Location(str(path)),
            hint=f"可用的评审细则：{'、'.join(available_rubrics())}；或给出一个 .toml 文件的路径",
            code="rubric.unknown")])
    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except UnicodeDecodeError:
        raise InputError("评审细则文件格式有误", [Problem(
            "不是 UTF-8 编码的文本", Location(str(path)), hint="请另存为 UTF-8 编码的 TOML 文件",
            code="rubric.syntax")]) from None
    except tomllib.TOMLDecodeError as exc:
        m = _TOML_LINE_RE.search(str(exc))
        raise InputError("评审细则文件格式有误", [Problem(
            f"TOML 语法错误：{exc}", Location(str(path), line=int(m.group(1)) if m else None),
            hint="检查该行的引号、括号和等号（TOML 格式）", code="rubric.syntax")]) from None
    except OSError as exc:
        raise InputError("评审细则文件无法读取", [Problem(
            f"无法读取：{exc.strerror or exc}", Location(str(path)), code="rubric.read")]) from None
    return _parse(path, text, data, variant)


def _parse(path: Path, text: str, data: dict[str, object], variant: str | None) -> Rubric:
    ld = _Loader(path, text)
    title = ld.text(data, "title", 1, "评审细则")
    raw_variants = data.get("variants", [])
    variants: tuple[str, ...] = ()
    if isinstance(raw_variants, list) and all(isinstance(v, str) for v in raw_variants):
        variants = tuple(raw_variants)
    else:
        ld.fail("“variants”应为文字列表", ld.lines.key(1, "variants"))
    if variant is None and variants:
        variant = variants[0]
    elif variant is not None and variant not in variants:
        raise InputError("评审细则的类型无效", [Problem(
            f"评审细则“{title or path.stem}”没有类型“{variant}”", Location(str(path)),
            hint=f"可选：{'、'.join(variants)}" if variants else "该评审细则不分类型，请去掉 --variant",
            code="rubric.variant")])

    groups: dict[str, tuple[str, ...]] = {}
    raw_groups = data.get("groups", {})
    if isinstance(raw_groups, dict):
        for gname, members in raw_groups.items():
            if isinstance(members, list) and all(isinstance(m, str) for m in members):
                groups[gname] = tuple(members)
            else:
                ld.fail(f"[groups] 的“{gname}”应为单位类别的文字列表", ld.lines.key(1, gname))
    categories: list[Category] = []
    raw_categories = data.get("categories")
    if not isinstance(raw_categories, list) or not raw_categories:
        ld.fail("没有任何评审内容（[[categories]]）", None)
        raw_categories = []
    seen: set[str] = set()
    for ci, raw in enumerate(raw_categories, start=1):
        cat = _category(ld, raw, ci, groups, variants, seen)
        if cat is not None and (cat.variant is None or cat.variant == variant):
            categories.append(cat)
    if ld.problems:
        raise InputError("评审细则文件有误", ld.problems)
    return Rubric(key=str(data.get("key", path.stem)), title=title, source=str(data.get("source", "")),
                  variant=variant, variants=variants, groups=groups, categories=tuple(categories), path=path)


def _category(ld: _Loader, raw: object, ci: int, groups: Mapping[str, tuple[str, ...]],
              variants: tuple[str, ...], seen: set[str]) -> Category | None:
    line = ld.next_table("categories")
    if not isinstance(raw, dict):
        ld.fail(f"第 {ci} 个评审内容格式有误", line)
        return None
    where = f"第 {ci} 个评审内容"
    name = ld.text(raw, "name", line, where)
    where = f"评审内容“{name or ci}”"
    points = ld.integer(raw, "points", line, where)
    standard = ld.text(raw, "standard", line, where)
    report = ld.text(raw, "report", line, where, required=False)
    variant = raw.get("variant")
    if variant is not None and variant not in variants:
        ld.fail(f"{where}的 variant“{variant}”不在 variants 中", ld.lines.key(line, "variant"))
    evidence = []
    for raw_ev in raw.get("evidence", []) or []:
        ev_line = ld.next_table("categories.evidence")
        ev_text = ld.text(raw_ev, "text", ev_line, f"{where}的佐证材料")
        keywords = raw_ev.get("keywords", [])
        if not isinstance(keywords, list) or not all(isinstance(k, str) and k for k in keywords):
            ld.fail(f"{where}的佐证材料“{ev_text[:20]}”的 keywords 应为文字列表", ld.lines.key(ev_line, "keywords"))
            keywords = []
        evidence.append(EvidenceAsk(name, ev_text, tuple(keywords)))
    items = []
    raw_items = raw.get("items")
    if not isinstance(raw_items, list) or not raw_items:
        ld.fail(f"{where}没有评审细则（[[categories.items]]）", line)
        raw_items = []
    for ii, raw_item in enumerate(raw_items, start=1):
        item = _item(ld, raw_item, f"{where}第 {ii} 项", name, groups, variants, seen)
        if item is not None:
            items.append(item)
    if items and sum(it.points for it in items) != points:
        ld.fail(f"{where}各项分值之和 {sum(it.points for it in items)} 不等于该评审内容的分值 {points}",
                ld.lines.key(line, "points"), code="rubric.points")
    return Category(name, points, standard, report, variant if isinstance(variant, str) else None,
                    tuple(evidence), tuple(items))


def _item(ld: _Loader, raw: dict[str, object], where: str, category: str,
          groups: Mapping[str, tuple[str, ...]], variants: tuple[str, ...], seen: set[str]) -> Item | None:
    line = ld.next_table("categories.items")
    item_id = ld.text(raw, "id", line, where)
    if item_id in seen:
        ld.fail(f"{where}的 id“{item_id}”重复", ld.lines.key(line, "id"))
    seen.add(item_id)
    title = ld.text(raw, "title", line, where)
    points = ld.integer(raw, "points", line, where)
    text = ld.text(raw, "text", line, where)
    metric = raw.get("metric")
    bands: list[Band] = []
    raw_bands = raw.get("bands", []) or []
    if metric is not None and metric not in METRICS:
        ld.fail(f"{where}（{item_id}）的指标“{metric}”不存在", ld.lines.key(line, "metric"),
                hint=f"可用指标：{'、'.join(METRICS)}", code="rubric.metric")
    if metric is not None and not raw_bands:
        ld.fail(f"{where}（{item_id}）有 metric 但没有 [[categories.items.bands]]", ld.lines.key(line, "metric"))
    if metric is None and raw_bands:
        ld.fail(f"{where}（{item_id}）有 bands 但没有 metric", line)
    for bi, raw_band in enumerate(raw_bands if isinstance(raw_bands, list) else [], start=1):
        band_line = ld.next_table("categories.items.bands")
        bwhere = f"{where}（{item_id}）第 {bi} 档"
        op = raw_band.get("op")
        if op not in OPERATORS:
            ld.fail(f"{bwhere}的比较符“{op}”无效", ld.lines.key(band_line, "op"), hint=f"可用：{' '.join(OPERATORS)}")
            continue
        threshold = raw_band.get("threshold")
        if not isinstance(threshold, int | float) or isinstance(threshold, bool):
            ld.fail(f"{bwhere}的 threshold 不是数字", ld.lines.key(band_line, "threshold"))
            continue
        score = ld.score_range(raw_band.get("score"), "score", band_line, bwhere, points)
        group = raw_band.get("group")
        if group is not None and group not in groups:
            ld.fail(f"{bwhere}的 group“{group}”不在 [groups] 中", ld.lines.key(band_line, "group"))
        band_variants = raw_band.get("variants", [])
        if not isinstance(band_variants, list) or any(v not in variants for v in band_variants):
            ld.fail(f"{bwhere}的 variants {band_variants} 不在 variants 中", ld.lines.key(band_line, "variants"))
            band_variants = []
        if score is not None:
            bands.append(Band(str(op), Decimal(str(threshold)), score[0], score[1],
                              group if isinstance(group, str) else None, tuple(band_variants)))
    otherwise = None
    if "otherwise" in raw:
        otherwise = ld.score_range(raw["otherwise"], "otherwise", line, f"{where}（{item_id}）", points)
    return Item(id=item_id, category=category, title=title, points=points, text=text,
                metric=metric if isinstance(metric, str) else None, unit=str(raw.get("unit", "")),
                label=str(raw.get("label", title)), bands=tuple(bands), otherwise=otherwise)


# --- applying it -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Allowed:
    """The scores an item may take for one application, and why."""

    low: int
    high: int
    automatic: bool  # follows from the application's figures
    basis: str  # how it was derived, in Chinese

    @property
    def fixed(self) -> bool:
        """Filled in and locked on the score sheet: the figures decide the score alone."""
        return self.automatic and self.low == self.high

    @property
    def display(self) -> str:
        return f"{self.low} 分" if self.low == self.high else f"{self.low}–{self.high} 分"


def allowed(item: Item, app: Application | None, rubric: Rubric) -> Allowed:
    """The range of ``item`` for ``app`` (0..points when the experts decide it alone)."""
    manual = Allowed(0, item.points, False, "专家评定")
    if item.metric is None:
        return manual
    if app is None:
        return Allowed(0, item.points, False, "申报数据无法读取，专家评定")
    m = METRICS[item.metric](app)
    if m.value is None:
        return Allowed(0, item.points, False, f"{item.label}未填写，专家评定")
    category = str(app.header.get("category") or "")
    bands = [b for b in item.bands if not b.variants or rubric.variant in b.variants]
    fitting = [b for b in bands if b.group is None or category in rubric.groups.get(b.group, ())]
    if bands and not fitting:
        return Allowed(0, item.points, False, f"单位类别“{category or '未填写'}”不在细则所列类别中，专家评定")
    for band in fitting:
        if band.holds(m.value):
            return Allowed(band.low, band.high, True, f"{item.label} {m.display}，{_with_unit(band.requirement, item.unit)}")
    if item.otherwise is not None:
        lowest = _with_unit(fitting[-1].requirement, item.unit) if fitting else ""
        return Allowed(item.otherwise[0], item.otherwise[1], True,
                       f"{item.label} {m.display}，未达到细则所列最低一档（{lowest}）")
    return Allowed(0, item.points, False, f"{item.label} {m.display}，细则未规定，专家评定")


def _with_unit(requirement: str, unit: str) -> str:
    return f"{requirement}{unit}" if unit == "%" else f"{requirement} {unit}".rstrip()


def present_evidence(ask: EvidenceAsk, names: Sequence[str]) -> list[str]:
    """Names of the applicant's evidence that hold one of the keywords of ``ask``."""
    return [n for n in names if any(k in n for k in ask.keywords)]


@dataclass(frozen=True)
class ItemOutlook:
    item: Item
    allowed: Allowed


@dataclass(frozen=True)
class RubricOutlook:
    """What the applicant's figures earn under a rubric, and which 佐证材料 seem missing."""

    rubric: Rubric
    items: tuple[ItemOutlook, ...]
    missing: tuple[EvidenceAsk, ...]  # asked for; no evidence name holds its keywords
    unchecked: tuple[EvidenceAsk, ...]  # asked for without keywords (e.g. 现场演示)
    evidence_listed: bool = True  # False for a 申报书.docx: no evidence sheet to compare with

    @property
    def fixed_points(self) -> int:
        return sum(o.allowed.low for o in self.items if o.allowed.fixed)


def outlook(rubric: Rubric, app: Application, *, evidence_listed: bool = True) -> RubricOutlook:
    names = [f"{e.title} {' '.join(f.name for f in e.files)}" for e in app.evidence]
    items = tuple(ItemOutlook(it, allowed(it, app, rubric)) for it in rubric.items)
    asks = [a for c in rubric.categories for a in c.evidence]
    missing = tuple(a for a in asks if a.keywords and not present_evidence(a, names))
    unchecked = tuple(a for a in asks if not a.keywords)
    if not evidence_listed:
        return RubricOutlook(rubric, items, (), tuple(asks), evidence_listed=False)
    return RubricOutlook(rubric, items, missing, unchecked)


def format_outlook(view: RubricOutlook) -> str:
    """The applicant-side text (``skilldoc check --rubric``)."""
    r = view.rubric
    out = [f"评审细则：{r.name}（满分 {r.total} 分）", ""]
    out.append("一、按申报数据可确定的得分（其余各项由评审专家在所列范围内评定）")
    for o in view.items:
        kind = "按数据" if o.allowed.automatic else "专家评定"
        basis = f"（{o.allowed.basis}）" if o.allowed.automatic or o.item.automatic else ""
        out.append(f"  {o.item.heading}：{o.allowed.display} [{kind}]{basis}")
    out.append(f"  已确定的得分合计：{view.fixed_points} 分")
    out.append("")
    out.append("二、细则要求的佐证材料中，证明材料清单里似乎没有的（按名称中的关键词判断，仅供参考）")
    if not view.evidence_listed:
        out.append("  · 申报书中没有证明材料清单，无法判断；请对照下列佐证材料自查：")
    elif not view.missing:
        out.append("  ✓ 未发现缺少的佐证材料")
    for a in view.missing:
        out.append(f"  ! {a.category}：{a.text}（关键词：{'、'.join(a.keywords)}）")
    for a in view.unchecked:
        out.append(f"  · {a.category}：{a.text}（无法从材料名称判断）")
    return "\n".join(out)


def outlook_dict(view: RubricOutlook) -> dict[str, object]:
    r = view.rubric
    return {
        "key": r.key, "title": r.title, "variant": r.variant, "total": r.total,
        "items": [{"id": o.item.id, "category": o.item.category, "title": o.item.title, "points": o.item.points,
                   "low": o.allowed.low, "high": o.allowed.high, "automatic": o.allowed.automatic,
                   "fixed": o.allowed.fixed, "basis": o.allowed.basis} for o in view.items],
        "fixed_points": view.fixed_points,
        "missing_evidence": [{"category": a.category, "text": a.text, "keywords": list(a.keywords)}
                             for a in view.missing],
    }
