"""Territory aggregates: the scores of a quartier or a commune, weighted by number of dwellings.

A territory's score is the dwelling-weighted mean of the scores of its *rated* residences; the
same for each pillar. The table also gives how many residences and dwellings are rated and the
share of the dwellings in each class (``NC`` included), so that a fiche can say how much of the
stock the figure covers.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from scoring.classify import CLASS_CATEGORIES


def aggregate_territory(
    scores: pd.DataFrame, residences: pd.DataFrame, by: str = "commune_code"
) -> pd.DataFrame:
    """Dwelling-weighted scores per territory.

    Parameters
    ----------
    scores : pandas.DataFrame
        Output of :meth:`CompositeIndex.transform`, indexed by ``residence_id``.
    residences : pandas.DataFrame
        With ``residence_id`` (column or index), ``n_dwellings`` and the column ``by``.
    by : str, default ``"commune_code"``
        Territory column, e.g. ``"commune_code"`` or ``"quartier_code"``; residences without a
        value (e.g. outside Poitiers for quartiers) are left out.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``by``: ``n_residences``, ``n_rated``, ``n_dwellings``,
        ``n_dwellings_rated``, ``score``, one ``score_<pillar>`` per pillar (dwelling-weighted
        means over rated residences, NaN when none is rated) and ``dwellings_<class>_pct`` for
        classes A–E and NC.
    """
    frame = residences
    if "residence_id" in frame.columns:
        frame = frame.set_index("residence_id")
    missing = [c for c in ("n_dwellings", by) if c not in frame.columns]
    if missing:
        raise ValueError(
            "agrégation territoriale : colonne(s) absente(s) des résidences : "
            + ", ".join(f"« {c} »" for c in missing)
            + "."
        )
    unknown = scores.index.difference(frame.index)
    if len(unknown):
        raise ValueError(
            "agrégation territoriale : résidence(s) notée(s) absente(s) de la table des "
            "résidences : " + ", ".join(f"« {r} »" for r in unknown[:5]) + "."
        )
    score_columns = [
        c for c in scores.columns if (c == "score" or c.startswith("score_")) and c != "score_class"
    ]
    dwellings = frame.loc[scores.index, "n_dwellings"].to_numpy(dtype=float)
    data = pd.DataFrame(
        {"territory": frame.loc[scores.index, by].to_numpy(), "n_dwellings": dwellings},
        index=scores.index,
    )
    rated = scores["score"].notna().to_numpy()
    data["n_rated"] = rated.astype(int)
    data["n_dwellings_rated"] = np.where(rated, dwellings, 0.0)
    for column in score_columns:
        values = scores[column].to_numpy(dtype=float)
        present = ~np.isnan(values)
        data[f"_w_{column}"] = np.where(present, dwellings, 0.0)
        data[f"_wx_{column}"] = np.where(present, values * dwellings, 0.0)
    classes = scores["score_class"].astype(str).to_numpy()
    for cls in CLASS_CATEGORIES:
        data[f"_d_{cls}"] = np.where(classes == cls, dwellings, 0.0)
    data = data[data["territory"].notna()]
    grouped = data.groupby("territory", sort=True)
    sums = grouped.sum(numeric_only=True)
    out = pd.DataFrame(index=sums.index.rename(by))
    out["n_residences"] = grouped.size().astype(int)
    out["n_rated"] = sums["n_rated"].astype(int)
    out["n_dwellings"] = sums["n_dwellings"]
    out["n_dwellings_rated"] = sums["n_dwellings_rated"]
    with np.errstate(invalid="ignore", divide="ignore"):
        for column in score_columns:
            weight = sums[f"_w_{column}"]
            out[column] = (sums[f"_wx_{column}"] / weight).where(weight > 0)
        for cls in CLASS_CATEGORIES:
            out[f"dwellings_{cls}_pct"] = (sums[f"_d_{cls}"] / sums["n_dwellings"] * 100.0).where(
                sums["n_dwellings"] > 0
            )
    return out
