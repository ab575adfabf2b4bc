"""Choosing the number of personas (``segment(k=None)``): stable over seeds, nested fits whose
log-likelihood never falls as k grows (issue 19)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import adjusted_rand_score

from benchmarks.bench_personas import resampled
from workbench import io, personas
from workbench.personas import choose_k as personas_select
from workbench.personas.latent_class import _e_step, _m_step
from workbench.personas import Segmentation


def noisy_planted(n: int, seed: int) -> tuple[pd.DataFrame, np.ndarray]:
    """``n`` followers drawn with replacement from the sample, 3 % of every category cell
    redrawn from the column and the counts jittered, and their planted segments: the data of
    the benchmark's auto-k row, on which seed 0 chose 5 personas of the 6 planted."""
    return resampled(n, seed=seed)


@pytest.fixture(scope="module")
def planted_set() -> tuple[pd.DataFrame, np.ndarray]:
    return noisy_planted(20_000, seed=1)


@pytest.fixture(scope="module")
def chosen(planted_set) -> dict[int, Segmentation]:
    followers, _ = planted_set
    return {seed: personas.segment(followers, k=None, seed=seed) for seed in range(5)}


def test_the_same_k_for_every_seed_on_planted_data(chosen, planted_set) -> None:
    _, truth = planted_set
    assert {seed: seg.k for seed, seg in chosen.items()} == {seed: 6 for seed in range(5)}
    for seg in chosen.values():
        assert adjusted_rand_score(truth, seg.labels) >= 0.85
        assert set(seg.quality["curve"]) == set(personas.K_RANGE)


def test_the_log_likelihood_never_falls_as_k_grows(chosen) -> None:
    for seg in chosen.values():
        curve = seg.quality["log_likelihood_curve"]
        assert sorted(curve) == list(personas.K_RANGE)
        values = [curve[k] for k in sorted(curve)]
        assert all(b >= a for a, b in zip(values, values[1:])), values
        # the BIC is the same fits' likelihood plus their parameters' penalty
        bic = seg.quality["curve"]
        assert all(bic[k] > -2 * curve[k] for k in curve)


def _small_problem():
    followers = io.sample("followers").iloc[:2000]
    attrs = personas._encode(followers, personas.default_features(followers), {}, [])
    return personas._seed_matrix(attrs), personas._design(attrs)


def test_a_duplicated_persona_keeps_the_likelihood_and_counts_its_parameters() -> None:
    X, design = _small_problem()
    labels = np.arange(X.shape[0]) % 3
    R = np.eye(3)[labels]
    model = _m_step(design, R)
    twin = personas_select._duplicated(model)
    assert len(twin.log_pi) == 4 and np.exp(twin.log_pi).sum() == pytest.approx(1.0)
    assert _e_step(design, twin)[1] == pytest.approx(_e_step(design, model)[1], rel=1e-12)
    assert twin.n_params == _m_step(design, np.eye(4)[np.arange(X.shape[0]) % 4]).n_params


def test_a_k_no_start_fits_well_stands_on_the_smaller_fit(monkeypatch) -> None:
    """Every start of k = 4 ending below the 3-persona fit: the 3-persona fit with a persona
    duplicated stands in, so the curve never falls."""
    X, design = _small_problem()
    real = personas_select._converge

    def poor_at_four(design_, k, start):
        model, ll = real(design_, k, start)
        return (model, ll - 1e6) if k == 4 else (model, ll)

    monkeypatch.setattr(personas_select, "_converge", poor_at_four)
    choice = personas_select.choose_k(X, design, [2, 3, 4, 5], seed=0)
    lls = choice.log_likelihood
    assert lls[4] == lls[3] and lls[5] >= lls[4]
    assert len(choice.models[4].log_pi) == 4
    assert choice.bic[4] > choice.bic[3]          # one persona more, the same fit: penalised


def test_choosing_k_says_which_k_it_is_fitting() -> None:
    followers = io.sample("followers").iloc[:3000]
    tried: list[int] = []
    seen: list[float] = []
    seg = personas.segment(followers, k=None, seed=0, progress=seen.append,
                           trying_k=tried.append)
    assert tried == [*personas.K_RANGE, seg.k]     # then the chosen k, fitted on everyone
    assert seen == sorted(seen) and seen[-1] == 1.0 and seg.k in personas.K_RANGE
    given: list[int] = []
    personas.segment(followers, k=4, seed=0, trying_k=given.append)
    assert given == []
