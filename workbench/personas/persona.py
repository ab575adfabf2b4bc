"""What a persona is: :class:`Persona` (size, traits, platforms, hours, name) and the
:class:`Trait` / :class:`NumericTrait` that set it apart.

Made by :func:`workbench.personas.segment` (profiling: :mod:`.profile`, names: :mod:`.naming`).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from .. import i18n


@dataclass(frozen=True)
class Trait:
    """A categorical level that sets a segment apart.

    Attributes
    ----------
    attribute : canonical column, e.g. ``"city_tier"``, ``"interests"``, ``"platform"``.
    level : level code, e.g. ``"tier1"``.
    count : people in the segment with this level.
    share_in_segment : ``count / segment size``.
    share_overall : share of everyone profiled with this level.
    lift : ``share_in_segment / share_overall`` (0 when nobody has the level).

    Examples
    --------
    >>> t = Trait("gender", "female", 9, 0.9, 0.5, 1.8)
    >>> f"{t.lift:.1f}x"
    '1.8x'
    """

    attribute: str
    level: str
    count: int
    share_in_segment: float
    share_overall: float
    lift: float

    def label(self, lang: str = "en") -> str:
        """Display name of the level (``"Tier 1"`` / ``"一线"``)."""
        return i18n.level(self.attribute, self.level, lang)


@dataclass(frozen=True)
class NumericTrait:
    """How a segment differs on a number.

    Attributes
    ----------
    attribute : canonical column, e.g. ``"reads_30d"``, ``"spend_90d"``.
    mean_in_segment, mean_overall : means (missing values left out).
    z : ``(mean_in_segment - mean_overall) / std_overall`` (population std; 0 if constant).

    Examples
    --------
    >>> NumericTrait("reads_30d", 12.0, 8.0, 0.5).z
    0.5
    """

    attribute: str
    mean_in_segment: float
    mean_overall: float
    z: float


@dataclass
class Persona:
    """A named segment: who, how many, what sets them apart, where and when they are online.

    Attributes
    ----------
    id : 0..k-1, ordered by size descending (in :meth:`Segmentation.profile` the ids of the
        full segmentation are kept).
    size, share : people in the persona and their share of everyone profiled.
    traits : every level of every categorical/multi attribute used, sorted by lift descending.
    numeric : z-scores of the behaviour columns.
    platforms : ``(platform code, share of the persona)``, descending.
    active_hours : 24 shares (hour 0..23) summing to 1; empty when there is no hour data.
    interests : ``(interest code, share of the persona with it)``, descending.
    name, description : ``{"en": ..., "zh": ...}``.

    Examples
    --------
    >>> p = Persona(0, 10, 1.0, [], [], [], [], [], {"en": "A", "zh": "甲"}, {"en": "", "zh": ""})
    >>> p.renamed(name_zh="学生党").name
    {'en': 'A', 'zh': '学生党'}
    """

    id: int
    size: int
    share: float
    traits: list[Trait]
    numeric: list[NumericTrait]
    platforms: list[tuple[str, float]]
    active_hours: list[float]
    interests: list[tuple[str, float]]
    name: dict[str, str]
    description: dict[str, str]

    def top_traits(self, n: int = 5, min_count: int = 30) -> list[Trait]:
        """The ``n`` traits with the highest lift among levels held by ``min_count`` people or more.

        Examples
        --------
        >>> a = Trait("gender", "male", 5, 0.5, 0.2, 2.5)
        >>> b = Trait("gender", "female", 40, 0.5, 0.8, 0.6)
        >>> p = Persona(0, 80, 1.0, [a, b], [], [], [], [], {}, {})
        >>> [t.level for t in p.top_traits(min_count=30)]
        ['female']
        """
        return [t for t in self.traits if t.count >= min_count][:n]

    def peak_hours(self, width: int = 2) -> tuple[int, float] | None:
        """The busiest ``width``-hour window: its first hour and the share of activity in it
        (``None`` without hour data). Windows wrap past midnight.

        Examples
        --------
        >>> hours = [0.0] * 24; hours[7] = 0.4; hours[21] = 0.3; hours[22] = 0.3
        >>> Persona(0, 1, 1.0, [], [], [], hours, [], {}, {}).peak_hours()
        (21, 0.6)
        """
        hours = np.asarray(self.active_hours, dtype=float)
        if hours.size != 24 or not hours.sum() > 0:
            return None
        window = sum(np.roll(hours, -i) for i in range(width))
        start = int(np.argmax(window))
        return start, float(window[start])

    def renamed(self, name_en: str | None = None, name_zh: str | None = None) -> "Persona":
        """A copy with a new English and/or Chinese name (the other one kept)."""
        name = dict(self.name)
        if name_en is not None:
            name["en"] = name_en
        if name_zh is not None:
            name["zh"] = name_zh
        return dataclasses.replace(self, name=name)
