"""What one simulated attribution would do to the residence's cotation: score, class and rank.

The attribution simulator (:mod:`services.simulation`) moves the shares of households of the
residence's OPS survey. Some indicators of the cotation read those shares
(:func:`services.indicators.survey_indicator_codes`: households under 40 % of the PLUS ceilings,
single parents, adults in employment, housing benefit, recent movers, in the Occupation pillar);
they are derived again from the moved shares by the very code that builds the indicator table
(:func:`services.indicators.survey_indicators`). Every other indicator (vacancy, rotation,
building, equipment, surroundings) is unchanged by one move.

The residence is then scored by the **index fitted on the whole parc** (the one the fiche shows,
:meth:`scoring.CompositeIndex.transform`): nothing is re-normalised or refitted, a value beyond
the parc's range is clipped like any other. The other residences keep their scores, so the new
rank places the new score among theirs (1 = most attractive, ties share the best rank, as
:func:`scoring.classify.rank_against` does). Classes by fixed thresholds use the profile's
thresholds; classes by quintiles use the quintiles of the parc with this residence's new score.

A residence whose indicators carry less than the profile's minimum coverage is *non cotée*; one
move only changes shares the survey already has (a missing share stays missing), so it stays so,
and the sentence says it. A residence without a usable survey cannot be simulated, as in the
simulator.

The shares moved must be those of the survey the indicator table reads (the latest survey with
at least one share, joined to the residences table): :func:`simulate_cotation` reads it there,
checks that it gives the table's values, applies the move (:func:`services.simulation.move_shares`)
and scores it. It is the survey the simulator starts from, except when the latest survey lacks
what the fragility index needs: the simulator then starts from an earlier one, and the same move
is applied to each survey. The result reads « La note d'attractivité passerait de 67,1 à 66,1
(classe B inchangée), rang 430e → 442e sur 541. »
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from geodata.schemas import OCCUPANCY_SHARES
from scoring import CompositeIndex
from scoring.classify import rank_against, sorted_reference
from scoring.flag_texts import fr_number, with_unit
from services.disclosure.cotation import class_among
from services.indicators import survey_indicator_codes, survey_indicators
from services.simulation import Household, MovedShares, move_shares

OCCUPATION_PILLAR = "occupation"


@dataclass(frozen=True, eq=False)
class CotationChange:
    """The residence's cotation before and after one simulated move.

    Attributes
    ----------
    residence_id : str
        The residence.
    survey_year : int or None
        The OPS survey whose shares were moved (None when not given).
    score_before, score_after : float
        Attractiveness score (0–100, higher = more attractive), NaN when not rated.
    class_before, class_after : str
        ``A`` … ``E``, or ``NC`` when not rated.
    rank_before, rank_after : int or None
        Rank among the rated residences (1 = most attractive), None when not rated.
    n_rated_before, n_rated_after : int
        Residences rated, before and after (they differ only when the residence's own rating
        does).
    occupation_label : str
        French label of the Occupation pillar.
    occupation_before, occupation_after : float
        Score of the Occupation pillar (0–100), NaN when not rated or absent from the profile.
    coverage_before, coverage_after : float
        Share of the index's weight carried by the residence's available indicators, in %.
    min_coverage_pct : float
        Coverage needed to be rated, in %.
    indicators : pandas.DataFrame
        Indexed by the code of each survey-derived indicator: ``label``, ``unit``, ``before``,
        ``after`` (raw values) and ``change``.
    sentence : str
        What the move would do to the cotation, in one French sentence.
    """

    residence_id: str
    survey_year: int | None
    score_before: float
    score_after: float
    class_before: str
    class_after: str
    rank_before: int | None
    rank_after: int | None
    n_rated_before: int
    n_rated_after: int
    occupation_label: str
    occupation_before: float
    occupation_after: float
    coverage_before: float
    coverage_after: float
    min_coverage_pct: float
    indicators: pd.DataFrame
    sentence: str = ""

    @property
    def is_rated_before(self) -> bool:
        """Whether the residence is rated before the move."""
        return not math.isnan(self.score_before)

    @property
    def is_rated_after(self) -> bool:
        """Whether the residence would be rated after the move."""
        return not math.isnan(self.score_after)

    @property
    def score_change(self) -> float:
        """Change of the score, in points (NaN when either is not rated)."""
        return self.score_after - self.score_before

    @property
    def occupation_change(self) -> float:
        """Change of the Occupation pillar score, in points (NaN when either is missing)."""
        return self.occupation_after - self.occupation_before


def cotation_after_move(
    index: CompositeIndex,
    indicators: pd.DataFrame,
    residence_id: str,
    moved: MovedShares | Mapping[str, float] | pd.Series,
    *,
    survey_year: int | None = None,
    others: pd.Series | None = None,
) -> CotationChange:
    """Score, class and rank of a residence once its survey shares are replaced by ``moved``.

    Parameters
    ----------
    index : CompositeIndex
        The index fitted on the whole parc (never refitted here).
    indicators : pandas.DataFrame
        The indicator table it was fitted on (:func:`services.indicators.build_indicator_table`),
        indexed by ``residence_id``.
    residence_id : str
        The residence.
    moved : MovedShares, mapping or pandas.Series
        The survey shares after the move (:func:`services.simulation.move_shares`), moved from
        the survey the indicator table reads.
    survey_year : int, optional
        Year of that survey, kept in the result.
    others : pandas.Series, optional
        Scores of the residences (by ``residence_id``) the residence is ranked among, before
        and after, and classed among with relative classes (quantiles, natural breaks); the
        index's reference scores by default. A viewer who does not see every residence ranks
        its own among the public scores, so that moving its own score never probes another
        residence's full score.

    Returns
    -------
    CotationChange
        Before (the residence's row scored by ``index``) and after, with a French sentence.

    Raises
    ------
    KeyError
        For a residence absent from the indicator table or from the index's reference.
    ValueError
        When ``moved`` lacks a share a survey-derived indicator needs.

    Notes
    -----
    Two pillars of equal weight, the Occupation one averaging the single parents' share
    (min–max between 0 and 40 %, direction −1) and the vacancy: a residence at 20 % single
    parents (normalised 50) and 50 on the rest scores 50; four households, a single parent moves
    in, 36 % (normalised 10), Occupation 30, score 40.
    """
    if residence_id not in indicators.index:
        raise KeyError(f"résidence inconnue : « {residence_id} ».")
    spec = index.spec
    codes = list(survey_indicator_codes(spec))
    shares = moved.shares if isinstance(moved, MovedShares) else moved
    row = indicators.loc[[residence_id], list(spec.codes)].astype(float)
    values_before = row.iloc[0][codes]
    values_after = survey_indicators(shares, catalogue=spec)[codes]
    row.loc[residence_id, codes] = values_after.to_numpy()

    reference = index.transform()
    if residence_id not in reference.index:
        raise KeyError(
            f"résidence « {residence_id} » absente de la population de référence de l'indice."
        )
    # Scored from its row, not read from the reference: an index fitted on a table where the
    # residence's shares are blanked (services.disclosure.cotation.own_index) scores it the same.
    before = index.transform(indicators.loc[[residence_id], list(spec.codes)]).iloc[0].copy()
    after = index.transform(row).iloc[0]
    among_others = others is not None
    scores = reference["score"] if others is None else others
    others = scores.drop(residence_id, errors="ignore").to_numpy(dtype=float)
    ranked = sorted_reference(others)
    score_after = float(after["score"])
    rated_after = not math.isnan(score_after)
    rank_after = int(rank_against(np.array([score_after]), ranked)[0])
    if not math.isnan(float(before["score"])):
        before["rank"] = int(rank_against(np.array([float(before["score"])]), ranked)[0])
    method = spec.method
    if method.class_method == "quantiles" or (among_others and method.class_method != "thresholds"):
        # Relative classes among the scores the residence is ranked among.
        class_after = class_among(score_after, others, method)
        if among_others:
            before["score_class"] = class_among(float(before["score"]), others, method)
    else:
        class_after = str(after["score_class"])
    column = f"score_{OCCUPATION_PILLAR}"
    has_pillar = OCCUPATION_PILLAR in spec.pillar_codes
    change = CotationChange(
        residence_id=residence_id,
        survey_year=None if survey_year is None else int(survey_year),
        score_before=float(before["score"]),
        score_after=score_after,
        class_before=str(before["score_class"]),
        class_after=class_after,
        rank_before=None if pd.isna(before["rank"]) else int(before["rank"]),
        rank_after=rank_after or None,
        n_rated_before=int(np.count_nonzero(~np.isnan(others)) + (not pd.isna(before["rank"]))),
        n_rated_after=int(np.count_nonzero(~np.isnan(others)) + rated_after),
        occupation_label=(
            spec.pillar(OCCUPATION_PILLAR).label if has_pillar else OCCUPATION_PILLAR.title()
        ),
        occupation_before=float(before[column]) if has_pillar else math.nan,
        occupation_after=float(after[column]) if has_pillar else math.nan,
        coverage_before=float(before["coverage_pct"]),
        coverage_after=float(after["coverage_pct"]),
        min_coverage_pct=100.0 * spec.method.min_coverage,
        indicators=pd.DataFrame(
            {
                "label": [spec.indicator(c).label for c in codes],
                "unit": [spec.indicator(c).unit for c in codes],
                "before": values_before.to_numpy(dtype=float),
                "after": values_after.to_numpy(dtype=float),
                "change": (values_after - values_before).to_numpy(dtype=float),
            },
            index=pd.Index(codes, name="indicator"),
        ),
    )
    return replace(change, sentence=_sentence(change))


def cotation_survey(
    residences: pd.DataFrame, residence_id: str
) -> tuple[pd.Series, float, int | None]:
    """The OPS survey the cotation of a residence reads: its shares, households and year.

    Parameters
    ----------
    residences : pandas.DataFrame
        The residences table with their latest survey (``geodata.housing.load_residences()``),
        the table the indicator table is built from.
    residence_id : str
        The residence.

    Returns
    -------
    tuple
        The shares (by column of :data:`geodata.schemas.OCCUPANCY_SHARES` present), the number
        of surveyed households and the survey year (None when unknown).

    Raises
    ------
    KeyError
        For an unknown residence.
    ValueError
        Without a usable survey (no share, or no household count), as the simulator.
    """
    rows = residences[residences["residence_id"].astype(str) == residence_id]
    if rows.empty:
        raise KeyError(f"résidence inconnue : « {residence_id} ».")
    row = rows.iloc[0]
    name = row.get("residence_name", residence_id)
    columns = [c for c in OCCUPANCY_SHARES if c in residences.columns]
    shares = pd.to_numeric(row[columns], errors="coerce").astype(float)
    if shares.isna().all():
        raise ValueError(
            f"« {name} » n'a pas d'enquête d'occupation (OPS) exploitable : rien à simuler."
        )
    households = row.get("n_households")
    n = math.nan if pd.isna(households) else float(households)
    if not math.isfinite(n) or n < 1:
        raise ValueError(f"« {name} » : nombre de ménages enquêtés inconnu, rien à simuler.")
    year = row.get("ops_survey_year")
    return shares, n, None if pd.isna(year) else int(year)


def simulate_cotation(
    index: CompositeIndex,
    indicators: pd.DataFrame,
    residences: pd.DataFrame,
    residence_id: str,
    entering: Household | None,
    leaving: Household | None = None,
    *,
    others: pd.Series | None = None,
) -> CotationChange:
    """The cotation of a residence after one household leaves and/or one moves in.

    Reads the survey the cotation reads (:func:`cotation_survey`), checks that it gives the
    indicator table's values, moves its shares (:func:`services.simulation.move_shares`) and
    scores the result (:func:`cotation_after_move`).

    Parameters
    ----------
    index : CompositeIndex
        The index fitted on the whole parc.
    indicators : pandas.DataFrame
        The indicator table it was fitted on.
    residences : pandas.DataFrame
        The residences table the indicator table was built from.
    residence_id : str
        The residence.
    entering, leaving : Household, optional
        The household moving in, the household leaving; at least one.
    others : pandas.Series, optional
        Scores the residence is ranked among (see :func:`cotation_after_move`).

    Returns
    -------
    CotationChange
        Before and after, with a French sentence.

    Raises
    ------
    KeyError
        For an unknown residence.
    ValueError
        Without a usable survey, for an impossible move, or when the indicator table was not
        built from this survey (French message).
    """
    shares, n, year = cotation_survey(residences, residence_id)
    if residence_id not in indicators.index:
        raise KeyError(f"résidence inconnue : « {residence_id} ».")
    codes = list(survey_indicator_codes(index.spec))
    read = indicators.loc[residence_id, codes].to_numpy(dtype=float)
    derived = survey_indicators(shares, catalogue=index.spec)[codes].to_numpy(dtype=float)
    if not np.allclose(read, derived, rtol=0.0, atol=1e-9, equal_nan=True):
        survey = f"de l'enquête OPS {year}" if year is not None else "de l'enquête OPS"
        raise ValueError(
            f"« {residence_id} » : la table d'indicateurs ne provient pas {survey} de la "
            "résidence ; la cotation simulée serait faussée."
        )
    moved = move_shares(shares, n, entering, leaving)
    return cotation_after_move(
        index, indicators, residence_id, moved, survey_year=year, others=others
    )


# --- The sentence ---------------------------------------------------------------------------


def _rank(rank: int | None) -> str:
    if rank is None:
        return "sans rang"
    return "1re" if rank == 1 else f"{fr_number(rank, 0)}e"


def _coverage(pct: float, minimum: float) -> str:
    return (
        f"indicateurs renseignés : {with_unit(pct, '%')} du poids de l'indice, "
        f"minimum {with_unit(minimum, '%')}"
    )


def _sentence(c: CotationChange) -> str:
    """« La note d'attractivité passerait de 67,1 à 66,0 (classe B inchangée), rang 430e → 437e
    sur 541. », or what happens to a residence that is not rated."""
    if c.is_rated_before and c.is_rated_after:
        a, b = fr_number(c.score_before), fr_number(c.score_after)
        text = (
            f"La note d'attractivité resterait à {a}"
            if a == b
            else f"La note d'attractivité passerait de {a} à {b}"
        )
        text += (
            f" (classe {c.class_before} inchangée)"
            if c.class_before == c.class_after
            else f" (classe {c.class_before} → {c.class_after})"
        )
        if c.rank_before == c.rank_after:
            text += f", rang {_rank(c.rank_before)} inchangé"
        else:
            text += f", rang {_rank(c.rank_before)} → {_rank(c.rank_after)}"
        return text + f" sur {fr_number(c.n_rated_after, 0)}."
    if c.is_rated_after:
        return (
            f"La résidence n'est pas cotée ({_coverage(c.coverage_before, c.min_coverage_pct)}) ; "
            f"après ce mouvement elle le serait : note {fr_number(c.score_after)} (classe "
            f"{c.class_after}), rang {_rank(c.rank_after)} sur {fr_number(c.n_rated_after, 0)}."
        )
    if c.is_rated_before:
        return (
            f"La note d'attractivité de {fr_number(c.score_before)} (classe {c.class_before}, "
            f"rang {_rank(c.rank_before)} sur {fr_number(c.n_rated_before, 0)}) ne serait plus "
            f"calculable ({_coverage(c.coverage_after, c.min_coverage_pct)}) : la résidence "
            "deviendrait non cotée."
        )
    text = f"La résidence n'est pas cotée ({_coverage(c.coverage_before, c.min_coverage_pct)})"
    if fr_number(c.coverage_after, 0) == fr_number(c.coverage_before, 0):
        return text + (
            " et le resterait après ce mouvement, qui ne modifie que les parts de ménages déjà "
            "renseignées, pas les données manquantes."
        )
    return text + f" et le resterait après ce mouvement ({with_unit(c.coverage_after, '%')})."
