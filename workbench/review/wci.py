"""The WeChat Communication Index (WCI, version 14.2 of DOMAIN.md) of a window of articles,
and per week of the review.
"""

from __future__ import annotations

import math
from typing import Any, Mapping

import numpy as np
import pandas as pd

from ..errors import InputError
from .inputs import _PlanView
from .values import _col, _parse_date

__all__ = ["WCI_VERSION", "wci_index"]


#: Version of the WCI formula (DOMAIN.md).
WCI_VERSION = "14.2"


def _wci_f(r: float, z: float, l_: float, re: float) -> float:
    return (0.70 * math.log(r + 1) + 0.09 * math.log(10 * z + 1) + 0.06 * math.log(10 * l_ + 1)
            + 0.15 * math.log(10 * re + 1))


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
    a0, b0 = _parse_date(first, "first day", "开始日期"), _parse_date(last, "last day", "结束日期")
    if (b0 - a0).days < 0:
        raise InputError("The WCI window ends before it starts.", "WCI 的时间窗结束早于开始。")
    return _wci_window(_wci_arrays(articles), a0, b0)


def _wci_arrays(articles: pd.DataFrame) -> dict[str, np.ndarray]:
    t = pd.to_datetime(articles["publish_time"], errors="coerce").dt.normalize()
    keep = t.notna().to_numpy().copy()
    if "platform" in articles.columns:
        keep &= (articles["platform"].astype("string") == "wechat").fillna(False).to_numpy()
    out = {"t": t.to_numpy()[keep]}
    for k, c in (("r", "reads"), ("z", "wows"), ("l", "likes"), ("re", "shares")):
        out[k] = np.nan_to_num(_col(articles, c)[keep])
    out["head"] = np.nan_to_num(_col(articles, "position")[keep]) == 1
    return out


def _wci_window(arr: Mapping[str, np.ndarray], a0: pd.Timestamp, b0: pd.Timestamp
                ) -> dict[str, Any]:
    days = (b0 - a0).days + 1
    sel = (arr["t"] >= a0.to_datetime64()) & (arr["t"] <= b0.to_datetime64())
    keys = ("r", "z", "l", "re")
    vals = {k: arr[k][sel] for k in keys}
    head = arr["head"][sel]
    n = int(sel.sum())
    tot = {k: float(v.sum()) for k, v in vals.items()}
    O = _wci_f(*(tot[k] / days for k in keys))
    A = _wci_f(*(tot[k] / n for k in keys)) if n else 0.0
    H = _wci_f(*(float(vals[k][head].sum()) / days for k in keys))
    P = _wci_f(*(float(vals[k].max()) if n else 0.0 for k in keys))
    w = (0.6 * O + 0.2 * A + 0.1 * H + 0.1 * P) ** 2 * 1.2 * 10
    return {"version": WCI_VERSION, "days": days, "articles": n, "headlines": int(head.sum()),
            "reads": tot["r"], "wows": tot["z"], "likes": tot["l"], "shares": tot["re"],
            "O": O, "A": A, "H": H, "P": P, "wci": w}


def _wci_weeks(view: _PlanView, arr: Mapping[str, np.ndarray]) -> pd.DataFrame:
    recs = []
    for k in range(-view.covered_weeks, view.covered_weeks):
        a = view.start + pd.Timedelta(weeks=k)
        b = min(a + pd.Timedelta(days=6), view.as_of)
        recs.append({"week": k, "week_start": a, "week_end": b, "in_period": k >= 0,
                     **_wci_window(arr, a, b)})
    return pd.DataFrame(recs)
