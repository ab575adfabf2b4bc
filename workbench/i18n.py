"""Every label the workbench shows, in English and Chinese.

Three things live here and nothing else:

* :data:`CATALOGUES`: ``{lang: {key: text}}``, gathered from :mod:`workbench.catalogues` (a
  catalogue a page, and the labels the pages share); both languages carry the same keys.
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
    "data": "05_data.ipynb",
}



CATALOGUES: dict[str, dict[str, str]] = {"en": {}, "zh": {}}


def _merge_page_catalogues() -> None:
    """Gather the catalogues of :mod:`workbench.catalogues`, one a page plus the shared one
    (no key may be defined twice)."""
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
# Levels the workbench gives itself and no file carries (so not in LEVEL_NAMES, whose codes are
# all levels of the schemas): the planner's type for posts without a content type.
TOOL_LEVELS: dict[str, dict[str, tuple[str, str]]] = {
    "content_type": {"untagged": ("Untagged", "未标注")},
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


def plural(key: str, n: int, lang: str | None = DEFAULT_LANG, **fmt: object) -> str:
    """``key.one`` for a count of 1, else ``key.other``, with ``{n}`` and ``fmt`` filled in
    (both languages carry both keys; Chinese words them alike).

    Examples
    --------
    >>> plural("chart.review.trends.spikes", 1), plural("chart.review.trends.spikes", 3)
    ('1 spike', '3 spikes')
    """
    return t(f"{key}.one" if n == 1 else f"{key}.other", lang, n=n, **fmt)


def level(column: str, code: str, lang: str | None = DEFAULT_LANG) -> str:
    """Display name of a level ``code`` of a category ``column``; the code itself if unknown.

    Examples
    --------
    >>> level("platform", "bilibili", "zh"), level("age_band", "18_24", "en")
    ('B站', '18–24')
    """
    column = _LEVEL_ALIASES.get(column, column)
    pair = LEVEL_NAMES.get(column, {}).get(code) or TOOL_LEVELS.get(column, {}).get(code)
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


def column_label(kind: str, column: str, lang: str | None = DEFAULT_LANG) -> str:
    """A canonical column as the user reads it: 城市线级 / City tier, 发表时间 / Publish time,
    never ``city_tier``; the code itself for a column no schema of ``kind`` has.

    Examples
    --------
    >>> column_label("followers", "city_tier", "zh"), column_label("articles", "publish_time")
    ('城市线级', 'Publish time')
    """
    from workbench import schemas

    known = kind in schemas.SCHEMAS and column in schemas.schema(kind).names
    if _lang(lang) == "zh":
        return (schemas.schema(kind)[column].zh if known else "") or str(column)
    named = attribute(column, "en")
    if named != column:
        return named
    return str(column).replace("_", " ").capitalize() if known else str(column)


def kind_name(kind: str, lang: str | None = DEFAULT_LANG) -> str:
    """Display name of a data kind (``"daily_users"`` → ``"follower growth data"`` /
    ``"用户增长数据"``)."""
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
