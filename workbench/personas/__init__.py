"""Audience personas (用户画像): segment followers, profile the segments, name them.

Three questions, three functions:

* :func:`segment` groups people from user-level data (survey, CRM, mini-program exports) into
  ``k`` personas and profiles each one: its size, the levels it over-indexes on (lift), how it
  reads and buys (z-scores), where and when it is online, and a name in English and Chinese.
* :func:`reader_profile` works from what WeChat still exports: per-article reader
  distributions (gender / age / region), combined weighted by reads into the reader profile of
  each content type and platform.
* :func:`ipf` fits a joint table (e.g. gender × age) from a survey seed and exported marginals.

Where each concept lives:

==================  ==========================================================================
``persona``         :class:`Persona`, :class:`Trait`, :class:`NumericTrait`: what a persona holds
``encode``          followers' columns as model levels and k-means blocks; the model's design
``latent_class``    the latent class model (EM) and its k-means starts
``choose_k``        choosing the number of personas (``k=None``): nested fits, the BIC's elbow
``segmentation``    :func:`segment` and :class:`Segmentation`; the map's PCA, the silhouette
``profile``         sizes, lifts, z-scores, platforms and hours of each persona
``naming``          a persona's name and description in English and Chinese
``readers``         :func:`reader_profile`, :func:`ipf`, :func:`reader_candidates`
==================  ==========================================================================

Examples
--------
>>> from workbench import io, personas
>>> seg = personas.segment(io.sample("followers"), k=6, seed=0)      # doctest: +SKIP
>>> [p.name["en"] for p in seg.personas][:2]                          # doctest: +SKIP
['Tier-1 young female professionals · fashion & beauty & lifestyle', ...]
"""

from .encode import (
    CATEGORICAL, EXCLUDED, HOUR, MAX_NUMBER, MAX_WEIGHT, MULTI, NUMERIC, default_features,
)
from .persona import NumericTrait, Persona, Trait
from .readers import DISTRIBUTION_COLUMNS, ipf, reader_candidates, reader_profile
from .segmentation import (
    FIT_ROWS, K_RANGE, MAP_ROWS, SELECT_ROWS, SILHOUETTE_ROWS, Segmentation, segment,
)
# private names that tests reach for
from .encode import _design as _design
from .encode import _encode as _encode
from .encode import _seed_matrix as _seed_matrix
from .latent_class import _kmeans as _kmeans
from .segmentation import _pca2 as _pca2
from .segmentation import _silhouette as _silhouette

__all__ = [
    "CATEGORICAL", "DISTRIBUTION_COLUMNS", "EXCLUDED", "FIT_ROWS", "HOUR", "K_RANGE",
    "MAP_ROWS", "MAX_NUMBER", "MAX_WEIGHT", "MULTI", "NUMERIC", "NumericTrait", "Persona",
    "SELECT_ROWS", "SILHOUETTE_ROWS", "Segmentation", "Trait", "default_features", "ipf",
    "reader_candidates", "reader_profile", "segment",
]
