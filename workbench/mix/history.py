"""The articles history as the estimates read it: which posts are usable, and the posts as
arrays (platform, content type, metrics, slot, week, rank that week).

Bad input
---------
A post whose reads are not a count (text, negative, infinite, above :data:`MAX_COUNT`) or whose
publish time is not a date is left out, and the notes say how many; other counts that are not
counts are missing values. A post without a content type (an export that has none, a title no
tagging rule matched) is kept, as the type :data:`~workbench.schemas.UNTAGGED`.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .. import schemas
from ..errors import InputError, require_columns
from .common import ARTICLES_PER_PUSH, METRICS, TIMEZONE

#: Columns summed into engagement (missing parts count as 0; wows exist on WeChat only).
ENGAGEMENT_PARTS: tuple[str, ...] = ("likes", "wows", "comments", "shares", "favourites")
#: Largest count a post's reads, likes, shares ... may have; larger (or negative, infinite, text)
#: is not a count, and the value is left out.
MAX_COUNT = 1e12


def _counts(s: pd.Series) -> np.ndarray:
    """A count column as float: NaN where it is not a count (text, negative, infinite, above
    :data:`MAX_COUNT`)."""
    x = pd.to_numeric(s, errors="coerce").astype("float64").to_numpy(na_value=np.nan)
    return np.where((x >= 0) & (x <= MAX_COUNT), x, np.nan)


def _metric_frame(df: pd.DataFrame, conversions: bool) -> np.ndarray:
    """``(n, 5)`` float per-post metrics (NaN where not recorded or not a count); conversions
    NaN if absent."""
    n = len(df)
    out = np.full((n, len(METRICS)), np.nan)
    out[:, 0] = _counts(df["reads"])
    parts = [_counts(df[c]) for c in ENGAGEMENT_PARTS if c in df.columns]
    if parts:
        stack = np.column_stack(parts)
        out[:, 1] = np.where(np.isnan(stack).all(axis=1), np.nan, np.nansum(stack, axis=1))
    if "shares" in df.columns:
        out[:, 2] = _counts(df["shares"])
    if "follows_after_read" in df.columns:
        out[:, 3] = _counts(df["follows_after_read"])
    if conversions:
        out[:, 4] = _counts(df["conversions"])
    return out


def _check_articles(articles: Any) -> tuple[pd.DataFrame, int]:
    """The usable posts (publish time a date, platform known, reads a count), publish time as
    datetimes, position as numbers and content type as text (:data:`schemas.UNTAGGED` where
    the post has none of :data:`schemas.CONTENT_TYPES`); and how many posts were left out
    because their reads or publish time could not be read."""
    require_columns(articles, "articles", ("publish_time", "platform", "reads"))
    df = articles[articles["platform"].notna() & articles["reads"].notna()
                  & articles["publish_time"].notna()]
    df = df[df["platform"].astype(str).isin(schemas.PLATFORMS)].copy()
    df["content_type"] = schemas.content_types(df)
    times = df["publish_time"]
    if not pd.api.types.is_datetime64_any_dtype(times):
        with warnings.catch_warnings():           # text: parsed one by one, unreadable → NaT
            warnings.simplefilter("ignore", UserWarning)
            times = pd.to_datetime(times, errors="coerce")
    if isinstance(times.dtype, pd.DatetimeTZDtype):
        times = times.dt.tz_convert(TIMEZONE).dt.tz_localize(None)
    df["publish_time"] = times
    if "position" in df.columns:
        df["position"] = pd.to_numeric(df["position"], errors="coerce")
    ok = df["publish_time"].notna().to_numpy() & ~np.isnan(_counts(df["reads"]))
    dropped = int((~ok).sum())
    df = df[ok]
    if df.empty:
        raise InputError("The articles table has no usable posts (platform, publish time and "
                         "reads all filled in, reads a count of 0 or more).",
                         "文章数据中没有可用的发文记录（平台、发表时间和阅读数都需要填写，"
                         "阅读数须为不小于 0 的数）。",
                         fix="Check the file, or use the sample data.",
                         fix_zh="请检查文件，或使用示例数据。")
    return df, dropped


@dataclass
class _History:
    """The usable posts as arrays, in publish order (within a push, by position)."""

    platform: np.ndarray        # (n,) platform code
    content_type: np.ndarray    # (n,) index into types
    types: tuple[str, ...]      # CONTENT_TYPES, and UNTAGGED last when a post has no type
    metrics: np.ndarray         # (n, 5) per post, in METRICS order (NaN: not recorded)
    times: pd.Series            # publish time
    weekday: np.ndarray         # 0 = Monday
    hour: np.ndarray
    position: np.ndarray        # push position - 1 (0 = headline); -1 where there is none
    week_group: np.ndarray      # code of the post's (platform, type, week)
    rank: np.ndarray            # order among the same-type posts of its platform's week (0 = first)
    has_conversions: bool       # conversions recorded (else assumed from follows)
    platforms: list[str]        # platforms with history, in schemas.PLATFORMS order


def _history(df: pd.DataFrame) -> _History:
    has_conv = "conversions" in df.columns and not np.isnan(_counts(df["conversions"])).all()
    df = df.sort_values(["publish_time", "position"] if "position" in df.columns
                        else ["publish_time"], kind="stable", na_position="last")
    plat = df["platform"].astype(str).to_numpy()
    ctype = df["content_type"].astype(str).to_numpy()
    types = schemas.CONTENT_TYPES + ((schemas.UNTAGGED,) if (ctype == schemas.UNTAGGED).any()
                                     else ())
    type_idx = {c: i for i, c in enumerate(types)}
    times = pd.to_datetime(df["publish_time"])
    if "position" in df.columns:
        pos = pd.to_numeric(df["position"], errors="coerce").to_numpy(float, na_value=np.nan)
        pos = np.where(np.isnan(pos), -1, np.clip(pos, 1, ARTICLES_PER_PUSH) - 1).astype(np.int64)
    else:
        pos = np.full(len(df), -1, np.int64)
    week = times.dt.to_period("W-SUN").astype(str).to_numpy()
    key = pd.Series(plat, dtype=object) + "|" + pd.Series(ctype, dtype=object) + "|" + week
    week_group = pd.factorize(key)[0].astype(np.int64)
    return _History(
        platform=plat, content_type=np.array([type_idx[c] for c in ctype], np.int64),
        types=types,
        metrics=_metric_frame(df, has_conv), times=times,
        weekday=times.dt.day_of_week.to_numpy(np.int64), hour=times.dt.hour.to_numpy(np.int64),
        position=pos, week_group=week_group,
        rank=pd.Series(week_group).groupby(week_group).cumcount().to_numpy(float),
        has_conversions=has_conv,
        platforms=[p for p in schemas.PLATFORMS if p in set(plat)])
