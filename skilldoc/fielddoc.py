"""Generate ``docs/字段说明.md`` from the form spec, so the docs cannot drift from the code.

Regenerate with ``python -m skilldoc.fielddoc > docs/字段说明.md``; a test fails when it is stale.
"""

from __future__ import annotations

from .form import (
    EVIDENCE_COLUMNS,
    EXPERT_COLUMNS,
    HEADER_FIELDS,
    LAYOUT,
    OCCUPATION_COLUMNS,
    SECTION_NOTE,
    SECTIONS,
    TYPE_LABEL,
    YEAR_COLUMNS,
    Field,
)


def _row(f: Field, *, with_var: bool = True) -> str:
    options = "、".join(f.options) if f.options else ""
    cells = [
        f.group.replace("/", " › ") if f.group else "",
        f.label,
        f"`{f.var}`" if with_var else "",
        TYPE_LABEL[f.type],
        f.unit,
        "是" if f.required else "否",
        options,
        f.hint,
    ]
    return "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |"


HEAD = "| 分组 | 项目（表上原文） | 模板变量 | 类型 | 单位 | 必填 | 可选值 | 填写提示 |\n|---|---|---|---|---|---|---|---|"


def field_reference_markdown() -> str:
    sheets = LAYOUT.sheets
    out = [
        "# 申报数据.xlsx 字段说明",
        "",
        "本文件由 `python -m skilldoc.fielddoc` 根据 `skilldoc/form.py` 生成，请勿手工修改。",
        "“项目”一栏与《国家技能根基工程培训基地申报书》（人社厅函〔2022〕162号 附件2）原文一致。",
        "",
        f"## 工作表“{sheets['header']}”（申报书表头）",
        "",
        HEAD,
        *(_row(f) for f in HEADER_FIELDS),
        "",
        f"## 工作表“{sheets['years']}”（培训总量，填报年份之前三年，每年一行）",
        "",
        HEAD,
        *(_row(f) for f in YEAR_COLUMNS),
        "",
        f"## 工作表“{sheets['occupations']}”（每个职业（工种）一行）",
        "",
        "“职业（工种）”之后依次为三个年度的“培训数量”“高级工及以上数量”两列，再之后为：",
        "",
        HEAD,
        *(_row(f) for f in OCCUPATION_COLUMNS),
        "",
        f"## 工作表“{sheets['experts']}”（专家团队，遴选参考标准第十二条）",
        "",
        HEAD,
        *(_row(f) for f in EXPERT_COLUMNS),
        "",
        f"## 工作表“{sheets['evidence']}”（证明材料清单）",
        "",
        HEAD,
        *(_row(f) for f in EVIDENCE_COLUMNS),
        "",
        "## 八个部分（正文模板）",
        "",
        "| 部分 | 模板文件 | 字数上限 | 表上的填写说明 |",
        "|---|---|---|---|",
        *(f"| {s.title} | `{LAYOUT.sections_dir}/{s.filename}` | {s.limit} | {s.guidance}{SECTION_NOTE} |"
          for s in SECTIONS),
        "",
    ]
    return "\n".join(out)


if __name__ == "__main__":
    print(field_reference_markdown(), end="")
