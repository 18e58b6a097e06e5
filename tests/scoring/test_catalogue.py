"""Tests of the indicator catalogue: the shipped file, each bad input and its French message."""

from __future__ import annotations

import copy

import pytest

from scoring.catalogue import load_catalogue, load_scales, parse_catalogue
from scoring.spec import SpecError

PILLARS = ("patrimoine", "occupation", "equipements", "environnement")


def _valid() -> dict:
    return {
        "pillars": [
            {"code": "bati", "label": "Bâti", "description": "d", "weight": 1},
            {"code": "cadre", "label": "Cadre", "description": "d", "weight": 1},
        ],
        "indicators": [
            {
                "code": code,
                "label": code.upper(),
                "description": "d",
                "pillar": pillar,
                "unit": "%",
                "direction": 1,
                "source": "OPS",
                "weight": 1,
            }
            for code, pillar in (("x1", "bati"), ("x2", "bati"), ("x3", "cadre"))
        ],
    }


def _with(change) -> dict:
    data = copy.deepcopy(_valid())
    change(data)
    return data


def test_valid_minimal_catalogue_parses():
    spec = parse_catalogue(_valid())
    assert spec.codes == ("x1", "x2", "x3")
    assert spec.pillar_codes == ("bati", "cadre")


def test_shipped_catalogue_has_four_pillars_and_enough_indicators():
    spec = load_catalogue()
    assert spec.pillar_codes == PILLARS
    assert [p.label for p in spec.pillars] == [
        "Patrimoine",
        "Occupation",
        "Équipements",
        "Environnement",
    ]
    assert len(spec.indicators) >= 16
    for pillar in PILLARS:
        assert sum(i.pillar == pillar for i in spec.indicators) >= 3, pillar


def test_shipped_catalogue_documents_every_indicator():
    for ind in load_catalogue().indicators:
        assert ind.label and ind.description and ind.unit and ind.source, ind.code
        assert ind.direction in (1, -1)
        assert ind.bounds is not None, f"{ind.code} sans bornes fixes"


def test_shipped_scales_are_ordinal_numbers():
    scales = load_scales()
    assert scales["dpe_label"] == {k: float(v) for k, v in zip("ABCDEFG", range(1, 8), strict=True)}
    assert scales["psp_class"]["conforter"] > scales["psp_class"]["démolir"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        pytest.param(
            lambda d: d["indicators"][0].update(pillar="inconnu"),
            "indicateur « x1 » : pilier « inconnu » inconnu",
            id="unknown-pillar",
        ),
        pytest.param(
            lambda d: d["indicators"][1].update(direction=0),
            "indicateur « x2 » : sens « 0 » invalide, attendu +1",
            id="direction-zero",
        ),
        pytest.param(
            lambda d: d["indicators"][1].update(direction=2),
            "indicateur « x2 » : sens « 2 » invalide",
            id="direction-two",
        ),
        pytest.param(
            lambda d: d["indicators"][2].update(weight=-1),
            "indicateur « x3 » : poids négatif (-1)",
            id="negative-weight",
        ),
        pytest.param(
            lambda d: d["indicators"].append(dict(d["indicators"][0])),
            "indicateur « x1 » défini deux fois",
            id="duplicate-code",
        ),
        pytest.param(
            lambda d: [i.update(weight=0) for i in d["indicators"][:2]],
            "pilier « bati » : tous les poids de ses indicateurs sont nuls",
            id="pillar-all-zero",
        ),
        pytest.param(
            lambda d: d["pillars"][0].update(weight=-3),
            "pilier « bati » : poids négatif (-3)",
            id="negative-pillar-weight",
        ),
        pytest.param(
            lambda d: d["pillars"].append(dict(d["pillars"][0])),
            "pilier « bati » défini deux fois",
            id="duplicate-pillar",
        ),
        pytest.param(
            lambda d: d["pillars"].append(
                {"code": "vide", "label": "Vide", "description": "", "weight": 1}
            ),
            "pilier « vide » : aucun indicateur ne lui est rattaché",
            id="empty-pillar",
        ),
        pytest.param(
            lambda d: d["indicators"][0].pop("label"),
            "indicateur « x1 » : champ « label » manquant",
            id="missing-field",
        ),
        pytest.param(
            lambda d: d["indicators"][0].update(wieght=1),
            "indicateur « x1 » : champ « wieght » inconnu",
            id="unknown-field",
        ),
        pytest.param(
            lambda d: d["indicators"][0].update(weight="lourd"),
            "indicateur « x1 » : champ « weight » invalide (« lourd »), attendu un nombre",
            id="weight-not-number",
        ),
        pytest.param(
            lambda d: d["indicators"][0].update(normalisation="log"),
            "indicateur « x1 » : normalisation « log » inconnue",
            id="unknown-normalisation",
        ),
        pytest.param(
            lambda d: d["indicators"][0].update(bounds=[5, 1]),
            "indicateur « x1 » : bornes [5, 1] invalides",
            id="bounds-reversed",
        ),
        pytest.param(
            lambda d: d["indicators"][0].update(normalisation="goalposts"),
            "indicateur « x1 » : normalisation par bornes fixes sans bornes",
            id="goalposts-without-bounds",
        ),
        pytest.param(
            lambda d: d["indicators"][0].update(code="X-1"),
            "indicateur « X-1 » : code invalide",
            id="bad-code",
        ),
        pytest.param(
            lambda d: d.update(extra={}),
            "section « extra » inconnue",
            id="unknown-section",
        ),
        pytest.param(
            lambda d: d.update(scales={"dpe_label": {"A": "un"}}),
            "barème « dpe_label » : valeur « un » de « A » invalide",
            id="bad-scale",
        ),
    ],
)
def test_bad_catalogue_gives_french_message(change, message):
    with pytest.raises(SpecError) as err:
        parse_catalogue(_with(change))
    assert message in str(err.value)
    assert str(err.value).startswith("catalogue « indicators.toml »")


def test_every_problem_is_listed_at_once():
    def two_problems(d):
        d["indicators"][0]["direction"] = 3
        d["indicators"][2]["weight"] = -2

    with pytest.raises(SpecError) as err:
        parse_catalogue(_with(two_problems))
    assert len(err.value.problems) == 2
    assert "2 problèmes" in str(err.value)
