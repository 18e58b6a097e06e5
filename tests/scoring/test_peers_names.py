"""French names of peer groups: head noun, qualifiers, period, uniqueness."""

from __future__ import annotations

import pandas as pd
import pytest

from config import ConfigError
from scoring.peers import FeatureSpec, NamingSettings, format_period, name_groups

SIZE = FeatureSpec(
    "n_dwellings",
    "Nombre de logements",
    naming="head",
    high="Grands ensembles",
    low="Petites résidences",
    mid="Résidences de taille moyenne",
)
QPV = FeatureSpec("is_qpv", "En QPV", naming="share", high="en QPV", low="hors QPV")
RENT = FeatureSpec("rent_eur_m2", "Loyer", high="à loyer élevé", low="à loyer modéré")
CENTRE = FeatureSpec("dist_centre_m", "Distance", high="en périphérie", low="en centre-ville")
YEAR = FeatureSpec("year_built", "Année", naming="period")
SPECS = {s.name: s for s in (SIZE, QPV, RENT, CENTRE, YEAR)}


@pytest.mark.parametrize(
    ("q25", "q75", "expected"),
    [
        pytest.param(1962, 1971, "années 1960-1975", id="outwards"),
        pytest.param(1970, 1970, "années 1970-1975", id="one-bracket"),
        pytest.param(1964.5, 1965, "années 1960-1965", id="round-edges"),
        pytest.param(1950, 1985, "", id="too-wide"),
        pytest.param(float("nan"), 1985, "", id="unknown"),
    ],
)
def test_format_period(q25, q75, expected):
    assert format_period(YEAR, q25, q75) == expected


def _name(z: dict, shares: dict | None = None, years=(1960, 1975), naming=None):
    columns = list(z)
    groups = pd.Index([0], name="group")
    centroid_z = pd.DataFrame([z], index=groups, columns=columns)
    share = pd.DataFrame([shares or {c: 0.5 for c in columns}], index=groups, columns=columns)
    q25 = pd.DataFrame([{c: years[0] for c in columns}], index=groups)
    q75 = pd.DataFrame([{c: years[1] for c in columns}], index=groups)
    return name_groups(centroid_z, share, q25, q75, SPECS, naming).iloc[0]


def test_head_qualifiers_and_period():
    z = {"n_dwellings": 1.2, "is_qpv": 1.5, "rent_eur_m2": -0.9, "year_built": -1.0}
    shares = {"n_dwellings": 200, "is_qpv": 0.95, "rent_eur_m2": 5.0, "year_built": 1968}
    assert _name(z, shares) == "Grands ensembles en QPV, à loyer modéré, années 1960-1975"


def test_qualifiers_are_ranked_by_distance_and_limited():
    z = {"n_dwellings": -0.8, "rent_eur_m2": 0.6, "dist_centre_m": 1.4, "is_qpv": -0.7}
    shares = {"n_dwellings": 15, "rent_eur_m2": 7.0, "dist_centre_m": 9000, "is_qpv": 0.0}
    name = _name(z, shares, naming=NamingSettings(max_qualifiers=2))
    assert name == "Petites résidences en périphérie, hors QPV"


def test_features_close_to_the_population_add_nothing():
    z = {"n_dwellings": 0.3, "rent_eur_m2": 0.45, "is_qpv": 0.1}
    shares = {"n_dwellings": 60, "rent_eur_m2": 6.0, "is_qpv": 0.3}
    assert _name(z, shares) == "Résidences de taille moyenne"


def test_unconfigured_features_get_a_neutral_phrase():
    groups = pd.Index([0], name="group")
    z = pd.DataFrame({"has_lift": [1.0]}, index=groups)
    name = name_groups(z, z, z, z, {}, NamingSettings()).iloc[0]
    assert name == "Résidences has_lift au-dessus de la moyenne"


def test_names_are_unique_with_an_extra_qualifier_then_a_number():
    columns = ["n_dwellings", "is_qpv", "rent_eur_m2", "dist_centre_m"]
    groups = pd.Index([0, 1, 2], name="group")
    centroid_z = pd.DataFrame(
        [[1.0, 2.0, -1.0, 0.7], [1.0, 2.0, -1.0, -0.7], [1.0, 2.0, -1.0, -0.7]],
        index=groups,
        columns=columns,
    )
    shares = pd.DataFrame([[250, 1.0, 5.0, 2000]] * 3, index=groups, columns=columns)
    names = name_groups(centroid_z, shares, shares, shares, SPECS, NamingSettings())
    assert names.tolist() == [
        "Grands ensembles en QPV, à loyer modéré, en périphérie",
        "Grands ensembles en QPV, à loyer modéré, en centre-ville (1)",
        "Grands ensembles en QPV, à loyer modéré, en centre-ville (2)",
    ]


@pytest.mark.parametrize(
    "kwargs",
    [
        pytest.param({"naming": "colour"}, id="naming"),
        pytest.param({"transform": "sqrt"}, id="transform"),
        pytest.param({"weight": 0}, id="weight"),
        pytest.param({"share_low": 0.8, "share_high": 0.5}, id="shares"),
    ],
)
def test_invalid_rules_are_refused(kwargs):
    with pytest.raises(ConfigError, match="caractéristique « x »"):
        FeatureSpec("x", "X", **kwargs)
