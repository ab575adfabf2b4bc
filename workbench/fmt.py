"""Numbers for people, in one place: counts, money, percentages, percentage points, multiples.

Every figure a page, a chart or a report shows goes through here, so the same number reads the
same everywhere. Chinese writes big counts in 万 (10⁴) and 亿 (10⁸): from 100,000 up a count
reads ``128.97万``, from 100,000,000 up ``1.29亿``; English keeps ``1,289,734``. A missing or
infinite value shows as an en dash (``–``); a negative one gets a true minus sign (``−``), the
one the pages' typeface draws as wide as a plus. A difference of two rates is in percentage
points, never in percent of a percent.

>>> count(1289734, "zh"), count(1289734)
('128.97万', '1,289,734')
>>> pct(0.1234), pct(-0.05, 0), pp(-0.0023), pp(0.015, lang="zh")
('12.3%', '−5%', '−0.23 pp', '+1.50 个百分点')
>>> money(1234.6), money(-12.345), times(2.43), signed(-1.25)
('¥1,235', '−¥12.35', '×2.4', '−1.2')
"""

from __future__ import annotations

import math
from typing import Any

__all__ = ["DASH", "MINUS", "count", "is_number", "money", "number", "pct", "pp", "signed",
           "times"]

#: What a missing value shows as.
DASH = "–"
#: The minus sign (U+2212), not a hyphen.
MINUS = "−"


def is_number(x: Any) -> bool:
    """Whether ``x`` is a finite number (``None``, NaN, ±inf, text and ``pd.NA`` are not)."""
    try:
        return x is not None and not isinstance(x, bool) and math.isfinite(float(x))
    except (TypeError, ValueError):
        return False


def _zh(lang: str) -> bool:
    return str(lang).lower().startswith("zh")


def _minus(x: float, text: str) -> str:
    """``text`` (an absolute value) with a minus when ``x`` is below zero and ``text`` is not
    all zeros (``-0.001`` at one decimal is ``0.0``, not ``−0.0``)."""
    if x < 0 and any(ch in "123456789" for ch in text):
        return MINUS + text
    return text


def count(n: Any, lang: str = "en") -> str:
    """A head count or a number of reads, whole.

    >>> count(12345), count(123456, "zh"), count(2.5e8, "zh"), count(-1500, "zh")
    ('12,345', '12.35万', '2.50亿', '−1,500')
    >>> count(1e12, "zh")
    '1.00万亿'
    """
    if not is_number(n):
        return DASH
    n = round(float(n))
    size = abs(n)
    if _zh(lang) and size >= 1_000_000_000_000:
        text = f"{size / 1_000_000_000_000:,.2f}万亿"
    elif _zh(lang) and size >= 100_000_000:
        text = f"{size / 100_000_000:,.2f}亿"
    elif _zh(lang) and size >= 100_000:
        text = f"{size / 10_000:,.2f}万"
    else:
        text = f"{size:,}"
    return _minus(n, text)


def number(x: Any) -> str:
    """A measured mean with as many digits as it deserves.

    >>> number(3.14159), number(1234.5), number(0.042)
    ('3.1', '1,234', '0.04')
    """
    if not is_number(x):
        return DASH
    x = float(x)
    size = abs(x)
    text = f"{size:,.0f}" if size >= 100 else f"{size:.1f}" if size >= 1 else f"{size:.2f}"
    return _minus(x, text)


def money(x: Any, lang: str = "en") -> str:
    """An amount in yuan: whole from ¥100 up, in fen below; in Chinese in 万 from ¥100,000 up.

    >>> money(8.9), money(401576), money(401576, "zh")
    ('¥8.90', '¥401,576', '¥40.16万')
    """
    if not is_number(x):
        return DASH
    x = float(x)
    size = abs(x)
    if _zh(lang) and size >= 100_000:
        text = "¥" + count(size, "zh")
    else:
        text = f"¥{size:,.0f}" if size >= 100 else f"¥{size:,.2f}"
    return _minus(x, text)


def pct(share: Any, digits: int = 1) -> str:
    """A share as a percentage; a tiny but positive one as ``<0.1%`` (a tiny negative change
    rounds to ``0.0%``).

    >>> pct(0.1234), pct(0.0004), pct(1.5, 0)
    ('12.3%', '<0.1%', '150%')
    """
    if not is_number(share):
        return DASH
    share = float(share)
    smallest = 10.0 ** (-digits)
    if 0 < share * 100 < 0.5 * smallest:  # a share there is some of, not none
        return f"<{smallest:.{digits}f}%"
    return _minus(share, f"{abs(share) * 100:.{digits}f}%")


def pp(difference: Any, digits: int = 2, *, lang: str = "en") -> str:
    """The difference of two rates (fractions), signed, in percentage points.

    >>> pp(0.0123), pp(-0.0023), pp(0.0)
    ('+1.23 pp', '−0.23 pp', '0.00 pp')
    """
    if not is_number(difference):
        return DASH
    difference = float(difference)
    text = f"{abs(difference) * 100:.{digits}f}"
    unit = " 个百分点" if _zh(lang) else " pp"
    if not any(ch in "123456789" for ch in text):
        return text + unit
    return ("+" if difference > 0 else MINUS) + text + unit


def times(lift: Any) -> str:
    """A lift as a multiple.

    >>> times(2.43), times(0.5), times(12.6)
    ('×2.4', '×0.50', '×13')
    """
    if not is_number(lift):
        return DASH
    lift = float(lift)
    if lift >= 10:
        return f"×{lift:.0f}"
    if lift >= 1:
        return f"×{lift:.1f}"
    return f"×{lift:.2f}"


def signed(z: Any, digits: int = 1) -> str:
    """A signed score (a z-score, a change): ``+0.8``, ``−1.2``, and ``0.0`` without a sign.

    >>> signed(0.84), signed(-1.25), signed(0.01)
    ('+0.8', '−1.2', '0.0')
    """
    if not is_number(z):
        return DASH
    z = float(z)
    text = f"{abs(z):.{digits}f}"
    if not any(ch in "123456789" for ch in text):
        return text
    return ("+" if z > 0 else MINUS) + text


#: the time zone moments are shown in: the teams work on Beijing time
TIMEZONE = "Asia/Shanghai"


def when(moment: Any) -> str:
    """A moment (a timezone-aware datetime, UTC as the store keeps them) as the team reads it:
    ``2026-12-07 14:32``, Beijing time; ``–`` for none.

    >>> import datetime as dt
    >>> when(dt.datetime(2026, 12, 7, 6, 32, tzinfo=dt.timezone.utc))
    '2026-12-07 14:32'
    """
    if moment is None:
        return "–"
    import pandas as pd

    stamp = pd.Timestamp(moment)
    if stamp.tzinfo is None:
        stamp = stamp.tz_localize("UTC")
    return stamp.tz_convert(TIMEZONE).strftime("%Y-%m-%d %H:%M")
