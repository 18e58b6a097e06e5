"""The comparison views of the cotation page: against the reference profile, sensitivity to the
weights, and nominal against effective weights.

- *Écarts avec la référence*: the class transition matrix and the residences that move most.
- *Sensibilité* (on demand, about 0.3 s): 1,000 draws of weights around the current ones give
  each residence a rank interval and a class stability.
- *Poids effectifs*: what each indicator really weighs in the differences between residences.
"""

from __future__ import annotations

import html

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from scoring import NOT_RATED
from scoring.sensitivity import DEFAULT_CONCENTRATION, DEFAULT_DRAWS
from services.cotation_method import method_key
from services.cotation_review import (
    comparison_summary,
    is_same_ranking,
    least_stable,
    rank_intervals,
    rating_changes,
    stability_summary,
    top_changes,
)
from services.cotation_weights import weight_key
from ui import cache
from ui.charts import CATEGORICAL, CLASS_COLORS, PLOTLY_CONFIG, french_layout
from ui.class_certainty import draws_text
from ui.correlation_view import correlation_view
from ui.cotation_view import CotationResult, fmt_count, fmt_shift
from ui.fmt import fmt_int, fmt_number, fmt_pct

# The sensitivity switch, kept in the link (``sensibilite=true``) and restored from it.
SENSITIVITY_PARAM = "sensibilite"
N_TOP_CHANGES = 10
N_INTERVALS = 20
LOG_TICKS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000]
NC_COLOR = CLASS_COLORS[NOT_RATED]
_AXIS = {"A": "A", "B": "B", "C": "C", "D": "D", "E": "E", NOT_RATED: "non cotée"}


# --- Against the reference ----------------------------------------------------------------------


def changes_html(changes: pd.DataFrame) -> str:
    """The table of the largest changes, as HTML (readable from the back of a room)."""
    head = (
        "<tr><th>Résidence</th><th class='num'>Rang réf. → actuel</th>"
        "<th class='num'>Écart</th><th>Classe</th></tr>"
    )
    body = []
    for row in changes.itertuples():
        arrow = f"{row.class_a} → {row.class_b}" if row.is_class_changed else row.class_b
        shift = fmt_shift(row.rank_shift)
        tone = "up" if shift.startswith("+") else "down" if shift.startswith("−") else ""
        body.append(
            f"<tr><td>{html.escape(str(row.residence_name))}"
            f"<span class='where'>{html.escape(str(row.commune_name))}</span></td>"
            f"<td class='num'>{_rank(row.rank_a)} → {_rank(row.rank_b)}</td>"
            f"<td class='num {tone}'>{shift}</td>"
            f"<td class='{'changed' if row.is_class_changed else ''}'>{html.escape(arrow)}</td>"
            "</tr>"
        )
    return f"<table class='top-changes'>{head}{''.join(body)}</table>"


def _rank(value: object) -> str:
    return "non classée" if pd.isna(value) else fmt_int(value)


CHANGES_STYLE = """
<style>
.top-changes {width: 100%; border-collapse: collapse; font-size: 0.92rem;}
.top-changes th {text-align: left; font-weight: 600; border-bottom: 2px solid #4d4d4d;
  padding: 0.3rem; vertical-align: bottom;}
.top-changes th.num {text-align: right;}
.top-changes td {padding: 0.3rem; border-bottom: 1px solid #e6e6e6; vertical-align: top;}
.top-changes td.num {text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums;}
.top-changes td.up {color: #1f5f99; font-weight: 600;}
.top-changes td.down {color: #b2182b; font-weight: 600;}
.top-changes td.changed {font-weight: 600; white-space: nowrap;}
.top-changes .where {display: block; color: #555; font-size: 0.85em;}
</style>
"""


def top_changes_block(result: CotationResult, n: int = N_TOP_CHANGES) -> None:
    """The residences that move most against the reference (or why there are none)."""
    if is_same_ranking(result.comparison):
        st.info(
            "Les poids actuels donnent exactement le classement du profil de référence. "
            "Déplacez un curseur ou choisissez un autre profil dans la barre latérale pour voir "
            "les résidences qui changent de rang ou de classe.",
            icon=":material/compare_arrows:",
        )
        return
    changes = top_changes(result.comparison, cache.residence_directory(), n)
    if not changes.empty:
        st.markdown(CHANGES_STYLE + changes_html(changes), unsafe_allow_html=True)
    else:
        st.info(
            "Aucune résidence ne change de rang par rapport au profil de référence : seules les "
            "classes changent, parce qu'elles ne sont pas découpées de la même façon (méthode "
            "de calcul).",
            icon=":material/compare_arrows:",
        )
    status = rating_changes(result.comparison)
    notes = []
    if status["n_unrated"]:
        notes.append(
            f"{fmt_int(status['n_unrated'])} résidence{'s' if status['n_unrated'] > 1 else ''} "
            f"cotée{'s' if status['n_unrated'] > 1 else ''} avec le profil de référence "
            f"{'deviennent' if status['n_unrated'] > 1 else 'devient'} non cotée"
            f"{'s' if status['n_unrated'] > 1 else ''} : les indicateurs qui leur manquent "
            "pèsent désormais plus de "
            f"{fmt_number(100 - result.weighting.spec.method.min_coverage * 100)} % de la note."
        )
    if status["n_rated"]:
        notes.append(
            f"{fmt_int(status['n_rated'])} résidence{'s' if status['n_rated'] > 1 else ''} non "
            f"cotée{'s' if status['n_rated'] > 1 else ''} avec le profil de référence "
            f"{'sont' if status['n_rated'] > 1 else 'est'} désormais cotée"
            f"{'s' if status['n_rated'] > 1 else ''}."
        )
    st.caption(
        " ".join(
            [
                "Écart : places gagnées (+) ou perdues (−) par rapport au profil de référence ; "
                "rang 1 = la plus attractive.",
                *notes,
            ]
        )
    )


def transition_figure(transitions: pd.DataFrame) -> go.Figure:
    """Heatmap of the number of residences by class under the reference and now."""
    labels = [_AXIS[c] for c in transitions.columns]
    counts = transitions.to_numpy()
    text = [[fmt_int(v) if v else "" for v in row] for row in counts]
    fig = go.Figure(
        go.Heatmap(
            z=counts,
            x=labels,
            y=[_AXIS[c] for c in transitions.index],
            text=text,
            texttemplate="%{text}",
            colorscale="Blues",
            showscale=False,
            hovertemplate="Référence : %{y}<br>Pondération actuelle : %{x}<br>"
            "%{z} résidences<extra></extra>",
            xgap=2,
            ygap=2,
        )
    )
    french_layout(fig, height=340, title="Classes : profil de référence → pondération actuelle")
    fig.update_xaxes(title="Classe avec la pondération actuelle", side="bottom", showgrid=False)
    fig.update_yaxes(title="Classe avec le profil de référence", autorange="reversed")
    fig.update_layout(plot_bgcolor="white")
    return fig


def comparison_view(result: CotationResult) -> None:
    """The tab *Écarts avec la référence*: figures, transition matrix, largest changes."""
    comparison = result.comparison
    if is_same_ranking(comparison):
        top_changes_block(result)
        return
    summary = comparison_summary(comparison)
    cols = st.columns(4)
    cols[0].metric(
        "Changent de classe", fmt_count(summary["n_class_changed"], "résidence", "résidences")
    )
    cols[1].metric("Gagnent des places", fmt_count(summary["n_up"], "résidence", "résidences"))
    cols[2].metric("Perdent des places", fmt_count(summary["n_down"], "résidence", "résidences"))
    cols[3].metric("Plus grand déplacement", fmt_count(summary["max_abs_shift"], "rang", "rangs"))
    matrix, changes = st.columns([2, 3], gap="medium")
    with matrix:
        st.plotly_chart(
            transition_figure(comparison.transitions),
            config=PLOTLY_CONFIG,
            key="cotation_transitions",
        )
        st.caption(
            "Lecture : chaque case compte les résidences de la classe en ligne (profil de "
            "référence) qui sont dans la classe en colonne avec la pondération actuelle ; la "
            "diagonale compte celles qui gardent leur classe."
        )
    with changes:
        st.markdown(f"**Les {N_TOP_CHANGES} plus grands changements**")
        top_changes_block(result)


# --- Sensitivity --------------------------------------------------------------------------------


def interval_figure(intervals: pd.DataFrame, selected: str | None) -> go.Figure:
    """Median rank and 5–95 % interval of each residence, as horizontal error bars."""
    frame = intervals.iloc[::-1]
    names = [
        f"<b>{n}</b>" if rid == selected else str(n)
        for rid, n in zip(frame.index, frame["residence_name"], strict=True)
    ]
    fig = go.Figure(
        go.Scatter(
            x=frame["rank_median"],
            y=names,
            mode="markers",
            marker={
                "size": 11,
                "color": [
                    CLASS_COLORS.get(c, CLASS_COLORS[NOT_RATED]) for c in frame["score_class"]
                ],
                "line": {"color": "#222222", "width": 1},
            },
            error_x={
                "type": "data",
                "symmetric": False,
                "array": frame["rank_p95"] - frame["rank_median"],
                "arrayminus": frame["rank_median"] - frame["rank_p05"],
                "color": "#555555",
                "thickness": 1.5,
            },
            customdata=list(
                zip(
                    [fmt_int(v) for v in frame["rank"]],
                    [fmt_number(v, 0) for v in frame["rank_p05"]],
                    [fmt_number(v, 0) for v in frame["rank_p95"]],
                    [fmt_pct(v, 0) for v in frame["class_kept_pct"]],
                    strict=True,
                )
            ),
            hovertemplate="%{y}<br>Rang actuel : %{customdata[0]}<br>"
            "Intervalle à 90 % : %{customdata[1]} à %{customdata[2]}<br>"
            "Classe conservée : %{customdata[3]} des tirages<extra></extra>",
        )
    )
    french_layout(
        fig,
        height=max(320, 24 * len(frame) + 90),
        title="Rang médian et intervalle à 90 % (5e à 95e centile des tirages)",
    )
    fig.update_xaxes(
        title="Rang (1 = la plus attractive ; échelle logarithmique)",
        type="log",
        tickvals=LOG_TICKS,
        ticktext=[fmt_int(t) for t in LOG_TICKS],
    )
    fig.update_yaxes(title=None)
    return fig


@st.fragment
def sensitivity_view(result: CotationResult, selected: str | None) -> None:
    """The tab *Sensibilité*: computed on demand for the weights in force.

    A fragment: switching the computation on reruns this tab only. The switch is kept in the
    link (:data:`SENSITIVITY_PARAM`), so a shared link opens the tab with the draws shown.
    """
    on = st.toggle(
        f"Calculer la sensibilité ({fmt_int(DEFAULT_DRAWS)} tirages de poids et de méthode)",
        key=SENSITIVITY_PARAM,
        bind="query-params",
        help="Tire des poids au hasard autour des poids actuels (loi de Dirichlet, "
        f"concentration {fmt_number(DEFAULT_CONCENTRATION)}), avec et sans traitement des "
        "valeurs extrêmes, et recalcule le classement et les classes à chaque tirage.",
    )
    if not on:
        st.info(
            "Le classement dépend-il beaucoup des poids et de la méthode choisis ? Activez le "
            "calcul ci-dessus (une à deux secondes) pour voir, pour chaque résidence, "
            "l'intervalle de rang et la part des tirages où elle garde sa classe.",
            icon=":material/casino:",
        )
        return
    spec = result.weighting.spec
    with st.spinner("Tirages en cours…"):
        sensitivity = cache.sensitivity(
            spec.name, weight_key(spec), method_key(spec), result.weighting.is_public
        )
    directory = cache.residence_directory()
    bands = stability_summary(sensitivity)
    cols = st.columns(len(bands))
    for col, (_, band) in zip(cols, bands.iterrows(), strict=True):
        col.metric(
            band["label"],
            fmt_count(band["n_residences"], "résidence", "résidences"),
            help=f"Classe {band['meaning']} : {fmt_pct(band['share_pct'])} des résidences cotées.",
        )
    include = [selected] if selected else []
    intervals = rank_intervals(sensitivity, directory, N_INTERVALS, include)
    st.plotly_chart(
        interval_figure(intervals, selected), config=PLOTLY_CONFIG, key="cotation_intervalles"
    )
    st.markdown("**Les résidences dont la classe est la moins stable**")
    fragile = least_stable(sensitivity, directory)
    fragile["interval"] = [
        f"{fmt_number(low, 0)} à {fmt_number(high, 0)}"
        for low, high in zip(fragile["rank_p05"], fragile["rank_p95"], strict=True)
    ]
    shown = fragile[
        ["residence_name", "commune_name", "score_class", "rank", "interval", "class_kept_pct"]
    ]
    st.dataframe(
        shown.style.format({"rank": fmt_int, "class_kept_pct": lambda v: fmt_pct(v, 0)}),
        column_config={
            "residence_name": st.column_config.TextColumn("Résidence", width="medium"),
            "commune_name": st.column_config.TextColumn("Commune", width="medium"),
            "score_class": st.column_config.TextColumn("Classe", width="small"),
            "rank": st.column_config.NumberColumn("Rang", width="small"),
            "interval": st.column_config.TextColumn(
                "Rang à 90 %", help="Du 5e au 95e centile des tirages."
            ),
            "class_kept_pct": st.column_config.NumberColumn(
                "Classe gardée", help="Part des tirages où la résidence garde sa classe."
            ),
        },
        hide_index=True,
        key="cotation_instables",
    )
    st.caption(
        f"{draws_text(sensitivity)} Plus la concentration est grande, plus les tirages restent "
        "proches des poids choisis. Une résidence dont l'intervalle est étroit garde sa place "
        "quelle que soit la pondération raisonnable retenue."
    )


# --- Effective weights --------------------------------------------------------------------------


def weights_figure(result: CotationResult) -> go.Figure:
    """Nominal against effective weight of each indicator, grouped by pillar."""
    weights = result.weighting.weights
    spec = result.weighting.spec
    labels = [
        f"{spec.pillar(p).label} · {label}"
        for p, label in zip(weights["pillar"], weights["label"], strict=True)
    ][::-1]
    fig = go.Figure()
    for column, name, color in (
        ("nominal_pct", "Poids nominal", CATEGORICAL[5]),
        ("effective_pct", "Poids effectif", CATEGORICAL[0]),
    ):
        values = weights[column].to_numpy()[::-1]
        fig.add_bar(
            x=values,
            y=labels,
            orientation="h",
            name=name,
            marker_color=color,
            customdata=[fmt_pct(v) for v in values],
            hovertemplate="%{y}<br>" + name + " : %{customdata}<extra></extra>",
        )
    french_layout(fig, height=26 * len(labels) + 120, title="Poids nominal et poids effectif (%)")
    fig.update_layout(barmode="group", bargap=0.25)
    fig.update_xaxes(title="Part de la note (%)", ticksuffix=" %")
    return fig


def weights_view(result: CotationResult) -> None:
    """The tab *Poids effectifs*: what each indicator really weighs."""
    st.plotly_chart(weights_figure(result), config=PLOTLY_CONFIG, key="cotation_poids")
    st.caption(
        "Poids nominal : part de l'indicateur dans la note quand tout est renseigné (poids du "
        "pilier × part dans le pilier). Poids effectif : part de la variance de la note entre "
        "résidences qui vient de l'indicateur (sa covariance avec la note). Un indicateur qui "
        "varie peu d'une résidence à l'autre pèse moins que son poids nominal. Un indicateur qui "
        "en répète un autre pèse plus : les deux poussent la note dans le même sens et chacun "
        "emporte la variance de l'autre (trois indicateurs à un tiers dont deux identiques et "
        f"le troisième indépendant pèsent environ {fmt_pct(40, 0)}, {fmt_pct(40, 0)} et "
        f"{fmt_pct(20, 0)}). Un poids effectif négatif "
        "signale un indicateur qui va à contre-courant des autres (les résidences qu'il favorise "
        "sont plutôt moins bien notées par ailleurs). Les corrélations ci-dessous l'expliquent."
    )
    correlation_view(result.weighting.index, result.weighting.weights)
