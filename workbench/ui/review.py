"""The campaign-review dashboard: plan against actual, why they differ, what to change.

:class:`ReviewModel` holds the page's state (the plan under review, the data, the last review)
and calls :mod:`workbench.review`; :class:`ReviewDashboard` builds the widgets once. Saving
the review puts its calibrated rates in the store, where the content-mix and ROI pages offer
them as "use the last review" (the closed loop). A test drives it without a browser::

    >>> page = ReviewDashboard(lang="en")                       # doctest: +SKIP
    >>> page.model.review.kpis.set_index("kpi").loc["reads", "status"]   # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
import html
import logging
import threading
import time

import ipywidgets as w
import pandas as pd
import traitlets as tl

from workbench import fmt
from workbench import review as review_lib
from workbench.charts import review as charts
from workbench.errors import InputError, inline
from workbench.i18n import level, t
from workbench.ui.downloads import Downloads
from workbench.ui.shell import TEAM, DataPreview, Header, Page, read_failure
from workbench.ui.sources import status_html
from workbench.ui.slots import ChartSlot

log = logging.getLogger(__name__)

STORE_KIND = "review"
PLAN_KIND = "mix_plan"
DEMO = "__demo__"
DEMO_WEEKS = 6
MANUAL = ("collaboration", "ability", "attitude", "conduct")


def demo_start(daily_users: pd.DataFrame | None, weeks: int = DEMO_WEEKS) -> dt.date | None:
    """The Monday ``weeks`` weeks before the end of the follower data (the demo's period)."""
    if daily_users is None or "date" not in daily_users or daily_users["date"].isna().all():
        return None
    last = pd.Timestamp(daily_users["date"].max()).date()
    start = last - dt.timedelta(days=7 * weeks - 1)
    return start - dt.timedelta(days=start.weekday())


class ReviewModel(tl.HasTraits):
    """State of the review page; every number on screen comes from here.

    Traits
    ------
    daily_users, articles, activities : the actual data (exports or the sample).
    plan : the plan under review (a content-mix plan payload).
    plan_name : its name in the store, or ``"__demo__"`` for the back-tested demo plan.
    review : the last review (kept when new data cannot be reviewed).
    error : ``{"en", "zh"}`` of the last problem, ``{}`` when fine.
    """

    daily_users = tl.Instance(pd.DataFrame, allow_none=True)
    articles = tl.Instance(pd.DataFrame, allow_none=True)
    activities = tl.Instance(pd.DataFrame, allow_none=True)
    plan = tl.Dict(allow_none=True, default_value=None)
    plan_name = tl.Unicode(DEMO)
    #: review the plan over other dates: the first day (``None``: the plan's own) and weeks
    start = tl.Instance(dt.date, allow_none=True)
    weeks = tl.Int(DEMO_WEEKS, min=1, max=52)
    #: KPI targets entered by hand (``review.check_goals``): the KPI table's plan
    targets = tl.Dict()
    review = tl.Instance(review_lib.CampaignReview, allow_none=True)
    error = tl.Dict()

    def __init__(self, **kwargs):
        self._ready = False  # the data given here is reviewed once, not once per trait
        super().__init__(**kwargs)
        self._ready = True
        self.run()

    @tl.observe("daily_users", "articles", "activities", "plan", "start", "weeks", "targets")
    def _on_inputs(self, change) -> None:
        if self._ready:
            self.run()

    def demo_plan(self) -> dict | None:
        """The plan the team would have made from the history before the demo period."""
        start = demo_start(self.daily_users)
        if start is None or self.articles is None:
            return None
        return review_lib.backtest_plan(self.articles, start.isoformat(), weeks=DEMO_WEEKS)

    def run(self) -> None:
        if self.daily_users is None or self.articles is None:
            return
        try:
            plan = self.plan if self.plan is not None else self.demo_plan()
            if plan is None:
                return
            period = ({"start": self.start.isoformat(), "weeks": int(self.weeks)}
                      if self.start is not None else {})
            result = review_lib.review(plan, self.daily_users, self.articles, self.activities,
                                       targets=dict(self.targets), **period)
        except review_lib.NotYet as err:  # news, not a fault: the plan has not started
            self.error = {"en": err.en, "zh": err.zh, "level": "info"}
            return
        except InputError as err:
            self.error = {"en": err.en, "zh": err.zh}
            return
        except Exception as err:  # a bug: logged in full, said in a sentence
            log.exception("the review failed")
            self.error = {"en": f"The review failed: {err}.", "zh": f"复盘计算失败：{err}。"}
            return
        self.error = {}
        self.review = result


class ReviewDashboard(Page):
    """The review page: plan picker, KPIs, charts, recommendations, scorecard, report, save.

    Parameters
    ----------
    lang : ``"en"`` or ``"zh"``.
    store : a :class:`workbench.store.ScenarioStore`; the default one when omitted.
    """

    def __init__(self, lang: str | None = None, store=None):
        self._store = store
        self.header = Header("page.campaign_review.title", lang=lang,
                             subtitle_key="page.campaign_review.purpose",
                             data_kinds=("daily_users", "articles", "activities"),
                             workspace=lambda: self.workspace)
        self.previews = [DataPreview(self.header.source(k))
                         for k in ("daily_users", "articles", "activities")]
        self.preview_panel = w.Accordion(children=[w.VBox([p.widget for p in self.previews])],
                                         selected_index=None)
        sources = {k: self.header.source(k) for k in ("daily_users", "articles", "activities")}
        self.model = ReviewModel(**{kind: source.data for kind, source in sources.items()})
        for kind, source in sources.items():
            source.observe(lambda change, kind=kind: setattr(self.model, kind, change.new),
                           names="data")

        self.plan_pick = w.Dropdown(layout=w.Layout(width="520px"),
                                    style={"description_width": "initial"})
        self.plan_pick.observe(self._on_plan, names="value")
        self.plans_note = w.HTML()  # the saved plans could not be read: said here
        # review over other dates (a plan not started yet, a period of the team's choosing)
        self.other_dates = w.Checkbox(value=False, indent=False, layout=w.Layout(width="auto"))
        self.period_start = w.DatePicker(layout=w.Layout(width="260px"),
                                         style={"description_width": "initial"})
        self.period_weeks = w.IntSlider(value=DEMO_WEEKS, min=1, max=12,
                                        continuous_update=False,
                                        layout=w.Layout(width="300px"),
                                        style={"description_width": "initial"})
        for box in (self.other_dates, self.period_start, self.period_weeks):
            box.observe(self._on_period, names="value")
        # KPI targets entered by hand: counts a week, rates in %
        self.targets = {k: w.Text(continuous_update=False, layout=w.Layout(width="360px"),
                                  style={"description_width": "200px"})
                        for k in review_lib.GOAL_KPIS}
        for box in self.targets.values():
            box.observe(self._on_targets, names="value")
        self.save_targets_button = w.Button(icon="save", layout=w.Layout(width="auto"))
        self.save_targets_button.on_click(lambda _: self.save_targets())
        self.targets_note = w.HTML()
        self.targets_panel = w.Accordion(children=[w.VBox([
            self.targets_note, *self.targets.values(), self.save_targets_button])],
            selected_index=None)
        self.present = w.ToggleButton(icon="television", layout=w.Layout(width="auto"))
        self.present.add_class("wb-present-toggle")
        self.present.observe(self._on_present, names="value")
        self.status = w.HTML()
        self.summary = w.HTML()
        self.kpis = w.HTML()
        self.by = w.ToggleButtons(style={"button_width": "110px"})
        self.metric = w.ToggleButtons(style={"button_width": "110px"})
        self.trend_metric = w.Dropdown(layout=w.Layout(width="260px"))
        self.freq = w.ToggleButtons(style={"button_width": "90px"})
        self.freq.add_class("wb-trend-freq")
        for box in (self.by, self.metric):
            box.observe(self._draw_comparison, names="value")
        for box in (self.trend_metric, self.freq):
            box.observe(self._draw_trends, names="value")
        # every chart the page's full width: side by side, 520 px each, their names and
        # captions were cut at 1280-1440 px (the report draws them at its print width)
        self.charts = {name: ChartSlot(1040) for name in (
            "plan_vs_actual", "waterfall", "trends", "counterfactual", "wci", "calibration")}
        self.leaderboard = w.HTML()
        self.recommendations = w.HTML()
        self.manual = {k: w.IntSlider(value=80, min=0, max=100, continuous_update=False,
                                      layout=w.Layout(width="340px"),
                                      style={"description_width": "140px"}) for k in MANUAL}
        for slider in self.manual.values():
            slider.observe(self._draw_scorecard, names="value")
        self.scorecard = w.HTML()
        self.save_name = w.Text(layout=w.Layout(width="240px"))
        self.save_button = w.Button(icon="save", layout=w.Layout(width="auto"))
        self.save_button.on_click(lambda _: self.save())
        self.report_button = w.Button(icon="file-text", layout=w.Layout(width="auto"))
        self.report_button.on_click(lambda _: self.export_report())
        self.pdf_button = w.Button(icon="file-pdf-o", layout=w.Layout(width="auto"))
        self.pdf_button.on_click(lambda _: self.export_pdf())
        self.save_status = w.HTML()
        self.downloads = Downloads()
        self.titles = {key: w.HTML() for key in (
            "kpis", "why", "trends", "impact", "articles", "recommendations", "scorecard",
            "save")}

        sections = [
            w.VBox([self.titles["kpis"], self.summary, self.kpis]),
            w.VBox([self.titles["why"], _controls(w.HBox([self.by, self.metric])),
                    w.HBox([self.charts["plan_vs_actual"].box, self.charts["waterfall"].box],
                           layout=w.Layout(flex_flow="row wrap"))]),
            w.VBox([self.titles["trends"], _controls(w.HBox([self.trend_metric, self.freq])),
                    self.charts["trends"].box]),
            w.VBox([self.titles["impact"], self.charts["counterfactual"].box,
                    w.HBox([self.charts["wci"].box, self.charts["calibration"].box],
                           layout=w.Layout(flex_flow="row wrap"))]),
            w.VBox([self.titles["articles"], self.leaderboard]),
            w.VBox([self.titles["recommendations"], self.recommendations]),
            w.VBox([self.titles["scorecard"],
                    w.HBox([w.VBox(list(self.manual.values())), self.scorecard],
                           layout=w.Layout(flex_flow="row wrap", grid_gap="8px 24px"))]),
        ]
        for section in sections:
            section.add_class("wb-review-section")
        _controls(sections[-1])                     # the scorecard's sliders: not for a meeting
        pick_row = w.HBox([self.plan_pick, self.present], layout=w.Layout(
            align_items="center", flex_flow="row wrap", grid_gap="4px 16px"))
        for kept in (self.header.widget, pick_row):  # the meeting view keeps the title, the
            kept.add_class("wb-meeting-keep")          # toggle and the sections alone
        self.widget = w.VBox([
            self.header.widget, self.preview_panel, pick_row,
            w.HBox([self.other_dates, self.period_start, self.period_weeks], layout=w.Layout(
                align_items="center", flex_flow="row wrap", grid_gap="4px 16px")),
            self.targets_panel,
            self.plans_note, self.status, *sections,
            self.titles["save"],
            w.HBox([self.save_name, self.save_button, self.report_button, self.pdf_button],
                   layout=w.Layout(flex_flow="row wrap", grid_gap="4px 8px")),
            self.save_status, self.downloads,
        ])
        self.widget.add_class("wb-page")
        self.model.observe(self._redraw, names="review")
        self.model.observe(self._show_status, names=["error", "review"])
        self.header.model.observe(self._relabel, names="lang")
        # the back-tested plan's date and name follow the follower data
        self.header.source("daily_users").observe(lambda _: self._fill_plans(), names="data")
        self._relabel()
        # unsaved work survives a kernel restart (workbench.ui.drafts)
        self.start_drafts(STORE_KIND, self._draft_fields(), name=self.save_name)
        self.start_scenarios(STORE_KIND, lambda: self.model.review.to_payload()
                             if self.model.review is not None else None, self.save_name)

    def _draft_fields(self) -> dict:
        """What a draft keeps of this page: the plan reviewed, the views chosen, the
        scorecard's hand-entered ratings and the name to save under."""
        return {"plan": self.plan_pick, "other_dates": self.other_dates,
                "period_start": self.period_start, "period_weeks": self.period_weeks,
                **{f"target.{k}": box for k, box in self.targets.items()},
                "by": self.by, "metric": self.metric,
                "trend_metric": self.trend_metric, "freq": self.freq,
                **{f"manual.{k}": s for k, s in self.manual.items()}, "name": self.save_name}

    # -- language ----------------------------------------------------------------------------
    def _relabel(self, change=None) -> None:
        lang = self.lang
        self.preview_panel.set_title(0, t("preview.title", lang))
        self.plan_pick.description = t("review.plan", lang)
        self._fill_plans()
        self.other_dates.description = t("review.other_dates", lang)
        self.period_start.description = t("review.period_start", lang)
        self.period_weeks.description = t("review.period_weeks", lang)
        self.targets_panel.set_title(0, t("review.targets", lang))
        self.targets_note.value = (f'<p class="wb-note">'
                                   f'{html.escape(t("review.targets_help", lang))}</p>')
        for key, box in self.targets.items():
            label = review_lib.KPIS[[k[0] for k in review_lib.KPIS].index(key)]
            name = label[2] if lang == "zh" else label[1]
            box.description = t("review.target_rate" if key in review_lib.GOAL_RATES
                                else "review.target_week" if key != "cumulative_follows"
                                else "review.target_level", lang, kpi=name)
            box.placeholder = t("review.target_none", lang)
        self.save_targets_button.description = t("review.save_targets", lang)
        self._show_period()
        self.present.description = t("review.present_exit" if self.present.value
                                     else "review.present", lang)
        self._set_options(self.by, [(t(f"review.by.{b}", lang), b)
                                    for b in ("platform", "content_type")])
        self._set_options(self.metric, [(t(f"chart.mix.metric.{m}", lang), m)
                                        for m in ("reads", "follows")])
        self._set_options(self.trend_metric, [(t(f"review.trend.{m}", lang), m)
                                              for m in charts.TREND_METRICS])
        self._set_options(self.freq, [(t(f"review.freq.{f}", lang), f) for f in charts.FREQS])
        for key, slider in self.manual.items():
            slider.description = review_lib.part_label(key, lang, weight=True)  # as the table
        self.save_name.placeholder = t("review.save_name", lang)
        self.save_button.description = t("review.save", lang)
        self.report_button.description = t("review.report", lang)
        self.pdf_button.description = t("review.pdf", lang)
        for key, widget in self.titles.items():
            widget.value = (f'<h3 class="wb-section">'
                            f'{html.escape(t(f"review.section.{key}", lang))}</h3>')
        self._show_status()
        self._redraw()

    @staticmethod
    def _set_options(box, options) -> None:
        value = box.value
        box.options = options
        values = [v for _, v in options]
        box.value = value if value in values else values[0]

    # -- plans ---------------------------------------------------------------------------------
    def reread_saved(self) -> None:
        self._fill_plans()

    def _fill_plans(self) -> None:
        lang = self.lang
        start = demo_start(self.model.daily_users)
        # on the team's data the "demo" plan is a back-test of the team's own history
        team = self.header.source("daily_users").source == TEAM
        demo = t("review.backtest" if team else "review.demo", lang,
                 start=start.isoformat() if start else "?", weeks=DEMO_WEEKS)
        try:
            saved = [row.name for row in self.store.list(PLAN_KIND)]
        except Exception as err:  # the demo still reviews; the page says the store failed
            self._plans_failure = read_failure(err, "store.what.plans")
            saved = []
        else:
            self._plans_failure = None
        self._show_plans_note()
        value = self.plan_pick.value
        self._filling = True
        try:
            self.plan_pick.options = [(demo, DEMO)] + [(name, name) for name in saved]
            self.plan_pick.value = value if value in {DEMO, *saved} else DEMO
        finally:
            self._filling = False

    _filling = False
    _plans_failure: dict[str, str] | None = None

    def _show_plans_note(self) -> None:
        failure = self._plans_failure
        self.plans_note.value = "" if not failure else (
            f'<div class="wb-status wb-status--error">{html.escape(failure[self.lang])}</div>')

    def _on_plan(self, change) -> None:
        if self._filling or change.new is None:
            return
        if change.new == DEMO:
            self.model.plan_name = DEMO
            self.model.plan = None
            self.model.run()
            return
        try:
            plan = self.store.load(PLAN_KIND, change.new)
        except Exception as err:
            self.model.error = read_failure(err, "store.what.plan")
            return
        self.model.plan_name = change.new
        self._fill_targets(plan.get("kpi_goals") if isinstance(plan, dict) else None)
        self.model.plan = plan

    # -- the period and the targets -------------------------------------------------------
    def _on_period(self, change=None) -> None:
        self._show_period()
        if self._filling:
            return
        on = self.other_dates.value and self.period_start.value is not None
        with self.model.hold_trait_notifications():
            self.model.weeks = int(self.period_weeks.value)
            self.model.start = self.period_start.value if on else None

    def _show_period(self) -> None:
        off = not self.other_dates.value
        self.period_start.disabled = self.period_weeks.disabled = off

    def _parse_targets(self) -> dict[str, float] | None:
        """The targets typed, as ``review.check_goals`` takes them (rates typed in % become
        shares); ``None`` when one cannot be read (said in the status)."""
        from workbench.io.values import read_number

        out: dict[str, float | str] = {}
        for key, box in self.targets.items():
            text = box.value.strip()
            if not text:
                continue
            value, percent = read_number(text)
            if value != value or (percent and key not in review_lib.GOAL_RATES):
                out[key] = text          # refused by check_goals, in the user's language
            else:
                # the box is in %: "5" and "5%" are both 5 %
                rate = key in review_lib.GOAL_RATES and not percent
                out[key] = value / 100 if rate else value
        try:
            return review_lib.check_goals(out)
        except InputError as err:
            self.model.error = {"en": err.en, "zh": err.zh}
            return None

    def _on_targets(self, change=None) -> None:
        if self._filling:
            return
        goals = self._parse_targets()
        if goals is None:
            return
        if goals == self.model.targets:   # as before: a message a bad value left goes
            self.model.run()
        else:
            self.model.targets = goals

    def _fill_targets(self, goals) -> None:
        """Show a saved plan's targets (rates in %), or none."""
        goals = goals if isinstance(goals, dict) else {}
        self._filling = True
        try:
            for key, box in self.targets.items():
                value = goals.get(key)
                box.value = "" if value is None else (
                    f"{100 * float(value):g}" if key in review_lib.GOAL_RATES
                    else f"{float(value):g}")
        finally:
            self._filling = False
        self.model.targets = review_lib.check_goals(goals)

    def save_targets(self) -> int | None:
        """Save the targets typed with the plan under review (a new version of it)."""
        lang, name = self.lang, self.model.plan_name
        if name == DEMO or self.model.plan is None:
            self.save_status.value = status_html([t("review.targets_demo", lang)], "error")
            return None
        goals = self._parse_targets()
        if goals is None:
            return None
        try:
            version = self.store.save(PLAN_KIND, name, {**self.model.plan, "kpi_goals": goals},
                                      note=t("review.targets_note", lang))
        except Exception as err:
            log.exception("saving the targets of %r failed", name)
            self.save_status.value = status_html([t("review.save_failed", lang,
                                                    error=inline(err, lang))], "error")
            return None
        self.save_status.value = status_html(
            [t("review.targets_saved", lang, name=name, version=version)], "info")
        return version

    def _on_present(self, change) -> None:
        """The meeting view: the story alone (summary and KPI table, the charts, the articles,
        the recommendations), full width and one section a screen, without a control; the
        keyboard moves between sections (page.js) and Esc leaves it."""
        lang = self.lang
        if change.new:
            self.widget.add_class("wb-present")
        else:
            self.widget.remove_class("wb-present")
        self.present.description = t("review.present_exit" if change.new else "review.present",
                                     lang)
        self.present.tooltip = t("review.present_keys", lang) if change.new else None

    # -- drawing -------------------------------------------------------------------------------
    def _show_status(self, change=None) -> None:
        model, lang = self.model, self.lang
        if model.error:
            text = model.error.get(lang) or model.error.get("en", "")
            kept = t("review.kept", lang) if model.review is not None else ""
            level_ = model.error.get("level", "error")
            self.status.value = (f'<div class="wb-status wb-status--{level_}">'
                                 f"{html.escape(text)} {html.escape(kept)}</div>")
        elif model.review is not None:
            rv = model.review
            period = t("review.period", lang, start=rv.start, end=rv.end, weeks=rv.weeks)
            self.status.value = (f'<div class="wb-status wb-status--info">'
                                 f"{html.escape(period)}</div>")
        else:
            self.status.value = ""

    def _redraw(self, change=None) -> None:
        rv, lang = self.model.review, self.lang
        if rv is None:
            return
        self.summary.value = f'<p class="wb-summary">{html.escape(rv.summary.get(lang, ""))}</p>'
        self.kpis.value = kpi_table_html(rv.kpis, lang)
        self._draw_comparison()
        self._draw_trends()
        self.charts["counterfactual"].draw(charts.counterfactual, rv, metric="new_follows",
                                           lang=lang)
        self.charts["wci"].draw(charts.wci, rv, lang=lang)
        self.charts["calibration"].draw(charts.calibration, rv,
                                        lang=lang)
        self.leaderboard.value = leaderboard_html(rv.articles, lang)
        self.recommendations.value = "<ol class=\"wb-recs\">" + "".join(
            f"<li>{html.escape(r.zh if lang == 'zh' else r.en)}</li>"
            for r in rv.recommendations) + "</ol>"
        self._draw_scorecard()

    def _draw_comparison(self, change=None) -> None:
        rv, lang = self.model.review, self.lang
        if rv is None or not self.by.value or not self.metric.value:
            return
        self.charts["plan_vs_actual"].draw(charts.plan_vs_actual, rv, by=self.by.value,
                                           metric=self.metric.value, lang=lang)
        self.charts["waterfall"].draw(charts.waterfall, rv,
                                      metric=self.metric.value, by=self.by.value, lang=lang)

    def _draw_trends(self, change=None) -> None:
        rv = self.model.review
        if rv is None or not self.trend_metric.value or not self.freq.value:
            return
        self.charts["trends"].draw(charts.trends, rv,
                                   metric=self.trend_metric.value, freq=self.freq.value,
                                   lang=self.lang)

    def _draw_scorecard(self, change=None) -> None:
        rv, lang = self.model.review, self.lang
        if rv is None:
            return
        try:
            card = review_lib.scorecard(rv, {k: s.value for k, s in self.manual.items()})
        except InputError as err:
            self.scorecard.value = (f'<div class="wb-status wb-status--error">'
                                    f"{html.escape(err.message(lang))}</div>")
            return
        rows = "".join(
            f"<tr><td>{html.escape(review_lib.part_label(r['part'], lang))}</td>"
            f"<td>{r['weight']:.0%}</td><td>{r['score']:.0f}</td>"
            f"<td>{html.escape(t('review.source.' + r['source'], lang))}</td></tr>"
            for r in card.parts.to_dict("records"))
        head = "".join(f"<th>{html.escape(t(f'review.sc.{c}', lang))}</th>"
                       for c in ("part", "weight", "score", "source"))
        self.scorecard.value = (
            f'<table class="wb-table" data-total="{card.total:.1f}"><thead><tr>{head}</tr>'
            f"</thead><tbody>{rows}</tbody></table>"
            f'<p class="wb-score">'
            f'{html.escape(t("review.sc.total", lang, total=f"{card.total:.1f}"))}</p>')
        self.card = card

    # -- actions -------------------------------------------------------------------------------
    def save(self) -> int | None:
        """Save the review; its calibrated rates become the mix and ROI pages' "last review"."""
        lang, rv = self.lang, self.model.review
        if rv is None:
            return None
        name = self.save_name.value.strip() or t("review.default_name", lang,
                                                 start=rv.start, end=rv.end)
        return self.save_scenario(STORE_KIND, name, rv.to_payload(), self.save_status, "review")

    def export_report(self) -> str | None:
        """Download the self-contained HTML report in the page's language (one click);
        returns its text."""
        from workbench import report

        rv, lang = self.model.review, self.lang
        if rv is None:
            return None
        text = report.html(rv, lang=lang)
        self.downloads.send(text, f"campaign-review-{rv.start}_{rv.end}-{lang}.html",
                            t("review.download_report", lang), lang, mime="text/html")
        return text

    def export_pdf(self, wait: bool = False) -> None:
        """Print the report to PDF with headless Chromium in a worker (it takes seconds, said
        with a progress line), then download it in the browser."""
        from workbench import report

        rv, lang = self.model.review, self.lang
        if rv is None:
            return
        self.pdf_button.disabled = True                  # one print at a time
        self.save_status.value = (
            f'<div class="wb-status wb-status--busy">'
            f'{html.escape(t("review.pdf_busy", lang, seconds=round(_PDF_SECONDS[0])))}</div>')
        text = report.html(rv, lang=lang)

        def work() -> None:
            started = time.perf_counter()
            try:
                data = report.pdf(text)
            except Exception as err:
                log.exception("printing the report failed")
                message = t("review.pdf_failed", lang, error=err)
                data = None
            else:
                message = "" if data else t("review.pdf_missing", lang)
            finally:
                self.pdf_button.disabled = False
            if data:
                _PDF_SECONDS[0] = time.perf_counter() - started
                self.downloads.send(data, f"campaign-review-{rv.start}_{rv.end}-{lang}.pdf",
                                    t("review.download_pdf", lang), lang,
                                    mime="application/pdf")
                self.save_status.value = ""
            else:
                self.save_status.value = (f'<div class="wb-status wb-status--error">'
                                          f"{html.escape(message)}</div>")

        self._pdf_thread = threading.Thread(target=work, name="workbench-pdf", daemon=True)
        self._pdf_thread.start()
        if wait:
            self._pdf_thread.join(180)


#: how long the last PDF took to print in this kernel: the progress line's estimate
_PDF_SECONDS = [6.0]


def _controls(widget: w.Widget) -> w.Widget:
    """Mark ``widget`` as controls the meeting view leaves out (``.wb-meeting-hide``)."""
    widget.add_class("wb-meeting-hide")
    return widget


# -- HTML views ---------------------------------------------------------------------------------
def _value(x, unit: str, *, difference: bool = False, lang: str = "en") -> str:
    """A KPI cell: rates as percentages (their differences in percentage points), counts and
    amounts with thousands separators, a true minus (:mod:`workbench.fmt`)."""
    if x is None or pd.isna(x):
        return fmt.DASH
    if unit in ("rate", "share", "fraction"):
        return fmt.pp(x, lang=lang) if difference else fmt.pct(x, 2)
    if unit == "ratio":
        return fmt.pp(x, 0, lang=lang) if difference else fmt.pct(x, 0)
    text = f"{abs(x):,.0f}" if abs(x) >= 100 or float(x).is_integer() else f"{abs(x):,.2f}"
    if difference and x > 0:
        return "+" + text
    return (fmt.MINUS + text) if x < 0 and text.strip("0.,") else text


def kpi_table_html(kpis: pd.DataFrame, lang: str) -> str:
    """The KPI table: plan (or baseline), actual, difference, % and a coloured status."""
    head = "".join(f"<th>{html.escape(t(f'review.kpi.{c}', lang))}</th>"
                   for c in ("kpi", "plan", "actual", "diff", "pct", "status"))
    rows = []
    for r in kpis.to_dict("records"):
        unit = str(r.get("unit", ""))
        colour = charts.kpi_status_colour(r["status"])
        source = r.get("plan_source")
        basis = "review.target" if source == "target" else "review.baseline"
        plan_note = "" if source == "plan" else (
            f' <small>{html.escape(t(basis, lang))}</small>')
        pct = fmt.DASH if pd.isna(r["pct"]) else fmt.signed(r["pct"]) + "%"
        rows.append(
            f'<tr data-kpi="{html.escape(str(r["kpi"]))}">'
            f"<td>{html.escape(r['label_zh'] if lang == 'zh' else r['label_en'])}</td>"
            f"<td>{_value(r['plan'], unit)}{plan_note}</td><td>{_value(r['actual'], unit)}</td>"
            f"<td>{_value(r['diff'], unit, difference=True, lang=lang)}</td><td>{pct}</td>"
            f'<td><span class="wb-badge" style="background:{colour}">'
            f"{html.escape(review_lib.status_label(r['status'], lang))}</span></td></tr>")
    return (f'<table class="wb-table wb-kpi-table"><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table>')


def leaderboard_html(articles: pd.DataFrame, lang: str, top: int = 10) -> str:
    """The period's best posts by reads (titles escaped)."""
    if articles is None or articles.empty:
        return f'<p class="wb-note">{html.escape(t("review.no_articles", lang))}</p>'
    cols = [c for c in ("title", "platform", "content_type", "reads", "open_rate", "share_rate",
                        "engagement_rate", "follows_after_read") if c in articles.columns]
    head = "".join(f"<th>{html.escape(t(f'review.lb.{c}', lang))}</th>" for c in cols)
    rows = []
    for r in articles.sort_values("reads", ascending=False).head(top).to_dict("records"):
        cells = []
        for c in cols:
            v = r[c]
            if c == "platform":
                v = level("platform", v, lang)
            elif c == "content_type":
                v = level("content_type", v, lang)
            elif c.endswith("rate"):
                v = fmt.pct(v, 2)
            elif c in ("reads", "follows_after_read"):
                v = "–" if pd.isna(v) else f"{v:,.0f}"
            cells.append(f"<td>{html.escape(str(v))}</td>")
        rows.append(f"<tr>{''.join(cells)}</tr>")
    return (f'<table class="wb-table"><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table>')


