"""The home page (what the workbench is for, links to the four dashboards) and the placeholder
shown by dashboards that are not built yet.

Example
-------
>>> home = HomeDashboard(lang="zh")
>>> home.header.model.lang = "en"        # what the language toggle does; every label follows
"""

from __future__ import annotations

import ipywidgets as w

from workbench.i18n import PAGES, t
from workbench.ui.shell import Header, Page, _esc, page_href

#: The dashboards in the order of the planning loop.
DASHBOARDS: tuple[str, ...] = ("personas", "content_mix", "activity_roi", "campaign_review")
#: The data each dashboard reads (one picker each).
DATA_KINDS: dict[str, tuple[str, ...]] = {
    "personas": ("followers",),
    "content_mix": ("articles",),
    "activity_roi": ("activities",),
    "campaign_review": ("daily_users", "articles", "activities"),
}



def dashboard_cards_html(lang: str) -> str:
    """The four dashboard cards (each a link that keeps the language), as HTML."""
    cards = []
    for n, page in enumerate(DASHBOARDS, start=1):
        cards.append(
            f'<a class="wb-card" data-page="{page}" href="{page_href(page, lang)}">'
            f'<span class="wb-card-step">{_esc(t("home.step", lang, n=n))}</span>'
            f'<span class="wb-card-title">{_esc(t(f"page.{page}.title", lang))}</span>'
            f'<span class="wb-card-purpose">{_esc(t(f"page.{page}.purpose", lang))}</span>'
            f'<span class="wb-card-open">{_esc(t("home.open", lang))} →</span>'
            f"</a>"
        )
    return f'<nav class="wb-cards">{"".join(cards)}</nav>'


def data_link_html(lang: str) -> str:
    """The link to the Data page, where the team keeps the exports every dashboard reads."""
    return (f'<a class="wb-data-link" data-page="data" href="{page_href("data", lang)}">'
            f'<span class="wb-card-title">{_esc(t("page.data.title", lang))}</span> '
            f'<span class="wb-card-purpose">{_esc(t("home.data", lang))}</span>'
            f'<span class="wb-card-open">{_esc(t("home.open", lang))} →</span></a>')


class HomeDashboard(Page):
    """The start page: what the loop is, and a card for each dashboard.

    Parameters
    ----------
    lang : ``"en"`` or ``"zh"``; ``None`` reads ``?lang=`` from the page URL.
    """

    def __init__(self, lang: str | None = None):
        self.header = Header("home.title", lang=lang, subtitle_key="home.subtitle",
                             home_link=False)
        self.intro = w.HTML()
        self.cards = w.HTML()
        self.widget = w.VBox([self.header.widget, self.intro, self.cards])
        self.widget.add_class("wb-page")
        self.header.model.observe(self._relabel, names="lang")
        self._relabel()

    def _relabel(self, change=None) -> None:
        lang = self.lang
        self.intro.value = f'<p class="wb-intro">{_esc(t("home.intro", lang))}</p>'
        self.cards.value = dashboard_cards_html(lang) + data_link_html(lang)


__all__ = ["DASHBOARDS", "DATA_KINDS", "PAGES", "HomeDashboard", "dashboard_cards_html",
           "data_link_html"]
