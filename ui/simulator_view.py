"""The attribution simulator of the fiche résidence: describe a household, see what it changes.

The inputs sit in a form (nothing reruns while they are filled in) inside a fragment (the
« Simuler l'entrée » button reruns the simulator only, not the card). The arithmetic, the
fragility index and the flag are :mod:`services.simulation`'s; the note d'attractivité, class and
rank after the same move are :mod:`services.simulation_score`'s, scored with the fiche's own
index (:func:`ui.cache.simulated_cotation`). The last result is kept per residence so that the
print layout can show it.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import streamlit as st

from geodata.schemas import COMPOSITIONS
from scoring.spec import NOT_RATED
from services.access import Viewer
from services.simulation import (
    COMPOSITION_NAMES,
    HOUSING_BENEFIT_LIKELY_BELOW_PCT,
    QUARTILE_NAMES,
    Household,
    SimulationResult,
    simulate_move,
)
from services.simulation_score import CotationChange
from ui import cache
from ui.flag_labels import rules_help
from ui.fmt import fmt_number, fmt_pct, fmt_rank, fmt_signed
from ui.tables import show_table

RESULT_KEY = "fiche_simulation"
DIRECT = "pct"
# Resources typed in % of the PLUS ceilings: checked here, in French (a bounded Streamlit number
# input refuses a value with an English tooltip and keeps the previous one).
RESOURCES_MAX_PCT = 400
BENEFIT = {
    "auto": f"estimée : oui sous {fmt_number(HOUSING_BENEFIT_LIKELY_BELOW_PCT, 0)} % des plafonds",
    "oui": "oui",
    "non": "non",
}


def _composition_label(code: str) -> str:
    text = COMPOSITION_NAMES[code].split(" ", 1)[1]
    return text[:1].upper() + text[1:]


def _resource_options() -> dict[str, str]:
    quartiles = cache.applicant_quartiles()
    options = {
        str(q): f"{QUARTILE_NAMES[q]} des demandeurs (≈ {fmt_pct(row.typical_pct)} des plafonds)"
        for q, row in zip(quartiles.index, quartiles.itertuples(), strict=True)
    }
    options[DIRECT] = "Saisir en % des plafonds PLUS"
    return options


def _household_inputs(prefix: str, moving_in: bool) -> dict:
    """The widgets describing one household; returns their values."""
    options = _resource_options()
    values = {
        "resources": st.selectbox(
            "Ressources",
            list(options),
            index=0 if moving_in else 1,
            format_func=options.get,
            key=f"{prefix}_ressources",
            help="Quartile des ressources par unité de consommation des demandeurs actifs "
            "(valeur retenue : la médiane du quartile), ou saisie directe ci-dessous.",
        ),
        "resources_pct": st.number_input(
            "Ressources en % des plafonds PLUS (si « Saisir en % » ci-dessus)",
            value=50.0,
            step=5.0,
            format="%.0f",
            key=f"{prefix}_ressources_pct",
            help=f"De 0 à {fmt_number(RESOURCES_MAX_PCT, 0)} % des plafonds de ressources PLUS.",
        ),
        "composition": st.selectbox(
            "Composition",
            list(COMPOSITIONS),
            index=0,
            format_func=_composition_label,
            key=f"{prefix}_composition",
        ),
        "large": st.checkbox("Famille nombreuse (3 enfants ou plus)", key=f"{prefix}_nombreuse"),
        "employed": st.checkbox("Au moins un adulte en emploi", value=True, key=f"{prefix}_emploi"),
        "benefit": st.selectbox(
            "Aide personnalisée au logement (APL)",
            list(BENEFIT),
            format_func=BENEFIT.get,
            key=f"{prefix}_apl",
        ),
        "senior": st.checkbox("Titulaire du bail de 65 ans ou plus", key=f"{prefix}_65"),
    }
    if not moving_in:
        values["recent"] = st.checkbox("Arrivé il y a moins de 2 ans", key=f"{prefix}_recent")
    return values


def check_resources(value: object, moving_in: bool) -> float:
    """The resources typed in % of the PLUS ceilings, or a French ValueError naming the field,
    the value and what is expected."""
    who = "ménage candidat" if moving_in else "ménage sortant"
    field = f"Ressources en % des plafonds PLUS du {who}"
    if value is None:
        raise ValueError(
            f"{field} : valeur manquante, attendu un nombre de 0 à "
            f"{fmt_number(RESOURCES_MAX_PCT, 0)}."
        )
    number = float(value)
    if not 0 <= number <= RESOURCES_MAX_PCT:
        raise ValueError(
            f"{field} : {fmt_number(number, 0)} reçu, attendu un nombre de 0 à "
            f"{fmt_number(RESOURCES_MAX_PCT, 0)} (% des plafonds)."
        )
    return number


def _household(values: dict, moving_in: bool) -> Household:
    """A :class:`Household` from the widgets' values (ValueError in French when inconsistent)."""
    quartiles = cache.applicant_quartiles()
    if values["resources"] == DIRECT:
        resources, quartile = check_resources(values["resources_pct"], moving_in), None
    else:
        quartile = int(values["resources"])
        resources = float(quartiles.at[quartile, "typical_pct"])
    benefit = {"auto": None, "oui": True, "non": False}[values["benefit"]]
    return Household(
        resources_pct_ceiling=resources,
        composition=values["composition"],
        is_employed=bool(values["employed"]),
        is_large_family=bool(values["large"]),
        has_housing_benefit=benefit,
        is_holder_65_plus=bool(values["senior"]),
        is_recent_mover=bool(values.get("recent", moving_in)),
        resources_quartile=quartile,
    )


def may_simulate(residence_id: str, viewer: Viewer) -> bool:
    """Whether ``viewer`` may simulate an attribution in the residence: the ``simulate``
    capability and full access to the residence (its occupancy is the simulator's start)."""
    bailleur = cache.residence_directory().at[residence_id, "bailleur"]
    return viewer.can("simulate") and viewer.sees_residence(str(bailleur))


@st.fragment
def simulator(residence_id: str, viewer: Viewer) -> None:
    """The simulator: a form describing the candidate (and the leaver), then the result."""
    st.subheader("Simulateur d'attribution", anchor=False)
    if not may_simulate(residence_id, viewer):
        st.info(
            "Le simulateur part de l'occupation de la résidence (enquête OPS), réservée à son "
            "bailleur et au service habitat.",
            icon=":material/lock:",
        )
        return
    with st.form("fiche_simulateur", border=True):
        enter_col, leave_col = st.columns(2, gap="large")
        with enter_col:
            st.markdown("**Ménage candidat (entrant)**")
            entering = _household_inputs("entrant", moving_in=True)
        with leave_col:
            st.markdown("**Ménage sortant (facultatif)**")
            known = st.checkbox(
                "Le logement est libéré par un ménage dont le profil est connu",
                key="sortant_connu",
                help="Le ménage sortant est alors retiré avant l'entrée du candidat : le nombre "
                "de ménages reste le même.",
            )
            leaving = _household_inputs("sortant", moving_in=False)
        submitted = st.form_submit_button(
            "Simuler l'entrée", type="primary", icon=":material/play_arrow:"
        )
    if submitted:
        try:
            moving_in = _household(entering, True)
            moving_out = _household(leaving, False) if known else None
            result = simulate_move(cache.simulation_context(), residence_id, moving_in, moving_out)
        except ValueError as error:
            # A rejected input clears the previous result: nothing stale stays on screen.
            st.session_state.pop(RESULT_KEY, None)
            text = str(error)
            why = f"{text[:1].upper()}{text[1:]}"
            st.error(f"Simulation impossible. {why}", icon=":material/error:")
            return
        public = not viewer.sees_all_residences
        cotation = _cotation(residence_id, moving_in, moving_out, public)
        st.session_state[RESULT_KEY] = (residence_id, result, cotation)
    simulation_result(residence_id, viewer)


def _cotation(
    residence_id: str, entering: Household, leaving: Household | None, public: bool
) -> CotationChange | str:
    """The cotation after the move, or why it could not be simulated (French); ``public``:
    ranked among the public scores of the other residences."""
    try:
        return cache.simulated_cotation(residence_id, entering, leaving, public)
    except (KeyError, ValueError) as error:
        return str(error).strip("'\"")


def simulation_result(residence_id: str, viewer: Viewer, printing: bool = False) -> None:
    """The last simulation of this residence; how to run one (nothing when printing).

    A simulation shows residence-level occupancy: nothing is shown to a viewer who may not
    simulate in this residence, even when a simulation made under another account is still
    kept in the session.
    """
    if not may_simulate(residence_id, viewer):
        return
    kept = st.session_state.get(RESULT_KEY)
    if not kept or kept[0] != residence_id:
        if printing:
            return
        st.caption(
            "Décrivez le ménage candidat puis cliquez sur « Simuler l'entrée » : la fiche montre "
            "comment évolueraient les parts de ménages, l'indice de fragilité, le signalement et "
            "la note d'attractivité."
        )
        return
    result: SimulationResult = kept[1]
    cotation: CotationChange | str | None = kept[2] if len(kept) > 2 else None
    if printing:
        st.subheader("Simulation d'attribution", anchor=False)
    worse = result.fragility_change > 0
    box = st.warning if worse else st.success
    box(result.sentence, icon=":material/trending_up:" if worse else ":material/trending_down:")
    cols = st.columns(3)
    cols[0].metric(
        "Indice de fragilité après",
        fmt_number(result.fragility_after, 1, "points"),
        **_change(
            round(result.fragility_after, 1) - round(result.fragility_before, 1),
            "points",
            rise_is_good=False,
        ),
        help=f"Avant : {fmt_number(result.fragility_before, 1)} points (OPS "
        f"{result.survey_year}, {fmt_number(result.n_before)} ménages enquêtés).",
    )
    cols[1].metric(
        "Écart robuste au groupe après",
        fmt_number(result.z_after, 2),
        **_change(round(result.z_after, 2) - round(result.z_before, 2), "", 2, rise_is_good=False),
        help=f"Avant : {fmt_number(result.z_before, 2)}. {rules_help()}",
    )
    cols[2].metric(
        "Signalement après",
        result.flag_label_after,
        help=f"Avant : {result.flag_label_before}.",
    )
    _cotation_block(cotation)
    in_note = cotation.indicators.index if isinstance(cotation, CotationChange) else ()
    # A static table: its headers wrap, nothing is cut on screen nor on paper.
    show_table(_share_table(result, in_note), {}, static=True)
    notes = [
        f"Parts calculées sur {fmt_number(result.n_before)} ménages enquêtés avant, "
        f"{fmt_number(result.n_after)} après : chaque part s devient (s × n + 100 × x) / (n + 1) "
        "à l'entrée du ménage, x valant 1 s'il a la caractéristique ; un ménage sortant est "
        "d'abord retiré, (s × n − 100 × y) / (n − 1).",
        "La part d'adultes en emploi est approchée au niveau du ménage (un adulte, en emploi "
        "s'il y en a un) ; elle n'entre pas dans l'indice de fragilité, mais dans la note "
        "d'attractivité.",
        f"Médiane de fragilité du groupe : {fmt_number(result.median_before, 1)} avant, "
        f"{fmt_number(result.median_after, 1)} après (recalculée avec la valeur simulée).",
    ]
    if isinstance(cotation, CotationChange):
        notes.append(_cotation_note(cotation, result.survey_year))
    st.caption(" ".join(notes))
    if result.clipped:
        st.warning(
            "Le profil du ménage sortant ne correspond pas à l'enquête pour : "
            + ", ".join(result.shares.loc[list(result.clipped), "label"])
            + " (part ramenée entre 0 et 100 %).",
            icon=":material/rule:",
        )
    st.markdown(f"**Préconisation après l'entrée** : {result.recommendation_after}")


def _cotation_block(cotation: CotationChange | str | None) -> None:
    """The note d'attractivité, class, rank and Occupation pillar after the move."""
    if cotation is None:
        return
    if isinstance(cotation, str):
        st.caption(f"Note d'attractivité non simulée : {cotation}")
        return
    c = cotation
    if c.is_rated_before or c.is_rated_after:
        cols = st.columns(4)
        cols[0].metric(
            "Note d'attractivité après",
            fmt_number(c.score_after, 1, "/ 100"),
            **_change(round(c.score_after, 1) - round(c.score_before, 1), "points"),
            help=f"Avant : {fmt_number(c.score_before, 1, '/ 100')}. Profil de référence de la "
            "cotation, indice ajusté sur tout le parc ; 100 = la plus attractive.",
        )
        cols[1].metric(
            "Classe après",
            c.class_after,
            **_class_change(c.class_before, c.class_after),
            help=f"Avant : {c.class_before}. A = très attractive … E = très peu attractive ; "
            "NC = non cotée.",
        )
        places = (
            c.rank_before - c.rank_after
            if c.rank_before is not None and c.rank_after is not None
            else float("nan")
        )
        cols[2].metric(
            "Rang après",
            fmt_rank(c.rank_after, c.n_rated_after),
            **_change(places, "place" if abs(places) == 1 else "places", 0),
            help=f"Avant : {fmt_rank(c.rank_before, c.n_rated_before)}. 1 = la résidence la plus "
            "attractive ; les autres résidences gardent leur note.",
        )
        cols[3].metric(
            f"Pilier {c.occupation_label} après",
            fmt_number(c.occupation_after, 1, "/ 100"),
            **_change(round(c.occupation_after, 1) - round(c.occupation_before, 1), "points"),
            help=f"Avant : {fmt_number(c.occupation_before, 1, '/ 100')}.",
        )
    st.markdown(c.sentence)


def _cotation_note(cotation: CotationChange, survey_year: int) -> str:
    """How the note d'attractivité after the move is computed (caption)."""
    labels = cotation.indicators["label"]
    read = ", ".join(label[:1].lower() + label[1:] for label in labels)
    note = (
        f"Note d'attractivité : seuls les indicateurs tirés de l'enquête OPS ({read}) sont "
        "recalculés, avec l'indice ajusté sur tout le parc (rien n'est renormalisé) ; les "
        "autres indicateurs et les autres résidences gardent leur valeur."
    )
    if cotation.survey_year is not None and cotation.survey_year != survey_year:
        note += (
            f" La cotation lit l'enquête OPS {cotation.survey_year}, incomplète pour l'indice "
            "de fragilité : le même mouvement y est appliqué."
        )
    return note


def _change(value: float, unit: str, decimals: int = 1, *, rise_is_good: bool = True) -> dict:
    """``delta``, ``delta_color`` and ``delta_arrow`` of a metric for a change ``value``.

    The French text carries a true minus sign, which Streamlit does not read as negative: the
    arrow and the colour are set here (green when the change is good, red when it is bad).
    """
    if pd.isna(value):
        return {"delta": None}
    if round(value, decimals) == 0:
        return {
            "delta": fmt_signed(0.0, decimals, unit),
            "delta_color": "gray",
            "delta_arrow": "off",
        }
    good = (value > 0) == rise_is_good
    return {
        "delta": fmt_signed(value, decimals, unit),
        "delta_color": "green" if good else "red",
        "delta_arrow": "up" if value > 0 else "down",
    }


def _class_change(before: str, after: str) -> dict:
    """Delta of the class metric: « B → C » in red when the class worsens, green when better."""
    if before == after:
        return {"delta": None}
    text = f"{before} → {after}"
    if NOT_RATED in (before, after):
        return {"delta": text, "delta_color": "gray", "delta_arrow": "off"}
    better = after < before  # A is the best class
    return {
        "delta": text,
        "delta_color": "green" if better else "red",
        "delta_arrow": "up" if better else "down",
    }


def _share_table(result: SimulationResult, in_note: Sequence[str] = ()) -> pd.DataFrame:
    shares = result.shares
    yes_no = {1.0: "oui", 0.0: "non"}
    table = pd.DataFrame(
        {
            "Part des ménages": shares["label"].to_numpy(),
            "Avant": [fmt_pct(v) for v in shares["before"]],
            "Après": [fmt_pct(v) for v in shares["after"]],
            "Écart (points)": [fmt_signed(v, 1) for v in shares["change_points"]],
            "Ménage entrant": shares["entering"].map(yes_no).fillna("—").to_numpy(),
            "Dans l'indice de fragilité": shares["is_fragility_indicator"]
            .map({True: "oui", False: ""})
            .to_numpy(),
            "Dans la note d'attractivité": ["oui" if c in in_note else "" for c in shares.index],
        }
    )
    if shares["leaving"].notna().any():
        table.insert(5, "Ménage sortant", shares["leaving"].map(yes_no).fillna("—").to_numpy())
    return table
