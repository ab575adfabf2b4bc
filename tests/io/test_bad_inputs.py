"""Trustworthy under bad input (issue 8): every file of the corpus in tests/fixtures/bad_inputs.py
either loads into the canonical frame with the right values, or raises ``io.DataError`` whose
English and Chinese messages say what is wrong and how to fix it. Nothing else: no other
exception type, no wrong numbers. Property tests feed the loaders random tables.

``python tests/fixtures/bad_inputs.py`` prints the corpus summary line.
"""

from __future__ import annotations

import csv
import datetime as dt
import io as stdio
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

import bad_inputs as bi  # tests/fixtures, put on sys.path by tests/conftest.py
from workbench import io, schemas
from workbench.export import csv_text

_OUTCOMES: dict[str, str] = {}


@pytest.mark.parametrize("case_fn", bi.CASES, ids=[fn.__name__ for fn in bi.CASES])
def test_bad_input(case_fn, tmp_path):
    c = case_fn()
    assert c.name == case_fn.__name__
    outcome = bi.check_case(c, tmp_path)  # a DataError is checked inside; anything else fails
    _OUTCOMES[c.name] = outcome


def test_corpus_summary(tmp_path, capsys):
    """Counts the outcomes (reusing the results of the test above when it ran first)."""
    result = bi.summarise(tmp_path, _OUTCOMES)
    counts = result["counts"]
    with capsys.disabled():
        print("\n" + result["line"])
    assert len(result["outcomes"]) == len(bi.CASES) >= 34
    assert counts["crash"] == 0 and counts["wrong"] == 0, result["outcomes"]
    assert counts["loaded"] + counts["error"] == len(bi.CASES)


def test_corpus_covers_the_issue_list():
    names = {fn.__name__ for fn in bi.CASES}
    for required in ("gbk_file_with_one_utf8_line", "utf8_with_bom", "utf8_without_bom",
                     "gb18030_beyond_gbk", "html_table_named_xls", "xlsx_truncated",
                     "xlsx_password_protected", "xlsx_empty_workbook",
                     "xlsx_title_rows_and_merged_header", "duplicate_used_header", "blank_headers",
                     "articles_loaded_as_followers", "numbers_in_export_styles", "negative_counts",
                     "impossible_counts", "future_dates", "over_upload_limit_as_bytes",
                     "over_upload_limit_as_path", "a_million_rows", "crlf_and_stray_quotes",
                     "formulas_in_text_cells", "empty_file", "header_only", "png_named_csv",
                     "zip_that_is_not_xlsx", "semicolon_separated", "excel_serial_dates_in_csv",
                     "xlsx_excel_serial_dates", "xlsx_table_on_second_sheet", "summary_rows"):
        assert required in names, required


def test_committed_fixtures_are_small_and_used():
    src = Path(bi.__file__).read_text(encoding="utf-8")
    files = [p for p in bi.BAD.iterdir() if p.name != ".gitattributes"]
    for p in files:
        assert p.stat().st_size < 4096, p.name  # big files are built at test time
        assert f'committed("{p.name}")' in src or f'text("{p.name}")' in src, p.name


def test_formulas_stay_text_and_the_export_neutralises_them(tmp_path):
    frame = bi.load_case(bi.formulas_in_text_cells(), tmp_path)
    assert frame["title"].tolist() == bi.FORMULAS  # loaded as plain text, not evaluated
    exported = csv_text(frame[["title", "reads"]])
    rows = list(csv.reader(stdio.StringIO(exported)))
    assert rows[0] == ["title", "reads"]
    for (title, reads), original, n in zip(rows[1:], bi.FORMULAS, (100, 200, 300, 400, 500)):
        assert title == "'" + original  # a spreadsheet shows it as text
        assert title[0] not in "=+-@" and reads == str(n)  # numbers stay numbers
    # the whole canonical frame exports safely too (every text column)
    for row in csv.DictReader(stdio.StringIO(csv_text(frame))):
        for value in row.values():
            assert not value or value[0] not in "=+@" or value.startswith("'")


def test_upload_limit_message_and_file_object_limit():
    data, _n = bi._big_articles(io.MAX_UPLOAD_BYTES + 1)
    with pytest.raises(io.DataError) as info:
        io.load(stdio.BytesIO(data), name="big.csv")  # a file object: not read to the end
    err = info.value
    assert "50 MB" in err.en and "50 MB" in err.zh and "缩短" in err.fix_zh
    small = data[: io.MAX_UPLOAD_BYTES - 10_000]
    small = small[: small.rfind(b"\n") + 1]
    assert len(io.load(small, name="just-under.csv")) > 90_000  # under the limit: loads


def test_mixed_encoding_note_names_the_lines():
    rep = io.read(bi.gbk_file_with_one_utf8_line().data, name="u.csv").report
    note = [m for m in rep.messages("en") if "mixed" in m]
    assert note and "Line(s) 3 are UTF-8" in note[0] and "'CSV UTF-8'" in note[0]


def test_gbk_line_that_is_also_valid_utf8_follows_the_file():
    """女 in GBK (C5 AE) is also valid UTF-8 (Ů): in a GBK file that line must stay 女."""
    body = "性别,年龄段\n男,18-24岁\n女,25_30\nF,18_24\n".encode("gbk")
    assert "女,25_30".encode("gbk").decode("utf-8") == "Ů,25_30"
    df = io.load(body, name="gbk.csv")
    assert df["gender"].tolist() == ["male", "female", "female"]
    assert df["age_band"].tolist() == ["18_24", "25_30", "18_24"]


def test_html_table_rowspan_colspan_and_entities():
    page = ("<table><tr><td rowspan=2>时间</td><td colspan=2>关注</td><td rowspan=3>备注</td></tr>"
            "<tr><td>新关注人数</td><td>取消关注人数</td></tr>"
            "<tr><td>2024-03-01</td><td>1&#44;234</td><td>5&nbsp;</td></tr>"
            "<tr><td>2024-03-02<br></td><td>7</td><td>1</td><td>x</td></tr></table>")
    df = io.load(page.encode(), name="export.xls")
    assert df["new_follows"].tolist() == [1234, 7] and df["unfollows"].tolist() == [5, 1]
    assert df["date"].tolist() == [pd.Timestamp("2024-03-01"), pd.Timestamp("2024-03-02")]


def test_wrong_kind_is_named_when_detection_would_have_worked(tmp_path):
    err = pytest.raises(io.DataError, io.load, bi.committed("articles.csv"), "daily_users",
                        name="a.csv").value
    assert "looks like articles data" in err.en and "文章 / 内容数据" in err.zh
    assert io.load(bi.committed("articles.csv"), name="a.csv").attrs["load_report"].kind == \
        "articles"


# --------------------------------------------------------------------------------------------
# Properties: random tables through the loaders
# --------------------------------------------------------------------------------------------
def _alias_table(kind: str) -> dict[str, list[str]]:
    path = io._ALIAS_DIR / f"{kind}.csv"
    out: dict[str, list[str]] = {}
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            out.setdefault(row["canonical"] or "_unused", []).append(row["alias"])
    return out


ALIASES = {kind: _alias_table(kind) for kind in schemas.KINDS}
LEVEL_WORDS = sorted({row["alias"] for row in csv.DictReader(
    (io._ALIAS_DIR / "levels.csv").open(encoding="utf-8"))})

messy_cell = st.one_of(
    st.none(),
    st.integers(min_value=-5, max_value=10**9),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.integers(min_value=0, max_value=10**7).map(lambda v: f"{v:,}"),
    st.sampled_from(["10万+", "1.2万", "1.2k", "1.2w", "3.2%", "—", "-", "", " ", "合计", "N/A",
                     "１２３", "2024-03-01", "2024年3月1日", "2024/3/2 20:30", "45352", "=1+1",
                     "@SUM(1)", '他说"好"', "a,b", "\t", "0x10", "1e400", "2024-02-30"]),
    st.sampled_from(LEVEL_WORDS),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
            max_size=12),
    st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2100, 1, 1)),
)


@st.composite
def random_table(draw):
    kind = draw(st.sampled_from(schemas.KINDS))
    names = draw(st.lists(st.sampled_from(sorted(ALIASES[kind])), min_size=1, max_size=8,
                          unique=True))
    headers = [draw(st.sampled_from(ALIASES[kind][n])) for n in names]
    headers += draw(st.lists(st.sampled_from(["备注", "", "Unnamed", "其他说明"]), max_size=2))
    n_rows = draw(st.integers(min_value=0, max_value=6))
    rows = [[draw(messy_cell) for _ in headers] for _ in range(n_rows)]
    title = draw(st.sampled_from([None, "数据导出 2024-03", ""]))
    return kind, headers, rows, title


def _write(headers, rows, title, fmt: str, encoding: str) -> tuple[bytes, str]:
    if fmt == "xlsx":
        wb = Workbook()
        ws = wb.active
        if title is not None:
            ws.append([title])
        ws.append([h or None for h in headers])
        for row in rows:
            ws.append([v if not isinstance(v, str) else ILLEGAL_CHARACTERS_RE.sub("", v)
                       for v in row])  # a workbook cannot hold control characters
        buf = stdio.BytesIO()
        wb.save(buf)
        return buf.getvalue(), "t.xlsx"
    buf = stdio.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n" if encoding == "gb18030" else "\n")
    if title is not None:
        writer.writerow([title])
    writer.writerow(headers)
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    text = buf.getvalue()
    data = text.encode(encoding, errors="replace") if encoding != "utf-8-sig" \
        else text.encode("utf-8-sig")
    return data, "t.csv"


@settings(max_examples=50, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(random_table(), st.sampled_from(["csv", "xlsx"]),
       st.sampled_from(["utf-8", "utf-8-sig", "gb18030"]), st.booleans())
def test_property_random_tables_load_clean_or_explain(table, fmt, encoding, give_kind):
    """Random headers from the alias tables and random cells (numbers with separators,
    unicode, blanks, level names, dates, formulas): a canonical frame or a DataError."""
    kind, headers, rows, title = table
    data, name = _write(headers, rows, title, fmt, encoding)
    try:
        got = io.read(data, kind if give_kind else None, name=name)
    except io.DataError as err:
        assert err.en and err.zh and err.fix and err.fix_zh
        assert bi.has_chinese(err.zh) and name in err.en and name in err.zh
        return
    frame = got.frame
    bi.check_canonical(frame, got.report.kind)
    if give_kind:
        assert got.report.kind == kind
    assert len(frame) <= len(rows)
    for col in schemas.schema(got.report.kind).columns:
        if col.dtype == "int" and col.min_value is not None:
            assert (frame[col.name].dropna() >= col.min_value).all(), col.name


FOREIGN_HEADERS = sorted({a for kind in schemas.KINDS for c, names in ALIASES[kind].items()
                          if c != "_unused" for a in names[:2]})


@st.composite
def header_only_table(draw):
    """A header row and nothing under it: every required header of a kind (under any alias),
    some of its optional ones, and headers of other kinds it does not use, in any order."""
    kind = draw(st.sampled_from(schemas.KINDS))
    sch = schemas.schema(kind)
    names = list(sch.required) + draw(st.lists(
        st.sampled_from(sorted(c for c in ALIASES[kind] if c != "_unused")), max_size=6))
    headers = list(dict.fromkeys(draw(st.sampled_from(ALIASES[kind][n])) for n in names
                                 if n in ALIASES[kind]))
    foreign = draw(st.lists(st.sampled_from(FOREIGN_HEADERS), max_size=4))
    for h in foreign:
        if h not in headers:
            headers.insert(draw(st.integers(0, len(headers))), h)
    return kind, headers


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(header_only_table(), st.sampled_from(["csv", "xlsx", "tsv"]),
       st.sampled_from(["utf-8", "utf-8-sig", "gb18030"]), st.booleans(), st.booleans())
def test_property_header_only_files_of_every_kind_are_a_clear_error(table, fmt, encoding,
                                                                     give_kind, end_newline):
    """A file with only its header row is a DataError for every kind, whatever else its
    header holds: before, a followers header with an unused first column (``date,gender,
    age_band``) raised IndexError (issue 19, item 6)."""
    kind, headers = table
    if fmt == "xlsx":
        data, name = _write(headers, [], None, "xlsx", encoding)
    else:
        sep = "\t" if fmt == "tsv" else ","
        text = sep.join(f'"{h}"' if sep in h or '"' in h else h for h in headers)
        data, name = (text + ("\n" if end_newline else "")).encode(encoding), f"t.{fmt}"
    with pytest.raises(io.DataError) as caught:
        io.read(data, kind if give_kind else None, name=name)
    err = caught.value
    assert err.en and err.zh and err.fix and err.fix_zh and bi.has_chinese(err.zh)


def test_a_followers_header_with_an_unused_first_column_says_there_are_no_rows():
    with pytest.raises(io.DataError) as caught:
        io.load(b"date,gender,age_band\n", name="followers.csv")
    assert "no data rows" in caught.value.message("en")
    assert "没有数据行" in caught.value.message("zh")


@st.composite
def clean_user_growth(draw):
    n = draw(st.integers(min_value=1, max_value=12))
    start = draw(st.dates(min_value=dt.date(2015, 1, 1), max_value=dt.date(2024, 12, 31)))
    new = draw(st.lists(st.integers(0, 2_000_000), min_size=n, max_size=n))
    unf = draw(st.lists(st.integers(0, 50_000), min_size=n, max_size=n))
    return [start + dt.timedelta(days=i) for i in range(n)], new, unf


def _count_text(draw, v: int) -> object:
    style = draw(st.sampled_from(["plain", "comma", "wan", "int"]))
    if style == "comma":
        return f"{v:,}"
    if style == "wan" and v % 1000 == 0 and v >= 10000:
        return f"{v / 10000:g}万"
    return v if style == "int" else str(v)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(clean_user_growth(), st.sampled_from(["csv", "xlsx"]),
       st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16"]), st.integers(0, 3),
       st.data())
def test_property_user_growth_round_trip(table, fmt, encoding, title_rows, data):
    """Valid numbers written any export way (alias headers, 1,234 / 1.2万, title rows, any
    encoding, CSV or xlsx, dates as text or Excel dates) come back exactly."""
    dates, new, unf = table
    aliases = ALIASES["daily_users"]
    headers = [data.draw(st.sampled_from(aliases[c]))
               for c in ("date", "new_follows", "unfollows")]
    date_style = data.draw(st.sampled_from(["iso", "zh", "slash", "cell"]))

    def date_cell(d: dt.date) -> object:
        if date_style == "zh":
            return f"{d.year}年{d.month}月{d.day}日"
        if date_style == "slash":
            return f"{d.year}/{d.month}/{d.day}"
        if date_style == "cell" and fmt == "xlsx":
            return dt.datetime(d.year, d.month, d.day)
        return d.isoformat()

    rows = [[date_cell(d), _count_text(data.draw, a), _count_text(data.draw, b)]
            for d, a, b in zip(dates, new, unf)]
    if fmt == "xlsx":
        wb = Workbook()
        ws = wb.active
        for i in range(title_rows):
            ws.append([f"用户增长 第{i + 1}行说明"])
        ws.append(headers)
        for row in rows:
            ws.append(row)
        buf = stdio.BytesIO()
        wb.save(buf)
        raw, name = buf.getvalue(), "u.xlsx"
    else:
        buf = stdio.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        for i in range(title_rows):
            writer.writerow([f"用户增长 第{i + 1}行说明"])
        writer.writerow(headers)
        writer.writerows(rows)
        raw, name = buf.getvalue().encode(encoding), "u.csv"
    frame = io.load(raw, name=name)
    bi.check_canonical(frame, "daily_users")
    assert frame["date"].tolist() == [pd.Timestamp(d) for d in dates]
    assert frame["new_follows"].tolist() == new
    assert frame["unfollows"].tolist() == unf
    assert frame["net_follows"].tolist() == [a - b for a, b in zip(new, unf)]
