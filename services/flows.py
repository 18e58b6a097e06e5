"""Entrants and leavers of the social stock: their profiles and the attribution objectives.

Profiles (document cadre, action 1.4) are shares of households among the entrants (attributions)
or the leavers (departures) of a territory and a year. The attribution objectives of the loi
Égalité et Citoyenneté (CCH L441-1) are followed per year for the EPCI, each commune, quartier or
bailleur: at least 25 % of the attributions outside QPV to first-quartile households, at least
50 % of those in QPV to quartiles 2 to 4 (thresholds in ``config/stock.toml``).

A year absent from a flow table is missing (NaN), not zero; a territory without any flow in a
year that has data counts 0 households and NaN shares.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import pairwise

import numpy as np
import pandas as pd

from services.stock import (
    StockRules,
    load_stock_rules,
    residence_territories,
    territory_list,
)

COMPOSITION_SHARES = {
    "personne_seule": "Personnes seules",
    "couple_sans_enfant": "Couples sans enfant",
    "couple_avec_enfants": "Couples avec enfants",
    "famille_monoparentale": "Familles monoparentales",
}
MEASURE_LABELS = {
    "q1": "Premier quartile de ressources",
    "resources_below_20": "Ressources sous 20 % des plafonds PLUS",
    "resources_below_40": "Ressources sous 40 % des plafonds PLUS",
    "resources_below_60": "Ressources sous 60 % des plafonds PLUS",
    "employed": "Au moins un adulte en emploi",
    "no_employment": "Aucun adulte en emploi",
    "single_parent": "Familles monoparentales",
    "large_family": "Familles nombreuses",
    "holder_65_plus": "Titulaire de 65 ans ou plus",
    "mutation": "Mutations (ménages déjà locataires HLM)",
}


def _flag(values: pd.Series) -> np.ndarray:
    """Booleans as floats, missing values as NaN."""
    return pd.to_numeric(values.astype("boolean"), errors="coerce").to_numpy(
        dtype=float, na_value=np.nan
    )


def age_bands(edges: Iterable[int]) -> dict[str, str]:
    """Column names and French labels of the holder's age bands, e.g. ``age_25_39``."""
    edges = list(edges)
    bands = {f"age_under_{edges[0]}": f"Moins de {edges[0]} ans"}
    for low, high in pairwise(edges):
        bands[f"age_{low}_{high - 1}"] = f"{low} à {high - 1} ans"
    bands[f"age_{edges[-1]}_plus"] = f"{edges[-1]} ans et plus"
    return bands


def household_measures(flows: pd.DataFrame, rules: StockRules) -> pd.DataFrame:
    """One 0/1 column per household characteristic (NaN when unknown), aligned with ``flows``.

    Columns: the entrant measures of :data:`services.stock.ENTRANT_MEASURES`, ``employed``, one
    per composition, one per age band, and ``mutation`` when ``is_mutation`` is present.
    """
    resources = pd.to_numeric(flows["resources_pct_ceiling"], errors="coerce").to_numpy(float)
    employed = _flag(flows["is_employed"])
    composition = flows["composition"].astype(object).to_numpy()
    age = pd.to_numeric(flows["holder_age"], errors="coerce").to_numpy(float)
    known_resources = ~np.isnan(resources)
    out = {
        "q1": _flag(flows["is_q1"]),
        **{
            f"resources_below_{t}": np.where(known_resources, resources < t, np.nan)
            for t in (20, 40, 60)
        },
        "employed": employed,
        "no_employment": 1.0 - employed,
        "single_parent": (composition == "famille_monoparentale").astype(float),
        "large_family": _flag(flows["is_large_family"]),
        "holder_65_plus": np.where(np.isnan(age), np.nan, age >= 65),
    }
    for value in COMPOSITION_SHARES:
        out[value] = (composition == value).astype(float)
    edges = [-np.inf, *rules.age_band_edges_years, np.inf]
    for name, (low, high) in zip(
        age_bands(rules.age_band_edges_years), pairwise(edges), strict=True
    ):
        out[name] = np.where(np.isnan(age), np.nan, (age >= low) & (age < high))
    if "is_mutation" in flows:
        out["mutation"] = _flag(flows["is_mutation"])
    return pd.DataFrame(out, index=flows.index)


def flow_profile(
    flows: pd.DataFrame,
    residences: pd.DataFrame,
    level: str,
    years: Iterable[int] | None = None,
    *,
    rules: StockRules | None = None,
) -> pd.DataFrame:
    """Profile of the entrants (attributions) or leavers (departures) per territory and year.

    Parameters
    ----------
    flows : DataFrame
        Attributions or departures: ``residence_id``, ``year`` and the household columns;
        ``is_mutation`` (entrants) and ``tenure_years`` (leavers) are used when present.
    residences : DataFrame
        The residences table (territory of each flow).
    level : str
        ``epci``, ``commune``, ``quartier`` or ``residence``.
    years : iterable of int, optional
        Years to return (min to max of ``flows["year"]`` by default).
    rules : StockRules, optional
        For the age bands.

    Returns
    -------
    DataFrame
        ``territory_code``, ``year``, ``n_households``, then ``<measure>_pct`` for every column
        of :func:`household_measures` (share among households whose value is known, in %),
        ``mean_household_size`` and, for leavers, ``mean_tenure_years``. Rows of a year absent
        from ``flows`` are all NaN.
    """
    rules = load_stock_rules() if rules is None else rules
    measures = household_measures(flows, rules)
    shares = [f"{c}_pct" for c in measures.columns]
    frame = (measures * 100.0).set_axis(shares, axis=1)
    frame["mean_household_size"] = pd.to_numeric(flows["household_size"]).to_numpy(float)
    if "tenure_years" in flows:
        frame["mean_tenure_years"] = pd.to_numeric(flows["tenure_years"]).to_numpy(float)
    frame["territory_code"] = residence_territories(flows["residence_id"], residences, level)
    frame["year"] = flows["year"].to_numpy(dtype=int)
    frame = frame[frame["territory_code"].notna()]
    grouped = frame.groupby(["territory_code", "year"])
    out = grouped.mean()
    out.insert(0, "n_households", grouped.size().astype(float))
    present = np.unique(flows["year"].to_numpy(dtype=int))
    if years is None:
        years = np.arange(present.min(), present.max() + 1) if present.size else []
    territories = territory_list(residences, level)
    index = pd.MultiIndex.from_product([territories, list(years)], names=["territory_code", "year"])
    out = out.reindex(index)
    has_data = out.index.get_level_values("year").isin(present)
    out.loc[has_data, "n_households"] = out.loc[has_data, "n_households"].fillna(0.0)
    return out.reset_index()


def equality_rule(
    attributions: pd.DataFrame,
    residences: pd.DataFrame,
    by: str = "epci",
    *,
    rules: StockRules | None = None,
) -> pd.DataFrame:
    """Attribution objectives of CCH L441-1 per year and per EPCI, commune, quartier or bailleur.

    Parameters
    ----------
    attributions : DataFrame
        ``residence_id``, ``year``, ``is_q1``.
    residences : DataFrame
        ``residence_id``, ``is_qpv``, ``bailleur`` and the territory codes.
    by : str, default "epci"
        ``epci``, ``commune``, ``quartier``, ``residence`` or ``bailleur``.
    rules : StockRules, optional
        Thresholds (25 % and 50 % by default).

    Returns
    -------
    DataFrame
        ``group_code``, ``year``, ``n_outside_qpv``, ``n_outside_qpv_q1``,
        ``outside_qpv_q1_pct``, ``outside_qpv_target_pct``, ``is_outside_qpv_target_met``,
        ``n_in_qpv``, ``n_in_qpv_q2_q4``, ``in_qpv_q2_q4_pct``, ``in_qpv_target_pct``,
        ``is_in_qpv_target_met``. Shares and verdicts are NaN / NA without attributions of the
        kind (e.g. a commune without QPV).
    """
    rules = load_stock_rules() if rules is None else rules
    position = pd.Index(residences["residence_id"]).get_indexer(attributions["residence_id"])
    known = position >= 0
    pos = position[known]
    if by == "bailleur":
        group = residences["bailleur"].astype(object).to_numpy()[pos]
    else:
        group = residence_territories(attributions["residence_id"], residences, by)[known]
    in_qpv = residences["is_qpv"].to_numpy(dtype=bool)[pos]
    q1 = _flag(attributions["is_q1"])[known]
    frame = pd.DataFrame(
        {
            "group_code": group,
            "year": attributions["year"].to_numpy(dtype=int)[known],
            "n_outside_qpv": (~in_qpv).astype(int),
            "n_outside_qpv_q1": ((~in_qpv) & (q1 == 1)).astype(int),
            "n_in_qpv": in_qpv.astype(int),
            "n_in_qpv_q2_q4": (in_qpv & (q1 == 0)).astype(int),
        }
    ).dropna(subset=["group_code"])
    out = frame.groupby(["group_code", "year"]).sum().reset_index()
    outside = out["n_outside_qpv"].where(out["n_outside_qpv"] > 0)
    inside = out["n_in_qpv"].where(out["n_in_qpv"] > 0)
    out["outside_qpv_q1_pct"] = 100.0 * out["n_outside_qpv_q1"] / outside
    out["outside_qpv_target_pct"] = rules.outside_qpv_q1_min_pct
    out["is_outside_qpv_target_met"] = _verdict(
        out["outside_qpv_q1_pct"], rules.outside_qpv_q1_min_pct
    )
    out["in_qpv_q2_q4_pct"] = 100.0 * out["n_in_qpv_q2_q4"] / inside
    out["in_qpv_target_pct"] = rules.in_qpv_q2_q4_min_pct
    out["is_in_qpv_target_met"] = _verdict(out["in_qpv_q2_q4_pct"], rules.in_qpv_q2_q4_min_pct)
    order = [
        "group_code", "year", "n_outside_qpv", "n_outside_qpv_q1", "outside_qpv_q1_pct",
        "outside_qpv_target_pct", "is_outside_qpv_target_met", "n_in_qpv", "n_in_qpv_q2_q4",
        "in_qpv_q2_q4_pct", "in_qpv_target_pct", "is_in_qpv_target_met",
    ]  # fmt: skip
    return out[order]


def _verdict(share: pd.Series, target: float) -> pd.Series:
    verdict = (share >= target - 1e-9).astype("boolean")
    return verdict.mask(share.isna())
