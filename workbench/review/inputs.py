"""What the review reads: the plan under review and the tables of articles, follower flow
and activities, checked and put into one shape.

:func:`_plan_view` reads a :class:`workbench.mix.MixPlan` or the payload the content-mix page
saves (cells, KPI targets, calendar, calendar items) into a :class:`_PlanView`, which also
knows the period (``start .. start + 7 × weeks − 1``) and how much of it the data covers.
:func:`_prep_articles`, :func:`_prep_daily` and :func:`_prep_activities` turn the three
tables into the columns the other modules use (bad values are missing, see
:mod:`workbench.review.values`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Mapping

import numpy as np
import pandas as pd

from .. import mix, schemas
from ..errors import InputError, missing_columns, not_a_table, require_columns
from .goals import check_goals
from .values import _col, _count, _parse_date


_ENGAGEMENT_PARTS = ("likes", "wows", "comments", "shares", "favourites")
_FOLLOW_SOURCES = {
    "new_from_search_name": ("Search by account name", "搜索公众号名称"),
    "new_from_search_id": ("Search by WeChat ID", "搜索微信号"),
    "new_from_article_menu": ("Article menu", "图文页右上角菜单"),
    "new_from_card_share": ("Shared profile card", "名片分享"),
    "new_from_other": ("Other", "其他"),
}


@dataclass
class _PlanView:
    start: pd.Timestamp
    weeks: int
    platforms: tuple[str, ...]
    cells: pd.DataFrame            # platform, content_type, posts, metrics (weekly), reads_per_post
    targets: dict[str, float]      # weekly expected per metric
    items: list[dict[str, Any]]
    name: str
    goals: dict[str, float] = field(default_factory=dict)   # KPI targets entered by hand
    per_post: dict[tuple[str, str], dict[str, Any]] | None = None
    last: pd.Timestamp | None = None     # the last day the data covers, when before the end

    @property
    def days(self) -> int:
        return 7 * self.weeks

    @property
    def end(self) -> pd.Timestamp:
        return self.start + pd.Timedelta(days=self.days - 1)

    @property
    def as_of(self) -> pd.Timestamp:
        """The period's last day the review covers (the end, or the data's last day)."""
        return self.end if self.last is None else min(self.end, self.last)

    @property
    def covered_days(self) -> int:
        return (self.as_of - self.start).days + 1

    @property
    def scale(self) -> float:
        """Weeks of plan the review covers (the plan's weekly values are multiplied by it)."""
        return self.covered_days / 7.0

    @property
    def covered_weeks(self) -> int:
        return -(-self.covered_days // 7)


def _plan_view(plan: Any, start: Any = None, weeks: Any = None) -> _PlanView:
    if isinstance(plan, mix.MixPlan):
        payload = plan.to_payload()
    elif isinstance(plan, Mapping):
        payload = plan
    else:
        raise InputError("The review needs a content-mix plan (a MixPlan or the plan saved by "
                         "the content-mix page).",
                         "复盘需要一个内容配比方案（MixPlan，或内容配比页面保存的方案）。",
                         fix="Load a saved plan from the scenario store, or use "
                             "review.backtest_plan on past articles.",
                         fix_zh="请从方案库加载已保存的方案，"
                                "或用 review.backtest_plan 由历史文章生成。")
    if payload.get("kind", "mix_plan") != "mix_plan" or "cells" not in payload:
        raise InputError("This saved scenario is not a content-mix plan.",
                         "该场景不是内容配比方案。",
                         fix="Choose a plan saved from the content-mix page.",
                         fix_zh="请选择从内容配比页面保存的方案。")
    raw_cells = payload["cells"]
    cells = pd.DataFrame([c for c in raw_cells if isinstance(c, Mapping)]
                         if isinstance(raw_cells, (list, tuple)) else [])
    need = ("platform", "content_type", "posts")
    missing = [c for c in need if c not in cells.columns]
    if cells.empty or missing:
        raise InputError("The plan has no posts per platform and content type.",
                         "方案中没有各平台、各内容类型的发文数。",
                         fix="Solve the plan on the content-mix page and save it again.",
                         fix_zh="请在内容配比页面重新求解并保存方案。")
    cells = cells.copy()
    cells["platform"] = cells["platform"].astype(str)
    cells["content_type"] = cells["content_type"].astype(str)
    cells["posts"] = pd.to_numeric(cells["posts"], errors="coerce").fillna(0).astype(float)
    posts = cells["posts"].to_numpy()
    whole = np.isfinite(posts) & (posts >= 0) & (posts <= mix.MAX_POSTS_PER_WEEK)
    whole[whole] = posts[whole] == np.round(posts[whole])
    if not whole.all():
        shown = f"{float(posts[~whole][0]):g}"
        raise InputError(f"The plan's posts a week must be whole numbers from 0 to "
                         f"{mix.MAX_POSTS_PER_WEEK}; one cell has {shown}.",
                         f"方案中每周发文数必须是 0 到 {mix.MAX_POSTS_PER_WEEK} 之间的整数；"
                         f"有一个单元为 {shown}。",
                         fix="Solve the plan on the content-mix page and save it again.",
                         fix_zh="请在内容配比页面重新求解并保存方案。")
    for m in (*mix.METRICS, "reads_per_post"):      # a planned value that is not a number
        if m in cells.columns:                       # (text, inf, negative) is no target
            cells[m] = _col(cells, m)
        elif m != "reads_per_post":
            cells[m] = np.nan
    if "reads_per_post" not in cells.columns:
        cells["reads_per_post"] = np.where(cells["posts"] > 0,
                                           cells["reads"] / cells["posts"].where(
                                               cells["posts"] > 0), np.nan)
    status = payload.get("status", "optimal")
    if status not in ("optimal", "time_limit") or cells["posts"].sum() <= 0:
        raise InputError("The plan has no posts to review (it was not solved or is infeasible).",
                         "方案中没有可复盘的发文（方案未求解或无可行解）。",
                         fix="Relax the plan's rules on the content-mix page and save it again.",
                         fix_zh="请在内容配比页面放宽规则后重新保存方案。")
    targets: dict[str, float] = {}
    raw = payload.get("kpi_targets")
    if isinstance(raw, Mapping):
        pairs = [(m, v.get("expected") if isinstance(v, Mapping) else v) for m, v in raw.items()]
    else:
        expected = payload.get("expected")
        pairs = [(rec.get("metric"), rec.get("expected")) for rec in expected
                 if isinstance(rec, Mapping)] if isinstance(expected, (list, tuple)) else []
    for m, v in pairs:                               # a target that is not a number is none
        x = _count(v)
        if m is not None and math.isfinite(x):
            targets[str(m)] = x
    for m in mix.METRICS:
        if m not in targets and cells[m].notna().any():
            targets[m] = float(cells[m].sum())
    cal = payload.get("calendar")
    cal = cal if isinstance(cal, Mapping) else {}
    start_value = start if start is not None else cal.get("start")
    weeks_value = weeks if weeks is not None else cal.get("weeks")
    if start_value is None or weeks_value is None:
        raise InputError("The plan has no calendar (start date and weeks), so the review does "
                         "not know which period to look at.",
                         "方案没有日历（开始日期和周数），复盘无法确定对比的时间段。",
                         fix="Save the plan with its calendar on the content-mix page, or pass "
                             "start= and weeks=.",
                         fix_zh="请在内容配比页面连同日历一起保存方案，或传入 start= 和 weeks=。")
    first = _parse_date(start_value)
    if isinstance(weeks_value, bool) or not isinstance(weeks_value, (int, np.integer, float)) \
            or not float(weeks_value).is_integer() or not 1 <= int(weeks_value) <= 52:
        raise InputError(f"The review period must be 1 to 52 weeks, not {weeks_value!r}.",
                         f"复盘周期应为 1 到 52 周，而不是 {weeks_value!r}。")
    cons = payload.get("constraints")
    plats = cons.get("platforms") if isinstance(cons, Mapping) else None
    plats = (plats,) if isinstance(plats, str) else plats
    platforms = tuple(str(p) for p in plats) if isinstance(plats, (list, tuple)) and plats \
        else tuple(dict.fromkeys(cells["platform"]))
    raw_items = payload.get("calendar_items")
    items = [dict(it) for it in raw_items if isinstance(it, Mapping)] \
        if isinstance(raw_items, (list, tuple)) else []
    return _PlanView(first, int(weeks_value), platforms, cells, targets, items,
                     str(payload.get("name", "")), goals=check_goals(payload.get("kpi_goals")))


def _prep_articles(articles: Any) -> pd.DataFrame:
    require_columns(articles, "articles", ["publish_time", "platform", "reads"])
    t = pd.to_datetime(articles["publish_time"], errors="coerce")
    out = pd.DataFrame({
        "article_id": (articles["article_id"].astype("string") if "article_id" in articles
                       else pd.Series([f"row{i + 1}" for i in range(len(articles))],
                                      index=articles.index, dtype="string")),
        "publish_time": t,
        "date": t.dt.normalize(),
        "platform": articles["platform"].astype("string"),
        "content_type": schemas.content_types(articles).astype("string"),
        "position": _col(articles, "position"),
        "title": (articles["title"].astype("string") if "title" in articles
                  else pd.Series(pd.NA, index=articles.index, dtype="string")),
    })
    for c in ("reads", "likes", "wows", "comments", "shares", "favourites", "push_reads",
              "delivered"):
        out[c] = _col(articles, c)
    out["follows"] = _col(articles, "follows_after_read")
    parts = np.column_stack([out[c].to_numpy() for c in _ENGAGEMENT_PARTS])
    allnan = np.isnan(parts).all(axis=1)
    out["engagement"] = np.where(allnan, np.nan, np.nansum(parts, axis=1))
    ok = out["publish_time"].notna() & out["platform"].notna() & out["reads"].notna()
    out = out[ok.to_numpy()]
    out["platform"] = out["platform"].astype(str)
    out["content_type"] = out["content_type"].astype(str)
    return out.reset_index(drop=True)


def _prep_daily(daily_users: Any) -> pd.DataFrame:
    require_columns(daily_users, "daily_users", ["date", "new_follows", "unfollows"])
    d = pd.to_datetime(daily_users["date"], errors="coerce").dt.normalize()
    cols = ["new_follows", "unfollows", "net_follows", "cumulative_follows",
            *[c for c in _FOLLOW_SOURCES if c in daily_users.columns]]
    frame = pd.DataFrame({c: _col(daily_users, c, count=c != "net_follows") for c in cols})
    frame["date"] = d.to_numpy()
    frame = frame[frame["date"].notna()]
    if frame.empty:
        return pd.DataFrame(columns=cols, index=pd.DatetimeIndex([], name="date"))
    g = frame.groupby("date").sum(min_count=1)
    net = g["new_follows"] - g["unfollows"]
    g["net_follows"] = g["net_follows"].where(g["net_follows"].notna(), net)
    return g.asfreq("D")


def _prep_activities(activities: Any) -> pd.DataFrame | None:
    if activities is None:
        return None
    if not isinstance(activities, pd.DataFrame):
        raise not_a_table("activities")
    need = ["activity_type", "start_date", "participants"]
    missing = [c for c in need if c not in activities.columns]
    if "cost_total" not in activities.columns and not any(
            c.startswith("cost_") for c in activities.columns):
        missing.append("cost_total")
    if missing:
        raise missing_columns("activities", missing)
    out = pd.DataFrame({
        "activity_id": (activities["activity_id"].astype("string") if "activity_id" in activities
                        else pd.Series([f"ACT{i + 1:03d}" for i in range(len(activities))],
                                       index=activities.index, dtype="string")),
        "name": (activities["name"].astype("string") if "name" in activities
                 else pd.Series(pd.NA, index=activities.index, dtype="string")),
        "activity_type": activities["activity_type"].astype("string"),
        "platform": (activities["platform"].astype("string") if "platform" in activities
                     else pd.Series(pd.NA, index=activities.index, dtype="string")),
        "start_date": pd.to_datetime(activities["start_date"], errors="coerce").dt.normalize(),
        "end_date": (pd.to_datetime(activities["end_date"], errors="coerce").dt.normalize()
                     if "end_date" in activities else pd.NaT),
    })
    if "cost_total" in activities.columns:
        cost = _col(activities, "cost_total")
    else:
        items = [c for c in activities.columns if c.startswith("cost_")]
        cost = np.nansum(np.column_stack([_col(activities, c) for c in items]), axis=1)
    out["cost"] = cost
    for c in ("reach", "participants", "conversions", "revenue", "follows_gained"):
        out[c] = _col(activities, c)
    out = out[out["start_date"].notna() & out["activity_type"].notna()]
    out["activity_type"] = out["activity_type"].astype(str)
    return out.reset_index(drop=True)
