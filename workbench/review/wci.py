"""The WeChat Communication Index (WCI, version 14.2 of DOMAIN.md) of a window of articles,
and per week of the review.

The index scores a window's 传播力 (how far its articles carry) in four parts: **O** the
overall reach per day (整体传播力), **A** the reach per article (篇均传播力), **H** the
headline articles' reach per day (头条传播力) and **P** the peak, the best single article's
counts (峰值传播力). Each part is :func:`_communication_power` of reads, 在看 (wows), likes and
shares; the WCI is ``(0.6 O + 0.2 A + 0.1 H + 0.1 P)² × 1.2 × 10``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..errors import InputError
from .inputs import _PlanView
from .values import _col, _parse_date

__all__ = ["WCI_VERSION", "wci_index"]


#: Version of the WCI formula (DOMAIN.md).
WCI_VERSION = "14.2"
#: The counts the index is made of, in the order :func:`_communication_power` takes them.
_COUNTS = ("reads", "wows", "likes", "shares")


def _communication_power(reads: float, wows: float, likes: float, shares: float) -> float:
    """``f(r, z, l, re)`` of the WCI: ``0.70 ln(r+1) + 0.09 ln(10z+1) + 0.06 ln(10l+1) +
    0.15 ln(10re+1)``, how far a set of reads, 在看 (wows), likes and shares carries."""
    return (0.70 * math.log(reads + 1) + 0.09 * math.log(10 * wows + 1)
            + 0.06 * math.log(10 * likes + 1) + 0.15 * math.log(10 * shares + 1))


def wci_index(articles: pd.DataFrame, first: Any, last: Any) -> dict[str, Any]:
    """The WeChat Communication Index (WCI, version 14.2) of the WeChat articles published from
    ``first`` to ``last`` (inclusive).

    Over d days with n articles, R reads, Z 在看 (wows), L likes, RE shares (t: headlines,
    ``position == 1``; max: the highest single-article value of each), with
    ``f(r, z, l, re) = 0.70 ln(r+1) + 0.09 ln(10z+1) + 0.06 ln(10l+1) + 0.15 ln(10re+1)``:
    ``O = f(R/d, Z/d, L/d, RE/d)``, ``A = f(R/n, ...)``, ``H = f(Rt/d, ...)``,
    ``P = f(Rmax, Zmax, Lmax, REmax)`` and ``WCI = (0.6 O + 0.2 A + 0.1 H + 0.1 P)² × 1.2 × 10``.
    Missing counts (e.g. no 在看 off WeChat) count as 0; a table without ``platform`` is taken
    as all WeChat.

    Returns
    -------
    dict
        ``version, days, articles, headlines, reads, wows, likes, shares, O, A, H, P, wci``.

    Examples
    --------
    >>> one = pd.DataFrame({"publish_time": pd.to_datetime(["2026-10-05 20:00"]),
    ...                     "reads": [999], "wows": [0], "likes": [0], "shares": [0],
    ...                     "position": [1]})
    >>> round(wci_index(one, "2026-10-05", "2026-10-05")["wci"], 3)   # O=A=H=P=0.7 ln 1000
    280.576
    """
    first_day = _parse_date(first, "first day", "开始日期")
    last_day = _parse_date(last, "last day", "结束日期")
    if (last_day - first_day).days < 0:
        raise InputError("The WCI window ends before it starts.", "WCI 的时间窗结束早于开始。")
    return _wci_window(_wechat_articles(articles), first_day, last_day)


@dataclass(frozen=True)
class _WeChatArticles:
    """The articles the WCI counts (WeChat's, with a publish time), one array entry each."""

    day: np.ndarray         # the publish day (datetime64)
    reads: np.ndarray
    wows: np.ndarray        # 在看
    likes: np.ndarray
    shares: np.ndarray
    headline: np.ndarray    # bool: the push's first article (position 1)


def _wechat_articles(articles: pd.DataFrame) -> _WeChatArticles:
    """The WeChat articles of ``articles`` with their counts (a missing count is 0)."""
    day = pd.to_datetime(articles["publish_time"], errors="coerce").dt.normalize()
    keep = day.notna().to_numpy().copy()
    if "platform" in articles.columns:
        keep &= (articles["platform"].astype("string") == "wechat").fillna(False).to_numpy()
    counts = {c: np.nan_to_num(_col(articles, c)[keep]) for c in _COUNTS}
    return _WeChatArticles(day=day.to_numpy()[keep], **counts,
                           headline=np.nan_to_num(_col(articles, "position")[keep]) == 1)


def _wci_window(wechat: _WeChatArticles, first: pd.Timestamp, last: pd.Timestamp
                ) -> dict[str, Any]:
    """The WCI of the articles published from ``first`` to ``last`` (see :func:`wci_index`)."""
    days = (last - first).days + 1
    in_window = (wechat.day >= first.to_datetime64()) & (wechat.day <= last.to_datetime64())
    counts = {c: getattr(wechat, c)[in_window] for c in _COUNTS}
    headline = wechat.headline[in_window]
    n_articles = int(in_window.sum())
    total = {c: float(x.sum()) for c, x in counts.items()}
    overall = _communication_power(*(total[c] / days for c in _COUNTS))
    per_article = (_communication_power(*(total[c] / n_articles for c in _COUNTS))
                   if n_articles else 0.0)
    headlines = _communication_power(*(float(counts[c][headline].sum()) / days
                                       for c in _COUNTS))
    peak = _communication_power(*(float(counts[c].max()) if n_articles else 0.0
                                  for c in _COUNTS))
    wci = (0.6 * overall + 0.2 * per_article + 0.1 * headlines + 0.1 * peak) ** 2 * 1.2 * 10
    return {"version": WCI_VERSION, "days": days, "articles": n_articles,
            "headlines": int(headline.sum()), **total,
            "O": overall, "A": per_article, "H": headlines, "P": peak, "wci": wci}


def _wci_weeks(view: _PlanView, wechat: _WeChatArticles) -> pd.DataFrame:
    """The WCI of every week the review shows: the baseline's (negative ``week``) and the
    period's, each week cut at the review's last day."""
    recs = []
    for week in range(-view.covered_weeks, view.covered_weeks):
        week_start = view.start + pd.Timedelta(weeks=week)
        week_end = min(week_start + pd.Timedelta(days=6), view.as_of)
        recs.append({"week": week, "week_start": week_start, "week_end": week_end,
                     "in_period": week >= 0, **_wci_window(wechat, week_start, week_end)})
    return pd.DataFrame(recs)
