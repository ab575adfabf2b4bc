"""Loading: ``io.load`` of a 1,000,000-row articles CSV against plain ``pandas.read_csv``.

Goal (issue 7): ``io.load`` within 1.5× of ``read_csv`` of the same file. The file is the
bundled sample's articles repeated to a million rows, so values look like real exports.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from benchmarks import Row, row, timed
from workbench import io

ROWS = 1_000_000


def _big_articles(path: Path) -> None:
    sample = io.sample("articles")
    reps = -(-ROWS // len(sample))
    big = pd.concat([sample] * reps, ignore_index=True).iloc[:ROWS]
    big["article_id"] = [f"A{i:07d}" for i in range(ROWS)]
    big.to_csv(path, index=False)


def run() -> list[Row]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "articles_1m.csv"
        _big_articles(path)
        plain = timed(lambda: pd.read_csv(path), repeat=5)
        ours = timed(lambda: io.load(path, kind="articles"), repeat=5)
        detect = timed(lambda: io.load(path), repeat=3)
    ratio = float(np.median(ours) / np.median(plain))
    load = row("io.load(kind='articles'), 1 M articles", ours, unit="s",
               goal_text="≤ 1.5 × read_csv", note=f"{ratio:.2f} × read_csv")
    load.ok = ratio <= 1.5
    return [
        row("pandas.read_csv, 1 M articles", plain, unit="s", note="baseline"),
        load,
        row("io.load (kind detected), 1 M articles", detect, unit="s"),
    ]
