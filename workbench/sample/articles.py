"""Articles: about 1,500 posts on WeChat, Weibo, Xiaohongshu, Douyin and Zhihu.

Made in two steps around the daily users (:mod:`workbench.sample.daily`): the *skeleton*
(``_article_skeleton``: when, where, which content type and slot, and how well it would do) is
drawn first; the WeChat numbers depend on the followers at push time, so ``_articles`` finishes
the table (titles, URLs, reads, shares, engagement) once the daily recurrence has run.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from workbench import schemas

from .brand import START, _Calendar, _calendar, _days, _probs
from .titles import _titles, _urls


# --------------------------------------------------------------------------------------------
# Articles: skeleton (when, where, what) and performance
# --------------------------------------------------------------------------------------------

_OTHER_PLATFORMS = ("weibo", "xiaohongshu", "douyin", "zhihu")
_POSTS_PER_WEEK = {"weibo": 2.3, "xiaohongshu": 1.6, "douyin": 1.6, "zhihu": 0.65}

# what the team publishes (shares of posts), per platform / WeChat slot
_MIX = {
    "wechat_headline": {"educational": 0.32, "news": 0.18, "interactive": 0.07, "fun": 0.07,
                        "story": 0.16, "product": 0.14, "event_report": 0.06},
    "wechat_secondary": {"educational": 0.20, "news": 0.16, "interactive": 0.10, "fun": 0.10,
                         "story": 0.10, "product": 0.22, "event_report": 0.12},
    "weibo": {"educational": 0.08, "news": 0.25, "interactive": 0.22, "fun": 0.18,
              "story": 0.07, "product": 0.12, "event_report": 0.08},
    "xiaohongshu": {"educational": 0.20, "news": 0.05, "interactive": 0.10, "fun": 0.14,
                    "story": 0.10, "product": 0.34, "event_report": 0.07},
    "douyin": {"educational": 0.15, "news": 0.06, "interactive": 0.11, "fun": 0.30,
               "story": 0.14, "product": 0.18, "event_report": 0.06},
    "zhihu": {"educational": 0.45, "news": 0.18, "interactive": 0.12, "fun": 0.06,
              "story": 0.09, "product": 0.06, "event_report": 0.04},
}

# reads multiplier of each content type on each platform (the effect the mix planner learns)
_TYPE_EFFECT = {
    "wechat": {"educational": 1.40, "news": 1.00, "interactive": 0.80, "fun": 0.90,
               "story": 1.10, "product": 0.75, "event_report": 0.60},
    "weibo": {"educational": 0.70, "news": 1.55, "interactive": 1.30, "fun": 1.15,
              "story": 0.80, "product": 0.70, "event_report": 0.85},
    "xiaohongshu": {"educational": 1.10, "news": 0.50, "interactive": 0.85, "fun": 1.00,
                    "story": 0.90, "product": 1.75, "event_report": 0.70},
    "douyin": {"educational": 0.80, "news": 0.65, "interactive": 1.10, "fun": 1.90,
               "story": 1.20, "product": 0.90, "event_report": 0.70},
    "zhihu": {"educational": 1.70, "news": 1.10, "interactive": 0.90, "fun": 0.55,
              "story": 0.90, "product": 0.50, "event_report": 0.40},
}

# Monday .. Sunday
_WEEKDAY_EFFECT = {
    "wechat": (1.00, 1.03, 1.02, 1.00, 0.93, 0.80, 0.86),
    "weibo": (1.00, 1.00, 1.00, 1.00, 1.02, 1.05, 1.05),
    "xiaohongshu": (0.92, 0.92, 0.94, 0.95, 1.02, 1.15, 1.18),
    "douyin": (0.92, 0.92, 0.93, 0.95, 1.03, 1.18, 1.20),
    "zhihu": (1.05, 1.05, 1.03, 1.02, 0.95, 0.85, 0.90),
}

# per-platform read scale (non-WeChat: median reads / plays of an average post)
_READ_SCALE = {"weibo": 2_600, "xiaohongshu": 3_800, "douyin": 14_000, "zhihu": 3_200}

# interaction rates per read: likes, wows (WeChat only), comments, shares, favourites
_RATES = {
    "wechat": (0.0090, 0.0050, 0.0015, 0.0280, 0.0070),
    "weibo": (0.0150, 0.0, 0.0050, 0.0220, 0.0020),
    "xiaohongshu": (0.0250, 0.0, 0.0040, 0.0140, 0.0200),
    "douyin": (0.0300, 0.0, 0.0030, 0.0180, 0.0060),
    "zhihu": (0.0150, 0.0, 0.0030, 0.0150, 0.0150),
}
# content-type modifiers of likes, comments, shares, favourites
_TYPE_INTERACTION = {
    "educational": (1.0, 0.8, 1.30, 2.0),
    "news": (0.8, 1.0, 1.10, 0.6),
    "interactive": (1.1, 4.0, 0.90, 0.5),
    "fun": (1.4, 1.3, 1.40, 0.7),
    "story": (1.3, 1.1, 1.00, 0.9),
    "product": (0.7, 0.8, 0.60, 1.1),
    "event_report": (0.8, 0.7, 0.70, 0.5),
}
_FINISH = {"educational": 0.42, "news": 0.55, "interactive": 0.62, "fun": 0.66, "story": 0.58,
           "product": 0.46, "event_report": 0.50}
_READ_SECONDS = {"educational": 150, "news": 80, "interactive": 60, "fun": 70, "story": 130,
                 "product": 90, "event_report": 75}


def _choose_types(rng: np.random.Generator, mix: dict[str, float], n: int,
                  product_boost: np.ndarray) -> np.ndarray:
    """Content types for ``n`` posts; product is ``product_boost`` x likelier per post."""
    levels = schemas.CONTENT_TYPES
    p = np.tile(_probs(mix, levels), (n, 1))
    p[:, levels.index("product")] *= product_boost
    p /= p.sum(axis=1, keepdims=True)
    u = rng.random(n)[:, None]
    index = (p.cumsum(axis=1) < u).sum(axis=1).clip(0, len(levels) - 1)
    return np.asarray(levels, dtype=object)[index]


def _season_effect(cal: _Calendar, types: np.ndarray) -> np.ndarray:
    """Reads multiplier from the calendar: festivals lift product, holidays dip most content."""
    product = types == "product"
    f = np.ones(len(types))
    f *= np.where(product & cal.d11, np.where(cal.d11_peak, 2.3, 1.8), 1.0)
    f *= np.where(product & cal.s618, 1.55, 1.0)
    f *= np.where(product & cal.d12, 1.2, 1.0)
    f *= np.where(~product & cal.d11, 0.95, 1.0)      # product noise crowds the rest a little
    light = np.isin(types, ["story", "fun"])
    f *= np.where(cal.spring, np.where(light, 0.85, 0.55), 1.0)
    f *= np.where(cal.national, 0.82, 1.0)
    return f


def _wechat_schedule(rng: np.random.Generator) -> pd.DataFrame:
    """One row per WeChat article: push time and position."""
    days = _days()
    cal = _calendar(days)
    weekday = days.day_of_week.to_numpy()
    p_push = np.where(weekday < 5, 0.66, 0.28)
    p_push = np.where(cal.festival, np.maximum(p_push, 0.85), p_push)
    p_push = np.where(cal.spring, 0.25, p_push)
    pushed = rng.random(len(days)) < p_push
    push_days = days[pushed]
    n_push = len(push_days)
    festive = _calendar(push_days).festival
    size = rng.choice([1, 2, 3, 4], size=n_push, p=[0.40, 0.34, 0.16, 0.10])
    size = np.where(festive, np.maximum(size, rng.choice([2, 3], size=n_push)), size)
    # slot: evening 20:00-21:30, morning 07:30-08:30, noon 12:00-12:30 (5-minute steps)
    slot = rng.choice(3, size=n_push, p=[0.60, 0.25, 0.15])
    start = np.array([20 * 60, 7 * 60 + 30, 12 * 60])[slot]
    span = np.array([90, 60, 30])[slot]
    minute = start + 5 * np.floor(rng.random(n_push) * (span / 5 + 1)).astype(int)
    push_time = push_days + pd.to_timedelta(minute, unit="m")
    idx = np.repeat(np.arange(n_push), size)
    position = np.arange(len(idx)) - np.repeat(np.cumsum(size) - size, size) + 1
    return pd.DataFrame({
        "publish_time": push_time[idx],
        "platform": "wechat",
        "position": position,
        "push": idx,
        "slot": np.array(["evening", "morning", "noon"], dtype=object)[slot[idx]],
    })


def _other_schedule(rng: np.random.Generator, platform: str) -> pd.DataFrame:
    days = _days()
    cal = _calendar(days)
    rate = _POSTS_PER_WEEK[platform] / 7 * np.where(cal.spring, 0.4, 1.0) \
        * np.where(cal.festival, 1.6, 1.0)
    count = rng.poisson(rate)
    day = days[np.repeat(np.arange(len(days)), count)]
    n = len(day)
    # platform-typical hours: mostly lunch and evening, some daytime
    hour = rng.choice([8, 10, 12, 15, 18, 19, 20, 21, 22], size=n,
                      p=[0.06, 0.08, 0.16, 0.08, 0.10, 0.14, 0.17, 0.14, 0.07])
    minute = rng.integers(0, 60, size=n)
    return pd.DataFrame({
        "publish_time": day + pd.to_timedelta(hour * 60 + minute, unit="m"),
        "platform": platform,
        "position": np.nan,
        "push": -1,
        "slot": np.where(hour >= 19, "evening", np.where(hour < 11, "morning", "day")),
    })


def _article_skeleton(rng: np.random.Generator) -> pd.DataFrame:
    """When, where and what: one row per post with the rate multipliers drawn."""
    frames = [_wechat_schedule(rng)] + [_other_schedule(rng, p) for p in _OTHER_PLATFORMS]
    df = pd.concat(frames, ignore_index=True)
    df = df.sort_values(["publish_time", "platform", "position"], kind="stable",
                        na_position="last").reset_index(drop=True)
    n = len(df)
    cal = _calendar(df["publish_time"])
    boost = np.where(cal.d11 | cal.s618, 3.0, np.where(cal.d12, 1.8, 1.0))
    types = np.empty(n, dtype=object)
    wechat = (df["platform"] == "wechat").to_numpy()
    head = wechat & (df["position"].fillna(0).to_numpy() == 1)
    for key, rows in (("wechat_headline", head), ("wechat_secondary", wechat & ~head)):
        types[rows] = _choose_types(rng, _MIX[key], int(rows.sum()), boost[rows])
    for platform in _OTHER_PLATFORMS:
        rows = (df["platform"] == platform).to_numpy()
        types[rows] = _choose_types(rng, _MIX[platform], int(rows.sum()), boost[rows])
    df["content_type"] = types

    platform = df["platform"].to_numpy()
    weekday = df["publish_time"].dt.day_of_week.to_numpy()
    type_f = np.array([_TYPE_EFFECT[p][t] for p, t in zip(platform, types)])
    weekday_f = np.array([_WEEKDAY_EFFECT[p][w] for p, w in zip(platform, weekday)])
    hour_f = np.select([df["slot"] == "evening", df["slot"] == "morning", df["slot"] == "noon"],
                       [1.12, 1.0, 0.86], 0.95)
    days_in = (df["publish_time"] - START).dt.days.to_numpy()
    df["effect"] = type_f * weekday_f * hour_f * _season_effect(cal, types)
    df["growth"] = 1.0 + 0.22 * days_in / len(_days())

    # WeChat: open rate of the headline, secondary slots a fraction of it (same for all
    # articles of one push: the push itself shares one draw)
    n_push = int(df.loc[wechat, "push"].max()) + 1
    push_noise = rng.lognormal(0.0, 0.30, n_push)
    position = df["position"].fillna(1).to_numpy().astype(int)
    slot_share = np.select([position == 1, position == 2, position == 3],
                           [1.0, rng.uniform(0.24, 0.40, n), rng.uniform(0.18, 0.30, n)],
                           rng.uniform(0.15, 0.26, n))
    noise = np.where(wechat, push_noise[np.maximum(df["push"].to_numpy(), 0)], 1.0) \
        * rng.lognormal(0.0, 0.22, n)
    df["open_rate"] = np.where(wechat, np.minimum(0.026 * df["effect"] * slot_share * noise, 0.2),
                               np.nan)
    # reads from outside the push (chats, Moments, search, recommendation) per push read;
    # a few posts go viral through shares
    viral = rng.random(n) < np.where(head, 0.012, 0.003)
    viral_mult = np.where(viral, 12 + 25 * rng.pareto(1.6, n), 1.0)
    df["outside_ratio"] = rng.lognormal(np.log(0.5), 0.35, n) * viral_mult
    df["viral"] = viral
    # every article of one push reaches the same followers
    push_deliver = rng.uniform(0.985, 0.996, n_push)
    df["deliver_share"] = np.where(wechat, push_deliver[np.maximum(df["push"].to_numpy(), 0)], 1.0)
    df["follow_per_outside"] = rng.uniform(0.0015, 0.0045, n)
    df["follow_u"] = rng.random(n)
    # non-WeChat reads scale (followers grow slowly there too); heavy-tailed noise
    scale = np.array([_READ_SCALE.get(p, 0) for p in platform], float)
    other_noise = rng.lognormal(0.0, 0.75, n) * np.where(viral, 6 + 10 * rng.pareto(1.8, n), 1.0)
    df["other_reads"] = np.rint(scale * df["effect"] * df["growth"] * other_noise)
    return df


def _wechat_reach(skeleton: pd.DataFrame, rows: np.ndarray, followers_before: np.ndarray,
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Delivered, push reads, outside reads and follows after reading for WeChat ``rows``.

    ``followers_before`` is the follower count at the end of the previous day for each row.
    Deterministic given the skeleton's pre-drawn rates, so the daily loop and the final table
    agree exactly.
    """
    s = skeleton.iloc[rows]
    delivered = np.floor(followers_before * s["deliver_share"].to_numpy())
    push_reads = np.rint(delivered * s["open_rate"].to_numpy())
    outside = np.rint(push_reads * s["outside_ratio"].to_numpy())
    follows = np.floor(outside * s["follow_per_outside"].to_numpy() + s["follow_u"].to_numpy())
    return delivered, push_reads, outside, follows


# --------------------------------------------------------------------------------------------
# Articles: final numbers
# --------------------------------------------------------------------------------------------

def _articles(rng: np.random.Generator, skeleton: pd.DataFrame,
              wechat: pd.DataFrame) -> pd.DataFrame:
    n = len(skeleton)
    platform = skeleton["platform"].to_numpy()
    types = skeleton["content_type"].to_numpy()
    is_wechat = platform == "wechat"
    delivered = np.full(n, np.nan)
    push_reads = np.full(n, np.nan)
    outside = np.zeros(n)
    follows = np.zeros(n)
    delivered[wechat.index] = wechat["delivered"]
    push_reads[wechat.index] = wechat["push_reads"]
    outside[wechat.index] = wechat["outside"]
    follows[wechat.index] = wechat["follows"]
    reads = np.where(is_wechat, np.nan_to_num(push_reads) + outside, skeleton["other_reads"])
    reads = np.maximum(reads, 1).astype(np.int64)
    # non-WeChat follows: a small share of reads / plays
    other_follow = rng.binomial(reads, np.where(platform == "xiaohongshu", 0.004, 0.0015))
    follows = np.where(is_wechat, follows, other_follow).astype(np.int64)
    read_users = np.minimum(np.floor(reads * rng.uniform(0.80, 0.93, n)),
                            np.maximum(reads - 1, 1)).astype(np.int64)

    base = np.array([_RATES[p] for p in platform])
    mod = np.array([_TYPE_INTERACTION[t] for t in types])
    viral = skeleton["viral"].to_numpy()
    noise = rng.lognormal(0.0, 0.30, (n, 5))
    likes = rng.binomial(reads, np.minimum(base[:, 0] * mod[:, 0] * noise[:, 0], 0.5))
    wows = rng.binomial(reads, np.minimum(base[:, 1] * mod[:, 0] * noise[:, 1], 0.5))
    comments = rng.binomial(reads, np.minimum(base[:, 2] * mod[:, 1] * noise[:, 2], 0.5))
    share_p = base[:, 3] * mod[:, 2] * noise[:, 3] * np.where(viral, 1.6, 1.0)
    shares = rng.binomial(reads, np.minimum(share_p, 0.5))
    share_users = np.floor(shares * rng.uniform(0.74, 0.92, n)).astype(np.int64)
    favourites = rng.binomial(reads, np.minimum(base[:, 4] * mod[:, 3] * noise[:, 4], 0.5))

    finish = np.clip(np.array([_FINISH[t] for t in types]) + rng.normal(0, 0.06, n), 0.12, 0.92)
    seconds = np.array([_READ_SECONDS[t] for t in types]) * rng.lognormal(0, 0.22, n)

    times = skeleton["publish_time"]
    out = pd.DataFrame({
        "article_id": [f"A{i:06d}" for i in range(1, n + 1)],
        "publish_time": times,
        "platform": platform,
        "account_type": np.where(is_wechat, "subscription", "other"),
        "content_type": types,
        "position": skeleton["position"].astype("Int64"),
        "title": _titles(rng, types, times),
        "reads": reads,
        "read_users": read_users,
        "push_reads": pd.array(np.where(is_wechat, push_reads, np.nan), dtype="Float64")
        .astype("Int64"),
        "delivered": pd.array(np.where(is_wechat, delivered, np.nan), dtype="Float64")
        .astype("Int64"),
        "likes": likes,
        "wows": pd.array(np.where(is_wechat, wows, np.nan), dtype="Float64").astype("Int64"),
        "comments": comments,
        "shares": shares,
        "share_users": share_users,
        "favourites": favourites,
        "follows_after_read": follows,
        "finish_rate": np.where(is_wechat, np.round(finish, 4), np.nan),
        "avg_read_seconds": np.where(is_wechat, np.round(seconds, 1), np.nan),
        "url": _urls(rng, platform),
    })
    out["open_rate"] = np.where(is_wechat, push_reads / delivered, np.nan)
    return out
