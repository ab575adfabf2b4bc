"""Daily users: one row per day of WeChat follower flow, and the WeChat articles' reach.

One recurrence: a push reaches the followers of that day, its reads bring new follows, which
raise the next push's reach. New follows are a baseline (search, cards, other) plus the day's
follows after reading plus WeChat activities' follows; unfollows bump after pushes and lotteries.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .articles import _wechat_reach
from .brand import START, START_FOLLOWERS, _calendar, _days


def _activity_follows_per_day(rng: np.random.Generator, activities: pd.DataFrame,
                              days: pd.DatetimeIndex) -> tuple[np.ndarray, np.ndarray]:
    """WeChat activities' follows spread over their days, and the lottery hangover unfollows."""
    follows = np.zeros(len(days), np.int64)
    hangover = np.zeros(len(days))
    wechat = activities[activities["platform"] == "wechat"]
    for start, end, gained, kind in zip(wechat["start_date"], wechat["end_date"],
                                        wechat["follows_gained"], wechat["activity_type"]):
        i0, i1 = days.get_loc(start), days.get_loc(end)
        length = i1 - i0 + 1
        weights = np.linspace(1.5, 0.7, length) if length > 1 else np.ones(1)
        follows[i0:i1 + 1] += rng.multinomial(int(gained), weights / weights.sum())
        if kind in ("lottery", "vote", "contest"):        # prize hunters leave afterwards
            stop = min(i1 + 15, len(days))
            decay = np.exp(-np.arange(stop - i1 - 1) / 4.0)
            if decay.size:
                hangover[i1 + 1:stop] += 0.22 * gained * decay / decay.sum()
    return follows, hangover


def _daily_and_wechat(rng: np.random.Generator, skeleton: pd.DataFrame,
                      activities: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    days = _days()
    n_days = len(days)
    cal = _calendar(days)
    weekday = days.day_of_week.to_numpy()
    trend = 1.0 + 0.15 * np.arange(n_days) / n_days
    baseline = rng.poisson(80 * trend * np.where(weekday < 5, 1.0, 0.85)
                           * np.where(cal.spring, 0.6, 1.0) * np.where(cal.festival, 1.2, 1.0))
    act_follows, hangover = _activity_follows_per_day(rng, activities, days)

    wechat_rows = np.flatnonzero((skeleton["platform"] == "wechat").to_numpy())
    day_of = (skeleton["publish_time"].dt.normalize() - START).dt.days.to_numpy()
    rows_by_day = pd.Series(wechat_rows).groupby(day_of[wechat_rows]).apply(np.asarray).to_dict()
    unfollow_z = rng.standard_normal(n_days)
    unfollow_rate = 0.00052 * np.where(weekday < 5, 1.0, 1.08)

    followers_before = np.zeros(len(skeleton))
    article_follows = np.zeros(n_days, np.int64)
    unfollows = np.zeros(n_days, np.int64)
    cumulative = np.zeros(n_days, np.int64)
    previous = START_FOLLOWERS
    for t in range(n_days):             # a recurrence: today's pushes reach yesterday's base
        rows = rows_by_day.get(t)
        pushes = 0
        if rows is not None:
            followers_before[rows] = previous
            *_, follows = _wechat_reach(skeleton, rows, np.full(len(rows), previous, float))
            article_follows[t] = int(follows.sum())
            pushes = 1
        lam = unfollow_rate[t] * previous + 18 * pushes + hangover[t]
        unfollows[t] = max(0, int(round(lam + np.sqrt(lam) * unfollow_z[t])))
        new = baseline[t] + act_follows[t] + article_follows[t]
        previous = previous + new - unfollows[t]
        cumulative[t] = previous

    new_follows = baseline + act_follows + article_follows
    # sources: baseline mostly search and cards, activities mostly QR codes ("other"),
    # article follows all from the article menu
    base_split = rng.multinomial(baseline, [0.46, 0.07, 0.08, 0.16, 0.23])
    act_split = rng.multinomial(act_follows, [0.18, 0.02, 0.0, 0.10, 0.70])
    sources = base_split + act_split
    sources[:, 2] += article_follows
    daily = pd.DataFrame({
        "date": days,
        "platform": "wechat",
        "new_follows": new_follows,
        "unfollows": unfollows,
        "net_follows": new_follows - unfollows,
        "cumulative_follows": cumulative,
        "new_from_search_name": sources[:, 0],
        "new_from_search_id": sources[:, 1],
        "new_from_article_menu": sources[:, 2],
        "new_from_card_share": sources[:, 3],
        "new_from_other": sources[:, 4],
    })
    reach = _wechat_reach(skeleton, wechat_rows, followers_before[wechat_rows])
    return daily, pd.DataFrame(dict(zip(["delivered", "push_reads", "outside", "follows"], reach)),
                               index=wechat_rows)
