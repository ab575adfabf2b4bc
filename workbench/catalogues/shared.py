"""Labels every page shares: the page shell (title, language toggle, data picker, upload and
preview, status lines, drafts, the store, the connection banner) and common words.

Keys are ``page.key`` (``chart.page.key`` for the charts); both languages carry the same
keys. Values are plain text (the pages and builders escape them); ``{names}`` are filled in
by :func:`workbench.i18n.t`.
"""

EN: dict[str, str] = {
    # the metrics, as the KPI table, the trends and the counterfactual name them
    "metric.posts": "Posts published",
    "metric.reads": "Reads",
    "metric.open_rate": "Open rate (WeChat push)",
    "metric.engagement_rate": "Engagement rate",
    "metric.share_rate": "Share rate",
    "metric.new_follows": "New follows",
    "metric.unfollows": "Unfollows",
    "metric.net_follows": "Net growth",
    "metric.cumulative_follows": "Cumulative followers",
    "metric.follows": "Follows after reading",
    "metric.follow_conversion": "Follow conversion",
    "metric.participants": "Activity participants",
    "metric.conversions": "Activity conversions",
    "metric.cost": "Activity cost (CNY)",
    "metric.roi": "Activity ROI",
    # shell
    "app.name": "Planning Workbench",
    "lang.tooltip": "Language",
    "source.label": "Data",
    "source.label_kind": "Data: {kind}",
    "source.sample": "Demo data (a sample brand)",
    "source.upload": "Uploaded file",
    "upload.button": "Upload file",
    "upload.hint": "CSV, Excel (.xlsx) or TXT, up to {limit} MB; bigger files zipped (.zip, .gz).",
    "status.sample": "Demo data: {rows} rows of a sample brand's {kind}, not yours.",
    "status.loaded": "Loaded {name}: {rows} rows of {kind}.",
    "status.choose_file": "Upload a file to use your own {kind}.",
    "status.reading": "Reading {name}…",
    # the team's data (workbench.workspace) and the demo beside it
    "downloads.done": "Downloaded:",
    "source.workspace": "Your team's data",
    "source.demo": "Demo data (a sample brand)",
    "source.account": "Account",
    "source.all_accounts": "All accounts",
    "status.team": "Your team's data: {rows} rows of {kind} from {uploads} upload(s){dates}.",
    "status.team_dates": ", {first} – {last}",
    "status.team_missing": "Your team's data has no {kind} yet: upload {export}.",
    "status.demo": (
        "Demo data: {rows} rows of a sample brand's {kind}, not yours. Upload {export} to start "
        "your team's data: it is kept, and every page uses it."),
    "status.kept": "Kept in your team's data: {summary}",
    "status.unreadable": (
        "The upload {name} can no longer be read and is left out: remove it on the Data page "
        "and upload it again."),
    "status.tagged": (
        "Content types: {from_file} from the files, {by_rule} by the tagging rules, {corrected} "
        "set by hand, {untagged} untagged (planned as Untagged until tagged)."),
    "status.team_failed": "Your team's data could not be read ({error}); showing the demo data.",
    "status.not_kept": (
        "Used on this page only: your team's data could not keep it ({error})."),
    "export.followers": (
        "a survey or CRM export with one row per follower (gender, age band, city tier…)"),
    "export.articles": (
        "the 已通知内容 export (WeChat backend: 内容分析 → 已通知内容 → 下载数据明细)"),
    "export.daily_users": (
        "the 用户增长 export (WeChat backend: 用户分析 → 用户增长 → 下载数据明细)"),
    "export.activities": (
        "your activity list: one row per activity with its name, type, start date, total cost "
        "and participants"),
    "export.daily_reads": (
        "the 数据趋势 export (WeChat backend: 内容分析 → 数据趋势 → 下载数据明细)"),
    "export.distributions": (
        "an article's 单篇详情 export (WeChat backend: 内容分析 → 单篇详情 → 下载)"),
    "error.too_large": (
        "{name} is {size} MB, over the {limit} MB limit. Zip it (a .zip or .gz of one .csv or "
        ".xlsx file counts by its compressed size), or export a shorter date range or split the "
        "file, then upload again."
    ),
    "error.unreadable": (
        "Could not read {name} ({error}). Check that it is a CSV or Excel export and upload "
        "it again."
    ),
    "error.kept_previous": "The data shown before is still in use.",
    # the page's connection to its kernel (page.js: workbench.serve.FRONT_END_TEXTS)
    "connection.waiting": (
        "Waiting for the workbench to answer… What you change meanwhile is not computed yet."
    ),
    "connection.lost": (
        "This page is no longer connected to the workbench, so what you change now is not "
        "computed or saved. Reload the page to carry on: your saved scenarios are kept, and the "
        "page will offer back the changes you had not saved."
    ),
    "connection.reload": "Reload page",
    "connection.signed_out": (
        "You are signed out of the team's workbench, so what you change now is not computed or "
        "saved. Sign in again to carry on: your saved scenarios are kept, and the page will "
        "offer back the changes you had not saved."
    ),
    "connection.sign_in": "Sign in again",
    # drafts: unsaved work kept across a restart (workbench.ui.drafts)
    "drafts.found": (
        "Unsaved changes from {time} (scenario \"{name}\") were found: {changes}. The page was "
        "closed or restarted before they were saved. Your saved scenarios are all kept."
    ),
    "drafts.found_unnamed": (
        "Unsaved changes from {time} were found: {changes}. The page was closed or restarted "
        "before they were saved. Your saved scenarios are all kept."
    ),
    "drafts.more": "{shown} and {more} more",
    "drafts.upload_again": (
        "They were made with the uploaded file {files}: upload it again first, or they are "
        "applied to the data on screen now."
    ),
    "drafts.restore": "Restore",
    "drafts.discard": "Discard",
    "drafts.restored": (
        "Restored the unsaved changes from {time}. Save them to keep them as a scenario."),
    "drafts.partly_restored": (
        "Restored the unsaved changes from {time}, except {skipped}, which the data on screen "
        "does not offer. Save them to keep them as a scenario."
    ),
    "drafts.discarded": "Discarded the unsaved changes from {time}.",
    "drafts.unavailable": (
        "Unsaved changes cannot be kept in case the page restarts ({error}). Save your work "
        "as a scenario to keep it."
    ),
    "drafts.field.name": "scenario name",
    "drafts.field.statuses": "review statuses of posts",
    "drafts.field.tracking": "topics, owners and times of posts",
    "drafts.field.features": "attributes to segment on",
    "drafts.field.weights": "attribute weights",
    "drafts.field.renames": "persona names",
    "drafts.field.estimate": "activity inputs",
    "drafts.field.scenarios": "scenarios kept for comparison",
    # pages
    "page.personas.title": "Audience personas",
    "page.personas.purpose": (
        "Group followers into personas: who they are, what they read, when they are online."),
    "page.content_mix.title": "Content mix",
    "page.content_mix.purpose": (
        "Choose content types, cadence and time slots that reach those personas."),
    "page.activity_roi.title": "Activity ROI",
    "page.activity_roi.purpose": (
        "Estimate what an activity costs and returns before you commit the budget."),
    "page.campaign_review.title": "Campaign review",
    "page.campaign_review.purpose": (
        "Compare plan with actual results and carry the lessons into the next plan."),
    "preview.title": "The data as the workbench read it",
    "preview.caption": (
        "First {rows} of {total} rows, {columns} columns, as the workbench reads them:"),
    "store.read_failed": "Could not read {what}: {error}.",
    "store.what.review": "the last saved campaign review",
    "store.what.plans": "the saved plans",
    "store.what.plan": "the plan",
    "store.what.persona_sets": "the saved persona sets",
    "store.what.persona_set": "the persona set",
    "store.what.baselines": "the saved plans to compare with",
    "store.what.baseline": "the plan to compare with",
    "nav.back_home": "← Back to the workbench home",
}

ZH: dict[str, str] = {
    # the metrics
    "metric.posts": "发文篇数",
    "metric.reads": "阅读量",
    "metric.open_rate": "打开率（公众号推送）",
    "metric.engagement_rate": "互动率",
    "metric.share_rate": "分享率",
    "metric.new_follows": "新关注人数",
    "metric.unfollows": "取消关注人数",
    "metric.net_follows": "净增关注人数",
    "metric.cumulative_follows": "累积关注人数",
    "metric.follows": "阅读后关注人数",
    "metric.follow_conversion": "关注转化率",
    "metric.participants": "活动参与人数",
    "metric.conversions": "活动转化人数",
    "metric.cost": "活动成本（元）",
    "metric.roi": "活动ROI",
    # shell
    "app.name": "运营策划工作台",
    "lang.tooltip": "语言",
    "source.label": "数据",
    "source.label_kind": "数据：{kind}",
    "source.sample": "演示数据（示例品牌）",
    "source.upload": "上传的文件",
    "upload.button": "上传文件",
    "upload.hint": (
        "支持 CSV、Excel（.xlsx）、TXT，文件不超过 {limit} "
        "MB；更大的文件请压缩（.zip、.gz）后上传。"),
    "status.sample": "演示数据：示例品牌的{kind}，共 {rows} 行，不是您的数据。",
    "status.loaded": "已读取 {name}：{kind}，共 {rows} 行。",
    "status.choose_file": "上传文件即可改用你自己的{kind}。",
    "status.reading": "正在读取 {name}…",
    # 团队数据（workbench.workspace）与演示数据
    "downloads.done": "已下载：",
    "source.workspace": "团队数据",
    "source.demo": "演示数据（示例品牌）",
    "source.account": "账号",
    "source.all_accounts": "全部账号",
    "status.team": "团队数据：{kind}共 {rows} 行，来自 {uploads} 次上传{dates}。",
    "status.team_dates": "，{first} 至 {last}",
    "status.team_missing": "团队数据中还没有{kind}：请上传{export}。",
    "status.demo": (
        "演示数据：示例品牌的{kind}，共 {rows} 行，不是你们的数据。"
        "上传{export}即可开始使用团队数据：上传的数据会保存下来，每个页面都会使用。"),
    "status.kept": "已存入团队数据：{summary}",
    "status.unreadable": "上传的 {name} 已无法读取，未被使用：请在“团队数据”页面移除后重新上传。",
    "status.tagged": (
        "内容类型：{from_file} 篇来自文件，{by_rule} 篇按标注规则识别，{corrected} 篇手动指定，"
        "{untagged} 篇未标注（标注前按“未标注”类型规划）。"),
    "status.team_failed": "无法读取团队数据（{error}），当前显示演示数据。",
    "status.not_kept": "仅在本页使用：团队数据未能保存该文件（{error}）。",
    "export.followers": "问卷或 CRM 导出的粉丝明细（每行一位粉丝，含性别、年龄段、城市线级等）",
    "export.articles": "已通知内容（公众号后台：内容分析 → 已通知内容 → 下载数据明细）",
    "export.daily_users": "用户增长数据（公众号后台：用户分析 → 用户增长 → 下载数据明细）",
    "export.activities": "活动清单（每行一个活动，含活动名称、类型、开始日期、总成本和参与人数）",
    "export.daily_reads": "数据趋势（公众号后台：内容分析 → 数据趋势 → 下载数据明细）",
    "export.distributions": "单篇详情（公众号后台：内容分析 → 单篇详情 → 下载）",
    "error.too_large": (
        "{name} 有 {size} MB，超过 {limit} MB 的上限。请把文件压缩后上传（内含一个 .csv 或 .xlsx "
        "文件的 .zip 或 .gz 按压缩后的大小计算），或缩短导出的时间范围、拆分文件后重新上传。"
    ),
    "error.unreadable": "无法读取 {name}（{error}）。请确认是 CSV 或 Excel 导出文件后重新上传。",
    "error.kept_previous": "当前仍使用之前的数据。",
    # 页面与内核的连接
    "connection.waiting": "正在等待工作台响应…在此期间的改动暂不会被计算。",
    "connection.lost": (
        "本页面已与工作台断开，此后的改动不会被计算或保存。请刷新页面继续：已保存的方案都会保留，"
        "刷新后页面会提示恢复尚未保存的改动。"
    ),
    "connection.reload": "刷新页面",
    "connection.signed_out": (
        "您已退出团队工作台的登录，此后的改动不会被计算或保存。请重新登录继续："
        "已保存的方案都会保留，登录后页面会提示恢复尚未保存的改动。"
    ),
    "connection.sign_in": "重新登录",
    # drafts
    "drafts.found": (
        "发现 {time} 未保存的修改（方案“{name}”）：{changes}。页面在保存前被关闭或重启了。"
        "已保存的方案都完好保留。"
    ),
    "drafts.found_unnamed": (
        "发现 {time} 未保存的修改：{changes}。页面在保存前被关闭或重启了。已保存的方案都完好保留。"
    ),
    "drafts.more": "{shown}等另外 {more} 项",
    "drafts.upload_again": (
        "这些修改基于上传的文件 {files}：请先重新上传该文件，否则将应用到当前页面上的数据。"),
    "drafts.restore": "恢复",
    "drafts.discard": "丢弃",
    "drafts.restored": "已恢复 {time} 未保存的修改。请保存为方案以便长期保留。",
    "drafts.partly_restored": (
        "已恢复 {time} 未保存的修改，但 {skipped} 除外（当前数据中没有这些选项）。"
        "请保存为方案以便长期保留。"),
    "drafts.discarded": "已丢弃 {time} 未保存的修改。",
    "drafts.unavailable": "页面重启时无法保留未保存的修改（{error}）。请将工作保存为方案。",
    "drafts.field.name": "方案名称",
    "drafts.field.statuses": "内容审核状态",
    "drafts.field.tracking": "内容的选题、负责人和发布时间",
    "drafts.field.features": "分群属性",
    "drafts.field.weights": "属性权重",
    "drafts.field.renames": "画像名称",
    "drafts.field.estimate": "活动输入",
    "drafts.field.scenarios": "保留对比的情景",
    # pages
    "page.personas.title": "用户画像",
    "page.personas.purpose": "把粉丝分成几类画像：他们是谁、爱看什么、什么时候在线。",
    "page.content_mix.title": "内容规划",
    "page.content_mix.purpose": "确定内容类型、发布频率和时段，精准触达目标人群。",
    "page.activity_roi.title": "活动 ROI 测算",
    "page.activity_roi.purpose": "投入预算之前，先算清活动的成本和回报。",
    "page.campaign_review.title": "数据复盘",
    "page.campaign_review.purpose": "对比计划与实际效果，把经验带入下一轮策划。",
    "preview.title": "工作台读到的数据",
    "preview.caption": "工作台识别出的数据（共 {total} 行、{columns} 列，以下是前 {rows} 行）：",
    "store.read_failed": "无法读取{what}：{error}。",
    "store.what.review": "最近保存的复盘",
    "store.what.plans": "已保存的方案",
    "store.what.plan": "该方案",
    "store.what.persona_sets": "已保存的画像集",
    "store.what.persona_set": "该画像集",
    "store.what.baselines": "用于对比的已保存方案",
    "store.what.baseline": "用于对比的方案",
    "nav.back_home": "← 返回工作台首页",
}
