"""Comparison of two profiles: rank shifts, class changes and the class transition matrix.

"Change one setting, regenerate, compare the two results": each profile scores the same
reference population; the comparison lines the two results up residence by residence.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from scoring.classify import CLASS_CATEGORIES
from scoring.index import CompositeIndex
from scoring.spec import IndexSpec


@dataclass(frozen=True, eq=False)
class ProfileComparison:
    """Two scorings of the same residences side by side.

    Attributes
    ----------
    residences : pandas.DataFrame
        Indexed by residence: ``score_a``, ``score_b``, ``score_shift`` (b − a, points),
        ``rank_a``, ``rank_b``, ``rank_shift`` (``rank_a − rank_b``: positive when the residence
        moves up under profile b), ``class_a``, ``class_b`` and ``is_class_changed``.
    transitions : pandas.DataFrame
        Number of residences by class under a (rows) and class under b (columns), ``A``…``E``
        and ``NC`` on both axes.
    name_a, name_b : str
        Names of the two profiles.
    """

    residences: pd.DataFrame
    transitions: pd.DataFrame
    name_a: str
    name_b: str


def compare_results(
    a: pd.DataFrame, b: pd.DataFrame, name_a: str = "a", name_b: str = "b"
) -> ProfileComparison:
    """Compare two outputs of :meth:`CompositeIndex.transform` on the same residences.

    Parameters
    ----------
    a, b : pandas.DataFrame
        Scored tables (``score``, ``score_class``, ``rank``) with the same index.
    name_a, name_b : str
        Names of the profiles, kept in the result.

    Raises
    ------
    ValueError
        When the two tables do not hold the same residences.
    """
    if not a.index.equals(b.index):
        if set(a.index) != set(b.index):
            raise ValueError(
                "comparaison de profils : les deux tables ne portent pas sur les mêmes résidences."
            )
        b = b.loc[a.index]
    rank_a = a["rank"].astype("Int64")
    rank_b = b["rank"].astype("Int64")
    class_a = a["score_class"].astype(pd.CategoricalDtype(list(CLASS_CATEGORIES), ordered=True))
    class_b = b["score_class"].astype(pd.CategoricalDtype(list(CLASS_CATEGORIES), ordered=True))
    residences = pd.DataFrame(
        {
            "score_a": a["score"].to_numpy(dtype=float),
            "score_b": b["score"].to_numpy(dtype=float),
            "rank_a": rank_a.to_numpy(),
            "rank_b": rank_b.to_numpy(),
            "class_a": class_a.to_numpy(),
            "class_b": class_b.to_numpy(),
        },
        index=a.index,
    )
    residences["score_shift"] = residences["score_b"] - residences["score_a"]
    residences["rank_shift"] = residences["rank_a"] - residences["rank_b"]
    residences["class_a"] = class_a.to_numpy()
    residences["class_b"] = class_b.to_numpy()
    residences["is_class_changed"] = np.asarray(class_a.to_numpy() != class_b.to_numpy())
    residences = residences[
        [
            "score_a",
            "score_b",
            "score_shift",
            "rank_a",
            "rank_b",
            "rank_shift",
            "class_a",
            "class_b",
            "is_class_changed",
        ]
    ]
    n = len(CLASS_CATEGORIES)
    counts = np.zeros((n, n), dtype=np.int64)
    np.add.at(counts, (class_a.cat.codes.to_numpy(), class_b.cat.codes.to_numpy()), 1)
    transitions = pd.DataFrame(
        counts,
        index=pd.Index(CLASS_CATEGORIES, name=f"classe ({name_a})"),
        columns=pd.Index(CLASS_CATEGORIES, name=f"classe ({name_b})"),
    )
    return ProfileComparison(
        residences=residences, transitions=transitions, name_a=name_a, name_b=name_b
    )


def compare_profiles(
    table: pd.DataFrame, spec_a: IndexSpec, spec_b: IndexSpec
) -> ProfileComparison:
    """Score ``table`` with two profiles and compare the results.

    Each profile is fitted on ``table`` (the reference population); when both share the same
    normalisation, the second reuses the first's fitted state.

    Parameters
    ----------
    table : pandas.DataFrame
        Indicator table of the reference population.
    spec_a, spec_b : IndexSpec
        The two profiles (e.g. the reference and a working group's proposal).
    """
    index_a = CompositeIndex(spec_a).fit(table)
    if spec_b.normalisation_key == spec_a.normalisation_key:
        index_b = index_a.reweight(spec_b)
    else:
        index_b = CompositeIndex(spec_b).fit(table)
    return compare_results(index_a.transform(), index_b.transform(), spec_a.name, spec_b.name)
