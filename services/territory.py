"""Key figures of the territory: per commune, per Poitiers quartier and for the whole EPCI.

These are the figures shown beside the élus' map when a commune or a quartier is selected
(population, social dwellings, SRU rate, share of the social stock in QPV…), always next to the
same figure for the EPCI. The mappable indicators themselves are described in
:mod:`services.map_indicators`.
"""

from __future__ import annotations

import pandas as pd

from services.stock import stock_by_territory

_STOCK = ["n_residences", "n_dwellings", "n_dwellings_qpv"]


def with_stock(base: pd.DataFrame, residences: pd.DataFrame, level: str) -> pd.DataFrame:
    """Join to ``base`` (indexed by territory code) its residences, dwellings, dwellings in QPV
    (0 without social stock) and ``qpv_share_pct`` (NaN without social stock)."""
    stock = stock_by_territory(residences, level)[_STOCK]
    frame = base.join(stock)
    frame[_STOCK] = frame[_STOCK].fillna(0).astype(int)
    has_stock = frame["n_dwellings"] > 0
    frame["qpv_share_pct"] = (
        100.0 * frame["n_dwellings_qpv"] / frame["n_dwellings"].where(has_stock)
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
        One row per residence: ``residence_id``, ``commune_code``, ``quartier_code``,
        ``n_dwellings`` and typology counts, ``is_qpv``.
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
    frame = with_stock(base, residences, "commune")
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
    return with_stock(base, residences, "quartier")


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
