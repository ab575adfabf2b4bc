"""A persona's name and description, in English and Chinese, from its traits.

The name strings together the city tier, age band and gender the persona over-indexes on, its
occupation (or platform) and its two strongest interests: "Tier-1 young female professionals ·
fashion & beauty" / "一线青年女性职场人 · 时尚与美妆". The description says its size, top
traits, main platform, peak hours and reads.
"""

from __future__ import annotations

import math

from .. import i18n
from .persona import Persona, Trait

# Persona-name phrases (adjectives / nouns), both languages; level display names come from i18n.
_TIER = {"tier1": ("Tier-1", "一线"), "new_tier1": ("New-tier-1", "新一线"),
         "tier2": ("Tier-2", "二线"), "tier3_plus": ("Small-city", "下沉市场")}
_AGE = {"under_18": ("teen", "少年"), "18_24": ("young", "青年"), "25_30": ("young", "青年"),
        "31_40": ("thirty-something", "三十而立"), "41_50": ("middle-aged", "中年"),
        "over_50": ("senior", "银发")}
_GENDER = {"female": ("female", "女性"), "male": ("male", "男性")}
_OCCUPATION = {"student": ("students", "学生"), "professional": ("professionals", "职场人"),
               "freelancer": ("freelancers", "自由职业者"),
               "civil_servant": ("civil servants", "公职人员"),
               "business_owner": ("business owners", "企业主"),
               "homemaker": ("homemakers", "全职家长"), "retired": ("retirees", "退休人士")}
_FALLBACK_NOUN = ("followers", "用户")
_NAME_MIN_LIFT = 1.25
_NAME_MIN_SHARE = 0.35
#: traits a name never puts together (an age band and an occupation that contradict each
#: other, as a noisy upload can make both stand out): the weaker of the two is left out
_CONTRADICT = {("retired", a) for a in ("under_18", "18_24", "25_30", "31_40")} \
    | {("student", a) for a in ("41_50", "over_50")} \
    | {("homemaker", "under_18"), ("business_owner", "under_18"),
       ("civil_servant", "under_18"), ("professional", "under_18")}


def _best(p: Persona, attr: str, min_count: int) -> Trait | None:
    for t in p.traits:
        if (t.attribute == attr and t.count >= min_count and t.lift >= _NAME_MIN_LIFT
                and t.share_in_segment >= _NAME_MIN_SHARE):
            return t
    return None


def _name(p: Persona) -> dict[str, str]:
    min_count = max(1, min(30, p.size // 20))
    en: list[str] = []
    zh: list[str] = []
    age, job = _best(p, "age_band", min_count), _best(p, "occupation", min_count)
    if age is not None and job is not None and (job.level, age.level) in _CONTRADICT:
        if job.lift >= age.lift:     # "young retirees": the stronger trait names them
            age = None
        else:
            job = None
    chosen = {"city_tier": _best(p, "city_tier", min_count), "age_band": age,
              "gender": _best(p, "gender", min_count)}
    for attr, table in (("city_tier", _TIER), ("age_band", _AGE), ("gender", _GENDER)):
        t = chosen[attr]
        if t is not None and t.level in table:
            en.append(table[t.level][0])
            zh.append(table[t.level][1])
    t = job
    noun = _OCCUPATION.get(t.level, _FALLBACK_NOUN) if t is not None else _FALLBACK_NOUN
    if not en and noun is _FALLBACK_NOUN:
        pt = _best(p, "platform", min_count)
        if pt is not None:
            en.append(i18n.level("platform", pt.level, "en"))
            zh.append(i18n.level("platform", pt.level, "zh"))
    who_en = " ".join(en + [noun[0]])
    who_en = who_en[0].upper() + who_en[1:]
    who_zh = "".join(zh + [noun[1]])
    likes = [t for t in p.traits if t.attribute == "interests" and t.count >= min_count
             and t.lift >= 1.1][:2]
    if likes:
        who_en += " · " + " & ".join(i18n.level("interests", t.level, "en").lower() for t in likes)
        who_zh += " · " + "与".join(i18n.level("interests", t.level, "zh") for t in likes)
    if not en and not zh and noun is _FALLBACK_NOUN and not likes:
        return {"en": "Mixed audience", "zh": "综合人群"}
    return {"en": who_en, "zh": who_zh}


def _unique_names(personas: list[Persona]) -> None:
    seen: dict[str, int] = {}
    for p in personas:
        key = p.name["en"]
        if key in seen:
            seen[key] += 1
            p.name = {"en": f"{p.name['en']} ({seen[key]})", "zh": f"{p.name['zh']}（{seen[key]}）"}
        else:
            seen[key] = 1


def _pct(x: float) -> str:
    return f"{100 * x:.0f}%"


def _describe(p: Persona) -> dict[str, str]:
    if p.size == 0:
        return {"en": "Nobody in this selection.", "zh": "当前筛选中没有人。"}
    min_count = max(1, min(30, p.size // 20))
    top = [t for t in p.top_traits(3, min_count) if t.lift > 1]
    en = [f"{p.size:,} people ({_pct(p.share)})"]
    zh = [f"{p.size:,} 人（{_pct(p.share)}）"]
    if top:
        en.append(", ".join(f"{t.label('en')} {_pct(t.share_in_segment)} ({t.lift:.1f}× average)"
                            for t in top))
        zh.append("、".join(f"{t.label('zh')} {_pct(t.share_in_segment)}（{t.lift:.1f} 倍）"
                            for t in top))
    if p.platforms:
        code, share = p.platforms[0]
        en.append(f"mostly on {i18n.level('platform', code, 'en')} ({_pct(share)})")
        zh.append(f"主要在{i18n.level('platform', code, 'zh')}（{_pct(share)}）")
    peak = p.peak_hours()
    if peak is not None:
        start, _ = peak
        en.append(f"online most {start:02d}:00–{(start + 2) % 24:02d}:00")
        zh.append(f"{start:02d}:00–{(start + 2) % 24:02d}:00 最活跃")
    reads = next((t for t in p.numeric if t.attribute == "reads_30d"), None)
    if reads is not None and not math.isnan(reads.mean_in_segment):
        en.append(f"{reads.mean_in_segment:.1f} reads in 30 days")
        zh.append(f"近30天人均阅读 {reads.mean_in_segment:.1f} 次")
    return {"en": "; ".join(en) + ".", "zh": "；".join(zh) + "。"}
