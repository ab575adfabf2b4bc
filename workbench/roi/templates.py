"""Starting values per activity type (:func:`template`): lottery, Q&A, vote, coupon, flash
sale, offline event, contest, KOL, paid ads, each with a note on where its numbers come from.
"""

from __future__ import annotations

from typing import Any

from .. import i18n
from ..errors import InputError
from .estimate import ACTIVITY_TYPES, ActivityEstimate
from .model import INPUT_KEYS


# Starting values per activity type, for a brand account selling small kitchen appliances
# (orders of 150-300 CNY at a 30-50 % gross margin) on Chinese social platforms. Rates and
# amounts are in line with the team's sample history and with common industry figures: Moments
# ads at CPM 50-150 CNY; a new follower worth 5-25 CNY to an account; lottery follows churning
# faster than follows from content.
_COMMON: dict[str, tuple[float, float, float]] = {
    "margin": (0.30, 0.40, 0.50),
    "follower_value": (5.0, 12.0, 25.0),
    "staff_rate": (80.0, 100.0, 130.0),
}
_TEMPLATES: dict[str, dict[str, Any]] = {
    "lottery": {
        "reach": (50_000, 100_000, 250_000), "participation_rate": (0.05, 0.08, 0.13),
        "conversion_rate": (0.004, 0.008, 0.015), "value_per_conversion": (150, 200, 280),
        "follow_rate": (0.18, 0.27, 0.36), "retention": (0.35, 0.50, 0.70),
        "cost_prizes": (5_000, 8_000, 15_000), "staff_hours": (30, 45, 65),
        "ad_impressions": (0, 100_000, 250_000), "cpm": (50, 90, 150),
    },
    "qa": {
        "reach": (15_000, 25_000, 40_000), "participation_rate": (0.02, 0.035, 0.055),
        "conversion_rate": (0.005, 0.01, 0.02), "value_per_conversion": (130, 200, 250),
        "follow_rate": (0.12, 0.15, 0.20), "retention": (0.60, 0.75, 0.85),
        "cost_prizes": (300, 1_000, 2_500), "staff_hours": (15, 25, 40),
    },
    "vote": {
        "reach": (25_000, 40_000, 90_000), "participation_rate": (0.05, 0.09, 0.12),
        "conversion_rate": (0.002, 0.004, 0.006), "value_per_conversion": (130, 200, 230),
        "follow_rate": (0.12, 0.16, 0.25), "retention": (0.60, 0.75, 0.85),
        "cost_prizes": (500, 1_000, 3_000), "staff_hours": (15, 25, 35),
    },
    "coupon": {
        "reach": (40_000, 100_000, 160_000), "participation_rate": (0.05, 0.09, 0.13),
        "conversion_rate": (0.13, 0.22, 0.35), "value_per_conversion": (150, 210, 250),
        "follow_rate": (0.06, 0.08, 0.12), "retention": (0.60, 0.70, 0.80),
        "coupon_face_value": (30, 50, 80), "coupon_redemption": (0.13, 0.22, 0.35),
        "staff_hours": (25, 35, 60),
        "correlation": {("conversion_rate", "coupon_redemption"): 0.8},
    },
    "flash_sale": {
        "reach": (40_000, 70_000, 130_000), "participation_rate": (0.03, 0.055, 0.08),
        "conversion_rate": (0.19, 0.27, 0.43), "value_per_conversion": (150, 185, 230),
        "follow_rate": (0.03, 0.045, 0.06), "retention": (0.55, 0.65, 0.80),
        "coupon_face_value": (25, 40, 55), "coupon_redemption": (0.19, 0.27, 0.43),
        "staff_hours": (35, 55, 90),
        "correlation": {("conversion_rate", "coupon_redemption"): 0.8},
    },
    "offline_event": {
        "reach": (3_000, 6_000, 12_000), "participation_rate": (0.20, 0.30, 0.45),
        "conversion_rate": (0.10, 0.18, 0.30), "value_per_conversion": (250, 400, 600),
        "follow_rate": (0.19, 0.25, 0.30), "follower_value": (10, 25, 50),
        "retention": (0.80, 0.90, 0.95),
        "cost_prizes": (1_000, 1_600, 3_200), "cost_venue": (15_000, 30_000, 60_000),
        "cost_materials": (2_000, 4_000, 8_000), "cost_per_participant": (10, 20, 40),
        "staff_hours": (80, 120, 200),
    },
    "contest": {
        "reach": (40_000, 70_000, 100_000), "participation_rate": (0.007, 0.013, 0.019),
        "conversion_rate": (0.05, 0.067, 0.075), "value_per_conversion": (190, 240, 285),
        "follow_rate": (0.15, 0.19, 0.25), "retention": (0.60, 0.75, 0.85),
        "cost_prizes": (5_000, 7_000, 10_000), "staff_hours": (30, 40, 55),
        "ad_impressions": (0, 30_000, 150_000), "cpm": (50, 90, 150),
    },
    "kol": {
        "reach": (250_000, 600_000, 1_000_000), "participation_rate": (0.014, 0.022, 0.04),
        "conversion_rate": (0.02, 0.05, 0.07), "value_per_conversion": (200, 300, 340),
        "follow_rate": (0.02, 0.035, 0.06), "retention": (0.60, 0.75, 0.85),
        "cost_kol": (50_000, 85_000, 210_000), "staff_hours": (30, 55, 70),
    },
    "paid_ads": {
        "reach": (450_000, 800_000, 1_400_000), "participation_rate": (0.011, 0.016, 0.021),
        "conversion_rate": (0.016, 0.023, 0.049), "value_per_conversion": (185, 270, 315),
        "follow_rate": (0.07, 0.085, 0.13), "retention": (0.65, 0.78, 0.88),
        "ad_impressions": (400_000, 600_000, 900_000), "cpm": (50, 90, 150),
        "staff_hours": (15, 30, 50),
        "correlation": {("reach", "ad_impressions"): 0.8},
    },
}
_TEMPLATE_NOTES: dict[str, tuple[str, str]] = {
    "lottery": ("A WeChat comment / repost lottery (留言抽奖) with a Moments-ad boost: "
                "follows are cheap but many leave once the prizes are drawn.",
                "微信留言/转发抽奖，配合少量朋友圈广告加热：涨粉便宜，但开奖后取关较多。"),
    "qa": ("A knowledge Q&A challenge on the account: small prizes, few sales.",
           "公众号知识问答挑战：奖品小，带货少。"),
    "vote": ("A vote (e.g. pick the next colour): wide participation, almost no sales.",
             "投票活动（如新品配色投票）：参与面广，几乎不带货。"),
    "coupon": ("Coupons handed out to participants; redemption moves with conversion "
               "(correlated 0.8).",
               "向参与者派发优惠券；核销率与转化率同向变化（相关系数 0.8）。"),
    "flash_sale": ("A limited-time sale; the discount is counted as a coupon redeemed at "
                   "purchase (correlated 0.8 with conversion).",
                   "限时抢购；折扣按下单时核销的优惠券计算（与转化率相关系数 0.8）。"),
    "offline_event": ("An offline event (pop-up, meet-up, workshop): venue and staff heavy, "
                      "few but valuable attendees, who buy more and stay (a follower is worth "
                      "more).",
                      "线下活动（快闪店、见面会、工作坊）：场地和人力成本高，人少但价值高，"
                      "到场用户买得多、留得住（粉丝价值更高）。"),
    "contest": ("A UGC contest (recipes, photos) with prizes and a small ad boost.",
                "UGC 征集比赛（食谱、晒图），设奖品并少量投放广告。"),
    "kol": ("A KOL collaboration (live stream, unboxing, seeding post): one fixed fee, wide "
            "reach, low participation.",
            "KOL合作（直播、开箱、种草笔记）：一次性费用，曝光大，参与率低。"),
    "paid_ads": ("Paid ads (Moments ads / Douyin feed) at CPM 50-150 CNY; reach moves with "
                 "impressions bought (correlated 0.8).",
                 "付费广告（朋友圈广告 / 抖音信息流），CPM 50–150 元；曝光人数随购买的广告曝光"
                 "量变化（相关系数 0.8）。"),
}


def _check_type(activity_type: Any) -> str:
    if activity_type not in ACTIVITY_TYPES:
        raise InputError(f"Activity type (activity_type) {activity_type!r} is not one the "
                         "workbench knows.",
                         f"活动类型（activity_type）{activity_type!r} 无法识别。",
                         fix=f"Use one of: {', '.join(ACTIVITY_TYPES)}.",
                         fix_zh=f"请使用以下之一：{'、'.join(ACTIVITY_TYPES)}。")
    return str(activity_type)


def template(activity_type: str) -> ActivityEstimate:
    """Sensible starting values for an activity type (see the notes in the result).

    Examples
    --------
    >>> est = template("paid_ads")
    >>> est.cpm
    Range(low=50.0, likely=90.0, high=150.0)
    >>> est.note["zh"][:4]
    '广告投放'
    """
    kind = _check_type(activity_type)
    spec = dict(_COMMON)
    spec.update(_TEMPLATES[kind])
    correlation = spec.pop("correlation", {})
    en, zh = _TEMPLATE_NOTES[kind]
    label_en, label_zh = (i18n.level("activity_type", kind, "en"),
                          i18n.level("activity_type", kind, "zh"))
    return ActivityEstimate(
        kind, **spec, name=label_en, correlation=correlation,
        note={"en": f"Template for {label_en}. {en}", "zh": f"{label_zh}模板。{zh}"},
        sources={k: "template" for k in INPUT_KEYS})
