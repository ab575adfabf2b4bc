"""Every upload is read within a budget a kernel can hold, or refused at once (issue 19, item 1).

The budget (``io.MAX_UNPACKED_BYTES``, ``MAX_ROWS``, ``MAX_COLUMNS``, ``MAX_SHEET_CELLS``,
``MAX_SHARED_STRINGS_BYTES``) is checked before the memory is taken. The five small files an
outside probe found (each under the 50 MB upload limit; before, each took minutes or gigabytes)
are loaded in a subprocess under an address-space limit of 1.5 GB and a time limit, as a kernel
on a shared team server would be; so is the largest upload the budget allows, which must load.
The limits' messages are checked in-process with the limits made small.
"""

from __future__ import annotations

import io as stdio
import json
import subprocess
import sys
import zipfile

import pytest
from openpyxl import Workbook

import hostile  # tests/fixtures, put on sys.path by tests/conftest.py
from workbench import io

ADDRESS_SPACE = int(1.5 * 2**30)
#: Far above what a refusal takes (under 3 s here); before the fix the cases ran for minutes.
TIME_LIMIT_S = 120

_CHILD = """
import json, resource, sys, time
limit = int(sys.argv[2])
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
from workbench import io
data = open(sys.argv[1], "rb").read()
start = time.perf_counter()
try:
    frame = io.load(data, name=sys.argv[3])
    out = {"outcome": "loaded", "rows": len(frame)}
except io.DataError as err:
    out = {"outcome": "refused", "en": err.message("en"), "zh": err.message("zh")}
except MemoryError:
    out = {"outcome": "MemoryError"}
except Exception as err:
    out = {"outcome": type(err).__name__, "text": str(err)[:500]}
out["seconds"] = time.perf_counter() - start
print(json.dumps(out))
"""


def load_in_a_small_kernel(data: bytes, name: str, tmp_path) -> dict:
    path = tmp_path / "upload.bin"
    path.write_bytes(data)
    try:
        done = subprocess.run([sys.executable, "-c", _CHILD, str(path), str(ADDRESS_SPACE), name],
                              capture_output=True, text=True, timeout=TIME_LIMIT_S)
    except subprocess.TimeoutExpired:
        pytest.fail(f"{name}: still reading after {TIME_LIMIT_S} s")
    lines = done.stdout.strip().splitlines()
    assert lines, f"{name}: the reader died (exit {done.returncode}): {done.stderr[-2000:]}"
    return json.loads(lines[-1])


HOSTILE = {
    # name: (builder, upload name, what the refusal must say, in English and in Chinese)
    "a_row_of_a_million_commas": (hostile.million_commas, "用户增长.csv",
                                  "at most 1,000 columns", "最多读取 1,000 列"),
    "html_cells_spanning_1000_by_1000": (hostile.html_spans, "用户增长.xls",
                                         "at most 1,000 columns", "最多读取 1,000 列"),
    "xlsx_values_in_column_xfd": (hostile.xlsx_far_column, "用户增长.xlsx",
                                  "a value in column XFD (the 16,384th)", "XFD 列（第 16,384 列）"),
    "xlsx_of_3_gb_of_shared_strings": (hostile.xlsx_shared_strings, "用户增长.xlsx",
                                       "unpacks to more than 256 MB", "解压后超过 256 MB"),
    "zip_of_1000_mb_of_valid_rows": (hostile.zip_of_rows, "用户增长.zip",
                                     "unpacks to more than 256 MB", "解压后超过 256 MB"),
}


@pytest.mark.parametrize("case", HOSTILE)
def test_small_upload_that_would_take_gigabytes_is_refused_at_once(case, tmp_path):
    build, name, en, zh = HOSTILE[case]
    data = build()
    assert len(data) <= io.MAX_UPLOAD_BYTES  # an upload the page takes
    got = load_in_a_small_kernel(data, name, tmp_path)
    assert got["outcome"] == "refused", got
    assert en in got["en"] and zh in got["zh"], got
    assert "Fix:" in got["en"] and "解决办法" in got["zh"]


@pytest.mark.slow
def test_the_largest_upload_the_budget_allows_loads_in_a_small_kernel(tmp_path):
    """Two million followers (220 MB of CSV, 43 MB zipped): at the row limit, under the
    unpacked and the upload limits, read whole within the address-space limit."""
    table = hostile.followers_csv(io.MAX_ROWS)
    assert len(table) <= io.MAX_UNPACKED_BYTES
    packed = stdio.BytesIO()
    with zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("粉丝.csv", table)
    del table
    assert len(packed.getvalue()) <= io.MAX_UPLOAD_BYTES
    got = load_in_a_small_kernel(packed.getvalue(), "粉丝.zip", tmp_path)
    assert got == {"outcome": "loaded", "rows": io.MAX_ROWS, "seconds": got["seconds"]}


# --------------------------------------------------------------------------------------------
# Each limit, made small, in-process
# --------------------------------------------------------------------------------------------
USERS = "date,new_follows,unfollows\n"


def users_rows(n: int) -> str:
    return "".join(f"2024-{1 + i // 28 % 12:02d}-{1 + i % 28:02d},{i},1\n" for i in range(n))


def refusal(data: bytes, name: str) -> io.DataError:
    with pytest.raises(io.DataError) as caught:
        io.load(data, name=name)
    return caught.value


def test_rows_over_the_limit_are_refused_in_every_format(monkeypatch):
    monkeypatch.setattr(io.limits, "MAX_ROWS", 50)
    assert len(io.load((USERS + users_rows(50)).encode(), name="u.csv")) == 50
    err = refusal((USERS + users_rows(51)).encode(), "u.csv")
    assert "more than 50 rows" in err.message("en") and "超过 50 行" in err.message("zh")
    wb = Workbook()
    wb.active.append(["date", "new_follows", "unfollows"])
    for i in range(60):
        wb.active.append([f"2024-03-{1 + i % 28:02d}", i, 1])
    buf = stdio.BytesIO()
    wb.save(buf)
    assert "more than 50 rows" in refusal(buf.getvalue(), "u.xlsx").message("en")
    page = "<table><tr><th>date</th><th>new_follows</th><th>unfollows</th></tr>" + \
        "<tr><td>2024-03-01</td><td>1</td><td>1</td></tr>" * 60 + "</table>"
    assert "cells" in refusal(page.encode(), "u.xls").message("en")


def test_a_row_wider_than_the_limit_is_refused_wherever_it_is(monkeypatch):
    monkeypatch.setattr(io.limits, "MAX_COLUMNS", 12)
    fine = USERS + "2024-03-01,1,1" + "," * 9 + "\n"  # 12 fields: trailing empty ones are fine
    assert len(io.load(fine.encode(), name="u.csv")) == 1
    far = USERS + users_rows(20_000) + "2024-03-01,1,1" + "," * 10 + "\n"  # 13 fields, past
    assert len(far.encode()) > io._SAMPLE_BYTES  # the sniffing sample
    err = refusal(far.encode(), "u.csv")
    assert err.row == 20_002 and "13 fields" in err.message("en")
    wide_header = ",".join(["date", "new_follows", "unfollows"] + [f"c{i}" for i in range(10)])
    assert refusal(f"{wide_header}\n".encode(), "u.csv").row == 1
    err = refusal(hostile.xlsx_wide_rows(3, 13), "u.xlsx")
    assert "a value in column M (the 13th)" in err.message("en") and "M 列" in err.message("zh")
    err = refusal(hostile.million_commas(), "u.csv")  # the sample ends inside the row
    assert err.row == 2 and "at least 262," in err.message("en") and "至少" in err.message("zh")


def test_a_first_data_row_longer_than_the_sample_is_measured_whole(monkeypatch):
    """pandas takes the number of fields from the first data row; one longer than the sniffing
    sample must still be measured (here: a long value, then too many fields)."""
    monkeypatch.setattr(io.limits, "MAX_COLUMNS", 12)
    row = "2024-03-01,1,1," + "x" * (io._SAMPLE_BYTES + 10) + ",1" * 12 + "\n"
    err = refusal((USERS + row + users_rows(3)).encode(), "u.csv")
    assert err.row == 2 and "16 fields" in err.message("en")


def test_sheet_cells_over_the_limit_are_refused(monkeypatch):
    monkeypatch.setattr(io.limits, "MAX_SHEET_CELLS", 1_000)
    assert len(io.load(hostile.xlsx_wide_rows(300, 3), name="u.xlsx")) == 300  # 903 cells
    err = refusal(hostile.xlsx_wide_rows(400, 3), "u.xlsx")
    assert "more than 1,000 cells" in err.message("en") and "1,000 个单元格" in err.message("zh")
    assert "CSV UTF-8" in err.fix


def test_a_large_table_of_texts_is_refused_before_it_is_read(monkeypatch):
    monkeypatch.setattr(io.limits, "MAX_SHARED_STRINGS_BYTES", 10_000)
    err = refusal(hostile.xlsx_shared_strings(total=20_000), "u.xlsx")
    assert "sharedStrings" in err.message("en") and "文本表" in err.message("zh")
    monkeypatch.setattr(io.limits, "MAX_SHARED_STRINGS_BYTES", 100_000)
    frame = io.load(hostile.xlsx_shared_strings(total=20_000), name="u.xlsx")
    assert frame["new_follows"].tolist() == [1] and frame["unfollows"].tolist() == [2]


def test_extra_fields_far_down_are_found_a_slice_at_a_time(monkeypatch):
    """The fields beyond the header are read apart, a slice of rows at a time; the row number
    of a value there is still the one the user sees."""
    monkeypatch.setattr(io.csv_reader, "_EXTRA_CELLS_AT_ONCE", 10)  # slices of 1,000 rows
    rows = users_rows(5_000).splitlines()
    rows[0] += ",,"  # a wider row, so the fields beyond the header are read
    rows[3_456] += ",,stray"
    err = refusal((USERS + "\n".join(rows) + "\n").encode(), "u.csv")
    assert err.row == 3_458 and "5 fields, the header has 3" in err.message("en")
