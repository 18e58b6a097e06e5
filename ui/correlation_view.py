"""Why the effective weights differ from the nominal ones: the correlations between indicators.

The tab *Poids effectifs* of the cotation page shows, under the weights, a heat map of the
correlations between the indicators of the active profile (those with a weight, on the
normalised values: higher = more attractive) and, beside it, a table giving each indicator its
nominal and effective weight, its correlation with the score and the indicator it moves with
most. Indicators that move together weigh more than their nominal weight; one that runs against
the others weighs less (:mod:`scoring.correlation`).
"""

from __future__ import annotations

import html

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

from scoring.correlation import closest_partner, indicator_correlations, score_correlations
from scoring.index import CompositeIndex
from ui.chart_theme import finish, show_chart
from ui.fmt import MISSING, fmt_number, fmt_pct

CELL_PX = 22


def active_codes(weights: pd.DataFrame) -> list[str]:
    """Codes of the indicators that carry a weight, in the profile's order.

    Parameters
    ----------
    weights : pandas.DataFrame
        The weight table of the page (:func:`services.cotation_weights.weight_table`).
    """
    return [str(code) for code in weights.index[weights["nominal_pct"] > 0]]


def fmt_r(value: float) -> str:
    """A correlation with two decimals (``-0,11``), « — » when unknown."""
    if value is None or not np.isfinite(value):
        return MISSING
    return fmt_number(value, 2)


def correlation_chart(correlations: pd.DataFrame, labels: dict[str, str]) -> alt.Chart:
    """Heat map of the correlations between the indicators of ``labels`` (in that order).

    Parameters
    ----------
    correlations : pandas.DataFrame
        Square, indexed by code (:func:`scoring.correlation.indicator_correlations`).
    labels : dict of str to str
        French label of each indicator shown, in display order.
    """
    codes = list(labels)
    block = correlations.loc[codes, codes]
    rows = []
    for a in codes:
        for b in codes:
            r = float(block.loc[a, b])
            known = bool(np.isfinite(r))
            rows.append(
                {
                    "ligne": labels[a],
                    "colonne": labels[b],
                    "r": r if known else None,
                    "r_texte": fmt_r(r),
                }
            )
    data = pd.DataFrame(rows)
    order = [labels[c] for c in codes]
    base = alt.Chart(data).encode(
        x=alt.X(
            "colonne:N",
            sort=order,
            title=None,
            axis=alt.Axis(labelAngle=-90, labelOverlap=False, labelFontSize=11, labelLimit=220),
        ),
        y=alt.Y(
            "ligne:N", sort=order, title=None, axis=alt.Axis(labelOverlap=False, labelFontSize=11)
        ),
    )
    cells = base.mark_rect(stroke="white", strokeWidth=1).encode(
        color=alt.Color(
            "r:Q",
            scale=alt.Scale(scheme="redblue", domain=[-1, 1]),
            legend=alt.Legend(
                title="Corrélation", orient="top", direction="horizontal", gradientLength=200
            ),
        ),
        tooltip=[
            alt.Tooltip("ligne:N", title="Indicateur"),
            alt.Tooltip("colonne:N", title="avec"),
            alt.Tooltip("r_texte:N", title="Corrélation"),
        ],
    )
    return finish(
        cells.properties(width=CELL_PX * len(codes)),
        title="Corrélations entre les indicateurs du profil",
        height=CELL_PX * len(codes),
    )


def partner_table(
    weights: pd.DataFrame, score_r: pd.Series, partners: pd.DataFrame, labels: dict[str, str]
) -> pd.DataFrame:
    """One French row per indicator: weights, correlation with the score, closest indicator.

    Parameters
    ----------
    weights : pandas.DataFrame
        The weight table (``nominal_pct``, ``effective_pct``), indexed by code.
    score_r : pandas.Series
        Correlation of each indicator with the score.
    partners : pandas.DataFrame
        Output of :func:`scoring.correlation.closest_partner`.
    labels : dict of str to str
        French label of each indicator, in display order.
    """
    rows = []
    for code, label in labels.items():
        partner = partners.loc[code, "partner"]
        rows.append(
            {
                "Indicateur": label,
                "Nominal": fmt_pct(weights.loc[code, "nominal_pct"]),
                "Effectif": fmt_pct(weights.loc[code, "effective_pct"]),
                "r avec la note": fmt_r(score_r.get(code, np.nan)),
                "Le plus lié à": MISSING
                if pd.isna(partner)
                else f"{labels[partner]} ({fmt_r(partners.loc[code, 'partner_r'])})",
            }
        )
    return pd.DataFrame(rows)


TABLE_STYLE = """
<style>
.corr-table {width: 100%; border-collapse: collapse; font-size: 0.8rem;}
.corr-table th {text-align: left; font-weight: 600; border-bottom: 2px solid #4d4d4d;
  padding: 0.25rem; vertical-align: bottom;}
.corr-table td {padding: 0.25rem; border-bottom: 1px solid #e6e6e6; vertical-align: top;
  overflow-wrap: break-word;}
.corr-table td.num, .corr-table th.num {text-align: right; white-space: nowrap;
  font-variant-numeric: tabular-nums;}
</style>
"""
_NUMERIC = ("Nominal", "Effectif", "r avec la note")


def table_html(table: pd.DataFrame) -> str:
    """The table of :func:`partner_table` as HTML (every cell escaped, nothing cut)."""
    head = "".join(
        f"<th class='{'num' if c in _NUMERIC else ''}'>{html.escape(c)}</th>" for c in table
    )
    body = "".join(
        "<tr>"
        + "".join(
            f"<td class='{'num' if c in _NUMERIC else ''}'>{html.escape(str(v))}</td>"
            for c, v in row.items()
        )
        + "</tr>"
        for _, row in table.iterrows()
    )
    return f"{TABLE_STYLE}<table class='corr-table' lang='fr'><tr>{head}</tr>{body}</table>"


def correlation_view(index: CompositeIndex, weights: pd.DataFrame) -> None:
    """The heat map of the correlations and, beside it, the table that reads it.

    Parameters
    ----------
    index : CompositeIndex
        The fitted index with the weights in force.
    weights : pandas.DataFrame
        The weight table of the page (``label``, ``nominal_pct``, ``effective_pct``).
    """
    codes = active_codes(weights)
    if len(codes) < 2:
        st.info(
            "Un seul indicateur porte un poids : il fait toute la note, sans corrélation à lire.",
            icon=":material/info:",
        )
        return
    labels = {code: str(weights.loc[code, "label"]) for code in codes}
    correlations = indicator_correlations(index)
    chart_col, table_col = st.columns([1, 1], gap="medium")
    with chart_col:
        show_chart(correlation_chart(correlations, labels), key="cotation_correlations")
    with table_col:
        table = partner_table(
            weights, score_correlations(index), closest_partner(correlations, codes), labels
        )
        st.markdown(table_html(table), unsafe_allow_html=True)
    st.caption(
        "Lecture : r est la corrélation de Pearson entre les valeurs normalisées des "
        "résidences (plus haut = plus attractive), de -1 (opposés) à +1 (identiques) ; survolez "
        "une case pour lire sa valeur. Deux indicateurs très corrélés mesurent presque la même "
        "chose : chacun emporte la variance de l'autre et pèse plus que son poids nominal. Un "
        "indicateur peu corrélé à la note pèse moins."
    )
