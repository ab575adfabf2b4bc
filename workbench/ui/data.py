"""The Data page (05): the team's data in one place, kept for every page.

What the team does here each week: upload the week's exports (one control, the kind detected,
the account guessed or chosen), see what the data covers per account and kind (gaps visible),
take an upload out or bring it back, and say which content type the posts are (tagging rules,
and a type chosen by hand for a post no rule knows).

Every number comes from :class:`workbench.workspace.Workspace`; nothing here computes.

>>> page = DataDashboard(lang="en", store=ScenarioStore("sqlite://"))   # doctest: +SKIP
>>> page.add_files([(open("用户增长.csv", "rb").read(), "用户增长.csv")])  # doctest: +SKIP
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import ipywidgets as w
import pandas as pd

from workbench import fmt, identity, schemas
from workbench.charts import data as charts
from workbench.errors import InputError, inline
from workbench.i18n import column_label, kind_name, level, t
from workbench.ui.shell import ACCEPTED_FILES, Header, Page, _esc, status_html
from workbench.ui.slots import ChartSlot

log = logging.getLogger(__name__)

#: how many untagged posts the page lists for tagging by hand at once
UNTAGGED_SHOWN = 20
GUESS = 0  # the account dropdown's "guess from the file"


_when = fmt.when


class DataDashboard(Page):
    """The team's data: uploads, coverage, accounts and content types.

    Parameters
    ----------
    lang : ``"en"`` or ``"zh"``; ``None`` reads ``?lang=`` from the page URL.
    store : the scenario store whose database holds the workspace (``None``: the default).
    """

    def __init__(self, lang: str | None = None, store=None):
        self._store = store
        self.header = Header("page.data.title", lang=lang, subtitle_key="page.data.purpose")
        self.sections = {key: w.HTML() for key in ("upload", "coverage", "uploads", "tags",
                                                   "untagged")}
        # upload
        self.upload = w.FileUpload(accept=ACCEPTED_FILES, multiple=True,
                                   layout=w.Layout(width="auto"))
        self.account = w.Dropdown(layout=w.Layout(width="320px"),
                                  style={"description_width": "initial"})
        self.upload_status = w.HTML()
        # a file refused for a missing column or unknown levels: the mapping offered
        self.mapping_box = w.VBox()
        self.mapping_apply = w.Button(icon="check", button_style="primary")
        self.mapping_panel = w.VBox([self.mapping_box, self.mapping_apply],
                                    layout=w.Layout(display="none"))
        self._pending: list[tuple[bytes, str, object]] = []
        # kept uploads that held unknown levels (the last files added, and the one selected):
        # the mapping offered, and the files read again with it
        self._just_kept: list = []
        self._reread: list[int] = []
        self._choices: list[tuple[str, str, str, w.Dropdown]] = []
        self.new_name = w.Text(layout=w.Layout(width="200px"))
        self.new_platform = w.Dropdown(layout=w.Layout(width="150px"))
        self.new_type = w.Dropdown(layout=w.Layout(width="150px"))
        self.add_account_button = w.Button(icon="plus")
        # coverage
        self.coverage = ChartSlot(1040)
        self.summary = w.HTML()
        # uploads
        self.upload_list = w.Select(rows=8, layout=w.Layout(width="100%"))
        self.remove_button = w.Button(icon="trash")
        self.restore_button = w.Button(icon="undo")
        self.upload_notes = w.HTML()
        # content types
        self.rule_rows: list[tuple[w.Text, w.Dropdown, w.Checkbox, w.Button, w.HBox]] = []
        self.rules_box = w.VBox()
        self.add_rule_button = w.Button(icon="plus")
        self.save_rules_button = w.Button(icon="save", button_style="primary")
        self.rules_status = w.HTML()
        self.untagged_box = w.VBox()
        self.untagged_status = w.HTML()

        self.widget = w.VBox([
            self.header.widget,
            self.sections["upload"],
            w.HBox([self.account, self.upload],
                   layout=w.Layout(align_items="center", grid_gap="12px")),
            w.HBox([self.new_name, self.new_platform, self.new_type, self.add_account_button],
                   layout=w.Layout(align_items="center", grid_gap="8px")),
            self.upload_status, self.mapping_panel,
            self.sections["coverage"], self.coverage.box, self.summary,
            self.sections["uploads"], self.upload_list,
            w.HBox([self.remove_button, self.restore_button]), self.upload_notes,
            self.sections["tags"], self.rules_box,
            w.HBox([self.add_rule_button, self.save_rules_button]), self.rules_status,
            self.sections["untagged"], self.untagged_status, self.untagged_box,
        ])
        self.widget.add_class("wb-page")

        self.upload.observe(self._on_upload, names="value")
        self.add_account_button.on_click(lambda _: self.add_account())
        self.mapping_apply.on_click(lambda _: self.apply_mapping())
        self.upload_list.observe(lambda _: self._show_upload(), names="value")
        self.remove_button.on_click(lambda _: self.remove_selected())
        self.restore_button.on_click(lambda _: self.restore_selected())
        self.add_rule_button.on_click(lambda _: self._add_rule_row("", "news", False))
        self.save_rules_button.on_click(lambda _: self.save_rules())
        self.header.model.observe(lambda _: self._relabel(), names="lang")
        self._failure: BaseException | None = None
        self._relabel()
        self._load_rules()

    # -- reading the workspace -------------------------------------------------------------
    def refresh(self) -> None:
        """Read the workspace again and redraw everything (after any change)."""
        lang = self.lang
        try:
            accounts = self.workspace.accounts()
            uploads = self.workspace.uploads()
        except Exception as err:  # a failing store is said on the page, never only logged
            log.exception("reading the workspace failed")
            self._failure = err
            self.upload_status.value = status_html(
                [t("data.read_failed", lang, error=inline(err, lang))], "error")
            return
        self._failure = None
        self._accounts, self._uploads = accounts, uploads
        keep = self.account.value
        self.account.options = [(t("data.account_guess", lang), GUESS),
                                *((a.label(lang), a.id) for a in accounts)]
        self.account.value = keep if keep in [v for _, v in self.account.options] else GUESS
        active = [u for u in uploads if not u.removed]
        from workbench.workspace import coverage

        self.coverage.draw(charts.coverage_strip, coverage.spans(active), lang)
        self.summary.value = self._summary_html(coverage.summary(active),
                                                coverage.gaps(coverage.spans(active)))
        selected = self.upload_list.value
        self.upload_list.options = [(self._upload_label(u), u.id) for u in reversed(uploads)]
        ids = [u.id for u in uploads]
        self.upload_list.value = selected if selected in ids else (ids[-1] if ids else None)
        self._show_upload()
        self._show_untagged()
        self._show_unreadable({u.kind for u in active})

    def _show_unreadable(self, kinds: set[str]) -> None:
        """Name the stored uploads that can no longer be read (their history loads without
        them), with the offer to remove them."""
        lang = self.lang
        try:
            for kind in kinds:
                self.workspace.frame(kind)  # reading a history finds what cannot be read
            broken = [u.upload for u in self.workspace.unreadable() if not u.upload.removed]
        except Exception:
            log.exception("checking the stored uploads failed")
            return
        if broken:
            said = [t("data.unreadable", lang, name=u.file_name, at=_when(u.created_at))
                    for u in broken]
            self.upload_status.value += status_html(said, "error")
            self.upload_list.value = broken[0].id

    def _summary_html(self, summary: pd.DataFrame, gaps: pd.DataFrame) -> str:
        lang = self.lang
        if summary.empty:
            return f'<p class="wb-note">{_esc(t("data.nothing_yet", lang))}</p>'
        head = "".join(f"<th>{_esc(t(f'data.col.{c}', lang))}</th>"
                       for c in ("account", "kind", "uploads", "rows", "dates", "last", "by"))
        rows = []
        for r in summary.to_dict("records"):
            dates = f"{r['first']} – {r['last']}" if r["first"] else "–"
            rows.append(f"<tr><td>{_esc(r['account'])}</td><td>{_esc(kind_name(r['kind'], lang))}"
                        f"</td><td>{r['uploads']}</td><td>{int(r['rows_read']):,}</td>"
                        f"<td>{_esc(dates)}</td><td>{_esc(_when(r['last_upload']))}</td>"
                        f"<td>{_esc(r['by'])}</td></tr>")
        notes = [t("data.gap", lang, account=g["account"], kind=kind_name(g["kind"], lang),
                   start=g["start"].strftime("%Y-%m-%d"), end=g["end"].strftime("%Y-%m-%d"),
                   days=g["days"]) for g in gaps.to_dict("records")]
        gap_html = "".join(f'<p class="wb-note">{_esc(n)}</p>' for n in notes)
        return (f'<table class="wb-table wb-coverage"><thead><tr>{head}</tr></thead>'
                f'<tbody>{"".join(rows)}</tbody></table>{gap_html}')

    def _upload_label(self, upload) -> str:
        lang = self.lang
        state = t("data.removed", lang) if upload.removed else ""
        dates = f" · {upload.first_date} – {upload.last_date}" if upload.first_date else ""
        return (f"{state}{_when(upload.created_at)} · {upload.file_name} · "
                f"{kind_name(upload.kind, lang)} · {upload.account.name}{dates} · "
                f"{upload.rows:,} · {upload.author}")

    def _selected(self):
        return next((u for u in getattr(self, "_uploads", []) if u.id == self.upload_list.value),
                    None)

    def _show_upload(self) -> None:
        lang, upload = self.lang, self._selected()
        admin = identity.may_manage(identity.roles())   # on a team's hub: admins only
        self.remove_button.disabled = upload is None or upload.removed or not admin
        self.restore_button.disabled = upload is None or not upload.removed or not admin
        self.add_account_button.disabled = not admin
        why = "" if admin else t("data.admin_only", lang)
        for button in (self.remove_button, self.restore_button, self.add_account_button):
            button.tooltip = why
        if upload is None:
            self.upload_notes.value = ""
            return
        said = upload.report.messages(lang)
        if upload.removed:
            said.insert(0, t("data.removed_by", lang, by=upload.removed_by or "",
                             at=_when(upload.removed_at)))
        self.upload_notes.value = status_html(said, "info")
        self._offer_mapping()

    # -- actions ---------------------------------------------------------------------------
    def add_files(self, files: Sequence[tuple[bytes, str]], said: Sequence[str] = ()) -> list:
        """Keep each ``(content, name)`` in the workspace (the account the dropdown says, else
        guessed); say what each did (after ``said``). Returns the uploads kept."""
        from workbench import io

        lang, kept, said, level_ = self.lang, [], list(said), "info"
        account = self.account.value or None
        self._pending = []
        for content, name in files:
            try:
                upload = self.workspace.add(bytes(content), name=name, account=account)
            except (io.DataError, InputError) as err:
                said.append(err.message(lang))
                level_ = "error"
                if getattr(err, "missing", None) or getattr(err, "unknown", None):
                    self._pending.append((bytes(content), name, err))
                continue
            except Exception as err:  # the store failed: said, and the next file tried
                log.exception("keeping %r failed", name)
                said.append(t("error.unreadable", lang, name=name, error=inline(err, lang)))
                level_ = "error"
                continue
            kept.append(upload)
            said.append(t("data.kept", lang, name=name, kind=kind_name(upload.kind, lang),
                          account=upload.account.name, summary=upload.report.summary(lang)))
        self._just_kept = kept
        if kept:   # the list shows the newest: its notes, and its unknown levels' mapping
            self.upload_list.value = None
        self.refresh()
        self.upload_status.value = status_html(said, level_)
        self._offer_mapping()
        return kept

    # -- the team's own names ----------------------------------------------------------------
    def _offer_mapping(self) -> None:
        """For the files refused for a missing column or unknown levels, and the kept ones that
        held unknown levels: a choice per column or value, and a button that keeps the choices
        and reads the files again."""
        lang, rows, self._choices = self.lang, [], []
        for _, name, err in self._pending:
            if err.missing:
                for column in err.missing:
                    col = schemas.schema(err.kind)[column]
                    choice = w.Dropdown(options=[(h, h) for h in err.headers],
                                        layout=w.Layout(width="240px"))
                    self._choices.append(("column", err.kind, column, choice))
                    rows.append(self._mapping_row(t("data.map_column", lang, name=name,
                                                    column=col.zh if lang == "zh" else column),
                                                  choice))
            for value, cells in list(err.unknown.items())[:12]:
                column = err.level_column
                levels = schemas.schema(err.kind or _kind_of(column))[column].levels
                choice = w.Dropdown(options=[(t("data.map_blank", lang), "")]
                                    + [(level(column, c, lang), c) for c in levels],
                                    layout=w.Layout(width="240px"))
                self._choices.append(("level", column, value, choice))
                rows.append(self._mapping_row(t(
                    "data.map_level", lang, name=name, value=value, cells=f"{cells:,}",
                    column=column_label(err.kind or _kind_of(column), column, lang)), choice))
        self._reread = []
        for upload in self._partial():
            self._reread.append(upload.id)
            for column, values in upload.report.unknown_levels.items():
                levels = schemas.schema(upload.kind)[column].levels
                for value, cells in list(values.items())[:12]:
                    choice = w.Dropdown(options=[(t("data.map_blank", lang), "")]
                                        + [(level(column, c, lang), c) for c in levels],
                                        layout=w.Layout(width="240px"))
                    self._choices.append(("level", column, value, choice))
                    rows.append(self._mapping_row(
                        t("data.map_level", lang, name=upload.file_name, value=value,
                          cells=f"{cells:,}", column=column_label(upload.kind, column, lang)),
                        choice))
        self.mapping_box.children = rows
        self.mapping_apply.description = t("data.map_apply", lang)
        self.mapping_panel.layout.display = "" if rows else "none"

    def _partial(self) -> list:
        """The kept uploads, still in use, whose files held levels the loader did not know:
        the ones just added, and the one selected in the list."""
        found = {u.id: u for u in self._just_kept}
        selected = self._selected()
        if selected is not None:
            found[selected.id] = selected
        active = {u.id for u in getattr(self, "_uploads", []) if not u.removed}
        return [u for i, u in found.items() if i in active and u.report.unknown_levels]

    @staticmethod
    def _mapping_row(label: str, choice: w.Dropdown) -> w.HBox:
        return w.HBox([w.HTML(f'<span class="wb-map-label">{_esc(label)}</span>',
                              layout=w.Layout(width="560px")), choice],
                      layout=w.Layout(align_items="center"))

    def apply_mapping(self) -> list:
        """Keep the choices as the team's names (for the chosen account, else every account)
        and read the refused files again. Returns the uploads kept."""
        from workbench import io

        columns: dict[str, dict[str, str]] = {}
        levels: dict[str, dict[str, str]] = {}
        for what, key, target, choice in self._choices:
            if what == "column":
                columns.setdefault(key, {})[choice.value] = target
            else:
                levels.setdefault(key, {})[target] = choice.value
        lang = self.lang
        self.workspace.set_mapping(io.Mapping(columns, levels),
                                   account=self.account.value or None)
        said, again = [], []
        for upload_id in self._reread:
            try:
                upload = self.workspace.reread(upload_id)
            except (io.DataError, InputError) as err:
                said.append(err.message(lang))
                continue
            again.append(upload)
            said.append(t("data.reread", lang, name=upload.file_name,
                          summary=upload.report.summary(lang)))
        files = [(content, name) for content, name, _ in self._pending]
        if again:  # the list shows the new reading
            self.upload_list.value = None
        kept = self.add_files(files, said)
        self._just_kept = [u for u in again + kept if u.report.unknown_levels]
        self._offer_mapping()
        return again + kept

    def _on_upload(self, change) -> None:
        files = change.new
        if not files:
            return
        try:
            self.add_files([(f["content"], f["name"]) for f in files])
        finally:
            self.upload.value = ()

    def add_account(self) -> None:
        lang = self.lang
        try:
            made = self.workspace.add_account(self.new_name.value, self.new_platform.value,
                                              self.new_type.value)
        except (ValueError, InputError) as err:
            self.upload_status.value = status_html([inline(err, lang)], "error")
            return
        self.new_name.value = ""
        self.refresh()
        self.account.value = made.id
        self.upload_status.value = status_html([t("data.account_added", lang,
                                                  name=made.label(lang))], "info")

    def remove_selected(self) -> None:
        upload = self._selected()
        if upload is None:
            return
        try:
            self.workspace.remove(upload.id)
        except InputError as err:
            self.upload_status.value = status_html([inline(err, self.lang)], "error")
            return
        self.refresh()
        self.upload_status.value = status_html(
            [t("data.removed_note", self.lang, name=upload.file_name)], "info")

    def restore_selected(self) -> None:
        upload = self._selected()
        if upload is None:
            return
        try:
            self.workspace.restore(upload.id)
        except InputError as err:
            self.upload_status.value = status_html([inline(err, self.lang)], "error")
            return
        self.refresh()
        self.upload_status.value = status_html(
            [t("data.restored_note", self.lang, name=upload.file_name)], "info")

    # -- content types ---------------------------------------------------------------------
    def _type_options(self) -> list[tuple[str, str]]:
        return [(level("content_type", c, self.lang), c) for c in schemas.CONTENT_TYPES]

    def _load_rules(self) -> None:
        try:
            rules = self.workspace.tag_rules()
        except Exception as err:
            log.exception("reading the tagging rules failed")
            self.rules_status.value = status_html(
                [t("data.read_failed", self.lang, error=inline(err, self.lang))], "error")
            rules = []
        self.rule_rows = []
        for rule in rules:
            self._add_rule_row(rule.pattern, rule.content_type, rule.regex, redraw=False)
        self.rules_box.children = [row[-1] for row in self.rule_rows]
        self.refresh()

    def _add_rule_row(self, pattern: str, content_type: str, regex: bool, *,
                      redraw: bool = True) -> None:
        text = w.Text(value=pattern, placeholder=t("data.rule_placeholder", self.lang),
                      layout=w.Layout(width="420px"))
        kind = w.Dropdown(options=self._type_options(), value=content_type,
                          layout=w.Layout(width="160px"))
        is_regex = w.Checkbox(value=regex, indent=False, layout=w.Layout(width="auto"),
                              description=t("data.rule_regex", self.lang))
        drop = w.Button(icon="times", layout=w.Layout(width="40px"),
                        tooltip=t("data.rule_delete", self.lang))
        box = w.HBox([text, kind, is_regex, drop],
                     layout=w.Layout(align_items="center", grid_gap="8px"))
        row = (text, kind, is_regex, drop, box)
        drop.on_click(lambda _: self._drop_rule_row(row))
        self.rule_rows.append(row)
        if redraw:
            self.rules_box.children = [r[-1] for r in self.rule_rows]

    def _drop_rule_row(self, row) -> None:
        self.rule_rows = [r for r in self.rule_rows if r is not row]
        self.rules_box.children = [r[-1] for r in self.rule_rows]

    def save_rules(self) -> bool:
        """Keep the rules on screen as the team's (empty keyword rows are left out)."""
        from workbench.workspace import TagRule

        lang = self.lang
        rules = [TagRule(text.value.strip(), kind.value, is_regex.value)
                 for text, kind, is_regex, _, _ in self.rule_rows if text.value.strip()]
        try:
            self.workspace.set_tag_rules(rules)
        except (ValueError, InputError) as err:
            self.rules_status.value = status_html([inline(err, lang)], "error")
            return False
        self.rules_status.value = status_html([t("data.rules_saved", lang, n=len(rules))], "info")
        self.refresh()
        return True

    def _show_untagged(self) -> None:
        lang = self.lang
        try:
            articles = self.workspace.frame("articles")
        except Exception as err:
            log.exception("reading the articles failed")
            self.untagged_status.value = status_html(
                [t("data.read_failed", lang, error=inline(err, lang))], "error")
            return
        counts = articles.attrs.get("tagging")
        untagged = articles[articles["content_type"].isna()]
        if counts is None or articles.empty:
            self.untagged_status.value = status_html([t("data.no_articles", lang)], "info")
            self.untagged_box.children = []
            return
        self.untagged_status.value = status_html([t(
            "status.tagged", lang, from_file=f"{counts.from_file:,}",
            by_rule=f"{counts.by_rule:,}", corrected=f"{counts.corrected:,}",
            untagged=f"{counts.untagged:,}")], "info")
        suggested = self._suggestions(articles)
        rows = []
        for title, when in zip(untagged["title"].head(UNTAGGED_SHOWN),
                               untagged["publish_time"].head(UNTAGGED_SHOWN)):
            label = w.HTML(f'<span class="wb-untagged">{_esc(when.strftime("%Y-%m-%d"))} · '
                           f"{_esc(title)}</span>", layout=w.Layout(width="520px"))
            choice = w.Dropdown(options=[(t("data.choose_type", lang), "")]
                                + self._type_options(), value="",
                                layout=w.Layout(width="160px"))
            choice.observe(lambda change, title=title, when=when:
                           self.tag(title, when, change.new), names="value")
            parts = [label, choice]
            hint = suggested.get((title, pd.Timestamp(when)))
            if hint is not None:
                accept = w.Button(icon="check", layout=w.Layout(width="auto"),
                                  description=t("data.accept", lang,
                                                type=level("content_type", hint[0], lang),
                                                confidence=f"{hint[1]:.0%}"),
                                  tooltip=t("data.accept_help", lang))
                accept.add_class("wb-suggestion")
                accept.on_click(lambda _, title=title, when=when, kind=hint[0]:
                                self.tag(title, when, kind))
                parts.append(accept)
            rows.append(w.HBox(parts, layout=w.Layout(align_items="center", grid_gap="8px")))
        self.untagged_box.children = rows

    _suggested: tuple = (None, {})

    def _suggestions(self, articles: pd.DataFrame) -> dict:
        """``{(title, publish time): (type, confidence)}`` for the untyped posts, learned again
        only when the posts or their types changed (not on every redraw of the page)."""
        key = (tuple(articles["content_type"].astype(str)), tuple(articles["title"].astype(str)))
        if self._suggested[0] == key:
            return self._suggested[1]
        try:
            from workbench.workspace.suggest import suggest

            found = {(s.title, pd.Timestamp(s.publish_time)): (s.suggestion, s.confidence)
                     for s in suggest(articles).itertuples()}
        except Exception:  # suggestions are a help: the list stands without them
            log.exception("content-type suggestions failed")
            return {}
        self._suggested = (key, found)
        return found

    def tag(self, title: str, publish_time, content_type: str) -> None:
        """Give one post its content type by hand (kept; it wins over files and rules)."""
        if not content_type:
            return
        self.workspace.tag(title, publish_time, content_type)
        self.refresh()

    # -- language --------------------------------------------------------------------------
    def _relabel(self) -> None:
        lang = self.lang
        for key, box in self.sections.items():
            box.value = (f'<h3 class="wb-section">{_esc(t(f"data.section.{key}", lang))}</h3>'
                         f'<p class="wb-note">{_esc(t(f"data.section.{key}.help", lang))}</p>')
        self.upload.description = t("data.upload", lang)
        self.account.description = t("data.account", lang)
        self.new_name.placeholder = t("data.new_account", lang)
        for box, options in (
                (self.new_platform, [(level("platform", p, lang), p) for p in schemas.PLATFORMS]),
                (self.new_type, [(t(f"data.type.{a}", lang), a) for a in schemas.ACCOUNT_TYPES])):
            value = box.value
            box.options = options
            box.value = value if value is not None else options[0][1]
        self.add_account_button.description = t("data.add_account", lang)
        self.remove_button.description = t("data.remove", lang)
        self.restore_button.description = t("data.restore", lang)
        self.add_rule_button.description = t("data.rule_add", lang)
        self.save_rules_button.description = t("data.rules_save", lang)
        for text, kind, is_regex, drop, _ in self.rule_rows:
            value = kind.value
            kind.options = self._type_options()
            kind.value = value
            is_regex.description = t("data.rule_regex", lang)
            text.placeholder = t("data.rule_placeholder", lang)
        if self._failure is None and hasattr(self, "_uploads"):
            self.refresh()


def _kind_of(column: str) -> str:
    """The kind whose schema has the level column ``column``."""
    return next(k for k in schemas.KINDS if column in schemas.schema(k).names)


__all__ = ["DataDashboard"]
