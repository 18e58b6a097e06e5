"""The demo generator is deterministic and the committed files are its output."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from geodata import housing
from geodata.demo.__main__ import main
from geodata.demo.build import write_demo
from geodata.demo.households import has_housing_benefit, resources_for_q1_share
from geodata.demo.params import days_to_dates, generator, year_of
from geodata.paths import DEMO_DIR


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory):
    """The demo data set written again into a temporary directory."""
    return write_demo(tmp_path_factory.mktemp("demo"))


@pytest.mark.parametrize("name", [pytest.param(n, id=n) for n in housing.HOUSING_TABLES])
def test_committed_files_equal_a_fresh_generation(regenerated, name):
    committed_path = DEMO_DIR / housing.file_name(name)
    assert committed_path.exists(), f"{committed_path.name} absent : lancer python -m geodata.demo"
    if name == "residences":
        committed, fresh = gpd.read_parquet(committed_path), gpd.read_parquet(regenerated[name])
        assert committed.crs == fresh.crs
        assert committed.geometry.geom_equals_exact(fresh.geometry, tolerance=0).all()
        committed, fresh = committed.drop(columns="geometry"), fresh.drop(columns="geometry")
    else:
        committed, fresh = pd.read_parquet(committed_path), pd.read_parquet(regenerated[name])
    pd.testing.assert_frame_equal(committed, fresh, check_exact=True)


def test_demo_files_are_compact():
    total = sum((DEMO_DIR / housing.file_name(n)).stat().st_size for n in housing.HOUSING_TABLES)
    assert total < 5 * 1024 * 1024


def test_streams_are_reproducible_and_independent():
    a = generator("flows").random(3)
    assert np.array_equal(a, generator("flows").random(3))
    assert not np.array_equal(a, generator("demands").random(3))


def test_day_conversions():
    days = np.array([0.0, 17532.0, np.nan])  # 1970-01-01, 2018-01-01, none
    dates = days_to_dates(days)
    assert str(dates[1]) == "2018-01-01T00:00:00.000000"
    assert np.isnat(dates[2])
    assert year_of(np.array([0, 17532, 17531])).tolist() == [1970, 2018, 2017]


def test_resources_hit_the_requested_first_quartile_share():
    rng = np.random.default_rng(1)
    p = np.full(200_000, 0.3)
    resources = resources_for_q1_share(p, 28.0, rng)
    assert abs((resources < 28.0).mean() - 0.3) < 0.005


def test_housing_benefit_threshold_grows_with_household_size():
    draws = np.full(2, 0.5)
    # At 45 % of the ceiling a single person is above its threshold (38 %), a family of four
    # below its own (62 %): p = expit(4 × ln(threshold / 45)).
    got = has_housing_benefit(np.array([45.0, 45.0]), np.array([1, 4]), draws)
    assert got.tolist() == [False, True]


def test_command_line_refuses_extra_arguments(capsys):
    assert main(["a", "b"]) == 2
    assert "usage" in capsys.readouterr().err


def test_another_seed_draws_another_parc_and_restores_the_default(tmp_path):
    from geodata.demo.params import seeded

    default = generator("flows").random(3)
    with seeded(2024):
        other = generator("flows").random(3)
    assert not np.array_equal(default, other)
    assert np.array_equal(default, generator("flows").random(3))
    assert main([str(tmp_path), "--seed", "2024"]) == 0
    drawn = pd.read_parquet(tmp_path / housing.file_name("occupancy"))
    committed = pd.read_parquet(DEMO_DIR / housing.file_name("occupancy"))
    assert not drawn.equals(committed)


def test_a_seed_must_be_a_whole_number(capsys):
    assert main(["--seed", "deux"]) == 2
    assert "--seed" in capsys.readouterr().err
