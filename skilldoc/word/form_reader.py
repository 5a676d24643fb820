"""Read a 申报书 made in Word (by skilldoc or by hand) back into an Application and sections.

The official form is recognised by its labels (``skilldoc/form.py``), not by row
or column positions: every top-level table of the document is laid out on its
grid (``w:gridSpan``, ``w:gridBefore``, ``w:vMerge``), each cell whose text is a
label (compared without spaces, half/full-width folded) names the field, and the
value is the next cell to its right — or, for the labels laid out as a row of
column headings (the 实习指导教师 breakdown), the cell below.  Labels that occur
twice (数量（台/套）, 总值（万元）, 其他) are told apart by the group cell to
their left or above.  So merges, extra spaces, half-width brackets, empty spare
rows and shuffled rows do not matter.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from .. import form, values
from ..errors import InputError, Location, Problem, Severity
from ..model import Application, Header, Occupation, OccupationYear, SectionSource, Value, YearTotal
from .ooxml import Element, WordPackage, open_package, w, wattr
from .text import Markup, MarkupWriter, paragraph_text

TABLE_SHEET = "表头表格"  # Location.sheet for cells of the form table
_LABEL_MAX = 60  # characters: the longest label (等级认定资质制造类职业（工种）数量) with room for spaces


@dataclass(frozen=True)
class Found:
    """One value read from the form: what, the value as text, and where (第 r 行第 c 列 / 封面)."""

    what: str
    value: str
    where: str


@dataclass
class FormDocument:
    """What :func:`read_form` read from a 申报书.docx."""

    path: Path
    app: Application
    sections: list[SectionSource]
    problems: list[Problem] = field(default_factory=list)
    found: list[Found] = field(default_factory=list)
    literal_refs: list[tuple[str, str]] = field(default_factory=list)  # (section title, （见证明材料第…页）)
    section_origins: dict[str, list[str]] = field(default_factory=dict)  # section title → per-line origin


def norm(text: str) -> str:
    """A label for comparison: NFKC (full-width brackets → half-width), no spaces, no colon."""
    text = unicodedata.normalize("NFKC", text)
    return "".join(ch for ch in text if not ch.isspace() and ch not in ":_")


@dataclass
class _Cell:
    row: int  # 1-based over all rows of all tables, for messages
    col: int  # grid column where the cell starts
    span: int
    text: str
    tc: Element
    continued: bool = False  # a vMerge continuation (its text is the merged cell's)
    table: int = 1
    table_row: int = 1
    index: int = 1  # 1-based position in its row

    @functools.cached_property
    def key(self) -> str:
        """The text as a label key; "" for long text (a value or a section body, never a label)."""
        return norm(self.text) if len(self.text) <= _LABEL_MAX else ""

    @property
    def where(self) -> str:
        return f"第 {self.table_row} 行第 {self.index} 列" if self.table == 1 else \
            f"第 {self.table} 个表格第 {self.table_row} 行第 {self.index} 列"


GROUPS = {norm(g): g for g in ("法人代表信息", "培训场所条件", "教学实训设备", "智能机器人仪器设备", "培训师资情况",
                              "职 称", "职业资格（技能等级）", "培训评价能力", form.TRAINING_TOTAL_LABEL)}
LABEL_KEYS: dict[str, list[str]] = {}
for _f in form.HEADER_FIELDS:
    LABEL_KEYS.setdefault(norm(_f.label), []).append(_f.key)
LABEL_KEYS[norm("职称")] = []  # group heading, never a value
_YEAR_CELL = re.compile(r"((?:19|20)\d\d)年?(?:度)?")
_SUB = {norm(form.YEAR_COLUMNS[0].label): "trained", norm(form.YEAR_COLUMNS[1].label): "advanced"}
_SECTION_KEYS = {}
for _s in form.SECTIONS:
    _SECTION_KEYS[norm(_s.title)] = _s
    _SECTION_KEYS[norm(f"{_s.number}、{_s.name}")] = _s
    _SECTION_KEYS[norm(_s.name)] = _s
TICKED = set("☑☒√✓✔■▣●◼⊠✗✘×\uf052\uf0fe\uf053\uf0fd")
UNTICKED = set("☐□○◻\uf0a3\uf0a8\uf06f\uf071")
LITERAL_REF = re.compile(r"[（(]\s*见\s*证明材料[^（）()]{0,60}[）)]")
_OCC_LABEL = norm(form.OCCUPATION_COLUMNS[0].label)


def _cell_text(tc: Element) -> str:
    return "\n".join(paragraph_text(p) for p in tc.iter(w("p"))).strip()


def _grid(package: WordPackage) -> list[list[_Cell]]:
    rows: list[list[_Cell]] = []
    number = 0
    for t, tbl in enumerate(_top_tables(package.body), start=1):
        above: dict[int, _Cell] = {}
        for r, tr in enumerate(tbl.findall(w("tr")), start=1):
            number += 1
            col = 0
            trpr = tr.find(w("trPr"))
            if trpr is not None:
                gb = trpr.find(w("gridBefore"))
                if gb is not None and (wattr(gb, "val") or "").isdigit():
                    col = int(wattr(gb, "val") or "0")
            cells: list[_Cell] = []
            for i, tc in enumerate(tr.findall(w("tc")), start=1):
                tcpr = tc.find(w("tcPr"))
                span, continued = 1, False
                if tcpr is not None:
                    gs = tcpr.find(w("gridSpan"))
                    if gs is not None and (wattr(gs, "val") or "").isdigit():
                        span = max(1, int(wattr(gs, "val") or "1"))
                    vm = tcpr.find(w("vMerge"))
                    continued = vm is not None and wattr(vm, "val") in (None, "continue")
                text = above[col].text if continued and col in above else _cell_text(tc)
                cell = _Cell(number, col, span, text, tc, continued, t, r, i)
                cells.append(cell)
                if not continued:
                    above[col] = cell
                col += span
            rows.append(cells)
    return rows


def _top_tables(container: Element) -> list[Element]:
    out = []
    for el in container:
        if el.tag == w("tbl"):
            out.append(el)
        elif el.tag == w("sdt"):
            content = el.find(w("sdtContent"))
            if content is not None:
                out.extend(_top_tables(content))
    return out


def _is_label(cell: _Cell) -> bool:
    k = cell.key
    return k in LABEL_KEYS or k in GROUPS or k in _SUB or bool(_YEAR_CELL.fullmatch(k)) or _section_of(cell) is not None


def _section_of(cell: _Cell) -> form.Section | None:
    return _section_of_key(cell.key)


def _section_of_text(text: str) -> form.Section | None:
    return _section_of_key(norm(text))


def _section_of_key(k: str) -> form.Section | None:
    if k in _SECTION_KEYS:
        return _SECTION_KEYS[k]
    m = re.fullmatch(r"(\d)[.、]?(.+)", k)
    if m and norm(m.group(2)) in _SECTION_KEYS:
        return _SECTION_KEYS[norm(m.group(2))]
    return None


class _Reader:
    def __init__(self, package: WordPackage) -> None:
        self.package = package
        self.path = package.path
        self.rows = _grid(package)
        self.raw: dict[str, tuple[str, _Cell | None]] = {}  # field key → (text, cell)
        self.problems: list[Problem] = []
        self.found: list[Found] = []
        self.labels_seen: set[str] = set()

    def loc(self, cell: _Cell | None) -> Location:
        if cell is None:
            return Location(str(self.path))
        return Location(str(self.path), sheet=TABLE_SHEET, cell=cell.where)

    def warn(self, message: str, cell: _Cell | None, hint: str = "", code: str = "import.partial") -> None:
        self.problems.append(Problem(message, self.loc(cell), hint or None, Severity.WARNING, code))

    # -- header labels -----------------------------------------------------------

    def _group_left(self, row: list[_Cell], cell: _Cell) -> str:
        for c in reversed([c for c in row if c.col < cell.col]):
            if c.key in GROUPS:
                return GROUPS[c.key]
        return ""

    def _group_above(self, r: int, cell: _Cell) -> str:
        for rr in range(r - 1, max(-1, r - 3), -1):
            for c in self.rows[rr]:
                if c.col <= cell.col < c.col + c.span and c.key in GROUPS:
                    return GROUPS[c.key]
        return ""

    def _below(self, r: int, cell: _Cell) -> _Cell | None:
        for rr in range(r + 1, min(len(self.rows), r + 4)):
            for c in self.rows[rr]:
                if c.col == cell.col and not c.continued:
                    return None if _is_label(c) else c
        return None

    def header(self) -> None:
        for r, row in enumerate(self.rows):
            for i, cell in enumerate(row):
                if cell.continued or cell.key not in LABEL_KEYS:
                    continue
                keys = LABEL_KEYS[cell.key]
                if not keys:
                    continue
                right = row[i + 1] if i + 1 < len(row) else None
                if right is not None and not _is_label(right):
                    value_cell: _Cell | None = right
                    group = self._group_left(row, cell)
                else:
                    value_cell = self._below(r, cell)
                    group = self._group_above(r, cell)
                key = self._pick(keys, group, cell)
                if key is None:
                    continue
                self.labels_seen.add(key)
                if key in self.raw and self.raw[key][0]:
                    continue
                self.raw[key] = ((value_cell.text if value_cell else ""), value_cell)

    def _pick(self, keys: list[str], group: str, cell: _Cell) -> str | None:
        if len(keys) == 1:
            return keys[0]
        g = norm(group)
        for k in keys:
            f = form.HEADER_BY_KEY[k]
            if f.group and g and norm(f.group.split("/")[-1]) == g:
                return k
        for k in keys:  # 其他 without a group heading: the 单位类别 one is never a label cell
            if form.HEADER_BY_KEY[k].group == "" and not g:
                return k
        self.warn(f"无法确定“{cell.text}”属于哪一项（没有找到它所在的分组标题）", cell,
                  "请保留表格中“教学实训设备”“职 称”等分组标题")
        return None

    def cover(self) -> None:
        """填报时间 (and 申报单位/主管单位 as fallbacks) from the cover paragraphs."""
        wanted = {norm(label): label for label in form.COVER_LABELS}
        for p in self.package.body.findall(w("p")):
            text = paragraph_text(p).strip()
            m = re.match(r"(\S+?)\s*[：:\t]\s*(.*)", text) or re.match(r"(申报单位|主管单位|申报职业|填报时间)\s*(.*)", text)
            if not m or norm(m.group(1)) not in wanted:
                continue
            label = wanted[norm(m.group(1))]
            value = m.group(2).replace(form.COVER_SEAL, "").strip(" _\u3000\t")
            key = {"填报时间": "filled_on", "申报单位": "org_name", "主管单位": "authority"}.get(label)
            if key and value and not (key in self.raw and self.raw[key][0]):
                self.raw[key] = (value, None)
                self.found.append(Found(f"封面“{label}”", value, "封面"))
                self.labels_seen.add(key)

    # -- values -----------------------------------------------------------------------

    def values(self) -> tuple[dict[str, Value], dict[str, tuple[str, str]]]:
        out: dict[str, Value] = {}
        cells: dict[str, tuple[str, str]] = {}
        for f in form.HEADER_FIELDS:
            if f.key in ("category", "category_other", "is_assessor"):
                continue
            if f.key not in self.raw:
                continue
            text, cell = self.raw[f.key]
            if cell is not None:
                cells[f"header.{f.key}"] = (TABLE_SHEET, cell.where)
            text = text.strip().strip("_").strip()
            if not text:
                continue
            try:
                value = values.parse_field(f, text)
            except values.ValueProblem as exc:
                self.warn(f"{_name(f)}{exc.message}，未导入", cell, f.hint, "import.value")
                continue
            out[f.key] = value
            if cell is not None:
                self.found.append(Found(_name(f), _show(value), cell.where))
        self._choice("category", form.UNIT_CATEGORIES, out, cells)
        self._choice("is_assessor", form.YES_NO, out, cells)
        return out, cells

    def _choice(self, key: str, options: tuple[str, ...], out: dict[str, Value],
                cells: dict[str, tuple[str, str]]) -> None:
        if key not in self.raw:
            return
        text, cell = self.raw[key]
        if cell is not None:
            cells[f"header.{key}"] = (TABLE_SHEET, cell.where)
        chosen, other, how = read_ticks(text, options)
        f = form.HEADER_BY_KEY[key]
        if chosen is None:
            if text.strip() and any(ch in TICKED for ch in text) or how == "many":
                self.warn(f"{_name(f)}勾选了不止一项或无法判断勾选了哪一项：“{values.display(text)}”", cell,
                          f"请在工作簿中从下拉列表选择：{'、'.join(options)}", "import.choice")
            return
        out[key] = chosen
        self.found.append(Found(_name(f), chosen + (f"（{how}）" if how else ""), cell.where if cell else "封面"))
        if key == "category" and chosen == "其他" and other:
            out["category_other"] = other
            self.found.append(Found("单位类别“其他”", other, cell.where if cell else ""))

    # -- 培训总量 and occupations ---------------------------------------------------------

    def years(self) -> tuple[list[YearTotal], list[Occupation]]:
        start = next(((r, c) for r, row in enumerate(self.rows) for c in row
                      if not c.continued and c.key == norm(form.TRAINING_TOTAL_LABEL)), None)
        if start is None:
            self.warn(f"没有找到“{form.TRAINING_TOTAL_LABEL}”，未导入培训总量和职业（工种）", None,
                      "请在工作簿“培训总量”“职业工种”表中填写", "import.years")
            return [], []
        r0, label = start
        year_list = [int(m.group(1)) for c in self.rows[r0] if c.col > label.col
                     for m in [_YEAR_CELL.fullmatch(c.key)] if m]
        if not year_list:
            self.warn("培训总量一行没有年份（如“2021年”），未导入培训总量", label, "", "import.years")
            return [], []
        n = 2 * len(year_list)
        totals: list[YearTotal] = []
        occupations: list[Occupation] = []
        total_read = False
        for r in range(r0 + 1, len(self.rows)):
            row = self.rows[r]
            keys = [c.key for c in row if not c.continued]
            if any(_section_of(c) for c in row if not c.continued) or any(
                    k in LABEL_KEYS and LABEL_KEYS[k] for k in keys):
                break
            if any(k in _SUB for k in keys):
                continue  # the 培训数量 / 高级工及以上数量 heading row
            if sum(1 for k in keys if _YEAR_CELL.fullmatch(k)) >= len(year_list):
                continue  # the years heading again (the occupations' own table repeats it on every page)
            live = [c for c in row if not c.continued and c.key not in GROUPS]
            name_cell = None
            if live and (live[0].key.startswith(_OCC_LABEL) or not _numberish(live[0].text)):
                name_cell = live.pop(0)
                if not _occupation_name(name_cell.text) and live and not _numberish(live[0].text):
                    name_cell = live.pop(0)  # the label and the name in two cells
            figures = live[-n:] if len(live) > n else live
            texts = [c.text for c in figures] + [""] * (n - len(figures))
            name = _occupation_name(name_cell.text) if name_cell else ""
            if name_cell is None and not total_read:
                total_read = True
                totals = [YearTotal(y, self._int(texts[2 * i], figures, 2 * i, f"{y}年培训数量"),
                                    self._int(texts[2 * i + 1], figures, 2 * i + 1, f"{y}年高级工及以上数量"))
                          for i, y in enumerate(year_list)]
                where = figures[0].where if figures else label.where
                self.found.append(Found("培训总量", "；".join(
                    f"{t.year}年 {_show(t.trained)}/{_show(t.advanced)}" for t in totals), where))
                continue
            if not name and not any(t.strip().strip("_") for t in texts):
                continue  # an empty spare row
            if not name:
                self.warn("职业（工种）一行没有名称，未导入", name_cell or (figures[0] if figures else None),
                          "请在工作簿“职业工种”表中补上名称")
                continue
            years = tuple(OccupationYear(y, self._int(texts[2 * i], figures, 2 * i, f"{name} {y}年培训数量"),
                                         self._int(texts[2 * i + 1], figures, 2 * i + 1,
                                                   f"{name} {y}年高级工及以上数量"))
                          for i, y in enumerate(year_list))
            occupations.append(Occupation(name, years, row=len(occupations) + 2))
            assert name_cell is not None
            self.found.append(Found(f"职业（工种）{len(occupations)}", name, name_cell.where))
        return totals, occupations

    def _int(self, text: str, cells: list[_Cell], i: int, what: str) -> int | None:
        text = text.strip().strip("_").strip()
        if not text:
            return None
        try:
            return values.parse_int(text, "人次")
        except values.ValueProblem as exc:
            self.warn(f"{what}{exc.message}，未导入", cells[i] if i < len(cells) else None, "", "import.value")
            return None

    # -- sections --------------------------------------------------------------------------

    def sections(self, writer: MarkupWriter) -> dict[form.Section, Markup]:
        found: dict[form.Section, Markup] = {}
        skip = {norm(s.guidance) for s in form.SECTIONS} | {norm(form.SECTION_NOTE)}
        # A section's body may run over several rows: skilldoc's writer cuts it at every heading
        # (so a heading never ends a page), with the title cell merged down beside them.
        bodies: dict[form.Section, list[_Cell]] = {}
        for row in self.rows:
            for i, cell in enumerate(row):
                section = _section_of(cell)
                if section is None or i + 1 >= len(row) or row[i + 1].continued:
                    continue
                if cell.continued != (section in bodies):
                    continue  # a title repeated elsewhere, or a stray continuation
                bodies.setdefault(section, []).append(row[i + 1])
                break
        for section, cells in bodies.items():
            kept = [el for c in cells for el in c.tc
                    if not (el.tag == w("p") and _is_guidance(paragraph_text(el), skip))]
            found[section] = writer.convert(kept)
            self.found.append(Found(f"第 {section.number} 部分“{section.name}”", _extent(found[section]),
                                    cells[0].where))
        self._sections_after_table(writer, found, skip)
        return found

    def _sections_after_table(self, writer: MarkupWriter, found: dict[form.Section, Markup], skip: set[str]) -> None:
        """Sections written below the table (as 附页): a paragraph holding the title, then its body."""
        current: form.Section | None = None
        collected: dict[form.Section, list[Element]] = {}
        starts: dict[form.Section, int] = {}
        for number, el in enumerate(self.package.body, start=1):
            if el.tag == w("p"):
                text = paragraph_text(el).strip()
                section = _section_of_text(text) if len(text) <= _LABEL_MAX else None
                if section is not None and section not in found and section not in collected:
                    current = section
                    collected[section] = []
                    starts[section] = number
                    continue
                if current is not None and _is_guidance(text, skip):
                    continue
            elif el.tag == w("sectPr"):
                continue
            if current is not None:
                collected[current].append(el)
        for section, elements in collected.items():
            found[section] = writer.convert(elements)
            self.found.append(Found(f"第 {section.number} 部分“{section.name}”", _extent(found[section]),
                                    f"表格后的正文（文档第 {starts[section]} 段起）"))


def _extent(markup: Markup) -> str:
    paragraphs = len({o for line, o in zip(markup.lines, markup.origins, strict=True) if line})
    return f"{paragraphs} 段" if paragraphs else "（空）"


def _is_guidance(text: str, skip: set[str]) -> bool:
    return len(text) < 200 and norm(text) in skip


def _numberish(text: str) -> bool:
    t = norm(text)
    return not t or bool(re.fullmatch(r"[\d,.%人次万元台套/\-—]*", t))


def _occupation_name(text: str) -> str:
    t = text.strip()
    label = form.OCCUPATION_COLUMNS[0].label
    for variant in (label, label.replace("（", "(").replace("）", ")")):
        if t.startswith(variant):
            t = t[len(variant):]
            break
    t = re.sub(r"^\s*(?:\d+|n|N)\s*[.．、]\s*", "", t.strip())
    return " ".join(t.replace("_", " ").split())


def _name(f: form.Field) -> str:
    if f.group and sum(1 for g in form.HEADER_FIELDS if g.label == f.label) > 1:
        return f"{f.group.split('/')[-1].replace(' ', '')}“{f.label}”"
    return f"“{f.label}”"


def _show(value: object) -> str:
    if value is None:
        return "（空）"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def read_ticks(text: str, options: tuple[str, ...]) -> tuple[str | None, str, str]:
    """(chosen option, text after “其他”, how) from a ticked options cell.

    Ticked as ☑ √ ■ ✓ (before or after the option), or by deleting the other
    options; ``how`` is "" for a tick, "其余选项已删除" for a deletion, "many"
    when more than one option is ticked.
    """
    compact = "".join(ch for ch in unicodedata.normalize("NFC", text) if not ch.isspace())
    positions: list[tuple[int, str]] = []
    for option in options:
        key = "".join(option.split())
        start = compact.find(key)
        if start >= 0:
            positions.append((start, option))
    positions.sort()
    ticked = []
    for idx, (start, option) in enumerate(positions):
        key = "".join(option.split())
        before = compact[start - 1] if start > 0 else ""
        end = start + len(key)
        after = compact[end] if end < len(compact) else ""
        if before in TICKED or (after in TICKED and (idx + 1 >= len(positions) or positions[idx + 1][0] != end + 1)):
            ticked.append(option)
    other = ""
    if "其他" in options:
        m = re.search(r"其他[：:]?[_\s]*([^☐☑□√✓✔■_]*)", compact)
        if m:
            other = m.group(1).strip("_ ")
    if len(ticked) == 1:
        return ticked[0], other, ""
    if len(ticked) > 1:
        return None, other, "many"
    if len(positions) == 1 and not any(ch in TICKED for ch in compact):
        return positions[0][1], other, "其余选项已删除"
    return None, other, ""


_REQUIRED_LABELS = ("org_name", "category", "address", "postcode", "legal_name", "authority", "floor_area",
                    "fulltime_teachers", "instructors", "is_assessor")


def read_form(path: Path, *, shown_as: Path | None = None) -> FormDocument:
    """Read a 申报书.docx into an Application (no experts, no evidence) and the eight sections.

    Raises :class:`InputError` when the file is not a Word document or not the
    form (the message lists the labels that were not found).  Everything that
    could only partly be read is a warning in ``problems``.  ``shown_as``: the file that
    messages name (the user's .doc when ``path`` is its converted copy).
    """
    package = open_package(Path(path))
    path = Path(shown_as or path)
    reader = _Reader(package)
    reader.path = path
    reader.header()
    reader.cover()
    writer = MarkupWriter(package)
    sections = reader.sections(writer)
    missing = [form.HEADER_BY_KEY[k].label for k in _REQUIRED_LABELS if k not in reader.labels_seen]
    if len(missing) > len(_REQUIRED_LABELS) // 2 and len(sections) < 4:
        absent = missing + [s.title for s in form.SECTIONS if s not in sections]
        raise InputError("这不是国家技能根基工程培训基地申报书", [Problem(
            "没有找到申报书表格的这些栏目：" + "、".join(f"“{x}”" for x in absent),
            Location(str(path)), "请给出按官方表样填写的申报书（.docx）；表格中的栏目名称要保留",
            code="import.not_form")])
    header, cells = reader.values()
    totals, occupations = reader.years()
    for f in form.HEADER_FIELDS:
        if f.key not in reader.labels_seen and f.key not in ("category_other",):
            reader.warn(f"没有找到栏目“{f.label}”" + (f"（{f.group.replace('/', ' › ')}）" if f.group else ""),
                        None, "请在工作簿中补填", "import.label_missing")
    sources: list[SectionSource] = []
    origins: dict[str, list[str]] = {}
    refs: list[tuple[str, str]] = []
    for section in form.SECTIONS:
        markup = sections.get(section)
        if markup is None:
            reader.warn(f"没有找到第 {section.number} 部分“{section.name}”", None,
                        "正文为空；请在导入后的 sections/ 中撰写", "import.section_missing")
            markup = Markup()
        sources.append(SectionSource(section, path, markup.text))
        origins[section.title] = markup.origins
        for m in LITERAL_REF.finditer(markup.text):
            refs.append((section.title, m.group(0)))
    if totals:
        cells.update({f"year.{t.year}": (TABLE_SHEET, "") for t in totals})
    app = Application(Header(header), tuple(totals), tuple(occupations), (), (), source=path, cells=cells)
    return FormDocument(path, app, sources, reader.problems, sorted(reader.found, key=_report_order), refs, origins)


def _report_order(found: Found) -> int:
    """Header values (cover last among them), then 培训总量, occupations, sections — as on the form."""
    if found.where == "封面":
        return 1
    if found.what == "培训总量":
        return 2
    if found.what.startswith("职业（工种）"):
        return 3
    if found.what.startswith("第 ") and "部分" in found.what:
        return 4
    return 0
