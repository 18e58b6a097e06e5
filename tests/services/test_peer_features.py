"""Tests of the structural and contextual features of the residences."""

from __future__ import annotations

import dataclasses

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from geodata.communes import CRS_LAMBERT93, CRS_WGS84
from scoring.peers import load_peer_settings
from services.peer_features import centre_point, distance_to_centre, peer_features

NAN = np.nan
SETTINGS = load_peer_settings()


def centre_l93() -> tuple[float, float]:
    """The centre of Poitiers in Lambert-93 (x, y)."""
    lat, lon = centre_point()
    point = gpd.GeoSeries(gpd.points_from_xy([lon], [lat]), crs=CRS_WGS84).to_crs(CRS_LAMBERT93)
    return float(point.x.iloc[0]), float(point.y.iloc[0])


def structure(n: int) -> dict[str, list]:
    """Structural columns of ``n`` residences: three kinds of residence, repeated in turn."""
    base = {
        "n_dwellings": [20, 10, 4],
        "n_t1": [2, 0, 0],
        "n_t2": [8, 5, 0],
        "n_t3": [6, 5, 4],
        "n_t4": [3, 0, 0],
        "n_t5_plus": [1, 0, 0],
        "year_built": [1968, 1990, 2015],
        "rent_eur_m2": [5.1, 5.8, 6.4],
        "is_qpv": [True, False, False],
        "psp_class": ["démolir", "réhabiliter", "conforter"],
        "dist_school_m": [200.0, NAN, 600.0],
        "dist_shops_m": [100.0, 300.0, 600.0],
        "dist_health_m": [300.0, 500.0, 600.0],
        "dist_transit_m": [400.0, 100.0, 600.0],
    }
    return {key: (values * n)[:n] for key, values in base.items()}


def make_residences(n: int, offsets: list[tuple[float, float]]) -> gpd.GeoDataFrame:
    """``n`` residences R1… placed at ``offsets`` metres from the centre, in Lambert-93."""
    x0, y0 = centre_l93()
    frame = pd.DataFrame(
        {
            "residence_id": [f"R{i + 1}" for i in range(n)],
            "residence_name": [f"Résidence {i + 1}" for i in range(n)],
            "bailleur": ["Bailleur A"] * n,
            "commune_code": ["86194"] * n,
            "quartier_code": [None] * n,
            **structure(n),
        }
    )
    points = gpd.points_from_xy([x0 + dx for dx, _ in offsets], [y0 + dy for _, dy in offsets])
    return gpd.GeoDataFrame(frame, geometry=points, crs=CRS_LAMBERT93)


def test_features_are_derived_as_configured():
    residences = make_residences(3, [(0.0, 0.0), (3000.0, 4000.0), (-600.0, 800.0)])
    features = peer_features(residences, SETTINGS)
    assert list(features.columns) == SETTINGS.grouping.feature_names
    assert list(features.index) == ["R1", "R2", "R3"]
    r1, r2, r3 = (features.loc[r] for r in ("R1", "R2", "R3"))
    assert r1["small_units_pct"] == 50.0  # (2 + 8) / 20
    assert r1["large_units_pct"] == 20.0  # (3 + 1) / 20
    assert r2["small_units_pct"] == 50.0 and r2["large_units_pct"] == 0.0
    assert r1["equipment_dist_m"] == 250.0
    assert r2["equipment_dist_m"] == 300.0  # school unknown: mean of the three others
    assert [r1["psp_intervention_level"], r2["psp_intervention_level"]] == [3.0, 1.0]
    assert r3["psp_intervention_level"] == 0.0
    assert [r1["is_qpv"], r2["is_qpv"]] == [1.0, 0.0]
    assert r1["n_dwellings"] == 20.0 and r3["year_built"] == 2015.0 and r2["rent_eur_m2"] == 5.8
    assert r1["dist_centre_m"] == pytest.approx(0.0, abs=1e-6)
    assert r2["dist_centre_m"] == pytest.approx(5000.0)
    assert r3["dist_centre_m"] == pytest.approx(1000.0)


def test_distance_is_measured_in_lambert_93_whatever_the_crs():
    lat, lon = centre_point()
    assert (lat, lon) == (46.5805, 0.3404)
    wgs84 = gpd.GeoDataFrame(
        {"residence_id": ["R1", "R2"]},
        geometry=gpd.points_from_xy([lon, lon], [lat, lat + 0.01]),
        crs=CRS_WGS84,
    )
    distance = distance_to_centre(wgs84)
    assert distance[0] == pytest.approx(0.0, abs=1e-6)
    assert distance[1] == pytest.approx(1112.0, rel=0.01)  # 0.01° of latitude ≈ 1.11 km


def test_missing_geometry_gives_nan_distance():
    residences = make_residences(2, [(0.0, 0.0), (100.0, 0.0)])
    residences.loc[1, "geometry"] = None
    assert np.isnan(distance_to_centre(residences)[1])


def test_a_table_without_geometry_is_refused():
    residences = pd.DataFrame(make_residences(2, [(0.0, 0.0)] * 2).drop(columns="geometry"))
    with pytest.raises(ValueError, match="dist_centre_m"):
        peer_features(residences, SETTINGS)


def test_unknown_psp_class_is_named():
    residences = make_residences(2, [(0.0, 0.0)] * 2)
    residences.loc[0, "psp_class"] = "raser"
    with pytest.raises(ValueError, match="« raser »"):
        peer_features(residences, SETTINGS)


def test_groups_are_never_formed_on_occupancy():
    grouping = SETTINGS.grouping
    feature = dataclasses.replace(grouping.features[0], name="single_parent_pct")
    settings = dataclasses.replace(
        SETTINGS, grouping=dataclasses.replace(grouping, features=(feature,))
    )
    with pytest.raises(ValueError, match="jamais sur leur occupation"):
        peer_features(make_residences(2, [(0.0, 0.0)] * 2), settings)
