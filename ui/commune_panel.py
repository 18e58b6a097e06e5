"""The panel beside the map: key figures of the selected commune or quartier, against the EPCI."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ui import cache
from ui.fmt import fmt_int, fmt_number, fmt_pct
from ui.widgets import key_figures, set_query_value


def _choose(level: str, selected: str | None) -> str | None:
    table = cache.commune_table() if level == "commune" else cache.quartier_table()
    name_column = "commune_name" if level == "commune" else "quartier_name"
    names = table[name_column]
    options = ["", *sorted(names.index, key=lambda c: names[c])]
    label = "Commune" if level == "commune" else "Quartier"
    key = f"choice_{level}"
    if st.session_state.get(f"{key}_synced") != selected:
        st.session_state[key] = selected if selected in names.index else ""
        st.session_state[f"{key}_synced"] = selected
    choice = st.selectbox(
        f"{label} (ou cliquez sur la carte)",
        options,
        key=key,
        format_func=lambda c: names[c] if c else "—",
    )
    if (choice or None) != selected:
        set_query_value("commune" if level == "commune" else "quartier", choice or None)
        st.session_state[f"{key}_synced"] = choice or None
    return choice or None


def _commune_rows(row: pd.Series, epci: pd.Series) -> list[tuple[str, str, str]]:
    sru = (
        f"{fmt_pct(row['sru_rate_pct'])} ({int(row['sru_year'])})"
        if pd.notna(row["sru_rate_pct"])
        else "—"
    )
    subject = "soumise (objectif 20 %)" if row["is_sru_subject"] else "non soumise"
    return [
        ("Population", fmt_int(row["population"], "hab."), f"EPCI : {fmt_int(epci['population'])}"),
        (
            "Résidences sociales suivies",
            fmt_int(row["n_residences"]),
            f"EPCI : {fmt_int(epci['n_residences'])}",
        ),
        (
            "Logements sociaux",
            fmt_int(row["n_dwellings"]),
            f"{fmt_pct(100 * row['n_dwellings'] / epci['n_dwellings'])} de l'EPCI",
        ),
        ("Taux SRU", sru, f"EPCI : {fmt_pct(epci['sru_rate_pct'])}"),
        ("Article 55 de la loi SRU", subject, ""),
        (
            "Logements sociaux en QPV",
            fmt_pct(row["qpv_share_pct"]),
            f"EPCI : {fmt_pct(epci['qpv_share_pct'])}",
        ),
        (
            "Logements sociaux pour 100 habitants",
            fmt_number(100 * row["n_dwellings"] / row["population"], 1),
            f"EPCI : {fmt_number(100 * epci['n_dwellings'] / epci['population'], 1)}",
        ),
    ]


def _quartier_rows(row: pd.Series, epci: pd.Series) -> list[tuple[str, str, str]]:
    return [
        ("Résidences sociales suivies", fmt_int(row["n_residences"]), ""),
        (
            "Logements sociaux",
            fmt_int(row["n_dwellings"]),
            f"{fmt_pct(100 * row['n_dwellings'] / epci['n_dwellings'])} de l'EPCI",
        ),
        (
            "Logements sociaux en QPV",
            fmt_pct(row["qpv_share_pct"]),
            f"EPCI : {fmt_pct(epci['qpv_share_pct'])}",
        ),
    ]


def territory_panel(level: str, selected: str | None) -> str | None:
    """Render the selection box and the key figures of the selected territory.

    Returns the code finally selected (None when nothing is).
    """
    code = _choose(level, selected)
    if code is None:
        st.info(
            "Cliquez sur une commune de la carte (ou choisissez-la ci-dessus) pour afficher ses "
            "chiffres clés.",
            icon=":material/touch_app:",
        )
        return None
    epci = cache.epci_row()
    if level == "commune":
        row = cache.commune_table().loc[code]
        st.subheader(row["commune_name"])
        key_figures(_commune_rows(row, epci))
    else:
        row = cache.quartier_table().loc[code]
        st.subheader(row["quartier_name"])
        key_figures(_quartier_rows(row, epci))
    return code
