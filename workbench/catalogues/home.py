"""Labels of the home page (00).

Keys are ``page.key`` (``chart.page.key`` for the charts); both languages carry the same
keys. Values are plain text (the pages and builders escape them); ``{names}`` are filled in
by :func:`workbench.i18n.t`.
"""

EN: dict[str, str] = {
    # home
    "home.title": "Planning Workbench",
    "home.subtitle": "New-media operations planning, from audience to results",
    "home.intro": (
        "Plan in one loop: who we talk to, what we publish, which activities pay, and what "
        "actually happened. Each review feeds its measured rates back into the next plan."
    ),
    "home.open": "Open",
    "home.step": "Step {n}",
    "home.data": (
        "Upload the week's exports once: every dashboard above uses them. See what your data "
        "covers and tag your posts' content types."),
}

ZH: dict[str, str] = {
    # home
    "home.title": "运营策划工作台",
    "home.subtitle": "新媒体运营策划：从用户到效果",
    "home.intro": (
        "按一个闭环做策划：我们在和谁沟通、发什么内容、哪些活动划算、实际效果如何。"
        "每次复盘得到的真实数据，都会回流到下一轮策划中。"
    ),
    "home.open": "进入",
    "home.step": "第 {n} 步",
    "home.data": (
        "每周上传一次导出数据，上面的每个看板都会使用；在这里查看数据覆盖情况、标注文章类型。"),
}
