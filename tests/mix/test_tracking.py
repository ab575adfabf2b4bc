"""The publishing calendar is the team's tracked plan (issue 22): each item gets a topic, an
owner and a status in the review flow (draft → 初审 → 修改 → 终审 → approved → published), every
change kept with who and when; items move; all of it is saved and reopened with the plan, and
goes into the CSV, the .ics and the weekly .xlsx."""

from __future__ import annotations

import datetime as dt
import io as stdio

import icalendar
import pytest
from openpyxl import load_workbook

from workbench import io, mix, store
from workbench.errors import InputError

AT = dt.datetime(2026, 12, 7, 6, 30, tzinfo=dt.timezone.utc)


@pytest.fixture(scope="module")
def est() -> mix.Estimates:
    return mix.estimate(io.sample("articles"))


@pytest.fixture()
def plan(est) -> mix.MixPlan:
    return mix.plan(est)


def test_the_review_flow_has_the_steps_the_operations_codes_prescribe() -> None:
    assert mix.STATUSES == ("draft", "first_review", "revision", "final_review", "approved",
                            "published")
    assert mix.calendar.status_code("初审") == "first_review"
    assert mix.calendar.status_code("Final review") == "final_review"
    assert mix.calendar.status_code("in-review") == "first_review"     # the earlier name
    assert mix.calendar.status_label("revision", "zh") == "修改"
    with pytest.raises(InputError) as err:
        mix.calendar.status_code("done")
    assert "初审" in err.value.zh and "final_review" in err.value.en


def test_every_change_is_kept_with_who_and_when(plan) -> None:
    cal = plan.calendar("2026-12-07", weeks=2)
    item = cal.items[0]
    cal.edit(item.item_id, topic="  双十二 早报\n合集 ", owner="小王", by="李编辑", at=AT)
    cal.set_status(item.item_id, "初审", by="张主编", at=AT + dt.timedelta(hours=1))
    cal.edit(item.item_id, owner="小王", by="someone")            # no change: nothing kept
    assert (item.topic, item.owner, item.status) == ("双十二 早报 合集", "小王", "first_review")
    assert [(h["field"], h["old"], h["new"], h["by"]) for h in item.history] == [
        ("topic", "", "双十二 早报 合集", "李编辑"), ("owner", "", "小王", "李编辑"),
        ("status", "draft", "first_review", "张主编")]
    assert item.history[0]["at"] == "2026-12-07T06:30:00+00:00"
    assert plan.statuses[item.item_id] == "first_review"
    assert plan.tracking[item.item_id]["owner"] == "小王"
    with pytest.raises(InputError):
        cal.edit(item.item_id, topic="x" * 201)
    with pytest.raises(InputError) as err:
        cal.edit(item.item_id, start="next Tuesday")
    assert "2026-12-08 20:00" in err.value.en
    assert item.topic == "双十二 早报 合集"            # a refused value changes nothing


def test_an_item_moves_and_the_calendar_stays_in_time_order(plan) -> None:
    cal = plan.calendar("2026-12-07", weeks=2)
    item = cal.items[0]
    planned = item.start
    cal.edit(item.item_id, start="2026-12-19 09:30", by="小王", at=AT)
    assert item.start == dt.datetime(2026, 12, 19, 9, 30) and item.planned == planned
    assert [it.start for it in cal.items] == sorted(it.start for it in cal.items)
    again = plan.calendar("2026-12-07", weeks=2)                   # placed again from the plan
    assert again.item(item.item_id).start == dt.datetime(2026, 12, 19, 9, 30)


def test_tracking_is_saved_and_reopened_with_the_plan(plan) -> None:
    cal = plan.calendar("2026-12-07", weeks=2)
    first, second = cal.items[0].item_id, cal.items[1].item_id
    cal.edit(first, topic="年终盘点", owner="小王", status="final_review", by="李编辑", at=AT)
    cal.edit(second, owner="小李", start="2026-12-09 21:00", by="李编辑", at=AT)
    text = store.encode_payload(plan.to_payload())
    back = mix.MixPlan.from_payload(store.decode_payload(text))
    cal2 = back.calendar("2026-12-07", weeks=2)
    one, two = cal2.item(first), cal2.item(second)
    assert (one.topic, one.owner, one.status) == ("年终盘点", "小王", "final_review")
    assert len(one.history) == 3 and one.history[-1]["by"] == "李编辑"
    assert two.start == dt.datetime(2026, 12, 9, 21, 0) and two.owner == "小李"
    assert cal2.owners() == ["小李", "小王"]
    assert [it.item_id for it in cal2.filter(owner="小王")] == [first]
    assert [it.item_id for it in cal2.filter(status="终审")] == [first]
    assert len(cal2.filter(owner="")) == len(cal2) - 2


def test_a_plan_saved_with_the_earlier_statuses_opens_in_the_new_flow(plan) -> None:
    cal = plan.calendar("2026-12-07", weeks=1)
    payload = plan.to_payload()
    payload["statuses"] = {cal.items[0].item_id: "in_review", cal.items[1].item_id: "??"}
    payload.pop("tracking")
    back = mix.MixPlan.from_payload(payload).calendar("2026-12-07", weeks=1)
    assert back.items[0].status == "first_review" and back.items[1].status == "draft"
    assert back.frame("zh")["status_label"].iloc[0] == "初审"


def test_csv_ics_and_the_weekly_xlsx_carry_topic_owner_and_status(plan) -> None:
    cal = plan.calendar("2026-12-07", weeks=2)
    item = cal.items[0]
    cal.edit(item.item_id, topic="=双十二攻略", owner="小王", status="revision", by="李编辑", at=AT)
    csv = cal.to_csv("zh")
    assert ",topic,owner,status," in csv.splitlines()[0]
    assert "'=双十二攻略,小王,revision,修改" in csv                  # a formula is neutralised
    ics = icalendar.Calendar.from_ical(cal.to_ics("zh", include_marks=False))
    event = next(e for e in ics.walk("VEVENT") if item.item_id in str(e["uid"]))
    assert str(event["summary"]).startswith("=双十二攻略 (")
    assert "负责人：小王" in str(event["description"])
    assert "审核状态：修改" in str(event["description"])
    book = load_workbook(stdio.BytesIO(cal.to_xlsx("zh")))
    assert book.sheetnames == ["12-07 当周", "12-14 当周"]
    sheet = book["12-07 当周"]
    assert [c.value for c in sheet[1]][:9] == ["日期", "星期", "时间", "平台", "位置", "内容类型",
                                             "选题", "负责人", "审核状态"]
    first = [c.value for c in sheet[2]]
    assert first[6:9] == ["'=双十二攻略", "小王", "修改"]
    assert isinstance(first[9], int) and first[9] == round(item.expected_reads)
    rows = sum(book[name].max_row - 1 for name in book.sheetnames)
    assert rows == len(cal)
    assert sheet.freeze_panes == "A2"


def test_a_planned_item_shows_as_published_when_the_team_posted_it(plan) -> None:
    """An article on the item's day and platform with a title like its topic is the item
    published, with its reads; an unlike title, another day or no topic is not."""
    articles = io.sample("articles")
    cal = plan.calendar("2026-10-05", weeks=1)
    items = [it for it in cal.items if it.platform == "wechat"][:2]
    day = articles[(articles["publish_time"].dt.date == items[0].start.date())
                   & (articles["platform"] == "wechat")]
    title = day["title"].iloc[0]
    cal.edit(items[0].item_id, topic=f"【早读】{title[:-2]}")   # a working title, nearly it
    assert cal.published(articles) == {items[0].item_id: {
        "title": title, "reads": int(day["reads"].iloc[0]),
        "publish_time": day["publish_time"].iloc[0].isoformat()}}
    cal.edit(items[0].item_id, topic="完全不同的选题：春季新品发布会回顾")
    assert cal.published(articles) == {}
    assert cal.published(articles.iloc[0:0]) == {} and cal.published(None) == {}


def test_each_person_takes_only_the_steps_their_role_allows(plan) -> None:
    """On a team's hub: an editor submits, a first reviewer passes to final review, only a
    final reviewer approves; a refused step changes nothing and says who takes it."""
    cal = plan.calendar("2026-12-07", weeks=1)
    item = cal.items[0].item_id
    cal.edit(item, topic="双十二攻略", status="first_review", by="alice", roles={"editor"},
             at=AT)
    with pytest.raises(InputError) as err:       # approving skips final review: admins only
        cal.set_status(item, "approved", by="alice", roles={"editor"}, at=AT)
    assert "step for an admin; your role: editor" in err.value.en
    assert "需要管理员角色" in err.value.zh and "「初审」" in err.value.zh
    with pytest.raises(InputError) as err:
        cal.edit(item, topic="改标题", by="bob", roles={"first_reviewer"}, at=AT)
    assert "editor or admin" in err.value.en and "初审" in err.value.zh
    cal.set_status(item, "final_review", by="bob", roles={"first_reviewer"}, at=AT)
    with pytest.raises(InputError) as err:
        cal.set_status(item, "approved", by="bob", roles={"first_reviewer"}, at=AT)
    assert "step for a final reviewer or an admin; your role: first reviewer" in err.value.en
    assert "需要终审或管理员角色；您的角色：初审" in err.value.zh
    it = cal.item(item)
    assert (it.status, it.topic) == ("final_review", "双十二攻略")
    assert [(h["by"], h["field"], h["new"]) for h in it.history] == [
        ("alice", "topic", "双十二攻略"), ("alice", "status", "first_review"),
        ("bob", "status", "final_review")]
    assert mix.refused_steps("final_review", {"first_reviewer"}) == {
        "draft": ("admin",), "first_review": ("admin",),
        "revision": ("final_reviewer", "admin"), "approved": ("final_reviewer", "admin"),
        "published": ("admin",)}
    assert mix.refused_steps("final_review", {"admin"}) == {}
