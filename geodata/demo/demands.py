"""Demo extract of the active social housing demands (SNE-like) on 31 December 2025.

About 5,000 active demands, 39 % of them mutations, one in six older than 18 months (the
"délai anormalement long"; old demands are more often large families and mutations). Applicants
ask first for Poitiers or the first ring, then for up to four nearby communes. Pressure varies by
typology: T2 and T3 are most asked for, T5+ and T1 less.

The applicants' resources also fix the first-quartile threshold used for every ``is_q1`` of the
data set: the first quartile of the applicants' resources.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from geodata.communes import CRS_LAMBERT93
from geodata.demo.households import composition_names, draw_households
from geodata.demo.params import (
    COMMUNE_PROFILES,
    EXTRACT_DATE,
    TYPOLOGY_CODES,
    day,
    days_to_dates,
    generator,
)

TYPOLOGY_DEMAND = (0.12, 0.37, 0.33, 0.15, 0.03)
FIRST_CHOICE_WEIGHT = {"poitiers": 1.0, "first_ring": 1.35, "town": 0.75, "rural": 0.35}
EXTRA_CHOICES = (0.34, 0.26, 0.2, 0.12, 0.08)
MISSING_RESOURCES = 0.025
RESOURCE_MEDIAN = 47.0
RESOURCE_SIGMA = 0.75


def draw_demand_resources(n: int) -> np.ndarray:
    """Resources of the applicants (% of the PLUS ceiling), log-normal around 47 %."""
    rng = generator("demands.resources")
    return np.round(
        np.clip(RESOURCE_MEDIAN * np.exp(RESOURCE_SIGMA * rng.standard_normal(n)), 0.0, 400.0), 1
    )


def demand_count() -> int:
    """Number of active demands in the extract."""
    return int(generator("demands.count").integers(4700, 5300))


def q1_threshold(resources: np.ndarray) -> float:
    """First quartile of the applicants' resources, rounded to 0.1 point."""
    return float(np.round(np.quantile(resources, 0.25), 1))


def _choices(
    communes: gpd.GeoDataFrame, stock_by_commune: pd.Series, n: int, rng: np.random.Generator
) -> list[str]:
    codes = communes["commune_code"].to_numpy()
    stock = stock_by_commune.reindex(codes).fillna(0).to_numpy(float)
    klass = np.array([COMMUNE_PROFILES[c][0] for c in codes])
    weight = np.array([FIRST_CHOICE_WEIGHT[k] for k in klass]) * (stock + 5.0) ** 0.9
    first = rng.choice(len(codes), size=n, p=weight / weight.sum())
    centres = communes.to_crs(CRS_LAMBERT93).representative_point()
    xy = np.column_stack([centres.x, centres.y])
    distance_km = np.hypot(xy[:, None, 0] - xy[None, :, 0], xy[:, None, 1] - xy[None, :, 1]) / 1000
    extra = rng.choice(len(EXTRA_CHOICES), size=n, p=EXTRA_CHOICES)
    out = []
    for head, k in zip(first, extra, strict=True):
        chosen = [head]
        if k:
            w = (stock + 2.0) * np.exp(-distance_km[head] / 8.0)
            w[head] = 0.0
            chosen += list(rng.choice(len(codes), size=k, replace=False, p=w / w.sum()))
        out.append(";".join(codes[chosen]))
    return out


def build_demands(
    communes: gpd.GeoDataFrame, stock_by_commune: pd.Series, resources: np.ndarray, threshold: float
) -> pd.DataFrame:
    """Generate the active demands.

    Parameters
    ----------
    communes : geopandas.GeoDataFrame
        The 40 communes (``commune_code``, geometry).
    stock_by_commune : pandas.Series
        Social dwellings per commune code, to weigh the requested communes.
    resources : numpy.ndarray
        The applicants' resources (:func:`draw_demand_resources`).
    threshold : float
        First-quartile threshold (:func:`q1_threshold`).

    Returns
    -------
    pandas.DataFrame
        Columns of the ``demands`` table, sorted by ``demand_id`` (oldest demand first).
    """
    rng = generator("demands")
    n = len(resources)
    typology = rng.choice(5, size=n, p=TYPOLOGY_DEMAND)
    mutation = rng.random(n) < 0.39
    households = draw_households(typology, np.zeros(n), resources, rng)
    p_old = 0.135 + 0.13 * (typology == 4) + 0.06 * (typology == 3) + 0.05 * mutation
    old = rng.random(n) < p_old
    age_days = np.where(old, rng.uniform(549, 2200, n), np.minimum(rng.exponential(220, n), 548))
    extract = day(EXTRACT_DATE)
    filing = extract - np.floor(age_days)
    shown = resources.astype(float).copy()
    shown[rng.random(n) < MISSING_RESOURCES] = np.nan
    frame = pd.DataFrame(
        {
            "filing_date": days_to_dates(filing),
            "extract_date": days_to_dates(np.full(n, float(extract))),
            "requested_communes": _choices(communes, stock_by_commune, n, rng),
            "typology": np.array(TYPOLOGY_CODES, dtype=object)[typology],
            "resources_pct_ceiling": shown,
            "is_q1": resources < threshold,
            "composition": composition_names(households["composition"]),
            "household_size": households["household_size"].astype("int64"),
            "is_large_family": households["n_children"] >= 3,
            "is_employed": households["is_employed"].astype(bool),
            "holder_age": households["holder_age"].astype("int64"),
            "is_mutation": mutation,
        }
    )
    frame = frame.sort_values(
        ["filing_date", "requested_communes"], kind="stable", ignore_index=True
    )
    frame.insert(0, "demand_id", [f"DEM-{i + 1:06d}" for i in range(n)])
    return frame
