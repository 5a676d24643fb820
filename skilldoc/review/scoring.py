"""Collect the experts' scores, flag what needs a second look, rank; then pick within the quota.

Pure functions over plain data (no files): :func:`aggregate` takes the filled
score sheets as read by :mod:`.sheets`; :func:`recommend` takes the reviewed
applications and, when there are scores, their ranking.

Rules (stated in README and on the outputs):

* per item, the mean of the experts' valid scores; with five or more valid
  scores, the mean without one highest and one lowest;
* an item whose score follows from the figures alone takes that score;
* a score outside the item's allowed range, a text, or a blank is left out
  and flagged; items where the experts differ by more than a third of the
  item's points are flagged;
* item means are rounded to 0.01 (half up); the total is their sum;
* ranking: total, then — while equal — the categories' totals in order of the
  category's points (largest first, then the rubric's order); still equal: the
  same rank (并列), listed by 申报单位名称.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from ..checks.standards import METRICS
from .inputs import Reviewed
from .rubric import Allowed, Item, Rubric

TRIM_FROM = 5  # experts: from this many valid scores on, drop the highest and the lowest
SPREAD = Decimal(1) / Decimal(3)  # of the item's points
CENT = Decimal("0.01")

METHOD_MEAN = "平均分"
METHOD_TRIMMED = "去掉一个最高分和一个最低分后的平均分"
METHOD_FIXED = "按申报数据确定"

RULES_TEXT = (
    f"每项得分：各位专家有效评分的平均分；有效评分达到 {TRIM_FROM} 个及以上时，去掉一个最高分和一个最低分后取平均。"
    "按申报数据即可确定分数的项目直接取该分数。每项得分保留两位小数（四舍五入），总分为各项得分之和。",
    "超出该项允许范围的分数、文字和空白不计入，并在“评分标记”中列出；各位专家对同一项的评分相差超过该项分值三分之一的，同样列出。",
    "排序：按总分从高到低；总分相同时，依次比较分值最高的评审内容的得分（分值相同按细则顺序）；仍相同的名次并列，按申报单位名称排列。",
)


@dataclass(frozen=True)
class ExpertSheet:
    """One expert's scores: app id → item id → the value as typed (None: blank)."""

    expert: str
    source: str  # file name, for flags
    scores: Mapping[str, Mapping[str, object]]
    remarks: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Flag:
    app_id: str
    name: str
    item: str  # item heading, or "" for the whole application
    expert: str
    kind: str  # 超出范围 / 缺少评分 / 不是数字 / 评分分歧 / 评分表不一致
    detail: str


@dataclass
class ItemScore:
    item: Item
    allowed: Allowed
    valid: list[tuple[str, Decimal]]  # (expert, score)
    score: Decimal | None  # None: no valid score
    method: str


@dataclass
class AppScore:
    app_id: str
    name: str
    items: list[ItemScore]
    rank: int = 0
    tied: bool = False
    sheets: int = -1  # score sheets that hold the application (0: no expert scored it); -1 not counted

    @property
    def total(self) -> Decimal:
        return sum((i.score for i in self.items if i.score is not None), Decimal(0))

    def category_total(self, category: str) -> Decimal:
        return sum((i.score for i in self.items if i.score is not None and i.item.category == category), Decimal(0))

    @property
    def complete(self) -> bool:
        return all(i.score is not None for i in self.items)


@dataclass
class ScoreResult:
    rubric: Rubric
    experts: list[str]
    apps: list[AppScore]  # ranked
    flags: list[Flag]

    def by_id(self) -> dict[str, AppScore]:
        return {a.app_id: a for a in self.apps}


def _number(value: object) -> Decimal | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float | Decimal):
        try:
            return Decimal(str(value))
        except InvalidOperation:
            return None
    if isinstance(value, str):
        try:
            return Decimal(value.strip().replace("分", ""))
        except InvalidOperation:
            return None
    return None


def aggregate(rubric: Rubric, apps: Sequence[tuple[str, str, Sequence[Allowed]]],
              sheets: Sequence[ExpertSheet]) -> ScoreResult:
    """Score every application ((id, name, allowed per rubric item)) from the experts' sheets."""
    items = rubric.items
    flags: list[Flag] = []
    known = {app_id for app_id, _, _ in apps}
    for sheet in sheets:
        for app_id in sorted(set(sheet.scores) - known):
            flags.append(Flag(app_id, "", "", sheet.expert, "评分表不一致",
                              f"{sheet.source} 中的 {app_id} 不在本次审核的申报中，已忽略"))
    results: list[AppScore] = []
    for app_id, name, ranges in apps:
        scored: list[ItemScore] = []
        for sheet in sheets:  # once per sheet, not per item
            if app_id not in sheet.scores:
                flags.append(Flag(app_id, name, "", sheet.expert, "缺少评分", f"{sheet.source} 中没有这一申报"))
        for item, rng in zip(items, ranges, strict=True):
            valid: list[tuple[str, Decimal]] = []
            for sheet in sheets:
                row = sheet.scores.get(app_id)
                if row is None:
                    continue  # flagged above; the other experts' scores still count
                raw = row.get(item.id)
                if raw is None or raw == "":
                    if not rng.fixed:
                        flags.append(Flag(app_id, name, item.heading, sheet.expert, "缺少评分", "该项未评分，不计入"))
                    continue
                value = _number(raw)
                if value is None:
                    flags.append(Flag(app_id, name, item.heading, sheet.expert, "不是数字", f"“{raw}”不计入"))
                    continue
                if not rng.low <= value <= rng.high:
                    flags.append(Flag(app_id, name, item.heading, sheet.expert, "超出范围",
                                      f"{_fmt(value)} 分不在允许的 {rng.display}之内，不计入"))
                    continue
                valid.append((sheet.expert, value))
            if rng.fixed:
                scored.append(ItemScore(item, rng, valid, Decimal(rng.low), METHOD_FIXED))
                continue
            values = [v for _, v in valid]
            if values and max(values) - min(values) > SPREAD * item.points:
                flags.append(Flag(app_id, name, item.heading, "", "评分分歧",
                                  f"最高 {_fmt(max(values))} 分、最低 {_fmt(min(values))} 分，相差超过该项分值"
                                  f"（{item.points} 分）的三分之一"))
            method = METHOD_TRIMMED if len(values) >= TRIM_FROM else METHOD_MEAN
            kept = sorted(values)[1:-1] if method == METHOD_TRIMMED else values
            score = (sum(kept, Decimal(0)) / len(kept)).quantize(CENT, ROUND_HALF_UP) if kept else None
            if score is None:
                flags.append(Flag(app_id, name, item.heading, "", "缺少评分", "没有任何有效评分，该项按 0 分计"))
            scored.append(ItemScore(item, rng, valid, score, method))
        results.append(AppScore(app_id, name, scored, sheets=sum(1 for sh in sheets if app_id in sh.scores)))
    return ScoreResult(rubric, [s.expert for s in sheets], rank(rubric, results), flags)


def _fmt(value: Decimal) -> str:
    return format(value.normalize(), "f")


def rank(rubric: Rubric, apps: list[AppScore]) -> list[AppScore]:
    """Order by the stated rule and number the ranks (equal keys share a rank)."""
    order = sorted(rubric.categories, key=lambda c: -c.points)  # stable: rubric order among equal points

    def key(a: AppScore) -> tuple[Decimal, ...]:
        return (-a.total, *(-a.category_total(c.name) for c in order))

    ranked = sorted(apps, key=lambda a: (key(a), a.name, a.app_id))
    previous: tuple[Decimal, ...] | None = None
    for position, a in enumerate(ranked, start=1):
        k = key(a)
        if k == previous:
            a.rank = ranked[position - 2].rank
            a.tied = ranked[position - 2].tied = True
        else:
            a.rank = position
        previous = k
    return ranked


# --- within the quota ------------------------------------------------------------------------


@dataclass
class Decision:
    reviewed: Reviewed
    order: int  # position in the list (eligible first, in rank order)
    recommended: bool
    reasons: list[str]
    score: AppScore | None = None

    @property
    def verdict(self) -> str:
        return "推荐" if self.recommended else "不推荐"


FALLBACK_ORDER = "未提供专家评分：符合条件的申报按最近年度培训数量、高级工及以上占比从高到低排序，再按申报单位名称排序。"


def ineligible_reasons(r: Reviewed) -> list[str]:
    """Why an application cannot be recommended (empty when it can)."""
    if not r.ok:
        return [f"无法审核：{r.reason}"]
    assert r.report is not None
    reasons = [f"未达标：{t.article} {t.requirement or t.rule}（本单位 {t.actual}）" for t in r.failed]
    reasons += [f"字数超过上限：{s.section.title} {s.counts.words} 字，超出 {s.over} 字"
                for s in r.report.sections if s.over]
    return reasons


def _fallback_key(r: Reviewed) -> tuple[Decimal, Decimal, str]:
    assert r.app is not None
    trained = METRICS["latest_trained"](r.app).value or Decimal(0)
    ratio = METRICS["latest_advanced_ratio"](r.app).value or Decimal(0)
    return (-trained, -ratio, r.name)


def recommend(reviewed: Sequence[Reviewed], quota: int, scores: ScoreResult | None) -> list[Decision]:
    """Every application with 推荐/不推荐 and why: at most ``quota`` recommended, in rank order."""
    eligible = [r for r in reviewed if not ineligible_reasons(r)]
    others = [r for r in reviewed if ineligible_reasons(r)]
    # an application on no sheet (it came after they went out) has only its automatic points: not ranked on them
    by_id = {k: a for k, a in scores.by_id().items() if a.sheets != 0} if scores is not None else {}
    if scores is not None:
        unscored = [r for r in eligible if r.id not in by_id]
        eligible = [r for r in eligible if r.id in by_id]
        eligible.sort(key=lambda r: [a.app_id for a in scores.apps].index(r.id))
    else:
        unscored = []
        eligible.sort(key=_fallback_key)
    decisions: list[Decision] = []
    for i, r in enumerate(eligible):
        s = by_id.get(r.id)
        standing = f"总分 {s.total:.2f}，第 {s.rank} 名{'（并列）' if s.tied else ''}" if s else f"排序第 {i + 1}"
        n = len(r.report.thresholds) if r.report else 0
        met = f"符合遴选参考标准全部 {n} 项"
        if r.unchecked:
            met = (f"符合遴选参考标准 {n - len(r.unchecked)} 项，另 {len(r.unchecked)} 项申报书中没有数据、需人工核对（"
                   + "、".join(f"{t.article} {t.requirement or t.rule}" for t in r.unchecked) + "）")
        if i < quota:
            reasons = [met, standing]
            if s is not None and i == quota - 1 and s.tied and i + 1 < len(eligible) \
                    and by_id[eligible[i + 1].id].rank == s.rank:
                reasons.append("与下一名并列，名额已满：请评审组裁定")
            decisions.append(Decision(r, i + 1, True, reasons, s))
        else:
            decisions.append(Decision(r, i + 1, False, [met, standing, f"超出推荐名额（不超过 {quota} 家）"], s))
    position = len(decisions)
    for r in unscored:
        position += 1
        decisions.append(Decision(r, position, False, ["没有专家评分（评分表中没有这一申报）"]))
    for r in others:
        position += 1
        decisions.append(Decision(r, position, False, ineligible_reasons(r), by_id.get(r.id)))
    return decisions
