"""Generate the fictional sample applicant in ``data_samples/demo/``.

Run from the repository root (or anywhere)::

    python data_samples/make_demo.py            # workbook + evidence files
    python data_samples/make_demo.py --evidence # evidence files only
    python data_samples/make_demo.py --workbook # workbook only

The applicant, its people, partners and every figure are invented.  The
evidence files are drawn here with reportlab (a development-time tool only,
not a skilldoc dependency), Pillow and python-docx, each marked “样例 / 虚构”.
The workbook starts from :func:`skilldoc.workbook.write_workbook` (what
``skilldoc init`` writes) and is filled with openpyxl by finding cells through
their labels, so it survives layout changes of the starter workbook.

Output is deterministic: fixed random seeds, reportlab ``invariant=1``, and
the ZIP containers (xlsx, docx) rewritten with fixed timestamps.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import math
import random
import re
import sys
import zipfile
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DEMO = HERE / "demo"
EVIDENCE_DIR = DEMO / "证明材料"

FONT_PATH = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"
FIXED_TIME = dt.datetime(2022, 11, 20, 9, 0, 0)
ORG = "浙江省示范市高级技工学校（虚构）"
ORG_SHORT = "示范技工学校（虚构）"
WATERMARK = "样例 · 虚构"

# ----------------------------------------------------------------------------
# The applicant's figures
# ----------------------------------------------------------------------------

# Header-table values by field key (skilldoc.form.HEADER_FIELDS).  A few are
# typed the way people really type them, on purpose: the loader must accept a
# value with its unit ("2860万元") and a date written as text.
HEADER: dict[str, object] = {
    "org_name": ORG,
    "category": "技工院校",
    "category_other": None,
    "address": "浙江省示范市样例区职教路 100 号（虚构地址）",
    "postcode": "312099",
    "website": "www.example.edu.cn",
    "legal_name": "周立新",
    "legal_title": "校长",
    "office_phone": "0575-80000001",
    "fax": "0575-80000002",
    "mobile": "13800000000",
    "email": "office@example.edu.cn",
    "authority": "示范市人力资源和社会保障局（虚构）",
    "floor_area": 38650,
    "equipment_count": 436,
    "equipment_value": "2860万元",  # value typed with its unit
    "robot_count": 36,
    "robot_value": Decimal("655.0"),
    "fulltime_teachers": 186,
    "integrated_teachers": 142,
    "instructors": 64,
    "instr_senior": 18,
    "instr_first": 30,
    "instr_title_other": 16,
    "instr_senior_technician": 14,
    "instr_technician": 28,
    "instr_senior_worker": 19,
    "instr_level_other": 3,
    "is_assessor": "是",
    "assessor_since": dt.date(2020, 8, 18),
    "assessed_occupations": 12,
    "filled_on": "2022年11月20日",  # a date typed as text
}

YEARS = (2019, 2020, 2021)


@dataclass(frozen=True)
class YearRow:
    year: int
    trained: object  # int, or text as typed
    advanced: int
    pass_rate: Decimal
    satisfaction: Decimal


YEAR_ROWS = (
    YearRow(2019, 2120, 468, Decimal("95.2"), Decimal("96.8")),
    YearRow(2020, 1980, 452, Decimal("94.6"), Decimal("97.1")),
    YearRow(2021, "2,350", 612, Decimal("96.3"), Decimal("97.5")),  # number typed as text
)


@dataclass(frozen=True)
class OccupationRow:
    name: str
    trained: tuple[tuple[int, int], ...]  # (培训数量, 高级工及以上) for 2019, 2020, 2021
    equipment_count: int
    equipment_value: Decimal


OCCUPATIONS = (
    OccupationRow("数控车工", ((480, 118), (450, 120), (520, 146)), 62, Decimal("620.5")),
    OccupationRow("焊工", ((430, 96), (410, 98), (480, 118)), 78, Decimal("386.0")),
    OccupationRow("电工", ((520, 112), (500, 110), (560, 132)), 96, Decimal("312.4")),
    OccupationRow("工业机器人系统运维员", ((240, 66), (280, 80), (360, 110)), 24, Decimal("568.0")),
    OccupationRow("多工序数控机床操作调整工", ((120, 34), (150, 40), (210, 72)), 18, Decimal("742.6")),
)

# (姓名, 职业（工种）, 专家类别, 单位, 职称或技能等级)
EXPERTS = (
    ("沈建国", "数控车工", "行业专家", "示范市机械工程学会（虚构）", "正高级工程师"),
    ("陆海峰", "数控车工", "企业实践专家", "示范精工机械有限公司（虚构）", "高级技师"),
    ("钱慧敏", "数控车工", "职业技能培训专家", ORG, "高级讲师"),
    ("金国强", "数控车工", "实习实训指导专家", ORG, "高级技师"),
    ("宋伟民", "焊工", "行业专家", "示范市焊接协会（虚构）", "高级工程师"),
    ("徐亮", "焊工", "企业实践专家", "示范重工装备有限公司（虚构）", "特级技师"),
    ("王晓燕", "焊工", "职业技能培训专家", ORG, "高级讲师"),
    ("赵志刚", "焊工", "实习实训指导专家", ORG, "高级技师"),
    ("孙立平", "电工", "行业专家", "示范市电力行业协会（虚构）", "正高级工程师"),
    ("马春华", "电工", "企业实践专家", "示范电气设备有限公司（虚构）", "高级技师"),
    ("胡晓东", "电工", "职业技能培训专家", ORG, "高级讲师"),
    ("郑国平", "电工", "实习实训指导专家", ORG, "技师"),
    ("吴振宇", "工业机器人系统运维员", "行业专家", "浙江样例智能装备股份有限公司（虚构）", "高级工程师"),
    ("朱建华", "工业机器人系统运维员", "企业实践专家", "示范汽车零部件集团（虚构）", "高级技师"),
    ("林雪梅", "工业机器人系统运维员", "职业技能培训专家", "示范职业技术学院（虚构）", "副教授"),
    ("何俊", "工业机器人系统运维员", "实习实训指导专家", ORG, "高级技师"),
    ("高明", "多工序数控机床操作调整工", "行业专家", "示范市装备制造业协会（虚构）", "正高级工程师"),
    ("罗永刚", "多工序数控机床操作调整工", "企业实践专家", "示范精工机械有限公司（虚构）", "首席技师"),
    ("梁文静", "多工序数控机床操作调整工", "职业技能培训专家", ORG, "高级讲师"),
    ("谢宏伟", "多工序数控机床操作调整工", "实习实训指导专家", ORG, "高级技师"),
)


@dataclass(frozen=True)
class Evidence:
    code: str
    title: str
    files: tuple[str, ...]  # names inside 证明材料/
    part: str
    note: str


S1, S2, S3, S4 = "1.申报背景", "2.工作基础", "3.师资队伍", "4.技能培训"
S5, S6, S7, S8 = "5.技能评价", "6.技能竞赛", "7.合作交流", "8.建设规划"
HDR = "基本信息表"

EVIDENCE = (
    Evidence("E01", "技工学校办学许可证", ("E01-办学许可证.jpg",), HDR, "手机拍摄，竖拍（EXIF 方向 6）"),
    Evidence("E02", "事业单位法人证书", ("E02-事业单位法人证书.jpg",), HDR, "手机拍摄，倒置（EXIF 方向 3）"),
    Evidence("E03", "职业技能等级认定机构备案证书", ("E03-等级认定备案证书.jpg",), HDR, "手机拍摄"),
    Evidence("E04", "示范市制造业高质量发展“十四五”规划（摘录）", ("E04-制造业发展规划摘录.pdf",), S1, "2 页"),
    Evidence("E05", "示范市制造业技能人才需求调查报告（2022）", ("E05-技能人才需求调查报告.pdf",), S1, "3 页"),
    Evidence("E06", "教学与实训场所平面图", ("E06-实训场所平面图.pdf",), S2, "横向图纸，页面设置 /Rotate 90"),
    Evidence("E07", "教学实训设备清单", ("E07-实训设备清单.pdf",), S2, "A3 横向"),
    Evidence("E08", "固定资产专项审计报告（设备部分）", ("E08-固定资产审计报告.pdf",), S2, "扫描件（图像 PDF）"),
    Evidence("E09", "学校培训管理制度汇编", ("E09-管理制度汇编.pdf",), S2, "6 页"),
    Evidence("E10", "关于下达职业技能提升行动专项资金的通知", ("E10-专项资金文件.pdf",), S2, ""),
    Evidence("E11", "实习指导教师名册", ("E11-实习指导教师名册.pdf",), S3, "2 页"),
    Evidence("E12", "实习指导教师职业资格证书（部分）",
             ("E12-1-高级技师证书.jpg", "E12-2-技师证书.jpg"), S3, "两张手机照片，其一 EXIF 方向 6"),
    Evidence("E13", "专家团队聘任文件及名单", ("E13-专家聘任文件.pdf",), S3, ""),
    Evidence("E14", "2021 年师资培训与企业实践记录", ("E14-师资培训记录.pdf",), S3, ""),
    Evidence("E15", "技能大师工作室认定文件", ("E15-技能大师工作室认定文件.pdf",), S3, ""),
    Evidence("E16", "2019—2021 年职业技能培训台账（汇总）", ("E16-培训台账汇总.pdf",), S4, "3 页"),
    Evidence("E17", "培训合格率与满意率统计表", ("E17-合格率满意率统计.pdf",), S4, ""),
    Evidence("E18", "线上培训平台运行截图", ("E18-线上培训平台截图.png",), S4, "屏幕截图"),
    Evidence("E19", "企业新型学徒制培训协议（样本）", ("E19-新型学徒制培训协议.pdf",), S4, "2 页"),
    Evidence("E20", "职业技能等级认定工作规程", ("E20-等级认定工作规程.pdf",), S5, "3 页"),
    Evidence("E21", "等级认定质量督导记录表", ("E21-质量督导记录.jpg",), S5, "手机拍摄"),
    Evidence("E22", "示范市职业技能大赛获奖证书", ("E22-技能大赛获奖证书.jpg",), S6, "手机拍摄，竖拍（EXIF 方向 6）"),
    Evidence("E23", "关于承办示范市第三届职业技能大赛的通知", ("E23-大赛承办通知.pdf",), S6, ""),
    Evidence("E24", "校企合作协议", ("E24-校企合作协议.pdf",), S7, "3 页"),
    Evidence("E25", "国际交流合作备忘录", ("E25-国际交流合作备忘录.pdf",), S7, ""),
    Evidence("E26", "校企合作联席会议纪要", ("E26-校企合作联席会议纪要.docx",), S7, "Word 文档，打包时需 LibreOffice"),
    Evidence("E27", "国家技能根基工程培训基地建设规划（2023—2027 年）", ("E27-基地建设规划.pdf",), S8, "4 页"),
    Evidence("E28", "学校党委会议决议（基地建设）", ("E28-党委会议决议.pdf",), S8, "扫描件（图像 PDF）"),
)


def sum_check() -> None:
    """The figures must be consistent; fail loudly if an edit breaks them."""
    for i, row in enumerate(YEAR_ROWS):
        trained = int(str(row.trained).replace(",", ""))
        occ_trained = sum(o.trained[i][0] for o in OCCUPATIONS)
        occ_adv = sum(o.trained[i][1] for o in OCCUPATIONS)
        assert row.advanced <= trained and occ_trained <= trained and occ_adv <= row.advanced, row
    h = HEADER
    assert h["instructors"] == h["instr_senior"] + h["instr_first"] + h["instr_title_other"]
    assert h["instructors"] == (h["instr_senior_technician"] + h["instr_technician"]
                                + h["instr_senior_worker"] + h["instr_level_other"])
    assert sum(o.equipment_count for o in OCCUPATIONS) <= h["equipment_count"]
    assert sum(o.equipment_value for o in OCCUPATIONS) <= Decimal(str(h["equipment_value"]).removesuffix("万元"))


# ----------------------------------------------------------------------------
# Pillow: phone photos, scans and a screenshot
# ----------------------------------------------------------------------------


def _font(size: int):
    from PIL import ImageFont

    return ImageFont.truetype(FONT_PATH, size, index=0)


def _center_text(draw, cx: float, y: float, text: str, font, fill) -> None:
    w = draw.textlength(text, font=font)
    draw.text((cx - w / 2, y), text, font=font, fill=fill)


def _seal(draw, cx: float, cy: float, r: float, text: str = "样例专用章", color=(200, 30, 30)) -> None:
    """A round red seal: ring, star and a line of text (clearly a sample)."""
    draw.ellipse((cx - r, cy - r, cx + r, cy + r), outline=color, width=max(3, int(r / 14)))
    pts = []
    for k in range(10):
        ang = -math.pi / 2 + k * math.pi / 5
        rr = r * (0.32 if k % 2 == 0 else 0.13)
        pts.append((cx + rr * math.cos(ang), cy - r * 0.12 + rr * math.sin(ang)))
    draw.polygon(pts, fill=color)
    f = _font(max(10, int(r / 4.2)))
    _center_text(draw, cx, cy + r * 0.32, text, f, color)
    # the organisation name along the upper arc, one character at a time
    name = ORG_SHORT
    fs = max(9, int(r / 5))
    fc = _font(fs)
    span = math.radians(220)
    for k, ch in enumerate(name):
        ang = -math.pi / 2 - span / 2 + span * (k + 0.5) / len(name)
        x = cx + r * 0.72 * math.cos(ang)
        y = cy + r * 0.72 * math.sin(ang)
        draw.text((x - fs / 2, y - fs / 2), ch, font=fc, fill=color)


def _watermark(img, text: str = WATERMARK, alpha: int = 60) -> None:
    """Diagonal translucent watermark across the whole image (in place)."""
    from PIL import Image, ImageDraw

    w, h = img.size
    layer = Image.new("RGBA", (w * 2, h * 2), (0, 0, 0, 0))
    d = ImageDraw.Draw(layer)
    f = _font(max(24, w // 14))
    step_y = max(80, h // 4)
    step_x = int(d.textlength(text, font=f) + w // 6)
    for yy in range(0, h * 2, step_y):
        for xx in range(-(yy // 2) % step_x - step_x, w * 2, step_x):
            d.text((xx, yy), text, font=f, fill=(150, 150, 150, alpha))
    layer = layer.rotate(25, resample=Image.Resampling.BICUBIC)
    layer = layer.crop((w // 2, h // 2, w // 2 + w, h // 2 + h))
    base = img.convert("RGBA")
    base.alpha_composite(layer)
    img.paste(base.convert(img.mode))


def draw_certificate(size: tuple[int, int], title: str, lines: list[str], issuer: str,
                     date: str, seed: int, border=(170, 40, 40)):
    """An upright certificate page (RGB image of ``size``)."""
    from PIL import Image, ImageDraw

    w, h = size
    img = Image.new("RGB", size, (250, 246, 236))
    d = ImageDraw.Draw(img)
    m = int(min(w, h) * 0.04)
    d.rectangle((m, m, w - m, h - m), outline=border, width=max(4, m // 3))
    d.rectangle((m + 12, m + 12, w - m - 12, h - m - 12), outline=border, width=2)
    title_font = _font(int(min(w, h) * 0.075))
    _center_text(d, w / 2, h * 0.09, title, title_font, border)
    body = _font(int(min(w, h) * 0.036))
    y = h * 0.24
    for line in lines:
        d.text((w * 0.12, y), line, font=body, fill=(35, 35, 35))
        y += body.size * 1.9
    small = _font(int(min(w, h) * 0.032))
    right = w * 0.88
    for k, text in enumerate((issuer, date)):
        d.text((right - d.textlength(text, font=small), h * 0.78 + k * small.size * 1.6), text,
               font=small, fill=(35, 35, 35))
    _seal(d, w * 0.66, h * 0.80, min(w, h) * 0.12)
    mark = _font(int(min(w, h) * 0.03))
    d.text((w * 0.12, h - m - 40 - mark.size), "本证书为软件演示样例，内容虚构，不具任何效力", font=mark, fill=(120, 120, 120))
    return img


def photograph(page, size: tuple[int, int], seed: int, tilt: float = 2.5):
    """Put ``page`` on a desk as a phone would see it: tilt, shadow, uneven light, grain."""
    from PIL import Image, ImageDraw, ImageFilter

    rnd = random.Random(seed)
    w, h = size
    desk = Image.new("RGB", size, (132, 104, 78))
    dd = ImageDraw.Draw(desk)
    for k in range(0, h, 6):  # wood grain
        shade = 118 + int(14 * math.sin(k / 23.0 + seed)) + rnd.randint(-4, 4)
        dd.line((0, k, w, k + rnd.randint(-8, 8)), fill=(shade + 14, shade - 10, shade - 38), width=6)
    scale = min(w * 0.86 / page.width, h * 0.86 / page.height)
    pg = page.resize((int(page.width * scale), int(page.height * scale)), Image.Resampling.LANCZOS)
    pg = pg.convert("RGBA").rotate(tilt, resample=Image.Resampling.BICUBIC, expand=True)
    shadow = Image.new("RGBA", pg.size, (0, 0, 0, 0))
    shadow.putalpha(pg.getchannel("A").point(lambda a: 90 if a else 0))
    shadow = shadow.filter(ImageFilter.GaussianBlur(9))
    x0 = (w - pg.width) // 2 + rnd.randint(-15, 15)
    y0 = (h - pg.height) // 2 + rnd.randint(-15, 15)
    desk.paste(shadow, (x0 + 10, y0 + 12), shadow)
    desk.paste(pg, (x0, y0), pg)
    # uneven light: brighter towards one corner
    light = Image.linear_gradient("L").resize(size).rotate(rnd.choice([30, 120, 210, 300]))
    light = light.point(lambda v: int(v * 0.35))
    desk = Image.composite(Image.new("RGB", size, (255, 250, 235)), desk, light.point(lambda v: v // 3))
    noise = Image.effect_noise(size, 7).convert("RGB")
    desk = Image.blend(desk, noise, 0.04)
    return desk.filter(ImageFilter.GaussianBlur(0.6))


def save_phone_jpeg(upright, path: Path, orientation: int) -> None:
    """Store ``upright`` the way a phone does for ``orientation`` (1, 3, 6 or 8).

    The pixels are written turned and the EXIF Orientation tag set, so a viewer
    that honours EXIF shows the picture upright (PIL.ImageOps.exif_transpose
    gives ``upright`` back).
    """
    from PIL import Image

    stored = {
        1: upright,
        3: upright.transpose(Image.Transpose.ROTATE_180),
        6: upright.transpose(Image.Transpose.ROTATE_90),
        8: upright.transpose(Image.Transpose.ROTATE_270),
    }[orientation]
    exif = Image.Exif()
    exif[0x010F] = "ExampleMaker"  # Make
    exif[0x0110] = "SamplePhone 1 (fictional)"  # Model
    exif[0x0112] = orientation
    exif[0x0131] = "skilldoc data_samples/make_demo.py"  # Software
    exif[0x0132] = "2022:11:15 10:24:00"  # DateTime
    stored.save(path, "JPEG", quality=70, exif=exif.tobytes(), optimize=True)


def make_photo(path: Path, title: str, lines: list[str], issuer: str, date: str,
               orientation: int, portrait: bool, seed: int, tilt: float = 2.0) -> None:
    page_size = (1000, 1400) if portrait else (1400, 1000)
    photo_size = (900, 1200) if portrait else (1200, 900)
    page = draw_certificate(page_size, title, lines, issuer, date, seed)
    _watermark(page)
    save_phone_jpeg(photograph(page, photo_size, seed, tilt), path, orientation)


def draw_text_page(title: str, paragraphs: list[str], size=(1240, 1754), seal: bool = True,
                   subtitle: str = ""):
    """A typed A4 page at 150 dpi (for scans)."""
    from PIL import Image, ImageDraw

    w, h = size
    img = Image.new("L", size, 255)
    d = ImageDraw.Draw(img)
    tf = _font(52)
    _center_text(d, w / 2, 150, title, tf, 0)
    y = 250
    if subtitle:
        _center_text(d, w / 2, y, subtitle, _font(30), 30)
        y += 80
    bf = _font(31)
    max_w = w - 280
    for para in paragraphs:
        line = "　　"
        for ch in para:
            if d.textlength(line + ch, font=bf) > max_w:
                d.text((140, y), line, font=bf, fill=20)
                y += 54
                line = ""
            line += ch
        d.text((140, y), line, font=bf, fill=20)
        y += 66
    if seal:
        rgb = img.convert("RGB")
        dr = ImageDraw.Draw(rgb)
        dr.text((w - 560, y + 40), ORG, font=_font(30), fill=(20, 20, 20))
        dr.text((w - 460, y + 95), "2022年10月28日", font=_font(30), fill=(20, 20, 20))
        _seal(dr, w - 380, y + 90, 120)
        return rgb
    return img


def scan(page, seed: int):
    """Make a clean page look scanned: slight skew, grey paper, grain, soft edges."""
    from PIL import Image, ImageFilter

    rnd = random.Random(seed)
    g = page.convert("RGB")
    g = g.rotate(rnd.uniform(-0.8, 0.8), resample=Image.Resampling.BICUBIC, fillcolor=(255, 255, 255))
    paper = Image.new("RGB", g.size, (238, 236, 230))
    g = Image.blend(g, paper, 0.12)
    noise = Image.effect_noise(g.size, 10).convert("RGB")
    g = Image.blend(g, noise, 0.05)
    _watermark(g, alpha=45)
    return g.filter(ImageFilter.GaussianBlur(0.5))


def make_screenshot(path: Path) -> None:
    """A PNG screenshot of the (fictional) online training platform."""
    from PIL import Image, ImageDraw

    w, h = 1280, 800
    img = Image.new("RGB", (w, h), (244, 246, 250))
    d = ImageDraw.Draw(img)
    d.rectangle((0, 0, w, 56), fill=(24, 88, 160))
    d.text((24, 14), "示范技工学校职业技能线上培训平台（虚构 · 样例）", font=_font(24), fill=(255, 255, 255))
    d.text((w - 260, 18), "管理员  |  退出", font=_font(18), fill=(220, 230, 245))
    d.rectangle((0, 56, 200, h), fill=(32, 45, 64))
    for k, item in enumerate(["首页", "课程中心", "班级管理", "学员档案", "考核评价", "数据统计", "资源库"]):
        y = 80 + k * 48
        if item == "数据统计":
            d.rectangle((0, y - 10, 200, y + 34), fill=(24, 88, 160))
        d.text((32, y), item, font=_font(19), fill=(230, 235, 240))
    cards = [("在线课程", "368 门"), ("注册学员", "12,846 人"), ("2021年线上学时", "186,420 学时"), ("课程满意度", "98.2%")]
    for k, (label, value) in enumerate(cards):
        x = 230 + k * 258
        d.rounded_rectangle((x, 80, x + 236, 190), 10, fill=(255, 255, 255), outline=(220, 224, 232))
        d.text((x + 18, 96), label, font=_font(18), fill=(110, 118, 130))
        d.text((x + 18, 130), value, font=_font(30), fill=(30, 40, 55))
    d.rounded_rectangle((230, 214, 1250, 520), 10, fill=(255, 255, 255), outline=(220, 224, 232))
    d.text((252, 228), "2021年各职业（工种）线上培训学时（千学时）", font=_font(19), fill=(30, 40, 55))
    bars = [(o.name, v) for o, v in zip(OCCUPATIONS, (46.2, 38.5, 41.8, 35.1, 24.8), strict=True)]
    for k, (name, v) in enumerate(bars):
        x = 290 + k * 190
        top = 480 - int(v * 5)
        d.rectangle((x, top, x + 70, 480), fill=(52, 126, 214))
        d.text((x + 8, top - 26), f"{v}", font=_font(16), fill=(30, 40, 55))
        label = name if len(name) <= 8 else name[:6] + "…"
        d.text((x - 20, 488), label, font=_font(15), fill=(90, 98, 110))
    d.rounded_rectangle((230, 540, 1250, 780), 10, fill=(255, 255, 255), outline=(220, 224, 232))
    d.text((252, 554), "近期开班", font=_font(19), fill=(30, 40, 55))
    rows = [("2021-11-08", "数控车工（高级工）企业职工提升班", "42", "在训"),
            ("2021-11-15", "工业机器人系统运维员（三级）定制班", "36", "在训"),
            ("2021-11-22", "焊工（技师）研修班", "24", "报名中"),
            ("2021-12-01", "电工（高级工）新型学徒制班", "40", "报名中")]
    for k, row in enumerate(rows):
        y = 596 + k * 42
        d.line((252, y - 8, 1230, y - 8), fill=(235, 238, 242))
        for x, cell in zip((252, 420, 940, 1060), row, strict=True):
            d.text((x, y), cell, font=_font(17), fill=(50, 58, 70))
    _watermark(img, alpha=40)
    img = img.quantize(colors=64, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    img.save(path, "PNG", optimize=True)


# ----------------------------------------------------------------------------
# reportlab: typed PDF documents
# ----------------------------------------------------------------------------

_RL_READY = False


def _rl_setup() -> None:
    global _RL_READY
    if _RL_READY:
        return
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    pdfmetrics.registerFont(TTFont("WQY", FONT_PATH, subfontIndex=0))
    _RL_READY = True


def _rl_watermark(c, width: float, height: float) -> None:
    c.saveState()
    c.setFillColorRGB(0.6, 0.6, 0.6)
    c.setFillAlpha(0.18)
    c.setFont("WQY", 40)
    c.translate(width / 2, height / 2)
    c.rotate(30)
    for dy in range(-int(height), int(height), 220):
        for dx in range(-int(width), int(width), 360):
            c.drawCentredString(dx, dy, WATERMARK)
    c.restoreState()


def _rl_seal(c, cx: float, cy: float, r: float) -> None:
    c.saveState()
    c.setStrokeColorRGB(0.8, 0.1, 0.1)
    c.setFillColorRGB(0.8, 0.1, 0.1)
    c.setFillAlpha(0.85)
    c.setLineWidth(2.2)
    c.circle(cx, cy, r)
    p = c.beginPath()
    for k in range(10):
        ang = math.pi / 2 + k * math.pi / 5
        rr = r * (0.3 if k % 2 == 0 else 0.12)
        x, y = cx + rr * math.cos(ang), cy + r * 0.1 + rr * math.sin(ang)
        if k == 0:
            p.moveTo(x, y)
        else:
            p.lineTo(x, y)
    p.close()
    c.drawPath(p, stroke=0, fill=1)
    c.setFont("WQY", r / 4.5)
    c.drawCentredString(cx, cy - r * 0.45, "样例专用章")
    name = ORG_SHORT
    span = math.radians(220)
    c.setFont("WQY", r / 5)
    for k, ch in enumerate(name):
        ang = math.pi / 2 + span / 2 - span * (k + 0.5) / len(name)
        c.saveState()
        c.translate(cx + r * 0.72 * math.cos(ang), cy + r * 0.72 * math.sin(ang))
        c.rotate(math.degrees(ang) - 90)
        c.drawCentredString(0, -r / 14, ch)
        c.restoreState()
    c.restoreState()


def _styles():
    from reportlab.lib.enums import TA_CENTER
    from reportlab.lib.styles import ParagraphStyle

    base = ParagraphStyle("body", fontName="WQY", fontSize=11, leading=19, wordWrap="CJK",
                          firstLineIndent=22, spaceAfter=4)
    return {
        "title": ParagraphStyle("title", parent=base, fontSize=19, leading=28, alignment=TA_CENTER,
                                firstLineIndent=0, spaceAfter=6),
        "sub": ParagraphStyle("sub", parent=base, fontSize=11, alignment=TA_CENTER, firstLineIndent=0,
                              spaceAfter=12),
        "h": ParagraphStyle("h", parent=base, fontSize=13, leading=22, firstLineIndent=0, spaceBefore=6),
        "body": base,
        "cell": ParagraphStyle("cell", parent=base, fontSize=9, leading=12, firstLineIndent=0, spaceAfter=0),
        "right": ParagraphStyle("right", parent=base, alignment=2, firstLineIndent=0),
    }


def pdf_document(path: Path, title: str, blocks: list, *, subtitle: str = "", landscape_a3: bool = False,
                 seal: bool = True, sign_date: str = "2022年10月28日") -> None:
    """A typed document: title, paragraphs, ``("h", text)`` headings, ``("table", rows, widths)``,
    ``("page",)`` page breaks; signed and sealed at the end; watermark on every page."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A3, A4, landscape
    from reportlab.lib.units import mm
    from reportlab.platypus import (
        Flowable,
        PageBreak,
        Paragraph,
        SimpleDocTemplate,
        Spacer,
        Table,
        TableStyle,
    )

    _rl_setup()
    st = _styles()
    size = landscape(A3) if landscape_a3 else A4

    class Seal(Flowable):
        def wrap(self, aw, ah):
            self.aw = aw
            return aw, 110

        def draw(self):
            c = self.canv
            c.setFont("WQY", 11)
            c.drawRightString(self.aw - 10, 70, ORG)
            c.drawRightString(self.aw - 40, 50, sign_date)
            _rl_seal(c, self.aw - 90, 62, 44)

    story = [Paragraph(title, st["title"])]
    if subtitle:
        story.append(Paragraph(subtitle, st["sub"]))
    for b in blocks:
        if isinstance(b, str):
            story.append(Paragraph(b, st["body"]))
        elif b[0] == "h":
            story.append(Paragraph(b[1], st["h"]))
        elif b[0] == "right":
            story.append(Paragraph(b[1], st["right"]))
        elif b[0] == "page":
            story.append(PageBreak())
        elif b[0] == "space":
            story.append(Spacer(1, b[1]))
        elif b[0] == "table":
            rows = [[Paragraph(str(cell), st["cell"]) for cell in row] for row in b[1]]
            t = Table(rows, colWidths=b[2], repeatRows=1)
            t.setStyle(TableStyle([
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.88, 0.9, 0.94)),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]))
            story.append(t)
            story.append(Spacer(1, 8))
    if seal:
        story.append(Spacer(1, 16))
        story.append(Seal())

    def on_page(c, doc):
        w, h = size
        _rl_watermark(c, w, h)
        c.saveState()
        c.setFont("WQY", 8.5)
        c.setFillColorRGB(0.35, 0.35, 0.35)
        c.drawString(20 * mm, h - 12 * mm, f"{ORG} · 样例材料")
        c.drawRightString(w - 20 * mm, h - 12 * mm, f"第 {doc.page} 页")
        c.restoreState()

    doc = SimpleDocTemplate(str(path), pagesize=size, invariant=1, title=title, author=ORG,
                            creator="skilldoc data_samples/make_demo.py (reportlab)",
                            producer="reportlab", subject="样例材料（虚构）",
                            initialFontName="WQY", leftMargin=25 * mm, rightMargin=22 * mm, topMargin=22 * mm, bottomMargin=25 * mm)
    doc.build(story, onFirstPage=on_page, onLaterPages=on_page)


def pdf_floor_plan(path: Path) -> None:
    """One portrait A4 page with /Rotate 90 whose content is drawn sideways,
    so that a viewer honouring /Rotate shows an upright landscape floor plan."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    _rl_setup()
    pw, ph = A4  # 595 x 842 portrait MediaBox
    # reportlab swaps width/height in the MediaBox when /Rotate is 90, so pass
    # the displayed (landscape) size to get a portrait MediaBox.
    c = Canvas(str(path), pagesize=(ph, pw), invariant=1)
    c.setTitle("教学与实训场所平面图（样例）")
    c.setAuthor(ORG)
    c.setCreator("skilldoc data_samples/make_demo.py (reportlab)")
    c.setPageRotation(90)
    # display coordinates (u right, v up) on the 842 x 595 landscape view:
    # x = pw - v, y = u
    c.transform(0, 1, -1, 0, pw, 0)
    W, H = ph, pw
    _rl_watermark(c, W, H)
    c.setFont("WQY", 18)
    c.drawCentredString(W / 2, H - 45, "教学与实训场所平面图（一层 · 实训楼 A 区）")
    c.setFont("WQY", 9)
    c.drawCentredString(W / 2, H - 62, f"{ORG}    比例 1:500    单位：米    图纸为演示样例，内容虚构")
    rooms = [
        (40, 300, 180, 200, "数控车削实训室", "1,260 ㎡"),
        (220, 300, 160, 200, "多工序数控加工中心", "1,180 ㎡"),
        (380, 300, 150, 200, "工业机器人实训室", "960 ㎡"),
        (530, 300, 130, 200, "智能产线实训区", "820 ㎡"),
        (660, 300, 140, 200, "等级认定考场", "640 ㎡"),
        (40, 90, 220, 170, "焊接实训车间", "1,420 ㎡"),
        (260, 90, 200, 170, "电工电气实训室", "1,080 ㎡"),
        (460, 90, 160, 170, "一体化教室（6 间）", "720 ㎡"),
        (620, 90, 180, 170, "竞赛集训与技能大师工作室", "680 ㎡"),
    ]
    c.setLineWidth(1.4)
    for x, y, w, h, name, area in rooms:
        c.setFillColorRGB(0.93, 0.95, 0.98)
        c.rect(x, y, w, h, stroke=1, fill=1)
        c.setFillColorRGB(0.1, 0.1, 0.1)
        c.setFont("WQY", 11)
        c.drawCentredString(x + w / 2, y + h / 2 + 4, name)
        c.setFont("WQY", 9)
        c.drawCentredString(x + w / 2, y + h / 2 - 12, area)
    c.setFont("WQY", 10)
    c.drawString(40, 268, "← 主通道（宽 6 m，消防通道） →")
    c.drawString(40, 60, "图例：□ 实训室    ▲ 安全出口    ◎ 消防栓        实训楼 A 区一层合计 8,760 ㎡")
    c.line(W - 70, H - 110, W - 70, H - 70)
    c.drawCentredString(W - 70, H - 64, "北")
    _rl_seal(c, W - 110, 55, 36)
    c.showPage()
    c.save()


def pdf_scanned(path: Path, pages: list, seed: int) -> None:
    """An image-only PDF: each page a JPEG "scan" filling an A4 page."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen.canvas import Canvas

    c = Canvas(str(path), pagesize=A4, invariant=1)
    c.setTitle(path.stem)
    c.setCreator("Scanner (fictional) via skilldoc data_samples/make_demo.py")
    for k, page in enumerate(pages):
        buf = io.BytesIO()
        scan(page, seed + k).resize((992, 1403)).save(buf, "JPEG", quality=62, optimize=True)
        buf.seek(0)
        c.drawImage(ImageReader(buf), 0, 0, width=A4[0], height=A4[1])
        c.showPage()
    c.save()


# ----------------------------------------------------------------------------
# python-docx, and fixed timestamps inside ZIP containers
# ----------------------------------------------------------------------------


def normalize_zip(path: Path) -> None:
    """Rewrite an OOXML container with fixed member timestamps and core dates."""
    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ")
    with zipfile.ZipFile(path) as zin:
        members = [(info, zin.read(info.filename)) for info in zin.infolist()]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info, data in members:
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(<)",
                              rb"\g<1>" + stamp.encode() + rb"\g<2>", data)
            zi = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            zout.writestr(zi, data)
    path.write_bytes(out.getvalue())


def make_minutes_docx(path: Path) -> None:
    """会议纪要 as a Word document (the bundle needs LibreOffice for it)."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Pt, RGBColor

    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name = "FangSong"
    normal.font.size = Pt(14)
    rpr = normal.element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(rfonts)
    rfonts.set(qn("w:eastAsia"), "仿宋")

    def para(text: str, *, size: int = 14, bold: bool = False, center: bool = False, indent: bool = True):
        p = doc.add_paragraph()
        if center:
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif indent:
            p.paragraph_format.first_line_indent = Pt(size * 2)
        r = p.add_run(text)
        r.font.size = Pt(size)
        r.bold = bold
        return p

    para("校企合作联席会议纪要", size=20, bold=True, center=True)
    para("（2022年第 2 期）", size=14, center=True)
    warn = doc.add_paragraph()
    warn.alignment = WD_ALIGN_PARAGRAPH.CENTER
    wr = warn.add_run("【样例 · 虚构】本纪要为软件演示材料，单位、人员与内容均为虚构")
    wr.font.size = Pt(11)
    wr.font.color.rgb = RGBColor(0xC0, 0x20, 0x20)
    para("2022年9月16日下午，" + ORG + "在实训楼 A 区三楼会议室召开 2022 年第二次校企合作联席会议。"
         "会议由校长周立新主持，示范精工机械有限公司（虚构）、示范汽车零部件集团（虚构）、"
         "浙江样例智能装备股份有限公司（虚构）、示范电气设备有限公司（虚构）等 12 家合作企业代表，"
         "学校分管副校长及各专业系部负责人共 31 人参加。现将会议议定事项纪要如下：")
    items = [
        ("一、关于共建产业学院", "会议同意与示范汽车零部件集团（虚构）共建“智能制造产业学院”，"
         "企业投入工业机器人及智能产线设备，学校提供场地和师资，2023 年春季学期起联合招收企业新型学徒。"),
        ("二、关于企业新型学徒制培训", "2022 年下半年新开企业新型学徒制班 6 个，覆盖数控车工、焊工、"
         "电工、工业机器人系统运维员 4 个职业（工种），计划培训 240 人；企业导师与学校教师按 1∶1 配备。"),
        ("三、关于教师企业实践", "各合作企业每年接收学校教师到企业实践不少于 30 人次，"
         "每人累计不少于 2 个月；企业技术骨干到校兼职授课，每学期不少于 400 课时。"),
        ("四、关于技术服务与成果转化", "学校技能大师工作室面向合作企业开展工艺攻关，"
         "2022 年立项 8 项；竞赛集训成果转化为企业岗位培训项目，列入下一年度培训计划。"),
    ]
    for head, body in items:
        para(head, bold=True, indent=False)
        para(body)
    para("会议要求各方按职责分工抓好落实，下次联席会议于 2023 年 3 月召开。")
    para("出席：周立新、沈建国、陆海峰、吴振宇、朱建华、马春华、罗永刚等（名单略）", size=12, indent=False)
    para("记录：钱慧敏（虚构）", size=12, indent=False)
    t = doc.add_table(rows=1, cols=3)
    t.style = "Table Grid"
    for cell, text in zip(t.rows[0].cells, ("序号", "议定事项", "牵头部门"), strict=True):
        cell.text = text
    for k, (item, dept) in enumerate((("共建智能制造产业学院", "校企合作办"), ("新型学徒制开班", "培训处"),
                                      ("教师企业实践", "人事处"), ("技术服务立项", "技能大师工作室")), 1):
        row = t.add_row().cells
        row[0].text, row[1].text, row[2].text = str(k), item, dept
    cp = doc.core_properties
    cp.author = ORG
    cp.title = "校企合作联席会议纪要（样例）"
    cp.created = FIXED_TIME
    cp.modified = FIXED_TIME
    cp.last_modified_by = "make_demo.py"
    cp.revision = 1
    doc.save(str(path))
    normalize_zip(path)


# ----------------------------------------------------------------------------
# The evidence files
# ----------------------------------------------------------------------------

# (设备名称, 型号规格, 单价万元) per occupation; counts are spread so that each
# occupation's rows add up exactly to its 设备数量 and 设备总值 in the workbook.
EQUIPMENT_KINDS = {
    "数控车工": [("数控车床", "CK6150（样例型号）", 30, Decimal("12.8")), ("车削中心", "TC-36Y（样例型号）", 4, Decimal("38.5")),
                ("数控车削仿真工作站", "SIM-T20（样例型号）", 0, None)],
    "焊工": [("逆变式气体保护焊机", "NB-500（样例型号）", 56, Decimal("2.4")),
           ("焊接机器人工作站", "WR-1400（样例型号）", 4, Decimal("46.0")),
           ("虚拟焊接训练系统", "VW-8（样例型号）", 0, None)],
    "电工": [("电工综合实训台", "DG-3A（样例型号）", 60, Decimal("2.1")),
           ("PLC 控制实训装置", "PLC-S7X（样例型号）", 30, Decimal("4.6")),
           ("供配电实训系统", "GPD-10（样例型号）", 0, None)],
    "工业机器人系统运维员": [("六轴工业机器人实训工作站", "IR-6（样例型号）", 20, Decimal("22.5")),
                   ("智能制造单元系统集成平台", "IMS-5（样例型号）", 0, None)],
    "多工序数控机床操作调整工": [("五轴立式加工中心", "V5-650（样例型号）", 4, Decimal("96.0")),
                     ("卧式加工中心", "H-630（样例型号）", 4, Decimal("72.0")),
                     ("柔性制造单元（含在线测量）", "FMC-2（样例型号）", 0, None)],
}


def equipment_rows() -> list[list[str]]:
    """The 设备清单 rows, consistent with OCCUPATIONS: the last kind of each
    occupation takes the remaining count and value, so each occupation's rows
    add up exactly to its 设备数量 and 设备总值 in the workbook."""
    rows: list[list[str]] = []
    rnd = random.Random(7)
    for occ in OCCUPATIONS:
        kinds = EQUIPMENT_KINDS[occ.name]
        left_n, left_v = occ.equipment_count, occ.equipment_value
        for k, (name, model, n, price) in enumerate(kinds):
            if k == len(kinds) - 1:
                n, v = left_n, left_v
            else:
                v = Decimal(n) * price
            left_n, left_v = left_n - n, left_v - v
            if n <= 0 or v <= 0:
                raise ValueError(f"equipment kinds do not fit {occ.name}")
            unit = (v / n).quantize(Decimal("0.01"))
            year = str(2016 + rnd.randint(0, 5))
            rows.append([name, model, str(n), f"{unit}", f"{v:.1f}", occ.name, year])
    other_n = HEADER["equipment_count"] - sum(o.equipment_count for o in OCCUPATIONS)
    other_v = Decimal(str(HEADER["equipment_value"]).removesuffix("万元")) - sum(o.equipment_value for o in OCCUPATIONS)
    rows.append(["公共基础实训及多媒体设备", "计算机、投影、网络等", str(other_n),
                 f"{(other_v / other_n).quantize(Decimal('0.01'))}", f"{other_v:.1f}", "公共基础", "2015—2021"])
    return rows


def make_evidence(outdir: Path) -> list[Path]:
    outdir.mkdir(parents=True, exist_ok=True)
    for old in outdir.iterdir():
        if old.is_file():
            old.unlink()
    from reportlab.lib.units import mm

    f = {e.code: outdir / e.files[0] for e in EVIDENCE}
    occ_names = "、".join(o.name for o in OCCUPATIONS)
    y = {r.year: r for r in YEAR_ROWS}

    # --- phone photos of certificates ------------------------------------------------
    make_photo(f["E01"], "办学许可证",
               ["学校名称：" + ORG, "办学类型：高级技工学校", "举办者：示范市人民政府（虚构）",
                "办学地址：示范市样例区职教路 100 号", "证书编号：样例-示人社技 000001 号",
                "有效期：2019年7月1日至2024年6月30日"],
               "发证机关：示范市人力资源和社会保障局（虚构）", "2019年7月1日", orientation=6, portrait=True, seed=1)
    make_photo(f["E02"], "事业单位法人证书",
               ["名称：" + ORG, "宗旨和业务范围：培养技能人才，开展职业技能培训与评价",
                "住所：示范市样例区职教路 100 号", "法定代表人：周立新", "开办资金：￥18,600 万元",
                "统一社会信用代码：12330000EXAMPLE000X（样例）"],
               "登记管理机关：示范市事业单位登记管理局（虚构）", "2020年3月12日", orientation=3, portrait=False, seed=2)
    make_photo(f["E03"], "职业技能等级认定备案证书",
               ["机构名称：" + ORG, "备案类别：第三方社会培训评价组织（技工院校）",
                "认定职业（工种）：" + occ_names[:28], "　　　　　　　　" + occ_names[28:] + " 等 12 个",
                "认定等级：五级/初级工至二级/技师", "备案编号：样例-S000001"],
               "备案机关：浙江省人力资源和社会保障厅（虚构）", "2020年8月18日", orientation=1, portrait=False, seed=3,
               tilt=-1.5)
    make_photo(outdir / EVIDENCE[11].files[0], "职业资格证书",
               ["姓名：金国强", "职业（工种）：车工", "等级：一级/高级技师", "证书编号：样例-GJ0000001",
                "鉴定机构：浙江省职业技能鉴定中心（虚构）"],
               "发证机关：浙江省人力资源和社会保障厅（虚构）", "2018年12月20日", orientation=6, portrait=True, seed=4)
    make_photo(outdir / EVIDENCE[11].files[1], "职业技能等级证书",
               ["姓名：郑国平", "职业（工种）：电工", "等级：二级/技师", "证书编号：样例-S0000002",
                "评价机构：" + ORG],
               "发证单位：" + ORG, "2021年6月30日", orientation=1, portrait=False, seed=5, tilt=3.0)
    make_photo(f["E21"], "等级认定质量督导记录表",
               ["认定职业：工业机器人系统运维员（三级/高级工）", "认定日期：2021年11月27日",
                "考评人员：6 人；督导员：2 人；考生：48 人", "考场秩序：良好；设备运行：正常",
                "发现问题：1 处（已现场整改）", "督导结论：符合认定工作规程要求"],
               "督导员签字：（样例）", "2021年11月27日", orientation=1, portrait=True, seed=6, tilt=-2.5)
    make_photo(f["E22"], "荣誉证书",
               [ORG + "代表队：", "在示范市第二届职业技能大赛", "数控车工项目中荣获", "团体一等奖",
                "指导教师：金国强、钱慧敏"],
               "示范市职业技能大赛组委会（虚构）", "2021年10月26日", orientation=6, portrait=True, seed=7)

    # --- the screenshot and the Word document ------------------------------------------
    make_screenshot(f["E18"])
    make_minutes_docx(f["E26"])

    # --- scans -----------------------------------------------------------------------
    pdf_scanned(f["E08"], [
        draw_text_page("固定资产专项审计报告", [
            "示范市样例会计师事务所（虚构）接受委托，对" + ORG + "截至 2021 年 12 月 31 日的教学实训设备类固定资产进行了专项审计。",
            f"经审计，学校教学实训设备共计 {HEADER['equipment_count']} 台/套，账面原值合计 "
            f"{str(HEADER['equipment_value']).removesuffix('万元')} 万元，其中智能机器人仪器设备 {HEADER['robot_count']} 台/套、"
            f"原值 {HEADER['robot_value']} 万元。设备账、卡、物相符，资产权属清晰。",
            "与" + occ_names + "等职业（工种）相匹配的实训设备均已纳入学校资产管理系统，建立一物一码台账。",
        ], subtitle="样例审字〔2022〕第 000 号（虚构）", seal=False),
        draw_text_page("审计意见", [
            "我们认为，学校教学实训设备类固定资产的核算符合《事业单位会计制度》的规定，在所有重大方面公允反映了截至 2021 年 12 月 31 日的设备资产状况。",
            "本报告仅供学校申报国家技能根基工程培训基地使用。",
        ], subtitle="（第 2 页）"),
    ], seed=11)
    pdf_scanned(f["E28"], [
        draw_text_page("中共" + ORG.replace("（虚构）", "") + "委员会会议决议", [
            "2022 年 10 月 25 日，学校党委召开会议，专题研究国家技能根基工程培训基地申报与建设工作。",
            "会议决定：一、成立由党委书记、校长任组长的基地建设领导小组；二、审议通过《国家技能根基工程培训基地建设规划（2023—2027 年）》；"
            "三、2023—2027 年学校每年安排基地建设配套资金不少于 600 万元；四、将基地建设纳入学校年度工作计划和目标考核。",
            "（本决议为软件演示样例，内容虚构）",
        ], subtitle="样党决〔2022〕00 号（虚构）"),
    ], seed=12)

    # --- rotated and A3 pages --------------------------------------------------------------
    pdf_floor_plan(f["E06"])
    header = ["序号", "设备名称", "型号规格", "数量（台/套）", "单价（万元）", "金额（万元）", "对应职业（工种）", "购置年份"]
    rows = [[str(k)] + r for k, r in enumerate(equipment_rows(), 1)]
    total_n = sum(int(r[3]) for r in rows)
    total_v = sum(Decimal(r[5]) for r in rows)
    rows.append(["", "合计", "", str(total_n), "", f"{total_v:.1f}", "", ""])
    pdf_document(f["E07"], "教学实训设备清单", [
        f"截至 2021 年 12 月 31 日，学校教学实训设备共 {total_n} 台/套，总值 {total_v:.1f} 万元。"
        "下表按职业（工种）列出与之相匹配的实训设备（金额单位：万元）。",
        ("table", [header] + rows, [14 * mm, 70 * mm, 62 * mm, 30 * mm, 30 * mm, 30 * mm, 70 * mm, 30 * mm]),
    ], subtitle=ORG, landscape_a3=True)

    # --- typed multi-page documents ------------------------------------------------------
    pdf_document(f["E04"], "示范市制造业高质量发展“十四五”规划（摘录）", [
        ("h", "一、发展基础"),
        "“十三五”期间，示范市规模以上工业增加值年均增长 7.8%，2020 年制造业增加值占地区生产总值比重达 41.6%。"
        "高端装备、汽车零部件、新材料、现代纺织四大产业集群产值合计突破 4,800 亿元（虚构数据）。",
        "全市共有规模以上工业企业 4,620 家，其中国家级专精特新“小巨人”企业 38 家、省级隐形冠军企业 26 家。",
        ("h", "二、发展目标"),
        "到 2025 年，制造业增加值占比稳定在 40% 以上，数字经济核心产业增加值占比达到 15%，"
        "培育千亿级产业集群 2 个，规模以上工业企业数字化改造覆盖率达到 90%。",
        ("h", "三、主要任务（摘录）"),
        "实施“智造强基”工程，推进高端装备、智能网联汽车零部件产业链补链强链；实施“技能示范”行动，"
        "每年新增高技能人才 1.2 万人，到 2025 年高技能人才占技能人才比例达到 35%。",
        ("page",),
        ("h", "四、保障措施（摘录）"),
        "强化人才支撑。支持技工院校、龙头企业建设高技能人才培训基地和技能大师工作室，"
        "推行企业新型学徒制，完善技能人才评价和激励机制，落实职业技能提升补贴政策。",
        "加强要素保障。统筹安排产业发展专项资金，对新建高技能人才培训基地给予最高 500 万元资助。",
        ("right", "（摘自示范市人民政府印发的规划文本，本摘录为虚构样例）"),
    ], subtitle="示范市人民政府（虚构）  示政发〔2021〕00 号", seal=False)

    demand = [["职业（工种）", "2022年需求（人）", "缺口（人）", "其中高级工及以上缺口（人）"],
              ["数控车工", "6,800", "2,150", "920"], ["焊工", "7,400", "2,600", "1,050"],
              ["电工", "9,200", "2,300", "880"], ["工业机器人系统运维员", "3,600", "1,900", "760"],
              ["多工序数控机床操作调整工", "2,100", "1,150", "540"]]
    pdf_document(f["E05"], "示范市制造业技能人才需求调查报告（2022）", [
        ("h", "一、调查概况"),
        "2022 年 3 月至 6 月，示范市人力资源和社会保障局（虚构）会同市经信局，对全市 612 家规模以上制造业企业"
        "开展技能人才需求调查，回收有效问卷 587 份，覆盖从业人员 28.6 万人。",
        ("h", "二、主要发现"),
        "全市制造业技能人才总量 41.3 万人，其中高技能人才 11.2 万人，占 27.1%，低于全省平均水平约 3 个百分点。"
        "受访企业中 71.4% 表示“招不到合适的技能人才”，数控加工、焊接、电气、工业机器人运维类岗位最为紧缺。",
        ("page",),
        ("h", "三、重点职业（工种）需求"),
        ("table", demand, [60 * mm, 32 * mm, 28 * mm, 42 * mm]),
        "上述 5 个职业（工种）合计缺口 10,100 人，其中高级工及以上缺口 4,150 人，占 41.1%。",
        ("page",),
        ("h", "四、对策建议"),
        "一是依托优质技工院校建设高技能人才培训基地，扩大高级工以上培训规模；二是推广企业新型学徒制和“订单式”培训；"
        "三是加快工业机器人、智能产线等新职业培训资源开发；四是完善技能等级认定与职业技能竞赛体系。",
        ("right", "示范市人力资源和社会保障局（虚构）  2022年7月"),
    ], seal=False)

    rules = [
        ("培训管理办法", "明确培训计划编制、开班审批、教学实施、考核结业、档案管理的全流程要求，实行“一班一档”。"),
        ("学员管理规定", "规范学员报名、考勤、请假、安全教育与结业管理，建立学员电子档案。"),
        ("培训质量评估办法", "每期培训结束后开展学员满意度测评和用人单位回访，合格率低于 90% 的班次须提交整改报告。"),
        ("实训设备管理办法", "实行设备“一物一码”与“谁使用、谁负责”，建立使用、维护、报废台账。"),
        ("实训安全管理制度", "落实“三级安全教育”，实训前检查设备与防护用品，制定突发事件应急预案并每学期演练。"),
        ("培训经费管理办法", "培训收入与财政补贴资金专账核算、专款专用，接受审计与绩效评价。"),
        ("兼职教师聘用管理办法", "规范企业技术骨干、技能大师兼职授课的聘用、考核与薪酬。"),
        ("培训档案管理制度", "培训台账、考核记录、证书发放记录保存不少于 5 年。"),
    ]
    blocks: list = [("h", "目　录")]
    blocks += [f"{k}．{name}" for k, (name, _t) in enumerate(rules, 1)]
    for k, (name, text) in enumerate(rules, 1):
        if k % 2 == 1:
            blocks.append(("page",))
        blocks += [("h", f"{k}．{name}"), text,
                   "第一条　本办法适用于学校开展的各类职业技能培训、技能评价与技能竞赛集训活动。",
                   "第二条　培训处为归口管理部门，各系部为实施部门，财务处、资产处、保卫处按职责协同。",
                   "第三条　本办法由培训处负责解释，自印发之日起施行。"]
    pdf_document(f["E09"], "学校培训管理制度汇编", blocks, subtitle="（2022 年修订版 · 样例）")

    pdf_document(f["E10"], "关于下达 2022 年职业技能提升行动专项资金的通知", [
        "各有关单位：",
        "根据《职业技能提升行动专账资金管理办法》，经研究，现下达 2022 年职业技能提升行动专项资金，其中"
        + ORG + " 高技能人才培训基地建设补助 480 万元，用于实训设备购置、课程资源开发和师资培训。",
        "请严格按规定使用资金，专款专用，年底前报送资金使用绩效自评报告。",
        ("right", "示范市财政局（虚构）  示范市人力资源和社会保障局（虚构）"),
        ("right", "2022年4月20日"),
    ], subtitle="示财社〔2022〕00 号（虚构）", seal=False)

    names = ["金国强", "赵志刚", "何俊", "谢宏伟", "郑国平"] + [f"教师{k:02d}（虚构）" for k in range(6, 65)]
    titles = ["高级实习指导教师"] * 18 + ["一级实习指导教师"] * 30 + ["其他"] * 16
    levels = ["高级技师"] * 14 + ["技师"] * 28 + ["高级工"] * 19 + ["其他"] * 3
    rnd = random.Random(21)
    rnd.shuffle(levels)
    levels[0], levels[4] = "高级技师", "技师"
    roster = [["序号", "姓名", "职称", "职业资格（技能等级）", "任教职业（工种）"]]
    for k in range(64):
        roster.append([str(k + 1), names[k], titles[k], levels[k], OCCUPATIONS[k % 5].name])
    pdf_document(f["E11"], "实习指导教师名册", [
        f"学校现有实习指导教师 {HEADER['instructors']} 人，按职称：高级 {HEADER['instr_senior']} 人、一级 "
        f"{HEADER['instr_first']} 人、其他 {HEADER['instr_title_other']} 人；按职业资格：高级技师 "
        f"{HEADER['instr_senior_technician']} 人、技师 {HEADER['instr_technician']} 人、高级工 "
        f"{HEADER['instr_senior_worker']} 人、其他 {HEADER['instr_level_other']} 人。",
        ("table", roster, [14 * mm, 38 * mm, 38 * mm, 36 * mm, 50 * mm]),
    ], subtitle="（截至 2022 年 10 月）")

    ex_rows = [["序号", "姓名", "职业（工种）", "专家类别", "单位", "职称或技能等级"]]
    ex_rows += [[str(k), *e] for k, e in enumerate(EXPERTS, 1)]
    pdf_document(f["E13"], "关于聘任国家技能根基工程培训基地专家团队成员的决定", [
        "为加强培训基地规划建设、课程开发、训练指导和技术创新工作，经推荐、考察和校长办公会研究，"
        f"决定聘任以下 {len(EXPERTS)} 位同志为学校培训基地专家团队成员，聘期三年（2022年9月—2025年8月）。",
        ("table", ex_rows, [12 * mm, 20 * mm, 38 * mm, 28 * mm, 42 * mm, 24 * mm]),
    ], subtitle="样校发〔2022〕00 号（虚构）")

    pdf_document(f["E14"], "2021 年师资培训与企业实践记录", [
        ("table", [["项目", "时间", "人次", "说明"],
                   ["国家级一体化课程教学改革师资研修", "2021年7月", "12", "示范职业技术学院（虚构）承办"],
                   ["工业机器人系统运维员师资培训", "2021年8月", "18", "企业工程师授课"],
                   ["教师企业实践（2 个月以上）", "2021年全年", "36", "合作企业 9 家"],
                   ["世界技能大赛标准转化培训", "2021年10月", "15", "数控车、焊接项目"],
                   ["校本“工程师+技师”双师培训", "2021年全年", "96", "每月一次"]],
         [62 * mm, 28 * mm, 16 * mm, 54 * mm]),
        "全年师资培训合计 177 人次，教师人均参加培训 64 学时。",
    ])

    pdf_document(f["E15"], "关于认定 2021 年度示范市技能大师工作室的通知", [
        "经单位申报、专家评审和社会公示，决定认定“金国强数控车削技能大师工作室”等 15 个工作室为 2021 年度"
        "示范市技能大师工作室，每个给予 20 万元建设资助（虚构）。",
        ("right", "示范市人力资源和社会保障局（虚构）  2021年12月8日"),
    ], subtitle="示人社发〔2021〕00 号（虚构）", seal=False)

    ledger = [["年度", "职业（工种）", "培训人次", "其中高级工及以上", "开班数"]]
    for i, yr in enumerate(YEARS):
        for o in OCCUPATIONS:
            t, a = o.trained[i]
            ledger.append([str(yr), o.name, str(t), str(a), str(max(1, t // 40))])
        other_t = int(str(y[yr].trained).replace(",", "")) - sum(o.trained[i][0] for o in OCCUPATIONS)
        other_a = y[yr].advanced - sum(o.trained[i][1] for o in OCCUPATIONS)
        ledger.append([str(yr), "其他职业（工种）", str(other_t), str(other_a), str(max(1, other_t // 40))])
        ledger.append([str(yr), "合计", str(y[yr].trained).replace(",", ""), str(y[yr].advanced), ""])
    blocks = ["按年度、职业（工种）汇总的培训台账（明细台账存培训处备查）。"]
    for i, yr in enumerate(YEARS):
        if i:
            blocks.append(("page",))
        blocks += [("h", f"{yr} 年度"), ("table", [ledger[0]] + ledger[1 + i * 7: 8 + i * 7],
                                        [18 * mm, 62 * mm, 26 * mm, 34 * mm, 20 * mm])]
    pdf_document(f["E16"], "2019—2021 年职业技能培训台账（汇总）", blocks)

    pdf_document(f["E17"], "培训合格率与满意率统计表", [
        ("table", [["年度", "培训人次", "考核合格人次", "合格率", "调查样本", "满意率"]]
         + [[str(r.year), str(r.trained).replace(",", ""),
             str(round(int(str(r.trained).replace(",", "")) * r.pass_rate / 100)), f"{r.pass_rate}%",
             str(int(int(str(r.trained).replace(",", "")) * 0.6)), f"{r.satisfaction}%"] for r in YEAR_ROWS],
         [20 * mm, 26 * mm, 30 * mm, 22 * mm, 26 * mm, 22 * mm]),
        "满意率来自学员结业问卷和用人单位回访（企业评价与学员评价加权）。",
    ])

    pdf_document(f["E19"], "企业新型学徒制培训协议", [
        "甲方：示范汽车零部件集团（虚构）　　乙方：" + ORG,
        "第一条　培训对象：甲方与之签订劳动合同的新招用和转岗职工，2022 年度 80 人。",
        "第二条　培训职业（工种）及等级：工业机器人系统运维员、电工，目标等级高级工。",
        "第三条　培训方式：“企校双师带徒、工学交替培养”，学制 1 年，企业导师与学校教师共同制定培养计划。",
        ("page",),
        "第四条　培训经费：按规定申领企业新型学徒制培训补贴，不足部分由甲方承担。",
        "第五条　考核评价：培训期满由乙方组织职业技能等级认定，合格者颁发职业技能等级证书。",
        "第六条　本协议一式四份，双方各执两份，自签订之日起生效。",
        ("right", "签订日期：2022年2月18日"),
    ])

    pdf_document(f["E20"], "职业技能等级认定工作规程", [
        ("h", "第一章　总则"),
        "第一条　为规范学校职业技能等级认定工作，保证认定质量，依据国家职业技能标准和有关规定制定本规程。",
        "第二条　学校认定工作遵循客观、公正、科学、规范的原则，实行考评分离、督导全覆盖。",
        ("h", "第二章　组织实施"),
        "第三条　认定计划每年初报备，认定公告提前 15 日发布；考评人员从考评员库随机抽取，实行回避制度。",
        "第四条　理论知识考试采用题库组卷、机考；技能考核按职业标准设置考核模块，全程录像。",
        ("page",),
        ("h", "第三章　质量督导"),
        "第五条　每场认定均派驻质量督导员，填写督导记录表；发现违规问题立即纠正并记录。",
        "第六条　认定结果经内部审核、公示 5 个工作日无异议后，核发职业技能等级证书并上传数据库。",
        ("page",),
        ("h", "第四章　档案管理"),
        "第七条　考生报名材料、试卷、成绩、录像、督导记录等档案保存不少于 5 年。",
        "第八条　本规程自 2020 年 9 月 1 日起施行。",
    ])

    pdf_document(f["E23"], "关于承办示范市第三届职业技能大赛的通知", [
        ORG + "：",
        "经研究，确定由你校承办示范市第三届职业技能大赛数控车、焊接、电工、工业机器人系统运维 4 个赛项，"
        "比赛时间为 2022 年 10 月，请按技术文件要求做好场地、设备、裁判保障工作。",
        ("right", "示范市职业技能大赛组委会办公室（虚构）  2022年6月10日"),
    ], seal=False)

    pdf_document(f["E24"], "校企合作协议", [
        "甲方：" + ORG + "　　乙方：示范精工机械有限公司（虚构）",
        ("h", "一、合作内容"),
        "1．共建“数控加工技能人才培养中心”，乙方提供五轴加工中心 2 台及刀具耗材，甲方提供场地和管理。",
        "2．共同开发多工序数控机床操作调整工培训课程包，每年更新不少于 20%。",
        "3．乙方每年接收甲方学员顶岗实习 60 人、教师企业实践 8 人次。",
        ("page",),
        ("h", "二、双方责任"),
        "甲方负责教学组织、学员管理和技能评价；乙方选派技术骨干担任企业导师，参与课程开发与考核。",
        "合作期间形成的教学资源双方共享，技术成果归属另行约定。",
        ("page",),
        ("h", "三、其他"),
        "本协议有效期五年（2021年9月1日—2026年8月31日），未尽事宜双方协商解决。",
        ("right", "签订日期：2021年8月26日"),
    ])

    pdf_document(f["E25"], "国际交流合作备忘录", [
        "Memorandum of Understanding (Sample / Fictional)",
        ORG + " 与 Example Vocational Training Centre（虚构，德国）就双元制职业培训交流达成以下合作意向：",
        "1．共同开展工业机器人、机电一体化领域师资研修，每年互派教师 4—6 人次；",
        "2．引进对方职业培训课程标准与考核方法，开展本土化转化；",
        "3．联合举办线上技术研讨会，每年不少于 2 场。",
        ("right", "2019年11月5日"),
    ])

    plan = [["指标", "2022年基数", "2025年目标", "2027年目标"],
            ["年培训规模（人次）", "2,350", "3,200", "4,000"],
            ["其中高级工及以上占比", "26.0%", "32%", "35%以上"],
            ["等级认定职业（工种）数（个）", "12", "16", "20"],
            ["专家团队（人）", "20", "30", "40"],
            ["培训课程资源包（个）", "18", "30", "40"]]
    pdf_document(f["E27"], "国家技能根基工程培训基地建设规划（2023—2027 年）", [
        ("h", "一、指导思想"),
        "以服务示范市制造业高质量发展为导向，聚焦" + occ_names + "等急需紧缺职业（工种），建设集技能培训、"
        "技能评价、师资研修、技能竞赛和技术推广于一体的综合型培训基地。",
        ("h", "二、建设目标"),
        ("table", plan, [60 * mm, 32 * mm, 32 * mm, 32 * mm]),
        ("page",),
        ("h", "三、阶段安排"),
        "2023 年：完成实训基地提升改造方案，新增智能制造实训设备；2024—2025 年：完成主体建设，形成示范效应；"
        "2026—2027 年：完善运行机制，总结推广建设经验。",
        ("page",),
        ("h", "四、资金安排"),
        "五年计划投入 5,800 万元，其中学校自筹 3,000 万元、申请各级财政补助 2,000 万元、合作企业投入 800 万元。",
        ("page",),
        ("h", "五、保障措施"),
        "成立基地建设领导小组，实行项目化管理、清单化推进，每年开展绩效自评并接受第三方评估。",
    ])

    files = sorted(p for p in outdir.iterdir() if p.is_file())
    expected = {outdir / name for e in EVIDENCE for name in e.files}
    missing = expected - set(files)
    if missing:
        raise RuntimeError(f"evidence files not generated: {sorted(map(str, missing))}")
    return files


# ----------------------------------------------------------------------------
# The workbook: the starter file from skilldoc, filled by label
# ----------------------------------------------------------------------------


def _norm(text: object) -> str:
    return re.sub(r"\s+", "", str(text or "")).replace("(", "（").replace(")", "）")


def _header_row(ws, first_title: str) -> int:
    for row in ws.iter_rows(min_row=1, max_row=10):
        for cell in row:
            if _norm(cell.value) == _norm(first_title):
                return cell.row
    raise LookupError(f"sheet {ws.title!r}: no header row starting {first_title!r}")


def _column(ws, header_row: int, label: str) -> int:
    """The column whose title is ``label`` or ``label（unit）``."""
    want = _norm(label)
    for cell in ws[header_row]:
        title = _norm(cell.value)
        if title == want or title.startswith(want + "（"):
            return cell.column
    raise LookupError(f"sheet {ws.title!r}: no column titled {label!r}")


def make_workbook(path: Path) -> None:
    """Fill the starter workbook that ``skilldoc init`` writes with the sample figures."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from openpyxl import load_workbook

    from skilldoc import form
    from skilldoc.workbook import write_workbook

    path.parent.mkdir(parents=True, exist_ok=True)
    write_workbook(path, 2022)
    wb = load_workbook(path)
    sheets = form.LAYOUT.sheets

    # 基本信息: one field per row, found by (分组, 项目)
    ws = wb[sheets["header"]]
    hr = _header_row(ws, "分组")
    group_col, label_col, value_col = (_column(ws, hr, t) for t in ("分组", "项目", "填写内容"))
    rows = {(_norm(ws.cell(r, group_col).value), _norm(ws.cell(r, label_col).value)): r
            for r in range(hr + 1, ws.max_row + 1) if ws.cell(r, label_col).value}
    for f in form.HEADER_FIELDS:
        value = HEADER[f.key]
        ws.cell(rows[(_norm(f.group), _norm(f.label))], value_col).value = value

    # 培训总量: one row per year
    ws = wb[sheets["years"]]
    year_label = "年度"
    hr = _header_row(ws, year_label)
    ycol = _column(ws, hr, year_label)
    cols = {f.key: _column(ws, hr, f.label) for f in form.YEAR_COLUMNS}
    year_rows = {ws.cell(r, ycol).value: r for r in range(hr + 1, ws.max_row + 1)}
    for yr in YEAR_ROWS:
        r = year_rows[yr.year]
        ws.cell(r, cols["trained"]).value = yr.trained
        ws.cell(r, cols["advanced"]).value = yr.advanced
        ws.cell(r, cols["pass_rate"]).value = yr.pass_rate
        ws.cell(r, cols["satisfaction"]).value = yr.satisfaction

    # 职业工种: one row per occupation, a column pair per year
    ws = wb[sheets["occupations"]]
    name_f, count_f, value_f = form.OCCUPATION_COLUMNS
    trained_f, advanced_f = form.YEAR_COLUMNS[:2]
    hr = _header_row(ws, name_f.label + "")
    name_col = _column(ws, hr, name_f.label)
    for k, occ in enumerate(OCCUPATIONS, start=hr + 1):
        ws.cell(k, name_col).value = occ.name
        for (trained, advanced), year in zip(occ.trained, YEARS, strict=True):
            ws.cell(k, _column(ws, hr, f"{year}年{trained_f.label}")).value = trained
            ws.cell(k, _column(ws, hr, f"{year}年{advanced_f.label}")).value = advanced
        ws.cell(k, _column(ws, hr, count_f.label)).value = occ.equipment_count
        ws.cell(k, _column(ws, hr, value_f.label)).value = occ.equipment_value

    # 专家团队
    ws = wb[sheets["experts"]]
    hr = _header_row(ws, form.EXPERT_COLUMNS[0].label)
    cols_e = [_column(ws, hr, f.label) for f in form.EXPERT_COLUMNS]
    for k, expert in enumerate(EXPERTS, start=hr + 1):
        for col, value in zip(cols_e, expert, strict=True):
            ws.cell(k, col).value = value

    # 证明材料
    ws = wb[sheets["evidence"]]
    hr = _header_row(ws, form.EVIDENCE_COLUMNS[0].label)
    c = {f.key: _column(ws, hr, f.label) for f in form.EVIDENCE_COLUMNS}
    for k, e in enumerate(EVIDENCE, start=hr + 1):
        ws.cell(k, c["code"]).value = e.code
        ws.cell(k, c["title"]).value = e.title
        ws.cell(k, c["files"]).value = "\n".join(f"{form.LAYOUT.evidence_dir}/{name}" for name in e.files)
        ws.cell(k, c["part"]).value = e.part
        ws.cell(k, c["note"]).value = e.note or None

    wb.save(path)
    normalize_zip(path)
    path.chmod(0o644)  # write_workbook's temp file is private (0600); the sample is meant to be shared


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="生成虚构的样例申报单位 data_samples/demo/")
    parser.add_argument("--evidence", action="store_true", help="只生成证明材料")
    parser.add_argument("--workbook", action="store_true", help="只生成申报数据.xlsx")
    args = parser.parse_args(argv)
    sum_check()
    both = not (args.evidence or args.workbook)
    if args.evidence or both:
        files = make_evidence(EVIDENCE_DIR)
        total = sum(p.stat().st_size for p in files)
        print(f"证明材料：{len(files)} 个文件，共 {total / 1024 / 1024:.2f} MB")
    if args.workbook or both:
        make_workbook(DEMO / "申报数据.xlsx")
        print(f"工作簿：{DEMO / '申报数据.xlsx'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
