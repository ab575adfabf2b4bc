"""Seeded sample data: two years of a mid-size Chinese consumer brand's accounts.

``python -m workbench.sample --out data/`` writes, byte-for-byte reproducibly (fixed seed, fixed
"today" :data:`TODAY`, fixed float formatting, ``\\n`` line ends, UTF-8 without BOM):

``followers.csv``
    ~20,000 people as a survey / CRM export would list them (columns of
    :data:`workbench.schemas.FOLLOWERS`).
``articles.csv``
    ~1,500 posts on WeChat (a subscription account), Weibo, Xiaohongshu, Douyin and Zhihu
    (:data:`workbench.schemas.ARTICLES`).
``daily_users.csv``
    one row per day of WeChat follower flow (:data:`workbench.schemas.DAILY_USERS`).
``activities.csv``
    ~60 past activities of all nine types (:data:`workbench.schemas.ACTIVITIES`).
``distributions.csv``
    the gender, age and region distributions of the WeChat articles' readers, as the 单篇详情
    sheet gives them (:data:`workbench.schemas.DISTRIBUTIONS`), one set per title.
``truth/followers_planted.csv``
    the planted segment of every follower; read by tests only, never by a dashboard.
``README.md``
    the data dictionary, generated from the schema tables so it cannot drift.

The brand is a fictitious home-and-lifestyle brand, 轻屿 (small kitchen appliances, coffee,
home fragrance), that also publishes lifestyle, career and parenting content.

Effects planted (tests in ``tests/test_sample.py`` check them)
--------------------------------------------------------------
Followers
    Six segments of unequal size (9 % .. 26 %), each with its own gender, age band, city tier,
    occupation, interests, platform, follow source and online hour, and its own behaviour:
    reads / shares / comments in 30 days (negative binomial, a dormant share with no activity)
    and purchases / spend in 90 days (heavy-tailed). About 17 % of every trait is drawn from the
    whole-base distribution instead of the segment's profile; ~2 % of provinces and occupations
    and ~1 % of city tiers are blank. Provinces are drawn consistently with the city tier.
Articles
    * content types perform differently per platform: educational leads on WeChat and Zhihu,
      fun on Douyin, product on Xiaohongshu, news and interactive on Weibo;
    * WeChat headlines (position 1) get 2.5-7x the reads of secondary slots (secondary open
      rate 15-40 % of the headline's);
    * weekday (weekends weaker on WeChat / Zhihu, stronger on Douyin / Xiaohongshu) and hour
      (WeChat evening pushes best, noon worst) effects;
    * the Spring Festival (dates from ``holidays.China``) cuts reads for most content and the
      team pushes less; National Day week dips a little; 618, Double 11 (20 Oct - 11 Nov, peak
      on the last days) and Double 12 lift product content, and the team publishes more of it;
    * WeChat open rate (push reads / delivered) around 1-5 %, about two thirds of reads come
      from the push and the rest from shares; share rate 1-6 %; engagement 2-8 %;
      a few viral posts reach 10万+;
    * ``delivered`` is the WeChat follower count at push time from ``daily_users``, which grows
      slowly (about 0.6 % a month).
Daily users
    new follows = baseline (search, cards, other; weekday and season effects) + the day's
    ``follows_after_read`` of WeChat articles (all counted under ``new_from_article_menu``) +
    WeChat activities' ``follows_gained`` spread over their days; unfollows follow the base with
    a bump after each push and a lottery hangover (some prize hunters leave within two weeks).
    ``net = new - unfollows`` and ``cumulative[t] = cumulative[t-1] + net[t]`` exactly; the
    five source columns sum exactly to ``new_follows``.
Activities
    Funnel reach > participants > conversions with type-specific rates, costs per type
    (prizes, redeemed coupons, ads at a CPM, KOL fees, venue, staff for all), ``cost_total``
    the exact sum of the items, revenue from conversions x order value (ROI from about -100 %
    for pure engagement activities to several hundred percent for sales ones), follows gained.
Distributions
    The readers of a WeChat article (``read_users``) are the WeChat followers of the follower
    sample, weighted by their reads in 30 days and by how well their interests fit the content
    type and the title's topic (理财, 亲子, 露营 ...): product articles draw the young women,
    family managers and silver readers (mostly female), educational and news ones the career
    readers and business owners (25-50, more male, tier-1 provinces), fun ones the few students
    on WeChat (the most 18-24). Each article draws its own segment mix (Dirichlet) and readers
    (multinomial), so users of every dimension sum exactly to its readers. Titles repeat in
    the sample (template titles, seasonal series) and the table is keyed on the title like the
    export, so articles sharing a title are merged: users added, shares recomputed. Gender and
    age list every level; region lists the provinces with readers, most readers first.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from workbench import schemas
from workbench.festivals import spring_festivals

__all__ = [
    "SEED", "TODAY", "START", "N_FOLLOWERS", "SEGMENTS", "FILES",
    "generate", "write", "data_dictionary", "main",
]

SEED = 20261115
"""Default seed of the sample data."""
TODAY = pd.Timestamp("2026-11-15")
"""The sample's fixed "today" (the clock is never read, so the output is reproducible)."""
START = pd.Timestamp("2024-11-16")
"""First day of the sample period (two years up to and including :data:`TODAY`)."""
N_FOLLOWERS = 20_000
START_FOLLOWERS = 172_000
"""WeChat followers at the end of the day before :data:`START`."""
BRAND = "轻屿"

FILES = {
    "followers": "followers.csv",
    "articles": "articles.csv",
    "daily_users": "daily_users.csv",
    "activities": "activities.csv",
    "distributions": "distributions.csv",
    "followers_planted": "truth/followers_planted.csv",
}
"""Output file (relative to the output directory) of each generated table."""

_NOISE = 0.17  # share of each trait drawn off-profile


# --------------------------------------------------------------------------------------------
# Calendar
# --------------------------------------------------------------------------------------------

def _days() -> pd.DatetimeIndex:
    return pd.date_range(START, TODAY, freq="D")


@dataclass(frozen=True)
class _Calendar:
    """Boolean masks / factors over a vector of dates."""

    spring: np.ndarray      # Spring Festival window (eve - 3 .. day + 7)
    national: np.ndarray    # National Day golden week
    d11: np.ndarray         # Double 11 window (20 Oct .. 11 Nov)
    d11_peak: np.ndarray    # 9 .. 11 Nov
    s618: np.ndarray        # 618 window (1 .. 18 Jun)
    d12: np.ndarray         # Double 12 window (1 .. 12 Dec)

    @property
    def festival(self) -> np.ndarray:
        return self.d11 | self.s618 | self.d12


def _calendar(dates: pd.DatetimeIndex | pd.Series) -> _Calendar:
    d = pd.DatetimeIndex(dates).normalize()
    spring = np.zeros(len(d), bool)
    for sf in spring_festivals(range(START.year, TODAY.year + 1)):
        spring |= (d >= sf - pd.Timedelta(days=4)) & (d <= sf + pd.Timedelta(days=7))
    md = d.month * 100 + d.day
    return _Calendar(
        spring=spring,
        national=np.asarray((md >= 1001) & (md <= 1007)),
        d11=np.asarray((md >= 1020) & (md <= 1111)),
        d11_peak=np.asarray((md >= 1109) & (md <= 1111)),
        s618=np.asarray((md >= 601) & (md <= 618)),
        d12=np.asarray((md >= 1201) & (md <= 1212)),
    )


# --------------------------------------------------------------------------------------------
# Followers
# --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Segment:
    """A planted follower segment: its size and trait / behaviour profile."""

    code: str
    zh: str
    share: float
    gender: dict[str, float]
    age_band: dict[str, float]
    city_tier: dict[str, float]
    occupation: dict[str, float]
    interests: dict[str, float]
    platform: dict[str, float]
    follow_source: dict[str, float]
    hours: tuple[tuple[float, float, float], ...]   # (mean hour, sd, weight) peaks
    reads_30d: float            # mean articles read in 30 days by an active person
    dormant: float              # share with no activity in 30 days
    share_per_read: float
    comment_per_read: float
    purchases_90d: float        # mean orders in 90 days
    order_value: float          # median order value, CNY
    tenure_days: float          # mean days since following
    description: str = field(default="")


SEGMENTS: tuple[Segment, ...] = (
    Segment(
        "urban_young_women", "一线精致女白领", 0.26,
        gender={"female": 0.92, "male": 0.08},
        age_band={"18_24": 0.25, "25_30": 0.52, "31_40": 0.23},
        city_tier={"tier1": 0.58, "new_tier1": 0.32, "tier2": 0.10},
        occupation={"professional": 0.78, "freelancer": 0.16, "other": 0.06},
        interests={"fashion_beauty": 5, "lifestyle": 4, "travel": 2.5, "food": 2,
                   "entertainment": 1},
        platform={"xiaohongshu": 0.62, "weibo": 0.18, "wechat": 0.15, "douyin": 0.05},
        follow_source={"recommendation": 0.45, "kol": 0.30, "search": 0.15, "article_share": 0.10},
        hours=((22.0, 1.0, 0.75), (12.5, 0.6, 0.25)),
        reads_30d=9, dormant=0.25, share_per_read=0.18, comment_per_read=0.08,
        purchases_90d=1.6, order_value=260, tenure_days=420,
        description="Tier-1 young professional women: fashion/beauty and lifestyle, on "
                    "Xiaohongshu late in the evening; buy often at a mid-high order value.",
    ),
    Segment(
        "student_gamers", "男大学生玩家", 0.20,
        gender={"male": 0.86, "female": 0.14},
        age_band={"18_24": 0.72, "under_18": 0.16, "25_30": 0.12},
        city_tier={"new_tier1": 0.35, "tier2": 0.40, "tier3_plus": 0.15, "tier1": 0.10},
        occupation={"student": 0.88, "other": 0.12},
        interests={"games": 5, "tech": 4, "entertainment": 3, "sports": 2},
        platform={"bilibili": 0.52, "douyin": 0.33, "weibo": 0.10, "wechat": 0.05},
        follow_source={"recommendation": 0.55, "other": 0.20, "kol": 0.15, "search": 0.10},
        hours=((23.3, 0.9, 1.0),),
        reads_30d=5, dormant=0.40, share_per_read=0.10, comment_per_read=0.30,
        purchases_90d=0.25, order_value=90, tenure_days=300,
        description="Male students: games and tech on Bilibili / Douyin around midnight; "
                    "comment a lot, rarely buy.",
    ),
    Segment(
        "career_readers", "职场进阶读者", 0.18,
        gender={"male": 0.55, "female": 0.45},
        age_band={"31_40": 0.55, "25_30": 0.22, "41_50": 0.23},
        city_tier={"tier1": 0.45, "new_tier1": 0.40, "tier2": 0.15},
        occupation={"professional": 0.72, "civil_servant": 0.18, "freelancer": 0.10},
        interests={"career": 5, "finance": 4, "education": 3, "tech": 2},
        platform={"wechat": 0.72, "zhihu": 0.22, "toutiao": 0.06},
        follow_source={"search": 0.40, "article_share": 0.40, "profile_card": 0.10, "other": 0.10},
        hours=((21.0, 0.7, 0.70), (7.7, 0.5, 0.30)),
        reads_30d=22, dormant=0.15, share_per_read=0.12, comment_per_read=0.03,
        purchases_90d=0.8, order_value=220, tenure_days=800,
        description="Mid-career professionals reading WeChat (and Zhihu) for career and "
                    "finance in the evening or on the morning commute; the most loyal readers.",
    ),
    Segment(
        "family_managers", "家庭主理人", 0.15,
        gender={"female": 0.82, "male": 0.18},
        age_band={"31_40": 0.62, "41_50": 0.28, "25_30": 0.10},
        city_tier={"tier2": 0.48, "tier3_plus": 0.37, "new_tier1": 0.15},
        occupation={"homemaker": 0.52, "professional": 0.30, "freelancer": 0.18},
        interests={"parenting": 5, "food": 4.5, "education": 2.5, "lifestyle": 2},
        platform={"douyin": 0.45, "wechat": 0.35, "xiaohongshu": 0.12, "kuaishou": 0.08},
        follow_source={"article_share": 0.35, "qr_code": 0.30, "event": 0.20, "moments_ad": 0.15},
        hours=((13.5, 1.0, 0.45), (21.0, 0.7, 0.55)),
        reads_30d=13, dormant=0.20, share_per_read=0.35, comment_per_read=0.08,
        purchases_90d=2.6, order_value=130, tenure_days=600,
        description="Parents and homemakers in tier-2/3 cities: parenting and food on Douyin "
                    "and WeChat at noon and after dinner; share into family groups, buy "
                    "often at a small order value.",
    ),
    Segment(
        "silver_readers", "银发读者", 0.12,
        gender={"female": 0.55, "male": 0.45},
        age_band={"over_50": 0.82, "41_50": 0.18},
        city_tier={"tier3_plus": 0.62, "tier2": 0.30, "new_tier1": 0.08},
        occupation={"retired": 0.85, "other": 0.15},
        interests={"lifestyle": 4, "food": 3, "travel": 3, "finance": 1.5},
        platform={"wechat": 0.58, "toutiao": 0.22, "douyin": 0.12, "kuaishou": 0.08},
        follow_source={"article_share": 0.50, "qr_code": 0.30, "event": 0.10, "search": 0.10},
        hours=((6.8, 0.8, 0.80), (19.0, 0.8, 0.20)),
        reads_30d=26, dormant=0.12, share_per_read=0.40, comment_per_read=0.12,
        purchases_90d=0.5, order_value=150, tenure_days=900,
        description="Retired readers in tier-3+ cities: lifestyle, food and travel on WeChat "
                    "early in the morning; read and share the most, buy little.",
    ),
    Segment(
        "business_owners", "高消费企业主", 0.09,
        gender={"male": 0.72, "female": 0.28},
        age_band={"41_50": 0.48, "31_40": 0.40, "over_50": 0.12},
        city_tier={"tier1": 0.50, "new_tier1": 0.35, "tier2": 0.15},
        occupation={"business_owner": 0.88, "professional": 0.12},
        interests={"finance": 5, "career": 3, "travel": 3, "tech": 2},
        platform={"wechat": 0.50, "weibo": 0.18, "zhihu": 0.16, "toutiao": 0.16},
        follow_source={"event": 0.35, "moments_ad": 0.25, "search": 0.25, "profile_card": 0.15},
        hours=((12.3, 0.6, 0.40), (22.5, 0.8, 0.60)),
        reads_30d=8, dormant=0.30, share_per_read=0.08, comment_per_read=0.02,
        purchases_90d=2.2, order_value=900, tenure_days=650,
        description="Business owners in big cities: finance and travel, WeChat at lunch and "
                    "late evening; read little but spend by far the most.",
    ),
)

# whole-base distributions used for off-profile draws
_BASE = {
    "gender": {"female": 0.55, "male": 0.42, "unknown": 0.03},
    "age_band": {"under_18": 0.04, "18_24": 0.22, "25_30": 0.24, "31_40": 0.26, "41_50": 0.14,
                 "over_50": 0.10},
    "city_tier": {"tier1": 0.22, "new_tier1": 0.28, "tier2": 0.28, "tier3_plus": 0.22},
    "occupation": {"student": 0.15, "professional": 0.40, "freelancer": 0.10,
                   "civil_servant": 0.06, "business_owner": 0.06, "homemaker": 0.08,
                   "retired": 0.07, "other": 0.08},
    "interests": {k: 1.0 for k in schemas.INTERESTS},
    "platform": {"wechat": 0.40, "weibo": 0.12, "douyin": 0.16, "kuaishou": 0.04,
                 "xiaohongshu": 0.12, "zhihu": 0.06, "bilibili": 0.06, "toutiao": 0.04},
    "follow_source": {s: 1.0 for s in schemas.FOLLOW_SOURCES},
}

# provinces by city tier (weights roughly by the number of such cities and their size)
_PROVINCES = {
    "tier1": {"北京": 0.30, "上海": 0.32, "广东": 0.38},
    "new_tier1": {"四川": 0.12, "浙江": 0.12, "湖北": 0.09, "重庆": 0.09, "江苏": 0.14,
                  "陕西": 0.07, "天津": 0.07, "湖南": 0.07, "河南": 0.06, "山东": 0.07,
                  "广东": 0.10},
    "tier2": {"福建": 0.10, "山东": 0.11, "江苏": 0.10, "浙江": 0.10, "安徽": 0.07,
              "辽宁": 0.07, "云南": 0.06, "江西": 0.06, "广西": 0.06, "河北": 0.07,
              "黑龙江": 0.05, "吉林": 0.04, "山西": 0.05, "广东": 0.06},
    "tier3_plus": {"河南": 0.10, "河北": 0.08, "山东": 0.09, "湖南": 0.07, "安徽": 0.07,
                   "广西": 0.06, "贵州": 0.06, "甘肃": 0.05, "江西": 0.06, "黑龙江": 0.05,
                   "吉林": 0.04, "山西": 0.05, "内蒙古": 0.04, "新疆": 0.03, "海南": 0.02,
                   "宁夏": 0.02, "青海": 0.02, "云南": 0.05, "四川": 0.04},
}


def _probs(weights: dict[str, float], levels: tuple[str, ...]) -> np.ndarray:
    p = np.array([weights.get(lv, 0.0) for lv in levels], float)
    return p / p.sum()


def _draw(rng: np.random.Generator, levels: tuple[str, ...], profile: dict[str, float],
          base: dict[str, float], n: int, noise: float = _NOISE) -> np.ndarray:
    """``n`` level codes from ``profile``, a share ``noise`` of them from ``base`` instead."""
    codes = rng.choice(len(levels), size=n, p=_probs(profile, levels))
    off = rng.random(n) < noise
    codes[off] = rng.choice(len(levels), size=int(off.sum()), p=_probs(base, levels))
    return np.asarray(levels, dtype=object)[codes]


def _draw_interests(rng: np.random.Generator, profile: dict[str, float], n: int) -> np.ndarray:
    """1-4 interests per person, ``;``-joined in canonical order (Gumbel top-k)."""
    levels = schemas.INTERESTS
    w = np.tile(_probs(profile, levels), (n, 1))
    off = rng.random(n) < _NOISE
    w[off] = _probs(_BASE["interests"], levels)
    with np.errstate(divide="ignore"):
        keys = np.log(w) + rng.gumbel(size=w.shape)
    k = rng.choice([1, 2, 3, 4], size=n, p=[0.18, 0.34, 0.31, 0.17])
    rank = np.argsort(np.argsort(-keys, axis=1), axis=1)
    chosen = rank < k[:, None]
    names = np.asarray(levels, dtype=object)
    return np.array([";".join(names[row]) for row in chosen], dtype=object)


def _neg_binomial(rng: np.random.Generator, mean: float | np.ndarray, dispersion: float,
                  size: int) -> np.ndarray:
    """Counts with the given mean; small ``dispersion`` gives a heavy right tail."""
    mean = np.broadcast_to(np.asarray(mean, float), (size,))
    return rng.negative_binomial(dispersion, dispersion / (dispersion + mean))


def _segment_sizes(n: int) -> np.ndarray:
    shares = np.array([s.share for s in SEGMENTS])
    sizes = np.floor(shares / shares.sum() * n).astype(int)
    sizes[0] += n - sizes.sum()
    return sizes


def _followers(rng: np.random.Generator, n: int = N_FOLLOWERS) -> tuple[pd.DataFrame, pd.DataFrame]:
    parts = []
    for seg, size in zip(SEGMENTS, _segment_sizes(n)):
        part = {
            "segment": np.full(size, seg.code, dtype=object),
            "gender": _draw(rng, schemas.GENDERS, seg.gender, _BASE["gender"], size),
            "age_band": _draw(rng, schemas.AGE_BANDS, seg.age_band, _BASE["age_band"], size),
            "city_tier": _draw(rng, schemas.CITY_TIERS, seg.city_tier, _BASE["city_tier"], size),
            "occupation": _draw(rng, schemas.OCCUPATIONS, seg.occupation, _BASE["occupation"],
                                size),
            "interests": _draw_interests(rng, seg.interests, size),
            "platform": _draw(rng, schemas.PLATFORMS, seg.platform, _BASE["platform"], size),
            "follow_source": _draw(rng, schemas.FOLLOW_SOURCES, seg.follow_source,
                                   _BASE["follow_source"], size),
        }
        # online hour: a mixture of the segment's peaks, a share off-profile anywhere 7..23
        peaks = np.array(seg.hours)
        which = rng.choice(len(peaks), size=size, p=peaks[:, 2] / peaks[:, 2].sum())
        hour = np.rint(rng.normal(peaks[which, 0], peaks[which, 1])) % 24
        off = rng.random(size) < _NOISE
        hour[off] = rng.integers(7, 24, size=int(off.sum()))
        part["active_hour"] = hour.astype(int)
        # behaviour: dormant people read nothing; heavy-tailed counts otherwise
        dormant = rng.random(size) < seg.dormant
        activity = rng.lognormal(0.0, 0.5, size)          # person-level engagement
        reads = np.where(dormant, 0, _neg_binomial(rng, seg.reads_30d * activity, 1.3, size))
        part["reads_30d"] = reads
        part["shares_30d"] = rng.binomial(reads, min(seg.share_per_read, 0.95))
        part["comments_30d"] = rng.binomial(reads, min(seg.comment_per_read, 0.95))
        buys = _neg_binomial(rng, seg.purchases_90d * np.sqrt(activity), 0.6, size)
        ticket = seg.order_value * rng.lognormal(0.0, 0.45, size)
        part["purchases_90d"] = buys
        part["spend_90d"] = np.round(ticket * rng.gamma(np.maximum(buys, 0) * 3.0, 1 / 3.0), 2)
        tenure = np.minimum(rng.exponential(seg.tenure_days, size), 8 * 365)
        part["follow_date"] = TODAY - pd.to_timedelta(np.floor(tenure), unit="D")
        parts.append(pd.DataFrame(part))

    df = pd.concat(parts, ignore_index=True)
    df = df.iloc[rng.permutation(len(df))].reset_index(drop=True)
    df["follower_id"] = [f"F{i:06d}" for i in range(1, len(df) + 1)]

    # provinces consistent with the tier
    province = np.full(len(df), None, dtype=object)
    for tier, weights in _PROVINCES.items():
        rows = np.flatnonzero(df["city_tier"].to_numpy() == tier)
        names = np.array(list(weights), dtype=object)
        p = _probs(weights, tuple(names))
        province[rows] = names[rng.choice(len(names), size=len(rows), p=p)]
    df["province"] = province

    # a few blanks, as in a real survey
    for column, rate in (("province", 0.02), ("occupation", 0.02), ("city_tier", 0.01)):
        df.loc[rng.random(len(df)) < rate, column] = None

    truth = df[["follower_id", "segment"]].copy()
    out = pd.DataFrame({c.name: df[c.name] for c in schemas.FOLLOWERS.columns})
    return out, truth


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
# Activities
# --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _ActivityType:
    duration: tuple[int, int]           # days, inclusive range
    platforms: dict[str, float]
    reach: tuple[float, float]          # log-uniform range
    participate: tuple[float, float]    # of reach
    convert: tuple[float, float]        # of participants
    follow: tuple[float, float]         # follows per participant
    order_value: tuple[float, float]    # CNY per conversion
    staff_hours: tuple[float, float]
    names: dict[str, tuple[str, ...]]   # name templates by platform; "*" fits any platform


_ACTIVITY_TYPES: dict[str, _ActivityType] = {
    "lottery": _ActivityType(
        (5, 10), {"wechat": 0.7, "weibo": 0.3}, (40_000, 220_000), (0.06, 0.16),
        (0.003, 0.012), (0.18, 0.40), (150, 320), (16, 48),
        {"*": ("粉丝福利｜留言抽{n}位送{gift}", "会员日幸运大抽奖", "关注有礼｜抽{gift}"),
         "weibo": ("转发抽奖送{gift}",)}),
    "qa": _ActivityType(
        (3, 7), {"wechat": 0.6, "zhihu": 0.4}, (15_000, 80_000), (0.02, 0.06),
        (0.005, 0.020), (0.10, 0.25), (120, 260), (12, 32),
        {"*": ("{topic}知识问答挑战", "有问必答｜{topic}专场"), "zhihu": ("知乎圆桌：聊聊{topic}",)}),
    "vote": _ActivityType(
        (5, 10), {"wechat": 0.7, "weibo": 0.3}, (20_000, 100_000), (0.05, 0.12),
        (0.002, 0.008), (0.12, 0.30), (120, 260), (10, 28),
        {"*": ("新品配色投票：你来定{product}的新颜色", "读者最爱好文评选", "“最想要的功能”投票")}),
    "coupon": _ActivityType(
        (3, 11), {"wechat": 0.8, "xiaohongshu": 0.2}, (30_000, 150_000), (0.05, 0.14),
        (0.12, 0.30), (0.06, 0.14), (150, 260), (16, 40),
        {"*": ("新客专享{m}元券", "会员满减券派发"), "wechat": ("小程序下单领券",)}),
    "flash_sale": _ActivityType(
        (1, 3), {"wechat": 0.6, "douyin": 0.4}, (40_000, 200_000), (0.03, 0.08),
        (0.15, 0.35), (0.03, 0.08), (130, 250), (24, 60),
        {"*": ("周末秒杀｜{product}", "限时抢购：{product}直降{m}元"),
         "douyin": ("直播间整点抢{product}",)}),
    "offline_event": _ActivityType(
        (1, 2), {"wechat": 1.0}, (3_000, 12_000), (0.20, 0.45),
        (0.06, 0.18), (0.15, 0.35), (200, 500), (60, 160),
        {"*": ("{city}快闪店开幕", "{city}读者见面会", "{city}咖啡手作工作坊")}),
    "contest": _ActivityType(
        (10, 14), {"wechat": 0.5, "weibo": 0.3, "xiaohongshu": 0.2}, (30_000, 160_000),
        (0.006, 0.020), (0.03, 0.08), (0.15, 0.35), (150, 300), (24, 64),
        {"*": ("晒单有礼摄影大赛", "{topic}征文大赛", "创意食谱大赛")}),
    "kol": _ActivityType(
        (1, 7), {"xiaohongshu": 0.45, "douyin": 0.35, "bilibili": 0.20}, (150_000, 1_200_000),
        (0.012, 0.040), (0.02, 0.07), (0.02, 0.06), (180, 360), (16, 48),
        {"*": ("{kol}联名直播",), "xiaohongshu": ("小红书达人种草合作",),
         "douyin": ("抖音达人探店合作",), "bilibili": ("B站UP主开箱{product}",)}),
    "paid_ads": _ActivityType(
        (7, 14), {"wechat": 0.7, "douyin": 0.3}, (300_000, 2_000_000), (0.008, 0.025),
        (0.015, 0.05), (0.07, 0.16), (160, 320), (12, 32),
        {"wechat": ("朋友圈广告投放｜{product}", "公众号关注广告"),
         "douyin": ("抖音信息流投放：{product}", "DOU+加热｜{product}")}),
}

_FILL = {
    "n": ["20", "50", "100"], "gift": ["咖啡机", "香薰礼盒", "空气炸锅", "定制马克杯"],
    "topic": ["咖啡", "健康饮食", "居家收纳", "职场效率", "亲子厨房"],
    "product": ["轻屿空气炸锅", "轻屿胶囊咖啡机", "轻屿便携榨汁杯", "轻屿香薰机", "轻屿电饭煲"],
    "m": ["10", "20", "30", "50"], "city": ["上海", "北京", "杭州", "成都", "广州", "深圳"],
    "kol": ["美食博主", "家居达人", "职场UP主"],
}

# festival activities (month-day or "spring", type, platform, name); the rest are spread over
# the period at random
_ANCHORS = (
    ("spring", "lottery", "wechat", "新春红包抽奖"),
    ("06-01", "coupon", "wechat", "618满减券派发"),
    ("06-05", "paid_ads", "wechat", "618朋友圈广告"),
    ("06-16", "flash_sale", "douyin", "618限时抢购"),
    ("10-20", "coupon", "wechat", "双11预售定金券"),
    ("11-01", "lottery", "wechat", "双11会员抽奖"),
    ("11-05", "kol", "douyin", "双11达人直播"),
    ("11-10", "flash_sale", "wechat", "双11限时抢购"),
    ("12-01", "coupon", "xiaohongshu", "双12返场券"),
    ("09-10", "offline_event", "wechat", "品牌周年庆线下派对"),
)


def _fill(rng: np.random.Generator, template: str) -> str:
    for key, values in _FILL.items():
        token = "{" + key + "}"
        if token in template:
            template = template.replace(token, values[int(rng.integers(len(values)))])
    return template


def _log_uniform(rng: np.random.Generator, bounds: np.ndarray) -> np.ndarray:
    lo, hi = np.log(bounds[:, 0]), np.log(bounds[:, 1])
    return np.exp(lo + (hi - lo) * rng.random(len(bounds)))


def _activities(rng: np.random.Generator, n_random: int = 42) -> pd.DataFrame:
    # start, type, platform, name, festival
    rows: list[tuple[pd.Timestamp, str, str, str, bool]] = []
    years = range(START.year, TODAY.year + 1)
    spring = dict(zip(years, spring_festivals(years)))
    for year in years:
        for when, kind, platform, name in _ANCHORS:
            start = spring[year] - pd.Timedelta(days=7) if when == "spring" \
                else pd.Timestamp(f"{year}-{when}")
            if START <= start <= TODAY - pd.Timedelta(days=5):
                rows.append((start, kind, platform, f"{year}年{name}", True))
    types = list(schemas.ACTIVITY_TYPES)
    # every type at least twice, the rest weighted towards the cheap everyday ones
    extra = rng.choice(types, size=n_random - 2 * len(types),
                       p=_probs({"lottery": 3, "qa": 2, "vote": 2, "coupon": 2, "flash_sale": 2,
                                 "offline_event": 1, "contest": 1.5, "kol": 2, "paid_ads": 1.5},
                                tuple(types)))
    span = (TODAY - START).days - 15
    for kind in types * 2 + list(extra):
        spec = _ACTIVITY_TYPES[kind]
        start = START + pd.Timedelta(days=int(rng.integers(0, span)))
        platforms = tuple(spec.platforms)
        platform = platforms[rng.choice(len(platforms), p=_probs(spec.platforms, platforms))]
        pool = spec.names.get("*", ()) + spec.names.get(platform, ())
        rows.append((start, kind, platform, _fill(rng, pool[int(rng.integers(len(pool)))]), False))

    df = pd.DataFrame(rows, columns=["start_date", "activity_type", "platform", "name", "festival"])
    df = df.sort_values(["start_date", "activity_type"], kind="stable").reset_index(drop=True)
    n = len(df)
    specs = [_ACTIVITY_TYPES[k] for k in df["activity_type"]]
    arr = lambda attr: np.array([getattr(s, attr) for s in specs], float)  # noqa: E731
    dur = arr("duration").astype(int)
    df["end_date"] = df["start_date"] + pd.to_timedelta(
        rng.integers(dur[:, 0], dur[:, 1] + 1) - 1, unit="D")
    # festival sales and ads run up to the festival day itself
    for (md_end, tag) in (("06-18", "618"), ("11-11", "双11")):
        fixed = df["festival"] & df["name"].str.contains(tag, regex=False) \
            & df["activity_type"].isin(["lottery", "flash_sale", "paid_ads"])
        ends = pd.to_datetime(df["start_date"].dt.year.astype(str) + "-" + md_end)
        df.loc[fixed, "end_date"] = ends[fixed]
    df["end_date"] = df["end_date"].clip(upper=TODAY)

    lift = np.where(df["festival"], 1.5, 1.0)
    reach = np.rint(_log_uniform(rng, arr("reach")) * lift)
    part_rate = _log_uniform(rng, arr("participate"))
    participants = np.rint(reach * part_rate)
    conv_rate = _log_uniform(rng, arr("convert")) * np.where(df["festival"], 1.25, 1.0)
    conversions = np.rint(participants * conv_rate)
    follows = np.rint(participants * _log_uniform(rng, arr("follow")))
    ov = arr("order_value")
    order_value = ov[:, 0] + (ov[:, 1] - ov[:, 0]) * rng.random(n)
    revenue_cents = np.rint(conversions * order_value * 100)

    # costs in integer cents so that cost_total is exactly the sum of the items
    kind = df["activity_type"].to_numpy()
    cents = {c: np.zeros(n) for c in ("prizes", "coupons", "ads", "kol", "venue", "staff")}
    prize_range = {"lottery": (4_000, 40_000), "qa": (500, 5_000), "vote": (500, 4_000),
                   "contest": (5_000, 30_000), "offline_event": (1_000, 6_000)}
    for k, (lo, hi) in prize_range.items():
        m = kind == k
        cents["prizes"][m] = np.rint(_log_uniform(rng, np.tile([lo, hi], (m.sum(), 1)))) * 100
    face = np.where(kind == "coupon", rng.uniform(35, 80, n), rng.uniform(25, 60, n))
    m = np.isin(kind, ["coupon", "flash_sale"])
    cents["coupons"][m] = np.rint(conversions[m] * face[m] * 100)
    cpm = rng.uniform(35, 90, n)
    m = kind == "paid_ads"
    cents["ads"][m] = np.rint(reach[m] / 1000 * cpm[m] * 100)
    # some activities are promoted with a little paid traffic
    boost = np.isin(kind, ["lottery", "kol", "contest", "coupon", "flash_sale"]) \
        & (rng.random(n) < 0.35)
    cents["ads"][boost] = np.rint(rng.uniform(5_000, 40_000, int(boost.sum()))) * 100
    m = kind == "kol"
    cents["kol"][m] = np.rint(reach[m] * rng.uniform(0.08, 0.25, m.sum())) * 100
    m = kind == "offline_event"
    cents["venue"][m] = np.rint(rng.uniform(15_000, 90_000, m.sum())) * 100
    hours = _log_uniform(rng, arr("staff_hours"))
    cents["staff"] = np.rint(hours * rng.uniform(120, 200, n) * 100)

    df["activity_id"] = [f"ACT{i:03d}" for i in range(1, n + 1)]
    out = pd.DataFrame({"activity_id": df["activity_id"], "name": df["name"],
                        "activity_type": df["activity_type"], "platform": df["platform"],
                        "start_date": df["start_date"], "end_date": df["end_date"]})
    total = np.zeros(n)
    for item, values in cents.items():
        out[f"cost_{item}"] = values.astype(np.int64)
        total += values
    out["cost_total"] = total.astype(np.int64)
    out["reach"] = reach.astype(np.int64)
    out["participants"] = participants.astype(np.int64)
    out["conversions"] = conversions.astype(np.int64)
    out["revenue"] = revenue_cents.astype(np.int64)
    out["follows_gained"] = follows.astype(np.int64)
    return out   # money columns still in cents; converted in generate()


# --------------------------------------------------------------------------------------------
# Daily users and the WeChat article numbers (one recurrence: followers <-> pushes)
# --------------------------------------------------------------------------------------------

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


# --------------------------------------------------------------------------------------------
# Titles and URLs
# --------------------------------------------------------------------------------------------

_TITLES = {
    "educational": ("干货｜{n}个方法让你的{thing}效率翻倍", "{n}个{topic}误区，你中了几个？",
                    "手把手教你{skill}", "一文读懂{concept}", "收藏！{topic}全攻略",
                    "新手必看：{skill}的{n}个步骤", "职场人的高效早餐：{n}分钟搞定"),
    "news": ("{industry}观察：{trend}", "早报｜{trend}", "{month}月{industry}新规解读",
             "最新！{trend}", "行业报告：{industry}的{n}个变化"),
    "interactive": ("投票｜你更喜欢{a}还是{b}？", "留言区见：你的{topic}故事",
                    "Q&A｜关于{product}你问我答", "话题讨论：{question}", "评论区抽{n}位送{gift}"),
    "fun": ("笑不活了！{topic}的{n}个瞬间", "打工人的{topic}日常 be like",
            "测一测：你是哪种{topic}人格？", "当{a}遇上{b}……", "“{meme}”是什么梗？"),
    "story": ("品牌故事｜{brand}背后的{n}年", "用户说｜{person}和{product}的故事",
              "一个关于{topic}的温暖故事", "我们为什么坚持\"{value}\"", "{person}的一天"),
    "product": ("新品上市｜{product}，{selling}", "{product}测评：{selling}",
                "{product} & {product2}组合，{selling}", "价格<{price}元的{n}件好物",
                "{product}使用指南"),
    "event_report": ("活动回顾｜{event}圆满落幕", "现场直击：{event}", "{city}站｜{event}精彩瞬间"),
}
_SEASON_TITLES = {
    "d11": ("双11攻略：{product}怎么买最划算", "双11预售开启｜{product}到手价{price}元",
            "双11必囤清单：{n}件{topic}好物"),
    "s618": ("618必买清单｜{n}件{topic}好物", "618大促：{product}限时{discount}折"),
    "d12": ("双12返场｜{product}再降{m}元",),
    "spring": ("新春特辑｜{topic}", "年夜饭{n}道硬菜，{product}全搞定", "春节假期{topic}指南"),
}
_TITLE_FILL = {
    "n": ["3", "5", "7", "10"], "thing": ["厨房", "早晨", "通勤", "周末", "收纳"],
    "topic": ["咖啡", "健康饮食", "居家收纳", "职场效率", "亲子厨房", "露营", "理财"],
    "skill": ["做一杯手冲咖啡", "整理冰箱", "写好周报", "规划家庭预算", "做儿童早餐"],
    "concept": ["冷萃和冰滴的区别", "空气炸锅的原理", "复利", "碳水循环饮食"],
    "industry": ["小家电", "咖啡", "新消费", "家居"], "month": ["3", "6", "9", "12"],
    "trend": ["小家电进入存量竞争", "即饮咖啡价格战升级", "年轻人开始“精致穷”",
              "国补政策延续到明年", "AI 家电走进厨房"],
    "a": ["美式", "拿铁", "早起", "熬夜", "猫", "狗"], "b": ["拿铁", "手冲", "打工", "周一"],
    "question": ["你每天喝几杯咖啡？", "工作和生活能平衡吗？", "孩子的早餐谁来做？"],
    "gift": ["咖啡机", "香薰礼盒", "定制马克杯"],
    "meme": ["City不City", "松弛感", "情绪价值", "搭子"],
    "brand": [BRAND], "person": ["上海白领小林", "二胎妈妈阿敏", "退休教师王阿姨", "程序员大周"],
    "product": _FILL["product"], "product2": ["轻屿咖啡豆", "轻屿香薰精油", "轻屿保温杯"],
    "selling": ["10分钟搞定一家三口早餐", "小户型也放得下", "颜值和实力都在线", "一键清洁"],
    "value": ["少即是多", "慢一点也没关系", "好好吃饭"],
    "price": ["99", "199", "299"], "discount": ["7", "8", "85"], "m": ["30", "50", "100"],
    "event": ["轻屿周年庆", "咖啡手作工作坊", "城市快闪店", "读者见面会"],
    "city": _FILL["city"],
}


def _titles(rng: np.random.Generator, types: np.ndarray, times: pd.Series) -> list[str]:
    cal = _calendar(times)
    season = np.select([cal.d11, cal.s618, cal.d12, cal.spring],
                       ["d11", "s618", "d12", "spring"], "")
    use_season = (season != "") & (rng.random(len(types)) < np.where(types == "product", 0.8, 0.2))
    picks = rng.random(len(types))
    fill_picks = rng.random((len(types), len(_TITLE_FILL)))
    keys = list(_TITLE_FILL)
    out = []
    for i, (kind, seas) in enumerate(zip(types, season)):
        pool = _SEASON_TITLES[seas] if use_season[i] else _TITLES[kind]
        title = pool[int(picks[i] * len(pool))]
        for j, key in enumerate(keys):
            token = "{" + key + "}"
            if token in title:
                values = _TITLE_FILL[key]
                title = title.replace(token, values[int(fill_picks[i, j] * len(values))])
        out.append(title)
    return out


def _random_tokens(rng: np.random.Generator, n: int, length: int, alphabet: str) -> list[str]:
    chars = np.array(list(alphabet))
    idx = rng.integers(0, len(chars), size=(n, length))
    return ["".join(row) for row in chars[idx]]


_URL_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def _urls(rng: np.random.Generator, platform: np.ndarray) -> np.ndarray:
    n = len(platform)
    wechat = _random_tokens(rng, n, 22, _URL_ALPHABET)
    hex24 = _random_tokens(rng, n, 24, "0123456789abcdef")
    digits = _random_tokens(rng, n, 19, "0123456789")
    weibo = _random_tokens(rng, n, 9, _URL_ALPHABET[:62])
    url = np.select(
        [platform == "wechat", platform == "xiaohongshu", platform == "douyin",
         platform == "zhihu", platform == "weibo"],
        [np.char.add("https://mp.weixin.qq.com/s/", wechat),
         np.char.add("https://www.xiaohongshu.com/explore/", hex24),
         np.char.add("https://www.douyin.com/video/7", np.array(digits)),
         np.char.add("https://zhuanlan.zhihu.com/p/", np.array([d[:10] for d in digits])),
         np.char.add("https://weibo.com/7300000001/", weibo)], "")
    return url.astype(object)


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


# --------------------------------------------------------------------------------------------
# Reader distributions of WeChat articles (单篇详情: 性别分布, 年龄分布, 地域分布)
# --------------------------------------------------------------------------------------------

# interests each content type speaks to
_TYPE_INTERESTS = {
    "educational": {"career": 1.0, "education": 1.0, "finance": 0.8, "tech": 0.7,
                    "parenting": 0.4, "food": 0.3},
    "news": {"finance": 1.0, "tech": 0.9, "career": 0.7, "lifestyle": 0.3},
    "interactive": {"entertainment": 0.8, "games": 0.6, "lifestyle": 0.7, "food": 0.5},
    "fun": {"entertainment": 1.0, "games": 0.9, "sports": 0.5},
    "story": {"lifestyle": 0.8, "parenting": 0.7, "travel": 0.6, "food": 0.4},
    "product": {"fashion_beauty": 1.0, "lifestyle": 0.9, "food": 0.9, "parenting": 0.5},
    "event_report": {"lifestyle": 0.7, "travel": 0.7, "food": 0.6, "entertainment": 0.4},
}
# ... and the topic of the title on top of it: words of the sample's titles and the interests
# they speak to ("10个理财误区" draws other readers than "10个亲子厨房误区")
_TITLE_TOPICS = (
    (("亲子", "儿童", "孩子", "一家三口", "二胎"), {"parenting": 1.0, "food": 0.3}),
    (("理财", "复利", "预算"), {"finance": 1.0}),
    (("职场", "周报", "通勤", "打工", "工作", "白领"), {"career": 1.0}),
    (("露营",), {"travel": 1.0, "sports": 0.3}),
    (("咖啡", "手冲", "冷萃", "拿铁", "美式"), {"food": 0.6, "lifestyle": 0.5}),
    (("饮食", "早餐", "年夜饭", "厨房", "电饭煲", "空气炸锅", "榨汁", "好好吃饭"), {"food": 1.0}),
    (("收纳", "冰箱", "家居", "小户型"), {"lifestyle": 1.0}),
    (("香薰", "颜值", "精致"), {"fashion_beauty": 0.8, "lifestyle": 0.4}),
    (("AI", "程序员", "原理"), {"tech": 1.0}),
    (("梗", "人格", "猫", "狗", "熬夜", "City"), {"entertainment": 1.0}),
)
_TOPIC_WEIGHT = 1.5
_PULL_FLOOR = 0.2
_PULL_POWER = 2.0           # sharpens the pull so content types draw visibly different readers
_MIX_CONCENTRATION = 80.0   # Dirichlet concentration of an article's segment mix around its own


def _pulls(types: pd.Series, titles: pd.Series) -> np.ndarray:
    """Interest weights of each (content type, title): the type's plus the title's topics."""
    interests = list(schemas.INTERESTS)
    out = np.zeros((len(types), len(interests)))
    for row, (kind, title) in enumerate(zip(types, titles)):
        for interest, w in _TYPE_INTERESTS[kind].items():
            out[row, interests.index(interest)] = w
        topic = np.zeros(len(interests))
        for words, weights in _TITLE_TOPICS:
            if any(word in title for word in words):
                for interest, w in weights.items():
                    topic[interests.index(interest)] = max(topic[interests.index(interest)], w)
        out[row] += _TOPIC_WEIGHT * topic
    return out


def _reader_pool(followers: pd.DataFrame, truth: pd.DataFrame, pulls: np.ndarray,
                 ) -> tuple[list[str], np.ndarray, dict[str, np.ndarray]]:
    """Who reads an article of each interest profile (``pulls``, audiences x interests).

    Every WeChat follower of the follower sample is a potential reader, weighted by their reads
    in 30 days (dormant people read nothing) and by their pull towards the audience
    (``(0.2 + the pulls of the interests they listed)²``). Returns the provinces (region
    levels), the segment mix of each audience (audiences x segments) and, per dimension, the
    level distribution of each (audience, segment) (audiences x segments x levels).
    """
    wechat = (followers["platform"] == "wechat").to_numpy()
    f = followers[wechat]
    segment = pd.Categorical(truth["segment"].to_numpy()[wechat],
                             categories=[s.code for s in SEGMENTS]).codes
    interests = f["interests"].fillna("").str.get_dummies(sep=";").reindex(
        columns=list(schemas.INTERESTS), fill_value=0).to_numpy(float)
    weight = f["reads_30d"].to_numpy(float)[:, None] \
        * (_PULL_FLOOR + interests @ pulls.T) ** _PULL_POWER           # people x audiences
    provinces = sorted(f["province"].dropna().unique())
    levels = {"gender": list(schemas.GENDERS), "age": list(schemas.AGE_BANDS),
              "region": provinces}
    values = {"gender": f["gender"], "age": f["age_band"], "region": f["province"]}
    mix = np.stack([weight[segment == s].sum(axis=0) for s in range(len(SEGMENTS))], axis=1)
    profile = {}
    for dim, lv in levels.items():
        onehot = pd.get_dummies(pd.Categorical(values[dim], categories=lv)).to_numpy(float)
        counts = np.stack([weight[segment == s].T @ onehot[segment == s]
                           for s in range(len(SEGMENTS))], axis=1)  # audiences x seg x levels
        profile[dim] = counts / counts.sum(axis=2, keepdims=True)
    return provinces, mix / mix.sum(axis=1, keepdims=True), profile


def _distributions(rng: np.random.Generator, articles: pd.DataFrame, followers: pd.DataFrame,
                   truth: pd.DataFrame) -> pd.DataFrame:
    """Gender / age / region readers of the WeChat articles, merged per title.

    Each article's readers (``read_users``, else ``reads``) are split over the segments
    (Dirichlet around the mix of its content type and title topic, then multinomial) and each
    segment's readers over the levels of every dimension (multinomial), so the three
    dimensions describe the same readers. Articles sharing a title are merged (users added)
    since the table is keyed on the title; shares are ``users / readers`` of the title.
    """
    w = articles[articles["platform"] == "wechat"]
    total = w["read_users"].fillna(w["reads"]).to_numpy(np.int64)
    audience, keys = pd.factorize(pd.MultiIndex.from_arrays([w["content_type"], w["title"]]))
    pulls = _pulls(keys.get_level_values(0), keys.get_level_values(1))
    provinces, mix, profile = _reader_pool(followers, truth, pulls)
    gamma = rng.standard_gamma(_MIX_CONCENTRATION * mix[audience])     # Dirichlet, vectorised
    per_segment = rng.multinomial(total, gamma / gamma.sum(axis=1, keepdims=True))
    levels = {"gender": list(schemas.GENDERS), "age": list(schemas.AGE_BANDS),
              "region": provinces}
    title_codes, titles = pd.factorize(w["title"])
    frames = []
    for dim_order, dim in enumerate(schemas.DISTRIBUTION_DIMENSIONS):
        users = rng.multinomial(per_segment, profile[dim][audience]).sum(axis=1)
        by_title = np.zeros((len(titles), users.shape[1]), np.int64)   # titles x levels
        np.add.at(by_title, title_codes, users)
        n_titles, n_levels = by_title.shape
        frame = pd.DataFrame({
            "title": np.repeat(np.asarray(titles, dtype=object), n_levels),
            "dimension": dim,
            "level": np.tile(np.asarray(levels[dim], dtype=object), n_titles),
            "users": by_title.ravel(),
            "title_order": np.repeat(np.arange(n_titles), n_levels),
            "dim_order": dim_order,
            "order": np.tile(np.arange(n_levels), n_titles),
        })
        if dim == "region":   # the export lists the provinces with readers, most readers first
            frame = frame[frame["users"] > 0]
            frame["order"] = -frame["users"]
        frames.append(frame)
    out = pd.concat(frames, ignore_index=True)
    out = out.sort_values(["title_order", "dim_order", "order", "level"], kind="stable")
    readers = out.groupby(["title_order", "dim_order"])["users"].transform("sum")
    out["share"] = out["users"] / readers
    return out[schemas.DISTRIBUTIONS.names].reset_index(drop=True)


# --------------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------------

def generate(seed: int = SEED) -> dict[str, pd.DataFrame]:
    """Generate every sample table in memory.

    Parameters
    ----------
    seed : seed of the numpy random generator; the same seed gives the same tables.

    Returns
    -------
    dict with keys ``followers``, ``articles``, ``daily_users``, ``activities``,
    ``distributions`` (canonical columns in schema order; money as ``float`` CNY) and
    ``followers_planted`` (``follower_id``, ``segment``: the planted labels, for tests only).

    Examples
    --------
    >>> tables = generate()
    >>> list(tables["daily_users"].columns) == schemas.DAILY_USERS.names
    True
    """
    seeds = np.random.SeedSequence(seed).spawn(6)
    # the sixth stream was spare: distributions draw from it, so adding them left every other
    # table unchanged
    rng_followers, rng_skeleton, rng_activities, rng_daily, rng_articles, rng_readers = (
        np.random.default_rng(s) for s in seeds)
    followers, truth = _followers(rng_followers)
    skeleton = _article_skeleton(rng_skeleton)
    activities = _activities(rng_activities)
    daily, wechat = _daily_and_wechat(rng_daily, skeleton, activities)
    articles = _articles(rng_articles, skeleton, wechat)
    distributions = _distributions(rng_readers, articles, followers, truth)
    money = [c.name for c in schemas.ACTIVITIES.columns if c.unit == "CNY"]
    activities[money] = activities[money] / 100.0
    return {
        "followers": followers[schemas.FOLLOWERS.names],
        "articles": articles[schemas.ARTICLES.names],
        "daily_users": daily[schemas.DAILY_USERS.names],
        "activities": activities[schemas.ACTIVITIES.names],
        "distributions": distributions,
        "followers_planted": truth,
    }


def _format(df: pd.DataFrame, schema: schemas.Schema | None) -> pd.DataFrame:
    """Everything as text with fixed formats, so the CSV bytes never depend on pandas' repr."""
    decimals = {"CNY": 2, "fraction": 4, "seconds": 1}
    decimals_by_name = {"open_rate": 6}
    out = pd.DataFrame(index=df.index)
    for name in df.columns:
        col = df[name]
        spec = schema[name] if schema is not None and name in schema.names else None
        if spec is not None and spec.dtype in ("date", "datetime"):
            fmt = "%Y-%m-%d" if spec.dtype == "date" else "%Y-%m-%d %H:%M"
            out[name] = pd.to_datetime(col).dt.strftime(fmt).fillna("")
        elif spec is not None and spec.dtype == "float":
            d = decimals_by_name.get(name, decimals.get(spec.unit, 4))
            values = col.to_numpy(dtype=float)
            out[name] = [("" if np.isnan(v) else f"{v:.{d}f}") for v in values]
        elif spec is not None and spec.dtype == "int":
            out[name] = pd.array(col, dtype="Int64").astype("string").fillna("")
        else:
            out[name] = col.astype("string").fillna("")
    return out


def _write_csv(df: pd.DataFrame, path: Path, schema: schemas.Schema | None) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = _format(df, schema).to_csv(index=False, lineterminator="\n")
    path.write_bytes(text.encode("utf-8"))


def data_dictionary(tables: dict[str, pd.DataFrame]) -> str:
    """The ``README.md`` data dictionary, generated from the schema tables.

    Parameters
    ----------
    tables : the output of :func:`generate` (used for row counts and periods).

    Returns
    -------
    Markdown text.
    """
    lines = [
        "# Sample data",
        "",
        f"Generated by `python -m workbench.sample --out data/` (seed {SEED}, fixed today "
        f"{TODAY:%Y-%m-%d}). Do not edit by hand: the test suite regenerates these files and "
        "compares them byte for byte.",
        "",
        f"A fictitious mid-size home-and-lifestyle brand ({BRAND}) with a WeChat subscription "
        "account and accounts on Weibo, Xiaohongshu, Douyin and Zhihu, over two years "
        f"({START:%Y-%m-%d} .. {TODAY:%Y-%m-%d}). All files are UTF-8 CSV without BOM, `\\n` line "
        "ends, dates `YYYY-MM-DD`, times `YYYY-MM-DD HH:MM` (Beijing time); an empty cell is a "
        "missing value. Category columns hold the English level codes of "
        "`workbench/schemas.py` (the i18n catalogue gives display names); `multi` columns join "
        "several codes with `;`.",
        "",
    ]
    periods = {
        "followers": "a snapshot on " + f"{TODAY:%Y-%m-%d}" + " (30- and 90-day windows end then)",
        "articles": None, "daily_users": None, "activities": None, "distributions": None,
    }
    date_cols = {"articles": "publish_time", "daily_users": "date", "activities": "start_date"}
    for kind in ("followers", "articles", "daily_users", "activities", "distributions"):
        schema = schemas.schema(kind)
        df = tables[kind]
        period = periods[kind]
        if kind == "distributions":
            a = tables["articles"]
            covered = a[a["title"].isin(set(df["title"])) & (a["platform"] == "wechat")]
            summary = (
                f"{len(df):,} rows: the readers of all {len(covered):,} WeChat articles "
                f"({covered['publish_time'].min():%Y-%m-%d} .. "
                f"{covered['publish_time'].max():%Y-%m-%d}) under their "
                f"{df['title'].nunique():,} titles; the sample's titles repeat, so articles "
                "sharing a title are merged (users added, shares recomputed)")
        else:
            if period is None:
                col = pd.to_datetime(df[date_cols[kind]])
                period = f"{col.min():%Y-%m-%d} .. {col.max():%Y-%m-%d}"
            summary = f"{len(df):,} rows; period: {period}"
        lines += [
            f"## `{FILES[kind]}`: {schema.zh}",
            "",
            f"{schema.description}. {summary}.",
            "",
            "| column | 中文名 | type | unit | meaning |",
            "| --- | --- | --- | --- | --- |",
        ]
        for c in schema.columns:
            meaning = c.description
            if c.levels:
                meaning = (meaning + ". " if meaning else "") + "Codes: " + ", ".join(
                    f"`{lv}`" for lv in c.levels)
            if c.required:
                meaning += " (required)"
            lines.append(f"| `{c.name}` | {c.zh} | {c.dtype} | {c.unit} | {meaning.strip()} |")
        lines.append("")
    truth = tables["followers_planted"]
    sizes = truth["segment"].value_counts()
    lines += [
        f"## `{FILES['followers_planted']}`: planted segments (tests only)",
        "",
        "The segment each follower was generated from (`follower_id`, `segment`). Only the tests "
        "read it, to check that persona segmentation recovers the planted structure; the "
        "dashboards never do. About 17 % of every trait is drawn off-profile and some cells are "
        "blank, so recovery is good but not perfect.",
        "",
        "| segment | 名称 | followers | profile |",
        "| --- | --- | --- | --- |",
    ]
    for seg in SEGMENTS:
        lines.append(f"| `{seg.code}` | {seg.zh} | {int(sizes.get(seg.code, 0)):,} | "
                     f"{seg.description} |")
    lines += [
        "",
        "## Effects planted in the data",
        "",
        "- Content types perform differently per platform: educational leads on WeChat and "
        "Zhihu, fun on Douyin, product on Xiaohongshu, news on Weibo.",
        "- WeChat headlines (position 1) get several times the reads of secondary slots "
        "(secondary open rate 15-40 % of the headline's).",
        "- Weekday and hour effects: WeChat and Zhihu weaker at weekends, Douyin and "
        "Xiaohongshu stronger; WeChat evening pushes best, noon worst.",
        "- Spring Festival (from the `holidays` China calendar) cuts reads and cadence; "
        "National Day week dips; 618, Double 11 (20 Oct - 11 Nov) and Double 12 lift product "
        "content, and more of it is published then.",
        "- WeChat open rate (push_reads / delivered) around 1-5 %; about two thirds of reads "
        "come from the push; share rate 1-6 %; engagement 2-8 %; a few viral posts reach 10万+.",
        "- `delivered` is the WeChat follower count at push time from `daily_users.csv`; "
        "`daily_users` new follows = baseline + that day's WeChat `follows_after_read` (counted "
        "in `new_from_article_menu`) + WeChat activities' `follows_gained` spread over their "
        "days; unfollows bump after pushes and after lotteries.",
        "- `net_follows = new_follows - unfollows`, `cumulative_follows` is the running sum, the "
        "five `new_from_*` columns sum to `new_follows`; in `activities.csv` `cost_total` is the "
        "sum of the six cost items.",
        "- `distributions.csv`: for each title and dimension, `users` sum exactly to the "
        "`read_users` of its WeChat articles in `articles.csv` and `share = users / that sum` "
        "(4 decimals, so shares sum to 1 within rounding); gender and age list every level, "
        "region the provinces with readers, most first. The readers are drawn from the WeChat "
        "followers of `followers.csv` by reading activity and by how well their interests fit "
        "the content type and the title's topic: product articles' readers are mostly women, "
        "educational and news ones 25-50, more often men and from Beijing, Shanghai and "
        "Guangdong, fun ones the youngest.",
        "",
    ]
    return "\n".join(lines)


def write(out_dir: str | Path = "data", seed: int = SEED) -> dict[str, Path]:
    """Generate the sample tables and write them (and ``README.md``) under ``out_dir``.

    Parameters
    ----------
    out_dir : output directory (created if needed).
    seed : seed passed to :func:`generate`.

    Returns
    -------
    dict of table name (and ``readme``) to the written path.

    Examples
    --------
    >>> paths = write("/tmp/sample-data")          # doctest: +SKIP
    >>> sorted(paths)                               # doctest: +SKIP
    ['activities', 'articles', 'daily_users', 'distributions', 'followers', 'followers_planted',
     'readme']
    """
    out = Path(out_dir)
    tables = generate(seed)
    paths = {}
    for kind, df in tables.items():
        path = out / FILES[kind]
        schema = schemas.SCHEMAS.get(kind)
        _write_csv(df, path, schema)
        paths[kind] = path
    readme = out / "README.md"
    readme.write_bytes(data_dictionary(tables).encode("utf-8"))
    paths["readme"] = readme
    return paths


def main(argv: list[str] | None = None) -> int:
    """Command line: ``python -m workbench.sample --out data/ [--seed N]``."""
    parser = argparse.ArgumentParser(prog="python -m workbench.sample",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("--out", default="data", help="output directory (default: data)")
    parser.add_argument("--seed", type=int, default=SEED, help=f"random seed (default: {SEED})")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    paths = write(args.out, args.seed)
    for path in paths.values():
        print(f"{path}  {path.stat().st_size:,} bytes")
    print(f"done in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
