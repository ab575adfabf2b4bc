"""The parts every page shares: the header (title, language toggle, the account, the data
sources) and the page's plumbing.

Each part is a model (traitlets state and rules, testable without a browser) beside a view
(widgets only, linked to the model):

* the data sources (:mod:`workbench.ui.sources`, re-exported here): for each kind, the team's
  data, the demo sample or a file used on this page only;
* :class:`ShellModel` / :class:`Header`: page title, language, and any number of data-source
  pickers (one per data kind the page needs), all relabelled in place when the language changes.
* :class:`Page`: what a dashboard class inherits for ``.widget``, ``show()`` and
  ``_repr_mimebundle_``.

Example
-------
>>> header = Header("page.personas.title", lang="en", data_kinds=("followers",))
>>> source = header.source()                      # the DataSourceModel of "followers"
>>> source.observe(lambda change: ..., names="data")
>>> header.widget                                  # doctest: +SKIP
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Sequence
from typing import Any

import ipywidgets as w
import traitlets as tl

from workbench.errors import inline
from workbench.i18n import (
    DEFAULT_LANG, LANGS, LANGUAGE_NAMES, PAGES, default_language, language, t,
)
from workbench.runtime import voila
from workbench.runtime.assets import STATIC_ENV, STYLESHEET
from workbench.ui.soon import soon

# the data sources' names, where the pages and tests have always found them
from workbench.ui.sources import (  # noqa: F401
    ACCEPTED_FILES, SOURCES, TEAM, TEAM_SOURCES, DataPreview, DataSourceModel, DataSourcePicker,
    _esc, _max_upload_bytes, _mebibytes, preview_html, status_html,
)

log = logging.getLogger(__name__)


def styles() -> w.HTML:
    """The pages' stylesheet (``workbench/static/workbench.css``, its one home) for a page's
    header: empty when :mod:`workbench.serve` serves the page (its ``<head>`` links the file,
    which the browser keeps), the stylesheet inline elsewhere (stock Voilà, JupyterLab)."""
    if os.environ.get(STATIC_ENV):
        return w.HTML()
    return w.HTML(f"<style>{STYLESHEET.read_text(encoding='utf-8')}</style>")


# ---------------------------------------------------------------------------------------------
# header


class ShellModel(tl.HasTraits):
    """A page's shared state: its title and the language. Data sources hang off it.

    Parameters
    ----------
    title_key : catalogue key of the page title (e.g. ``"page.personas.title"``).
    lang : display language.
    data_kinds : one :class:`DataSourceModel` per kind, kept in ``sources``.
    """

    lang = tl.Enum(LANGS, default_value=DEFAULT_LANG)
    title_key = tl.Unicode("home.title")
    sources = tl.Dict(value_trait=tl.Instance(DataSourceModel))

    account = tl.Int(None, allow_none=True)

    def __init__(self, title_key: str = "home.title", *, lang: str = DEFAULT_LANG,
                 data_kinds: Sequence[str] = (), autoload: bool = True,
                 workspace: Callable[[], Any] | None = None, **kwargs):
        super().__init__(title_key=title_key, lang=lang, **kwargs)
        self.sources = {k: DataSourceModel(k, lang=lang, autoload=autoload, workspace=workspace)
                        for k in data_kinds}
        for source in self.sources.values():
            tl.dlink((self, "lang"), (source, "lang"))
            source.observe(self._on_kept, names="kept")

    def accounts(self) -> list:
        """The workspace's accounts (none without a workspace, or when it cannot be read)."""
        source = next(iter(self.sources.values()), None)
        if source is None or source._workspace is None:
            return []
        try:
            return source._workspace().accounts()
        except Exception:
            log.exception("reading the accounts failed")
            return []

    @tl.observe("account")
    def _on_account(self, change) -> None:
        """One account's data, or every account's: the page's sources read it again."""
        for source in self.sources.values():
            source.account = change.new
            if source.source == TEAM:
                source.use_workspace()

    def _on_kept(self, change) -> None:
        """An upload kept by one picker puts the page's other kinds on the team's data too (a
        kind the team has not uploaded is empty and says what to upload: never the sample
        beside the team's data)."""
        for source in self.sources.values():
            if source is not change.owner:
                source.refresh()

    def refresh(self) -> None:
        """Read the team's data again where the workspace changed
        (:meth:`DataSourceModel.refresh`)."""
        for source in self.sources.values():
            source.refresh()


class Header:
    """Page header: a link home, the page title, the language toggle and any data pickers.

    Parameters
    ----------
    title_key : catalogue key of the title.
    lang : starting language; ``None`` reads it from the page URL (see :func:`i18n.language`).
    data_kinds : data kinds the page needs; one picker each. Empty for pages without data.
    subtitle_key : optional catalogue key of a line under the title.
    home_link : show the "back to home" link above the title.
    workspace : ``() -> Workspace``: the team's data the pickers open on and keep uploads in
        (:class:`DataSourceModel`); ``None`` for the sample and this page's uploads only.
    """

    def __init__(self, title_key: str, *, lang: str | None = None,
                 data_kinds: Sequence[str] = (), subtitle_key: str | None = None,
                 home_link: bool = True, autoload: bool = True,
                 workspace: Callable[[], Any] | None = None):
        self.model = ShellModel(title_key, lang=lang or language(), data_kinds=data_kinds,
                                autoload=autoload, workspace=workspace)
        self.subtitle_key = subtitle_key
        self.home_link = home_link
        self.title = w.HTML(layout=w.Layout(flex="1 1 auto"))
        self.lang_toggle = w.ToggleButtons(
            options=[(LANGUAGE_NAMES[code], code) for code in LANGS], value=self.model.lang,
            style={"button_width": "76px"}, layout=w.Layout(flex="0 0 auto"),
        )
        self.lang_toggle.add_class("wb-lang")
        tl.link((self.model, "lang"), (self.lang_toggle, "value"))
        self.pickers = {kind: DataSourcePicker(m, named=len(self.model.sources) > 1)
                        for kind, m in self.model.sources.items()}
        # with several accounts in the team's data: one account's, or all of them
        self.account = w.Dropdown(layout=w.Layout(width="340px", display="none"),
                                  style={"description_width": "initial"})
        self.account.observe(self._on_account, names="value")
        top = w.HBox([self.title, self.lang_toggle],
                     layout=w.Layout(align_items="flex-end", justify_content="space-between",
                                     flex_flow="row wrap"))
        top.add_class("wb-header")
        self._top = [styles(), top]
        self.widget = w.VBox([*self._top, *(p.widget for p in self.pickers.values())])
        self._fill_accounts()
        for source in self.model.sources.values():  # an upload may have made an account
            source.observe(lambda _: self._fill_accounts(), names="kept")
        self.model.observe(self._relabel, names=["lang", "title_key"])
        self._relabel()

    @property
    def lang(self) -> str:
        return self.model.lang

    def _fill_accounts(self) -> None:
        lang = self.model.lang
        accounts = self.model.accounts()
        self._filling = True
        try:
            self.account.options = [(t("source.all_accounts", lang), -1),
                                    *((a.label(lang), a.id) for a in accounts)]
            self.account.value = self.model.account if self.model.account is not None else -1
        finally:
            self._filling = False
        self.account.description = t("source.account", lang)
        shown = len(accounts) > 1
        self.account.layout.display = "" if shown else "none"
        # on the page only when there is a choice (a page's controls keep their places)
        pickers = [p.widget for p in self.pickers.values()]
        self.widget.children = [*self._top, *([self.account] if shown else []), *pickers]

    def _on_account(self, change) -> None:
        if not getattr(self, "_filling", False):
            self.model.account = None if change.new in (-1, None) else int(change.new)

    def source(self, kind: str | None = None) -> DataSourceModel:
        """The data-source model of ``kind`` (the only one when ``kind`` is omitted)."""
        if kind is None:
            if len(self.model.sources) != 1:
                raise ValueError(f"say which data kind: {', '.join(self.model.sources) or 'none'}")
            return next(iter(self.model.sources.values()))
        return self.model.sources[kind]

    def _relabel(self, change=None) -> None:
        lang = self.model.lang
        if change is not None and change.name == "lang":
            self._fill_accounts()
        parts = []
        if self.home_link:
            parts.append(f'<p class="wb-crumb"><a class="wb-home-link" href="{home_href(lang)}">'
                         f'{_esc(t("app.name", lang))}</a></p>')
        parts.append(f'<h1 class="wb-title">{_esc(t(self.model.title_key, lang))}</h1>')
        if self.subtitle_key:
            parts.append(f'<p class="wb-subtitle">{_esc(t(self.subtitle_key, lang))}</p>')
        self.title.value = "".join(parts)
        self.lang_toggle.tooltips = [t("lang.tooltip", lang)] * len(LANGS)


def latest_saved(store, kind: str):
    """``(name, payload, saved_at)`` of the most recently saved scenario of ``kind``, or ``None``
    when there is none. A store that cannot be read raises (:class:`workbench.store.StoreError`):
    the page must say the store failed, never that nothing was saved (:func:`read_failure`)."""
    rows = store.list(kind)
    if not rows:
        return None
    newest = max(rows, key=lambda row: row.last_saved_at)
    return newest.name, store.load(kind, newest.name), newest.last_saved_at


def read_failure(err: BaseException, what: str) -> dict[str, str]:
    """``{lang: sentence}`` a page shows when it could not read ``what`` (an i18n key such as
    ``"store.what.review"``) from the saved scenarios: what, and why in the page's language (a
    :class:`workbench.store.StoreError` says it in both). The failure is logged in full too."""
    log.error("reading %s failed", what, exc_info=err)
    return {lang: t("store.read_failed", lang, what=t(what, lang), error=inline(err, lang))
            for lang in LANGS}


def page_href(page: str, lang: str) -> str:
    """Relative link from one dashboard to another, keeping the language.

    Voilà renders ``notebooks/x.ipynb`` at ``/voila/render/x.ipynb``, so a sibling notebook is
    ``./<file>``; this also works behind a URL prefix.
    """
    return f"./{PAGES[page]}?lang={lang}"


def home_href(lang: str) -> str:
    return page_href("home", lang)


# ---------------------------------------------------------------------------------------------
# pages


class Page:
    """Display plumbing for a dashboard class: set ``self.widget`` and ``self.header`` in
    ``__init__``, which takes ``lang`` as a keyword."""

    widget: w.Widget
    header: Header

    @property
    def lang(self) -> str:
        """The page's display language (the header's toggle)."""
        return self.header.lang

    @classmethod
    def from_url(cls, *args, **kwargs):
        """The page in the language of its Voilà URL (``?lang=zh``): a notebook's one line.

        Its charts and the look for a draft are drawn once the cell has ended, while the browser
        starts the page's scripts (:func:`workbench.ui.soon.deferred`).

        In a pre-heated kernel (Voilà's pool, ``preheat_kernel``) the page is built before
        anyone asks for it, in the default language (:func:`workbench.i18n.default_language`),
        its charts included, and then waits for the visit
        (:func:`workbench.runtime.voila.query_string`); a URL asking for the other language
        relabels it (its charts are drawn again once the cell has ended), and the saved
        scenarios it lists are read again (:meth:`reread_saved`). The look for a draft waits
        for the visit: another session may have left one since the page was built.
        """
        from workbench.ui.drafts import DraftKeeper
        from workbench.ui.soon import deferred, run_now

        with deferred():
            pooled = voila.request_pending()
            page = cls(*args, lang=default_language() if pooled else language(), **kwargs)
            if pooled:  # nobody waits yet: a visit in this language finds its charts drawn
                run_now(lambda key: not isinstance(key, DraftKeeper))
                import workbench.store  # noqa: F401 (the draft look's SQLAlchemy, ~0.5 s)
            lang = language(voila.query_string())  # a pre-heated kernel waits here for its visit
            if lang != page.lang:
                page.header.model.lang = lang
            if pooled:
                page.reread_saved()
                if page.scenarios is not None:
                    page.scenarios.refresh()
                page.header.model.refresh()  # another page may have kept an upload meanwhile
            if page.scenarios is not None:  # a link to a saved version: the page opens on it
                query = voila.query_string()
                soon(("link", id(page)), lambda: page.scenarios.open_link(query))
        return page

    def reread_saved(self) -> None:
        """Read again the saved scenarios the page offers (a page from Voilà's pool was built
        before its visit, maybe minutes before another tab saved one). Pages that list saved
        scenarios override this."""

    _store = None
    _workspace = None

    @property
    def workspace(self):
        """The team's data (:class:`workbench.workspace.Workspace`), in the database of the
        page's store (opened on first use)."""
        if self._workspace is None:
            from workbench.workspace import Workspace

            url = getattr(self._store, "url", None) if self._store is not None else None
            if url is not None and not isinstance(url, str):
                url = url.render_as_string(hide_password=False)
            self._workspace = Workspace(url)
        return self._workspace

    @property
    def store(self):
        """Where the page saves and finds scenarios: the one given to the page, else the
        default :class:`workbench.store.ScenarioStore` (opened on first use)."""
        if self._store is None:
            from workbench.store import ScenarioStore

            self._store = ScenarioStore()
        return self._store

    def save_scenario(self, kind: str, name: str, payload: dict, status: w.HTML,
                      labels: str) -> int | None:
        """Save ``payload`` as a new version of ``name`` and say so in ``status``
        (``{labels}.saved`` / ``{labels}.save_failed`` of the catalogue). A failure is logged
        and said beside the button; nothing on screen is lost. Returns the version."""
        lang = self.lang
        try:
            version = self._save(kind, name, payload)
        except Exception as err:
            log.exception("saving %s %r failed", kind, name)
            status.value = status_html([t(f"{labels}.save_failed", lang,
                                          error=inline(err, lang))], "error")
            return None
        status.value = status_html([t(f"{labels}.saved", lang, name=name, version=version)],
                                   "info")
        self._drafts_saved(kind)
        if self.scenarios is not None and self.scenarios.kind == kind:
            self.scenarios.current = (name.strip(), version)
            self.scenarios.refresh()
        return version

    def save_scenario_as(self, kind: str, name: str, payload: dict) -> int | None:
        """Save ``payload`` (with the controls' state) as a new version of ``name`` for the
        scenario browser: a failure is said in the browser. Returns the version."""
        try:
            return self._save(kind, name, payload)
        except Exception as err:
            log.exception("saving %s %r failed", kind, name)
            if self.scenarios is not None:
                self.scenarios.fail(err)
            return None

    def _save(self, kind: str, name: str, payload: dict) -> int:
        """Save ``payload`` with the state of the page's controls (the draft keeper's, when it
        keeps this kind): the version, or the store's error."""
        from workbench.ui.scenarios import with_state

        keeper = self.drafts if self.drafts is not None and self.drafts.kind == kind else None
        return self.store.save(kind, name, with_state(payload, keeper))

    # -- saved scenarios: the browser (workbench.ui.scenarios) ------------------------------
    scenarios = None  # the page's ScenarioBrowser, once start_scenarios is called

    def start_scenarios(self, kind: str, payload, name: w.Widget | None = None):
        """Offer the page's saved scenarios to open, save as, rename, archive and compare,
        folded under the header (after the draft note): call after :meth:`start_drafts`.
        ``payload`` returns what the page saves (``None``: nothing yet). The list is read once
        the page is on its way (:func:`workbench.ui.soon.soon`)."""
        from workbench.ui import drafts
        from workbench.ui.scenarios import ScenarioBrowser

        browser = ScenarioBrowser(self, kind, payload, name)
        self.scenarios = browser
        after = self.drafts.widget if self.drafts is not None else self.header.widget
        drafts.place(self.widget, browser.widget, after=after)
        self.header.model.observe(browser.relabel, names="lang")
        soon(browser, browser.refresh)
        return browser

    # -- drafts: unsaved work survives a kernel restart (workbench.ui.drafts) ---------------
    drafts = None  # the page's DraftKeeper, once start_drafts is called

    def start_drafts(self, kind: str, fields: dict, *, name: w.Widget | None = None,
                     watch=()):
        """Autosave the page's working state as a draft and offer back one left by an
        earlier session (a kernel that died): call at the end of ``__init__``.

        ``fields`` are ``{key: control or drafts.Field}`` in the order to restore them,
        ``name`` the scenario-name box, ``watch`` more ``(HasTraits, names)`` that count as
        edits. The note goes under the header and follows the language; explicit saves
        (:meth:`save_scenario`) clear the draft. Returns the :class:`DraftKeeper`.
        """
        from workbench.ui import drafts

        keeper = drafts.DraftKeeper(
            lambda: self.store, kind, fields, lang=lambda: self.lang,
            name=(lambda: name.value.strip()) if name is not None else (lambda: ""),
            sources=lambda: drafts.uploads(self.header), watch=watch)
        self.drafts = keeper
        drafts.place(self.widget, keeper.widget, after=self.header.widget)
        self.header.model.observe(keeper.relabel, names="lang")
        return keeper

    def _drafts_saved(self, kind: str) -> None:
        if self.drafts is not None:
            self.drafts.saved(kind)

    # -- display ----------------------------------------------------------------------------
    def show(self) -> None:
        """Display the page (the last line of a dashboard notebook)."""
        from IPython.display import display

        display(self.widget)

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)
