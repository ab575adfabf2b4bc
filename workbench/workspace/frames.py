"""How a canonical frame is stored in the database: columns as NumPy arrays in one compressed
``.npz``, read back with ``allow_pickle=False`` (nothing in a stored frame can run code).

Each column keeps its dtype: numbers as they are, nullable integers as values and a mask,
dates as nanoseconds, categoricals as codes and their levels, text as codes into its distinct
values (NumPy text, or for values holding a NUL one UTF-8 string and the lengths, so any text
survives). A JSON header names the columns in order with their kinds.

Why not Parquet: pandas switches its text columns to Arrow storage as soon as pyarrow is
installed, which changed what a page's kernel does with text everywhere (and how much address
space reading a large file takes, :mod:`workbench.io.limits`). Only the workspace stores
frames, and these five kinds of column are all the canonical schemas have.

>>> df = pd.DataFrame({"n": pd.array([1, None], dtype="Int64"),
...                    "t": pd.array(["春季新品", None], dtype="string")})
>>> back = from_blob(to_blob(df), FORMAT_VERSION)
>>> back.equals(df), str(back["t"].dtype)
(True, 'string')
"""

from __future__ import annotations

import io as _stdio
import json

import numpy as np
import pandas as pd

#: the stored frames' format; a change is a new number here and a reader for the old one below
FORMAT_VERSION = 2


def _text_arrays(values: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Distinct values as a NumPy text array (fast to read back), or, when one holds a NUL
    (which NumPy's fixed-width text drops at the end), as one UTF-8 string and the lengths."""
    if not any("\x00" in v for v in values):
        return np.array(values, dtype=str) if values else np.array([], dtype="U1"), \
            np.array([-1], dtype=np.int64)
    joined = "".join(values).encode("utf-8")
    lengths = np.fromiter((len(v) for v in values), dtype=np.int64, count=len(values))
    return np.frombuffer(joined, dtype=np.uint8), lengths


def _texts(data: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """The distinct values :func:`_text_arrays` stored, as an object array."""
    if len(lengths) == 1 and lengths[0] == -1:
        return data.astype(object)
    whole = data.tobytes().decode("utf-8")
    ends = np.cumsum(lengths).tolist()
    starts = [0, *ends[:-1]]
    return np.array([whole[a:b] for a, b in zip(starts, ends)], dtype=object)


def to_blob(frame: pd.DataFrame) -> bytes:
    """``frame`` (canonical dtypes, any index) as compressed bytes."""
    arrays: dict[str, np.ndarray] = {}
    columns = []
    for i, name in enumerate(frame.columns):
        series, key = frame[name], f"c{i}"
        dtype = series.dtype
        if isinstance(dtype, pd.CategoricalDtype):
            kind = "category"
            arrays[key] = series.cat.codes.to_numpy()
            arrays[key + "_text"], arrays[key + "_len"] = _text_arrays(
                [str(c) for c in dtype.categories])
        elif isinstance(dtype, pd.Int64Dtype):
            kind = "Int64"
            arrays[key] = series.to_numpy(dtype="int64", na_value=0)
            arrays[key + "_mask"] = series.isna().to_numpy()
        elif pd.api.types.is_datetime64_dtype(dtype):
            kind = "datetime64[ns]"
            arrays[key] = series.astype("datetime64[ns]").to_numpy().view("int64")
        elif pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_bool_dtype(dtype):
            kind = str(dtype)
            arrays[key] = series.to_numpy()
        else:  # text: "string", or object holding str
            kind = "string"
            codes, uniques = pd.factorize(series, use_na_sentinel=True)
            arrays[key] = codes.astype(np.int32)
            arrays[key + "_text"], arrays[key + "_len"] = _text_arrays(
                [str(u) for u in uniques])
        columns.append({"name": str(name), "kind": kind})
    header = json.dumps({"columns": columns, "rows": len(frame)}, ensure_ascii=False)
    arrays["header"] = np.frombuffer(header.encode("utf-8"), dtype=np.uint8)
    out = _stdio.BytesIO()
    np.savez_compressed(out, **arrays)
    return out.getvalue()


def from_blob(blob: bytes, format_version: int) -> pd.DataFrame:
    """The frame :func:`to_blob` stored (a ``ValueError`` for a format this workbench does not
    read, or bytes that are not one)."""
    if format_version != FORMAT_VERSION:
        raise ValueError(f"stored frame format {format_version}; this workbench reads format "
                         f"{FORMAT_VERSION}")
    with np.load(_stdio.BytesIO(blob), allow_pickle=False) as stored:
        header = json.loads(stored["header"].tobytes().decode("utf-8"))
        rows = int(header["rows"])
        data: dict[str, object] = {}
        for i, column in enumerate(header["columns"]):
            key, kind = f"c{i}", column["kind"]
            values = stored[key]
            if kind == "category":
                levels = _texts(stored[key + "_text"], stored[key + "_len"]).tolist()
                data[column["name"]] = pd.Categorical.from_codes(values, categories=levels)
            elif kind == "Int64":
                data[column["name"]] = pd.arrays.IntegerArray(values, stored[key + "_mask"])
            elif kind == "datetime64[ns]":
                data[column["name"]] = values.view("datetime64[ns]")
            elif kind == "string":
                uniques = np.append(_texts(stored[key + "_text"], stored[key + "_len"]), None)
                data[column["name"]] = pd.array(uniques[values], dtype="string")
            else:
                data[column["name"]] = values.astype(kind, copy=False)
    return pd.DataFrame(data, index=pd.RangeIndex(rows), copy=False)
