"""Occupancy fragility index of each residence and OPS survey, built with the cotation engine.

The index gathers the indicators of ``[fragility.indicators.*]`` in ``config/peers.toml`` (shares
of households under 40 % and 60 % of the PLUS ceilings, single-parent families, households with
no adult in employment, housing benefit, plus vacancy and tranquillity where configured) into one
score from 0 to 100, **higher = more fragile**. It is an :class:`scoring.IndexSpec` with a single
pillar « Fragilité d'occupation » (code ``fragilite``) whose indicators keep their configured
weights and directions (``+`` = a higher value is more fragile), scored by
:class:`scoring.CompositeIndex`: min–max normalisation by default, weighted arithmetic mean.

Choices, all documented for the *Méthode* page:

- **One scale for every survey.** The normalisation is fitted on every residence × survey row of
  the territory at once, not survey by survey: a residence whose shares do not change keeps the
  same index from one survey to the next, so a rise between two surveys is a real change of
  occupancy, not an artefact of the other residences' values.
- **Where each value comes from.** An indicator whose column is in the occupancy table is read
  survey by survey. The others (``source = "residences"``: vacancy, tranquillity) are read from
  the residences table, which holds their latest value only; the same value then enters every
  survey of the residence, so these indicators weigh on the level of the index but never on its
  change between two surveys.
- **When the index is computed.** An ``optional`` indicator may be missing. The other indicators
  must carry at least ``[fragility] min_coverage`` of their total weight (70 % by default), else
  the index is NaN (« non calculé »). The index is the weighted mean of the available
  indicators; ``coverage_pct`` is the share of the weight of every configured indicator that was
  available.
- **Scoring other rows.** :func:`fit_fragility` returns the fitted index
  (:class:`FittedFragility`), so that a modified row (a simulated attribution) is scored on the
  same scale as the surveys, without normalising anything again.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from config import ConfigError, load_toml
from scoring import CompositeIndex, IndexSpec, Indicator, Method, Pillar
from scoring.peers import IndicatorSpec, PeerSettings, load_peer_settings

CONFIG_FILE = "peers.toml"

PILLAR_CODE = "fragilite"
PILLAR_LABEL = "Fragilité d'occupation"
FRAGILITY_LABEL = "Indice de fragilité d'occupation"
_METHOD_KEYS = ("normalisation", "min_coverage")


@dataclass(frozen=True)
class FragilityMethod:
    """How the fragility index is computed (``[fragility]`` of ``config/peers.toml``).

    Parameters
    ----------
    normalisation : str, default "minmax"
        Normalisation of the cotation engine (``minmax``, ``rank``, ``zscore``), fitted on every
        residence × survey row.
    min_coverage : float, default 0.7
        Least share (0 to 1) of the weight of the non-optional indicators that must be available
        for the index to be computed.
    """

    normalisation: str = "minmax"
    min_coverage: float = 0.7

    def __post_init__(self) -> None:
        if self.normalisation not in ("minmax", "rank", "zscore"):
            raise ConfigError(
                f"config/{CONFIG_FILE}, [fragility] normalisation = « {self.normalisation} » : "
                "attendu minmax, rank ou zscore (les bornes fixes n'ont pas de sens ici)."
            )
        if not (isinstance(self.min_coverage, int | float) and 0 <= self.min_coverage <= 1):
            raise ConfigError(
                f"config/{CONFIG_FILE}, [fragility] min_coverage = {self.min_coverage} : "
                "attendu une part entre 0 et 1 (par exemple 0.7)."
            )


def fragility_method_from_mapping(data: Mapping) -> FragilityMethod:
    """Read the method keys of ``[fragility]`` (everything but ``indicators``).

    Parameters
    ----------
    data : mapping
        The whole content of ``peers.toml``.

    Raises
    ------
    ConfigError
        On an unknown key or an invalid value, in French.
    """
    section = {k: v for k, v in data.get("fragility", {}).items() if k != "indicators"}
    unknown = sorted(set(section) - set(_METHOD_KEYS))
    if unknown:
        raise ConfigError(
            f"config/{CONFIG_FILE}, [fragility] : clé(s) inconnue(s) {', '.join(unknown)} ; "
            f"clés possibles : indicators, {', '.join(_METHOD_KEYS)}."
        )
    return FragilityMethod(**section)


def load_fragility_method() -> FragilityMethod:
    """Read ``[fragility]`` of ``config/peers.toml``."""
    return fragility_method_from_mapping(load_toml(CONFIG_FILE))


def fragility_spec(
    indicators: tuple[IndicatorSpec, ...], method: FragilityMethod | None = None
) -> IndexSpec:
    """The cotation spec of the fragility index.

    Parameters
    ----------
    indicators : tuple of IndicatorSpec
        The configured fragility indicators (``PeerSettings.fragility_indicators``).
    method : FragilityMethod, optional
        ``[fragility]`` of ``config/peers.toml`` when absent.

    Returns
    -------
    IndexSpec
        One pillar ``fragilite``; each indicator with its weight and direction (+1 = a higher
        value is more fragile, so a higher score is a more fragile occupancy); no minimum
        coverage (applied by :func:`fragility_index` to the non-optional indicators only).
    """
    method = load_fragility_method() if method is None else method
    if not indicators:
        raise ConfigError(f"config/{CONFIG_FILE} : aucun indicateur [fragility.indicators.*].")
    return IndexSpec(
        name="fragilite",
        label=FRAGILITY_LABEL,
        pillars=(
            Pillar(
                PILLAR_CODE,
                PILLAR_LABEL,
                "Plus l'indice est élevé, plus l'occupation de la résidence est fragile.",
                1.0,
            ),
        ),
        indicators=tuple(
            Indicator(
                code=i.column,
                label=i.label,
                pillar=PILLAR_CODE,
                direction=i.direction,
                weight=float(i.weight),
                unit=i.unit,
                source=i.source,
            )
            for i in indicators
        ),
        method=Method(normalisation=method.normalisation, min_coverage=0.0),
    )


@dataclass(frozen=True, eq=False)
class FittedFragility:
    """The fragility index fitted on every residence × survey row, kept to score other rows.

    Scoring a modified row (e.g. a simulated attribution) with the same fit keeps the scale of
    every survey: nothing is re-normalised.

    Attributes
    ----------
    index : CompositeIndex
        The cotation engine fitted on the raw indicator values of the rows.
    indicators : tuple of IndicatorSpec
        The configured fragility indicators, in column order.
    method : FragilityMethod
        Normalisation and minimum coverage.
    present : numpy.ndarray
        Which indicator values of the fitted rows were available (rows × indicators).
    """

    index: CompositeIndex
    indicators: tuple[IndicatorSpec, ...]
    method: FragilityMethod
    present: np.ndarray

    @property
    def codes(self) -> list[str]:
        """Indicator columns, in the order of the spec."""
        return list(self.index.spec.codes)

    def score(self, values: pd.DataFrame | None = None) -> pd.DataFrame:
        """Fragility index (0–100) and coverage of rows of raw indicator values.

        Parameters
        ----------
        values : pandas.DataFrame, optional
            One row per residence × survey with the indicator columns (other columns are
            ignored); the rows of the fit when absent (nothing normalised again).

        Returns
        -------
        pandas.DataFrame
            Indexed like ``values``: ``fragility`` (NaN when the non-optional indicators carry
            less than ``min_coverage`` of their weight) and ``coverage_pct``.
        """
        if values is None:
            scored = self.index.transform()
            present = self.present
        else:
            scored = self.index.transform(values[self.codes])
            present = values[self.codes].notna().to_numpy()
        required = np.array([not i.optional for i in self.indicators])
        weights = np.array([float(i.weight) for i in self.indicators])
        total = weights[required].sum()
        required_share = (
            (present[:, required] * weights[required]).sum(axis=1) / total
            if total > 0
            else np.ones(len(scored))
        )
        computable = required_share >= self.method.min_coverage - 1e-9
        return pd.DataFrame(
            {
                "fragility": np.where(computable, scored["score"].to_numpy(dtype=float), np.nan),
                "coverage_pct": scored["coverage_pct"].to_numpy(dtype=float),
            },
            index=scored.index,
        )


def fit_fragility(
    values: pd.DataFrame,
    *,
    settings: PeerSettings | None = None,
    method: FragilityMethod | None = None,
) -> FittedFragility:
    """Fit the fragility index on raw indicator values (every residence × survey row).

    Parameters
    ----------
    values : pandas.DataFrame
        One row per residence × survey with one column per fragility indicator (raw values,
        NaN when missing), e.g. the indicator columns of :func:`fragility_index`; the index
        must be unique.
    settings : PeerSettings, optional
        The fragility indicators and their weights; ``config/peers.toml`` when absent.
    method : FragilityMethod, optional
        ``[fragility]`` of ``config/peers.toml`` when absent.

    Returns
    -------
    FittedFragility
        The fitted index; :meth:`FittedFragility.score` scores the fitted rows or any other.
    """
    settings = load_peer_settings() if settings is None else settings
    method = load_fragility_method() if method is None else method
    indicators = settings.fragility_indicators
    spec = fragility_spec(indicators, method)
    codes = list(spec.codes)
    index = CompositeIndex(spec).fit(values[codes])
    return FittedFragility(index, indicators, method, values[codes].notna().to_numpy())


def _survey_table(
    occupancy: pd.DataFrame, residences: pd.DataFrame, indicators: tuple[IndicatorSpec, ...]
) -> pd.DataFrame:
    """Residence × survey rows with every indicator column (raw values)."""
    for column in ("residence_id", "survey_year"):
        if column not in occupancy.columns:
            raise ValueError(f"occupation : colonne « {column} » absente.")
    if "residence_id" not in residences.columns:
        raise ValueError("résidences : colonne « residence_id » absente.")
    keys = occupancy[["residence_id", "survey_year"]]
    if keys.duplicated().any():
        first = keys[keys.duplicated()].iloc[0]
        raise ValueError(
            f"occupation : enquête en double pour la résidence {first['residence_id']} "
            f"({first['survey_year']})."
        )
    table = pd.DataFrame(
        {
            "residence_id": occupancy["residence_id"].astype(str).to_numpy(),
            "survey_year": pd.to_numeric(occupancy["survey_year"]).to_numpy(dtype=int),
        }
    )
    households = occupancy["n_households"] if "n_households" in occupancy.columns else np.nan
    table["n_households"] = pd.to_numeric(pd.Series(households, index=occupancy.index)).to_numpy(
        dtype=float, na_value=np.nan
    )
    by_id = pd.DataFrame(residences.drop(columns="geometry", errors="ignore"))
    by_id = by_id.set_index(by_id["residence_id"].astype(str))
    for spec in indicators:
        if spec.column in occupancy.columns:
            values = occupancy[spec.column]
        elif spec.column in by_id.columns:
            values = by_id[spec.column].reindex(table["residence_id"])
        elif spec.optional:
            values = pd.Series(np.nan, index=table.index)
        else:
            raise ValueError(
                f"indicateur de fragilité « {spec.column} » absent de l'occupation et des "
                "résidences (indicateur non optionnel dans config/peers.toml)."
            )
        table[spec.column] = pd.to_numeric(pd.Series(values.to_numpy())).to_numpy(
            dtype=float, na_value=np.nan
        )
    return table


def fragility_index(
    occupancy: pd.DataFrame,
    residences: pd.DataFrame,
    survey_year: int | None = None,
    *,
    settings: PeerSettings | None = None,
    method: FragilityMethod | None = None,
) -> pd.DataFrame:
    """Occupancy fragility index of every residence and OPS survey (0–100, higher = more fragile).

    Parameters
    ----------
    occupancy : pandas.DataFrame
        The OPS table (``geodata.housing.load_occupancy()``): ``residence_id``, ``survey_year``,
        ``n_households`` and the indicator columns.
    residences : pandas.DataFrame
        The residences table, for the indicators of source ``residences`` (vacancy,
        tranquillity).
    survey_year : int, optional
        Return this survey only; the normalisation is still fitted on every survey.
    settings : PeerSettings, optional
        The fragility indicators and their weights; ``config/peers.toml`` when absent.
    method : FragilityMethod, optional
        Normalisation and minimum coverage; ``[fragility]`` of ``config/peers.toml`` when absent.

    Returns
    -------
    pandas.DataFrame
        One row per residence and survey, sorted by ``residence_id`` then ``survey_year``:
        ``residence_id``, ``survey_year``, ``n_households``, ``fragility`` (0–100, NaN when the
        non-optional indicators carry less than ``min_coverage`` of their weight),
        ``coverage_pct`` (share of the weight of all indicators available, 0–100) and the raw
        value of each indicator.
    """
    settings = load_peer_settings() if settings is None else settings
    method = load_fragility_method() if method is None else method
    indicators = settings.fragility_indicators
    spec = fragility_spec(indicators, method)
    table = _survey_table(occupancy, residences, indicators)
    table = table.sort_values(["residence_id", "survey_year"], ignore_index=True)
    codes = list(spec.codes)
    rows = pd.Index(np.arange(len(table)), name="row")
    values = table[codes].set_axis(rows)
    scored = fit_fragility(values, settings=settings, method=method).score()
    out = table[["residence_id", "survey_year", "n_households"]].copy()
    out["fragility"] = scored["fragility"].to_numpy(dtype=float)
    out["coverage_pct"] = scored["coverage_pct"].to_numpy(dtype=float)
    out[codes] = table[codes]
    if survey_year is not None:
        out = out[out["survey_year"] == int(survey_year)].reset_index(drop=True)
    return out


def latest_and_previous(fragility: pd.DataFrame) -> pd.DataFrame:
    """The survey each residence is judged on, and the fragility of the survey before it.

    The survey judged is the latest one whose index is computed (the latest survey at all when
    none is); the previous one is the latest computed survey before it, whatever its year.

    Parameters
    ----------
    fragility : pandas.DataFrame
        Output of :func:`fragility_index` (every survey).

    Returns
    -------
    pandas.DataFrame
        Indexed by ``residence_id`` (sorted): every column of the survey judged, plus
        ``previous_survey_year`` (``Int64``) and ``previous_fragility`` (NaN without an earlier
        computed survey).
    """
    computed = fragility["fragility"].notna()
    ordered = fragility.assign(_computed=computed).sort_values(
        ["residence_id", "_computed", "survey_year"], kind="stable"
    )
    latest = ordered.drop_duplicates("residence_id", keep="last").set_index("residence_id")
    year_judged = latest["survey_year"].reindex(fragility["residence_id"]).to_numpy()
    earlier = fragility[computed.to_numpy() & (fragility["survey_year"].to_numpy() < year_judged)]
    previous = (
        earlier.sort_values(["residence_id", "survey_year"])
        .drop_duplicates("residence_id", keep="last")
        .set_index("residence_id")
    )
    latest = latest.drop(columns="_computed")
    latest["previous_survey_year"] = previous["survey_year"].reindex(latest.index).astype("Int64")
    latest["previous_fragility"] = previous["fragility"].reindex(latest.index)
    return latest
