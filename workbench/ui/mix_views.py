"""Page 02's HTML views: the KPI cards of a weekly plan and the publishing calendar (weeks of
items with their slot, type, owner, status and, once published, their reads). Built as text
(escaped), drawn by :class:`workbench.ui.mix.MixDashboard`."""

from __future__ import annotations

import datetime as dt
import html

import pandas as pd

from workbench import fmt
from workbench import mix as mix_lib
from workbench.charts.mix import TYPE_COLOURS, types_shown
from workbench.i18n import level, t


def kpis_html(plan, baseline: dict | None, lang: str) -> str:
    """Expected weekly reads, engagement, new follows and conversions with their 80 % range,
    and the change against the baseline plan when one is chosen."""
    base = {}
    if baseline:
        base = {m: float(v["expected"]) for m, v in (baseline.get("kpi_targets") or {}).items()}
    cards = []
    posts = int(plan.posts.to_numpy().sum())
    for metric in ("reads", "engagement", "follows", "conversions"):
        row = plan.expected.loc[metric]
        delta = ""
        if metric in base and base[metric] > 0:
            change = row.expected / base[metric] - 1
            tone = "up" if change >= 0 else "down"
            sign = "+" if change >= 0 else fmt.MINUS
            vs = t("mix.kpi.vs_baseline", lang, change=sign + fmt.pct(abs(change), 0))
            delta = (f'<div class="wb-kpi-delta wb-kpi-delta--{tone}">'
                     f'{html.escape(vs)}</div>')
        low, high = fmt.count(row.low, lang), fmt.count(row.high, lang)
        cards.append(
            f'<div class="wb-kpi" data-kpi="{metric}">'
            f'<div class="wb-kpi-label">{html.escape(t(f"mix.kpi.{metric}", lang))}</div>'
            f'<div class="wb-kpi-value">{fmt.count(row.expected, lang)}</div>'
            f'<div class="wb-kpi-note">{html.escape(t("mix.kpi.range", lang, low=low, high=high))}'
            "</div>"
            f"{delta}</div>")
    usage = plan.usage.set_index("group")
    hours = usage.loc["team_hours"] if "team_hours" in usage.index else None
    if isinstance(hours, pd.DataFrame):
        hours = hours.iloc[0]
    budget = usage.loc["budget"] if "budget" in usage.index else None
    if isinstance(budget, pd.DataFrame):
        budget = budget.iloc[0]
    use = []
    if hours is not None:
        use.append(t("mix.kpi.hours", lang, used=f"{hours.used:,.1f}",
                     total=f"{hours.upper:,.0f}"))
    if budget is not None:
        use.append(t("mix.kpi.budget", lang, used=f"{budget.used:,.0f}",
                     total=f"{budget.upper:,.0f}"))
    cards.append(
        f'<div class="wb-kpi" data-kpi="posts">'
        f'<div class="wb-kpi-label">{html.escape(t("mix.kpi.posts", lang))}</div>'
        f'<div class="wb-kpi-value">{posts}</div>'
        f'<div class="wb-kpi-note">{"<br>".join(html.escape(u) for u in use)}</div></div>')
    return f'<div class="wb-kpis">{"".join(cards)}</div>'


def _published_html(match: dict | None, lang: str) -> str:
    if not match:
        return ""
    reads = fmt.count(match["reads"], lang) if match.get("reads") is not None else "–"
    return (f'<br><span class="wb-chip-published">'
            f'{html.escape(t("mix.published_as", lang, title=match["title"], reads=reads))}'
            "</span>")


def calendar_html(cal, lang: str, records: list[dict] | None = None,
                  published: dict | None = None) -> str:
    """The calendar as week grids: a column a day, a chip per post (time, platform, slot, type,
    topic, owner, review status), holidays and festivals in the day's header (``records``:
    ``cal.frame(lang)`` as records, when the caller has them; ``published``: the items the
    team's articles show as published, :meth:`Calendar.published`)."""
    published = published or {}
    if records is None:
        records = cal.frame(lang).to_dict("records")
    if not records:
        return ""
    by_day: dict[str, list[dict]] = {}
    for r in records:
        by_day.setdefault(r["date"], []).append(r)
    marks = {str(day): [m.label(lang) if hasattr(m, "label") else str(m) for m in entries]
             for day, entries in (cal.marks or {}).items()}
    first = dt.date.fromisoformat(min(by_day))
    last = dt.date.fromisoformat(max(by_day))
    day = first - dt.timedelta(days=first.weekday())
    status_names = {s: html.escape(t(f"mix.status.{s}", lang)) for s in mix_lib.STATUSES}
    weeks = []
    while day <= last:
        cols = []
        for i in range(7):
            d = day + dt.timedelta(days=i)
            key = d.isoformat()
            chips = "".join(
                f'<div class="wb-chip wb-chip--{html.escape(r["status"])}" '
                f'style="border-left-color:{TYPE_COLOURS.get(r["content_type"], "#999")}" '
                f'data-item="{html.escape(r["item_id"])}">'
                f'<b>{html.escape(r["time"])}</b> {html.escape(r["platform_label"])}'
                f"{' · ' + html.escape(r['slot']) if r['platform'] == 'wechat' else ''}"
                f'<br>{html.escape(r["content_type_label"])}'
                f"{'<br><i>' + html.escape(r['topic']) + '</i>' if r.get('topic') else ''}"
                f"{'<br>' + html.escape(r['owner']) if r.get('owner') else ''}"
                f"{_published_html(published.get(r['item_id']), lang)}"
                f'<span class="wb-chip-status">'
                f'{status_names["published" if r["item_id"] in published else r["status"]]}'
                "</span></div>"
                for r in sorted(by_day.get(key, []), key=lambda r: r["time"]))
            mark = "".join(f'<div class="wb-mark">{html.escape(m)}</div>'
                           for m in marks.get(key, []))
            cols.append(f'<div class="wb-day"><div class="wb-day-head">'
                        f'{html.escape(t(f"mix.weekday.{i}", lang))} {d.month}/{d.day}</div>'
                        f"{mark}{chips}</div>")
        weeks.append(f'<div class="wb-week">{"".join(cols)}</div>')
        day += dt.timedelta(days=7)
    legend = "".join(f'<span class="wb-legend-item"><i style="background:{TYPE_COLOURS[kind]}">'
                     f'</i>{html.escape(level("content_type", kind, lang))}</span>'
                     for kind in types_shown(r["content_type"] for r in records))
    warnings = "".join(f'<p class="wb-note">{html.escape(zh if lang == "zh" else en)}</p>'
                       for en, zh in list(cal.warnings) + list(cal.notes))
    return f'<div class="wb-legend">{legend}</div>{"".join(weeks)}{warnings}'


