"""Offer against demand (document cadre, part IV.1.b): vacant offer, re-letting, demand pressure.

Definitions
-----------
- **Available offer at a date** *d*: vacancy periods of an offered cause (``rotation`` by default:
  technical vacancy for works is not offered) with ``start_date <= d < end_date`` (empty
  ``end_date``: still vacant). « Depuis plus de 3 mois »: vacant for more than
  ``long_vacancy_months`` (91 days).
- **Time to re-let**: days from ``start_date`` (departure) to ``end_date`` (new lease) of the
  vacancy periods of an offered cause that started in the chosen window. Periods still open at the
  extract date are censored there; the median and quartiles are Kaplan–Meier estimates, so that
  what stays vacant counts (a plain median of the re-let periods alone would look too fast). A
  quantile that the survival curve never reaches is NaN: « more than a quarter still vacant ».
- **Active demand**: the rows of the latest SNE extract, by first requested commune and
  typology. **Pressure**: active demands / attributions of the ``pressure_window_months`` months
  up to the extract date (same typology, commune of the attributed residence); NaN without
  attributions. **Abnormally long**: filed more than ``abnormal_delay_months`` (18) months before
  the extract date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from itertools import pairwise

import numpy as np
import pandas as pd

from services.stock import StockRules, load_stock_rules

RENT_BAND = "rent_band"
_RESIDENCE_KEYS = ("commune_code", "quartier_code", "bailleur", "is_qpv")


def rent_band_labels(edges: Sequence[float]) -> list[str]:
    """French labels of the rent bands: « moins de 300 € », « de 300 à moins de 400 € »…"""
    labels = [f"moins de {edges[0]:g} €"]
    labels += [f"de {low:g} à moins de {high:g} €" for low, high in pairwise(edges)]
    return [*labels, f"{edges[-1]:g} € et plus"]


def rent_band(rent_eur_month: pd.Series, edges: Sequence[float]) -> pd.Series:
    """Rent band of each rent (left-closed: 300 € falls in « de 300 à moins de 400 € »)."""
    bins = [-np.inf, *edges, np.inf]
    return pd.cut(rent_eur_month, bins=bins, labels=rent_band_labels(edges), right=False)


def _with_keys(
    vacancies: pd.DataFrame, residences: pd.DataFrame, by: Sequence[str], rules: StockRules
) -> pd.DataFrame:
    frame = vacancies.copy()
    needed = [k for k in by if k in _RESIDENCE_KEYS and k not in frame]
    if needed:
        info = residences.set_index("residence_id")[needed]
        frame = frame.join(info, on="residence_id")
    if RENT_BAND in by:
        frame[RENT_BAND] = rent_band(frame["rent_eur_month"], rules.rent_band_edges_eur_month)
    frame["start_date"] = pd.to_datetime(frame["start_date"])
    frame["end_date"] = pd.to_datetime(frame["end_date"])
    return frame[frame["cause"].isin(rules.offered_causes)]


def _as_of(frame: pd.DataFrame, as_of: dt.date | None) -> pd.Timestamp:
    if as_of is not None:
        return pd.Timestamp(as_of)
    return pd.concat([frame["start_date"], frame["end_date"]]).max()


def vacant_offer(
    vacancies: pd.DataFrame,
    residences: pd.DataFrame,
    date: dt.date,
    by: Sequence[str] = ("typology",),
    *,
    rules: StockRules | None = None,
) -> pd.DataFrame:
    """Dwellings available for letting at ``date``.

    Parameters
    ----------
    vacancies : DataFrame
        ``vacancy_id``, ``residence_id``, ``typology``, ``rent_eur_month``, ``start_date``,
        ``end_date``, ``cause``.
    residences : DataFrame
        For ``commune_code``, ``quartier_code``, ``bailleur``, ``is_qpv``.
    date : date
        The day of the count.
    by : sequence of str, default ("typology",)
        Any of ``typology``, ``rent_band``, ``commune_code``, ``quartier_code``, ``bailleur``,
        ``is_qpv``, ``residence_id``; empty for one total row.
    rules : StockRules, optional
        Offered causes, long-vacancy threshold, rent bands.

    Returns
    -------
    DataFrame
        The ``by`` columns, ``n_vacant``, ``n_vacant_long``, ``median_vacant_days`` (days vacant
        so far, at ``date``). Only groups with vacant dwellings.
    """
    rules = load_stock_rules() if rules is None else rules
    by = list(by)
    frame = _with_keys(vacancies, residences, by, rules)
    day = pd.Timestamp(date)
    open_ = (frame["start_date"] <= day) & ~(frame["end_date"] <= day)
    frame = frame[open_].assign(days=(day - frame.loc[open_, "start_date"]).dt.days)
    frame["is_long"] = frame["days"] > rules.long_vacancy_days
    grouped = frame.groupby(by, observed=True) if by else frame.groupby(lambda _: 0)
    out = grouped.agg(
        n_vacant=("days", "size"),
        n_vacant_long=("is_long", "sum"),
        median_vacant_days=("days", "median"),
    )
    return out.reset_index(drop=not by)


def _km_curve(durations: np.ndarray, observed: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Event times and Kaplan–Meier survival just after each of them."""
    times = np.unique(durations[observed])
    sorted_all = np.sort(durations)
    at_risk = sorted_all.size - np.searchsorted(sorted_all, times, side="left")
    events = np.bincount(np.searchsorted(times, durations[observed]), minlength=times.size)
    return times, np.cumprod(1.0 - events / at_risk)


def kaplan_meier_quantiles(
    durations: np.ndarray, observed: np.ndarray, quantiles: Sequence[float] = (0.25, 0.5, 0.75)
) -> list[float]:
    """Quantiles of a duration with right-censoring (Kaplan–Meier).

    Parameters
    ----------
    durations : array of float
        Durations (e.g. days vacant).
    observed : array of bool
        True when the end was observed (re-let), False when censored (still vacant).
    quantiles : sequence of float
        Probabilities *p*; the *p*-quantile is the smallest duration *t* with survival
        S(t) ≤ 1 − *p*.

    Returns
    -------
    list of float
        NaN for a quantile the survival curve never reaches.
    """
    times, survival = _km_curve(np.asarray(durations, float), np.asarray(observed, bool))
    out = []
    for p in quantiles:
        reached = np.flatnonzero(survival <= 1.0 - p + 1e-12)
        out.append(float(times[reached[0]]) if reached.size else float("nan"))
    return out


def kaplan_meier_survival(durations: np.ndarray, observed: np.ndarray, t: float) -> float:
    """Kaplan–Meier share (in %) of durations longer than ``t``.

    NaN when nobody was followed beyond ``t`` and the curve has not reached 0 (unknown).
    """
    durations = np.asarray(durations, float)
    times, survival = _km_curve(durations, np.asarray(observed, bool))
    idx = np.searchsorted(times, t, side="right") - 1
    value = float(survival[idx]) if idx >= 0 else 1.0
    if value > 0 and not (durations > t).any():
        return float("nan")
    return 100.0 * value


def relet_times(
    vacancies: pd.DataFrame,
    residences: pd.DataFrame,
    by: Sequence[str] = ("typology",),
    *,
    start_from: dt.date | None = None,
    start_to: dt.date | None = None,
    as_of: dt.date | None = None,
    rules: StockRules | None = None,
) -> pd.DataFrame:
    """Time to re-let (Kaplan–Meier median and quartiles) per group.

    Parameters
    ----------
    vacancies, residences : DataFrame
        As in :func:`vacant_offer`.
    by : sequence of str, default ("typology",)
        Grouping columns (see :func:`vacant_offer`); empty for one total row.
    start_from, start_to : date, optional
        Keep the periods that started in ``[start_from, start_to]`` (all by default).
    as_of : date, optional
        Extract date: open periods are censored there (latest date of the table by default).
    rules : StockRules, optional
        Offered causes, long-vacancy threshold, rent bands.

    Returns
    -------
    DataFrame
        The ``by`` columns, ``n_periods``, ``n_relet``, ``n_still_vacant``, ``q1_days``,
        ``median_days``, ``q3_days``, ``long_vacancy_pct`` (Kaplan–Meier share still vacant
        after the long-vacancy threshold, in %).
    """
    rules = load_stock_rules() if rules is None else rules
    by = list(by)
    frame = _with_keys(vacancies, residences, by, rules)
    as_of_ts = _as_of(frame, as_of)
    if start_from is not None:
        frame = frame[frame["start_date"] >= pd.Timestamp(start_from)]
    if start_to is not None:
        frame = frame[frame["start_date"] <= pd.Timestamp(start_to)]
    frame = frame[frame["start_date"] <= as_of_ts]
    relet = frame["end_date"].notna() & (frame["end_date"] <= as_of_ts)
    ends = frame["end_date"].where(relet, as_of_ts)
    frame = frame.assign(days=(ends - frame["start_date"]).dt.days.astype(float), relet=relet)
    long_days = rules.long_vacancy_days
    rows = []
    groups = frame.groupby(by, observed=True, sort=True) if by else [((), frame)]
    for key, part in groups:
        days, done = part["days"].to_numpy(), part["relet"].to_numpy()
        q1, median, q3 = kaplan_meier_quantiles(days, done)
        survival_long = kaplan_meier_survival(days, done, long_days)
        key = key if isinstance(key, tuple) else (key,)
        rows.append(
            (*key, len(part), int(done.sum()), int((~done).sum()), q1, median, q3, survival_long)
        )
    columns = [*by, "n_periods", "n_relet", "n_still_vacant", "q1_days", "median_days", "q3_days"]
    return pd.DataFrame(rows, columns=[*columns, "long_vacancy_pct"])


# --- Demand --------------------------------------------------------------------------------------


def _latest_extract(demands: pd.DataFrame, extract_date: dt.date | None) -> tuple:
    dates = pd.to_datetime(demands["extract_date"])
    day = dates.max() if extract_date is None else pd.Timestamp(extract_date)
    return demands[dates == day], day


def demand_pressure(
    demands: pd.DataFrame,
    attributions: pd.DataFrame,
    residences: pd.DataFrame,
    by: Sequence[str] = ("commune_code", "typology"),
    *,
    extract_date: dt.date | None = None,
    rules: StockRules | None = None,
) -> pd.DataFrame:
    """Active demand, abnormally long demands and pressure per first-choice commune and typology.

    Parameters
    ----------
    demands : DataFrame
        SNE extract: ``demand_id``, ``filing_date``, ``extract_date``, ``requested_communes``
        (first code = first choice), ``typology``, ``is_mutation``.
    attributions : DataFrame
        ``residence_id``, ``date``, ``typology``.
    residences : DataFrame
        For the commune of the attributed residence.
    by : sequence of str, default ("commune_code", "typology")
        Any of ``commune_code`` and ``typology``; empty for one total row.
    extract_date : date, optional
        The extract to use (the latest by default).
    rules : StockRules, optional
        Abnormal delay and pressure window.

    Returns
    -------
    DataFrame
        The ``by`` columns, ``n_demands``, ``n_mutation``, ``mutation_pct``,
        ``n_abnormally_long``, ``abnormally_long_pct``, ``n_attributions`` (window up to the
        extract date), ``pressure_ratio`` (demands per attribution, NaN without attribution).
    """
    rules = load_stock_rules() if rules is None else rules
    by = list(by)
    active, day = _latest_extract(demands, extract_date)
    limit = day - pd.DateOffset(months=rules.abnormal_delay_months)
    demand = pd.DataFrame(
        {
            "commune_code": active["requested_communes"]
            .astype(str)
            .str.split(";")
            .str[0]
            .str.strip(),
            "typology": active["typology"].to_numpy(),
            "is_mutation": active["is_mutation"].astype(bool).to_numpy(),
            "is_long": (pd.to_datetime(active["filing_date"]) < limit).to_numpy(),
        }
    )
    start = day - pd.DateOffset(months=rules.pressure_window_months)
    dates = pd.to_datetime(attributions["date"])
    window = attributions[(dates > start) & (dates <= day)]
    communes = residences.set_index("residence_id")["commune_code"]
    supply = pd.DataFrame(
        {
            "commune_code": communes.reindex(window["residence_id"]).to_numpy(),
            "typology": window["typology"].to_numpy(),
        }
    ).dropna()
    key = by if by else (lambda _: 0)
    out = demand.groupby(key).agg(
        n_demands=("is_long", "size"),
        n_mutation=("is_mutation", "sum"),
        n_abnormally_long=("is_long", "sum"),
    )
    out = out.join(supply.groupby(key).size().rename("n_attributions"), how="outer")
    out = out.fillna({"n_demands": 0, "n_mutation": 0, "n_abnormally_long": 0, "n_attributions": 0})
    out["mutation_pct"] = 100.0 * out["n_mutation"] / out["n_demands"].where(out["n_demands"] > 0)
    out["abnormally_long_pct"] = (
        100.0 * out["n_abnormally_long"] / out["n_demands"].where(out["n_demands"] > 0)
    )
    out["pressure_ratio"] = out["n_demands"] / out["n_attributions"].where(
        out["n_attributions"] > 0
    )
    order = [
        "n_demands", "n_mutation", "mutation_pct", "n_abnormally_long", "abnormally_long_pct",
        "n_attributions", "pressure_ratio",
    ]  # fmt: skip
    return out[order].reset_index(drop=not by)


def abnormally_long_demands(
    demands: pd.DataFrame,
    *,
    extract_date: dt.date | None = None,
    rules: StockRules | None = None,
) -> pd.DataFrame:
    """Active demands filed more than ``abnormal_delay_months`` before the extract, oldest first.

    Returns
    -------
    DataFrame
        The demand rows with ``first_choice_code`` and ``age_months`` (whole months elapsed).
    """
    rules = load_stock_rules() if rules is None else rules
    active, day = _latest_extract(demands, extract_date)
    filed = pd.to_datetime(active["filing_date"])
    limit = day - pd.DateOffset(months=rules.abnormal_delay_months)
    months = (day.year - filed.dt.year) * 12 + (day.month - filed.dt.month)
    months = months - (filed.dt.day > day.day).astype(int)
    out = active.assign(
        first_choice_code=active["requested_communes"].astype(str).str.split(";").str[0],
        age_months=months,
    )
    out = out[filed < limit]
    return out.sort_values(["filing_date", "demand_id"], ignore_index=True)
