"""Trends and anomalies: the daily and weekly series of the period and its baseline, the
days that stand out, and where new follows and reads came from.

*Anomalies.* Each daily series minus its centred :data:`ANOMALY_WINDOW`-day rolling median,
minus the median of that residual per weekday, is flagged when it leaves ± :data:`ANOMALY_K` ×
the robust scale (1.4826 × the rolling median absolute deviation, never below the Poisson
scale √expected): ``1`` a spike, ``-1`` a drop. Weekly series use a 5-week median.
"""

from __future__ import annotations

import datetime as dt
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .. import festivals, i18n
from ..errors import missing_columns
from .inputs import _FOLLOW_SOURCES, _PlanView
from .values import _col, _jsonable, _records, _sum

__all__ = ["ANOMALY_K", "ANOMALY_WINDOW", "TREND_SERIES", "Trends", "flag_anomalies"]


#: Daily series of :attr:`Trends.daily` that get an anomaly flag.
TREND_SERIES: tuple[str, ...] = ("reads", "posts", "new_follows", "unfollows", "net_follows")
_SERIES_LABELS = {s: (i18n.t(f"metric.{s}", "en"), i18n.t(f"metric.{s}", "zh"))
                  for s in TREND_SERIES}
#: Robust z beyond which a day is a spike or a drop.
ANOMALY_K = 3.5
#: Days of the centred rolling median the anomaly residual is taken from.
ANOMALY_WINDOW = 15
_MAD_WINDOW = 29
_MAD_SCALE = 1.4826


def flag_anomalies(series: pd.Series, *, window: int = ANOMALY_WINDOW, k: float = ANOMALY_K,
                   weekday: bool = True) -> pd.DataFrame:
    """Robust spikes and drops of a daily (or weekly) series.

    Parameters
    ----------
    series : values on a regular date index (gaps as NaN).
    window : centred rolling-median window (odd, in index steps).
    k : robust z beyond which a point is flagged.
    weekday : remove a weekday profile (median residual per weekday) first.

    Returns
    -------
    pandas.DataFrame
        Same index: ``value``, ``expected`` (rolling median + weekday effect), ``residual``,
        ``scale`` (1.4826 × rolling MAD, at least √|expected| and 1), ``z`` and ``anomaly``
        (``1`` spike, ``-1`` drop, ``0``).

    Examples
    --------
    >>> idx = pd.date_range("2026-01-01", periods=60)
    >>> s = pd.Series(100.0 + (np.arange(60) % 3), index=idx)
    >>> s.iloc[40] = 400
    >>> out = flag_anomalies(s)
    >>> int(out["anomaly"].iloc[40]), int(out["anomaly"].abs().sum())
    (1, 1)
    """
    y = pd.to_numeric(series, errors="coerce").astype(float)
    out = _flags(y.to_frame("value"), window=window, k=k, weekday=weekday)
    return pd.DataFrame({"value": y.to_numpy(), **{c: f[:, 0] for c, f in out.items()}},
                        index=y.index)


def _flags(frame: pd.DataFrame, *, window: int = ANOMALY_WINDOW, k: float = ANOMALY_K,
           weekday: bool = True) -> dict[str, np.ndarray]:
    """:func:`flag_anomalies` of every column at once: ``(n, columns)`` arrays ``expected,
    residual, scale, z, anomaly``."""
    y = frame.astype(float)
    med = y.rolling(window, center=True, min_periods=max(3, window // 3)).median()
    r = (y - med).to_numpy()
    expected = med.to_numpy()
    if weekday and isinstance(y.index, pd.DatetimeIndex) and len(y) >= 14:
        wd = y.index.day_of_week.to_numpy()
        eff = np.zeros_like(r)
        for w in range(7):
            on = wd == w
            if on.any():
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", RuntimeWarning)    # all-NaN columns
                    e = np.nanmedian(r[on], axis=0)
                eff[on] = np.nan_to_num(e)
        r = r - eff
        expected = expected + eff
    mwin = max(2 * window - 1, 5) if weekday else max(window + 4, 9)
    rf = pd.DataFrame(r, index=y.index)
    centre = rf.rolling(mwin, center=True, min_periods=3).median()
    mad = (rf - centre).abs().rolling(mwin, center=True, min_periods=3).median().to_numpy()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)                # all-NaN columns
        glob = np.nan_to_num(np.nanmedian(np.abs(r - np.nanmedian(r, axis=0)), axis=0))
    scale = _MAD_SCALE * np.where(np.isnan(mad), glob[None, :], mad)
    scale = np.fmax(scale, np.sqrt(np.maximum(np.abs(np.nan_to_num(expected)), 1.0)))
    with np.errstate(invalid="ignore"):
        z = r / scale
    flag = np.where(z > k, 1, np.where(z < -k, -1, 0)).astype(int)
    return {"expected": expected, "residual": r, "scale": scale, "z": z, "anomaly": flag}


@dataclass
class Trends:
    """Daily and weekly series of the period and its baseline, anomalies and sources.

    Attributes
    ----------
    daily : one row per day from the baseline's first day to the period's last: ``date,
        in_period, reads, posts, new_follows, unfollows, net_follows, cumulative_follows``, for
        each of :data:`TREND_SERIES` ``<series>_expected`` and ``<series>_anomaly`` (1 spike, -1
        drop, 0), and ``marks_en`` / ``marks_zh`` (holidays and festivals, ``""`` if none).
    weekly : one row per week (aligned to the period's first day; negative ``week`` numbers are
        the baseline): ``week, week_start, week_end, in_period``, the sums of the series,
        ``cumulative_follows`` at the week's end and ``<series>_anomaly``.
    anomalies : the flagged days: ``date, series, label_en, label_zh, value, expected, z, kind``
        (``"spike"`` / ``"drop"``), ``in_period``, ``marks_en``, ``marks_zh``.
    sources : baseline vs actual per source: ``kind`` (``"follow_source"`` from the new-follow
        columns of the 用户增长 export, ``"read_channel"`` from ``daily_reads``), ``source,
        label_en, label_zh, baseline, actual, diff, pct, share`` (of the period's total).
    marks : ``[{"date", "kind", "en", "zh"}]`` holidays and festivals of the two windows.
    """

    daily: pd.DataFrame
    weekly: pd.DataFrame
    anomalies: pd.DataFrame
    sources: pd.DataFrame
    marks: list[dict[str, str]]

    def to_payload(self) -> dict[str, Any]:
        return {"daily": _records(self.daily), "weekly": _records(self.weekly),
                "anomalies": _records(self.anomalies), "sources": _records(self.sources),
                "marks": _jsonable(self.marks)}


def _daily_content(arts: pd.DataFrame, index: pd.DatetimeIndex) -> pd.DataFrame:
    g = arts.groupby("date").agg(reads=("reads", "sum"), posts=("reads", "size"))
    g = g.reindex(index)
    covered = (index >= arts["date"].min()) & (index <= arts["date"].max()) if len(arts) \
        else np.zeros(len(index), bool)
    g["reads"] = np.where(covered, g["reads"].fillna(0.0), np.nan)
    g["posts"] = np.where(covered, g["posts"].fillna(0.0), np.nan)
    return g


def _trends(view: _PlanView, arts: pd.DataFrame, daily: pd.DataFrame,
            pre_start: pd.Timestamp, daily_reads: pd.DataFrame | None,
            marks: dict[dt.date, list[festivals.DayMark]]) -> Trends:
    end = view.as_of
    ctx = pre_start - pd.Timedelta(days=_MAD_WINDOW)
    index = pd.date_range(ctx, end, freq="D", name="date")
    content = _daily_content(arts, index)
    flow = daily.reindex(index)
    frame = pd.DataFrame({"reads": content["reads"], "posts": content["posts"],
                          "new_follows": flow["new_follows"], "unfollows": flow["unfollows"],
                          "net_follows": flow["net_follows"],
                          "cumulative_follows": flow["cumulative_follows"]}, index=index)
    fl = _flags(frame[list(TREND_SERIES)])
    zs = {}
    for j, s in enumerate(TREND_SERIES):
        frame[f"{s}_expected"] = fl["expected"][:, j]
        frame[f"{s}_anomaly"] = np.where(frame[s].notna(), fl["anomaly"][:, j], 0)
        zs[s] = pd.Series(fl["z"][:, j], index=frame.index)
    days = frame.loc[pre_start:end].copy()
    days.insert(0, "in_period", days.index >= view.start)
    m_en = {pd.Timestamp(d): "; ".join(x.name for x in ms) for d, ms in marks.items()}
    m_zh = {pd.Timestamp(d): "；".join(x.name_zh for x in ms) for d, ms in marks.items()}
    days["marks_en"] = [m_en.get(d, "") for d in days.index]
    days["marks_zh"] = [m_zh.get(d, "") for d in days.index]

    # weekly, aligned to the period's first day, with half a year of context for the flags
    wctx = max(view.start - pd.Timedelta(weeks=26), daily.index.min() if len(daily) else ctx,
               arts["date"].min() if len(arts) else ctx)
    wctx = view.start - pd.Timedelta(weeks=max(0, (view.start - wctx).days // 7))
    windex = pd.date_range(wctx, end, freq="D")
    wc = _daily_content(arts, windex)
    wf = daily.reindex(windex)
    wk = ((windex - view.start).days // 7).to_numpy()
    base = pd.DataFrame({"week": wk, "reads": wc["reads"].to_numpy(),
                         "posts": wc["posts"].to_numpy(),
                         "new_follows": wf["new_follows"].to_numpy(),
                         "unfollows": wf["unfollows"].to_numpy(),
                         "net_follows": wf["net_follows"].to_numpy(),
                         "cumulative_follows": wf["cumulative_follows"].to_numpy()})
    grouped = base.groupby("week")
    weekly = grouped[list(TREND_SERIES)].sum(min_count=1)
    weekly["cumulative_follows"] = grouped["cumulative_follows"].last()
    weekly.index = weekly.index.astype(int)
    wfl = _flags(weekly[list(TREND_SERIES)], window=5, weekday=False)
    for j, s in enumerate(TREND_SERIES):
        weekly[f"{s}_anomaly"] = np.where(weekly[s].notna(), wfl["anomaly"][:, j], 0)
    weekly = weekly.loc[-view.covered_weeks:].reset_index()
    weekly.insert(1, "week_start", [view.start + pd.Timedelta(weeks=int(w)) for w in
                                    weekly["week"]])
    weekly.insert(2, "week_end", weekly["week_start"] + pd.Timedelta(days=6))
    weekly.insert(3, "in_period", weekly["week"] >= 0)

    recs = []
    for s in TREND_SERIES:
        hit = days[days[f"{s}_anomaly"] != 0]
        for d, r in hit.iterrows():
            recs.append({"date": d, "series": s, "label_en": _SERIES_LABELS[s][0],
                         "label_zh": _SERIES_LABELS[s][1], "value": float(r[s]),
                         "expected": float(r[f"{s}_expected"]),
                         "z": float(zs[s].at[d]),
                         "kind": "spike" if r[f"{s}_anomaly"] > 0 else "drop",
                         "in_period": bool(r["in_period"]), "marks_en": r["marks_en"],
                         "marks_zh": r["marks_zh"]})
    anomalies = pd.DataFrame(recs, columns=["date", "series", "label_en", "label_zh", "value",
                                            "expected", "z", "kind", "in_period", "marks_en",
                                            "marks_zh"])
    anomalies = anomalies.sort_values(["date", "series"]).reset_index(drop=True)

    src = []
    pre_end = view.start - pd.Timedelta(days=1)
    for col, (en, zh) in _FOLLOW_SOURCES.items():
        if col in daily.columns and daily[col].notna().any():
            b = _sum(daily.loc[pre_start:pre_end, col].to_numpy())
            a = _sum(daily.loc[view.start:end, col].to_numpy())
            src.append({"kind": "follow_source", "source": col.removeprefix("new_from_"),
                        "label_en": en, "label_zh": zh, "baseline": b, "actual": a})
    if daily_reads is not None:
        if not isinstance(daily_reads, pd.DataFrame) or not {"date", "reads"} <= set(
                daily_reads.columns):
            raise missing_columns("daily_reads", [
                c for c in ("date", "reads") if not isinstance(daily_reads, pd.DataFrame)
                or c not in daily_reads.columns])
        dr = pd.DataFrame({"date": pd.to_datetime(daily_reads["date"], errors="coerce")
                           .dt.normalize(),
                           "channel": (daily_reads["channel"].astype("string").fillna("other")
                                       if "channel" in daily_reads else "other"),
                           "reads": _col(daily_reads, "reads")})
        for ch, g in dr.groupby("channel"):
            b = float(g.loc[(g["date"] >= pre_start) & (g["date"] <= pre_end), "reads"].sum())
            a = float(g.loc[(g["date"] >= view.start) & (g["date"] <= end), "reads"].sum())
            src.append({"kind": "read_channel", "source": str(ch),
                        "label_en": i18n.level("channel", str(ch), "en"),
                        "label_zh": i18n.level("channel", str(ch), "zh"),
                        "baseline": b, "actual": a})
    sources = pd.DataFrame(src, columns=["kind", "source", "label_en", "label_zh", "baseline",
                                         "actual"])
    sources["diff"] = sources["actual"] - sources["baseline"]
    sources["pct"] = np.where(sources["baseline"] > 0,
                              100 * sources["diff"] / sources["baseline"].where(
                                  sources["baseline"] > 0), np.nan)
    tot = sources.groupby("kind")["actual"].transform("sum")
    sources["share"] = np.where(tot > 0, sources["actual"] / tot.where(tot > 0), np.nan)
    days = days.reset_index()
    mark_list = [{"date": d.isoformat(), "kind": m.kind, "en": m.name, "zh": m.name_zh}
                 for d, ms in marks.items() for m in ms]
    return Trends(days, weekly, anomalies, sources, mark_list)
