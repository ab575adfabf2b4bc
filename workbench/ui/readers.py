"""Readers from WeChat's aggregate exports: who reads each content type, and persona candidates.

WeChat no longer exports user-level demographics, only per-article gender / age / region
distributions (单篇详情). :class:`ReaderPanel` loads those with the articles list, shows the
reader mix of each content type (:func:`workbench.personas.reader_profile`) and the largest
cells of the joint reader table estimated by IPF from the exported marginals and, when the
page has user-level followers or survey answers, their associations
(:func:`workbench.personas.reader_candidates`). It is a part of the personas page, built when
the user opens it.
"""

from __future__ import annotations

import html

import ipywidgets as w
import pandas as pd
import traitlets as tl

from workbench import personas as model_lib
from workbench.charts import personas as charts
from workbench.errors import message
from workbench.i18n import level, t
from workbench.ui.shell import DataSourceModel, DataSourcePicker, ShellModel
from workbench.ui.slots import ChartSlot

DIMENSIONS = ("gender", "age", "region")
KINDS = ("distributions", "articles")
ALL = "__all__"
WIDTH = 1040


class ReaderPanel:
    """The "readers from WeChat's distributions" part of the personas page.

    Parameters
    ----------
    shell : the page's :class:`ShellModel` (its language).
    survey : the page's followers source; its data seeds the joint table when ``use_survey``.

    Nothing is loaded until :meth:`open` (the page calls it when the user expands the panel).
    """

    def __init__(self, shell: ShellModel, survey: DataSourceModel | None = None):
        self.shell, self.survey = shell, survey
        self.sources = {kind: DataSourceModel(kind, lang=shell.lang, autoload=False)
                        for kind in KINDS}
        for source in self.sources.values():
            tl.dlink((shell, "lang"), (source, "lang"))
            source.observe(self._recompute, names="data")
        if survey is not None:
            survey.observe(self._candidates, names="data")
        # two files, so each picker says which it takes ("Data: reader distributions")
        self.pickers = {kind: DataSourcePicker(m, named=True) for kind, m in self.sources.items()}
        self.profile: pd.DataFrame | None = None
        self.error: Exception | None = None  # the last problem with the loaded data
        self.candidates: pd.DataFrame | None = None
        self.opened = False

        self.note = w.HTML()
        self.dimension = w.ToggleButtons(style={"button_width": "72px"})
        self.dimension.observe(self._draw, names="value")
        self.content_type = w.Dropdown(layout=w.Layout(width="260px"),
                                       style={"description_width": "initial"})
        self.content_type.observe(self._candidates, names="value")
        self.use_survey = w.Checkbox(value=True, indent=False, layout=w.Layout(width="auto"))
        self.use_survey.observe(self._candidates, names="value")
        self.with_region = w.Checkbox(value=False, indent=False, layout=w.Layout(width="auto"))
        self.with_region.observe(self._candidates, names="value")
        self.status = w.HTML()
        self.slot = ChartSlot(WIDTH)
        self.table = w.HTML()
        self.candidates_title = w.HTML()
        self.widget = w.VBox([
            self.note, *(p.widget for p in self.pickers.values()), self.status,
            self.dimension, self.slot.box, self.candidates_title,
            w.HBox([self.content_type, self.use_survey, self.with_region],
                   layout=w.Layout(align_items="center", flex_flow="row wrap",
                                   grid_gap="4px 16px")),
            self.table,
        ])
        shell.observe(self._relabel, names="lang")
        self._relabel()

    @property
    def lang(self) -> str:
        return self.shell.lang

    def open(self) -> None:
        """Load the bundled samples (once) and draw."""
        if self.opened:
            return
        self.opened = True
        for source in self.sources.values():
            if source.data is None:
                source.use_sample()

    # -- language ----------------------------------------------------------------------------
    def _relabel(self, change=None) -> None:
        lang = self.lang
        self.note.value = f'<p class="wb-note">{html.escape(t("readers.note", lang))}</p>'
        value = self.dimension.value or DIMENSIONS[0]
        self.dimension.options = [(level("dimension", d, lang), d)
                                  for d in DIMENSIONS]
        self.dimension.value = value
        self.dimension.description = t("readers.dimension", lang)
        self.use_survey.description = t("readers.use_survey", lang)
        self.with_region.description = t("readers.with_region", lang)
        self.content_type.description = t("readers.content_type", lang)
        self.candidates_title.value = (f'<h4 class="wb-subsection">'
                                       f'{html.escape(t("readers.candidates", lang))}</h4>')
        self._say()
        self._fill_types()
        self._draw()
        self._candidates()

    def _fill_types(self) -> None:
        lang, box = self.lang, self.content_type
        types = [] if self.profile is None else list(dict.fromkeys(
            self.profile["content_type"].astype(str)))
        options = [(t("readers.all_types", lang), ALL)] + [
            (level("content_type", c, lang), c) for c in types]
        value = box.value if box.value in {v for _, v in options} else ALL
        box.options = options
        box.value = value

    # -- computing ---------------------------------------------------------------------------
    def _recompute(self, change=None) -> None:
        dist, arts = (self.sources[k].data for k in KINDS)
        if dist is None or arts is None:
            return
        try:
            self.profile = model_lib.reader_profile(dist, arts)
        except ValueError as err:  # titles that do not match: said, the last view kept
            self.error = err
            self._say()
            return
        self.error = None
        self._say()
        self._fill_types()
        self._draw()
        self._candidates()

    def _say(self) -> None:
        self.status.value = ("" if self.error is None else
                             f'<div class="wb-status wb-status--error">'
                             f"{html.escape(message(self.error, self.lang))}</div>")

    def _draw(self, change=None) -> None:
        if self.profile is None or not self.dimension.value:
            return
        self.slot.draw(charts.reader_mix, self.profile,
                       self.dimension.value, lang=self.lang)

    @property
    def figure(self):
        """The reader-mix chart (``None`` until the panel is opened)."""
        return self.slot.figure

    def _candidates(self, change=None) -> None:
        if self.profile is None:
            return
        lang = self.lang
        survey = self.survey.data if (self.survey is not None and self.use_survey.value) else None
        dims = DIMENSIONS if self.with_region.value else ("gender", "age")
        kind = None if self.content_type.value in (None, ALL) else self.content_type.value
        try:
            found = model_lib.reader_candidates(self.profile, survey, content_type=kind,
                                                dimensions=dims, top=8)
        except ValueError as err:
            self.table.value = (f'<div class="wb-status wb-status--error">'
                                f"{html.escape(message(err, lang))}</div>")
            return
        self.candidates = found
        self.table.value = candidates_html(found, dims, lang)


def candidates_html(found: pd.DataFrame, dims, lang: str) -> str:
    """The candidate cells as a table: who, estimated share of readers, survey share, and the
    share if the dimensions were independent."""
    columns = {"gender": "gender", "age": "age_band", "region": "province"}
    head = "".join(f"<th>{html.escape(t(f'readers.col.{c}', lang))}</th>"
                   for c in ("who", "share", "survey", "independent"))
    rows = []
    for _, row in found.iterrows():
        sep = "、" if lang == "zh" else " · "
        who = sep.join(level(columns[d], row[d], lang) for d in dims)
        survey = "–" if pd.isna(row["survey_share"]) else f"{row['survey_share']:.1%}"
        rows.append(f"<tr><td>{html.escape(who)}</td><td>{row['share']:.1%}</td>"
                    f"<td>{survey}</td><td>{row['independent']:.1%}</td></tr>")
    method = found.attrs.get("method", {}).get(lang, "")
    readers = found.attrs.get("readers")
    basis = t("readers.basis", lang, reads=f"{readers:,.0f}") if readers else ""
    return (f"<table class=\"wb-table\"><thead><tr>{head}</tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>"
            f'<p class="wb-note">{html.escape(" ".join(x for x in (basis, method) if x))}</p>')


