"""The *Groupes de pairs* screen: the groups on the map and in a fragility × attractiveness plot,
and one group at a time (URL ``groupe``, numbered from 1): its name, what its centroid looks
like, its members and their flags.

The groups come from :func:`services.peers.peer_analysis` (cached in :mod:`ui.cache`). The
fragility index is an occupancy figure: a viewer who does not see every residence sees each
group's median only, published under the rules of :mod:`services.disclosure.groups` (enough
evaluated residences, of several bailleurs), the index of its own residences, never another
residence's; the scores are the cotation the viewer sees (the public one without access to every
residence).
"""

from __future__ import annotations

import folium
import numpy as np
import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from services import map_views
from services.access import Viewer
from services.disclosure import Access, footnote
from services.disclosure.groups import group_medians
from services.disclosure.publish import reason_text
from services.map_style import group_color as group_color  # shared with the snapshots
from services.map_style import group_point_style
from services.peers import FLAG_LABELS
from ui import cache
from ui.chart_theme import show_chart
from ui.cotation_map import base_map
from ui.export_map import bounds_of, map_download
from ui.flag_labels import flag_labels, rules_help
from ui.fmt import fmt_int, fmt_number
from ui.maps import CompactPoints, LegendEntry, point_rows
from ui.pairs_charts import group_scatter, residence_scatter
from ui.widgets import key_figures, legend, query_choice, set_query_value

GROUP_PARAM = "groupe"
PICK_KEY = f"qp_{GROUP_PARAM}"
PENDING_KEY = "paires_groupe_clique"
MAP_KEY = "paires_carte"
UNIT_DECIMALS = {"m": 0, "%": 0, "année": 0, "logements": 0, "€/m²/mois": 2}
# The views under the map (tabs, in the link as ``vue``).
PAIRS_TABS = ["Fragilité et attractivité", "Résidences du groupe"]


def group_number(group: int) -> str:
    """The number users see and the URL holds: the group label plus one."""
    return str(int(group) + 1)


# --- Selection -----------------------------------------------------------------------------------


def group_picker() -> int:
    """Selectbox of the groups (URL ``groupe``); a click on the map selects the clicked group."""
    groups = cache.peers().groups
    options = [group_number(g) for g in groups.index]
    if PENDING_KEY in st.session_state:
        st.session_state[PICK_KEY] = st.session_state.pop(PENDING_KEY)
    names = {group_number(g): name for g, name in groups["name"].items()}
    value = query_choice(
        "Groupe de pairs",
        options,
        GROUP_PARAM,
        options[0],
        lambda n: f"{n} · {names[n]}",
        help="Vous pouvez aussi cliquer sur une résidence de la carte pour afficher son groupe.",
    )
    return int(value) - 1


def overview_caption() -> None:
    """How many groups, formed on what, and how distinct they are (silhouette)."""
    analysis = cache.peers()
    n_features = analysis.features.shape[1]
    st.caption(
        f"{fmt_int(analysis.n_groups)} groupes de pairs formés par k-moyennes sur "
        f"{fmt_int(n_features)} caractéristiques de structure et de contexte (taille, typologies, "
        "époque, loyer, QPV, centralité, équipements, PSP), jamais sur l'occupation. Silhouette "
        f"moyenne : {fmt_number(analysis.silhouette, 2)} (de −1 à 1 ; plus elle est élevée, "
        "plus les groupes sont distincts)."
    )


# --- Map -----------------------------------------------------------------------------------------


def _point_layer(selected: int) -> folium.FeatureGroup:
    """Every residence coloured by its group, the selected group larger and on top; one compact
    array (:class:`ui.maps.CompactPoints`). A click returns the residence's group."""
    members = cache.peer_members(False)
    residences = cache.residences()
    rows = members.reindex(residences["residence_id"].to_numpy())
    grouped = rows["group"].notna().to_numpy()
    frame = residences[grouped]
    rows = rows[grouped]
    groups = rows["group"].astype(int).to_numpy()
    order = np.argsort(groups == selected, kind="stable")  # the chosen group drawn last, on top
    style = group_point_style(pd.Series(groups, index=rows.index), selected)
    names = [f"{group_number(g)} · {n}" for g, n in zip(groups, rows["group_name"], strict=True)]
    fields = [
        ("Résidence", rows["residence_name"].to_numpy(), False),
        ("Commune", rows["commune_name"].to_numpy(), True),
        ("Groupe", names, True),
        ("Signalement", flag_labels(rows).to_numpy(), True),
    ]
    points = point_rows(
        frame.iloc[order],
        style.radius.to_numpy()[order],
        list(style.color.to_numpy()[order]),
        [(label, [texts[i] for i in order], repeated) for label, texts, repeated in fields],
        [
            {"group": int(g), "residence_id": str(rid)}
            for g, rid in zip(groups[order], rows.index[order], strict=True)
        ],
    )
    layer = folium.FeatureGroup(name="Résidences", control=False)
    CompactPoints(points).add_to(layer)
    return layer


@st.fragment
def pairs_map(selected: int) -> None:
    """The residences on the map, coloured by group, and the download control; a click selects
    the clicked group. A fragment: panning, which the map reports for the snapshot, reruns the
    map only."""
    returned = st_folium(
        base_map(),
        key=MAP_KEY,
        height=540,
        use_container_width=True,
        returned_objects=["last_active_drawing", "bounds"],
        feature_group_to_add=_point_layer(selected),
    )
    bounds = bounds_of(returned)
    analysis = cache.peers()
    map_download(
        lambda: map_views.peer_map(
            cache.export_data(),
            cache.peer_members(False)["group"],
            selected,
            analysis.groups["name"].to_dict(),
            bounds,
        ),
        key="telecharger_pairs",
        file_stem=f"carte_groupes_de_pairs_{group_number(selected)}",
    )
    clicked = ((returned or {}).get("last_active_drawing") or {}).get("properties") or {}
    group = clicked.get("group")
    last = st.session_state.get(f"{MAP_KEY}_dernier")
    if group is not None and clicked != last:
        st.session_state[f"{MAP_KEY}_dernier"] = clicked
        if int(group) != selected:
            st.session_state[PENDING_KEY] = group_number(int(group))
            set_query_value(GROUP_PARAM, group_number(int(group)))
            st.rerun()


def group_legend(selected: int) -> None:
    """Colour of each group, with its size."""
    groups = cache.peers().groups
    entries = [
        LegendEntry(
            group_color(g),
            f"{'<b>' if g == selected else ''}{group_number(g)} · {row['name']} "
            f"({fmt_int(row['n_residences'])} résidences){'</b>' if g == selected else ''}",
        )
        for g, row in groups.iterrows()
    ]
    legend(
        "Groupes de pairs",
        entries,
        "Couleurs Okabe-Ito, lisibles par les daltoniens, sur la carte comme sur le graphique ; "
        "sur la carte, les résidences du groupe choisi sont agrandies.",
    )


# --- The selected group --------------------------------------------------------------------------


def _centroid_rows(group: int) -> list[tuple[str, str, str]]:
    analysis = cache.peers()
    centroid = analysis.model.centroids_.loc[group]
    parc = analysis.features.mean()
    grouping = analysis.settings.grouping
    rows = []
    for name, value in centroid.items():
        spec = grouping.spec(name)
        if name == "is_qpv":
            shown, reference = fmt_number(100 * value, 0, "%"), fmt_number(100 * parc[name], 0, "%")
        elif spec.unit == "année":
            shown, reference = f"{value:.0f}", f"{parc[name]:.0f}"
        else:
            decimals = UNIT_DECIMALS.get(spec.unit, 1)
            shown = fmt_number(value, decimals, spec.unit)
            reference = fmt_number(parc[name], decimals, spec.unit)
        rows.append((spec.label, shown, f"parc : {reference}"))
    return rows


def group_panel(group: int) -> None:
    """Name, centroid description, flag counts and centroid against the parc."""
    row = cache.peers().groups.loc[group]
    st.subheader(f"Groupe {group_number(group)} · {row['name']}", anchor=False)
    st.markdown(row["description"])
    cols = [*st.columns(2), *st.columns(2)]
    for col, flag in zip(cols, ("rebalance", "capacity", "balanced", "not_evaluated"), strict=True):
        col.metric(f"{FLAG_LABELS[flag]} (résidences)", fmt_int(row[f"n_{flag}"]))
    st.caption(
        f"{fmt_int(row['n_residences'])} résidences, {fmt_int(row['n_dwellings'])} logements. "
        "Les signalements comparent chaque résidence évaluée (au moins 11 ménages enquêtés) à la "
        f"médiane de fragilité de son groupe. {rules_help()}"
    )
    with st.expander("Profil moyen du groupe (centre) face au parc", expanded=False):
        key_figures(_centroid_rows(group))


def _group_medians(members: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    """Median score and, when publishable, fragility of each group's evaluated residences
    (:func:`services.disclosure.groups.group_medians`), and the French note naming the groups
    without a published median and why."""
    evaluated = members[members["flag"] != "not_evaluated"].dropna(subset=["group"])
    evaluated = evaluated.assign(group=evaluated["group"].astype(int))
    rules = cache.masking_rules()
    fragility = group_medians(evaluated, "fragility", "group", rules)
    scores = evaluated.groupby("group")["score"].median().round(rules.decimals["score"])
    groups = cache.peers().groups
    medians = pd.DataFrame(
        {
            "score": scores,
            "fragility": fragility["median"].reindex(scores.index),
            "n_residences": groups["n_residences"].reindex(scores.index),
        }
    )
    hidden = fragility[fragility["reason"] != ""]
    note = ""
    if len(hidden):
        names = ", ".join(group_number(g) for g in hidden.index)
        reasons = [reason_text(r, rules) for r in hidden["reason"]]
        note = f" Groupes sans médiane publiée ({names}) — {footnote(reasons, rules.marker)}"
    return medians, note


def fragility_scatter(selected: int, viewer: Viewer) -> str:
    """Fragility (y) against attractiveness (x): residences for a viewer who sees them all,
    group medians otherwise.

    Returns the French note that explains the chart (shown beside it).
    """
    members = cache.peer_members(viewer.sees_all_residences)
    if viewer.sees_all_residences:
        chart = residence_scatter(
            members, selected, group_color, group_number, flag_labels(members)
        )
        note = (
            "Un point par résidence dont l'indice de fragilité est calculé ; couleur : groupe "
            "(voir « Groupes de pairs »), forme : signalement. Les résidences du groupe choisi "
            "sont cerclées et opaques."
        )
    else:
        medians, hidden = _group_medians(members)
        chart = group_scatter(medians, selected, group_color, group_number)
        note = (
            "Un disque par groupe (taille : nombre de résidences), à la médiane de ses résidences "
            "évaluées ; le groupe choisi est cerclé. Le détail par résidence est réservé à son "
            "bailleur et au service habitat." + hidden
        )
    show_chart(chart, key="paires_nuage")
    return note


def members_table(group: int, viewer: Viewer) -> None:
    """The residences of the group with their cotation, fragility and flag."""
    members = cache.peer_members(viewer.sees_all_residences)
    mine = members[members["group"] == group]
    if mine.empty:
        st.info(
            "Ce groupe n'a aucune résidence : choisissez un autre groupe dans la liste.",
            icon=":material/info:",
        )
        return
    access = viewer.sees_all_residences
    own = Access.of(viewer).sees(mine["bailleur"])
    table = pd.DataFrame(
        {
            "Fiche": "residence?residence=" + mine.index.to_series(),
            "Résidence": mine["residence_name"],
            "Commune": mine["commune_name"],
            "Logements": mine["n_dwellings"],
            "Note (/ 100)": mine["score"].round(1),
            "Classe": mine["score_class"],
            "Fragilité (points)": mine["fragility"].round(1).where(own),
            "Écart robuste": mine["robust_z"].round(2).where(own),
            "Signalement": flag_labels(mine),
        }
    )
    if access:
        table = table.sort_values("Écart robuste", ascending=False, na_position="last")
    elif own.any():
        # Another bailleur's residence reads « s », written out (the grid shows its own
        # placeholder in an empty cell).
        marker = cache.masking_rules().marker
        for column, decimals in (("Fragilité (points)", 1), ("Écart robuste", 2)):
            table[column] = [
                fmt_number(v, decimals).replace("-", "−") if mine_ else marker
                for v, mine_ in zip(table[column], own, strict=True)
            ]
        table = table.sort_values("Résidence")
    else:
        table = table.drop(columns=["Fragilité (points)", "Écart robuste"])
        table = table.sort_values("Résidence")
    st.markdown(f"**Résidences du groupe ({fmt_int(len(table))})**")
    formats = {
        "Logements": fmt_int,
        "Note (/ 100)": lambda v: fmt_number(v, 1),
        "Fragilité (points)": lambda v: fmt_number(v, 1),
        "Écart robuste": lambda v: fmt_number(v, 2).replace("-", "−"),
    }
    if not access:
        formats = {c: f for c, f in formats.items() if c in ("Logements", "Note (/ 100)")}
    styler = table.style.format({c: f for c, f in formats.items() if c in table.columns})
    st.dataframe(
        styler,
        hide_index=True,
        height=min(38 * (len(table) + 1), 420),
        column_config={
            "Fiche": st.column_config.LinkColumn(
                "Fiche", display_text="ouvrir", help="Ouvre la fiche résidence."
            ),
            "Fragilité (points)": (
                st.column_config.NumberColumn if access else st.column_config.TextColumn
            )(
                "Fragilité (points)",
                help="0 à 100 ; plus c'est haut, plus "
                "l'occupation est fragile. Vide : enquête OPS manquante.",
            ),
            "Écart robuste": (
                st.column_config.NumberColumn if access else st.column_config.TextColumn
            )(
                "Écart robuste",
                help="Écart à la médiane du groupe, en dispersions robustes. " + rules_help(),
            ),
            "Signalement": st.column_config.TextColumn(
                "Signalement", help=rules_help(), width="medium"
            ),
        },
        key="paires_membres",
    )
    st.caption(
        (
            "Tri : de la plus fragile à la moins fragile par rapport au groupe ; une résidence "
            "dont la fragilité monte peut être à rééquilibrer avant l'écart de +2, la règle est "
            "dite entre parenthèses. « ouvrir » affiche la fiche de la résidence."
        )
        if access
        else "Indice de fragilité et écart au groupe d'une résidence réservés à son bailleur et "
        f"au service habitat (« {cache.masking_rules().marker} » : règle de dominance, un seul "
        "bailleur). « ouvrir » affiche la fiche de la résidence."
    )
