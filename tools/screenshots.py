"""Take the README's screenshots from a real browser: ``make screenshots``.

Serves the dashboards (``workbench.serve.running``), opens each page in headless Chromium in
both languages and writes ``docs/screenshots/<page>-<lang>.png``.
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

from workbench.serve import CHROMIUM, CHROMIUM_ARGS, running

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "screenshots"
#: page name → (notebook, selector that shows the page is drawn)
PAGES = {
    "home": ("00_home.ipynb", "a.wb-card >> nth=3", None),
    "personas": ("01_personas.ipynb", ".js-plotly-plot >> nth=4", ".wb-personas"),
    "content-mix": ("02_content_mix.ipynb", ".js-plotly-plot >> nth=1", ".wb-kpis"),
    "content-calendar": ("02_content_mix.ipynb", ".wb-week >> nth=0", ".wb-week"),
    "activity-roi": ("03_activity_roi.ipynb", ".js-plotly-plot >> nth=2", ".wb-kpis"),
    "campaign-review": ("04_campaign_review.ipynb", ".js-plotly-plot >> nth=5", ".wb-summary"),
}


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw, running() as url:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=list(CHROMIUM_ARGS))
        page = browser.new_page(viewport={"width": 1280, "height": 720})
        for name, (notebook, ready, top) in PAGES.items():
            for lang in ("en", "zh"):
                page.goto(f"{url}voila/render/{notebook}?lang={lang}")
                page.locator(ready).wait_for(state="visible", timeout=120_000)
                if top:  # scroll the part worth showing to the top of the picture
                    page.locator(top).first.evaluate(
                        "e => e.scrollIntoView({block: 'start'})")
                    page.wait_for_timeout(500)
                path = OUT / f"{name}-{lang}.png"
                page.screenshot(path=str(path))
                print(path.relative_to(ROOT))
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
