"""The personas dashboard: segment the audience, name who we serve, save the persona set.

:class:`PersonaModel` holds the page's state (traitlets) and calls :mod:`workbench.personas`;
:class:`PersonaDashboard` builds the widgets once, links them to the model and keeps one
``FigureWidget`` per chart, updated in place. A test drives it without a browser::

    >>> page = PersonaDashboard(lang="en")                       # doctest: +SKIP
    >>> page.k_slider.value = 4                                  # re-segments
    >>> len(page.model.personas)                                 # doctest: +SKIP
    4
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import logging

import ipywidgets as w
import numpy as np
import pandas as pd
import plotly.graph_objects as go
import traitlets as tl

from workbench import personas as model_lib
from workbench.charts import personas as charts
from workbench.i18n import level, t
from workbench.ui.shell import Header, Page

log = logging.getLogger(__name__)

#: Attributes the filters re-profile on (no re-clustering).
FILTERS = ("city_tier", "age_band", "platform", "follow_source")
ALL = "__all__"
#: chart widths in pixels (the page is 1,080 px wide at most)
WIDTHS = {"sizes": 520, "radar": 520, "heatmap": 1040, "map": 1040, "comparison": 1040}
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
    """

    followers = tl.Instance(pd.DataFrame, allow_none=True)
    features = tl.List(tl.Unicode())
    weights = tl.Dict()
    k = tl.Int(6, min=2, max=10)
    auto_k = tl.Bool(False)
    filters = tl.Dict()
    segmentation = tl.Instance(model_lib.Segmentation, allow_none=True)
    personas = tl.List()
    renames = tl.Dict()
    error = tl.Unicode("")
    busy = tl.Bool(False)
    seed = tl.Int(0)

    # -- rules -------------------------------------------------------------------------------
    @tl.observe("followers", "features", "weights", "k", "auto_k")
    def _on_inputs(self, change) -> None:
        self._resegment()

    @tl.observe("filters", "renames")
    def _on_view(self, change) -> None:
        self._reprofile()

    def _resegment(self) -> None:
        if self.followers is None:
            return
        features = [f for f in self.features if f in self.followers.columns] or None
        self.busy = True  # the view says "segmenting…" before the work starts
        try:
            seg = model_lib.segment(self.followers, k=None if self.auto_k else self.k,
                                    features=features, weights=dict(self.weights) or None,
                                    seed=self.seed)
        except ValueError as err:  # degenerate data or choices: say so, keep the last result
            self.error = str(err)
            return
        finally:
            self.busy = False
        self.error = ""
        with self.hold_trait_notifications():
            self.renames = {}
            self.segmentation = seg
        self._reprofile()

    def mask(self) -> np.ndarray:
        """Rows of ``followers`` inside the filters."""
        keep = np.ones(len(self.followers), dtype=bool)
        for column, code in self.filters.items():
            if code and code != ALL and column in self.followers.columns:
                keep &= (self.followers[column].astype("string") == code).fillna(False).to_numpy()
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
            # the store takes numpy numbers but only text keys
            "quality": {**seg.quality,
                        "curve": {str(k): v for k, v in seg.quality.get("curve", {}).items()}},
            "rows": int(len(self.followers)),
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
        return _csv(pd.DataFrame(rows))

    def labels_csv(self) -> str:
        """One row per follower: id and persona."""
        seg = self.segmentation
        names = {p.id: self._named(p).name for p in seg.personas}
        ids = self.followers["follower_id"].astype("string").to_numpy()
        return _csv(pd.DataFrame({
            "follower_id": ids, "persona_id": seg.labels,
            "persona_en": [names[i]["en"] for i in seg.labels],
            "persona_zh": [names[i]["zh"] for i in seg.labels],
        }))


def _csv(frame: pd.DataFrame) -> str:
    """CSV text with spreadsheet formulas neutralised (a cell starting = + - @ gets a quote)."""
    def safe(value):
        return "'" + value if isinstance(value, str) and value[:1] in ("=", "+", "-", "@") else value
    text_columns = frame.select_dtypes(include=["object", "string"]).columns
    frame = frame.copy()
    for column in text_columns:
        frame[column] = frame[column].map(safe)
    return frame.to_csv(index=False, lineterminator="\n")


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


def _download_link(text: str, file_name: str, label: str) -> str:
    data = base64.b64encode(("\ufeff" + text).encode("utf-8")).decode("ascii")
    return (f'<a class="wb-download" download="{html.escape(file_name)}" '
            f'href="data:text/csv;charset=utf-8;base64,{data}">{html.escape(label)}</a>')


class PersonaDashboard(Page):
    """The personas page: controls, persona cards, charts, save and export.

    Parameters
    ----------
    lang : ``"en"`` or ``"zh"``.
    store : a :class:`workbench.store.ScenarioStore`; the default one when omitted.
    """

    def __init__(self, lang: str | None = None, store=None):
        self._store = store
        self.header = Header("page.personas.title", lang=lang,
                             subtitle_key="page.personas.purpose", data_kinds=("followers",))
        source = self.header.source()
        self.model = PersonaModel(followers=source.data)
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
        self.other = w.Dropdown(layout=w.Layout(width="320px"))
        self.other.observe(self._on_pick, names="value")
        self.rename_box = w.Text(layout=w.Layout(width="320px"), continuous_update=False)
        self.rename_box.observe(self._on_rename, names="value")
        self.save_name = w.Text(layout=w.Layout(width="240px"))
        self.save_button = w.Button(icon="save")
        self.save_button.on_click(lambda _: self.save())
        self.status = w.HTML()
        self.downloads = w.HTML()

        # views
        self.cards = w.HTML()
        #: one slot per chart; each holds a FigureWidget built with its data (a FigureWidget
        #: changed before the browser shows it would reach the browser empty)
        self.figures: dict[str, go.FigureWidget] = {}
        self.slots = {name: w.Box(layout=w.Layout(width=width))
                      for name, width in (("sizes", "50%"), ("radar", "50%"), ("heatmap", "100%"),
                                          ("map", "100%"), ("comparison", "100%"))}
        for box in self.filter_boxes.values():
            box.style.description_width = "initial"
        self.titles = {key: w.HTML() for key in ("cards", "charts", "compare", "save")}

        self.widget = w.VBox([
            self.header.widget,
            w.HBox([self.k_slider, self.auto_k], layout=w.Layout(align_items="center")),
            w.HBox(list(self.filter_boxes.values()),
                   layout=w.Layout(flex_flow="row wrap", grid_gap="4px 12px")),
            self.status,
            self.titles["cards"], self.cards,
            self.titles["charts"],
            w.HBox([self.slots["sizes"], self.slots["radar"]],
                   layout=w.Layout(flex_flow="row wrap")),
            self.slots["heatmap"], self.slots["map"],
            self.titles["compare"], w.HBox([self.picker, self.other]), self.rename_box,
            self.slots["comparison"],
            self.titles["save"], w.HBox([self.save_name, self.save_button]), self.downloads,
        ])
        self.widget.add_class("wb-page")

        self.model.observe(self._redraw, names="personas")
        self.model.observe(self._refill_filters, names="followers")
        self.model.observe(self._show_status, names=["error", "busy", "personas"])
        self.header.model.observe(self._relabel, names="lang")
        self._relabel()

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
        for key, widget in self.titles.items():
            widget.value = f'<h3 class="wb-section">{html.escape(t(f"personas.section.{key}", lang))}</h3>'
        self._redraw()

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

    # -- events ------------------------------------------------------------------------------
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
        if model.error:
            level_, text = "error", model.error
        elif model.busy:
            level_, text = "busy", t("personas.segmenting", lang, rows=f"{len(model.followers):,}")
        elif model.filters and model.personas:
            rows = sum(p.size for p in model.personas)
            level_, text = "info", t("personas.filtered", lang, rows=f"{rows:,}",
                                    total=f"{len(model.followers):,}")
        else:
            self.status.value = ""
            return
        self.status.value = f'<div class="wb-status wb-status--{level_}">{html.escape(text)}</div>'

    # -- drawing -----------------------------------------------------------------------------
    def _persona(self, persona_id):
        return next((p for p in self.model.personas if p.id == persona_id), None)

    def _redraw(self, change=None) -> None:
        lang, people = self.lang, self.model.personas
        self.cards.value = _cards_html(people, lang)
        options = [(p.name[lang], p.id) for p in people]
        for box in (self.picker, self.other):
            value = box.value
            box.options = options
            ids = [pid for _, pid in options]
            box.value = value if value in ids else (ids[0] if box is self.picker else
                                                    (ids[1] if len(ids) > 1 else None))
        if not people:
            return
        self._draw("sizes", charts.segment_sizes, charts.update_sizes, people)
        self._draw("heatmap", charts.lift_heatmap, charts.update_heatmap, people)
        self._draw("radar", charts.behaviour_radar, charts.update_radar, people)
        seg = self.model.segmentation
        rows, xy = seg.embedding(sample_size=5000, seed=0)
        self._draw("map", charts.persona_map, charts.update_map, xy, seg.labels[rows], people)
        self._draw_comparison()

    def _draw_comparison(self) -> None:
        a, b = self._persona(self.picker.value), self._persona(self.other.value)
        if a is not None and b is not None:
            self._draw("comparison", charts.compare, charts.update_compare, a, b)

    def _draw(self, name: str, build, update, *args) -> None:
        """Show a chart: updated in place when its set of traces is unchanged (zoom and legend
        choices survive), else a new FigureWidget built with its data takes the slot."""
        lang, figure = self.lang, self.figures.get(name)
        if figure is not None:
            try:
                update(figure, *args, lang=lang)
                return
            except ValueError:  # another set of traces (another number of personas)
                pass
        figure = go.FigureWidget(build(*args, lang=lang))
        # a FigureWidget drawn before its box has a size falls back to 700 px: say the width
        figure.layout.width = WIDTHS[name]
        self.figures[name] = figure
        self.slots[name].children = (figure,)

    sizes = property(lambda self: self.figures.get("sizes"))
    heatmap = property(lambda self: self.figures.get("heatmap"))
    radar = property(lambda self: self.figures.get("radar"))
    map = property(lambda self: self.figures.get("map"))
    comparison = property(lambda self: self.figures.get("comparison"))

    # -- actions -----------------------------------------------------------------------------
    @property
    def store(self):
        if self._store is None:
            from workbench.store import ScenarioStore

            self._store = ScenarioStore()
        return self._store

    def save(self) -> int | None:
        """Save the persona set under the typed name; returns the new version."""
        lang = self.lang
        name = self.save_name.value.strip() or t("personas.default_name", lang)
        if self.model.segmentation is None:
            return None
        try:
            version = self.store.save(STORE_KIND, name, self.model.payload())
        except Exception as err:  # shown beside the button: nothing the user saved is lost
            log.exception("saving personas failed")
            self.status.value = (f'<div class="wb-status wb-status--error">'
                                 f'{html.escape(t("personas.save_failed", lang, error=err))}</div>')
            return None
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M")
        self.status.value = (f'<div class="wb-status wb-status--info">'
                             f'{html.escape(t("personas.saved", lang, name=name, version=version))}'
                             f"</div>")
        self.downloads.value = " · ".join([
            _download_link(self.model.personas_csv(), f"personas-{stamp}.csv",
                           t("personas.download_personas", lang)),
            _download_link(self.model.labels_csv(), f"persona-labels-{stamp}.csv",
                           t("personas.download_labels", lang)),
        ])
        return version


def _cards_html(people, lang: str) -> str:
    cards = []
    for p in people:
        traits = "".join(
            f"<li>{html.escape(tr.label(lang))} ×{tr.lift:.1f}</li>"
            for tr in p.top_traits(4))
        cards.append(
            f'<div class="wb-persona" data-persona="{p.id}">'
            f"<h4>{html.escape(p.name[lang])}</h4>"
            f'<p class="wb-persona-size">{p.size:,} · {p.share:.0%}</p>'
            f"<p>{html.escape(p.description[lang])}</p><ul>{traits}</ul></div>")
    return f'{CARDS_CSS}<div class="wb-personas">{"".join(cards)}</div>'


CARDS_CSS = """<style>
.wb-section { font-size: 17px; font-weight: 600; margin: 18px 0 6px; color: #1f2933; }
.wb-personas { display: grid; grid-template-columns: repeat(auto-fill, minmax(250px, 1fr));
  gap: 12px; }
.wb-persona { border: 1px solid #d9e2ec; border-radius: 8px; padding: 12px 14px; background: #fff; }
.wb-persona h4 { font-size: 15px; margin: 0 0 4px; line-height: 1.4; color: #1f2933; }
.wb-persona p { font-size: 13px; line-height: 1.55; margin: 0 0 6px; color: #52606d; }
.wb-persona .wb-persona-size { font-weight: 600; color: #2f6fed; }
.wb-persona ul { margin: 0; padding-left: 18px; font-size: 13px; color: #323f4b; }
.wb-download { color: #2f6fed; font-size: 14px; }
</style>"""
