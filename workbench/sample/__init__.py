"""Seeded sample data: two years of a mid-size Chinese consumer brand's accounts.

``python -m workbench.sample --out data/`` writes, byte-for-byte reproducibly (fixed seed, fixed
"today" :data:`TODAY`, fixed float formatting, ``\\n`` line ends, UTF-8 without BOM):

``followers.csv``
    ~20,000 people as a survey / CRM export would list them (columns of
    :data:`workbench.schemas.FOLLOWERS`).
``articles.csv``
    ~1,500 posts on WeChat (a subscription account), Weibo, Xiaohongshu, Douyin and Zhihu
    (:data:`workbench.schemas.ARTICLES`).
``daily_users.csv``
    one row per day of WeChat follower flow (:data:`workbench.schemas.DAILY_USERS`).
``activities.csv``
    ~60 past activities of all nine types (:data:`workbench.schemas.ACTIVITIES`).
``distributions.csv``
    the gender, age and region distributions of the WeChat articles' readers, as the 单篇详情
    sheet gives them (:data:`workbench.schemas.DISTRIBUTIONS`), one set per title.
``truth/followers_planted.csv``
    the planted segment of every follower; read by tests only, never by a dashboard.
``README.md``
    the data dictionary, generated from the schema tables so it cannot drift.

The brand is a fictitious home-and-lifestyle brand, 轻屿 (small kitchen appliances, coffee,
home fragrance), that also publishes lifestyle, career and parenting content.

Effects planted (tests in ``tests/sample/test_sample.py`` check them)
--------------------------------------------------------------
Followers
    Six segments of unequal size (9 % .. 26 %), each with its own gender, age band, city tier,
    occupation, interests, platform, follow source and online hour, and its own behaviour:
    reads / shares / comments in 30 days (negative binomial, a dormant share with no activity)
    and purchases / spend in 90 days (heavy-tailed). About 17 % of every trait is drawn from the
    whole-base distribution instead of the segment's profile; ~2 % of provinces and occupations
    and ~1 % of city tiers are blank. Provinces are drawn consistently with the city tier.
Articles
    * content types perform differently per platform: educational leads on WeChat and Zhihu,
      fun on Douyin, product on Xiaohongshu, news and interactive on Weibo;
    * WeChat headlines (position 1) get 2.5-7x the reads of secondary slots (secondary open
      rate 15-40 % of the headline's);
    * weekday (weekends weaker on WeChat / Zhihu, stronger on Douyin / Xiaohongshu) and hour
      (WeChat evening pushes best, noon worst) effects;
    * the Spring Festival (dates from ``holidays.China``) cuts reads for most content and the
      team pushes less; National Day week dips a little; 618, Double 11 (20 Oct - 11 Nov, peak
      on the last days) and Double 12 lift product content, and the team publishes more of it;
    * WeChat open rate (push reads / delivered) around 1-5 %, about two thirds of reads come
      from the push and the rest from shares; share rate 1-6 %; engagement 2-8 %;
      a few viral posts reach 10万+;
    * ``delivered`` is the WeChat follower count at push time from ``daily_users``, which grows
      slowly (about 0.6 % a month).
Daily users
    new follows = baseline (search, cards, other; weekday and season effects) + the day's
    ``follows_after_read`` of WeChat articles (all counted under ``new_from_article_menu``) +
    WeChat activities' ``follows_gained`` spread over their days; unfollows follow the base with
    a bump after each push and a lottery hangover (some prize hunters leave within two weeks).
    ``net = new - unfollows`` and ``cumulative[t] = cumulative[t-1] + net[t]`` exactly; the
    five source columns sum exactly to ``new_follows``.
Activities
    Funnel reach > participants > conversions with type-specific rates, costs per type
    (prizes, redeemed coupons, ads at a CPM, KOL fees, venue, staff for all), ``cost_total``
    the exact sum of the items, revenue from conversions x order value (ROI from about -100 %
    for pure engagement activities to several hundred percent for sales ones), follows gained.
Distributions
    The readers of a WeChat article (``read_users``) are the WeChat followers of the follower
    sample, weighted by their reads in 30 days and by how well their interests fit the content
    type and the title's topic (理财, 亲子, 露营 ...): product articles draw the young women,
    family managers and silver readers (mostly female), educational and news ones the career
    readers and business owners (25-50, more male, tier-1 provinces), fun ones the few students
    on WeChat (the most 18-24). Each article draws its own segment mix (Dirichlet) and readers
    (multinomial), so users of every dimension sum exactly to its readers. Titles repeat in
    the sample (template titles, seasonal series) and the table is keyed on the title like the
    export, so articles sharing a title are merged: users added, shares recomputed. Gender and
    age list every level; region lists the provinces with readers, most readers first.

Where to find what
------------------
==================  ============================================================================
``brand``           the brand, its period (:data:`START` .. :data:`TODAY`), its calendar
                    (:func:`spring_festivals`) and its follower segments (:data:`SEGMENTS`)
``followers``       the followers, drawn from the segments
``articles``        the articles: their skeleton, then their final numbers
``titles``          the articles' titles and URLs
``activities``      the activities: funnel, costs, revenue, follows gained
``daily``           the daily users, and the WeChat articles' reach (one recurrence)
``distributions``   the reader distributions of the WeChat articles
``files``           :func:`generate`, :func:`write` (fixed-format CSV), :func:`data_dictionary`,
                    :func:`main` (``python -m workbench.sample``, see ``__main__``)
==================  ============================================================================
"""

from __future__ import annotations

from .brand import (
    BRAND,
    N_FOLLOWERS,
    SEED,
    SEGMENTS,
    START,
    START_FOLLOWERS,
    TODAY,
    Segment,
    spring_festivals,
)
from .files import FILES, data_dictionary, generate, main, write

__all__ = [
    "SEED", "TODAY", "START", "N_FOLLOWERS", "SEGMENTS", "FILES",
    "generate", "write", "data_dictionary", "main",
    "BRAND", "START_FOLLOWERS", "Segment", "spring_festivals",
]
