"""The numeric pieces personas computes by hand (k-means starts, the map's PCA, the
silhouette) against scikit-learn's, which the workbench no longer imports at run time (its
import cost every personas kernel 88 MB)."""

from __future__ import annotations

import sys

import numpy as np
import pytest
from sklearn.cluster import KMeans
from sklearn.decomposition import PCA
from sklearn.metrics import adjusted_rand_score, silhouette_score

from workbench import io, personas
from workbench.personas import _kmeans, _pca2, _silhouette


def blobs(seed: int, k: int = 5, per: int = 400, dims: int = 12, spread: float = 0.6):
    rng = np.random.default_rng(seed)
    centres = rng.normal(0, 4, (k, dims))
    truth = np.repeat(np.arange(k), per)
    X = (centres[truth] + rng.normal(0, spread, (k * per, dims))).astype(np.float32)
    return X, truth


def inertia(X, labels):
    return sum(((X[labels == j] - X[labels == j].mean(axis=0)) ** 2).sum()
               for j in np.unique(labels))


@pytest.mark.parametrize("seed", range(5))
def test_kmeans_finds_separated_clusters(seed):
    X, truth = blobs(seed)
    labels = _kmeans(X, 5, np.random.default_rng(seed))
    assert adjusted_rand_score(truth, labels) == pytest.approx(1.0)


def test_kmeans_inertia_is_as_low_as_scikit_learns_on_overlapping_data():
    X, _ = blobs(7, k=8, per=300, spread=3.0)
    ours = [inertia(X, _kmeans(X, 8, np.random.default_rng(s))) for s in range(12)]
    theirs = [inertia(X, KMeans(8, n_init=1, random_state=s).fit_predict(X)) for s in range(12)]
    assert np.median(ours) <= np.median(theirs) * 1.02


def test_kmeans_with_fewer_distinct_rows_than_clusters():
    X = np.repeat(np.eye(3, dtype=np.float32), 10, axis=0)
    labels = _kmeans(X, 5, np.random.default_rng(0))
    assert labels.shape == (30,) and labels.min() >= 0 and labels.max() < 5
    # the three distinct points are never split apart from their copies
    assert all(len(np.unique(labels[i * 10:(i + 1) * 10])) == 1 for i in range(3))
    assert len(np.unique(labels)) == 3


def test_pca_matches_scikit_learn_signs_included():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(500, 9)) @ rng.normal(size=(9, 9))
    assert np.allclose(_pca2(X), PCA(2).fit_transform(X), atol=1e-8)


def test_pca_of_a_single_column_is_padded_with_zeros():
    xy = _pca2(np.arange(6.0)[:, None])
    assert xy.shape == (6, 2) and np.allclose(xy[:, 1], 0)
    assert np.allclose(np.abs(xy[:, 0]), np.abs(np.arange(6.0) - 2.5))


@pytest.mark.parametrize("block", [7, 512])
def test_silhouette_matches_scikit_learn(block):
    X, truth = blobs(11, k=4, per=150, spread=3.0)
    labels = truth.copy()
    labels[0] = 9   # a point alone in its cluster scores 0
    assert _silhouette(X, labels, block=block) == pytest.approx(
        silhouette_score(X, labels), abs=1e-5)


def test_a_personas_page_does_not_import_scikit_learn():
    import subprocess

    code = ("import sys; from workbench import personas, io; "
            "seg = personas.segment(io.sample('followers'), k=4); seg.embedding(500); "
            "print('sklearn' in sys.modules, 'scipy.stats' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.split()
    assert out == ["False", "False"]


def test_silhouette_of_a_segmentation_matches_scikit_learn():
    followers = io.sample("followers")
    seg = personas.segment(followers, k=6, seed=0)
    X, labels = seg._matrix, seg.labels
    rows = np.sort(np.random.default_rng(1).choice(len(labels), 3000, replace=False))
    assert _silhouette(X[rows], labels[rows]) == pytest.approx(
        silhouette_score(X[rows], labels[rows]), abs=1e-5)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="malloc_trim is glibc's")
def test_release_memory_hands_freed_heap_memory_back():
    """Blocks under glibc's mmap threshold stay in its heap once freed, and count in the
    kernel's memory, until ``malloc_trim`` gives the free pages back."""
    import subprocess

    code = (
        "import gc, psutil, numpy as np\n"
        "from workbench.runtime.memory import release_memory\n"
        "p = psutil.Process()\n"
        "blocks = [np.ones(12_000) for _ in range(4_000)]  # 96 KB each, 384 MB\n"
        "del blocks[::2]; gc.collect()\n"
        "before = p.memory_info().rss\n"
        "release_memory()\n"
        "print((before - p.memory_info().rss) / 2**20)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert float(out) > 120  # ~192 MB were freed in holes between the blocks still held
