"""The fiche résidence without Streamlit: everything one residence's card shows, for one viewer.

A bailleur prepares a CAL with one residence on one screen (document cadre, action 1.5):
who and where it is, its cotation (score, class, rank, coverage and the points each pillar and
indicator brings, :meth:`scoring.CompositeIndex.explain`), its peer group and flag
(:func:`services.peers.peer_analysis`), its occupancy over the OPS surveys, and the profile of
the households who entered and left it over the last attribution window against the sitting
tenants (:func:`services.flows.flow_profile`, :func:`services.occupancy.sitting_profile`).
:func:`search_matches` finds a residence by name, address, commune, quartier, bailleur or
identifier.

**Secret statistique** (:mod:`services.disclosure`). A residence belongs to one bailleur: its
occupancy figures (OPS history, entrants, leavers, fragility) are shown to the viewers who see
that residence (its bailleur, the service habitat) and masked for everyone else, with the reason.
The cotation is the one the viewer's pages show: the full one for a viewer who sees every
residence, else the public one (the Occupation pillar as one published value, withheld for a
residence with too few surveyed households, :mod:`services.disclosure.cotation`). The peer
group's values are drawn as quartiles only, and only when enough residences of several bailleurs
contribute (:mod:`services.disclosure.groups`), except for the service habitat. What everyone
sees: identity, cotation, contributions in points, peer group, flag and a recommendation.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from geodata.schemas import OCCUPANCY_SHARES, OPS_SURVEY_YEARS
from scoring import CompositeIndex
from scoring.classify import rank_against, sorted_reference
from services.access import Viewer
from services.cotation import class_label, search_residences
from services.disclosure import Access, DisclosureRules, load_rules, mask_columns
from services.disclosure.cotation import PILLAR_CODE, class_among, published_scores
from services.disclosure.groups import group_quartiles
from services.flows import MEASURE_LABELS, flow_profile
from services.occupancy import sitting_profile
from services.peers import PeerAnalysis, peer_comparison
from services.simulation import SHARE_LABELS
from services.stock import StockRules, load_stock_rules

LEVEL = "residence"
TYPOLOGY_COLUMNS = {"T1": "n_t1", "T2": "n_t2", "T3": "n_t3", "T4": "n_t4", "T5+": "n_t5_plus"}
# Entrant / leaver measure (services.flows) → OPS share of the sitting tenants.
PROFILE_MEASURES = {
    "resources_below_20_pct": "res_below_20_pct",
    "resources_below_40_pct": "res_below_40_pct",
    "resources_below_60_pct": "res_below_60_pct",
    "single_parent_pct": "single_parent_pct",
    "large_family_pct": "large_family_pct",
    "no_employment_pct": "no_employment_pct",
    "holder_65_plus_pct": "over_65_pct",
}
MASKED_REASON = (
    "Signalement établi sur l'occupation de la résidence ; son détail chiffré est réservé aux "
    "bailleurs et au service habitat (secret statistique)."
)
PEER_FIGURES = ("fragility", "previous_fragility", "fragility_change", "robust_z")


@dataclass(frozen=True, eq=False)
class CardInputs:
    """The tables every card is assembled from (built once, shared, never mutated).

    Attributes
    ----------
    directory : pandas.DataFrame
        :func:`services.cotation.residence_directory` (names and places, by ``residence_id``).
    residences : pandas.DataFrame
        The residences table (``geodata.housing.load_residences()``).
    indicator_table : pandas.DataFrame
        Raw cotation indicators by ``residence_id``.
    index : CompositeIndex
        The cotation index of the reference profile, fitted on ``indicator_table``.
    scores : pandas.DataFrame
        ``index.transform()``: score, class, rank, pillar scores and coverage.
    analysis : PeerAnalysis
        Peer groups and flags of the parc.
    occupancy, attributions, departures : pandas.DataFrame
        The OPS surveys, the entrants and the leavers.
    rules : DisclosureRules, optional
        The secret statistique (``config/disclosure.toml`` when absent).
    stock_rules : StockRules, optional
        The attribution window and age bands (``config/stock.toml`` when absent).
    public_index : CompositeIndex, optional
        The public cotation's index of the reference profile, fitted on ``public_table``.
    public_table : pandas.DataFrame, optional
        The public indicator table (:func:`services.disclosure.cotation.public_indicator_table`).
    public_scores : pandas.DataFrame, optional
        ``public_index.transform()``. Without the three, every viewer gets the full cotation.
    own_index : CompositeIndex, optional
        :func:`services.disclosure.cotation.own_index`: what scores a residence for a viewer who
        sees it but not every residence (``index`` when absent).
    """

    directory: pd.DataFrame
    residences: pd.DataFrame
    indicator_table: pd.DataFrame
    index: CompositeIndex
    scores: pd.DataFrame
    analysis: PeerAnalysis
    occupancy: pd.DataFrame
    attributions: pd.DataFrame
    departures: pd.DataFrame
    rules: DisclosureRules | None = None
    stock_rules: StockRules | None = None
    public_index: CompositeIndex | None = None
    public_table: pd.DataFrame | None = None
    public_scores: pd.DataFrame | None = None
    own_index: CompositeIndex | None = None

    def index_for(self, public: bool, sees_all: bool) -> tuple[CompositeIndex, pd.DataFrame]:
        """The index a viewer's card scores with, and the table it reads the residence from."""
        if public:
            return self.public_index, self.public_table
        if not sees_all and self.own_index is not None:
            return self.own_index, self.indicator_table
        return self.index, self.indicator_table


@dataclass(frozen=True, eq=False)
class ResidenceCard:
    """What the fiche résidence shows for one residence and one viewer.

    Attributes
    ----------
    residence_id : str
        The residence.
    viewer : Viewer
        Who the figures were masked for.
    can_see_figures : bool
        Whether the viewer sees the residence's occupancy figures.
    identity : dict
        ``residence_name``, ``address``, ``commune_name``, ``quartier_name``, ``bailleur``,
        ``is_qpv``, ``n_dwellings``, ``typologies`` (T1…T5+ → dwellings), ``mean_surface_m2``,
        ``year_built``, ``year_rehab``, ``dpe_label``, ``psp_class``, ``rent_eur_m2``,
        ``has_lift``, ``vacancy_rate_pct`` and ``rotation_rate_pct``.
    cotation : dict
        ``score`` (/ 100), ``score_class``, ``class_label``, ``rank``, ``n_rated`` (residences
        ranked), ``n_residences``, ``coverage_pct``, ``is_public`` (the public cotation),
        ``withheld_reason`` (why the Occupation pillar is left out of the score, else None) and
        ``certainty`` (which class certainty holds for this score: ``full``, ``public``, or
        None when none may be shown).
    pillars : pandas.DataFrame
        One row per pillar: ``pillar``, ``label``, ``weight_pct``, ``pillar_score`` and
        ``contribution_pts`` (they sum to the score).
    indicators : pandas.DataFrame
        One row per indicator, largest impact first: ``code``, ``label``, ``pillar``,
        ``pillar_label``, ``unit``, ``source``, ``value`` (raw, hidden for OPS indicators when the
        viewer may not see them), ``weight_pct``, ``contribution_pts`` and ``impact_pts``
        (contribution minus what the indicator would bring at mid-scale; they sum to
        score − 50).
    peer : dict
        ``group``, ``group_name``, ``group_description``, ``group_size``, ``flag``,
        ``flag_label``, ``reason``, ``recommendation``, ``explanation``, ``survey_year``,
        ``previous_survey_year``, ``n_households``, ``fragility``, ``previous_fragility``,
        ``fragility_change``, ``robust_z``, ``group_median`` and ``not_evaluated_reason``.
    comparison : pandas.DataFrame
        :func:`services.peers.peer_comparison` (fragility indicators only): the reference
        residences' values, the residence's own hidden when the viewer may not see them; empty
        for a viewer who does not see every residence (see ``quartiles``).
    quartiles : pandas.DataFrame
        :func:`services.disclosure.groups.group_quartiles` of the reference residences (what a
        viewer who does not see every residence is shown of them).
    occupancy : pandas.DataFrame
        Long table of every OPS share over the surveys: ``survey_year``, ``indicator``,
        ``label``, ``value`` (NaN when not surveyed or masked) and ``n_households``.
    flows : pandas.DataFrame
        One row per measure: ``measure``, ``label``, ``entrants_pct``, ``sitting_pct``,
        ``leavers_pct`` (NaN when masked or unknown).
    flow_counts : dict
        Households behind each profile: ``entrants``, ``sitting``, ``leavers``; with
        ``period`` (e.g. « 2024-2025 ») and ``sitting_year``.
    mask_reasons : tuple of str
        Why figures are hidden, in French (empty when nothing is).
    """

    residence_id: str
    viewer: Viewer
    can_see_figures: bool
    identity: dict
    cotation: dict
    pillars: pd.DataFrame
    indicators: pd.DataFrame
    peer: dict
    comparison: pd.DataFrame
    occupancy: pd.DataFrame
    flows: pd.DataFrame
    flow_counts: dict
    quartiles: pd.DataFrame = field(default_factory=pd.DataFrame)
    mask_reasons: tuple[str, ...] = field(default_factory=tuple)


# --- Search -------------------------------------------------------------------------------------


def search_matches(directory: pd.DataFrame, text: str, limit: int | None = None) -> pd.DataFrame:
    """Residences matching a search, best first.

    Every word of ``text`` must appear (case and accents ignored) in the name, address, commune,
    quartier, bailleur or identifier (:func:`services.cotation.search_residences`). Ranking: the
    identifier typed exactly, then residences whose name holds every word, then the others;
    alphabetical within each.

    Parameters
    ----------
    directory : pandas.DataFrame
        :func:`services.cotation.residence_directory`, indexed by ``residence_id``.
    text : str
        The search; empty gives every residence in alphabetical order.
    limit : int, optional
        Keep the first ``limit`` matches.

    Returns
    -------
    pandas.DataFrame
        Rows of ``directory`` in ranked order, with ``match_rank`` (0 exact identifier, 1 name,
        2 elsewhere).
    """
    found = search_residences(directory, text)
    words = (text or "").strip()
    if not words:
        rank = np.full(len(found), 2)
    else:
        names = found[["residence_name"]].reset_index(drop=True)
        in_name = search_residences(names, text).index.to_numpy()
        rank = np.where(np.isin(np.arange(len(found)), in_name), 1, 2)
        rank = np.where(found.index.str.casefold() == words.casefold(), 0, rank)
    out = found.assign(match_rank=rank, _name=found["residence_name"].str.casefold())
    out = out.sort_values(["match_rank", "_name"], kind="stable").drop(columns="_name")
    return out if limit is None else out.head(limit)


# --- The card -----------------------------------------------------------------------------------


def residence_card(
    inputs: CardInputs, residence_id: str, viewer: Viewer | None = None
) -> ResidenceCard:
    """Assemble the card of one residence for one viewer.

    Parameters
    ----------
    inputs : CardInputs
        The shared tables.
    residence_id : str
        The residence.
    viewer : Viewer, optional
        Who looks (the public by default).

    Returns
    -------
    ResidenceCard
        Identity, cotation, contributions, peer group and flag, occupancy history and flow
        profiles, as ``viewer`` may see them.

    Raises
    ------
    KeyError
        For an unknown residence (French message).
    """
    viewer = viewer or Viewer()
    if residence_id not in inputs.directory.index:
        raise KeyError(f"résidence inconnue : « {residence_id} ».")
    rules = inputs.rules or load_rules()
    stock_rules = inputs.stock_rules or load_stock_rules()
    rows = inputs.residences[inputs.residences["residence_id"] == residence_id]
    bailleur = str(inputs.directory.at[residence_id, "bailleur"])
    mask = _Masker(bool(Access.of(viewer).sees([bailleur])[0]), rules)
    public = not mask.visible and inputs.public_index is not None
    index, table = inputs.index_for(public, viewer.sees_all_residences)
    pillars, indicators = _contributions(index, table, residence_id, mask.visible, rules)
    surveys = inputs.occupancy[inputs.occupancy["residence_id"] == residence_id]
    years = sorted(set(OPS_SURVEY_YEARS) | set(surveys["survey_year"].astype(int)))
    # One profile of every survey year for the history and the flows (the costliest step).
    profile = sitting_profile(surveys, rows, LEVEL, years)
    occupancy = _occupancy(profile, mask)
    flows, counts = _flows(inputs, rows, stock_rules, mask, surveys, profile)
    peer = _peer(inputs.analysis, residence_id, mask)
    comparison = peer_comparison(inputs.analysis, residence_id, with_features=False)
    quartiles = _quartiles(comparison, inputs.directory, rules)
    if not mask.visible:
        comparison.loc[comparison["is_selected"], "value"] = np.nan
    if not viewer.sees_all_residences:
        comparison = comparison[comparison["is_selected"]].reset_index(drop=True)
    return ResidenceCard(
        residence_id=residence_id,
        viewer=viewer,
        can_see_figures=mask.visible,
        identity=_identity(inputs, residence_id, rows.iloc[0]),
        cotation=_cotation(inputs, residence_id, public, rules, viewer.sees_all_residences),
        pillars=pillars,
        indicators=indicators,
        peer=peer,
        comparison=comparison,
        occupancy=occupancy,
        flows=flows,
        flow_counts=counts,
        quartiles=quartiles,
        mask_reasons=tuple(sorted(mask.reasons)),
    )


class _Masker:
    """Masks the residence's own figures for a viewer who does not see it, and says why."""

    def __init__(self, visible: bool, rules: DisclosureRules) -> None:
        self.visible = visible
        self.rules = rules
        self.reasons: set[str] = set()

    def apply(self, frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
        status = np.full(len(frame), "shown" if self.visible else "primary", dtype=object)
        codes = np.full(len(frame), "" if self.visible else "residence", dtype=object)
        masked = mask_columns(frame, dict.fromkeys(columns, (status, codes)), self.rules)
        for text in masked.loc[masked["is_masked"], "mask_reason"].dropna():
            self.reasons.update(p.strip() for p in str(text).split(";") if p.strip())
        return masked


def _quartiles(
    comparison: pd.DataFrame, directory: pd.DataFrame, rules: DisclosureRules
) -> pd.DataFrame:
    """Quartiles of the peer reference residences (the residence itself left out)."""
    peers = comparison[(comparison["kind"] == "fragilité") & ~comparison["is_selected"]]
    peers = peers.assign(
        bailleur=directory["bailleur"].reindex(peers["residence_id"]).astype(str).to_numpy()
    )
    return group_quartiles(peers, rules)


def _identity(inputs: CardInputs, residence_id: str, row: pd.Series) -> dict:
    place = inputs.directory.loc[residence_id]

    def get(column: str) -> object:
        value = row.get(column)
        return None if value is None or pd.isna(value) else value

    return {
        "residence_name": str(place["residence_name"]),
        "address": str(place["address"] or ""),
        "commune_code": str(place["commune_code"]),
        "commune_name": str(place["commune_name"]),
        "quartier_name": str(place["quartier_name"] or ""),
        "bailleur": str(place["bailleur"] or ""),
        "is_qpv": bool(place["is_qpv"]),
        "n_dwellings": int(place["n_dwellings"]),
        "typologies": {t: int(row[c]) for t, c in TYPOLOGY_COLUMNS.items() if c in row.index},
        **{
            column: get(column)
            for column in (
                "mean_surface_m2",
                "year_built",
                "year_rehab",
                "dpe_label",
                "psp_class",
                "rent_eur_m2",
                "has_lift",
                "vacancy_rate_pct",
                "rotation_rate_pct",
            )
        },
    }


def _cotation(
    inputs: CardInputs, residence_id: str, public: bool, rules: DisclosureRules, sees_all: bool
) -> dict:
    """Score, class and rank: the public ones, or the full ones; a viewer who sees this
    residence but not every other one gets its score with its own shares
    (:attr:`CardInputs.own_index`) ranked among the public scores of the others (never among
    their full scores)."""
    scores = inputs.public_scores if public else inputs.scores
    own = not public and not sees_all and inputs.public_scores is not None
    if own:
        index, table = inputs.index_for(public, sees_all)
        exact = index.transform(table.loc[[residence_id]])
    else:
        exact = scores.loc[[residence_id]]
    row = published_scores(exact, rules).iloc[0]
    code = str(row["score_class"])
    rank, n_rated = row["rank"], int(scores["rank"].notna().sum())
    if own:
        others = inputs.public_scores["score"].drop(residence_id).to_numpy(dtype=float)
        score = float(exact["score"].iloc[0])
        rated = not np.isnan(score)
        rank = rank_against(np.array([score]), sorted_reference(others))[0] if rated else 0
        rank = pd.NA if not rated else int(rank)
        n_rated = int(np.count_nonzero(~np.isnan(others))) + int(rated)
        code = class_among(score, others, index.spec.method) if rated else code
    withheld = public and pd.isna(inputs.public_table.at[residence_id, PILLAR_CODE])
    certainty = "public" if public else "full"
    if own:
        # The public draws hold for an own score only when it is the public one (published
        # pillar, same class); the full draws would read every residence's shares.
        same = str(inputs.public_scores.at[residence_id, "score_class"]) == code
        published = not pd.isna(inputs.public_table.at[residence_id, PILLAR_CODE])
        certainty = "public" if same and published else None
    return {
        "score": float(row["score"]),
        "score_class": code,
        "class_label": class_label(code),
        "rank": None if pd.isna(rank) else int(rank),
        "n_rated": n_rated,
        "n_residences": len(scores),
        "coverage_pct": float(row["coverage_pct"]),
        "is_public": public,
        "withheld_reason": rules.pillar_reason if withheld else None,
        "certainty": certainty,
    }


def _contributions(
    index: CompositeIndex,
    table: pd.DataFrame,
    residence_id: str,
    visible: bool,
    rules: DisclosureRules,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    spec = index.spec
    explanation = index.explain(table.loc[[residence_id]])
    pillar_labels = {p.code: p.label for p in spec.pillars}
    pillars = explanation.pillars.drop(columns="residence_id").reset_index(drop=True)
    pillars.insert(1, "label", pillars["pillar"].map(pillar_labels))
    indicators = explanation.indicators.drop(columns="residence_id").reset_index(drop=True)
    specs = {i.code: i for i in spec.indicators}
    indicators.insert(1, "label", indicators["code"].map(lambda c: specs[c].label))
    indicators["pillar_label"] = indicators["pillar"].map(pillar_labels)
    indicators["unit"] = indicators["code"].map(lambda c: specs[c].unit)
    indicators["source"] = indicators["code"].map(lambda c: specs[c].source)
    if not visible:
        from_ops = indicators["source"].str.contains("OPS", regex=False)
        from_ops &= indicators["code"] != PILLAR_CODE  # the published pillar itself
        indicators["value"] = indicators["value"].mask(from_ops.to_numpy())
    rounded = (
        (pillars, ("pillar_score", "weight_pct", "contribution_pts")),
        (indicators, ("weight_pct", "contribution_pts", "impact_pts")),
    )
    for frame, columns in rounded:
        for column in columns:
            if column in frame:
                frame[column] = frame[column].astype(float).round(rules.decimals["points"])
    order = indicators["impact_pts"].abs().sort_values(ascending=False, kind="stable").index
    return pillars, indicators.loc[order].reset_index(drop=True)


def _peer(analysis: PeerAnalysis, residence_id: str, mask: _Masker) -> dict:
    row = analysis.residences.loc[residence_id]
    group = row["group"]
    groups = analysis.groups
    known = not pd.isna(group) and group in groups.index
    peer = {
        "group": None if pd.isna(group) else int(group),
        "group_name": row["group_name"],
        "group_description": groups.at[group, "description"] if known else "",
        "group_size": int(groups.at[group, "n_residences"]) if known else 0,
        "flag": row["flag"],
        "flag_label": row["flag_label"],
        "reason": _text(row["reason"]),
        "recommendation": _text(row["recommendation"]),
        "explanation": _text(row["explanation"]),
        "survey_year": None if pd.isna(row["survey_year"]) else int(row["survey_year"]),
        "previous_survey_year": (
            None if pd.isna(row["previous_survey_year"]) else int(row["previous_survey_year"])
        ),
        "group_median": float(row["group_median"]),
        "not_evaluated_reason": _text(row["not_evaluated_reason"]),
    }
    figures = pd.DataFrame(
        {
            "territory_code": [residence_id],
            "n_households": [float(row["n_households"])],
            **{c: [float(row[c])] for c in PEER_FIGURES},
        }
    )
    masked = mask.apply(figures, list(PEER_FIGURES)).iloc[0]
    peer.update({c: round(float(masked[c]), 2) for c in PEER_FIGURES})
    peer["n_households"] = float(row["n_households"]) if mask.visible else np.nan
    peer["group_median"] = round(peer["group_median"], 1) if mask.visible else np.nan
    if not mask.visible:
        peer["reason"] = MASKED_REASON
        peer["explanation"] = ""
        peer["not_evaluated_reason"] = MASKED_REASON if row["flag"] == "not_evaluated" else None
        if isinstance(row["profile"], str):
            peer["recommendation"] = analysis.settings.flags.texts.rebalance_generic
    return peer


def _occupancy(profile: pd.DataFrame, mask: _Masker) -> pd.DataFrame:
    shares = [c for c in OCCUPANCY_SHARES if c in profile.columns]
    masked = mask.apply(profile, shares)
    masked[shares] = masked[shares].round(mask.rules.decimals["share"])
    long = masked.melt(
        id_vars=["survey_year", "n_households"],
        value_vars=shares,
        var_name="indicator",
        value_name="value",
    )
    long["label"] = long["indicator"].map(SHARE_LABELS)
    return long[["survey_year", "indicator", "label", "value", "n_households"]]


def _flows(
    inputs: CardInputs,
    rows: pd.DataFrame,
    rules: StockRules,
    mask: _Masker,
    surveys: pd.DataFrame,
    profile: pd.DataFrame,
) -> tuple[pd.DataFrame, dict]:
    """Entrants, sitting tenants and leavers compared; ``surveys`` are the residence's OPS rows
    and ``profile`` their :func:`services.occupancy.sitting_profile` by survey year."""
    residence_id = rows["residence_id"].iloc[0]
    years_known = inputs.attributions["year"].dropna()
    # No attribution imported yet (a parc just converted from the RPLS): an empty window.
    last = int(years_known.max()) if len(years_known) else dt.date.today().year
    years = list(range(last - rules.equality_window_years + 1, last + 1))
    period = f"{years[0]}-{years[-1]}" if len(years) > 1 else str(last)
    profiles = {}
    for kind, table in (("entrants", inputs.attributions), ("leavers", inputs.departures)):
        mine = table[(table["residence_id"] == residence_id) & table["year"].isin(years)]
        # The window's flows are pooled as one period (one year label for all of them).
        pooled = flow_profile(mine.assign(year=last), rows, LEVEL, [last], rules=rules)
        profiles[kind] = pooled.iloc[0] if len(mine) else None
    answered = surveys[surveys[list(PROFILE_MEASURES.values())].notna().any(axis=1)]
    sitting_year = int(answered["survey_year"].max()) if len(answered) else None
    sitting = (
        profile[profile["survey_year"] == sitting_year].iloc[0]
        if sitting_year is not None
        else None
    )
    measures = list(PROFILE_MEASURES)
    # Every row holds the residence's own figures: its territory for the dominance rule.
    frame = pd.DataFrame(
        {
            "territory_code": [residence_id] * 3,
            "n_households": [
                _count(profiles["entrants"]),
                _count(sitting),
                _count(profiles["leavers"]),
            ],
        }
    )
    for measure, column in PROFILE_MEASURES.items():
        frame[measure] = [
            _value(profiles["entrants"], measure),
            _value(sitting, column),
            _value(profiles["leavers"], measure),
        ]
    masked = mask.apply(frame, measures)
    masked[measures] = masked[measures].round(mask.rules.decimals["share"])
    out = pd.DataFrame(
        {
            "measure": measures,
            "label": [MEASURE_LABELS[m.removesuffix("_pct")] for m in measures],
            "entrants_pct": masked.loc[0, measures].to_numpy(dtype=float),
            "sitting_pct": masked.loc[1, measures].to_numpy(dtype=float),
            "leavers_pct": masked.loc[2, measures].to_numpy(dtype=float),
        }
    )
    counts = {
        "entrants": frame.at[0, "n_households"],
        "sitting": frame.at[1, "n_households"],
        "leavers": frame.at[2, "n_households"],
        "period": period,
        "sitting_year": sitting_year,
    }
    return out, counts


def _text(value: object) -> str | None:
    """A French text of the analysis, None when missing."""
    return value if isinstance(value, str) and value else None


def _count(row: pd.Series | None) -> float:
    if row is None or pd.isna(row["n_households"]):
        return 0.0
    return float(row["n_households"])


def _value(row: pd.Series | None, column: str) -> float:
    if row is None or column not in row.index:
        return np.nan
    return float(row[column])
