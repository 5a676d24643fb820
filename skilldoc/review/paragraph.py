"""The editable paragraph of 推荐报告.docx: a Jinja template rendered per recommended application.

The review package's one jinja2 importer (the section renderer is ``render.py``):
the same sandbox and StrictUndefined, so a misspelt name is an error naming the
template file and line, and the template can do nothing but format text.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from jinja2 import StrictUndefined, TemplateSyntaxError, UndefinedError
from jinja2.sandbox import SandboxedEnvironment, SecurityError

from ..errors import InputError, Location, Problem

DEFAULT_TEMPLATE = Path(__file__).resolve().parent / "推荐理由.j2"

# The names a template can use, with their meaning (README lists them too).
NAMES = {
    "单位名称": "申报单位名称",
    "单位类别": "单位类别",
    "申报职业": "职业（工种），用顿号连接",
    "年度": "最近年度（上年度）",
    "培训数量": "最近年度培训数量（人次）",
    "高级工占比": "最近年度高级工及以上占比，如 26.0%",
    "设备总值": "教学实训设备总值（万元）",
    "匹配设备职业数": "有相匹配实训设备的职业（工种）数",
    "最少专家数": "每个职业（工种）最少的专家数",
    "合格率": "最近年度培训合格率，如 96.3%",
    "满意率": "最近年度满意率",
    "标准名称": "对照的遴选标准名称",
    "达标项数": "达标的条款数",
    "未核对项数": "申报书（.docx）中没有数据、需人工核对的条款数（申报文件夹为 0）",
    "总分": "专家评审总分（没有评分时为空）",
    "排名": "推荐排序（1、2、3……）",
}


def load_template(path: Path | None) -> tuple[Path, str]:
    path = path or DEFAULT_TEMPLATE
    try:
        return path, path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = "不是 UTF-8 编码的文本" if isinstance(exc, UnicodeDecodeError) else (exc.strerror or str(exc))
        raise InputError("推荐理由模板无法读取", [Problem(
            f"无法读取：{reason}", Location(str(path)), hint="给出一个 UTF-8 编码的 Jinja 模板文件",
            code="review.paragraph")]) from None


def render_paragraph(path: Path, source: str, values: Mapping[str, object]) -> str:
    env = SandboxedEnvironment(undefined=StrictUndefined, autoescape=False, trim_blocks=True, lstrip_blocks=True)
    try:
        template = env.from_string(source)
        return template.render(**values).strip()
    except TemplateSyntaxError as exc:
        raise InputError("推荐理由模板有误", [Problem(
            f"模板语法错误：{exc.message}", Location(str(path), line=exc.lineno),
            hint="检查 {{ }}、{% %} 是否成对", code="review.paragraph")]) from None
    except (UndefinedError, SecurityError) as exc:
        raise InputError("推荐理由模板有误", [Problem(
            f"模板中的名称无法使用：{exc}", Location(str(path)),
            hint=f"可用的名称：{'、'.join(NAMES)}", code="review.paragraph")]) from None
