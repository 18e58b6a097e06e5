"""Calibration of the demo residences: size of the stock, places, quartiers prioritaires."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from geodata.communes import CRS_LAMBERT93, POITIERS_CODE, load_communes
from geodata.housing import load_residences
from geodata.quartiers import schematic_quartiers
from geodata.schemas import TABLES

QPV_QUARTIERS = {
    "Les Couronneries",
    "Les Trois-Cités",
    "Beaulieu",
    "Bel-Air",
    "Saint-Éloi",
    "Breuil-Mingot",
}
OTHER_SRU = {
    "86041",
    "86115",
    "86214",
    "86070",
    "86158",
    "86297",
    "86062",
    "86157",
    "86222",
    "86100",
    "86163",
}
SMALL_TOWNS = {
    "86133": "Ligugé",
    "86095": "Dissay",
    "86019": "Beaumont Saint-Cyr",
    "86226": "Saint-Julien-l'Ars",
}
REAL_BAILLEURS = (
    "ekidom",
    "habitat de la vienne",
    "atlantic",
    "logiparc",
    "sipea",
    "noalis",
    "scic",
    "domofrance",
)
NULLABLE = (
    "dpe_label",
    "dist_school_m",
    "dist_shops_m",
    "dist_health_m",
    "dist_transit_m",
    "tranquillity_reports_per_100",
    "green_space_share_pct",
    "private_rent_eur_m2",
)


@pytest.fixture(scope="module")
def residences():
    return load_residences()


@pytest.fixture(scope="module")
def communes():
    return load_communes()


@pytest.fixture(scope="module")
def quartiers(communes):
    poitiers = communes.loc[communes["commune_code"] == POITIERS_CODE, "geometry"].iloc[0]
    return schematic_quartiers(poitiers)


def test_size_of_the_stock(residences):
    assert 450 <= len(residences) <= 700
    assert 17_000 <= residences["n_dwellings"].sum() <= 22_000
    poitiers = residences.loc[residences["commune_code"] == POITIERS_CODE, "n_dwellings"].sum()
    assert poitiers / residences["n_dwellings"].sum() >= 0.75


def test_where_the_social_housing_is(residences, communes):
    by_commune = residences.groupby("commune_code")["n_dwellings"].sum()
    assert set(by_commune.index) >= OTHER_SRU
    assert (by_commune[list(OTHER_SRU)] >= 100).all()
    for code in SMALL_TOWNS:
        assert 20 <= by_commune.get(code, 0) <= 200, SMALL_TOWNS[code]
    population = communes.set_index("commune_code")["population"]
    rural = population.index[population < 1500]
    held = by_commune.reindex(rural).fillna(0)
    assert (held <= 30).all()
    assert (held == 0).sum() >= 5


def test_identifiers_and_names(residences):
    ids = residences["residence_id"]
    assert ids.str.fullmatch(r"GP-\d{4}").all()
    assert ids.is_unique and ids.is_monotonic_increasing
    assert residences["residence_name"].is_unique
    assert residences["address"].str.len().gt(10).all()


def test_typologies_sum_to_the_dwellings(residences):
    columns = ["n_t1", "n_t2", "n_t3", "n_t4", "n_t5_plus"]
    assert (residences[columns].sum(axis=1) == residences["n_dwellings"]).all()
    assert (residences[columns] >= 0).all().all()


def test_small_residences_are_present(residences):
    share = (residences["n_dwellings"] < 11).mean()
    assert 0.08 <= share <= 0.15


def test_poitiers_residences_lie_in_their_quartier(residences, quartiers):
    in_poitiers = residences[residences["commune_code"] == POITIERS_CODE]
    assert in_poitiers["quartier_code"].notna().all()
    cells = quartiers.set_index("quartier_code").geometry
    assert set(in_poitiers["quartier_code"]) <= set(cells.index)
    inside = in_poitiers.geometry.within(
        gpd.GeoSeries(
            cells.reindex(in_poitiers["quartier_code"]).to_numpy(),
            crs=cells.crs,
            index=in_poitiers.index,
        )
    )
    assert inside.all()
    assert residences.loc[residences["commune_code"] != POITIERS_CODE, "quartier_code"].isna().all()


def test_other_residences_cluster_in_their_commune(residences, communes):
    others = residences[residences["commune_code"] != POITIERS_CODE].to_crs(CRS_LAMBERT93)
    shapes = communes.to_crs(CRS_LAMBERT93).set_index("commune_code").geometry
    polygons = gpd.GeoSeries(
        shapes.reindex(others["commune_code"]).to_numpy(), crs=CRS_LAMBERT93, index=others.index
    )
    assert others.geometry.within(polygons).all()
    centres = gpd.GeoSeries(
        shapely.point_on_surface(polygons.to_numpy()), crs=CRS_LAMBERT93, index=others.index
    )
    assert others.geometry.distance(centres).max() <= 2_500


def test_qpv_only_in_the_six_quartiers(residences, quartiers):
    names = dict(zip(quartiers["quartier_code"], quartiers["quartier_name"], strict=True))
    qpv = residences[residences["is_qpv"]]
    assert (qpv["commune_code"] == POITIERS_CODE).all()
    assert set(qpv["quartier_code"].map(names)) == QPV_QUARTIERS
    six = residences["quartier_code"].map(names).isin(QPV_QUARTIERS)
    in_six = residences[six]
    assert in_six.loc[in_six["is_qpv"], "n_dwellings"].sum() / in_six["n_dwellings"].sum() >= 0.6


def test_qpv_residences_are_large_old_cheap_ensembles(residences):
    qpv, other = residences[residences["is_qpv"]], residences[~residences["is_qpv"]]
    sixties = qpv["year_built"].between(1958, 1978)
    assert qpv.loc[sixties, "n_dwellings"].sum() / qpv["n_dwellings"].sum() >= 0.7
    assert qpv["n_dwellings"].median() >= 2 * other["n_dwellings"].median()
    assert other["rent_eur_m2"].mean() - qpv["rent_eur_m2"].mean() >= 0.7
    poor_energy = residences["dpe_label"].isin(["E", "F", "G"])
    assert (
        poor_energy[residences["is_qpv"]].mean() > 1.5 * poor_energy[~residences["is_qpv"]].mean()
    )
    hard = residences["psp_class"].isin(["réhabiliter", "restructurer", "démolir"])
    assert hard[residences["is_qpv"]].mean() > 2 * hard[~residences["is_qpv"]].mean()
    assert (residences["psp_class"] == "démolir").sum() >= 3


def test_rehabilitated_buildings_have_better_labels(residences):
    old = residences[residences["year_built"] < 1975].dropna(subset=["dpe_label"])
    rank = old["dpe_label"].map({k: i for i, k in enumerate("ABCDEFG")})
    recent_rehab = old["year_rehab"].fillna(0) >= 2006
    assert rank[recent_rehab].mean() < rank[~recent_rehab].mean() - 1


def test_bailleurs_are_few_fictional_and_dominant_somewhere(residences):
    bailleurs = residences["bailleur"].unique()
    assert 4 <= len(bailleurs) <= 6
    lowered = " ".join(bailleurs).lower()
    assert not any(real in lowered for real in REAL_BAILLEURS)
    poitiers = residences[residences["commune_code"] == POITIERS_CODE]
    shares = poitiers.groupby("bailleur")["n_dwellings"].sum() / poitiers["n_dwellings"].sum()
    assert shares.max() >= 0.5
    by_commune = residences.groupby(["commune_code", "bailleur"])["n_dwellings"].sum()
    dominance = by_commune.groupby(level=0).max() / by_commune.groupby(level=0).sum()
    sizable = residences.groupby("commune_code")["n_dwellings"].sum() >= 100
    assert (dominance[sizable] > 0.85).sum() >= 2
    assert (dominance[sizable] <= 0.85).sum() >= 5


def test_equipment_is_closer_in_poitiers(residences):
    klass = np.select(
        [
            residences["commune_code"] == POITIERS_CODE,
            residences["commune_code"].isin(["86041", "86214", "86062", "86158", "86297"]),
        ],
        ["poitiers", "first_ring"],
        default="other",
    )
    medians = residences.groupby(klass)[
        ["dist_shops_m", "dist_health_m", "dist_transit_m"]
    ].median()
    assert (medians.loc["poitiers"] < medians.loc["first_ring"]).all()
    assert medians.loc["poitiers", "dist_transit_m"] <= 300
    assert medians.loc["other", "dist_transit_m"] >= 1_000


def test_a_few_cells_are_missing(residences):
    for column in NULLABLE:
        share = residences[column].isna().mean()
        assert 0 < share < 0.1, column
    required = [c.name for c in TABLES["residences"].columns if not c.nullable]
    assert residences[required].notna().all().all()


def test_values_are_in_range(residences):
    assert residences["year_built"].between(1850, 2024).all()
    rehab = residences["year_rehab"].dropna()
    built = residences.loc[rehab.index, "year_built"]
    assert (rehab > built).all() and (rehab <= 2025).all()
    assert residences["rent_eur_m2"].between(3.5, 12).all()
    assert residences["mean_surface_m2"].between(25, 110).all()
    ratio = residences["rent_eur_m2"] / residences["private_rent_eur_m2"]
    assert (ratio.dropna() < 1).all()
    assert pd.api.types.is_bool_dtype(residences["has_lift"])
    lift = residences.groupby(residences["n_dwellings"] >= 40)["has_lift"].mean()
    assert lift[True] > 2 * lift[False]
