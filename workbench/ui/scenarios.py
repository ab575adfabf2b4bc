"""Saved work you can reopen: the scenario browser of pages 01–04.

A page saves a scenario as its results (what other pages read: a plan, a persona set, an
estimate) *and* the state of its controls, the fields its draft keeper already knows
(:mod:`workbench.ui.drafts`). Opening a saved version sets those controls back, in the order
the page restores them, and the page computes from them as if the planner had set them by
hand: the same data gives every number on screen as it was saved.

The browser lists the page's saved scenarios (name, newest version, author, time, note; the
archived ones on request) and, for the one picked, its versions. It opens a version, saves
what is on screen under a new name, renames (every version moves with it), archives and
restores (nothing is deleted), says what changed between two versions, and gives each version
a link (``?scenario=NAME&v=3``) that opens the page on it.
"""

from __future__ import annotations

import html
import logging
from typing import Any
from urllib.parse import parse_qs, urlencode

import ipywidgets as w

from workbench import fmt
from workbench.errors import inline
from workbench.i18n import LANGS, t
from workbench.ui.sources import status_html

log = logging.getLogger(__name__)

#: the payload key of the controls' state, beside the page's own results
PAGE_STATE = "page"
#: how many changed controls a comparison lists, and how long a value it shows
DIFF_SHOWN, VALUE_SHOWN = 12, 60


def _esc(text: Any) -> str:
    return html.escape(str(text))


def _short(value: Any) -> str:
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= VALUE_SHOWN else text[:VALUE_SHOWN - 1] + "…"


class ScenarioBrowser:
    """The saved scenarios of one page's kind: open, save as, rename, archive, restore,
    compare versions, link.

    Parameters
    ----------
    page : the :class:`workbench.ui.shell.Page` (its store, language, draft keeper, and
        ``payload()`` for *save as*).
    kind : the page's scenario kind (``"personas"``, ``"mix_plan"``, ``"roi"``, ``"review"``).
    payload : function returning what the page saves (its results), or ``None`` when there is
        nothing to save yet.
    name_box : the page's scenario-name box (set to the name opened).
    """

    def __init__(self, page, kind: str, payload, name_box: w.Text | None = None):
        self.page, self.kind, self._payload, self.name_box = page, kind, payload, name_box
        self._summaries: list = []
        self._records: list = []
        self.current: tuple[str, int] | None = None  # (name, version) on screen, if opened
        self.pick = w.Select(rows=5, layout=w.Layout(width="100%"))
        self.version = w.Dropdown(layout=w.Layout(width="420px"))
        self.compare = w.Dropdown(layout=w.Layout(width="420px"))
        self.show_archived = w.Checkbox(value=False, indent=False,
                                        layout=w.Layout(width="auto"))
        self.open_button = w.Button(icon="folder-open", button_style="primary",
                                    layout=w.Layout(width="auto"))
        self.new_name = w.Text(layout=w.Layout(width="240px"))
        self.save_as_button = w.Button(icon="copy", layout=w.Layout(width="auto"))
        self.rename_button = w.Button(icon="pencil", layout=w.Layout(width="auto"))
        self.archive_button = w.Button(icon="archive", layout=w.Layout(width="auto"))
        self.link = w.HTML()
        self.diff = w.HTML()
        self.status = w.HTML()
        body = w.VBox([
            w.HBox([self.show_archived], layout=w.Layout(align_items="center")),
            self.pick,
            w.HBox([self.version, self.open_button, self.archive_button],
                   layout=w.Layout(align_items="center", flex_flow="row wrap",
                                   grid_gap="4px 12px")),
            w.HBox([self.new_name, self.save_as_button, self.rename_button],
                   layout=w.Layout(align_items="center", flex_flow="row wrap",
                                   grid_gap="4px 12px")),
            self.compare, self.diff, self.link, self.status,
        ])
        self.widget = w.Accordion(children=[body], selected_index=None)
        self.widget.add_class("wb-scenarios")

        self.show_archived.observe(lambda _: self.refresh(), names="value")
        self.pick.observe(lambda _: self._show_versions(), names="value")
        self.version.observe(lambda _: self._show_version(), names="value")
        self.compare.observe(lambda _: self._show_diff(), names="value")
        self.open_button.on_click(lambda _: self.open())
        self.save_as_button.on_click(lambda _: self.save_as())
        self.rename_button.on_click(lambda _: self.rename())
        self.archive_button.on_click(lambda _: self.toggle_archive())
        self._said = None  # (level, lang -> text) of the last action
        self.relabel()

    # -- reading -----------------------------------------------------------------------------
    @property
    def lang(self) -> str:
        return self.page.lang

    def refresh(self) -> None:
        """Read the saved scenarios again (after a save, or another tab's)."""
        try:
            self._summaries = self.page.store.list(self.kind,
                                                   archived=self.show_archived.value)
        except Exception as err:  # a failing store is said here; the page goes on
            log.exception("listing %s scenarios failed", self.kind)
            self._summaries = []
            self.fail(err)
        keep = self.pick.value
        self.pick.options = [(self._row(s), s.name) for s in self._summaries]
        names = [s.name for s in self._summaries]
        self.pick.value = keep if keep in names else (names[0] if names else None)
        self._title()
        self._show_versions()

    def _row(self, s) -> str:
        note = f" · {s.note}" if s.note else ""
        key = "scenarios.row_archived" if s.archived else "scenarios.row"
        return t(key, self.lang, name=s.name, version=s.latest_version, author=s.last_author,
                 time=fmt.when(s.last_saved_at), note=note)

    def _selected(self):
        return next((s for s in self._summaries if s.name == self.pick.value), None)

    def _show_versions(self) -> None:
        chosen = self._selected()
        if chosen is None:
            self._records = []
        else:
            try:
                self._records = self.page.store.history(self.kind, chosen.name)
            except Exception as err:
                log.exception("reading the versions of %r failed", chosen.name)
                self._records = []
                self.fail(err)
        options = [(self._version_label(r), r.version) for r in reversed(self._records)]
        self.version.options = options
        self.version.value = options[0][1] if options else None
        self.compare.options = [("–", 0)] + options
        self.compare.value = 0
        self.archive_button.disabled = self.open_button.disabled = chosen is None
        self.rename_button.disabled = chosen is None
        self.archive_button.description = t(
            "scenarios.restore" if chosen is not None and chosen.archived
            else "scenarios.archive", self.lang)
        self._show_version()

    def _version_label(self, r) -> str:
        note = f" · {r.note}" if r.note else ""
        return t("scenarios.version_label", self.lang, version=r.version, author=r.author,
                 time=fmt.when(r.created_at), note=note)

    def _show_version(self) -> None:
        chosen, version = self._selected(), self.version.value
        if chosen is None or version is None:
            self.link.value = ""
        else:
            href = "?" + urlencode({"scenario": chosen.name, "v": version, "lang": self.lang})
            self.link.value = (f'<a class="wb-link" href="{_esc(href)}" target="_blank">'
                               f'{_esc(t("scenarios.link", self.lang))}</a> '
                               f'<span class="wb-hint">{_esc(t("scenarios.link_help", self.lang))}'
                               "</span>")
        self._show_diff()

    # -- comparing ---------------------------------------------------------------------------
    def changes(self, name: str, a: int, b: int) -> list[tuple[str, Any, Any]]:
        """The controls that differ between versions ``a`` and ``b`` of ``name``: ``(label in
        the language on screen, value in a, value in b)``, in the page's order."""
        old = self.page.store.load(self.kind, name, a)
        new = self.page.store.load(self.kind, name, b)
        old_state = old.get(PAGE_STATE, {}) if isinstance(old, dict) else {}
        new_state = new.get(PAGE_STATE, {}) if isinstance(new, dict) else {}
        keeper = self.page.drafts
        order = list(keeper.fields) if keeper is not None else []
        keys = order + sorted(k for k in set(old_state) | set(new_state) if k not in order)
        out = []
        for key in keys:
            if key in old_state or key in new_state:
                before, after = old_state.get(key), new_state.get(key)
                if before != after:
                    label = keeper.fields[key].name(self.lang) if key in order else key
                    out.append((label, before, after))
        return out

    def _show_diff(self) -> None:
        chosen, a, b = self._selected(), self.compare.value, self.version.value
        if chosen is None or not a or b is None or a == b:
            self.diff.value = ""
            return
        lang = self.lang
        try:
            changes = self.changes(chosen.name, a, b)
        except Exception as err:
            log.exception("comparing versions of %r failed", chosen.name)
            self.diff.value = status_html([t("scenarios.failed", lang,
                                             error=inline(err, lang))], "error")
            return
        if not changes:
            self.diff.value = status_html([t("scenarios.same", lang, a=a, b=b)], "info")
            return
        items = "".join(f"<li><b>{_esc(label)}:</b> {_esc(_short(x))} → {_esc(_short(y))}</li>"
                        for label, x, y in changes[:DIFF_SHOWN])
        more = (f"<li>{_esc(t('drafts.more', lang, shown='…', more=len(changes) - DIFF_SHOWN))}"
                "</li>" if len(changes) > DIFF_SHOWN else "")
        self.diff.value = (f'<div class="wb-status wb-status--info"><p>'
                           f'{_esc(t("scenarios.diff_head", lang, a=a, b=b))}</p>'
                           f'<ul class="wb-diff">{items}{more}</ul></div>')

    # -- actions -----------------------------------------------------------------------------
    def open(self, name: str | None = None, version: int | None = None) -> bool:
        """Put a saved version on screen (the picked one by default; the newest when
        ``version`` is ``None``). Returns whether its controls were set."""
        name = name if name is not None else self.pick.value
        version = version if version is not None or name != self.pick.value \
            else self.version.value
        if not name:
            return False
        try:
            record = self.page.store.record(self.kind, name, version)
        except Exception as err:
            log.exception("opening %r failed", name)
            self.fail(err)
            return False
        state = record.payload.get(PAGE_STATE) if isinstance(record.payload, dict) else None
        keeper = self.page.drafts
        who = dict(name=record.name, version=record.version, author=record.author,
                   time=fmt.when(record.created_at))
        if not isinstance(state, dict) or keeper is None:
            self._say("error", lambda lang: t("scenarios.no_state", lang, **who))
            return False
        skipped = keeper.apply(state)
        if self.name_box is not None:
            self.name_box.value = record.name
            keeper.saved()
        self.current = (record.name, record.version)
        if skipped:
            names = [keeper.fields[k].name for k in skipped]
            self._say("info", lambda lang: t("scenarios.opened_partly", lang, **who,
                                             skipped="、".join(n(lang) for n in names)
                                             if lang == "zh" else
                                             ", ".join(n(lang) for n in names)))
        else:
            self._say("info", lambda lang: t("scenarios.opened", lang, **who))
        return True

    def open_link(self, query_string: str | None) -> bool | None:
        """Open the version a page link asks for (``?scenario=NAME&v=3``); ``None`` when the
        link asks for none. A missing or archived scenario is said, and the page stays on its
        defaults."""
        query = parse_qs((query_string or "").lstrip("?"))
        name = (query.get("scenario") or [""])[0].strip()
        if not name:
            return None
        raw = (query.get("v") or [""])[0].strip()
        version = int(raw) if raw.isdigit() and int(raw) >= 1 else None
        store = self.page.store
        try:
            archived = store.archived(self.kind, name)
            if not archived:
                store.record(self.kind, name, version)
        except KeyError:
            archived = None
        except Exception as err:
            self.fail(err)
            return False
        if archived is None or archived:
            key = "scenarios.missing_archived" if archived else "scenarios.missing"
            self._say("error", lambda lang: t(key, lang, name=name, version=t(
                "scenarios.missing_version", lang, version=version) if version else ""))
            self.widget.selected_index = 0
            return False
        self.pick.value = name if name in [s.name for s in self._summaries] else self.pick.value
        self.widget.selected_index = 0     # unfolded: the link's version, and what it says
        return self.open(name, version)

    def save_as(self, name: str | None = None) -> int | None:
        """Save what is on screen as a new scenario (or a new version of ``name``)."""
        name = (name if name is not None else self.new_name.value).strip()
        if not name:
            self._say("error", lambda lang: t("scenarios.need_name", lang))
            return None
        payload = self._payload()
        if payload is None:
            return None
        version = self.page.save_scenario_as(self.kind, name, payload)
        if version is None:
            return None
        if self.name_box is not None:
            self.name_box.value = name
            if self.page.drafts is not None:
                self.page.drafts.saved(self.kind)
        self.new_name.value = ""
        self.current = (name, version)
        self.refresh()
        self.pick.value = name
        self._say("info", lambda lang: t("scenarios.saved_as", lang, name=name, version=version))
        return version

    def rename(self, new: str | None = None) -> bool:
        """Rename the picked scenario (every version moves with it)."""
        old = self.pick.value
        new = (new if new is not None else self.new_name.value).strip()
        if not old:
            return False
        if not new:
            self._say("error", lambda lang: t("scenarios.need_name", lang))
            return False
        try:
            self.page.store.rename(self.kind, old, new)
        except Exception as err:
            self.fail(err)
            return False
        if self.current is not None and self.current[0] == old:
            self.current = (new, self.current[1])
            if self.name_box is not None and self.name_box.value.strip() == old:
                self.name_box.value = new
        self.new_name.value = ""
        self.refresh()
        self.pick.value = new
        self._say("info", lambda lang: t("scenarios.renamed", lang, old=old, new=new))
        return True

    def toggle_archive(self) -> bool:
        """Archive the picked scenario, or restore it when it is archived."""
        chosen = self._selected()
        if chosen is None:
            return False
        try:
            if chosen.archived:
                self.page.store.restore(self.kind, chosen.name)
            else:
                self.page.store.archive(self.kind, chosen.name)
        except Exception as err:
            self.fail(err)
            return False
        key = "scenarios.restored" if chosen.archived else "scenarios.archived"
        self.refresh()
        self._say("info", lambda lang: t(key, lang, name=chosen.name))
        return True

    # -- language ----------------------------------------------------------------------------
    def fail(self, err: BaseException) -> None:
        """Say that an action failed, and why, in the language on screen (and after a
        switch); nothing on screen changes."""
        why = {lang: inline(err, lang) for lang in LANGS}
        self._say("error", lambda lang: t("scenarios.failed", lang, error=why[lang]))

    def _say(self, level: str, text) -> None:
        self._said = (level, text)
        self.status.value = status_html([text(self.lang)], level)

    def _title(self) -> None:
        n = len([s for s in self._summaries if not s.archived])
        self.widget.set_title(0, t("scenarios.title", self.lang, n=n) if self._summaries
                              else t("scenarios.title_none", self.lang))

    def relabel(self, change=None) -> None:
        lang = self.lang
        self.show_archived.description = t("scenarios.show_archived", lang)
        self.version.description = t("scenarios.version", lang)
        self.compare.description = t("scenarios.compare", lang)
        self.version.style = self.compare.style = {"description_width": "initial"}
        self.open_button.description = t("scenarios.open", lang)
        self.new_name.placeholder = t("scenarios.new_name", lang)
        self.save_as_button.description = t("scenarios.save_as", lang)
        self.rename_button.description = t("scenarios.rename", lang)
        if self._summaries or self.pick.options:
            self.pick.options = [(self._row(s), s.name) for s in self._summaries]
        self._title()
        chosen = self._selected()
        self.archive_button.description = t(
            "scenarios.restore" if chosen is not None and chosen.archived
            else "scenarios.archive", lang)
        if self._records:
            keep = self.version.value
            options = [(self._version_label(r), r.version) for r in reversed(self._records)]
            self.version.options = options
            self.version.value = keep
            keep = self.compare.value
            self.compare.options = [("–", 0)] + options
            self.compare.value = keep
        self._show_version()
        if self._said is not None:
            level, text = self._said
            self.status.value = status_html([text(lang)], level)
        elif not self._summaries:
            self.status.value = f'<p class="wb-hint">{_esc(t("scenarios.nothing", lang))}</p>'
        else:
            self.status.value = ""


def with_state(payload: dict, keeper) -> dict:
    """``payload`` with the page's controls (its draft keeper's fields) kept beside it."""
    if keeper is None or not isinstance(payload, dict):
        return payload
    return {**payload, PAGE_STATE: keeper.state()}


__all__ = ["PAGE_STATE", "ScenarioBrowser", "with_state"]
