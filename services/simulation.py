"""The attribution simulator of the fiche résidence: what one household moving in would change.

The residence's latest OPS survey gives shares of households over ``n`` surveyed households. The
candidate household has or has not each surveyed trait (``x`` = 1 or 0):

- ``res_below_20_pct``, ``res_below_40_pct``, ``res_below_60_pct``: its resources, in % of the
  PLUS ceilings, are under 20, 40 or 60 %;
- ``single_parent_pct``: a famille monoparentale; ``large_family_pct``: three children or more;
- ``no_employment_pct``: no adult in employment;
- ``employed_adults_pct``: the OPS counts adults, the simulator households; the household counts
  as one adult, employed when at least one of its adults works (a household-level proxy, shown
  but not part of the fragility index);
- ``housing_benefit_pct``: receives the APL (given, or estimated from its resources:
  :data:`HOUSING_BENEFIT_LIKELY_BELOW_PCT`);
- ``over_65_pct``: a tenant aged 65 or more; ``recent_movers_pct``: 1 for the household moving
  in, and for a leaving household that had arrived less than two years before.

Moving in, each share ``s`` becomes ``(s·n + 100·x) / (n + 1)``: the household counts as one more
surveyed household. When the leaving household is known, its traits ``y`` are removed first,
``(s·n − 100·y) / (n − 1)``, and the newcomer takes its place (``n`` unchanged). A removal that
would go below 0 % or above 100 % (a profile the survey did not see) is clipped and reported.

The fragility index is then scored with the **same fitted index** as the surveys
(:func:`services.fragility.fit_fragility`: nothing is re-normalised), and the flag is decided by
the same engine as every flag (:func:`scoring.peers.flag_rebalancing`, thresholds of
``config/peers.toml``), on the whole parc with this residence's survey replaced by the simulated
one. Its group median and scale are recomputed with the simulated value in place of the
residence's own; one residence among its peers moves them little, and the result says by how
much.

The residence's cotation (score, class, rank) after the same move is not recomputed here:
:mod:`services.simulation_score` re-derives the cotation indicators read from the survey and
scores them with the index fitted on the whole parc.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from geodata.schemas import COMPOSITIONS, OCCUPANCY, OCCUPANCY_SHARES
from scoring.flag_texts import fr_number, signed_number
from scoring.peers import flag_rebalancing
from services.fragility import FittedFragility, fit_fragility, latest_and_previous
from services.peers import FLAG_LABELS, PeerAnalysis

RESOURCE_BANDS = {"res_below_20_pct": 20.0, "res_below_40_pct": 40.0, "res_below_60_pct": 60.0}
# Under this share of the PLUS ceilings a household almost always receives the APL; above it,
# it depends on its size and rent. Only the default of the simulator's input.
HOUSING_BENEFIT_LIKELY_BELOW_PCT = 40.0
COMPOSITION_NAMES = {
    "personne_seule": "une personne seule",
    "couple_sans_enfant": "un couple sans enfant",
    "couple_avec_enfants": "un couple avec enfants",
    "famille_monoparentale": "une famille monoparentale",
}
WITH_CHILDREN = ("couple_avec_enfants", "famille_monoparentale")
QUARTILE_NAMES = {1: "1er quartile", 2: "2e quartile", 3: "3e quartile", 4: "4e quartile"}
SHARE_LABELS = {c.name: c.description for c in OCCUPANCY.columns if c.name in OCCUPANCY_SHARES}


# --- The household ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Household:
    """A household moving in or out, as the simulator describes it.

    Parameters
    ----------
    resources_pct_ceiling : float
        Resources in % of the PLUS ceilings.
    composition : str
        One of :data:`geodata.schemas.COMPOSITIONS`.
    is_employed : bool
        At least one adult in employment.
    is_large_family : bool, default False
        Three children or more (only with a composition with children).
    has_housing_benefit : bool, optional
        Receives the APL; estimated from the resources when None (:attr:`housing_benefit`).
    is_holder_65_plus : bool, default False
        The tenant is 65 or older.
    is_recent_mover : bool, default False
        Arrived less than two years ago (a household moving in always is).
    resources_quartile : int, optional
        The applicants' quartile the resources stand for (1 to 4), quoted in the texts.
    """

    resources_pct_ceiling: float
    composition: str
    is_employed: bool
    is_large_family: bool = False
    has_housing_benefit: bool | None = None
    is_holder_65_plus: bool = False
    is_recent_mover: bool = False
    resources_quartile: int | None = None

    def __post_init__(self) -> None:
        value = self.resources_pct_ceiling
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
        ):
            raise ValueError(
                "ressources du ménage : attendu un pourcentage des plafonds PLUS, "
                f"reçu « {value} »."
            )
        if value < 0:
            raise ValueError(f"ressources du ménage : {fr_number(value)} % est négatif.")
        if self.composition not in COMPOSITIONS:
            raise ValueError(
                f"composition du ménage inconnue : « {self.composition} » "
                f"(attendu : {', '.join(COMPOSITIONS)})."
            )
        if self.is_large_family and self.composition not in WITH_CHILDREN:
            raise ValueError(
                "famille nombreuse : la composition doit être « couple avec enfants » ou "
                f"« famille monoparentale », pas « {COMPOSITION_NAMES[self.composition][3:]} »."
            )
        if self.resources_quartile is not None and self.resources_quartile not in QUARTILE_NAMES:
            raise ValueError(
                f"quartile de ressources : attendu 1 à 4, reçu « {self.resources_quartile} »."
            )

    @property
    def housing_benefit(self) -> bool:
        """Whether the household receives the APL (estimated from its resources when not given)."""
        if self.has_housing_benefit is not None:
            return bool(self.has_housing_benefit)
        return self.resources_pct_ceiling < HOUSING_BENEFIT_LIKELY_BELOW_PCT

    def traits(self, *, moving_in: bool) -> dict[str, float]:
        """0 or 1 for every OPS share (module docstring); ``moving_in`` makes it a recent mover."""
        out = {
            column: float(self.resources_pct_ceiling < threshold)
            for column, threshold in RESOURCE_BANDS.items()
        }
        out["single_parent_pct"] = float(self.composition == "famille_monoparentale")
        out["large_family_pct"] = float(self.is_large_family)
        out["employed_adults_pct"] = float(self.is_employed)
        out["no_employment_pct"] = float(not self.is_employed)
        out["housing_benefit_pct"] = float(self.housing_benefit)
        out["over_65_pct"] = float(self.is_holder_65_plus)
        out["recent_movers_pct"] = float(moving_in or self.is_recent_mover)
        return out

    def describe(self) -> str:
        """French description, e.g. « une famille monoparentale aux ressources de 19,8 % des
        plafonds PLUS (1er quartile), sans adulte en emploi, bénéficiaire de l'APL »."""
        text = COMPOSITION_NAMES[self.composition]
        if self.is_large_family:
            text = (
                "une famille monoparentale nombreuse"
                if self.composition == "famille_monoparentale"
                else "un couple avec trois enfants ou plus"
            )
        text += f" aux ressources de {fr_number(self.resources_pct_ceiling)} % des plafonds PLUS"
        if self.resources_quartile is not None:
            text += f" ({QUARTILE_NAMES[self.resources_quartile]})"
        text += ", avec un adulte en emploi" if self.is_employed else ", sans adulte en emploi"
        if self.housing_benefit:
            text += ", bénéficiaire de l'APL"
        if self.is_holder_65_plus:
            text += ", titulaire de 65 ans ou plus"
        return text


def quartile_resources(resources: pd.Series) -> pd.DataFrame:
    """Resources standing for each quartile of the applicants' resources.

    Parameters
    ----------
    resources : pandas.Series
        Resources of the active applicants, in % of the PLUS ceilings (the ``demands`` table);
        missing values are ignored.

    Returns
    -------
    pandas.DataFrame
        Indexed by quartile (1 to 4): ``low_pct`` and ``high_pct`` (bounds of the quartile) and
        ``typical_pct``, the median of the applicants in the quartile, used for a candidate
        described by its quartile only.

    Raises
    ------
    ValueError
        Without any known resources.
    """
    values = pd.to_numeric(resources, errors="coerce").dropna().to_numpy(dtype=float)
    if values.size == 0:
        raise ValueError(
            "ressources des demandeurs : aucune valeur connue, quartiles incalculables."
        )
    edges = np.quantile(values, [0.0, 0.25, 0.5, 0.75, 1.0])
    rows = {}
    for q in range(1, 5):
        low, high = edges[q - 1], edges[q]
        inside = values[(values >= low) & ((values < high) if q < 4 else (values <= high))]
        typical = float(np.median(inside)) if inside.size else float((low + high) / 2)
        rows[q] = {"low_pct": float(low), "high_pct": float(high), "typical_pct": round(typical, 1)}
    return pd.DataFrame.from_dict(rows, orient="index").rename_axis("quartile")


# --- Share arithmetic ---------------------------------------------------------------------------


@dataclass(frozen=True)
class MovedShares:
    """Shares of households after the move.

    Attributes
    ----------
    shares : pandas.Series
        Every share after the move (NaN where the survey had none).
    n_households : float
        Surveyed households after the move (``n + 1``, or ``n`` when one leaves).
    clipped : tuple of str
        Shares that the leaving household's profile would have pushed outside 0–100 %.
    """

    shares: pd.Series
    n_households: float
    clipped: tuple[str, ...]


def move_shares(
    shares: Mapping[str, float] | pd.Series,
    n_households: float,
    entering: Household | None,
    leaving: Household | None = None,
) -> MovedShares:
    """Shares of households after one household leaves and/or one moves in (module docstring).

    Parameters
    ----------
    shares : mapping or pandas.Series
        OPS shares in % (``res_below_40_pct``…), over ``n_households`` households.
    n_households : float
        Surveyed households (at least 1, at least 2 when one leaves).
    entering, leaving : Household, optional
        The household moving in, the household leaving; at least one.

    Returns
    -------
    MovedShares
        The shares after the move, their household count and the clipped shares.

    Examples
    --------
    Ten households, 30 % single parents; a single parent moves in: (30·10 + 100) / 11 = 36,4 %.
    """
    if entering is None and leaving is None:
        raise ValueError("simulation : décrire au moins le ménage entrant ou le ménage sortant.")
    n = float(n_households)
    if not math.isfinite(n) or n < 1:
        raise ValueError(f"simulation : nombre de ménages enquêtés invalide ({n_households}).")
    if leaving is not None and n < 2:
        raise ValueError(
            "simulation : un seul ménage enquêté, le départ d'un ménage ne laisse aucune donnée."
        )
    values = pd.Series(shares, dtype=float)
    clipped: list[str] = []
    if leaving is not None:
        out = leaving.traits(moving_in=False)
        y = pd.Series({c: out.get(c, np.nan) for c in values.index}, dtype=float)
        removed = (values * n - 100.0 * y.fillna(0.0)) / (n - 1)
        outside = (removed < -1e-9) | (removed > 100.0 + 1e-9)
        clipped = [str(c) for c in values.index[outside.to_numpy()]]
        values = removed.clip(0.0, 100.0)
        n -= 1
    if entering is not None:
        x = entering.traits(moving_in=True)
        x = pd.Series({c: x.get(c, np.nan) for c in values.index}, dtype=float)
        values = (values * n + 100.0 * x.fillna(0.0)) / (n + 1)
        n += 1
    return MovedShares(values, n, tuple(clipped))


# --- The residence ------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class SimulationContext:
    """What every simulation needs, built once per data set (:func:`simulation_context`).

    Attributes
    ----------
    analysis : PeerAnalysis
        The peer groups and flags of the parc.
    fitted : FittedFragility
        The fragility index fitted on every survey.
    judged : pandas.DataFrame
        The survey each residence is judged on (:func:`services.fragility.latest_and_previous`),
        indexed by ``residence_id`` like ``analysis.residences``.
    shares : pandas.DataFrame
        Every OPS share of that survey, by ``residence_id``.
    """

    analysis: PeerAnalysis
    fitted: FittedFragility
    judged: pd.DataFrame
    shares: pd.DataFrame


def simulation_context(analysis: PeerAnalysis, occupancy: pd.DataFrame) -> SimulationContext:
    """Prepare the simulations of a parc.

    Parameters
    ----------
    analysis : PeerAnalysis
        Output of :func:`services.peers.peer_analysis`.
    occupancy : pandas.DataFrame
        The OPS table it was computed from (every share of the survey judged is read there).

    Returns
    -------
    SimulationContext
        The fitted fragility index (fitted on ``analysis.fragility`` exactly as
        :func:`services.fragility.fragility_index` fits it), the survey judged and its shares.
    """
    codes = [i.column for i in analysis.settings.fragility_indicators]
    fitted = fit_fragility(analysis.fragility[codes], settings=analysis.settings)
    ids = analysis.residences.index
    judged = latest_and_previous(analysis.fragility).reindex(ids)
    keyed = occupancy.assign(residence_id=occupancy["residence_id"].astype(str)).set_index(
        ["residence_id", "survey_year"]
    )
    keys = pd.MultiIndex.from_arrays(
        [ids, judged["survey_year"].astype("Int64").fillna(-1).astype(int).to_numpy()]
    )
    shares = keyed[list(OCCUPANCY_SHARES)].reindex(keys).set_axis(ids)
    return SimulationContext(analysis, fitted, judged, shares)


@dataclass(frozen=True)
class SimulationResult:
    """Before and after one move, for one residence.

    Attributes
    ----------
    residence_id : str
        The residence.
    survey_year : int
        The OPS survey the simulation starts from.
    n_before, n_after : float
        Surveyed households before and after.
    shares : pandas.DataFrame
        Indexed by share column: ``label``, ``before``, ``after``, ``change_points``,
        ``is_fragility_indicator``, ``entering`` and ``leaving`` (the 0/1 traits, NaN without
        that household).
    fragility_before, fragility_after : float
        Fragility index (0–100, higher = more fragile).
    z_before, z_after : float
        Robust gap to the reference median.
    median_before, median_after : float
        Reference median of the fragility index before and after.
    flag_before, flag_after : str
        ``rebalance``, ``capacity``, ``balanced`` or ``not_evaluated``.
    reason_after, recommendation_after : str
        French reason and recommendation of the simulated flag.
    clipped : tuple of str
        Shares clipped to 0–100 % by the leaving household's profile.
    sentence : str
        What the move would do, in one French sentence.
    """

    residence_id: str
    survey_year: int
    n_before: float
    n_after: float
    shares: pd.DataFrame
    fragility_before: float
    fragility_after: float
    z_before: float
    z_after: float
    median_before: float
    median_after: float
    flag_before: str
    flag_after: str
    reason_after: str
    recommendation_after: str
    clipped: tuple[str, ...]
    sentence: str

    @property
    def fragility_change(self) -> float:
        """Change of the fragility index, in points (NaN when either is not computed)."""
        return self.fragility_after - self.fragility_before

    @property
    def flag_label_before(self) -> str:
        """French label of the flag before."""
        return FLAG_LABELS[self.flag_before]

    @property
    def flag_label_after(self) -> str:
        """French label of the flag after."""
        return FLAG_LABELS[self.flag_after]


def simulate_move(
    context: SimulationContext,
    residence_id: str,
    entering: Household | None,
    leaving: Household | None = None,
) -> SimulationResult:
    """What the residence's shares, fragility and flag would become after one move.

    Parameters
    ----------
    context : SimulationContext
        Output of :func:`simulation_context`.
    residence_id : str
        The residence.
    entering : Household, optional
        The candidate household moving in.
    leaving : Household, optional
        The household leaving, when its profile is known (it is replaced by the newcomer).

    Returns
    -------
    SimulationResult
        Before and after, with a French sentence.

    Raises
    ------
    KeyError
        For an unknown residence.
    ValueError
        When the residence has no OPS survey or household count to start from.
    """
    table = context.analysis.residences
    if residence_id not in table.index:
        raise KeyError(f"résidence inconnue : « {residence_id} ».")
    judged = context.judged.loc[residence_id]
    name = table.at[residence_id, "residence_name"]
    if pd.isna(judged["survey_year"]) or context.shares.loc[residence_id].isna().all():
        raise ValueError(
            f"« {name} » n'a pas d'enquête d'occupation (OPS) exploitable : rien à simuler."
        )
    n = float(judged["n_households"])
    if not math.isfinite(n) or n < 1:
        raise ValueError(f"« {name} » : nombre de ménages enquêtés inconnu, rien à simuler.")
    before_shares = context.shares.loc[residence_id]
    moved = move_shares(before_shares, n, entering, leaving)
    codes = context.fitted.codes
    raw = context.judged[codes].copy()
    for column in codes:
        if column in moved.shares.index:
            raw.at[residence_id, column] = moved.shares[column]
    after_fragility = float(context.fitted.score(raw.loc[[residence_id]])["fragility"].iloc[0])
    flags = _flags_after(context, residence_id, after_fragility, moved.n_households, raw)
    before = table.loc[residence_id]
    after = flags.loc[residence_id]
    shares = _share_table(before_shares, moved, codes, entering, leaving)
    result = SimulationResult(
        residence_id=residence_id,
        survey_year=int(judged["survey_year"]),
        n_before=n,
        n_after=moved.n_households,
        shares=shares,
        fragility_before=float(before["fragility"]),
        fragility_after=after_fragility,
        z_before=float(before["robust_z"]),
        z_after=float(after["robust_z"]),
        median_before=float(before["group_median"]),
        median_after=float(after["group_median"]),
        flag_before=str(before["flag"]),
        flag_after=str(after["flag"]),
        reason_after=str(after["reason"]),
        recommendation_after=str(after["recommendation"]),
        clipped=moved.clipped,
        sentence="",
    )
    return _with_sentence(result, name, entering, leaving)


def _flags_after(
    context: SimulationContext,
    residence_id: str,
    fragility: float,
    n_households: float,
    raw: pd.DataFrame,
) -> pd.DataFrame:
    """The flags of the parc with this residence's survey replaced by the simulated one."""
    analysis = context.analysis
    judged = context.judged
    values = judged["fragility"].copy()
    values[residence_id] = fragility
    households = judged["n_households"].astype(float).copy()
    households[residence_id] = n_households
    columns = [i.column for i in analysis.settings.fragility_indicators]
    return flag_rebalancing(
        values,
        analysis.model.labels_,
        analysis.residences["attractiveness_class"],
        analysis.settings,
        previous=judged["previous_fragility"],
        n_households=households,
        indicators=raw[columns],
        group_names=analysis.model.names_,
    )


def _share_table(
    before: pd.Series,
    moved: MovedShares,
    fragility_columns: list[str],
    entering: Household | None,
    leaving: Household | None,
) -> pd.DataFrame:
    columns = list(before.index)
    entering_traits = entering.traits(moving_in=True) if entering is not None else {}
    leaving_traits = leaving.traits(moving_in=False) if leaving is not None else {}
    out = pd.DataFrame(
        {
            "label": [SHARE_LABELS.get(c, c) for c in columns],
            "before": before.to_numpy(dtype=float),
            "after": moved.shares.reindex(columns).to_numpy(dtype=float),
        },
        index=pd.Index(columns, name="indicator"),
    )
    out["change_points"] = out["after"] - out["before"]
    out["is_fragility_indicator"] = [c in fragility_columns for c in columns]
    out["entering"] = [entering_traits.get(c, np.nan) for c in columns]
    out["leaving"] = [leaving_traits.get(c, np.nan) for c in columns]
    return out


def _with_sentence(
    result: SimulationResult, name: str, entering: Household | None, leaving: Household | None
) -> SimulationResult:
    moves = []
    if leaving is not None:
        moves.append(f"le départ d'{leaving.describe()}")
    if entering is not None:
        moves.append(f"l'entrée d'{entering.describe()}")
    who = " et ".join(moves)
    a, b = result.fragility_before, result.fragility_after
    if math.isnan(a) and math.isnan(b):
        text = (
            f"Avec {who}, l'indice de fragilité de « {name} » resterait non calculé (données "
            "de l'enquête d'occupation incomplètes)"
        )
    else:
        text = (
            f"Avec {who}, l'indice de fragilité d'occupation de « {name} » passerait de "
            f"{_points(a)} à {_points(b)}"
        )
        if not math.isnan(b - a):
            shown = round(b, 1) - round(a, 1)  # the change between the two figures quoted
            text += f" ({signed_number(shown, 1)} point{'s' if abs(shown) >= 2 else ''})"
        if not (math.isnan(result.z_before) or math.isnan(result.z_after)):
            text += (
                f", soit un écart robuste à ses pairs de {signed_number(result.z_before)} à "
                f"{signed_number(result.z_after)}"
            )
    if result.flag_before == result.flag_after:
        text += f" : la résidence resterait « {result.flag_label_after} »."
    else:
        text += (
            f" : la résidence passerait de « {result.flag_label_before} » à "
            f"« {result.flag_label_after} »."
        )
    return replace(result, sentence=text[:1].upper() + text[1:])


def _points(value: float) -> str:
    return "non calculé" if math.isnan(value) else fr_number(value)
