"""Make the hand-filled 申报书 variants ``word_*.docx`` (run from the repository root; needs LibreOffice).

Each variant is the blank official form of 附件2 (人社厅函〔2022〕162号, ``policy/001_…txt``)
laid out the way people build it in Word — its own grid of 9 columns, its own merges,
the occupation rows in a second table after a page break as in the published form —
filled in the way applicants fill it by hand.  python-docx writes the table, then
LibreOffice (headless) opens and re-saves it as .docx, so the committed files carry
LibreOffice's own WordprocessingML (its run splitting, table properties, styles).

- ``word_ticks_units.docx``: 单位类别 ticked with √, 是否 with ■; numbers with units and
  thousands separators (38,650平方米, 2,860万元, 186人); half-width brackets and spaced
  labels (教学与实训场所建筑面积(平方米), 申 报 单 位 名 称); dates 2020年8月18日 / 2022.11.20 typed
  on the cover; six occupations (one more than the sample) and one spare ``n. _____`` row;
  section 2 with a Word heading style, bold, a bulleted list and a pasted table; the form's
  guidance paragraphs left in place; literal （见证明材料第12—15页）.
- ``word_deleted_shuffled.docx``: 单位类别 and 是否 chosen by deleting the other options;
  the 邮政编码 row moved above the 地址 row and the 培训师资情况 block above 培训场所条件;
  法人代表信息 not merged vertically (empty cells below); two empty spare occupation rows.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import docx
from docx.enum.text import WD_BREAK
from docx.oxml.ns import qn
from docx.shared import Pt

HERE = Path(__file__).resolve().parent
OCCUPATIONS = [
    ("数控车工", (480, 118, 450, 120, 520, 146)),
    ("焊工", (430, 96, 410, 98, 480, 118)),
    ("电工", (520, 112, 500, 110, 560, 132)),
    ("工业机器人系统运维员", (240, 66, 280, 80, 360, 110)),
    ("多工序数控机床操作调整工", (120, 34, 150, 40, 210, 72)),
    ("钳工", (90, 20, 95, 21, 100, 22)),
]
GUIDANCE = "（请简述申报主体基本情况、制造业技能人才培训场地建设、设施设备、制度及资金保障等情况）"
NOTE = "（可加附页，另附相关证明材料，并标注证明材料页码）"
SECTION_NAMES = ["申报背景", "工作基础", "师资队伍", "技能培训", "技能评价", "技能竞赛", "合作交流", "建设规划"]


class Grid:
    """A 9-column table built row by row: cells are (text, colspan); ``down`` continues the cell above."""

    def __init__(self, document: docx.document.Document) -> None:
        self.document = document
        self.rows: list[list[tuple[str, int, bool]]] = []

    def row(self, *cells: tuple[str, int] | tuple[str, int, bool]) -> None:
        spec = [(c[0], c[1], bool(c[2]) if len(c) > 2 else False) for c in cells]  # type: ignore[misc]
        assert sum(c[1] for c in spec) == 9, cells
        self.rows.append(spec)

    def build(self) -> None:
        table = self.document.add_table(rows=len(self.rows), cols=9)
        table.style = "Table Grid"
        for r, spec in enumerate(self.rows):
            col = 0
            for text, span, down in spec:
                cell = table.cell(r, col)
                if span > 1:
                    cell = cell.merge(table.cell(r, col + span - 1))
                if down:
                    above = table.cell(r - 1, col)
                    above.merge(cell)
                elif text:
                    lines = text.split("\n")
                    cell.paragraphs[0].add_run(lines[0])
                    for line in lines[1:]:
                        cell.add_paragraph(line)
                col += span


def cover(document: docx.document.Document, filled: str) -> None:
    p = document.add_paragraph()
    p.add_run("国家技能根基工程培训基地").font.size = Pt(26)
    document.add_paragraph("申 报 书")
    for label, value in (("申报单位", "浙江省示范市高级技工学校（虚构）（公章）"), ("主管单位", "示范市人力资源和社会保障局（虚构）"),
                         ("申报职业", "数控车工等"), ("填报时间", filled)):
        document.add_paragraph(f"{label}：{value}")
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def occupation_table(document: docx.document.Document, count: int, spare: int) -> None:
    grid = Grid(document)
    for i, (name, figures) in enumerate(OCCUPATIONS[:count], start=1):
        grid.row(("培训评价能力" if i == 1 else "", 1, i > 1), (f"职业（工种） {i}. {name}", 2),
                 *((f"{n:,}", 1) for n in figures))
    for _ in range(spare):
        grid.row(("", 1, True), ("职业（工种） n. _____", 2), *(("", 1) for _ in range(6)))
    for number, name in enumerate(SECTION_NAMES, start=1):
        body = f"{GUIDANCE}\n{NOTE}" if number != 2 else ""
        if number == 1:
            body += "\n示范市是长三角先进制造业基地（见证明材料第12—15页）。"
        grid.row((f"{number}.{name}", 2), (body, 7))
    grid.build()
    section_two = document.tables[-1].rows[len(grid.rows) - 8 + 1].cells[-1]
    p = section_two.paragraphs[0]
    p.style = document.styles["Heading 1"]
    p.add_run("一、申报主体基本情况")
    body = section_two.add_paragraph("学校创办于 1978 年，")
    body.add_run("是国家级重点技工院校").bold = True
    body.add_run("（见证明材料第1—3页）。")
    for item in ("数控加工实训中心", "焊接实训车间"):
        section_two.add_paragraph(item, style="List Bullet")
    pasted = section_two.add_table(rows=3, cols=2)
    pasted.style = "Table Grid"
    for r, (a, b) in enumerate((("设备", "数量（台/套）"), ("五轴加工中心", "6"), ("焊接机器人", "12"))):
        pasted.cell(r, 0).paragraphs[0].add_run(a).bold = r == 0
        pasted.cell(r, 1).paragraphs[0].add_run(b).bold = r == 0
    section_two.add_paragraph("")


def header_rows(grid: Grid, *, ticks: bool, shuffled: bool) -> None:
    category = ("☐制造业龙头企业 ☐单项冠军企业 ☐专精特新“小巨人”企业 √技工院校 ☐公共实训中心 ☐其他_____"
                if ticks else "技工院校")
    name_label = "申 报 单 位 名 称" if ticks else "申报单位名称"
    address = [("申报单位地址", 2), ("浙江省示范市样例区职教路 100 号（虚构地址）", 7)]
    postcode = [("邮政编码", 2), ("312099", 3), ("网址", 1), ("www.example.edu.cn", 3)]
    grid.row((name_label, 2), ("浙江省示范市高级技工学校（虚构）", 3), ("单位类别", 1), (category, 3))
    for spec in ([postcode, address] if shuffled else [address, postcode]):
        grid.row(*spec)
    legal = [("姓名", "周立新", "职务", "校长"), ("办公电话", "0575-80000001", "传真", "0575-80000002"),
             ("手机", "138 0000 0000", "电子邮箱", "office@example.edu.cn")]
    for i, (a, va, b, vb) in enumerate(legal):
        first: tuple[str, int] | tuple[str, int, bool] = ("法人代表信息", 1) if i == 0 else ("", 1, ticks)
        grid.row(first, (a, 1), (va, 3), (b, 1), (vb, 3))
    grid.row(("申报单位主管部门", 2), ("示范市人力资源和社会保障局（虚构）", 7))
    area = "教学与实训场所建筑面积(平方米)" if ticks else "教学与实训场所建筑面积（平方米）"
    site = [
        (("培训场所条件", 1), (area, 4), ("38,650平方米" if ticks else "38650", 4)),
        (("", 1, True), ("教学实训设备", 1), ("数量（台/套）", 1), ("436台/套" if ticks else "436", 2),
         ("智能机器人仪器设备", 1), ("数量（台/套）", 1), ("36 台套" if ticks else "36", 2)),
        (("", 1, True), ("", 1, True), ("总值（万元）", 1), ("2,860万元" if ticks else "2860", 2), ("", 1, True),
         ("总值（万元）", 1), ("655万元" if ticks else "655", 2)),
    ]
    teachers = [
        (("培训师资情况", 1), ("专任教师人数", 2), ("186人" if ticks else "186", 2), ("一体化（双师型）教师人数", 2),
         ("142", 2)),
        (("", 1, True), ("实习指导教师人数", 1), ("职 称", 3), ("职业资格（技能等级）", 4)),
        (("", 1, True), ("", 1, True), ("高级实习指导教师", 1), ("一级实习指导教师", 1), ("其他", 1), ("高级技师", 1),
         ("技师", 1), ("高级工", 1), ("其他", 1)),
        (("", 1, True), ("64", 1), ("18", 1), ("30", 1), ("16", 1), ("14", 1), ("28", 1), ("19", 1), ("3", 1)),
    ]
    for block in ([teachers, site] if shuffled else [site, teachers]):
        for spec in block:
            grid.row(*spec)  # type: ignore[arg-type]
    grid.row(("培训评价能力", 1), ("是否为技能等级认定机构", 1), ("■是 □否" if ticks else "是", 1),
             ("获批等级认定资质时间", 1), ("2020年8月18日" if ticks else "2020-08-18", 2),
             ("等级认定资质制造类职业（工种）数量", 2), ("12个" if ticks else "12", 1))
    grid.row(("", 1, True), ("培训总量（人次）", 2), ("2019年", 2), ("2020年", 2), ("2021年", 2))
    grid.row(("", 1, True), ("", 2, True), *((label, 1) for _ in range(3) for label in ("培训数量", "高级工及以上数量")))
    grid.row(("", 1, True), ("", 2, True), *((f"{n:,}" if ticks else str(n), 1)
                                             for n in (2120, 468, 1980, 452, 2350, 612)))


def make(name: str, *, ticks: bool, shuffled: bool, occupations: int, spare: int, soffice: str) -> None:
    document = docx.Document()
    document.styles["Normal"].element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "宋体")
    cover(document, "2022年11月20日" if ticks else "2022.11.20")
    grid = Grid(document)
    header_rows(grid, ticks=ticks, shuffled=shuffled)
    grid.build()
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    occupation_table(document, occupations, spare)
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / f"{name}.docx"
        document.save(raw)
        out = Path(tmp) / "out"
        subprocess.run([soffice, f"-env:UserInstallation=file://{tmp}/profile", "--headless", "--convert-to",
                        "docx:MS Word 2007 XML", "--outdir", str(out), str(raw)], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=180)
        shutil.copyfile(out / f"{name}.docx", HERE / f"{name}.docx")


def main() -> int:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        print("LibreOffice (soffice) is needed", file=sys.stderr)
        return 1
    make("word_ticks_units", ticks=True, shuffled=False, occupations=6, spare=1, soffice=soffice)
    make("word_deleted_shuffled", ticks=False, shuffled=True, occupations=5, spare=2, soffice=soffice)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
