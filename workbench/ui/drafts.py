"""Unsaved work survives a kernel restart: each page autosaves its working state as a *draft*.

A Voilà page lives in a kernel, and kernels die: the tab is closed, an idle kernel is culled,
the server restarts. Saved scenarios are safe (they are versioned in the scenario store), but
whatever the planner changed since the last save would be gone without a word. So a page keeps
a draft of its working state in the store and, when it is opened again, says what was unsaved
and offers it back:

    Unsaved changes from 14:32 (scenario "Q3 plan") were found: Team hours a week, Budget.
    [Restore] [Discard]

How it works
------------
* **What is kept.** A page names its *fields*: the controls that hold the planner's choices
  (any ipywidget with a ``value``), plus :class:`Field` getters/setters for state that is not a
  control (review statuses, persona names). The draft is their values, not the page's computed
  results: it is small, and restoring it is setting the controls, after which the page computes
  exactly as if the planner had moved them.
* **When.** Every change of a field (or of a ``watch``-ed trait) marks the page dirty. The draft
  is written at most every :data:`INTERVAL_S` seconds: at once for the first change after a
  quiet spell, then once more when the interval is over (so at most a few seconds of work can
  be lost, and a dragged slider writes twice, not fifty times). It is written only when the
  state differs from what was last saved (or what the page opened with); when the planner
  undoes their changes, or saves, the draft is removed.
* **Where.** In the scenario store's ``drafts`` table (:meth:`ScenarioStore.put_draft`): one
  draft per page kind and user, replaced on every write. Saved scenarios are in another table
  and never touched. A second tab of the same page shares the draft (the last write wins).
* **Reopening.** A draft left by an earlier session is shown in a note under the header, with
  its time, its scenario name, the fields that differ from what is on screen, and, when the
  work was done on an uploaded file, that the file must be uploaded again (uploads are not
  kept). *Restore* sets the fields; fields the data on screen does not offer (a platform the
  new data lacks) are named. *Discard* removes it. Until the planner changes something, the
  old draft stays in the store; after that the new session's draft replaces it (the note and
  its *Restore* stay until dismissed).
* **Time.** All timing goes through a clock (:class:`KernelClock`: the kernel's event loop;
  :class:`ManualClock` in tests), so a test can change a control, advance the clock past the
  interval and build a new page on the same store, as a restart would.

A page uses it with one call at the end of its ``__init__`` (see
:meth:`workbench.ui.shell.Page.start_drafts`); :meth:`Page.save_scenario` tells the keeper about
explicit saves.
"""

from __future__ import annotations

import datetime as dt
import html
import itertools
import logging
import time
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import ipywidgets as w

from workbench.errors import inline
from workbench.i18n import LANGS, t
from workbench.runtime.loop import kernel_loop
from workbench.ui.soon import soon

log = logging.getLogger(__name__)

INTERVAL_S = 5.0
"""Seconds between two draft writes at most (changes in between are written together)."""

MAX_LISTED = 6
"""How many changed fields the note names before it says "and N more"."""

RETRY_S = 60.0
"""After a failed write (store unreachable or locked), seconds before the next try: each try
can wait the store's timeout, and the page must stay usable meanwhile."""


# ---------------------------------------------------------------------------------------------
# clocks


class KernelClock:
    """Real time; delayed writes run on the kernel's event loop (the widgets' thread).

    Outside a kernel (a script) nothing can run later: a pending write then happens with the
    next change after the interval, or with :meth:`DraftKeeper.flush`.
    """

    tz: dt.tzinfo | None = None  # times are shown in the server's local time zone

    def monotonic(self) -> float:
        return time.monotonic()

    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.timezone.utc)

    def call_later(self, delay: float, callback: Callable[[], None]) -> bool:
        loop = kernel_loop()
        if loop is None:
            return False
        loop.call_later(max(0.0, delay), callback)
        return True


class ManualClock:
    """A clock moved by hand, for tests: :meth:`advance` runs the callbacks that fall due.

    Parameters
    ----------
    start : timezone-aware wall-clock time at ``monotonic() == 0``.
    tz : time zone the note shows times in (``None``: the machine's local zone).
    """

    def __init__(self, start: dt.datetime, tz: dt.tzinfo | None = None):
        if start.tzinfo is None:
            raise ValueError("start must be timezone-aware")
        self.start, self.tz = start, tz
        self._t = 0.0
        self._due: list[tuple[float, int, Callable[[], None]]] = []
        self._order = itertools.count()

    def monotonic(self) -> float:
        return self._t

    def now(self) -> dt.datetime:
        return self.start + dt.timedelta(seconds=self._t)

    def call_later(self, delay: float, callback: Callable[[], None]) -> bool:
        self._due.append((self._t + max(0.0, delay), next(self._order), callback))
        return True

    def advance(self, seconds: float) -> None:
        """Move time forward, running every callback that falls due on the way, in order."""
        end = self._t + seconds
        while True:
            due = sorted(item for item in self._due if item[0] <= end)
            if not due:
                break
            when, _, callback = due[0]
            self._due.remove(due[0])
            self._t = max(self._t, when)
            callback()
        self._t = end

    @property
    def pending(self) -> int:
        """Callbacks waiting to run."""
        return len(self._due)


def default_clock() -> KernelClock | ManualClock:
    """The clock a new keeper uses (tests replace this function to drive time by hand)."""
    return KernelClock()


# ---------------------------------------------------------------------------------------------
# fields


@dataclass
class Field:
    """One piece of a page's working state that is not a control.

    Attributes
    ----------
    get : returns the value (JSON types, dates; see :func:`workbench.store.encode_payload`).
    set : puts a value back (may raise: the field is then reported as not restored).
    label : catalogue key of its display name, or a function ``lang -> name``.
    """

    get: Callable[[], Any]
    set: Callable[[Any], None]
    label: str | Callable[[str], str]

    def name(self, lang: str) -> str:
        return self.label(lang) if callable(self.label) else t(self.label, lang)


def widget_field(widget: w.Widget, label: str | Callable[[str], str] | None = None) -> Field:
    """A :class:`Field` for a control: its ``value``; named by its description (or
    placeholder) in the language on screen, unless ``label`` says otherwise."""

    def get() -> Any:
        value = widget.value
        return list(value) if isinstance(value, tuple) else value

    def put(value: Any) -> None:
        if isinstance(widget.value, tuple) and isinstance(value, list):
            value = tuple(value)
        widget.value = value

    def name(lang: str) -> str:
        if label is not None:
            return label(lang) if callable(label) else t(label, lang)
        named = getattr(widget, "description", "") or getattr(widget, "placeholder", "")
        if named:
            return named
        # a group of buttons has no description: its choices say what it is
        # ("Subscription account / Service account"), never "?"
        choices = [str(option[0]) if isinstance(option, tuple) else str(option)
                   for option in getattr(widget, "options", ())]
        return " / ".join(choices[:3]) or "?"

    return Field(get, put, name)


def uploads(header) -> dict[str, str]:
    """``{data kind: file name}`` of the header's data sources that use an uploaded file."""
    return {kind: model.file_name for kind, model in header.model.sources.items()
            if model.source == "upload" and model.file_name}


def draft_owner() -> str | None:
    """Whose drafts a page keeps: the person, and, on the workbench's server, the browser they
    use (``user · browser id``): a draft left in one browser profile is offered in that one,
    never to a colleague opening the page in another (a team server runs under one login).
    ``None`` (the store's user name alone) outside the server."""
    from workbench.runtime.voila import browser_id
    from workbench import identity

    browser = browser_id()
    return f"{identity.user()} · {browser}" if browser else None


def place(page_widget: w.Box, note: w.Widget, after: w.Widget | None = None) -> None:
    """Put ``note`` into a page's box right after ``after`` (the header), else first."""
    children = list(page_widget.children)
    at = children.index(after) + 1 if after is not None and after in children else 0
    page_widget.children = tuple(children[:at] + [note] + children[at:])


# ---------------------------------------------------------------------------------------------
# the keeper


def _fingerprint(value: Any) -> str:
    from workbench.store import encode_payload

    return encode_payload(value)


class DraftKeeper:
    """Autosaves one page's working state as a draft and offers a found draft back.

    Parameters
    ----------
    store : function returning the :class:`workbench.store.ScenarioStore` (the page's, opened
        on first use).
    kind : the page's scenario kind; one draft per kind (and user).
    fields : ``{key: control or Field}``, in the order they are to be restored.
    lang : function returning the language on screen.
    name : function returning the scenario name on screen (shown in the note).
    sources : function returning ``{data kind: uploaded file name}`` (see :func:`uploads`).
    watch : more ``(HasTraits, names)`` whose changes count as edits (a model's traits).
    clock : :class:`KernelClock` by default (:func:`default_clock`).
    interval : seconds between writes at most.
    owner : whose draft; the store's default user name when omitted.

    Attributes
    ----------
    found : the draft left by an earlier session, until restored or discarded (else ``None``).
    widget : the note (hidden while there is nothing to say).
    """

    def __init__(self, store: Callable[[], Any], kind: str,
                 fields: Mapping[str, w.Widget | Field], *, lang: Callable[[], str],
                 name: Callable[[], str] = lambda: "",
                 sources: Callable[[], Mapping[str, str]] = dict,
                 watch: Iterable[tuple[Any, str | Sequence[str]]] = (),
                 clock=None, interval: float = INTERVAL_S, owner: str | None = None):
        self._store, self.kind, self._lang = store, kind, lang
        self._name, self._sources = name, sources
        self.fields: dict[str, Field] = {
            key: f if isinstance(f, Field) else widget_field(f) for key, f in fields.items()}
        self.clock = clock if clock is not None else default_clock()
        self.interval, self.owner = float(interval), owner
        self.session = uuid.uuid4().hex
        self.found = None
        self.writes = 0  # drafts written by this session (for tests and the curious)
        #: each field as the page opened: a draft restores only what the planner changed (a
        #: default such as "next Monday" is not carried to another day); set by _open
        self._opened: dict[str, str] = {}
        self._baseline: str | None = None  # what was last saved, or opened with
        self._written: str | None = None  # the draft this session has in the store
        self._last_write = -float("inf")
        self._dirty = self._scheduled = self._applying = False
        self._said: tuple[str, Callable[[str], str]] | None = None  # (level, text) after a choice
        self._failure: dict[str, str] | None = None  # the store's last error, by language

        self.text = w.HTML()
        self.restore_button = w.Button(icon="undo", button_style="primary",
                                       layout=w.Layout(width="auto"))
        self.discard_button = w.Button(icon="trash", layout=w.Layout(width="auto"))
        self.restore_button.on_click(lambda _: self.restore())
        self.discard_button.on_click(lambda _: self.discard())
        self.buttons = w.HBox([self.restore_button, self.discard_button],
                              layout=w.Layout(grid_gap="8px"))
        self.widget = w.VBox([self.text, self.buttons], layout=w.Layout(margin="0 0 8px 0"))
        self.widget.add_class("wb-draft")

        for field in fields.values():
            if isinstance(field, w.Widget):
                field.observe(self._on_change, names="value")
        for obj, names in watch:
            obj.observe(self._on_change, names=names)
        self.relabel()
        # the look opens the store: in Voilà, once the page is on its way (workbench.ui.soon)
        soon(self, self._open)

    def _open(self) -> None:
        """Note the page as it opened and look for an earlier session's draft."""
        if self.owner is None:           # now the visit is known: whose drafts are these?
            self.owner = draft_owner()
        opened = self.state()
        self._opened = {key: _fingerprint(value) for key, value in opened.items()}
        self._baseline = _fingerprint(opened)
        self._look()
        self.relabel()

    # -- state -----------------------------------------------------------------------------
    def state(self) -> dict[str, Any]:
        """The page's working state now: ``{field key: value}``."""
        return {key: field.get() for key, field in self.fields.items()}

    def _call(self, what: str, fn: Callable[[], Any]) -> Any:
        """Run a store call; a failure is logged and said once, the page goes on."""
        try:
            result = fn()
        except Exception as err:
            log.exception("draft %s of %s failed", what, self.kind)
            self._failure = {lang: inline(err, lang) for lang in LANGS}
            self.relabel()
            return None
        if self._failure is not None:
            self._failure = None
            self.relabel()
        return result

    def _look(self) -> None:
        """On opening: is there a draft from an earlier session that differs from the page?"""
        draft = self._call("lookup", lambda: self._store().draft(self.kind, owner=self.owner))
        if draft is None or not isinstance(draft.payload, Mapping):
            return
        if not isinstance(draft.payload.get("state"), Mapping) or not self._changed_keys(draft):
            return  # nothing on it that the page does not show already
        self.found = draft

    def _edited_keys(self, draft) -> list[str]:
        """The fields the planner changed in the draft's session, in restoring order."""
        state = draft.payload["state"]
        edited = draft.payload.get("changed")
        return [key for key in self.fields
                if key in state and (edited is None or key in edited)]

    def _changed_keys(self, draft) -> list[str]:
        """The draft's edits that differ from what the page shows now."""
        state, now = draft.payload["state"], self.state()
        return [key for key in self._edited_keys(draft)
                if _fingerprint(state[key]) != _fingerprint(now[key])]

    # -- writing ---------------------------------------------------------------------------
    def _on_change(self, change=None) -> None:
        if self._applying or self._baseline is None:  # not open yet: nothing to compare with
            return
        self.poke()

    def poke(self) -> None:
        """Note an edit: write now if the last write is ``interval`` ago, else once it is."""
        self._dirty = True
        wait = self._last_write + self.interval - self.clock.monotonic()
        if wait <= 0:
            self.flush()
        elif not self._scheduled:
            self._scheduled = bool(self.clock.call_later(wait, self._on_timer))

    def _on_timer(self) -> None:
        self._scheduled = False
        if self._dirty:
            self.flush()

    def flush(self) -> None:
        """Write the draft now if anything changed (or remove it if the page is back to what
        was saved)."""
        if not self._dirty:
            return
        self._dirty = False
        state = self.state()
        mark = _fingerprint(state)
        if mark == self._baseline:  # back to what was saved: nothing unsaved
            if self._written is not None:
                self._drop_own()
            return
        if mark == self._written:
            return
        changed = [key for key, value in state.items()
                   if _fingerprint(value) != self._opened[key]]
        payload = {"state": state, "changed": changed, "sources": dict(self._sources())}
        stored = self._call("write", lambda: self._store().put_draft(
            self.kind, payload, name=self._name(), session=self.session, owner=self.owner,
            saved_at=self.clock.now()))
        if stored is not None:
            self._written = mark
            self._last_write = self.clock.monotonic()
            self.writes += 1
        else:  # try again later (the note says it failed meanwhile)
            self._dirty = True
            self._last_write = self.clock.monotonic() + RETRY_S - self.interval
            self.poke()

    def _drop_own(self) -> None:
        self._call("removal", lambda: self._store().drop_draft(
            self.kind, owner=self.owner, session=self.session))
        self._written = None

    def saved(self, kind: str | None = None) -> None:
        """The page saved a scenario explicitly: what is on screen is now the saved state, and
        this session's draft goes. (Another kind, or a found draft, is left alone.)"""
        if kind is not None and kind != self.kind:
            return
        self._dirty = False
        self._baseline = _fingerprint(self.state())
        if self._written is not None:
            self._drop_own()
        if self._said is not None:  # "save them to keep them": done
            self._said = None
            self.relabel()

    def apply(self, state: Mapping[str, Any]) -> list[str]:
        """Set the fields to ``state`` (a saved scenario's, opened), in restoring order; what
        is on screen is then that saved state (no draft). Returns the keys that could not be
        set (a platform the data on screen lacks ...); keys the state lacks stay as they are."""
        skipped: list[str] = []
        self._applying = True
        try:
            for key, field in self.fields.items():
                if key not in state:
                    continue
                try:
                    field.set(state[key])
                except Exception:
                    log.warning("field %s of %s not set", key, self.kind, exc_info=True)
                    skipped.append(key)
        finally:
            self._applying = False
        self.saved()
        return skipped

    # -- the found draft ---------------------------------------------------------------------
    def restore(self) -> list[str]:
        """Put the found draft's values back; returns the keys that could not be restored."""
        draft = self.found
        if draft is None:
            return []
        state = draft.payload["state"]
        skipped: list[str] = []
        self._applying = True
        try:
            for key in self._edited_keys(draft):
                try:
                    self.fields[key].set(state[key])
                except Exception:
                    log.warning("draft field %s of %s not restored", key, self.kind,
                                exc_info=True)
                    skipped.append(key)
        finally:
            self._applying = False
        self.found = None
        when = self._when(draft.saved_at)
        if skipped:
            names = list(skipped)
            self._said = ("info", lambda lang: t("drafts.partly_restored", lang, time=when,
                                                 skipped=self._names(names, lang)))
        else:
            self._said = ("info", lambda lang: t("drafts.restored", lang, time=when))
        # The restored work is unsaved work of this session now: keep it at once.
        self._dirty = True
        self._last_write = -float("inf")
        self.flush()
        self.relabel()
        return skipped

    def discard(self) -> None:
        """Drop the found draft (from the store too, unless this session replaced it)."""
        draft = self.found
        if draft is None:
            return
        self._call("removal", lambda: self._store().drop_draft(
            self.kind, owner=self.owner, session=draft.session))
        self.found = None
        when = self._when(draft.saved_at)
        self._said = ("info", lambda lang: t("drafts.discarded", lang, time=when))
        self.relabel()

    # -- the note ----------------------------------------------------------------------------
    def _when(self, moment: dt.datetime) -> str:
        """``14:32`` today, ``2025-03-08 14:32`` another day (in the clock's time zone)."""
        tz = getattr(self.clock, "tz", None)
        local = moment.astimezone(tz)
        today = self.clock.now().astimezone(tz).date()
        return local.strftime("%H:%M" if local.date() == today else "%Y-%m-%d %H:%M")

    def _names(self, keys: Sequence[str], lang: str) -> str:
        names = [self.fields[k].name(lang) for k in keys if k in self.fields]
        sep = "、" if lang == "zh" else ", "
        if len(names) <= MAX_LISTED:
            return sep.join(names)
        return t("drafts.more", lang, shown=sep.join(names[:MAX_LISTED]),
                 more=len(names) - MAX_LISTED)

    def message(self, lang: str | None = None) -> str:
        """The note's text in ``lang`` (the page's language by default); ``""`` if none."""
        lang = lang or self._lang()
        parts = []
        if self.found is not None:
            draft = self.found
            changes = self._names(self._changed_keys(draft), lang)
            when = self._when(draft.saved_at)
            parts.append(t("drafts.found", lang, time=when, name=draft.name, changes=changes)
                         if draft.name else
                         t("drafts.found_unnamed", lang, time=when, changes=changes))
            files = draft.payload.get("sources") or {}
            if files:
                parts.append(t("drafts.upload_again", lang,
                               files=", ".join(f"“{f}”" for f in files.values())))
        elif self._said is not None:
            parts.append(self._said[1](lang))
        if self._failure is not None:
            error = self._failure.get(lang) or self._failure["en"]
            parts.append(t("drafts.unavailable", lang, error=error))
        return " ".join(parts)

    def relabel(self, change=None) -> None:
        """Redraw the note and its buttons in the page's language."""
        lang = self._lang()
        text = self.message(lang)
        level = "error" if self._failure is not None and self.found is None else "info"
        self.text.value = (f'<div class="wb-status wb-status--{level}">'
                           f"<p>{html.escape(text)}</p></div>" if text else "")
        self.restore_button.description = t("drafts.restore", lang)
        self.discard_button.description = t("drafts.discard", lang)
        self.buttons.layout.display = "" if self.found is not None else "none"
        self.widget.layout.display = "" if text else "none"
