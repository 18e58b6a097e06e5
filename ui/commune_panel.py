"""The panel beside the map: the selected commune or quartier against the EPCI.

Key figures and the main occupancy shares over the OPS surveys (under the secret statistique for
the public profile) beside the map; the territory's residences with their score, class and flag
in a table under the map, across the page (six columns do not fit the side panel).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from services.access import Viewer
from services.cotation import fold_text
from services.disclosure import Access, footnote
from ui import cache
from ui.chart_theme import show_chart
from ui.commune_charts import occupancy_history_chart
from ui.flag_labels import flag_labels, rules_help
from ui.fmt import fmt_int, fmt_number, fmt_pct
from ui.link_notices import link_notice, not_found_text
from ui.tables import show_table
from ui.widgets import key_figures, set_query_value


def _choose(level: str, selected: str | None) -> str | None:
    table = cache.commune_table() if level == "commune" else cache.quartier_table()
    names = table["commune_name" if level == "commune" else "quartier_name"]
    options = ["", *sorted(names.index, key=lambda c: fold_text(names[c]))]
    label = "Commune" if level == "commune" else "Quartier"
    key = f"choice_{level}"
    if selected is not None and selected not in names.index:
        one = "une" if level == "commune" else "un"
        hint = f"Choisissez-en {one} sur la carte ou dans la liste."
        link_notice(not_found_text(label, selected, hint=hint))
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
        *_stock_rows(row, epci),
        ("Taux SRU", sru, f"EPCI : {fmt_pct(epci['sru_rate_pct'])}"),
        ("Article 55 de la loi SRU", subject, ""),
        (
            "Logements sociaux pour 100 habitants",
            fmt_number(100 * row["n_dwellings"] / row["population"], 1),
            f"EPCI : {fmt_number(100 * epci['n_dwellings'] / epci['population'], 1)}",
        ),
    ]


def _stock_rows(row: pd.Series, epci: pd.Series) -> list[tuple[str, str, str]]:
    return [
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


def _occupancy_chart(level: str, code: str, viewer: Viewer) -> None:
    history = cache.territory_history(level, code, Access.of(viewer))
    reasons = sorted({r for r in history["mask_reason"] if r})
    if history["value"].notna().sum() == 0:
        message = (
            f"Occupation non diffusée : {' ; '.join(reasons)}."
            if reasons
            else "Aucune enquête d'occupation (OPS) pour ce territoire."
        )
        st.info(message, icon=":material/lock:" if reasons else ":material/info:")
        return
    show_chart(occupancy_history_chart(history), key=f"panneau_ops_{level}")
    if reasons:
        hidden = history[history["mask_reason"] != ""]
        which = ", ".join(
            f"{label} {int(year)}"
            for label, year in zip(hidden["label"], hidden["survey_year"], strict=True)
        )
        marker = cache.masking_rules().marker
        st.caption(f"Valeurs masquées ({which}) — {footnote(reasons, marker)}")


def residence_list(level: str, code: str | None, viewer: Viewer) -> None:
    """The residences of the selected territory: score, class and flag (with its rule), the
    scores those ``viewer`` sees (the public cotation without access to every residence)."""
    if code is None:
        return
    residences = cache.residences()
    column = "commune_code" if level == "commune" else "quartier_code"
    mine = residences[residences[column] == code].set_index("residence_id")
    if mine.empty:
        st.caption("Aucune résidence sociale suivie sur ce territoire.")
        return
    sees_all = viewer.sees_all_residences
    scores = cache.scores_for(sees_all).reindex(mine.index)
    flags = flag_labels(cache.peer_members(sees_all).reindex(mine.index))
    table = pd.DataFrame(
        {
            "Résidence": mine["residence_name"],
            "Logements": mine["n_dwellings"],
            "QPV": mine["is_qpv"].map({True: "oui", False: "non"}),
            "Note (/ 100)": scores["score"],
            "Classe": scores["score_class"].astype(str),
            "Signalement": flags,
        }
    ).sort_values("Note (/ 100)", ascending=False)
    names = cache.commune_table()["commune_name"] if level == "commune" else None
    where = names[code] if names is not None else cache.quartier_table().at[code, "quartier_name"]
    st.markdown(
        f"**Résidences sociales suivies : {where} ({fmt_int(len(table))})** — cotation du "
        "profil de référence"
        + ("" if sees_all else " (note publique : pilier Occupation d'un seul tenant)")
    )
    show_table(
        table,
        {"Logements": (0, ""), "Note (/ 100)": (1, "")},
        key=f"residences_{level}",
        height=min(36 * (len(table) + 1), 360),
        help={
            "Note (/ 100)": "Note d'attractivité sur 100, profil de référence.",
            "Signalement": rules_help(),
        },
    )


def territory_panel(level: str, selected: str | None, viewer: Viewer) -> str | None:
    """Render the selection box and the profile of the selected territory (beside the map).

    Returns the code finally selected (None when nothing is); :func:`residence_list` shows its
    residences under the map.
    """
    code = _choose(level, selected)
    if code is None:
        what = "une commune" if level == "commune" else "un quartier"
        pick = "choisissez-la" if level == "commune" else "choisissez-le"
        st.info(
            f"Cliquez sur {what} de la carte (ou {pick} ci-dessus) pour afficher ses chiffres "
            "clés et ses résidences.",
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
        rows = [
            ("Résidences sociales suivies", fmt_int(row["n_residences"]), ""),
            *_stock_rows(row, epci),
        ]
        key_figures(rows)
    _occupancy_chart(level, code, viewer)
    return code
