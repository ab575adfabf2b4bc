"""Every label the workbench shows, in English and Chinese.

Three things live here and nothing else:

* :data:`CATALOGUES`: ``{lang: {key: text}}``; both languages carry the same keys.
  :func:`t` looks a key up and fills ``{placeholders}``.
* :data:`LEVEL_NAMES`: display names of the level codes of :mod:`workbench.schemas`
  (``"tier1"`` → ``"Tier 1"`` / ``"一线"``), read with :func:`level`; :func:`kind_name` names a
  data kind.
* :func:`language`: which language a page starts in (``?lang=zh`` in the Voilà URL, else the
  ``WORKBENCH_LANG`` environment variable, else English), from a query string already known:
  it never waits (a pre-heated kernel's wait for its visitor is :mod:`workbench.runtime.voila`).

Examples
--------
>>> t("home.title", "zh")
'运营策划工作台'
>>> level("city_tier", "tier3_plus", "zh")
'三线及以下'
>>> language("lang=zh&x=1")
'zh'
"""

from __future__ import annotations

import os
from urllib.parse import parse_qs

LANGS: tuple[str, ...] = ("en", "zh")
DEFAULT_LANG = "en"
#: How each language names itself (the toggle shows these, never translated).
LANGUAGE_NAMES: dict[str, str] = {"en": "English", "zh": "中文"}

#: The dashboards, in the order of the planning loop: notebook file and catalogue key prefix.
PAGES: dict[str, str] = {
    "home": "00_home.ipynb",
    "personas": "01_personas.ipynb",
    "content_mix": "02_content_mix.ipynb",
    "activity_roi": "03_activity_roi.ipynb",
    "campaign_review": "04_campaign_review.ipynb",
}

_EN: dict[str, str] = {
    # shell
    "app.name": "Planning Workbench",
    "lang.tooltip": "Language",
    "source.label": "Data",
    "source.label_kind": "Data: {kind}",
    "source.sample": "Bundled sample",
    "source.upload": "Uploaded file",
    "upload.button": "Upload file",
    "upload.hint": "CSV, Excel (.xlsx) or TXT, up to {limit} MB; bigger files zipped (.zip, .gz).",
    "status.sample": "Using the bundled sample: {rows} rows of {kind}.",
    "status.loaded": "Loaded {name}: {rows} rows of {kind}.",
    "status.choose_file": "Upload a file to use your own {kind}.",
    "status.reading": "Reading {name}…",
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
    "drafts.restored": "Restored the unsaved changes from {time}. Save them to keep them as a scenario.",
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
    "drafts.field.features": "attributes to segment on",
    "drafts.field.weights": "attribute weights",
    "drafts.field.renames": "persona names",
    "drafts.field.estimate": "activity inputs",
    "drafts.field.scenarios": "scenarios kept for comparison",
    # home
    "home.title": "Planning Workbench",
    "home.subtitle": "New-media operations planning, from audience to results",
    "home.intro": (
        "Plan in one loop: who we talk to, what we publish, which activities pay, and what "
        "actually happened. Each review feeds its measured rates back into the next plan."
    ),
    "home.open": "Open",
    "home.step": "Step {n}",
    # pages
    "page.personas.title": "Audience personas",
    "page.personas.purpose": "Group followers into personas: who they are, what they read, when they are online.",
    "page.content_mix.title": "Content mix",
    "page.content_mix.purpose": "Choose content types, cadence and time slots that reach those personas.",
    "page.activity_roi.title": "Activity ROI",
    "page.activity_roi.purpose": "Estimate what an activity costs and returns before you commit the budget.",
    "page.campaign_review.title": "Campaign review",
    "page.campaign_review.purpose": "Compare plan with actual results and carry the lessons into the next plan.",
    "preview.title": "The data as the workbench read it",
    "preview.caption": "First {rows} of {total} rows, {columns} columns, as the workbench reads them:",
    "personas.k": "Personas",
    "personas.auto_k": "Let the data choose",
    "personas.filter.city_tier": "City tier",
    "personas.filter.age_band": "Age",
    "personas.filter.platform": "Platform",
    "personas.filter.follow_source": "Follow source",
    "personas.filter.all": "All",
    "personas.persona": "Persona",
    "personas.compare_with": "Compare with",
    "personas.rename": "Name",
    "personas.save_name": "Name of this persona set",
    "personas.save": "Save persona set",
    "personas.default_name": "Personas",
    "personas.saved": "Saved \"{name}\" as version {version}. The content-mix and ROI dashboards can use it.",
    "personas.save_failed": "Could not save: {error}. Nothing was lost; try again.",
    "personas.download_personas": "Download personas (CSV)",
    "personas.download_labels": "Download each follower's persona (CSV)",
    "personas.section.cards": "Who we serve",
    "personas.section.charts": "How the personas differ",
    "personas.section.compare": "Two personas side by side",
    "personas.section.save": "Save and export",
    "personas.segmenting": "Segmenting {rows} followers…",
    "personas.choosing": "Letting the data choose: fitting {k} personas (trying {first} to {last}) for {rows} followers…",
    "personas.section.attributes": "Attributes to segment on, and their weight",
    "personas.attributes.note": "Untick an attribute to leave it out; a weight above 1 lets it count more in who goes with whom (0 = profiled but not used). Changes re-segment at once.",
    "personas.weight": "Weight",
    "mix.account.subscription": "Subscription account",
    "mix.account.service": "Service account",
    "mix.platforms": "Platforms",
    "mix.hours": "Team hours a week",
    "mix.budget": "Budget a week (CNY)",
    "mix.panel.weights": "Goals: what a post is worth",
    "mix.panel.shares": "Brand rules: share of each content type (%)",
    "mix.panel.personas": "Target personas (from a saved persona set)",
    "mix.persona_set": "Persona set",
    "mix.persona_min": "Posts a week each persona prefers, at least",
    "mix.start": "Calendar starts",
    "mix.weeks": "Weeks",
    "mix.baseline": "Compare with saved plan",
    "mix.none": "None",
    "mix.item": "Post",
    "mix.status.draft": "Draft",
    "mix.status.in_review": "In review",
    "mix.status.approved": "Approved",
    "mix.status.published": "Published",
    "mix.frontier_button": "Draw the reads vs new-follows trade-off",
    "mix.save_name": "Name of this plan",
    "mix.save": "Save plan",
    "mix.default_name": "Content plan",
    "mix.saved": "Saved \"{name}\" as version {version}. The campaign review can compare against it.",
    "mix.save_failed": "Could not save: {error}. Nothing was lost; try again.",
    "mix.kept": "The last plan that met every rule stays below.",
    "mix.conflicts": "No plan meets every rule. Change one of these:",
    "mix.use_review": "Use the last campaign review's results",
    "mix.review_used": "Per-post estimates moved towards what review \"{name}\" ({start} – {end}) measured.",
    "mix.no_review": "No saved campaign review yet: save one on the review page first.",
    "store.read_failed": "Could not read {what}: {error}.",
    "store.what.review": "the last saved campaign review",
    "store.what.plans": "the saved plans",
    "store.what.plan": "the plan",
    "store.what.persona_sets": "the saved persona sets",
    "store.what.persona_set": "the persona set",
    "store.what.baselines": "the saved plans to compare with",
    "store.what.baseline": "the plan to compare with",
    "mix.export": "Export calendar",
    "mix.notes": "Assumptions behind these numbers",
    "mix.download_csv": "Download calendar (CSV)",
    "mix.download_ics": "Download calendar (.ics, for calendar apps)",
    "mix.section.rules": "The team's rules",
    "mix.section.mix": "The weekly mix",
    "mix.section.calendar": "Publishing calendar",
    "mix.section.frontier": "Trade-off between goals",
    "mix.section.estimates": "What each post is expected to bring (from the history)",
    "mix.section.save": "Save and export",
    "mix.kpi.reads": "Reads a week",
    "mix.kpi.engagement": "Engagement a week",
    "mix.kpi.follows": "New follows a week",
    "mix.kpi.conversions": "Conversions a week",
    "mix.kpi.posts": "Posts a week",
    "mix.kpi.range": "80% range: {low} – {high}",
    "mix.kpi.vs_baseline": "{change} vs baseline",
    "mix.kpi.hours": "{used} of {total} team hours",
    "mix.kpi.budget": "¥{used} of ¥{total} budget",
    "mix.weekday.0": "Mon",
    "mix.weekday.1": "Tue",
    "mix.weekday.2": "Wed",
    "mix.weekday.3": "Thu",
    "mix.weekday.4": "Fri",
    "mix.weekday.5": "Sat",
    "mix.weekday.6": "Sun",
    "chart.mix.bars.title": "Posts a week by platform and content type ({total} in all)",
    "chart.mix.bars.y": "Posts a week",
    "chart.mix.metric.reads": "Reads",
    "chart.mix.metric.engagement": "Engagement",
    "chart.mix.metric.shares": "Shares",
    "chart.mix.metric.follows": "New follows",
    "chart.mix.metric.conversions": "Conversions",
    "chart.mix.cells.title": "{metric} per post, by platform and content type",
    "chart.mix.cells.y": "Per post (log scale)",
    "chart.mix.cells.hover": "{platform} · {type}: {mean} per post (80%: {low} – {high}), from {posts} past posts",
    "chart.mix.cells.raw_hover": "{platform} · {type}: past average {mean} over {posts} posts",
    "chart.mix.cells.raw": "Past average",
    "chart.mix.cells.note": "Dots: estimates, pulled towards the platform average where the history is thin (hollow: fewer than 5 posts). Bars: 80% range. ×: the plain average of past posts.",
    "chart.mix.frontier.title": "{goal_a} vs {goal_b}: plans from all-{goal_b} to all-{goal_a}",
    "chart.mix.frontier.x": "{goal} a week",
    "chart.mix.frontier.plans": "Best plan for each weighting",
    "chart.mix.frontier.current": "Current plan",
    "chart.mix.frontier.hover": "Weight on {goal_b}: {weight}<br>{goal_a}: {a} · {goal_b}: {b}",
    "roi.activity": "Activity",
    "roi.fill": "Fill from history",
    "roi.fill_tooltip": "Low / likely / high from the team's past activities of this type (the activities data above)",
    "roi.target": "Target ROI (%)",
    "roi.fill_review": "Use last review",
    "roi.fill_review_tooltip": "The history's ranges, with the funnel rates the last campaign review measured for this activity type",
    "roi.no_review": "No saved campaign review yet: save one on the review page first.",
    "roi.scenario_name": "Scenario name, e.g. Plan B",
    "roi.keep": "Add to comparison",
    "roi.clear": "Clear",
    "roi.save_name": "Name of this estimate",
    "roi.save": "Save estimate",
    "roi.saved": "Saved \"{name}\" as version {version}.",
    "roi.save_failed": "Could not save: {error}. Nothing was lost; try again.",
    "roi.download": "Download summary (CSV)",
    "roi.kept": "The last valid result stays on screen.",
    "roi.section.inputs": "What goes in: low, likely and high",
    "roi.section.result": "What comes out",
    "roi.section.drivers": "What drives the result",
    "roi.section.compare": "Scenarios side by side",
    "roi.section.save": "Save and export",
    "roi.group.funnel": "Funnel and value",
    "roi.group.fixed_cost": "Fixed costs",
    "roi.group.variable_cost": "Variable costs",
    "roi.point.low": "Low",
    "roi.point.likely": "Likely",
    "roi.point.high": "High",
    "roi.unit.people": "people",
    "roi.unit.CNY": "CNY",
    "roi.unit.CNY/hour": "CNY/hour",
    "roi.unit.hours": "hours",
    "roi.unit.CNY/participant": "CNY each",
    "roi.unit.CNY/coupon": "CNY each",
    "roi.unit.impressions": "impressions",
    "roi.unit.clicks": "clicks",
    "roi.kpi.expected_roi": "Expected ROI",
    "roi.kpi.p_loss": "Chance of losing money",
    "roi.kpi.p_target": "Chance of reaching the target",
    "roi.kpi.cost_per_follow": "Cost per new follower",
    "roi.kpi.cost_per_conversion": "Cost per conversion",
    "roi.kpi.profit": "Expected profit",
    "roi.kpi.range": "90% range: {low} to {high}",
    "roi.kpi.p_loss_note": "share of outcomes with ROI below 0",
    "roi.kpi.target_note": "ROI above {target}",
    "roi.kpi.follows_note": "{n} follows expected",
    "roi.kpi.conversions_note": "{n} conversions expected",
    "roi.none_in_range": "not within your range",
    "roi.be.title": "Break-even points",
    "roi.be.input": "Input",
    "roi.be.value": "Breaks even at",
    "roi.be.range": "Your range",
    "roi.be.note": "Each input on its own, the others at their likely values. Highlighted rows break even inside the range you gave.",
    "roi.no_scenarios": "Name the current estimate and add it to compare it with others (up to 6).",
    "roi.sc.name": "Scenario",
    "roi.sc.type": "Activity",
    "roi.sc.roi": "Expected ROI",
    "roi.sc.range": "90% range",
    "roi.sc.p_loss": "Chance of loss",
    "roi.sc.profit": "Expected profit",
    "roi.sc.cost_per_follow": "Cost per follower",
    "chart.roi.roi": "ROI",
    "chart.roi.break_even": "Break-even",
    "chart.roi.target": "Target {target}",
    "chart.roi.loss": "Loss",
    "chart.roi.gain": "Gain",
    "chart.roi.hist.title": "How the ROI could turn out",
    "chart.roi.hist.y": "Share of outcomes",
    "chart.roi.hist.hover": "ROI around %{x:.0%}: %{y:.1%} of outcomes",
    "chart.roi.curve.name": "Chance",
    "chart.roi.curve.title": "Chance of reaching at least this ROI",
    "chart.roi.curve.y": "Chance",
    "chart.roi.curve.hover": "%{y:.0%} chance of ROI ≥ %{x:.0%}",
    "chart.roi.tornado.title": "ROI when one input moves from low to high",
    "chart.roi.tornado.low": "Input at low",
    "chart.roi.tornado.high": "Input at high",
    "chart.roi.tornado.hover": "ROI %{customdata:.0%}",
    "chart.roi.compare.name": "ROI",
    "chart.roi.compare.title": "ROI of each scenario (box: middle half; whiskers: 90% range)",
    "personas.section.readers": "Readers from WeChat's distributions (no user-level data needed)",
    "readers.note": "WeChat exports only each article's reader gender, age and region (单篇详情). Load those sheets with the 已通知内容 list: the bars show who reads each content type, weighted by reads, and the table estimates the largest reader groups. The sample data is used until you upload your own.",
    "readers.dimension": "Show",
    "readers.content_type": "Content type",
    "readers.all_types": "All content types",
    "readers.use_survey": "Use the followers above as a survey (their associations)",
    "readers.with_region": "Include region",
    "readers.candidates": "Largest reader groups: persona candidates",
    "readers.col.who": "Readers",
    "readers.col.share": "Estimated share of readers",
    "readers.col.survey": "Share in the survey",
    "readers.col.independent": "If independent",
    "readers.basis": "From {reads} reads of the matched WeChat articles.",
    "personas.card.reads": "Reads about:",
    "personas.card.online": "Online:",
    "personas.card.where": "Where:",
    "personas.card.hours": "{start}–{end} ({share} of their activity)",
    "personas.left_out": "Left out of the segmentation: {notes}.",
    "personas.filtered": "Profiling {rows} of {total} followers (filters applied; personas not recomputed).",
    "nav.back_home": "← Back to the workbench home",
    # charts: personas (workbench.charts.personas)
    "chart.personas.default_name": "Persona {n}",
    "chart.personas.empty": "No personas to show yet.",
    "chart.personas.sizes.title": "How big each persona is",
    "chart.personas.sizes.x": "Followers",
    "chart.personas.sizes.hover": "{count} followers, {share} of all",
    "chart.personas.heatmap.title": "What sets each persona apart",
    "chart.personas.heatmap.colorbar": "Lift vs all followers",
    "chart.personas.heatmap.note": (
        "Red: more common in the persona than among all followers; blue: less common. "
        "Grey: fewer than {min_count} people, read with care."
    ),
    "chart.personas.hover.lift": "Lift: {lift}",
    "chart.personas.hover.share": "In persona: {segment} · all followers: {overall}",
    "chart.personas.hover.count": "{count} people",
    "chart.personas.hover.few": "Few people (under {min_count}): read with care",
    "chart.personas.hover.mean": "Average in persona: {segment} · all followers: {overall}",
    "chart.personas.hover.z": "{z} standard deviations from average",
    "chart.personas.radar.title": "How each persona reads, shares and buys",
    "chart.personas.radar.note": "Distance from the average follower in standard deviations (0 = average).",
    "chart.personas.map.title": "Followers by persona",
    "chart.personas.map.caption": (
        "A random sample of {n} of {total} followers. Nearby points are people with similar "
        "profiles; the axes have no units."
    ),
    "chart.personas.k.title": "How many personas fit the data?",
    "chart.personas.k.x": "Number of personas",
    "chart.personas.k.chosen": "Chosen: {k}",
    "chart.personas.k.hover": "{k} personas: {score}",
    "chart.personas.k.elbow": "Chosen at the elbow: beyond it, one more persona improves the fit only a little.",
    "chart.personas.compare.title": "{a} vs {b}",
    "chart.personas.compare.x": "Share of people",
    "chart.personas.compare.overall": "All followers",
    "chart.personas.readers.title": "Who reads each content type: {dimension}",
    "chart.personas.readers.x": "Share of the type's readers (weighted by reads)",
    "chart.personas.readers.other": "Other",
    "chart.personas.readers.dim.gender": "gender",
    "chart.personas.readers.dim.age": "age",
    "chart.personas.readers.dim.region": "region",
    "chart.personas.criterion.silhouette": "Silhouette score (higher is better)",
    "chart.personas.criterion.calinski_harabasz": "Calinski–Harabasz score (higher is better)",
    "chart.personas.criterion.davies_bouldin": "Davies–Bouldin index (lower is better)",
    "chart.personas.criterion.inertia": "Within-persona spread (lower is better)",
    "chart.personas.criterion.bic": "BIC (lower is better)",
    "chart.personas.criterion.aic": "AIC (lower is better)",
    "chart.personas.criterion.other": "Fit score",
    "chart.personas.attr.gender": "Gender",
    "chart.personas.attr.age_band": "Age",
    "chart.personas.attr.city_tier": "City tier",
    "chart.personas.attr.occupation": "Occupation",
    "chart.personas.attr.interests": "Interests",
    "chart.personas.attr.platform": "Platform",
    "chart.personas.attr.follow_source": "Follow source",
    "chart.personas.metric.reads_30d": "Reads (30 days)",
    "chart.personas.metric.shares_30d": "Shares (30 days)",
    "chart.personas.metric.comments_30d": "Comments (30 days)",
    "chart.personas.metric.purchases_90d": "Orders (90 days)",
    "chart.personas.metric.spend_90d": "Spend (90 days, CNY)",
    "chart.personas.metric.active_hour": "Usual online hour",
    "chart.personas.metric.tenure_days": "Days since following",
}

_ZH: dict[str, str] = {
    # shell
    "app.name": "运营策划工作台",
    "lang.tooltip": "语言",
    "source.label": "数据",
    "source.label_kind": "数据：{kind}",
    "source.sample": "示例数据",
    "source.upload": "上传的文件",
    "upload.button": "上传文件",
    "upload.hint": "支持 CSV、Excel（.xlsx）、TXT，文件不超过 {limit} MB；更大的文件请压缩（.zip、.gz）后上传。",
    "status.sample": "正在使用示例数据：{kind}，共 {rows} 行。",
    "status.loaded": "已读取 {name}：{kind}，共 {rows} 行。",
    "status.choose_file": "上传文件即可改用你自己的{kind}。",
    "status.reading": "正在读取 {name}…",
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
    # drafts
    "drafts.found": (
        "发现 {time} 未保存的修改（方案“{name}”）：{changes}。页面在保存前被关闭或重启了。"
        "已保存的方案都完好保留。"
    ),
    "drafts.found_unnamed": (
        "发现 {time} 未保存的修改：{changes}。页面在保存前被关闭或重启了。已保存的方案都完好保留。"
    ),
    "drafts.more": "{shown}等另外 {more} 项",
    "drafts.upload_again": "这些修改基于上传的文件 {files}：请先重新上传该文件，否则将应用到当前页面上的数据。",
    "drafts.restore": "恢复",
    "drafts.discard": "丢弃",
    "drafts.restored": "已恢复 {time} 未保存的修改。请保存为方案以便长期保留。",
    "drafts.partly_restored": (
        "已恢复 {time} 未保存的修改，但 {skipped} 除外（当前数据中没有这些选项）。请保存为方案以便长期保留。"
    ),
    "drafts.discarded": "已丢弃 {time} 未保存的修改。",
    "drafts.unavailable": "页面重启时无法保留未保存的修改（{error}）。请将工作保存为方案。",
    "drafts.field.name": "方案名称",
    "drafts.field.statuses": "内容审核状态",
    "drafts.field.features": "分群属性",
    "drafts.field.weights": "属性权重",
    "drafts.field.renames": "画像名称",
    "drafts.field.estimate": "活动输入",
    "drafts.field.scenarios": "保留对比的情景",
    # home
    "home.title": "运营策划工作台",
    "home.subtitle": "新媒体运营策划：从用户到效果",
    "home.intro": (
        "按一个闭环做策划：我们在和谁沟通、发什么内容、哪些活动划算、实际效果如何。"
        "每次复盘得到的真实数据，都会回流到下一轮策划中。"
    ),
    "home.open": "进入",
    "home.step": "第 {n} 步",
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
    "personas.k": "画像数量",
    "personas.auto_k": "由数据决定",
    "personas.filter.city_tier": "城市线级",
    "personas.filter.age_band": "年龄",
    "personas.filter.platform": "平台",
    "personas.filter.follow_source": "关注来源",
    "personas.filter.all": "全部",
    "personas.persona": "画像",
    "personas.compare_with": "对比",
    "personas.rename": "名称",
    "personas.save_name": "这组画像的名称",
    "personas.save": "保存画像",
    "personas.default_name": "用户画像",
    "personas.saved": "已保存“{name}”，版本 {version}。内容规划和活动 ROI 看板可以直接使用。",
    "personas.save_failed": "保存失败：{error}。已有数据没有丢失，请重试。",
    "personas.download_personas": "下载画像（CSV）",
    "personas.download_labels": "下载每位粉丝所属画像（CSV）",
    "personas.section.cards": "我们在服务谁",
    "personas.section.charts": "画像之间的差异",
    "personas.section.compare": "两个画像对比",
    "personas.section.save": "保存与导出",
    "personas.segmenting": "正在为 {rows} 位粉丝划分画像…",
    "personas.choosing": "由数据决定画像数量：正在拟合 {k} 类画像（依次尝试 {first}–{last} 类），共 {rows} 位粉丝…",
    "personas.section.attributes": "分群属性及其权重",
    "personas.attributes.note": "取消勾选即不使用该属性；权重大于 1 表示它在“谁和谁归为一类”中更重要（0 = 只做画像描述，不参与分群）。修改后立即重新分群。",
    "personas.weight": "权重",
    "mix.account.subscription": "订阅号",
    "mix.account.service": "服务号",
    "mix.platforms": "平台",
    "mix.hours": "团队每周工时",
    "mix.budget": "每周预算（元）",
    "mix.panel.weights": "目标：每篇内容的价值构成",
    "mix.panel.shares": "品牌规则：各内容类型占比（%）",
    "mix.panel.personas": "目标画像（来自已保存的画像集）",
    "mix.persona_set": "画像集",
    "mix.persona_min": "每个画像偏好的内容每周至少",
    "mix.start": "日历开始日期",
    "mix.weeks": "周数",
    "mix.baseline": "与已保存方案对比",
    "mix.none": "不选",
    "mix.item": "内容",
    "mix.status.draft": "草稿",
    "mix.status.in_review": "审核中",
    "mix.status.approved": "已通过",
    "mix.status.published": "已发布",
    "mix.frontier_button": "绘制 阅读 与 新增关注 的权衡曲线",
    "mix.save_name": "方案名称",
    "mix.save": "保存方案",
    "mix.default_name": "内容方案",
    "mix.saved": "已将“{name}”保存为第 {version} 版，活动复盘可以与它对比。",
    "mix.save_failed": "保存失败：{error}。没有丢失任何内容，请重试。",
    "mix.kept": "下方保留满足所有规则的上一个方案。",
    "mix.conflicts": "没有满足所有规则的方案。请调整以下任一项：",
    "mix.use_review": "使用上次活动复盘的结果",
    "mix.review_used": "单篇预期已按复盘“{name}”（{start} – {end}）的实际结果调整。",
    "mix.no_review": "还没有保存的活动复盘：请先在复盘页面保存一次。",
    "store.read_failed": "无法读取{what}：{error}。",
    "store.what.review": "最近保存的复盘",
    "store.what.plans": "已保存的方案",
    "store.what.plan": "该方案",
    "store.what.persona_sets": "已保存的画像集",
    "store.what.persona_set": "该画像集",
    "store.what.baselines": "用于对比的已保存方案",
    "store.what.baseline": "用于对比的方案",
    "mix.export": "导出日历",
    "mix.notes": "这些数字背后的假设",
    "mix.download_csv": "下载日历（CSV）",
    "mix.download_ics": "下载日历（.ics，可导入日历应用）",
    "mix.section.rules": "团队规则",
    "mix.section.mix": "每周内容配比",
    "mix.section.calendar": "发布日历",
    "mix.section.frontier": "目标之间的权衡",
    "mix.section.estimates": "每篇内容的预期效果（来自历史数据）",
    "mix.section.save": "保存与导出",
    "mix.kpi.reads": "每周阅读",
    "mix.kpi.engagement": "每周互动",
    "mix.kpi.follows": "每周新增关注",
    "mix.kpi.conversions": "每周转化",
    "mix.kpi.posts": "每周发文",
    "mix.kpi.range": "80% 区间：{low} – {high}",
    "mix.kpi.vs_baseline": "较基准方案 {change}",
    "mix.kpi.hours": "团队工时 {used} / {total}",
    "mix.kpi.budget": "预算 ¥{used} / ¥{total}",
    "mix.weekday.0": "周一",
    "mix.weekday.1": "周二",
    "mix.weekday.2": "周三",
    "mix.weekday.3": "周四",
    "mix.weekday.4": "周五",
    "mix.weekday.5": "周六",
    "mix.weekday.6": "周日",
    "chart.mix.bars.title": "各平台每周发文及内容类型（共 {total} 篇）",
    "chart.mix.bars.y": "每周发文数",
    "chart.mix.metric.reads": "阅读",
    "chart.mix.metric.engagement": "互动",
    "chart.mix.metric.shares": "分享",
    "chart.mix.metric.follows": "新增关注",
    "chart.mix.metric.conversions": "转化",
    "chart.mix.cells.title": "各平台、各内容类型每篇的{metric}",
    "chart.mix.cells.y": "每篇（对数坐标）",
    "chart.mix.cells.hover": "{platform} · {type}：每篇 {mean}（80%：{low} – {high}），依据 {posts} 篇历史内容",
    "chart.mix.cells.raw_hover": "{platform} · {type}：{posts} 篇历史内容的平均值 {mean}",
    "chart.mix.cells.raw": "历史平均",
    "chart.mix.cells.note": "圆点：估计值，历史数据少时向平台平均值收缩（空心：少于 5 篇）。误差线：80% 区间。×：历史内容的简单平均。",
    "chart.mix.frontier.title": "{goal_a}与{goal_b}：从只看{goal_b}到只看{goal_a}的方案",
    "chart.mix.frontier.x": "每周{goal}",
    "chart.mix.frontier.plans": "各权重下的最优方案",
    "chart.mix.frontier.current": "当前方案",
    "chart.mix.frontier.hover": "{goal_b}权重：{weight}<br>{goal_a}：{a} · {goal_b}：{b}",
    "roi.activity": "活动类型",
    "roi.fill": "用历史数据填充",
    "roi.fill_tooltip": "按团队过往同类活动（上方的活动数据）给出最低 / 最可能 / 最高值",
    "roi.target": "目标 ROI（%）",
    "roi.fill_review": "使用上次复盘",
    "roi.fill_review_tooltip": "按历史数据给出范围，并用上次活动复盘测得的该类活动漏斗转化率",
    "roi.no_review": "还没有保存的活动复盘：请先在复盘页面保存一次。",
    "roi.scenario_name": "方案名称，如 方案B",
    "roi.keep": "加入对比",
    "roi.clear": "清空",
    "roi.save_name": "此估算的名称",
    "roi.save": "保存估算",
    "roi.saved": "已将“{name}”保存为第 {version} 版。",
    "roi.save_failed": "保存失败：{error}。没有丢失任何内容，请重试。",
    "roi.download": "下载汇总（CSV）",
    "roi.kept": "页面上保留上一次有效的结果。",
    "roi.section.inputs": "输入：最低、最可能、最高",
    "roi.section.result": "结果",
    "roi.section.drivers": "哪些因素影响结果",
    "roi.section.compare": "方案对比",
    "roi.section.save": "保存与导出",
    "roi.group.funnel": "转化漏斗与价值",
    "roi.group.fixed_cost": "固定成本",
    "roi.group.variable_cost": "变动成本",
    "roi.point.low": "最低",
    "roi.point.likely": "最可能",
    "roi.point.high": "最高",
    "roi.unit.people": "人",
    "roi.unit.CNY": "元",
    "roi.unit.CNY/hour": "元/小时",
    "roi.unit.hours": "小时",
    "roi.unit.CNY/participant": "元/人",
    "roi.unit.CNY/coupon": "元/张",
    "roi.unit.impressions": "次曝光",
    "roi.unit.clicks": "次点击",
    "roi.kpi.expected_roi": "预期 ROI",
    "roi.kpi.p_loss": "亏损概率",
    "roi.kpi.p_target": "达到目标的概率",
    "roi.kpi.cost_per_follow": "单个新粉成本",
    "roi.kpi.cost_per_conversion": "单次转化成本",
    "roi.kpi.profit": "预期利润",
    "roi.kpi.range": "90% 区间：{low} 至 {high}",
    "roi.kpi.p_loss_note": "ROI 低于 0 的结果占比",
    "roi.kpi.target_note": "ROI 高于 {target}",
    "roi.kpi.follows_note": "预计新增关注 {n}",
    "roi.kpi.conversions_note": "预计转化 {n}",
    "roi.none_in_range": "在您给出的范围内不会盈亏平衡",
    "roi.be.title": "盈亏平衡点",
    "roi.be.input": "输入项",
    "roi.be.value": "盈亏平衡值",
    "roi.be.range": "您给出的范围",
    "roi.be.note": "每次只看一个输入项，其余取最可能值。高亮的行表示在您给出的范围内会盈亏平衡。",
    "roi.no_scenarios": "给当前估算起个名字并加入对比，可与其他方案并排比较（最多 6 个）。",
    "roi.sc.name": "方案",
    "roi.sc.type": "活动类型",
    "roi.sc.roi": "预期 ROI",
    "roi.sc.range": "90% 区间",
    "roi.sc.p_loss": "亏损概率",
    "roi.sc.profit": "预期利润",
    "roi.sc.cost_per_follow": "单个新粉成本",
    "chart.roi.roi": "投资回报率（ROI）",
    "chart.roi.break_even": "盈亏平衡",
    "chart.roi.target": "目标 {target}",
    "chart.roi.loss": "亏损",
    "chart.roi.gain": "盈利",
    "chart.roi.hist.title": "ROI 可能的结果分布",
    "chart.roi.hist.y": "结果占比",
    "chart.roi.hist.hover": "ROI 约 %{x:.0%}：占结果的 %{y:.1%}",
    "chart.roi.curve.name": "概率",
    "chart.roi.curve.title": "ROI 至少达到某值的概率",
    "chart.roi.curve.y": "概率",
    "chart.roi.curve.hover": "ROI ≥ %{x:.0%} 的概率为 %{y:.0%}",
    "chart.roi.tornado.title": "单个输入从最低变到最高时的 ROI",
    "chart.roi.tornado.low": "取最低值",
    "chart.roi.tornado.high": "取最高值",
    "chart.roi.tornado.hover": "ROI 为 %{customdata:.0%}",
    "chart.roi.compare.name": "投资回报率",
    "chart.roi.compare.title": "各方案的 ROI（箱体：中间一半；须线：90% 区间）",
    "personas.section.readers": "从公众号读者分布看受众（无需用户级数据）",
    "readers.note": "公众号只导出每篇文章读者的性别、年龄和地域分布（单篇详情）。导入这些表和“已通知内容”列表后：条形图按阅读量加权，显示各内容类型的读者构成；下表估算最大的几类读者群。未上传时使用示例数据。",
    "readers.dimension": "查看",
    "readers.content_type": "内容类型",
    "readers.all_types": "全部内容类型",
    "readers.use_survey": "把上面的粉丝数据当作调查样本（使用其中的关联）",
    "readers.with_region": "包含地域",
    "readers.candidates": "最大的读者群：候选画像",
    "readers.col.who": "读者",
    "readers.col.share": "估计占读者比例",
    "readers.col.survey": "调查中占比",
    "readers.col.independent": "若相互独立",
    "readers.basis": "依据匹配到的公众号文章共 {reads} 次阅读。",
    "personas.card.reads": "爱看：",
    "personas.card.online": "在线：",
    "personas.card.where": "平台：",
    "personas.card.hours": "{start}–{end}（占其活跃的 {share}）",
    "personas.left_out": "未参与分群：{notes}。",
    "personas.filtered": "当前按筛选条件查看 {total} 位粉丝中的 {rows} 位（画像不重新计算）。",
    "nav.back_home": "← 返回工作台首页",
    # charts: personas (workbench.charts.personas)
    "chart.personas.default_name": "画像 {n}",
    "chart.personas.empty": "暂无可显示的画像。",
    "chart.personas.sizes.title": "各画像人数",
    "chart.personas.sizes.x": "粉丝数",
    "chart.personas.sizes.hover": "{count} 人，占全部粉丝 {share}",
    "chart.personas.heatmap.title": "各画像的显著特征",
    "chart.personas.heatmap.colorbar": "相对全体粉丝的倍数",
    "chart.personas.heatmap.note": "红色：该特征在此画像中比全体粉丝更常见；蓝色：更少见。灰色：人数少于 {min_count}，请谨慎解读。",
    "chart.personas.hover.lift": "倍数：{lift}",
    "chart.personas.hover.share": "画像内占比：{segment} · 全体粉丝：{overall}",
    "chart.personas.hover.count": "{count} 人",
    "chart.personas.hover.few": "人数较少（不足 {min_count} 人）：请谨慎解读",
    "chart.personas.hover.mean": "画像平均：{segment} · 全体粉丝平均：{overall}",
    "chart.personas.hover.z": "与平均水平相差 {z} 个标准差",
    "chart.personas.radar.title": "各画像的阅读、分享与消费",
    "chart.personas.radar.note": "与粉丝平均水平相差几个标准差（0 = 平均水平）。",
    "chart.personas.map.title": "粉丝画像分布图",
    "chart.personas.map.caption": "从 {total} 名粉丝中随机抽取 {n} 名。距离越近的点代表画像越相似的人；坐标轴没有单位。",
    "chart.personas.k.title": "分成几类画像最合适？",
    "chart.personas.k.x": "画像数量",
    "chart.personas.k.chosen": "选定：{k} 类",
    "chart.personas.k.hover": "{k} 类：{score}",
    "chart.personas.k.elbow": "选在拐点处：再多分一类，拟合改善已经很小。",
    "chart.personas.compare.title": "{a} 与 {b} 对比",
    "chart.personas.compare.x": "人数占比",
    "chart.personas.compare.overall": "全体粉丝",
    "chart.personas.readers.title": "各内容类型的读者构成：{dimension}",
    "chart.personas.readers.x": "占该类型读者的比例（按阅读量加权）",
    "chart.personas.readers.other": "其他",
    "chart.personas.readers.dim.gender": "性别",
    "chart.personas.readers.dim.age": "年龄",
    "chart.personas.readers.dim.region": "地域",
    "chart.personas.criterion.silhouette": "轮廓系数（越高越好）",
    "chart.personas.criterion.calinski_harabasz": "CH 指数（越高越好）",
    "chart.personas.criterion.davies_bouldin": "DB 指数（越低越好）",
    "chart.personas.criterion.inertia": "类内离散度（越低越好）",
    "chart.personas.criterion.bic": "BIC 信息准则（越低越好）",
    "chart.personas.criterion.aic": "AIC 信息准则（越低越好）",
    "chart.personas.criterion.other": "拟合得分",
    "chart.personas.attr.gender": "性别",
    "chart.personas.attr.age_band": "年龄",
    "chart.personas.attr.city_tier": "城市线级",
    "chart.personas.attr.occupation": "职业",
    "chart.personas.attr.interests": "兴趣",
    "chart.personas.attr.platform": "平台",
    "chart.personas.attr.follow_source": "关注来源",
    "chart.personas.metric.reads_30d": "近30天阅读",
    "chart.personas.metric.shares_30d": "近30天分享",
    "chart.personas.metric.comments_30d": "近30天评论",
    "chart.personas.metric.purchases_90d": "近90天购买次数",
    "chart.personas.metric.spend_90d": "近90天消费（元）",
    "chart.personas.metric.active_hour": "常用在线时段",
    "chart.personas.metric.tenure_days": "关注天数",
}

CATALOGUES: dict[str, dict[str, str]] = {"en": _EN, "zh": _ZH}


def _merge_page_catalogues() -> None:
    """Add the per-page catalogues of :mod:`workbench.catalogues` (keys must be new)."""
    import importlib

    from workbench import catalogues

    for page in catalogues.PAGES:
        module = importlib.import_module(f"workbench.catalogues.{page}")
        for lang, extra in (("en", module.EN), ("zh", module.ZH)):
            clash = set(extra) & set(CATALOGUES[lang])
            if clash:
                raise KeyError(f"catalogue {page!r} redefines {sorted(clash)[:3]}")
            CATALOGUES[lang].update(extra)


_merge_page_catalogues()

#: Display names of the data kinds of :data:`workbench.schemas.KINDS`: ``{kind: (en, zh)}``.
KIND_NAMES: dict[str, tuple[str, str]] = {
    "followers": ("follower data", "粉丝数据"),
    "articles": ("article data", "文章数据"),
    "daily_users": ("follower growth data", "用户增长数据"),
    "activities": ("activity data", "活动数据"),
    "daily_reads": ("daily read trends", "阅读趋势数据"),
    "distributions": ("reader distributions", "读者分布数据"),
}

_GENDERS = {"female": ("Female", "女"), "male": ("Male", "男"), "unknown": ("Unknown", "未知")}
_AGE_BANDS = {
    "under_18": ("Under 18", "18岁以下"),
    "18_24": ("18–24", "18–24岁"),
    "25_30": ("25–30", "25–30岁"),
    "31_40": ("31–40", "31–40岁"),
    "41_50": ("41–50", "41–50岁"),
    "over_50": ("Over 50", "50岁以上"),
}
_PLATFORMS = {
    "wechat": ("WeChat", "微信"),
    "weibo": ("Weibo", "微博"),
    "douyin": ("Douyin", "抖音"),
    "kuaishou": ("Kuaishou", "快手"),
    "xiaohongshu": ("Xiaohongshu", "小红书"),
    "zhihu": ("Zhihu", "知乎"),
    "bilibili": ("Bilibili", "B站"),
    "toutiao": ("Toutiao", "今日头条"),
}

#: Display names of level codes: ``{column: {code: (en, zh)}}``; columns as in the schemas.
LEVEL_NAMES: dict[str, dict[str, tuple[str, str]]] = {
    "gender": _GENDERS,
    "age_band": _AGE_BANDS,
    "city_tier": {
        "tier1": ("Tier 1", "一线"),
        "new_tier1": ("New tier 1", "新一线"),
        "tier2": ("Tier 2", "二线"),
        "tier3_plus": ("Tier 3 and below", "三线及以下"),
    },
    "occupation": {
        "student": ("Student", "学生"),
        "professional": ("Professional", "职场人士"),
        "freelancer": ("Freelancer", "自由职业"),
        "civil_servant": ("Civil servant", "公职人员"),
        "business_owner": ("Business owner", "企业主"),
        "homemaker": ("Homemaker", "全职家庭"),
        "retired": ("Retired", "退休"),
        "other": ("Other", "其他"),
    },
    "interests": {
        "entertainment": ("Entertainment", "娱乐"),
        "tech": ("Tech", "科技"),
        "education": ("Education", "教育"),
        "lifestyle": ("Lifestyle", "生活"),
        "fashion_beauty": ("Fashion & beauty", "时尚美妆"),
        "sports": ("Sports", "体育"),
        "games": ("Games", "游戏"),
        "career": ("Career", "职场"),
        "finance": ("Finance", "财经"),
        "travel": ("Travel", "旅行"),
        "food": ("Food", "美食"),
        "parenting": ("Parenting", "亲子"),
    },
    "platform": _PLATFORMS,
    "follow_source": {
        "search": ("Search", "搜索"),
        "article_share": ("Shared article", "文章分享"),
        "qr_code": ("QR code", "扫码"),
        "moments_ad": ("Moments ad", "朋友圈广告"),
        "kol": ("KOL referral", "KOL推荐"),
        "event": ("Event", "活动"),
        "recommendation": ("Platform recommendation", "平台推荐"),
        "profile_card": ("Shared profile card", "名片分享"),
        "other": ("Other", "其他"),
    },
    "content_type": {
        "educational": ("Educational", "干货"),
        "news": ("News", "资讯"),
        "interactive": ("Interactive", "互动"),
        "fun": ("Fun", "趣味"),
        "story": ("Story", "故事"),
        "product": ("Product", "产品"),
        "event_report": ("Event report", "活动报道"),
    },
    "account_type": {
        "subscription": ("Subscription account", "订阅号"),
        "service": ("Service account", "服务号"),
        "other": ("Other", "其他"),
    },
    "activity_type": {
        "lottery": ("Lottery", "抽奖"),
        "qa": ("Q&A", "问答"),
        "vote": ("Vote", "投票"),
        "coupon": ("Coupon", "优惠券"),
        "flash_sale": ("Flash sale", "限时抢购"),
        "offline_event": ("Offline event", "线下活动"),
        "contest": ("Contest", "征集比赛"),
        "kol": ("KOL collaboration", "KOL合作"),
        "paid_ads": ("Paid ads", "广告投放"),
    },
    "channel": {
        "push": ("Push message", "公众号消息"),
        "chat": ("Chats", "聊天会话"),
        "moments": ("Moments", "朋友圈"),
        "search": ("Search", "搜一搜"),
        "recommendation": ("Recommended", "推荐"),
        "profile": ("Account profile", "公众号主页"),
        "other": ("Other", "其他"),
    },
    "dimension": {
        "gender": ("Gender", "性别"),
        "age": ("Age", "年龄"),
        "region": ("Region", "地域"),
    },
}
# Other names the same level sets go by (the distributions table calls the age band "age").
_LEVEL_ALIASES = {"age": "age_band", "interest": "interests", "read_channel": "channel"}


def normalise_lang(lang: str | None) -> str | None:
    """``"zh"``, ``"zh-CN"``, ``"ZH_cn"`` → ``"zh"``; ``"en-GB"`` → ``"en"``; unknown → ``None``."""
    if not lang:
        return None
    code = str(lang).strip().lower().replace("_", "-").split("-")[0]
    return code if code in LANGS else None


def _lang(lang: str | None) -> str:
    return normalise_lang(lang) or DEFAULT_LANG


def t(key: str, lang: str | None = DEFAULT_LANG, **fmt: object) -> str:
    """The text of ``key`` in ``lang`` (English for an unknown language), ``{names}`` filled in.

    A missing key raises ``KeyError``: every label must be in the catalogue.

    Examples
    --------
    >>> t("upload.hint", "en", limit=50)
    'CSV, Excel (.xlsx) or TXT, up to 50 MB; bigger files zipped (.zip, .gz).'
    """
    text = CATALOGUES[_lang(lang)][key]
    return text.format(**fmt) if fmt else text


def level(column: str, code: str, lang: str | None = DEFAULT_LANG) -> str:
    """Display name of a level ``code`` of a category ``column``; the code itself if unknown.

    Examples
    --------
    >>> level("platform", "bilibili", "zh"), level("age_band", "18_24", "en")
    ('B站', '18–24')
    """
    names = LEVEL_NAMES.get(_LEVEL_ALIASES.get(column, column), {})
    pair = names.get(code)
    if pair is None:
        return str(code)
    return pair[LANGS.index(_lang(lang))]


def attribute(column: str, lang: str | None = DEFAULT_LANG) -> str:
    """Display name of a followers attribute (a column personas segment on or profile); the
    column code itself if unknown.

    Examples
    --------
    >>> attribute("city_tier", "zh"), attribute("spend_90d", "en"), attribute("x", "en")
    ('城市线级', 'Spend (90 days, CNY)', 'x')
    """
    for key in (f"chart.personas.attr.{column}", f"chart.personas.metric.{column}"):
        if key in CATALOGUES["en"]:
            return t(key, lang)
    return str(column)


def kind_name(kind: str, lang: str | None = DEFAULT_LANG) -> str:
    """Display name of a data kind (``"daily_users"`` → ``"follower growth data"`` / ``"用户增长数据"``)."""
    pair = KIND_NAMES.get(kind)
    if pair is None:
        return str(kind)
    return pair[LANGS.index(_lang(lang))]


def language(query_string: str | None = None) -> str:
    """The language a page starts in: ``?lang=`` of its URL, else ``WORKBENCH_LANG``, else English.

    Parameters
    ----------
    query_string : the URL's query (``"lang=zh&x=1"``, a leading ``?`` is fine). ``None`` reads
        the page's own query string inside Voilà (the kernel's ``QUERY_STRING``) as it is now:
        a pre-heated kernel knows it only once :func:`workbench.runtime.voila.query_string` has
        waited for the visit, and until then this is the default language. Never waits.

    Unknown values (``lang=xx``) are ignored, so the next source decides.

    Examples
    --------
    >>> language("lang=zh"), language("?lang=zh-CN"), language("lang=xx")
    ('zh', 'zh', 'en')
    """
    if query_string is None:
        query_string = os.environ.get("QUERY_STRING")
    for value in parse_qs((query_string or "").lstrip("?")).get("lang", []):
        lang = normalise_lang(value)
        if lang:
            return lang
    return default_language()


def default_language() -> str:
    """The language when the URL does not say: ``WORKBENCH_LANG``, else English. Never waits."""
    return normalise_lang(os.environ.get("WORKBENCH_LANG")) or DEFAULT_LANG
