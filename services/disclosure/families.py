"""The contributions behind each published table of households, per residence.

Each function turns one of the housing tables into a :class:`~services.disclosure.suppression.
Family`: for every residence of the tree, the households whose answer to each question is known
(the base each share is computed on), split by *type* when the table publishes several slices
of a territory together.

- :func:`ops_family`: one OPS share of one survey year (``n_households`` of a residence when its
  share is known).
- :func:`flow_family`: the profile of the entrants or the leavers of one year, every measure of
  the profile at once (composition and age shares sum to 100 %, so they are masked together).
- :func:`equality_family`: the attribution objectives of one year, published for the residences
  in QPV and outside (two types), allowed only where that year's entrants' profile is published.
- :func:`intake_family`: entrants of a survey year and the next, compared with the sitting
  tenants; the two years are slices, allowed only where both yearly profiles are published.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from services.disclosure.hierarchy import Hierarchy
from services.disclosure.suppression import Family
from services.flows import household_measures
from services.stock import StockRules

ONE_TYPE = (np.ones(1, dtype=bool),)


def _positions(tree: Hierarchy, residence_ids: pd.Series) -> np.ndarray:
    return tree.residence_ids.get_indexer(pd.Index(residence_ids.astype(str)))


def ops_family(tree: Hierarchy, occupancy: pd.DataFrame, survey_year: int, column: str) -> Family:
    """Households behind one OPS share of one survey, per residence.

    Parameters
    ----------
    tree : Hierarchy
        The residences.
    occupancy : pandas.DataFrame
        OPS rows: ``residence_id``, ``survey_year``, ``n_households`` and the share columns.
    survey_year : int
        The survey.
    column : str
        The share (e.g. ``res_below_40_pct``).

    Returns
    -------
    Family
        One type, one measure: ``n_households`` where the share is known, else 0.
    """
    rows = occupancy[occupancy["survey_year"] == survey_year]
    households = pd.to_numeric(rows["n_households"], errors="coerce").to_numpy(float)
    known = pd.to_numeric(rows[column], errors="coerce").notna().to_numpy() & (households > 0)
    base = np.zeros((len(tree.residence_ids), 1, 1))
    where = _positions(tree, rows["residence_id"])
    keep = (where >= 0) & known
    np.add.at(base[:, 0, 0], where[keep], households[keep])
    return Family(base)


def flow_measures(flows: pd.DataFrame, rules: StockRules) -> pd.DataFrame:
    """Known (1) or unknown (0) answer of each flow to each measure of its profile.

    The measures of :func:`services.flows.household_measures`, ``household_size`` and, for the
    leavers, ``tenure_years``.
    """
    known = household_measures(flows, rules).notna().astype(float)
    known["household_size"] = pd.to_numeric(flows["household_size"], errors="coerce").notna()
    if "tenure_years" in flows:
        known["tenure_years"] = pd.to_numeric(flows["tenure_years"], errors="coerce").notna()
    return known.astype(float)


def _counts(
    tree: Hierarchy, flows: pd.DataFrame, known: pd.DataFrame, types: np.ndarray, n_types: int
) -> np.ndarray:
    base = np.zeros((len(tree.residence_ids), n_types, known.shape[1]))
    where = _positions(tree, flows["residence_id"])
    keep = where >= 0
    np.add.at(base, (where[keep], types[keep]), known.to_numpy(float)[keep])
    return base


def flow_family(
    tree: Hierarchy, flows: pd.DataFrame, year: int, rules: StockRules
) -> tuple[Family, list[str]]:
    """Households behind the profile of the entrants (or leavers) of one year.

    Returns
    -------
    tuple
        The family (one type, one measure per column of :func:`flow_measures`) and the measure
        names.
    """
    rows = flows[flows["year"] == year]
    known = flow_measures(rows, rules)
    base = _counts(tree, rows, known, np.zeros(len(rows), dtype=np.intp), 1)
    return Family(base), list(known.columns)


def equality_family(
    tree: Hierarchy,
    attributions: pd.DataFrame,
    residences: pd.DataFrame,
    year: int,
    allowed: np.ndarray,
) -> Family:
    """Households behind the attribution objectives of one year (known first quartile).

    Types: outside QPV (0) and in QPV (1), by the residence; both slices are published.
    ``allowed``: nodes whose entrants' profile of the year is published.
    """
    rows = attributions[attributions["year"] == year]
    qpv = pd.Series(
        residences["is_qpv"].to_numpy(dtype=bool), index=residences["residence_id"].astype(str)
    )
    in_qpv = qpv.reindex(rows["residence_id"].astype(str)).fillna(False).to_numpy(dtype=bool)
    known = pd.DataFrame({"q1": pd.Series(rows["is_q1"]).notna().to_numpy(float)})
    base = _counts(tree, rows, known, in_qpv.astype(np.intp), 2)
    slices = (np.array([True, False]), np.array([False, True]))
    return Family(base, slices, allowed)


def intake_family(
    tree: Hierarchy,
    attributions: pd.DataFrame,
    survey_year: int,
    measures: Sequence[str],
    rules: StockRules,
    allowed: np.ndarray,
) -> Family:
    """Entrants of ``survey_year`` and the next year, compared with the sitting tenants.

    The comparison pools the two yearly profiles of the territory (types: the year); each year
    is a slice, so the pooled figure adds nothing to them. ``allowed``: nodes where both yearly
    profiles are published.
    """
    years = (survey_year, survey_year + 1)
    rows = attributions[attributions["year"].isin(years)]
    offset = (rows["year"].to_numpy(dtype=int) - survey_year).astype(np.intp)
    known = household_measures(rows, rules)[list(measures)].notna().astype(float)
    base = _counts(tree, rows, known, offset, 2)
    slices = (np.array([True, False]), np.array([False, True]))
    return Family(base, slices, allowed)
