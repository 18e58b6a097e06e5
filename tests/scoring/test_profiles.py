"""Tests of weight profiles: the shipped ones load, each bad profile gives its French message."""

from __future__ import annotations

import copy

import pytest

from config import ConfigError
from scoring.catalogue import load_catalogue
from scoring.profiles import load_profile, parse_profile
from scoring.spec import Method, SpecError

SHIPPED = ("reference", "occupation_sociale", "cadre_de_vie")


def _valid() -> dict:
    return {
        "profile": {
            "name": "essai",
            "author": "Groupe de travail CIL",
            "date": "2024-09-12",
            "comment": "Essai",
        },
        "method": {"normalisation": "rank", "thresholds": [85, 70, 55, 40]},
        "pillar_weights": {"occupation": 50},
        "indicator_weights": {"dpe_rank": 5},
    }


def _parse(change=None):
    data = copy.deepcopy(_valid())
    if change is not None:
        change(data)
    return parse_profile(data, load_catalogue(), expected_name="essai")


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_profiles_load_with_audit_fields(name):
    spec = load_profile(name)
    assert spec.name == name
    assert spec.author and spec.comment and spec.label
    assert len(spec.date) == 10
    assert spec.codes == load_catalogue().codes


def test_shipped_profiles_contrast():
    specs = [load_profile(n) for n in SHIPPED]
    weights = {tuple(s.pillar_weights.round(3)) for s in specs}
    assert len(weights) == 3
    methods = {(s.method.normalisation, s.method.aggregation, s.method.class_method) for s in specs}
    assert len(methods) == 3


def test_reference_profile_treats_extreme_values_and_cuts_natural_breaks():
    method = load_profile("reference").method
    assert method.normalisation == "minmax"
    assert method.aggregation == "arithmetic"
    assert method.min_coverage == 0.7
    assert (method.treatment, method.winsor_max) == ("winsorise", 5)
    assert (method.skew_threshold, method.kurtosis_threshold) == (2.0, 3.5)
    assert method.class_method == "natural_breaks"
    assert method.thresholds == (80.0, 65.0, 50.0, 35.0)


@pytest.mark.parametrize("name", SHIPPED)
def test_every_shipped_profile_treats_extreme_values(name):
    assert load_profile(name).method.treatment == "winsorise"


def test_a_profile_treats_extreme_values_unless_it_says_otherwise():
    assert _parse().method.treatment == "winsorise"
    assert Method().treatment == "none"  # the engine alone changes nothing
    raw = _parse(lambda d: d["method"].update(treatment="none", winsor_max=3))
    assert (raw.method.treatment, raw.method.winsor_max) == ("none", 3)
    thresholds = _parse(lambda d: d["method"].update(skew_threshold=3, kurtosis_threshold=7))
    assert (thresholds.method.skew_threshold, thresholds.method.kurtosis_threshold) == (3.0, 7.0)


def test_profile_overrides_catalogue_weights_and_keeps_the_rest():
    spec = _parse()
    catalogue = load_catalogue()
    assert spec.pillar("occupation").weight == 50
    assert spec.pillar("patrimoine").weight == catalogue.pillar("patrimoine").weight
    assert spec.indicator("dpe_rank").weight == 5
    assert spec.indicator("has_lift").weight == catalogue.indicator("has_lift").weight
    assert spec.method.normalisation == "rank"
    assert spec.method.thresholds == (85.0, 70.0, 55.0, 40.0)
    assert spec.date == "2024-09-12"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        pytest.param(
            lambda d: d["profile"].pop("author"), "auteur manquant (clé « author »)", id="author"
        ),
        pytest.param(
            lambda d: d["profile"].pop("comment"),
            "commentaire manquant (clé « comment »)",
            id="comment",
        ),
        pytest.param(
            lambda d: d["profile"].update(date="12/09/2024"),
            "date « 12/09/2024 » invalide, attendu AAAA-MM-JJ",
            id="date",
        ),
        pytest.param(
            lambda d: d["profile"].update(name="autre"),
            "le nom « autre » ne correspond pas au fichier « essai.toml »",
            id="name-mismatch",
        ),
        pytest.param(
            lambda d: d["pillar_weights"].update(transport=10),
            "[pillar_weights] : pilier « transport » inconnu du catalogue",
            id="unknown-pillar",
        ),
        pytest.param(
            lambda d: d["indicator_weights"].update(bruit=1),
            "[indicator_weights] : indicateur « bruit » inconnu du catalogue",
            id="unknown-indicator",
        ),
        pytest.param(
            lambda d: d["indicator_weights"].update(is_qpv=-1),
            "indicateur « is_qpv » : poids négatif (-1)",
            id="negative-indicator-weight",
        ),
        pytest.param(
            lambda d: d["pillar_weights"].update(patrimoine=-5),
            "pilier « patrimoine » : poids négatif (-5)",
            id="negative-pillar-weight",
        ),
        pytest.param(
            lambda d: d.update(
                pillar_weights={
                    "patrimoine": 0,
                    "occupation": 0,
                    "equipements": 0,
                    "environnement": 0,
                }
            ),
            "tous les poids des piliers sont nuls",
            id="all-pillars-zero",
        ),
        pytest.param(
            lambda d: d["indicator_weights"].update(
                dist_school_m=0, dist_shops_m=0, dist_health_m=0, dist_transit_m=0
            ),
            "pilier « equipements » : tous les poids de ses indicateurs sont nuls",
            id="pillar-indicators-zero",
        ),
        pytest.param(
            lambda d: d["indicator_weights"].update(dpe_rank="fort"),
            "poids « fort » de « dpe_rank » invalide, attendu un nombre",
            id="weight-not-number",
        ),
        pytest.param(
            lambda d: d["method"].update(normalisation="log"),
            "méthode : normalisation « log » inconnue",
            id="normalisation",
        ),
        pytest.param(
            lambda d: d["method"].update(aggregation="médiane"),
            "méthode : agrégation « médiane » inconnue",
            id="aggregation",
        ),
        pytest.param(
            lambda d: d["method"].update(min_coverage=70),
            "méthode : couverture minimale « 70 » invalide",
            id="coverage",
        ),
        pytest.param(
            lambda d: d["method"].update(thresholds=[50, 65, 80, 35]),
            "méthode : seuils de classes [50, 65, 80, 35] invalides",
            id="thresholds-order",
        ),
        pytest.param(
            lambda d: d["method"].update(thresholds=[80, 65, 50]),
            "méthode : seuils de classes [80, 65, 50] invalides",
            id="thresholds-count",
        ),
        pytest.param(
            lambda d: d["method"].update(class_method="déciles"),
            "méthode : classement « déciles » inconnu",
            id="class-method",
        ),
        pytest.param(
            lambda d: d["method"].update(treatment="tronquer"),
            "méthode : traitement des valeurs extrêmes « tronquer » inconnu",
            id="treatment",
        ),
        pytest.param(
            lambda d: d["method"].update(winsor_max=2.5),
            "méthode : nombre maximal de valeurs winsorisées « 2.5 » invalide",
            id="winsor-max",
        ),
        pytest.param(
            lambda d: d["method"].update(skew_threshold=0),
            "méthode : seuil d'asymétrie « 0 » invalide",
            id="skew-threshold",
        ),
        pytest.param(
            lambda d: d["method"].update(kurtosis_threshold="haut"),
            "méthode : seuil d'aplatissement « haut » invalide",
            id="kurtosis-threshold",
        ),
        pytest.param(
            lambda d: d["method"].update(vitesse=2),
            "[method] : réglage « vitesse » inconnu",
            id="unknown-method-key",
        ),
        pytest.param(
            lambda d: d.update(poids={}), "section « poids » inconnue", id="unknown-section"
        ),
    ],
)
def test_bad_profile_gives_french_message(change, message):
    with pytest.raises(SpecError) as err:
        _parse(change)
    assert message in str(err.value)
    assert str(err.value).startswith("profil « essai »")


def test_load_profile_rejects_path_like_names():
    with pytest.raises(SpecError, match=r"nom de profil « \.\./reference » invalide"):
        load_profile("../reference")


def test_load_profile_missing_file():
    with pytest.raises(ConfigError, match="introuvable"):
        load_profile("inexistant")
