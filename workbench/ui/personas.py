"""The personas dashboard: segment the audience, name who we serve, save the persona set.

:class:`PersonaModel` holds the page's state (traitlets) and calls :mod:`workbench.personas`;
:class:`PersonaDashboard` builds the widgets once, links them to the model and keeps one
chart slot per chart (:class:`workbench.ui.slots.ChartSlot`). A test drives it without a browser::

    >>> page = PersonaDashboard(lang="en")                       # doctest: +SKIP
    >>> page.k_slider.value = 4                                  # re-segments
    >>> len(page.model.personas)                                 # doctest: +SKIP
    4
"""

from __future__ import annotations

import datetime as dt
import html
import logging
import threading
from dataclasses import dataclass

import ipywidgets as w
import numpy as np
import pandas as pd
import traitlets as tl

from workbench import personas as model_lib
from workbench.charts import personas as charts
from workbench.errors import InputError
from workbench.export import csv_text
from workbench.i18n import attribute as attribute_name
from workbench.i18n import level, t
from workbench.runtime.loop import kernel_loop
from workbench.runtime.memory import release_memory
from workbench.runtime.voila import request_pending
from workbench.ui.downloads import Downloads
from workbench.ui.readers import ReaderPanel
from workbench.ui.shell import Header, Page
from workbench.ui.slots import ChartSlot
from workbench.ui.soon import after

log = logging.getLogger(__name__)

#: Attributes the filters re-profile on (no re-clustering).
FILTERS = ("city_tier", "age_band", "platform", "follow_source")
ALL = "__all__"
#: chart widths in pixels (the page is 1,080 px wide at most)
WIDTHS = {"sizes": 520, "radar": 520, "heatmap": 1040, "map": 1040, "comparison": 1040,
          "curve": 520}
STORE_KIND = "personas"


class PersonaModel(tl.HasTraits):
    """State of the personas page; every number on screen comes from here.

    Traits
    ------
    followers : the canonical followers frame in use.
    features, weights : attributes segmented on and their weights.
    k : number of personas when ``auto_k`` is off; ``auto_k`` lets the model choose.
    filters : ``{attribute: level code}`` of the subset being profiled (no re-clustering).
    segmentation : the last segmentation of ``followers``.
    personas : the personas of the filtered subset (names include the user's renames).
    renames : ``{persona id: {"en": ..., "zh": ...}}`` typed by the user.
    error : the last problem to show (``""`` when fine).
    busy, progress : a segmentation is running; the share of it done (0-1).
    trying_k : while ``auto_k`` chooses, the number of personas being fitted (0 otherwise).
    """

    followers = tl.Instance(pd.DataFrame, allow_none=True)
    features = tl.List(tl.Unicode(), default_value=None, allow_none=True)
    weights = tl.Dict()
    k = tl.Int(6, min=2, max=10)
    auto_k = tl.Bool(False)
    filters = tl.Dict()
    segmentation = tl.Instance(model_lib.Segmentation, allow_none=True)
    personas = tl.List()
    renames = tl.Dict()
    error = tl.Dict()
    busy = tl.Bool(False)
    progress = tl.Float(0.0)
    trying_k = tl.Int(0)
    seed = tl.Int(0)
    background = tl.Bool(False)

    def __init__(self, **kwargs):
        self._generation = 0
        self._thread: threading.Thread | None = None
        self._segmented: pd.DataFrame | None = None  # the frame ``segmentation`` was made from
        super().__init__(**kwargs)

    # -- rules -------------------------------------------------------------------------------
    @tl.observe("followers", "features", "weights", "k", "auto_k")
    def _on_inputs(self, change) -> None:
        if change.name == "k" and self.auto_k:
            return  # k is the model's choice while "auto" is on
        self._resegment()

    @tl.observe("filters", "renames")
    def _on_view(self, change) -> None:
        self._reprofile()

    def _resegment(self) -> None:
        """Segment ``followers`` with the current choices: in a worker thread when ``background``
        (the page stays responsive; a newer request cancels an older one at its next progress
        step), else before returning."""
        if self.followers is None:
            return
        self._generation += 1
        columns = set(self.followers.columns)
        job = _Job(self._generation, self.followers,
                   None if self.auto_k else self.k,
                   None if self.features is None else [f for f in self.features if f in columns],
                   {a: v for a, v in self.weights.items() if a in columns} or None, self.seed)
        self.busy, self.progress, self.trying_k = True, 0.0, 0
        if not self.background:
            self._finish(job, self._run(job, self._set_progress, self._set_trying))
            return

        def work() -> None:
            result = self._run(job, self._post_progress, self._post_trying)
            _call_soon(lambda: self._finish(job, result))

        self._thread = threading.Thread(target=work, name="workbench-segment", daemon=True)
        self._thread.start()

    def _run(self, job: "_Job", report, report_k) -> object:
        """The segmentation of ``job``, the error to show, or ``None`` when superseded;
        ``report`` gets its progress, ``report_k`` each k it fits while choosing k."""
        def progress(share: float) -> None:
            if job.generation != self._generation:
                raise _Superseded
            report(job, share)

        def trying(k: int) -> None:
            if job.generation != self._generation:
                raise _Superseded
            report_k(job, k)

        try:
            return model_lib.segment(job.followers, k=job.k, features=job.features,
                                     weights=job.weights, seed=job.seed, progress=progress,
                                     trying_k=trying)
        except _Superseded:
            return None
        except InputError as err:  # degenerate data or choices: say so, keep the last result
            return err
        except Exception as err:  # a bug: logged in full, said in a sentence
            log.exception("segmenting failed")
            return err

    def _set_progress(self, job: "_Job", share: float) -> None:
        if job.generation == self._generation:
            self.progress = share

    def _post_progress(self, job: "_Job", share: float) -> None:
        _call_soon(lambda: self._set_progress(job, share))

    def _set_trying(self, job: "_Job", k: int) -> None:
        if job.generation == self._generation:
            self.trying_k = k

    def _post_trying(self, job: "_Job", k: int) -> None:
        _call_soon(lambda: self._set_trying(job, k))

    def _finish(self, job: "_Job", result: object) -> None:
        if result is None or job.generation != self._generation:
            return  # a newer request is running; its result will come
        self.busy, self.trying_k = False, 0
        if isinstance(result, Exception):
            self.error = _error_texts(result)
            return
        self.error = {}
        with self.hold_trait_notifications():
            self.renames = {}
            self._segmented = job.followers
            self.segmentation = result
        self._reprofile()
        # the segmentation's temporaries and the one it replaced are freed by now
        release_memory()

    def wait(self, timeout: float = 120.0) -> None:
        """Block until the running segmentation (if any) is done and shown (for tests and
        scripts; outside a kernel the worker applies its result itself)."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)

    @property
    def segmented(self) -> pd.DataFrame | None:
        """The followers frame the current ``segmentation`` was made from."""
        return self._segmented

    def mask(self) -> np.ndarray:
        """Rows of the segmented followers inside the filters."""
        chosen = {column: code for column, code in self.filters.items()
                  if code and code != ALL and column in self._segmented.columns}
        found = self.segmentation.where(chosen) if self.segmentation is not None else None
        if found is not None:
            return found
        frame = self._segmented
        keep = np.ones(len(frame), dtype=bool)
        for column, code in chosen.items():
            keep &= (frame[column].astype("string") == code).fillna(False).to_numpy()
        return keep

    def _reprofile(self) -> None:
        seg = self.segmentation
        if seg is None:
            self.personas = []
            return
        mask = self.mask()
        profiled = seg.profile(mask) if not mask.all() else list(seg.personas)
        self.personas = [self._named(p) for p in profiled]

    def _named(self, persona):
        names = self.renames.get(persona.id)
        return persona.renamed(**{f"name_{k}": v for k, v in names.items()}) if names else persona

    # -- actions -----------------------------------------------------------------------------
    def rename(self, persona_id: int, lang: str, name: str) -> None:
        """Set the display name of a persona in one language (user text, kept as typed)."""
        name = name.strip()
        if not name:
            return
        renames = {pid: dict(v) for pid, v in self.renames.items()}
        renames.setdefault(persona_id, {})[lang] = name
        self.renames = renames

    def payload(self) -> dict:
        """What is saved to the scenario store: the persona set and how it was made."""
        seg = self.segmentation
        return {
            "k": seg.k, "seed": seg.seed, "features": list(seg.features),
            "weights": dict(self.weights),
            # the store takes numpy numbers but only text keys (the curves are by k)
            "quality": {name: {str(k): v for k, v in value.items()}
                        if isinstance(value, dict) else value
                        for name, value in seg.quality.items()},
            "rows": int(len(self._segmented)),
            "personas": [_persona_record(self._named(p)) for p in seg.personas],
        }

    def personas_csv(self) -> str:
        """One row per persona: size, share, names and top traits."""
        rows = []
        for p in (self._named(p) for p in self.segmentation.personas):
            top = p.top_traits(5)
            rows.append({
                "persona_id": p.id, "name_en": p.name["en"], "name_zh": p.name["zh"],
                "size": p.size, "share": round(p.share, 4),
                "top_traits": "; ".join(f"{tr.attribute}={tr.level} (x{tr.lift:.2f}, n={tr.count})"
                                        for tr in top),
                "description_en": p.description["en"], "description_zh": p.description["zh"],
            })
        return csv_text(pd.DataFrame(rows))

    def labels_csv(self) -> str:
        """One row per follower: id and persona."""
        seg = self.segmentation
        names = {p.id: self._named(p).name for p in seg.personas}
        ids = self._segmented["follower_id"].astype("string").to_numpy()
        return csv_text(pd.DataFrame({
            "follower_id": ids, "persona_id": seg.labels,
            "persona_en": [names[i]["en"] for i in seg.labels],
            "persona_zh": [names[i]["zh"] for i in seg.labels],
        }))


@dataclass(frozen=True)
class _Job:
    """One segmentation request: what to segment and how."""

    generation: int
    followers: pd.DataFrame
    k: int | None
    features: list[str] | None
    weights: dict | None
    seed: int


class _Superseded(Exception):
    """Raised inside a worker whose request a newer one replaced."""


def _call_soon(fn) -> None:
    """Run ``fn`` on the kernel's main thread (widgets are changed from one thread only); outside
    a kernel, run it now."""
    loop = kernel_loop()
    if loop is None:
        fn()
    else:
        loop.add_callback(fn)


def _error_texts(err: Exception) -> dict[str, str]:
    if isinstance(err, InputError):
        return {"en": err.en, "zh": err.zh}
    return {"en": f"Segmenting failed: {err}. The last personas stay on screen.",
            "zh": f"分群失败：{err}。上一次的画像仍保留在页面上。"}


def _persona_record(p) -> dict:
    return {
        "id": p.id, "size": p.size, "share": p.share, "name": dict(p.name),
        "description": dict(p.description),
        "top_traits": [{"attribute": tr.attribute, "level": tr.level, "lift": tr.lift,
                        "count": tr.count} for tr in p.top_traits(8)],
        "platforms": [[code, share] for code, share in p.platforms],
        "interests": [[code, share] for code, share in p.interests],
        "active_hours": list(p.active_hours),
    }


class PersonaDashboard(Page):
    """The personas page: controls, persona cards, charts, save and export.

    Parameters
    ----------
    lang : ``"en"`` or ``"zh"``.
    store : a :class:`workbench.store.ScenarioStore`; the default one when omitted.
    background : segment in a worker thread with a progress bar, the controls staying live (the
        served page); ``False`` segments before a control's change returns (scripts, tests).
    """

    def __init__(self, lang: str | None = None, store=None, background: bool = True):
        self._store = store
        self._syncing = False  # the attribute controls are being set from the model
        self.header = Header("page.personas.title", lang=lang,
                             subtitle_key="page.personas.purpose", data_kinds=("followers",),
                             workspace=lambda: self.workspace)
        source = self.header.source()
        # a pre-heated kernel segments before its visit, at once: its event loop, which would
        # apply a worker's result, is held by the cell until the visit (shell.Page.from_url)
        self.model = PersonaModel(followers=source.data,
                                  background=background and not request_pending())
        self.model.background = background
        source.observe(lambda change: setattr(self.model, "followers", change.new), names="data")

        # controls
        self.k_slider = w.IntSlider(value=self.model.k, min=2, max=10,
                                    continuous_update=False, layout=w.Layout(width="320px"))
        self.auto_k = w.Checkbox(value=False, indent=False, layout=w.Layout(width="auto"))
        tl.link((self.model, "k"), (self.k_slider, "value"))
        tl.link((self.model, "auto_k"), (self.auto_k, "value"))
        self.filter_boxes = {c: w.Dropdown(layout=w.Layout(width="180px")) for c in FILTERS}
        for box in self.filter_boxes.values():
            box.observe(self._on_filter, names="value")
        self.picker = w.Dropdown(layout=w.Layout(width="320px"))
        self.picker.observe(self._on_pick, names="value")
        self.other = w.Dropdown(layout=w.Layout(width="360px"),
                                style={"description_width": "initial"})  # "Compare with" whole
        self.other.observe(self._on_pick, names="value")
        self.rename_box = w.Text(layout=w.Layout(width="320px"), continuous_update=False)
        self.rename_box.observe(self._on_rename, names="value")
        self.save_name = w.Text(layout=w.Layout(width="240px"))
        self.save_button = w.Button(icon="save")
        self.save_button.on_click(lambda _: self.save())
        self.status = w.HTML()
        self.progress = w.FloatProgress(min=0.0, max=1.0, layout=w.Layout(width="320px",
                                                                          display="none"))
        self.progress.add_class("wb-progress")
        self.save_status = w.HTML()         # beside the Save button, where the user looks
        #: one click, one file: the personas, and each follower's persona
        self.export_buttons = {kind: w.Button(icon="download", layout=w.Layout(width="auto"))
                               for kind in ("personas", "labels")}
        for kind, button in self.export_buttons.items():
            button.on_click(lambda _, kind=kind: self.export(kind))
        self.downloads = Downloads()
        #: segmentation attributes: {column: (use it?, weight)}, rebuilt for each data set
        self.attributes: dict[str, tuple[w.Checkbox, w.FloatSlider]] = {}
        self.attribute_grid = w.GridBox(layout=w.Layout(
            grid_template_columns="repeat(auto-fill, minmax(340px, 1fr))", grid_gap="2px 16px"))
        self.attribute_note = w.HTML()
        self.attribute_panel = w.Accordion(
            children=[w.VBox([self.attribute_note, self.attribute_grid])], selected_index=None)

        # views
        self.cards = w.HTML()
        #: one slot per chart (:class:`ChartSlot`)
        self._map_key: tuple | None = None  # what the map on screen shows (_draw_map)
        self.charts = {name: ChartSlot(WIDTHS[name], box_width)
                       for name, box_width in (("sizes", "50%"), ("radar", "50%"),
                                               ("heatmap", "100%"), ("map", "100%"),
                                               ("comparison", "100%"), ("curve", "50%"))}
        self.slots = {name: slot.box for name, slot in self.charts.items()}
        self.charts["curve"].hide()  # shown while "let the data choose" is on
        for box in self.filter_boxes.values():
            box.style.description_width = "initial"
        self.titles = {key: w.HTML() for key in ("cards", "charts", "compare", "save")}
        #: readers from WeChat's aggregate exports: built when the user opens it
        self.readers = ReaderPanel(self.header.model, survey=source)
        self.readers_panel = w.Accordion(children=[self.readers.widget], selected_index=None)
        self.readers_panel.observe(self._on_readers_open, names="selected_index")

        self.widget = w.VBox([
            self.header.widget,
            w.HBox([self.k_slider, self.auto_k], layout=w.Layout(align_items="center")),
            self.attribute_panel,
            w.HBox(list(self.filter_boxes.values()),
                   layout=w.Layout(flex_flow="row wrap", grid_gap="4px 12px")),
            w.HBox([self.progress, self.status], layout=w.Layout(align_items="center")),
            self.slots["curve"],
            self.titles["cards"], self.cards,
            self.titles["charts"],
            w.HBox([self.slots["sizes"], self.slots["radar"]],
                   layout=w.Layout(flex_flow="row wrap")),
            self.slots["heatmap"], self.slots["map"],
            self.titles["compare"], w.HBox([self.picker, self.other]), self.rename_box,
            self.slots["comparison"],
            self.titles["save"],
            w.HBox([self.save_name, self.save_button, *self.export_buttons.values()],
                   layout=w.Layout(flex_flow="row wrap", grid_gap="4px 8px")),
            self.save_status, self.downloads,
            self.readers_panel,
        ])
        self.widget.add_class("wb-page")

        self.model.observe(self._redraw, names="personas")
        self.model.observe(self._refill_filters, names="followers")
        self.model.observe(self._build_attributes, names="followers")
        self.model.observe(self._sync_attributes, names=["features", "weights"])
        self.model.observe(self._show_status,
                           names=["error", "busy", "trying_k", "personas", "segmentation"])
        self.model.observe(self._show_progress, names=["busy", "progress"])
        self.model.observe(self._on_auto, names="auto_k")
        # an identical persona set (auto k choosing the k on screen) is no news to ``personas``
        self.model.observe(lambda change: self.model.auto_k and self._draw_curve(),
                           names="segmentation")
        self._build_attributes()
        self._show_progress()
        self.header.model.observe(self._relabel, names="lang")
        self._relabel()
        # unsaved work survives a kernel restart (workbench.ui.drafts)
        self.start_drafts(STORE_KIND, self._draft_fields(), name=self.save_name,
                          watch=[(self.model, ["features", "weights", "renames"])])
        self.start_scenarios(STORE_KIND, lambda: self.model.payload()
                             if self.model.segmentation is not None else None, self.save_name)

    # -- language ----------------------------------------------------------------------------
    def _relabel(self, change=None) -> None:
        lang = self.lang
        self.k_slider.description = t("personas.k", lang)
        self.auto_k.description = t("personas.auto_k", lang)
        for column, box in self.filter_boxes.items():
            box.description = t(f"personas.filter.{column}", lang)
            self._fill_filter(column)
        self.rename_box.description = t("personas.rename", lang)
        self.picker.description = t("personas.persona", lang)
        self.other.description = t("personas.compare_with", lang)
        self.save_name.placeholder = t("personas.save_name", lang)
        self.save_button.description = t("personas.save", lang)
        for kind, button in self.export_buttons.items():
            button.description = t(f"personas.download_{kind}", lang)
        self.attribute_panel.set_title(0, t("personas.section.attributes", lang))
        self.readers_panel.set_title(0, t("personas.section.readers", lang))
        self.attribute_note.value = (f'<p class="wb-note">'
                                     f'{html.escape(t("personas.attributes.note", lang))}</p>')
        for name, (use, weight) in self.attributes.items():
            use.description = attribute_name(name, lang)
            weight.description = t("personas.weight", lang)
        for key, widget in self.titles.items():
            title = html.escape(t(f"personas.section.{key}", lang))
            widget.value = f'<h3 class="wb-section">{title}</h3>'
        self._redraw()
        self._show_status()

    def _refill_filters(self, change=None) -> None:
        """New data: offer its levels; a level it lacks falls back to "all"."""
        for column in FILTERS:
            self._fill_filter(column)

    def _fill_filter(self, column: str) -> None:
        box, lang = self.filter_boxes[column], self.lang
        frame = self.model.followers
        codes = [] if frame is None or column not in frame.columns else [
            str(c) for c in frame[column].dropna().unique()]
        options = [(t("personas.filter.all", lang), ALL)] + [
            (level(column, c, lang), c) for c in sorted(codes)]
        value = box.value if box.value in {v for _, v in options} else ALL
        box.options = options
        box.value = value

    def _build_attributes(self, change=None) -> None:
        """One row per attribute the data can segment on: a checkbox and a weight (0–3)."""
        frame, model = self.model.followers, self.model
        names = [] if frame is None else model_lib.default_features(frame)
        lang, rows = self.lang, []
        self.attributes = {}
        for name in names:
            use = w.Checkbox(value=model.features is None or name in model.features,
                             description=attribute_name(name, lang), indent=False,
                             layout=w.Layout(width="150px"))
            weight = w.FloatSlider(value=float(model.weights.get(name, 1.0)), min=0.0, max=3.0,
                                   step=0.5, readout_format=".1f", continuous_update=False,
                                   description=t("personas.weight", lang),
                                   layout=w.Layout(width="180px"),
                                   style={"description_width": "initial"})
            weight.disabled = not use.value
            use.observe(self._on_attributes, names="value")
            weight.observe(self._on_weight, names="value")
            self.attributes[name] = (use, weight)
            rows.append(w.HBox([use, weight], layout=w.Layout(align_items="center")))
        self.attribute_grid.children = rows

    def _sync_attributes(self, change=None) -> None:
        """Show the model's attribute choices (they may be set from code or a saved set)."""
        model = self.model
        self._syncing = True
        try:
            for name, (use, weight) in self.attributes.items():
                use.value = model.features is None or name in model.features
                weight.value = float(model.weights.get(name, 1.0))
                weight.disabled = not use.value
        finally:
            self._syncing = False

    # -- events ------------------------------------------------------------------------------
    def _on_attributes(self, change) -> None:
        if self._syncing:
            return
        for use, weight in self.attributes.values():
            weight.disabled = not use.value
        self.model.features = [name for name, (use, _) in self.attributes.items() if use.value]

    def _on_weight(self, change) -> None:
        if self._syncing:
            return
        self.model.weights = {name: float(weight.value)
                              for name, (_, weight) in self.attributes.items()
                              if weight.value != 1.0}

    def _on_readers_open(self, change) -> None:
        if change.new is not None:
            self.readers.open()

    def _on_auto(self, change=None) -> None:
        self.k_slider.disabled = self.model.auto_k
        self.charts["curve"].hide(not self.model.auto_k)
        if self.model.auto_k:
            self._draw_curve()

    def _show_progress(self, change=None) -> None:
        self.progress.layout.display = "" if self.model.busy else "none"
        self.progress.value = self.model.progress

    def _on_filter(self, change) -> None:
        self.model.filters = {c: b.value for c, b in self.filter_boxes.items()
                              if b.value and b.value != ALL}

    def _on_pick(self, change) -> None:
        self._draw_comparison()
        persona = self._persona(self.picker.value)
        if persona is not None:
            self.rename_box.value = persona.name[self.lang]

    def _on_rename(self, change) -> None:
        if self.picker.value is not None and change.new:
            current = self._persona(self.picker.value)
            if current is not None and current.name[self.lang] != change.new:
                self.model.rename(self.picker.value, self.lang, change.new)

    def _show_status(self, change=None) -> None:
        model, lang = self.model, self.lang
        seg = model.segmentation
        if model.error:
            level_, text = "error", model.error.get(lang) or model.error.get("en", "")
        elif model.busy and model.trying_k:
            ks = model_lib.K_RANGE
            level_, text = "busy", t("personas.choosing", lang, k=model.trying_k, first=ks[0],
                                     last=ks[-1], rows=f"{len(model.followers):,}")
        elif model.busy:
            level_, text = "busy", t("personas.segmenting", lang, rows=f"{len(model.followers):,}")
        elif model.filters and model.personas:
            rows = sum(p.size for p in model.personas)
            level_, text = "info", t("personas.filtered", lang, rows=f"{rows:,}",
                                    total=f"{len(model.segmented):,}")
        elif seg is not None and seg.notes:
            level_ = "info"
            text = t("personas.left_out", lang,
                     notes="; ".join(zh if lang == "zh" else en for en, zh in seg.notes))
        else:
            self.status.value = ""
            return
        self.status.value = f'<div class="wb-status wb-status--{level_}">{html.escape(text)}</div>'

    # -- drawing -----------------------------------------------------------------------------
    def _persona(self, persona_id):
        return next((p for p in self.model.personas if p.id == persona_id), None)

    def _redraw(self, change=None) -> None:
        people = self.model.personas
        if people:
            # the heatmap first, alone: it is what a filter is watched on, and the browser
            # draws each message in the order it arrives (issue 7)
            self._draw("heatmap", charts.lift_heatmap, people)
        after((self, "redraw"), self._redraw_rest)

    def _redraw_rest(self) -> None:
        """Everything but the heatmap: cards, pickers and the other charts."""
        lang, people = self.lang, self.model.personas
        self.cards.value = _cards_html(people, lang)
        options = [(p.name[lang], p.id) for p in people]
        for box in (self.picker, self.other):
            value = box.value
            box.options = options
            ids = [pid for _, pid in options]
            fallback = ids[0 if box is self.picker else 1] if len(ids) > 1 else (
                ids[0] if ids and box is self.picker else None)
            box.value = value if value in ids else fallback
        if not people:
            return
        self._draw("sizes", charts.segment_sizes, people)
        self._draw("radar", charts.behaviour_radar, people)
        self._draw_map()
        self._draw_comparison()
        if self.model.auto_k:
            self._draw_curve()

    def _draw_map(self) -> None:
        """The map of all followers: drawn again only for a new segmentation, new names or
        another language (filters do not move it; its PCA takes ~0.1 s)."""
        seg, lang = self.model.segmentation, self.lang
        key = (seg, tuple(p.name[lang] for p in self.model.personas), lang)
        if key == self._map_key:
            return
        rows, xy = seg.embedding(sample_size=5000, seed=0)
        self._draw("map", charts.persona_map, xy, seg.labels[rows], self.model.personas,
                   total=len(seg.labels))
        self._map_key = key

    def _draw_curve(self) -> None:
        seg = self.model.segmentation
        if seg is not None and len(seg.quality.get("curve", {})) > 1:
            self._draw("curve", charts.k_curve, seg.quality, k=seg.k)

    def _draw_comparison(self) -> None:
        a, b = self._persona(self.picker.value), self._persona(self.other.value)
        if a is not None and b is not None:
            self._draw("comparison", charts.compare, a, b)

    def _draw(self, name: str, build, *args, **kwargs) -> None:
        self.charts[name].draw(build, *args, lang=self.lang, **kwargs)

    @property
    def figures(self) -> dict:
        """The figures on screen by chart name."""
        return {name: slot.figure for name, slot in self.charts.items() if slot.figure is not None}

    sizes = property(lambda self: self.figures.get("sizes"))
    heatmap = property(lambda self: self.figures.get("heatmap"))
    radar = property(lambda self: self.figures.get("radar"))
    map = property(lambda self: self.figures.get("map"))
    comparison = property(lambda self: self.figures.get("comparison"))
    curve = property(lambda self: self.figures.get("curve"))

    # -- drafts ------------------------------------------------------------------------------
    def _draft_fields(self) -> dict:
        """The planner's choices, in the order a draft restores them; persona names go on
        once the segmentation they name is done (a new segmentation clears them)."""
        from workbench.ui.drafts import Field

        model = self.model

        def set_renames(value: dict) -> None:
            renames = {int(pid): dict(names) for pid, names in value.items()}

            def apply(change=None) -> None:
                model.unobserve(apply, names="segmentation")
                model.renames = renames

            if model.busy:
                model.observe(apply, names="segmentation")
            else:
                model.renames = renames

        return {
            "features": Field(lambda: model.features,
                              lambda v: setattr(model, "features", v), "drafts.field.features"),
            "weights": Field(lambda: dict(model.weights),
                             lambda v: setattr(model, "weights", dict(v)), "drafts.field.weights"),
            "k": self.k_slider, "auto_k": self.auto_k,
            **{f"filter.{c}": box for c, box in self.filter_boxes.items()},
            "renames": Field(lambda: {str(pid): dict(n) for pid, n in model.renames.items()},
                             set_renames, "drafts.field.renames"),
            "name": self.save_name,
        }

    # -- actions -----------------------------------------------------------------------------
    def save(self) -> int | None:
        """Save the persona set under the typed name; returns the new version."""
        lang = self.lang
        name = self.save_name.value.strip() or t("personas.default_name", lang)
        if self.model.segmentation is None:
            return None
        version = self.save_scenario(STORE_KIND, name, self.model.payload(), self.save_status,
                                     "personas")
        if version is None:
            return None
        return version

    def export(self, kind: str = "personas") -> None:
        """Download in the browser ``"personas"`` (one row per persona: name, size, traits) or
        ``"labels"`` (each follower's persona) as CSV."""
        if self.model.segmentation is None:
            return
        lang = self.lang
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M")
        data, name = ((self.model.personas_csv(), f"personas-{stamp}.csv") if kind == "personas"
                      else (self.model.labels_csv(), f"persona-labels-{stamp}.csv"))
        self.downloads.send(data, name, t(f"personas.download_{kind}", lang), lang)


def _cards_html(people, lang: str) -> str:
    cards = []
    for p in people:
        traits = "".join(
            f"<li>{html.escape(tr.label(lang))} ×{tr.lift:.1f}</li>"
            for tr in p.top_traits(4))
        habits = "".join(
            f'<p class="wb-persona-habit"><b>{html.escape(t(f"personas.card.{key}", lang))}</b> '
            f"{html.escape(text)}</p>"
            for key, text in _habits(p, lang) if text)
        cards.append(
            f'<div class="wb-persona" data-persona="{p.id}">'
            f"<h4>{html.escape(p.name[lang])}</h4>"
            f'<p class="wb-persona-size">{p.size:,} · {p.share:.0%}</p>'
            f"<p>{html.escape(p.description[lang])}</p><ul>{traits}</ul>{habits}</div>")
    return f'<div class="wb-personas">{"".join(cards)}</div>'


def _habits(p, lang: str) -> list[tuple[str, str]]:
    """What a persona reads, when it is online and where, for its card."""
    sep = "、" if lang == "zh" else ", "
    reads = sep.join(f"{level('interests', code, lang)} {share:.0%}"
                     for code, share in p.interests[:3])
    where = sep.join(f"{level('platform', code, lang)} {share:.0%}"
                     for code, share in p.platforms[:2])
    online, peak = "", p.peak_hours()
    if peak is not None:
        start, share = peak
        online = t("personas.card.hours", lang, start=f"{start:02d}:00",
                   end=f"{(start + 2) % 24:02d}:00", share=f"{share:.0%}")
    return [("reads", reads), ("online", online), ("where", where)]


