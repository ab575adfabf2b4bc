"""Labels of the saved-scenario browser that pages 01–04 share (:mod:`workbench.ui.scenarios`).

Keys are ``scenarios.key``; both languages carry the same keys. Values are plain text (the
browser escapes them); ``{names}`` are filled in by :func:`workbench.i18n.t`.
"""

EN: dict[str, str] = {
    "scenarios.title": "Saved scenarios ({n})",
    "scenarios.title_none": "Saved scenarios (none yet)",
    "scenarios.pick": "Scenario",
    "scenarios.version": "Version",
    "scenarios.version_label": "v{version} · {author} · {time}{note}",
    "scenarios.row": "{name} · v{version} · {author} · {time}{note}",
    "scenarios.row_archived": "[archived] {name} · v{version} · {author} · {time}{note}",
    "scenarios.show_archived": "Show archived",
    "scenarios.open": "Open",
    "scenarios.new_name": "New name",
    "scenarios.save_as": "Save as",
    "scenarios.rename": "Rename",
    "scenarios.archive": "Archive",
    "scenarios.restore": "Restore",
    "scenarios.compare": "Compare with",
    "scenarios.nothing": "Nothing saved yet: save the page's scenario below to find it here.",
    "scenarios.opened": "Opened “{name}” v{version} (saved by {author}, {time}).",
    "scenarios.opened_partly": (
        "Opened “{name}” v{version} (saved by {author}, {time}); these could not be set, as "
        "the data on screen does not offer them: {skipped}."),
    "scenarios.no_state": (
        "“{name}” v{version} was saved before pages kept their controls with a save, so it "
        "cannot be opened here; save it again once to open it later."),
    "scenarios.saved_as": "Saved as “{name}” v{version}.",
    "scenarios.renamed": "Renamed “{old}” to “{new}”: every version moved with it.",
    "scenarios.archived": "Archived “{name}”: it is kept, and listed under Show archived.",
    "scenarios.restored": "Restored “{name}”.",
    "scenarios.need_name": "Type a new name first.",
    "scenarios.failed": "That did not work: {error}. Nothing on screen was lost.",
    "scenarios.link": "Link to this version",
    "scenarios.link_help": "opens the page on it: paste it into a meeting invite",
    "scenarios.same": "v{a} and v{b} set the same controls.",
    "scenarios.diff_head": "What changed from v{a} to v{b}:",
    "scenarios.missing": (
        "The link asks for “{name}”{version}, which is not saved here (or not any more): the "
        "page opened on its defaults."),
    "scenarios.missing_archived": (
        "The link asks for “{name}”, which is archived: the page opened on its defaults. "
        "Tick Show archived to find it."),
    "scenarios.missing_version": " v{version}",
    "scenarios.field.name": "scenario name",
}

ZH: dict[str, str] = {
    "scenarios.title": "已保存的方案（{n} 个）",
    "scenarios.title_none": "已保存的方案（暂无）",
    "scenarios.pick": "方案",
    "scenarios.version": "版本",
    "scenarios.version_label": "第 {version} 版 · {author} · {time}{note}",
    "scenarios.row": "{name} · 第 {version} 版 · {author} · {time}{note}",
    "scenarios.row_archived": "[已归档] {name} · v{version} · {author} · {time}{note}",
    "scenarios.show_archived": "显示已归档",
    "scenarios.open": "打开",
    "scenarios.new_name": "新名称",
    "scenarios.save_as": "另存为",
    "scenarios.rename": "重命名",
    "scenarios.archive": "归档",
    "scenarios.restore": "恢复",
    "scenarios.compare": "对比版本",
    "scenarios.nothing": "还没有保存的方案：在页面下方保存后即可在这里找到。",
    "scenarios.opened": "已打开“{name}” v{version}（{author} 保存于 {time}）。",
    "scenarios.opened_partly": (
        "已打开“{name}” v{version}（{author} 保存于 {time}）；以下设置当前数据中没有，"
        "未能恢复：{skipped}。"),
    "scenarios.no_state": (
        "“{name}” v{version} 保存于页面开始随方案保存控件设置之前，无法在此打开；"
        "重新保存一次后即可打开。"),
    "scenarios.saved_as": "已另存为“{name}” v{version}。",
    "scenarios.renamed": "已将“{old}”重命名为“{new}”：所有版本一并更名。",
    "scenarios.archived": "已归档“{name}”：方案仍然保留，勾选“显示已归档”即可看到。",
    "scenarios.restored": "已恢复“{name}”。",
    "scenarios.need_name": "请先输入新名称。",
    "scenarios.failed": "操作未成功：{error}。页面上的内容没有丢失。",
    "scenarios.link": "此版本的链接",
    "scenarios.link_help": "打开页面即显示该版本，可粘贴到会议邀请中",
    "scenarios.same": "v{a} 与 v{b} 的设置相同。",
    "scenarios.diff_head": "从 v{a} 到 v{b} 的变化：",
    "scenarios.missing": (
        "链接指向的“{name}”{version}在这里没有保存（或已不存在）：页面按默认设置打开。"),
    "scenarios.missing_archived": (
        "链接指向的“{name}”已归档：页面按默认设置打开。勾选“显示已归档”可以找到它。"),
    "scenarios.missing_version": "（第 {version} 版）",
    "scenarios.field.name": "方案名称",
}
