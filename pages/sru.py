"""SRU et contrat de mixité sociale — the communes' SRU obligations and the CMS mutualisant."""

import streamlit as st

from ui import cache
from ui.frame import start_page
from ui.sru_rules_view import exports_section, rules_box
from ui.sru_trajectory_view import commune_picker, trajectory_section
from ui.sru_view import (
    SRU_TABS,
    cms_key_figures,
    cms_section,
    communes_table_section,
    period_label,
    situation_section,
    year_picker,
)

start_page("SRU et contrat de mixité sociale")
rules = cache.sru_rules()
is_demo = cache.is_demo()
period = period_label(rules.cms.period)
inventory_years = sorted(int(y) for y in cache.sru_inventory()["year"].unique())
if not inventory_years:
    st.info(
        "Aucun inventaire SRU dans les données : importez l'inventaire des logements sociaux "
        "(service habitat) pour suivre les obligations des communes.",
        icon=":material/info:",
    )
    st.stop()
cms_year = rules.cms.period[0] - rules.inventory_offset_years
has_cms = cms_year in inventory_years
if has_cms:
    cms_key_figures(cache.cms_summary(), rules)
else:
    st.warning(
        f"L'inventaire SRU au 1er janvier {cms_year}, qui fixe les objectifs du CMS {period}, "
        "manque dans les données : importez-le pour afficher les objectifs et l'avancement du "
        "contrat.",
        icon=":material/warning:",
    )

year = year_picker(inventory_years, cms_year if has_cms else inventory_years[-1])
situation = cache.sru_situation(year)
situation_section(year, situation, rules, is_demo)

# Under the map, one view at a time: only the open tab is built (the first paint of the page
# needs neither the charts of a commune nor those of the whole contract).
table_tab, trajectory_tab, cms_tab = st.tabs(SRU_TABS, key="vue", bind="query-params")
if table_tab.open:
    with table_tab:
        communes_table_section(year, situation, rules)
cms = None
if has_cms:
    cms = cache.cms_objectives(), cache.cms_progress(), cache.sru_trajectories()
    objectives, progress, trajectories = cms
    if trajectory_tab.open:
        with trajectory_tab:
            st.subheader(f"Trajectoire et avancement d'une commune du CMS {period}")
            code = commune_picker(objectives)
            if code is None:
                st.info("Aucune commune déficitaire n'a d'objectif CMS pour cette période.")
            else:
                trajectory_section(code, objectives, trajectories, progress, rules, is_demo)
    if cms_tab.open:
        with cms_tab:
            cms_section(progress, rules, is_demo)
else:
    for tab in (trajectory_tab, cms_tab):
        if tab.open:
            with tab:
                st.info(
                    f"Sans l'inventaire SRU au 1er janvier {cms_year}, le CMS {period} n'a ni "
                    "objectifs ni avancement à montrer.",
                    icon=":material/info:",
                )

names = dict(zip(cache.communes()["commune_code"], cache.communes()["commune_name"], strict=True))
rules_box(rules, cache.sru_exemption_notes(), names)
exports_section(year, situation, cms, cache.sru_inventory(), cache.communes(), rules, is_demo)
