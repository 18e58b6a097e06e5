"""The method panel of the cotation page: extreme values, normalisation, aggregation, classes.

Under the weight sliders, an expander « Méthode de calcul » lets a working group change the
profile's method during a meeting and compare: four selectboxes whose defaults are the chosen
profile's method; picking another profile puts them back to its method, as it does the sliders.
The choices that differ from the profile are in the URL (``methode=extremes:none,
classes:natural_breaks``), so that a link reopens the same view.

The panel only says which method is in force: the page scores with it through
:func:`ui.cache.refitted_index` (a change of treatment or normalisation fits them again on the
whole parc, once per profile and choice; aggregation and classes re-use the fit) and a weight
move stays a re-weighting of that fit.
"""

from __future__ import annotations

import streamlit as st

from scoring import IndexSpec
from services.cotation import REFERENCE_PROFILE
from services.cotation_method import (
    METHOD_CHOICES,
    format_method_overrides,
    method_key,
    method_label,
    method_options,
    parse_method_overrides,
)
from ui import cache
from ui.widgets import query_value, set_query_value

METHOD_PARAM = "methode"
_LOADED = "methode_profil_charge"
# Session key of each method field's selectbox.
KEYS: dict[str, str] = {field: f"methode_{name}" for name, field in METHOD_CHOICES.items()}
LABELS: dict[str, str] = {
    "treatment": "Valeurs extrêmes",
    "normalisation": "Normalisation",
    "aggregation": "Agrégation dans un pilier",
    "class_method": "Classes",
}
HELP: dict[str, str] = {
    "treatment": (
        "Ce que l'on fait, avant la normalisation, des quelques valeurs extrêmes qui fixeraient "
        "sinon l'échelle pour tout le monde (un taux de vacance de 82 %, un bâtiment de 1852).\n\n"
        "- **Valeurs extrêmes traitées** : pour un indicateur très asymétrique (asymétrie "
        "au-delà de 2 et aplatissement au-delà de 3,5), les valeurs les plus extrêmes prennent "
        "la valeur suivante, dans la limite de quelques valeurs ; si cela ne suffit pas, "
        "l'indicateur est pris en logarithme. L'ordre des résidences n'est jamais changé ; la "
        "page « Méthode et sources » dit ce qui a été fait à chaque indicateur.\n"
        "- **Aucun traitement** : les valeurs brutes ; une valeur extrême tasse toutes les "
        "autres en haut ou en bas de l'échelle."
    ),
    "normalisation": (
        "Comment chaque indicateur est ramené sur une échelle de 0 à 100 avant d'être pondéré, "
        "à partir de toutes les résidences du territoire.\n\n"
        "- **Min–max** : la résidence la moins bien placée vaut 0, la mieux placée 100 ; les "
        "écarts de valeur sont gardés, mais une valeur extrême tasse toutes les autres.\n"
        "- **Rang centile** : seule compte la place de la résidence parmi les autres ; une "
        "valeur extrême ne tasse plus rien, mais de petits écarts peuvent compter beaucoup.\n"
        "- **Score z** : l'écart à la moyenne du territoire (50 = dans la moyenne) ; les notes "
        "restent plus groupées autour de 50.\n"
        "- **Bornes fixes** : des bornes écrites dans le catalogue ; la note d'une résidence ne "
        "dépend que de ses valeurs, pas de celles des autres résidences."
    ),
    "aggregation": (
        "Comment les indicateurs d'un même pilier sont combinés.\n\n"
        "- **Moyenne arithmétique** : un point fort compense entièrement un point faible de "
        "même poids.\n"
        "- **Moyenne géométrique** : un point très faible tire la note du pilier vers le bas et "
        "n'est compensé qu'en partie ; les résidences équilibrées gagnent des places sur celles "
        "qui ont un gros défaut."
    ),
    "class_method": (
        "Comment les notes sont découpées en classes A à E.\n\n"
        "- **Seuils fixes** : la classe ne dépend que de la note (A dès {a}, B dès {b}…) ; le "
        "nombre de résidences par classe peut être très inégal.\n"
        "- **Quintiles** : chaque classe regroupe un cinquième des résidences cotées du "
        "territoire (A = les 20 % les mieux notées) ; la classe dit la place de la résidence "
        "parmi les autres, pas le niveau de sa note.\n"
        "- **Seuils naturels** : les seuils passent là où les notes du territoire laissent les "
        "plus grands écarts (méthode de Jenks–Fisher) ; chaque classe regroupe des notes "
        "proches, les classes n'ont pas le même nombre de résidences."
    ),
}


def _load(spec: IndexSpec, name: str) -> None:
    for field, key in KEYS.items():
        st.session_state[key] = getattr(spec.method, field)
    st.session_state[_LOADED] = name


def sync_method_state(base: IndexSpec, name: str) -> list[str]:
    """Put the profile's method in the selectboxes when needed; return the URL's problems.

    On a fresh visit the profile's method with the choices of the link (``methode``); when the
    profile changed, the new profile's method; otherwise the choices of the session stay.
    """
    if any(key not in st.session_state for key in KEYS.values()):
        overrides = parse_method_overrides(query_value(METHOD_PARAM), base)
        _load(base.with_method(**overrides.changes), name)
        return overrides.problems
    if st.session_state.get(_LOADED) != name:
        _load(base, name)
    return []


def with_panel_method(spec: IndexSpec, base: IndexSpec) -> IndexSpec:
    """``spec`` with the method chosen in the panel (a choice not possible for ``base`` keeps
    the profile's)."""
    options = method_options(base)
    changes = {
        field: st.session_state[key]
        for field, key in KEYS.items()
        if st.session_state.get(key) in options[field]
    }
    return spec.with_method(**changes)


def session_method(spec: IndexSpec, base: IndexSpec, name: str) -> IndexSpec:
    """``spec`` with the method in force for profile ``name``: the panel's when the cotation
    page loaded this profile during the session, else the link's (``methode``), else the
    profile's own."""
    if st.session_state.get(_LOADED) == name:
        return with_panel_method(spec, base)
    return spec.with_method(**parse_method_overrides(query_value(METHOD_PARAM), base).changes)


def _help(field: str, base: IndexSpec) -> str:
    """Help of a selectbox (that of the classes names the profile's first two thresholds)."""
    a, b = (f"{t:g}".replace(".", ",") for t in base.method.thresholds[:2])
    return HELP[field].format(a=a, b=b)


def _reset() -> None:
    name = st.session_state.get(_LOADED, REFERENCE_PROFILE)
    _load(cache.profile(name), name)


def method_panel(base: IndexSpec, spec: IndexSpec) -> None:
    """The expander « Méthode de calcul »: four selectboxes and a button back to the profile.

    Parameters
    ----------
    base : IndexSpec
        The chosen profile, as saved (gives the options and their labels).
    spec : IndexSpec
        The spec in force (its method is the panel's).
    """
    options = method_options(base)
    modified = method_key(spec) != method_key(base)
    with st.expander("Méthode de calcul", icon=":material/functions:"):
        for field, key in KEYS.items():
            if st.session_state.get(key) not in options[field]:
                st.session_state[key] = getattr(base.method, field)
            st.selectbox(
                LABELS[field],
                options[field],
                key=key,
                format_func=lambda code, field=field: method_label(field, code, base),
                help=_help(field, base),
                persist_state="session",
            )
        st.button(
            "Réinitialiser la méthode",
            icon=":material/restart_alt:",
            on_click=_reset,
            disabled=not modified,
            width="stretch",
            key="methode_reinitialiser",
        )
        st.caption(
            "Par défaut, la méthode du profil choisi. L'onglet « Écarts avec la référence » "
            "compare toujours au profil de référence, avec sa propre méthode."
        )


def write_method_url(spec: IndexSpec, base: IndexSpec) -> None:
    """Keep in the URL (``methode``) the choices that differ from the profile."""
    set_query_value(METHOD_PARAM, format_method_overrides(spec, base) or None)
