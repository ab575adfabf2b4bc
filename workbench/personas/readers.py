"""Personas from aggregate data: what WeChat exports per article, not per person.

:func:`reader_profile` combines per-article reader distributions (gender / age / region),
weighted by reads, into the reader profile of each content type and platform; :func:`ipf`
(iterative proportional fitting) fits a joint table to exported marginals from a seed; and
:func:`reader_candidates` uses both to propose persona candidates (the largest cells of the
estimated joint table, e.g. women aged 25–30 in Guangdong).
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd

from .. import i18n
from ..errors import InputError


def reader_profile(distributions: pd.DataFrame, articles: pd.DataFrame) -> pd.DataFrame:
    """Reader profile per content type and platform from per-article reader distributions.

    Each article's distribution (share of its readers in each gender / age / region level) is
    weighted by the article's reads: ``share = Σ reads_a · share_a / Σ reads_a`` over the
    articles of a content type and platform that have that dimension. Articles are matched on
    their title; a share missing from the export is computed as ``users / Σ users`` of the
    article and dimension. Only WeChat articles are matched (the only platform with these
    exports; a missing platform is WeChat); a missing content type is ``"unknown"``.

    Returns
    -------
    DataFrame with columns ``content_type, platform, dimension, level, share, articles, reads``
    (long format; shares of a content type, platform and dimension sum to 1).

    Examples
    --------
    >>> d = pd.DataFrame({"title": ["a", "a", "b", "b"], "dimension": ["gender"] * 4,
    ...                   "level": ["female", "male"] * 2, "users": [60, 40, 20, 80]})
    >>> a = pd.DataFrame({"title": ["a", "b"], "reads": [100, 300],
    ...                   "content_type": ["news", "news"], "platform": ["wechat", "wechat"]})
    >>> reader_profile(d, a)[["level", "share"]].round(2).to_dict("list")
    {'level': ['male', 'female'], 'share': [0.7, 0.3]}
    """
    for frame, need, what in ((distributions, ("title", "dimension", "level"), "distributions"),
                              (articles, ("title", "reads"), "articles")):
        missing = [c for c in need if c not in frame.columns]
        if missing:
            raise InputError(f"The {what} table needs column(s) {', '.join(missing)}.",
                             f"{'读者分布' if what == 'distributions' else '文章'}表缺少列："
                             f"{'、'.join(missing)}。",
                             fix="Export the 单篇详情 sheets and the 已通知内容 list again.",
                             fix_zh="请重新导出“单篇详情”和“已通知内容”。")
    d = distributions[["title", "dimension", "level"]].copy()
    d["title"] = d["title"].astype("string")
    d["dimension"] = d["dimension"].astype("string")
    d["level"] = d["level"].astype("string")
    if "share" in distributions.columns and distributions["share"].notna().all():
        d["share"] = pd.to_numeric(distributions["share"], errors="coerce").astype(float)
    elif "users" in distributions.columns:
        users = pd.to_numeric(distributions["users"], errors="coerce").astype(float)
        total = users.groupby([d["title"], d["dimension"]]).transform("sum")
        d["share"] = (users / total).where(total > 0)
    else:
        raise InputError("The distributions table needs a share (占比) or a users (人数) column.",
                         "读者分布表需要“占比”或“人数”列。")
    d = d.dropna(subset=["title", "dimension", "level", "share"])

    a = pd.DataFrame({"title": articles["title"].astype("string"),
                      "reads": pd.to_numeric(articles["reads"], errors="coerce").astype(float)})
    a["content_type"] = (articles["content_type"].astype("string").fillna("unknown")
                         if "content_type" in articles.columns else "unknown")
    a["platform"] = (articles["platform"].astype("string").fillna("wechat")
                     if "platform" in articles.columns else "wechat")
    # the distributions are WeChat exports: a title that other platforms reuse must not lend
    # them WeChat's readers
    a = a[a["platform"] == "wechat"].dropna(subset=["title", "reads"])
    a = a.groupby(["title", "content_type", "platform"], as_index=False)["reads"].sum()
    m = d.merge(a, on="title", how="inner")
    if m.empty:
        raise InputError("No article title of the distributions table matches a title of the "
                         "articles table.",
                         "读者分布表中的文章标题与文章表中的标题都对不上。",
                         fix="Export both for the same articles.",
                         fix_zh="请导出同一批文章的两份数据。")
    m["weighted"] = m["share"] * m["reads"]
    keys = ["content_type", "platform", "dimension"]
    num = m.groupby(keys + ["level"], as_index=False).agg(weighted=("weighted", "sum"))
    per_article = m.drop_duplicates(keys + ["title"])
    den = per_article.groupby(keys, as_index=False).agg(reads=("reads", "sum"),
                                                        articles=("title", "nunique"))
    out = num.merge(den, on=keys)
    out["share"] = np.where(out["reads"] > 0, out["weighted"] / out["reads"].where(
        out["reads"] > 0, 1), np.nan)
    out = out[keys + ["level", "share", "articles", "reads"]]
    out["articles"] = out["articles"].astype("int64")
    return out.sort_values(keys + ["share", "level"], ascending=[True, True, True, False, True]
                           ).reset_index(drop=True)


def ipf(seed: np.ndarray, marginals: list[np.ndarray], tol: float = 1e-9,
        max_iter: int = 1000) -> np.ndarray:
    """Iterative proportional fitting: scale ``seed`` until its sums match ``marginals``.

    ``marginals[i]`` is the target sum over every axis but ``i`` (e.g. the exported gender and
    age distributions); ``seed`` (e.g. a survey's cross-table) gives the associations. The
    result keeps the seed's odds ratios and matches every marginal within ``tol`` times the
    marginals' total: shares (summing to 1) within ``tol``, counts of a billion people within
    ``tol × 1e9`` (an absolute 1e-9 is below the spacing of float64 numbers that large).
    Marginals given as shares give a joint table of shares, counts a table of counts.

    Parameters
    ----------
    seed : the starting table (non-negative), one axis per marginal.
    marginals : the target sums, one 1-D array per axis, all with the same total.
    tol : largest marginal error allowed, as a share of the marginals' total.
    max_iter : cycles over the axes before giving up.

    Raises
    ------
    ValueError
        shapes disagree, negative values, marginals with different totals, a positive
        marginal cell whose seed slice is all zero, or no convergence within ``max_iter``.

    Examples
    --------
    >>> ipf(np.ones((2, 2)), [np.array([0.6, 0.4]), np.array([0.5, 0.5])]).round(2).tolist()
    [[0.3, 0.3], [0.2, 0.2]]
    """
    table = np.asarray(seed, dtype=float).copy()
    margins = [np.asarray(m, dtype=float) for m in marginals]
    if table.ndim != len(margins):
        raise ValueError(f"seed has {table.ndim} axes but {len(margins)} marginals were given")
    for i, m in enumerate(margins):
        if m.ndim != 1 or m.shape[0] != table.shape[i]:
            raise ValueError(f"marginal {i} has shape {m.shape}; axis {i} of the seed has "
                             f"{table.shape[i]} levels")
        if (m < 0).any() or not np.isfinite(m).all():
            raise ValueError(f"marginal {i} has negative or non-finite values")
    if (table < 0).any() or not np.isfinite(table).all():
        raise ValueError("the seed table has negative or non-finite values")
    totals = [m.sum() for m in margins]
    if not np.allclose(totals, totals[0], rtol=1e-6, atol=1e-12):
        got = ", ".join(f"{t:g}" for t in totals)
        raise ValueError(f"marginals must have the same total; got {got}")
    for i, m in enumerate(margins):
        other = tuple(a for a in range(table.ndim) if a != i)
        s = table.sum(axis=other)
        if ((s == 0) & (m > 0)).any():
            bad = np.flatnonzero((s == 0) & (m > 0)).tolist()
            raise ValueError(f"marginal {i} needs people in level(s) {bad} where the seed has "
                             "none; put a small positive value in those seed cells")
    for _ in range(max_iter):
        for i, m in enumerate(margins):
            other = tuple(a for a in range(table.ndim) if a != i)
            s = table.sum(axis=other)
            factor = np.divide(m, s, out=np.zeros_like(m), where=s > 0)
            shape = [1] * table.ndim
            shape[i] = -1
            table *= factor.reshape(shape)
        err = max(float(np.abs(table.sum(axis=tuple(a for a in range(table.ndim) if a != i))
                               - m).max()) for i, m in enumerate(margins))
        if err <= tol * totals[0]:
            return table
    raise ValueError(f"IPF did not converge within {max_iter} iterations (largest marginal "
                     f"error {err:.3g}, {err / totals[0]:.3g} of the total); check that the "
                     "seed's zero cells allow the marginals")


#: dimension of the reader distributions → the followers column holding the same thing
DISTRIBUTION_COLUMNS = {"gender": "gender", "age": "age_band", "region": "province"}


def reader_candidates(profile: pd.DataFrame, survey: pd.DataFrame | None = None, *,
                      content_type: str | None = None,
                      dimensions: Sequence[str] = ("gender", "age", "region"),
                      top: int = 8, smoothing: float = 0.5) -> pd.DataFrame:
    """Persona candidates from aggregates: the largest cells of the joint reader table.

    WeChat exports each dimension of an article's readers separately. The joint table (e.g.
    women aged 25–30 in Guangdong) is estimated by :func:`ipf` from the exported marginals of
    ``profile`` (:func:`reader_profile`; all content types weighted by their reads, or one) and
    a seed: the cross-table of a user-level ``survey`` (followers, CRM or survey answers in the
    followers schema) plus ``smoothing`` people in every cell, so that the survey's associations
    are kept and every exported level can be filled. Without a survey the seed is flat, i.e. the
    dimensions are taken as independent (said in the result's ``attrs["method"]``).

    Returns
    -------
    DataFrame with one column per dimension (level codes), ``share`` (estimated share of the
    readers), ``independent`` (the share if the dimensions were independent), ``survey_share``
    (the cell's share of the survey, NaN without one), sorted by ``share``, the ``top`` rows.
    ``attrs``: ``method`` (``{"en", "zh"}``), ``readers`` (reads behind the marginals),
    ``survey_rows``.

    Examples
    --------
    >>> prof = pd.DataFrame({"content_type": "news", "platform": "wechat", "reads": 100,
    ...     "dimension": ["gender"] * 2 + ["age"] * 2,
    ...     "level": ["female", "male", "18_24", "25_30"], "share": [0.6, 0.4, 0.5, 0.5],
    ...     "articles": 1})
    >>> survey = pd.DataFrame({"gender": ["female"] * 3 + ["male"] * 3,
    ...                        "age_band": ["18_24", "18_24", "25_30", "25_30", "25_30", "18_24"]})
    >>> reader_candidates(prof, survey, dimensions=("gender", "age"), top=1,
    ...                   smoothing=0)[["gender", "age", "share"]].round(3).to_dict("records")
    [{'gender': 'female', 'age': '18_24', 'share': 0.38}]
    """
    need = {"dimension", "level", "share", "reads", "content_type"}
    if not need <= set(profile.columns):
        raise InputError("The reader profile needs the columns of reader_profile().",
                         "读者画像表应包含 reader_profile() 给出的列。")
    dims = [d for d in dimensions if d in DISTRIBUTION_COLUMNS]
    if not dims:
        raise InputError(f"Choose dimensions among {', '.join(DISTRIBUTION_COLUMNS)}.",
                         f"请从 {'、'.join(DISTRIBUTION_COLUMNS)} 中选择维度。")
    prof = profile if content_type is None else profile[profile["content_type"] == content_type]
    prof = prof[prof["dimension"].isin(dims)]
    missing = [d for d in dims if d not in set(prof["dimension"])]
    if missing:
        raise InputError(f"The reader distributions have no {', '.join(missing)} data"
                         + (f" for {content_type}" if content_type else "") + ".",
                         f"读者分布中没有{'、'.join(missing)}数据"
                         + (f"（{i18n.level('content_type', content_type, 'zh')}）"
                            if content_type else "") + "。",
                         fix="Export the 单篇详情 sheets with their distribution sections.",
                         fix_zh="请导出包含读者分布部分的“单篇详情”。")
    levels, marginals = _marginals(prof, dims)
    shape = tuple(len(lv) for lv in levels)
    seed = np.full(shape, float(smoothing) if survey is not None else 1.0)
    survey_share = None
    used = 0
    if survey is not None:
        counts = _survey_counts(survey, dims, levels)
        used = int(counts.sum())
        if used:
            seed += counts
            survey_share = counts / counts.sum()
    if survey is not None and not used:
        raise InputError("No survey row matches the exported levels.",
                         "调查数据中没有与导出分布对得上的行。")
    joint = ipf(seed, marginals)
    independent = marginals[0]
    for m in marginals[1:]:
        independent = np.multiply.outer(independent, m)
    order = np.argsort(-joint, axis=None, kind="stable")[:top]
    cells = np.unravel_index(order, shape)
    out = pd.DataFrame({d: [levels[i][j] for j in cells[i]] for i, d in enumerate(dims)})
    out["share"] = joint.ravel()[order]
    out["independent"] = independent.ravel()[order]
    out["survey_share"] = (survey_share.ravel()[order] if survey_share is not None
                           else np.full(len(order), np.nan))
    out.attrs["readers"] = float(prof.drop_duplicates(["content_type", "platform"])["reads"].sum())
    out.attrs["survey_rows"] = used
    out.attrs["method"] = (
        {"en": f"estimated from WeChat's distributions and how gender, age and region go "
               f"together among the {used:,} surveyed followers (iterative proportional "
               "fitting)",
         "zh": f"根据微信导出的分布，并参考 {used:,} 位调查粉丝中性别、年龄、地区的搭配估算"
               "（迭代比例拟合）"}
        if used else
        {"en": "no survey: the dimensions are taken as independent",
         "zh": "无调查数据：假定各维度相互独立"})
    return out


def _marginals(prof: pd.DataFrame, dims: list[str]) -> tuple[list[list[str]], list[np.ndarray]]:
    """Each dimension's levels (by share, descending; levels nobody reads left out) and their
    shares of the readers, weighted by reads over the content types and platforms of ``prof``."""
    levels: list[list[str]] = []
    marginals: list[np.ndarray] = []
    for d in dims:
        part = prof[prof["dimension"] == d]
        weighted = (part["share"] * part["reads"]).groupby(part["level"].astype(str)).sum()
        reads = part.drop_duplicates(["content_type", "platform"])["reads"].sum()
        margin = (weighted / reads).sort_values(ascending=False)
        margin = margin[margin > 0]
        levels.append([str(x) for x in margin.index])
        marginals.append(margin.to_numpy() / margin.sum())
    return levels, marginals


def _survey_counts(survey: pd.DataFrame, dims: list[str], levels: list[list[str]]
                   ) -> np.ndarray:
    """The survey's cross-table over ``dims`` (one axis per dimension, in ``levels`` order);
    rows with a level the export does not have are left out."""
    columns = [DISTRIBUTION_COLUMNS[d] for d in dims]
    absent = [c for c in columns if c not in survey.columns]
    if absent:
        raise InputError(f"The survey has no column {', '.join(absent)}.",
                         f"调查数据缺少列：{'、'.join(absent)}。",
                         fix="Load followers or survey answers with these columns.",
                         fix_zh="请导入包含这些列的粉丝或调查数据。")
    codes = []
    keep = np.ones(len(survey), dtype=bool)
    for c, lv in zip(columns, levels):
        index = {code: i for i, code in enumerate(lv)}
        col = survey[c].astype("string").map(index).astype("float")
        keep &= col.notna().to_numpy()
        codes.append(col.to_numpy())
    counts = np.zeros(tuple(len(lv) for lv in levels))
    np.add.at(counts, tuple(c[keep].astype(int) for c in codes), 1.0)
    return counts
