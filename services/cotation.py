"""Use cases of the cotation des résidences, without Streamlit.

What the *Cotation des résidences* and *Méthode et sources* pages need on top of the engine
(:mod:`scoring`): the residences' names and places joined to their scores, a text search, the
weight changes of a working session written as a short text (for a shareable link), the nominal
and effective weight of every indicator and pillar, the largest changes against the reference
profile, a summary of the sensitivity analysis, and the catalogue of indicators as a table.
Scoring, comparison and sensitivity themselves are the engine's.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from scoring import (
    CLASSES,
    NORMALISATIONS,
    NOT_RATED,
    NOT_RATED_LABEL,
    IndexSpec,
    ProfileComparison,
    SensitivityResult,
)

REFERENCE_PROFILE = "reference"
CLASS_NAMES = {
    "A": "très attractive",
    "B": "attractive",
    "C": "intermédiaire",
    "D": "peu attractive",
    "E": "très peu attractive",
    NOT_RATED: NOT_RATED_LABEL,
}
DIRECTION_TEXT = {
    1: "plus c'est élevé, plus la résidence est attractive",
    -1: "plus c'est élevé, moins la résidence est attractive",
}
SEARCH_COLUMNS = ("residence_name", "commune_name", "quartier_name", "address", "bailleur")
STABILITY_BANDS = (
    ("stable", "Classe stable", "gardée dans au moins 90 % des tirages", 90.0, math.inf),
    ("fragile", "Classe fragile", "gardée dans 50 à 90 % des tirages", 50.0, 90.0),
    ("instable", "Classe instable", "gardée dans moins de 50 % des tirages", -math.inf, 50.0),
)


# --- Residences and their scores ---------------------------------------------------------------


def residence_directory(
    residences: pd.DataFrame, communes: pd.DataFrame, quartiers: pd.DataFrame
) -> pd.DataFrame:
    """Who and where each residence is, indexed by ``residence_id``.

    Parameters
    ----------
    residences : pandas.DataFrame
        The residences table (``residence_id``, ``residence_name``, ``address``, ``bailleur``,
        ``commune_code``, ``quartier_code``, ``is_qpv``, ``n_dwellings``).
    communes : pandas.DataFrame
        ``commune_code`` and ``commune_name`` of the territory.
    quartiers : pandas.DataFrame
        ``quartier_code`` and ``quartier_name`` of Poitiers' quartiers.

    Returns
    -------
    pandas.DataFrame
        ``residence_name``, ``address``, ``bailleur``, ``commune_code``, ``commune_name``,
        ``quartier_name`` (empty outside Poitiers), ``is_qpv`` and ``n_dwellings``.
    """
    missing = [
        c
        for c in ("residence_id", "residence_name", "commune_code", "n_dwellings")
        if c not in residences.columns
    ]
    if missing:
        raise ValueError(
            "résidences : colonne(s) absente(s) : " + ", ".join(f"« {c} »" for c in missing) + "."
        )
    commune_names = pd.Series(
        communes["commune_name"].to_numpy(), index=communes["commune_code"].to_numpy()
    )
    quartier_names = pd.Series(
        quartiers["quartier_name"].to_numpy(), index=quartiers["quartier_code"].to_numpy()
    )
    frame = pd.DataFrame(
        {
            "residence_name": residences["residence_name"].to_numpy(),
            "address": _column(residences, "address", ""),
            "bailleur": _column(residences, "bailleur", ""),
            "commune_code": residences["commune_code"].to_numpy(),
            "commune_name": residences["commune_code"].map(commune_names).to_numpy(),
            "quartier_name": _column(residences, "quartier_code", None),
            "is_qpv": _column(residences, "is_qpv", False),
            "n_dwellings": residences["n_dwellings"].to_numpy(),
        },
        index=pd.Index(residences["residence_id"].to_numpy(), name="residence_id"),
    )
    frame["quartier_name"] = frame["quartier_name"].map(quartier_names).fillna("")
    frame["commune_name"] = frame["commune_name"].fillna(frame["commune_code"])
    return frame


def _column(frame: pd.DataFrame, name: str, default: object) -> np.ndarray:
    if name in frame.columns:
        return frame[name].to_numpy()
    return np.full(len(frame), default, dtype=object)


def scored_residences(
    directory: pd.DataFrame,
    scores: pd.DataFrame,
    comparison: ProfileComparison | None = None,
) -> pd.DataFrame:
    """The residences with their score, class and rank, best first.

    Parameters
    ----------
    directory : pandas.DataFrame
        Output of :func:`residence_directory`.
    scores : pandas.DataFrame
        Output of :meth:`scoring.CompositeIndex.transform` (same residences).
    comparison : ProfileComparison, optional
        Reference (a) against current (b): adds ``rank_reference``, ``rank_shift`` (positive
        when the residence moves up) and ``class_reference``.

    Returns
    -------
    pandas.DataFrame
        The directory's columns plus ``rank``, ``score``, ``score_class`` (``A``…``E``, ``NC``),
        ``class_label`` (French), the ``score_<pillar>`` columns and ``coverage_pct``; sorted by
        rank, residences not rated last.
    """
    table = directory.join(scores, how="inner")
    table["score_class"] = table["score_class"].astype(str)
    table["class_label"] = table["score_class"].map(class_label)
    if comparison is not None:
        shifts = comparison.residences
        table["rank_reference"] = shifts["rank_a"].reindex(table.index)
        table["rank_shift"] = shifts["rank_shift"].reindex(table.index)
        table["class_reference"] = shifts["class_a"].reindex(table.index).astype(str)
    return table.sort_values(["rank", "residence_name"], na_position="last", kind="stable")


def class_label(code: str) -> str:
    """French label of a class: ``A — très attractive`` … ``non cotée — données insuffisantes``."""
    if code == NOT_RATED:
        return NOT_RATED_LABEL
    return f"{code} — {CLASS_NAMES.get(code, '')}".rstrip(" —")


def fold_text(text: object) -> str:
    """Lower case without accents, for searching and sorting French names."""
    decomposed = unicodedata.normalize("NFKD", str(text))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def search_residences(table: pd.DataFrame, text: str) -> pd.DataFrame:
    """Rows of ``table`` whose name, commune, quartier, address, bailleur or identifier contain
    every word of ``text`` (case and accents ignored).

    Parameters
    ----------
    table : pandas.DataFrame
        Indexed by ``residence_id``, with some of the :data:`SEARCH_COLUMNS`.
    text : str
        The search; empty returns ``table`` unchanged.
    """
    words = fold_text(text or "").split()
    if not words:
        return table
    columns = [c for c in SEARCH_COLUMNS if c in table.columns]
    haystack = pd.Series(table.index.astype(str), index=table.index)
    for column in columns:
        haystack = haystack + " " + table[column].fillna("").astype(str)
    haystack = haystack.map(fold_text)
    keep = np.ones(len(table), dtype=bool)
    for word in words:
        keep &= haystack.str.contains(word, regex=False).to_numpy()
    return table[keep]


def class_counts(scores: pd.DataFrame) -> pd.Series:
    """Number of residences in each class, ``A``…``E`` then ``NC`` (zeros included)."""
    codes = [*CLASSES, NOT_RATED]
    counts = scores["score_class"].astype(str).value_counts()
    return counts.reindex(codes, fill_value=0).astype(int)


def class_ranges(spec: IndexSpec) -> dict[str, str]:
    """What each class means under ``spec``, in French (score bounds or quintiles)."""
    if spec.method.class_method == "quantiles":
        ranges = {
            "A": "les 20 % les mieux notées",
            "B": "2e quintile",
            "C": "3e quintile",
            "D": "4e quintile",
            "E": "les 20 % les moins bien notées",
        }
    else:
        bounds = (100.0, *spec.method.thresholds, 0.0)
        ranges = {}
        for i, code in enumerate(CLASSES):
            high, low = bounds[i], bounds[i + 1]
            if i == 0:
                ranges[code] = f"note ≥ {_num(low)}"
            elif i == len(CLASSES) - 1:
                ranges[code] = f"note < {_num(high)}"
            else:
                ranges[code] = f"note de {_num(low)} à {_num(high)}"
    ranges[NOT_RATED] = (
        f"moins de {_num(spec.method.min_coverage * 100)} % des indicateurs renseignés"
    )
    return ranges


def _num(value: float) -> str:
    return f"{value:g}".replace(".", ",")


# --- Weights of a working session -------------------------------------------------------------


@dataclass(frozen=True)
class WeightOverrides:
    """Weights that differ from a profile, as read from a shared link.

    Attributes
    ----------
    pillars, indicators : dict of str to float
        New weights by pillar and indicator code.
    problems : list of str
        French description of every part of the text that was ignored.
    """

    pillars: dict[str, float]
    indicators: dict[str, float]
    problems: list[str]


def format_weight_overrides(spec: IndexSpec, base: IndexSpec) -> str:
    """The weights of ``spec`` that differ from ``base``, as ``code:poids`` pairs.

    Pillars come first, then indicators, in catalogue order; e.g.
    ``"occupation:40,is_qpv:1"``. Empty when ``spec`` has ``base``'s weights.
    """
    parts = [
        f"{p.code}:{p.weight:g}"
        for p, b in zip(spec.pillars, base.pillars, strict=True)
        if p.weight != b.weight
    ]
    parts += [
        f"{i.code}:{i.weight:g}"
        for i, b in zip(spec.indicators, base.indicators, strict=True)
        if i.weight != b.weight
    ]
    return ",".join(parts)


def parse_weight_overrides(
    text: str | None,
    spec: IndexSpec,
    pillar_max: float = 100.0,
    indicator_max: float = 10.0,
) -> WeightOverrides:
    """Read ``code:poids`` pairs written by :func:`format_weight_overrides`.

    Unknown codes, values that are not numbers or are out of ``[0, max]`` are ignored and
    reported in ``problems`` (a shared link never breaks the page).

    Parameters
    ----------
    text : str or None
        E.g. ``"occupation:40,is_qpv:1"``.
    spec : IndexSpec
        Gives the known pillar and indicator codes.
    pillar_max, indicator_max : float
        Largest weight accepted for a pillar and for an indicator.
    """
    pillars: dict[str, float] = {}
    indicators: dict[str, float] = {}
    problems: list[str] = []
    for part in (text or "").split(","):
        part = part.strip()
        if not part:
            continue
        code, _, raw = part.partition(":")
        code = code.strip()
        try:
            value = float(raw.strip().replace(",", "."))
        except ValueError:
            problems.append(f"« {part} » : poids illisible, attendu code:nombre.")
            continue
        if code in spec.pillar_codes:
            target, upper, what = pillars, pillar_max, "pilier"
        elif code in spec.codes:
            target, upper, what = indicators, indicator_max, "indicateur"
        else:
            problems.append(f"« {code} » : ni un pilier ni un indicateur du catalogue.")
            continue
        if not (math.isfinite(value) and 0.0 <= value <= upper):
            problems.append(f"{what} « {code} » : poids {raw} hors de l'intervalle 0 à {upper:g}.")
            continue
        target[code] = value
    return WeightOverrides(pillars, indicators, problems)


def weight_key(spec: IndexSpec) -> tuple[float, ...]:
    """All the weights of ``spec`` (pillars then indicators) as a hashable tuple."""
    return (*(float(p.weight) for p in spec.pillars), *(float(i.weight) for i in spec.indicators))


def with_weight_key(spec: IndexSpec, key: tuple[float, ...]) -> IndexSpec:
    """Inverse of :func:`weight_key`: ``spec`` with the weights of ``key``."""
    n = len(spec.pillars)
    if len(key) != n + len(spec.indicators):
        raise ValueError(
            f"poids : attendu {n + len(spec.indicators)} valeurs (piliers puis indicateurs), "
            f"reçu {len(key)}."
        )
    return spec.with_weights(
        pillars=dict(zip(spec.pillar_codes, key[:n], strict=True)),
        indicators=dict(zip(spec.codes, key[n:], strict=True)),
    )


def weight_table(spec: IndexSpec, effective_pct: pd.Series) -> pd.DataFrame:
    """Nominal and effective weight of every indicator.

    Parameters
    ----------
    spec : IndexSpec
        The current weights.
    effective_pct : pandas.Series
        Output of :func:`scoring.effective_weights` for ``spec`` (indexed by code, in %).

    Returns
    -------
    pandas.DataFrame
        Indexed by indicator code: ``pillar``, ``label``, ``weight``, ``nominal_pct`` (share of
        the score when nothing is missing) and ``effective_pct`` (share of the variance of the
        score).
    """
    return pd.DataFrame(
        {
            "pillar": [i.pillar for i in spec.indicators],
            "label": [i.label for i in spec.indicators],
            "weight": [float(i.weight) for i in spec.indicators],
            "nominal_pct": spec.nominal_weights * 100.0,
            "effective_pct": effective_pct.reindex(list(spec.codes)).to_numpy(dtype=float),
        },
        index=pd.Index(spec.codes, name="code"),
    )


def pillar_weight_table(weights: pd.DataFrame, spec: IndexSpec) -> pd.DataFrame:
    """Nominal and effective weight of every pillar (sums of its indicators' weights).

    Parameters
    ----------
    weights : pandas.DataFrame
        Output of :func:`weight_table`.
    spec : IndexSpec
        Gives the pillars, their labels and weights.
    """
    sums = weights.groupby("pillar", sort=False)[["nominal_pct", "effective_pct"]].sum(min_count=1)
    return pd.DataFrame(
        {
            "label": [p.label for p in spec.pillars],
            "weight": [float(p.weight) for p in spec.pillars],
            "nominal_pct": sums["nominal_pct"].reindex(list(spec.pillar_codes)).to_numpy(),
            "effective_pct": sums["effective_pct"].reindex(list(spec.pillar_codes)).to_numpy(),
        },
        index=pd.Index(spec.pillar_codes, name="pillar"),
    )


# --- Against the reference profile ------------------------------------------------------------


def is_same_ranking(comparison: ProfileComparison) -> bool:
    """Whether the two scorings give every residence the same rank and class."""
    frame = comparison.residences
    same_rank = frame["rank_a"].astype("Int64").equals(frame["rank_b"].astype("Int64"))
    return same_rank and not bool(frame["is_class_changed"].any())


def top_changes(
    comparison: ProfileComparison, directory: pd.DataFrame, n: int = 10
) -> pd.DataFrame:
    """The residences whose rank changes most against the reference.

    Parameters
    ----------
    comparison : ProfileComparison
        Reference (a) against current (b), from :func:`scoring.compare_results`.
    directory : pandas.DataFrame
        Output of :func:`residence_directory`.
    n : int, default 10
        Number of residences.

    Returns
    -------
    pandas.DataFrame
        Up to ``n`` residences rated under both scorings that move, largest absolute rank
        shift first, class changes first among equal shifts: ``residence_name``,
        ``commune_name``, ``rank_a``, ``rank_b``, ``rank_shift``, ``class_a``, ``class_b`` and
        ``is_class_changed``. Residences that become rated or not rated are counted by
        :func:`rating_changes`.
    """
    frame = comparison.residences
    shift = frame["rank_shift"].astype("Float64")
    moved = shift.notna() & (shift != 0)
    order = pd.DataFrame(
        {
            "magnitude": shift.abs().to_numpy(dtype=float, na_value=0.0),
            "changed": frame["is_class_changed"].to_numpy(dtype=bool),
            "rank": frame["rank_b"].astype("Float64").to_numpy(dtype=float, na_value=np.inf),
        },
        index=frame.index,
    )[moved.to_numpy(dtype=bool, na_value=False)]
    order = order.sort_values(
        ["magnitude", "changed", "rank"], ascending=[False, False, True], kind="stable"
    ).head(n)
    out = frame.loc[
        order.index,
        ["rank_a", "rank_b", "rank_shift", "class_a", "class_b", "is_class_changed"],
    ].copy()
    out["class_a"] = out["class_a"].astype(str)
    out["class_b"] = out["class_b"].astype(str)
    names = directory.reindex(order.index)
    out.insert(0, "commune_name", names["commune_name"].to_numpy())
    out.insert(0, "residence_name", names["residence_name"].to_numpy())
    return out


def rating_changes(comparison: ProfileComparison) -> dict[str, int]:
    """How many residences lose or gain their rating against the reference.

    Returns
    -------
    dict
        ``n_unrated`` (rated under the reference, *non cotées* now) and ``n_rated`` (the
        reverse).
    """
    frame = comparison.residences
    was = frame["rank_a"].notna().to_numpy(dtype=bool)
    now = frame["rank_b"].notna().to_numpy(dtype=bool)
    return {"n_unrated": int((was & ~now).sum()), "n_rated": int((~was & now).sum())}


def comparison_summary(comparison: ProfileComparison) -> dict[str, float]:
    """Key figures of a comparison.

    Returns
    -------
    dict
        ``n_residences``, ``n_class_changed``, ``n_up`` and ``n_down`` (residences that move up
        or down), ``median_abs_shift`` and ``max_abs_shift`` (ranks, over residences rated under
        both scorings; NaN when there are none).
    """
    frame = comparison.residences
    shift = frame["rank_shift"].astype("Float64").dropna().astype(float)
    return {
        "n_residences": len(frame),
        "n_class_changed": int(frame["is_class_changed"].sum()),
        "n_up": int((shift > 0).sum()),
        "n_down": int((shift < 0).sum()),
        "median_abs_shift": float(shift.abs().median()) if len(shift) else math.nan,
        "max_abs_shift": float(shift.abs().max()) if len(shift) else math.nan,
    }


# --- Sensitivity ------------------------------------------------------------------------------


def rank_intervals(
    result: SensitivityResult,
    directory: pd.DataFrame,
    n_top: int = 20,
    include: Iterable[str] = (),
) -> pd.DataFrame:
    """Rank intervals of the best-ranked residences (and of the ones asked for).

    Parameters
    ----------
    result : SensitivityResult
        Output of :func:`scoring.run_sensitivity`.
    directory : pandas.DataFrame
        Output of :func:`residence_directory`.
    n_top : int, default 20
        Number of best-ranked residences.
    include : iterable of str
        Residence ids to add (e.g. the selected residence), when they are rated.

    Returns
    -------
    pandas.DataFrame
        Sorted by rank: ``residence_name``, ``commune_name``, ``rank``, ``rank_median``,
        ``rank_p05``, ``rank_p95``, ``class_kept_pct`` and ``score_class``.
    """
    frame = result.residences
    rated = frame[frame["rank"].notna()].sort_values("rank", kind="stable")
    chosen = list(rated.index[:n_top])
    chosen += [r for r in include if r in rated.index and r not in chosen]
    out = rated.loc[
        chosen, ["rank", "rank_median", "rank_p05", "rank_p95", "class_kept_pct", "score_class"]
    ].copy()
    out["score_class"] = out["score_class"].astype(str)
    names = directory.reindex(out.index)
    out.insert(0, "commune_name", names["commune_name"].to_numpy())
    out.insert(0, "residence_name", names["residence_name"].to_numpy())
    return out.sort_values("rank", kind="stable")


def stability_summary(result: SensitivityResult) -> pd.DataFrame:
    """How many residences keep their class across the draws, by band.

    Returns
    -------
    pandas.DataFrame
        Indexed by band code (``stable``, ``fragile``, ``instable``): ``label`` and ``meaning``
        (French), ``n_residences`` and ``share_pct`` (of the rated residences).
    """
    frame = result.residences
    kept = frame.loc[frame["rank"].notna(), "class_kept_pct"].astype(float)
    total = len(kept)
    rows = []
    for code, label, meaning, low, high in STABILITY_BANDS:
        n = int(((kept >= low) & (kept < high)).sum())
        rows.append((code, label, meaning, n, 100.0 * n / total if total else math.nan))
    return pd.DataFrame(
        [r[1:] for r in rows],
        columns=["label", "meaning", "n_residences", "share_pct"],
        index=pd.Index([r[0] for r in rows], name="band"),
    )


def least_stable(result: SensitivityResult, directory: pd.DataFrame, n: int = 10) -> pd.DataFrame:
    """The rated residences that keep their class least often across the draws.

    Returns
    -------
    pandas.DataFrame
        Up to ``n`` rows: ``residence_name``, ``commune_name``, ``score_class``, ``rank``,
        ``rank_p05``, ``rank_p95``, ``class_kept_pct``; least stable first.
    """
    frame = result.residences
    rated = frame[frame["rank"].notna()]
    worst = rated.sort_values(["class_kept_pct", "rank"], kind="stable").head(n)
    out = worst[["score_class", "rank", "rank_p05", "rank_p95", "class_kept_pct"]].copy()
    out["score_class"] = out["score_class"].astype(str)
    names = directory.reindex(out.index)
    out.insert(0, "commune_name", names["commune_name"].to_numpy())
    out.insert(0, "residence_name", names["residence_name"].to_numpy())
    return out


# --- The catalogue, for the Méthode page ------------------------------------------------------


def indicator_catalogue(
    spec: IndexSpec, catalogue: IndexSpec, normalisation: Mapping[str, str] = NORMALISATIONS
) -> pd.DataFrame:
    """Every indicator with its definition, unit, direction, source and weights.

    Parameters
    ----------
    spec : IndexSpec
        The current profile (its weights and method).
    catalogue : IndexSpec
        The catalogue (its default weights).
    normalisation : mapping, optional
        French label of each normalisation method.

    Returns
    -------
    pandas.DataFrame
        Indexed by indicator code, in catalogue order: ``pillar``, ``pillar_label``, ``label``,
        ``description``, ``unit``, ``direction`` (French sentence), ``source``,
        ``normalisation`` (French), ``default_weight``, ``profile_weight`` and ``nominal_pct``.
    """
    default = {i.code: float(i.weight) for i in catalogue.indicators}
    pillar_labels = {p.code: p.label for p in spec.pillars}
    rows = []
    for ind, share in zip(spec.indicators, spec.nominal_weights, strict=True):
        method = spec.normalisation_of(ind.code)
        rows.append(
            {
                "pillar": ind.pillar,
                "pillar_label": pillar_labels[ind.pillar],
                "label": ind.label,
                "description": ind.description,
                "unit": ind.unit,
                "direction": DIRECTION_TEXT[int(ind.direction)],
                "source": ind.source,
                "normalisation": normalisation.get(method, method),
                "default_weight": default.get(ind.code, math.nan),
                "profile_weight": float(ind.weight),
                "nominal_pct": float(share) * 100.0,
            }
        )
    return pd.DataFrame(rows, index=pd.Index(spec.codes, name="code"))


def indicators_by_source(spec: IndexSpec) -> dict[str, list[str]]:
    """Labels of the indicators fed by each source (``RPLS / PSP`` counts for both)."""
    out: dict[str, list[str]] = {}
    for ind in spec.indicators:
        for source in (s.strip() for s in ind.source.split("/")):
            if source:
                out.setdefault(source, []).append(ind.label)
    return out


def survey_years(residences: pd.DataFrame) -> pd.Series:
    """Number of residences by year of their latest OPS survey (none when unknown)."""
    if "ops_survey_year" not in residences.columns:
        return pd.Series(dtype=int)
    years = pd.to_numeric(residences["ops_survey_year"], errors="coerce").dropna().astype(int)
    return years.value_counts().sort_index()
