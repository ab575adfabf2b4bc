"""The brand the sample is about, its two years, its calendar and its follower segments.

A fictitious mid-size home-and-lifestyle brand, :data:`BRAND` (small kitchen appliances, coffee,
home fragrance: :data:`PRODUCTS`), seen from :data:`START` to the fixed "today" :data:`TODAY`.
Its calendar (:func:`spring_festivals`, ``_calendar``) marks the Spring Festival, National Day
and the shopping festivals (618, Double 11, Double 12) that every table reacts to;
:data:`SEGMENTS` are the six kinds of people who follow it, from which
:mod:`workbench.sample.followers` draws the followers and :mod:`workbench.sample.distributions`
the readers.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from workbench.festivals import spring_festivals

__all__ = ["BRAND", "N_FOLLOWERS", "SEED", "SEGMENTS", "START", "START_FOLLOWERS", "TODAY",
           "Segment", "spring_festivals"]


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
PRODUCTS = ["轻屿空气炸锅", "轻屿胶囊咖啡机", "轻屿便携榨汁杯", "轻屿香薰机", "轻屿电饭煲"]
"""The brand's products, as activity names and article titles mention them."""
CITIES = ["上海", "北京", "杭州", "成都", "广州", "深圳"]
"""The cities of the brand's offline events, in activity names and article titles."""


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
# Follower segments
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


# --------------------------------------------------------------------------------------------
# Drawing levels by weight
# --------------------------------------------------------------------------------------------

def _probs(weights: dict[str, float], levels: tuple[str, ...]) -> np.ndarray:
    p = np.array([weights.get(lv, 0.0) for lv in levels], float)
    return p / p.sum()
