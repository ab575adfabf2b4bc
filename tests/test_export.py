"""Exports: CSV that spreadsheets open as text, and download links."""

from __future__ import annotations

import base64
import csv
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


INJECTIONS = ["F1\r=cmd|' /C calc'!A0", "'\r=1+1", "a\n+1", "b\r\n@SUM(A1)", "c\r\n\r\n-2",
              "\r=HYPERLINK(\"http://x\")", "plain"]


def naive_lines(text: str) -> list[str]:
    """How a reader that breaks lines on any CR or LF (and ignores quotes) sees the file."""
    return re.split(r"\r\n|\r|\n", text)


def assert_no_line_starts_a_formula(text: str) -> None:
    for line in naive_lines(text):
        for cell in line.split(","):
            assert cell.lstrip('"')[:1] not in ("=", "+", "-", "@", "\t"), (line, text)


def test_line_breaks_cannot_smuggle_a_formula_past_the_export():
    """A bare CR inside a value started a new line for readers that break on CR, and that line
    was a live formula (issue 19, item 3): every line of a value is neutralised, and a value
    holding a line break is quoted, in every text-like column."""
    frame = pd.DataFrame({
        "follower_id": INJECTIONS,
        "title": pd.array(INJECTIONS, dtype="string"),
        "persona": pd.Categorical(INJECTIONS),
        "reads": range(len(INJECTIONS)),
    })
    text = csv_text(frame)
    assert_no_line_starts_a_formula(text)
    back = list(csv.reader(stdio.StringIO(text, newline="")))
    assert len(back) == len(INJECTIONS) + 1  # every value is one field of one row
    for row, value in zip(back[1:], INJECTIONS):
        assert row[0] == row[1] == row[2] == safe_cell(value)
        assert row[0].replace("'", "").replace("\r", "").replace("\n", "") == \
            value.replace("'", "").replace("\r", "").replace("\n", "")  # nothing else changed
    assert safe_cell("F1\r=cmd|' /C calc'!A0") == "F1\r'=cmd|' /C calc'!A0"
    assert safe_cell("'\r=1+1") == "'\r'=1+1"
    assert '"F1\r\'=cmd|\' /C calc\'!A0"' in text  # quoted: a CR is part of the value


def test_a_header_holding_a_formula_is_neutralised_too():
    text = csv_text(pd.DataFrame({"=1+1": [1]}))
    assert text.splitlines()[0] == "'=1+1"
