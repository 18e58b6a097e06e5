"""The ranking of the cotation page, one page of residences at a time.

The whole ranking (541 residences on the demo parc, thousands on a real one) would travel to the
browser on every weight change; a page of :data:`PAGE_SIZE` rows is a few kilobytes. So the
search, the sort and the paging are done here, on the server, with French controls: « Trier
par » and « Ordre » sort the whole ranking, « Page » moves through it. The page is one HTML
table written here (:func:`ranking_columns`), not the interactive grid and its 1,2 Mo of
JavaScript. A fragment: searching, sorting or paging reruns the ranking only, not the map.
"""

from __future__ import annotations

import math
import unicodedata

import numpy as np
import pandas as pd
import streamlit as st

from scoring import NOT_RATED, NOT_RATED_LABEL
from services.cotation import search_residences
from ui import cache
from ui.class_certainty import (
    PROBABILITY_COLUMN,
    RANGE_COLUMN,
    certainty_in_force,
    draws_text,
    with_certainty,
)
from ui.cotation_view import CotationResult, fmt_shift, withheld_pillars
from ui.fmt import MISSING, fmt_int, fmt_number, fmt_pct
from ui.tables import show_html_table

PAGE_SIZE = 25
# Columns of the shown ranking: names kept on one line; the other texts; the rest is numbers.
NAME_COLUMNS = ("Résidence", "Commune", "Quartier", "Bailleur", "Identifiant")
TEXT_COLUMNS = {*NAME_COLUMNS, "Classe", "Classes possibles"}
SEARCH_KEY = "cotation_recherche"
SORT_KEY, ORDER_KEY, PAGE_KEY = "classement_tri", "classement_ordre", "classement_page"
ASCENDING, DESCENDING = "croissant", "décroissant"
# Sort choices: French label → column and the natural order of that column.
SORTS: dict[str, tuple[str, str]] = {
    "Rang": ("rank", ASCENDING),
    "Note": ("score", DESCENDING),
    "Résidence": ("residence_name", ASCENDING),
    "Commune": ("commune_name", ASCENDING),
    "Écart de rang": ("rank_shift", DESCENDING),
    "Certitude de la classe": (PROBABILITY_COLUMN, ASCENDING),
    "Logements": ("n_dwellings", DESCENDING),
    "Bailleur": ("bailleur", ASCENDING),
}


def sort_choices(has_certainty: bool) -> list[str]:
    """The « Trier par » labels (the certainty only when it is computed)."""
    return [
        label
        for label, (column, _) in SORTS.items()
        if has_certainty or column != PROBABILITY_COLUMN
    ]


def sorted_rows(table: pd.DataFrame, sort: str, order: str) -> pd.DataFrame:
    """``table`` sorted on the column of ``sort`` in ``order``; missing values always last.

    Ties keep the ranking's order (a stable sort of the table, best first). Text sorts the
    French way, ignoring case and accents.
    """
    column, _ = SORTS[sort]
    values = table[column]
    if values.dtype == object or isinstance(values.dtype, pd.CategoricalDtype):
        values = values.astype(str).map(_sort_key).where(table[column].notna())
    ascending = order == ASCENDING
    order_index = values.sort_values(ascending=ascending, kind="stable", na_position="last").index
    return table.loc[order_index]


def _sort_key(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def page_count(n_rows: int, size: int | None = None) -> int:
    """Number of pages of ``size`` rows (:data:`PAGE_SIZE` by default; at least 1)."""
    return max(1, math.ceil(n_rows / (size or PAGE_SIZE)))


def page_rows(table: pd.DataFrame, page: int, size: int | None = None) -> pd.DataFrame:
    """Rows of page ``page`` (1-based, clipped to the pages there are)."""
    size = size or PAGE_SIZE
    page = min(max(1, int(page)), page_count(len(table), size))
    return table.iloc[(page - 1) * size : page * size]


def _on_new_order() -> None:
    """A new search or sort starts at the first page."""
    st.session_state[PAGE_KEY] = 1


def _on_new_sort() -> None:
    st.session_state[ORDER_KEY] = SORTS[st.session_state[SORT_KEY]][1]
    _on_new_order()


@st.fragment
def ranking_table(result: CotationResult, commune: str | None) -> None:
    """The ranked table of the residences (rank 1 = most attractive), searched, sorted and
    paged on the server."""
    table = result.table
    if commune is not None:
        table = table[table["commune_code"] == commune]
    search_col, sort_col, order_col = st.columns([3, 2, 1], gap="small")
    with search_col:
        text = st.text_input(
            "Rechercher une résidence",
            key=SEARCH_KEY,
            placeholder="nom, commune, quartier, adresse, bailleur ou identifiant (GP-0123)",
            icon=":material/search:",
            on_change=_on_new_order,
        )
    found = search_residences(table, text)
    if found.empty:
        where = " dans la commune choisie" if commune is not None else ""
        st.info(
            f"Aucune résidence ne correspond à « {text} »{where}. Vérifiez l'orthographe, "
            "cherchez un seul mot (nom, commune, adresse, bailleur ou identifiant) ou choisissez "
            "« Toutes les communes ».",
            icon=":material/search_off:",
        )
        return
    with st.spinner("Certitude des classes : tirages en cours…"):
        certainty = certainty_in_force(result.weighting)
    if certainty is not None:
        found = with_certainty(found, certainty)
    choices = sort_choices(certainty is not None)
    if st.session_state.get(SORT_KEY) not in choices:
        st.session_state[SORT_KEY] = "Rang"
        st.session_state[ORDER_KEY] = ASCENDING
    with sort_col:
        sort = st.selectbox("Trier par", choices, key=SORT_KEY, on_change=_on_new_sort)
    with order_col:
        order = st.selectbox(
            "Ordre", [ASCENDING, DESCENDING], key=ORDER_KEY, on_change=_on_new_order
        )
    ordered = sorted_rows(found, sort, order)
    n_pages = page_count(len(ordered))
    if st.session_state.get(PAGE_KEY, 1) > n_pages:
        st.session_state[PAGE_KEY] = n_pages
    shown = page_rows(ordered, st.session_state.get(PAGE_KEY, 1))
    _table(result, shown, certainty)
    _pager(len(found), len(result.table), n_pages)


def _pager(n_found: int, n_total: int, n_pages: int) -> None:
    page = min(max(1, int(st.session_state.get(PAGE_KEY, 1))), n_pages)
    size = PAGE_SIZE
    first, last = (page - 1) * size + 1, min(page * size, n_found)
    info_col, page_col = st.columns([4, 1], gap="small", vertical_alignment="bottom")
    with page_col:
        st.number_input(
            f"Page (sur {fmt_int(n_pages)})",
            min_value=1,
            max_value=n_pages,
            step=1,
            key=PAGE_KEY,
            disabled=n_pages == 1,
        )
    with info_col:
        st.caption(
            f"Résidences {fmt_int(first)} à {fmt_int(last)} sur {fmt_int(n_found)}"
            + (f" trouvées ({fmt_int(n_total)} en tout)" if n_found != n_total else "")
            + ". « Trier par » trie tout le classement ; le survol d'un en-tête dit ce qu'il "
            "mesure. Les résidences non cotées n'ont pas de rang."
        )


def ranking_columns(
    result: CotationResult, rows: pd.DataFrame, certainty, withheld: np.ndarray
) -> tuple[pd.DataFrame, dict[str, str]]:
    """One page of the ranking as it is shown: French headers, every value written out in
    French (« — » when missing, « s » for a withheld pillar: ``withheld``, one flag a row),
    and what each header means."""
    pillars = result.weighting.spec.pillars
    rules = cache.masking_rules()

    def counts(column: str) -> list[str]:
        return [MISSING if pd.isna(v) else fmt_int(v) for v in rows[column]]

    def points(column: str, masked: bool = False) -> list[str]:
        return [
            rules.marker if masked and hide else fmt_number(v, 1)
            for v, hide in zip(rows[column], withheld, strict=True)
        ]

    classes = rows["score_class"].where(rows["score_class"] != NOT_RATED, NOT_RATED_LABEL)
    table = {
        "Rang": counts("rank"),
        "Résidence": rows["residence_name"].tolist(),
        "Commune": rows["commune_name"].tolist(),
        "Note (/ 100)": points("score"),
        "Classe": classes.astype(str).tolist(),
    }
    titles = {
        "Rang": "1 = la résidence la plus attractive.",
        "Note (/ 100)": "Note sur 100.",
        "Classe": "A : très attractive … E : très peu attractive (voir la légende de la carte).",
    }
    if certainty is not None:
        table["Sûre à"] = [fmt_pct(v, 0) for v in rows[PROBABILITY_COLUMN]]
        table["Classes possibles"] = rows[RANGE_COLUMN].fillna(MISSING).tolist()
        titles["Sûre à"] = "Part des tirages qui donnent à la résidence sa classe : " + draws_text(
            certainty
        )
        titles["Classes possibles"] = (
            "Classes obtenues dans 90 % des tirages (les 5 % extrêmes de chaque côté écartés)."
        )
    table["Écart de rang"] = [fmt_shift(v) for v in rows["rank_shift"]]
    titles["Écart de rang"] = (
        "Places gagnées (+) ou perdues (−) par rapport au profil de référence."
    )
    table["Rang (référence)"] = counts("rank_reference")
    titles["Rang (référence)"] = "Rang sous le profil de référence."
    for pillar in pillars:
        label = f"{pillar.label} (/ 100)"
        secret = pillar.code == rules.pillar and bool(withheld.any())
        table[label] = points(f"score_{pillar.code}", masked=secret)
        titles[label] = f"Note du pilier {pillar.label.lower()} sur 100." + (
            f" « {rules.marker} » : {rules.pillar_reason}." if secret else ""
        )
    table["Logements"] = counts("n_dwellings")
    table["Quartier"] = rows["quartier_name"].fillna(MISSING).astype(str).tolist()
    table["Bailleur"] = rows["bailleur"].fillna(MISSING).astype(str).tolist()
    table["Identifiant"] = rows.index.astype(str).tolist()
    return pd.DataFrame(table), titles


def _table(result: CotationResult, rows: pd.DataFrame, certainty) -> None:
    """The page of the ranking as one HTML table: the interactive grid loads 1,2 Mo of
    JavaScript, a third of the page's first paint, for 25 rows sorted and searched here."""
    rules = cache.masking_rules()
    withheld = rows.index.isin(withheld_pillars(result))
    table, titles = ranking_columns(result, rows, certainty, withheld)
    show_html_table(
        table,
        {},
        right=[c for c in table.columns if c not in TEXT_COLUMNS],
        titles=titles,
        nowrap=NAME_COLUMNS,
    )
    if withheld.any():
        st.caption(f"« {rules.marker} » : {rules.pillar_reason}.")
