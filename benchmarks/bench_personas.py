"""Personas: ``personas.segment`` against kmodes' k-prototypes, and at a million followers.

The data is the bundled followers sample resampled with replacement to 100,000 (and
1,000,000) rows, with noise: 3 % of every category cell redrawn from the column, counts and
spend jittered, the hour moved by an hour now and then. Each row keeps the planted segment of
the row it was drawn from, so both methods are scored by the adjusted Rand index (ARI).

Goals: ``segment`` ≥ 30× faster than k-prototypes with an ARI at least as high; 1 M followers
in < 10 s; ``Segmentation.profile(mask)`` < 150 ms on 100,000 followers; ``segment(k=None)``
(choosing k) ≤ 3 s on 100,000 followers. k-prototypes runs once
(about a minute), with ``n_init=1, max_iter=20, init="Cao"``.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import adjusted_rand_score

from benchmarks import Row, row, timed
from workbench import io, personas

TRUTH = Path(__file__).resolve().parents[1] / "data" / "truth" / "followers_planted.csv"
CATS = ("gender", "age_band", "city_tier", "occupation", "platform", "follow_source", "interests")
NUMS = ("reads_30d", "shares_30d", "comments_30d", "purchases_90d", "spend_90d")


def resampled(n: int, seed: int = 1) -> tuple[pd.DataFrame, np.ndarray]:
    """``n`` followers drawn with replacement from the sample, with noise, and their truth."""
    sample = io.sample("followers")
    truth = pd.read_csv(TRUTH).set_index("follower_id")["segment"]
    planted = truth.loc[sample["follower_id"].astype(str)].to_numpy()
    rng = np.random.default_rng(seed)
    pick = rng.integers(0, len(sample), n)
    out = sample.iloc[pick].reset_index(drop=True)
    for col in CATS:
        redraw = rng.random(n) < 0.03
        donors = rng.integers(0, n, int(redraw.sum()))
        values = out[col].to_numpy(copy=True)
        values[redraw] = values[donors]
        out[col] = pd.Series(values, dtype=out[col].dtype)
    for col in NUMS:
        x = out[col].astype("float64").to_numpy()
        x = x * rng.lognormal(0.0, 0.15, n)
        out[col] = np.round(x, 2) if col == "spend_90d" else pd.array(np.rint(x).astype(int),
                                                                         dtype="Int64")
    hour = out["active_hour"].astype("float64").to_numpy()
    shift = rng.choice([-1, 0, 1], size=n, p=[0.1, 0.8, 0.1])
    out["active_hour"] = pd.array(((hour + shift) % 24).astype(int), dtype="Int64")
    out["follower_id"] = [f"B{i:07d}" for i in range(n)]
    return out, planted[pick]


def _kprototypes(followers: pd.DataFrame, k: int) -> tuple[np.ndarray, float]:
    from kmodes.kprototypes import KPrototypes

    cats = [followers[c].astype(object).fillna("missing").astype(str).to_numpy() for c in CATS]
    nums = []
    for c in NUMS:
        x = np.log1p(followers[c].astype("float64").fillna(0).to_numpy())
        nums.append((x - x.mean()) / x.std())
    h = followers["active_hour"].astype("float64").to_numpy()
    nums += [np.sin(2 * np.pi * h / 24), np.cos(2 * np.pi * h / 24)]
    X = np.column_stack([np.column_stack(nums).astype(object)] + [np.column_stack(cats)])
    cat_idx = list(range(len(nums), len(nums) + len(cats)))
    t0 = time.perf_counter()
    model = KPrototypes(n_clusters=k, init="Cao", n_init=1, max_iter=20, random_state=0)
    labels = model.fit_predict(X, categorical=cat_idx)
    return labels, time.perf_counter() - t0


def auto_k(followers: pd.DataFrame, truth: np.ndarray) -> Row:
    """``segment(k=None)``: k chosen on a sample of 10,000, each k started from the splits of
    k − 1, then one fit of the chosen k (issue 19: 8.9 s, and seed 0 chose 5 of 6 personas)."""
    chosen: list[personas.Segmentation] = []
    times = timed(lambda: chosen.append(personas.segment(followers, k=None, seed=0)), repeat=3)
    seg = chosen[-1]
    return row(f"segment(k=None), {len(followers):,} followers", times, unit="s", goal=3,
               note=f"chose k={seg.k}; ARI {adjusted_rand_score(truth, seg.labels):.3f}")


def run() -> list[Row]:
    rows: list[Row] = []
    f100, t100 = resampled(100_000)
    k = len(np.unique(t100))
    seg = personas.segment(f100, k=k, seed=0)
    ours_ari = adjusted_rand_score(t100, seg.labels)
    ours = timed(lambda: personas.segment(f100, k=k, seed=0), repeat=3)
    kp_labels, kp_time = _kprototypes(f100, k)
    kp_ari = adjusted_rand_score(t100, kp_labels)
    speedup = kp_time / float(np.median(ours))
    r = row(f"personas.segment(k={k}), 100 k followers", ours, unit="s",
            goal_text="≥ 30× faster than k-prototypes, ARI ≥ its ARI",
            note=f"ARI {ours_ari:.3f} vs k-prototypes {kp_ari:.3f}; {speedup:.0f}× faster")
    r.ok = speedup >= 30 and ours_ari >= kp_ari
    rows.append(r)
    kp = row(f"kmodes KPrototypes(k={k}, Cao, n_init=1, max_iter=20), 100 k", [kp_time],
             unit="s", note=f"ARI {kp_ari:.3f}; one run")
    rows.append(kp)

    mask = (f100["platform"] == "wechat").to_numpy(dtype=bool, na_value=False)
    prof = timed(lambda: seg.profile(mask), repeat=15)
    rows.append(row("Segmentation.profile(mask), 100 k followers", prof, unit="ms", goal=150,
                    note=f"{int(mask.sum()):,} rows selected"))
    rows.append(row("Segmentation.embedding(5,000), 100 k followers",
                    timed(lambda: seg.embedding(5000), repeat=5), unit="ms"))

    rows.append(auto_k(f100, t100))

    f1m, t1m = resampled(1_000_000, seed=2)
    times = []
    labels = None
    for _ in range(3):
        t0 = time.perf_counter()
        big = personas.segment(f1m, k=k, seed=0)
        times.append(time.perf_counter() - t0)
        labels = big.labels
    r = row(f"personas.segment(k={k}), 1 M followers", times, unit="s", goal=10,
            note=f"ARI {adjusted_rand_score(t1m, labels):.3f}")
    rows.append(r)

    # the dashboard's filter at scale, in the kernel: filters → mask → personas profiled
    from workbench.ui.personas import ALL, PersonaModel

    model = PersonaModel(followers=f1m, background=False)
    tiers = [lv for lv in ("tier1", "new_tier1", "tier2") if lv in set(f1m["city_tier"])]
    choices = [{"city_tier": tier, "platform": ALL if n % 2 else "wechat"}
               for n, tier in enumerate(tiers * 4)]
    times = []
    for chosen in choices:
        t0 = time.perf_counter()
        model.filters = chosen
        times.append(time.perf_counter() - t0)
    rows.append(row("personas page: filter → personas profiled (kernel), 1 M followers", times,
                    unit="ms", note=f"{len(times)} changes of one or two filters; the browser "
                                    "adds its share (bench_interactions: 100 k)"))
    return rows
