"""The social stock of a territory: territories, dwellings, vacancy and rotation by year.

Base of the *Tableau de bord du parc social* (document cadre, action 1.4). A territory is the EPCI,
a commune, a Poitiers quartier or a residence (:class:`Territory`); every figure is computed for
all territories of a level at once, one row per territory (and year), so that a change of
selector only filters a cached frame. The definitions and thresholds come from
``config/stock.toml`` (:func:`load_stock_rules`).

Definitions
-----------
- **Vacancy at 1 January** of year *y*: dwellings whose vacancy period satisfies
  ``start_date <= y-01-01 < end_date`` (an empty ``end_date`` is still vacant at ``as_of``), all
  causes; **over 3 months**: among them, vacant for more than ``long_vacancy_months`` (in days,
  3 × 365.25 / 12 = 91). Rates divide by the dwellings of the territory.
- **Mean vacancy over the year**: vacant dwelling-days of the year / (dwellings × days of the
  year).
- **Coverage.** A vacancy table is taken as complete from its first recorded re-letting (the
  earliest ``end_date``): a period that ended before it cannot be in the table, so older counts
  would be too low. A 1 January before that date or after ``as_of`` is NaN, and so is the mean of
  a year not wholly between the two.
- **Rotation** of year *y*: departures dated in *y* / dwellings of the territory × 100.

The stock of a territory is the current residences table (one snapshot): dwellings are not
dated, so rates of past years divide by today's stock.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

import numpy as np
import pandas as pd

from config import ConfigError, load_toml

CONFIG_FILE = "stock.toml"
LEVELS = ("epci", "commune", "quartier", "residence")
LEVEL_LABELS = {
    "epci": "Intercommunalité",
    "commune": "Commune",
    "quartier": "Quartier",
    "residence": "Résidence",
}
_LEVEL_COLUMNS = {
    "commune": "commune_code",
    "quartier": "quartier_code",
    "residence": "residence_id",
}
DAYS_PER_MONTH = 365.25 / 12


def epci_code() -> str:
    """SIREN of the EPCI, the code of the ``epci`` territory (``[territory]`` of settings.toml)."""
    return str(load_toml("settings.toml")["territory"]["epci_siren"])


@dataclass(frozen=True)
class Territory:
    """A territory of the dashboard: a level and a code.

    Parameters
    ----------
    level : str
        ``epci``, ``commune``, ``quartier`` or ``residence``.
    code : str, optional
        INSEE code, quartier code or residence id; the EPCI's SIREN for ``epci`` (default).
    """

    level: str
    code: str | None = None

    def __post_init__(self) -> None:
        if self.level not in LEVELS:
            raise ValueError(
                f"niveau de territoire inconnu : « {self.level} » (attendu : {', '.join(LEVELS)})."
            )
        if self.code is None:
            if self.level != "epci":
                raise ValueError(f"code manquant pour un territoire de niveau « {self.level} ».")
            object.__setattr__(self, "code", epci_code())

    def label(self, names: Mapping[str, str] | None = None) -> str:
        """French label, e.g. « Commune : Buxerolles ».

        Parameters
        ----------
        names : mapping, optional
            Code → name (communes, quartiers or residences); the code is shown when absent.
        """
        if self.level == "epci":
            return str(load_toml("settings.toml")["territory"]["epci_name"])
        name = (names or {}).get(str(self.code), str(self.code))
        return f"{LEVEL_LABELS[self.level]} : {name}"


# --- Configuration -------------------------------------------------------------------------------


@dataclass(frozen=True)
class IntakeIndicator:
    """An entrants-vs-sitting-tenants indicator (see ``[[intake.indicators]]``)."""

    code: str
    label: str
    entrant_measure: str
    ops_column: str
    fragility_threshold_pct: float | None


@dataclass(frozen=True)
class StockRules:
    """Definitions and thresholds of the dashboard, read from ``config/stock.toml``."""

    long_vacancy_months: float
    offered_causes: tuple[str, ...]
    rent_band_edges_eur_month: tuple[float, ...]
    abnormal_delay_months: int
    abnormal_delay_label: str
    pressure_window_months: int
    age_band_edges_years: tuple[int, ...]
    outside_qpv_q1_min_pct: float
    in_qpv_q2_q4_min_pct: float
    equality_rule_label: str
    equality_rule_reference: str
    equality_window_years: int
    tolerance_points: float
    min_entrants: int
    indicators: tuple[IntakeIndicator, ...]

    @property
    def long_vacancy_days(self) -> int:
        """The long-vacancy threshold in days (3 months → 91 days)."""
        return round(self.long_vacancy_months * DAYS_PER_MONTH)


ENTRANT_MEASURES = (
    "q1",
    "resources_below_20",
    "resources_below_40",
    "resources_below_60",
    "no_employment",
    "single_parent",
    "large_family",
    "holder_65_plus",
)
OPS_COLUMNS = (
    "res_below_20_pct",
    "res_below_40_pct",
    "res_below_60_pct",
    "single_parent_pct",
    "large_family_pct",
    "no_employment_pct",
    "over_65_pct",
)


def _fail(where: str, message: str) -> ConfigError:
    return ConfigError(f"config/{CONFIG_FILE}, {where} : {message}")


def _get(config: Mapping[str, Any], section: str, key: str) -> Any:
    part = config.get(section)
    if not isinstance(part, Mapping):
        raise _fail(f"[{section}]", "section manquante.")
    if key not in part:
        raise _fail(f"[{section}] « {key} »", "valeur manquante.")
    return part[key]


def _num(config: Mapping[str, Any], section: str, key: str, low: float, high: float) -> float:
    value = _get(config, section, key)
    if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
        raise _fail(
            f"[{section}] « {key} »",
            f"attendu un nombre entre {low:g} et {high:g}, reçu « {value} ».",
        )
    return float(value)


def _edges(config: Mapping[str, Any], section: str, key: str) -> tuple[float, ...]:
    value = _get(config, section, key)
    ok = isinstance(value, list) and all(
        isinstance(v, int | float) and not isinstance(v, bool) for v in value
    )
    if not ok or not value or any(b <= a for a, b in pairwise(value)):
        raise _fail(
            f"[{section}] « {key} »",
            f"attendu une liste de bornes strictement croissantes, reçu « {value} ».",
        )
    return tuple(value)


def _indicators(config: Mapping[str, Any]) -> tuple[IntakeIndicator, ...]:
    rows = _get(config, "intake", "indicators")
    out = []
    for i, row in enumerate(rows, start=1):
        where = f"[[intake.indicators]] n° {i}"
        measure, column = row.get("entrant_measure"), row.get("ops_column")
        if measure not in ENTRANT_MEASURES:
            raise _fail(
                where,
                f"« entrant_measure » inconnu : « {measure} » (attendu : "
                f"{', '.join(ENTRANT_MEASURES)}).",
            )
        if column not in OPS_COLUMNS:
            raise _fail(
                where,
                f"« ops_column » inconnu : « {column} » (attendu : {', '.join(OPS_COLUMNS)}).",
            )
        threshold = row.get("fragility_threshold_pct")
        if threshold is not None and not (
            isinstance(threshold, int | float) and 0 <= threshold <= 100
        ):
            raise _fail(where, f"« fragility_threshold_pct » hors de 0-100 : « {threshold} ».")
        out.append(
            IntakeIndicator(
                code=str(row.get("code", measure)),
                label=str(row.get("label", measure)),
                entrant_measure=measure,
                ops_column=column,
                fragility_threshold_pct=None if threshold is None else float(threshold),
            )
        )
    return tuple(out)


def load_stock_rules(config: Mapping[str, Any] | None = None) -> StockRules:
    """Read and check the dashboard definitions.

    Parameters
    ----------
    config : mapping, optional
        Parsed ``config/stock.toml`` (read from disk by default).

    Raises
    ------
    ConfigError
        French message naming the section, the key and the value received.
    """
    config = load_toml(CONFIG_FILE) if config is None else config
    causes = _get(config, "vacancy", "offered_causes")
    if not isinstance(causes, list) or not set(causes) <= {"rotation", "technique"} or not causes:
        raise _fail(
            "[vacancy] « offered_causes »",
            f"attendu une liste parmi « rotation », « technique », reçu « {causes} ».",
        )
    return StockRules(
        long_vacancy_months=_num(config, "vacancy", "long_vacancy_months", 0, 120),
        offered_causes=tuple(causes),
        rent_band_edges_eur_month=_edges(config, "vacancy", "rent_band_edges_eur_month"),
        abnormal_delay_months=int(_num(config, "demand", "abnormal_delay_months", 1, 240)),
        abnormal_delay_label=str(_get(config, "demand", "abnormal_delay_label")),
        pressure_window_months=int(_num(config, "demand", "pressure_window_months", 1, 120)),
        age_band_edges_years=tuple(
            int(v) for v in _edges(config, "profiles", "age_band_edges_years")
        ),
        outside_qpv_q1_min_pct=_num(config, "equality_rule", "outside_qpv_q1_min_pct", 0, 100),
        in_qpv_q2_q4_min_pct=_num(config, "equality_rule", "in_qpv_q2_q4_min_pct", 0, 100),
        equality_rule_label=str(_get(config, "equality_rule", "label")),
        equality_rule_reference=str(_get(config, "equality_rule", "legal_reference")),
        equality_window_years=int(_num(config, "equality_rule", "window_years", 1, 20)),
        tolerance_points=_num(config, "intake", "tolerance_points", 0, 100),
        min_entrants=int(_num(config, "intake", "min_entrants", 1, 10_000)),
        indicators=_indicators(config),
    )


# --- Territories -----------------------------------------------------------------------------


def territory_codes(residences: pd.DataFrame, level: str) -> np.ndarray:
    """Code of the territory of ``level`` that holds each residence.

    Parameters
    ----------
    residences : DataFrame
        ``residence_id``, ``commune_code``, ``quartier_code``.
    level : str
        One of :data:`LEVELS`.

    Returns
    -------
    numpy.ndarray of object
        Aligned with ``residences``; ``None`` for a residence outside any quartier.
    """
    if level not in LEVELS:
        raise ValueError(
            f"niveau de territoire inconnu : « {level} » (attendu : {', '.join(LEVELS)})."
        )
    if level == "epci":
        return np.full(len(residences), epci_code(), dtype=object)
    values = residences[_LEVEL_COLUMNS[level]].astype(object).to_numpy()
    return np.where(pd.isna(values), None, values).astype(object)


def territory_list(residences: pd.DataFrame, level: str) -> list[str]:
    """Sorted codes of the territories of ``level`` that hold at least one residence."""
    return sorted({c for c in territory_codes(residences, level) if c is not None})


def residence_territories(
    residence_ids: Iterable[str], residences: pd.DataFrame, level: str
) -> np.ndarray:
    """Territory code of each row of a flow table, from its ``residence_id``.

    Rows whose residence is unknown (or outside any quartier) get ``None``.
    """
    codes = np.append(territory_codes(residences, level), None)
    position = pd.Index(residences["residence_id"]).get_indexer(pd.Index(residence_ids))
    return codes[position]  # -1 (unknown residence) picks the trailing None


def select_residences(residences: pd.DataFrame, territory: Territory) -> pd.DataFrame:
    """Residences of ``territory``."""
    return residences[territory_codes(residences, territory.level) == territory.code]


def stock_by_territory(residences: pd.DataFrame, level: str) -> pd.DataFrame:
    """Residences and dwellings per territory.

    Returns
    -------
    DataFrame
        Indexed by ``territory_code``: ``n_residences``, ``n_dwellings``, ``n_dwellings_qpv``,
        ``n_t1`` … ``n_t5_plus``.
    """
    counts = ["n_dwellings", "n_t1", "n_t2", "n_t3", "n_t4", "n_t5_plus"]
    frame = pd.DataFrame({c: residences[c].to_numpy(dtype=np.int64) for c in counts})
    frame["n_dwellings_qpv"] = np.where(
        residences["is_qpv"].to_numpy(dtype=bool), frame["n_dwellings"], 0
    )
    frame["territory_code"] = territory_codes(residences, level)
    grouped = frame.dropna(subset=["territory_code"]).groupby("territory_code")
    out = grouped.sum()
    out.insert(0, "n_residences", grouped.size())
    return out[["n_residences", "n_dwellings", "n_dwellings_qpv", *counts[1:]]]


def _years(years: Iterable[int] | None, *dates: pd.Series) -> np.ndarray:
    if years is not None:
        return np.asarray(sorted(set(years)), dtype=int)
    found = pd.concat([d.dropna().dt.year for d in dates])
    return np.arange(int(found.min()), int(found.max()) + 1) if len(found) else np.array([], int)


def _grid(stock: pd.DataFrame, years: np.ndarray) -> pd.DataFrame:
    index = pd.MultiIndex.from_product([stock.index, years], names=["territory_code", "year"])
    frame = pd.DataFrame(index=index).reset_index()
    frame["n_dwellings"] = stock["n_dwellings"].reindex(frame["territory_code"]).to_numpy()
    return frame


# --- Rotation and vacancy ----------------------------------------------------------------------


def rotation_rates(
    departures: pd.DataFrame,
    residences: pd.DataFrame,
    level: str,
    years: Iterable[int] | None = None,
) -> pd.DataFrame:
    """Departures per year and rotation rate (departures / dwellings × 100) per territory.

    Returns
    -------
    DataFrame
        ``territory_code``, ``year``, ``n_dwellings``, ``n_leavers``, ``rotation_rate_pct``.
        Years without any departure in the whole table are NaN (no data), not 0.
    """
    dates = pd.to_datetime(departures["date"])
    years = _years(years, dates)
    stock = stock_by_territory(residences, level)
    frame = _grid(stock, years)
    keys = pd.DataFrame(
        {
            "territory_code": residence_territories(departures["residence_id"], residences, level),
            "year": dates.dt.year.to_numpy(),
        }
    )
    counts = keys.dropna().groupby(["territory_code", "year"]).size()
    index = pd.MultiIndex.from_frame(frame[["territory_code", "year"]])
    frame["n_leavers"] = counts.reindex(index).fillna(0).to_numpy(dtype=float)
    known = frame["year"].isin(dates.dt.year.unique())
    frame["n_leavers"] = frame["n_leavers"].where(known)
    frame["rotation_rate_pct"] = 100.0 * frame["n_leavers"] / frame["n_dwellings"]
    return frame


def vacancy_rates(
    vacancies: pd.DataFrame,
    residences: pd.DataFrame,
    level: str,
    years: Iterable[int] | None = None,
    *,
    as_of: dt.date | None = None,
    coverage_start: dt.date | None = None,
    rules: StockRules | None = None,
) -> pd.DataFrame:
    """Vacancy at 1 January and on average over the year, per territory (see module docstring).

    Parameters
    ----------
    vacancies : DataFrame
        ``residence_id``, ``start_date``, ``end_date`` (empty: still vacant), ``cause``.
    residences : DataFrame
        The residences table.
    level : str
        Territory level.
    years : iterable of int, optional
        Years to compute (those of the vacancy dates by default).
    as_of : date, optional
        Extract date of the vacancy table (latest date in it by default).
    coverage_start : date, optional
        First day the table is complete (its earliest ``end_date`` by default).
    rules : StockRules, optional
        For the long-vacancy threshold.

    Returns
    -------
    DataFrame
        ``territory_code``, ``year``, ``n_dwellings``, ``n_vacant``, ``n_vacant_long``,
        ``n_vacant_technical`` (at 1 January), ``vacancy_rate_pct``, ``long_vacancy_rate_pct``,
        ``mean_vacancy_rate_pct``.
    """
    rules = load_stock_rules() if rules is None else rules
    start = pd.to_datetime(vacancies["start_date"])
    end = pd.to_datetime(vacancies["end_date"])
    as_of = pd.Timestamp(as_of) if as_of is not None else pd.concat([start, end]).max()
    first = pd.Timestamp(coverage_start) if coverage_start is not None else end.min()
    first = start.min() if pd.isna(first) else first
    years = _years(years, start, end)
    stock = stock_by_territory(residences, level)
    frame = _grid(stock, years)
    codes = residence_territories(vacancies["residence_id"], residences, level)
    position = pd.Index(stock.index).get_indexer(pd.Index(codes))
    keep = position >= 0
    pos = position[keep]
    s = start.to_numpy()[keep]
    end_of_data = as_of + pd.Timedelta(days=1)  # the extract day itself is observed
    e = np.minimum(end.fillna(end_of_data).to_numpy()[keep], end_of_data.to_datetime64())
    technical = (vacancies["cause"].to_numpy() == "technique")[keep]
    long_days = np.timedelta64(rules.long_vacancy_days, "D")
    n_terr = len(stock)
    columns: dict[str, list[np.ndarray]] = {
        k: [] for k in ("n_vacant", "n_vacant_long", "n_vacant_technical", "vacant_days")
    }
    valid_point, valid_year = [], []
    for year in years:
        day = np.datetime64(dt.date(int(year), 1, 1))
        nxt = np.datetime64(dt.date(int(year) + 1, 1, 1))
        open_ = (s <= day) & (day < e)
        columns["n_vacant"].append(np.bincount(pos[open_], minlength=n_terr))
        columns["n_vacant_long"].append(
            np.bincount(pos[open_ & (day - s > long_days)], minlength=n_terr)
        )
        columns["n_vacant_technical"].append(np.bincount(pos[open_ & technical], minlength=n_terr))
        overlap = (np.minimum(e, nxt) - np.maximum(s, day)) / np.timedelta64(1, "D")
        columns["vacant_days"].append(
            np.bincount(pos, weights=np.clip(overlap, 0, None), minlength=n_terr)
        )
        valid_point.append(first <= pd.Timestamp(day) <= as_of)
        valid_year.append(first <= pd.Timestamp(day) and pd.Timestamp(nxt) <= end_of_data)
    # the grid is territory-major: stack the per-year arrays as (territory, year)
    for name, arrays in columns.items():
        matrix = np.vstack(arrays).T if arrays else np.empty((n_terr, 0))
        frame[name] = matrix.reshape(-1).astype(float)
    point_ok = np.tile(np.asarray(valid_point, dtype=bool), n_terr)
    year_ok = np.tile(np.asarray(valid_year, dtype=bool), n_terr)
    for name in ("n_vacant", "n_vacant_long", "n_vacant_technical"):
        frame[name] = frame[name].where(point_ok)
    days_in_year = np.array([(dt.date(y + 1, 1, 1) - dt.date(y, 1, 1)).days for y in years])
    days_in_year = np.tile(days_in_year, n_terr)
    mean_rate = 100.0 * frame["vacant_days"] / (frame["n_dwellings"] * days_in_year)
    frame["vacancy_rate_pct"] = 100.0 * frame["n_vacant"] / frame["n_dwellings"]
    frame["long_vacancy_rate_pct"] = 100.0 * frame["n_vacant_long"] / frame["n_dwellings"]
    frame["mean_vacancy_rate_pct"] = mean_rate.where(year_ok)
    return frame.drop(columns="vacant_days")
