"""The Méthode et sources page, run headless with AppTest: generated from the catalogue."""

from __future__ import annotations

import html
import re

from scoring import load_catalogue
from tests.pages.conftest import open_page


def _text(app) -> str:
    """All Markdown of the page, line breaks and indentation folded into single spaces."""
    return re.sub(r"[ \n]+", " ", "\n".join(m.value for m in app.markdown))


def test_every_indicator_of_the_catalogue_is_described_once():
    app = open_page("methode")
    assert not app.exception
    assert app.title[0].value == "Méthode et sources"
    text = _text(app)
    for indicator in load_catalogue().indicators:
        assert text.count(f"<td class='label'>{html.escape(indicator.label)}</td>") == 1
        assert html.escape(indicator.description) in text
        assert html.escape(indicator.unit) in text
    assert "plus c&#x27;est élevé, moins la résidence est attractive" in text
    assert "plus c&#x27;est élevé, plus la résidence est attractive" in text
    assert [s.value for s in app.subheader] == [
        "Patrimoine — 30,0\u00a0% de la note",
        "Occupation — 30,0\u00a0% de la note",
        "Équipements — 20,0\u00a0% de la note",
        "Environnement — 20,0\u00a0% de la note",
    ]


def test_method_steps_sources_and_secret_statistique_are_stated():
    app = open_page("methode")
    assert [h.value for h in app.header] == [
        "Les indicateurs",
        "Les étapes du calcul",
        "Sources, millésimes et licences",
        "Secret statistique",
    ]
    text = _text(app)
    assert "au moins 70\u00a0% du poids total" in text
    assert "**A** : note ≥ 80" in text and "**E** : note < 35" in text
    assert "1 = la résidence la plus attractive" in text
    assert "Licence Ouverte" in text
    assert "Dernière enquête OPS par résidence** : 2022 (22 résidences), 2024" in text
    assert "moins de 11 ménages" in text and "plus de 85\u00a0%" in text
    assert any("Données de démonstration" in w.value for w in app.warning)


def test_another_profile_changes_weights_and_method():
    app = open_page("methode", query={"profil": "occupation_sociale"})
    assert app.selectbox(key="qp_profil").value == "occupation_sociale"
    assert app.subheader[1].value == "Occupation — 50,0\u00a0% de la note"
    text = _text(app)
    assert "quintiles de la population de référence" in text
    assert "Rang centile" in text
    assert any("Priorité à l'équilibre de l'occupation" in c.value for c in app.caption)


def test_weights_moved_on_the_cotation_page_are_shown_as_in_force():
    app = open_page("cotation")
    app.slider(key="poids_indicateur_is_qpv").set_value(7).run()
    app.switch_page("pages/methode.py").run()
    assert not app.exception
    text = _text(app)
    assert "<th>Poids en cours</th>" in text
    assert "<td class='num'>7</td>" in text


def test_a_link_with_weights_shows_them_as_in_force():
    app = open_page("methode", query={"poids": "is_qpv:9"})
    assert "<td class='num'>9</td>" in _text(app)


def test_the_method_chosen_on_the_cotation_page_is_described_as_in_force():
    app = open_page("cotation")
    app.selectbox(key="methode_classes").select("quantiles").run()
    app.switch_page("pages/methode.py").run()
    assert not app.exception
    text = _text(app)
    assert "**Classes A à E** (quintiles de la population de référence)" in text
    assert "**A** : les 20 % les mieux notées" in text and "note ≥ 80" not in text
    note = next(c.value for c in app.caption if "Méthode modifiée" in c.value)
    assert "classes : quintiles au lieu de seuils fixes 80 / 65 / 50 / 35" in note
    # Back on the cotation page, the choice is still there.
    app.switch_page("pages/cotation.py").run()
    assert app.selectbox(key="methode_classes").value == "quantiles"


def test_a_link_with_a_method_shows_it_as_in_force():
    app = open_page("methode", query={"methode": "agregation:geometric"})
    text = _text(app)
    assert "Moyenne géométrique pondérée (calculée sur 1 à 100) des indicateurs" in text
    assert any("Méthode modifiée" in c.value for c in app.caption)
    assert not any("Méthode modifiée" in c.value for c in open_page("methode").caption)


def test_another_profile_drops_the_weights_and_method_of_the_link():
    app = open_page("methode", query={"poids": "is_qpv:9", "methode": "agregation:geometric"})
    assert any("Méthode modifiée" in c.value for c in app.caption)
    app.selectbox(key="qp_profil").select("cadre_de_vie").run()
    assert not app.exception
    assert "poids" not in app.query_params
    assert "methode" not in app.query_params
    assert not any("Méthode modifiée" in c.value for c in app.caption)
    assert "<td class='num'>9</td>" not in _text(app)


def test_the_secret_statistique_lists_its_rules_and_what_it_masks():
    app = open_page("methode")
    text = _text(app)
    assert "ayant répondu à la question" in text and "Règle de l'initié" in text
    assert "Cotation publique" in text and "Secret secondaire" in text
    counts = next(d.value for d in app.dataframe if "Masqués (règles)" in d.value.columns)
    poitiers = counts[
        (counts["Chiffres"] == "Occupation (OPS)") & (counts["Échelle"] == "quartiers")
    ]
    assert poitiers["Territoires"].iloc[0] == 12
    assert poitiers["Masqués (secret secondaire)"].iloc[0] >= 1  # the three quartiers
