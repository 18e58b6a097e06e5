"""The stock dashboard, run headless with AppTest: selectors, tabs, masking, missing years."""

from __future__ import annotations

from urllib.parse import parse_qs

import pandas as pd
import pytest
import streamlit as st

from geodata import housing
from tests.pages.conftest import SERVICE_HABITAT, log_in_as, open_page
from tests.services.version_cases import publish
from ui.flows_view import HouseholdProfiles, profile_table
from ui.parc_selection import ParcSelection

NNBSP, NBSP = "\u202f", "\u00a0"


def open_parc(query: dict[str, str] | None = None, tab: str | None = None, role: str = "public"):
    """The dashboard opened by a link carrying ``query`` (the default view without one), on
    ``tab`` (the first tab by default).

    AppTest first runs the default page (the map), which rewrites the shared parameters it
    knows (``echelle``: commune or quartier only) before switching here; a browser opening the
    link runs this page first. Give the pickers the link's values, as the URL would.
    """
    query = {"echelle": "epci", **(query or {})}
    app = open_page("parc", role=role)
    for param, value in query.items():
        app.query_params[param] = value
        app.session_state[f"parc_{param}"] = value
    if tab is not None:
        app.session_state["parc_onglet"] = tab
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


@pytest.fixture()
def parc_app():
    return open_parc()


def _metrics(app) -> dict[str, str]:
    return {m.label: m.value for m in app.metric}


def _tab(app, label: str):
    app.session_state["parc_onglet"] = label
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def _open_tables(app, *keys: str):
    """Open the « Voir le tableau » expanders of the charts ``keys`` (built on opening)."""
    for key in keys:
        app.session_state[f"{key}_open"] = True
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def _infos(app) -> str:
    return "\n".join(i.value for i in app.info)


def test_default_view_answers_the_four_questions_for_the_epci(parc_app):
    metrics = _metrics(parc_app)
    assert parc_app.subheader[0].value == "Communauté urbaine du Grand Poitiers — 2025"
    assert metrics["Logements sociaux"] == f"19{NNBSP}833"
    assert metrics["Entrants en 2025"] == f"2{NNBSP}338"
    assert metrics["Sortants en 2025"] == f"2{NNBSP}374"
    assert metrics["Vacance au 1er janvier"] == f"3,6{NBSP}%"
    assert metrics["Demandes actives"] == f"4{NNBSP}924"
    assert "Attributions hors QPV au 1er quartile" in metrics


def test_changing_the_year_changes_the_figures_and_the_url():
    app = open_parc()
    app.selectbox(key="parc_annee").select("2024").run()
    metrics = _metrics(app)
    assert metrics["Entrants en 2024"] == f"2{NNBSP}851"
    assert metrics["Sortants en 2024"] == f"2{NNBSP}447"
    assert app.query_params["annee"] == "2024"


def test_changing_the_level_and_the_commune_changes_the_territory():
    app = open_parc()
    app.selectbox(key="parc_echelle").select("commune").run()
    assert app.subheader[0].value == "Commune : Poitiers — 2025"
    poitiers = _metrics(app)["Logements sociaux"]
    app.selectbox(key="parc_commune").select("86041").run()
    assert app.subheader[0].value == "Commune : Buxerolles — 2025"
    assert _metrics(app)["Logements sociaux"] != poitiers
    assert app.query_params["echelle"] == "commune"
    assert app.query_params["commune"] == "86041"
    # Buxerolles is in the CMS: a link opens its trajectory on the SRU page.
    sru = next(link.proto for link in app.get("page_link") if "SRU" in link.proto.label)
    assert parse_qs(sru.query_string) == {
        "commune": ["86041"],
        "annee": ["2025"],
        "vue": ["Trajectoire d'une commune"],
    }


def test_a_shared_link_reopens_a_quartier_and_a_year():
    app = open_parc({"echelle": "quartier", "quartier": "86194Q02", "annee": "2022"})
    assert app.subheader[0].value == "Quartier de Poitiers : Les Couronneries — 2022"
    assert "Entrants en 2022" in _metrics(app)


def test_a_residence_can_be_followed():
    app = open_parc({"echelle": "residence", "residence": "GP-0360"})
    assert app.subheader[0].value.startswith("Résidence : Le Square du Pressoir (Poitiers)")


def test_dominance_masks_household_profiles_for_the_public_only():
    public = open_parc({"echelle": "commune", "commune": "86070"})  # Chauvigny
    assert _metrics(public)["Mutations (entrants)"] == "s"
    assert "règle de dominance" in _infos(public)
    habitat = open_parc({"echelle": "commune", "commune": "86070"}, role="service_habitat")
    assert _metrics(habitat)["Mutations (entrants)"].endswith("%")
    assert "Profils masqués" not in _infos(habitat)


def test_small_counts_mask_household_profiles_for_the_public():
    # Biard: 3 entrants in 2025, no dominant bailleur.
    app = open_parc({"echelle": "commune", "commune": "86027"})
    assert _metrics(app)["Entrants en 2025"] == "3"
    assert _metrics(app)["Mutations (entrants)"] == "s"
    assert "secret statistique : moins de 11 ménages" in _infos(app)


def test_logging_in_unmasks_a_territory_for_the_service_habitat_not_for_a_bailleur():
    """A bailleur sees its own residences in full, a territory's figures as the public does
    (what it knows of its own residences would unmask the others')."""
    app = open_parc({"echelle": "commune", "commune": "86027"})
    log_in_as(app, "bailleur")
    app.run()
    assert _metrics(app)["Mutations (entrants)"] == "s"
    log_in_as(app, "service_habitat")
    app.run()
    assert _metrics(app)["Mutations (entrants)"].endswith("%")


def test_vacancy_tab_shows_yearly_vacancy_and_rotation():
    app = _open_tables(_tab(open_parc(), "Vacance et rotation"), "parc_vacancy", "parc_rotation")
    tables = [d.value for d in app.dataframe]
    vacancy = next(t for t in tables if "Taux de vacance" in t.columns)
    assert list(vacancy["Année"]) == [str(y) for y in range(2018, 2026)]
    rotation = next(t for t in tables if "Taux de rotation" in t.columns)
    assert rotation["Départs"].sum() > 0


def test_intake_tab_reserves_the_fragile_residences_to_residence_level_profiles():
    query = {"echelle": "quartier", "quartier": "86194Q02"}
    public = _tab(open_parc(query), "Accueil et occupation")
    assert "réservée au bailleur de la résidence" in _infos(public)
    habitat = open_parc(query, "Accueil et occupation", role="service_habitat")
    fragile = next(d.value for d in habitat.dataframe if "Nb enquêtés" in d.value.columns)
    assert len(fragile) > 0
    assert "parc_fragile_csv" in {b.key for b in habitat.get("download_button")}
    comparison = _open_tables(habitat, "parc_intake")
    assert "parc_intake_csv" in {b.key for b in comparison.get("download_button")}


def test_offer_tab_shows_offer_relet_times_and_demand_pressure():
    app = _open_tables(_tab(open_parc(), "Offre et demande"), "parc_demand", "parc_relet")
    metrics = _metrics(app)
    assert metrics["Demandes actives"] == f"4{NNBSP}924"
    assert metrics["Plus de 18 mois"] == f"839 (17,0{NBSP}%)"
    tables = [d.value for d in app.dataframe]
    typology = next(t for t in tables if "Typologie" in t.columns and "Pression" in t.columns)
    assert list(typology["Typologie"]) == ["T1", "T2", "T3", "T4", "T5+"]
    relet = next(t for t in tables if "Délai médian" in t.columns)
    assert relet["Délai médian"].notna().all()
    app.segmented_control(key="parc_relet_by").set_value("rent_band").run()
    relet = next(d.value for d in app.dataframe if "Délai médian" in d.value.columns)
    assert relet.columns[0] == "Loyer hors charges"


def test_a_year_missing_from_the_departures_is_shown_missing_not_zero(tmp_path, monkeypatch):
    departures = housing.load_departures()
    monkeypatch.setenv("COTATION_DATA_DIR", str(tmp_path))
    # the data in force read by the caches goes back to the demo's after the test
    monkeypatch.setattr("ui.cache._loaded", None)
    publish(departures=departures[departures["year"] != 2021])
    st.cache_data.clear()
    st.cache_resource.clear()
    try:
        app = _open_tables(open_parc({"annee": "2021"}), "parc_flows")
        metrics = _metrics(app)
        assert metrics["Sortants en 2021"] == "—"
        assert metrics["Rotation 2021"] == "—"
        assert metrics["Entrants en 2021"] != "—"
        flows = next(d.value for d in app.dataframe if "Sortants" in d.value.columns)
        assert pd.isna(flows.set_index("Année").loc["2021", "Sortants"])
    finally:
        st.cache_data.clear()
        st.cache_resource.clear()


def test_downloads_follow_the_public_rules_whatever_the_profile():
    # Chauvigny: one bailleur holds 99 % of the dwellings (dominance rule).
    sel = ParcSelection("commune", "86070", "Chauvigny", 2025, SERVICE_HABITAT)
    shown = profile_table(HouseholdProfiles(sel, 2024, export=False), 2025, 2024)
    downloaded = profile_table(HouseholdProfiles(sel, 2024, export=True), 2025, 2024)
    assert not (shown.iloc[:, 1:-1] == "s").any().any()
    assert (shown["Secret statistique"] == "").all()
    assert (downloaded["Secret statistique"] != "").all()  # every row says why
    cells = downloaded.iloc[:, 1:-1]
    assert ((cells == "s") | cells.isna()).all().all()  # « s », or not asked (1st quartile)
    assert (cells == "s").any().any()


def test_every_masked_cell_of_the_yearly_flows_says_why():
    # Biard: a handful of entrants each year, every profile masked for the public.
    from services.access import PUBLIC
    from ui.flows_view import _flows_frames

    sel = ParcSelection("commune", "86027", "Biard", 2025, PUBLIC)
    values, reasons = _flows_frames(HouseholdProfiles(sel, 2024, export=False))
    column = "Mutations parmi les entrants"
    with_entrants = values["Entrants"].fillna(0) > 0
    assert values.loc[with_entrants, column].isna().all()
    assert (reasons.loc[with_entrants, column] != "").all()
