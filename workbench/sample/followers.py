"""Followers: about 20,000 people drawn from the brand's segments, as a survey or CRM export
lists them.

Each follower is drawn from one of :data:`workbench.sample.brand.SEGMENTS` (its gender, age band,
city tier, occupation, interests, platform, follow source and online hour, then its reads,
shares, comments, purchases and spend); :data:`_NOISE` of every trait comes from the whole
base (``_BASE``) instead, and provinces are drawn consistently with the city tier.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from workbench import schemas

from .brand import N_FOLLOWERS, SEGMENTS, TODAY, _probs


_NOISE = 0.17  # share of each trait drawn off-profile

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
