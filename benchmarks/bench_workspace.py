"""The workspace (issue 21): reading a history and adding a week to it.

Goals: ``Workspace.frame("followers")`` of 1,000,000 followers ≤ 1 s, read by a new kernel
(nothing cached: the stored frame is read from the database and decoded); adding a week's
用户增长 export to a two-year history of weekly exports (104 uploads) ≤ 0.5 s, in a new kernel
as well (the history is read to count what the week changes). SQLite file in a temporary
folder, as a team's default.
"""

from __future__ import annotations

import gzip
import tempfile
from pathlib import Path

import pandas as pd

from benchmarks import Row, row, timed
from workbench import io
from workbench.sample import exports
from workbench.workspace import Workspace

FOLLOWERS = 1_000_000


def _million_followers() -> bytes:
    sample = io.sample("followers")
    big = pd.concat([sample] * -(-FOLLOWERS // len(sample)), ignore_index=True).iloc[:FOLLOWERS]
    big["follower_id"] = [f"F{i:07d}" for i in range(FOLLOWERS)]
    return gzip.compress(big.to_csv(index=False).encode(), 6)  # 108 MB: over the upload limit


def run() -> list[Row]:
    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'workspace.sqlite'}"
        with Workspace(url) as ws:
            added = timed(lambda: ws.add(_million_followers(), name="crm.csv.gz"), repeat=1,
                          warmup=0)
        rows.append(row("Workspace.add, 1 M followers (CSV 108 MB, gzipped)", added, unit="s",
                        note="read, keyed, stored"))

        def cold_frame() -> None:
            with Workspace(url) as fresh:
                assert len(fresh.frame("followers")) == FOLLOWERS

        rows.append(row("Workspace.frame('followers'), 1 M, new kernel", timed(cold_frame,
                        repeat=5), unit="s", goal=1.0))
        with Workspace(url) as warm:
            warm.frame("followers")
            rows.append(row("Workspace.frame('followers'), 1 M, again", timed(
                lambda: warm.frame("followers"), repeat=5), unit="ms", note="cached"))

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'workspace.sqlite'}"
        daily = io.sample("daily_users")
        mondays = pd.date_range(daily["date"].min(), periods=104, freq="7D")
        with Workspace(url) as ws:
            for monday in mondays:
                ws.add(exports.user_growth(daily, str(monday.date()),
                                           str((monday + pd.Timedelta(days=6)).date())),
                       name=f"用户增长 {monday.date()}.csv")
        last = mondays[-1]
        revision = iter(range(1, 100))

        def add_week() -> None:
            # the last week again, as WeChat settles it later: a new file every time
            r = next(revision)
            revised = daily.assign(new_follows=daily["new_follows"] + r)
            data = exports.user_growth(revised, str(last.date()),
                                       str((last + pd.Timedelta(days=6)).date()))
            with Workspace(url) as fresh:
                got = fresh.add(data, name=f"用户增长 更新{r}.csv")
            assert got.report.updated == 7

        rows.append(row("Workspace.add, a week to 2 years (104 uploads), new kernel",
                        timed(add_week, repeat=7), unit="ms", goal=500))

    # content-type suggestions: held-out accuracy against the starter rules alone
    from workbench.workspace import suggest

    articles = io.sample("articles")
    scores = [suggest.evaluate(articles, seed=seed) for seed in range(5)]
    right = sorted(s.suggestions_right for s in scores)[2]
    by_rules = sorted(s.rules_right for s in scores)[2]
    rows.append(row("content-type suggestions: train and score, 1,605 posts",
                    timed(lambda: suggest.evaluate(articles), repeat=5), unit="ms",
                    note=f"held-out right: suggestions {right:.1%}, rules alone {by_rules:.1%} "
                         "(median of 5 splits)"))
    return rows
