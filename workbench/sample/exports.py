"""The sample written the way WeChat's backend exports it, for a window of dates: what a team
downloads every week and adds to its workspace.

* :func:`user_growth` — 用户分析 → 用户增长 → 下载数据明细: Chinese headers, dates written
  ``2025年11月3日``, counts with thousands separators, a 合计 row at the bottom;
* :func:`notified_articles` — 内容分析 → 已通知内容 → 下载数据明细: no article id and no
  content type, reads above 100,000 written ``10万+``, rates as ``3.2%``.

Both return the file's bytes (UTF-8 with a BOM as the backend writes it, or GB18030 as Excel
saves it on a Chinese Windows).
"""

from __future__ import annotations

import pandas as pd

__all__ = ["notified_articles", "user_growth"]


def _window(frame: pd.DataFrame, column: str, start: str, end: str) -> pd.DataFrame:
    day = frame[column].dt.normalize()
    return frame[(day >= pd.Timestamp(start)) & (day <= pd.Timestamp(end))]


def _count(value: object) -> str:
    return "" if pd.isna(value) else f"{int(value):,}"


def _csv(lines: list[list[str]], encoding: str) -> bytes:
    def cell(text: str) -> str:
        return f'"{text}"' if any(c in text for c in ',"\n') else text
    body = "\r\n".join(",".join(cell(c) for c in line) for line in lines) + "\r\n"
    return body.encode(encoding)


def user_growth(daily_users: pd.DataFrame, start: str, end: str, *,
                encoding: str = "utf-8-sig") -> bytes:
    """The 用户增长 export of ``daily_users`` (canonical, one platform) from ``start`` to
    ``end`` (inclusive)."""
    rows = _window(daily_users, "date", start, end).sort_values("date")
    header = ["时间", "新关注人数", "取消关注人数", "净增关注人数", "累积关注人数",
              "搜索公众号名称",
              "搜索微信号", "图文页右上角菜单", "名片分享", "其他"]
    columns = ["new_follows", "unfollows", "net_follows", "cumulative_follows",
               "new_from_search_name", "new_from_search_id", "new_from_article_menu",
               "new_from_card_share", "new_from_other"]
    lines = [header]
    for _, r in rows.iterrows():
        day = r["date"]
        lines.append([f"{day.year}年{day.month}月{day.day}日", *(_count(r[c]) for c in columns)])
    totals = [_count(rows[c].sum()) if c in ("new_follows", "unfollows", "net_follows") else ""
              for c in columns]
    lines.append(["合计", *totals])
    return _csv(lines, encoding)


def _reads(value: object) -> str:
    if pd.isna(value):
        return ""
    return "10万+" if int(value) >= 100_000 else f"{int(value):,}"


def _rate(value: object) -> str:
    return "" if pd.isna(value) else f"{100 * float(value):.1f}%"


def notified_articles(articles: pd.DataFrame, start: str, end: str, *,
                      encoding: str = "utf-8-sig") -> bytes:
    """The 已通知内容 export of ``articles``' WeChat posts published from ``start`` to ``end``."""
    rows = _window(articles[articles["platform"] == "wechat"], "publish_time", start, end)
    rows = rows.sort_values(["publish_time", "position"])
    header = ["内容标题", "发表时间", "总阅读人数", "总阅读次数", "总分享人数", "总分享次数",
              "阅读后关注人数", "送达人数", "公众号消息阅读次数", "送达阅读率", "阅读完成率",
              "内容url"]
    lines = [header]
    for _, r in rows.iterrows():
        lines.append([str(r["title"]), r["publish_time"].strftime("%Y-%m-%d %H:%M"),
                      _count(r["read_users"]), _reads(r["reads"]), _count(r["share_users"]),
                      _count(r["shares"]), _count(r["follows_after_read"]),
                      _count(r["delivered"]), _count(r["push_reads"]), _rate(r["open_rate"]),
                      _rate(r["finish_rate"]), str(r["url"]) if pd.notna(r["url"]) else ""])
    return _csv(lines, encoding)
