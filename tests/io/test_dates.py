"""One date order a column (issue 19, item 2).

Dates written ``03/04/2024`` are read in one order for the whole column: a number over 12 in the
first place makes it day-first, in the second place month-first; when every value fits both,
month/day (the way WeChat writes dates). The report says which order was used. Before, pandas
read each value on its own: a ``DD/MM/YYYY`` March put 11 of its 31 days in other months.
"""

from __future__ import annotations

import pandas as pd
import pytest

from workbench import io

USERS = "date,new_follows,unfollows\n"


def users(dates: list[str]) -> pd.DataFrame:
    body = "".join(f"{d},{i},1\n" for i, d in enumerate(dates))
    return io.load((USERS + body).encode(), name="用户增长.csv")


def notes(frame: pd.DataFrame, lang: str = "en") -> str:
    return " ".join(frame.attrs["load_report"].messages(lang))


def test_a_day_first_month_is_read_day_first_every_day():
    march = users([f"{d:02d}/03/2024" for d in range(1, 32)])
    assert march["date"].tolist() == list(pd.date_range("2024-03-01", "2024-03-31"))
    assert "read as day/month/year (values such as '13/03/2024' settle the order)" in notes(march)
    assert "按“日/月/年”读取" in notes(march, "zh")


def test_a_month_first_export_is_read_month_first():
    dates = [f"{m}/{d}/2024" for m in (1, 2) for d in (1, 5, 12, 20)]
    got = users(dates)
    assert got["date"].dt.strftime("%m-%d").tolist() == [
        "01-01", "01-05", "01-12", "01-20", "02-01", "02-05", "02-12", "02-20"]
    assert "read as month/day/year (values such as '1/20/2024' settle" in notes(got)


def test_dates_that_fit_both_orders_are_read_month_day_and_the_report_says_so():
    got = users(["03/01/2024", "03/02/2024", "04/01/2024", "12/11/2024"])
    assert got["date"].dt.strftime("%Y-%m-%d").tolist() == [
        "2024-03-01", "2024-03-02", "2024-04-01", "2024-12-11"]
    assert "fit both day/month and month/day order; read as month/day/year" in notes(got)
    assert "既可按“日/月”也可按“月/日”理解" in notes(got, "zh")


def test_year_first_dates_need_no_order_and_get_no_note():
    got = users(["2024/3/1", "2024-03-02", "2024年3月13日"])
    assert got["date"].dt.day.tolist() == [1, 2, 13]
    assert "order" not in notes(got)


def test_dashes_dots_and_times_follow_the_column_order():
    got = io.load(("article_id,publish_time,title,reads\n"
                   "a1,13.03.2024 20:30,春季新品,100\n"
                   "a2,02-03-2024 08:05,会员日,80\n").encode(), name="articles.csv")
    assert got["publish_time"].tolist() == [pd.Timestamp("2024-03-13 20:30"),
                                            pd.Timestamp("2024-03-02 08:05")]


def test_a_column_in_both_orders_keeps_the_order_most_values_fit():
    """13/03 and 14/03 say day-first; 03/15 fits only month-first: it is unreadable, so a
    required date column is refused at that row, saying which order the column was read in."""
    with pytest.raises(io.DataError) as caught:
        users(["13/03/2024", "14/03/2024", "03/15/2024", "01/03/2024"])
    err = caught.value
    assert err.row == 4 and "03/15/2024" in err.message("en")
    assert "the column reads day/month, as most of its dates do" in err.message("en")
    assert "按“日/月”书写" in err.message("zh")


def test_the_order_holds_when_a_long_column_is_parsed_once_per_distinct_date():
    """Daily data with channels repeats each date: the distinct dates are parsed once."""
    days = [f"{d:02d}/03/2024" for d in range(1, 32)]
    body = "".join(f"{d},{ch},{i},{i}\n" for i, d in enumerate(days * 70)
                   for ch in ("公众号消息",))
    got = io.load(("日期,渠道,阅读次数,阅读人数\n" + body).encode(), name="数据趋势.csv")
    assert len(got) == 31 * 70
    assert got["date"].dt.month.unique().tolist() == [3]
    assert "read as day/month/year" in notes(got)


def test_the_order_is_said_when_a_summary_row_is_dropped_too():
    """A 合计 row under the dates is dropped before the dates are kept: the column's order went
    with it, and the report no longer said how 13/03/2024 was read."""
    body = "".join(f"{d:02d}/03/2024,{d},1\n" for d in range(1, 32)) + "合计,496,31\n"
    got = io.load((USERS + body).encode(), name="用户增长.csv")
    assert len(got) == 31 and got["date"].dt.month.unique().tolist() == [3]
    assert "read as day/month/year" in notes(got)
