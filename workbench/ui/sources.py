"""A page's data sources: for each kind of data, where it comes from (the team's data in the
workspace, the demo sample, or a file used on this page only) and what the page says about it.

* :class:`DataSourceModel` / :class:`DataSourcePicker`: one kind's source and its picker (source
  dropdown, upload button, status line); on a bad file the data on screen stays;
* :class:`DataPreview`: the first rows as the workbench read them;
* :func:`status_html`: the status lines every page shows, escaped.

:class:`workbench.ui.shell.Header` holds one picker per kind its page reads.
"""

from __future__ import annotations

import html
import logging
import math
from collections.abc import Callable, Sequence
from typing import Any

import ipywidgets as w
import traitlets as tl

from workbench.errors import inline
from workbench.i18n import LANGS, DEFAULT_LANG, column_label, kind_name, level, t
from workbench.runtime.memory import release_memory

log = logging.getLogger(__name__)

SOURCES = ("sample", "upload")
#: the team's data (:mod:`workbench.workspace`); beside it the sample is the demo
TEAM = "workspace"
TEAM_SOURCES = (TEAM, "sample")
ACCEPTED_FILES = ".csv,.xlsx,.txt,.zip,.gz"

def _esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def status_html(messages: Sequence[str], level: str) -> str:
    """The status line's HTML: one paragraph per message, every message escaped."""
    if not messages:
        return ""
    body = "".join(f"<p>{_esc(m)}</p>" for m in messages)
    role = ' role="alert"' if level == "error" else ""
    return f'<div class="wb-status wb-status--{level or "info"}"{role}>{body}</div>'


def _mebibytes(n_bytes: int) -> str:
    """``52428800`` → ``"50"``; anything not a whole MiB rounds *up* to 0.1 (so a file just over
    a 50 MB limit reads "50.1 MB", never "50.0 MB")."""
    if n_bytes % 2**20 == 0:
        return str(n_bytes // 2**20)
    return f"{math.ceil(n_bytes * 10 / 2**20) / 10:.1f}"


def _max_upload_bytes() -> int:
    from workbench import io

    return int(io.MAX_UPLOAD_BYTES)


# ---------------------------------------------------------------------------------------------
# data source


class DataSourceModel(tl.HasTraits):
    """Where one kind of data comes from: the bundled sample or a file the user uploaded.

    Traits
    ------
    lang : display language of ``status``.
    kind : data kind (``followers``, ``articles``, ...), passed to ``io.load`` / ``io.sample``.
    source : ``"sample"`` or ``"upload"``.
    data : the canonical DataFrame in use (``None`` until something loaded). A bad upload
        leaves it unchanged, so observers of ``data`` only hear about good data.
    file_name : name of the last good upload (user text: escape before showing).
    status : the messages to show under the picker, in ``lang``.
    status_level : ``"info"``, ``"busy"``, ``"error"`` or ``""`` (nothing to show).

    Parameters
    ----------
    kind : data kind.
    lang : display language.
    autoload : load the data right away: the team's when the workspace holds any, else the
        bundled sample.
    workspace : ``() -> Workspace`` (opened on first use), the team's data
        (:class:`workbench.workspace.Workspace`). With one, the page opens on the team's data
        whenever the workspace holds any upload (a kind it lacks is empty, and the status says
        what to upload and where WeChat exports it: never the sample in its place); the sample
        is the demo, so labelled, only while the workspace is empty; a good upload is kept in
        the workspace and the page shows the merged history. Without one: the sample or this
        page's upload, as before the workspace.
    """

    lang = tl.Enum(LANGS, default_value=DEFAULT_LANG)
    kind = tl.Unicode()
    source = tl.Enum((*SOURCES, TEAM), default_value="sample")
    data = tl.Instance("pandas.DataFrame", allow_none=True)
    file_name = tl.Unicode("")
    status = tl.List(tl.Unicode())
    status_level = tl.Enum(("", "info", "busy", "error"), default_value="")
    #: how many uploads this model kept in the workspace (the page's other sources follow)
    kept = tl.Int(0)
    #: the account whose data is shown (its id), ``None`` for every account's together
    account = tl.Int(None, allow_none=True)

    def __init__(self, kind: str, *, lang: str = DEFAULT_LANG, autoload: bool = True,
                 workspace: Callable[[], Any] | None = None, **kwargs):
        # The status is kept as a function of the language, so a language switch re-renders it.
        self._describe: Callable[[str], list[str]] = lambda lang: []
        self._uploaded: tuple[Any, Callable[[str], list[str]], str] | None = None
        self._workspace = workspace
        self._team_state: tuple | None = None  # the workspace's uploads the data was read at
        super().__init__(kind=kind, lang=lang, **kwargs)
        if autoload:
            self.start()

    @property
    def sources(self) -> tuple[str, ...]:
        """The sources this model offers: the team's data and the demo, or sample and upload."""
        if self._workspace is None:
            return SOURCES
        # the file of this page only, when the workspace could not keep it
        return (*TEAM_SOURCES, "upload") if self._uploaded is not None else TEAM_SOURCES

    # -- the team's data ---------------------------------------------------------------------
    def start(self) -> bool:
        """Open on the team's data when the workspace holds any, else on the bundled sample
        (the demo). Returns whether data loaded."""
        if self._workspace is None:
            return self.use_sample()
        try:
            state = self._team_uploads()
        except Exception as err:  # the page still opens, on the demo, and says why
            log.exception("reading the workspace failed")
            self.use_sample()
            error = err
            shown = self._describe
            self._set_status("error", lambda lang: [
                t("status.team_failed", lang, error=inline(error, lang)), *shown(lang)])
            return False
        if state[0]:
            return self.use_workspace()
        self._team_state = state
        return self.use_sample()

    def _team_uploads(self) -> tuple:
        """Whether the workspace holds any active upload (of any kind: one kind's upload puts
        the whole page on the team's data), the ids of this kind's, and for articles the
        tagging they are typed with (a rule or a type chosen on the Data page changes them)."""
        workspace = self._workspace()
        active = workspace.uploads(removed=False)
        tagged = workspace.tag_state() if self.kind == "articles" and active else None
        return bool(active), tuple(u.id for u in active if u.kind == self.kind), tagged

    def refresh(self) -> None:
        """Read the team's data again if the workspace changed since it was read (a page built
        in a pre-heated kernel before another page kept an upload)."""
        if self._workspace is None or self.source == "upload":
            return
        try:
            state = self._team_uploads()
        except Exception:
            log.exception("reading the workspace failed")
            return
        if state != self._team_state:
            self.start()

    def use_workspace(self) -> bool:
        """Show the team's merged history of ``kind`` (empty, with what to upload, when the
        workspace has none). Returns whether it could be read."""
        kind = self.kind
        try:
            workspace = self._workspace()
            state = self._team_uploads()
            frame = workspace.frame(kind, self.account)
            uploads = workspace.uploads(kind, self.account, removed=False)
            broken = [u.upload.file_name for u in workspace.unreadable(kind)
                      if not u.upload.removed]
        except Exception as err:
            log.exception("reading %s from the workspace failed", kind)
            error = err
            self._fail(lambda lang: [t("status.team_failed", lang, error=inline(error, lang))])
            return False
        rows, first, last = len(frame), None, None
        dated = [u for u in uploads if u.first_date]
        if dated:
            first = min(u.first_date for u in dated)
            last = max(u.last_date for u in dated)

        tagging = frame.attrs.get("tagging")

        def describe(lang: str) -> list[str]:
            if not rows:
                return [t("status.team_missing", lang, kind=kind_name(kind, lang),
                          export=t(f"export.{kind}", lang))]
            dates = t("status.team_dates", lang, first=first, last=last) if first else ""
            said = [t("status.team", lang, rows=f"{rows:,}", kind=kind_name(kind, lang),
                      uploads=len(uploads), dates=dates)]
            said += [t("status.unreadable", lang, name=name) for name in broken]
            if tagging is not None and (tagging.by_rule or tagging.untagged or tagging.corrected):
                said.append(t("status.tagged", lang, from_file=f"{tagging.from_file:,}",
                              by_rule=f"{tagging.by_rule:,}", corrected=f"{tagging.corrected:,}",
                              untagged=f"{tagging.untagged:,}"))
            return said

        self._set_status("info", describe)
        self._team_state = state
        self._set_source(TEAM)
        self.data = frame
        return True

    def _keep(self, content: bytes, name: str) -> bool | None:
        """Keep an upload in the workspace and show the merged history: ``True`` kept,
        ``False`` refused (the message is shown), ``None`` the workspace failed (the caller
        uses the file on this page only)."""
        from workbench import io
        from workbench.errors import InputError
        from workbench.store import StoreError

        try:
            upload = self._workspace().add(bytes(content), name=name, kind=self.kind or None)
        except (io.DataError, InputError) as err:
            error = err
            self._fail(lambda lang: [error.message(lang)])
            return False
        except StoreError as err:
            log.exception("keeping %r in the workspace failed", name)
            self._not_kept = err
            return None
        release_memory()
        report = upload.report
        self.use_workspace()
        team = self._describe
        kind = upload.kind

        def describe(lang: str) -> list[str]:
            return [t("status.loaded", lang, name=name, rows=f"{report.rows:,}",
                      kind=kind_name(kind, lang)),
                    t("status.kept", lang, summary=report.summary(lang)),
                    *team(lang), *report.messages(lang)[1:]]

        self._set_status("info", describe)
        self.kept += 1
        return True

    # -- status ------------------------------------------------------------------------------
    def _set_status(self, level: str, describe: Callable[[str], list[str]]) -> None:
        self._describe = describe
        with self.hold_trait_notifications():  # views see level and text change together
            self.status_level = level
            self.status = list(describe(self.lang))

    @tl.observe("lang")
    def _relabel_status(self, change) -> None:
        self.status = list(self._describe(change.new))

    def _fail(self, describe: Callable[[str], list[str]]) -> None:
        """Show an error; ``data`` stays as it was."""
        has_data = self.data is not None
        self._set_status(
            "error",
            lambda lang: [*describe(lang), *([t("error.kept_previous", lang)] if has_data else [])],
        )

    # -- actions -----------------------------------------------------------------------------
    def use_sample(self) -> bool:
        """Switch to the bundled sample of ``kind`` (the demo, beside a workspace). Returns
        whether it loaded."""
        from workbench import io

        kind = self.kind
        try:
            frame = io.sample(kind)
        except Exception as err:  # shown to the user in the status line, and logged
            log.exception("bundled sample %r failed to load", kind)
            detail = f"{type(err).__name__}: {err}"
            self._fail(lambda lang: [t("error.unreadable", lang, name=kind_name(kind, lang),
                                       error=detail)])
            return False
        release_memory()  # the reader's temporaries, the first time a kernel reads the sample
        rows = len(frame)
        if self._workspace is not None:
            self._set_status("info", lambda lang: [t(
                "status.demo", lang, rows=f"{rows:,}", kind=kind_name(kind, lang),
                export=t(f"export.{kind}", lang))])
        else:
            self._set_status("info", lambda lang: [
                t("status.sample", lang, rows=f"{rows:,}", kind=kind_name(kind, lang))])
        self._set_source("sample")
        self.data = frame
        return True

    def load_file(self, content: bytes | memoryview, name: str, size: int | None = None) -> bool:
        """Read an uploaded file; on success it becomes ``data`` and ``source`` is ``"upload"``.

        Files over ``io.MAX_UPLOAD_BYTES`` are refused before parsing. A file the loader
        rejects (``io.DataError``) shows its message in ``lang``; ``data`` stays unchanged.
        Returns whether the file was loaded.
        """
        from workbench import io

        size = len(content) if size is None else int(size)
        limit = _max_upload_bytes()
        if size > limit:
            self._fail(lambda lang: [t("error.too_large", lang, name=name,
                                       size=_mebibytes(size), limit=_mebibytes(limit))])
            return False
        self._set_status("busy", lambda lang: [t("status.reading", lang, name=name)])
        self._not_kept: BaseException | None = None
        if self._workspace is not None:
            kept = self._keep(content, name)
            if kept is not None:
                return kept
        kind = self.kind
        try:
            frame = io.load(bytes(content), kind or None, name=name)
        except io.DataError as err:
            error = err  # ``err`` is unbound after the except block; the status needs it later
            self._fail(lambda lang: [error.message(lang)])
            return False
        except Exception as err:  # a loader bug must still reach the user, not just the log
            log.exception("loading %r failed", name)
            detail = f"{type(err).__name__}: {err}"
            self._fail(lambda lang: [t("error.unreadable", lang, name=name, error=detail)])
            return False

        release_memory()  # the reader's temporaries (64 MB for 1,000,000 followers)
        report = frame.attrs.get("load_report")
        rows = len(frame)
        loaded_kind = getattr(report, "kind", None) or kind

        not_kept = self._not_kept

        def describe(lang: str) -> list[str]:
            headline = t("status.loaded", lang, name=name, rows=f"{rows:,}",
                         kind=kind_name(loaded_kind, lang))
            warning = ([t("status.not_kept", lang, error=inline(not_kept, lang))]
                       if not_kept is not None else [])
            return [headline, *warning,
                    *(report.messages(lang) if report is not None else [])]

        self._uploaded = (frame, describe, name)
        self._show_upload()
        return True

    # -- rules -------------------------------------------------------------------------------
    _switching = False

    def _set_source(self, source: str) -> None:
        self._switching = True
        try:
            self.source = source
        finally:
            self._switching = False

    def _show_upload(self) -> None:
        frame, describe, name = self._uploaded
        self._set_status("info", describe)
        self._set_source("upload")
        self.file_name = name
        self.data = frame

    @tl.observe("source")
    def _on_source(self, change) -> None:
        if self._switching:
            return
        if change.new == "sample":
            self.use_sample()
        elif change.new == TEAM:
            self.use_workspace()
        elif self._uploaded is not None:
            self._show_upload()
        else:
            kind = self.kind
            self._set_status("info", lambda lang: [t("status.choose_file", lang,
                                                     kind=kind_name(kind, lang))])


class DataSourcePicker:
    """The view of a :class:`DataSourceModel`: source dropdown, upload button, hint and status.

    ``.widget`` is the box to place on the page. :meth:`upload_file` does what picking a file
    in the browser does (for tests and scripts).
    """

    def __init__(self, model: DataSourceModel, named: bool = False):
        self.model = model
        self.named = named
        self.source = w.Dropdown(options=self._source_options(), value=model.source,
                                 layout=w.Layout(width="300px"),
                                 style={"description_width": "initial"})
        self.upload = w.FileUpload(accept=ACCEPTED_FILES, multiple=False,
                                   layout=w.Layout(width="auto"))
        self.hint = w.HTML()
        self.status = w.HTML()
        self._relabeling = False
        self.widget = w.VBox(
            [w.HBox([self.source, self.upload, self.hint],
                    layout=w.Layout(align_items="center", flex_flow="row wrap",
                                    grid_gap="4px 12px")),
             self.status],
            layout=w.Layout(margin="0 0 8px 0"),
        )
        self.widget.add_class("wb-source")

        self.source.observe(self._on_dropdown, names="value")
        self.upload.observe(self._on_upload, names="value")
        model.observe(self._on_model_source, names="source")
        model.observe(self._render_status, names=["status", "status_level"])
        model.observe(self._relabel, names="lang")
        self._relabel()
        self._render_status()

    def _source_options(self) -> list[tuple[str, str]]:
        lang = self.model.lang
        demo = self.model.sources == TEAM_SOURCES or TEAM in self.model.sources
        return [(t("source.demo" if demo and s == "sample" else f"source.{s}", lang), s)
                for s in self.model.sources]

    def _relabel(self, change=None) -> None:
        lang = self.model.lang
        self._relabeling = True  # new options reset the value for a moment: not a user choice
        try:
            self.source.options = self._source_options()
            self.source.value = self.model.source
        finally:
            self._relabeling = False
        # a page with several kinds of data names each picker by its kind
        self.source.description = (t("source.label_kind", lang,
                                     kind=kind_name(self.model.kind, lang))
                                   if self.named else t("source.label", lang))
        self.upload.description = t("upload.button", lang)
        self.hint.value = (f'<span class="wb-hint">'
                           f'{_esc(t("upload.hint", lang, limit=_mebibytes(_max_upload_bytes())))}'
                           f"</span>")

    def _on_dropdown(self, change) -> None:
        if not self._relabeling:
            self.model.source = change.new

    def _on_model_source(self, change) -> None:
        if change.new not in [value for _, value in self.source.options]:
            self._relabel()  # a source the dropdown did not offer yet (this page's own file)
        if self.source.value != change.new:
            self._relabeling = True
            try:
                self.source.value = change.new
            finally:
                self._relabeling = False

    def _render_status(self, change=None) -> None:
        self.status.value = status_html(self.model.status, self.model.status_level)

    def _on_upload(self, change) -> None:
        files = change.new
        if not files:
            return
        first = files[0]
        try:
            self.model.load_file(first["content"], first["name"], size=first.get("size"))
        finally:
            # clear the widget so that picking the same file again is a new upload
            self.upload.value = ()

    def upload_file(self, content: bytes, name: str) -> bool:
        """Load ``content`` as if the user had picked a file called ``name``."""
        return self.model.load_file(content, name)


class DataPreview:
    """The first rows of a :class:`DataSourceModel`'s data, as the workbench understood them.

    Column headers are the canonical names with their Chinese names beside them in ``zh``, so a
    planner who uploaded a WeChat export sees which of their columns went where. Every cell is
    escaped (titles and file names are user text).
    """

    ROWS = 5

    def __init__(self, model: DataSourceModel):
        self.model = model
        self.widget = w.HTML(layout=w.Layout(width="100%"))
        self.widget.add_class("wb-preview")
        model.observe(self._render, names=["data", "lang"])
        self._render()

    def _render(self, change=None) -> None:
        self.widget.value = preview_html(self.model.data, self.model.kind, self.model.lang,
                                         rows=self.ROWS)


def preview_html(frame, kind: str, lang: str, *, rows: int = 5) -> str:
    """An escaped HTML table of the first ``rows`` rows of a canonical frame (``""`` if none)."""
    if frame is None:
        return ""
    from workbench.schemas import SCHEMAS

    schema = SCHEMAS.get(kind)
    names = [c for c in frame.columns if not frame[c].isna().all()]

    def heading(name: str) -> str:                   # 发表时间 / Publish time, not publish_time
        return column_label(kind, name, lang)

    import pandas as pd

    def cell(value) -> str:
        if value is None or value is pd.NA or value is pd.NaT:
            return ""
        if isinstance(value, float):
            return "" if math.isnan(value) else f"{value:,.4g}"
        if isinstance(value, pd.Timestamp):
            return value.strftime("%Y-%m-%d" if value == value.normalize() else "%Y-%m-%d %H:%M")
        text = str(value)
        return text[:40] + "…" if len(text) > 41 else text

    head = "".join(f"<th>{_esc(heading(n))}</th>" for n in names)
    categorical = [schema is not None and n in schema.names and schema[n].dtype == "category"
                   for n in names]

    def shown(value, name: str, is_category: bool) -> str:
        text = cell(value)
        return level(name, text, lang) if is_category and text else text

    body = "".join(
        "<tr>" + "".join(f"<td>{_esc(shown(v, n, c))}</td>"
                         for v, n, c in zip(row, names, categorical)) + "</tr>"
        for row in frame[names].head(rows).itertuples(index=False)
    )
    caption = t("preview.caption", lang, rows=f"{min(rows, len(frame)):,}",
                total=f"{len(frame):,}", columns=len(names))
    return (f'<div class="wb-preview-box"><p class="wb-preview-caption">{_esc(caption)}</p>'
            f'<div class="wb-preview-scroll"><table><thead><tr>{head}</tr></thead>'
            f"<tbody>{body}</tbody></table></div></div>")
