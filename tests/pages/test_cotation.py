"""The cotation page, run headless with AppTest: weights, profiles, links and the views.

Run as the service habitat, who scores with the full cotation (the public one is tested in
``test_cotation_public.py``).
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pandas as pd
import pytest

import geodata
from scoring import (
    NOT_RATED,
    NOT_RATED_LABEL,
    CompositeIndex,
    class_certainty,
    load_profile,
    run_sensitivity,
)
from scoring.draws import UNCERTAIN_TREATMENTS, uncertainty_normalisations
from services import build_indicator_table
from services.cotation import class_counts
from services.cotation_review import stability_summary
from tests.pages.conftest import (
    SERVICE_HABITAT,
    indicator_slider,
    open_indicator_sliders,
    open_page,
    ranking_of,
)
from ui import cotation_ranking
from ui.cotation_view import fmt_count
from ui.fmt import fmt_pct
from ui.weights import indicators_open_key

COMPARISON_TAB = "Écarts avec la référence"


@pytest.fixture(autouse=True)
def _as_service_habitat(viewed_as):
    viewed_as(SERVICE_HABITAT)


SENSITIVITY_TAB = "Sensibilité"


@pytest.fixture(autouse=True)
def whole_ranking(monkeypatch):
    """The ranking in one page, so that a test reads every residence (paging: own tests)."""
    monkeypatch.setattr(cotation_ranking, "PAGE_SIZE", 10_000)


def _ranking(app) -> list[str]:
    """Residence ids of the ranked table, in the order shown."""
    return list(ranking_of(app)["residence_id"])


def _legend(app) -> str:
    return next(m.value for m in app.markdown if 'class="legend"' in m.value)


def _metric(app, label: str) -> str:
    return next(m.value for m in app.metric if m.label == label)


def _slider(app, key: str):
    return indicator_slider(app, key)


METHOD_KEYS = ("methode_extremes", "methode_normalisation", "methode_agregation", "methode_classes")


def _method(app) -> tuple[str, str, str, str]:
    """Values of the four selectboxes of the panel « Méthode de calcul »."""
    return tuple(app.selectbox(key=key).value for key in METHOD_KEYS)


@cache
def _indicator_table() -> pd.DataFrame:
    return build_indicator_table(geodata.load_residences())


def _engine_spec(profile: str, pillars: dict | None = None, **method):
    return load_profile(profile).with_weights(pillars=pillars).with_method(**method)


def _engine_scores(profile: str, pillars: dict | None = None, **method) -> pd.DataFrame:
    """The demo parc scored by the engine alone, as a profile with that method would be."""
    spec = _engine_spec(profile, pillars, **method)
    return CompositeIndex(spec).fit(_indicator_table()).transform()


def _shown(app) -> pd.DataFrame:
    """Score, class and rank of every residence in the ranked table."""
    table = ranking_of(app).set_index("residence_id")
    classes = table["class_shown"].astype(str).replace(NOT_RATED_LABEL, NOT_RATED)
    return table.assign(class_shown=classes)


def _ranks(values: pd.Series) -> np.ndarray:
    """Ranks as integers, 0 for a residence without rank."""
    return values.astype("Int64").fillna(0).to_numpy(dtype=int)


def _assert_same_scores(app, expected: pd.DataFrame) -> None:
    shown = _shown(app).reindex(expected.index)
    # Scores are published rounded to one decimal.
    np.testing.assert_allclose(
        shown["score"].to_numpy(float), expected["score"].to_numpy(float), rtol=0, atol=0.05001
    )
    assert (shown["class_shown"] == expected["score_class"].astype(str)).all()
    assert (_ranks(shown["rank"]) == _ranks(expected["rank"])).all()


def test_default_view_scores_every_residence_with_the_reference_profile():
    app = open_page("cotation")
    assert app.title[0].value == "Cotation des résidences"
    assert app.query_params["profil"] == "reference"
    assert "poids" not in app.query_params
    assert _metric(app, "Résidences cotées") == "541 sur 541"
    assert _metric(app, "Changent de classe") == "0 résidence"
    # 4 pillars, then 21 indicators once their expanders are opened (not drawn before), each
    # label carrying its effective weight.
    assert len(app.sidebar.slider) == 4
    sliders = open_indicator_sliders(app).sidebar.slider
    assert len(sliders) == 25
    assert all("· effectif " in s.label and s.label.endswith("\u00a0%") for s in sliders)
    assert _slider(app, "poids_pilier_occupation").value == 30
    assert _slider(app, "poids_indicateur_is_qpv").value == 2
    # Natural breaks of the demo parc's scores, said by the legend with where they fall.
    assert "A — très attractive (note ≥ 76,2) : 108" in _legend(app)
    assert "E — très peu attractive (note < 56,2) : 34" in _legend(app)
    assert any(
        c.value.startswith(
            "Seuils naturels (Jenks–Fisher) des notes du territoire : A dès 76,2 ; B dès 70,5 ; "
            "C dès 63,9 ; D dès 56,2 ; E en dessous."
        )
        for c in app.caption
    )
    ranking = ranking_of(app)
    assert len(ranking) == 541
    assert list(ranking["rank"].iloc[:3]) == [1, 2, 3]
    # How sure each class is, from the saved profile's draws.
    sure = ranking["class_probability_pct"]
    assert sure.between(0, 100).all() and sure.notna().all()
    assert ranking["class_range"].str.fullmatch(r"[A-E]( à [A-E])?").all()
    assert all(t.key != "cotation_certitude" for t in app.toggle)  # the saved profile's


def test_moving_a_weight_changes_the_ranking_and_the_classes_shown():
    app = open_page("cotation")
    ranking, legend, label = _ranking(app), _legend(app), _slider(app, "poids_pilier_occupation")
    effective_before = label.label
    _slider(app, "poids_pilier_occupation").set_value(100).run()
    assert not app.exception
    assert _ranking(app) != ranking
    assert _legend(app) != legend
    assert _metric(app, "Changent de classe") != "0 résidence"
    assert app.query_params["poids"] == "occupation:100"
    assert _slider(app, "poids_pilier_occupation").label != effective_before
    assert any("Poids modifiés pendant la séance" in c.value for c in app.caption)
    # Residences whose weighted indicators are now too incomplete are shown as not rated, last.
    classes = ranking_of(app)["class_shown"].astype(str)
    assert classes.iloc[-1] == "non cotée — données insuffisantes"
    assert (classes == "non cotée — données insuffisantes").sum() == 15


def test_reset_button_restores_the_profile_weights():
    app = open_page("cotation", query={"poids": "occupation:80,is_qpv:0"})
    assert _slider(app, "poids_pilier_occupation").value == 80
    next(b for b in app.button if b.label == "Réinitialiser les poids du profil").click().run()
    assert _slider(app, "poids_pilier_occupation").value == 30
    assert _slider(app, "poids_indicateur_is_qpv").value == 2
    assert "poids" not in app.query_params


def test_picking_a_profile_resets_the_sliders_and_changes_the_table():
    app = open_page("cotation")
    ranking = _ranking(app)
    app.selectbox(key="qp_profil").select("occupation_sociale").run()
    assert not app.exception
    assert app.query_params["profil"] == "occupation_sociale"
    assert _slider(app, "poids_pilier_occupation").value == 50
    assert _slider(app, "poids_indicateur_has_lift").value == 0
    assert _ranking(app) != ranking
    # Classes by quintiles under this profile.
    assert "les 20 % les mieux notées" in _legend(app)
    assert any("Priorité à l'équilibre de l'occupation" in c.value for c in app.caption)


def test_a_shared_link_restores_profile_weights_commune_and_residence():
    app = open_page(
        "cotation",
        query={
            "profil": "cadre_de_vie",
            "poids": "occupation:40,is_qpv:3",
            "commune": "86041",
            "residence": "GP-0040",
        },
    )
    assert app.selectbox(key="qp_profil").value == "cadre_de_vie"
    assert _slider(app, "poids_pilier_occupation").value == 40
    assert _slider(app, "poids_indicateur_is_qpv").value == 3
    assert _slider(app, "poids_pilier_patrimoine").value == 35  # the profile's own weight
    assert app.selectbox(key="cotation_commune").value == "86041"
    assert app.main.subheader[0].value == "Le Domaine des Bergeronnettes"
    ranking = ranking_of(app)
    assert set(ranking["commune_name"]) == {"Buxerolles"}


def test_a_broken_link_is_reported_and_ignored():
    app = open_page("cotation", query={"poids": "inconnu:3,occupation:500,is_qpv:1"})
    assert not app.exception
    warnings = " ".join(w.value for w in app.sidebar.warning)
    assert "« inconnu »" in warnings and "pilier « Occupation » : poids 500" in warnings
    assert _slider(app, "poids_pilier_occupation").value == 30
    assert _slider(app, "poids_indicateur_is_qpv").value == 1


def test_search_filters_the_table_and_says_what_to_do_when_nothing_matches():
    app = open_page("cotation")
    app.text_input(key="cotation_recherche").input("buxerolles").run()
    assert set(ranking_of(app)["commune_name"]) == {"Buxerolles"}
    app.text_input(key="cotation_recherche").input("zzzz introuvable").run()
    assert ranking_of(app) is None
    assert any("Aucune résidence ne correspond à « zzzz introuvable »" in i.value for i in app.info)


def test_selecting_a_residence_shows_its_card_and_puts_it_in_the_url():
    app = open_page("cotation")
    app.selectbox(key="cotation_residence").select("GP-0001").run()
    assert app.query_params["residence"] == "GP-0001"
    assert app.main.subheader[0].value == "La Cour de la Fontaine"
    card = next(m.value for m in app.markdown if "<table class='key-figures'>" in m.value)
    assert "Rang" in card and "référence" in card and "/ 100" in card
    link = app.get("page_link")[0].proto
    assert link.label == "Ouvrir la fiche de la résidence"
    assert (link.page, link.query_string) == ("residence", "residence=GP-0001")


def test_comparison_tab_shows_the_transition_matrix_and_the_largest_changes():
    app = open_page("cotation", query={"vue": COMPARISON_TAB, "poids": "occupation:60"})
    assert not app.exception
    assert app.get("plotly_chart")
    changes = next(m.value for m in app.markdown if "top-changes" in m.value)
    assert changes.count("<tr>") == 11  # header + 10 residences
    assert _metric(app, "Plus grand déplacement").endswith("rangs")


def test_comparison_tab_says_how_to_see_differences_when_there_are_none():
    app = open_page("cotation", query={"vue": COMPARISON_TAB})
    assert any("Déplacez un curseur" in i.value for i in app.info)


def test_sensitivity_is_computed_on_demand():
    app = open_page("cotation", query={"vue": SENSITIVITY_TAB, "residence": "GP-0001"})
    assert any("Activez le calcul" in i.value for i in app.info)
    app.toggle(key="sensibilite").set_value(True).run()
    assert not app.exception
    labels = [m.label for m in app.metric]
    assert {"Classe stable", "Classe fragile", "Classe instable"} <= set(labels)
    assert app.get("plotly_chart")
    assert len(app.dataframe[0].value) == 10


def test_a_link_with_the_sensitivity_switched_on_shows_the_draws():
    # The browser writes the switch into the link (tests/e2e/test_cotation.py); here it is read.
    app = open_page("cotation", query={"vue": SENSITIVITY_TAB, "sensibilite": "true"})
    assert app.toggle(key="sensibilite").value is True
    assert not any("Activez le calcul" in i.value for i in app.info)
    assert {"Classe stable", "Classe fragile", "Classe instable"} <= {m.label for m in app.metric}
    app.toggle(key="sensibilite").set_value(False).run()
    assert any("Activez le calcul" in i.value for i in app.info)


def test_projector_mode_shows_the_map_and_the_top_changes_only():
    app = open_page("cotation", query={"projecteur": "1", "poids": "occupation:60"})
    assert not app.exception
    assert app.toggle(key="cotation_projecteur").value is True
    assert any("top-changes" in m.value for m in app.markdown)
    assert any(".top-changes {font-size: 1.3rem;}" in m.value for m in app.markdown)
    assert any("legend-strip" in m.value for m in app.markdown)
    assert not app.tabs and ranking_of(app) is None and not app.metric
    assert len(app.sidebar.slider) == 4  # the pillars; the indicators once opened
    assert len(open_indicator_sliders(app).sidebar.slider) == 25
    assert app.get("component_instance")  # the map


@pytest.mark.parametrize("profile", ["reference", "cadre_de_vie", "occupation_sociale"])
def test_every_profile_opens_without_error(profile):
    app = open_page("cotation", query={"profil": profile})
    assert app.selectbox(key="qp_profil").value == profile
    assert _metric(app, "Résidences cotées").endswith("sur 541")


# --- Method panel ------------------------------------------------------------------------------


def test_the_method_panel_starts_from_the_profile_method():
    app = open_page("cotation")
    assert _method(app) == ("winsorise", "minmax", "arithmetic", "natural_breaks")
    classes = app.selectbox(key="methode_classes")
    assert classes.options == ["Seuils fixes 80 / 65 / 50 / 35", "Quintiles", "Seuils naturels"]
    assert app.selectbox(key="methode_extremes").options == [
        "Aucun traitement",
        "Valeurs extrêmes traitées",
    ]
    assert app.selectbox(key="methode_normalisation").options == [
        "Min–max",
        "Rang centile",
        "Score z",
        "Bornes fixes",
    ]
    assert all(app.selectbox(key=key).help for key in METHOD_KEYS)
    assert app.button(key="methode_reinitialiser").disabled
    assert "methode" not in app.query_params


def test_quintile_classes_cut_the_parc_in_five_and_a_link_reopens_them():
    app = open_page("cotation")
    app.selectbox(key="methode_classes").select("quantiles").run()
    assert not app.exception
    assert app.query_params["methode"] == "classes:quantiles"
    expected = _engine_scores("reference", class_method="quantiles")
    counts = class_counts(expected)
    assert counts.to_dict() == {"A": 109, "B": 108, "C": 108, "D": 108, "E": 108, "NC": 0}
    shown = _shown(app)["class_shown"].value_counts().reindex(counts.index, fill_value=0)
    assert shown.to_dict() == counts.to_dict()
    _assert_same_scores(app, expected)
    assert _metric(app, "Classe A") == "109 résidences"
    # The reference profile keeps its natural breaks in the comparison: 237 change class.
    reference = _engine_scores("reference")
    moved = (expected["score_class"].astype(str) != reference["score_class"].astype(str)).sum()
    assert moved == 237
    assert _metric(app, "Changent de classe") == "237 résidences"
    assert "A — très attractive (les 20 % les mieux notées, note ≥ " in _legend(app)
    caption = next(c.value for c in app.caption if "Méthode modifiée" in c.value)
    assert "classes : quintiles au lieu de seuils naturels" in caption
    assert not app.button(key="methode_reinitialiser").disabled

    link = {key: app.query_params[key] for key in ("profil", "methode")}
    reopened = open_page("cotation", query=link)
    assert _method(reopened) == ("winsorise", "minmax", "arithmetic", "quantiles")
    assert not reopened.sidebar.warning
    _assert_same_scores(reopened, expected)


@pytest.mark.parametrize(
    ("query", "pillars", "method"),
    [
        pytest.param(
            {"methode": "agregation:geometric"}, None, {"aggregation": "geometric"}, id="geo"
        ),
        pytest.param(
            {"methode": "normalisation:rank,classes:quantiles"},
            None,
            {"normalisation": "rank", "class_method": "quantiles"},
            id="rank-quintiles",
        ),
        pytest.param(
            {"methode": "extremes:none,classes:thresholds"},
            None,
            {"treatment": "none", "class_method": "thresholds"},
            id="raw-values-fixed-thresholds",
        ),
        pytest.param(
            {"methode": "normalisation:goalposts,agregation:geometric", "poids": "occupation:60"},
            {"occupation": 60},
            {"normalisation": "goalposts", "aggregation": "geometric"},
            id="goalposts-weights",
        ),
    ],
)
def test_a_method_scores_exactly_as_a_profile_with_that_method(query, pillars, method):
    app = open_page("cotation", query=query)
    assert not app.exception
    assert not app.sidebar.warning
    assert app.query_params["methode"] == query["methode"]
    _assert_same_scores(app, _engine_scores("reference", pillars, **method))
    # The comparison stays against the reference profile with its own method.
    reference = _engine_scores("reference")
    shown = _shown(app).reindex(reference.index)
    assert (_ranks(shown["rank_reference"]) == _ranks(reference["rank"])).all()


def test_a_normalisation_change_changes_the_ranking_table():
    app = open_page("cotation")
    ranking = _ranking(app)
    app.selectbox(key="methode_normalisation").select("zscore").run()
    assert not app.exception
    assert _ranking(app) != ranking
    assert app.query_params["methode"] == "normalisation:zscore"
    expected = _engine_scores("reference", normalisation="zscore")
    counts = class_counts(expected).to_dict()
    assert counts == {"A": 150, "B": 178, "C": 122, "D": 70, "E": 21, "NC": 0}
    _assert_same_scores(app, expected)
    assert _metric(app, "Changent de classe") == "161 résidences"


def test_weight_moves_after_a_normalisation_change_never_refit(monkeypatch):
    app = open_page("cotation", query={"methode": "normalisation:zscore"})
    fits = []
    original = CompositeIndex.fit

    def counting_fit(self, df):
        fits.append(self.spec.method.normalisation)
        return original(self, df)

    monkeypatch.setattr(CompositeIndex, "fit", counting_fit)
    for value in (45, 60, 10):
        _slider(app, "poids_pilier_occupation").set_value(value).run()
        assert not app.exception
    assert fits == []
    _assert_same_scores(
        app, _engine_scores("reference", {"occupation": 10}, normalisation="zscore")
    )


def test_comparison_tab_says_when_only_the_classes_change():
    app = open_page("cotation", query={"vue": COMPARISON_TAB, "methode": "classes:quantiles"})
    assert not app.exception
    assert _metric(app, "Changent de classe") == "237 résidences"
    assert _metric(app, "Plus grand déplacement") == "0 rang"
    assert app.get("plotly_chart")  # the transition matrix
    assert any("Aucune résidence ne change de rang" in i.value for i in app.info)


def test_picking_a_profile_resets_the_method():
    app = open_page("cotation", query={"methode": "agregation:geometric,classes:quantiles"})
    assert _method(app) == ("winsorise", "minmax", "geometric", "quantiles")
    app.selectbox(key="qp_profil").select("occupation_sociale").run()
    assert not app.exception
    assert _method(app) == ("winsorise", "rank", "arithmetic", "quantiles")  # that profile's
    assert "methode" not in app.query_params
    assert not any("Méthode modifiée" in c.value for c in app.caption)
    app.selectbox(key="methode_classes").select("thresholds").run()
    assert app.query_params["methode"] == "classes:thresholds"
    app.selectbox(key="qp_profil").select("reference").run()
    assert _method(app) == ("winsorise", "minmax", "arithmetic", "natural_breaks")
    assert "methode" not in app.query_params


def test_the_method_button_restores_the_profile_method_and_keeps_the_weights():
    app = open_page("cotation", query={"methode": "agregation:geometric", "poids": "occupation:40"})
    assert any("Méthode modifiée" in c.value for c in app.caption)
    app.button(key="methode_reinitialiser").click().run()
    assert _method(app) == ("winsorise", "minmax", "arithmetic", "natural_breaks")
    assert "methode" not in app.query_params
    assert _slider(app, "poids_pilier_occupation").value == 40
    assert not any("Méthode modifiée" in c.value for c in app.caption)


def test_an_unknown_method_in_a_link_is_reported_and_the_profile_kept():
    app = open_page("cotation", query={"methode": "normalisation:percentile,classes:quantiles"})
    assert not app.exception
    warnings = " ".join(w.value for w in app.sidebar.warning)
    assert "Lien partagé : normalisation : valeur « percentile » inconnue" in warnings
    assert "celle du profil est gardée (« Min–max »)" in warnings
    assert "minmax" not in warnings
    assert _method(app) == ("winsorise", "minmax", "arithmetic", "quantiles")
    assert app.query_params["methode"] == "classes:quantiles"


def test_the_sensitivity_follows_the_method_in_force():
    app = open_page("cotation", query={"vue": SENSITIVITY_TAB})
    app.toggle(key="sensibilite").set_value(True).run()
    labels = ("Classe stable", "Classe fragile", "Classe instable")
    before = [_metric(app, label) for label in labels]
    app.selectbox(key="methode_classes").select("quantiles").run()
    assert not app.exception
    spec = _engine_spec("reference", class_method="quantiles")
    result = run_sensitivity(
        _indicator_table(),
        spec,
        methods=uncertainty_normalisations(spec),
        treatments=UNCERTAIN_TREATMENTS,
    )
    bands = stability_summary(result).set_index("label")
    expected = [
        fmt_count(bands.loc[label, "n_residences"], "résidence", "résidences") for label in labels
    ]
    assert [_metric(app, label) for label in labels] == expected
    assert expected != before


# --- Class certainty ---------------------------------------------------------------------------


def _card(app) -> str:
    return next(m.value for m in app.markdown if "<table class='key-figures'>" in m.value)


def test_the_card_and_the_ranking_say_how_sure_each_class_is():
    app = open_page("cotation", query={"residence": "GP-0001"})
    expected = class_certainty(_indicator_table(), load_profile("reference")).residences
    row = expected.loc["GP-0001"]
    card = _card(app)
    assert "<th>Certitude de la classe</th>" in card
    assert f"<td>sûre à {fmt_pct(row['class_probability_pct'], 0)}</td>" in card
    assert "<td class='ref'>C à D selon les tirages</td>" in card
    ranking = ranking_of(app).set_index("residence_id").reindex(expected.index)
    # shown as whole percentages
    np.testing.assert_allclose(
        ranking["class_probability_pct"], expected["class_probability_pct"], atol=0.5
    )


def test_moved_weights_give_the_certainty_on_demand():
    app = open_page("cotation", query={"residence": "GP-0001", "poids": "occupation:60"})
    assert "class_probability_pct" not in ranking_of(app).columns
    assert "<td>non calculée pour ces poids</td>" in _card(app)
    app.toggle(key="cotation_certitude").set_value(True).run()
    assert not app.exception
    spec = _engine_spec("reference", {"occupation": 60})
    expected = class_certainty(_indicator_table(), spec).residences
    ranking = ranking_of(app).set_index("residence_id").reindex(expected.index)
    # shown as whole percentages
    np.testing.assert_allclose(
        ranking["class_probability_pct"], expected["class_probability_pct"], atol=0.5
    )
    assert "non calculée" not in _card(app)


def test_the_effective_weights_tab_says_redundancy_raises_a_weight_and_shows_why():
    app = open_page("cotation", query={"vue": "Poids effectifs"})
    caption = " ".join(c.value for c in app.caption)
    assert "Un indicateur qui en répète un autre pèse plus" in caption
    assert "pèse moins que son poids nominal" in caption
    assert "ou qui répète un autre indicateur, pèse moins" not in caption
    assert len(app.get("vega_lite_chart")) == 1
    table = next(m.value for m in app.markdown if "corr-table" in m.value)
    # Every indicator with a weight, by its French label, beside the heat map.
    for label in ("Étiquette énergie (DPE)", "Quartier prioritaire (QPV)", "Taux de vacance"):
        assert f"<td class=''>{label}</td>" in table
    assert "Le plus lié à" in table


def test_the_ranking_is_sent_one_page_at_a_time_sorted_on_the_whole(monkeypatch):
    monkeypatch.setattr(cotation_ranking, "PAGE_SIZE", 25)
    app = open_page("cotation")
    first = ranking_of(app)
    assert list(first["rank"]) == list(range(1, 26))
    page = app.number_input(key="classement_page")
    assert page.label == "Page (sur 22)" and page.value == 1
    assert any(c.value.startswith("Résidences 1 à 25 sur 541.") for c in app.caption)
    page.set_value(22).run()
    last = ranking_of(app)
    assert len(last) == 541 - 21 * 25
    assert any(c.value.startswith("Résidences 526 à 541 sur 541.") for c in app.caption)
    # Sorting by name sorts the whole ranking (accents ignored) and goes back to page 1.
    app.selectbox(key="classement_tri").set_value("Résidence").run()
    assert app.number_input(key="classement_page").value == 1
    names = list(ranking_of(app)["residence_name"])
    assert names == sorted(names, key=cotation_ranking._sort_key)
    app.selectbox(key="classement_ordre").set_value("décroissant").run()
    assert ranking_of(app)["residence_name"].iloc[0] != names[0]
    # A search pages what it found.
    app.text_input(key="cotation_recherche").input("buxerolles").run()
    assert set(ranking_of(app)["commune_name"]) == {"Buxerolles"}
    assert app.number_input(key="classement_page").value == 1


def test_an_indicator_weight_stays_when_its_expander_is_closed():
    app = open_page("cotation")
    indicator_slider(app, "poids_indicateur_is_qpv").set_value(7).run()
    ranking = _ranking(app)
    assert app.query_params["poids"] == "is_qpv:7"
    for pillar in ("occupation", "patrimoine", "equipements", "environnement"):
        app.session_state[indicators_open_key(pillar)] = False
    app.run()
    assert len(app.sidebar.slider) == 4
    assert app.query_params["poids"] == "is_qpv:7"
    assert _ranking(app) == ranking
    assert _slider(app, "poids_indicateur_is_qpv").value == 7
