"""The Data page in a real browser (issue 21's "done when", as far as it is built): a team
uploads its 已通知内容 and 用户增长 exports there, tags its posts by a rule and one by hand, and
pages 02 and 04, opened in a new browser context (another kernel), plan and review from the
team's data, in English and Chinese."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from workbench import io
from workbench.sample import exports

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("team_data_cleared")]


def test_a_weekly_update_on_the_data_page_feeds_pages_02_and_04(page, another_page, server_url,
                                                                 tmp_path, shoot):
    growth = tmp_path / "用户增长.csv"
    growth.write_bytes(exports.user_growth(io.sample("daily_users"), "2026-08-01",
                                           "2026-11-15", encoding="gb18030"))
    posts = tmp_path / "已通知内容.csv"
    posts.write_bytes(exports.notified_articles(io.sample("articles"), "2026-08-01",
                                                "2026-11-15"))
    page.goto(server_url + "/voila/render/05_data.ipynb?lang=en")
    expect(page.locator(".wb-title")).to_have_text("Your team's data")
    expect(page.locator(".widget-html", has_text="Nothing uploaded yet")).to_have_count(1)
    with page.expect_file_chooser() as chooser:
        page.locator(".widget-upload").click()
    chooser.value.set_files([str(growth), str(posts)])
    status = page.locator(".wb-status--info").first
    expect(status).to_contain_text("用户增长.csv: follower growth data for 公众号. 107 rows: "
                                   "107 new", timeout=60_000)
    expect(status).to_contain_text("已通知内容.csv: article data for 公众号.")
    expect(page.locator(".wb-coverage")).to_contain_text("2026-08-01 – 2026-11-15")
    expect(page.locator(".js-plotly-plot .bars")).to_have_count(1)
    untagged = page.locator(".wb-untagged")
    expect(untagged.first).to_be_visible()
    shoot(page, "data_page_en")

    # a rule for the posts the starter rules miss, then one post typed by hand
    before = untagged.count()
    rules = page.locator(".widget-text input[placeholder^='keywords']")
    expect(rules).to_have_count(7)  # the starter rules
    page.locator("button", has_text="Add rule").click()
    expect(rules).to_have_count(8)
    rule = rules.last
    expect(rule).to_have_value("")
    rule.fill("年夜饭|春节")
    rule.press("Tab")  # the box sends its value on input; leaving it makes sure it went
    page.wait_for_timeout(300)
    page.locator("button", has_text="Save rules").click()
    expect(page.locator(".wb-status--info", has_text="8 tagging rules kept")).to_have_count(1)
    first = untagged.first.inner_text()
    row = page.locator(".widget-hbox", has=page.locator(".wb-untagged", has_text=first)).last
    row.locator("select").select_option(label="Story")
    expect(page.locator(".wb-untagged", has_text=first)).to_have_count(0)  # date and title
    assert untagged.count() <= before
    page.assert_no_errors()

    later = another_page
    later.goto(server_url + "/voila/render/02_content_mix.ipynb?lang=zh")
    source = later.locator(".wb-source .wb-status")
    expect(source).to_contain_text("团队数据：文章数据共", timeout=60_000)
    expect(source).to_contain_text("1 篇手动指定")
    expect(later.locator(".wb-status--error")).to_have_count(0)
    expect(later.locator(".js-plotly-plot").first).to_be_visible()
    shoot(later, "data_fed_mix_zh")
    later.goto(server_url + "/voila/render/04_campaign_review.ipynb?lang=en")
    sources = later.locator(".wb-source .wb-status")
    expect(sources.nth(0)).to_contain_text(
        "Your team's data: 107 rows of follower growth data from 1 upload(s), "
        "2026-08-01 – 2026-11-15.", timeout=60_000)
    expect(sources.nth(1)).to_contain_text("Your team's data:")
    expect(later.locator(".wb-kpi-table")).to_be_visible()
    shoot(later, "data_fed_review_en")
    later.assert_no_errors()
