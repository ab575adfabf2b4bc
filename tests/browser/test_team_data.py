"""The team's data in a real browser (issue 21): exports uploaded on one page are kept, and a new
visit (a new browser context, another kernel) opens every page on them, not on the sample."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from workbench import io
from workbench.sample import exports

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("team_data_cleared")]


def test_uploads_are_kept_and_a_new_visit_opens_on_them(page, another_page, server_url, tmp_path,
                                                        shoot):
    growth = tmp_path / "用户增长.csv"
    growth.write_bytes(exports.user_growth(io.sample("daily_users"), "2026-09-01",
                                           "2026-11-15", encoding="gb18030"))
    posts = tmp_path / "已通知内容.csv"
    posts.write_bytes(exports.notified_articles(io.sample("articles"), "2026-09-01",
                                                "2026-11-15"))
    page.goto(server_url + "/voila/render/04_campaign_review.ipynb?lang=en")
    pickers = page.locator(".wb-source")
    expect(pickers).to_have_count(3)
    expect(pickers.nth(0).locator(".wb-status")).to_contain_text("Demo data:")

    def upload(n: int, path) -> None:
        with page.expect_file_chooser() as chooser:
            pickers.nth(n).locator(".widget-upload").click()
        chooser.value.set_files(str(path))

    upload(0, growth)
    expect(pickers.nth(0).locator(".wb-status")).to_contain_text(
        "Kept in your team's data: 76 rows: 76 new, 0 updated, 0 unchanged.", timeout=60_000)
    # the page's other kinds left the demo at once: what to upload, not the sample
    expect(pickers.nth(1).locator(".wb-status")).to_contain_text(
        "Your team's data has no article data yet: upload the 已通知内容 export")
    upload(1, posts)
    expect(pickers.nth(1).locator(".wb-status")).to_contain_text("Kept in your team's data:",
                                                                 timeout=60_000)
    page.assert_no_errors()

    # another visit, another kernel, in Chinese: the team's data, kept
    later = another_page
    later.goto(server_url + "/voila/render/04_campaign_review.ipynb?lang=zh")
    sources = later.locator(".wb-source")
    expect(sources.nth(0).locator(".wb-status")).to_contain_text(
        "团队数据：用户增长数据共 76 行，来自 1 次上传，2026-09-01 至 2026-11-15。",
        timeout=60_000)
    expect(sources.nth(1).locator(".wb-status")).to_contain_text("团队数据：文章数据共")
    expect(sources.nth(2).locator(".wb-status")).to_contain_text("团队数据中还没有活动数据")
    expect(sources.nth(0).locator("select")).to_have_value("团队数据")  # the option's label
    shoot(later, "team_data_review_zh")
    # page 02 plans from the same articles
    later.goto(server_url + "/voila/render/02_content_mix.ipynb?lang=zh")
    expect(later.locator(".wb-source .wb-status")).to_contain_text("团队数据：文章数据共",
                                                                   timeout=60_000)
    later.assert_no_errors()
