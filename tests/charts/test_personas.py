"""Charts of the personas page: the figures carry the model's numbers, labelled and escaped."""

from __future__ import annotations

import html
import json
import math

import numpy as np
import plotly.graph_objects as go
import pytest

from workbench.charts import personas as charts
from workbench.charts import theme
from workbench.i18n import level, t
from workbench.personas import NumericTrait, Persona, Trait

EVIL = "<img src=x onerror=alert(1)>"
ESCAPED = html.escape(EVIL)

# -- realistic personas, built by hand ------------------------------------------------------
#: attribute -> level codes (as in workbench.schemas)
LEVELS = {
    "gender": ("female", "male", "unknown"),
    "age_band": ("under_18", "18_24", "25_30", "31_40", "41_50", "over_50"),
    "city_tier": ("tier1", "new_tier1", "tier2", "tier3_plus"),
    "occupation": ("student", "professional", "freelancer", "civil_servant", "business_owner",
                   "homemaker", "retired", "other"),
    "interests": ("entertainment", "tech", "education", "lifestyle", "fashion_beauty", "sports",
                  "games", "career", "finance", "travel", "food", "parenting"),
    "platform": ("wechat", "weibo", "douyin", "kuaishou", "xiaohongshu", "zhihu", "bilibili",
                 "toutiao"),
    "follow_source": ("search", "article_share", "qr_code", "moments_ad", "kol", "event",
                      "recommendation", "profile_card", "other"),
}
METRICS = ("reads_30d", "shares_30d", "comments_30d", "purchases_90d", "spend_90d")
OVERALL_MEANS = {"reads_30d": 9.5, "shares_30d": 1.2, "comments_30d": 0.6, "purchases_90d": 0.8,
                 "spend_90d": 240.0}

#: name, size, {attribute: {level: weight}} tilts (interests: probability), metric z-scores
SPECS = [
    ({"en": "Young tier-1 professional women", "zh": "一线青年职场女性"}, 5200,
     {"gender": {"female": 9}, "age_band": {"25_30": 6, "31_40": 3}, "city_tier": {"tier1": 5},
      "occupation": {"professional": 12}, "platform": {"xiaohongshu": 6, "wechat": 5},
      "follow_source": {"article_share": 4, "kol": 3},
      "interests": {"fashion_beauty": .62, "career": .48, "travel": .41, "food": .3}},
     (0.4, 0.9, 0.3, 0.7, 0.8)),
    ({"en": "Male students and gamers", "zh": "男学生游戏玩家"}, 4100,
     {"gender": {"male": 8}, "age_band": {"18_24": 8, "under_18": 3}, "city_tier": {"tier2": 2},
      "occupation": {"student": 15}, "platform": {"bilibili": 8, "douyin": 3},
      "follow_source": {"recommendation": 5},
      "interests": {"games": .81, "tech": .52, "entertainment": .6, "sports": .3}},
     (0.2, -0.1, 1.1, -0.6, -0.7)),
    ({"en": "Budget-minded young mums", "zh": "精打细算宝妈"}, 3300,
     {"gender": {"female": 14}, "age_band": {"31_40": 8, "25_30": 3}, "city_tier": {"tier2": 3},
      "occupation": {"homemaker": 6, "professional": 4}, "platform": {"wechat": 8, "kuaishou": 2},
      "follow_source": {"moments_ad": 4, "qr_code": 3},
      "interests": {"parenting": .86, "food": .52, "education": .45}},
     (0.1, 1.3, 0.5, 1.2, 0.3)),
    ({"en": "Short-video fans in smaller cities", "zh": "下沉市场短视频用户"}, 3000,
     {"city_tier": {"tier3_plus": 9}, "age_band": {"18_24": 3, "25_30": 3},
      "occupation": {"freelancer": 4, "other": 4}, "platform": {"douyin": 8, "kuaishou": 6},
      "follow_source": {"recommendation": 4, "event": 2},
      "interests": {"entertainment": .72, "food": .44}},
     (-0.8, 0.2, -0.3, -0.2, -0.5)),
    ({"en": "Tech and finance middle class", "zh": "科技财经中产"}, 2600,
     {"gender": {"male": 3}, "age_band": {"31_40": 5, "41_50": 4},
      "city_tier": {"new_tier1": 4, "tier1": 2},
      "occupation": {"professional": 5, "business_owner": 4}, "platform": {"zhihu": 6, "wechat": 5},
      "follow_source": {"search": 6}, "interests": {"tech": .63, "finance": .72, "career": .3}},
     (1.5, 0.1, 0.4, 0.9, 1.6)),
    ({"en": "Retired health readers", "zh": "退休养生读者"}, 600,
     {"age_band": {"over_50": 30}, "occupation": {"retired": 20}, "platform": {"wechat": 20},
      "follow_source": {"profile_card": 6, "article_share": 3},
      "interests": {"lifestyle": .66, "food": .5}},
     (1.1, 1.8, -0.4, -0.3, -0.2)),
]


def _shares(attribute: str, tilts: dict) -> dict[str, float]:
    levels = LEVELS[attribute]
    if attribute == "interests":
        return {code: tilts.get(code, 0.12) for code in levels}
    weights = {code: float(tilts.get(code, 1.0)) for code in levels}
    if attribute == "gender":
        weights["unknown"] = 0.15
    total = sum(weights.values())
    return {code: w / total for code, w in weights.items()}


def make_personas(names: list[dict] | None = None) -> list[Persona]:
    """Six plausible personas whose overall shares are the size-weighted mean of theirs."""
    total = sum(size for _, size, _, _ in SPECS)
    inside = [{a: _shares(a, tilts.get(a, {})) for a in LEVELS} for _, _, tilts, _ in SPECS]
    overall = {a: {code: sum(inside[i][a][code] * SPECS[i][1] for i in range(len(SPECS))) / total
                   for code in LEVELS[a]} for a in LEVELS}
    people = []
    for i, (name, size, _, zs) in enumerate(SPECS):
        traits = []
        for a, codes in LEVELS.items():
            for code in codes:
                s, o = inside[i][a][code], overall[a][code]
                traits.append(Trait(a, code, round(s * size), s, o, s / o))
        traits.sort(key=lambda tr: tr.lift, reverse=True)
        numeric = [NumericTrait(m, OVERALL_MEANS[m] * (1 + 0.4 * z), OVERALL_MEANS[m], z)
                   for m, z in zip(METRICS, zs)]
        hours = np.roll(np.bincount([7, 8, 12, 12, 20, 21, 21, 22], minlength=24), i) / 8.0
        people.append(Persona(
            id=i, size=size, share=size / total, traits=traits, numeric=numeric,
            platforms=[(c, inside[i]["platform"][c]) for c in LEVELS["platform"]],
            active_hours=list(hours),
            interests=[(c, inside[i]["interests"][c]) for c in LEVELS["interests"]],
            name=dict(names[i]) if names else dict(name),
            description={"en": "", "zh": ""},
        ))
    return people


QUALITY = {"criterion": "silhouette", "score": 0.241,
           "curve": {2: 0.18, 3: 0.205, 4: 0.221, 5: 0.233, 6: 0.241, 7: 0.236, 8: 0.229}}


@pytest.fixture
def people() -> list[Persona]:
    return make_personas()


@pytest.fixture
def evil() -> list[Persona]:
    names = [{"en": EVIL, "zh": EVIL}] + [dict(s[0]) for s in SPECS[1:]]
    return make_personas(names)


def _plain(label: str) -> str:
    """A chart label as the reader sees it: line breaks as spaces, entities decoded."""
    return html.unescape(label.replace("<br>", " "))


def _plain_all(labels) -> list[str]:
    return [_plain(label) for label in labels]


def _strings(fig: go.Figure) -> str:
    """Every string the figure would show, as one JSON text."""
    return json.dumps(fig.to_plotly_json(), ensure_ascii=False, default=str)


# -- sizes ----------------------------------------------------------------------------------
def test_sizes_bars_are_persona_sizes_with_share_labels(people):
    fig = charts.segment_sizes(people, lang="en")
    bar = fig.data[0]
    assert list(bar.x) == [p.size for p in people]
    assert _plain_all(bar.y) == [p.name["en"] for p in people]
    assert bar.text[0] == f"{people[0].share * 100:.1f}%"
    assert list(bar.marker.color) == [theme.persona_colour(p.id) for p in people]
    assert fig.layout.title.text == t("chart.personas.sizes.title", "en")


def test_sizes_in_chinese(people):
    fig = charts.segment_sizes(people, lang="zh")
    assert fig.data[0].y[0] == "一线青年职场女性"
    assert fig.layout.xaxis.title.text == t("chart.personas.sizes.x", "zh")
    assert "人" in fig.data[0].hovertext[0]


def test_repeated_names_keep_separate_bars(people):
    for p in people[:2]:
        p.name = {"en": "Same", "zh": "同名"}
    y = charts.segment_sizes(people, lang="en").data[0].y
    assert len(set(y)) == len(people)


def test_missing_name_falls_back_to_a_numbered_label(people):
    people[2].name = {"en": "", "zh": ""}
    y = charts.segment_sizes(people, lang="zh").data[0].y
    assert y[2] == t("chart.personas.default_name", "zh", n=3)


# -- lift heatmap ---------------------------------------------------------------------------
def _column(fig, attribute, code, lang="en"):
    names = list(fig.layout.xaxis.ticktext)
    # level names repeat across attributes ("Other"): find the one inside the attribute's group
    groups = [a for a in fig.layout.annotations if a.xref == "x"]
    label = f"<b>{t('chart.personas.attr.' + attribute, lang)}</b>"
    group = next(g for g in groups if g.text == label)
    candidates = [j for j, n in enumerate(names) if _plain(n) == level(attribute, code, lang)]
    return min(candidates, key=lambda j: abs(j - group.x))


def test_heatmap_z_is_log2_lift(people):
    fig = charts.lift_heatmap(people, lang="en")
    z = np.asarray(fig.data[0].z, dtype=float)
    assert z.shape == (len(people), sum(len(v) for v in LEVELS.values()))
    for i, p in enumerate(people):
        for trait in p.traits:
            j = _column(fig, trait.attribute, trait.level)
            if trait.count >= 30:
                assert z[i, j] == pytest.approx(math.log2(trait.lift)), (i, trait)


def test_heatmap_columns_grouped_and_named_in_chinese(people):
    fig = charts.lift_heatmap(people, ["age_band", "city_tier"], lang="zh")
    expected = [level("age_band", c, "zh") for c in LEVELS["age_band"]] + [
        level("city_tier", c, "zh") for c in LEVELS["city_tier"]]
    assert list(fig.layout.xaxis.ticktext) == expected
    assert _plain_all(fig.data[0].y) == [p.name["zh"] for p in people]
    groups = [a.text for a in fig.layout.annotations if a.xref == "x"]
    assert groups == ["<b>年龄</b>", "<b>城市线级</b>"]
    assert len(fig.layout.shapes) == 1  # one separator between the two groups
    assert fig.layout.shapes[0].x0 == pytest.approx(len(LEVELS["age_band"]) - 0.5)
    assert "倍数" in fig.data[0].hovertext[0][0]


def test_heatmap_masks_small_cells(people):
    fig = charts.lift_heatmap(people, ["age_band"], lang="en", min_count=30)
    z = np.asarray(fig.data[0].z, dtype=float)
    grey = np.asarray(fig.data[1].z, dtype=float)
    retired = people[5]  # 600 people: a few age bands hold fewer than 30
    small = [tr for tr in retired.traits if tr.attribute == "age_band" and tr.count < 30]
    assert small
    for tr in small:
        j = LEVELS["age_band"].index(tr.level)
        assert math.isnan(z[5, j]) and grey[5, j] == 1
        assert "read with care" in fig.data[0].hovertext[5][j]
    big = next(tr for tr in retired.traits if tr.level == "over_50")
    j = LEVELS["age_band"].index("over_50")
    assert z[5, j] == pytest.approx(math.log2(big.lift)) and math.isnan(grey[5, j])
    assert fig.data[1].hoverinfo == "skip"
    # the margins hold every label: plotly.js is told not to measure them for overflow on
    # each redraw (40 ms of a filter change in Chromium)
    assert fig.layout.xaxis.ticklabeloverflow == fig.layout.yaxis.ticklabeloverflow == "allow"


def test_heatmap_colour_centred_on_lift_one(people):
    main = charts.lift_heatmap(people, lang="en").data[0]
    assert main.zmid == 0 and main.zmin == -main.zmax
    assert "×1.0" in main.colorbar.ticktext


def test_heatmap_of_a_few_personas_on_one_attribute_in_chinese(people):
    subset = people[1:4]
    fig = charts.lift_heatmap(subset, ["interests"], lang="zh")
    main = fig.data[0]
    assert _plain_all(main.y) == [p.name["zh"] for p in subset]
    assert np.asarray(main.z).shape == (3, len(LEVELS["interests"]))
    expected = [level("interests", c, "zh") for c in LEVELS["interests"]]
    assert list(fig.layout.xaxis.ticktext) == expected


# -- radar ----------------------------------------------------------------------------------
def test_radar_r_is_z(people):
    fig = charts.behaviour_radar(people, lang="en")
    assert len(fig.data) == len(people)
    for trace, p in zip(fig.data, people):
        assert list(trace.r[:-1]) == pytest.approx([nt.z for nt in p.numeric])
        assert trace.r[-1] == trace.r[0]  # the polygon is closed
        assert list(trace.theta[:-1]) == [t(f"chart.personas.metric.{m}", "en") for m in METRICS]
        assert _plain(trace.name) == p.name["en"]


def test_radar_in_chinese(people):
    fig = charts.behaviour_radar(people, lang="zh")
    assert fig.data[0].theta[0] == "近30天阅读"
    assert fig.layout.title.text == t("chart.personas.radar.title", "zh")


# -- map ------------------------------------------------------------------------------------
def _sample(people, m=3000, seed=1):
    rng = np.random.default_rng(seed)
    labels = rng.choice([p.id for p in people], size=m, p=[p.share for p in people])
    coords = rng.normal(size=(m, 2)) + labels[:, None] * 0.8
    return coords, labels


def test_map_one_trace_per_persona_with_its_points(people):
    coords, labels = _sample(people)
    fig = charts.persona_map(coords, labels, people, lang="en")
    assert [tr.type for tr in fig.data] == ["scatter"] * len(people)
    assert _plain_all(tr.name for tr in fig.data) == [p.name["en"] for p in people]
    for trace, p in zip(fig.data, people):
        assert len(trace.x) == int((labels == p.id).sum())
        np.testing.assert_allclose(trace.x, coords[labels == p.id, 0])
    assert fig.layout.xaxis.showticklabels is False and fig.layout.yaxis.showticklabels is False
    total = sum(p.size for p in people)
    assert fig.layout.annotations[0].text == t("chart.personas.map.caption", "en",
                                               n="3,000", total=f"{total:,}")


def test_map_caption_in_chinese(people):
    coords, labels = _sample(people, m=100)
    fig = charts.persona_map(coords, labels, people, lang="zh")
    assert "随机抽取" in fig.layout.annotations[0].text


# -- k curve --------------------------------------------------------------------------------
def test_k_curve_marks_the_chosen_k():
    fig = charts.k_curve(QUALITY, lang="en")
    assert list(fig.data[0].x) == sorted(QUALITY["curve"])
    assert list(fig.data[0].y) == [QUALITY["curve"][k] for k in sorted(QUALITY["curve"])]
    assert list(fig.data[1].x) == [6] and list(fig.data[1].y) == [0.241]
    assert fig.data[1].text[0] == t("chart.personas.k.chosen", "en", k=6)
    assert fig.layout.yaxis.title.text == t("chart.personas.criterion.silhouette", "en")


def test_k_curve_string_keys_explicit_k_and_chinese():
    quality = {"criterion": "silhouette", "score": 0.2, "curve": {"3": 0.2, "4": 0.25}}
    fig = charts.k_curve(quality, lang="zh", k=3)
    assert list(fig.data[0].x) == [3, 4] and list(fig.data[1].x) == [3]
    assert fig.layout.xaxis.title.text == "画像数量"


def test_k_curve_of_a_large_bic_counts_in_wan_in_chinese():
    """BIC scores of 20,000 followers run to 440,000: the Chinese axis says 44万."""
    quality = {"criterion": "BIC; elbow", "score": 441_000.0,
               "curve": {2: 452_000.0, 3: 446_000.0, 4: 443_000.0, 5: 441_000.0}}
    zh = charts.k_curve(quality, lang="zh").layout.yaxis
    assert zh.ticktext and all(text.endswith("万") for text in zh.ticktext)
    assert charts.k_curve(quality, lang="en").layout.yaxis.ticktext is None


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_k_curve_caption_fits_its_half_width_slot(lang):
    """The elbow caption was one line cut off at the chart's edge ("…improves the fit only a
    littl"): wrapped at 64 columns (a Chinese character counts two), nothing lost."""
    from workbench.charts import theme

    fig = charts.k_curve({**QUALITY, "criterion": "BIC of the latent class model; elbow"},
                         lang=lang)
    text = fig.layout.annotations[0].text
    lines = text.split("<br>")
    assert all(sum(2 if ord(c) >= 0x2E80 else 1 for c in line) <= 64 for line in lines)
    assert " ".join(lines).replace("  ", " ") == t("chart.personas.k.elbow", lang) or \
        "".join(lines) == t("chart.personas.k.elbow", lang)
    assert len(lines) == (2 if lang == "en" else 1)
    assert theme.wrap("一二三四五六七八", 8) == "一二三四<br>五六七八"
    assert theme.wrap("alpha beta gamma", 10) == "alpha beta<br>gamma"


# -- compare --------------------------------------------------------------------------------
def test_compare_shares_of_top_traits(people):
    a, b = people[0], people[1]
    fig = charts.compare(a, b, lang="en", n=4)
    keys = []
    for p in (a, b):
        keys += [(tr.attribute, tr.level) for tr in p.top_traits(4, min_count=30)
                 if (tr.attribute, tr.level) not in keys]
    rows = [f"{t('chart.personas.attr.' + at, 'en')} · {level(at, c, 'en')}" for at, c in keys]
    assert _plain_all(fig.data[0].y) == rows
    share = {(tr.attribute, tr.level): tr for tr in a.traits}
    share_b = {(tr.attribute, tr.level): tr for tr in b.traits}
    assert list(fig.data[0].x) == pytest.approx([share[k].share_in_segment for k in keys])
    assert list(fig.data[1].x) == pytest.approx([share_b[k].share_in_segment for k in keys])
    assert list(fig.data[2].x) == pytest.approx([share[k].share_overall for k in keys])
    assert _plain_all(tr.name for tr in fig.data) == [a.name["en"], b.name["en"],
                                                      t("chart.personas.compare.overall", "en")]


# -- escaping -------------------------------------------------------------------------------
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_user_names_are_escaped_everywhere(evil, lang):
    coords, labels = _sample(evil, m=200)
    figures = {
        "sizes": charts.segment_sizes(evil, lang=lang),
        "heatmap": charts.lift_heatmap(evil, lang=lang),
        "radar": charts.behaviour_radar(evil, lang=lang),
        "map": charts.persona_map(coords, labels, evil, lang=lang),
        "compare": charts.compare(evil[0], evil[1], lang=lang),
        "compare_b": charts.compare(evil[1], evil[0], lang=lang),
    }
    for what, fig in figures.items():
        text = _strings(fig)
        assert "<img" not in text, what
        assert "&lt;img" in text and "alert(1)&gt;" in text, what
    # and specifically where the name is shown (long labels may carry a <br> of ours)
    assert _plain(figures["sizes"].data[0].y[0]) == EVIL
    assert figures["sizes"].data[0].y[0].replace("<br>", " ") == ESCAPED
    assert ESCAPED in figures["sizes"].data[0].hovertext[0]
    assert figures["heatmap"].data[0].y[0].replace("<br>", " ") == ESCAPED
    assert ESCAPED in figures["heatmap"].data[0].hovertext[0][0]
    assert figures["radar"].data[0].name.replace("<br>", " ") == ESCAPED
    assert ESCAPED in figures["radar"].data[0].hovertext[0]
    assert figures["map"].data[0].name.replace("<br>", " ") == ESCAPED
    assert ESCAPED in figures["compare"].layout.title.text
    assert figures["compare"].data[0].name.replace("<br>", " ") == ESCAPED


def test_names_never_enter_hover_templates(people):
    people[0].name = {"en": "%{x} 100%", "zh": "%{x}"}
    for fig in (charts.segment_sizes(people), charts.lift_heatmap(people),
                charts.behaviour_radar(people), charts.compare(people[0], people[1])):
        for trace in fig.data:
            assert "%{x}" not in (trace.hovertemplate or "")


# -- empty and theme ------------------------------------------------------------------------
def test_empty_personas_give_an_empty_chart_with_a_note():
    for fig in (charts.segment_sizes([], lang="zh"), charts.lift_heatmap([], lang="zh"),
                charts.behaviour_radar([], lang="zh")):
        assert any(a.text == t("chart.personas.empty", "zh") for a in fig.layout.annotations)


def test_theme_is_applied(people):
    fig = charts.segment_sizes(people)
    assert "Noto Sans CJK SC" in fig.layout.template.layout.font.family
    assert len(theme.PERSONA_COLOURS) >= 10


@pytest.mark.parametrize(
    ("value", "expected"),
    [(theme.pct(0.1234), "12.3%"), (theme.pct(0.0004), "<0.1%"), (theme.times(2.43), "×2.4"),
     (theme.times(0.5), "×0.50"), (theme.count(12345, "en"), "12,345"),
     (theme.count(123456, "zh"), "12.35万"), (theme.signed(-1.25), "−1.2")],
)
def test_numbers_for_humans(value, expected):
    assert value == expected
