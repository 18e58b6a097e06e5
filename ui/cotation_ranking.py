"""The ranking of the cotation page, one page of residences at a time.

The whole ranking (541 residences on the demo parc, thousands on a real one) would travel to the
browser on every weight change; a page of :data:`PAGE_SIZE` rows is a few kilobytes. So the
search, the sort and the paging are done here, on the server, with French controls: « Trier
par » and « Ordre » sort the whole ranking (a click on a column header only sorts the rows of the
page shown), « Page » moves through it. A fragment: searching, sorting or paging reruns the
ranking only, not the map.
"""

from __future__ import annotations

import math
import unicodedata

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

PAGE_SIZE = 25
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
            + ". « Trier par » trie tout le classement ; un clic sur un en-tête ne trie que la "
            "page affichée. Les résidences non cotées n'ont pas de rang."
        )


def _table(result: CotationResult, rows: pd.DataFrame, certainty) -> None:
    pillars = result.weighting.spec.pillars
    certainty_columns = [PROBABILITY_COLUMN, RANGE_COLUMN] if certainty is not None else []
    columns = [
        "rank",
        "residence_name",
        "commune_name",
        "score",
        "class_shown",
        *certainty_columns,
        "rank_shift",
        "rank_reference",
        *[f"score_{p.code}" for p in pillars],
        "n_dwellings",
        "quartier_name",
        "bailleur",
        "residence_id",
    ]
    rows = rows.assign(
        class_shown=rows["score_class"].where(rows["score_class"] != NOT_RATED, NOT_RATED_LABEL),
        residence_id=rows.index,
    )
    categories = ("commune_name", "quartier_name", "bailleur", "class_shown")
    shown = rows[columns].astype({c: "category" for c in categories}).reset_index(drop=True)
    score_columns = ["score", *[f"score_{p.code}" for p in pillars]]
    rules = cache.masking_rules()
    secret = f"score_{rules.pillar}"
    withheld = shown["residence_id"].isin(withheld_pillars(result)).to_numpy()
    as_text = bool(withheld.any()) and secret in shown
    if as_text:
        # The grid shows its own placeholder in an empty cell: the withheld pillar is written
        # out, « s » where withheld.
        shown[secret] = [
            rules.marker if hide else fmt_number(v, 1)
            for v, hide in zip(shown[secret], withheld, strict=True)
        ]
        score_columns.remove(secret)
    styler = shown.style.format(
        {
            **{c: (lambda v: fmt_number(v, 1)) for c in score_columns},
            "rank_shift": fmt_shift,
            PROBABILITY_COLUMN: lambda v: fmt_pct(v, 0),
            "rank": lambda v: MISSING if pd.isna(v) else fmt_int(v),
            "rank_reference": lambda v: MISSING if pd.isna(v) else fmt_int(v),
            "n_dwellings": fmt_int,
        }
    )
    config = {
        "residence_id": st.column_config.TextColumn("Identifiant", width="small"),
        "rank": st.column_config.NumberColumn(
            "Rang", help="1 = la résidence la plus attractive.", width="small"
        ),
        "residence_name": st.column_config.TextColumn("Résidence", width="medium"),
        "commune_name": st.column_config.TextColumn("Commune", width="medium"),
        "quartier_name": st.column_config.TextColumn("Quartier"),
        "bailleur": st.column_config.TextColumn("Bailleur"),
        "n_dwellings": st.column_config.NumberColumn("Logements"),
        "score": st.column_config.NumberColumn("Note (/ 100)", help="Note sur 100."),
        "class_shown": st.column_config.TextColumn(
            "Classe",
            help="A : très attractive … E : très peu attractive (voir la légende de la carte).",
            width="small",
        ),
        "rank_reference": st.column_config.NumberColumn(
            "Rang (référence)", help="Rang sous le profil de référence."
        ),
        PROBABILITY_COLUMN: st.column_config.NumberColumn(
            "Sûre à",
            help="Part des tirages qui donnent à la résidence sa classe : "
            + (draws_text(certainty) if certainty is not None else ""),
            width="small",
        ),
        RANGE_COLUMN: st.column_config.TextColumn(
            "Classes possibles",
            help="Classes obtenues dans 90 % des tirages (les 5 % extrêmes de chaque côté "
            "écartés).",
        ),
        "rank_shift": st.column_config.NumberColumn(
            "Écart de rang",
            help="Places gagnées (+) ou perdues (−) par rapport au profil de référence.",
        ),
        **{
            f"score_{p.code}": (
                st.column_config.TextColumn
                if as_text and f"score_{p.code}" == secret
                else st.column_config.NumberColumn
            )(
                f"{p.label} (/ 100)",
                help=f"Note du pilier {p.label.lower()} sur 100."
                + (
                    f" « {rules.marker} » : {rules.pillar_reason}."
                    if p.code == rules.pillar and withheld.any()
                    else ""
                ),
            )
            for p in pillars
        },
    }
    height = 38 + 35 * len(shown)
    st.dataframe(
        styler, column_config=config, height=height, hide_index=True, key="cotation_classement"
    )
    if withheld.any():
        st.caption(f"« {rules.marker} » : {rules.pillar_reason}.")
