"""The attribution simulator of the fiche résidence: describe a household, see what it changes.

The inputs sit in a form (nothing reruns while they are filled in) inside a fragment (the
« Simuler l'entrée » button reruns the simulator only, not the card). The arithmetic, the
fragility index and the flag are :mod:`services.simulation`'s; the last result is kept per
residence so that the print layout can show it.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from geodata.schemas import COMPOSITIONS
from services.masking import ROLES
from services.simulation import (
    COMPOSITION_NAMES,
    HOUSING_BENEFIT_LIKELY_BELOW_PCT,
    QUARTILE_NAMES,
    Household,
    SimulationResult,
    simulate_move,
)
from ui import cache
from ui.fmt import fmt_number, fmt_pct

RESULT_KEY = "fiche_simulation"
DIRECT = "pct"
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
            min_value=0.0,
            max_value=400.0,
            value=50.0,
            step=5.0,
            format="%.0f",
            key=f"{prefix}_ressources_pct",
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


def _household(values: dict, moving_in: bool) -> Household:
    """A :class:`Household` from the widgets' values (ValueError in French when inconsistent)."""
    quartiles = cache.applicant_quartiles()
    if values["resources"] == DIRECT:
        resources, quartile = float(values["resources_pct"]), None
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


@st.fragment
def simulator(residence_id: str, role: str) -> None:
    """The simulator: a form describing the candidate (and the leaver), then the result."""
    st.subheader("Simulateur d'attribution", anchor=False)
    if not ROLES[role].has_residence_access:
        st.info(
            "Le simulateur part de l'occupation de la résidence (enquête OPS), réservée aux "
            "bailleurs et au service habitat : choisissez votre profil d'accès dans la barre "
            "latérale si vous y êtes habilité.",
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
            result = simulate_move(
                cache.simulation_context(),
                residence_id,
                _household(entering, True),
                _household(leaving, False) if known else None,
            )
        except ValueError as error:
            st.error(str(error), icon=":material/error:")
            st.session_state.pop(RESULT_KEY, None)
            return
        st.session_state[RESULT_KEY] = (residence_id, result)
    simulation_result(residence_id)


def simulation_result(residence_id: str, printing: bool = False) -> None:
    """The last simulation of this residence; how to run one (nothing when printing)."""
    kept = st.session_state.get(RESULT_KEY)
    if not kept or kept[0] != residence_id:
        if printing:
            return
        st.caption(
            "Décrivez le ménage candidat puis cliquez sur « Simuler l'entrée » : la fiche montre "
            "comment évolueraient les parts de ménages, l'indice de fragilité et le signalement."
        )
        return
    result: SimulationResult = kept[1]
    if printing:
        st.subheader("Simulation d'attribution", anchor=False)
    worse = result.fragility_change > 0
    box = st.warning if worse else st.success
    box(result.sentence, icon=":material/trending_up:" if worse else ":material/trending_down:")
    cols = st.columns(3)
    cols[0].metric(
        "Indice de fragilité après",
        fmt_number(result.fragility_after, 1, "points"),
        delta=_delta(
            round(result.fragility_after, 1) - round(result.fragility_before, 1), "points"
        ),
        delta_color="inverse",
        help=f"Avant : {fmt_number(result.fragility_before, 1)} points (OPS "
        f"{result.survey_year}, {fmt_number(result.n_before)} ménages enquêtés).",
    )
    cols[1].metric(
        "Écart robuste au groupe après",
        fmt_number(result.z_after, 2),
        delta=_delta(round(result.z_after, 2) - round(result.z_before, 2), "", 2),
        delta_color="inverse",
        help=f"Avant : {fmt_number(result.z_before, 2)}. « À rééquilibrer » à partir de +2.",
    )
    cols[2].metric(
        "Signalement après",
        result.flag_label_after,
        help=f"Avant : {result.flag_label_before}.",
    )
    st.dataframe(_share_table(result), hide_index=True, width="stretch")
    notes = [
        f"Parts calculées sur {fmt_number(result.n_before)} ménages enquêtés avant, "
        f"{fmt_number(result.n_after)} après : chaque part s devient (s × n + 100 × x) / (n + 1) "
        "à l'entrée du ménage, x valant 1 s'il a la caractéristique ; un ménage sortant est "
        "d'abord retiré, (s × n − 100 × y) / (n − 1).",
        "La part d'adultes en emploi est approchée au niveau du ménage (un adulte, en emploi "
        "s'il y en a un) ; elle n'entre pas dans l'indice.",
        f"Médiane de fragilité du groupe : {fmt_number(result.median_before, 1)} avant, "
        f"{fmt_number(result.median_after, 1)} après (recalculée avec la valeur simulée).",
    ]
    st.caption(" ".join(notes))
    if result.clipped:
        st.warning(
            "Le profil du ménage sortant ne correspond pas à l'enquête pour : "
            + ", ".join(result.shares.loc[list(result.clipped), "label"])
            + " (part ramenée entre 0 et 100 %).",
            icon=":material/rule:",
        )
    st.markdown(f"**Préconisation après l'entrée** : {result.recommendation_after}")


def _delta(value: float, unit: str, decimals: int = 1) -> str | None:
    if pd.isna(value):
        return None
    return ("+" if value >= 0 else "−") + fmt_number(abs(value), decimals, unit)


def _share_table(result: SimulationResult) -> pd.DataFrame:
    shares = result.shares
    yes_no = {1.0: "oui", 0.0: "non"}
    table = pd.DataFrame(
        {
            "Part des ménages": shares["label"].to_numpy(),
            "Avant": [fmt_pct(v) for v in shares["before"]],
            "Après": [fmt_pct(v) for v in shares["after"]],
            "Écart (points)": [_delta(v, "", 1) or "—" for v in shares["change_points"]],
            "Ménage entrant": shares["entering"].map(yes_no).fillna("—").to_numpy(),
            "Dans l'indice de fragilité": shares["is_fragility_indicator"]
            .map({True: "oui", False: ""})
            .to_numpy(),
        }
    )
    if shares["leaving"].notna().any():
        table.insert(5, "Ménage sortant", shares["leaving"].map(yes_no).fillna("—").to_numpy())
    return table
