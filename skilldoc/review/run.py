"""``skilldoc review``: check many applications, hand out score sheets, collect them, rank within the quota.

Reads top to bottom: find and check every application (one broken input never
stops the others) → 审核汇总表.xlsx → score sheets to hand out → collect the
filled ones (评分汇总表.xlsx) → recommend within the quota (推荐汇总表.xlsx,
推荐报告.docx).  Each output is written to a temporary file and moved into place.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from ..checks.report import BUILD_ADVICE, format_text
from ..checks.standards import Measurement, Standard, fmt_number, load_standards
from ..errors import SEVERITY_LABEL, InputError, Location, Problem, Severity
from ..form import SECTIONS
from ..reproducible import build_timestamp
from ..values import round_half_up
from . import scoring
from .inputs import Reviewed, review_all
from .paragraph import load_template, render_paragraph
from .report_docx import RecommendedPart, ReportContent, write_report
from .rubric import Rubric, allowed, load_rubric
from .sheets import (
    Column,
    FilledSheet,
    ScoreCell,
    ScoreRow,
    ScoreSheetSpec,
    Table,
    TextSheet,
    Value,
    read_score_sheet,
    write_score_sheet,
    write_tables,
)

SUMMARY_NAME = "审核汇总表.xlsx"
SCORES_NAME = "评分汇总表.xlsx"
RECOMMEND_NAME = "推荐汇总表.xlsx"
REPORT_NAME = "推荐报告.docx"


def score_sheet_name(n: int) -> str:
    return f"评分表-专家{n:02d}.xlsx"


@dataclass
class ReviewOptions:
    standards: Sequence[str | Path] = ("national",)
    limit: int | None = None
    rubric: str | Path | None = None
    variant: str | None = None
    score_sheets: int = 0
    scores: Sequence[Path] = ()
    quota: int | None = None
    report_template: Path | None = None


@dataclass
class ReviewResult:
    outputs: dict[str, Path]
    reviewed: list[Reviewed]
    skipped: list[Path]
    scores: scoring.ScoreResult | None = None
    decisions: list[scoring.Decision] = field(default_factory=list)

    def summary(self) -> str:
        ok = [r for r in self.reviewed if r.ok]
        passed = [r for r in ok if r.thresholds_passed]
        lines = [f"审核完成：共 {len(self.reviewed)} 份申报，{len(ok)} 份可以审核，"
                 f"{len(passed)} 份符合全部遴选标准，{len(self.reviewed) - len(ok)} 份无法审核。"]
        for r in self.reviewed:
            if not r.ok:
                lines.append(f"  {r.id} {r.source}：无法审核：{r.reason}")
        for p in self.skipped:
            lines.append(f"  已跳过（不是申报文件夹或申报书）：{p}")
        for later, first in same_unit(self.reviewed).items():
            lines.append(f"  {later} {_DUPLICATE.format(first)}")
        if self.scores is not None:
            lines.append(f"评分：{len(self.scores.experts)} 位专家，{len(self.scores.flags)} 处需要核对（见 评分汇总表 的“评分标记”）。")
        if self.decisions:
            chosen = [d for d in self.decisions if d.recommended]
            lines.append("推荐：" + ("、".join(f"{d.order}. {d.reviewed.name}" for d in chosen) or "无"))
        lines.append("输出：")
        lines += [f"  {label}：{path}" for label, path in self.outputs.items()]
        lines.append("下一步：" + self._next_step())
        return "\n".join(lines)

    def _next_step(self) -> str:
        if "推荐报告" in self.outputs:
            flags = "和“评分标记”" if self.scores is not None else ""
            return f"核对 推荐汇总表 和 推荐报告（草稿）：逐条核对“未核对”的项目{flags}，修改推荐理由后定稿。"
        if "评分汇总表" in self.outputs:
            return "核对“评分标记”后，同样的命令加 --quota N（盟市 3，省 5）按名额推荐，生成推荐报告。"
        if any(label.startswith("评分表") for label in self.outputs):
            return ("把评分表分发给各位专家填写（黄色单元格）；收回后运行 skilldoc review 同样的申报 -o 输出文件夹 "
                    "--rubric 同一评审细则 --scores 收回的评分表文件夹 --quota N。")
        return ("核对审核汇总表中红色、黄色的项目；需要专家评分时加 --rubric gaojineng-jidi --score-sheets N"
                "（N 为专家人数）生成评分表；不评分时加 --quota N（盟市 3，省 5）直接按名额推荐。")


_DUPLICATE = "与 {} 申报单位名称相同，请核对是否同一单位重复申报"


def same_unit(reviewed: Sequence[Reviewed]) -> dict[str, str]:
    """编号 of each application whose 申报单位名称 an earlier one already has → the earlier one's 编号."""
    first: dict[str, str] = {}
    later: dict[str, str] = {}
    for r in reviewed:
        if r.ok:
            key = "".join(r.name.split())
            if key in first:
                later[r.id] = first[key]
            else:
                first[key] = r.id
    return later


def review(inputs: Sequence[Path], out_dir: Path, options: ReviewOptions) -> ReviewResult:
    """Run the review; raises InputError for unusable options (rubric, score sheets, template) only."""
    out_dir = Path(out_dir)
    standards = load_standards(options.standards)  # a bad standard stops the run: every row needs it
    rubric = load_rubric(options.rubric, options.variant) if options.rubric else None
    if (options.score_sheets or options.scores) and rubric is None:
        raise InputError("缺少评审细则", [Problem("生成或收集评分表需要评审细则", None,
                                                  hint="加 --rubric gaojineng-jidi（或一个 .toml 文件）",
                                                  code="review.rubric")])
    template = load_template(options.report_template) if options.quota else None
    filled = [read_score_sheet(p) for p in score_files(options.scores)]
    _check_sheets(filled, rubric)

    reviewed, skipped = review_all(inputs, limit=options.limit, standards=options.standards, exclude=[out_dir])
    when = build_timestamp(None)
    outputs: dict[str, Path] = {}

    summary_path = out_dir / SUMMARY_NAME
    titles = "；".join(s.title for s in standards)
    write_tables(summary_path, _summary_sheets(reviewed, standards), title=f"审核汇总表（{titles}）", when=when)
    outputs["审核汇总表"] = summary_path

    if rubric is not None and options.score_sheets:
        for n in range(1, options.score_sheets + 1):
            path = out_dir / score_sheet_name(n)
            write_score_sheet(path, _score_spec(rubric, reviewed, n), when=when)
            outputs[f"评分表（专家 {n}）"] = path

    result = ReviewResult(outputs, reviewed, skipped)
    if rubric is not None and filled:
        result.scores = _collect(rubric, reviewed, filled)
        path = out_dir / SCORES_NAME
        write_tables(path, _score_sheets_out(result.scores), title=f"{rubric.name} 评分汇总表", when=when)
        outputs["评分汇总表"] = path

    if options.quota:
        assert template is not None
        result.decisions = scoring.recommend(reviewed, options.quota, result.scores)
        path = out_dir / RECOMMEND_NAME
        write_tables(path, _recommend_sheets(result.decisions, options.quota, result.scores),
                     title="推荐汇总表", when=when)
        outputs["推荐汇总表"] = path
        report = out_dir / REPORT_NAME
        write_report(report, _report_content(result.decisions, options.quota, standards, template, result.scores),
                     when=when)
        outputs["推荐报告"] = report
    return result


def score_files(paths: Sequence[Path]) -> list[Path]:
    """The score sheets among ``paths``: files as given, folders expanded to their .xlsx files by name."""
    files: list[Path] = []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            files += sorted((f for f in p.iterdir() if f.suffix.lower() == ".xlsx"
                             and not f.name.startswith((".", "~$"))), key=lambda f: f.name)
        else:
            files.append(p)
    return files


# --- 审核汇总表 -------------------------------------------------------------------------------


def _value(m: Measurement | None) -> Decimal | None:
    return m.value if m is not None else None


def _percent(m: Measurement | None) -> Decimal | None:
    v = _value(m)
    return round_half_up(v) if v is not None else None  # as check and the 申报书 round it


def _summary_sheets(reviewed: Sequence[Reviewed], standards: Sequence[Standard]) -> list[Table | TextSheet]:
    rules = [(s, rule) for s in standards for rule in s.rules]
    several = len(standards) > 1
    columns = [
        Column("编号"), Column("来源"), Column("申报单位名称", width=30), Column("单位类别"),
        Column("申报职业（工种）", width=36), Column("结果", colour="status"), Column("最近年度"),
        Column("培训数量（人次）"), Column("高级工及以上占比（%）", number_format="0.0"), Column("设备总值（万元）"),
        Column("有匹配设备的职业（个）"), Column("每个职业最少专家（名）"), Column("各职业专家（名）", width=36),
        Column("培训合格率（%）"), Column("满意率（%）"),
    ]
    for s, rule in rules:
        prefix = f"{s.key} " if several else ""
        columns.append(Column(f"{prefix}{rule.article} {rule.summary}", colour="status", width=18))
    for sec in SECTIONS:
        columns.append(Column(f"{sec.title}（字）", colour="limit", limit=sec.limit))
    columns += [Column("证明材料（页）"), Column("错误", colour="errors"), Column("警告", colour="warnings"),
                Column("说明", width=50)]

    rows = []
    duplicates = same_unit(reviewed)
    for r in reviewed:
        row: list[Value] = [r.id, r.source, r.name, r.category, "、".join(r.occupations)]
        if not r.ok:
            n_err = sum(1 for p in r.problems if p.severity is Severity.ERROR)
            n_warn = sum(1 for p in r.problems if p.severity is Severity.WARNING)
            row += ["无法读取"] + [None] * (len(columns) - len(row) - 5) + [None, n_err, n_warn, r.reason]
            rows.append(row)
            continue
        assert r.report is not None and r.app is not None
        failed, unchecked = r.failed, r.unchecked
        result = f"未达标 {len(failed)} 项" if failed else f"达标（{len(unchecked)} 项未核对）" if unchecked else "全部达标"
        latest = r.app.latest_year
        experts = "、".join(f"{o.name} {len(r.app.experts_for(o.name))}" for o in r.app.occupations) \
            if r.figure("min_experts_per_occupation") is not None else None  # a .docx has no 专家团队
        row += [result, latest.year if latest else None, _value(r.figure("latest_trained")),
                _percent(r.figure("latest_advanced_ratio")), _value(r.figure("equipment_value_total")),
                _value(r.figure("occupations_with_equipment")), _value(r.figure("min_experts_per_occupation")),
                experts, _value(r.figure("latest_pass_rate")), _value(r.figure("latest_satisfaction"))]
        by_rule = {(t.standard, t.rule_id): t for t in r.report.thresholds}
        for s, rule in rules:
            t = by_rule.get((s.key, rule.id))
            row.append(None if t is None else "达标" if t.passed else "未核对" if t.severity is Severity.INFO else "未达标")
        counts = {sc.section.number: sc for sc in r.report.sections}
        for sec in SECTIONS:
            sc = counts.get(sec.number)
            row.append(sc.counts.words if sc else None)
        notes = [f"{t.article} {t.requirement or t.rule}：{t.actual}" for t in failed]
        notes += [f"未核对（申报书表格中没有这项数据）：{t.article} {t.requirement or t.rule}" for t in unchecked]
        notes += [f"{sc.section.title} 超出 {sc.over} 字" for sc in r.report.sections if sc.over]
        notes += [_DUPLICATE.format(duplicates[r.id])] if r.id in duplicates else []
        row += [r.evidence_pages, len(r.report.errors), len(r.report.warnings), "；".join(notes)]
        rows.append(row)
    sheets: list[Table | TextSheet] = [Table("审核汇总", columns, rows, frozen_columns=3, notes=(
        "结果：全部达标 = 符合所选遴选标准的每一条；未核对 = 申报书（.docx）表格中没有这项数据（专家团队、合格率等），"
        "需人工核对；字数一栏超过上限为红色，达到上限 95% 为黄色。",
        "证明材料（页）：按证明材料清单合并后的页数（证明材料有错误时为空）。"))]
    for r in reviewed:
        sheets.append(TextSheet(f"{r.id} {r.name}", _report_lines(r)))
    return sheets


def _report_lines(r: Reviewed) -> list[str]:
    head = [f"{r.id} {r.name}", f"来源：{r.candidate.path}"]
    if not r.ok:
        lines = head + ["", "无法审核："]
        for p in r.problems:
            lines.append(f"[{SEVERITY_LABEL[p.severity]}] {p.render()}")
        return lines
    assert r.report is not None
    return head + [""] + [line for line in format_text(r.report).splitlines() if line != BUILD_ADVICE]


# --- score sheets ----------------------------------------------------------------------------


def _score_spec(rubric: Rubric, reviewed: Sequence[Reviewed], n: int) -> ScoreSheetSpec:
    items = rubric.items
    rows = []
    for r in reviewed:
        if not r.ok:
            continue
        cells = []
        for it in items:
            a = allowed(it, r.app, rubric)
            note = f"{a.basis}；允许 {a.display}" if it.automatic else ""  # manual: the validation prompt says it
            cells.append(ScoreCell(a.low, a.high, a.fixed, note))
        rows.append(ScoreRow(r.id, r.source, r.name, cells))
    evidence = {c.name + (c.variant or ""): "\n".join([c.report] + [e.text for e in c.evidence])
                for c in rubric.categories}
    guide = [(it.heading, it.text, evidence[next(c.name + (c.variant or "") for c in rubric.categories
                                                  if it in c.items)]) for it in items]
    return ScoreSheetSpec(rubric.name, rubric.key, rubric.variant or "", n, [it.id for it in items],
                          [it.heading for it in items], [it.points for it in items], rows, guide)


def _check_sheets(filled: Sequence[FilledSheet], rubric: Rubric | None) -> None:
    if rubric is None:
        return
    problems = []
    ids = [it.id for it in rubric.items]
    seen: dict[str, Path] = {}
    for sheet in filled:
        if sheet.expert in seen:
            problems.append(Problem(f"与 {seen[sheet.expert].name} 是同一位专家（{sheet.expert}）的评分表",
                                    Location(str(sheet.path)),
                                    hint="每位专家只给一份评分表；若是两位专家，请在评分表 B2 单元格填写各自的姓名",
                                    code="scores.duplicate"))
        seen.setdefault(sheet.expert, sheet.path)
        if sheet.rubric_key != rubric.key or (sheet.variant or None) != rubric.variant:
            problems.append(Problem(
                f"该评分表按“{sheet.rubric_key} {sheet.variant}”生成，与本次的评审细则“{rubric.key} {rubric.variant or ''}”不同",
                Location(str(sheet.path)), hint="用生成评分表时的 --rubric 和 --variant 重新运行",
                code="scores.rubric"))
        elif sheet.item_ids != ids:
            problems.append(Problem("评分表的评审项目与评审细则不一致（评审细则文件改过？）",
                                    Location(str(sheet.path)), hint="用当前的评审细则重新生成评分表",
                                    code="scores.items"))
    if problems:
        raise InputError("评分表与评审细则不一致", problems)


def _collect(rubric: Rubric, reviewed: Sequence[Reviewed], filled: Sequence[FilledSheet]) -> scoring.ScoreResult:
    ok = [r for r in reviewed if r.ok]
    by_source = {r.source: r for r in ok}
    by_id = {r.id: r for r in ok}
    sheets = []
    for sheet in filled:
        scores: dict[str, dict[str, object]] = {}
        remarks: dict[str, str] = {}
        for app_id, source, _name, values, remark in sheet.rows:
            r = by_source.get(source) or by_id.get(app_id)
            key = r.id if r is not None else f"{app_id}（{source}）"
            scores[key] = dict(zip(sheet.item_ids, values, strict=True))
            if remark:
                remarks[key] = remark
        sheets.append(scoring.ExpertSheet(sheet.expert, sheet.path.name, scores, remarks))
    apps = [(r.id, r.name, [allowed(it, r.app, rubric) for it in rubric.items]) for r in ok]
    return scoring.aggregate(rubric, apps, sheets)


SCORE_FORMAT = "0.00"  # scores are kept to two decimals (scoring.RULES_TEXT)


def _score_sheets_out(result: scoring.ScoreResult) -> list[Table | TextSheet]:
    items = result.rubric.items
    cats = result.rubric.categories
    columns = [Column("名次"), Column("编号"), Column("申报单位名称", width=30)]
    columns += [Column(it.heading, width=14, number_format=SCORE_FORMAT) for it in items]
    columns += [Column(f"{c.name}（{c.points}分）", number_format=SCORE_FORMAT) for c in cats]
    columns += [Column("总分", number_format=SCORE_FORMAT), Column("说明", width=40)]
    rows = []
    for a in result.apps:
        row: list[Value] = [f"{a.rank}（并列）" if a.tied else a.rank, a.app_id, a.name]
        row += [i.score for i in a.items]
        row += [a.category_total(c.name) for c in cats] + [a.total]
        methods = sorted({i.method for i in a.items if i.score is not None and i.method != scoring.METHOD_FIXED})
        row.append("；".join(methods) if a.sheets != 0 else "没有专家评分（评分表中没有这一申报），总分仅含按数据确定的分数")
        rows.append(row)
    flag_columns = [Column("编号"), Column("申报单位名称", width=30), Column("评审项目", width=30), Column("专家"),
                    Column("问题", colour="flag"), Column("说明", width=50)]
    flag_rows = [[f.app_id, f.name, f.item, f.expert, f.kind, f.detail] for f in result.flags]
    return [Table("评分汇总", columns, rows, frozen_columns=3, notes=scoring.RULES_TEXT),
            Table("评分标记", flag_columns, flag_rows, frozen_columns=2)]


# --- within the quota -------------------------------------------------------------------------


def _recommend_sheets(decisions: Sequence[scoring.Decision], quota: int,
                      scores: scoring.ScoreResult | None) -> list[Table | TextSheet]:
    columns = [Column("序号"), Column("编号"), Column("申报单位名称", width=30), Column("单位类别"),
               Column("总分", number_format=SCORE_FORMAT), Column("名次"), Column("推荐", colour="status"), Column("理由", width=70)]
    rows: list[list[Value]] = []
    for d in decisions:
        s = d.score
        rows.append([d.order, d.reviewed.id, d.reviewed.name, d.reviewed.category,
                     s.total if s is not None else None,
                     (f"{s.rank}（并列）" if s.tied else s.rank) if s is not None else None,
                     d.verdict, "；".join(d.reasons)])
    notes = [f"推荐名额：不超过 {quota} 家，按排序推荐；只有符合遴选参考标准每一条、且各部分字数不超过上限的申报可以推荐。"]
    notes += list(scoring.RULES_TEXT) if scores is not None else [scoring.FALLBACK_ORDER]
    return [Table("推荐汇总", columns, rows, frozen_columns=3, notes=notes)]


UNCHECKED = "未核对"  # a figure the 申报书.docx form has no cell for (not the applicant's omission)


def _fmt_value(m: Measurement | None, suffix: str = "", *, on_form: bool = True) -> str:
    if m is None or m.value is None:
        return "未填写" if on_form else UNCHECKED
    return f"{fmt_number(m.value)}{suffix}"


def _unit(value: str, unit: str) -> str:
    return value if value in ("未填写", UNCHECKED) else f"{value} {unit}"


def _paragraph_values(d: scoring.Decision, rank: int, standard_title: str) -> dict[str, object]:
    r = d.reviewed
    assert r.app is not None and r.report is not None
    latest = r.app.latest_year
    ratio = _percent(r.figure("latest_advanced_ratio"))
    on_form = r.candidate.kind != "docx"
    return {
        "单位名称": r.name, "单位类别": r.category or "未填写", "申报职业": "、".join(r.occupations) or "未填写",
        "年度": latest.year if latest else "", "培训数量": _fmt_value(r.figure("latest_trained")),
        "高级工占比": f"{ratio}%" if ratio is not None else "未填写",
        "设备总值": _fmt_value(r.figure("equipment_value_total")),
        "匹配设备职业数": _fmt_value(r.figure("occupations_with_equipment"), on_form=on_form),
        "最少专家数": _fmt_value(r.figure("min_experts_per_occupation"), on_form=on_form),
        "合格率": _fmt_value(r.figure("latest_pass_rate"), "%", on_form=on_form),
        "满意率": _fmt_value(r.figure("latest_satisfaction"), "%", on_form=on_form),
        "标准名称": standard_title, "达标项数": sum(1 for t in r.report.thresholds if t.passed),
        "未核对项数": len(r.unchecked),
        "总分": f"{d.score.total:.2f}" if d.score is not None else "", "排名": rank,
    }


def _report_content(decisions: Sequence[scoring.Decision], quota: int, standards: Sequence[Standard],
                    template: tuple[Path, str], scores: scoring.ScoreResult | None) -> ReportContent:
    standard_title = "》《".join(s.title for s in standards)
    chosen = [d for d in decisions if d.recommended]
    n = len(decisions)
    intro = [f"按照遴选推荐工作要求，我们对收到的 {n} 份申报材料逐一进行了审核，对照《{standard_title}》"
             f"核实了各项条件{'，并组织专家按评审细则评分' if scores is not None else ''}。"
             f"按照推荐不超过 {quota} 家、并在推荐报告中排序的要求，现将推荐排序报告如下。"]
    header = ["排序", "申报单位名称", "单位类别", "最近年度培训数量（人次）"] + (["专家评审总分"] if scores else [])
    rows = []
    for d in chosen:
        r = d.reviewed
        row = [str(d.order), r.name, r.category, _fmt_value(r.figure("latest_trained"))]
        if scores is not None:
            row.append(f"{d.score.total:.2f}" if d.score is not None else "")
        rows.append(row)
    path, source = template
    parts = []
    for d in chosen:
        r = d.reviewed
        values = _paragraph_values(d, d.order, standard_title)
        figures = [
            f"最近年度（{values['年度']}年）培训数量：{values['培训数量']} 人次，高级工及以上占比 {values['高级工占比']}",
            f"教学实训设备总值：{values['设备总值']} 万元；"
            f"有相匹配实训设备的职业（工种）：{_unit(str(values['匹配设备职业数']), '个')}",
            f"每个职业（工种）最少专家：{_unit(str(values['最少专家数']), '名')}；"
            f"培训合格率 {values['合格率']}，满意率 {values['满意率']}",
        ]
        parts.append(RecommendedPart(f"（{_CN[d.order - 1] if d.order <= len(_CN) else d.order}）{r.name}",
                                     figures, render_paragraph(path, source, values)))
    others = [f"{d.reviewed.name}：{'；'.join(d.reasons)}" for d in decisions if not d.recommended]
    return ReportContent(title="国家技能根基工程培训基地推荐报告（草稿）", intro=intro, table_header=header,
                         table_rows=rows, recommended=parts, others=others)


_CN = "一二三四五六七八九十"
