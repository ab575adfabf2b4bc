"""Loading one's own file through the page header in a real browser (over Voilà's websocket)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

import make_fixtures  # tests/fixtures, on sys.path via tests/conftest.py

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("team_data_cleared")]


def test_upload_a_bad_then_a_good_file(page, server_url, shoot, tmp_path):
    page.goto(server_url + "/voila/render/02_content_mix.ipynb?lang=zh")
    preview = page.locator(".wb-preview-caption")
    expect(preview).to_contain_text("共 1,605 行")
    button = page.locator(".wb-source .widget-upload")

    def upload(path) -> None:
        """Click the upload button and pick ``path`` in the file chooser, as a user does."""
        with page.expect_file_chooser() as chooser:
            button.click()
        chooser.value.set_files(str(path))

    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))

    bad = tmp_path / "<img src=x onerror=alert(1)>名单.csv"
    bad.write_text("颜色,尺码\n红,3\n", encoding="utf-8")
    upload(bad)
    error = page.locator(".wb-status--error")
    expect(error).to_contain_text("缺少必需的列")
    # the file name is shown as text, never as markup
    expect(error).to_contain_text("<img src=x onerror=alert(1)>名单.csv")
    expect(page.locator(".wb-status--error img")).to_have_count(0)
    expect(error).to_contain_text("当前仍使用之前的数据")
    expect(preview).to_contain_text("共 1,605 行")  # the sample is still in use
    shoot(page, "upload_error_zh")

    # a WeChat 已通知内容 export: title row above the header, 10万+, 3.2%, 2024年3月5日
    good = make_fixtures.notified_articles_xlsx(tmp_path)
    upload(good)
    expect(page.locator(".wb-status--info").first).to_contain_text("已读取 已通知内容.xlsx")
    expect(preview).to_contain_text("共 3 行")
    table = page.locator(".wb-preview-scroll")
    expect(table).to_contain_text("春季新品发布｜三大亮点一次看懂")
    expect(table).to_contain_text("100000")
    expect(table).to_contain_text("2024-03-05")
    shoot(page, "upload_good_zh")
    page.assert_no_errors()
    assert not dialogs, f"a script ran from user text: {dialogs}"


def test_an_upload_over_tornados_default_message_limit_arrives(page, server_url, tmp_path):
    """Tornado drops websocket messages over 10 MiB without a word; voila.json raises the limit
    so that files up to the stated 50 MB upload limit arrive."""
    from workbench import io

    sample = io.sample("articles")
    big = tmp_path / "articles_big.csv"
    copies = 50
    sample.to_csv(big, index=False)
    with big.open("a", encoding="utf-8") as fh:
        for copy in range(1, copies):  # each copy its own posts (ids), all kept when merged
            renamed = sample.assign(article_id=sample["article_id"] + f"-{copy}")
            fh.write(renamed.to_csv(index=False, header=False))
    assert big.stat().st_size > 12 * 2**20

    page.goto(server_url + "/voila/render/02_content_mix.ipynb?lang=en")
    expect(page.locator(".wb-preview-caption")).to_contain_text("of 1,605 rows")
    with page.expect_file_chooser() as chooser:
        page.locator(".wb-source .widget-upload").click()
    chooser.value.set_files(str(big))
    rows = f"{len(sample) * copies:,}"
    expect(page.locator(".wb-status--info").first).to_contain_text(
        f"Loaded articles_big.csv: {rows} rows", timeout=120_000)
    expect(page.locator(".wb-preview-caption")).to_contain_text(f"of {rows} rows")
    page.assert_no_errors()
