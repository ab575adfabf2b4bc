"""Titles and URLs of the sample's articles.

Titles come from templates per content type (``_TITLES``), seasonal ones around the shopping
festivals and the Spring Festival (``_SEASON_TITLES``), filled with the brand's products,
topics and people (``_TITLE_FILL``); URLs have each platform's shape.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .brand import BRAND, CITIES, PRODUCTS, _calendar


_TITLES = {
    "educational": ("干货｜{n}个方法让你的{thing}效率翻倍", "{n}个{topic}误区，你中了几个？",
                    "手把手教你{skill}", "一文读懂{concept}", "收藏！{topic}全攻略",
                    "新手必看：{skill}的{n}个步骤", "职场人的高效早餐：{n}分钟搞定"),
    "news": ("{industry}观察：{trend}", "早报｜{trend}", "{month}月{industry}新规解读",
             "最新！{trend}", "行业报告：{industry}的{n}个变化"),
    "interactive": ("投票｜你更喜欢{a}还是{b}？", "留言区见：你的{topic}故事",
                    "Q&A｜关于{product}你问我答", "话题讨论：{question}", "评论区抽{n}位送{gift}"),
    "fun": ("笑不活了！{topic}的{n}个瞬间", "打工人的{topic}日常 be like",
            "测一测：你是哪种{topic}人格？", "当{a}遇上{b}……", "“{meme}”是什么梗？"),
    "story": ("品牌故事｜{brand}背后的{n}年", "用户说｜{person}和{product}的故事",
              "一个关于{topic}的温暖故事", "我们为什么坚持\"{value}\"", "{person}的一天"),
    "product": ("新品上市｜{product}，{selling}", "{product}测评：{selling}",
                "{product} & {product2}组合，{selling}", "价格<{price}元的{n}件好物",
                "{product}使用指南"),
    "event_report": ("活动回顾｜{event}圆满落幕", "现场直击：{event}", "{city}站｜{event}精彩瞬间"),
}
_SEASON_TITLES = {
    "d11": ("双11攻略：{product}怎么买最划算", "双11预售开启｜{product}到手价{price}元",
            "双11必囤清单：{n}件{topic}好物"),
    "s618": ("618必买清单｜{n}件{topic}好物", "618大促：{product}限时{discount}折"),
    "d12": ("双12返场｜{product}再降{m}元",),
    "spring": ("新春特辑｜{topic}", "年夜饭{n}道硬菜，{product}全搞定", "春节假期{topic}指南"),
}
_TITLE_FILL = {
    "n": ["3", "5", "7", "10"], "thing": ["厨房", "早晨", "通勤", "周末", "收纳"],
    "topic": ["咖啡", "健康饮食", "居家收纳", "职场效率", "亲子厨房", "露营", "理财"],
    "skill": ["做一杯手冲咖啡", "整理冰箱", "写好周报", "规划家庭预算", "做儿童早餐"],
    "concept": ["冷萃和冰滴的区别", "空气炸锅的原理", "复利", "碳水循环饮食"],
    "industry": ["小家电", "咖啡", "新消费", "家居"], "month": ["3", "6", "9", "12"],
    "trend": ["小家电进入存量竞争", "即饮咖啡价格战升级", "年轻人开始“精致穷”",
              "国补政策延续到明年", "AI 家电走进厨房"],
    "a": ["美式", "拿铁", "早起", "熬夜", "猫", "狗"], "b": ["拿铁", "手冲", "打工", "周一"],
    "question": ["你每天喝几杯咖啡？", "工作和生活能平衡吗？", "孩子的早餐谁来做？"],
    "gift": ["咖啡机", "香薰礼盒", "定制马克杯"],
    "meme": ["City不City", "松弛感", "情绪价值", "搭子"],
    "brand": [BRAND], "person": ["上海白领小林", "二胎妈妈阿敏", "退休教师王阿姨", "程序员大周"],
    "product": PRODUCTS, "product2": ["轻屿咖啡豆", "轻屿香薰精油", "轻屿保温杯"],
    "selling": ["10分钟搞定一家三口早餐", "小户型也放得下", "颜值和实力都在线", "一键清洁"],
    "value": ["少即是多", "慢一点也没关系", "好好吃饭"],
    "price": ["99", "199", "299"], "discount": ["7", "8", "85"], "m": ["30", "50", "100"],
    "event": ["轻屿周年庆", "咖啡手作工作坊", "城市快闪店", "读者见面会"],
    "city": CITIES,
}


def _titles(rng: np.random.Generator, types: np.ndarray, times: pd.Series) -> list[str]:
    cal = _calendar(times)
    season = np.select([cal.d11, cal.s618, cal.d12, cal.spring],
                       ["d11", "s618", "d12", "spring"], "")
    use_season = (season != "") & (rng.random(len(types)) < np.where(types == "product", 0.8, 0.2))
    picks = rng.random(len(types))
    fill_picks = rng.random((len(types), len(_TITLE_FILL)))
    keys = list(_TITLE_FILL)
    out = []
    for i, (kind, seas) in enumerate(zip(types, season)):
        pool = _SEASON_TITLES[seas] if use_season[i] else _TITLES[kind]
        title = pool[int(picks[i] * len(pool))]
        for j, key in enumerate(keys):
            token = "{" + key + "}"
            if token in title:
                values = _TITLE_FILL[key]
                title = title.replace(token, values[int(fill_picks[i, j] * len(values))])
        out.append(title)
    return out


def _random_tokens(rng: np.random.Generator, n: int, length: int, alphabet: str) -> list[str]:
    chars = np.array(list(alphabet))
    idx = rng.integers(0, len(chars), size=(n, length))
    return ["".join(row) for row in chars[idx]]


_URL_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def _urls(rng: np.random.Generator, platform: np.ndarray) -> np.ndarray:
    n = len(platform)
    wechat = _random_tokens(rng, n, 22, _URL_ALPHABET)
    hex24 = _random_tokens(rng, n, 24, "0123456789abcdef")
    digits = _random_tokens(rng, n, 19, "0123456789")
    weibo = _random_tokens(rng, n, 9, _URL_ALPHABET[:62])
    url = np.select(
        [platform == "wechat", platform == "xiaohongshu", platform == "douyin",
         platform == "zhihu", platform == "weibo"],
        [np.char.add("https://mp.weixin.qq.com/s/", wechat),
         np.char.add("https://www.xiaohongshu.com/explore/", hex24),
         np.char.add("https://www.douyin.com/video/7", np.array(digits)),
         np.char.add("https://zhuanlan.zhihu.com/p/", np.array([d[:10] for d in digits])),
         np.char.add("https://weibo.com/7300000001/", weibo)], "")
    return url.astype(object)
