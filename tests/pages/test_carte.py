"""The territory map page, run headless with AppTest."""

from __future__ import annotations

from tests.pages.conftest import open_page

NNBSP = "\u202f"


def _legend(app) -> str:
    return next(m.value for m in app.markdown if 'class="legend"' in m.value)


def test_default_view_maps_social_dwellings_with_a_classed_legend():
    app = open_page()
    assert app.title[0].value == "Carte du territoire"
    assert "Logements sociaux (logements)" in _legend(app)
    assert "Données de démonstration (fictives)" in app.warning[0].value
    assert app.caption and any("quantiles, 5 classes" in c.value for c in app.caption)


def test_picking_an_indicator_changes_the_legend_and_the_url():
    app = open_page()
    before = _legend(app)
    app.selectbox(key="qp_indicateur").select("sru_rate_pct").run()
    after = _legend(app)
    assert after != before
    assert "Taux SRU (%)" in after
    assert "32,3\u00a0%" in after  # Poitiers (2025 inventory) closes the top class
    assert app.query_params["indicateur"] == "sru_rate_pct"


def test_natural_breaks_are_named_under_the_legend():
    app = open_page()
    app.selectbox(key="qp_classes").select("natural_breaks").run()
    assert any("seuils naturels (Jenks)" in c.value for c in app.caption)


def test_choosing_a_commune_shows_its_key_figures_against_the_epci():
    app = open_page()
    app.selectbox(key="choice_commune").select("86041").run()
    assert app.main.subheader[0].value == "Buxerolles"
    table = next(m.value for m in app.markdown if "<table class='key-figures'>" in m.value)
    assert "Taux SRU" in table and "EPCI" in table
    assert app.query_params["commune"] == "86041"


def test_a_shared_link_reopens_the_same_view():
    app = open_page(query={"indicateur": "qpv_share_pct", "commune": "86194"})
    assert "Part des logements sociaux en QPV (%)" in _legend(app)
    assert app.main.subheader[0].value == "Poitiers"


def test_quartier_level_maps_poitiers_quartiers():
    app = open_page(query={"echelle": "quartier"})
    assert app.selectbox(key="qp_indicateur").options == [
        "Logements sociaux",
        "Part des logements sociaux en QPV",
    ]
    assert any("schématiques" in m.value for m in app.caption)
