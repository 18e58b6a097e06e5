"""The peers API end to end: configuration, the synthetic benchmark, determinism."""

from __future__ import annotations

import dataclasses
import re

import pandas as pd
import pytest

from config import ConfigError, load_toml
from scoring import peers
from scoring.peers import (
    FLAGS,
    PeerGroups,
    PeerSettings,
    flag_rebalancing,
    load_peer_settings,
    peer_settings_from_mapping,
)
from tests.scoring.peer_synthetic import FRAGILE_ARCHETYPE, make_parc

# --- configuration -------------------------------------------------------------------------------


def test_configuration_is_complete():
    settings = load_peer_settings()
    assert isinstance(settings, PeerSettings)
    grouping = settings.grouping
    assert grouping.n_groups is None  # chosen by silhouette
    assert (grouping.k_min, grouping.k_max, grouping.n_init) == (4, 10, 10)
    assert grouping.feature_names == [
        "n_dwellings",
        "small_units_pct",
        "large_units_pct",
        "year_built",
        "rent_eur_m2",
        "is_qpv",
        "dist_centre_m",
        "equipment_dist_m",
        "psp_intervention_level",
    ]
    assert all(f.label for f in grouping.features)
    assert dict(grouping.psp_levels)["démolir"] == 3
    flags = settings.flags
    assert (flags.rebalance_z, flags.capacity_z, flags.min_households) == (2.0, -1.0, 11)
    assert flags.capacity_classes == ("A", "B", "C")
    columns = [i.column for i in settings.fragility_indicators]
    assert columns[:5] == [
        "res_below_40_pct",
        "res_below_60_pct",
        "single_parent_pct",
        "no_employment_pct",
        "housing_benefit_pct",
    ]
    optional = {i.column for i in settings.fragility_indicators if i.optional}
    assert optional == {"vacancy_rate_pct", "tranquillity_reports_per_100"}


def test_configuration_never_groups_on_occupancy():
    settings = load_peer_settings()
    occupancy = {i.column for i in settings.fragility_indicators}
    assert not occupancy & set(settings.grouping.feature_names)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        pytest.param(lambda d: d.update(extra={}), "table(s) inconnue(s) extra", id="table"),
        pytest.param(
            lambda d: d["flags"].update(rebalance=2), "[flags] : clé(s) inconnue(s)", id="key"
        ),
        pytest.param(
            lambda d: d["fragility"]["indicators"]["single_parent_pct"].update(direction="up"),
            "direction = « up »",
            id="direction",
        ),
        pytest.param(
            lambda d: d["groups"]["features"]["n_dwellings"].update(naming="big"),
            "n_dwellings",
            id="naming",
        ),
        pytest.param(
            lambda d: d["flags"]["texts"].update(capacity="Accueillir {menages}"),
            "texts",
            id="text",
        ),
    ],
)
def test_configuration_errors_name_the_offending_key(change, message):
    data = load_toml("peers.toml")
    change(data)
    with pytest.raises(ConfigError, match=re.escape(message)):
        peer_settings_from_mapping(data)


def test_public_api():
    for name in peers.__all__:
        assert hasattr(peers, name)
    assert FLAGS == ("rebalance", "capacity", "balanced", "not_evaluated")


# --- the synthetic benchmark ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def benchmark():
    parc = make_parc(3_000, seed=0)
    model = PeerGroups().fit(parc.features)
    flags = flag_rebalancing(
        parc.fragility,
        model.labels_,
        parc.attractiveness_class,
        previous=parc.previous,
        n_households=parc.n_households,
        indicators=parc.indicators,
        group_names=model.names_,
    )
    return parc, model, flags


def test_planted_residences_are_recovered(benchmark):
    parc, _, flags = benchmark
    rebalance = flags["flag"].eq("rebalance")
    assert rebalance[parc.planted].mean() >= 0.90
    assert rebalance[~parc.planted].mean() <= 0.03


def test_planted_residences_are_recovered_by_level_alone(benchmark):
    parc, model, _ = benchmark
    flags = flag_rebalancing(parc.fragility, model.labels_, n_households=parc.n_households)
    rebalance = flags["flag"].eq("rebalance")
    assert flags.loc[rebalance, "rule"].eq("level").all()
    assert rebalance[parc.planted].mean() >= 0.90
    assert rebalance[~parc.planted].mean() <= 0.03


def test_the_over_represented_profile_is_named(benchmark):
    parc, _, flags = benchmark
    found = parc.planted & flags["flag"].eq("rebalance")
    assert (flags.loc[found, "profile"] == parc.planted_profile[found]).mean() >= 0.95
    first = flags.loc[found].iloc[0]
    assert first["recommendation"].startswith("Orienter les prochaines attributions")
    assert "profil sur-représenté" in first["recommendation"]


def test_a_fragile_kind_of_residence_is_not_flagged_for_being_fragile(benchmark):
    parc, _, flags = benchmark
    fragile = parc.archetype.eq(FRAGILE_ARCHETYPE) & ~parc.planted
    peer_rate = flags.loc[fragile, "flag"].eq("rebalance").mean()
    whole = flag_rebalancing(parc.fragility, pd.Series(0, index=parc.fragility.index))
    whole_rate = whole.loc[fragile, "flag"].eq("rebalance").mean()
    assert peer_rate <= 0.03
    assert whole_rate > 3 * peer_rate  # without peers, the whole kind would be singled out


def test_every_flag_is_explained(benchmark):
    _, _, flags = benchmark
    assert flags["flag"].isin(FLAGS).all()
    assert flags["reason"].str.len().gt(20).all()
    assert flags["recommendation"].str.len().gt(20).all()
    flagged = flags[flags["flag"].isin(["rebalance", "capacity"])]
    quoted = flagged["explained"].map(len)
    assert quoted.le(3).all()
    assert quoted.ge(1).mean() >= 0.95
    assert flagged["reason"].str.contains("médiane du groupe « ").all()


def test_same_data_same_groups_names_and_flags(benchmark):
    parc, model, flags = benchmark
    again = PeerGroups().fit(parc.features)
    assert again.names_.equals(model.names_)
    repeated = flag_rebalancing(
        parc.fragility,
        again.labels_,
        parc.attractiveness_class,
        previous=parc.previous,
        n_households=parc.n_households,
        indicators=parc.indicators,
        group_names=again.names_,
    )
    pd.testing.assert_frame_equal(repeated, flags)


def test_peer_settings_are_accepted_whole(benchmark):
    parc, model, flags = benchmark
    settings = load_peer_settings()
    strict = dataclasses.replace(settings, flags=dataclasses.replace(settings.flags, rebalance_z=3))
    out = flag_rebalancing(parc.fragility, model.labels_, settings=strict)
    assert out["flag"].eq("rebalance").sum() < flags["flag"].eq("rebalance").sum()
