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
        "Note (/ 100)",
        "Classe",
        "Signalement",
    ]
    assert residences["Logements"].sum() == 858  # Buxerolles' social dwellings in the demo


def test_occupancy_is_masked_for_the_public_where_households_are_few():
    app = open_page(query={"indicateur": "res_below_40_pct"})
    assert "secret statistique" in _legend(app)
    assert any("territoire(s) « s » :" in c.value for c in app.caption)  # the rules named
    app = open_page(query={"indicateur": "res_below_40_pct"}, role="service_habitat")
    assert "secret statistique" not in _legend(app)


def test_a_commune_with_few_households_hides_its_occupancy_from_the_public():
    app = open_page(query={"commune": "86024"})  # Béruges: a handful of dwellings
    assert any(
        "Occupation non diffusée" in i.value and "règle de dominance" in i.value for i in app.info
    )


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


def test_switching_to_quartiers_says_which_indicator_replaces_and_cleans_the_link():
    app = open_page(query={"indicateur": "sru_rate_pct", "annee": "2022", "commune": "86041"})
    app.selectbox(key="qp_echelle").select("quartier").run()
    assert app.selectbox(key="qp_indicateur").value == "n_dwellings"
    assert any(
        i.value == "L'indicateur « Taux SRU » n'existe pas pour les quartiers de Poitiers : la "
        "carte montre « Logements sociaux »."
        for i in app.info
    )
    assert "commune" not in app.query_params  # the commune does not apply to quartiers
    assert "annee" not in app.query_params  # nor a year to an indicator without years
    assert any(
        i.value.startswith("Cliquez sur un quartier de la carte (ou choisissez-le ci-dessus)")
        for i in app.info
    )


def test_not_comparing_drops_the_comparison_from_the_link():
    app = open_page(query={"comparer": "none", "annee2": "2018", "indicateur2": "population"})
    assert "annee2" not in app.query_params and "indicateur2" not in app.query_params


def test_residence_points_are_drawn_over_greys():
    app = open_page(query={"residences": "class"})
    territory = _legends(app)[0]
    assert "#f2f2f2" in territory and "#595959" in territory  # light to mid grey classes
    assert "#ffffcc" not in territory  # no yellow-green-blue competing with the class colours
    assert any("en gris sous les résidences" in c.value for c in app.caption)


def test_the_flag_layer_names_both_rules():
    app = open_page(query={"residences": "flag"})
    assert any("À rééquilibrer (écart ≥ +2 ou en hausse)" in legend for legend in _legends(app))
    assert any("fragilité en hausse de plus de 1 × la dispersion" in c.value for c in app.caption)
