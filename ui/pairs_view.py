"""The *Groupes de pairs* screen: the groups on the map and in a fragility × attractiveness plot,
and one group at a time (URL ``groupe``, numbered from 1): its name, what its centroid looks
like, its members and their flags.

The groups come from :func:`services.peers.peer_analysis` (cached in :mod:`ui.cache`). The
fragility index is an occupancy figure: a role without residence-level access sees each group's
median only (hidden when one bailleur holds more than 85 % of the group's dwellings), never a
residence's own index.
"""

from __future__ import annotations

import folium
import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from streamlit_folium import st_folium

from services import map_views
from services.map_style import group_color as group_color  # shared with the snapshots
from services.map_style import group_point_style
from services.masking import ROLES, mask_dominance
from services.peers import FLAG_LABELS
from ui import cache
from ui.charts import PLOTLY_CONFIG, french_layout
from ui.cotation_map import base_map
from ui.export_map import bounds_of, map_download
from ui.fmt import fmt_int, fmt_number
from ui.maps import LegendEntry, add_points, points_geojson
from ui.widgets import key_figures, legend, query_choice, set_query_value

GROUP_PARAM = "groupe"
PICK_KEY = f"qp_{GROUP_PARAM}"
PENDING_KEY = "paires_groupe_clique"
MAP_KEY = "paires_carte"
FLAG_SYMBOLS = {
    "rebalance": "triangle-up",
    "capacity": "square",
    "balanced": "circle",
    "not_evaluated": "x-thin-open",
}
UNIT_DECIMALS = {"m": 0, "%": 0, "année": 0, "logements": 0, "€/m²/mois": 2}


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
    """Every residence coloured by its group (one GeoJson layer), the selected group larger."""
    members = cache.peer_members()
    residences = cache.residences()
    frame = residences[["residence_id", "geometry"]].copy()
    rows = members.reindex(frame["residence_id"].to_numpy())
    grouped = rows["group"].notna().to_numpy()
    frame = frame[grouped]
    rows = rows[grouped]
    groups = rows["group"].astype(int).to_numpy()
    frame["residence_name"] = rows["residence_name"].to_numpy()
    frame["commune"] = rows["commune_name"].to_numpy()
    names = rows["group_name"].to_numpy()
    frame["groupe"] = [f"{group_number(g)} · {n}" for g, n in zip(groups, names, strict=True)]
    frame["signalement"] = rows["flag"].map(FLAG_LABELS).to_numpy()
    frame["group"] = groups
    style = group_point_style(pd.Series(groups, index=frame["residence_id"].to_numpy()), selected)
    frame["color"] = style.color.to_numpy()
    frame["radius"] = style.radius.to_numpy()
    frame = frame.iloc[np.argsort(groups == selected, kind="stable")]  # the chosen group on top
    layer = folium.FeatureGroup(name="Résidences", control=False)
    add_points(
        layer,
        points_geojson(
            frame,
            ["residence_name", "commune", "groupe", "signalement", "group", "color", "radius"],
        ),
        "Résidences",
        ["residence_name", "commune", "groupe", "signalement"],
        ["Résidence", "Commune", "Groupe", "Signalement"],
    )
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
            cache.peer_members()["group"],
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
        "médiane de fragilité de son groupe."
    )
    with st.expander("Profil moyen du groupe (centre) face au parc", expanded=False):
        key_figures(_centroid_rows(group))


def _residence_scatter(members: pd.DataFrame, selected: int) -> go.Figure:
    fig = go.Figure()
    shown = members.dropna(subset=["fragility", "score", "group"])
    for group in sorted(shown["group"].astype(int).unique()):
        part = shown[shown["group"].astype(int) == group]
        is_selected = group == selected
        fig.add_trace(
            go.Scatter(
                x=part["score"],
                y=part["fragility"],
                mode="markers",
                name=f"Groupe {group_number(group)}",
                showlegend=False,
                marker={
                    "color": group_color(group),
                    "symbol": part["flag"].map(FLAG_SYMBOLS).to_list(),
                    "size": 10 if is_selected else 6,
                    "opacity": 0.95 if is_selected else 0.3,
                    "line": {"color": "#222222", "width": 0.8 if is_selected else 0},
                },
                customdata=np.column_stack(
                    [part["residence_name"], part["commune_name"], part["flag"].map(FLAG_LABELS)]
                ),
                hovertemplate="<b>%{customdata[0]}</b> (%{customdata[1]})<br>Note : %{x:.1f} / 100"
                "<br>Fragilité : %{y:.1f} points<br>%{customdata[2]}<extra></extra>",
            )
        )
    for flag, symbol in FLAG_SYMBOLS.items():
        fig.add_trace(
            go.Scatter(
                x=[None],
                y=[None],
                mode="markers",
                name=FLAG_LABELS[flag],
                marker={"color": "#666666", "symbol": symbol, "size": 9},
            )
        )
    return fig


def _group_scatter(members: pd.DataFrame, selected: int, role: str) -> go.Figure:
    evaluated = members[members["flag"] != "not_evaluated"].dropna(subset=["group"])
    groups = cache.peers().groups
    medians = evaluated.groupby(evaluated["group"].astype(int)).agg(
        score=("score", "median"), fragility=("fragility", "median")
    )
    medians["n_residences"] = groups["n_residences"].reindex(medians.index)
    medians["territory"] = medians.index.astype(str)
    dominance = _group_dominance(members)
    medians = mask_dominance(
        medians, ["fragility"], dominance, key="territory", role=role, rules=cache.masking_rules()
    )
    fig = go.Figure()
    for group, row in medians.dropna(subset=["fragility"]).iterrows():
        fig.add_trace(
            go.Scatter(
                x=[row["score"]],
                y=[row["fragility"]],
                mode="markers+text",
                text=[group_number(group)],
                textposition="middle center",
                textfont={"color": "#ffffff", "size": 13},
                name=f"Groupe {group_number(group)}",
                showlegend=False,
                marker={
                    "color": group_color(group),
                    "size": 18 + 3 * np.sqrt(row["n_residences"]),
                    "line": {"color": "#000000", "width": 3 if group == selected else 0.5},
                },
                hovertemplate=f"Groupe {group_number(group)}<br>Note médiane : %{{x:.1f}} / 100"
                "<br>Fragilité médiane : %{y:.1f} points<extra></extra>",
            )
        )
    return fig


def _group_dominance(members: pd.DataFrame) -> pd.DataFrame:
    """Share of each group's dwellings held by its largest bailleur (dominance rule)."""
    known = members.dropna(subset=["group"])
    per = known.groupby([known["group"].astype(int).astype(str), "bailleur"])["n_dwellings"].sum()
    total = per.groupby(level=0).sum()
    top = per.groupby(level=0).max()
    return pd.DataFrame({"top_bailleur_share_pct": 100.0 * top / total})


def fragility_scatter(selected: int, role: str) -> str:
    """Fragility (y) against attractiveness (x): residences, or group medians for the public.

    Returns the French note that explains the chart (shown beside it).
    """
    members = cache.peer_members()
    if ROLES[role].has_residence_access:
        fig = _residence_scatter(members, selected)
        title = "Fragilité d'occupation et attractivité des résidences"
        note = (
            "Un point par résidence dont l'indice de fragilité est calculé ; couleur : groupe "
            "(voir « Groupes de pairs »), forme : signalement. Les résidences du groupe choisi "
            "sont cerclées et opaques."
        )
    else:
        fig = _group_scatter(members, selected, role)
        title = "Fragilité d'occupation et attractivité : médianes des groupes"
        note = (
            "Un disque par groupe (taille : nombre de résidences), à la médiane de ses résidences "
            "évaluées ; le groupe choisi est cerclé. Le détail par résidence est réservé aux "
            "bailleurs et au service habitat."
        )
    fig.update_xaxes(title="Note d'attractivité (sur 100, profil de référence)")
    fig.update_yaxes(title="Indice de fragilité d'occupation (points, 0 à 100)", rangemode="tozero")
    fig = french_layout(fig, height=540, title=title)
    fig.update_layout(legend={"orientation": "h", "y": -0.16, "title": {"text": "Signalement : "}})
    st.plotly_chart(fig, config=PLOTLY_CONFIG, key="paires_nuage")
    return note


def members_table(group: int, role: str) -> None:
    """The residences of the group with their cotation, fragility and flag."""
    members = cache.peer_members()
    mine = members[members["group"] == group]
    if mine.empty:
        st.info(
            "Ce groupe n'a aucune résidence : choisissez un autre groupe dans la liste.",
            icon=":material/info:",
        )
        return
    access = ROLES[role].has_residence_access
    table = pd.DataFrame(
        {
            "Fiche": "residence?residence=" + mine.index.to_series(),
            "Résidence": mine["residence_name"],
            "Commune": mine["commune_name"],
            "Logements": mine["n_dwellings"],
            "Note (/ 100)": mine["score"].round(1),
            "Classe": mine["score_class"],
            "Fragilité (points)": mine["fragility"].round(1),
            "Écart robuste": mine["robust_z"].round(2),
            "Signalement": mine["flag"].map(FLAG_LABELS),
        }
    )
    if access:
        table = table.sort_values("Écart robuste", ascending=False, na_position="last")
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
    styler = table.style.format({c: f for c, f in formats.items() if c in table.columns})
    st.dataframe(
        styler,
        hide_index=True,
        height=min(38 * (len(table) + 1), 420),
        column_config={
            "Fiche": st.column_config.LinkColumn(
                "Fiche", display_text="ouvrir", help="Ouvre la fiche résidence."
            ),
            "Fragilité (points)": st.column_config.NumberColumn(
                "Fragilité (points)",
                help="0 à 100 ; plus c'est haut, plus "
                "l'occupation est fragile. Vide : enquête OPS manquante.",
            ),
            "Écart robuste": st.column_config.NumberColumn(
                "Écart robuste",
                help="Écart à la médiane du groupe, en dispersions robustes ; « À rééquilibrer » "
                "à partir de +2.",
            ),
        },
        key="paires_membres",
    )
    st.caption(
        "Tri : de la plus fragile à la moins fragile par rapport au groupe. « ouvrir » affiche "
        "la fiche de la résidence."
        if access
        else "Indice de fragilité et écart au groupe par résidence réservés aux bailleurs et au "
        "service habitat. « ouvrir » affiche la fiche de la résidence."
    )
