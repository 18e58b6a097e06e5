"""The pure cotation engine: DataFrames in, DataFrames out; no I/O, no geometry, no Streamlit.

One module per step of the pipeline, as COINr: :mod:`~scoring.spec` (the immutable spec),
:mod:`~scoring.catalogue` and :mod:`~scoring.profiles` (reading ``config/``),
:mod:`~scoring.method` (the method choices), :mod:`~scoring.treatment` (extreme values),
:mod:`~scoring.normalise`, :mod:`~scoring.aggregate`, :mod:`~scoring.classify`,
:mod:`~scoring.index` (the fitted :class:`CompositeIndex`, with :mod:`~scoring.bounds_check`),
:mod:`~scoring.explain`, :mod:`~scoring.compare`, :mod:`~scoring.draws` (the uncertainty draws),
:mod:`~scoring.sensitivity`, :mod:`~scoring.certainty` (how sure each class is) and
:mod:`~scoring.territory`.
"""

from scoring.catalogue import load_catalogue, load_scales, parse_catalogue
from scoring.certainty import ClassCertainty, class_certainty
from scoring.compare import ProfileComparison, compare_profiles, compare_results
from scoring.explain import Explanation
from scoring.index import CompositeIndex, NotFittedError
from scoring.profiles import load_profile, parse_profile
from scoring.sensitivity import SensitivityResult, effective_weights, run_sensitivity
from scoring.spec import (
    AGGREGATIONS,
    CLASS_METHODS,
    CLASSES,
    NORMALISATIONS,
    NOT_RATED,
    NOT_RATED_LABEL,
    TREATMENTS,
    IndexSpec,
    Indicator,
    Method,
    Pillar,
    SpecError,
)
from scoring.territory import aggregate_territory

__all__ = [
    "AGGREGATIONS",
    "CLASSES",
    "CLASS_METHODS",
    "NORMALISATIONS",
    "NOT_RATED",
    "NOT_RATED_LABEL",
    "TREATMENTS",
    "ClassCertainty",
    "CompositeIndex",
    "Explanation",
    "IndexSpec",
    "Indicator",
    "Method",
    "NotFittedError",
    "Pillar",
    "ProfileComparison",
    "SensitivityResult",
    "SpecError",
    "aggregate_territory",
    "class_certainty",
    "compare_profiles",
    "compare_results",
    "effective_weights",
    "load_catalogue",
    "load_profile",
    "load_scales",
    "parse_catalogue",
    "parse_profile",
    "run_sensitivity",
]
