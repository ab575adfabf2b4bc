"""Posts without a content type are planned as "untagged", with a warning, never refused
(issue 21): an export such as 已通知内容 has no types, and a title no tagging rule matches stays
untagged until someone tags it."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from workbench import i18n, io, mix, review, schemas
from workbench.charts import mix as charts
from workbench.errors import InputError

U = schemas.UNTAGGED


@pytest.fixture(scope="module")
def articles() -> pd.DataFrame:
    return io.sample("articles")


def untag(articles: pd.DataFrame, where) -> pd.DataFrame:
    out = articles.copy()
    out["content_type"] = out["content_type"].astype(object)
    out.loc[where(out), "content_type"] = None
    return out


@pytest.fixture(scope="module")
def none_typed(articles) -> pd.DataFrame:
    return untag(articles, lambda d: d.index == d.index)


@pytest.fixture(scope="module")
def zhihu_untyped(articles) -> pd.DataFrame:
    """Every platform typed except Zhihu, whose posts have no type."""
    return untag(articles, lambda d: d["platform"] == "zhihu")


def test_a_typed_history_estimates_and_plans_as_before(articles) -> None:
    est = mix.estimate(articles)
    assert est.content_types == schemas.CONTENT_TYPES and est.warnings == []
    p = mix.plan(est)
    assert U not in p.constraints.content_types and U not in p.posts.columns
    assert p.warnings == []


def test_an_export_without_types_is_estimated_and_planned_not_refused(none_typed) -> None:
    est = mix.estimate(none_typed)
    assert est.content_types == schemas.CONTENT_TYPES + (U,)
    # every post is in the untagged cells, and their raw mean is the posts' own mean
    reads = est.cells[est.cells["metric"] == "reads"].set_index(["platform", "content_type"])
    for p in est._platforms:
        mine = none_typed[none_typed["platform"] == p]
        assert reads.loc[(p, U), "posts"] == len(mine)
        assert reads.loc[(p, U), "raw_mean"] == pytest.approx(mine["reads"].mean())
        assert reads.loc[(p, "news"), "posts"] == 0
    assert list(est.table("reads").columns)[-1] == U
    plan = mix.plan(est)
    assert plan.feasible
    posts = plan.posts
    assert list(posts.columns)[-1] == U
    # nothing says which type a post is: only untagged posts are planned, within the cadence
    assert posts.drop(columns=U).to_numpy().sum() == 0
    for p in plan.constraints.platforms:
        lo, hi = plan.constraints.posts_range(p)
        assert lo <= posts.loc[p, U] <= hi
    assert plan.total("reads") > 0


def test_the_no_back_to_back_rule_does_not_hold_untagged_posts_to_half(none_typed,
                                                                       articles) -> None:
    # Weibo: at most 11 posts a week, so one type may have 6; untagged posts are of types
    # nobody knows, and 9 of them may be planned
    cons = mix.Constraints(min_posts={"weibo": 9}, team_hours=500, budget=None)
    plan = mix.plan(mix.estimate(none_typed), cons)
    assert plan.feasible and plan.posts.loc["weibo", U] >= 9
    typed = mix.plan(mix.estimate(articles), cons)
    assert typed.feasible and typed.posts.loc["weibo"].max() <= 6


def test_the_warning_says_how_many_and_where_in_both_languages(none_typed, articles) -> None:
    est = mix.estimate(none_typed)
    assert len(est.warnings) == 1 and est.warnings[0] in est.notes
    en, zh = est.warnings[0]
    n = f"{len(none_typed):,}"
    assert en.startswith(f"Warning: {n} of {n} posts have no content type")
    assert "WeChat, Weibo, Douyin, Xiaohongshu, Zhihu have no tagged post" in en
    assert "Data page" in en
    assert zh.startswith(f"注意：{n} 篇中有 {n} 篇没有内容类型") and "微信、微博" in zh
    # no "thin history" note for types nobody tagged
    assert not any("thin history" in e for e, _ in est.notes)
    plan = mix.plan(est)
    assert plan.warnings == est.warnings
    some = untag(articles, lambda d: d.index % 10 == 0)
    (en, _), = mix.estimate(some).warnings
    assert en.startswith(f"Warning: {int((some['content_type'].isna()).sum()):,} of "
                         f"{len(some):,} posts") and "no tagged post" not in en


def test_untagged_posts_are_planned_only_where_they_were_published(zhihu_untyped) -> None:
    est = mix.estimate(zhihu_untyped)
    plan = mix.plan(est, mix.Constraints(min_posts={"zhihu": 2}))
    posts = plan.posts
    assert plan.feasible
    # Zhihu: untagged only; elsewhere: typed only (an untagged cell there would be a guess)
    assert posts.loc["zhihu", U] >= 2 and posts.loc["zhihu"].drop(U).sum() == 0
    assert posts.drop(index="zhihu")[U].sum() == 0
    assert posts.drop(index="zhihu").drop(columns=U).to_numpy().sum() > 0
    (en, _), = est.warnings
    assert "Zhihu has no tagged post, so its posts are planned as untagged only." in en


def test_untagged_posts_cost_a_typical_post_and_no_share_rule_counts_them(zhihu_untyped
                                                                           ) -> None:
    cons = mix.Constraints(min_posts={"zhihu": 3}, max_share={"product": 0.0})
    plan = mix.plan(mix.estimate(zhihu_untyped), cons)
    cell = plan.cells.set_index(["platform", "content_type"]).loc[("zhihu", U)]
    assert cell["hours"] == pytest.approx(mix.rules.UNTAGGED_HOURS * cell["posts"])
    assert cell["cost"] == pytest.approx(mix.rules.UNTAGGED_COST * cell["posts"])
    assert plan.posts["product"].sum() == 0
    # a persona rule cannot be met by untagged posts
    persona = mix.PersonaTarget("Zhihu readers", ("educational",), 2, ("zhihu",))
    stuck = mix.plan(mix.estimate(zhihu_untyped), cons.replace(personas=(persona,)))
    assert not stuck.feasible and stuck.conflicts


def test_a_calendar_of_untagged_posts_has_no_back_to_back_warning(none_typed) -> None:
    plan = mix.plan(mix.estimate(none_typed))
    cal = plan.calendar("2026-12-07", weeks=2)
    frame = cal.frame("zh")
    assert set(frame["content_type"]) == {U} and set(frame["content_type_label"]) == {"未标注"}
    assert len(frame) == 2 * int(plan.posts.to_numpy().sum())
    assert cal.warnings == []
    assert ",untagged,Untagged," in cal.to_csv()


def test_a_saved_plan_keeps_its_untagged_posts_and_warning(none_typed) -> None:
    plan = mix.plan(mix.estimate(none_typed))
    again = mix.MixPlan.from_payload(plan.to_payload())
    assert again.warnings == plan.warnings
    assert again.posts.equals(plan.posts)
    assert again.calendar("2026-12-07", 1).frame("en")["content_type"].eq(U).all()


def test_asking_for_untagged_posts_a_typed_history_lacks_is_refused(articles) -> None:
    with pytest.raises(InputError, match="no 'untagged' posts"):
        mix.plan(mix.estimate(articles),
                 mix.Constraints(content_types=schemas.CONTENT_TYPES + (U,)))
    with pytest.raises(InputError, match="Unknown content type 'vlog'"):
        mix.Constraints(content_types=("vlog",)).validate()


def test_charts_show_an_untagged_bar_and_cell_only_when_there_are_some(none_typed,
                                                                        articles) -> None:
    plan = mix.plan(mix.estimate(none_typed))
    bars = charts.mix_bars(plan.posts, lang="zh")
    assert [b.name for b in bars.data][-1] == "未标注"
    assert list(bars.data[-1].y) == [int(v) for v in plan.posts[U]]
    assert len(charts.mix_bars(mix.plan(mix.estimate(articles)).posts).data) == 7
    est = mix.estimate(none_typed)
    fig = charts.cell_estimates(est.cells, est._platforms, lang="en")
    assert fig.layout.xaxis.ticktext == ("Untagged",)   # no type was tagged: none shown
    some = mix.estimate(untag(articles, lambda d: d["platform"] == "zhihu"))
    fig = charts.cell_estimates(some.cells, some._platforms, lang="en")
    assert len(fig.layout.xaxis.ticktext) == 8 and fig.layout.xaxis.ticktext[-1] == "Untagged"


def test_the_untagged_level_has_display_names() -> None:
    assert i18n.level("content_type", U, "en") == "Untagged"
    assert i18n.level("content_type", U, "zh") == "未标注"


def test_a_review_counts_untagged_posts(articles) -> None:
    """Posts without a type are reviewed as untagged, never left out of the actuals."""
    typed = review.review(*_review_inputs(articles))
    bare = untag(articles, lambda d: d.index == d.index)
    untyped = review.review(*_review_inputs(bare))
    kpi = typed.kpis.set_index("kpi")["actual"]
    kpi_u = untyped.kpis.set_index("kpi")["actual"]
    assert kpi_u["posts"] == kpi["posts"] > 0
    assert kpi_u["reads"] == pytest.approx(kpi["reads"])
    var = untyped.variance_by("content_type", "reads")
    assert U in var.index and var.loc[U, "actual_posts"] == kpi["posts"]


def _review_inputs(articles: pd.DataFrame):
    est = mix.estimate(io.sample("articles"))
    plan = mix.plan(est)
    plan.calendar("2026-10-05", weeks=4)
    return plan, io.sample("daily_users"), articles


def test_a_review_of_untagged_posts_calibrates_the_untagged_cells(none_typed) -> None:
    """The closed loop: the review of an untyped history calibrates the untagged cells that
    the next plan is made from."""
    est = mix.estimate(none_typed)
    plan = mix.plan(est)
    plan.calendar("2026-10-05", weeks=4)
    rv = review.review(plan, io.sample("daily_users"), none_typed)
    content = rv.calibrated.content
    assert "wechat/untagged" in content and all(k.endswith("/untagged") for k in content)
    out = review.apply_to_estimates(est, rv.calibrated)
    factor = content["wechat/untagged"]["factor"]["reads"]
    assert factor != pytest.approx(1.0)
    assert out.mean("wechat", U) == pytest.approx(factor * est.mean("wechat", U))
    assert np.isclose(out.mean("wechat", "news"), est.mean("wechat", "news"))


@pytest.mark.parametrize("lang, ten_thousand", [("en", "10k"), ("zh", "1万")])
def test_the_reads_per_post_log_axis_reads_1_2_5(articles, lang, ten_thousand):
    """Page 02's log axis: ticks at 1, 2 and 5 of each power of ten, named as people write
    them (1万 in Chinese), never plotly's bare 2 … 9 between the powers."""
    est = mix.estimate(articles)
    fig = charts.cell_estimates(est.cells, est._platforms, lang=lang)
    axis = fig.layout.yaxis
    assert axis.type == "log" and len(axis.tickvals) >= 3
    assert fig.layout.xaxis.zeroline is False     # no stray line through the first type
    mantissas = {round(v / 10 ** np.floor(np.log10(v))) for v in axis.tickvals}
    assert mantissas <= {1, 2, 5}
    assert ten_thousand in axis.ticktext
    drawn = [y for tr in fig.data for y in tr.y if y and y > 0]
    assert min(axis.tickvals) <= 2 * min(drawn) and max(axis.tickvals) >= max(drawn) / 2
