"""The territory map page, run headless with AppTest."""

from __future__ import annotations

from tests.pages.conftest import open_page


def _legends(app) -> list[str]:
    return [m.value for m in app.markdown if 'class="legend"' in m.value]


def _legend(app) -> str:
    return _legends(app)[0]


def test_default_view_maps_social_dwellings_with_a_classed_legend():
    app = open_page()
    assert app.title[0].value == "Carte du territoire"
    assert "Logements sociaux (logements)" in _legend(app)
    assert "Données de démonstration (fictives)" in app.warning[0].value
    assert any("quantiles, 5 classes" in c.value for c in app.caption)


def test_picking_an_indicator_changes_the_legend_and_the_url():
    app = open_page()
    before = _legend(app)
    app.selectbox(key="qp_indicateur").select("sru_rate_pct").run()
    after = _legend(app)
    assert after != before
    assert "Taux SRU (%)" in after
    assert "32,3\u00a0%" in after  # Poitiers (2025 inventory) closes the top class
    assert app.query_params["indicateur"] == "sru_rate_pct"
    assert app.selectbox(key="qp_annee").value == "2025"


def test_the_year_picker_maps_an_older_inventory():
    app = open_page(query={"indicateur": "sru_rate_pct", "annee": "2022"})
    assert "32,2\u00a0%" in _legend(app)  # Poitiers in the 2022 inventory
    assert any("Taux SRU — 2022" in m.value for m in app.markdown)


def test_natural_breaks_are_named_under_the_legend():
    app = open_page()
    app.selectbox(key="qp_classes").select("natural_breaks").run()
    assert any("seuils naturels (Jenks)" in c.value for c in app.caption)


def test_choosing_a_commune_shows_its_profile_against_the_epci():
    app = open_page()
    app.selectbox(key="choice_commune").select("86041").run()
    assert app.main.subheader[0].value == "Buxerolles"
    table = next(m.value for m in app.markdown if "<table class='key-figures'>" in m.value)
    assert "Taux SRU" in table and "EPCI" in table
    assert app.query_params["commune"] == "86041"
    residences = app.dataframe[0].value
    assert list(residences.columns) == [
        "Résidence",
        "Logements",
        "QPV",
        "Note",
        "Classe",
        "Signalement",
    ]
    assert residences["Logements"].sum() == 858  # Buxerolles' social dwellings in the demo


def test_occupancy_is_masked_for_the_public_where_households_are_few():
    app = open_page(query={"indicateur": "res_below_40_pct"})
    assert "secret statistique" in _legend(app)
    app = open_page(query={"indicateur": "res_below_40_pct"}, role="service_habitat")
    assert "secret statistique" not in _legend(app)


def test_a_commune_with_few_households_hides_its_occupancy_from_the_public():
    app = open_page(query={"commune": "86024"})  # Béruges: a handful of dwellings
    assert any("secret statistique" in i.value for i in app.info)


def test_a_shared_link_reopens_the_same_view():
    app = open_page(query={"indicateur": "qpv_share_pct", "commune": "86194"})
    assert "Part des logements sociaux en QPV (%)" in _legend(app)
    assert app.main.subheader[0].value == "Poitiers"


def test_residence_layer_by_class_adds_its_legend():
    app = open_page(query={"residences": "class"})
    assert any("classe A" in legend and "non cotée" in legend for legend in _legends(app))


def test_comparison_mode_draws_two_years_side_by_side():
    app = open_page(query={"indicateur": "vacancy_rate_pct", "comparer": "years"})
    titles = [m.value for m in app.markdown if m.value.startswith("**Taux de vacance")]
    assert titles == ["**Taux de vacance — 2025**", "**Taux de vacance — 2018**"]
    assert len(_legends(app)) == 2


def test_quartier_level_maps_poitiers_quartiers():
    app = open_page(query={"echelle": "quartier"})
    options = app.selectbox(key="qp_indicateur").options
    assert "Population" not in options and "Taux SRU" not in options
    assert "Part des logements sociaux en QPV" in options
    assert any("schématiques" in c.value for c in app.caption)
