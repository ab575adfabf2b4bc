"""Labels of the Data page (05): the team's uploads, what they cover, content types."""

EN: dict[str, str] = {
    "page.data.title": "Your team's data",
    "page.data.purpose": (
        "Upload the week's exports once: they are kept, merged with what is already here, and "
        "every page uses them."),
    "data.section.upload": "Upload exports",
    "data.section.upload.help": (
        "Pick one or more files: 用户增长, 已通知内容, 数据趋势, a follower survey, your activity "
        "list. The kind of data is read from each file; the account is guessed from it unless "
        "you choose one. An export that overlaps what is here updates it; the same file twice "
        "changes nothing."),
    "data.section.coverage": "What your data covers",
    "data.section.coverage.help": (
        "Each bar is a run of days your uploads cover; a gap is a date range to export again."),
    "data.section.uploads": "Uploads",
    "data.section.uploads.help": (
        "Newest first. Removing an upload takes its rows out of every page; Restore brings it "
        "back. Nothing is deleted."),
    "data.section.tags": "Content types: tagging rules",
    "data.section.tags.help": (
        "WeChat's 已通知内容 export has no content type. A post whose file gives none gets the "
        "type of the first rule whose keywords (separated by |) its title holds."),
    "data.section.untagged": "Posts no rule has tagged",
    "data.section.untagged.help": (
        "Choose a type for a post by hand, or keep the suggestion learned from the posts your "
        "team has typed: it is kept, wins over the file and the rules, and teaches the next "
        "suggestions."),
    "data.upload": "Upload exports",
    "data.account": "Account",
    "data.account_guess": "Guess from the file",
    "data.new_account": "New account name, e.g. 会员中心",
    "data.add_account": "Add account",
    "data.account_added": "Account {name} added: uploads can go to it now.",
    "data.type.subscription": "Subscription account",
    "data.type.service": "Service account",
    "data.type.other": "Other platform",
    "data.kept": "{name}: {kind} for {account}. {summary}",
    "data.read_failed": "Your team's data could not be read: {error}",
    "data.nothing_yet": (
        "Nothing uploaded yet: the pages show demo data until you upload your first export."),
    "data.col.account": "Account",
    "data.col.kind": "Data",
    "data.col.uploads": "Uploads",
    "data.col.rows": "Rows read",
    "data.col.dates": "Dates",
    "data.col.last": "Last upload",
    "data.col.by": "By",
    "data.gap": "{account} · {kind}: no data from {start} to {end} ({days} days).",
    "data.removed": "[removed] ",
    "data.removed_by": "Removed by {by} at {at}. Restore brings it back.",
    "data.remove": "Remove",
    "data.admin_only": "For an admin of the team's hub: removing or restoring uploads and "
                       "adding accounts",
    "data.restore": "Restore",
    "data.removed_note": "{name} was removed from your team's data (Restore brings it back).",
    "data.restored_note": "{name} is back in your team's data.",
    "data.rule_regex": "regular expression",
    "data.rule_delete": "Delete this rule",
    "data.rule_add": "Add rule",
    "data.rules_save": "Save rules",
    "data.rule_placeholder": "keywords, e.g. 早报|快讯",
    "data.rules_saved": "{n} tagging rules kept: every page types the posts with them now.",
    "data.no_articles": "No article data yet.",
    "data.map_column": "{name}: which column holds {column}?",
    "data.map_level": "{name}: '{value}' in {column} ({cells} cells) means",
    "data.map_blank": "leave it blank",
    "data.map_apply": "Keep these and read the file again",
    "data.reread": "{name}: read again with your names (the earlier reading is removed; restore "
                   "it from the list to undo). {summary}",
    "data.unreadable": (
        "The upload {name} ({at}) can no longer be read: its rows are left out, the rest of "
        "your data is used. Select it below and press Remove, then upload the file again."),
    "data.accept": "Suggested: {type} ({confidence})",
    "data.accept_help": (
        "Learned from the posts your team has typed; click to keep it, or choose another type."),
    "data.choose_type": "Choose a type…",
    "chart.data.title": "Dates covered, per account and data",
    "chart.data.empty": "No uploads yet",
    "chart.data.hover": "{start} – {end} ({days} days)",
}

ZH: dict[str, str] = {
    "page.data.title": "团队数据",
    "page.data.purpose": (
        "每周把导出的数据上传一次：数据会保存下来，与已有数据合并，每个页面都会使用。"),
    "data.section.upload": "上传导出文件",
    "data.section.upload.help": (
        "可一次选择多个文件：用户增长、已通知内容、数据趋势、粉丝问卷、活动清单。"
        "数据类型按文件内容识别；账号按文件推断，也可以手动选择。"
        "与已有数据重叠的导出会更新已有数据；同一个文件上传两次不会有变化。"),
    "data.section.coverage": "数据覆盖的日期",
    "data.section.coverage.help": (
        "每一段色条是上传数据连续覆盖的日期；空缺处就是需要补充导出的日期范围。"),
    "data.section.uploads": "上传记录",
    "data.section.uploads.help": (
        "最新的在前。移除某次上传后，各页面都不再使用它的数据；可随时恢复，数据不会被删除。"),
    "data.section.tags": "内容类型：标注规则",
    "data.section.tags.help": (
        "公众号后台的“已通知内容”导出没有内容类型。文件未给出类型的文章，"
        "按第一条标题中含有其关键词（用 | 分隔）的规则确定类型。"),
    "data.section.untagged": "规则未能标注的文章",
    "data.section.untagged.help": (
        "可为单篇文章手动选择类型，或采用根据团队已标注文章学到的建议：选择会保存下来，"
        "优先于文件和规则，并用于改进之后的建议。"),
    "data.upload": "上传导出文件",
    "data.account": "账号",
    "data.account_guess": "按文件推断",
    "data.new_account": "新账号名称，例如 会员中心",
    "data.add_account": "添加账号",
    "data.account_added": "已添加账号 {name}，现在可以把数据上传到该账号。",
    "data.type.subscription": "订阅号",
    "data.type.service": "服务号",
    "data.type.other": "其他平台",
    "data.kept": "{name}：{account} 的{kind}。{summary}",
    "data.read_failed": "无法读取团队数据：{error}",
    "data.nothing_yet": "还没有上传任何数据：上传第一个导出文件之前，各页面显示的是演示数据。",
    "data.col.account": "账号",
    "data.col.kind": "数据",
    "data.col.uploads": "上传次数",
    "data.col.rows": "读取行数",
    "data.col.dates": "日期",
    "data.col.last": "最近上传",
    "data.col.by": "上传人",
    "data.gap": "{account} · {kind}：{start} 至 {end} 没有数据（{days} 天）。",
    "data.removed": "[已移除] ",
    "data.removed_by": "已由 {by} 于 {at} 移除，可点击“恢复”找回。",
    "data.remove": "移除",
    "data.admin_only": "需要团队的管理员：移除或恢复上传的文件、添加账号",
    "data.restore": "恢复",
    "data.removed_note": "已从团队数据中移除 {name}（可点击“恢复”找回）。",
    "data.restored_note": "{name} 已恢复到团队数据中。",
    "data.rule_regex": "正则表达式",
    "data.rule_delete": "删除这条规则",
    "data.rule_add": "添加规则",
    "data.rules_save": "保存规则",
    "data.rule_placeholder": "关键词，例如 早报|快讯",
    "data.rules_saved": "已保存 {n} 条标注规则：各页面现在都按这些规则标注文章类型。",
    "data.no_articles": "还没有文章数据。",
    "data.map_column": "{name}：哪一列是{column}？",
    "data.map_level": "{name}：{column}列中的“{value}”（{cells} 个单元格）表示",
    "data.map_blank": "留空",
    "data.map_apply": "保存对应关系并重新读取文件",
    "data.reread": "{name}：已按设置的对应关系重新读取（原读取结果已移除，可在列表中恢复以撤销）。"
                   "{summary}",
    "data.unreadable": (
        "上传的 {name}（{at}）已无法读取：其中的数据未被使用，其余数据照常使用。"
        "请在下方选中它并点击“移除”，然后重新上传该文件。"),
    "data.accept": "建议：{type}（{confidence}）",
    "data.accept_help": "根据团队已标注的文章学到的建议；点击即保存，也可以选择其他类型。",
    "data.choose_type": "选择类型…",
    "chart.data.title": "各账号、各类数据覆盖的日期",
    "chart.data.empty": "还没有上传数据",
    "chart.data.hover": "{start} 至 {end}（{days} 天）",
}
