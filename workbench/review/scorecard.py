"""The team scorecard of DOMAIN.md: account metrics and activity results from a review,
the other parts rated by hand.

*Scorecard.* A KPI's score is ``100 × min(attainment, 1)`` (no credit above plan, 0 at worst);
the account-metric part (30 %) averages :data:`ACCOUNT_KPIS`, the activity part (20 %)
:data:`ACTIVITY_KPIS` (plus a hand-entered ``satisfaction`` when given); collaboration (10 %),
ability (20 %), attitude (15 %) and conduct (5 %) are entered by hand, 0-100.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Mapping

import numpy as np
import pandas as pd

from ..errors import InputError
from .campaign import CampaignReview
from .values import PAYLOAD_VERSION, _jsonable, _num, _records

__all__ = ["ACCOUNT_KPIS", "ACTIVITY_KPIS", "MANUAL_PARTS", "SCORECARD_WEIGHTS", "Scorecard",
           "scorecard"]


#: Weights of the team scorecard (DOMAIN.md).
SCORECARD_WEIGHTS: dict[str, float] = {
    "account_metrics": 0.30, "activity_results": 0.20, "collaboration": 0.10,
    "ability": 0.20, "attitude": 0.15, "conduct": 0.05,
}
_PART_LABELS = {
    "account_metrics": ("Account metrics", "账号指标"),
    "activity_results": ("Activity results", "活动效果"),
    "collaboration": ("Cross-team collaboration", "跨部门协作"),
    "ability": ("Ability", "工作能力"), "attitude": ("Attitude", "工作态度"),
    "conduct": ("Professional conduct", "职业素养"),
}


def part_label(part: str, lang: str = "en", *, weight: bool = False) -> str:
    """A scorecard part as the page names it, on its slider and in its table alike
    ("Cross-team collaboration" / "跨部门协作"), with its weight when asked ("… (10%)")."""
    en, zh = _PART_LABELS[part]
    zh_lang = str(lang).startswith("zh")
    name = zh if zh_lang else en
    if not weight:
        return name
    share = f"{SCORECARD_WEIGHTS[part]:.0%}"
    return f"{name}（{share}）" if zh_lang else f"{name} ({share})"


#: KPIs averaged into the scorecard's account-metric part (follower growth, reads, shares,
#: likes and comments in DOMAIN.md's words).
ACCOUNT_KPIS: tuple[str, ...] = ("new_follows", "reads", "share_rate", "engagement_rate")
#: KPIs averaged into the scorecard's activity part.
ACTIVITY_KPIS: tuple[str, ...] = ("participants", "conversions", "roi")
MANUAL_PARTS: tuple[str, ...] = ("collaboration", "ability", "attitude", "conduct")


@dataclass
class Scorecard:
    """The team appraisal of DOMAIN.md from a review and hand-entered ratings.

    Attributes
    ----------
    parts : one row per part: ``part, label_en, label_zh, weight, score`` (0-100),
        ``weighted`` (weight × score), ``source`` (``"data"`` or ``"manual"``), ``detail``
        (the KPI scores behind a data part, e.g. ``"reads 87; new_follows 100"``).
    total : the weighted total, 0-100.
    kpi_scores : ``{kpi: score}`` of the KPIs used.
    """

    parts: pd.DataFrame
    total: float
    kpi_scores: dict[str, float]

    def to_payload(self) -> dict[str, Any]:
        return {"kind": "team_scorecard", "version": PAYLOAD_VERSION,
                "parts": _records(self.parts), "total": _jsonable(self.total),
                "kpi_scores": _jsonable(self.kpi_scores),
                "weights": dict(SCORECARD_WEIGHTS)}


def _kpi_score(att: float) -> float:
    return 100.0 * min(max(att, 0.0), 1.0) if math.isfinite(att) else math.nan


def _check_score(name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)) \
            or not math.isfinite(float(value)) or not 0 <= float(value) <= 100:
        en, zh = _PART_LABELS.get(name, (name, name))
        raise InputError(f"The {en.lower()} score must be a number from 0 to 100, not {value!r}.",
                         f"{zh}评分必须是 0 到 100 之间的数字，而不是 {value!r}。",
                         fix="Enter the rating on a 0-100 scale.", fix_zh="请按 0-100 分填写。")
    return float(value)


def scorecard(source: Any, manual: Mapping[str, Any]) -> Scorecard:
    """The team scorecard: account metrics (30 %) and activity results (20 %) from the review,
    collaboration (10 %), ability (20 %), attitude (15 %) and conduct (5 %) by hand.

    A KPI scores ``100 × min(attainment, 1)`` (attainment as in the KPI table: share of plan,
    reversed for "lower is better"); the account part averages :data:`ACCOUNT_KPIS`, the activity
    part :data:`ACTIVITY_KPIS` plus ``manual["satisfaction"]`` when given. A data part with no
    KPI available (e.g. no activities) must be entered by hand as ``manual["account_metrics"]``
    or ``manual["activity_results"]`` (which also override the computed part).

    Parameters
    ----------
    source : a :class:`CampaignReview` or its payload.
    manual : ``{"collaboration", "ability", "attitude", "conduct"}`` ratings 0-100 (and the
        optional keys above).

    Examples
    --------
    >>> card = scorecard(rv, {"collaboration": 90, "ability": 80, "attitude": 85,
    ...                       "conduct": 100})                                  # doctest: +SKIP
    >>> round(card.total, 1)                                                    # doctest: +SKIP
    """
    if isinstance(source, CampaignReview):
        kpis = source.kpis
    elif isinstance(source, Mapping) and source.get("kind") == "campaign_review":
        kpis = pd.DataFrame(source["kpis"])
    else:
        raise InputError("The scorecard needs a campaign review (or its saved payload).",
                         "团队考核需要一份数据复盘结果（或其保存的格式）。",
                         fix="Run review.review first.", fix_zh="请先运行 review.review。")
    if not isinstance(manual, Mapping):
        raise InputError("Enter the hand-rated parts as a mapping.",
                         "请以字典形式填写人工评分部分。")
    allowed = set(MANUAL_PARTS) | {"satisfaction", "account_metrics", "activity_results"}
    unknown = [k for k in manual if k not in allowed]
    if unknown:
        raise InputError(f"Unknown scorecard part {unknown[0]!r}.",
                         f"未知的考核项 {unknown[0]!r}。",
                         fix=f"Use {', '.join(sorted(allowed))}.",
                         fix_zh=f"可用：{', '.join(sorted(allowed))}。")
    missing = [k for k in MANUAL_PARTS if k not in manual]
    if missing:
        labels_zh = "、".join(_PART_LABELS[k][1] for k in missing)
        raise InputError(f"The scorecard needs hand ratings for {', '.join(missing)}.",
                         f"团队考核还需要人工评分：{labels_zh}。",
                         fix="Enter each as a 0-100 score.", fix_zh="请逐项按 0-100 分填写。")
    att = dict(zip(kpis["kpi"], pd.to_numeric(kpis["attainment"], errors="coerce")))
    kpi_scores = {k: _kpi_score(float(att.get(k, math.nan))) for k in
                  ACCOUNT_KPIS + ACTIVITY_KPIS}
    rows = []
    for part in SCORECARD_WEIGHTS:
        en, zh = _PART_LABELS[part]
        if part in MANUAL_PARTS:
            score, src, detail = _check_score(part, manual[part]), "manual", ""
        elif part in manual:
            score, src, detail = _check_score(part, manual[part]), "manual", ""
        else:
            keys = ACCOUNT_KPIS if part == "account_metrics" else ACTIVITY_KPIS
            vals = {k: kpi_scores[k] for k in keys if math.isfinite(kpi_scores[k])}
            if part == "activity_results" and "satisfaction" in manual:
                vals["satisfaction"] = _check_score("satisfaction", manual["satisfaction"])
            if not vals:
                raise InputError(f"The review has no data for the {en.lower()} part.",
                                 f"复盘中没有“{zh}”部分的数据。",
                                 fix=f"Enter it by hand as manual['{part}'] (0-100).",
                                 fix_zh=f"请以 manual['{part}'] 人工填写（0-100 分）。")
            score = float(np.mean(list(vals.values())))
            src = "data"
            detail = "; ".join(f"{k} {_num(v)}" for k, v in vals.items())
        w = SCORECARD_WEIGHTS[part]
        rows.append({"part": part, "label_en": en, "label_zh": zh, "weight": w, "score": score,
                     "weighted": w * score, "source": src, "detail": detail})
    parts = pd.DataFrame(rows)
    return Scorecard(parts, float(parts["weighted"].sum()), kpi_scores)
