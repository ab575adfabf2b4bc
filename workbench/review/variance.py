"""The variance: how much of the gap to plan came from posting more or fewer posts (volume)
and how much from each post doing better or worse (rate).

*Variance.* Per (platform, content type) and metric (:data:`VARIANCE_METRICS`), ``volume =
(actual posts − planned posts) × planned per post`` and ``rate = (actual per post − planned per
post) × actual posts``; they add up to ``actual − plan`` exactly. Planned per post is the cell's
weekly total ÷ its weekly posts (slot and diminishing returns included); a cell the plan left
empty gets its typical post (``reads_per_post``) × its platform's planned rate per read.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from ..schemas import CONTENT_TYPES
from .inputs import _PlanView
from .values import _ratio

__all__ = ["VARIANCE_METRICS"]


#: Metrics split into volume and rate per (platform, content type).
VARIANCE_METRICS: tuple[str, ...] = ("reads", "engagement", "shares", "follows")


def _planned_per_post(view: _PlanView) -> dict[tuple[str, str], dict[str, Any]]:
    """Per plan cell: weekly posts and the planned value per post of each variance metric
    (``<metric>``) with where it came from (``<metric>_source``: plan / imputed)."""
    if view.per_post is not None:
        return view.per_post
    c = view.cells
    planned = c[c["posts"] > 0]
    rate: dict[tuple[str, str], float] = {}
    for m in VARIANCE_METRICS[1:]:
        rate[("*", m)] = _ratio(float(planned[m].sum()), float(planned["reads"].sum()))
        for p, g in planned.groupby("platform"):
            rate[(str(p), m)] = _ratio(float(g[m].sum()), float(g["reads"].sum()))
    out: dict[tuple[str, str], dict[str, Any]] = {}
    for r in c.itertuples(index=False):
        rec: dict[str, Any] = {"weekly_posts": float(r.posts)}
        for m in VARIANCE_METRICS:
            value = getattr(r, m)
            if r.posts > 0 and math.isfinite(value):
                rec[m], rec[f"{m}_source"] = value / r.posts, "plan"
                continue
            base = float(r.reads_per_post)
            if m != "reads":
                k = rate.get((r.platform, m), math.nan)
                base *= k if math.isfinite(k) else rate.get(("*", m), math.nan)
            rec[m], rec[f"{m}_source"] = base, "imputed"
        out[(r.platform, r.content_type)] = rec
    # a content type outside the plan's cells: the platform's average planned post
    for p in {k[0] for k in out}:
        recs = [v for k, v in out.items() if k[0] == p]
        out[(p, "*")] = {"weekly_posts": 0.0, **{
            m: float(np.nanmean([v[m] for v in recs])) if any(
                math.isfinite(v[m]) for v in recs) else math.nan for m in VARIANCE_METRICS},
            **{f"{m}_source": "imputed" for m in VARIANCE_METRICS}}
    view.per_post = out
    return out


def _variance(view: _PlanView, cur: pd.DataFrame) -> pd.DataFrame:
    pp = _planned_per_post(view)
    act = cur.groupby(["platform", "content_type"], sort=False)[
        ["reads", "engagement", "shares", "follows"]].sum()
    act["posts"] = cur.groupby(["platform", "content_type"], sort=False).size()
    actual_of = {k: dict(zip(act.columns, row)) for k, row in zip(act.index, act.to_numpy())}
    planned = [k for k, v in pp.items() if v["weekly_posts"] > 0]
    keys = planned + [k for k in actual_of if k not in set(planned)]
    order_p = {p: i for i, p in enumerate(view.platforms)}
    order_c = {c: i for i, c in enumerate(CONTENT_TYPES)}
    keys.sort(key=lambda k: (order_p.get(k[0], 99), order_c.get(k[1], 99), k))
    recs = []
    for m in VARIANCE_METRICS:
        for k in keys:
            cell = pp.get(k) or pp.get((k[0], "*"))
            plan_posts = cell["weekly_posts"] * view.scale if cell else 0.0
            per, src = (cell[m], cell[f"{m}_source"]) if cell else (math.nan, "none")
            a = actual_of.get(k)
            a_posts = float(a["posts"]) if a else 0.0
            actual = float(a[m]) if a else 0.0
            a_per = actual / a_posts if a_posts > 0 else math.nan
            if math.isfinite(per):
                plan_total = plan_posts * per
                volume = (a_posts - plan_posts) * per
                rate = (a_per - per) * a_posts if a_posts > 0 else 0.0
            else:                              # nothing to compare with: all of it is volume
                per, src, plan_total = math.nan, "none", 0.0
                volume, rate = actual, 0.0
            recs.append({"metric": m, "platform": k[0], "content_type": k[1],
                         "plan_posts": plan_posts, "actual_posts": a_posts,
                         "plan_per_post": per, "actual_per_post": a_per,
                         "plan": plan_total, "actual": actual, "diff": actual - plan_total,
                         "volume": volume, "rate": rate, "plan_source": src})
    cols = ["metric", "platform", "content_type", "plan_posts", "actual_posts", "plan_per_post",
            "actual_per_post", "plan", "actual", "diff", "volume", "rate", "plan_source"]
    return pd.DataFrame(recs, columns=cols)
