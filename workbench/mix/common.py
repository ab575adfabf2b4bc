"""Names every step of the content mix shares: the metrics a post brings, the WeChat push
layout, the time zone, and how messages write numbers and labels."""

from __future__ import annotations

import math

from .. import fmt, i18n

#: What a post brings, in the order used everywhere.
METRICS: tuple[str, ...] = ("reads", "engagement", "shares", "follows", "conversions")
_METRIC_ZH = {"reads": "阅读", "engagement": "互动", "shares": "分享", "follows": "关注",
              "conversions": "转化"}
#: Articles a WeChat push may carry (headline + up to seven secondary).
ARTICLES_PER_PUSH = 8
#: Platforms whose posts sit in push positions (headline first).
POSITIONED: tuple[str, ...] = ("wechat",)
TIMEZONE = "Asia/Shanghai"
_Z80 = 1.2815515655446004      # standard normal 90th percentile: 80 % two-sided intervals


def _num(x: float, digits: int = 1) -> str:
    """``26`` for 26.0, ``25.5`` for 25.5, thousands separated."""
    if x is None or not math.isfinite(x):
        return "–"
    r = round(float(x), digits)
    return f"{r:,.0f}" if abs(r - round(r)) < 1e-9 else f"{r:,.{digits}f}"


def _pct(share: float) -> str:
    """A share of the posts as every page writes it (:func:`workbench.fmt.pct`)."""
    return fmt.pct(share)


def _plat(p: str, lang: str) -> str:
    return i18n.level("platform", p, lang)


def _type(c: str, lang: str) -> str:
    return i18n.level("content_type", c, lang)
