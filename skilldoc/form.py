"""The declarative description of the 国家技能根基工程培训基地申报书.

Source: 附件2 of ``shared/seeds/001_9b367f8c4a711a10.txt`` (人社厅函〔2022〕162号).
Every ``label`` here is quoted verbatim from that form; ``var`` is the short
name a section template uses (``{{ 单位名称 }}``); ``key`` is the code name.

This one module drives the workbook that ``skilldoc init`` writes, the
loader, the DOCX header table, the completeness checks and the docs
(``docs/字段说明.md`` is generated from it).  A second form is a second spec,
not a code fork.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class FieldType(StrEnum):
    TEXT = "text"
    INT = "int"  # whole number (人, 台/套, 人次)
    DECIMAL = "decimal"  # 平方米, 万元
    PERCENT = "percent"  # stored as a number 0-100
    DATE = "date"
    CHOICE = "choice"
    POSTCODE = "postcode"
    PHONE = "phone"
    MOBILE = "mobile"
    EMAIL = "email"
    URL = "url"


TYPE_LABEL = {
    FieldType.TEXT: "文字",
    FieldType.INT: "整数",
    FieldType.DECIMAL: "数字",
    FieldType.PERCENT: "百分比",
    FieldType.DATE: "日期",
    FieldType.CHOICE: "选项",
    FieldType.POSTCODE: "邮政编码",
    FieldType.PHONE: "电话号码",
    FieldType.MOBILE: "手机号码",
    FieldType.EMAIL: "电子邮箱",
    FieldType.URL: "网址",
}


@dataclass(frozen=True)
class Field:
    key: str  # code identifier (English)
    label: str  # verbatim label on the form
    var: str  # name in section templates (Chinese identifier)
    type: FieldType = FieldType.TEXT
    unit: str = ""  # accepted trailing unit, e.g. "万元"
    required: bool = True
    options: tuple[str, ...] = ()
    hint: str = ""  # one-line hint shown in the workbook
    group: str = ""  # row group on the form (法人代表信息, 培训场所条件 …)
    example: object = None  # value used by the docs


# --- 基本信息: the header table, one field per workbook row -------------------

UNIT_CATEGORIES = (
    "制造业龙头企业",
    "单项冠军企业",
    "专精特新“小巨人”企业",
    "技工院校",
    "公共实训中心",
    "其他",
)
YES_NO = ("是", "否")

HEADER_FIELDS: tuple[Field, ...] = (
    Field("org_name", "申报单位名称", "单位名称", hint="与公章一致的单位全称（封面“申报单位”同此）"),
    Field("category", "单位类别", "单位类别", FieldType.CHOICE, options=UNIT_CATEGORIES,
          hint="从下拉列表中选择一项"),
    Field("category_other", "其他", "单位类别其他", required=False,
          hint="单位类别选“其他”时填写具体类别，否则留空"),
    Field("address", "申报单位地址", "单位地址", hint="省、市、区（县）及详细地址"),
    Field("postcode", "邮政编码", "邮政编码", FieldType.POSTCODE, hint="6 位数字"),
    Field("website", "网址", "网址", FieldType.URL, required=False, hint="单位网站，如 www.example.edu.cn"),
    Field("legal_name", "姓名", "法人姓名", group="法人代表信息", hint="法定代表人姓名"),
    Field("legal_title", "职务", "法人职务", group="法人代表信息", hint="如 校长、董事长"),
    Field("office_phone", "办公电话", "办公电话", FieldType.PHONE, group="法人代表信息",
          hint="带区号，如 0575-88001234"),
    Field("fax", "传真", "传真", FieldType.PHONE, required=False, group="法人代表信息",
          hint="带区号；没有可留空"),
    Field("mobile", "手机", "手机", FieldType.MOBILE, group="法人代表信息", hint="11 位手机号码"),
    Field("email", "电子邮箱", "电子邮箱", FieldType.EMAIL, group="法人代表信息", hint="如 office@example.edu.cn"),
    Field("authority", "申报单位主管部门", "主管部门", hint="封面“主管单位”同此"),
    Field("floor_area", "教学与实训场所建筑面积（平方米）", "场所面积", FieldType.DECIMAL, unit="平方米",
          group="培训场所条件", hint="单位：平方米"),
    Field("equipment_count", "数量（台/套）", "设备数量", FieldType.INT, unit="台/套",
          group="培训场所条件/教学实训设备", hint="教学实训设备数量，单位：台/套"),
    Field("equipment_value", "总值（万元）", "设备总值", FieldType.DECIMAL, unit="万元",
          group="培训场所条件/教学实训设备", hint="教学实训设备总值，单位：万元"),
    Field("robot_count", "数量（台/套）", "机器人设备数量", FieldType.INT, unit="台/套",
          group="培训场所条件/智能机器人仪器设备", hint="智能机器人仪器设备数量，单位：台/套"),
    Field("robot_value", "总值（万元）", "机器人设备总值", FieldType.DECIMAL, unit="万元",
          group="培训场所条件/智能机器人仪器设备", hint="智能机器人仪器设备总值，单位：万元"),
    Field("fulltime_teachers", "专任教师人数", "专任教师人数", FieldType.INT, unit="人",
          group="培训师资情况", hint="单位：人"),
    Field("integrated_teachers", "一体化（双师型）教师人数", "一体化教师人数", FieldType.INT, unit="人",
          group="培训师资情况", hint="单位：人"),
    Field("instructors", "实习指导教师人数", "实习指导教师人数", FieldType.INT, unit="人",
          group="培训师资情况", hint="单位：人；应等于下面按职称（或按职业资格）分列人数之和"),
    Field("instr_senior", "高级实习指导教师", "高级实习指导教师", FieldType.INT, unit="人",
          group="培训师资情况/职 称", hint="按职称分列，单位：人"),
    Field("instr_first", "一级实习指导教师", "一级实习指导教师", FieldType.INT, unit="人",
          group="培训师资情况/职 称", hint="按职称分列，单位：人"),
    Field("instr_title_other", "其他", "其他职称教师", FieldType.INT, unit="人",
          group="培训师资情况/职 称", hint="按职称分列，单位：人"),
    Field("instr_senior_technician", "高级技师", "高级技师", FieldType.INT, unit="人",
          group="培训师资情况/职业资格（技能等级）", hint="按职业资格（技能等级）分列，单位：人"),
    Field("instr_technician", "技师", "技师", FieldType.INT, unit="人",
          group="培训师资情况/职业资格（技能等级）", hint="按职业资格（技能等级）分列，单位：人"),
    Field("instr_senior_worker", "高级工", "高级工", FieldType.INT, unit="人",
          group="培训师资情况/职业资格（技能等级）", hint="按职业资格（技能等级）分列，单位：人"),
    Field("instr_level_other", "其他", "其他等级教师", FieldType.INT, unit="人",
          group="培训师资情况/职业资格（技能等级）", hint="按职业资格（技能等级）分列，单位：人"),
    Field("is_assessor", "是否为技能等级认定机构", "是否认定机构", FieldType.CHOICE, options=YES_NO,
          group="培训评价能力", hint="从下拉列表中选择“是”或“否”"),
    Field("assessor_since", "获批等级认定资质时间", "认定资质时间", FieldType.DATE, required=False,
          group="培训评价能力", hint="选“是”时必填，如 2020-06-15"),
    Field("assessed_occupations", "等级认定资质制造类职业（工种）数量", "认定职业数量", FieldType.INT,
          unit="个", required=False, group="培训评价能力", hint="选“是”时填写，单位：个"),
    Field("filled_on", "填报时间", "填报时间", FieldType.DATE,
          hint="如 2022-11-20；培训总量的三个年度取填报年份之前三年"),
)

HEADER_BY_KEY = {f.key: f for f in HEADER_FIELDS}


# --- 培训总量 and per-year quality figures -----------------------------------

YEAR_COLUMNS: tuple[Field, ...] = (
    Field("trained", "培训数量", "培训数量", FieldType.INT, unit="人次", hint="当年培训人次"),
    Field("advanced", "高级工及以上数量", "高级工及以上数量", FieldType.INT, unit="人次",
          hint="当年高级工及以上培训人次"),
    Field("pass_rate", "培训合格率（%）", "合格率", FieldType.PERCENT, unit="%", required=False,
          hint="遴选参考标准第二十一条：≥90%；至少填写最近一年"),
    Field("satisfaction", "满意率（%）", "满意率", FieldType.PERCENT, unit="%", required=False,
          hint="遴选参考标准第二十一条：≥90%；至少填写最近一年"),
)
TRAINING_YEARS = 3  # the form asks for the three years before 填报时间


# --- 职业（工种）: one row per occupation -----------------------------------

OCCUPATION_COLUMNS: tuple[Field, ...] = (
    Field("name", "职业（工种）", "名称", hint="如 数控车工、焊工、工业机器人系统运维员"),
    # per year: 培训数量 and 高级工及以上数量 (YEAR_COLUMNS[:2]) come next, one pair per year
    Field("equipment_count", "实训设备数量（台/套）", "设备数量", FieldType.INT, unit="台/套",
          hint="与该职业（工种）相匹配的实训设备（遴选参考标准第十条）"),
    Field("equipment_value", "实训设备总值（万元）", "设备总值", FieldType.DECIMAL, unit="万元",
          hint="与该职业（工种）相匹配的实训设备总值"),
)


# --- 专家: the expert team (遴选参考标准第十二条) -------------------------------

EXPERT_CATEGORIES = ("行业专家", "企业实践专家", "职业技能培训专家", "实习实训指导专家")

EXPERT_COLUMNS: tuple[Field, ...] = (
    Field("name", "姓名", "姓名"),
    Field("occupation", "职业（工种）", "职业", hint="须与“职业工种”表中的名称一致"),
    Field("category", "专家类别", "类别", FieldType.CHOICE, options=EXPERT_CATEGORIES),
    Field("employer", "单位", "单位"),
    Field("title", "职称或技能等级", "职称", required=False),
)


# --- the eight narrative sections ---------------------------------------------


@dataclass(frozen=True)
class Section:
    number: int
    name: str  # 申报背景
    guidance: str  # the form's own guidance text, verbatim
    limit: int = 3000

    @property
    def title(self) -> str:
        """The title as printed on the form: ``1.申报背景``."""
        return f"{self.number}.{self.name}"

    @property
    def filename(self) -> str:
        return f"{self.number}-{self.name}.md"


SECTION_NOTE = "（可加附页，另附相关证明材料，并标注证明材料页码）"

SECTIONS: tuple[Section, ...] = (
    Section(1, "申报背景", "（请简述当地制造业发展面临的形势任务，对制造业领域技能人才需求、职业技能培训计划推进等方面总体情况及有关数据，不超过 3000 字，下同）"),
    Section(2, "工作基础", "（请简述申报主体基本情况、制造业技能人才培训场地建设、设施设备、制度及资金保障等情况）"),
    Section(3, "师资队伍", "（请简述制造业领域师资队伍培养体系、师资培训及专家团队建设等情况）"),
    Section(4, "技能培训", "（请简述制造业技能人才培养工种、培训规模、培训体系建设、培训质量、培训形式及配套资源建设等情况）"),
    Section(5, "技能评价", "（请简述制造业技能人才技能评价资质、评价规模及评价规范管理能力的情况）"),
    Section(6, "技能竞赛", "（请简述制造业技能竞赛组织能力、办赛条件及竞赛成果转化等情况）"),
    Section(7, "合作交流", "（请简述制造业国际交流、技术推广及校企合作等情况）"),
    Section(8, "建设规划", "（请结合上述7个方面，简述本单位到2027年底项目实施的指导思想、基本思路、建设总体目标、阶段目标及项目产出可量化、可监测的数据指标等）"),
)

SECTION_BY_TITLE = {s.title: s for s in SECTIONS}
HEADER_PART = "基本信息表"  # evidence that belongs to the header table, not a section
EVIDENCE_PARTS = (HEADER_PART,) + tuple(s.title for s in SECTIONS)


# --- cover and 填写要求, verbatim ----------------------------------------------

FORM_TITLE = "国家技能根基工程培训基地"
FORM_SUBTITLE = "申 报 书"
FORM_NAME = "国家技能根基工程培训基地申报书"
COVER_LABELS = ("申报单位", "主管单位", "申报职业", "填报时间")
COVER_SEAL = "（公章）"
ISSUER = "人力资源社会保障部职业能力建设司 制"
INSTRUCTIONS_TITLE = "填写要求"
INSTRUCTIONS = (
    "一、请按照要求，如实填写，仔细核对。",
    "二、文字描述要说清时间、内容、结果，抓住重点，叙述简要。",
    "三、此表请使用 A4 纸，双面印，左侧装订，一式四份连同电子文档一并上报。",
)
TRAINING_TOTAL_LABEL = "培训总量（人次）"


# --- the applicant folder -------------------------------------------------------


@dataclass(frozen=True)
class ProjectLayout:
    workbook: str = "申报数据.xlsx"
    sections_dir: str = "sections"
    evidence_dir: str = "证明材料"
    output_dir: str = "output"
    docx_name: str = "申报书.docx"
    form_pdf_name: str = "申报书.pdf"
    evidence_pdf_name: str = "证明材料.pdf"
    combined_pdf_name: str = "申报材料.pdf"
    sheets: dict[str, str] = field(default_factory=lambda: {
        "instructions": "填写说明",
        "header": "基本信息",
        "years": "培训总量",
        "occupations": "职业工种",
        "experts": "专家团队",
        "evidence": "证明材料",
    })


LAYOUT = ProjectLayout()


# --- 证明材料: the evidence list -------------------------------------------------

EVIDENCE_COLUMNS: tuple[Field, ...] = (
    Field("code", "编号", "编号", hint="如 E01；正文用 {{ 证明(\"E01\") }} 引用"),
    Field("title", "名称", "名称", hint="目录中显示的材料名称"),
    Field("files", "文件", "文件",
          hint="相对于申报文件夹的路径，如 证明材料/营业执照.pdf；多个文件用换行或分号分隔"),
    Field("part", "所属部分", "所属部分", FieldType.CHOICE, options=EVIDENCE_PARTS),
    Field("note", "说明", "说明", required=False),
    Field("password", "打开密码", "打开密码", required=False, hint="仅加密 PDF 需要；没有留空"),
)
