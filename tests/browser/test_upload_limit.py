"""An upload over the stated limit (``io.MAX_UPLOAD_BYTES``) in a real browser: a message beside
the upload button, in the page's language, and the data on screen stays, even for a file larger
than the server's websocket message limit (which would otherwise be dropped without a word).

The big files are sparse (``truncate``): they take no disk space and no time to make, and the
guard reads only their size.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from playwright.sync_api import expect

from workbench import io

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
#: the file name is user text: shown as text, never as markup
EVIL = '<img src=x onerror=alert(1)>"big" & co'


def sparse(path: Path, size: int) -> Path:
    with path.open("wb") as fh:
        fh.truncate(size)
    return path


def websocket_limit() -> int:
    """The server's websocket message limit: voila.json's, raised by the server if it is
    under ``WEBSOCKET_HEADROOM`` × the upload limit."""
    from workbench.serve import WEBSOCKET_HEADROOM

    settings = json.loads((ROOT / "voila.json").read_text())["Voila"]["tornado_settings"]
    return max(int(settings["websocket_max_message_size"]),
               WEBSOCKET_HEADROOM * io.MAX_UPLOAD_BYTES)


def test_an_upload_over_the_limit_is_refused_beside_the_button_and_the_data_stays(
        page, server_url, tmp_path, shoot):
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(server_url + "/voila/render/02_content_mix.ipynb?lang=en")
    preview = page.locator(".wb-preview-caption")
    expect(preview).to_contain_text("of 1,605 rows")
    status = page.locator(".wb-source .wb-status--info")
    expect(status).to_contain_text("Demo data: 1,605 rows")
    button = page.locator(".wb-source .widget-upload")

    def upload(path: Path) -> None:
        with page.expect_file_chooser() as chooser:
            button.click()
        chooser.value.set_files(str(path))

    limit = io.MAX_UPLOAD_BYTES
    over = sparse(tmp_path / f"{EVIL}.csv", limit + 1)
    upload(over)
    message = page.locator(".wb-source .wb-upload-too-large")
    expect(message).to_have_count(1)
    mib = limit // 2**20
    expect(message).to_contain_text(f"{EVIL}.csv is {mib}.1 MB, over the {mib} MB limit.")
    expect(message).to_contain_text("The data shown before is still in use.")
    expect(page.locator(".wb-upload-too-large img")).to_have_count(0)
    # beside the control: right under the row that holds the upload button
    assert page.evaluate("""() => {
        const box = document.querySelector('.wb-upload-too-large');
        return box.previousElementSibling.contains(document.querySelector('.widget-upload'));
    }""")
    # nothing reached the kernel: the sample and its results stay
    expect(preview).to_contain_text("of 1,605 rows")
    expect(status).to_contain_text("Demo data: 1,605 rows")
    shoot(page, "upload_too_large_en")

    # the language toggle says it again in Chinese
    page.locator(".wb-lang .widget-toggle-button", has_text="中文").click()
    expect(message).to_contain_text("超过 50 MB 的上限")
    expect(message).to_contain_text("当前仍使用之前的数据")

    # larger than the websocket message limit: sent, it would close the connection
    huge_size = websocket_limit() + 2**20
    huge = sparse(tmp_path / "huge.csv", huge_size)
    upload(huge)
    expect(message).to_contain_text(f"huge.csv 有 {huge_size // 2**20} MB")
    expect(page.locator(".wb-source .wb-upload-too-large")).to_have_count(1)
    expect(preview).to_contain_text("共 1,605 行")

    # the connection is alive: a file under the limit loads, and the message goes
    good = tmp_path / "articles_small.csv"
    io.sample("articles").head(40).to_csv(good, index=False)
    upload(good)
    expect(page.locator(".wb-source .wb-status--info").first).to_contain_text(
        "已读取 articles_small.csv")
    expect(preview).to_contain_text("共 40 行")
    expect(message).to_have_count(0)
    page.assert_no_errors()
    assert not dialogs, f"a script ran from user text: {dialogs}"
