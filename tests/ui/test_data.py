"""The Data page (05, issue 21): the team's uploads, what they cover, accounts, content types,
driven as a user would (set a control, click a button) without a browser."""

from __future__ import annotations

import html
import re

import pytest

from workbench import io
from workbench.errors import InputError
from workbench.sample import exports
from workbench.store import ScenarioStore, StoreError
from workbench.ui import DataDashboard
from workbench.workspace import TagRule, Workspace


@pytest.fixture()
def db(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'scenarios.sqlite'}"


@pytest.fixture(scope="module")
def files() -> dict[str, bytes]:
    daily, articles = io.sample("daily_users"), io.sample("articles")
    return {
        "用户增长 8-9月.csv": exports.user_growth(daily, "2026-08-01", "2026-09-30"),
        "用户增长 10-11月.csv": exports.user_growth(daily, "2026-10-15", "2026-11-15",
                                                 encoding="gb18030"),
        "已通知内容.csv": exports.notified_articles(articles, "2026-08-01", "2026-11-15"),
    }


def text(markup: str) -> str:
    """What the user reads: tags dropped, entities decoded."""
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", markup)).strip())


def test_uploads_are_kept_and_what_they_cover_is_shown(db: str, files) -> None:
    page = DataDashboard(lang="en", store=ScenarioStore(db))
    assert "Nothing uploaded yet" in page.summary.value
    assert page.coverage.figure.layout.annotations[0].text == "No uploads yet"
    kept = page.add_files([*((data, name) for name, data in files.items()),
                           (b"junk,1\n", "bad.csv")])
    assert [u.file_name for u in kept] == list(files)
    said = text(page.upload_status.value)
    assert "用户增长 8-9月.csv: follower growth data for 公众号. 61 rows: 61 new" in said
    assert "用户增长 10-11月.csv: follower growth data for 公众号. 32 rows: 32 new" in said
    assert "File 'bad.csv': could not tell what kind of data this is" in said
    assert "wb-status--error" in page.upload_status.value
    summary = text(page.summary.value)
    assert "公众号 follower growth data 2 93 2026-08-01 – 2026-11-15" in summary
    assert ("公众号 · follower growth data: no data from 2026-10-01 to 2026-10-14 (14 days)."
            in summary)
    bars = page.coverage.figure.data[0]
    assert list(bars.base) == ["2026-08-01", "2026-10-15", "2026-08-03"]
    assert list(bars.y) == ["公众号 · follower growth data"] * 2 + ["公众号 · article data"]
    assert bars.x[0] == 61 * 86_400_000  # 1 August to 30 September, in milliseconds
    # newest first; the selected upload's notes
    assert [label.split(" · ")[1] for label, _ in page.upload_list.options] == \
        ["已通知内容.csv", "用户增长 10-11月.csv", "用户增长 8-9月.csv"]
    assert "Detected kind 'articles'" in text(page.upload_notes.value)


def test_remove_and_restore_with_the_buttons(db: str, files) -> None:
    page = DataDashboard(lang="en", store=ScenarioStore(db))
    page.add_files([(data, name) for name, data in list(files.items())[:2]])
    first = [i for label, i in page.upload_list.options if "8-9月" in label][0]
    page.upload_list.value = first
    assert not page.remove_button.disabled and page.restore_button.disabled
    page.remove_button.click()
    assert len(Workspace(db).frame("daily_users")) == 32
    label = [label for label, i in page.upload_list.options if i == first][0]
    assert label.startswith("[removed] ")
    assert page.upload_list.value == first and page.remove_button.disabled
    assert text(page.upload_notes.value).startswith("Removed by ")
    assert "8-9月.csv was removed from your team's data" in text(page.upload_status.value)
    page.restore_button.click()
    assert len(Workspace(db).frame("daily_users")) == 93 and page.restore_button.disabled


def test_on_a_teams_hub_only_an_admin_removes_uploads_or_adds_accounts(db: str, files,
                                                                     monkeypatch) -> None:
    """An editor signed in to the hub uploads (authored by them) but may not remove an upload
    or add an account: the buttons are disabled and say why; the workspace refuses too."""
    monkeypatch.setenv("JUPYTERHUB_USER", "alice")
    monkeypatch.setenv("WORKBENCH_GROUPS", "editors")
    page = DataDashboard(lang="en", store=ScenarioStore(db))
    page.add_files([(data, name) for name, data in list(files.items())[:1]])
    upload = Workspace(db).uploads()[0]
    assert upload.author == "alice"
    page.upload_list.value = upload.id
    assert page.remove_button.disabled and page.add_account_button.disabled
    assert "For an admin of the team's hub" in page.remove_button.tooltip
    page.remove_selected()          # as if the button were clicked
    assert "Removing an upload is for an admin; your role: editor" in \
        text(page.upload_status.value)
    assert not Workspace(db).uploads()[0].removed
    with pytest.raises(InputError, match="Adding or renaming an account is for an admin"):
        Workspace(db).add_account("会员中心")
    monkeypatch.setenv("WORKBENCH_ADMIN", "1")
    page.upload_list.value = None
    page.upload_list.value = upload.id
    assert not page.remove_button.disabled and page.remove_button.tooltip == ""
    page.remove_button.click()
    assert Workspace(db).uploads()[0].removed_by == "alice"


def test_tagging_rules_are_edited_saved_and_used(db: str, files) -> None:
    page = DataDashboard(lang="en", store=ScenarioStore(db))
    assert len(page.rule_rows) == 7  # the starter rules, in order
    page.add_files([(files["已通知内容.csv"], "已通知内容.csv")])
    before = Workspace(db).frame("articles").attrs["tagging"]
    assert f"{before.untagged} untagged" in text(page.untagged_status.value)
    assert len(page.untagged_box.children) == min(before.untagged, 20)
    # a rule with a bad regular expression is refused, in the page's language
    page.add_rule_button.click()
    text_box, kind, is_regex, _, _ = page.rule_rows[-1]
    text_box.value, kind.value, is_regex.value = "年夜饭(", "story", True
    assert not page.save_rules()
    assert "not a valid regular expression" in page.rules_status.value
    page.header.model.lang = "zh"
    assert page.rule_rows[-1][2].description == "正则表达式"
    page.header.model.lang = "en"
    is_regex.value = False
    assert page.save_rules()
    assert "8 tagging rules kept" in page.rules_status.value
    assert Workspace(db).tag_rules()[-1] == TagRule("年夜饭(", "story")
    # a post no rule knows: a type chosen by hand is kept and wins
    row = page.untagged_box.children[0]
    title = row.children[0].value
    row.children[1].value = "fun"
    after = Workspace(db).frame("articles")
    assert after.attrs["tagging"].corrected == 1
    assert after.attrs["tagging"].untagged <= before.untagged - 1
    assert title not in " ".join(r.children[0].value for r in page.untagged_box.children)
    # another kernel opens with the team's rules
    again = DataDashboard(lang="en", store=ScenarioStore(db))
    assert [r[0].value for r in again.rule_rows][-1] == "年夜饭("


def test_an_account_is_added_and_chosen_for_an_upload(db: str, files) -> None:
    page = DataDashboard(lang="zh", store=ScenarioStore(db))
    page.add_files([(files["用户增长 8-9月.csv"], "用户增长.csv")])
    page.new_name.value, page.new_platform.value, page.new_type.value = \
        "会员中心", "wechat", "service"
    page.add_account_button.click()
    assert "已添加账号 会员中心（微信 服务号）" in page.upload_status.value
    assert page.account.label == "会员中心（微信 服务号）"
    page.add_files([(files["用户增长 10-11月.csv"], "会员中心 用户增长.csv")])
    ws = Workspace(db)
    assert len(ws.frame("daily_users", "会员中心")) == 32
    assert len(ws.frame("daily_users", "公众号")) == 61
    # the same name twice: said, nothing added
    page.new_name.value = "会员中心"
    page.add_account_button.click()
    assert "已经有名为“会员中心”的账号" in page.upload_status.value
    assert [a.name for a in ws.accounts()] == ["公众号", "会员中心"]


def test_a_workspace_that_fails_is_said_on_the_page(db: str) -> None:
    class Locked(Workspace):
        def uploads(self, *args, **kwargs):
            raise StoreError("the scenario database is locked by another program",
                             "方案数据库被其他程序锁定")

    page = DataDashboard(lang="zh", store=ScenarioStore(db))
    page._workspace = Locked(db)
    page.refresh()
    assert "无法读取团队数据：方案数据库被其他程序锁定" in page.upload_status.value
    assert "wb-status--error" in page.upload_status.value


def test_user_text_is_escaped(db: str, files) -> None:
    evil = "<img src=x onerror=alert(1)>"
    page = DataDashboard(lang="en", store=ScenarioStore(db))
    page.new_name.value = f"{evil}号"
    page.add_account_button.click()
    page.add_files([(files["用户增长 8-9月.csv"], f"{evil}.csv")])
    posts = ("内容标题,发表时间,阅读次数\n"
             f"\"{evil}周末随笔\",2026-11-07 20:00,3100\n").encode()
    page.add_files([(posts, "已通知内容.csv")])
    for markup in (page.upload_status.value, page.summary.value, page.upload_notes.value,
                   *(row.children[0].value for row in page.untagged_box.children)):
        assert "<img" not in markup
    assert "&lt;img src=x onerror=alert(1)&gt;" in page.summary.value
    assert "&lt;img" in page.untagged_box.children[0].children[0].value
    assert all("<img" not in y for y in page.coverage.figure.data[0].y)


def test_a_refused_file_is_offered_a_mapping_and_read_again(db: str) -> None:
    page = DataDashboard(lang="zh", store=ScenarioStore(db))
    posts = ("内容标题,发表时间,阅读人数\n周报第1期,2026-11-02 20:00,1200\n"
             "周报第2期,2026-11-03 20:00,800\n").encode("gb18030")
    survey = ("gender,age_band,city_tier\n" + "female,25_30,tier3+\n" * 3
              + "male,18_24,tier1\n").encode()
    assert page.add_files([(posts, "文章.csv"), (survey, "问卷.csv")]) == []
    assert page.mapping_panel.layout.display == ""
    labels = [text(row.children[0].value) for row in page.mapping_box.children]
    assert labels == ["文章.csv：哪一列是阅读次数？",
                      "问卷.csv：城市线级列中的“tier3+”（3 个单元格）表示"]
    column, tier = (row.children[1] for row in page.mapping_box.children)
    assert column.options == (("内容标题", "内容标题"), ("发表时间", "发表时间"),
                              ("阅读人数", "阅读人数"))
    column.value = "阅读人数"
    tier.value = "tier3_plus"
    kept = page.apply_mapping()
    assert [u.file_name for u in kept] == ["文章.csv", "问卷.csv"]
    assert page.mapping_panel.layout.display == "none"
    ws = Workspace(db)
    assert ws.frame("articles")["reads"].tolist() == [1200, 800]
    assert ws.frame("followers")["city_tier"].tolist() == ["tier3_plus"] * 3 + ["tier1"]
    assert ws.mapping().levels == {"city_tier": {"tier3+": "tier3_plus"}}


def test_a_suggestion_is_kept_with_one_click(db: str, files) -> None:
    page = DataDashboard(lang="en", store=ScenarioStore(db))
    page.add_files([(files["已通知内容.csv"], "已通知内容.csv")])
    rows = [r for r in page.untagged_box.children if len(r.children) == 3]
    assert rows, "no suggestion offered"
    label, _, accept = rows[0].children
    assert re.fullmatch(r"Suggested: [A-Za-z ]+ \(\d+%\)", accept.description)
    when, title = text(label.value).split(" · ", 1)
    accept.click()
    typed = Workspace(db).frame("articles")
    assert typed.attrs["tagging"].corrected == 1
    post = typed[(typed["title"] == title) & (typed["publish_time"].dt.strftime("%Y-%m-%d")
                                              == when)]
    chosen = accept.description.split(": ", 1)[1].rsplit(" (", 1)[0]
    from workbench.i18n import level
    assert level("content_type", post["content_type"].iloc[0], "en") == chosen


def test_an_unreadable_upload_is_named_with_the_offer_to_remove_it(db: str, files) -> None:
    import sqlalchemy as sa

    from workbench.ui import ReviewDashboard

    page = DataDashboard(lang="en", store=ScenarioStore(db))
    first, second = page.add_files([(files["用户增长 8-9月.csv"], "8-9月.csv"),
                                    (files["用户增长 10-11月.csv"], "10-11月.csv")])
    engine = sa.create_engine(db)
    with engine.begin() as conn:  # damaged on disk: the upload's frame and the merged history
        conn.execute(sa.text("UPDATE workspace_uploads SET frame = :junk WHERE id = :id"),
                     {"junk": b"not a frame", "id": second.id})
        conn.execute(sa.text("UPDATE workspace_histories SET frame = :junk"),
                     {"junk": b"not a frame"})
    engine.dispose()
    again = DataDashboard(lang="en", store=ScenarioStore(db))  # another kernel
    said = text(again.upload_status.value)
    assert "The upload 10-11月.csv (" in said and "can no longer be read" in said
    assert again.upload_list.value == second.id and not again.remove_button.disabled
    review = ReviewDashboard(lang="en", store=ScenarioStore(db))
    users = review.header.source("daily_users")
    assert len(users.data) == 61  # the rest still loads
    assert ("The upload 10-11月.csv can no longer be read and is left out: remove it on the "
            "Data page and upload it again.") in users.status
    again.remove_button.click()
    assert "can no longer be read" not in again.upload_status.value


def test_suggestions_are_learned_again_only_when_the_posts_change(db: str, files,
                                                                  monkeypatch) -> None:
    from workbench.workspace import suggest as suggest_mod

    fits = []
    real = suggest_mod.suggest
    monkeypatch.setattr(suggest_mod, "suggest", lambda a: fits.append(len(a)) or real(a))
    page = DataDashboard(lang="en", store=ScenarioStore(db))
    page.add_files([(files["已通知内容.csv"], "已通知内容.csv")])
    assert len(fits) == 1
    page.upload_list.value = page.upload_list.options[-1][1]
    page.refresh()  # nothing about the posts changed
    assert len(fits) == 1
    row = next(r for r in page.untagged_box.children if len(r.children) == 3)
    row.children[2].click()  # a type kept by hand: the posts changed, learned again
    assert len(fits) == 2


def test_a_kept_file_with_unknown_levels_is_offered_a_mapping_and_read_again(db: str) -> None:
    """A survey that loaded with an interest the loader does not know ('fashion': counted, not
    kept) is offered the mapping on the spot and whenever it is selected; keeping the choice
    reads the stored file again, and the earlier reading can be restored."""
    rows = "".join(f"F{i:03d},female,25_30,tier1,{'fashion;tech' if i % 5 == 0 else 'tech'}\n"
                   for i in range(50))
    survey = ("follower_id,gender,age_band,city_tier,interests\n" + rows).encode()
    page = DataDashboard(lang="en", store=ScenarioStore(db))
    first, = page.add_files([(survey, "问卷.csv")])
    assert page.mapping_panel.layout.display == ""
    labels = [text(row.children[0].value) for row in page.mapping_box.children]
    assert labels == ["问卷.csv: 'fashion' in Interests (10 cells) means"]
    page.mapping_box.children[0].children[1].value = "fashion_beauty"
    again, = page.apply_mapping()
    assert again.id != first.id and again.report.unknown_levels == {}
    assert text(page.upload_status.value).startswith(
        "问卷.csv: read again with your names (the earlier reading is removed; restore it from "
        "the list to undo). 50 rows: 0 new, 10 updated, 40 unchanged.")
    assert page.mapping_panel.layout.display == "none"
    assert page.upload_list.value == again.id
    frame = Workspace(db).frame("followers")
    assert frame["interests"].eq("tech;fashion_beauty").sum() == 10
    # another visit: the earlier reading, selected, is removed and offers nothing; restored
    # (and the new one removed) it offers the mapping again
    later = DataDashboard(lang="zh", store=ScenarioStore(db))
    later.refresh()
    later.upload_list.value = first.id
    assert later.mapping_panel.layout.display == "none"
    later.upload_list.value = again.id
    later.remove_selected()
    later.upload_list.value = first.id
    later.restore_selected()
    assert later.mapping_panel.layout.display == ""
    assert text(later.mapping_box.children[0].children[0].value) == \
        "问卷.csv：兴趣列中的“fashion”（10 个单元格）表示"
