"""How far a weighting moves the cotation: against the reference profile, and under uncertainty.

The largest rank and class changes of a profile against the reference, their summary, and the
summary of the sensitivity analysis (rank intervals, class stability bands, the least stable
residences). The comparison and the Monte Carlo draws themselves are the engine's
(:mod:`scoring.compare`, :mod:`scoring.sensitivity`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np
import pandas as pd

from scoring import (
    ProfileComparison,
    SensitivityResult,
)

STABILITY_BANDS = (
    ("stable", "Classe stable", "gardée dans au moins 90 % des tirages", 90.0, math.inf),
    ("fragile", "Classe fragile", "gardée dans 50 à 90 % des tirages", 50.0, 90.0),
    ("instable", "Classe instable", "gardée dans moins de 50 % des tirages", -math.inf, 50.0),
)


def is_same_ranking(comparison: ProfileComparison) -> bool:
    """Whether the two scorings give every residence the same rank and class."""
    frame = comparison.residences
    same_rank = frame["rank_a"].astype("Int64").equals(frame["rank_b"].astype("Int64"))
    return same_rank and not bool(frame["is_class_changed"].any())


def top_changes(
    comparison: ProfileComparison, directory: pd.DataFrame, n: int = 10
) -> pd.DataFrame:
    """The residences whose rank changes most against the reference.

    Parameters
    ----------
    comparison : ProfileComparison
        Reference (a) against current (b), from :func:`scoring.compare_results`.
    directory : pandas.DataFrame
        Output of :func:`residence_directory`.
    n : int, default 10
        Number of residences.

    Returns
    -------
    pandas.DataFrame
        Up to ``n`` residences rated under both scorings that move, largest absolute rank
        shift first, class changes first among equal shifts: ``residence_name``,
        ``commune_name``, ``rank_a``, ``rank_b``, ``rank_shift``, ``class_a``, ``class_b`` and
        ``is_class_changed``. Residences that become rated or not rated are counted by
        :func:`rating_changes`.
    """
    frame = comparison.residences
    shift = frame["rank_shift"].astype("Float64")
    moved = shift.notna() & (shift != 0)
    order = pd.DataFrame(
        {
            "magnitude": shift.abs().to_numpy(dtype=float, na_value=0.0),
            "changed": frame["is_class_changed"].to_numpy(dtype=bool),
            "rank": frame["rank_b"].astype("Float64").to_numpy(dtype=float, na_value=np.inf),
        },
        index=frame.index,
    )[moved.to_numpy(dtype=bool, na_value=False)]
    order = order.sort_values(
        ["magnitude", "changed", "rank"], ascending=[False, False, True], kind="stable"
    ).head(n)
    out = frame.loc[
        order.index,
        ["rank_a", "rank_b", "rank_shift", "class_a", "class_b", "is_class_changed"],
    ].copy()
    out["class_a"] = out["class_a"].astype(str)
    out["class_b"] = out["class_b"].astype(str)
    names = directory.reindex(order.index)
    out.insert(0, "commune_name", names["commune_name"].to_numpy())
    out.insert(0, "residence_name", names["residence_name"].to_numpy())
    return out


def rating_changes(comparison: ProfileComparison) -> dict[str, int]:
    """How many residences lose or gain their rating against the reference.

    Returns
    -------
    dict
        ``n_unrated`` (rated under the reference, *non cotées* now) and ``n_rated`` (the
        reverse).
    """
    frame = comparison.residences
    was = frame["rank_a"].notna().to_numpy(dtype=bool)
    now = frame["rank_b"].notna().to_numpy(dtype=bool)
    return {"n_unrated": int((was & ~now).sum()), "n_rated": int((~was & now).sum())}


def comparison_summary(comparison: ProfileComparison) -> dict[str, float]:
    """Key figures of a comparison.

    Returns
    -------
    dict
        ``n_residences``, ``n_class_changed``, ``n_up`` and ``n_down`` (residences that move up
        or down), ``median_abs_shift`` and ``max_abs_shift`` (ranks, over residences rated under
        both scorings; NaN when there are none).
    """
    frame = comparison.residences
    shift = frame["rank_shift"].astype("Float64").dropna().astype(float)
    return {
        "n_residences": len(frame),
        "n_class_changed": int(frame["is_class_changed"].sum()),
        "n_up": int((shift > 0).sum()),
        "n_down": int((shift < 0).sum()),
        "median_abs_shift": float(shift.abs().median()) if len(shift) else math.nan,
        "max_abs_shift": float(shift.abs().max()) if len(shift) else math.nan,
    }


# --- Sensitivity ------------------------------------------------------------------------------


def rank_intervals(
    result: SensitivityResult,
    directory: pd.DataFrame,
    n_top: int = 20,
    include: Iterable[str] = (),
) -> pd.DataFrame:
    """Rank intervals of the best-ranked residences (and of the ones asked for).

    Parameters
    ----------
    result : SensitivityResult
        Output of :func:`scoring.run_sensitivity`.
    directory : pandas.DataFrame
        Output of :func:`residence_directory`.
    n_top : int, default 20
        Number of best-ranked residences.
    include : iterable of str
        Residence ids to add (e.g. the selected residence), when they are rated.

    Returns
    -------
    pandas.DataFrame
        Sorted by rank: ``residence_name``, ``commune_name``, ``rank``, ``rank_median``,
        ``rank_p05``, ``rank_p95``, ``class_kept_pct`` and ``score_class``.
    """
    frame = result.residences
    rated = frame[frame["rank"].notna()].sort_values("rank", kind="stable")
    chosen = list(rated.index[:n_top])
    chosen += [r for r in include if r in rated.index and r not in chosen]
    out = rated.loc[
        chosen, ["rank", "rank_median", "rank_p05", "rank_p95", "class_kept_pct", "score_class"]
    ].copy()
    out["score_class"] = out["score_class"].astype(str)
    names = directory.reindex(out.index)
    out.insert(0, "commune_name", names["commune_name"].to_numpy())
    out.insert(0, "residence_name", names["residence_name"].to_numpy())
    return out.sort_values("rank", kind="stable")


def stability_summary(result: SensitivityResult) -> pd.DataFrame:
    """How many residences keep their class across the draws, by band.

    Returns
    -------
    pandas.DataFrame
        Indexed by band code (``stable``, ``fragile``, ``instable``): ``label`` and ``meaning``
        (French), ``n_residences`` and ``share_pct`` (of the rated residences).
    """
    frame = result.residences
    kept = frame.loc[frame["rank"].notna(), "class_kept_pct"].astype(float)
    total = len(kept)
    rows = []
    for code, label, meaning, low, high in STABILITY_BANDS:
        n = int(((kept >= low) & (kept < high)).sum())
        rows.append((code, label, meaning, n, 100.0 * n / total if total else math.nan))
    return pd.DataFrame(
        [r[1:] for r in rows],
        columns=["label", "meaning", "n_residences", "share_pct"],
        index=pd.Index([r[0] for r in rows], name="band"),
    )


def least_stable(result: SensitivityResult, directory: pd.DataFrame, n: int = 10) -> pd.DataFrame:
    """The rated residences that keep their class least often across the draws.

    Returns
    -------
    pandas.DataFrame
        Up to ``n`` rows: ``residence_name``, ``commune_name``, ``score_class``, ``rank``,
        ``rank_p05``, ``rank_p95``, ``class_kept_pct``; least stable first.
    """
    frame = result.residences
    rated = frame[frame["rank"].notna()]
    worst = rated.sort_values(["class_kept_pct", "rank"], kind="stable").head(n)
    out = worst[["score_class", "rank", "rank_p05", "rank_p95", "class_kept_pct"]].copy()
    out["score_class"] = out["score_class"].astype(str)
    names = directory.reindex(out.index)
    out.insert(0, "commune_name", names["commune_name"].to_numpy())
    out.insert(0, "residence_name", names["residence_name"].to_numpy())
    return out
