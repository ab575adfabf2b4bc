"""The festival calendar (节假日与营销节点): Chinese public holidays, shopping festivals
and the lunar festivals the team plans around, one home for the content mix, the campaign
review and the sample data.

* :func:`day_marks`: every public holiday and festival between two dates, as :class:`DayMark`
  (English and Chinese names). Holidays (New Year, Spring Festival, Qingming, Labour Day,
  Dragon Boat, Mid-Autumn, National Day, with their rest days) come from ``holidays.China``;
  festivals are 520, 618, Qixi, Double 11 and Double 12.
* :func:`qixi`: Qixi (七夕, 7th day of the 7th lunar month), from new moons and the solar
  term Chushu (处暑) computed with Meeus' algorithms.
* :func:`spring_festivals`: the Spring Festival (春节, Lunar New Year's Day) of each year.

Examples
--------
>>> import datetime as dt
>>> from workbench import festivals
>>> marks = festivals.day_marks(dt.date(2026, 8, 17), dt.date(2026, 8, 23))
>>> [(str(d), m[0].kind, m[0].name_zh) for d, m in marks.items()]
[('2026-08-19', 'festival', '七夕')]
>>> festivals.qixi(2025)
datetime.date(2025, 8, 29)
>>> [str(d.date()) for d in festivals.spring_festivals([2025, 2026])]
['2025-01-29', '2026-02-17']
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True)
class DayMark:
    """A public holiday or shopping festival on a date.

    Attributes
    ----------
    date : the day.
    kind : ``"holiday"`` (public holiday or rest day, from ``holidays.China``) or
        ``"festival"`` (520, 618, Qixi, Double 11, Double 12).
    name, name_zh : English and Chinese names.
    """

    date: dt.date
    kind: str
    name: str
    name_zh: str

    def label(self, lang: str = "en") -> str:
        return self.name_zh if str(lang).lower().startswith("zh") else self.name


def _jd_to_beijing_date(jd: float) -> dt.date:
    return dt.date(1970, 1, 1) + dt.timedelta(days=math.floor(jd + 8 / 24 - 2440587.5))


def _new_moon_jd(k: int) -> float:
    """Julian day (UT, about a minute's accuracy) of new moon number ``k`` (Meeus, ch. 49)."""
    T = k / 1236.85
    jde = (2451550.09766 + 29.530588861 * k + 0.00015437 * T ** 2 - 0.000000150 * T ** 3
           + 0.00000000073 * T ** 4)
    E = 1 - 0.002516 * T - 0.0000074 * T ** 2
    r = math.radians
    M = r(2.5534 + 29.10535670 * k - 0.0000014 * T ** 2 - 0.00000011 * T ** 3)
    Mp = r(201.5643 + 385.81693528 * k + 0.0107582 * T ** 2 + 0.00001238 * T ** 3
           - 0.000000058 * T ** 4)
    F = r(160.7108 + 390.67050284 * k - 0.0016118 * T ** 2 - 0.00000227 * T ** 3
          + 0.000000011 * T ** 4)
    Om = r(124.7746 - 1.56375588 * k + 0.0020672 * T ** 2 + 0.00000215 * T ** 3)
    s = math.sin
    corr = (-0.40720 * s(Mp) + 0.17241 * E * s(M) + 0.01608 * s(2 * Mp) + 0.01039 * s(2 * F)
            + 0.00739 * E * s(Mp - M) - 0.00514 * E * s(Mp + M) + 0.00208 * E * E * s(2 * M)
            - 0.00111 * s(Mp - 2 * F) - 0.00057 * s(Mp + 2 * F) + 0.00056 * E * s(2 * Mp + M)
            - 0.00042 * s(3 * Mp) + 0.00042 * E * s(M + 2 * F) + 0.00038 * E * s(M - 2 * F)
            - 0.00024 * E * s(2 * Mp - M) - 0.00017 * s(Om) - 0.00007 * s(Mp + 2 * M)
            + 0.00004 * s(2 * Mp - 2 * F) + 0.00004 * s(3 * M) + 0.00003 * s(Mp + M - 2 * F)
            + 0.00003 * s(2 * Mp + 2 * F) - 0.00003 * s(Mp + M + 2 * F)
            + 0.00003 * s(Mp - M + 2 * F) - 0.00002 * s(Mp - M - 2 * F)
            - 0.00002 * s(3 * Mp + M) + 0.00002 * s(4 * Mp))
    return jde + corr - 69.0 / 86400.0     # TT → UT (ΔT ≈ 69 s in the 2020s)


def _sun_longitude(jd: float) -> float:
    """Apparent solar longitude in degrees (Meeus, ch. 25, low accuracy: ~0.01°)."""
    T = (jd - 2451545.0) / 36525.0
    L0 = 280.46646 + 36000.76983 * T + 0.0003032 * T * T
    M = math.radians(357.52911 + 35999.05029 * T - 0.0001537 * T * T)
    C = ((1.914602 - 0.004817 * T - 0.000014 * T * T) * math.sin(M)
         + (0.019993 - 0.000101 * T) * math.sin(2 * M) + 0.000289 * math.sin(3 * M))
    omega = math.radians(125.04 - 1934.136 * T)
    return (L0 + C - 0.00569 - 0.00478 * math.sin(omega)) % 360.0


def _solar_term_date(year: int, longitude: float, month: int) -> dt.date:
    """Beijing date on which the sun reaches ``longitude`` (searched within ``month``)."""
    def jd_of(d: dt.date) -> float:       # Beijing midnight
        return (d - dt.date(1970, 1, 1)).days + 2440587.5 - 8 / 24

    d = dt.date(year, month, 1)
    for _ in range(45):
        a = (_sun_longitude(jd_of(d)) - longitude + 180) % 360 - 180
        b = (_sun_longitude(jd_of(d + dt.timedelta(days=1))) - longitude + 180) % 360 - 180
        if a < 0 <= b:
            return d
        d += dt.timedelta(days=1)
    raise ValueError(f"solar longitude {longitude} not reached in {year}-{month}")


def _lunar_month_start(on_or_before: dt.date) -> dt.date:
    """Beijing date of the last new moon on or before ``on_or_before``."""
    jd = (on_or_before - dt.date(1970, 1, 1)).days + 2440587.5
    k = math.floor((jd - 2451550.09766) / 29.530588861) + 1
    while _jd_to_beijing_date(_new_moon_jd(k)) > on_or_before:
        k -= 1
    return _jd_to_beijing_date(_new_moon_jd(k))


def qixi(year: int) -> dt.date:
    """Qixi (七夕), the 7th day of the 7th lunar month, in ``year``.

    The 7th lunar month is the one holding the solar term Chushu (处暑, solar longitude 150°),
    so it starts at the last new moon (Beijing time) on or before that day; Qixi is six days
    later. New moons and the solar term use Meeus' algorithms (about a minute of accuracy).
    For every year 1901-2099 this gives the same day as counting back from ``holidays``' own
    Mid-Autumn date (15th of the 8th month), leap 7th months (2006, 2044, ...) included.

    Examples
    --------
    >>> qixi(2025), qixi(2026)
    (datetime.date(2025, 8, 29), datetime.date(2026, 8, 19))
    """
    chushu = _solar_term_date(year, 150.0, 8)
    return _lunar_month_start(chushu) + dt.timedelta(days=6)


_FESTIVALS = (
    ((5, 20), "520 (online Valentine's Day)", "520 网络情人节"),
    ((6, 18), "618 shopping festival", "618 购物节"),
    ((11, 11), "Double 11 (Singles' Day)", "双11"),
    ((12, 12), "Double 12", "双12"),
)


def day_marks(first: dt.date, last: dt.date) -> dict[dt.date, list[DayMark]]:
    """Chinese public holidays (incl. rest days) and shopping festivals from ``first`` to ``last``.

    Holidays come from ``holidays.China`` with its English and Chinese (``zh_CN``) names;
    festivals are 520, 618, Qixi (lunar, :func:`qixi`), Double 11 and Double 12.

    Examples
    --------
    >>> marks = day_marks(dt.date(2026, 10, 1), dt.date(2026, 11, 11))
    >>> marks[dt.date(2026, 10, 1)][0].name_zh, marks[dt.date(2026, 11, 11)][0].name_zh
    ('国庆节', '双11')
    """
    import holidays

    years = list(range(first.year, last.year + 1))
    out: dict[dt.date, list[DayMark]] = {}
    en = holidays.China(years=years, language="en_US")
    zh = holidays.China(years=years, language="zh_CN")
    for d in sorted(en):
        if first <= d <= last:
            names_en = en.get_list(d)
            names_zh = zh.get_list(d)
            for i, name in enumerate(names_en):
                out.setdefault(d, []).append(DayMark(d, "holiday", name,
                                                     names_zh[i] if i < len(names_zh) else name))
    for y in years:
        fests = [(dt.date(y, m, d), n, z) for (m, d), n, z in _FESTIVALS]
        fests.append((qixi(y), "Qixi (Chinese Valentine's Day)", "七夕"))
        for d, n, z in fests:
            if first <= d <= last:
                out.setdefault(d, []).append(DayMark(d, "festival", n, z))
    return {d: out[d] for d in sorted(out)}


def spring_festivals(years: range | list[int]) -> list[pd.Timestamp]:
    """Spring Festival (Lunar New Year's Day) of each year, from ``holidays.China``.

    Examples
    --------
    >>> [d.strftime("%Y-%m-%d") for d in spring_festivals([2025, 2026])]
    ['2025-01-29', '2026-02-17']
    """
    import holidays

    out = []
    for year in years:
        cal = holidays.China(years=year)
        days = [d for d, name in cal.items()
                if "Spring Festival" in name and "observed" not in name.lower()]
        out.append(pd.Timestamp(min(days)))
    return out
