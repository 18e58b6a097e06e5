"""The *Cotation des résidences* screen: scores under the current weights, map, residence card
and ranked table; the comparison and sensitivity views are in :mod:`ui.cotation_compare`.

:func:`cotation_result` turns the weights in force into everything the screen shows (one
rescoring of the shared fitted index, one comparison with the reference profile); the render
functions place it. The selection (commune, residence, projector mode) lives in the URL.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

import pandas as pd
import streamlit as st
from streamlit.errors import StreamlitAPIException

from geodata.schemas import DEMO_NOTICE
from scoring import NOT_RATED, ProfileComparison, compare_results
from services.cotation import (
    class_counts,
    class_label,
    class_method_text,
    class_ranges,
    scored_residences,
)
from services.cotation_method import method_changes
from services.cotation_review import comparison_summary
from services.disclosure.cotation import PILLAR_CODE, public_spec, published_scores
from ui import cache
from ui.charts import CLASS_COLORS
from ui.class_certainty import (
    card_row,
    certainty_in_force,
    certainty_toggle,
)
from ui.cotation_map import class_legend
from ui.fmt import MISSING, fmt_int, fmt_number, fmt_rank
from ui.weights import Weighting, profile_byline
from ui.widgets import key_figures, legend, query_value, set_query_value

COMMUNE_PARAM = "commune"
RESIDENCE_PARAM = "residence"
PROJECTOR_PARAM = "projecteur"
CARD_PAGE = "pages/residence.py"
_LAST_CLICK = "cotation_dernier_clic"


@dataclass(frozen=True)
class CotationResult:
    """What the screen shows for the weights in force.

    Attributes
    ----------
    weighting : Weighting
        The weights and the re-weighted index.
    scores : pandas.DataFrame
        Score, class, rank and pillar scores of every residence.
    comparison : ProfileComparison
        The reference profile (a) against the current weights (b).
    table : pandas.DataFrame
        Residences with names, places, scores and shifts, best first.
    counts : pandas.Series
        Residences per class.
    ranges : dict
        What each class means (French).
    breaks : str
        Which class method is in force and where its breaks fall (French sentence).
    """

    weighting: Weighting
    scores: pd.DataFrame
    comparison: ProfileComparison
    table: pd.DataFrame
    counts: pd.Series
    ranges: dict[str, str]
    breaks: str


def cotation_result(weighting: Weighting) -> CotationResult:
    """Score every residence with the weights in force and compare with the reference (the
    public cotation for a viewer who does not see every residence); scores rounded to their
    published decimals."""
    exact = weighting.index.transform()
    scores = published_scores(exact, cache.masking_rules())
    reference = cache.scores_for(not weighting.is_public)
    comparison = compare_results(reference, scores, "profil de référence", "pondération actuelle")
    table = scored_residences(cache.residence_directory(), scores, comparison)
    return CotationResult(
        weighting,
        scores,
        comparison,
        table,
        class_counts(scores),
        # The breaks the classes were cut at (scores before their rounding for display).
        class_ranges(weighting.spec, exact["score"]),
        class_method_text(weighting.spec, exact["score"]),
    )


def exported_classes(weighting: Weighting) -> pd.Series:
    """The classes under the weights in force as a file prints them: the public cotation's,
    whoever asks (a downloaded map can be forwarded to anyone)."""
    if weighting.is_public:
        return weighting.index.transform()["score_class"]
    spec = public_spec(weighting.spec, cache.masking_rules())
    method = spec.method
    fitted = cache.public_fitted_index(weighting.base.name, method.normalisation, method.treatment)
    return fitted.reweight(spec).transform()["score_class"]


# --- Header ------------------------------------------------------------------------------------


def profile_caption(weighting: Weighting) -> None:
    """Who wrote the profile, when and why; and whether the sliders or the method panel moved
    away from it."""
    text = profile_byline(weighting.base)
    if weighting.is_modified:
        text += (
            "  \n:orange[**Poids modifiés pendant la séance**] : les résultats ne sont pas ceux "
            "du profil enregistré ; le lien de la page garde les poids déplacés."
        )
    if weighting.is_method_modified:
        changes = method_changes(weighting.spec, weighting.base)
        text += (
            "  \n:orange[**Méthode modifiée pendant la séance**] : "
            + " ; ".join(changes)
            + ". Le lien de la page garde la méthode choisie."
        )
    st.caption(text)


def key_figures_row(result: CotationResult) -> None:
    """Four figures: residences rated, in class A, changing class, median rank shift."""
    n_total = len(result.scores)
    n_rated = n_total - int(result.counts.get(NOT_RATED, 0))
    summary = comparison_summary(result.comparison)
    cols = st.columns(4)
    cols[0].metric(
        "Résidences cotées",
        f"{fmt_int(n_rated)} sur {fmt_int(n_total)}",
        help="Une résidence est cotée quand au moins "
        f"{fmt_number(result.weighting.spec.method.min_coverage * 100)} % des indicateurs "
        "pondérés sont renseignés.",
    )
    cols[1].metric(
        "Classe A",
        fmt_count(result.counts["A"], "résidence", "résidences"),
        help=f"Classe A : {result.ranges['A']}.",
    )
    cols[2].metric(
        "Changent de classe",
        fmt_count(summary["n_class_changed"], "résidence", "résidences"),
        help="Par rapport au profil de référence.",
    )
    median = summary["median_abs_shift"]
    cols[3].metric(
        "Déplacement médian",
        fmt_count(round(median) if median == median else median, "rang", "rangs"),
        help="Écart de rang médian avec le profil de référence, en nombre de places.",
    )


# --- Selection in the URL ----------------------------------------------------------------------


def commune_picker() -> str | None:
    """Selectbox of the communes that have residences (URL ``commune``); None for all."""
    directory = cache.residence_directory()
    names = directory.drop_duplicates("commune_code").set_index("commune_code")["commune_name"]
    options = ["", *sorted(names.index, key=lambda c: names[c])]
    key = "cotation_commune"
    wanted = query_value(COMMUNE_PARAM)
    if st.session_state.get(f"{key}_synced") != wanted:
        st.session_state[key] = wanted if wanted in names.index else ""
        st.session_state[f"{key}_synced"] = wanted
    choice = st.selectbox(
        "Commune",
        options,
        key=key,
        format_func=lambda c: names[c] if c else "Toutes les communes",
        help="Centre la carte sur la commune et limite le classement à ses résidences.",
    )
    if (choice or None) != wanted:
        set_query_value(COMMUNE_PARAM, choice or None)
        st.session_state[f"{key}_synced"] = choice or None
    return choice or None


def selected_residence() -> str | None:
    """The residence of the URL (``residence``), when it exists."""
    wanted = query_value(RESIDENCE_PARAM)
    return wanted if wanted in cache.residence_directory().index else None


def follow_map_click(clicked: str | None) -> str | None:
    """Select the residence clicked on the map (once per click); return it when new."""
    if clicked and clicked != st.session_state.get(_LAST_CLICK):
        st.session_state[_LAST_CLICK] = clicked
        set_query_value(RESIDENCE_PARAM, clicked)
        return clicked
    return None


def residence_picker(table: pd.DataFrame, selected: str | None) -> str | None:
    """Selectbox of the residences, by name (URL ``residence``)."""
    key = "cotation_residence"
    if st.session_state.get(f"{key}_synced") != selected:
        st.session_state[key] = selected if selected in table.index else ""
        st.session_state[f"{key}_synced"] = selected
    names = table["residence_name"] + " — " + table["commune_name"]
    options = ["", *sorted(table.index, key=lambda r: names[r])]
    choice = st.selectbox(
        "Résidence (ou cliquez sur la carte)",
        options,
        key=key,
        format_func=lambda r: names[r] if r else "—",
    )
    if (choice or None) != selected:
        set_query_value(RESIDENCE_PARAM, choice or None)
        st.session_state[f"{key}_synced"] = choice or None
    return choice or None


_PROJECTOR_KEY = "cotation_projecteur"


def projector_requested() -> bool:
    """Whether the projector mode is on (toggle of this session, else ``projecteur=1``)."""
    if _PROJECTOR_KEY not in st.session_state:
        st.session_state[_PROJECTOR_KEY] = query_value(PROJECTOR_PARAM) == "1"
    return bool(st.session_state[_PROJECTOR_KEY])


def projector_toggle() -> bool:
    """Sidebar toggle of the projector mode (URL ``projecteur=1``)."""
    key = _PROJECTOR_KEY
    projector_requested()
    on = st.sidebar.toggle(
        "Mode projecteur",
        key=key,
        help="Grands caractères, la carte et les principaux changements seulement ; les "
        "curseurs restent dans la barre latérale.",
    )
    set_query_value(PROJECTOR_PARAM, "1" if on else None)
    return on


# --- Map and residence card ----------------------------------------------------------------------


def class_legend_strip(result: CotationResult) -> None:
    """The legend on one line, for the projector: colour, class and count."""
    items = "".join(
        f'<span class="legend-item"><span class="legend-swatch" '
        f'style="background:{CLASS_COLORS[code]}"></span>'
        f"{'non cotée' if code == NOT_RATED else code}&nbsp;: {fmt_int(n)}</span>"
        for code, n in result.counts.items()
        if code != NOT_RATED or n
    )
    st.markdown(
        f'<div class="legend legend-strip"><span class="legend-title">Classes</span>{items}</div>',
        unsafe_allow_html=True,
    )
    if cache.is_demo():
        st.caption(f":material/science: {DEMO_NOTICE}.")


def class_legend_block(result: CotationResult) -> None:
    """The legend of the map's classes, with counts, the class method and its breaks."""
    legend(
        "Classe de cotation (nombre de résidences)",
        class_legend(result.counts, result.ranges),
        f"{result.breaks} Couleurs adaptées "
        "aux daltoniens (ColorBrewer RdYlBu). Taille du point : nombre de logements.",
    )
    certainty_toggle(result.weighting)


def residence_panel(result: CotationResult, selected: str | None) -> str | None:
    """The residence picker and the card of the selected residence (or how to pick one)."""
    selected = residence_picker(result.table, selected)
    if selected is None:
        st.info(
            "Cliquez sur une résidence de la carte, ou choisissez-la ci-dessus, pour afficher "
            "sa note, sa classe et son rang par rapport au profil de référence.",
            icon=":material/touch_app:",
        )
    else:
        residence_card(result, selected)
    return selected


def residence_card(result: CotationResult, residence: str) -> None:
    """One residence: who and where, its score, class and rank against the reference, its
    pillar scores and its strongest and weakest indicators (names only: no occupancy figure)."""
    row = result.table.loc[residence]
    shifts = result.comparison.residences.loc[residence]
    st.subheader(row["residence_name"])
    parts = [row["address"]] if row["address"] else []
    if row["commune_name"] not in str(row["address"]):
        parts.append(row["commune_name"])
    if row["quartier_name"]:
        parts.append(f"quartier {row['quartier_name']}")
    parts += [row["bailleur"], fmt_int(row["n_dwellings"], "logements")]
    if bool(row["is_qpv"]):
        parts.append("en QPV")
    parts.append(f"identifiant {residence}")
    st.caption(" · ".join(str(p) for p in parts if p))
    n_rated = int(result.table["rank"].notna().sum())
    rows = [
        (
            "Note",
            fmt_number(row["score"], 1, "/ 100"),
            f"référence : {fmt_number(shifts['score_a'], 1)}",
        ),
        ("Classe", class_label(row["score_class"]), f"référence : {shifts['class_a']}"),
        card_row(certainty_in_force(result.weighting), residence),
        (
            "Rang",
            fmt_rank(row["rank"], n_rated),
            f"référence : {fmt_rank(shifts['rank_a'])} {_shift_text(shifts['rank_shift'])}",
        ),
    ]
    weights = result.weighting.pillars
    withheld = withheld_pillars(result)
    marker = cache.masking_rules().marker
    for pillar in result.weighting.spec.pillars:
        secret = pillar.code == cache.masking_rules().pillar and residence in withheld
        rows.append(
            (
                f"· {pillar.label}",
                marker if secret else fmt_number(row[f"score_{pillar.code}"], 1, "/ 100"),
                f"poids {fmt_number(weights.loc[pillar.code, 'nominal_pct'], 1, '%')}",
            )
        )
    key_figures(rows)
    if residence in withheld:
        reason = cache.masking_rules().pillar_reason
        st.caption(f":material/lock: « {marker} » : {reason}.")
    _highlights(result, residence)
    _card_link(residence)


def _card_link(residence: str) -> None:
    """A link to the residence's own page (fiche résidence), when the navigation has one."""
    with contextlib.suppress(StreamlitAPIException):
        st.page_link(
            CARD_PAGE,
            label="Ouvrir la fiche de la résidence",
            icon=":material/home_work:",
            query_params={RESIDENCE_PARAM: residence},
        )


def _shift_text(shift: object) -> str:
    if pd.isna(shift) or int(shift) == 0:
        return "(inchangé)"
    word = "gagne" if int(shift) > 0 else "perd"
    n = abs(int(shift))
    return f"({word} {fmt_int(n)} place{'s' if n > 1 else ''})"


def _highlights(result: CotationResult, residence: str) -> None:
    spec = result.weighting.index.spec
    table = (
        cache.public_indicator_table() if result.weighting.is_public else cache.indicator_table()
    )
    summary = result.weighting.index.explain(table.loc[[residence]]).summary
    row = summary.loc[residence]
    strong = [spec.indicator(c).label for c in _codes(row, "strongest")]
    weak = [spec.indicator(c).label for c in _codes(row, "weakest")]
    if not strong and not weak:
        st.caption("Résidence non cotée : trop d'indicateurs manquent pour l'expliquer.")
        return
    st.markdown(
        f"**Tire la note vers le haut** : {', '.join(strong) or MISSING}  \n"
        f"**Tire la note vers le bas** : {', '.join(weak) or MISSING}"
    )


def withheld_pillars(result: CotationResult) -> set[str]:
    """Residences whose Occupation pillar is withheld from the scores shown (public cotation)."""
    if not result.weighting.is_public:
        return set()
    pillar = cache.public_indicator_table()[PILLAR_CODE]
    return set(pillar.index[pillar.isna()])


def _codes(row: pd.Series, prefix: str) -> list[str]:
    return [row[f"{prefix}_{i}"] for i in (1, 2, 3) if isinstance(row[f"{prefix}_{i}"], str)]


# --- Ranked table -------------------------------------------------------------------------------


def fmt_count(n: object, singular: str, plural: str) -> str:
    """A count with its noun, singular for 0 and 1 as in French (``0 résidence``, ``2 rangs``)."""
    if pd.isna(n):
        return MISSING
    return f"{fmt_number(n, 0)} {singular if abs(float(n)) < 2 else plural}"


def fmt_shift(value: object) -> str:
    """A rank shift with its sign (``+3``, ``−2``, ``0``), an em dash when missing."""
    if pd.isna(value):
        return MISSING
    value = int(value)
    if value == 0:
        return "0"
    return f"+{fmt_int(value)}" if value > 0 else f"−{fmt_int(-value)}"


# --- Projector ----------------------------------------------------------------------------------

PROJECTOR_CSS = """
<style>
[data-testid="stMainBlockContainer"] {padding: 1.2rem 2rem 1rem 2rem; max-width: 100%;}
[data-testid="stMain"] h1 {font-size: 2.4rem; padding-bottom: 0.2rem;}
[data-testid="stMain"] h3 {font-size: 1.9rem;}
[data-testid="stMain"] p, [data-testid="stMain"] li {font-size: 1.3rem;}
[data-testid="stMain"] .legend-strip {font-size: 1.35rem; display: flex; flex-wrap: wrap;
  gap: 0.4rem 1.6rem; align-items: center;}
[data-testid="stMain"] .legend-strip .legend-title {margin: 0;}
[data-testid="stMain"] .legend-strip .legend-item {display: inline-flex; align-items: center;}
[data-testid="stMain"] .legend-swatch {width: 1.5rem; height: 1.2rem;}
[data-testid="stMain"] .top-changes {font-size: 1.3rem;}
[data-testid="stMain"] .top-changes td, [data-testid="stMain"] .top-changes th {padding: 0.4rem;}
</style>
"""


def projector_style() -> None:
    """Large fonts for a room: title, legend and the table of changes."""
    st.markdown(PROJECTOR_CSS, unsafe_allow_html=True)
