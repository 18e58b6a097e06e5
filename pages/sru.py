"""SRU et contrat de mixité sociale — the communes' SRU obligations and the CMS mutualisant."""

import streamlit as st

from ui import cache
from ui.frame import start_page
from ui.sru_rules_view import exports_section, rules_box
from ui.sru_trajectory_view import commune_picker, trajectory_section
from ui.sru_view import (
    cms_key_figures,
    cms_section,
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

cms = None
if has_cms:
    cms = cache.cms_objectives(), cache.cms_progress(), cache.sru_trajectories()
    st.subheader(f"Trajectoire et avancement d'une commune du CMS {period}")
    code = commune_picker(cms[0])
    if code is None:
        st.info("Aucune commune déficitaire n'a d'objectif CMS pour cette période.")
    else:
        objectives, progress, trajectories = cms
        trajectory_section(code, objectives, trajectories, progress, rules, is_demo)
        cms_section(progress, rules, is_demo)

names = dict(zip(cache.communes()["commune_code"], cache.communes()["commune_name"], strict=True))
rules_box(rules, cache.sru_exemption_notes(), names)
exports_section(year, situation, cms, cache.sru_inventory(), cache.communes(), rules, is_demo)
