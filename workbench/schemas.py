"""Canonical data: the columns every loader returns, whatever the source.

Each *kind* of data (followers, articles, daily_users, activities, and the WeChat-only
daily_reads and distributions) has one table of :class:`Column` specs. Loaders
(:mod:`workbench.io`), the sample generator (:mod:`workbench.sample`) and the models all read
these tables, so a column has one name, one dtype and one meaning across the package.

Header aliases (Chinese export headers, datacube field names, our own English names) are data
too: ``workbench/aliases/<kind>.csv``, read by :mod:`workbench.io`.

Dtypes
------
``string``     pandas ``string`` (free text: ids, titles, provinces)
``category``   pandas ``category`` with the fixed ``levels`` below (codes in English snake_case;
               the i18n catalogue gives their display names)
``multi``      a ``string`` of level codes joined by ``;`` (multi-label, e.g. interests)
``int``        pandas ``Int64`` (counts; missing stays ``<NA>``)
``float``      ``float64`` (money in CNY, rates as fractions 0..1, seconds)
``datetime``   ``datetime64[ns]`` (naive, Beijing local time)
``date``       ``datetime64[ns]`` normalised to midnight
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

KINDS = ("followers", "articles", "daily_users", "activities", "daily_reads", "distributions")

GENDERS = ("female", "male", "unknown")
AGE_BANDS = ("under_18", "18_24", "25_30", "31_40", "41_50", "over_50")
CITY_TIERS = ("tier1", "new_tier1", "tier2", "tier3_plus")
OCCUPATIONS = (
    "student", "professional", "freelancer", "civil_servant", "business_owner", "homemaker",
    "retired", "other",
)
INTERESTS = (
    "entertainment", "tech", "education", "lifestyle", "fashion_beauty", "sports", "games",
    "career", "finance", "travel", "food", "parenting",
)
PLATFORMS = ("wechat", "weibo", "douyin", "kuaishou", "xiaohongshu", "zhihu", "bilibili", "toutiao")
FOLLOW_SOURCES = (
    "search", "article_share", "qr_code", "moments_ad", "kol", "event", "recommendation",
    "profile_card", "other",
)
CONTENT_TYPES = ("educational", "news", "interactive", "fun", "story", "product", "event_report")
#: The content type the planner gives a post that has none (an export without types, a title no
#: tagging rule matched): such posts are planned as their own type, never left out. Not a level
#: a file may carry.
UNTAGGED = "untagged"
ACCOUNT_TYPES = ("subscription", "service", "other")
ACTIVITY_TYPES = (
    "lottery", "qa", "vote", "coupon", "flash_sale", "offline_event", "contest", "kol", "paid_ads",
)
READ_CHANNELS = ("push", "chat", "moments", "search", "recommendation", "profile", "other")
DISTRIBUTION_DIMENSIONS = ("gender", "age", "region")


@dataclass(frozen=True)
class Column:
    """One canonical column.

    Parameters
    ----------
    name : canonical snake_case name.
    dtype : one of ``string, category, multi, int, float, datetime, date``.
    required : the loader refuses a file without it (after alias mapping).
    levels : allowed codes for ``category`` and ``multi`` columns.
    unit : what a number counts (shown in the data dictionary).
    zh : the Chinese name used in the data dictionary and in error messages.
    min_value : smallest allowed value for numbers (counts are ``>= 0``).
    """

    name: str
    dtype: str
    required: bool = False
    levels: tuple[str, ...] = ()
    unit: str = ""
    zh: str = ""
    min_value: float | None = None
    description: str = ""


def _count(name: str, zh: str, description: str, required: bool = False) -> Column:
    return Column(name, "int", required=required, unit="count", zh=zh, min_value=0,
                  description=description)


@dataclass(frozen=True)
class Schema:
    kind: str
    columns: tuple[Column, ...]
    zh: str
    description: str
    # columns whose combination identifies a row (used to report duplicates)
    key: tuple[str, ...] = field(default=())
    # (smaller, larger): by definition the first never exceeds the second in the same row
    # (distinct users <= their actions, push reads <= all reads, funnel steps shrink); the
    # loader keeps such rows as exported and says where they are
    at_most: tuple[tuple[str, str], ...] = field(default=())

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def required(self) -> list[str]:
        return [c.name for c in self.columns if c.required]

    def __getitem__(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)


FOLLOWERS = Schema(
    "followers",
    (
        Column("follower_id", "string", zh="用户ID",
               description="Survey/CRM id (generated when absent)"),
        Column("gender", "category", required=True, levels=GENDERS, zh="性别"),
        Column("age_band", "category", required=True, levels=AGE_BANDS, zh="年龄段"),
        Column("city_tier", "category", levels=CITY_TIERS, zh="城市线级"),
        Column("province", "string", zh="省份", description="Province name in Chinese, e.g. 广东"),
        Column("occupation", "category", levels=OCCUPATIONS, zh="职业"),
        Column("interests", "multi", levels=INTERESTS, zh="兴趣",
               description="Several interests joined by ';'"),
        Column("platform", "category", levels=PLATFORMS, zh="平台",
               description="Platform where the person follows the brand"),
        Column("follow_date", "date", zh="关注日期"),
        Column("follow_source", "category", levels=FOLLOW_SOURCES, zh="关注来源"),
        _count("reads_30d", "近30天阅读", "Articles read in the last 30 days"),
        _count("shares_30d", "近30天分享", "Shares in the last 30 days"),
        _count("comments_30d", "近30天评论", "Comments in the last 30 days"),
        _count("purchases_90d", "近90天购买次数", "Orders in the last 90 days"),
        Column("spend_90d", "float", unit="CNY", zh="近90天消费金额", min_value=0,
               description="Spend in the last 90 days"),
        Column("active_hour", "int", unit="hour 0-23", zh="常用活跃时段", min_value=0,
               description="Hour of day the person is usually online"),
    ),
    zh="粉丝 / 用户画像数据",
    description="One row per person, from a survey, CRM or mini-program export",
    key=("follower_id",),
)

ARTICLES = Schema(
    "articles",
    (
        Column("article_id", "string", zh="文章ID", description="Generated when absent"),
        Column("publish_time", "datetime", required=True, zh="发表时间"),
        Column("platform", "category", levels=PLATFORMS, zh="平台",
               description="Defaults to wechat for WeChat backend exports"),
        Column("account_type", "category", levels=ACCOUNT_TYPES, zh="账号类型",
               description="WeChat subscription or service account; other elsewhere"),
        Column("content_type", "category", levels=CONTENT_TYPES, zh="内容类型"),
        Column("position", "int", zh="位置", min_value=1,
               description="Slot in a WeChat push: 1 = headline (头条), 2-8 secondary (次条)"),
        Column("title", "string", zh="内容标题"),
        _count("reads", "阅读次数", "Total reads (views)", required=True),
        _count("read_users", "阅读人数", "Distinct readers"),
        _count("push_reads", "公众号消息阅读次数", "Reads from the push message"),
        _count("delivered", "送达人数", "Followers the push was delivered to"),
        _count("likes", "点赞", "Likes"),
        _count("wows", "在看", "'Wow' (在看) marks"),
        _count("comments", "留言", "Comments"),
        _count("shares", "分享次数", "Shares"),
        _count("share_users", "分享人数", "Distinct sharers"),
        _count("favourites", "收藏", "Favourites"),
        _count("follows_after_read", "阅读后关注人数", "New follows attributed to the article"),
        Column("finish_rate", "float", unit="fraction", zh="阅读完成率", min_value=0),
        Column("avg_read_seconds", "float", unit="seconds", zh="平均停留时长", min_value=0),
        Column("url", "string", zh="内容url"),
        Column("open_rate", "float", unit="fraction", zh="送达阅读率", min_value=0,
               description="push_reads / delivered (as exported; computed when absent)"),
    ),
    zh="文章 / 内容数据",
    description="One row per published post (WeChat 已通知内容 export or our own CSV)",
    key=("article_id",),
    at_most=(("read_users", "reads"), ("push_reads", "reads"), ("share_users", "shares")),
)

DAILY_USERS = Schema(
    "daily_users",
    (
        Column("date", "date", required=True, zh="时间"),
        Column("platform", "category", levels=PLATFORMS, zh="平台"),
        _count("new_follows", "新关注人数", "New follows that day", required=True),
        _count("unfollows", "取消关注人数", "Unfollows that day", required=True),
        Column("net_follows", "int", unit="count", zh="净增关注人数",
               description="new_follows - unfollows (computed when absent)"),
        _count("cumulative_follows", "累积关注人数", "Followers at the end of the day"),
        _count("new_from_search_name", "搜索公众号名称",
               "New follows by searching the account name"),
        _count("new_from_search_id", "搜索微信号", "New follows by searching the WeChat id"),
        _count("new_from_article_menu", "图文页右上角菜单", "New follows from an article's menu"),
        _count("new_from_card_share", "名片分享", "New follows from a shared profile card"),
        _count("new_from_other", "其他", "New follows from other sources"),
    ),
    zh="用户增长数据",
    description="One row per day (and platform): follower flow (WeChat 用户增长 export)",
    key=("date", "platform"),
)

ACTIVITIES = Schema(
    "activities",
    (
        Column("activity_id", "string", zh="活动ID"),
        Column("name", "string", required=True, zh="活动名称"),
        Column("activity_type", "category", required=True, levels=ACTIVITY_TYPES, zh="活动类型"),
        Column("platform", "category", levels=PLATFORMS, zh="平台"),
        Column("start_date", "date", required=True, zh="开始日期"),
        Column("end_date", "date", zh="结束日期"),
        Column("cost_prizes", "float", unit="CNY", zh="奖品成本", min_value=0),
        Column("cost_coupons", "float", unit="CNY", zh="优惠券核销金额", min_value=0,
               description="Face value of coupons actually redeemed"),
        Column("cost_ads", "float", unit="CNY", zh="广告投放费用", min_value=0),
        Column("cost_kol", "float", unit="CNY", zh="KOL费用", min_value=0),
        Column("cost_venue", "float", unit="CNY", zh="场地物料费用", min_value=0,
               description="Venue and materials"),
        Column("cost_staff", "float", unit="CNY", zh="人力成本", min_value=0,
               description="Staff hours x hourly rate"),
        Column("cost_total", "float", required=True, unit="CNY", zh="总成本", min_value=0,
               description="Sum of the cost items (computed when absent)"),
        _count("reach", "曝光人数", "People reached (exposure)"),
        _count("participants", "参与人数", "People who took part", required=True),
        _count("conversions", "转化人数", "Target actions (register, buy, sign up)"),
        Column("revenue", "float", unit="CNY", zh="带来销售额", min_value=0,
               description="Order value attributed to the activity"),
        _count("follows_gained", "新增关注", "New follows attributed to the activity"),
    ),
    zh="活动数据",
    description="One row per past activity: costs, funnel and results",
    key=("activity_id",),
    at_most=(("participants", "reach"), ("conversions", "participants")),
)

DAILY_READS = Schema(
    "daily_reads",
    (
        Column("date", "date", required=True, zh="日期"),
        Column("channel", "category", levels=READ_CHANNELS, zh="渠道"),
        _count("reads", "阅读次数", "Reads", required=True),
        _count("read_users", "阅读人数", "Distinct readers"),
        _count("shares", "分享次数", "Shares"),
        _count("share_users", "分享人数", "Distinct sharers"),
        _count("original_reads", "阅读原文次数", "'Read original' clicks"),
        _count("original_read_users", "阅读原文人数", "Distinct 'read original' clickers"),
        _count("favourites", "收藏次数", "Favourites"),
        _count("favourite_users", "收藏人数", "Distinct favouriters"),
        _count("posts", "群发篇数", "Articles pushed that day"),
    ),
    zh="内容分析 数据趋势",
    description="One row per day and traffic channel (WeChat 内容分析 → 数据趋势 export)",
    key=("date", "channel"),
    at_most=(("read_users", "reads"), ("share_users", "shares"),
             ("original_read_users", "original_reads"), ("favourite_users", "favourites")),
)

DISTRIBUTIONS = Schema(
    "distributions",
    (
        Column("title", "string", zh="内容标题", description="Article the distribution belongs to"),
        Column("dimension", "category", required=True, levels=DISTRIBUTION_DIMENSIONS, zh="维度"),
        Column("level", "string", required=True, zh="分类",
               description="Gender / age band code, or the province name for region"),
        _count("users", "人数", "Readers in this level", required=True),
        Column("share", "float", unit="fraction", zh="占比", min_value=0,
               description="users / all readers of the dimension"),
    ),
    zh="单篇详情 读者分布",
    description="Reader gender / age / region distributions of one article (单篇详情 sheet)",
    key=("title", "dimension", "level"),
)

SCHEMAS: dict[str, Schema] = {
    s.kind: s for s in (FOLLOWERS, ARTICLES, DAILY_USERS, ACTIVITIES, DAILY_READS, DISTRIBUTIONS)
}


def content_types(posts: pd.DataFrame) -> pd.Series:
    """The posts' content types as text: :data:`UNTAGGED` where a post has none of
    :data:`CONTENT_TYPES` (or the file has no ``content_type`` column). The planner and the
    review read a post's type through this one rule."""
    if "content_type" not in posts:
        return pd.Series(UNTAGGED, index=posts.index, dtype=object)
    types = posts["content_type"].astype(object)
    return types.where(types.isin(CONTENT_TYPES), UNTAGGED).astype(str)


def schema(kind: str) -> Schema:
    """The schema of ``kind``; ``ValueError`` naming the known kinds otherwise."""
    try:
        return SCHEMAS[kind]
    except KeyError:
        raise ValueError(
            f"unknown data kind {kind!r}; expected one of {', '.join(KINDS)}") from None
