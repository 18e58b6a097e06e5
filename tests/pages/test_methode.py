"""The Méthode et sources page, run headless with AppTest: generated from the catalogue."""

from __future__ import annotations

import html
import re

import pytest

from scoring import load_catalogue
from services.access import PUBLIC
from tests.pages.conftest import SERVICE_HABITAT, indicator_slider, open_page


@pytest.fixture(autouse=True)
def _as_service_habitat(viewed_as):
    """The method as the service habitat reads it (fitted on every residence); what the public
    reads is tested at the end."""
    viewed_as(SERVICE_HABITAT)


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
        "Valeurs extrêmes et bornes du catalogue",
        "Sources, millésimes et licences",
        "Secret statistique",
    ]
    text = _text(app)
    assert "au moins 70\u00a0% du poids total" in text
    # Reference profile: natural breaks of the demo parc's scores, extreme values treated.
    assert "**Classes A à E** (seuils naturels (jenks–fisher)" in text
    assert "**A** : note ≥ 76,2" in text and "**E** : note < 56,2" in text
    assert "au plus 5 valeurs ; si cela ne suffit pas, l'indicateur est pris en logarithme" in text
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
    indicator_slider(app, "poids_indicateur_is_qpv").set_value(7).run()
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
    assert "**A** : les 20 % les mieux notées, note ≥ 76,2" in text and "note ≥ 80" not in text
    note = next(c.value for c in app.caption if "Méthode modifiée" in c.value)
    assert "classes : quintiles au lieu de seuils naturels" in note
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


def test_the_treatment_of_extreme_values_is_reported_indicator_by_indicator():
    app = open_page("methode")
    text = _text(app)
    # Demo parc: the 1852 building and the vacancy and tranquillity outliers.
    row = re.search(r"<td class='indicator'>Ancienneté du bâti</td>(.*?)</tr>", text).group(1)
    assert "<td>winsorisation</td>" in row and "2 valeurs ramenées à 113\u00a0ans" in row
    assert "<td class='num'>2,44 → 1,65</td>" in row and "<td class='num'>12,01 → 4,09</td>" in row
    row = re.search(r"<td class='indicator'>Taux de vacance</td>(.*?)</tr>", text).group(1)
    assert "<td>logarithme</td>" in row and "<td class='num'>8,68 → 0,95</td>" in row
    row = re.search(r"<td class='indicator'>Ascenseur</td>(.*?)</tr>", text).group(1)
    assert "<td>aucun</td>" in row and "sous les seuils" in row
    row = re.search(r"<td class='indicator'>Distance au transport en commun</td>(.*?)</tr>", text)
    assert "bornes du catalogue" in row.group(1) and "67 valeurs hors des bornes" in row.group(1)
    caption = next(c.value for c in app.caption if "indicateur(s) traité(s)" in c.value)
    assert caption.startswith(
        "3 indicateur(s) traité(s) : ancienneté du bâti, taux de vacance, "
        "signalements de tranquillité."
    )


def test_catalogue_bounds_that_miss_the_data_are_flagged_in_french():
    warning = next(w.value for w in open_page("methode").warning if "Bornes plausibles" in w.value)
    assert warning.startswith(
        "**Bornes plausibles du catalogue à vérifier** : 6 indicateurs ont plus de 5 % de leurs "
        "valeurs hors de leurs bornes."
    )
    flagged = [line[2:] for line in warning.split("\n") if line.startswith("- ")]
    assert len(flagged) == 6
    assert flagged[0].startswith(
        "**Ménages sous 40 % des plafonds PLUS** : 20,7\u00a0% des valeurs (106 sur 512 : 38 en "
        "dessous, 68 au-dessus) sont hors des bornes plausibles du catalogue [10 ; 70\u00a0%]."
    )
    transit = next(w for w in flagged if w.startswith("**Distance au transport en commun**"))
    assert "12,6\u00a0% des valeurs" in transit and "ces valeurs sont écrêtées" in transit
    assert "ne servent pas avec la normalisation en cours (min–max)" in flagged[0]


def test_a_link_without_treatment_reports_raw_values():
    app = open_page("methode", query={"methode": "extremes:none"})
    text = _text(app)
    assert "Aucun traitement : les valeurs brutes sont normalisées telles quelles" in text
    assert "<td>winsorisation</td>" not in text and "<td>logarithme</td>" not in text
    assert any(c.value.startswith("Aucun indicateur traité") for c in app.caption)


def test_the_public_reads_a_method_fitted_on_published_figures_only(viewed_as):
    """Secret statistique: a winsorisation bound is one residence's share and a class break one
    residence's score; the public reads those of the residences whose Occupation pillar is
    published, and the breaks of the public scores."""
    viewed_as(PUBLIC)
    app = open_page("methode")
    text = _text(app)
    warning = next(w.value for w in app.warning if "Bornes plausibles" in w.value)
    assert (
        "**Ménages sous 40 % des plafonds PLUS** : 19,6\u00a0% des valeurs (73 sur 373 : 17 en "
        "dessous, 56 au-dessus)" in warning
    )
    assert "512" not in warning
    assert "**A** : note ≥ 76,2" not in text


def test_the_dpe_and_psp_scales_are_written_out_from_the_catalogue():
    text = html.unescape(_text(app := open_page("methode")))
    assert not app.exception
    assert "[scales." not in text
    assert (
        "Rang de l'étiquette énergie du DPE (échelle : A 1, B 2, C 3, D 4, E 5, F 6, G 7)." in text
    )
    assert (
        "traduite en points d'attractivité (échelle : conforter 4, vendre 3, réhabiliter 2, "
        "restructurer 1, démolir 0) : plus de points, résidence plus attractive."
    ) in text
