"""Recommendations: 3-8 pieces of advice in English and Chinese, each citing the numbers
behind it, drawn from the KPIs, the variance, the activities, the impact and the anomalies.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from .calibrate import Calibration
from .impact import Impact
from .trends import Trends
from .values import _atype, _jsonable, _num, _pct, _plat, _type

__all__ = ["MAX_RECOMMENDATIONS", "MIN_RECOMMENDATIONS", "Recommendation"]


#: A cell needs this many actual posts before a recommendation cites its per-post result.
MIN_POSTS_FOR_ADVICE = 3
#: Per-post deviation from plan (either way) worth a recommendation.
ADVICE_THRESHOLD = 0.20
MAX_RECOMMENDATIONS = 8
MIN_RECOMMENDATIONS = 3


@dataclass
class Recommendation:
    """One piece of advice, in both languages, with the numbers it cites.

    Attributes
    ----------
    kind : ``"content"``, ``"volume"``, ``"kpi"``, ``"activity"``, ``"impact"``, ``"anomaly"``,
        ``"article"`` or ``"calibration"``.
    en, zh : the text.
    numbers : the raw values behind it (``{name: float}``).
    cites : the numbers as they are written in both texts.
    priority : larger first (share of the plan's reads at stake, or a fixed weight).
    """

    kind: str
    en: str
    zh: str
    numbers: dict[str, float]
    cites: list[str]
    priority: float = 0.0

    def text(self, lang: str = "en") -> str:
        return self.zh if str(lang).lower().startswith("zh") else self.en

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "en": self.en, "zh": self.zh,
                "numbers": _jsonable(self.numbers), "cites": list(self.cites),
                "priority": _jsonable(self.priority)}


def _recommend(kpis: pd.DataFrame, variance: pd.DataFrame, activities: pd.DataFrame,
               impact: Impact, trends: Trends, leaders: pd.DataFrame,
               calibration: Calibration) -> list[Recommendation]:
    """The review's advice: what every rule below finds, the most important first, at most
    :data:`MAX_RECOMMENDATIONS`; when fewer than :data:`MIN_RECOMMENDATIONS`, topped up with
    the best post, the calibration and the KPIs on track (in that order)."""
    reads = variance[variance["metric"] == "reads"]
    follows = variance[variance["metric"] == "follows"]
    plan_reads = max(float(reads["plan"].sum()), 1.0)
    recs = [*_reads_per_post(reads, plan_reads),
            *_follows_per_post(follows, reads),
            *_posting_cadence(reads, plan_reads),
            *_kpis_behind(kpis),
            *_activities_off_estimate(activities),
            *_activity_budget(activities),
            *_campaign_lift(impact),
            *_follow_spike(trends)]
    recs.sort(key=lambda r: -r.priority)
    recs = recs[:MAX_RECOMMENDATIONS]
    if len(recs) < MIN_RECOMMENDATIONS and len(leaders):
        recs.append(_best_post(leaders))
    if len(recs) < MIN_RECOMMENDATIONS:
        recs.append(_carry_calibration(calibration))
    if len(recs) < MIN_RECOMMENDATIONS:
        recs.append(_keep_the_plan(kpis))
    return recs


def _off_plan(cell: Any, threshold: float) -> float | None:
    """How far a variance row's result per post is from plan (``actual ÷ planned − 1``), or
    None when the cell has fewer than :data:`MIN_POSTS_FOR_ADVICE` posts, no planned value or
    a deviation under ``threshold``."""
    if cell.actual_posts < MIN_POSTS_FOR_ADVICE or not (cell.plan_per_post > 0):
        return None
    deviation = cell.actual_per_post / cell.plan_per_post - 1
    if abs(deviation) < threshold:
        return None
    return deviation


def _reads_per_post(reads: pd.DataFrame, plan_reads: float) -> list[Recommendation]:
    """Content: a platform's content type read :data:`ADVICE_THRESHOLD` above plan per post
    (raise its share) or below it (rework it or cut it); weighed by the reads at stake."""
    recs = []
    for r in reads.itertuples():
        dev = _off_plan(r, ADVICE_THRESHOLD)
        if dev is None:
            continue
        x, a, p = _pct(abs(dev)), _num(r.actual_per_post), _num(r.plan_per_post)
        pe, pz = _plat(r.platform, "en"), _plat(r.platform, "zh")
        te, tz = _type(r.content_type, "en"), _type(r.content_type, "zh")
        nums = {"deviation": dev, "actual_per_post": r.actual_per_post,
                "plan_per_post": r.plan_per_post, "posts": r.actual_posts, "rate_effect": r.rate}
        if dev > 0:
            en = (f"{te} posts on {pe} beat plan by {x}% per post ({a} vs {p} reads over "
                  f"{int(r.actual_posts)} posts): raise their share.")
            zh = (f"{pz}{tz}内容单篇表现比计划高 {x}%（{int(r.actual_posts)} 篇平均阅读 {a}，"
                  f"计划 {p}）：建议提高占比。")
        else:
            en = (f"{te} posts on {pe} fell {x}% short of plan per post ({a} vs {p} reads over "
                  f"{int(r.actual_posts)} posts): rework the format or cut their share.")
            zh = (f"{pz}{tz}内容单篇表现比计划低 {x}%（{int(r.actual_posts)} 篇平均阅读 {a}，"
                  f"计划 {p}）：建议调整形式或降低占比。")
        recs.append(Recommendation("content", en, zh, nums, [x, a, p, str(int(r.actual_posts))],
                                   abs(r.rate) / plan_reads))
    return recs


def _follows_per_post(follows: pd.DataFrame, reads: pd.DataFrame) -> list[Recommendation]:
    """Content: a platform's content type that brought twice :data:`ADVICE_THRESHOLD` more or
    fewer follows per post than planned (a cell the reads rule already cites is left out)."""
    cited = {(r.platform, r.content_type) for r in reads.itertuples()
             if _off_plan(r, ADVICE_THRESHOLD) is not None}
    plan_follows = max(float(follows["plan"].sum()), 1.0)
    recs = []
    for r in follows.itertuples(index=False):
        pl, ct = r.platform, r.content_type
        dev = None if (pl, ct) in cited else _off_plan(r, 2 * ADVICE_THRESHOLD)
        if dev is None:
            continue
        x, a, p = _pct(abs(dev)), _num(r.actual_per_post), _num(r.plan_per_post)
        word_en, word_zh = ("more", "多") if dev > 0 else ("fewer", "少")
        act_en = "use them as follower magnets" if dev > 0 else "add a clear follow call to action"
        act_zh = "可作为涨粉主力" if dev > 0 else "建议加强关注引导"
        en = (f"{_type(ct, 'en')} posts on {_plat(pl, 'en')} brought {x}% {word_en} follows per "
              f"post than planned ({a} vs {p}): {act_en}.")
        zh = (f"{_plat(pl, 'zh')}{_type(ct, 'zh')}内容单篇带来的关注比计划{word_zh} {x}%（{a} 对 "
              f"{p}）：{act_zh}。")
        recs.append(Recommendation("content", en, zh, {"deviation": dev,
                                                       "actual_per_post": r.actual_per_post,
                                                       "plan_per_post": r.plan_per_post},
                                   [x, a, p], 0.5 * abs(r.rate) / plan_follows))
    return recs


def _posting_cadence(reads: pd.DataFrame, plan_reads: float) -> list[Recommendation]:
    """Volume: a platform that published :data:`ADVICE_THRESHOLD` fewer or more posts than
    planned, with the reads that cost or brought."""
    recs = []
    by_plat = reads.groupby("platform", sort=False)[["plan_posts", "actual_posts", "volume"]].sum()
    for pl, r in by_plat.iterrows():
        if r["plan_posts"] <= 0:
            continue
        share = r["actual_posts"] / r["plan_posts"]
        if 1 - ADVICE_THRESHOLD <= share <= 1 + ADVICE_THRESHOLD:
            continue
        a, p, v = str(int(r["actual_posts"])), str(int(r["plan_posts"])), _num(abs(r["volume"]))
        if share < 1:
            en = (f"{_plat(pl, 'en')}: {a} posts published of {p} planned; the missing posts "
                  f"cost about {v} reads. Keep the planned cadence or plan fewer posts.")
            zh = (f"{_plat(pl, 'zh')}：计划发文 {p} 篇，实际 {a} 篇，少发约损失 {v} 次阅读。"
                  "建议按计划节奏发布，或下期下调计划篇数。")
        else:
            en = (f"{_plat(pl, 'en')}: {a} posts published against {p} planned, adding about "
                  f"{v} reads; check the team's hours before planning this cadence.")
            zh = (f"{_plat(pl, 'zh')}：实际发文 {a} 篇（计划 {p} 篇），多发带来约 {v} 次阅读；"
                  "下期按此节奏前请核对团队工时。")
        recs.append(Recommendation("volume", en, zh, {"actual_posts": r["actual_posts"],
                                                      "plan_posts": r["plan_posts"],
                                                      "volume_effect": r["volume"]},
                                   [a, p, v], abs(r["volume"]) / plan_reads))
    return recs


#: What to do about a KPI at risk or off track, in English and Chinese.
_KPI_ADVICE = {
    "open_rate": ("test push times and headline titles", "建议测试推送时间和标题"),
    "share_rate": ("add share hooks: checklists, templates, shareable visuals",
                   "建议增加转发钩子：清单、模板、便于分享的图片"),
    "engagement_rate": ("ask questions and run comment topics", "建议多提问、设置留言话题"),
    "unfollows": ("check push frequency and the follow-up of lotteries",
                  "建议检查推送频率和抽奖活动后的留存"),
    "follow_conversion": ("add a clear follow call to action", "建议在文中加强关注引导"),
    "new_follows": ("review the follow sources below", "建议查看关注来源的变化"),
}


def _kpis_behind(kpis: pd.DataFrame) -> list[Recommendation]:
    """KPI: each KPI of :data:`_KPI_ADVICE` at risk or off track, with what to do about it."""
    recs = []
    k = kpis.set_index("kpi")
    for key, (a_en, a_zh) in _KPI_ADVICE.items():
        if key not in k.index or k.at[key, "status"] not in ("at_risk", "off_track"):
            continue
        row = k.loc[key]
        pct_num = _num(abs(row["pct"]))
        if row["unit"] == "share":
            a, p = _pct(row["actual"]), _pct(row["plan"])
            unit_en, unit_zh = "%", "%"
        else:
            a, p = _num(row["actual"]), _num(row["plan"])
            unit_en = unit_zh = ""
        ref_en, ref_zh = {"plan": ("the plan", "计划"), "target": ("the target", "目标")}.get(
            row["plan_source"], ("the pre-period", "活动前同期"))
        word_en = "above" if row["diff"] > 0 else "below"
        word_zh = "高" if row["diff"] > 0 else "低"
        en = (f"{row['label_en']}: {a}{unit_en} against {p}{unit_en} for {ref_en} "
              f"({pct_num}% {word_en}): {a_en}.")
        zh = (f"{row['label_zh']}为 {a}{unit_zh}，{ref_zh}为 {p}{unit_zh}（{word_zh} {pct_num}%）："
              f"{a_zh}。")
        recs.append(Recommendation("kpi", en, zh, {"actual": row["actual"], "plan": row["plan"],
                                                   "pct": row["pct"]}, [a, p, pct_num],
                                   0.05 + abs(row["pct"]) / 1000))
    return recs


def _activities_off_estimate(activities: pd.DataFrame) -> list[Recommendation]:
    """Activity: an activity whose actual ROI fell outside its estimate's 90 % range
    (re-estimate its type with the calibrated funnel)."""
    recs: list[Recommendation] = []
    if activities.empty:
        return recs
    cal_out = activities[activities["calibration"].isin(["below", "above"])]
    for r in cal_out.itertuples():
        pc, a = _num(r.percentile), _pct(r.roi)
        lo, hi = _pct(r.roi_p5), _pct(r.roi_p95)
        name = str(r.name) if isinstance(r.name, str) and r.name else str(r.activity_id)
        side_en = "below" if r.calibration == "below" else "above"
        side_zh = "低于" if r.calibration == "below" else "高于"
        en = (f"{name} ({_atype(r.activity_type, 'en')}): actual ROI {a}% fell at "
              f"percentile {pc} of its estimate ({lo}% to {hi}%, {side_en} the 90% range): "
              f"re-estimate {_atype(r.activity_type, 'en')} activities with the calibrated "
              "funnel.")
        zh = (f"{name}（{_atype(r.activity_type, 'zh')}）：实际 ROI {a}%，"
              f"处于估算分布的第 {pc} "
              f"百分位（{lo}% 至 {hi}%，{side_zh} 90% 区间）：建议用校准后的转化漏斗重新估算"
              f"{_atype(r.activity_type, 'zh')}活动。")
        recs.append(Recommendation("activity", en, zh, {"roi": r.roi,
                                                        "percentile": r.percentile},
                                   [a, pc, lo, hi], 0.08))
    return recs


def _activity_budget(activities: pd.DataFrame) -> list[Recommendation]:
    """Activity: with two activity types or more, move budget from the lowest ROI to the
    highest."""
    if activities.empty:
        return []
    by_type = activities.groupby("activity_type").agg(cost=("cost", "sum"),
                                                      value=("value", "sum"))
    by_type = by_type[by_type["cost"] > 0]
    if len(by_type) < 2:
        return []
    by_type["roi"] = (by_type["value"] - by_type["cost"]) / by_type["cost"]
    best, worst = by_type["roi"].idxmax(), by_type["roi"].idxmin()
    b, w = _pct(by_type.at[best, "roi"]), _pct(by_type.at[worst, "roi"])
    en = (f"{_atype(best, 'en')} returned an ROI of {b}% and {_atype(worst, 'en')} "
          f"{w}%: move activity budget towards {_atype(best, 'en')}.")
    zh = (f"{_atype(best, 'zh')}活动 ROI 为 {b}%，{_atype(worst, 'zh')}为 {w}%："
          f"建议把活动预算向{_atype(best, 'zh')}倾斜。")
    return [Recommendation("activity", en, zh,
                           {"best_roi": by_type.at[best, "roi"],
                            "worst_roi": by_type.at[worst, "roi"]}, [b, w], 0.06)]


def _campaign_lift(impact: Impact) -> list[Recommendation]:
    """Impact: new follows clearly above the counterfactual (repeat it), clearly below (find
    out why), or no clear lift (test one change at a time)."""
    if not impact.available:
        return []
    r = impact.summary.set_index("metric")
    if "new_follows" not in r.index:
        return []
    x = r.loc["new_follows"]
    li, lo, hi = _num(x["lift"]), _num(x["low"]), _num(x["high"])
    if x["clear"] and x["lift"] > 0:
        en = (f"The campaign brought about {li} more new follows than the pre-period "
              f"trend predicted (90% interval {lo} to {hi}): repeat what drove it.")
        zh = (f"活动期新关注比活动前趋势预测多约 {li} 人（90% 区间 {lo} 至 {hi}）："
              "建议复用带来增长的做法。")
    elif x["clear"]:
        en = (f"New follows were about {_num(-x['lift'])} below the pre-period trend "
              f"(90% interval of the lift {lo} to {hi}): find out what changed.")
        zh = (f"活动期新关注比活动前趋势预测少约 {_num(-x['lift'])} 人（提升量 90% 区间 "
              f"{lo} 至 {hi}）：建议排查原因。")
        li = _num(-x["lift"])
    else:
        en = (f"No clear lift in new follows: {li} over the pre-period trend, 90% "
              f"interval {lo} to {hi} includes 0. Test one change at a time next "
              "campaign.")
        zh = (f"新关注没有明显提升：比活动前趋势多 {li} 人，"
              f"但 90% 区间 {lo} 至 {hi} 包含 0。"
              "建议下期每次只测试一项改动。")
    return [Recommendation("impact", en, zh, {"lift": x["lift"], "low": x["low"],
                                              "high": x["high"]}, [li, lo, hi],
                           0.07 if x["clear"] else 0.02)]


def _follow_spike(trends: Trends) -> list[Recommendation]:
    """Anomaly: the period's biggest spike of new follows (find what drove it)."""
    an = trends.anomalies
    spikes = an[(an["in_period"]) & (an["kind"] == "spike") & (an["series"] == "new_follows")]
    if not len(spikes):
        return []
    top = spikes.loc[(spikes["value"] - spikes["expected"]).idxmax()]
    d = pd.Timestamp(top["date"]).date().isoformat()
    v, e = _num(top["value"]), _num(top["expected"])
    en = (f"New follows spiked on {d} ({v} against about {e} expected): find what drove it "
          "and plan it again.")
    zh = f"{d} 新关注异常升高（{v} 人，通常约 {e} 人）：建议找出原因并在下期复用。"
    return [Recommendation("anomaly", en, zh, {"value": float(top["value"]),
                                               "expected": float(top["expected"])},
                           [d, v, e], 0.03)]


def _best_post(leaders: pd.DataFrame) -> Recommendation:
    """Article (a top-up): reuse the topic and format of the most read post."""
    top = leaders.iloc[0]
    title = str(top["title"]) if isinstance(top["title"], str) and top["title"] else \
        str(top["article_id"])
    rd = _num(top["reads"])
    en = (f"The best post, \"{title}\" ({_plat(top['platform'], 'en')}, "
          f"{_type(top['content_type'], 'en')}), reached {rd} reads: reuse its topic and "
          "format.")
    zh = (f"表现最好的内容《{title}》（{_plat(top['platform'], 'zh')}，"
          f"{_type(top['content_type'], 'zh')}）阅读 {rd}：建议复用其选题和形式。")
    return Recommendation("article", en, zh, {"reads": float(top["reads"])}, [rd], 0.01)


def _carry_calibration(calibration: Calibration) -> Recommendation:
    """Calibration (a top-up): carry the measured rates into the next plan."""
    n = str(sum(int(c["posts"]) for c in calibration.content.values()))
    cells = str(len(calibration.content))
    en = (f"Carry the rates measured on {n} posts in {cells} platform × content-type cells "
          "into the next plan (calibrated estimates).")
    zh = (f"建议把本期 {n} 篇内容（{cells} 个平台 × 内容类型组合）的实测数据"
          "带入下期方案（校准后的估计）。")
    return Recommendation("calibration", en, zh, {"posts": float(n), "cells": float(cells)},
                          [n, cells], 0.0)


def _keep_the_plan(kpis: pd.DataFrame) -> Recommendation:
    """KPI (the last top-up): how many KPIs were on track; keep the mix and cadence."""
    k_on = int((kpis["status"] == "on_track").sum())
    k_all = int((kpis["status"] != "n/a").sum())
    en = f"{k_on} of {k_all} KPIs were on track: keep the plan's mix and cadence."
    zh = f"{k_all} 项指标中有 {k_on} 项达标：建议保持现有内容配比和发布节奏。"
    return Recommendation("kpi", en, zh, {"on_track": k_on, "kpis": k_all},
                          [str(k_on), str(k_all)], 0.0)
