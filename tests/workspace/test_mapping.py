"""The team's own header and level names (issue 21, item 6): a file that misses a required
column under its usual name, or holds levels the loader does not know, is offered a mapping;
the mapping is kept and the next upload of that shape is read with it. Unknown levels are
counted in the report, never blanked without a word."""

from __future__ import annotations

import pandas as pd
import pytest

import store_backends
from store_backends import db_url  # noqa: F401 (a fixture)
from workbench import io
from workbench.errors import InputError
from workbench.workspace import Workspace

_clean_env = store_backends.clean_env


@pytest.fixture()
def ws(db_url: str) -> Workspace:  # noqa: F811
    with Workspace(db_url) as opened:
        yield opened


def week(start: str, reads: tuple[int, ...]) -> bytes:
    """An article list headed 阅读人数 where 阅读次数 belongs (a hand-made export)."""
    days = pd.date_range(start, periods=len(reads))
    rows = "".join(f"周报第{i}期,{d:%Y-%m-%d} 20:00,{r}\n" for i, (d, r) in
                   enumerate(zip(days, reads), start=1))
    return ("内容标题,发表时间,阅读人数\n" + rows).encode("gb18030")


def test_a_missing_column_is_mapped_once_and_the_next_week_reads(ws: Workspace,
                                                                 db_url: str) -> None:  # noqa: F811
    with pytest.raises(io.DataError) as err:
        ws.add(week("2026-11-02", (1200, 800, 950)), name="文章.csv")
    assert (err.value.kind, err.value.missing) == ("articles", ["reads"])
    assert err.value.headers == ["内容标题", "发表时间", "阅读人数"]
    assert ws.uploads() == []
    ws.set_mapping(io.Mapping(columns={"articles": {"阅读人数": "reads"}}))
    first = ws.add(week("2026-11-02", (1200, 800, 950)), name="文章.csv")
    assert first.report.columns["reads"] == "阅读人数"
    with Workspace(db_url) as later:  # next week, another kernel: read with the kept mapping
        later.add(week("2026-11-09", (700, 1500)), name="文章 第2周.csv")
        assert later.frame("articles")["reads"].tolist() == [1200, 800, 950, 700, 1500]
        assert later.mapping().columns == {"articles": {"阅读人数": "reads"}}


def test_unknown_levels_are_mapped_or_counted(ws: Workspace) -> None:
    rows = "".join(f"F{i:04d},{'female' if i % 2 else 'male'},25_30,"
                   f"{'tier3+' if i % 4 == 0 else 'tier1'},"
                   f"{'fashion;tech' if i % 10 == 0 else 'tech'}\n" for i in range(400))
    survey = ("follower_id,gender,age_band,city_tier,interests\n" + rows).encode()
    with pytest.raises(io.DataError) as err:  # a quarter of the city tiers: refused, and why
        ws.add(survey, name="问卷.csv")
    assert (err.value.level_column, err.value.unknown) == ("city_tier", {"tier3+": 100})
    ws.set_mapping(io.Mapping(levels={"city_tier": {"tier3+": "tier3_plus"}}))
    up = ws.add(survey, name="问卷.csv")
    frame = ws.frame("followers")
    assert frame["city_tier"].value_counts()["tier3_plus"] == 100
    # 'fashion' is not a known interest: the cells keep 'tech', and the report counts it
    assert up.report.unknown_levels == {"interests": {"fashion": 40}}
    assert frame["interests"].eq("tech").all()
    assert any("'fashion' (40 cells)" in m for m in up.report.messages("en"))
    assert any("“fashion”（40 个单元格）" in m for m in up.report.messages("zh"))
    ws.set_mapping(io.Mapping(levels={"interests": {"fashion": "fashion_beauty"}}))
    again = ("follower_id,gender,age_band,city_tier,interests\n"
             "F0000,male,25_30,tier3+,fashion;tech\n").encode()
    ws.add(again, name="问卷 补充.csv")
    assert ws.frame("followers").set_index("follower_id").loc["F0000", "interests"] == \
        "tech;fashion_beauty"


def test_an_accounts_mapping_is_its_own(ws: Workspace) -> None:
    main = ws.add_account("品牌主号")
    member = ws.add_account("会员中心", account_type="service")
    ws.set_mapping(io.Mapping(columns={"articles": {"阅读人数": "reads"}}), account=member)
    assert ws.mapping(member).columns == {"articles": {"阅读人数": "reads"}}
    assert ws.mapping(main).columns == {}
    with pytest.raises(io.DataError):
        ws.add(week("2026-11-02", (10, 20)), name="主号.csv", account=main)
    assert ws.add(week("2026-11-02", (10, 20)), name="会员.csv", account=member).rows == 2


def test_a_kept_file_is_read_again_with_the_names_mapped_since(ws: Workspace) -> None:
    """A file that loaded with unknown levels (counted, those values not kept) is read again
    once the team has named them: the new reading takes the old one's place, which is removed
    and can be restored; the same file added again is still a duplicate."""
    rows = "".join(f"F{i:04d},female,25_30,tier1,{'fashion;tech' if i % 10 == 0 else 'tech'}\n"
                   for i in range(200))
    survey = ("follower_id,gender,age_band,city_tier,interests\n" + rows).encode()
    first = ws.add(survey, name="问卷.csv")
    assert first.report.unknown_levels == {"interests": {"fashion": 20}}
    assert not ws.frame("followers")["interests"].str.contains("fashion").any()
    ws.set_mapping(io.Mapping(levels={"interests": {"fashion": "fashion_beauty"}}))
    again = ws.reread(first.id, author="小王")
    assert again.id != first.id and again.sha256 == first.sha256
    assert again.report.unknown_levels == {}
    assert (again.report.new, again.report.updated, again.report.unchanged) == (0, 20, 180)
    old = ws.upload(first.id)
    assert old.removed and old.removed_by == "小王"
    frame = ws.frame("followers")
    assert len(frame) == 200
    assert frame["interests"].eq("tech;fashion_beauty").sum() == 20
    assert ws.content(again.id) == ws.content(first.id) == survey
    assert ws.add(survey, name="问卷.csv").report.duplicate_of == again.id
    assert len(ws.uploads()) == 2 and len(ws.uploads(removed=False)) == 1
    # undo: the first reading back, the second removed
    ws.remove(again.id)
    ws.restore(first.id)
    assert not ws.frame("followers")["interests"].str.contains("fashion").any()
    with pytest.raises(InputError, match="is removed: restore it"):
        ws.reread(again.id)
