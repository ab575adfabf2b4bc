"""The team's accounts, and which one a file belongs to.

An account is a platform, an account type and the name the team calls it by (公众号
"品牌主号", 服务号 "会员中心", a Weibo). :func:`guess` reads what a file says about its platform:
a WeChat backend export (用户增长, 已通知内容, 数据趋势, 单篇详情) is WeChat's, a file with a
``platform`` column says it, and an article export says the account type.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from .. import schemas

#: kinds only WeChat's backend exports (no platform column)
WECHAT_ONLY = ("daily_reads", "distributions")

#: the name a new account gets when the team has not named one: (platform, type) -> (zh, en)
DEFAULT_NAMES: dict[tuple[str, str], tuple[str, str]] = {
    ("wechat", "subscription"): ("公众号", "WeChat Official Account"),
    ("wechat", "service"): ("服务号", "WeChat Service Account"),
    ("weibo", "other"): ("微博", "Weibo"),
    ("douyin", "other"): ("抖音", "Douyin"),
    ("kuaishou", "other"): ("快手", "Kuaishou"),
    ("xiaohongshu", "other"): ("小红书", "Xiaohongshu"),
    ("zhihu", "other"): ("知乎", "Zhihu"),
    ("bilibili", "other"): ("哔哩哔哩", "Bilibili"),
    ("toutiao", "other"): ("今日头条", "Toutiao"),
}


@dataclass(frozen=True)
class Account:
    """One of the team's accounts."""

    id: int
    name: str
    platform: str
    account_type: str
    author: str = ""
    created_at: dt.datetime | None = None

    def label(self, lang: str = "en") -> str:
        """The name and, in brackets, the platform and type: ``品牌主号 (WeChat, subscription)``."""
        zh = str(lang).lower().startswith("zh")
        platform = _PLATFORM_ZH.get(self.platform, self.platform) if zh else \
            _PLATFORM_EN.get(self.platform, self.platform)
        kind = _TYPE_ZH.get(self.account_type, "") if zh else _TYPE_EN.get(self.account_type, "")
        detail = f"{platform} {kind}".strip() if zh else ", ".join(p for p in (platform, kind) if p)
        return f"{self.name}（{detail}）" if zh else f"{self.name} ({detail})"


_PLATFORM_EN = {"wechat": "WeChat", "weibo": "Weibo", "douyin": "Douyin", "kuaishou": "Kuaishou",
                "xiaohongshu": "Xiaohongshu", "zhihu": "Zhihu", "bilibili": "Bilibili",
                "toutiao": "Toutiao"}
_PLATFORM_ZH = {"wechat": "微信", "weibo": "微博", "douyin": "抖音", "kuaishou": "快手",
                "xiaohongshu": "小红书", "zhihu": "知乎", "bilibili": "哔哩哔哩",
                "toutiao": "今日头条"}
_TYPE_EN = {"subscription": "subscription", "service": "service"}
_TYPE_ZH = {"subscription": "订阅号", "service": "服务号"}


def check_platform(platform: str, account_type: str) -> None:
    if platform not in schemas.PLATFORMS:
        raise ValueError(f"unknown platform {platform!r}; expected one of "
                         f"{', '.join(schemas.PLATFORMS)}")
    if account_type not in schemas.ACCOUNT_TYPES:
        raise ValueError(f"unknown account type {account_type!r}; expected one of "
                         f"{', '.join(schemas.ACCOUNT_TYPES)}")


def _mode(values: pd.Series) -> str | None:
    values = values.dropna()
    if values.empty:
        return None
    return str(values.astype(object).value_counts().index[0])


def guess(kind: str, frame: pd.DataFrame) -> tuple[str, str | None]:
    """(platform, account type or ``None``) a file says it is from. A file that says nothing is
    taken for WeChat's, the platform the workbench reads the exports of."""
    platform = None
    if kind not in WECHAT_ONLY and "platform" in frame.columns:
        platform = _mode(frame["platform"])
    platform = platform or "wechat"
    account_type = None
    if "account_type" in frame.columns:
        account_type = _mode(frame["account_type"])
    if account_type is None and platform != "wechat":
        account_type = "other"
    return platform, account_type


def default_name(platform: str, account_type: str | None) -> str:
    """The name a new account gets: 公众号, 服务号, 微博…"""
    return DEFAULT_NAMES.get((platform, account_type or "subscription"),
                             DEFAULT_NAMES.get((platform, "other"), (platform, platform)))[0]
