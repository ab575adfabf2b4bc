"""Payloads: what a scenario is saved as, and how an older one is read.

Payloads are stored as JSON text: never pickled, never evaluated. Besides JSON's own types
(``dict`` with ``str`` keys, ``list``/``tuple``, ``str``, ``int``, ``float``, ``bool``,
``None``) the encoder accepts numpy scalars and arrays (saved as numbers and lists),
``datetime.date`` and ``datetime.datetime`` (saved as tagged ISO strings and given back as
``date``/``datetime`` objects). Anything else (a DataFrame, a set, a custom object) raises a
``TypeError`` that says where in the payload it was found and how to convert it. ``NaN`` and
infinities are written the way Python's :mod:`json` writes them (``NaN``, ``Infinity``) so that
they round-trip.

Every record carries the ``schema_version`` its payload was written with
(:data:`PAYLOAD_SCHEMA_VERSION` at the time). On load, payloads from an older schema pass through
:func:`_migrate`, which applies the steps registered in ``_MIGRATIONS`` one version at a time.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from .errors import StoreError

__all__ = ["PAYLOAD_SCHEMA_VERSION", "decode_payload", "encode_payload"]


PAYLOAD_SCHEMA_VERSION = 1
"""Version of the payload layout written by this code; stored with every record."""


# --------------------------------------------------------------------------------------------
# Payload encoding
# --------------------------------------------------------------------------------------------

# Tagged values: a one-key dict whose key is one of these. A user dict that happens to look like
# a tag is wrapped in {"$literal": ...} on save, so decoding is unambiguous.
_TAG_DATE = "$date"
_TAG_DATETIME = "$datetime"
_TAG_LITERAL = "$literal"
_TAGS = frozenset({_TAG_DATE, _TAG_DATETIME, _TAG_LITERAL})

_CONVERT_HINTS = {
    "DataFrame": "convert it first, e.g. df.to_dict(orient='records')",
    "Series": "convert it first, e.g. series.to_dict() or series.tolist()",
    "set": "convert it to a sorted list first",
    "frozenset": "convert it to a sorted list first",
    "Decimal": "convert it to float or str first",
    "bytes": "decode it to str first",
}


def _path_text(path: str) -> str:
    return f"payload{path}"


def _to_jsonable(obj: Any, path: str = "") -> Any:
    """Return ``obj`` as plain JSON types, tagging dates; raise TypeError on anything else."""
    # bool is an int subclass and np.bool_ is not: check numpy first, then plain types.
    if obj is None or isinstance(obj, (bool, str)):
        return str(obj) if isinstance(obj, np.str_) else obj
    if isinstance(obj, int):
        return int(obj)
    if isinstance(obj, float):
        return float(obj)
    if isinstance(obj, np.generic):
        return _numpy_scalar(obj, path)
    if isinstance(obj, dt.datetime):  # before date: datetime is a date subclass
        return {_TAG_DATETIME: obj.isoformat()}
    if isinstance(obj, dt.date):
        return {_TAG_DATE: obj.isoformat()}
    if isinstance(obj, Mapping):
        out: dict[str, Any] = {}
        for key, value in obj.items():
            if not isinstance(key, str):
                raise TypeError(
                    f"{_path_text(path)} has a key {key!r} of type {type(key).__name__}: "
                    "payload dict keys must be str (JSON would silently turn them into strings)"
                )
            out[str(key)] = _to_jsonable(value, f"{path}[{key!r}]")
        if len(out) == 1 and next(iter(out)) in _TAGS:
            return {_TAG_LITERAL: out}
        return out
    if isinstance(obj, (list, tuple)):
        return [_to_jsonable(v, f"{path}[{i}]") for i, v in enumerate(obj)]
    if isinstance(obj, np.ndarray):
        return _numpy_array(obj, path)
    kind = type(obj).__name__
    hint = _CONVERT_HINTS.get(kind, "convert it to dicts, lists, str, numbers or dates first")
    raise TypeError(
        f"{_path_text(path)} is a {type(obj).__module__}.{kind}, which the scenario store "
        f"cannot save as JSON: {hint}"
    )


def _numpy_scalar(obj: np.generic, path: str) -> Any:
    if isinstance(obj, np.bool_):
        return bool(obj)
    if isinstance(obj, np.integer):
        return int(obj)
    if isinstance(obj, np.floating):
        return float(obj)
    if isinstance(obj, np.str_):
        return str(obj)
    if isinstance(obj, np.datetime64):
        if np.isnat(obj):
            return None
        unit = np.datetime_data(obj.dtype)[0]
        if unit in ("Y", "M", "W", "D"):
            return {_TAG_DATE: obj.astype("datetime64[D]").item().isoformat()}
        return {_TAG_DATETIME: obj.astype("datetime64[us]").item().isoformat()}
    raise TypeError(
        f"{_path_text(path)} is a numpy {obj.dtype} value, which the scenario store cannot save "
        "as JSON: convert it to int, float, bool, str or a date first"
    )


def _numpy_array(arr: np.ndarray, path: str) -> Any:
    if arr.ndim == 0:
        return _to_jsonable(arr[()], path)
    return [_numpy_array(sub, f"{path}[{i}]") if arr.ndim > 1
            else _to_jsonable(sub, f"{path}[{i}]")
            for i, sub in enumerate(arr)]


def _from_jsonable(obj: Any) -> Any:
    """Inverse of :func:`_to_jsonable`: turn tags back into dates, unwrap literals."""
    if isinstance(obj, list):
        return [_from_jsonable(v) for v in obj]
    if isinstance(obj, dict):
        if len(obj) == 1:
            (key, value), = obj.items()
            if key == _TAG_DATE and isinstance(value, str):
                return dt.date.fromisoformat(value)
            if key == _TAG_DATETIME and isinstance(value, str):
                return dt.datetime.fromisoformat(value)
            if key == _TAG_LITERAL and isinstance(value, dict):
                return {k: _from_jsonable(v) for k, v in value.items()}
        return {k: _from_jsonable(v) for k, v in obj.items()}
    return obj


def encode_payload(payload: Any) -> str:
    """Serialise a payload to the JSON text the store saves.

    Parameters
    ----------
    payload : Any
        Dicts with ``str`` keys, lists/tuples, str, int, float, bool, None, numpy scalars and
        arrays, ``datetime.date`` and ``datetime.datetime``, nested freely.

    Returns
    -------
    str
        JSON text (UTF-8 characters kept as they are, keys in the given order).

    Raises
    ------
    TypeError
        If something else is found; the message says where (``payload['plan'][3]``) and how to
        convert it.

    Examples
    --------
    >>> import datetime, numpy as np
    >>> encode_payload({"start": datetime.date(2025, 3, 1), "reach": np.int64(1200)})
    '{"start": {"$date": "2025-03-01"}, "reach": 1200}'
    >>> decode_payload(_)
    {'start': datetime.date(2025, 3, 1), 'reach': 1200}
    """
    return json.dumps(_to_jsonable(payload), ensure_ascii=False, allow_nan=True)


def decode_payload(text: str) -> Any:
    """Parse JSON text written by :func:`encode_payload` (dates come back as date objects).

    Examples
    --------
    >>> decode_payload('{"when": {"$datetime": "2025-03-01T08:00:00+00:00"}}')
    {'when': datetime.datetime(2025, 3, 1, 8, 0, tzinfo=datetime.timezone.utc)}
    """
    return _from_jsonable(json.loads(text))


# --------------------------------------------------------------------------------------------
# Schema migrations of payloads
# --------------------------------------------------------------------------------------------

_MIGRATIONS: dict[int, Callable[[str, Any], Any]] = {}
"""``{from_version: step(kind, payload) -> payload at from_version + 1}``.

Register a step here whenever :data:`PAYLOAD_SCHEMA_VERSION` is raised. Versions without a
registered step are carried over unchanged (the layout did not change for that kind).
"""


def _migrate(payload: Any, from_version: int, kind: str = "") -> Any:
    """Bring a payload written with ``from_version`` up to :data:`PAYLOAD_SCHEMA_VERSION`.

    Steps from ``_MIGRATIONS`` are applied one version at a time; a missing step is the
    identity. Nothing is written back: the stored record keeps its original payload.

    Parameters
    ----------
    payload : Any
        The decoded payload as stored.
    from_version : int
        The ``schema_version`` stored with the record.
    kind : str, optional
        The scenario kind, so a step can treat kinds differently.

    Returns
    -------
    Any
        The payload in the current layout.

    Raises
    ------
    StoreError
        If the record was written by a newer workbench than this one.

    Examples
    --------
    >>> _migrate({"a": 1}, PAYLOAD_SCHEMA_VERSION)
    {'a': 1}
    """
    if from_version > PAYLOAD_SCHEMA_VERSION:
        raise StoreError(
            f"this scenario was saved with payload schema version {from_version}, but this "
            f"workbench only understands versions up to {PAYLOAD_SCHEMA_VERSION}: upgrade the "
            "workbench package to open it",
            f"这个方案是用数据格式版本 {from_version} 保存的，而当前工作台最多只能读取版本 "
            f"{PAYLOAD_SCHEMA_VERSION}：请升级 workbench 软件包后再打开。",
        )
    for version in range(from_version, PAYLOAD_SCHEMA_VERSION):
        step = _MIGRATIONS.get(version)
        if step is not None:
            payload = step(kind, payload)
    return payload
