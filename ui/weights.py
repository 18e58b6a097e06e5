"""The weight panel of the cotation page: profile picker and sliders grouped by pillar.

The sliders live in the sidebar, one expander for the pillars and one per pillar for its
indicators; each label carries the weight's *effective* share (its real influence on the
differences between residences), which a nominal weight does not tell. The chosen profile is in
the URL (``profil``) and the weights moved during a session too (``poids=occupation:40,is_qpv:1``,
only what differs from the profile), so that a link reopens the same cotation. Under the
sliders, the method panel (:mod:`ui.method_panel`) lets the session change the profile's
treatment of extreme values, normalisation, aggregation and classes (``methode``).

Every move builds a new spec with :meth:`scoring.IndexSpec.with_weights` and re-weights the
fitted index of the profile and normalisation in force (shared, never re-normalised).

A viewer who does not see every residence scores with the public cotation
(:mod:`services.disclosure.cotation`): the Occupation pillar is one published value, computed
with the reference profile's internal weights; its weight moves, its indicators' do not (their
sliders are replaced by a note, and their weights in a link have no effect).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from scoring import CompositeIndex, IndexSpec, SpecError, effective_weights
from services.access import Viewer
from services.cotation import REFERENCE_PROFILE
from services.cotation_weights import (
    format_weight_overrides,
    parse_weight_overrides,
    pillar_weight_table,
    weight_table,
)
from services.disclosure.cotation import public_spec
from ui import cache, profile_catalogue
from ui.fmt import fmt_date, fmt_pct
from ui.method_panel import (
    METHOD_PARAM,
    method_panel,
    session_method,
    sync_method_state,
    with_panel_method,
    write_method_url,
)
from ui.widgets import query_choice, query_value, set_query_value

PROFILE_PARAM = "profil"
WEIGHTS_PARAM = "poids"
PILLAR_MAX = 100
INDICATOR_MAX = 10
_LOADED = "poids_profil_charge"


@dataclass(frozen=True)
class Weighting:
    """The weights in force on the page and what they give.

    Attributes
    ----------
    base : IndexSpec
        The chosen profile, as saved.
    spec : IndexSpec
        The profile with the sliders' weights and the method panel's choices.
    index : CompositeIndex
        The fitted index of the profile with ``spec``'s normalisation, re-weighted with
        ``spec``; for a viewer who does not see every residence, the public index
        (``index.spec`` is then the public spec, see ``is_public``).
    weights : pandas.DataFrame
        Nominal and effective weight of each indicator of ``index.spec`` (see
        :func:`services.cotation_weights.weight_table`).
    pillars : pandas.DataFrame
        The same per pillar.
    is_modified : bool
        Whether a slider differs from the profile.
    is_method_modified : bool
        Whether the method differs from the profile's.
    is_public : bool
        Whether the scores are the public cotation.
    """

    base: IndexSpec
    spec: IndexSpec
    index: CompositeIndex
    weights: pd.DataFrame
    pillars: pd.DataFrame
    is_modified: bool
    is_method_modified: bool = False
    is_public: bool = False


def pillar_key(code: str) -> str:
    """Session key of a pillar's slider."""
    return f"poids_pilier_{code}"


def indicator_key(code: str) -> str:
    """Session key of an indicator's slider."""
    return f"poids_indicateur_{code}"


def _is_integral(weights: list[float]) -> bool:
    return all(float(w).is_integer() for w in weights)


def _load(spec: IndexSpec, name: str) -> None:
    as_int = _is_integral([p.weight for p in spec.pillars])
    for pillar in spec.pillars:
        value = float(pillar.weight)
        st.session_state[pillar_key(pillar.code)] = int(value) if as_int else value
    as_int = _is_integral([i.weight for i in spec.indicators])
    for ind in spec.indicators:
        value = float(ind.weight)
        st.session_state[indicator_key(ind.code)] = int(value) if as_int else value
    st.session_state[_LOADED] = name


def _sync_state(base: IndexSpec, name: str) -> list[str]:
    """Put the profile's weights in the sliders when needed; return the URL's problems."""
    keys = [pillar_key(p.code) for p in base.pillars] + [
        indicator_key(i.code) for i in base.indicators
    ]
    if any(k not in st.session_state for k in keys):
        # A fresh visit: the profile, then the weights written in the link.
        overrides = parse_weight_overrides(
            query_value(WEIGHTS_PARAM), base, PILLAR_MAX, INDICATOR_MAX
        )
        try:
            spec = base.with_weights(overrides.pillars, overrides.indicators)
        except SpecError as exc:
            spec = base
            overrides.problems.extend(exc.problems)
        _load(spec, name)
        return overrides.problems
    if st.session_state.get(_LOADED) != name:
        _load(base, name)
    return []


def _reset() -> None:
    name = st.session_state.get(_LOADED, REFERENCE_PROFILE)
    _load(cache.profile(name), name)


def _slider_spec(base: IndexSpec, frozen: str | None = None) -> IndexSpec:
    """The sliders' weights; the indicators of the pillar ``frozen`` keep the profile's."""
    return base.with_weights(
        pillars={p.code: st.session_state[pillar_key(p.code)] for p in base.pillars},
        indicators={
            i.code: st.session_state[indicator_key(i.code)]
            for i in base.indicators
            if i.pillar != frozen
        },
    )


def _range(weights: list[float], upper: int) -> dict:
    """Slider bounds and step: whole numbers, or halves when a weight has decimals."""
    if _is_integral(weights):
        return {"min_value": 0, "max_value": upper, "step": 1}
    return {"min_value": 0.0, "max_value": float(upper), "step": 0.5}


def _help(description: str, nominal: float, effective: float) -> str:
    return (
        f"{description}\n\n"
        f"**Poids nominal** : {fmt_pct(nominal)} de la note quand tout est renseigné. "
        f"**Poids effectif** : {fmt_pct(effective)}, la part des écarts de note entre "
        "résidences (variance) qui vient de cet élément."
    )


def profile_byline(spec: IndexSpec) -> str:
    """Markdown line naming a profile, its author, date and reason."""
    try:
        date = fmt_date(pd.Timestamp(spec.date))
    except ValueError:
        date = spec.date
    return f"**{spec.label}** — {spec.author}, {date}. {spec.comment}"


def _profile_label(name: str) -> str:
    status = profile_catalogue.status_of(name)
    label = cache.profile(name).label
    return f"{label} ({status})" if status else label


def profile_picker() -> str:
    """The profile selectbox, kept in the URL (``profil``); returns the profile name.

    The shipped profiles, then the profiles saved in the store that the viewer may use
    (:mod:`ui.profile_catalogue`), with their status.
    """
    return query_choice(
        "Profil de pondération",
        profile_catalogue.names(),
        PROFILE_PARAM,
        REFERENCE_PROFILE,
        _profile_label,
        help="Un profil fixe les poids de départ et la méthode (normalisation, agrégation, "
        "classes). Changer de profil remet les curseurs à ses poids et la méthode de calcul à "
        "la sienne.",
        persist_state="session",
        on_change=_forget_link_choices,
    )


def _forget_link_choices() -> None:
    """A new profile: the weights and method of a shared link belonged to the previous one."""
    set_query_value(WEIGHTS_PARAM, None)
    set_query_value(METHOD_PARAM, None)


def weight_panel(viewer: Viewer | None = None) -> Weighting:
    """Draw the weight panel in the sidebar and return the weights in force for ``viewer``
    (the public cotation unless the viewer sees every residence)."""
    public = viewer is None or not viewer.sees_all_residences
    with st.sidebar:
        st.subheader("Pondération")
        name = profile_picker()
        base = cache.profile(name)
        problems = _sync_state(base, name) + sync_method_state(base, name)
        for problem in problems:
            st.warning(f"Lien partagé : {problem}", icon=":material/link_off:")
        try:
            spec = _slider_spec(base, cache.masking_rules().pillar if public else None)
        except SpecError as exc:
            st.error(
                "Pondération impossible : "
                + " ".join(exc.problems)
                + f" Les résultats affichés sont ceux du profil « {base.label} ».",
                icon=":material/error:",
            )
            spec = base
        spec = with_panel_method(spec, base)
        normalisation, treatment = spec.method.normalisation, spec.method.treatment
        if public:
            rules = cache.masking_rules()
            shown, shown_base = public_spec(spec, rules), public_spec(base, rules)
            fitted = cache.public_fitted_index(name, normalisation, treatment)
        else:
            shown, shown_base = spec, base
            fitted = cache.refitted_index(name, normalisation, treatment)
        index = fitted.reweight(shown)
        weights = weight_table(shown, effective_weights(index))
        pillars = pillar_weight_table(weights, shown)
        modified = shown.pillars != shown_base.pillars or shown.indicators != shown_base.indicators
        st.button(
            "Réinitialiser les poids du profil",
            icon=":material/restart_alt:",
            on_click=_reset,
            disabled=not modified,
            width="stretch",
        )
        st.caption(
            "Les poids sont relatifs : seuls leurs rapports comptent. « effectif » : part réelle "
            "de l'élément dans les écarts de note entre résidences."
        )
        _pillar_sliders(base, pillars)
        _indicator_sliders(base, weights, cache.masking_rules().pillar if public else None)
        method_panel(base, spec)
    set_query_value(WEIGHTS_PARAM, format_weight_overrides(spec, base) or None)
    write_method_url(spec, base)
    return Weighting(
        base, spec, index, weights, pillars, modified, spec.method != base.method, public
    )


def _pillar_sliders(base: IndexSpec, pillars: pd.DataFrame) -> None:
    bounds = _range([st.session_state[pillar_key(p.code)] for p in base.pillars], PILLAR_MAX)
    with st.expander("Poids des piliers", expanded=True, icon=":material/balance:"):
        for pillar in base.pillars:
            row = pillars.loc[pillar.code]
            st.slider(
                f"{pillar.label} · effectif {fmt_pct(row['effective_pct'])}",
                **bounds,
                key=pillar_key(pillar.code),
                help=_help(pillar.description, row["nominal_pct"], row["effective_pct"]),
                persist_state="session",
            )


def indicators_open_key(pillar: str) -> str:
    """Session key of the expander of a pillar's indicator sliders (True when open)."""
    return f"poids_indicateurs_{pillar}_open"


def _indicator_sliders(base: IndexSpec, weights: pd.DataFrame, frozen: str | None) -> None:
    """One expander of sliders per pillar; the pillar ``frozen`` (published as one value) gets
    a note instead.

    The sliders of an expander are drawn only once it is opened (one rerun): closed, they
    would still be built in the browser, about a fifth of the page's first paint. Their
    values are kept in the session meanwhile (``persist_state``).
    """
    bounds = _range(
        [st.session_state[indicator_key(i.code)] for i in base.indicators], INDICATOR_MAX
    )
    for pillar in base.pillars:
        members = [i for i in base.indicators if i.pillar == pillar.code]
        box = st.expander(
            f"Indicateurs · {pillar.label}",
            icon=":material/tune:",
            key=indicators_open_key(pillar.code),
            on_change="rerun",
        )
        with box:
            if not box.open:
                continue
            if pillar.code == frozen:
                st.caption(
                    f":material/lock: Secret statistique : le pilier {pillar.label.lower()} "
                    "entre dans la note d'un seul tenant, calculé avec les poids internes du "
                    "profil de référence ; seul son poids se règle. Ses indicateurs ne sont "
                    "pas pondérables un à un : on lirait sinon la part de ménages d'une "
                    "résidence dans sa note."
                )
                continue
            for ind in members:
                row = weights.loc[ind.code]
                st.slider(
                    f"{ind.label} · effectif {fmt_pct(row['effective_pct'])}",
                    **bounds,
                    key=indicator_key(ind.code),
                    help=_help(ind.description, row["nominal_pct"], row["effective_pct"]),
                    persist_state="session",
                )


def session_spec(name: str) -> IndexSpec:
    """Profile ``name`` with the weights and the method in force.

    The weights moved on the cotation page during this session, else those of a shared link
    (``poids``), else the profile's own; the same for the method (``methode``, see
    :func:`ui.method_panel.session_method`). Other pages (the Méthode page) thus describe what
    the cotation page computes: a working group that switched to quintiles reads the quintiles
    there, not the profile's thresholds.
    """
    base = cache.profile(name)
    return session_method(_session_weights(base, name), base, name)


def _session_weights(base: IndexSpec, name: str) -> IndexSpec:
    if st.session_state.get(_LOADED) == name:
        try:
            return _slider_spec(base)
        except (KeyError, SpecError):
            return base
    overrides = parse_weight_overrides(query_value(WEIGHTS_PARAM), base, PILLAR_MAX, INDICATOR_MAX)
    try:
        return base.with_weights(overrides.pillars, overrides.indicators)
    except SpecError:
        return base
