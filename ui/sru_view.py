"""Sections of the SRU page: key figures of the CMS, situation of the communes (map, rates,
table) and the overview of the CMS progress.

One commune's trajectory is in :mod:`ui.sru_trajectory_view`; the rules box and the exports in
:mod:`ui.sru_rules_view`. Every figure comes from the
cached results of ``services.sru`` (``ui/cache.py``); this module only lays them out.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from services.sru import SruSummary
from services.sru_rules import SruRules
from ui import cache
from ui.fmt import fmt_int, fmt_number, fmt_signed
from ui.sru_charts import cms_overview_figure, rate_bars
from ui.sru_map import sru_map_view
from ui.sru_tables import (
    is_triennial,
    period_set_by,
    progress_table,
    situation_table,
)
from ui.tables import chart_block, show_html_table
from ui.url_state import url_choice

TOTAL_CODE = "total"
# The views under the map (tabs, in the link as ``vue``).
SRU_TABS = ["Tableau des communes", "Trajectoire d'une commune", "Avancement du CMS"]


def period_label(period: tuple[int, int]) -> str:
    """« 2023–2025 »."""
    return f"{period[0]}–{period[1]}"


def cms_key_figures(summary: SruSummary, rules: SruRules) -> None:
    """The figures élus ask for first: droit commun, CMS and uplift, then the deficit communes."""
    label = period_label(summary.period)
    extra = summary.cms_total - summary.droit_commun_total
    first, second, third = st.columns(3)
    first.metric(
        f"Droit commun {label}",
        fmt_int(summary.droit_commun_total, "logements"),
        border=True,
        help="Somme des objectifs de rattrapage triennal (loi 3DS) des communes déficitaires, "
        f"calculés sur l'inventaire SRU au 1er janvier {summary.inventory_year}.",
    )
    second.metric(
        f"CMS mutualisant {label}",
        fmt_int(summary.cms_total, "logements"),
        delta=fmt_signed(extra, 0, "logements"),
        delta_color="off",
        border=True,
        help="Objectif global du contrat de mixité sociale mutualisant "
        f"({fmt_int(summary.announced_total)} logements dans la configuration) ; l'écart est "
        "compté par rapport au droit commun.",
    )
    third.metric(
        "Majoration du CMS",
        fmt_signed(summary.uplift_pct, 0, "%"),
        border=True,
        help=f"Exactement {fmt_signed(summary.uplift_pct, 1, '%')} "
        f"({fmt_int(summary.cms_total)} / {fmt_int(summary.droit_commun_total)} − 1) ; "
        f"majoration annoncée à la signature : {fmt_signed(summary.announced_uplift_pct, 0, '%')}.",
    )
    st.caption(
        f"**{summary.n_deficit} communes déficitaires** sur {summary.n_subject} communes soumises "
        f"à l'article 55 de la loi SRU ({fmt_int(rules.population_threshold)} habitants et plus, "
        f"taux cible de {fmt_number(rules.target_pct, 0, '%')}) au 1er janvier "
        f"{summary.inventory_year} ; conformes : {summary.n_compliant}, exemptées : "
        f"{summary.n_exempted}. La majoration exacte est de "
        f"{fmt_signed(summary.uplift_pct, 1, '%')}."
    )


def year_picker(years: list[int], default: int) -> int:
    """The inventory year, shared with the other pages through the ``annee`` URL parameter."""
    column, _ = st.columns([1, 3])
    with column:
        value = url_choice(
            "sru",
            "Inventaire SRU au 1er janvier",
            [str(y) for y in years],
            "annee",
            str(default),
            help="Les objectifs d'une période triennale sont calculés sur l'inventaire au "
            "1er janvier de l'année qui la précède (2022 pour 2023–2025).",
        )
    return int(value)


def situation_section(year: int, situation: pd.DataFrame, rules: SruRules, is_demo: bool) -> None:
    """Map and rates against the target of the inventory ``year``."""
    st.subheader(f"Situation des communes au 1er janvier {year}")
    minx, miny, maxx, maxy = cache.communes().total_bounds
    bounds = [[float(miny), float(minx)], [float(maxy), float(maxx)]]
    map_column, chart_column = st.columns([1, 1], gap="medium")
    with map_column:
        sru_map_view(situation, bounds, rules.target_pct, year)
    with chart_column:
        table, formats = situation_table(situation, rules, with_objectives=False)
        subject = table[table["Soumise"] == "oui"]
        chart_block(
            rate_bars(situation, rules.target_pct, year),
            subject,
            formats,
            file_stem=f"taux_sru_{year}",
            key="sru_rates",
            is_demo=is_demo,
            caption="Communes soumises à l'article 55, taux de logements sociaux rapportés aux "
            "résidences principales ; trait pointillé : taux cible.",
        )


def communes_table_section(year: int, situation: pd.DataFrame, rules: SruRules) -> None:
    """The per-commune table of the inventory ``year``, with its totals and definitions."""
    period = period_set_by(year, rules)
    triennial = is_triennial(period, rules)
    show_all = st.toggle("Afficher aussi les communes non soumises", key="sru_all_communes")
    rows = situation if show_all else situation[situation["is_subject"]]
    table, formats = situation_table(rows, rules, with_objectives=triennial)
    sums = [c for c in table.columns if c.startswith(("Déficit", "Droit commun", "CMS"))]
    total = {"Commune": "Total", **{c: table[c].sum(min_count=1) for c in sums}}
    table = pd.concat([table, pd.DataFrame([total])], ignore_index=True)
    show_html_table(table.drop(columns=["Code INSEE", "Écart (pts)"]), formats, total_last=True)
    st.caption(
        f"Taux SRU : logements locatifs sociaux comptés au titre de la loi SRU / résidences "
        f"principales, au 1er janvier ; déficit : logements sociaux manquants pour atteindre "
        f"{fmt_number(rules.target_pct, 0, '%')} ; part à rattraper : part du déficit à produire "
        "sur la période triennale (loi 3DS) ; objectifs en logements."
    )
    if triennial:
        st.caption(
            f"Cet inventaire fixe les objectifs de la période triennale {period_label(period)}."
        )
    else:
        aligned = rules.cms.period[0] - rules.inventory_offset_years
        st.caption(
            f"L'inventaire au 1er janvier {year} ne fixe pas d'objectif triennal : les objectifs "
            f"sont calculés sur l'inventaire précédant chaque période (par exemple {aligned} pour "
            f"{period_label(rules.cms.period)}). Choisissez une de ces années pour les afficher."
        )


def cms_section(progress: pd.DataFrame, rules: SruRules, is_demo: bool) -> None:
    """Overview of the CMS: every commune's progress to date against its objective."""
    st.subheader(f"Avancement du CMS {period_label(rules.cms.period)} par commune")
    table, formats = progress_table(progress)
    communes = table[table["Commune"] != "Ensemble des communes du CMS"]
    total = progress[progress["commune_code"] == TOTAL_CODE]
    known = total.dropna(subset=["cum_agreed"])
    if len(known):
        last = known.iloc[-1]
        st.markdown(
            f"Fin {int(last['year'])}, les communes du CMS ont fait agréer "
            f"**{fmt_int(last['cum_agreed'])} logements sociaux** "
            f"({fmt_number(last['agreed_progress_pct'], 0, '%')} de l'objectif mutualisé de "
            f"{fmt_int(last['cms_objective'])}) et en ont livré "
            f"**{fmt_int(last['cum_delivered'])}** "
            f"({fmt_number(last['delivered_progress_pct'], 0, '%')})."
        )
    chart_block(
        cms_overview_figure(communes),
        table,
        formats,
        file_stem="avancement_cms",
        key="sru_cms_overview",
        is_demo=is_demo,
        caption="Logements agréés et livrés cumulés depuis le début du CMS, à la dernière année "
        "renseignée, face à l'objectif CMS de chaque commune.",
    )
