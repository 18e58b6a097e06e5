"""The indicator table: raw values of the catalogue's indicators, one row per residence.

:func:`build_indicator_table` turns the residences table (RPLS, PSP, bailleur, BPE columns plus
the latest OPS survey) into what :class:`scoring.CompositeIndex` scores: one row per
``residence_id``, one float column per catalogue code, raw values before normalisation, NaN
where a value is missing.

An indicator whose code is a column of the residences table is taken as it is (OPS shares,
vacancy, rotation, distances, tranquillity, green space, private rent; booleans become 1/0).
The others are derived here, as the catalogue's descriptions say:

- ``dpe_rank``: the DPE label through the scale ``[scales.dpe_label]`` (A = 1 … G = 7);
- ``building_age_years``: reference year − the later of ``year_built`` and ``year_rehab``
  (never negative); the reference year is the year after the latest OPS survey, or the one given;
- ``psp_outlook``: the PSP class through the scale ``[scales.psp_class]``;
- ``rent_to_private_pct``: ``100 × rent_eur_m2 / private_rent_eur_m2``;
- ``typology_diversity_pct``: Shannon entropy of the shares of T1, T2, T3, T4 and T5+,
  ``100 × H / ln 5``;
- ``has_lift``, ``is_qpv``: 1 for yes, 0 for no.

:func:`survey_indicators` derives, the same way and code by code, the indicators that read the
OPS survey shares only (:func:`survey_indicator_codes`), from one survey's shares: the
attribution simulator re-derives them after a simulated move
(:mod:`services.simulation_score`).
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from geodata.schemas import OCCUPANCY_SHARES
from scoring import IndexSpec, load_catalogue, load_scales

TYPOLOGY_COLUMNS = ("n_t1", "n_t2", "n_t3", "n_t4", "n_t5_plus")


@dataclass(frozen=True)
class _Context:
    """What the derivations need besides the residences: the reference year and the scales."""

    reference_year: int
    scales: Mapping[str, Mapping[str, float]]


def indicator_reference_year(residences: pd.DataFrame) -> int:
    """Reference year of the ages: the year after the latest OPS survey.

    Falls back to the current year when no survey year is known.
    """
    if "ops_survey_year" in residences.columns:
        years = pd.to_numeric(residences["ops_survey_year"], errors="coerce")
        if years.notna().any():
            return int(years.max()) + 1
    return dt.date.today().year


def _numeric(residences: pd.DataFrame, column: str) -> np.ndarray:
    values = residences[column]
    if pd.api.types.is_bool_dtype(values.dtype):
        return values.to_numpy(dtype=float, na_value=np.nan)
    try:
        converted = pd.to_numeric(values, errors="raise")
    except (TypeError, ValueError):
        bad = pd.to_numeric(values, errors="coerce").isna() & values.notna()
        example = values[bad].iloc[0]
        raise ValueError(
            f"résidences : valeur « {example} » non numérique dans la colonne « {column} »."
        ) from None
    return pd.Series(converted).to_numpy(dtype=float, na_value=np.nan)


def _key(value: object) -> str:
    return unicodedata.normalize("NFC", str(value)).strip().casefold()


def _scaled(residences: pd.DataFrame, column: str, scale: Mapping[str, float]) -> np.ndarray:
    lookup = {_key(k): v for k, v in scale.items()}
    values = residences[column]
    out = np.full(len(values), np.nan)
    present = values.notna().to_numpy()
    originals = list(values[present])
    keys = [_key(v) for v in originals]
    unknown = sorted({str(v) for v, k in zip(originals, keys, strict=True) if k not in lookup})
    if unknown:
        raise ValueError(
            f"résidences : valeur(s) inconnue(s) dans « {column} » : "
            + ", ".join(f"« {u} »" for u in unknown)
            + f" (attendu : {', '.join(scale)})."
        )
    out[present] = [lookup[k] for k in keys]
    return out


def _dpe_rank(res: pd.DataFrame, ctx: _Context) -> np.ndarray:
    return _scaled(res, "dpe_label", ctx.scales["dpe_label"])


def _psp_outlook(res: pd.DataFrame, ctx: _Context) -> np.ndarray:
    return _scaled(res, "psp_class", ctx.scales["psp_class"])


def _building_age(res: pd.DataFrame, ctx: _Context) -> np.ndarray:
    built = _numeric(res, "year_built")
    rehab = (
        _numeric(res, "year_rehab") if "year_rehab" in res.columns else np.full_like(built, np.nan)
    )
    latest = np.fmax(built, rehab)
    return np.maximum(ctx.reference_year - latest, 0.0)


def _rent_to_private(res: pd.DataFrame, ctx: _Context) -> np.ndarray:
    rent = _numeric(res, "rent_eur_m2")
    private = _numeric(res, "private_rent_eur_m2")
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(private > 0, 100.0 * rent / private, np.nan)


def _typology_diversity(res: pd.DataFrame, ctx: _Context) -> np.ndarray:
    counts = np.column_stack([_numeric(res, c) for c in TYPOLOGY_COLUMNS])
    total = counts.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        shares = counts / total[:, None]
        terms = np.where(shares > 0, -shares * np.log(shares), 0.0)
    entropy = terms.sum(axis=1) / np.log(len(TYPOLOGY_COLUMNS)) * 100.0
    return np.where(total > 0, entropy, np.nan)


# Indicators derived from several columns or through a scale, with the columns they read.
DERIVATIONS: dict[str, tuple[tuple[str, ...], Callable[[pd.DataFrame, _Context], np.ndarray]]] = {
    "dpe_rank": (("dpe_label",), _dpe_rank),
    "building_age_years": (("year_built",), _building_age),
    "psp_outlook": (("psp_class",), _psp_outlook),
    "rent_to_private_pct": (("rent_eur_m2", "private_rent_eur_m2"), _rent_to_private),
    "typology_diversity_pct": (TYPOLOGY_COLUMNS, _typology_diversity),
}


def build_indicator_table(
    residences: pd.DataFrame,
    *,
    reference_year: int | None = None,
    catalogue: IndexSpec | None = None,
) -> pd.DataFrame:
    """Raw indicator values of every residence, one column per catalogue code.

    Parameters
    ----------
    residences : pandas.DataFrame
        One row per residence (``geodata.load_residences()``): ``residence_id`` and the columns
        the indicators read; a geometry column is ignored.
    reference_year : int, optional
        Year the building ages are computed at; by default the year after the latest
        ``ops_survey_year``.
    catalogue : IndexSpec, optional
        The indicators to compute; by default ``config/indicators.toml``.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``residence_id`` (in the order of ``residences``), one float column per
        catalogue code in catalogue order, NaN where a value is missing. ``attrs`` holds the
        ``reference_year`` used.

    Raises
    ------
    ValueError
        French message naming the missing column and the indicator that needs it, a duplicate
        ``residence_id``, a non-numeric value or a category absent from a scale.
    """
    if not isinstance(residences, pd.DataFrame):
        raise TypeError(f"résidences : attendu un DataFrame, reçu {type(residences).__name__}.")
    if "residence_id" not in residences.columns:
        raise ValueError("résidences : colonne « residence_id » absente.")
    ids = residences["residence_id"]
    if ids.isna().any():
        raise ValueError("résidences : identifiant « residence_id » manquant sur une ligne.")
    duplicated = ids[ids.duplicated()].unique()
    if len(duplicated):
        raise ValueError(
            "résidences : identifiant(s) en double : "
            + ", ".join(f"« {d} »" for d in duplicated[:5])
            + "."
        )
    spec = catalogue if catalogue is not None else load_catalogue()
    year = (
        int(reference_year) if reference_year is not None else indicator_reference_year(residences)
    )
    ctx = _Context(year, load_scales())
    columns = {code: _indicator_values(residences, code, ctx) for code in spec.codes}
    table = pd.DataFrame(columns, index=pd.Index(ids.to_numpy(), name="residence_id"))
    table.attrs["reference_year"] = year
    return table


def _indicator_values(residences: pd.DataFrame, code: str, ctx: _Context) -> np.ndarray:
    """Raw values of indicator ``code`` for every row of ``residences`` (module docstring)."""
    if code in DERIVATIONS:
        needed, derive = DERIVATIONS[code]
        missing = [c for c in needed if c not in residences.columns]
        if missing:
            raise ValueError(
                "résidences : colonne(s) "
                + ", ".join(f"« {c} »" for c in missing)
                + f" absente(s), nécessaire(s) à l'indicateur « {code} »."
            )
        return np.asarray(derive(residences, ctx), dtype=float)
    if code in residences.columns:
        return _numeric(residences, code)
    raise ValueError(
        f"résidences : pas de colonne « {code} » ni de calcul connu pour cet indicateur "
        "du catalogue."
    )


def indicator_inputs(code: str) -> tuple[str, ...]:
    """Columns of the residences table that indicator ``code`` is derived from.

    Parameters
    ----------
    code : str
        A catalogue code.

    Returns
    -------
    tuple of str
        The columns its derivation reads (:data:`DERIVATIONS`), or the code itself for an
        indicator taken as it is.
    """
    return DERIVATIONS[code][0] if code in DERIVATIONS else (code,)


def survey_indicator_codes(catalogue: IndexSpec | None = None) -> tuple[str, ...]:
    """Codes of the indicators derived from the OPS survey shares alone.

    Parameters
    ----------
    catalogue : IndexSpec, optional
        The indicators to look at; by default ``config/indicators.toml``.

    Returns
    -------
    tuple of str
        In catalogue order, the codes whose every input column is a share of the OPS survey
        (:data:`geodata.schemas.OCCUPANCY_SHARES`), e.g. ``res_below_40_pct``: those that one
        household moving in or out changes.
    """
    spec = catalogue if catalogue is not None else load_catalogue()
    shares = set(OCCUPANCY_SHARES)
    return tuple(code for code in spec.codes if set(indicator_inputs(code)) <= shares)


def survey_indicators(
    shares: Mapping[str, float] | pd.Series, *, catalogue: IndexSpec | None = None
) -> pd.Series:
    """Raw values of the survey-derived indicators for one survey's shares.

    Each value is derived exactly as :func:`build_indicator_table` derives it from the
    residences table (same code, applied to a one-row table of these shares).

    Parameters
    ----------
    shares : mapping or pandas.Series
        OPS shares in % by column (``res_below_40_pct``…); NaN where not surveyed.
    catalogue : IndexSpec, optional
        The indicators; by default ``config/indicators.toml``.

    Returns
    -------
    pandas.Series
        Float value by code of :func:`survey_indicator_codes`, NaN where a share is missing.

    Raises
    ------
    ValueError
        French message naming a share column an indicator needs and ``shares`` lacks.
    """
    spec = catalogue if catalogue is not None else load_catalogue()
    codes = survey_indicator_codes(spec)
    row = pd.DataFrame([pd.Series(shares, dtype=float)])
    ctx = _Context(indicator_reference_year(row), load_scales())
    values = {code: float(_indicator_values(row, code, ctx)[0]) for code in codes}
    return pd.Series(values, index=pd.Index(codes, name="indicator"), dtype=float)
