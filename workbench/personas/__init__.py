"""Audience personas (用户画像): segment followers, profile the segments, name them.

A package of concepts; this module re-exports the public names (and the private ones tests
reach for), so ``from workbench import personas; personas.segment(...)`` keeps working.
"""

from .segmentation import (
    CATEGORICAL, DISTRIBUTION_COLUMNS, EXCLUDED, FIT_ROWS, HOUR, K_RANGE, MAP_ROWS, MAX_NUMBER,
    MAX_WEIGHT, MULTI, NUMERIC, SELECT_ROWS, SILHOUETTE_ROWS, NumericTrait, Persona,
    Segmentation, Trait, default_features, ipf, reader_candidates, reader_profile, segment,
)
# private names that tests reach for
from .segmentation import _design as _design
from .segmentation import _encode as _encode
from .segmentation import _kmeans as _kmeans
from .segmentation import _pca2 as _pca2
from .segmentation import _seed_matrix as _seed_matrix
from .segmentation import _silhouette as _silhouette

__all__ = [
    "CATEGORICAL", "DISTRIBUTION_COLUMNS", "EXCLUDED", "FIT_ROWS", "HOUR", "K_RANGE",
    "MAP_ROWS", "MAX_NUMBER", "MAX_WEIGHT", "MULTI", "NUMERIC", "NumericTrait", "Persona",
    "SELECT_ROWS", "SILHOUETTE_ROWS", "Segmentation", "Trait", "default_features", "ipf",
    "reader_candidates", "reader_profile", "segment",
]
