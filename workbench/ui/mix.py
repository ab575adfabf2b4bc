"""The content-mix dashboard: what to publish, where, how often and when.

:class:`MixModel` holds the page's state (the history's estimates, the constraints, the last
plan, its calendar, the baseline) and calls :mod:`workbench.mix`; :class:`MixDashboard`
builds the widgets once and redraws in place. Every control re-solves the weekly plan (tens of
milliseconds) and places it on the calendar. A test drives it without a browser::

    >>> page = MixDashboard(lang="en")                           # doctest: +SKIP
    >>> page.hours.value = 30                                    # re-solves
    >>> page.model.plan.posts.to_numpy().sum()                   # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
import html
import logging

import ipywidgets as w
import pandas as pd
import traitlets as tl

from workbench import fmt, identity
from workbench import mix as mix_lib
from workbench.charts import mix as charts
from workbench.errors import InputError
from workbench.i18n import CATALOGUES, level, t
from workbench.schemas import CONTENT_TYPES
from workbench.ui.downloads import Downloads
from workbench.ui.mix_views import calendar_html, kpis_html
from workbench.ui.shell import DataPreview, Header, Page, latest_saved, read_failure
from workbench.ui.sources import status_html
from workbench.ui.slots import ChartSlot

log = logging.getLogger(__name__)

STORE_KIND = "mix_plan"
PERSONA_KIND = "personas"
REVIEW_KIND = "review"
GOALS = ("reads", "engagement", "follows", "conversions")
NONE = "__none__"


def next_monday(today: dt.date | None = None) -> dt.date:
    today = today or dt.date.today()
    return today + dt.timedelta(days=(7 - today.weekday()) % 7 or 7)


class MixModel(tl.HasTraits):
    """State of the content-mix page; every number on screen comes from here.

    Traits
    ------
    articles : the article history in use; ``estimates`` are made from it once.
    constraints : the planner's rules (:class:`workbench.mix.Constraints`).
    plan : the last plan that meets every rule (kept when a change makes the rules conflict).
    attempt : the last plan tried (``status == "infeasible"`` with its conflicts, or = plan).
    calendar : ``plan`` placed on dates from ``start`` for ``weeks`` weeks.
    baseline : a saved plan's payload to compare the KPIs with (``None``: no baseline).
    calibration : a campaign review's calibrated rates (``review.Calibration`` payload): the
        estimates from the history are moved towards what the last campaign actually did.
    error : ``{"en", "zh"}`` of an invalid input, ``{}`` when fine.
    """

    articles = tl.Instance(pd.DataFrame, allow_none=True)
    estimates = tl.Instance(mix_lib.Estimates, allow_none=True)
    constraints = tl.Instance(mix_lib.Constraints)
    plan = tl.Instance(mix_lib.MixPlan, allow_none=True)
    attempt = tl.Instance(mix_lib.MixPlan, allow_none=True)
    calendar = tl.Instance(mix_lib.Calendar, allow_none=True)
    start = tl.Instance(dt.date)
    weeks = tl.Int(4, min=1, max=12)
    baseline = tl.Dict(allow_none=True, default_value=None)
    calibration = tl.Dict(allow_none=True, default_value=None)
    error = tl.Dict()

    def __init__(self, **kwargs):
        kwargs.setdefault("constraints", mix_lib.Constraints())
        kwargs.setdefault("start", next_monday())
        self._history: mix_lib.Estimates | None = None  # from the articles, before calibration
        #: the platforms the planner asked for: the plan uses those the data has, and gets the
        #: others back when data that has them comes (another account, the demo, an upload)
        self._wanted = tuple(kwargs["constraints"].platforms)
        super().__init__(**kwargs)  # ``articles`` given here fires _on_articles: one solve

    @tl.observe("articles")
    def _on_articles(self, change) -> None:
        self._history = None
        self._estimate()

    @tl.observe("calibration")
    def _on_calibration(self, change) -> None:
        self._estimate()

    def _estimate(self) -> None:
        if self.articles is None:
            return
        try:
            if self._history is None:
                self._history = mix_lib.estimate(self.articles)
            estimates = self._history
            if self.calibration:
                from workbench import review

                estimates = review.apply_to_estimates(estimates, self.calibration)
        except InputError as err:
            self.error = {"en": err.en, "zh": err.zh}
            return
        # platforms the history has: keep the planner's choice where it can be estimated
        history = [str(p) for p in estimates.platforms["platform"]]
        known = [p for p in self._wanted if p in history]
        with self.hold_trait_notifications():
            self.estimates = estimates
            if known != list(self.constraints.platforms):
                self.constraints = self.constraints.replace(
                    platforms=tuple(known or history))
        self._solve()

    @tl.observe("constraints")
    def _on_constraints(self, change) -> None:
        self._solve()

    @tl.observe("start", "weeks")
    def _on_calendar(self, change) -> None:
        self._place()

    def _solve(self) -> None:
        if self.estimates is None:
            return
        try:
            attempt = mix_lib.plan(self.estimates, self.constraints)
        except InputError as err:
            self.error = {"en": err.en, "zh": err.zh}
            return
        self.error = {}
        if attempt.feasible:
            if self.plan is not None:  # what the team tracked so far follows the items
                attempt.statuses.update(self.plan.statuses)
                attempt.tracking.update(self.plan.tracking)
            with self.hold_trait_notifications():
                self.attempt = attempt
                self.plan = attempt
            self._place()
        else:
            self.attempt = attempt

    def _place(self) -> None:
        if self.plan is not None:
            self.calendar = self.plan.calendar(self.start, self.weeks)

    # -- actions -----------------------------------------------------------------------------
    def set_rules(self, **changes) -> bool:
        """Change some constraints (``Constraints.replace``); an invalid value is said in
        ``error`` and the last plan stays. Returns whether the change was taken."""
        try:
            constraints = self.constraints.replace(**changes)
            constraints.validate()
        except InputError as err:
            self.error = {"en": err.en, "zh": err.zh}
            return False
        if "platforms" in changes:
            self._wanted = tuple(constraints.platforms)
        self.constraints = constraints
        return True

    def set_status(self, item_id: str, status: str) -> bool:
        return self.edit_item(item_id, status=status)

    def edit_item(self, item_id: str, **changes) -> bool:
        """Change a calendar item (topic, owner, status, start: :meth:`Calendar.edit`); a value
        that cannot be used is said in ``error`` and nothing changes. Returns whether it was
        taken."""
        try:
            self.calendar.edit(item_id, **changes)
        except InputError as err:
            self.error = {"en": err.en, "zh": err.zh}
            return False
        self.error = {}
        self.calendar = self.plan.calendar(self.start, self.weeks)  # a new object: news
        return True

    def payload(self) -> dict:
        """The plan, its calendar settings and its KPI targets, for the scenario store."""
        plan = self.plan
        plan.calendar_settings = {"start": self.start.isoformat(), "weeks": int(self.weeks)}
        data = plan.to_payload()
        data["kpi_targets"] = {m: {"expected": float(r.expected), "low": float(r.low),
                                   "high": float(r.high)} for m, r in plan.expected.iterrows()}
        data["calendar_items"] = [
            {k: (None if pd.isna(v) else v) for k, v in rec.items()}
            for rec in self.calendar.frame("en")[
                ["item_id", "date", "time", "platform", "content_type", "slot", "status"]
            ].to_dict("records")]
        return data


class MixDashboard(Page):
    """The content-mix page: rules, the weekly mix, KPIs, calendar, trade-off, estimates.

    Parameters
    ----------
    lang : ``"en"`` or ``"zh"``.
    store : a :class:`workbench.store.ScenarioStore`; the default one when omitted.
    """

    def __init__(self, lang: str | None = None, store=None):
        self._store = store
        self.header = Header("page.content_mix.title", lang=lang,
                             subtitle_key="page.content_mix.purpose", data_kinds=("articles",),
                             workspace=lambda: self.workspace)
        source = self.header.source()
        self.model = MixModel(articles=source.data)
        source.observe(lambda change: setattr(self.model, "articles", change.new), names="data")
        rules = self.model.constraints

        # controls
        self.account = w.ToggleButtons(options=list(mix_lib.ACCOUNT_TYPES[:2]),
                                       value=rules.account_type, style={"button_width": "150px"})
        self.platforms = w.SelectMultiple(layout=w.Layout(width="200px", height="118px"))
        self.hours = w.IntSlider(value=int(rules.team_hours), min=5, max=200, step=1,
                                 continuous_update=False, layout=w.Layout(width="380px"),
                                 style={"description_width": "150px"})
        self.budget = w.IntSlider(value=int(rules.budget), min=0, max=60_000, step=500,
                                  continuous_update=False, readout_format=",d",
                                  layout=w.Layout(width="380px"),
                                  style={"description_width": "150px"})
        self.weights = {g: w.FloatSlider(value=float(rules.weights.get(g, 1.0)), min=0, max=3,
                                         step=0.25, continuous_update=False,
                                         readout_format=".2f", layout=w.Layout(width="460px"),
                                         style={"description_width": "160px"})
                        for g in GOALS}
        self.shares = {c: w.IntRangeSlider(value=(int(100 * rules.min_share.get(c, 0)),
                                                  int(100 * rules.max_share.get(c, 1))),
                                           min=0, max=100, step=5, continuous_update=False,
                                           readout_format="d", layout=w.Layout(width="340px"),
                                           style={"description_width": "110px"})
                       for c in CONTENT_TYPES}
        # posts a week per platform: the minimum and maximum the planner allows (an
        # infeasibility message's "lower the platform minimums" points here)
        self.cadence = {p: w.IntRangeSlider(value=rules.posts_range(p), min=0,
                                            max=max(2 * mix_lib.CADENCE.get(p, (0, 14))[1], 14),
                                            step=1, continuous_update=False,
                                            readout_format="d", layout=w.Layout(width="380px"),
                                            style={"description_width": "110px"})
                        for p in mix_lib.schemas.PLATFORMS}
        self.variety = w.Checkbox(value=rules.variety, indent=False,
                                  layout=w.Layout(width="auto"))
        self.cadence_box = w.VBox()
        self.persona_set = w.Dropdown(layout=w.Layout(width="320px"),
                                      style={"description_width": "initial"})
        self.persona_pick = w.SelectMultiple(layout=w.Layout(width="420px", height="110px"))
        # wide enough for its long label and a track (at 320 px the label took it all)
        self.persona_min = w.IntSlider(value=2, min=1, max=10, continuous_update=False,
                                       layout=w.Layout(width="560px"),
                                       style={"description_width": "initial"})
        #: whether each chosen persona's rule changed the plan, or the plan met it anyway
        self.persona_note = w.HTML()
        self.start = w.DatePicker(value=self.model.start, layout=w.Layout(width="260px"),
                                  style={"description_width": "initial"})
        self.weeks = w.IntSlider(value=self.model.weeks, min=1, max=12,
                                 continuous_update=False, layout=w.Layout(width="320px"),
                                 style={"description_width": "initial"})
        self.baseline = w.Dropdown(layout=w.Layout(width="320px"),
                                   style={"description_width": "initial"})
        self.use_review = w.Checkbox(value=False, indent=False, layout=w.Layout(width="auto"))
        self.use_review.observe(self._on_use_review, names="value")
        self.review_note = w.HTML()
        #: what could not be read from the saved scenarios (a failing store is said here)
        self.store_note = w.HTML()
        self._store_failures: dict[str, dict[str, str]] = {}
        self.status = w.HTML()
        self.kpis = w.HTML()
        self.notes = w.HTML()
        self.calendar_view = w.HTML()
        self.item_pick = w.Dropdown(layout=w.Layout(width="420px"),
                                    style={"description_width": "initial"})
        self.item_status = w.ToggleButtons(options=list(mix_lib.STATUSES),
                                           style={"button_width": "92px"})
        self.item_status.add_class("wb-steps")
        self.item_role = w.HTML()   # on a team's hub: who is signed in, and with which roles
        self.item_role.add_class("wb-item-role")
        # the item's topic, owner and time, applied together; its changes listed below
        self.item_topic = w.Text(layout=w.Layout(width="420px"),
                                 style={"description_width": "initial"})
        self.item_owner = w.Combobox(ensure_option=False, layout=w.Layout(width="220px"),
                                     style={"description_width": "initial"})
        self.item_date = w.DatePicker(layout=w.Layout(width="250px"),
                                      style={"description_width": "initial"})
        self.item_time = w.Text(layout=w.Layout(width="80px"))
        self.item_apply = w.Button(icon="check", button_style="primary",
                                   layout=w.Layout(width="auto"))
        self.item_apply.on_click(lambda _: self.apply_item())
        self.item_history = w.HTML()
        self.filter_owner = w.Dropdown(layout=w.Layout(width="240px"),
                                       style={"description_width": "initial"})
        self.filter_status = w.Dropdown(layout=w.Layout(width="240px"),
                                        style={"description_width": "initial"})
        for box in (self.filter_owner, self.filter_status):
            box.observe(self._draw_calendar, names="value")
        self.filter_note = w.HTML()
        self.frontier_button = w.Button(icon="line-chart", layout=w.Layout(width="auto"))
        self.frontier_button.on_click(lambda _: self.draw_frontier())
        self.save_name = w.Text(layout=w.Layout(width="240px"))
        self.save_button = w.Button(icon="save", layout=w.Layout(width="auto"))
        self.save_button.on_click(lambda _: self.save())
        self.save_status = w.HTML()
        #: one click, one file: the calendar as the team's weekly sheet, for calendar apps, as CSV
        self.export_buttons = {kind: w.Button(icon=icon, layout=w.Layout(width="auto"))
                               for kind, icon in (("xlsx", "file-excel-o"),
                                                  ("ics", "calendar"), ("csv", "download"))}
        for kind, button in self.export_buttons.items():
            button.on_click(lambda _, kind=kind: self.export(kind))
        self.export_label = w.HTML()
        self.downloads = Downloads()
        self.titles = {key: w.HTML() for key in (
            "rules", "mix", "calendar", "frontier", "estimates", "save")}
        self.rule_panel = w.Accordion(children=[
            w.VBox([self.weights[g] for g in GOALS]),
            self.cadence_box,
            w.VBox([self.shares[c] for c in CONTENT_TYPES]),
            w.VBox([self.persona_set, self.persona_pick, self.persona_min, self.persona_note]),
        ], selected_index=None)
        self.charts = {"mix": ChartSlot(1040), "estimates": ChartSlot(1040),
                       "frontier": ChartSlot(760)}
        self.charts["frontier"].hide()

        #: the data as the workbench read it (first rows), folded away
        self.preview = DataPreview(self.header.source())
        self.preview_panel = w.Accordion(children=[self.preview.widget], selected_index=None)
        self.widget = w.VBox([
            self.header.widget, self.preview_panel,
            self.titles["rules"],
            w.HBox([w.VBox([self.account, self.hours, self.budget, self.baseline]),
                    self.platforms], layout=w.Layout(grid_gap="12px 24px", flex_flow="row wrap",
                                                    align_items="flex-start")),
            w.HBox([self.use_review, self.review_note], layout=w.Layout(align_items="center")),
            self.store_note,
            self.rule_panel,
            self.status,
            self.titles["mix"], self.kpis, self.charts["mix"].box, self.notes,
            self.titles["calendar"],
            w.HBox([self.start, self.weeks], layout=w.Layout(grid_gap="4px 24px",
                                                             flex_flow="row wrap")),
            w.HBox([self.filter_owner, self.filter_status, self.filter_note], layout=w.Layout(
                align_items="center", flex_flow="row wrap", grid_gap="4px 16px")),
            self.calendar_view,
            w.HBox([self.item_pick, self.item_status], layout=w.Layout(
                align_items="center", flex_flow="row wrap", grid_gap="4px 12px")),
            self.item_role,
            w.HBox([self.item_topic, self.item_owner, self.item_date, self.item_time,
                    self.item_apply], layout=w.Layout(
                align_items="center", flex_flow="row wrap", grid_gap="4px 12px")),
            self.item_history,
            w.HBox([self.export_label, *self.export_buttons.values()], layout=w.Layout(
                align_items="center", flex_flow="row wrap", grid_gap="4px 8px")),
            self.downloads,
            self.titles["frontier"], self.frontier_button, self.charts["frontier"].box,
            self.titles["estimates"], self.charts["estimates"].box,
            self.titles["save"], w.HBox([self.save_name, self.save_button]),
            self.save_status,
        ])
        self.widget.add_class("wb-page")

        # wiring
        self.account.observe(lambda c: self.model.set_rules(account_type=c.new), names="value")
        self.platforms.observe(self._on_platforms, names="value")
        self.hours.observe(lambda c: self.model.set_rules(team_hours=float(c.new)), names="value")
        self.budget.observe(lambda c: self.model.set_rules(budget=float(c.new)), names="value")
        for slider in self.weights.values():
            slider.observe(self._on_weights, names="value")
        for slider in self.shares.values():
            slider.observe(self._on_shares, names="value")
        for slider in self.cadence.values():
            slider.observe(self._on_cadence, names="value")
        self.variety.observe(lambda c: self.model.set_rules(variety=bool(c.new)), names="value")
        self.model.observe(lambda _: self._show_cadence(), names="constraints")
        self._show_cadence()
        self.persona_set.observe(self._on_persona_set, names="value")
        self.persona_pick.observe(self._on_personas, names="value")
        self.persona_min.observe(self._on_personas, names="value")
        self.start.observe(self._on_start, names="value")
        tl.link((self.model, "weeks"), (self.weeks, "value"))
        self.baseline.observe(self._on_baseline, names="value")
        self.item_pick.observe(self._on_item, names="value")
        self.item_status.observe(self._on_item_status, names="value")
        self.model.observe(self._redraw, names=["plan", "baseline"])
        self.model.observe(self._show_status, names=["attempt", "error"])
        self.model.observe(self._draw_calendar, names="calendar")
        self.model.observe(self._draw_estimates, names="estimates")
        # other data (an account, the demo, an upload) has other platforms: offer those
        self.model.observe(lambda _: self._fill_platforms(), names=["estimates", "constraints"])
        self.header.model.observe(self._relabel, names="lang")
        self._frontier_points: pd.DataFrame | None = None
        self._fill_platforms()
        self._fill_saved()
        self._relabel()
        # unsaved work survives a kernel restart (workbench.ui.drafts)
        self.start_drafts(STORE_KIND, self._draft_fields(), name=self.save_name,
                          watch=[(self.model, "calendar")])
        self.start_scenarios(STORE_KIND, lambda: self.model.payload()
                             if self.model.plan is not None else None, self.save_name)

    # -- language ----------------------------------------------------------------------------
    def _relabel(self, change=None) -> None:
        lang = self.lang
        self.preview_panel.set_title(0, t("preview.title", lang))
        self.account.options = [(t(f"mix.account.{a}", lang), a)
                                for a in mix_lib.ACCOUNT_TYPES[:2]]
        self.platforms.description = t("mix.platforms", lang)
        self._fill_platforms()
        self.hours.description = t("mix.hours", lang)
        self.budget.description = t("mix.budget", lang)
        for goal, slider in self.weights.items():
            slider.description = t(f"chart.mix.metric.{goal}", lang)
        for kind, slider in self.shares.items():
            slider.description = level("content_type", kind, lang)
        for platform, slider in self.cadence.items():
            slider.description = level("platform", platform, lang)
        self.variety.description = t("mix.variety", lang)
        for i, key in enumerate(("weights", "cadence", "shares", "personas")):
            self.rule_panel.set_title(i, t(f"mix.panel.{key}", lang))
        self.persona_set.description = t("mix.persona_set", lang)
        self.persona_min.description = t("mix.persona_min", lang)
        self.start.description = t("mix.start", lang)
        self.weeks.description = t("mix.weeks", lang)
        self.baseline.description = t("mix.baseline", lang)
        self.use_review.description = t("mix.use_review", lang)
        self._show_review_note()
        self._show_store_note()
        self.item_pick.description = t("mix.item", lang)
        self.item_status.options = [(t(f"mix.status.{s}", lang), s) for s in mix_lib.STATUSES]
        self.item_topic.description = t("mix.item_topic", lang)
        self.item_owner.description = t("mix.item_owner", lang)
        self.item_date.description = t("mix.item_when", lang)
        self.item_time.placeholder = t("mix.item_time", lang)
        self.item_apply.description = t("mix.item_apply", lang)
        self.filter_owner.description = t("mix.filter_owner", lang)
        self.filter_status.description = t("mix.filter_status", lang)
        self._fill_filters()
        self.frontier_button.description = t("mix.frontier_button", lang)
        self.save_name.placeholder = t("mix.save_name", lang)
        self.save_button.description = t("mix.save", lang)
        self.export_label.value = (f'<span class="wb-label">'
                                   f'{html.escape(t("mix.export", lang))}</span>')
        for kind, button in self.export_buttons.items():
            button.description = t(f"mix.download_{kind}", lang)
        for key, widget in self.titles.items():
            title = t(f"mix.section.{key}", lang)
            widget.value = f'<h3 class="wb-section">{html.escape(title)}</h3>'
        self._fill_saved()
        self._fill_personas()
        self._show_status()
        self._redraw()
        self._draw_calendar()
        self._draw_estimates()
        if self._frontier_points is not None:
            self.draw_frontier(recompute=False)

    def _fill_platforms(self) -> None:
        est, lang = self.model.estimates, self.lang
        codes = ([str(p) for p in est.platforms["platform"]] if est is not None
                 else list(self.model.constraints.platforms))
        options = [(level("platform", p, lang), p) for p in codes]
        value = tuple(p for p in self.model.constraints.platforms if p in codes)
        if list(self.platforms.options) == options and self.platforms.value == value:
            return
        self._filling = True
        try:
            self.platforms.options = options
            self.platforms.value = value
        finally:
            self._filling = False

    # -- saved scenarios (personas, baselines) -----------------------------------------------
    def reread_saved(self) -> None:
        self._fill_saved()

    def _saved(self, kind: str) -> list[str]:
        what = "store.what.persona_sets" if kind == PERSONA_KIND else "store.what.baselines"
        try:
            names = [row["name"] if isinstance(row, dict) else getattr(row, "name", str(row))
                     for row in self.store.list(kind)]
        except Exception as err:  # planning works without the store; the page says it failed
            self._store_failed(what, err)
            return []
        self._store_failed(what, None)
        return names

    def _store_failed(self, what: str, err: BaseException | None) -> None:
        """Say (or stop saying, ``err=None``) that ``what`` could not be read."""
        if err is None:
            self._store_failures.pop(what, None)
        else:
            self._store_failures[what] = read_failure(err, what)
        self._show_store_note()

    def _show_store_note(self) -> None:
        texts = [f[self.lang] for f in self._store_failures.values()]
        self.store_note.value = "".join(
            f'<div class="wb-status wb-status--error">{html.escape(text)}</div>'
            for text in texts)

    def _fill_saved(self) -> None:
        lang = self.lang
        self._filling = True
        try:
            for box, kind in ((self.persona_set, PERSONA_KIND), (self.baseline, STORE_KIND)):
                value = box.value
                options = [(t("mix.none", lang), NONE)] + [(n, n) for n in self._saved(kind)]
                box.options = options
                box.value = value if value in {v for _, v in options} else NONE
        finally:
            self._filling = False

    def _fill_personas(self) -> None:
        name = self.persona_set.value
        people = [] if name in (None, NONE) else self._persona_records(name)
        lang = self.lang
        picked = self.persona_pick.value        # new options reset the value: keep it first
        self._filling = True
        try:
            self.persona_pick.options = [(p["name"].get(lang) or p["name"].get("en", "?"), p["id"])
                                         for p in people]
            self.persona_pick.value = tuple(v for v in picked if v in {p["id"] for p in people})
        finally:
            self._filling = False

    def _persona_records(self, name: str) -> list[dict]:
        try:
            records = list(self.store.load(PERSONA_KIND, name).get("personas", []))
        except Exception as err:
            self._store_failed("store.what.persona_set", err)
            return []
        self._store_failed("store.what.persona_set", None)
        return records

    # -- events ------------------------------------------------------------------------------
    _filling = False

    def _on_platforms(self, change) -> None:
        if not self._filling and change.new:
            self.model.set_rules(platforms=tuple(change.new))

    def _on_weights(self, change) -> None:
        self.model.set_rules(weights={g: float(s.value) for g, s in self.weights.items()})

    def _on_cadence(self, change) -> None:
        if self._filling:
            return
        chosen = self.model.constraints.platforms
        self.model.set_rules(min_posts={p: int(self.cadence[p].value[0]) for p in chosen},
                             max_posts={p: int(self.cadence[p].value[1]) for p in chosen})

    def _show_cadence(self) -> None:
        """One slider per platform in the plan."""
        shown = [self.cadence[p] for p in self.model.constraints.platforms
                 if p in self.cadence] + [self.variety]
        if list(self.cadence_box.children) != shown:
            self.cadence_box.children = shown

    def _on_shares(self, change) -> None:
        lows = {c: s.value[0] / 100 for c, s in self.shares.items() if s.value[0] > 0}
        highs = {c: s.value[1] / 100 for c, s in self.shares.items() if s.value[1] < 100}
        self.model.set_rules(min_share=lows, max_share=highs)

    def _on_persona_set(self, change) -> None:
        if self._filling:
            return
        self._fill_personas()
        self._on_personas()

    def _on_personas(self, change=None) -> None:
        if self._filling:
            return
        name = self.persona_set.value
        targets = [] if name in (None, NONE) or not self.persona_pick.value else (
            mix_lib.persona_targets({"personas": self._persona_records(name)},
                                    ids=self.persona_pick.value,
                                    min_posts=self.persona_min.value))
        self.model.set_rules(personas=tuple(targets))

    def _on_use_review(self, change) -> None:
        if self._filling:
            return
        self._review = None
        if change.new:
            try:
                found = latest_saved(self.store, REVIEW_KIND)
            except Exception as err:  # a failing store is not "no review": say which
                self._store_failed("store.what.review", err)
                found = None
            else:
                self._store_failed("store.what.review", None)
            if found is None or not found[1].get("calibrated"):
                self._review_missing = True
                self._filling = True
                try:
                    self.use_review.value = False  # nothing to use: the box unticks, says why
                finally:
                    self._filling = False
                self._show_review_note()
                return
            self._review = found
        self._review_missing = False
        self.model.calibration = self._review[1]["calibrated"] if self._review else None
        self._show_review_note()

    def _show_review_note(self) -> None:
        lang = self.lang
        if "store.what.review" in self._store_failures:
            text = ""  # the store note says what failed; "no review yet" would be wrong
        elif getattr(self, "_review", None):
            name, payload, _ = self._review
            period = payload.get("period", {})
            text = t("mix.review_used", lang, name=name, start=period.get("start", "?"),
                     end=period.get("end", "?"))
        elif getattr(self, "_review_missing", False):
            text = t("mix.no_review", lang)
        else:
            text = ""
        self.review_note.value = f'<span class="wb-note">{html.escape(text)}</span>'

    def _on_start(self, change) -> None:
        if change.new is not None:
            self.model.start = change.new

    def _on_baseline(self, change) -> None:
        if self._filling:
            return
        name = change.new
        if name in (None, NONE):
            self.model.baseline = None
            return
        try:
            self.model.baseline = self.store.load(STORE_KIND, name)
        except Exception as err:
            self._store_failed("store.what.baseline", err)
            self.model.baseline = None
            return
        self._store_failed("store.what.baseline", None)

    def _on_item(self, change=None) -> None:
        item_id = self.item_pick.value
        if item_id is None or self.model.calendar is None:
            return
        item = self.model.calendar.item(item_id)
        self._filling = True
        try:
            self.item_status.value = item.status
            self.item_topic.value = item.topic
            self.item_owner.value = item.owner
            self.item_date.value = item.start.date()
            self.item_time.value = item.start.strftime("%H:%M")
        finally:
            self._filling = False
        self._show_steps(item)
        self._show_history(item)

    def _show_steps(self, item) -> None:
        """The review steps the signed-in person's roles may not take are greyed out (and not
        clickable: workbench.css's ``wb-refuse-N``), each saying whose step it is; topic, owner
        and time are locked for a reviewer. The calendar refuses them anyway."""
        lang, held = self.lang, identity.roles()
        refused = mix_lib.refused_steps(item.status, held)
        self.item_status.tooltips = [
            t("mix.step_refused", lang, roles=identity.anyone_of(refused[s], lang))
            if s in refused else "" for s in mix_lib.STATUSES]
        for i, s in enumerate(mix_lib.STATUSES):
            (self.item_status.add_class if s in refused
             else self.item_status.remove_class)(f"wb-refuse-{i}")
        locked = not identity.may_edit(held)
        for box in (self.item_topic, self.item_owner, self.item_date, self.item_time,
                    self.item_apply):
            box.disabled = locked
        who = t("mix.signed_in", lang, name=identity.user(),
                roles=identity.role_names(held, lang))
        self.item_role.value = (f'<p class="wb-note">{html.escape(who)}</p>'
                                if identity.on_hub() else "")

    def _show_history(self, item) -> None:
        lang = self.lang
        if not item.history:
            self.item_history.value = ""
            return
        changes = "; ".join(t("mix.item_change", lang, when=fmt.when(h.get("at")),
                              by=h.get("by", ""), field=t(f"mix.item_field.{h.get('field')}",
                                                          lang),
                              old=(t(f"mix.status.{h['old']}", lang)
                                   if h.get("field") == "status" and h.get("old") in
                                   mix_lib.STATUSES else h.get("old") or "–"),
                              new=(t(f"mix.status.{h['new']}", lang)
                                   if h.get("field") == "status" and h.get("new") in
                                   mix_lib.STATUSES else h.get("new") or "–"))
                            for h in item.history[-6:])
        self.item_history.value = (f'<p class="wb-note">'
                                   f'{html.escape(t("mix.item_history", lang, changes=changes))}'
                                   "</p>")

    def apply_item(self) -> bool:
        """Apply the topic, owner and time typed for the picked item."""
        item_id = self.item_pick.value
        if item_id is None or self.model.calendar is None:
            return False
        start = None
        if self.item_date.value is not None:
            start = f"{self.item_date.value.isoformat()} {self.item_time.value.strip()}"
        ok = self.model.edit_item(item_id, topic=self.item_topic.value,
                                  owner=self.item_owner.value, start=start)
        if ok:
            self.item_pick.value = item_id
            self._on_item()
        return ok

    def _fill_filters(self) -> None:
        lang, cal = self.lang, self.model.calendar
        owners = cal.owners() if cal is not None else []
        self._filling = True
        try:
            keep = self.filter_owner.value
            options = [(t("mix.filter_all", lang), "*"), (t("mix.filter_nobody", lang), "")] \
                + [(o, o) for o in owners]
            self.filter_owner.options = options
            self.filter_owner.value = keep if keep in [v for _, v in options] else "*"
            keep = self.filter_status.value
            self.filter_status.options = [(t("mix.filter_all", lang), "*")] + [
                (t(f"mix.status.{s}", lang), s) for s in mix_lib.STATUSES]
            self.filter_status.value = keep if keep is not None else "*"
            self.item_owner.options = owners
        finally:
            self._filling = False

    def _on_item_status(self, change) -> None:
        if self._filling or self.item_pick.value is None:
            return
        if not self.model.set_status(self.item_pick.value, change.new):
            self._on_item()     # a refused step: the item's status shows as it stays
            error = self.model.error       # said beside the steps, where the click was
            self.item_role.value = status_html([error.get(self.lang) or error.get("en", "")],
                                               "error")

    # -- drawing -----------------------------------------------------------------------------
    def _show_status(self, change=None) -> None:
        model, lang = self.model, self.lang
        if model.error:
            text, level_ = model.error.get(lang) or model.error.get("en", ""), "error"
        elif model.attempt is not None and not model.attempt.feasible:
            lines = [t("mix.conflicts", lang)]
            for c in model.attempt.conflicts:
                lines.append(f"• {c.zh if lang == 'zh' else c.en}")
                if f"mix.fix.{c.group}" in CATALOGUES[lang]:   # where on the page to change it
                    lines.append(t("mix.fix", lang, control=t(f"mix.fix.{c.group}", lang)))
            self.status.value = (
                '<div class="wb-status wb-status--error">'
                + "".join(f"<p>{html.escape(line)}</p>" for line in lines if line)
                + f"<p>{html.escape(t('mix.kept', lang))}</p></div>")
            return
        elif model.plan is not None:
            # posts without a content type are planned as untagged: said beside the plan
            said = [model.plan.message.get(lang, "")] + [
                zh if lang == "zh" else en for en, zh in model.plan.warnings]
            self.status.value = status_html(said, "warn" if model.plan.warnings else "info")
            return
        else:
            self.status.value = ""
            return
        self.status.value = f'<div class="wb-status wb-status--{level_}">{html.escape(text)}</div>'

    def _redraw(self, change=None) -> None:
        plan, lang = self.model.plan, self.lang
        if plan is None:
            return
        self.kpis.value = kpis_html(plan, self.model.baseline, lang)
        self.charts["mix"].draw(charts.mix_bars, plan.posts, lang=lang)
        notes = "".join(f"<li>{html.escape(zh if lang == 'zh' else en)}</li>"
                        for en, zh in plan.notes if (en, zh) not in plan.warnings)
        summary = html.escape(t("mix.notes", lang))
        self.notes.value = (f'<details class="wb-notes"><summary>{summary}</summary>'
                            f"<ul>{notes}</ul></details>")
        self._show_persona_effect()

    def _show_persona_effect(self) -> None:
        """Under the persona rule: for each chosen persona, the posts of its content types the
        plan has, and whether the rule changed the plan (:func:`workbench.mix.persona_effect`)
        or the plan met it anyway; so picking personas never "does nothing" silently."""
        plan, lang = self.model.plan, self.lang
        if plan is None or not plan.constraints.personas or self.model.estimates is None:
            self.persona_note.value = ""
            return
        try:
            effects = mix_lib.persona_effect(self.model.estimates, plan)
        except Exception:
            log.exception("comparing the plan without its persona rules failed")
            self.persona_note.value = ""
            return
        lines, comma = [], "、" if lang == "zh" else ", "
        for e in effects:
            lines.append(t("mix.persona_binds" if e["binds"] else "mix.persona_free", lang,
                           name=e["name_zh"] if lang == "zh" else e["name"], posts=e["posts"],
                           types=comma.join(level("content_type", c, lang)
                                            for c in e["content_types"]),
                           min=e["min_posts"], without=e["without"]))
        self.persona_note.value = status_html(lines, "info")

    def _draw_calendar(self, change=None) -> None:
        cal, lang = self.model.calendar, self.lang
        if cal is None:
            return
        records = cal.frame(lang).to_dict("records")
        if change is None or getattr(change, "owner", None) not in (self.filter_owner,
                                                                     self.filter_status):
            self._fill_filters()
        owner, status = self.filter_owner.value, self.filter_status.value
        shown = [r for r in records if owner in (None, "*", r["owner"])
                 and status in (None, "*", r["status"])]
        self.filter_note.value = "" if len(shown) == len(records) else (
            f'<span class="wb-note">'
            f'{html.escape(t("mix.filtered", lang, shown=len(shown), total=len(records)))}'
            "</span>")
        try:  # the team's posts that went out as planned: shown published, with their reads
            published = cal.published(self.header.source().data)
        except Exception:
            log.exception("matching published posts failed")
            published = {}
        self.calendar_view.value = calendar_html(cal, lang, shown, published) if shown else ""
        options = [(f"{r['date']} {r['time']} · {r['platform_label']} · {r['slot']} · "
                    f"{r['content_type_label']}", r["item_id"]) for r in records]
        value = self.item_pick.value
        self.item_pick.options = options
        ids = {v for _, v in options}
        self.item_pick.value = value if value in ids else (options[0][1] if options else None)
        self._on_item()  # the picked item's fields and changes, as the calendar now has them
        self.downloads.value = ""  # the links describe one calendar: made on request

    def export(self, kind: str = "xlsx") -> None:
        """Download the calendar in the browser: ``"xlsx"`` the team's weekly sheet, ``"ics"``
        for calendar apps, ``"csv"``; topic, owner and status included."""
        cal, lang = self.model.calendar, self.lang
        if cal is None:
            return
        stamp = self.model.start.strftime("%Y%m%d")
        data, mime = {
            "csv": (lambda: cal.to_csv(lang), "text/csv"),
            "ics": (lambda: cal.to_ics(lang), "text/calendar"),
            "xlsx": (lambda: cal.to_xlsx(lang),
                     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        }[kind]
        self.downloads.send(data(), f"content-calendar-{stamp}.{kind}",
                            t(f"mix.download_{kind}", lang), lang, mime=mime)

    def _draw_estimates(self, change=None) -> None:
        est = self.model.estimates
        if est is None:
            return
        self.charts["estimates"].draw(charts.cell_estimates, est.cells,
                                      [str(p) for p in est.platforms["platform"]], lang=self.lang)

    def draw_frontier(self, recompute: bool = True) -> None:
        """Re-solve over the weight between reads and new follows and draw the trade-off."""
        model, goals = self.model, ("reads", "follows")
        if model.estimates is None or model.plan is None:
            return
        if recompute or self._frontier_points is None:
            # for the rules of the plan on screen (the latest rules may conflict)
            self._frontier_points = mix_lib.frontier(model.estimates, model.plan.constraints,
                                                     goals=goals, steps=11)
        plan = model.plan
        current = (plan.total(goals[0]), plan.total(goals[1]))
        self.charts["frontier"].hide(False)
        self.charts["frontier"].draw(charts.frontier, self._frontier_points, goals,
                                     current=current, lang=self.lang)

    @property
    def frontier_points(self) -> pd.DataFrame | None:
        return self._frontier_points

    # -- drafts ------------------------------------------------------------------------------
    def _draft_fields(self) -> dict:
        """The planner's choices, in the order a draft restores them (persona set before its
        personas), and the calendar's review statuses."""
        from workbench.ui.drafts import Field

        def statuses() -> dict:
            return dict(self.model.plan.statuses) if self.model.plan is not None else {}

        def set_statuses(value: dict) -> None:
            for item_id, status in value.items():
                self.model.set_status(item_id, status)

        def tracking() -> dict:
            return ({k: dict(v) for k, v in self.model.plan.tracking.items()}
                    if self.model.plan is not None else {})

        def set_tracking(value: dict) -> None:
            plan = self.model.plan
            if plan is None or not isinstance(value, dict):
                return
            plan.tracking.clear()
            plan.tracking.update({str(k): dict(v) for k, v in value.items()})
            plan.statuses.update({k: v["status"] for k, v in plan.tracking.items()
                                  if "status" in v})
            self.model.calendar = plan.calendar(self.model.start, self.model.weeks)

        return {"account": self.account, "platforms": self.platforms, "hours": self.hours,
                "budget": self.budget, **{f"weight.{g}": s for g, s in self.weights.items()},
                **{f"share.{c}": s for c, s in self.shares.items()},
                **{f"posts.{p}": s for p, s in self.cadence.items()}, "variety": self.variety,
                "persona_set": self.persona_set, "persona_pick": self.persona_pick,
                "persona_min": self.persona_min, "start": self.start, "weeks": self.weeks,
                "baseline": self.baseline, "use_review": self.use_review,
                "statuses": Field(statuses, set_statuses, "drafts.field.statuses"),
                "tracking": Field(tracking, set_tracking, "drafts.field.tracking"),
                "name": self.save_name}

    # -- actions -----------------------------------------------------------------------------
    def save(self) -> int | None:
        """Save the plan, its calendar (with review statuses) and KPI targets."""
        lang = self.lang
        if self.model.plan is None:
            return None
        name = self.save_name.value.strip() or t("mix.default_name", lang)
        version = self.save_scenario(STORE_KIND, name, self.model.payload(), self.save_status,
                                     "mix")
        if version is None:
            return None
        self._fill_saved()
        return version
