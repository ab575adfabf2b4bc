"""What a planner estimates: :class:`Range` (a three-point estimate, ``low, likely, high``)
and :class:`ActivityEstimate` (an activity's type, every input as a Range, correlations, notes),
checked on construction and saved as JSON payloads.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import KW_ONLY, dataclass, field
from typing import Any, Iterable, Mapping

import numpy as np
import pandas as pd
from scipy import special

from .. import i18n, schemas
from ..errors import InputError
from .model import _SOURCES, _SPEC, INPUT_KEYS, _names, _number, _triple

ACTIVITY_TYPES: tuple[str, ...] = schemas.ACTIVITY_TYPES
PAYLOAD_VERSION = 1


# --------------------------------------------------------------------------------------------
# Range: a three-point estimate
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Range:
    """A three-point estimate: PERT-distributed between ``low`` and ``high``, peaked at ``likely``.

    ``low == high`` (hence ``== likely``) is a fixed value. Construction checks that the three
    are numbers with ``low ≤ likely ≤ high``; the bounds of a particular input (a rate in [0, 1],
    a cost ≥ 0) are checked by :class:`ActivityEstimate`, which knows the input's name.

    Examples
    --------
    >>> r = Range(0.02, 0.05, 0.11)
    >>> round(r.mean, 4)                     # (low + 4 likely + high) / 6
    0.055
    >>> Range.fixed(3).is_fixed, Range.of((1, 2, 4)).high
    (True, 4.0)
    """

    low: float
    likely: float
    high: float

    def __post_init__(self) -> None:
        lo, mid, hi = _triple(None, self.low, self.likely, self.high)
        object.__setattr__(self, "low", lo)
        object.__setattr__(self, "likely", mid)
        object.__setattr__(self, "high", hi)

    @classmethod
    def fixed(cls, value: float) -> "Range":
        """A value known exactly (``low = likely = high``)."""
        return cls(value, value, value)

    @classmethod
    def of(cls, value: Any, key: str | None = None) -> "Range":
        """A :class:`Range` from a Range, a number, ``(low, likely, high)`` or a dict with those
        keys; errors name ``key`` when given (and check its bounds)."""
        if isinstance(value, Range):
            triple: tuple[Any, Any, Any] = (value.low, value.likely, value.high)
        elif isinstance(value, Mapping):
            try:
                triple = (value["low"], value["likely"], value["high"])
            except KeyError:
                triple = _bad_shape(key, value)
        elif isinstance(value, (list, tuple)) or (isinstance(value, np.ndarray)
                                                  and value.ndim == 1):
            items = list(value)
            triple = (items[0], items[1], items[2]) if len(items) == 3 else _bad_shape(key, value)
        else:
            triple = (value, value, value)
        return cls(*_triple(key, *triple))

    @property
    def is_fixed(self) -> bool:
        return self.low == self.high

    @property
    def mean(self) -> float:
        """``(low + 4 likely + high) / 6``."""
        return (self.low + 4.0 * self.likely + self.high) / 6.0

    @property
    def shape(self) -> tuple[float, float]:
        """The Beta parameters ``(α, β)`` of the PERT distribution (``(1, 1)`` when fixed)."""
        width = self.high - self.low
        if width == 0:
            return 1.0, 1.0
        return (1.0 + 4.0 * (self.likely - self.low) / width,
                1.0 + 4.0 * (self.high - self.likely) / width)

    @property
    def std(self) -> float:
        """Standard deviation of the PERT distribution."""
        a, b = self.shape
        width = self.high - self.low
        return width * math.sqrt(a * b / ((a + b) ** 2 * (a + b + 1)))

    def ppf(self, u: Any) -> Any:
        """The exact quantile function (``scipy.special.betaincinv``) at probabilities ``u``."""
        if self.is_fixed:
            return np.full_like(np.asarray(u, dtype=float), self.low)
        a, b = self.shape
        return self.low + (self.high - self.low) * special.betaincinv(a, b, u)

    def to_list(self) -> list[float]:
        return [self.low, self.likely, self.high]


def _bad_shape(key: str | None, value: Any) -> Any:
    en, zh = _names(key)
    raise InputError(f"{en}: expected a number or three numbers (low, likely, high), "
                     f"got {value!r}.",
                     f"{zh}：应为一个数字或三个数字（最低、最可能、最高），现在是 {value!r}。",
                     fix="Give one number for a known value, or low, likely and high.",
                     fix_zh="已知值填一个数字，不确定的值填最低、最可能、最高三个数字。")



# --------------------------------------------------------------------------------------------
# The estimate
# --------------------------------------------------------------------------------------------
def _zero() -> Range:
    return Range(0.0, 0.0, 0.0)


def _one() -> Range:
    return Range(1.0, 1.0, 1.0)


@dataclass(frozen=True)
class ActivityEstimate:
    """A planned activity: its type, every uncertain input as a :class:`Range`, and notes.

    Inputs may be given as a :class:`Range`, a number (fixed) or ``(low, likely, high)``; they
    are checked on construction, and a bad one raises :class:`~workbench.errors.InputError`
    naming it in English and Chinese. Unset inputs are 0, except ``margin`` and ``retention``
    (1). See the module docstring for the model and :data:`INPUTS` for keys, labels and units.

    Attributes
    ----------
    activity_type : one of :data:`ACTIVITY_TYPES`.
    reach, participation_rate, ... : the inputs (:data:`INPUT_KEYS`).
    name : the planner's name for the activity.
    correlation : ``{(key_a, key_b): rho}``, used by :func:`simulate` unless it is given one.
    note : ``{"en": ..., "zh": ...}`` where the numbers came from.
    sources : ``{key: "template" | "history" | "calibrated" | "user"}``.

    Examples
    --------
    >>> est = ActivityEstimate("vote", reach=(20_000, 30_000, 50_000),
    ...                        participation_rate=(0.05, 0.08, 0.12), staff_hours=20,
    ...                        staff_rate=100)
    >>> est.uncertain()
    ['reach', 'participation_rate']
    >>> est.replace(staff_hours=(15, 20, 30)).staff_hours.high
    30.0
    """

    activity_type: str
    _: KW_ONLY
    reach: Range = field(default_factory=_zero)
    participation_rate: Range = field(default_factory=_zero)
    conversion_rate: Range = field(default_factory=_zero)
    value_per_conversion: Range = field(default_factory=_zero)
    margin: Range = field(default_factory=_one)
    follow_rate: Range = field(default_factory=_zero)
    follower_value: Range = field(default_factory=_zero)
    retention: Range = field(default_factory=_one)
    cost_prizes: Range = field(default_factory=_zero)
    cost_venue: Range = field(default_factory=_zero)
    cost_materials: Range = field(default_factory=_zero)
    cost_kol: Range = field(default_factory=_zero)
    staff_hours: Range = field(default_factory=_zero)
    staff_rate: Range = field(default_factory=_zero)
    cost_per_participant: Range = field(default_factory=_zero)
    coupon_face_value: Range = field(default_factory=_zero)
    coupon_redemption: Range = field(default_factory=_zero)
    ad_impressions: Range = field(default_factory=_zero)
    cpm: Range = field(default_factory=_zero)
    ad_clicks: Range = field(default_factory=_zero)
    cpc: Range = field(default_factory=_zero)
    name: str = ""
    correlation: Mapping[tuple[str, str], float] = field(default_factory=dict)
    note: Mapping[str, str] = field(default_factory=dict)
    sources: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        kind = self.activity_type
        if not isinstance(kind, str) or kind not in ACTIVITY_TYPES:
            raise InputError(
                f"Activity type (activity_type) {kind!r} is not one the workbench knows.",
                f"活动类型（activity_type）{kind!r} 无法识别。",
                fix=f"Use one of: {', '.join(ACTIVITY_TYPES)}.",
                fix_zh=f"请使用以下之一：{'、'.join(ACTIVITY_TYPES)}。")
        for key in INPUT_KEYS:
            object.__setattr__(self, key, Range.of(getattr(self, key), key))
        object.__setattr__(self, "name", "" if self.name is None else str(self.name))
        object.__setattr__(self, "correlation", _pairs(self.correlation))
        note = dict(self.note or {})
        object.__setattr__(self, "note", {"en": str(note.get("en", "")),
                                          "zh": str(note.get("zh", ""))})
        sources = dict(self.sources or {})
        for key, src in sources.items():
            if key not in _SPEC or src not in _SOURCES:
                raise InputError(f"Unknown input source {key!r}: {src!r}.",
                                 f"无法识别的输入来源 {key!r}：{src!r}。",
                                 fix=f"Sources are one of {', '.join(_SOURCES)} per input key.",
                                 fix_zh=f"来源应为 {'、'.join(_SOURCES)} 之一。")
        object.__setattr__(self, "sources", sources)

    # ---------------------------------------------------------------- access
    def inputs(self) -> dict[str, Range]:
        """``{key: Range}`` for every input, in :data:`INPUT_KEYS` order."""
        return {key: getattr(self, key) for key in INPUT_KEYS}

    def uncertain(self) -> list[str]:
        """Keys of the inputs with ``low < high`` (the ones drawn at random)."""
        return [key for key in INPUT_KEYS if not getattr(self, key).is_fixed]

    def likely(self) -> dict[str, float]:
        """``{key: likely value}``."""
        return {key: getattr(self, key).likely for key in INPUT_KEYS}

    def replace(self, **changes: Any) -> "ActivityEstimate":
        """A checked copy with some inputs (or ``name``, ``correlation``, ...) changed; changed
        inputs are marked ``"user"`` in :attr:`sources` unless ``sources`` is given."""
        unknown = [k for k in changes if k not in {f.name for f in dataclasses.fields(self)}
                   or k == "_"]
        if unknown:
            raise InputError(f"Unknown input {unknown[0]!r}.",
                             f"无法识别的输入 {unknown[0]!r}。",
                             fix=f"Inputs are: {', '.join(INPUT_KEYS)}.",
                             fix_zh=f"可用的输入：{'、'.join(INPUT_KEYS)}。")
        if "sources" not in changes:
            sources = dict(self.sources)
            sources.update({k: "user" for k in changes if k in _SPEC})
            changes["sources"] = sources
        return dataclasses.replace(self, **changes)

    def label(self, lang: str = "en") -> str:
        """The activity type's name in ``lang`` (``"Lottery"`` / ``"抽奖"``)."""
        return i18n.level("activity_type", self.activity_type, lang)

    # ---------------------------------------------------------------- payload
    def to_payload(self) -> dict[str, Any]:
        """A JSON-ready dict (str keys, numbers, lists) for the scenario store.

        Examples
        --------
        >>> est = template("kol")
        >>> ActivityEstimate.from_payload(est.to_payload()) == est
        True
        """
        return {
            "kind": "activity_estimate",
            "version": PAYLOAD_VERSION,
            "activity_type": self.activity_type,
            "name": self.name,
            "inputs": {key: getattr(self, key).to_list() for key in INPUT_KEYS},
            "correlation": [[a, b, float(rho)] for (a, b), rho in self.correlation.items()],
            "note": dict(self.note),
            "sources": dict(self.sources),
        }

    @classmethod
    def from_payload(cls, payload: Mapping[str, Any]) -> "ActivityEstimate":
        """The estimate a :meth:`to_payload` dict describes (checked like any other)."""
        if not isinstance(payload, Mapping) or "activity_type" not in payload:
            raise InputError("This saved scenario is not an activity estimate.",
                             "该保存的方案不是活动估算。",
                             fix="Load a scenario saved from the Activity ROI page.",
                             fix_zh="请加载从“活动ROI”页面保存的方案。")
        version = payload.get("version", PAYLOAD_VERSION)
        if version != PAYLOAD_VERSION:
            raise InputError(f"Activity estimate format version {version!r} is not supported.",
                             f"不支持版本 {version!r} 的活动估算格式。",
                             fix="Update the workbench.", fix_zh="请升级工作台。")
        inputs = dict(payload.get("inputs") or {})
        unknown = [k for k in inputs if k not in _SPEC]
        if unknown:
            raise InputError(f"Unknown input {unknown[0]!r} in the saved estimate.",
                             f"保存的估算中有无法识别的输入 {unknown[0]!r}。",
                             fix=f"Inputs are: {', '.join(INPUT_KEYS)}.",
                             fix_zh=f"可用的输入：{'、'.join(INPUT_KEYS)}。")
        corr = {}
        for item in payload.get("correlation") or []:
            if not isinstance(item, (list, tuple)) or len(item) != 3:
                raise InputError(f"A correlation must be [input, input, rho]; got {item!r}.",
                                 f"相关系数应为 [输入, 输入, rho]；现在是 {item!r}。")
            corr[(item[0], item[1])] = item[2]
        return cls(str(payload["activity_type"]), **inputs, name=payload.get("name", ""),
                   correlation=corr, note=payload.get("note") or {},
                   sources=payload.get("sources") or {})


def _pairs(correlation: Any) -> dict[tuple[str, str], float]:
    """``correlation`` (dict of pairs, labelled DataFrame, or a square array in
    :data:`INPUT_KEYS` order) as ``{(a, b): rho}`` with ``a`` before ``b`` in key order, each
    pair checked: known inputs, not an input with itself, ``rho`` in [-1, 1], given once."""
    if correlation is None:
        return {}
    out: dict[tuple[str, str], float] = {}
    order = {k: i for i, k in enumerate(INPUT_KEYS)}
    for a, b, rho in _correlation_items(correlation):
        for key in (a, b):
            if key not in order:
                raise InputError(f"Correlation names an unknown input {key!r}.",
                                 f"相关系数中有无法识别的输入 {key!r}。",
                                 fix=f"Inputs are: {', '.join(INPUT_KEYS)}.",
                                 fix_zh=f"可用的输入：{'、'.join(INPUT_KEYS)}。")
        (ea, za), (eb, zb) = _names(a), _names(b)
        if a == b:
            raise InputError(f"An input cannot be correlated with itself ({ea}).",
                             f"输入不能与自身相关（{za}）。")
        r = _number(None, "correlation", "相关系数", rho)
        if not -1.0 <= r <= 1.0:
            raise InputError(f"The correlation of {ea} and {eb} must lie in [-1, 1]; got {r:g}.",
                             f"{za} 与 {zb} 的相关系数必须在 [-1, 1] 之间；现在是 {r:g}。",
                             fix="Use e.g. 0.5 for a moderate positive link.",
                             fix_zh="例如中等正相关可填 0.5。")
        pair = (a, b) if order[a] < order[b] else (b, a)
        if pair in out and out[pair] != r:
            raise InputError(f"The correlation of {ea} and {eb} is given twice "
                             f"({out[pair]:g} and {r:g}).",
                             f"{za} 与 {zb} 的相关系数给了两次（{out[pair]:g} 和 {r:g}）。",
                             fix="Keep one value.", fix_zh="请只保留一个值。")
        out[pair] = r
    return out


def _correlation_items(correlation: Any) -> Iterable[tuple[Any, Any, Any]]:
    """``(input, input, rho)`` of a dict of pairs, a labelled DataFrame or a square array in
    :data:`INPUT_KEYS` order (the array's zeros left out)."""
    items: Iterable[tuple[Any, Any, Any]]
    if isinstance(correlation, pd.DataFrame):
        keys_r, keys_c = list(correlation.index), list(correlation.columns)
        values = correlation.to_numpy(dtype=float)
        items = [(keys_r[i], keys_c[j], values[i, j]) for i in range(len(keys_r))
                 for j in range(len(keys_c)) if keys_r[i] != keys_c[j]]
    elif isinstance(correlation, np.ndarray):
        k = len(INPUT_KEYS)
        if correlation.shape != (k, k):
            raise InputError(
                f"A correlation matrix must be {k} × {k} (one row and column per input, in "
                f"the order of roi.INPUT_KEYS); got {correlation.shape}.",
                f"相关矩阵应为 {k} × {k}（每个输入一行一列，按 roi.INPUT_KEYS 的顺序）；"
                f"现在是 {correlation.shape}。",
                fix="Give {(input_a, input_b): rho} instead.",
                fix_zh="也可以用 {(输入a, 输入b): rho} 的形式。")
        items = [(INPUT_KEYS[i], INPUT_KEYS[j], correlation[i, j]) for i in range(k)
                 for j in range(k) if i != j and correlation[i, j] != 0]
    elif isinstance(correlation, Mapping):
        items = []
        for pair, rho in correlation.items():
            if not isinstance(pair, (tuple, list)) or len(pair) != 2:
                raise InputError(f"Correlation keys are pairs of inputs; got {pair!r}.",
                                 f"相关系数的键应为一对输入；现在是 {pair!r}。",
                                 fix="Write {('reach', 'participation_rate'): 0.5}.",
                                 fix_zh="例如 {('reach', 'participation_rate'): 0.5}。")
            items.append((pair[0], pair[1], rho))
    else:
        raise InputError(f"Correlation must be a dict of pairs or a matrix; got "
                         f"{type(correlation).__name__}.",
                         f"相关系数应为“输入对 → 系数”的字典或矩阵；现在是 "
                         f"{type(correlation).__name__}。")
    return items
