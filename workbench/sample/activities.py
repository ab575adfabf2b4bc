"""Activities: about 60 past activities of all nine types, with funnel, costs, revenue and
follows gained.

Each type (``_ACTIVITY_TYPES``) has its platforms, duration, reach, participation, conversion
and follow rates and its costs; festival activities (``_ANCHORS``) come back every year, the
rest are spread over the period at random.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from workbench import schemas

from .brand import CITIES, PRODUCTS, START, TODAY, _probs, spring_festivals


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
        {"*": ("{topic}知识问答挑战", "有问必答｜{topic}专场"),
         "zhihu": ("知乎圆桌：聊聊{topic}",)}),
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
    "product": PRODUCTS,
    "m": ["10", "20", "30", "50"], "city": CITIES,
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
