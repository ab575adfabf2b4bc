"""The campaign-review meeting report: one self-contained HTML file, and its PDF.

:func:`html` writes a :class:`workbench.review.CampaignReview` as the analyst's report
(DOMAIN.md): **1 data overview → 2 interpretation → 3 problems and causes → 4 recommendations
→ 5 forecast → 6 summary**, headings and labels in the chosen language. :func:`pdf` prints it
with headless Chromium.

Decisions
---------
*Offline and self-contained.* plotly.js is inlined once (``plotly.offline.get_plotlyjs()`` in
one ``<script>`` in the head, about 4.8 MB); each chart is ``fig.to_html(full_html=False,
include_plotlyjs=False, include_mathjax=False)``, so the file opens without a network (no CDN,
no MathJax, no web font: the CSS names the local font stack of
:data:`workbench.charts.theme.FONT_FAMILY`). Charts stay interactive (hover, zoom).

*Safe.* Every piece of user text (article titles, activity names, the title of the report)
and every text of the model goes through ``html.escape``; the charts escape theirs
(:mod:`workbench.charts.review`). Nothing from the data becomes markup.

*Numbers.* Tables carry whole numbers with thousands separators (``1,289,734``) and rates as
percents (two decimals below 10 %), in both languages, so they can be checked against the
model's tables; the charts' titles use the shorter ``128.9万`` in Chinese.

*PDF.* ``chromium --headless=new --print-to-pdf`` on a temporary copy of the page with a
``--virtual-time-budget`` (virtual time runs until the scripts are idle, so plotly has drawn)
and a throw-away profile (never the user's, never locked by another Chromium). The page's
print CSS lays it out for A4 portrait; the window is as wide as the printable area, so the
charts are drawn at the width they are printed at. No Playwright needed.

Examples
--------
>>> from workbench import io, review, report                             # doctest: +SKIP
>>> text = report.html(rv, lang="zh")                                    # doctest: +SKIP
>>> open("review.html", "w", encoding="utf-8").write(text)               # doctest: +SKIP
>>> data = report.pdf(text)          # None when Chromium is not installed   # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
import html as _html
import math
import os
import signal
import subprocess
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
import plotly.graph_objects as go
import plotly.offline

from workbench.charts import review as charts
from workbench.charts import theme
from workbench.i18n import level, normalise_lang, t
from workbench.runtime import chromium

if TYPE_CHECKING:  # pragma: no cover
    from workbench.review import CampaignReview

__all__ = ["FIGURES", "SECTIONS", "html", "pdf"]

#: The report's sections, in order (``report.section.<key>`` in the catalogue).
SECTIONS: tuple[str, ...] = ("overview", "interpretation", "problems", "recommendations",
                             "forecast", "summary")

#: The charts of the report: name → builder. ``html(..., figures={name: fig})`` replaces one
#: (e.g. with the figure on screen), ``{name: None}`` leaves it out.
FIGURES: dict[str, Callable[..., go.Figure]] = {
    "plan_vs_actual": lambda rv, lang: charts.plan_vs_actual(rv, by="platform", lang=lang),
    "plan_vs_actual_type": lambda rv, lang: charts.plan_vs_actual(rv, by="content_type",
                                                                  lang=lang),
    "waterfall": lambda rv, lang: charts.waterfall(rv, metric="reads", lang=lang,
                                                   width=PRINT_WIDTH_PX),
    "trends": lambda rv, lang: charts.trends(rv, metric="reads", lang=lang),
    "trends_follows": lambda rv, lang: charts.trends(rv, metric="new_follows", lang=lang),
    "wci": lambda rv, lang: charts.wci(rv, lang=lang),
    "counterfactual": lambda rv, lang: charts.counterfactual(rv, metric="new_follows",
                                                             lang=lang),
    "counterfactual_reads": lambda rv, lang: charts.counterfactual(rv, metric="reads",
                                                                   lang=lang),
    "calibration": lambda rv, lang: charts.calibration(rv, lang=lang),
}
#: Where each chart goes.
_PLACES = {"interpretation": ("plan_vs_actual", "plan_vs_actual_type", "waterfall", "trends",
                              "trends_follows", "wci"),
           "forecast": ("counterfactual", "counterfactual_reads", "calibration")}

#: Printable width of A4 portrait (210 mm) less the page margins (2 × 14 mm), in CSS pixels
#: (96 per inch): the charts are drawn this wide for the PDF.
PRINT_WIDTH_PX = 688
#: The page's side padding on screen (``body``), removed in print.
_SCREEN_PADDING_PX = 28
#: Virtual time Chromium gives the page's scripts before it prints (ms).
PDF_BUDGET_MS = 20_000
#: Wall-clock limit of one PDF (s).
PDF_TIMEOUT = 120.0
TOP_ARTICLES = 10
TOP_VARIANCE = 6
TOP_CALIBRATED = 10

_CSS = """
:root { --text: %(text)s; --muted: %(muted)s; --grid: %(grid)s; --accent: %(accent)s; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { font-family: %(font)s; color: var(--text); margin: 0 auto; padding: 24px %(pad)dpx 48px;
       max-width: 1040px; font-size: 14px; line-height: 1.55; background: white; }
header { border-bottom: 3px solid var(--accent); margin-bottom: 12px; padding-bottom: 8px; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 19px; margin: 30px 0 8px; padding-bottom: 4px;
     border-bottom: 1px solid var(--grid); break-after: avoid; }
h3 { font-size: 15px; margin: 18px 0 6px; break-after: avoid; }
p, li { margin: 4px 0; }
.meta, .note, figcaption { color: var(--muted); font-size: 12.5px; }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 8px 0; }
.facts dt { color: var(--muted); }
.facts dd { margin: 0; }
table { border-collapse: collapse; width: 100%%; margin: 8px 0 12px; font-size: 13px; }
th, td { padding: 4px 8px; border-bottom: 1px solid var(--grid); text-align: left;
         vertical-align: top; }
th { background: #f5f7fa; font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.num { white-space: nowrap; }
td.cell { white-space: nowrap; }
tr { break-inside: avoid; }
.status { display: inline-flex; align-items: center; gap: 6px; white-space: nowrap;
          font-weight: 600; }
.status i { display: inline-block; width: 10px; height: 10px; border-radius: 50%%; }
tr.kpi td:first-child { border-left: 4px solid var(--c); }
.neg { color: #b3261e; }
.pos { color: #1e6b30; }
.wb-figure { margin: 10px 0 18px; break-inside: avoid; }
.summary { font-size: 15px; background: #f5f7fa; border-left: 4px solid var(--accent);
           padding: 10px 14px; }
ol.recs li { margin: 6px 0; }
footer { margin-top: 36px; color: var(--muted); font-size: 12px;
         border-top: 1px solid var(--grid); padding-top: 8px; }
@page { size: A4; margin: 12mm 14mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 12.5px; }
  h2 { break-before: auto; }
  a { color: inherit; text-decoration: none; }
  .modebar-container { display: none !important; }
}
"""


# -- text helpers ---------------------------------------------------------------------------
def _code(lang: str) -> str:
    return normalise_lang(lang) or "en"


def _e(text: Any) -> str:
    """Escaped text ("" for missing)."""
    if text is None or text is pd.NA or (isinstance(text, float) and math.isnan(text)):
        return ""
    return _html.escape(str(text), quote=True)


def _t(key: str, lang: str, **fmt: Any) -> str:
    """An escaped label ``report.<key>``; the values are escaped as well."""
    return _e(t(f"report.{key}", lang, **fmt))


def _finite(x: Any) -> bool:
    try:
        return x is not None and math.isfinite(float(x))
    except (TypeError, ValueError):
        return False


def _n(x: Any) -> str:
    """A count with thousands separators: ``1,289,734``."""
    return f"{round(float(x)):,}" if _finite(x) else "–"


def _p(x: Any, unit: str = "share") -> str:
    """A share as a percent: two decimals under 10 %, one above."""
    if not _finite(x):
        return "–"
    x = float(x)
    return theme.pct(x, 2 if unit == "share" and abs(x) < 0.1 else 1)


def _value(x: Any, unit: str) -> str:
    return _p(x, unit) if unit in ("share", "ratio") else _n(x)


def _signed(x: Any, fmt: Callable[[float], str] = _n) -> str:
    if not _finite(x):
        return "–"
    x = float(x)
    text = fmt(abs(x))
    if text.strip("0.,%") == "":
        return text
    return ("+" if x > 0 else "−") + text


def _diff(x: Any, unit: str, lang: str) -> str:
    """A difference: counts as ``+1,234``, rates in percentage points (``−0.62 pp``)."""
    if unit not in ("share", "ratio"):
        return _signed(x)
    if not _finite(x):
        return "–"
    points = abs(float(x)) * 100
    digits = 1 if points >= 10 else 2 if points >= 0.01 else 3
    text = t("report.pp", lang, value=f"{points:.{digits}f}")
    return text if points == 0 else ("+" if float(x) > 0 else "−") + text


def _signed_pct(pct_points: Any) -> str:
    """``53.52`` (percent points) → ``+53.5%``."""
    return _signed(pct_points, lambda v: f"{v:.1f}%")


def _cls(x: Any) -> str:
    return "" if not _finite(x) or float(x) == 0 else (" pos" if float(x) > 0 else " neg")


def _date(d: Any) -> str:
    return pd.Timestamp(d).strftime("%Y-%m-%d") if d is not None and not pd.isna(d) else "–"


def _label_of(row: Any, lang: str) -> str:
    return row["label_zh"] if _code(lang) == "zh" else row["label_en"]


_NUM = ' class="num"'


def _class(cls: str) -> str:
    cls = cls.strip()
    return f' class="{cls}"' if cls else ""


def _table(head: list[tuple[str, bool]], rows: list[list[tuple[str, str]]],
           row_attrs: list[str] | None = None) -> str:
    """``head``: (escaped text, numeric); ``rows``: cells as (escaped html, css class)."""
    out = ["<table><thead><tr>"]
    out += [f"<th{_NUM if num else ''}>{text}</th>" for text, num in head]
    out.append("</tr></thead><tbody>")
    for i, row in enumerate(rows):
        attrs = row_attrs[i] if row_attrs else ""
        out.append(f"<tr{attrs}>")
        out += [f"<td{_class(cls)}>{cell}</td>" for cell, cls in row]
        out.append("</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def _figure(fig: go.Figure, div_id: str) -> str:
    body = fig.to_html(full_html=False, include_plotlyjs=False, include_mathjax=False,
                       div_id=div_id, default_width="100%",
                       config={"displaylogo": False, "responsive": True})
    return f'<figure class="wb-figure">{body}</figure>'


def _status(status: str, lang: str) -> str:
    from workbench.review import status_label

    colour = charts.kpi_status_colour(status)
    return (f'<span class="status"><i style="background:{colour}"></i>'
            f"{_e(status_label(status, lang))}</span>")


# -- sections -------------------------------------------------------------------------------
def _overview(rv: CampaignReview, lang: str) -> str:
    code = _code(lang)
    out = []
    period = _t("period_value", lang, start=_date(rv.start), end=_date(rv.end), weeks=rv.weeks)
    facts = [(_t("fact.period", lang), period)]
    if rv.as_of != rv.end:
        facts.append((_t("fact.as_of", lang), _e(_date(rv.as_of))))
    facts.append((_t("fact.baseline", lang),
                  _t("range", lang, start=_date(rv.baseline_start), end=_date(rv.baseline_end))))
    sep = "、" if code == "zh" else ", "
    facts.append((_t("fact.platforms", lang),
                  _e(sep.join(level("platform", p, lang) for p in rv.platforms))))
    posts = rv.kpis.set_index("kpi")["actual"].get("posts", math.nan)
    facts.append((_t("fact.posts", lang), _n(posts)))
    facts.append((_t("fact.activities", lang), _n(len(rv.activities))))
    wp, wb = rv.wci_period.get("wci"), rv.wci_baseline.get("wci")
    version = rv.wci_period.get("version", "14.2")
    facts.append((_t("fact.wci", lang, version=version),
                  _t("wci_value", lang, period=theme.number(float(wp)) if _finite(wp) else "–",
                     base=theme.number(float(wb)) if _finite(wb) else "–")))
    out.append('<dl class="facts">' + "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in facts)
               + "</dl>")

    out.append(f"<h3>{_t('kpi.heading', lang)}</h3>")
    head = [(_t("kpi.kpi", lang), False), (_t("kpi.plan", lang), True),
            (_t("kpi.actual", lang), True), (_t("kpi.diff", lang), True),
            (_t("kpi.pct", lang), True), (_t("kpi.status", lang), False),
            (_t("kpi.basis", lang), False)]
    rows, attrs = [], []
    for _, r in rv.kpis.iterrows():
        unit = r["unit"]
        diff = _e(_diff(r["diff"], unit, lang))
        good = float(r["diff"]) * (1 if r["better"] == "higher" else -1) \
            if _finite(r["diff"]) else math.nan
        rows.append([(_e(_label_of(r, lang)), ""), (_value(r["plan"], unit), "num"),
                     (_value(r["actual"], unit), "num"), (diff, "num" + _cls(good)),
                     (_signed_pct(r["pct"]), "num" + _cls(good)),
                     (_status(r["status"], lang), ""),
                     (_t(f"basis.{r['plan_source']}", lang), "")])
        attrs.append(f' class="kpi" style="--c:{charts.kpi_status_colour(r["status"])}"')
    out.append(_table(head, rows, attrs))
    counts = rv.kpis["status"].value_counts()
    counted = _t("kpi.counts", lang, on=int(counts.get("on_track", 0)),
                 risk=int(counts.get("at_risk", 0)), off=int(counts.get("off_track", 0)))
    out.append(f"<p>{counted}</p>")
    out.append(f'<p class="note">{_t("kpi.rule", lang)}</p>')
    if rv.notes:
        out.append(f"<h3>{_t('notes', lang)}</h3><ul class=\"note\">"
                   + "".join(f"<li>{_e(n[1] if code == 'zh' else n[0])}</li>" for n in rv.notes)
                   + "</ul>")
    return "".join(out)


def _interpretation(rv: CampaignReview, lang: str, figs: dict[str, str]) -> str:
    out = []
    totals = rv.variance_by("platform", "reads").loc["total"]
    reads = _t("interp.reads", lang, plan=_n(totals["plan"]), actual=_n(totals["actual"]),
               diff=_signed(totals["diff"]), volume=_signed(totals["volume"]),
               rate=_signed(totals["rate"]))
    out.append(f"<p>{reads}</p>")
    out.append(f'<p class="note">{_t("interp.variance_rule", lang)}</p>')
    for name in ("plan_vs_actual", "plan_vs_actual_type", "waterfall"):
        out.append(figs.get(name, ""))
    out.append(f"<h3>{_t('interp.trends', lang)}</h3>")
    for name in ("trends", "trends_follows"):
        out.append(figs.get(name, ""))
    src = rv.trends.sources
    if len(src):
        out.append(f"<h3>{_t('interp.sources', lang)}</h3>")
        head = [(_t("col.source", lang), False), (_t("col.baseline", lang), True),
                (_t("col.period", lang), True), (_t("col.change", lang), True),
                (_t("col.share", lang), True)]
        rows = [[(_e(_label_of(r, lang)), ""), (_n(r["baseline"]), "num"),
                 (_n(r["actual"]), "num"), (_signed_pct(r["pct"]), "num" + _cls(r["pct"])),
                 (_p(r["share"]), "num")] for _, r in src.iterrows()]
        out.append(_table(head, rows))
    out.append(f"<h3>{_t('interp.wci', lang, version=rv.wci_period.get('version', '14.2'))}</h3>")
    out.append(figs.get("wci", ""))
    arts = rv.articles.head(TOP_ARTICLES)
    if len(arts):
        out.append(f"<h3>{_t('interp.articles', lang, n=len(arts))}</h3>")
        head = [("#", True), (_t("col.title", lang), False), (_t("col.platform", lang), False),
                (_t("col.type", lang), False), (_t("col.published", lang), False),
                (_t("col.reads", lang), True), (_t("col.vs_plan", lang), True),
                (_t("col.share_rate", lang), True), (_t("col.follows", lang), True)]
        rows = []
        for _, r in arts.iterrows():
            title = r["title"] if isinstance(r["title"], str) and r["title"] else r["article_id"]
            rows.append([(_n(r["rank"]), "num"), (_e(title), ""),
                         (_e(level("platform", str(r["platform"]), lang)), "cell"),
                         (_e(level("content_type", str(r["content_type"]), lang)), "cell"),
                         (_e(pd.Timestamp(r["publish_time"]).strftime("%Y-%m-%d %H:%M")),
                          "cell"),
                         (_n(r["reads"]), "num"),
                         (theme.times(float(r["reads_vs_plan"])) if _finite(r["reads_vs_plan"])
                          else "–", "num"),
                         (_p(r["share_rate"]), "num"), (_n(r["follows_after_read"]), "num")])
        out.append(_table(head, rows))
    return "".join(out)


def _problems(rv: CampaignReview, lang: str) -> str:
    out = []
    bad = rv.kpis[rv.kpis["status"].isin(["off_track", "at_risk"])]
    out.append(f"<h3>{_t('prob.kpis', lang)}</h3>")
    if len(bad):
        bad = bad.assign(_o=bad["status"].map({"off_track": 0, "at_risk": 1})).sort_values(
            ["_o", "attainment"], kind="stable")
        items = []
        for _, r in bad.iterrows():
            items.append(f"<li>{_status(r['status'], lang)} "
                         + _t("prob.kpi_line", lang, kpi=_label_of(r, lang),
                              actual=_value(r["actual"], r["unit"]),
                              plan=_value(r["plan"], r["unit"]), basis=t(
                                  f"report.basis_short.{r['plan_source']}", lang),
                              pct=_signed_pct(r["pct"]))
                         + "</li>")
        out.append("<ul>" + "".join(items) + "</ul>")
    else:
        out.append(f"<p>{_t('prob.none', lang)}</p>")

    out.append(f"<h3>{_t('prob.gaps', lang)}</h3>")
    out.append(f'<p class="note">{_t("prob.gaps_note", lang)}</p>')
    for metric in ("reads", "follows"):
        v = rv.variance[rv.variance["metric"] == metric]
        v = v.reindex(v["diff"].abs().sort_values(ascending=False, kind="stable").index)
        v = v.head(TOP_VARIANCE)
        if not len(v):
            continue
        out.append(f"<p><b>{_t(f'metric.{metric}', lang)}</b></p>")
        head = [(_t("col.cell", lang), False), (_t("col.plan_posts", lang), True),
                (_t("col.actual_posts", lang), True), (_t("col.plan", lang), True),
                (_t("col.actual", lang), True), (_t("col.diff", lang), True),
                (_t("col.volume", lang), True), (_t("col.rate", lang), True)]
        rows = []
        for _, r in v.iterrows():
            cell = (f"{_e(level('platform', r['platform'], lang))} · "
                    f"{_e(level('content_type', r['content_type'], lang))}")
            if r["plan_source"] != "plan":
                cell += f' <span class="note">({_t("prob.unplanned", lang)})</span>'
            rows.append([(cell, "cell"), (_n(r["plan_posts"]), "num"),
                         (_n(r["actual_posts"]), "num"), (_n(r["plan"]), "num"),
                         (_n(r["actual"]), "num"), (_signed(r["diff"]), "num" + _cls(r["diff"])),
                         (_signed(r["volume"]), "num" + _cls(r["volume"])),
                         (_signed(r["rate"]), "num" + _cls(r["rate"]))])
        out.append(_table(head, rows))

    an = rv.trends.anomalies
    cur = an[an["in_period"].astype(bool)] if len(an) else an
    out.append(f"<h3>{_t('prob.anomalies', lang)}</h3>")
    if len(cur):
        head = [(_t("col.date", lang), False), (_t("col.series", lang), False),
                (_t("col.kind", lang), False), (_t("col.value", lang), True),
                (_t("col.expected", lang), True), (_t("col.marks", lang), False)]
        marks_col = "marks_zh" if _code(lang) == "zh" else "marks_en"
        rows = [[(_e(_date(r["date"])), ""), (_e(_label_of(r, lang)), ""),
                 (_t(f"anomaly.{r['kind']}", lang), "neg" if r["kind"] == "drop" else "pos"),
                 (_n(r["value"]), "num"), (_n(r["expected"]), "num"),
                 (_e(r[marks_col]), "")] for _, r in cur.iterrows()]
        out.append(_table(head, rows))
    else:
        out.append(f"<p>{_t('prob.no_anomalies', lang)}</p>")
    before = len(an) - len(cur)
    if before:
        out.append(f'<p class="note">{_t("prob.anomalies_before", lang, n=before)}</p>')

    acts = rv.activities
    out.append(f"<h3>{_t('prob.activities', lang)}</h3>")
    if len(acts):
        head = [(_t("col.activity", lang), False), (_t("col.type", lang), False),
                (_t("col.start", lang), False), (_t("col.participants", lang), True),
                (_t("col.cost", lang), True), (_t("col.value_cny", lang), True),
                (_t("col.roi", lang), True), (_t("col.cost_per_follow", lang), True)]
        rows = []
        for _, r in acts.iterrows():
            name = r["name"] if isinstance(r["name"], str) and r["name"] else r["activity_id"]
            rows.append([(_e(name), ""),
                         (_e(level("activity_type", str(r["activity_type"]), lang)), ""),
                         (_e(_date(r["start_date"])), ""), (_n(r["participants"]), "num"),
                         (_n(r["cost"]), "num"), (_n(r["value"]), "num"),
                         (_p(r["roi"], "ratio"), "num" + _cls(r["roi"])),
                         (_n(r["cost_per_follow"]), "num")])
        out.append(_table(head, rows))
        losing = int((acts["roi"].astype(float) < 0).sum())
        if losing:
            out.append(f"<p>{_t('prob.losing', lang, n=losing, total=len(acts))}</p>")
    else:
        out.append(f"<p>{_t('prob.no_activities', lang)}</p>")
    return "".join(out)


def _recommendations(rv: CampaignReview, lang: str) -> str:
    if not rv.recommendations:
        return f"<p>{_t('recs.none', lang)}</p>"
    return '<ol class="recs">' + "".join(f"<li>{_e(r.text(lang))}</li>"
                                         for r in rv.recommendations) + "</ol>"


def _implied(rv: CampaignReview, metric: str) -> tuple[float, float]:
    """(planned, implied by the calibrated rates) ``metric`` at the plan's own mix."""
    content = rv.calibrated.content
    v = rv.variance[(rv.variance["metric"] == metric) & (rv.variance["plan_posts"] > 0)]
    plan = float(v["plan"].sum())
    implied = 0.0
    for _, r in v.iterrows():
        cell = content.get(f"{r['platform']}/{r['content_type']}")
        factor = float(cell["factor"].get(metric, 1.0)) if cell else 1.0
        implied += float(r["plan"]) * (factor if math.isfinite(factor) else 1.0)
    return plan, implied


def _forecast(rv: CampaignReview, lang: str, figs: dict[str, str]) -> str:
    code = _code(lang)
    out = [f"<h3>{_t('fc.impact', lang)}</h3>"]
    imp = rv.impact
    if imp.available:
        items = []
        for _, r in imp.summary.iterrows():
            key = "fc.lift_clear" if bool(r["clear"]) else "fc.lift_unclear"
            items.append("<li>" + _t(key, lang, metric=_label_of(r, lang), actual=_n(r["actual"]),
                                     cf=_n(r["counterfactual"]), lift=_signed(r["lift"]),
                                     relative=_signed_pct(100 * float(r["relative"]))
                                     if _finite(r["relative"]) else "–",
                                     low=_signed(r["low"]), high=_signed(r["high"])) + "</li>")
        out.append("<ul>" + "".join(items) + "</ul>")
    else:
        out.append(f"<p>{_t('fc.no_impact', lang)}</p>")
    notes = [n[1] if code == "zh" else n[0] for n in imp.notes]
    method = imp.method.get(code, "")
    out.append(f'<p class="note">{_e(method)}</p>')
    out += [f'<p class="note">{_e(n)}</p>' for n in notes]
    out.append(figs.get("counterfactual", ""))
    out.append(figs.get("counterfactual_reads", ""))

    out.append(f"<h3>{_t('fc.calibrated', lang)}</h3>")
    weeks = max(rv.weeks, 1)
    lines = []
    for metric in ("reads", "follows"):
        plan, implied = _implied(rv, metric)
        if plan > 0:
            lines.append("<li>" + _t("fc.implied", lang, metric=t(f"report.metric.{metric}",
                                                                  lang),
                                     implied=_n(implied), plan=_n(plan),
                                     weekly=_n(implied / weeks),
                                     change=_signed_pct(100 * (implied / plan - 1)),
                                     weeks=weeks) + "</li>")
    if lines:
        out.append("<ul>" + "".join(lines) + "</ul>")
    rule = _t("fc.calibrated_rule", lang, prior=_n(rv.calibrated.prior_posts))
    out.append(f'<p class="note">{rule}</p>')
    cells = list(rv.calibrated.content.values())
    cells.sort(key=lambda c: -abs(math.log(c["factor"]["reads"]))
               if _finite(c["factor"].get("reads")) and c["factor"]["reads"] > 0 else 0)
    if cells:
        head = [(_t("col.cell", lang), False), (_t("col.actual_posts", lang), True),
                (_t("col.weight", lang), True), (_t("col.plan_rpp", lang), True),
                (_t("col.actual_rpp", lang), True), (_t("col.calibrated_rpp", lang), True),
                (_t("col.factor_reads", lang), True), (_t("col.factor_follows", lang), True)]
        rows = []
        for c in cells[:TOP_CALIBRATED]:
            cell = (f"{_e(level('platform', c['platform'], lang))} · "
                    f"{_e(level('content_type', c['content_type'], lang))}")
            rows.append([(cell, "cell"), (_n(c["posts"]), "num"), (_p(c["weight"], "ratio"), "num"),
                         (_n(c["plan"]["reads_per_post"]), "num"),
                         (_n(c["actual"]["reads_per_post"]), "num"),
                         (_n(c["calibrated"]["reads_per_post"]), "num"),
                         (theme.times(float(c["factor"]["reads"])), "num"),
                         (theme.times(float(c["factor"]["follows"])), "num")])
        out.append(_table(head, rows))
    acts = rv.calibrated.activities
    if acts:
        head = [(_t("col.activity_type", lang), False), (_t("col.activities", lang), True),
                (_t("col.participation", lang), True), (_t("col.conversion", lang), True),
                (_t("col.follow_rate", lang), True), (_t("col.prior", lang), False)]
        rows = []
        for kind, a in acts.items():
            def rate(k, a=a):
                return (f"{_p(a['prior'].get(k))} → <b>{_p(a['calibrated'].get(k))}</b>")
            rows.append([(_e(level("activity_type", kind, lang)), ""),
                         (_n(a["activities"]), "num"), (rate("participation_rate"), "num"),
                         (rate("conversion_rate"), "num"), (rate("follow_rate"), "num"),
                         (_t(f"prior.{a['prior_source']}", lang), "")])
        out.append(f"<p>{_t('fc.funnels', lang)}</p>")
        out.append(_table(head, rows))
    out.append(f"<h3>{_t('fc.roi', lang)}</h3>")
    out.append(figs.get("calibration", ""))
    return "".join(out)


def _summary(rv: CampaignReview, lang: str) -> str:
    text = rv.summary.get(_code(lang)) or rv.summary.get("en", "")
    return f'<p class="summary">{_e(text)}</p>'


# -- the report -----------------------------------------------------------------------------
def _figures(rv: CampaignReview, lang: str, given: Mapping[str, Any] | None) -> dict[str, str]:
    given = dict(given or {})
    unknown = sorted(set(given) - set(FIGURES))
    if unknown:
        raise ValueError(f"unknown report figure(s) {', '.join(unknown)}; "
                         f"choose from {', '.join(FIGURES)}")
    out = {}
    for i, (name, build) in enumerate(FIGURES.items()):
        fig = given[name] if name in given else build(rv, lang)
        if fig is None:
            continue
        if not isinstance(fig, go.Figure):      # a FigureWidget: its data, without the widget
            fig = go.Figure(fig.to_dict())
        out[name] = _figure(fig, f"wb-report-{i + 1}")
    return out


def html(review: CampaignReview, lang: str = "en", title: str | None = None,
         figures: Mapping[str, go.Figure | None] | None = None) -> str:
    """The review as a self-contained, offline HTML report for the review meeting.

    Parameters
    ----------
    review : a :class:`workbench.review.CampaignReview`.
    lang : ``"en"`` or ``"zh"`` (headings, labels, the model's texts).
    title : the report's title (user text, escaped); default "Campaign review <start> – <end>".
    figures : replace some of the charts, ``{name: figure}`` with ``name`` in :data:`FIGURES`
        (e.g. the figures on screen, as the user set them up); ``{name: None}`` leaves one out.

    Returns
    -------
    str
        One HTML document: sections 1-6 (:data:`SECTIONS`), plotly.js inlined once, CSS
        inline, no external URL; about 5 MB (plotly.js is 4.8 MB of it).

    Raises
    ------
    ValueError
        An unknown figure name.

    Examples
    --------
    >>> text = html(rv, lang="zh", title="双11复盘")                         # doctest: +SKIP
    """
    code = _code(lang)
    figs = _figures(review, code, figures)
    if title is None:
        title = t("report.title", code, start=_date(review.start), end=_date(review.as_of))
    builders = {
        "overview": lambda: _overview(review, code),
        "interpretation": lambda: _interpretation(review, code, figs),
        "problems": lambda: _problems(review, code),
        "recommendations": lambda: _recommendations(review, code),
        "forecast": lambda: _forecast(review, code, figs),
        "summary": lambda: _summary(review, code),
    }
    body = []
    for i, key in enumerate(SECTIONS, start=1):
        body.append(f'<section id="{key}"><h2>{_t(f"section.{key}", code, n=i)}</h2>'
                    f"{builders[key]()}</section>")
    css = _CSS % {"text": theme.TEXT_COLOUR, "muted": theme.MUTED_TEXT,
                  "grid": theme.GRID_COLOUR, "accent": charts.ACTUAL_COLOUR,
                  "font": theme.FONT_FAMILY, "pad": _SCREEN_PADDING_PX}
    generated = dt.datetime.now().strftime("%Y-%m-%d %H:%M")
    meta = _t("meta", code, start=_date(review.start), end=_date(review.end),
              generated=generated)
    return "".join([
        "<!DOCTYPE html>\n",
        f'<html lang="{"zh-CN" if code == "zh" else "en"}"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(title)}</title><style>{css}</style>",
        '<script type="text/javascript">', plotly.offline.get_plotlyjs(), "</script>",
        "</head><body>",
        f'<header><h1>{_e(title)}</h1><p class="meta">{meta}</p></header>',
        "".join(body),
        f'<footer>{_t("footer", code, generated=generated)}</footer>',
        "</body></html>\n",
    ])


# -- PDF ------------------------------------------------------------------------------------
def pdf(html_text: str, *, timeout: float = PDF_TIMEOUT,
        budget_ms: int = PDF_BUDGET_MS) -> bytes | None:
    """Print an HTML report to PDF (A4) with headless Chromium.

    Parameters
    ----------
    html_text : the page, e.g. from :func:`html`.
    timeout : seconds before Chromium is stopped (``TimeoutError``).
    budget_ms : virtual time the page's scripts get before printing (charts drawn).

    Returns
    -------
    bytes or None
        The PDF (starts with ``b"%PDF"``); ``None`` when Chromium is not installed
        (:data:`workbench.runtime.chromium.CHROMIUM`).

    Raises
    ------
    RuntimeError
        Chromium ran but wrote no PDF (its last output lines say why).
    TimeoutError
        It took longer than ``timeout``.
    """
    if not chromium.CHROMIUM.exists():
        return None
    with tempfile.TemporaryDirectory(prefix="wb-report-") as tmp:
        page = Path(tmp) / "report.html"
        out = Path(tmp) / "report.pdf"
        page.write_text(html_text, encoding="utf-8")
        args = [a for a in chromium.CHROMIUM_ARGS if not a.startswith("--headless")]
        cmd = [str(chromium.CHROMIUM), "--headless=new", *args,
               f"--user-data-dir={Path(tmp) / 'profile'}",
               f"--window-size={PRINT_WIDTH_PX + 2 * _SCREEN_PADDING_PX},1100", "--hide-scrollbars",
               "--no-pdf-header-footer", "--run-all-compositor-stages-before-draw",
               f"--virtual-time-budget={int(budget_ms)}", f"--print-to-pdf={out}",
               page.as_uri()]
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                start_new_session=True)
        try:
            _, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired as err:
            _kill_group(proc)
            raise TimeoutError(
                f"Chromium did not print the report within {timeout:.0f} s") from err
        finally:
            _kill_group(proc)       # helpers Chromium left behind
        if not out.exists() or out.stat().st_size == 0:
            tail = "\n".join(err.decode("utf-8", "replace").strip().splitlines()[-5:])
            raise RuntimeError(f"Chromium wrote no PDF (exit {proc.returncode}): {tail}")
        return out.read_bytes()


def _kill_group(proc: subprocess.Popen) -> None:
    """Stop the process group this module started (only that one)."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:  # pragma: no cover
        pass

