"""The figures of the fiches territoriales, for every territory of a level at once.

A batch prints the EPCI, 40 communes and every Poitiers quartier: each table below is computed
once per level (:func:`level_figures`, kept on the :class:`ExportData`) and every fiche picks its
rows. Occupancy and flow figures are masked by the export rules (:mod:`services.export_rules`)
here, before anything is formatted: ``reports/`` never sees a hidden figure.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from services.export_data import ExportData
from services.export_rules import export_secrecy
from services.flows import equality_rule, flow_profile
from services.occupancy import sitting_profile
from services.residence_card import PROFILE_MEASURES
from services.stock import rotation_rates, stock_by_territory, territory_codes, vacancy_rates

FICHE_LEVELS = ("epci", "commune", "quartier")
# Construction periods of the stock (dwellings built in [low, high)).
AGE_BANDS = (
    ("avant 1949", -np.inf, 1949),
    ("1949 à 1974", 1949, 1975),
    ("1975 à 1989", 1975, 1990),
    ("1990 à 2004", 1990, 2005),
    ("2005 et après", 2005, np.inf),
)
DPE_CLASSES = ("A", "B", "C", "D", "E", "F", "G")
OCCUPANCY_COLUMNS = (
    "res_below_40_pct",
    "no_employment_pct",
    "single_parent_pct",
    "large_family_pct",
    "over_65_pct",
    "housing_benefit_pct",
)
FLAGS = ("rebalance", "capacity", "balanced", "not_evaluated")


@dataclass(frozen=True)
class LevelFigures:
    """Every figure of the fiches of one level, one row per territory (code in the index or in
    ``territory_code``).

    Attributes
    ----------
    level : str
        ``epci``, ``commune`` or ``quartier``.
    stock : pandas.DataFrame
        :func:`services.stock.stock_by_territory`.
    age : pandas.DataFrame
        Dwellings per construction period (:data:`AGE_BANDS`), by territory.
    dpe : pandas.DataFrame
        Dwellings per energy label (A…G, ``inconnue``), by territory.
    rotation, vacancy : pandas.DataFrame
        Rates per territory and year.
    sitting : pandas.DataFrame
        OPS profile per territory and survey year, masked.
    flows : pandas.DataFrame
        Entrants, sitting tenants and leavers over the attribution window, one row per territory
        and kind (``entrants``, ``sitting``, ``leavers``), masked.
    equality : pandas.DataFrame
        The two legal attribution objectives over the window, masked.
    mean_score : pandas.Series
        Dwelling-weighted mean cotation score.
    flags : pandas.DataFrame
        Residences per flag.
    window : tuple of int
        Years of the attribution window.
    sitting_year : int or None
        The latest OPS survey.
    """

    level: str
    stock: pd.DataFrame
    age: pd.DataFrame
    dpe: pd.DataFrame
    rotation: pd.DataFrame
    vacancy: pd.DataFrame
    sitting: pd.DataFrame
    flows: pd.DataFrame
    equality: pd.DataFrame
    mean_score: pd.Series
    flags: pd.DataFrame
    window: tuple[int, ...]
    sitting_year: int | None


def level_figures(data: ExportData, level: str) -> LevelFigures:
    """The figures of every territory of ``level``, computed once per data set."""
    if level not in FICHE_LEVELS:
        raise ValueError(
            f"niveau de fiche inconnu : « {level} » (attendu : {', '.join(FICHE_LEVELS)})."
        )
    key = ("fiche_figures", level)
    if key not in data.memo:
        data.memo[key] = _compute(data, level)
    return data.memo[key]


def _weighted_counts(data: ExportData, level: str, categories: pd.Series) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "territory_code": territory_codes(data.residences, level),
            "category": categories.to_numpy(),
            "n_dwellings": data.residences["n_dwellings"].to_numpy(dtype=float),
        }
    ).dropna(subset=["territory_code"])
    return frame.pivot_table(
        index="territory_code",
        columns="category",
        values="n_dwellings",
        aggfunc="sum",
        fill_value=0.0,
    )


def _age_categories(data: ExportData) -> pd.Series:
    built = pd.to_numeric(data.residences["year_built"], errors="coerce")
    out = pd.Series("inconnue", index=built.index, dtype=object)
    for label, low, high in AGE_BANDS:
        out[(built >= low) & (built < high)] = label
    return out


def _window(data: ExportData) -> tuple[int, ...]:
    last = int(data.attributions["year"].max())
    span = data.stock_rules.equality_window_years
    present = set(data.attributions["year"].astype(int))
    return tuple(y for y in range(last - span + 1, last + 1) if y in present)


def _flows(data: ExportData, level: str, window: tuple[int, ...], sitting: pd.DataFrame):
    last = window[-1]
    frames = []
    for kind, table in (("entrants", data.attributions), ("leavers", data.departures)):
        rows = table[table["year"].isin(window)]
        # the window's flows are pooled as one period (one year label for all of them)
        pooled = flow_profile(rows.assign(year=last), data.residences, level, [last])
        pooled["kind"] = kind
        frames.append(pooled.drop(columns="year"))
    latest = sitting.dropna(subset=["n_households"])
    latest = latest.sort_values("survey_year").groupby("territory_code").tail(1)
    renamed = latest.rename(columns={v: k for k, v in PROFILE_MEASURES.items()})
    renamed["kind"] = "sitting"
    frames.append(renamed)
    columns = ["territory_code", "kind", "n_households", *PROFILE_MEASURES]
    out = pd.concat([f.reindex(columns=columns) for f in frames], ignore_index=True)
    out["n_households"] = out["n_households"].fillna(0.0)
    return export_secrecy(out, list(PROFILE_MEASURES), data.residences, level)


def _equality(data: ExportData, level: str, window: tuple[int, ...]) -> pd.DataFrame:
    rows = data.attributions[data.attributions["year"].isin(window)]
    table = equality_rule(rows.assign(year=window[-1]), data.residences, level)
    table = table.rename(columns={"group_code": "territory_code"})
    outside = export_secrecy(
        table, ["outside_qpv_q1_pct"], data.residences, level, count_column="n_outside_qpv"
    )
    inside = export_secrecy(
        table, ["in_qpv_q2_q4_pct"], data.residences, level, count_column="n_in_qpv"
    )
    outside["outside_reason"] = outside["mask_reason"]
    outside["in_qpv_q2_q4_pct"] = inside["in_qpv_q2_q4_pct"]
    outside["inside_reason"] = inside["mask_reason"]
    return outside.set_index("territory_code")


def _mean_score(data: ExportData, level: str) -> pd.Series:
    ids = data.residences["residence_id"]
    score = data.scores["score"].reindex(ids).to_numpy(dtype=float)
    weight = data.residences["n_dwellings"].to_numpy(dtype=float) * ~np.isnan(score)
    frame = pd.DataFrame(
        {
            "territory_code": territory_codes(data.residences, level),
            "weighted": np.nan_to_num(score) * weight,
            "weight": weight,
        }
    ).dropna(subset=["territory_code"])
    sums = frame.groupby("territory_code")[["weighted", "weight"]].sum()
    return sums["weighted"] / sums["weight"].where(sums["weight"] > 0)


def _compute(data: ExportData, level: str) -> LevelFigures:
    residences = data.residences
    sitting = sitting_profile(data.occupancy, residences, level)
    sitting = export_secrecy(sitting, list(OCCUPANCY_COLUMNS), residences, level)
    answered = sitting.dropna(subset=["n_households"])
    window = _window(data)
    flags = data.flags.reindex(residences["residence_id"]).fillna("not_evaluated")
    counts = pd.crosstab(territory_codes(residences, level), flags.to_numpy())
    flag_counts = counts.reindex(columns=list(FLAGS), fill_value=0)
    return LevelFigures(
        level=level,
        stock=stock_by_territory(residences, level),
        age=_weighted_counts(data, level, _age_categories(data)),
        dpe=_weighted_counts(data, level, data.residences["dpe_label"].fillna("inconnue")),
        rotation=rotation_rates(data.departures, residences, level),
        vacancy=vacancy_rates(data.vacancies, residences, level, rules=data.stock_rules),
        sitting=sitting,
        flows=_flows(data, level, window, sitting),
        equality=_equality(data, level, window),
        mean_score=_mean_score(data, level),
        flags=flag_counts,
        window=window,
        sitting_year=int(answered["survey_year"].max()) if len(answered) else None,
    )
