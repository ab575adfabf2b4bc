"""Reader distributions of the WeChat articles: gender, age and region, as the 单篇详情 sheet
gives them.

The readers of an article are drawn from the WeChat followers, weighted by their reads and by
how well their interests fit the article's content type and title topic (``_pulls``); each
article draws its own segment mix and readers, and articles sharing a title are merged.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from workbench import schemas

from .brand import SEGMENTS


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
