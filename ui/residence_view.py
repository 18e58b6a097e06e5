"""The *Fiche résidence* screen: the search, then one residence on one screen.

The residence lives in the URL (``?residence=GP-0123``) and the print layout too
(``&impression=1``), so a link sent by e-mail reopens the same card. The content comes from
:func:`services.residence_card.residence_card`, masked for the access profile of the sidebar;
figures come from :mod:`ui.residence_charts`, the simulator from :mod:`ui.simulator_view`.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

import pandas as pd
import streamlit as st

from scoring import NOT_RATED_LABEL
from services.disclosure import footnote
from services.disclosure.publish import reason_text
from services.residence_card import ResidenceCard, search_matches
from ui import cache
from ui.chart_theme import show_chart
from ui.class_certainty import reference_certainty_caption
from ui.flag_labels import flag_text, rules_help
from ui.fmt import MISSING, fmt_int, fmt_number, fmt_pct, fmt_rank, fmt_signed
from ui.link_notices import link_notice, not_found_text
from ui.residence_charts import (
    flow_bars,
    impact_waterfall,
    occupancy_lines,
    peer_boxes,
    pillar_waterfall,
    quartile_boxes,
)
from ui.widgets import query_value, set_query_value

RESIDENCE_PARAM = "residence"
PRINT_PARAM = "impression"
SEARCH_KEY = "fiche_recherche"
PICK_KEY = "fiche_residence"
MAX_MATCHES = 200
HISTORY_INDICATORS = [
    "res_below_40_pct",
    "res_below_60_pct",
    "single_parent_pct",
    "no_employment_pct",
    "housing_benefit_pct",
]

# Always on: the facts tables, and what a browser prints (Ctrl+P): the card alone, one column,
# charts unbroken.
CARD_CSS = """
<style>
.fiche-faits {width: 100%; border-collapse: collapse; font-size: 0.92rem; margin-bottom: 0.6rem;}
.fiche-faits th {text-align: left; font-weight: 500; padding: 0.3rem 0.6rem 0.3rem 0;
  width: 46%; vertical-align: top;}
.fiche-faits td {padding: 0.3rem 0; font-variant-numeric: tabular-nums; vertical-align: top;}
.fiche-faits td .ref {color: #555; font-size: 0.85rem;}
.fiche-faits tr {border-bottom: 1px solid #e6e6e6;}
@media print {
  [data-testid="stSidebar"], [data-testid="stHeader"], [data-testid="stToolbar"],
  [data-testid="stExpandSidebarButton"], [data-testid="stForm"], [data-testid="stTextInput"],
  [data-testid="stSelectbox"], [data-testid="stCheckbox"], [data-testid="stButton"],
  [data-testid="stElementToolbar"], .fiche-no-print {display: none !important;}
  [data-testid="stMainBlockContainer"] {max-width: 100% !important; padding: 0 !important;}
  [data-testid="stHorizontalBlock"] {flex-direction: column !important;}
  [data-testid="stColumn"] {width: 100% !important; flex: 1 1 100% !important;}
  [data-testid="stVegaLiteChart"], [data-testid="stAlert"], .key-figures {break-inside: avoid;}
  h2, h3 {break-after: avoid;}
  .fiche-faits {break-inside: avoid;}
}
</style>
"""
# The print layout on screen: no sidebar, a page-wide column as on paper.
PRINT_SCREEN_CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stExpandSidebarButton"],
[data-testid="stHeader"] {display: none !important;}
[data-testid="stMainBlockContainer"] {max-width: 60rem; padding-top: 1.5rem;}
</style>
"""


# --- Selection -----------------------------------------------------------------------------------


def yes_no(value: object) -> str:
    """« oui » or « non »."""
    return "oui" if value else "non"


def selected_residence() -> str | None:
    """The residence of the URL (``residence``), when it exists.

    An unknown residence is said under the page title and removed from the URL.
    """
    wanted = query_value(RESIDENCE_PARAM)
    if wanted is None or wanted in cache.residence_directory().index:
        return wanted
    link_notice(
        not_found_text(
            "Résidence",
            wanted,
            hint="Cherchez-la par son nom, son adresse, sa commune ou son identifiant.",
        )
    )
    set_query_value(RESIDENCE_PARAM, None)
    return None


def print_toggle() -> bool:
    """The « Version imprimable » switch (URL ``impression=1``) and the print styles."""
    key = "fiche_impression"
    if key not in st.session_state:
        st.session_state[key] = query_value(PRINT_PARAM) == "1"
    on = st.toggle(
        "Version imprimable",
        key=key,
        help="Une seule colonne, sans barre latérale ni champs de saisie ; imprimez ensuite "
        "avec la commande d'impression du navigateur (Ctrl+P).",
    )
    set_query_value(PRINT_PARAM, "1" if on else None)
    st.markdown(CARD_CSS + (PRINT_SCREEN_CSS if on else ""), unsafe_allow_html=True)
    return on


def _label(labels: dict[str, str], residence_id: str) -> str:
    if not residence_id:
        return "— choisir une résidence —"
    return labels[residence_id]


def residence_search() -> str | None:
    """Search box and matching residences; the residence chosen goes to the URL.

    Typing a search opens the best match at once; the list offers the others.
    """
    directory = cache.residence_directory()
    labels = cache.residence_labels()
    wanted = selected_residence()
    search_col, pick_col = st.columns([2, 3], gap="medium")
    with search_col:
        text = st.text_input(
            "Rechercher une résidence",
            key=SEARCH_KEY,
            placeholder="nom, adresse, commune ou identifiant (GP-0123)",
            icon=":material/search:",
        )
    matches = search_matches(directory, text, limit=MAX_MATCHES if text.strip() else None)
    if text.strip() and matches.empty:
        with pick_col:
            st.info(
                f"Aucune résidence ne correspond à « {text} ». Vérifiez l'orthographe ou cherchez "
                "un seul mot : nom, adresse, commune, bailleur ou identifiant.",
                icon=":material/search_off:",
            )
        return wanted
    options = list(matches.index) if text.strip() else ["", *matches.index]
    synced = f"{PICK_KEY}_synced"
    if st.session_state.get(synced) != (wanted, text):
        st.session_state[PICK_KEY] = wanted if wanted in options else options[0]
        st.session_state[synced] = (wanted, text)
    elif st.session_state.get(PICK_KEY) not in options:
        st.session_state[PICK_KEY] = options[0]
    with pick_col:
        n = len(matches)
        label = (
            f"Résidence ({fmt_int(n)} résultat{'s' if n > 1 else ''}"
            f"{', les ' + fmt_int(MAX_MATCHES) + ' premiers' if n >= MAX_MATCHES else ''})"
            if text.strip()
            else "Résidence"
        )
        choice = st.selectbox(label, options, key=PICK_KEY, format_func=lambda r: _label(labels, r))
    choice = choice or None
    if choice != wanted:
        set_query_value(RESIDENCE_PARAM, choice)
        st.session_state[synced] = (choice, text)
    return choice


def empty_state() -> None:
    """What to do when no residence is chosen."""
    st.info(
        "Recherchez une résidence par son nom, son adresse, sa commune ou son identifiant, puis "
        "choisissez-la dans la liste : sa fiche s'affiche ici (note, classe, groupe de pairs, "
        "signalement, occupation et simulateur d'attribution).",
        icon=":material/search:",
    )


# --- The card ------------------------------------------------------------------------------------


def _columns(printing: bool, spec: Sequence[float]) -> list:
    """Side-by-side columns on screen, one column in the print layout."""
    if printing:
        container = st.container()
        return [container] * len(spec)
    return st.columns(spec, gap="large")


def header(card: ResidenceCard) -> None:
    """Name, where it is and four figures: score, class, rank, coverage."""
    who = card.identity
    st.header(who["residence_name"], anchor=False)
    parts = [who["address"]]
    if who["commune_name"] not in who["address"]:
        parts.append(who["commune_name"])
    if who["quartier_name"]:
        parts.append(f"quartier {who['quartier_name']}")
    parts += [who["bailleur"], "en QPV" if who["is_qpv"] else "hors QPV"]
    parts.append(f"identifiant {card.residence_id}")
    st.caption(" · ".join(p for p in parts if p))
    cot = card.cotation
    rank = fmt_rank(cot["rank"], cot["n_rated"])
    cols = st.columns(4)
    cols[0].metric(
        "Note d'attractivité",
        fmt_number(cot["score"], 1, "/ 100"),
        help="Profil de référence de la cotation ; 100 = la plus attractive.",
    )
    meaning = cot["class_label"].partition(" — ")[2]
    cols[1].metric(
        f"Classe ({meaning})" if meaning else "Classe",
        cot["score_class"],
        help="A = très attractive … E = très peu attractive ; NC = non cotée.",
    )
    cols[2].metric("Rang", rank, help="1 = la résidence la plus attractive du Grand Poitiers.")
    cols[3].metric(
        "Couverture des indicateurs",
        fmt_pct(cot["coverage_pct"], 0),
        help="Part du poids des indicateurs renseignés pour cette résidence.",
    )
    if cot["withheld_reason"]:
        st.caption(
            f":material/lock: {cot['withheld_reason'][:1].upper()}{cot['withheld_reason'][1:]}."
        )
    elif cot["is_public"]:
        st.caption(
            ":material/lock: Note publique : le pilier Occupation y entre d'un seul tenant "
            "(poids internes du profil de référence), sans le détail des parts de ménages."
        )
    if cot["certainty"] is None:
        st.caption(
            "Certitude de la classe : non calculée pour une note qui compte des parts de ménages "
            "non publiées (secret statistique : les tirages liraient celles des autres "
            "résidences)."
        )
    else:
        st.caption(
            reference_certainty_caption(card.residence_id, public=cot["certainty"] == "public")
        )


def facts(rows: Sequence[tuple[str, str, str]]) -> None:
    """A two-column table of facts: label, then value with a grey note; long texts wrap."""
    body = "".join(
        f"<tr><th>{html.escape(label)}</th><td>{html.escape(value)}"
        + (f" <span class='ref'>{html.escape(note)}</span>" if note else "")
        + "</td></tr>"
        for label, value, note in rows
    )
    st.markdown(f"<table class='fiche-faits'>{body}</table>", unsafe_allow_html=True)


def identity_block(card: ResidenceCard) -> None:
    """Dwellings, typologies, construction, energy label, PSP, rent."""
    who = card.identity
    types = " · ".join(f"{t} {fmt_int(n)}" for t, n in who["typologies"].items())
    built = str(who["year_built"]) if who["year_built"] else MISSING
    rehab = who["year_rehab"]
    st.subheader("La résidence", anchor=False)
    facts(
        [
            ("Logements sociaux", fmt_int(who["n_dwellings"]), f"({types})"),
            ("Surface moyenne", fmt_number(who["mean_surface_m2"], 0, "m²"), ""),
            (
                "Construction",
                built,
                f"réhabilitée en {rehab}" if rehab else "pas de réhabilitation connue",
            ),
            ("Étiquette énergie (DPE)", who["dpe_label"] or MISSING, ""),
            ("Orientation du PSP", (who["psp_class"] or MISSING).capitalize(), ""),
            ("Loyer moyen hors charges", fmt_number(who["rent_eur_m2"], 2, "€/m²/mois"), ""),
            ("Ascenseur", MISSING if who["has_lift"] is None else yes_no(who["has_lift"]), ""),
            ("Taux de vacance", fmt_pct(who["vacancy_rate_pct"]), "au 1er janvier"),
            ("Taux de rotation", fmt_pct(who["rotation_rate_pct"]), "dernière année"),
        ]
    )


FLAG_BOX = {
    "rebalance": (st.error, ":material/warning:"),
    "capacity": (st.success, ":material/add_home:"),
    "balanced": (st.info, ":material/balance:"),
    "not_evaluated": (st.info, ":material/help:"),
}


def flag_block(card: ResidenceCard) -> None:
    """The flag with its reason, the indicators behind it and the recommendation."""
    peer = card.peer
    st.subheader("Signalement et préconisation", anchor=False)
    box, icon = FLAG_BOX[peer["flag"]]
    reason = peer["not_evaluated_reason"] or peer["reason"] or ""
    rule = cache.peer_members()["rule"].get(card.residence_id)
    box(
        f"**{flag_text(peer['flag'], rule)}** — {reason}\n\n**Préconisation** : "
        f"{peer['recommendation']}",
        icon=icon,
    )
    if peer["explanation"]:
        st.markdown(f"**Indicateurs les plus éloignés du groupe** : {peer['explanation']}.")
    size = f"({fmt_int(peer['group_size'])} résidences)" if peer["group_size"] else ""
    rows = [("Groupe de pairs", peer["group_name"] or MISSING, size)]
    if card.can_see_figures and pd.notna(peer["fragility"]):
        previous = peer["previous_survey_year"]
        rows += [
            (
                f"Indice de fragilité (OPS {peer['survey_year'] or MISSING})",
                fmt_number(peer["fragility"], 1, "points"),
                f"médiane du groupe : {fmt_number(peer['group_median'], 1)}",
            ),
            (
                "Évolution depuis l'enquête précédente",
                fmt_signed(
                    peer["fragility_change"],
                    1,
                    "point" if abs(peer["fragility_change"]) < 2 else "points",
                ),
                f"depuis l'OPS {previous}" if previous else "",
            ),
            (
                "Écart robuste au groupe",
                fmt_number(peer["robust_z"], 2).replace("-", "−"),
                "voir les règles sous le tableau",
            ),
            ("Ménages enquêtés", fmt_int(peer["n_households"]), ""),
        ]
    facts(rows)
    notes = [f"Le groupe : {peer['group_description']}"] if peer["group_description"] else []
    st.caption(" ".join([*notes, f"Règles des signalements : {rules_help()}"]))


def contributions_block(card: ResidenceCard, printing: bool) -> None:
    """Why this score: points by pillar, and the indicators that move it most."""
    st.subheader("Pourquoi cette note", anchor=False)
    if pd.isna(card.cotation["score"]):
        # No score to explain: the decomposition would start at mid-scale and lead nowhere.
        st.info(
            f"Cette résidence est « {NOT_RATED_LABEL} » : ses indicateurs renseignés ne portent "
            f"que {fmt_pct(card.cotation['coverage_pct'], 0)} du poids total, sous le minimum "
            "de la règle de couverture (voir la page Méthode). Elle n'a ni note, ni classe, ni "
            "rang, et donc rien à décomposer.",
            icon=":material/info:",
        )
        return
    left, right = _columns(printing, [2, 3])
    with left:
        show_chart(pillar_waterfall(card.pillars, card.cotation["score"]), "fiche_piliers")
    with right:
        show_chart(impact_waterfall(card.indicators, card.cotation["score"]), "fiche_ind")
    st.caption(
        "Chaque pilier apporte sa note multipliée par son poids ; chaque indicateur tire la note "
        "au-dessus (bleu) ou en dessous (orange) de ce qu'il apporterait au milieu de l'échelle "
        "(50). Les écarts s'additionnent exactement jusqu'à la note."
    )


def peers_block(card: ResidenceCard, printing: bool) -> None:
    """The residence against its peer group (box plots) and over the OPS surveys."""
    st.subheader("Face à ses pairs et au fil des enquêtes", anchor=False)
    left, right = _columns(printing, [1, 1])
    name = card.identity["residence_name"]
    with left:
        sees_all = card.viewer.sees_all_residences
        quartiles = card.quartiles
        has_boxes = (
            card.comparison["value"].notna().any()
            if sees_all
            else len(quartiles) > 0 and quartiles["median"].notna().any()
        )
        if has_boxes:
            st.markdown(f"**{card.peer['group_name'] or 'Résidences comparables'}**")
            if sees_all:
                figure = peer_boxes(card.comparison, card.can_see_figures, name)
            else:
                own = card.comparison if card.can_see_figures else None
                figure = quartile_boxes(quartiles, own, name)
            show_chart(figure, "fiche_bp")
            _boxes_caption(card)
        elif len(quartiles) and quartiles["reason"].ne("").any():
            rules = cache.masking_rules()
            st.info(
                "Quartiles du groupe non diffusés — "
                + footnote([reason_text(r, rules) for r in quartiles["reason"] if r], rules.marker),
                icon=":material/lock:",
            )
        else:
            st.info(
                "Pas de comparaison possible : la résidence n'a pas de groupe de pairs évalué. "
                "Complétez ses données (enquête OPS, caractéristiques) pour la situer.",
                icon=":material/info:",
            )
    with right:
        _occupancy(card, printing)


def _boxes_caption(card: ResidenceCard) -> None:
    own = card.can_see_figures and card.comparison["value"].notna().any()
    if card.viewer.sees_all_residences:
        st.caption(
            "Boîtes : quartiles des résidences évaluées du groupe (au moins 11 ménages "
            "enquêtés)" + (" ; losange : la résidence." if own else ".")
        )
        return
    rules = cache.masking_rules()
    st.caption(
        "Boîtes : quartiles des résidences évaluées du groupe (au moins "
        f"{rules.min_group_residences} résidences, de plusieurs bailleurs ; ni valeurs "
        "extrêmes ni points, qui seraient celles d'une résidence)"
        + (
            " ; losange : la résidence."
            if own
            else ". La valeur de la résidence est réservée à son bailleur et au service habitat."
        )
    )


def _occupancy(card: ResidenceCard, printing: bool) -> None:
    history = card.occupancy
    if history["value"].notna().sum() == 0:
        if card.mask_reasons:
            st.info(
                "Occupation non diffusée ("
                + " ; ".join(card.mask_reasons)
                + "). Le bailleur de la résidence et le service habitat la voient.",
                icon=":material/lock:",
            )
        else:
            st.info(
                "Aucune enquête d'occupation (OPS) pour cette résidence : importez les enquêtes "
                "du bailleur pour suivre son occupation.",
                icon=":material/info:",
            )
        return
    show_chart(occupancy_lines(history, HISTORY_INDICATORS), "fiche_ops")
    surveyed = history.drop_duplicates("survey_year").dropna(subset=["n_households"])
    st.caption(
        "Ménages enquêtés : "
        + ", ".join(
            f"{int(r.survey_year)} : {fmt_int(r.n_households)}" for r in surveyed.itertuples()
        )
        + ". Une enquête manquante interrompt la ligne."
    )


def flows_block(card: ResidenceCard, printing: bool) -> None:
    """Entrants of the last attribution window, sitting tenants and leavers."""
    counts = card.flow_counts
    st.subheader(f"Entrants, locataires en place et sortants ({counts['period']})", anchor=False)
    flows = card.flows
    values = flows[["entrants_pct", "sitting_pct", "leavers_pct"]]
    if values.notna().sum().sum() == 0:
        if card.mask_reasons:
            st.info(
                "Profils non diffusés (" + " ; ".join(card.mask_reasons) + ").",
                icon=":material/lock:",
            )
        else:
            st.info(
                f"Ni attribution ni départ enregistré en {counts['period']}, ni enquête OPS : "
                "importez les attributions (SNE) et les départs du bailleur.",
                icon=":material/info:",
            )
        return
    show_chart(flow_bars(flows, counts), "fiche_flux")
    hidden = [
        label
        for label, column in (
            ("entrants", "entrants_pct"),
            ("locataires en place", "sitting_pct"),
            ("sortants", "leavers_pct"),
        )
        if flows[column].isna().all()
    ]
    note = f" Non affichés : {', '.join(hidden)} (aucun ménage)." if hidden else ""
    st.caption(
        "Entrants : attributions des deux dernières années ; sortants : départs des mêmes "
        "années ; locataires en place : dernière enquête OPS. Parts calculées sur les ménages "
        "dont la caractéristique est connue." + note
    )


def render_card(card: ResidenceCard, printing: bool) -> None:
    """Place every section of the card (two columns on screen, one in the print layout)."""
    header(card)
    flag_col, identity_col = _columns(printing, [3, 2])
    with flag_col:
        flag_block(card)
    with identity_col:
        identity_block(card)
    contributions_block(card, printing)
    peers_block(card, printing)
    flows_block(card, printing)
