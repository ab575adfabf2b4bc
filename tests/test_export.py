"""Exports: CSV that spreadsheets open as text, and download links."""

from __future__ import annotations

import base64
import io as stdio
import re

import pandas as pd

from workbench.export import csv_text, download_link, safe_cell


def test_formulas_in_text_cells_become_text_and_numbers_stay_numbers():
    frame = pd.DataFrame({"name": ["=HYPERLINK(\"http://x\")", "+1", "-2", "@SUM(A1)", "fine"],
                          "value": [-1.5, 2, 3, -4, 5]})
    text = csv_text(frame)
    back = pd.read_csv(stdio.StringIO(text))
    assert back["name"].tolist() == ["'=HYPERLINK(\"http://x\")", "'+1", "'-2", "'@SUM(A1)", "fine"]
    assert back["value"].tolist() == [-1.5, 2, 3, -4, 5]
    assert safe_cell(-3) == -3 and safe_cell("\tx") == "'\tx"


def test_download_link_carries_utf8_with_bom_and_escapes_its_name():
    link = download_link("名称\n春节\n", 'a"<b>.csv', "下载 <CSV>")
    data = re.search(r'base64,([^"]+)"', link).group(1)
    assert base64.b64decode(data).decode("utf-8") == "\ufeff名称\n春节\n"
    assert 'download="a&quot;&lt;b&gt;.csv"' in link and "下载 &lt;CSV&gt;" in link
