"""The SRU and CMS page, run headless with AppTest on the demo data."""

from __future__ import annotations

import pandas as pd
import pytest
import streamlit as st

from geodata import housing
from tests.html_tables import html_tables, read_number
from tests.pages.conftest import open_page
from tests.services.version_cases import publish
from ui.sru_view import SRU_TABS

NBSP = "\u00a0"
# The ten deficit communes of the CMS and their rates at signature (seed 000).
SEED_RATES = {
    "Buxerolles": 19.6,
    "Chauvigny": 16.7,
    "Jaunay-Marigny": 14.8,
    "Saint-Benoît": 14.6,
    "Mignaloux-Beauvoir": 14.5,
    "Migné-Auxances": 14.5,
    "Saint-Georges-lès-Baillargeaux": 11.0,
    "Fontaine-le-Comte": 9.0,
    "Montamisé": 7.9,
    "Vouneuil-sous-Biard": 7.5,
}


@pytest.fixture()
def sru_app():
    return open_page("sru")


def _metrics(app) -> dict[str, str]:
    return {m.label: m.value for m in app.metric}


def _situation_rows(app) -> pd.DataFrame:
    """The per-commune table as shown (one HTML table), numbers read back from French."""
    block = next(m.value for m in app.markdown if "<table class='plain-table'" in m.value)
    return html_tables(block)[0].map(read_number)


def _situation(app):
    table = _situation_rows(app)
    return table[table["Commune"] != "Total"].set_index("Commune")


def _markdown(app) -> str:
    return "\n".join(m.value for m in app.markdown)


def test_the_key_figures_reproduce_the_seed(sru_app):
    metrics = _metrics(sru_app)
    assert metrics["Droit commun 2023–2025"] == f"471{NBSP}logements"
    assert metrics["CMS mutualisant 2023–2025"] == f"542{NBSP}logements"
    assert metrics["Majoration du CMS"] == f"+15{NBSP}%"
    assert any("10 communes déficitaires" in c.value for c in sru_app.caption)


def test_the_table_lists_the_ten_deficit_communes_with_the_seed_rates(sru_app):
    table = _situation(sru_app)
    deficit = table[table["Statut"] == "déficitaire"]
    assert dict(deficit["Taux SRU"]) == SEED_RATES
    assert set(table.index) - set(deficit.index) == {"Poitiers", "Chasseneuil-du-Poitou"}
    assert deficit["Droit commun 2023–2025"].sum() == 471
    assert deficit["CMS 2023–2025"].sum() == 542
    total = _situation_rows(sru_app).set_index("Commune").loc["Total"]
    assert total["CMS 2023–2025"] == 542


def test_the_rule_box_shows_the_parameters_and_legal_references(sru_app):
    rules = _markdown(sru_app)
    assert f"33{NBSP}%" in rules
    assert "Article L302-8 du CCH" in rules
    assert "Article L302-8-1 du CCH" in rules
    assert "100 % des logements manquants" in rules
    assert f"3{chr(0x202F)}500 habitants" in rules


def test_changing_the_year_changes_the_rates_and_the_objectives_shown():
    app = open_page("sru")
    app.selectbox(key="sru_annee").select("2024").run()
    assert app.query_params["annee"] == "2024"
    assert app.subheader[0].value == "Situation des communes au 1er janvier 2024"
    table = _situation(app)
    assert table.loc["Buxerolles", "Taux SRU"] != SEED_RATES["Buxerolles"]
    assert not any(c.startswith("Droit commun") for c in table.columns)
    assert any("ne fixe pas d'objectif triennal" in c.value for c in app.caption)
    app.selectbox(key="sru_annee").select("2019").run()
    table = _situation(app)
    assert set(table.loc[list(SEED_RATES), "Statut"]) == {"exemptée"}
    assert table["Droit commun 2020–2022"].sum() == 0


def test_showing_the_communes_not_subject_lists_all_forty():
    app = open_page("sru")
    app.toggle(key="sru_all_communes").set_value(True).run()
    table = _situation(app)
    assert len(table) == 40
    assert (table["Soumise"] == "non").sum() == 28


def test_the_trajectory_and_the_contract_are_built_only_in_their_tabs(sru_app):
    assert len(sru_app.get("vega_lite_chart")) == 1  # the rates beside the map
    assert "trajectoire vers le taux cible" not in _markdown(sru_app)
    trajectory = open_page("sru", query={"vue": SRU_TABS[1]})
    # the rates, the trajectory, the progress of the commune and of the whole contract
    assert len(trajectory.get("vega_lite_chart")) == 4
    assert "<table class='plain-table'" not in _markdown(trajectory)
    contract = open_page("sru", query={"vue": SRU_TABS[2]})
    assert len(contract.get("vega_lite_chart")) == 2
    assert contract.subheader[1].value == "Avancement du CMS 2023–2025 par commune"


def test_choosing_a_commune_draws_its_trajectory_and_updates_the_url():
    app = open_page("sru", query={"vue": SRU_TABS[1]})
    assert "**Buxerolles : trajectoire vers le taux cible**" in _markdown(app)
    app.selectbox(key="sru_commune").select("86163").run()
    text = _markdown(app)
    assert "**Montamisé : trajectoire vers le taux cible**" in text
    assert "Montamisé : logements agréés et livrés" in text
    assert app.query_params["commune"] == "86163"
    figures = next(m.value for m in app.markdown if "<table class='key-figures'>" in m.value)
    assert "Objectif CMS 2023–2025" in figures and "<td>60</td>" in figures


def test_a_shared_link_reopens_the_same_view():
    app = open_page("sru", query={"annee": "2025", "commune": "86297", "vue": SRU_TABS[1]})
    assert app.subheader[0].value == "Situation des communes au 1er janvier 2025"
    assert "**Vouneuil-sous-Biard : trajectoire vers le taux cible**" in _markdown(app)


def test_a_commune_outside_the_cms_falls_back_to_a_cms_commune():
    app = open_page("sru", query={"commune": "86194", "vue": SRU_TABS[1]})
    assert app.selectbox(key="sru_commune").value == "86041"


def test_every_chart_has_its_table_and_the_page_offers_csv_and_excel(sru_app):
    assert {"sru_export_csv", "sru_export_xlsx"} <= {b.key for b in sru_app.get("download_button")}
    tabs = {
        SRU_TABS[0]: ("sru_rates",),
        SRU_TABS[1]: ("sru_rates", "sru_trajectory", "sru_progress_cms_86041"),
        SRU_TABS[2]: ("sru_rates", "sru_cms_overview"),
    }
    for tab, charts in tabs.items():
        app = open_page("sru", query={"vue": tab})
        expanders = [e for e in app.expander if e.label == "Voir le tableau"]
        assert len(expanders) == len(charts) + (tab == SRU_TABS[1])  # and the CMS total's
        for key in charts:
            app.session_state[f"{key}_open"] = True
        app.run()
        keys = {b.key for b in app.get("download_button")}
        assert {f"{key}_csv" for key in charts} <= keys
        if tab == SRU_TABS[1]:
            trajectory = next(
                d.value for d in app.dataframe if "Taux nécessaire" in d.value.columns
            )
            assert trajectory["Fin d'année"].tolist() == [str(y) for y in range(2023, 2032)]


def test_without_the_inventory_that_sets_the_cms_the_page_says_so(tmp_path, monkeypatch):
    inventory = housing.load_sru_inventory()
    monkeypatch.setenv("COTATION_DATA_DIR", str(tmp_path))
    publish(sru_inventory=inventory[inventory["year"] != 2022])
    st.cache_data.clear()
    st.cache_resource.clear()
    try:
        app = open_page("sru")
        assert any("1er janvier 2022" in w.value for w in app.warning)
        assert "2022" not in app.selectbox(key="sru_annee").options
        assert not app.metric
        assert app.subheader[0].value == "Situation des communes au 1er janvier 2025"
    finally:
        st.cache_data.clear()
        st.cache_resource.clear()
