"""Peer groups: KMeans on standardised features, stable labels and French names."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import adjusted_rand_score

from config import ConfigError
from scoring.peers import (
    FeatureSpec,
    GroupingSettings,
    PeerGroups,
    bootstrap_stability,
    load_grouping_settings,
)
from tests.scoring.peer_synthetic import make_parc

TINY_SETTINGS = GroupingSettings(
    features=(
        FeatureSpec(
            "n_dwellings",
            "Nombre de logements",
            naming="head",
            high="Grands ensembles",
            low="Petites résidences",
            mid="Résidences de taille moyenne",
        ),
        FeatureSpec("is_qpv", "En QPV", naming="share", high="en QPV", low="hors QPV"),
        FeatureSpec("year_built", "Année de construction", naming="period"),
    )
)


@pytest.fixture
def tiny():
    """Three obvious kinds: 5 grands ensembles in QPV, 4 small recent, 3 middle-sized."""
    rows = {
        "ge1": (200, True, 1962),
        "ge2": (210, True, 1964),
        "ge3": (190, True, 1966),
        "ge4": (205, True, 1968),
        "ge5": (195, True, 1970),
        "pr1": (10, False, 2001),
        "pr2": (12, False, 2003),
        "pr3": (14, False, 2005),
        "pr4": (16, False, 2007),
        "mo1": (80, False, 1985),
        "mo2": (82, False, 1986),
        "mo3": (84, False, 1987),
    }
    table = pd.DataFrame.from_dict(
        rows, orient="index", columns=["n_dwellings", "is_qpv", "year_built"]
    )
    return table.rename_axis("residence_id")


@pytest.fixture(scope="module")
def parc():
    return make_parc(600, seed=0)


# --- the tiny, hand-checked case -----------------------------------------------------------------


def test_tiny_groups_labels_and_names(tiny):
    model = PeerGroups(n_groups=3, settings=TINY_SETTINGS).fit(tiny)
    # groups are numbered by decreasing size: 5 grands ensembles, 4 small, 3 middle-sized
    assert model.labels_.tolist() == [0] * 5 + [1] * 4 + [2] * 3
    assert model.labels_.index.equals(tiny.index)
    assert model.sizes_.tolist() == [5, 4, 3]
    # sizes: mean 108.17, sd 82.02 → z +1.12, -1.16, -0.32; years by interquartile range
    assert model.names_.tolist() == [
        "Grands ensembles en QPV, années 1960-1970",
        "Petites résidences hors QPV, années 2000-2010",
        "Résidences de taille moyenne hors QPV, années 1985-1990",
    ]
    assert model.centroids_.at[0, "n_dwellings"] == 200.0
    assert model.centroids_.at[1, "is_qpv"] == 0.0
    assert model.mean_["n_dwellings"] == pytest.approx(1298 / 12)
    assert model.centroid_z_.at[2, "n_dwellings"] == pytest.approx((82 - 1298 / 12) / 82.01914)
    assert model.group_names()["mo2"] == model.names_[2]


def test_missing_values_are_imputed_with_the_median_and_kept(tiny):
    holed = tiny.astype({"year_built": float})
    holed.loc["mo2", "year_built"] = np.nan
    model = PeerGroups(n_groups=3, settings=TINY_SETTINGS).fit(holed)
    assert model.medians_["year_built"] == float(np.nanmedian(holed["year_built"]))
    assert model.labels_.notna().all() and len(model.labels_) == 12
    assert model.labels_["mo2"] == model.labels_["mo1"]


def test_predict_assigns_new_residences_to_the_nearest_group(tiny):
    model = PeerGroups(n_groups=3, settings=TINY_SETTINGS).fit(tiny)
    assert model.predict(tiny).equals(model.labels_)
    new = pd.DataFrame(
        {
            "n_dwellings": [230, 11, 11],
            "is_qpv": [True, False, False],
            "year_built": [1967, 2004, np.nan],
        },
        index=["nouvelle_ge", "nouvelle_pr", "annee_inconnue"],
    )
    # a missing year takes the fitted median (1985.5), which pulls towards the middle group
    assert model.predict(new).tolist() == [0, 1, 2]


@pytest.mark.parametrize(
    ("table", "message"),
    [
        pytest.param(
            pd.DataFrame({"a": [1.0, 2.0]}, index=["x", "x"]), "en double : x", id="duplicates"
        ),
        pytest.param(
            pd.DataFrame({"psp": ["conforter", "démolir"]}, index=["x", "y"]),
            "non numériques « psp »",
            id="text",
        ),
        pytest.param(pd.DataFrame({"a": [np.nan, np.nan]}, index=["x", "y"]), "vides", id="empty"),
        pytest.param(pd.DataFrame({"a": [1.0, np.inf]}, index=["x", "y"]), "infinies", id="inf"),
        pytest.param(pd.DataFrame(index=["x"]), "tableau vide", id="no-columns"),
    ],
)
def test_bad_features_are_refused(table, message):
    with pytest.raises(ValueError, match=message):
        PeerGroups(n_groups=1, settings=GroupingSettings()).fit(table)


def test_too_many_groups_are_refused(tiny):
    with pytest.raises(ValueError, match="n_groups = 13"):
        PeerGroups(n_groups=13, settings=TINY_SETTINGS).fit(tiny)


def test_not_fitted():
    with pytest.raises(RuntimeError, match="fit"):
        PeerGroups().predict(pd.DataFrame({"a": [1.0]}))


# --- the synthetic parc --------------------------------------------------------------------------


def test_silhouette_finds_the_planted_kinds(parc):
    model = PeerGroups(settings=load_grouping_settings()).fit(parc.features)
    assert model.n_groups_ == 6
    assert adjusted_rand_score(parc.archetype, model.labels_) > 0.9
    assert model.silhouette_by_k_.index.tolist() == list(range(4, 11))
    assert model.silhouette_ == pytest.approx(model.silhouette_by_k_.max())
    assert model.names_.is_unique
    assert "Grands ensembles" in " ".join(model.names_)


def test_same_data_same_groups_whatever_the_row_order(parc):
    first = PeerGroups().fit(parc.features)
    again = PeerGroups().fit(parc.features)
    shuffled = parc.features.sample(frac=1.0, random_state=7)
    other = PeerGroups().fit(shuffled)
    assert first.labels_.equals(again.labels_)
    assert first.names_.equals(again.names_)
    assert other.labels_.loc[first.labels_.index].equals(first.labels_)
    assert other.names_.equals(first.names_)


def test_weights_change_what_matters(tiny):
    heavy_year = GroupingSettings(
        features=(
            FeatureSpec("n_dwellings", "Taille", weight=0.01),
            FeatureSpec("is_qpv", "QPV", weight=0.01),
            FeatureSpec("year_built", "Année", weight=10.0),
        )
    )
    model = PeerGroups(n_groups=2, settings=heavy_year).fit(tiny)
    assert model.weights_.tolist() == [0.01, 0.01, 10.0]
    # by year alone: the 1960s against 1985-2007
    assert model.labels_.tolist() == [1] * 5 + [0] * 7


def test_large_tables_choose_k_on_a_subsample():
    big = make_parc(3_000, seed=3)
    settings = GroupingSettings(selection_sample_size=1_000, silhouette_sample_size=500)
    model = PeerGroups(settings=settings).fit(big.features)
    assert model.n_groups_ == 6
    assert len(model.labels_) == 3_000
    assert adjusted_rand_score(big.archetype, model.labels_) > 0.9


# --- stability -----------------------------------------------------------------------------------


def test_bootstrap_stability_is_high_on_structured_data(parc):
    stability = bootstrap_stability(parc.features, n_resamples=8)
    assert stability.n_groups == 6
    assert len(stability.ari) == 8
    assert stability.mean_ari > 0.95
    assert stability.min_ari <= stability.mean_ari <= 1.0


def test_bootstrap_stability_is_low_on_noise():
    rng = np.random.default_rng(0)
    noise = pd.DataFrame(rng.random((300, 5)), columns=list("abcde"))
    stability = bootstrap_stability(noise, n_groups=8, n_resamples=8, settings=GroupingSettings())
    assert stability.mean_ari < 0.8


# --- settings ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        pytest.param({"n_init": 5}, "n_init", id="n_init"),
        pytest.param({"k_min": 6, "k_max": 4}, "k_min", id="range"),
        pytest.param({"n_groups": 0}, "n_groups", id="n_groups"),
    ],
)
def test_invalid_grouping_settings(kwargs, message):
    with pytest.raises(ConfigError, match=message):
        GroupingSettings(**kwargs)


# --- invariants ----------------------------------------------------------------------------------


@settings(max_examples=25, deadline=None)
@given(
    data=st.integers(12, 40).flatmap(
        lambda n: st.lists(
            st.tuples(st.integers(1, 500), st.booleans(), st.integers(1900, 2025)),
            min_size=n,
            max_size=n,
            unique=True,
        )
    ),
    k=st.integers(2, 4),
)
def test_any_table_gets_consistent_groups(data, k):
    table = pd.DataFrame(
        data,
        columns=["n_dwellings", "is_qpv", "year_built"],
        index=[f"r{i:02d}" for i in range(len(data))],
    )
    model = PeerGroups(n_groups=k, settings=TINY_SETTINGS).fit(table)
    assert sorted(model.labels_.unique()) == list(range(k))
    assert model.sizes_.sum() == len(table)
    assert model.sizes_.is_monotonic_decreasing
    assert model.names_.is_unique
    assert model.predict(table).equals(model.labels_)
