"""The controls of the territory map: indicator and year, layers, comparison mode.

Each control keeps its value in the URL (``indicateur``, ``annee``, ``residences``, ``comparer``,
``annee2``, ``indicateur2``) so that a link reopens the same view, and the URL holds only what
is in effect: no year for an indicator without years, no comparison parameters when not
comparing, no commune at the quartier scale (nor the reverse). An indicator that does not exist
at the scale chosen is replaced, and the page says so.
"""

from __future__ import annotations

import streamlit as st

from services.map_indicators import MAP_INDICATORS, available_years, indicators_for
from ui import cache
from ui.link_notices import link_notice
from ui.territory_map import LEVELS, RESIDENCE_LAYERS
from ui.widgets import query_choice, set_query_value

COMPARISONS = {"none": "non", "years": "deux années", "indicators": "deux indicateurs"}


def _label(code: str) -> str:
    return MAP_INDICATORS[code].label


def _year_choice(indicator: str, param: str, label: str, default_latest: bool = True) -> int | None:
    years = available_years(cache.map_inputs(), indicator)
    if not years:
        set_query_value(param, None)
        st.selectbox(
            label,
            ["—"],
            key=f"{param}_none",
            disabled=True,
            help="Cet indicateur n'a pas de millésime.",
        )
        return None
    options = [str(y) for y in years]
    default = options[-1] if default_latest else options[0]
    return int(query_choice(label, options, param, default))


def keep_level_in_link(level: str) -> None:
    """Drop the territory of the other scale from the URL (``quartier`` at the commune scale,
    ``commune`` at the quartier scale)."""
    set_query_value("quartier" if level == "commune" else "commune", None)


def indicator_controls(level: str, indicator_col, year_col) -> tuple[str, int | None]:
    """Indicator picker and, for indicators with years, the year picker.

    An indicator chosen at the other scale that does not exist at this one is replaced by the
    default, and the page says which.
    """
    options = indicators_for(level)
    default = "n_dwellings"
    previous = st.session_state.get("qp_indicateur")
    if previous in MAP_INDICATORS and previous not in options:
        link_notice(
            f"L'indicateur « {_label(previous)} » n'existe pas pour les "
            f"{LEVELS[level][:1].lower()}{LEVELS[level][1:]} : la carte montre "
            f"« {_label(default)} ».",
            replaced=True,
        )
    with indicator_col:
        indicator = query_choice(
            "Indicateur",
            options,
            "indicateur",
            default,
            _label,
            help="Indicateurs d'occupation soumis au secret statistique selon le profil d'accès.",
        )
    with year_col:
        year = _year_choice(indicator, "annee", "Année")
    return indicator, year


def layer_controls(level: str) -> tuple[bool, str]:
    """Sidebar layer toggles: quartier outlines and residence points."""
    with st.sidebar:
        st.subheader("Couches")
        show_quartiers = st.toggle(
            "Contours des quartiers de Poitiers", value=True, disabled=level == "quartier"
        )
        mode = query_choice(
            "Résidences",
            list(RESIDENCE_LAYERS),
            "residences",
            "none",
            RESIDENCE_LAYERS.get,
            widget="radio",
        )
    return show_quartiers, mode


def comparison_controls(level: str, indicator: str, year: int | None):
    """Comparison mode: the same indicator for two years, or two indicators, side by side.

    Returns ``(indicator, year)`` of the right-hand map, or None when not comparing.
    """
    with st.sidebar:
        st.subheader("Comparaison")
        mode = query_choice(
            "Comparer",
            list(COMPARISONS),
            "comparer",
            "none",
            COMPARISONS.get,
            widget="radio",
            horizontal=True,
        )
        if mode != "indicators":
            set_query_value("indicateur2", None)
        if mode == "none":
            set_query_value("annee2", None)
        if mode == "years":
            if not MAP_INDICATORS[indicator].has_years:
                set_query_value("annee2", None)
                st.caption("Cet indicateur n'a qu'un millésime : choisissez-en un autre.")
                return None
            other = _year_choice(indicator, "annee2", "Année comparée", default_latest=False)
            return indicator, other
        if mode == "indicators":
            options = [c for c in indicators_for(level) if c != indicator]
            other = query_choice("Indicateur comparé", options, "indicateur2", options[0], _label)
            return other, _year_choice(other, "annee2", "Année de l'indicateur comparé")
    return None
