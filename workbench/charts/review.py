"""Charts of the campaign-review page: pure functions ``CampaignReview → go.Figure``.

Every builder reads one part of a :class:`workbench.review.CampaignReview` and draws exactly
its numbers (no recomputation beyond sums and sorting), so a number on screen can be traced back
to a table of the review. The page redraws a chart by building it again (``ui.slots``).

* :func:`plan_vs_actual`: plan and actual side by side per platform or content type
  (``review.variance``);
* :func:`waterfall`: from the plan's total to the actual one through the volume effects (more
  or fewer posts) and the rate effects (better or worse posts) per platform, content type or
  cell; the parts add up to the total;
* :func:`trends`: a daily or weekly series with its spikes (red) and drops (blue), the
  campaign period shaded and holidays / shopping festivals marked;
* :func:`counterfactual`: actual against the counterfactual with its 90 % band, the
  pre-period before it, the lift in the title;
* :func:`wci`: the WeChat Communication Index (WCI v14.2) by week;
* :func:`calibration`: each activity's actual ROI against its forecast (p5-p95, median) with
  the percentile it fell on;
* :func:`kpi_status_colour`: the colour of a KPI status (on track / at risk / off track),
  shared with the page and the report.

User text (article titles, activity names) is HTML-escaped before it enters a figure and only
ever reaches a hover label through ``hovertext`` (never a ``%{…}`` of raw data). Only the
review's small tables cross the wire (at most a few hundred points per chart).

Examples
--------
>>> from workbench.charts import review as charts                       # doctest: +SKIP
>>> fig = charts.trends(rv, metric="new_follows")                       # doctest: +SKIP
>>> fig = charts.trends(rv, metric="reads", freq="weekly")              # doctest: +SKIP
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from workbench.charts import theme
from workbench.i18n import level, normalise_lang, plural, t

if TYPE_CHECKING:  # pragma: no cover
    from workbench.review import CampaignReview

__all__ = [
    "ACTUAL_COLOUR", "BY", "DROP_COLOUR", "METRICS", "PLAN_COLOUR", "SPIKE_COLOUR",
    "STATUS_COLOURS", "TREND_METRICS", "calibration", "counterfactual", "kpi_status_colour",
    "plan_vs_actual", "trends", "waterfall", "wci",
]

#: Colour of each KPI status: green, amber, red; grey when there is nothing to compare.
STATUS_COLOURS: dict[str, str] = {
    "on_track": "#2e8540",
    "at_risk": "#c77700",
    "off_track": "#d64545",
    "n/a": "#9aa5b1",
}
PLAN_COLOUR = "#9aa5b1"
ACTUAL_COLOUR = "#4e79a7"
UP_COLOUR = "#59a14f"
DOWN_COLOUR = "#e15759"
SPIKE_COLOUR = "#d62728"
DROP_COLOUR = "#1f5fbf"
EXPECTED_COLOUR = "#9aa5b1"
BAND_FILL = "rgba(154,165,177,0.35)"
PERIOD_FILL = "rgba(78,121,167,0.08)"
MARK_COLOURS = {"holiday": "#f28e2b", "festival": "#b07aa1"}
CALIBRATION_COLOURS = {"below": DOWN_COLOUR, "within": ACTUAL_COLOUR, "above": UP_COLOUR,
                       None: theme.MUTED_TEXT}

#: Groupings of :func:`plan_vs_actual` and :func:`waterfall` (the waterfall also takes "cell").
BY: tuple[str, ...] = ("platform", "content_type")
#: Metrics of the variance charts (``review.VARIANCE_METRICS``).
METRICS: tuple[str, ...] = ("reads", "engagement", "shares", "follows")
#: Series of :func:`trends` (``review.TREND_SERIES`` and the cumulative followers).
TREND_METRICS: tuple[str, ...] = ("reads", "posts", "new_follows", "unfollows", "net_follows",
                                  "cumulative_follows")
FREQS: tuple[str, ...] = ("daily", "weekly")
#: Metrics with a counterfactual (``review.Impact``).
IMPACT_METRICS: tuple[str, ...] = ("new_follows", "reads")


# -- small helpers --------------------------------------------------------------------------
def _code(lang: str) -> str:
    return normalise_lang(lang) or "en"


def _label(key: str, lang: str, **fmt: object) -> str:
    """The label ``chart.review.<key>``, escaped; ``fmt`` values go in as they are (callers
    pass numbers or text they escaped already, so nothing is escaped twice)."""
    text = html.escape(t(f"chart.review.{key}", lang), quote=False)
    return text.format(**fmt) if fmt else text


def _esc(text: Any) -> str:
    return html.escape("" if text is None or (isinstance(text, float) and math.isnan(text))
                       else str(text), quote=False)  # plotly.js shows &quot; as is


def _name(column: str, code: str, lang: str) -> str:
    return _esc(level(column, str(code), lang))


def _metric(metric: str, lang: str) -> str:
    return _label(f"metric.{metric}", lang)


def _check(value: str, allowed: Sequence[str], what: str) -> None:
    if value not in allowed:
        raise ValueError(f"{what} must be one of {', '.join(allowed)}, not {value!r}")


def _finite(x: Any) -> bool:
    try:
        return x is not None and math.isfinite(float(x))
    except (TypeError, ValueError):
        return False


def _floats(values: Any) -> list[float | None]:
    """Plain floats for a trace (``None`` where missing, which plotly draws as a gap)."""
    out = []
    for v in values:
        out.append(float(v) if _finite(v) else None)
    return out


def _signed_count(x: float, lang: str) -> str:
    """``+9,297`` / ``−1,271`` (a real minus sign) / ``0``."""
    if not _finite(x):
        return "–"
    text = theme.count(abs(float(x)), lang)
    if text == "0":
        return "0"
    return ("+" if x > 0 else "−") + text


def _signed_pct(share: float) -> str:
    """``0.535`` → ``+53.5%``; ``-0.12`` → ``−12.0%``."""
    if not _finite(share):
        return "–"
    text = theme.pct(abs(float(share)))
    return ("+" if share > 0 else "−" if share < 0 else "") + text


def _fmt(x: float, unit: str, lang: str) -> str:
    """A value in its unit: shares and ratios as percents, counts as head counts."""
    if not _finite(x):
        return "–"
    if unit in ("share", "ratio"):
        return theme.pct(float(x), 2 if unit == "share" and abs(x) < 0.01 else 1)
    return theme.count(float(x), lang)


def _day(d: Any) -> str:
    return pd.Timestamp(d).strftime("%Y-%m-%d")


def _short_day(d: Any, lang: str) -> str:
    """``Aug 24`` / ``8月24日``."""
    d = pd.Timestamp(d)
    return f"{d.month}月{d.day}日" if _code(lang) == "zh" else f"{d:%b} {d.day}"


def _date_axis(lang: str) -> dict:
    """A date x axis; Chinese month-day ticks in Chinese (plotly.js has no zh locale here)."""
    axis = {"type": "date", "showgrid": False}
    if _code(lang) == "zh":
        axis["tickformat"] = "%-m月%-d日"
    return axis


def _empty_note(text: str) -> dict:
    return {"text": text, "showarrow": False, "xref": "paper", "yref": "paper", "x": 0.5,
            "y": 0.5, "xanchor": "center", "yanchor": "middle",
            "font": {"size": theme.FONT_SIZE + 1, "color": theme.MUTED_TEXT}}


def _caption(text: str, shift: int = 44) -> dict:
    """A note under the plot area, ``shift`` pixels below it (whatever the figure's height);
    long text is wrapped."""
    return {**theme.caption(text, y=0, columns=96), "yshift": -shift}


def _legend_top() -> dict:
    return {"orientation": "h", "y": 1.02, "x": 1, "xanchor": "right", "yanchor": "bottom"}


def kpi_status_colour(status: str | None) -> str:
    """The colour of a KPI status: ``on_track`` green, ``at_risk`` amber, ``off_track`` red,
    anything else (``n/a``) grey.

    Examples
    --------
    >>> kpi_status_colour("on_track"), kpi_status_colour("off_track"), kpi_status_colour(None)
    ('#2e8540', '#d64545', '#9aa5b1')
    """
    return STATUS_COLOURS.get(str(status), STATUS_COLOURS["n/a"])


# -- plan vs actual -------------------------------------------------------------------------
def plan_vs_actual(review: CampaignReview, *, by: str = "platform", metric: str = "reads",
                   lang: str = "en") -> go.Figure:
    """Plan and actual ``metric`` side by side per platform or content type.

    Parameters
    ----------
    review : the campaign review; the bars are ``review.variance_by(by, metric)``.
    by : ``"platform"`` or ``"content_type"``.
    metric : one of :data:`METRICS` (``"reads"``, ``"engagement"``, ``"shares"``,
        ``"follows"`` = follows after reading).

    Returns
    -------
    go.Figure: ``data[0]`` the plan, ``data[1]`` the actual (``x`` = group names in the
    review's order, ``y`` = totals of the period); the actual bars say the change from plan.

    Examples
    --------
    >>> fig = plan_vs_actual(rv, by="content_type", metric="follows", lang="zh")  # doctest: +SKIP
    """
    _check(by, BY, "by")
    _check(metric, METRICS, "metric")
    v = review.variance[review.variance["metric"] == metric]
    table = v.groupby(by, sort=False)[["plan", "actual"]].sum()
    codes = [str(c) for c in table.index]
    names = [_name(by, c, lang) for c in codes]
    plan = table["plan"].astype(float).to_numpy()
    actual = table["actual"].astype(float).to_numpy()
    change = []
    for p, a in zip(plan, actual):
        if p > 0:
            change.append(_signed_pct(a / p - 1))
        else:
            change.append(_label("pva.unplanned", lang) if a > 0 else "")
    hover = [_label("pva.hover", lang, group=n, plan=theme.count(p, lang),
                    actual=theme.count(a, lang), change=c or "–")
             for n, p, a, c in zip(names, plan, actual, change)]
    bars = [
        go.Bar(x=names, y=plan.tolist(), name=_label("plan", lang),
               marker={"color": PLAN_COLOUR}, hovertext=hover,
               hovertemplate="%{hovertext}<extra></extra>"),
        go.Bar(x=names, y=actual.tolist(), name=_label("actual", lang),
               marker={"color": ACTUAL_COLOUR}, text=change, textposition="outside",
               cliponaxis=False, hovertext=hover,
               hovertemplate="%{hovertext}<extra></extra>"),
    ]
    tp, ta = float(plan.sum()), float(actual.sum())
    title = _label("pva.title", lang, metric=_metric(metric, lang), by=_label(f"by.{by}", lang),
                   actual=theme.count(ta, lang), plan=theme.count(tp, lang),
                   change=_signed_pct(ta / tp - 1) if tp > 0 else "–")
    top = float(max(plan.max(initial=0.0), actual.max(initial=0.0)))
    return go.Figure(bars, layout={
        "title": {"text": title}, "barmode": "group", "height": 380, "bargap": 0.25,
        "xaxis": {"showgrid": False},
        "yaxis": {"title": {"text": _metric(metric, lang)}, "separatethousands": True,
                  "range": [0, top * 1.15 if top > 0 else 1],
                  **_zh_counts(0, top * 1.15, lang)},
        "legend": _legend_top(),
        "annotations": [] if len(codes) else [_empty_note(_label("empty", lang))],
    })


# -- waterfall ------------------------------------------------------------------------------
def _effects(v: pd.DataFrame, by: str, lang: str) -> pd.DataFrame:
    """``label, volume, rate`` per group (platform, content type, or platform × type cell)."""
    if by == "cell":
        g = v.groupby(["platform", "content_type"], sort=False)[["volume", "rate"]].sum()
        labels = [f"{_name('platform', p, lang)}<br>{_name('content_type', c, lang)}"
                  for p, c in g.index]
    else:
        g = v.groupby(by, sort=False)[["volume", "rate"]].sum()
        labels = [_name(by, c, lang) for c in g.index]
    return pd.DataFrame({"label": labels, "volume": g["volume"].astype(float).to_numpy(),
                         "rate": g["rate"].astype(float).to_numpy()})


def _top(effects: pd.DataFrame, column: str, top: int, other: str) -> list[tuple[str, float]]:
    """The ``top`` largest effects (by size, in the review's order) and the rest as one."""
    s = effects[["label", column]]
    s = s[s[column].abs() > 1e-9]
    if len(s) > top:
        keep = s[column].abs().sort_values(ascending=False, kind="stable").index[:top - 1]
        rest = s.drop(index=keep)
        items = [(r.label, float(getattr(r, column))) for r in s.loc[sorted(keep)].itertuples()]
        items.append((other, float(rest[column].sum())))
        return items
    return [(r.label, float(getattr(r, column))) for r in s.itertuples()]


def waterfall(review: CampaignReview, *, metric: str = "reads", by: str = "platform",
              top: int = 6, lang: str = "en", width: int = 1040) -> go.Figure:
    """From the plan's total to the actual one: the volume effect (posts published vs planned,
    at the planned result per post) and the rate effect (result per post vs plan, over the
    posts published) of each group.

    Parameters
    ----------
    review : the campaign review (``review.variance``: ``volume + rate == actual − plan`` per
        row).
    metric : one of :data:`METRICS`.
    by : ``"platform"``, ``"content_type"`` or ``"cell"`` (platform × content type).
    top : at most this many bars per effect; the smaller effects are summed into "other".
    width : the width it is drawn at (px): where the bars' names would run into each other,
        every other one is set a line lower.

    Returns
    -------
    go.Figure: one ``go.Waterfall`` with ``x`` = positions 0, 1, … (``xaxis.ticktext`` names
    the groups; annotations under them say plan / volume effect / rate effect / actual),
    ``measure`` = ``absolute`` (the plan), ``relative`` (each effect), ``total`` (the actual)
    and ``y`` the values: the relative ones sum to actual − plan.
    """
    _check(metric, METRICS, "metric")
    _check(by, (*BY, "cell"), "by")
    if top < 2:
        raise ValueError("top must be at least 2")
    v = review.variance[review.variance["metric"] == metric]
    plan, actual = float(v["plan"].sum()), float(v["actual"].sum())
    eff = _effects(v, by, lang)
    other = _label("waterfall.other", lang)
    vol = _top(eff, "volume", top, other)
    rate = _top(eff, "rate", top, other)
    groups = [(_label("waterfall.plan", lang), 1),
              (_label("waterfall.volume", lang), len(vol)),
              (_label("waterfall.rate", lang), len(rate)),
              (_label("waterfall.actual", lang), 1)]
    names = [theme.count(plan, lang)] + [n for n, _ in vol] + [n for n, _ in rate] + [
        theme.count(actual, lang)]
    y = [plan] + [e for _, e in vol] + [e for _, e in rate] + [actual]
    measure = ["absolute"] + ["relative"] * (len(vol) + len(rate)) + ["total"]
    text = [theme.count(plan, lang)] + [_signed_count(e, lang) for e in y[1:-1]] + [
        theme.count(actual, lang)]
    of = [g for g, k in groups for _ in range(k)]
    hover = [_label("waterfall.hover", lang, what=g, group=n.replace("<br>", " "), value=v_)
             if 0 < i < len(y) - 1 else _label("waterfall.hover_total", lang, what=g, value=v_)
             for i, (g, n, v_) in enumerate(zip(of, names, text))]
    x = list(range(len(y)))
    lines = 2 if by == "cell" else 1
    if _crowded(names, width):        # every other name a line lower: none runs into the next
        names = [("<br>" * lines + n) if i % 2 else n for i, n in enumerate(names)]
        lines *= 2
    trace = go.Waterfall(
        x=x, y=y, measure=measure, text=text, textposition="outside", cliponaxis=False,
        increasing={"marker": {"color": UP_COLOUR}},
        decreasing={"marker": {"color": DOWN_COLOUR}},
        totals={"marker": {"color": ACTUAL_COLOUR}},
        connector={"line": {"color": theme.OVERALL_COLOUR, "width": 1, "dash": "dot"}},
        hovertext=hover, hovertemplate="%{hovertext}<extra></extra>", showlegend=False,
        name=_metric(metric, lang))
    # group labels under the tick labels, separators between the groups
    notes, shapes, first = [], [], 0
    for i, (label, k) in enumerate(groups):
        if k:
            notes.append({"xref": "x", "yref": "paper", "x": first + (k - 1) / 2, "y": 0,
                          "yanchor": "top", "yshift": -12 - 18 * lines, "showarrow": False,
                          "text": f"<b>{label}</b>", "font": {"size": 12}})
        if i and k:
            shapes.append({"type": "line", "xref": "x", "yref": "paper", "x0": first - 0.5,
                           "x1": first - 0.5, "y0": 0, "y1": 1, "layer": "below",
                           "line": {"color": theme.GRID_COLOUR, "width": 1}})
        first += k
    notes.append(_caption(_label("waterfall.note", lang), shift=40 + 18 * lines))
    vol_sum = float(sum(e for _, e in vol))
    rate_sum = float(sum(e for _, e in rate))
    # the running level at every step, for the axis range (bars and labels stay in view)
    levels = np.cumsum([plan] + [e for _, e in vol] + [e for _, e in rate])
    lo = float(min(0.0, levels.min(initial=0.0), actual))
    hi = float(max(levels.max(initial=0.0), actual, plan))
    pad = (hi - lo) * 0.12 or 1.0
    return go.Figure([trace], layout={
        "title": {"text": _label("waterfall.title", lang, metric=_metric(metric, lang),
                                 plan=theme.count(plan, lang), actual=theme.count(actual, lang),
                                 volume=_signed_count(vol_sum, lang),
                                 rate=_signed_count(rate_sum, lang))},
        "height": 440, "showlegend": False,
        "xaxis": {"showgrid": False, "tickangle": 0, "tickvals": x, "ticktext": names,
                  "range": [-0.6, len(x) - 0.4], "zeroline": False},
        "yaxis": {"title": {"text": _metric(metric, lang)}, "separatethousands": True,
                  "range": [lo - (pad if lo < 0 else 0), hi + pad],
                  **_zh_counts(lo - (pad if lo < 0 else 0), hi + pad, lang)},
        "margin": {**theme.MARGIN, "b": 80 + 18 * lines},
        "shapes": shapes, "annotations": notes,
    })


def _zh_counts(lo: float, hi: float, lang: str) -> dict:
    """A Chinese count axis's ticks in 万 and 亿 (:func:`theme.count_ticks`); English keeps
    plotly's own (200k, 1.4M)."""
    return theme.count_ticks(lo, hi, lang) if _code(lang) == "zh" else {}


def _crowded(names: Sequence[str], width: int) -> bool:
    """Whether tick names side by side need more room than their bars have: a Latin character
    is about 7 px wide at the ticks' size, a Chinese one 13 px; the plot area is the figure less
    its margins and the y axis's numbers (about 100 px)."""
    per_bar = (width - 100) / max(len(names), 1)
    wide = max((sum(13 if ord(ch) > 0x2E80 else 7 for ch in line)
                for n in names for line in html.unescape(n).split("<br>")), default=0)
    return wide + 8 > per_bar


# -- trends ---------------------------------------------------------------------------------
_PAREN = re.compile(r"\s*[（(][^（()）]*[)）]")


def _mark_spans(marks: Sequence[dict], lang: str, gap: int = 2) -> list[dict]:
    """Holidays and festivals as spans of (nearly) consecutive days of one kind: ``first,
    last, kind, short`` (the first name, without its parentheses) and ``names`` (all of
    them, with their dates)."""
    key = "zh" if _code(lang) == "zh" else "en"
    days: dict[pd.Timestamp, list[dict]] = {}
    for m in marks or []:
        days.setdefault(pd.Timestamp(m["date"]), []).append(m)
    spans: list[dict] = []
    for d in sorted(days):
        for m in days[d]:
            kind = str(m.get("kind", "holiday"))
            last = next((s for s in reversed(spans) if s["kind"] == kind), None)
            if last is not None and (d - last["last"]).days <= gap:
                last["last"] = d
                last["names"].append(f"{_day(d)} {m.get(key, '')}")
            else:
                spans.append({"first": d, "last": d, "kind": kind,
                              "short": _PAREN.sub("", str(m.get(key, ""))).strip(),
                              "names": [f"{_day(d)} {m.get(key, '')}"]})
    return spans


def _mark_layout(spans: list[dict]) -> tuple[list[dict], list[dict]]:
    shapes, notes = [], []
    for i, s in enumerate(spans):
        colour = MARK_COLOURS.get(s["kind"], MARK_COLOURS["holiday"])
        x0 = s["first"] - pd.Timedelta(hours=12)
        x1 = s["last"] + pd.Timedelta(hours=12)
        shapes.append({"type": "rect", "xref": "x", "yref": "paper", "x0": _iso(x0),
                       "x1": _iso(x1), "y0": 0, "y1": 1, "layer": "below",
                       "fillcolor": colour, "opacity": 0.12, "line": {"width": 0}})
        notes.append({"xref": "x", "yref": "paper", "x": _iso(x0), "y": 0.99 - 0.075 * (i % 2),
                      "text": _esc(s["short"]), "showarrow": False, "xanchor": "left",
                      "yanchor": "top", "font": {"size": 11, "color": colour},
                      "bgcolor": "rgba(255,255,255,0.7)",
                      "hovertext": "<br>".join(_esc(n) for n in s["names"])})
    return shapes, notes


def _iso(ts: pd.Timestamp) -> str:
    return pd.Timestamp(ts).strftime("%Y-%m-%d %H:%M")


def trends(review: CampaignReview, *, metric: str = "reads", freq: str = "daily",
           lang: str = "en") -> go.Figure:
    """A series over the pre-period and the campaign, anomalies marked.

    Parameters
    ----------
    review : the campaign review (``review.trends.daily`` / ``.weekly`` and ``.marks``).
    metric : one of :data:`TREND_METRICS`.
    freq : ``"daily"`` or ``"weekly"`` (weeks aligned to the campaign's first day).

    Returns
    -------
    go.Figure with four traces: ``data[0]`` the series (``x`` = ISO dates, of the week's first
    day when weekly), ``data[1]`` the expected level the anomalies are measured from (daily
    only; empty when weekly), ``data[2]`` the spikes, ``data[3]`` the drops (at the dates the
    review flagged). Layout shapes: the campaign period (the first shape) and the holidays
    and festivals, labelled.
    """
    _check(metric, TREND_METRICS, "metric")
    _check(freq, FREQS, "freq")
    code = _code(lang)
    mark_col = f"marks_{code}"
    if freq == "daily":
        table = review.trends.daily
        dates = pd.to_datetime(table["date"])
        half = pd.Timedelta(hours=12)
    else:
        table = review.trends.weekly
        dates = pd.to_datetime(table["week_start"])
        half = pd.Timedelta(days=3.5)
    x = [_day(d) for d in dates]
    values = table[metric].to_numpy(dtype=float) if metric in table else np.full(len(x), np.nan)
    flag_col = f"{metric}_anomaly"
    flags = (table[flag_col].to_numpy(dtype=int) if flag_col in table
             else np.zeros(len(x), dtype=int))
    expected = (table[f"{metric}_expected"].to_numpy(dtype=float)
                if freq == "daily" and f"{metric}_expected" in table else None)
    marks = table[mark_col].tolist() if mark_col in table else [""] * len(x)
    name = _metric(metric, lang)
    if freq == "daily":
        hover = [_label("trends.hover_day", lang, date=d, metric=name,
                        value=theme.count(v, lang) if _finite(v) else "–")
                 + (f"<br>{_esc(m)}" if m else "")
                 for d, v, m in zip(x, values, marks)]
    else:
        ends = pd.to_datetime(table["week_end"])
        hover = [_label("trends.hover_week", lang, first=d, last=_day(e), metric=name,
                        value=theme.count(v, lang) if _finite(v) else "–")
                 for d, e, v in zip(x, ends, values)]
    line = go.Scatter(x=x, y=_floats(values), mode="lines+markers" if freq == "weekly"
                      else "lines", name=name, line={"color": ACTUAL_COLOUR, "width": 2},
                      marker={"size": 6}, hovertext=hover,
                      hovertemplate="%{hovertext}<extra></extra>")
    exp = go.Scatter(x=x if expected is not None else [],
                     y=_floats(expected) if expected is not None else [],
                     mode="lines", name=_label("trends.expected", lang),
                     line={"color": EXPECTED_COLOUR, "width": 1, "dash": "dot"},
                     hoverinfo="skip", visible=True if expected is not None else "legendonly")
    points = []
    for sign, key, colour, symbol in ((1, "spike", SPIKE_COLOUR, "triangle-up"),
                                      (-1, "drop", DROP_COLOUR, "triangle-down")):
        idx = np.flatnonzero(flags == sign)
        text = []
        for i in idx:
            exp_text = (theme.count(expected[i], lang) if expected is not None
                        and _finite(expected[i]) else "–")
            text.append(_label(f"trends.{key}_hover", lang, date=x[i], metric=name,
                               value=theme.count(values[i], lang), expected=exp_text)
                        + (f"<br>{_esc(marks[i])}" if marks[i] else ""))
        points.append(go.Scatter(
            x=[x[i] for i in idx], y=[float(values[i]) for i in idx], mode="markers",
            name=_label(f"trends.{key}", lang),
            marker={"color": colour, "size": 11, "symbol": symbol,
                    "line": {"color": "white", "width": 1}},
            hovertext=text, hovertemplate="%{hovertext}<extra></extra>"))
    start = pd.Timestamp(review.start)
    as_of = pd.Timestamp(review.as_of)
    period_end = (pd.to_datetime(table["week_start"]).max() if freq == "weekly" and len(table)
                  else as_of)
    shapes = [{"type": "rect", "xref": "x", "yref": "paper", "x0": _iso(start - half),
               "x1": _iso(period_end + half), "y0": 0, "y1": 1, "layer": "below",
               "fillcolor": PERIOD_FILL, "line": {"width": 0}}]
    notes = [{"xref": "x", "yref": "paper", "x": _iso(period_end + half), "y": 0.0,
              "text": _label("trends.period", lang), "showarrow": False, "xanchor": "right",
              "yanchor": "bottom", "font": {"size": 11, "color": ACTUAL_COLOUR}}]
    mark_shapes, mark_notes = _mark_layout(_mark_spans(review.trends.marks, lang))
    shapes += mark_shapes
    notes += mark_notes
    if not len(x) or not np.isfinite(values).any():
        notes.append(_empty_note(_label("empty", lang)))
    first = dates.min() if len(dates) else start
    last = dates.max() if len(dates) else as_of
    n_spikes, n_drops = int((flags == 1).sum()), int((flags == -1).sum())
    return go.Figure([line, exp, *points], layout={
        "title": {"text": _label(f"trends.title_{freq}", lang, metric=name,
                                 spikes=plural("chart.review.trends.spikes", n_spikes, lang),
                                 drops=plural("chart.review.trends.drops", n_drops, lang))},
        "height": 400,
        "xaxis": {**_date_axis(lang), "range": [_iso(first - half), _iso(last + half)]},
        "yaxis": {"title": {"text": _label(f"trends.y_{freq}", lang, metric=name)},
                  "separatethousands": True},
        "legend": _legend_top(),
        "shapes": shapes, "annotations": notes,
    })


# -- counterfactual -------------------------------------------------------------------------
def _impact_note(review: CampaignReview, metric: str, lang: str) -> str:
    label = t(f"metric.{metric}", "en")  # the notes start with the metric's English name
    idx = 1 if _code(lang) == "zh" else 0
    for note in review.impact.notes:
        if note[0].startswith(label) or len(review.impact.notes) == 1:
            return _esc(note[idx])
    return ""


def counterfactual(review: CampaignReview, *, metric: str = "new_follows",
                   lang: str = "en") -> go.Figure:
    """What ``metric`` did against what the pre-period's trend predicted without the campaign.

    Parameters
    ----------
    review : the campaign review (``review.impact`` for the campaign window,
        ``review.trends.daily`` for the pre-period).
    metric : ``"new_follows"`` or ``"reads"``.

    Returns
    -------
    go.Figure with four traces: ``data[0]`` / ``data[1]`` the low / high edge of the 90 %
    band (``data[1]`` fills down to ``data[0]``), ``data[2]`` the counterfactual (campaign
    window), ``data[3]`` the actual (pre-period and campaign window). The title carries the
    lift and its interval; without a counterfactual (too little history) the traces are empty
    and an annotation says why.
    """
    _check(metric, IMPACT_METRICS, "metric")
    code = _code(lang)
    name = _metric(metric, lang)
    summary = review.impact.summary
    row = summary[summary["metric"] == metric]
    days = review.impact.daily
    days = days[days["metric"] == metric] if len(days) else days
    pre = review.trends.daily
    pre = pre[pd.to_datetime(pre["date"]) < pd.Timestamp(review.start)]
    if len(row) and len(days):
        r = row.iloc[0]
        x = [_day(d) for d in days["date"]]
        low, high = days["low"].to_numpy(float), days["high"].to_numpy(float)
        cf, act = days["counterfactual"].to_numpy(float), days["actual"].to_numpy(float)
        x_act = [_day(d) for d in pre["date"]] + x
        y_act = _floats(pre[metric].to_numpy(float)) + _floats(act)
        band_hover = [_label("cf.hover_band", lang, date=d, cf=theme.count(c, lang),
                             low=theme.count(lo, lang), high=theme.count(hi, lang))
                      for d, c, lo, hi in zip(x, cf, low, high)]
        act_hover = [_label("cf.hover_actual", lang, date=d, metric=name,
                            value=theme.count(v, lang) if v is not None else "–")
                     for d, v in zip(x_act, y_act)]
        lift, lo, hi = float(r["lift"]), float(r["low"]), float(r["high"])
        rel = float(r["relative"]) if _finite(r["relative"]) else math.nan
        title = _label("cf.title" if bool(r["clear"]) else "cf.title_unclear", lang,
                       metric=name, lift=_signed_count(lift, lang), relative=_signed_pct(rel),
                       low=_signed_count(lo, lang), high=_signed_count(hi, lang))
        notes = []
    else:
        x, low, high, cf, x_act, y_act = [], [], [], [], [], []
        band_hover, act_hover = [], []
        title = _label("cf.title_none", lang, metric=name)
        why = _impact_note(review, metric, lang)
        notes = [_empty_note(_label("cf.empty", lang) + (f"<br>{why}" if why else ""))]
    traces = [
        go.Scatter(x=x, y=_floats(low), mode="lines", line={"width": 0},
                   showlegend=False, hoverinfo="skip", name=_label("cf.low", lang)),
        go.Scatter(x=x, y=_floats(high), mode="lines", line={"width": 0}, fill="tonexty",
                   fillcolor=BAND_FILL, name=_label("cf.band", lang), hoverinfo="skip"),
        go.Scatter(x=x, y=_floats(cf), mode="lines", name=_label("cf.counterfactual", lang),
                   line={"color": theme.MUTED_TEXT, "width": 2, "dash": "dash"},
                   hovertext=band_hover, hovertemplate="%{hovertext}<extra></extra>"),
        go.Scatter(x=x_act, y=y_act, mode="lines", name=_label("cf.actual", lang),
                   line={"color": ACTUAL_COLOUR, "width": 2}, hovertext=act_hover,
                   hovertemplate="%{hovertext}<extra></extra>"),
    ]
    start = _iso(pd.Timestamp(review.start) - pd.Timedelta(hours=12))
    shapes = [{"type": "line", "xref": "x", "yref": "paper", "x0": start, "x1": start,
               "y0": 0, "y1": 1, "line": {"color": theme.TEXT_COLOUR, "width": 1,
                                          "dash": "dot"}}] if x else []
    if x:
        notes.append({"xref": "x", "yref": "paper", "x": start, "y": 1, "showarrow": False,
                      "text": _label("cf.start", lang), "xanchor": "left", "yanchor": "top",
                      "font": {"size": 11, "color": theme.MUTED_TEXT}})
        method = review.impact.method.get(code, "")
        if method:
            notes.append(_caption(_esc(method), shift=58))
    return go.Figure(traces, layout={
        "title": {"text": title}, "height": 420,
        "xaxis": _date_axis(lang),
        "yaxis": {"title": {"text": _label("cf.y", lang, metric=name)},
                  "separatethousands": True},
        "legend": _legend_top(), "margin": {**theme.MARGIN, "t": 100, "b": 100},
        "shapes": shapes, "annotations": notes,
    })


# -- WCI ------------------------------------------------------------------------------------
def wci(review: CampaignReview, *, lang: str = "en") -> go.Figure:
    """The WeChat Communication Index (WCI, version 14.2 as in DOMAIN.md) of each week of the
    pre-period and the campaign, with the index of each whole window as a dashed line.

    Returns
    -------
    go.Figure: ``data[0]`` the pre-period's weeks, ``data[1]`` the campaign's (bars, ``x`` =
    the week's first day as ``Aug 24`` / ``8月24日``, ``y`` = its WCI from ``review.wci``),
    ``data[2]`` / ``data[3]`` the index of the whole pre-period / campaign
    (``review.wci_baseline`` / ``wci_period``) as dashed lines.
    """
    from workbench.review import WCI_VERSION

    table = review.wci
    version = str(table["version"].iloc[0]) if len(table) and "version" in table else \
        WCI_VERSION
    traces = []
    for in_period, colour, key in ((False, PLAN_COLOUR, "wci.before"),
                                   (True, ACTUAL_COLOUR, "wci.during")):
        part = table[table["in_period"] == in_period] if len(table) else table
        x = [_short_day(d, lang) for d in part.get("week_start", [])]
        y = part["wci"].astype(float).to_numpy() if len(part) else np.array([])
        hover = [_label("wci.hover", lang, first=_day(r.week_start), days=int(r.days),
                        wci=theme.number(r.wci), articles=int(r.articles),
                        headlines=int(r.headlines), reads=theme.count(r.reads, lang),
                        version=version)
                 for r in part.itertuples()] if len(part) else []
        traces.append(go.Bar(x=x, y=_floats(y), name=_label(key, lang),
                             marker={"color": colour},
                             text=[f"{v:,.0f}" for v in y], textposition="outside",
                             cliponaxis=False, hovertext=hover,
                             hovertemplate="%{hovertext}<extra></extra>"))
    period = float(review.wci_period.get("wci", math.nan)) if review.wci_period else math.nan
    base = float(review.wci_baseline.get("wci", math.nan)) if review.wci_baseline else math.nan
    weeks = [_short_day(d, lang) for d in table.get("week_start", [])]
    for value, colour, key in ((base, PLAN_COLOUR, "wci.line_before"),
                               (period, ACTUAL_COLOUR, "wci.line_during")):
        ok = _finite(value) and value > 0 and len(weeks)
        traces.append(go.Scatter(
            x=weeks if ok else [], y=[value] * len(weeks) if ok else [], mode="lines",
            name=_label(key, lang, wci=theme.number(value)),
            line={"color": colour, "width": 1.5, "dash": "dash"}, hoverinfo="skip"))
    notes = []
    if not len(table) or not (table["articles"] > 0).any():
        notes.append(_empty_note(_label("wci.empty", lang)))
    partial = bool(len(table) and (table["days"] < 7).any())
    notes.append(_caption(_label("wci.note" + ("_partial" if partial else ""), lang,
                                 version=version), shift=64))
    top = float(np.nanmax([*(table["wci"].astype(float) if len(table) else []), period, base,
                           1.0]))
    change = _signed_pct(period / base - 1) if _finite(base) and base > 0 and _finite(period) \
        else "–"
    return go.Figure(traces, layout={
        "title": {"text": _label("wci.title", lang, version=version,
                                 period=theme.number(period), base=theme.number(base),
                                 change=change)},
        "height": 400, "barmode": "group", "bargap": 0.3,
        "xaxis": {"type": "category", "showgrid": False},
        "yaxis": {"title": {"text": _label("wci.y", lang, version=version)},
                  "range": [0, top * 1.15]},
        "legend": _legend_top(), "margin": {**theme.MARGIN, "t": 96, "b": 100},
        "annotations": notes,
    })


# -- calibration of activity forecasts ------------------------------------------------------
def calibration(review: CampaignReview, *, lang: str = "en") -> go.Figure:
    """Where each activity's actual ROI fell in its forecast.

    An activity with an ROI estimate (``review(..., roi_estimates=...)``) gets a bar from the
    forecast's 5th to its 95th percentile, a tick at its median and a diamond at the actual
    ROI (red below the range, green above it, blue inside; the percentile in the hover);
    one without an estimate shows its actual ROI only (grey).

    Returns
    -------
    go.Figure with three traces: ``data[0]`` the p5-p95 bars (``base`` = p5, ``x`` = p95 −
    p5), ``data[1]`` the medians, ``data[2]`` the actual ROIs; ``y`` = the activity's row
    (``yaxis.ticktext`` = escaped names). With no activity in the period the traces are
    empty and an annotation says so.
    """
    acts = review.activities
    n = len(acts)
    names, types = [], []
    for r in acts.itertuples():
        raw = r.name if isinstance(r.name, str) and r.name.strip() else r.activity_id
        names.append(_esc(raw))
        types.append(_name("activity_type", r.activity_type, lang))
    ticks = [f"{nm}<br><span style='font-size:11px;color:{theme.MUTED_TEXT}'>{ty} · "
             f"{_day(r.start_date)}</span>" for nm, ty, r in zip(names, types, acts.itertuples())]
    est = acts[acts["roi_p5"].notna() & acts["roi_p95"].notna()] if n else acts
    rows = list(range(n))
    pos = {idx: i for i, idx in enumerate(acts.index)}
    ey = [pos[i] for i in est.index]
    p5 = est["roi_p5"].astype(float).to_numpy() if len(est) else np.array([])
    p50 = est["roi_p50"].astype(float).to_numpy() if len(est) else np.array([])
    p95 = est["roi_p95"].astype(float).to_numpy() if len(est) else np.array([])
    range_hover = [_label("cal.hover_range", lang, name=names[i], p5=theme.pct(a),
                          p50=theme.pct(b), p95=theme.pct(c))
                   for i, a, b, c in zip(ey, p5, p50, p95)]
    roi = acts["roi"].astype(float).to_numpy() if n else np.array([])
    colours, hover = [], []
    for i, r in enumerate(acts.itertuples()):
        cal = r.calibration if isinstance(r.calibration, str) else None
        colours.append(CALIBRATION_COLOURS.get(cal, theme.MUTED_TEXT))
        if cal is not None:
            hover.append(_label("cal.hover_actual", lang, name=names[i], roi=theme.pct(r.roi),
                                percentile=f"{float(r.percentile):.0f}",
                                verdict=_label(f"cal.{cal}", lang),
                                cost=theme.count(r.cost, lang)))
        else:
            hover.append(_label("cal.hover_no_estimate", lang, name=names[i],
                                roi=theme.pct(r.roi) if _finite(r.roi) else "–",
                                cost=theme.count(r.cost, lang) if _finite(r.cost) else "–"))
    traces = [
        go.Bar(y=ey, x=(p95 - p5).tolist(), base=p5.tolist(), orientation="h",
               marker={"color": "rgba(78,121,167,0.25)", "line": {"width": 0}}, width=0.5,
               name=_label("cal.range", lang), hovertext=range_hover,
               hovertemplate="%{hovertext}<extra></extra>"),
        go.Scatter(y=ey, x=p50.tolist(), mode="markers", name=_label("cal.median", lang),
                   marker={"symbol": "line-ns-open", "size": 18, "color": ACTUAL_COLOUR,
                           "line": {"width": 2, "color": ACTUAL_COLOUR}},
                   hovertext=range_hover, hovertemplate="%{hovertext}<extra></extra>"),
        go.Scatter(y=rows, x=_floats(roi), mode="markers", name=_label("cal.actual", lang),
                   marker={"symbol": "diamond", "size": 13, "color": colours,
                           "line": {"width": 1, "color": "white"}},
                   hovertext=hover, hovertemplate="%{hovertext}<extra></extra>"),
    ]
    notes, shapes = [], []
    if n == 0:
        notes.append(_empty_note(_label("cal.empty", lang)))
        title = _label("cal.title_none", lang)
    else:
        shapes.append({"type": "line", "xref": "x", "yref": "paper", "x0": 0, "x1": 0,
                       "y0": 0, "y1": 1, "line": {"color": DOWN_COLOUR, "width": 1,
                                                  "dash": "dash"}})
        within = int((est["calibration"] == "within").sum()) if len(est) else 0
        title = (_label("cal.title", lang, within=within, estimated=len(est)) if len(est)
                 else _label("cal.title_actual", lang, n=n))
        missing = n - len(est)
        if missing:
            notes.append(_caption(_label("cal.note_missing", lang, missing=missing, n=n),
                                  shift=52))
    allx = np.concatenate([p5, p95, roi[np.isfinite(roi)], [0.0]]) if n else np.array([-1, 1])
    lo, hi = float(allx.min()), float(allx.max())
    pad = (hi - lo) * 0.08 or 0.1
    height = 170 + 52 * max(n, 2)
    return go.Figure(traces, layout={
        "title": {"text": title}, "height": height, "barmode": "overlay",
        "xaxis": {"title": {"text": _label("cal.x", lang)}, "tickformat": ".0%",
                  "range": [lo - pad, hi + pad], "zeroline": False},
        "yaxis": {"tickvals": rows, "ticktext": ticks, "autorange": "reversed",
                  "showgrid": False, "zeroline": False, "visible": n > 0},
        "legend": _legend_top(), "margin": {**theme.MARGIN, "b": 86},
        "shapes": shapes, "annotations": notes,
    })
