"""Why no plan meets every rule, and how much each rule would have to give (:class:`Conflict`).

When no plan meets every rule, each group is relaxed on its own with elastic slack variables
(minimise the slack) to find how much it would have to give; every group that can fix the plan
alone is reported with that amount (:class:`Conflict`), e.g. "The minimum posts and other rules
need at least 26 h of work a week; the team has 20 h". If no single group suffices, all groups
are relaxed together and those with slack are reported.

Share limits so narrow that no whole number of posts meets them at any weekly total are found
by counting (:func:`_share_window_conflict`) when the solver runs out of time without a plan.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from .common import POSITIONED, _num, _pct, _plat, _type
from .rules import Constraints
from .solver import _Problem, _Row, _solve

#: Constraint groups, in the order conflicts are reported.
GROUPS: tuple[str, ...] = ("team_hours", "budget", "pushes", "platform_max", "platform_min",
                           "persona", "type_share_min", "type_share_max", "variety")


@dataclass
class Conflict:
    """One constraint group that stops every plan, and how much it would have to give.

    Attributes
    ----------
    group : one of :data:`GROUPS`.
    amount : how much the group must be relaxed (more hours, more CNY, fewer minimum posts ...).
    unit : ``"h"``, ``"CNY"``, ``"posts"``, ``"pushes"`` or ``"share"``.
    en, zh : the explanation in English and Chinese.
    alone : relaxing this group by ``amount`` makes a plan possible on its own; ``False`` when
        it only works together with the other groups listed.
    """

    group: str
    amount: float
    unit: str
    en: str
    zh: str
    alone: bool = True

    def message(self, lang: str = "en") -> str:
        return self.zh if str(lang).lower().startswith("zh") else self.en

    def to_dict(self) -> dict[str, Any]:
        return {"group": self.group, "amount": float(self.amount), "unit": self.unit,
                "en": self.en, "zh": self.zh, "alone": bool(self.alone)}


def _units(group: str) -> str:
    return {"team_hours": "h", "budget": "CNY", "pushes": "pushes"}.get(group, "posts")


def _persona_name(cons: Constraints, key: str, lang: str) -> str:
    p = cons.personas[int(key)]
    return (p.name_zh or p.name) if lang == "zh" else p.name


def _row_text(group: str, r: _Row, s: float, cons: Constraints) -> tuple[str, str, str, str]:
    """For one row with slack ``s``: full sentence (en, zh) and a short list item (en, zh)."""
    if group == "pushes":
        p, cap = r.key, int(r.ub)
        need = cap + int(s)
        if cons.account_type == "service":
            rule_en = "a service account has four group pushes a month, one a week"
            rule_zh = "服务号每月只能群发 4 次，即每周 1 次"
        else:
            rule_en = f"the account may push {cap} time(s) a week (at most one a day)"
            rule_zh = f"账号每周最多群发 {cap} 次（每天最多一次）"
        return (f"{_plat(p, 'en')}: these posts need {need} pushes a week (at most "
                f"{cons.articles_per_push} articles a push), but {rule_en} ({_num(s)} short).",
                f"{_plat(p, 'zh')}：这些文章每周需要 {need} 次群发（每次最多 "
                f"{cons.articles_per_push} 篇），但{rule_zh}（差 {_num(s)} 次）。",
                f"{_plat(p, 'en')} {cap} → {need}", f"{_plat(p, 'zh')} {cap} → {need}")
    if group == "platform_min":
        p, lo = r.key, int(r.lb)
        return (f"{_plat(p, 'en')}: the minimum of {lo} posts a week cannot be met; at most "
                f"{_num(lo - s)} fit with the other rules ({_num(s)} short).",
                f"{_plat(p, 'zh')}：每周最少 {lo} 篇无法满足，在其他规则下最多 {_num(lo - s)} 篇"
                f"（差 {_num(s)} 篇）。",
                f"{_plat(p, 'en')} {lo} → {_num(lo - s)}",
                f"{_plat(p, 'zh')} {lo} → {_num(lo - s)}")
    if group == "platform_max":
        p, hi = r.key, int(r.ub)
        return (f"{_plat(p, 'en')}: the other rules need {_num(hi + s)} posts a week, above the "
                f"maximum of {hi} ({_num(s)} over).",
                f"{_plat(p, 'zh')}：其他规则每周需要 {_num(hi + s)} 篇，超过上限 {hi} 篇"
                f"（多 {_num(s)} 篇）。",
                f"{_plat(p, 'en')} {hi} → {_num(hi + s)}",
                f"{_plat(p, 'zh')} {hi} → {_num(hi + s)}")
    if group == "persona":
        persona = cons.personas[int(r.key)]
        n = int(r.lb)
        name_zh = persona.name_zh or persona.name
        types_en = ", ".join(_type(c, "en") for c in persona.content_types)
        types_zh = "、".join(_type(c, "zh") for c in persona.content_types)
        return (f"Persona “{persona.name}” needs {n} posts a week of {types_en}; at most "
                f"{_num(n - s)} fit with the other rules ({_num(s)} short).",
                f"人设“{name_zh}”每周需要 {n} 篇{types_zh}；在其他规则下最多 {_num(n - s)} 篇"
                f"（差 {_num(s)} 篇）。",
                f"“{persona.name}” {n} → {_num(n - s)}", f"“{name_zh}” {n} → {_num(n - s)}")
    if group == "type_share_min":
        c = r.key
        share = float(cons.min_share.get(c, 0.0))
        return (f"{_type(c, 'en')} must be at least {_pct(share)} of the posts; with the other "
                f"rules {_num(s)} post(s) are missing.",
                f"{_type(c, 'zh')}至少要占发文量的 {_pct(share)}；在其他规则下还差 {_num(s)} 篇。",
                f"{_type(c, 'en')} ≥ {_pct(share)}: {_num(s)}",
                f"{_type(c, 'zh')} ≥ {_pct(share)}：{_num(s)} 篇")
    if group == "type_share_max":
        c = r.key
        share = float(cons.max_share.get(c, 1.0))
        return (f"{_type(c, 'en')} may be at most {_pct(share)} of the posts; the other rules need "
                f"{_num(s)} post(s) more than that.",
                f"{_type(c, 'zh')}最多占发文量的 {_pct(share)}；其他规则需要比这多 {_num(s)} 篇。",
                f"{_type(c, 'en')} ≤ {_pct(share)}: {_num(s)}",
                f"{_type(c, 'zh')} ≤ {_pct(share)}：{_num(s)} 篇")
    p, c = r.key.split("/")       # variety
    return (f"{_plat(p, 'en')}: so that no type runs back to back, {_type(c, 'en')} may have at "
            f"most half the posts plus one; the other rules need {_num(s)} more.",
            f"{_plat(p, 'zh')}：为避免同类内容连续发布，{_type(c, 'zh')}最多占一半加一篇；"
            f"其他规则还需要多 {_num(s)} 篇。",
            f"{_plat(p, 'en')} {_type(c, 'en')}: {_num(s)}",
            f"{_plat(p, 'zh')}{_type(c, 'zh')}：{_num(s)} 篇")


_LIST_HEAD = {
    "pushes": ("Push limits: {n} more pushes a week are needed", "群发次数上限：每周还需 {n} 次"),
    "platform_min": ("The platform minimums do not fit the other rules: lower them by {n} posts "
                     "in all", "各平台最少发文量与其他规则冲突：共需减少 {n} 篇"),
    "platform_max": ("The other rules need {n} posts more than the platform maximums allow",
                     "其他规则需要比各平台上限多 {n} 篇"),
    "persona": ("The persona coverage rules are {n} posts short", "人设覆盖规则共差 {n} 篇"),
    "type_share_min": ("The minimum type shares are {n} posts short",
                       "内容类型最低占比共差 {n} 篇"),
    "type_share_max": ("The maximum type shares are {n} posts too low for the other rules",
                       "内容类型最高占比比其他规则所需少 {n} 篇"),
    "variety": ("The no-back-to-back rule is {n} posts too tight for the other rules",
                "避免同类连续发布的规则比其他规则所需少 {n} 篇"),
}


def _conflict_text(group: str, slacks: list[tuple[_Row, float]], cons: Constraints
                   ) -> tuple[float, str, str]:
    """Amount, English and Chinese text for one group's slack per row."""
    total = sum(s for _, s in slacks)
    if group == "team_hours":
        have = float(cons.team_hours)
        need = have + total
        return (total,
                f"The minimum posts and other rules need at least {_num(need)} h of work a week; "
                f"the team has {_num(have)} h ({_num(total)} h short).",
                f"最少发文量等规则每周至少需要 {_num(need)} 小时，团队只有 {_num(have)} 小时"
                f"（差 {_num(total)} 小时）。")
    if group == "budget":
        have = float(cons.budget or 0.0)
        need = have + total
        return (total,
                f"The minimum posts and other rules cost at least ¥{_num(need, 0)} a week; the "
                f"budget is ¥{_num(have, 0)} (¥{_num(total, 0)} short).",
                f"最少发文量等规则每周至少需要 ¥{_num(need, 0)}，预算只有 ¥{_num(have, 0)}"
                f"（差 ¥{_num(total, 0)}）。")
    rounded = [(r, float(math.ceil(s - 1e-6))) for r, s in slacks]
    total = sum(s for _, s in rounded)
    texts = [_row_text(group, r, s, cons) for r, s in rounded]
    if len(texts) == 1:
        return total, texts[0][0], texts[0][1]
    head_en, head_zh = _LIST_HEAD[group]
    return (total,
            head_en.format(n=_num(total)) + " (" + "; ".join(t[2] for t in texts) + ").",
            head_zh.format(n=_num(total)) + "（" + "；".join(t[3] for t in texts) + "）。")


def _share_sum_conflict(cons: Constraints) -> Conflict | None:
    mins = {c: float(v) for c, v in cons.min_share.items() if v > 0 and c in cons.content_types}
    total = sum(mins.values())
    if total <= 1 + 1e-9:
        return None
    parts_en = ", ".join(f"{_type(c, 'en')} {_pct(v)}" for c, v in mins.items())
    parts_zh = "、".join(f"{_type(c, 'zh')} {_pct(v)}" for c, v in mins.items())
    over = total - 1
    return Conflict(
        "type_share_min", over, "share",
        f"The minimum shares of content types add up to {_pct(total)} ({parts_en}); they cannot "
        f"all hold, {_num(100 * over)} points over 100%.",
        f"各内容类型的最低占比合计 {_pct(total)}（{parts_zh}），无法同时满足，超出 100% "
        f"{_num(100 * over)} 个百分点。")


def _share_window_conflict(cons: Constraints) -> Conflict | None:
    """Share limits that no whole number of posts meets at any weekly total the platform
    limits allow (e.g. a type held to exactly 45.3 % of at most 35 posts): a conflict found by
    counting, which the solver can take longer than its time limit to prove (:func:`plan`
    asks when the solver runs out of time without a plan)."""
    limited = [c for c in cons.content_types if c in cons.min_share or c in cons.max_share]
    if not limited:
        return None
    lo_t = hi_t = 0
    for p in cons.platforms:
        lo, hi = cons.posts_range(p)
        if p in POSITIONED:
            hi = min(hi, cons.push_limit() * int(cons.articles_per_push))
        lo_t, hi_t = lo_t + lo, hi_t + max(hi, 0)
    if lo_t > hi_t or lo_t == 0:
        return None                      # other rules conflict, or an empty week fits
    lo_s = {c: float(cons.min_share.get(c, 0.0)) for c in cons.content_types}
    hi_s = {c: float(cons.max_share.get(c, 1.0)) for c in cons.content_types}
    raise_max: list[float] = []          # per total: share points the maximums must give
    cut_min: list[float] = []            # per total: share points the minimums must give
    for t in range(lo_t, hi_t + 1):
        need = {c: math.ceil(lo_s[c] * t - 1e-9) for c in cons.content_types}
        room = {c: math.floor(hi_s[c] * t + 1e-9) for c in cons.content_types}
        if all(need[c] <= room[c] for c in limited) and sum(need.values()) <= t \
                and sum(room.values()) >= t:
            return None
        if sum(need.values()) <= t:
            raise_max.append(sum(max(0, need[c] - room[c]) for c in limited) / t)
        cut_min.append(max(sum(need.values()) - t, 0) / t)
    rules_en = ", ".join(f"{_type(c, 'en')} {_pct(lo_s[c])}–{_pct(hi_s[c])}" for c in limited)
    rules_zh = "、".join(f"{_type(c, 'zh')} {_pct(lo_s[c])}–{_pct(hi_s[c])}" for c in limited)
    head_en = (f"With {lo_t}–{hi_t} posts a week, no whole number of posts keeps every content "
               f"type within its share limits ({rules_en})")
    head_zh = (f"每周 {lo_t}–{hi_t} 篇时，任何整数篇数都无法让各内容类型满足占比要求"
               f"（{rules_zh}）")
    if raise_max and min(raise_max) > 0:
        amount = min(raise_max)
        return Conflict("type_share_max", amount, "share",
                        f"{head_en}: raise the maximum shares by {_num(100 * amount)} points.",
                        f"{head_zh}：请把最高占比提高 {_num(100 * amount)} 个百分点。")
    amount = max(min(cut_min), 1.0 / hi_t)
    return Conflict("type_share_min", amount, "share",
                    f"{head_en}: lower the minimum shares by {_num(100 * amount)} points.",
                    f"{head_zh}：请把最低占比降低 {_num(100 * amount)} 个百分点。")


def _explain(pr: _Problem, cons: Constraints) -> list[Conflict]:
    """Which rule groups conflict, and by how much (see the module notes)."""
    present = [g for g in GROUPS if any(r.group == g for r in pr.rows)]
    conflicts: list[Conflict] = []
    for g in present:
        res, z_cell, g_cell, _, slack_rows = _solve(pr, cons, elastic=[g])
        if res.x is None or res.status not in (0, 1):
            continue
        first = len(z_cell) + len(g_cell)
        slack = res.x[first:first + len(slack_rows)]
        used = [(pr.rows[i], float(s)) for i, s in zip(slack_rows, slack) if s > 1e-6]
        if not used:
            continue
        amount, en, zh = _conflict_text(g, used, cons)
        conflicts.append(Conflict(g, amount, _units(g), en, zh, True))
    if conflicts:
        return conflicts
    res, z_cell, g_cell, _, slack_rows = _solve(pr, cons, elastic=present)
    if res.x is None or not (res.x[len(z_cell) + len(g_cell):] > 1e-6).any():
        return [Conflict("unknown", math.nan, "", "No plan meets every rule, and the solver "
                         "could not say which rules conflict.", "没有满足所有规则的方案，"
                         "求解器也未能判断是哪些规则冲突。", False)]
    first = len(z_cell) + len(g_cell)
    slack = res.x[first:first + len(slack_rows)]
    by_group: dict[str, list[tuple[_Row, float]]] = {}
    for i, s in zip(slack_rows, slack):
        if s > 1e-6:
            by_group.setdefault(pr.rows[i].group, []).append((pr.rows[i], float(s)))
    for g in GROUPS:
        if g in by_group:
            amount, en, zh = _conflict_text(g, by_group[g], cons)
            conflicts.append(Conflict(g, amount, _units(g), en + " (together with the others "
                                      "listed)", zh + "（需与其他所列规则一同调整）", False))
    return conflicts
