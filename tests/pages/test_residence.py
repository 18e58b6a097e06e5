"""The fiche résidence, run headless with AppTest: search, link, masking, print, simulator."""

from __future__ import annotations

import pytest

from tests.pages.conftest import SERVICE_HABITAT, log_in_as, open_page
from ui.auth import SINCE_KEY, USER_KEY

SIMULATE = "Simuler l'entrée"


def open_card(query: dict[str, str] | None = None, role: str | None = None):
    """The fiche opened by a link carrying ``query``, logged in with the demo account of
    ``role`` (the public view when None)."""
    app = open_page("residence", query, role=role or "public")
    return rerun(app)


def rerun(app, role: str | None = None):
    """Run again logged in with the demo account of ``role`` (as before when None)."""
    if role == "public":
        for key in (USER_KEY, SINCE_KEY):
            if key in app.session_state:
                del app.session_state[key]
    elif role is not None:
        log_in_as(app, role)
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def _metrics(app) -> dict[str, str]:
    return {m.label: m.value for m in app.metric}


def _texts(app, kind: str) -> str:
    return "\n".join(e.value for e in getattr(app, kind))


def test_without_a_residence_the_page_says_what_to_do():
    app = open_card()
    assert app.title[0].value == "Fiche résidence"
    assert "Recherchez une résidence par son nom" in _texts(app, "info")
    assert not app.header
    assert "residence" not in app.query_params


def test_searching_a_residence_opens_its_card_and_puts_it_in_the_url():
    app = open_card()
    app.text_input(key="fiche_recherche").input("cour fontaine").run()
    assert not app.exception
    assert app.header[0].value == "La Cour de la Fontaine"
    assert app.query_params["residence"] == "GP-0001"
    assert _metrics(app)["Rang"].endswith("sur 541")
    assert app.selectbox(key="fiche_residence").value == "GP-0001"
    # Another match of a broader search opens another card.
    app.text_input(key="fiche_recherche").input("fontaine").run()
    options = app.selectbox(key="fiche_residence").options
    assert len(options) > 1 and all("Fontaine" in o for o in options[:5])
    app.selectbox(key="fiche_residence").select_index(1).run()
    assert app.header[0].value != "La Cour de la Fontaine"
    assert app.query_params["residence"] != "GP-0001"


def test_a_search_without_match_says_what_to_do():
    app = open_card({"residence": "GP-0001"})
    app.text_input(key="fiche_recherche").input("zzzz introuvable").run()
    assert "Aucune résidence ne correspond à « zzzz introuvable »" in _texts(app, "info")
    assert app.header[0].value == "La Cour de la Fontaine"


def test_a_shared_link_reopens_the_card_with_every_section(viewed_as):
    viewed_as(SERVICE_HABITAT)
    app = open_card({"residence": "GP-0001"})
    assert app.header[0].value == "La Cour de la Fontaine"
    metrics = _metrics(app)
    assert metrics["Note d'attractivité"] == "65,3\u00a0/ 100"
    assert metrics["Classe (intermédiaire)"] == "C"
    assert metrics["Rang"] == "401e sur 541"
    assert metrics["Couverture des indicateurs"] == "100\u00a0%"
    # Near the break between C and D: nearly half of the draws put it in D.
    certainty = next(c for c in _texts(app, "caption").split("\n") if "sûre à" in c)
    assert certainty.startswith("**Classe C, sûre à 52\u00a0%** (classes possibles : C à D) — ")
    assert "1\u202f000 tirages de poids autour des poids du profil de référence" in certainty
    assert len(app.get("vega_lite_chart")) == 5
    assert "Fragilité d'occupation proche des résidences comparables" in _texts(app, "info")
    assert "Préconisation" in _texts(app, "info")
    subheaders = [s.value for s in app.subheader]
    assert "Simulateur d'attribution" in subheaders
    assert "Entrants, locataires en place et sortants (2024-2025)" in subheaders


def test_the_public_profile_hides_the_residence_occupancy():
    app = open_card({"residence": "GP-0001"})
    infos = _texts(app, "info")
    assert "Occupation non diffusée (" in infos
    assert "règle de dominance" in infos
    assert "indice 37,3" not in infos
    assert "Le simulateur part de l'occupation de la résidence" in infos
    assert not [b for b in app.button if b.label == SIMULATE]
    assert "Note d'attractivité après" not in _metrics(app)


def test_the_simulator_shows_a_first_quartile_single_parent_raising_the_fragility(viewed_as):
    viewed_as(SERVICE_HABITAT)
    app = open_card({"residence": "GP-0001"})
    app.selectbox(key="entrant_ressources").select("1")
    app.selectbox(key="entrant_composition").select("famille_monoparentale")
    app.checkbox(key="entrant_emploi").uncheck()
    next(b for b in app.button if b.label == SIMULATE).click()
    rerun(app)
    sentence = _texts(app, "warning")
    assert "l'entrée d'une famille monoparentale" in sentence
    assert "passerait de 37,3 à 40,9" in sentence
    after = next(m for m in app.metric if m.label == "Indice de fragilité après")
    assert after.value == "40,9\u00a0points"
    assert after.delta.startswith("+")
    table = app.table[-1].value.set_index("Part des ménages")
    assert table.loc["Familles monoparentales", "Avant"] == "15,4\u00a0%"
    assert table.loc["Familles monoparentales", "Après"] == "21,4\u00a0%"
    assert table.loc["Familles monoparentales", "Dans la note d'attractivité"] == "oui"
    assert table.loc["Familles nombreuses (3 enfants ou plus)", "Dans la note d'attractivité"] == ""
    # The cotation after the same move, scored with the fiche's index.
    markdown = _texts(app, "markdown")
    assert (
        "La note d'attractivité passerait de 65,3 à 64,3 (classe C inchangée), "
        "rang 401e → 416e sur 541." in markdown
    )
    note = next(m for m in app.metric if m.label == "Note d'attractivité après")
    assert note.value == "64,3\u00a0/ 100"
    assert note.delta == "−1,0\u00a0points"
    assert _metrics(app)["Classe après"] == "C"
    assert _metrics(app)["Rang après"] == "416e sur 541"
    assert _metrics(app)["Pilier Occupation après"] == "65,1\u00a0/ 100"
    assert "seuls les indicateurs tirés de l'enquête OPS" in _texts(app, "caption")


def test_the_simulator_replaces_a_known_leaving_household():
    app = open_card({"residence": "GP-0001"}, role="service_habitat")
    app.selectbox(key="entrant_ressources").select("4")
    app.selectbox(key="entrant_composition").select("couple_avec_enfants")
    app.checkbox(key="sortant_connu").check()
    app.selectbox(key="sortant_ressources").select("1")
    app.checkbox(key="sortant_emploi").uncheck()
    next(b for b in app.button if b.label == SIMULATE).click()
    rerun(app, "service_habitat")
    sentence = _texts(app, "success")
    assert "le départ d'une personne seule" in sentence
    assert "l'entrée d'un couple avec enfants" in sentence
    table = app.table[-1].value
    assert "Ménage sortant" in table.columns
    assert "Note d'attractivité après" in _metrics(app)
    assert "La note d'attractivité passerait de 65,3 à" in _texts(app, "markdown")


def test_a_kept_simulation_is_not_printed_for_the_public_profile():
    app = open_card({"residence": "GP-0001"}, role="bailleur")
    next(b for b in app.button if b.label == SIMULATE).click()
    rerun(app, "bailleur")
    assert "Note d'attractivité après" in _metrics(app)
    app.toggle(key="fiche_impression").set_value(True)
    rerun(app, "bailleur")
    assert "Simulation d'attribution" in [h.value for h in app.subheader]
    rerun(app, "public")
    assert "Simulation d'attribution" not in [h.value for h in app.subheader]
    assert "Indice de fragilité après" not in _metrics(app)


@pytest.mark.parametrize("role", ["bailleur", None])
def test_the_print_layout_hides_the_search_and_the_form(role):
    app = open_card({"residence": "GP-0001", "impression": "1"}, role=role)
    assert app.toggle(key="fiche_impression").value is True
    assert not app.main.text_input
    assert not [b for b in app.button if b.label == SIMULATE]
    assert app.header[0].value == "La Cour de la Fontaine"
    assert any("@media print" in m.value for m in app.markdown)
    app.toggle(key="fiche_impression").set_value(False)
    rerun(app, role)
    assert "impression" not in app.query_params
    assert app.text_input(key="fiche_recherche")


@pytest.mark.parametrize(
    ("residence", "name"),
    [
        pytest.param("GP-0100", "Les Terrasses des Peupliers", id="late-in-the-alphabet"),
        pytest.param("GP-0541", "Le Domaine des Noisetiers", id="last-identifier"),
    ],
)
def test_any_residence_can_be_opened_by_a_link(residence, name):
    app = open_card({"residence": residence})
    assert app.header[0].value == name
    assert app.query_params["residence"] == residence


def test_an_unknown_residence_in_the_link_is_named_and_dropped_from_the_link():
    app = open_page("residence", {"residence": "GP-9999"})  # the run that reads the link
    assert not app.header
    assert "Recherchez une résidence" in _texts(app, "info")
    assert "Résidence « GP\\-9999 » introuvable dans le lien." in _texts(app, "warning")
    assert "residence" not in app.query_params


def test_a_resource_share_out_of_range_clears_the_result_and_says_why():
    app = open_card({"residence": "GP-0001"}, role="bailleur")
    next(b for b in app.button if b.label == SIMULATE).click()
    rerun(app, "bailleur")
    assert "Indice de fragilité après" in _metrics(app)
    app.selectbox(key="entrant_ressources").select("pct")
    app.number_input(key="entrant_ressources_pct").set_value(9999)
    next(b for b in app.button if b.label == SIMULATE).click()
    rerun(app, "bailleur")
    assert "Indice de fragilité après" not in _metrics(app)  # the old result is gone
    assert _texts(app, "error") == (
        "Simulation impossible. Ressources en % des plafonds PLUS du ménage candidat : "
        "9\u202f999 reçu, attendu un nombre de 0 à 400 (% des plafonds)."
    )


def test_the_demo_bailleur_sees_its_own_residence_in_full_and_another_s_as_the_public():
    """« Les Toits du Clain » (demo bailleur account): occupancy, fragility and the simulator of
    its own residence (GP-0140); another bailleur's residence (GP-0011, Boivre Logement, 71
    households) exactly as the public sees it."""
    own = open_card({"residence": "GP-0140"}, role="bailleur")
    infos = _texts(own, "info")
    assert "indice 28,1 contre 28,9 en médiane du groupe" in infos
    assert "Occupation non diffusée" not in infos
    assert [b for b in own.button if b.label == SIMULATE]
    other = open_card({"residence": "GP-0011"}, role="bailleur")
    public = open_card({"residence": "GP-0011"})
    infos = _texts(other, "info")
    assert "Occupation non diffusée (règle de dominance" in infos
    assert "Le bailleur de la résidence et le service habitat la voient." in infos
    assert "Le simulateur part de l'occupation de la résidence" in infos
    assert not [b for b in other.button if b.label == SIMULATE]
    assert _metrics(other) == _metrics(public)
    assert "Note publique : le pilier Occupation y entre d'un seul tenant" in _texts(
        other, "caption"
    )
    assert infos == _texts(public, "info")
