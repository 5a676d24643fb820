"""Make the workbook test resources (``wb_*.xlsx``) and fill applicant workbooks for the tests.

Run from the repository root: ``python tests/resources/make_workbook_resources.py``.
The tests import :func:`fill` and the ``SAMPLE_*`` data from here, so the one
description of a filled-in applicant lives in one place.

Each resource reproduces one property of a real-world file in
``/work/shared/corpus/`` (see ``tests/resources/README.md``).
"""

from __future__ import annotations

import datetime as dt
import io
import re
import sys
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.comments import Comment
from openpyxl.packaging.custom import StringProperty
from openpyxl.utils.datetime import CALENDAR_MAC_1904

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))

from skilldoc import form  # noqa: E402
from skilldoc.workbook import SHEETS, write_workbook  # noqa: E402

YEAR = 2022  # 填报 year of the sample: 培训总量 2019–2021

# Values as an applicant types them into the cells (raw cell values).
SAMPLE_HEADER: dict[str, Any] = {
    "org_name": "浙江省示例高级技工学校",
    "category": "技工院校",
    "category_other": None,
    "address": "浙江省绍兴市越城区示例路 88 号",
    "postcode": "312000",
    "website": "www.example.edu.cn",
    "legal_name": "王建国",
    "legal_title": "校长",
    "office_phone": "0575-88001234",
    "fax": "0575-88001235",
    "mobile": "13800001234",
    "email": "office@example.edu.cn",
    "authority": "绍兴市人力资源和社会保障局",
    "floor_area": 52000.5,
    "equipment_count": 1260,
    "equipment_value": 8650.75,
    "robot_count": 46,
    "robot_value": 1250,
    "fulltime_teachers": 268,
    "integrated_teachers": 185,
    "instructors": 120,
    "instr_senior": 30,
    "instr_first": 52,
    "instr_title_other": 38,
    "instr_senior_technician": 26,
    "instr_technician": 44,
    "instr_senior_worker": 35,
    "instr_level_other": 15,
    "is_assessor": "是",
    "assessor_since": dt.datetime(2020, 6, 15),
    "assessed_occupations": 12,
    "filled_on": dt.datetime(2022, 11, 20),
}

# 年度, 培训数量, 高级工及以上数量, 培训合格率（%）, 满意率（%）
SAMPLE_YEARS: list[tuple[Any, ...]] = [
    (2019, 5200, 2100, 93.5, 94),
    (2020, 5600, 2300, 94, 95.2),
    (2021, 6100, 2650, 95.5, 96),
]

# 职业（工种）, then per year (培训数量, 高级工及以上数量), then 实训设备数量, 实训设备总值（万元）
SAMPLE_OCCUPATIONS: list[tuple[Any, ...]] = [
    ("数控车工", 1200, 500, 1300, 560, 1400, 620, 180, 1650.5),
    ("焊工", 1000, 420, 1100, 450, 1200, 520, 150, 980),
    ("电工", 1500, 600, 1600, 640, 1700, 700, 210, 1320.25),
    ("工业机器人系统运维员", 800, 300, 900, 380, 1000, 450, 46, 1250),
]

# 姓名, 职业（工种）, 专家类别, 单位, 职称或技能等级
SAMPLE_EXPERTS: list[tuple[Any, ...]] = [
    ("李明", "数控车工", "行业专家", "绍兴市机械行业协会", "正高级工程师"),
    ("陈强", "数控车工", "企业实践专家", "示例精密机械有限公司", "高级技师"),
    ("赵芳", "焊工", "职业技能培训专家", "浙江省示例高级技工学校", "高级讲师"),
    ("孙伟", "电工", "实习实训指导专家", "浙江省示例高级技工学校", None),
]

# 编号, 名称, 文件, 所属部分, 说明, 打开密码
SAMPLE_EVIDENCE: list[tuple[Any, ...]] = [
    ("E01", "事业单位法人证书", "证明材料/法人证书.pdf", form.HEADER_PART, None, None),
    ("E02", "实训设备清单", "证明材料/设备清单.pdf\n证明材料/设备照片.jpg", "2.工作基础", "清单与照片", None),
    ("E03", "专家聘书", "证明材料/聘书1.jpg；证明材料/聘书2.jpg", "3.师资队伍", None, "123456"),
]


def header_row(key: str) -> int:
    """The 基本信息 row of a header field in a workbook written by ``write_workbook``."""
    return 2 + [f.key for f in form.HEADER_FIELDS].index(key)


def header_cell(key: str) -> str:
    return f"C{header_row(key)}"


def fill(path: Path, *, header: Mapping[str, Any] | None = None, years: Sequence[Sequence[Any]] | None = None,
         occupations: Sequence[Sequence[Any]] | None = None, experts: Sequence[Sequence[Any]] | None = None,
         evidence: Sequence[Sequence[Any]] | None = None, save_as: Path | None = None) -> None:
    """Fill a workbook written by ``write_workbook`` (defaults: the SAMPLE_* data) and save it."""
    wb = load_workbook(path)
    ws = wb[SHEETS["header"]]
    for key, value in (SAMPLE_HEADER if header is None else header).items():
        ws[header_cell(key)] = value
    for name, rows in ((SHEETS["years"], SAMPLE_YEARS if years is None else years),
                       (SHEETS["occupations"], SAMPLE_OCCUPATIONS if occupations is None else occupations),
                       (SHEETS["experts"], SAMPLE_EXPERTS if experts is None else experts),
                       (SHEETS["evidence"], SAMPLE_EVIDENCE if evidence is None else evidence)):
        sheet = wb[name]
        for r, row in enumerate(rows, start=2):
            for c, value in enumerate(row, start=1):
                sheet.cell(row=r, column=c, value=value)
    wb.save(save_as or path)


def _rewrite_zip(path: Path, edit: Mapping[str, Any]) -> None:
    """Rewrite members of an xlsx: ``edit`` maps a member name to a function str → str."""
    data = path.read_bytes()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info)
            fixed = zipfile.ZipInfo(info.filename, date_time=(2022, 11, 20, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            for pattern, func in edit.items():
                if re.fullmatch(pattern, info.filename):
                    body = func(body.decode("utf-8")).encode("utf-8")
            dst.writestr(fixed, body)
    path.write_bytes(out.getvalue())


def make_wps_like(dest: Path) -> None:
    """A filled applicant workbook with what WPS Office writes and people do in it.

    Stands for corpus ``xlsx_wps_merged_comment_cn.xlsx``: custom property
    ``KSOProductBuildVer``, ``<Application>WPS Office</Application>``, the WPS
    ``etc`` namespace on each sheet, a merged range (the 所属部分 of two evidence
    rows merged D3:D4 — only the top-left holds the value), a cell comment
    (VML), an internal hyperlink spanning two cells, plus numbers stored as text,
    full-width digits and units typed after numbers.
    """
    write_workbook(dest, YEAR)
    header = dict(SAMPLE_HEADER)
    header.update({
        "equipment_count": "1,260台",
        "equipment_value": "8650.75万元",
        "fulltime_teachers": "２６８",
        "postcode": 312000,
        "mobile": 13800001234,
        "filled_on": "2022年11月20日",
        "assessor_since": "2020/06/15",
    })
    years = [(2019, "5,200人次", "2100", "93.5%", 94), (2020, 5600, 2300, 94, "95.2％"),
             (2021, "６１００", "2,650 人次", 95.5, 96)]
    evidence = list(SAMPLE_EVIDENCE) + [
        ("E04", "技能竞赛获奖证书", "证明材料/获奖1.pdf", None, None, None),
    ]
    fill(dest, header=header, years=years, evidence=evidence)
    wb = load_workbook(dest)
    ev = wb[SHEETS["evidence"]]
    ev["D4"] = None
    ev.merge_cells("D4:D5")  # E03 and E04 both belong to 3.师资队伍
    ev["D4"] = "3.师资队伍"
    ev["B2"].comment = Comment("原件已核对", "WPS用户")
    hdr = wb[SHEETS["header"]]
    hdr["A40"].hyperlink = f"#{SHEETS['evidence']}!A1"
    hdr["A40"] = "证明材料清单"
    hdr.merge_cells("A40:B41")
    wb.custom_doc_props.append(StringProperty(name="KSOProductBuildVer", value="2052-11.1.0.9564"))
    wb.save(dest)
    _rewrite_zip(dest, {
        r"docProps/app\.xml": lambda s: re.sub(r"<Application>[^<]*</Application>",
                                               "<Application>WPS Office</Application>", s),
        r"xl/worksheets/sheet\d+\.xml": lambda s: s.replace(
            "<worksheet ", '<worksheet xmlns:etc="http://www.wps.cn/officeDocument/2017/etCustomData" ', 1),
    })


def make_date1904(dest: Path) -> None:
    """A filled applicant workbook in the 1904 date system.

    Stands for corpus ``xlsx_libreoffice_date1904.xlsx`` (``date1904=1``):
    填报时间 is a date-formatted cell stored as a serial counted from
    1904-01-01; 获批等级认定资质时间 is a bare 1904 serial number in a General
    cell.  Neither may be shifted by 1462 days (the 1900/1904 difference).
    """
    write_workbook(dest, YEAR)
    fill(dest)
    wb = load_workbook(dest)
    wb.epoch = CALENDAR_MAC_1904
    hdr = wb[SHEETS["header"]]
    hdr[header_cell("filled_on")] = dt.datetime(2022, 11, 20)  # written as a 1904 serial
    hdr[header_cell("assessor_since")] = (dt.date(2020, 6, 15) - dt.date(1904, 1, 1)).days  # bare serial
    hdr[header_cell("assessor_since")].number_format = "General"
    wb.save(dest)
    _rewrite_zip(dest, {})


def main() -> None:
    make_wps_like(HERE / "wb_wps_like.xlsx")
    make_date1904(HERE / "wb_date1904.xlsx")


if __name__ == "__main__":
    main()
