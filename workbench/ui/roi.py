"""The activity-ROI dashboard: what will this activity return, and how sure are we?

:class:`RoiModel` holds the page's state (the activity estimate, the target, the last good
result, the scenarios kept for comparison) and calls :mod:`workbench.roi`;
:class:`RoiDashboard` builds the widgets once and redraws its charts in place. A test drives it
without a browser::

    >>> page = RoiDashboard(lang="en")                                   # doctest: +SKIP
    >>> page.fields["reach"][1].value = 200_000                          # likely reach
    >>> page.model.result.summary["roi_mean"]                            # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
import functools
import html
import logging
import math

import ipywidgets as w
import pandas as pd
import traitlets as tl

from workbench import fmt
from workbench import roi as roi_lib
from workbench.charts import roi as charts
from workbench.errors import InputError
from workbench.export import csv_text
from workbench.i18n import level, t
from workbench.ui.downloads import Downloads
from workbench.ui.drafts import Field
from workbench.ui.shell import DataPreview, Header, Page, latest_saved, read_failure
from workbench.ui.slots import ChartSlot

log = logging.getLogger(__name__)

STORE_KIND = "roi"
REVIEW_KIND = "review"
#: scenarios kept side by side at most
MAX_SCENARIOS = 6
DRAWS = 100_000
GROUPS = ("funnel", "fixed_cost", "variable_cost")
POINTS = ("low", "likely", "high")


class RoiModel(tl.HasTraits):
    """State of the ROI page; every number on screen comes from here.

    Traits
    ------
    estimate : the activity as the planner describes it (the last valid one).
    target : the ROI the activity should reach (0.2 = 20 %).
    result : the simulation of ``estimate`` (kept when a new input is invalid).
    error : ``{"en", "zh"}`` of the last invalid input, ``{}`` when fine.
    scenarios : ``[{"name", "estimate" (payload), "summary"}]`` kept for comparison.
    """

    estimate = tl.Instance(roi_lib.ActivityEstimate)
    target = tl.Float(0.0)
    result = tl.Instance(roi_lib.RoiResult, allow_none=True)
    error = tl.Dict()
    scenarios = tl.List()
    draws = tl.Int(DRAWS)
    seed = tl.Int(0)

    def __init__(self, **kwargs):
        kwargs.setdefault("estimate", roi_lib.template("lottery"))
        super().__init__(**kwargs)
        self._simulate()

    @tl.observe("estimate", "target")
    def _on_inputs(self, change) -> None:
        self._simulate()

    def _simulate(self) -> None:
        try:
            result = roi_lib.simulate(self.estimate, n=self.draws, seed=self.seed,
                                      target=self.target)
        except InputError as err:
            self.error = {"en": err.en, "zh": err.zh}
            return
        self.error = {}
        self.result = result

    # -- actions -----------------------------------------------------------------------------
    def set_input(self, key: str, low, likely, high) -> bool:
        """Change one input's three-point estimate; an invalid one is said in ``error`` and the
        last good estimate and result stay. Returns whether it was taken."""
        try:
            value = roi_lib.Range.of((low, likely, high), key=key)
            estimate = self.estimate.replace(**{key: value})
        except InputError as err:
            self.error = {"en": err.en, "zh": err.zh}
            return False
        except (TypeError, ValueError) as err:  # a bug rather than the planner's input
            log.exception("input %s rejected", key)
            self.error = {"en": str(err), "zh": str(err)}
            return False
        self.estimate = estimate
        return True

    def use_template(self, activity_type: str) -> None:
        self.estimate = roi_lib.template(activity_type)

    def fill_from_history(self, activities: pd.DataFrame | None,
                          calibrated: dict | None = None) -> None:
        """Low / likely / high from the team's past activities of this type; with a campaign
        review's ``calibrated`` rates, its funnel rates for this type replace the history's."""
        if activities is None:
            return
        kind = self.estimate.activity_type
        try:
            overrides = None
            if calibrated:
                from workbench import review

                overrides = review.roi_overrides(calibrated, kind) or None
            self.estimate = roi_lib.priors(activities, kind, calibrated=overrides)
        except InputError as err:
            self.error = {"en": err.en, "zh": err.zh}

    def keep_scenario(self, name: str) -> None:
        """Keep the current estimate and its summary for comparison (the newest
        :data:`MAX_SCENARIOS`; a scenario of the same name is replaced)."""
        if self.result is None:
            return
        name = name.strip() or self.estimate.label("en")
        kept = [s for s in self.scenarios if s["name"] != name]
        kept.append({"name": name, "estimate": self.estimate.to_payload(),
                     "summary": dict(self.result.summary)})
        self.scenarios = kept[-MAX_SCENARIOS:]

    def payload(self) -> dict:
        """What is saved to the scenario store."""
        return {"estimate": self.estimate.to_payload(), "target": self.target,
                "summary": dict(self.result.summary) if self.result is not None else {},
                "break_even": dict(self.result.break_even) if self.result is not None else {},
                "scenarios": list(self.scenarios)}

    def summary_csv(self) -> str:
        """One row per scenario kept (or the current one): inputs' likely values, ROI spread."""
        rows = self.scenarios or [{"name": self.estimate.label("en"),
                                   "estimate": self.estimate.to_payload(),
                                   "summary": dict(self.result.summary)}]
        out = []
        for s in rows:
            summary = s["summary"]
            est = roi_lib.ActivityEstimate.from_payload(s["estimate"])
            record = {"scenario": s["name"], "activity_type": est.activity_type}
            record.update({k: summary.get(k) for k in (
                "roi_mean", "roi_p5", "roi_p50", "roi_p95", "p_roi_positive", "p_loss",
                "p_roi_above_target", "profit_mean", "cost_mean", "value_mean",
                "cost_per_follow", "cost_per_conversion", "follows_mean", "conversions_mean")})
            for key in est.uncertain() or ():
                r = getattr(est, key)
                record[f"{key}_low"], record[f"{key}_likely"], record[f"{key}_high"] = r.to_list()
            out.append(record)
        return csv_text(pd.DataFrame(out))


def _rate(spec) -> bool:
    return spec.kind == "rate"


def _typed(spec, value: float, lang: str) -> str:
    """A value as the page's box holds it: rates in %, money in yuan, counts whole."""
    if _rate(spec):
        return f"{value:g}%"
    return fmt.money(value, lang) if spec.kind == "money" else fmt.count(value, lang)


def _shown(spec, value: float) -> float:
    """A value as its box shows it: a rate in % to 2 decimals (1.63), money to the fen, a
    count whole (history fills medians like 333,539.2 people)."""
    if _rate(spec):
        return round(value * 100.0, 2)
    return round(value, 2) if spec.kind == "money" else float(round(value))


def check_typed(spec, typed: tuple[float, float, float]) -> dict[str, str] | None:
    """What is wrong with the low / likely / high typed for an input, in the units and words
    the page shows (rates in %, the input's label, numbers as the page writes them), in both
    languages; ``None`` when they can be used."""
    scale = 100.0 if _rate(spec) else 1.0                       # the page types rates in %
    problem = roi_lib.range_problem(spec.key, *(v / scale for v in typed))
    if problem is None:
        return None
    key = f"roi.check.{problem}"
    extra = {"limit": roi_lib.MAX_AMOUNT} if problem == "too_big" else {}
    out = {}
    for lang in ("en", "zh"):
        shown = {name: _typed(spec, v, lang) if math.isfinite(v) else "–"
                 for name, v in zip(("low", "likely", "high"), typed)}
        limit = {"limit": _typed(spec, extra["limit"], lang)} if extra else {}
        out[lang] = t(key, lang, name=roi_lib.input_label(spec.key, lang), **shown, **limit)
    return out


class RoiDashboard(Page):
    """The ROI page: activity type, three-point inputs, KPI cards, charts, scenarios, save.

    Parameters
    ----------
    lang : ``"en"`` or ``"zh"``.
    store : a :class:`workbench.store.ScenarioStore`; the default one when omitted.
    """

    def __init__(self, lang: str | None = None, store=None):
        self._store = store
        self.header = Header("page.activity_roi.title", lang=lang,
                             subtitle_key="page.activity_roi.purpose", data_kinds=("activities",),
                             workspace=lambda: self.workspace)
        self.history = self.header.source()
        self.model = RoiModel()
        self._filling = False

        self.activity = w.Dropdown(options=[(a, a) for a in roi_lib.ACTIVITY_TYPES],
                                   value=self.model.estimate.activity_type,
                                   layout=w.Layout(width="300px"),
                                   style={"description_width": "initial"})
        self.activity.observe(self._on_activity, names="value")
        self.fill_button = w.Button(icon="history", layout=w.Layout(width="auto"))
        self.fill_button.on_click(lambda _: self.fill_from_history())
        self.review_button = w.Button(icon="refresh", layout=w.Layout(width="auto"))
        self.review_button.on_click(lambda _: self.fill_from_review())
        # what a fill replaced, and the button that puts it back
        self._before_fill: roi_lib.ActivityEstimate | None = None
        self.undo_button = w.Button(icon="undo", layout=w.Layout(width="auto", display="none"))
        self.undo_button.on_click(lambda _: self.undo_fill())
        self.target = w.FloatText(value=0.0, step=5, layout=w.Layout(width="200px"),
                                  style={"description_width": "initial"})
        self.target.observe(self._on_target, names="value")
        self.note = w.HTML()

        #: {input key: (low, likely, high) fields}; rates are shown and typed in percent
        self.fields: dict[str, tuple[w.FloatText, w.FloatText, w.FloatText]] = {}
        self.labels: dict[str, w.HTML] = {}
        self.group_titles = {g: w.HTML() for g in GROUPS}
        self.point_titles = {g: w.HTML() for g in GROUPS}
        columns = {}
        for group in GROUPS:
            rows = [w.HBox([self.group_titles[group], self.point_titles[group]],
                           layout=w.Layout(align_items="flex-end"))]
            for spec in (s for s in roi_lib.INPUTS if s.group == group):
                label = w.HTML(layout=w.Layout(width="210px"))
                boxes = tuple(w.FloatText(layout=w.Layout(width="92px"), continuous_update=False)
                              for _ in POINTS)
                for box, point in zip(boxes, POINTS):
                    box.add_class(f"wb-input-{spec.key}-{point}")
                    box.observe(lambda change, key=spec.key: self._on_field(key), names="value")
                self.fields[spec.key], self.labels[spec.key] = boxes, label
                rows.append(w.HBox([label, *boxes], layout=w.Layout(align_items="center")))
            columns[group] = w.VBox(rows)
        self.inputs = w.HBox([columns["funnel"],
                              w.VBox([columns["fixed_cost"], columns["variable_cost"]])],
                             layout=w.Layout(flex_flow="row wrap", grid_gap="8px 28px"))
        self.status = w.HTML()
        self.kpis = w.HTML()

        self.charts = {"histogram": ChartSlot(520, "50%"), "curve": ChartSlot(520, "50%"),
                       "tornado": ChartSlot(1040), "compare": ChartSlot(1040)}
        self.break_even = w.HTML()
        self.scenario_name = w.Text(layout=w.Layout(width="240px"))
        self.keep_button = w.Button(icon="plus", layout=w.Layout(width="auto"))
        self.keep_button.on_click(lambda _: self.keep_scenario())
        self.clear_button = w.Button(icon="trash", layout=w.Layout(width="auto"))
        self.clear_button.on_click(lambda _: setattr(self.model, "scenarios", []))
        self.scenario_table = w.HTML()
        self.save_name = w.Text(layout=w.Layout(width="240px"))
        self.save_button = w.Button(icon="save", layout=w.Layout(width="auto"))
        self.save_button.on_click(lambda _: self.save())
        self.save_status = w.HTML()
        self.export_button = w.Button(icon="download", layout=w.Layout(width="auto"))
        self.export_button.on_click(lambda _: self.export())
        self.downloads = Downloads()
        self.titles = {key: w.HTML() for key in ("inputs", "result", "drivers", "compare", "save")}

        #: the data as the workbench read it (first rows), folded away
        self.preview = DataPreview(self.header.source())
        self.preview_panel = w.Accordion(children=[self.preview.widget], selected_index=None)
        self.widget = w.VBox([
            self.header.widget, self.preview_panel,
            w.HBox([self.activity, self.fill_button, self.review_button, self.undo_button,
                    self.target],
                   layout=w.Layout(align_items="center", flex_flow="row wrap",
                                   grid_gap="4px 16px")),
            self.note,
            self.titles["inputs"], self.inputs, self.status,
            self.titles["result"], self.kpis,
            w.HBox([self.charts["histogram"].box, self.charts["curve"].box],
                   layout=w.Layout(flex_flow="row wrap")),
            self.titles["drivers"], self.charts["tornado"].box, self.break_even,
            self.titles["compare"],
            w.HBox([self.scenario_name, self.keep_button, self.clear_button],
                   layout=w.Layout(align_items="center")),
            self.charts["compare"].box, self.scenario_table,
            self.titles["save"],
            w.HBox([self.save_name, self.save_button, self.export_button],
                   layout=w.Layout(flex_flow="row wrap", grid_gap="4px 8px")),
            self.save_status, self.downloads,
        ])
        self.widget.add_class("wb-page")

        self.model.observe(self._show_estimate, names="estimate")
        self.model.observe(self._redraw, names="result")
        self.model.observe(self._show_status, names="error")
        self.model.observe(self._draw_scenarios, names="scenarios")
        self.header.model.observe(self._relabel, names="lang")
        self._show_estimate()
        self._relabel()
        # unsaved work survives a kernel restart (workbench.ui.drafts)
        self.start_drafts(STORE_KIND, self._draft_fields(), name=self.save_name,
                          watch=[(self.model, ["estimate", "scenarios"])])
        self.start_scenarios(STORE_KIND, lambda: self.model.payload(), self.save_name)

    def _draft_fields(self) -> dict:
        """What a draft keeps of this page: the estimate, the target, the scenarios kept for
        comparison and the name to save under."""
        model = self.model
        return {
            "estimate": Field(lambda: model.estimate.to_payload(),
                              lambda v: setattr(model, "estimate",
                                                roi_lib.ActivityEstimate.from_payload(v)),
                              "drafts.field.estimate"),
            "target": self.target,
            "scenarios": Field(lambda: list(model.scenarios),
                               lambda v: setattr(model, "scenarios", list(v)),
                               "drafts.field.scenarios"),
            "name": self.save_name,
        }

    # -- language ----------------------------------------------------------------------------
    def _relabel(self, change=None) -> None:
        lang = self.lang
        self.preview_panel.set_title(0, t("preview.title", lang))
        self.activity.description = t("roi.activity", lang)
        self.activity.options = [(level("activity_type", a, lang), a)
                                 for a in roi_lib.ACTIVITY_TYPES]
        self.fill_button.description = t("roi.fill", lang)
        self.fill_button.tooltip = t("roi.fill_tooltip", lang)
        self.review_button.description = t("roi.fill_review", lang)
        self.review_button.tooltip = t("roi.fill_review_tooltip", lang)
        self.undo_button.description = t("roi.undo_fill", lang)
        self.undo_button.tooltip = t("roi.undo_fill_tooltip", lang)
        self.target.description = t("roi.target", lang)
        self.scenario_name.placeholder = t("roi.scenario_name", lang)
        self.keep_button.description = t("roi.keep", lang)
        self.clear_button.description = t("roi.clear", lang)
        self.save_name.placeholder = t("roi.save_name", lang)
        self.save_button.description = t("roi.save", lang)
        self.export_button.description = t("roi.download", lang)
        for key, widget in self.titles.items():
            title = t(f"roi.section.{key}", lang)
            widget.value = f'<h3 class="wb-section">{html.escape(title)}</h3>'
        for group in GROUPS:
            self.group_titles[group].value = (f'<div class="wb-roi-group">'
                                              f'{html.escape(t(f"roi.group.{group}", lang))}</div>')
            self.point_titles[group].value = "".join(
                f'<span class="wb-roi-point">{html.escape(t(f"roi.point.{p}", lang))}</span>'
                for p in POINTS)
        for spec in roi_lib.INPUTS:
            unit = "%" if _rate(spec) else t(f"roi.unit.{spec.unit}", lang)
            self.labels[spec.key].value = (
                f'<span class="wb-roi-label" title="{html.escape(spec.key)}">'
                f"{html.escape(roi_lib.input_label(spec.key, lang))}"
                f' <small>{html.escape(unit)}</small></span>')
        self._show_note()
        self._show_status()
        self._redraw()
        self._draw_scenarios()

    # -- showing the estimate ----------------------------------------------------------------
    def _show_estimate(self, change=None) -> None:
        """Put the model's estimate into the fields (without re-reading them)."""
        est = self.model.estimate
        self._filling = True
        try:
            self.activity.value = est.activity_type
            for spec in roi_lib.INPUTS:
                r = getattr(est, spec.key)
                for box, value in zip(self.fields[spec.key], r.to_list()):
                    box.value = _shown(spec, value)
        finally:
            self._filling = False
        self._show_note()

    def _show_note(self) -> None:
        note = self.model.estimate.note or {}
        text = note.get(self.lang) or note.get("en") or ""
        self.note.value = f'<p class="wb-note">{html.escape(text)}</p>' if text else ""

    # -- events ------------------------------------------------------------------------------
    def _on_activity(self, change) -> None:
        if not self._filling and change.new != self.model.estimate.activity_type:
            self.model.use_template(change.new)

    def _on_target(self, change) -> None:
        value = change.new
        if value is None or not math.isfinite(value):
            return
        self.model.target = float(value) / 100.0

    def _on_field(self, key: str) -> None:
        if self._filling:
            return
        spec = next(s for s in roi_lib.INPUTS if s.key == key)
        typed = tuple(box.value for box in self.fields[key])
        problem = check_typed(spec, typed)       # in the page's units and labels
        if problem is not None:
            self.model.error = problem
            return
        scale = 100.0 if _rate(spec) else 1.0
        low, likely, high = (value / scale for value in typed)
        self.model.set_input(key, low, likely, high)

    def fill_from_history(self) -> None:
        before = self.model.estimate
        self.model.fill_from_history(self.history.data)
        self._offer_undo(before)

    def _offer_undo(self, before) -> None:
        """After a fill replaced what was on screen: the Undo button puts it back."""
        if self.model.estimate is not before:
            self._before_fill = before
            self.undo_button.layout.display = ""

    def undo_fill(self) -> bool:
        """Put back the inputs a fill from history or from the last review replaced."""
        if self._before_fill is None:
            return False
        self.model.estimate, self._before_fill = self._before_fill, None
        self.undo_button.layout.display = "none"
        return True

    def fill_from_review(self) -> bool:
        """The history's ranges with the funnel rates the last campaign review calibrated."""
        try:
            found = latest_saved(self.store, REVIEW_KIND)
        except Exception as err:  # a failing store is not "no review": say which
            self.model.error = read_failure(err, "store.what.review")
            return False
        if found is None or not found[1].get("calibrated"):
            self.model.error = {"en": t("roi.no_review", "en"), "zh": t("roi.no_review", "zh")}
            return False
        before = self.model.estimate
        self.model.fill_from_history(self.history.data, calibrated=found[1]["calibrated"])
        self._offer_undo(before)
        return True

    def keep_scenario(self) -> None:
        self.model.keep_scenario(self.scenario_name.value)

    # -- drawing -----------------------------------------------------------------------------
    def _show_status(self, change=None) -> None:
        error = self.model.error
        if not error:
            self.status.value = ""
            return
        text = error.get(self.lang) or error.get("en", "")
        kept = t("roi.kept", self.lang)
        self.status.value = (f'<div class="wb-status wb-status--error">{html.escape(text)} '
                             f"{html.escape(kept)}</div>")

    def _redraw(self, change=None) -> None:
        result, lang = self.model.result, self.lang
        if result is None:
            return
        self.kpis.value = kpis_html(result.summary, self.model.target, lang)
        target = self.model.target
        self.charts["histogram"].draw(charts.roi_histogram, result,
                                      target=target, lang=lang)
        self.charts["curve"].draw(charts.roi_curve, result,
                                  target=target, lang=lang)
        table = result.sensitivity
        base = result.summary.get("roi_likely")
        if len(table) and base is not None:
            self.charts["tornado"].draw(charts.tornado, table,
                                        base=base, lang=lang)
        self.break_even.value = break_even_html(result.break_even, self.model.estimate, lang)

    def _draw_scenarios(self, change=None) -> None:
        scenarios, lang = self.model.scenarios, self.lang
        self.charts["compare"].hide(not scenarios)
        if scenarios:
            self.charts["compare"].draw(charts.compare, scenarios,
                                        lang=lang)
        self.scenario_table.value = scenarios_html(scenarios, lang)

    # -- actions -----------------------------------------------------------------------------
    def save(self) -> int | None:
        """Save the estimate, its summary and the scenarios under the typed name."""
        lang = self.lang
        name = self.save_name.value.strip() or self.model.estimate.label(lang)
        version = self.save_scenario(STORE_KIND, name, self.model.payload(), self.save_status,
                                     "roi")
        if version is None:
            return None
        return version

    def export(self) -> None:
        """Download the estimate and its kept scenarios as CSV (one row each) in the browser."""
        lang = self.lang
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M")
        self.downloads.send(self.model.summary_csv(), f"roi-{stamp}.csv", t("roi.download", lang),
                            lang)


# -- HTML views ---------------------------------------------------------------------------------
#: The page's numbers (:mod:`workbench.fmt`): ROI and chances as whole percentages, money in yuan.
_money = fmt.money
_pct = functools.partial(fmt.pct, digits=0)


def kpis_html(summary: dict, target: float, lang: str) -> str:
    """The KPI cards: expected ROI, chance of a loss, chance of the target, cost per follow and
    per conversion, expected profit with its 90 % range. The chance of a loss is the model's
    ``p_loss`` (ROI < 0), the share the histogram paints red."""
    p_loss = summary.get("p_loss")
    cards = [
        ("expected_roi", _pct(summary.get("roi_mean")),
         t("roi.kpi.range", lang, low=_pct(summary.get("roi_p5")),
           high=_pct(summary.get("roi_p95"))),
         "loss" if (summary.get("roi_mean") or 0) < 0 else ""),
        ("p_loss", _pct(p_loss), t("roi.kpi.p_loss_note", lang),
         "loss" if (p_loss or 0) > 0.5 else ""),
        ("p_target", _pct(summary.get("p_roi_above_target")),
         t("roi.kpi.target_note", lang, target=_pct(target)), ""),
        ("cost_per_follow", _money(summary.get("cost_per_follow"), lang),
         t("roi.kpi.follows_note", lang, n=f"{summary.get('follows_mean') or 0:,.0f}"), ""),
        ("cost_per_conversion", _money(summary.get("cost_per_conversion"), lang),
         t("roi.kpi.conversions_note", lang, n=f"{summary.get('conversions_mean') or 0:,.0f}"),
         ""),
        ("profit", _money(summary.get("profit_mean"), lang),
         t("roi.kpi.range", lang, low=_money(summary.get("profit_p5"), lang),
           high=_money(summary.get("profit_p95"), lang)),
         "loss" if (summary.get("profit_mean") or 0) < 0 else ""),
    ]
    body = "".join(
        f'<div class="wb-kpi {"wb-kpi--loss" if tone else ""}" data-kpi="{key}">'
        f'<div class="wb-kpi-label">{html.escape(t(f"roi.kpi.{key}", lang))}</div>'
        f'<div class="wb-kpi-value">{html.escape(value)}</div>'
        f'<div class="wb-kpi-note">{html.escape(note)}</div></div>'
        for key, value, note, tone in cards)
    return f'<div class="wb-kpis">{body}</div>'


def break_even_html(values: dict, estimate, lang: str) -> str:
    """Each uncertain input's break-even value (profit 0, the others likely), or "none in
    range"."""
    rows = []
    for key in estimate.uncertain():
        spec = next(s for s in roi_lib.INPUTS if s.key == key)
        r = getattr(estimate, key)
        value = values.get(key)
        if value is None:
            shown = t("roi.none_in_range", lang)
        elif spec.kind == "rate":
            shown = f"{value:.2%}"
        else:
            shown = f"{value:,.2f}" if abs(value) < 100 else f"{value:,.0f}"
        inside = value is not None and r.low <= value <= r.high
        scale, fmt = (100.0, "{:.2f}%") if spec.kind == "rate" else (1.0, "{:,.6g}")
        rng = " – ".join(fmt.format(x * scale) for x in (r.low, r.high))
        rows.append(f'<tr class="{"wb-inside" if inside else ""}">'
                    f"<td>{html.escape(roi_lib.input_label(key, lang))}</td>"
                    f"<td>{html.escape(shown)}</td><td>{html.escape(rng)}</td></tr>")
    head = "".join(f"<th>{html.escape(t(f'roi.be.{c}', lang))}</th>"
                   for c in ("input", "value", "range"))
    return (f'<h4 class="wb-subsection">{html.escape(t("roi.be.title", lang))}</h4>'
            f'<table class="wb-table"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}'
            f'</tbody></table><p class="wb-note">{html.escape(t("roi.be.note", lang))}</p>')


def scenarios_html(scenarios: list, lang: str) -> str:
    if not scenarios:
        return f'<p class="wb-note">{html.escape(t("roi.no_scenarios", lang))}</p>'
    head = "".join(f"<th>{html.escape(t(f'roi.sc.{c}', lang))}</th>"
                   for c in ("name", "type", "roi", "range", "p_loss", "profit",
                             "cost_per_follow"))
    rows = []
    for s in scenarios:
        sm = s["summary"]
        kind = s["estimate"].get("activity_type", "")
        rows.append(
            f"<tr><td>{html.escape(str(s['name']))}</td>"
            f"<td>{html.escape(level('activity_type', kind, lang))}</td>"
            f"<td>{_pct(sm.get('roi_mean'))}</td>"
            f"<td>{_pct(sm.get('roi_p5'))} – {_pct(sm.get('roi_p95'))}</td>"
            f"<td>{_pct(sm.get('p_loss'))}</td>"    # "–" in a draft saved before it existed
            f"<td>{html.escape(_money(sm.get('profit_mean'), lang))}</td>"
            f"<td>{html.escape(_money(sm.get('cost_per_follow'), lang))}</td></tr>")
    return (f'<table class="wb-table"><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table>')


