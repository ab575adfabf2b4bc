"""What the team's data covers: per account and kind, the dates its uploads span (gaps
between them visible), its rows, and the last upload and who added it.

Read from the uploads' own records (each keeps the first and last date of its file), so it
costs no stored frame: the Data page shows it at once, whatever the size of the history.

>>> from types import SimpleNamespace as U
>>> a = U(id=1, name="公众号")
>>> ups = [U(account=a, kind="daily_users", first_date="2025-09-01", last_date="2025-09-30"),
...        U(account=a, kind="daily_users", first_date="2025-10-01", last_date="2025-10-12"),
...        U(account=a, kind="daily_users", first_date="2025-11-01", last_date="2025-11-07")]
>>> spans(ups)[["start", "end"]].astype(str).values.tolist()
[['2025-09-01', '2025-10-12'], ['2025-11-01', '2025-11-07']]
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from .. import schemas


def spans(uploads: Iterable) -> pd.DataFrame:
    """The dates covered: one row per run of days (``account``, ``account_id``, ``kind``,
    ``start``, ``end``), two uploads that meet or overlap joined into one run."""
    rows = [(u.account.name, u.account.id, u.kind, pd.Timestamp(u.first_date),
             pd.Timestamp(u.last_date)) for u in uploads if u.first_date and u.last_date]
    frame = pd.DataFrame(rows, columns=["account", "account_id", "kind", "start", "end"])
    if frame.empty:
        return frame
    out = []
    for (name, account_id, kind), group in frame.groupby(["account", "account_id", "kind"],
                                                          sort=False):
        group = group.sort_values("start")
        start, end = group["start"].iloc[0], group["end"].iloc[0]
        for s, e in zip(group["start"].iloc[1:], group["end"].iloc[1:]):
            if s <= end + pd.Timedelta(days=1):
                end = max(end, e)
            else:
                out.append((name, account_id, kind, start, end))
                start, end = s, e
        out.append((name, account_id, kind, start, end))
    return pd.DataFrame(out, columns=frame.columns)


def gaps(covered: pd.DataFrame) -> pd.DataFrame:
    """The days missing between runs (``account``, ``kind``, ``start``, ``end``, ``days``)."""
    out = []
    for (name, kind), group in covered.groupby(["account", "kind"], sort=False):
        group = group.sort_values("start")
        for end, nxt in zip(group["end"].iloc[:-1], group["start"].iloc[1:]):
            first, last = end + pd.Timedelta(days=1), nxt - pd.Timedelta(days=1)
            out.append((name, kind, first, last, int((last - first).days) + 1))
    return pd.DataFrame(out, columns=["account", "kind", "start", "end", "days"])


def summary(uploads: Iterable) -> pd.DataFrame:
    """Per account and kind (in the schemas' order): the active uploads, their rows as read,
    the first and last date, the last upload's time and author."""
    rows = []
    for u in uploads:
        rows.append((u.account.name, u.kind, u.rows, u.first_date, u.last_date, u.created_at,
                     u.author))
    frame = pd.DataFrame(rows, columns=["account", "kind", "rows", "first", "last", "at",
                                        "author"])
    if frame.empty:
        return pd.DataFrame(columns=["account", "kind", "uploads", "rows_read", "first", "last",
                                     "last_upload", "by"])
    frame = frame.sort_values("at")
    grouped = frame.groupby(["account", "kind"], sort=False)
    out = pd.DataFrame({
        "uploads": grouped.size(),
        "rows_read": grouped["rows"].sum(),
        "first": grouped["first"].min(),
        "last": grouped["last"].max(),
        "last_upload": grouped["at"].max(),
        "by": grouped["author"].last(),
    }).reset_index()
    order = {k: i for i, k in enumerate(schemas.KINDS)}
    return out.sort_values(["account", "kind"], key=lambda s: s.map(order) if s.name == "kind"
                           else s).reset_index(drop=True)
