"""BPE and GTFS stops → equipment points of the cotation's families, and distances to them."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from geodata.errors import DataValidationError
from geodata.official.bpe import convert_bpe
from geodata.official.gtfs import convert_stops
from geodata.proximity import load_families, nearest_distances

SAMPLES = Path(__file__).resolve().parents[1] / "samples"


def test_bpe_keeps_the_configured_types_near_the_territory():
    equipment, report = convert_bpe(SAMPLES / "bpe_86_extrait.csv")
    rows = equipment[["family", "type_code", "x_l93_m", "y_l93_m"]].values.tolist()
    assert rows == [
        ["school", "C108", 497300.0, 6611400.0],
        ["health", "D265", 497000.0, 6612000.0],
        ["shops", "B105", 496400.0, 6611000.0],
        ["transit", "E107", 497800.0, 6613000.0],
    ]
    assert (report.rows_read, report.rows_kept, report.rows_rejected) == (7, 4, 1)
    assert report.rows_left_aside == 2  # A101 (another type) and a school in Paris
    assert "ligne 8, colonne « LAMBERT_X », valeur «  »" in str(report.examples[0])
    assert report.notes[0] == (
        "Équipements gardés : école 1, médecin généraliste 1, commerce alimentaire 1, arrêt de "
        "transport en commun 1 ; 1 ligne(s) d'autres types d'équipement laissée(s) de côté."
    )


def test_gtfs_stops_are_transit_equipment():
    equipment, report = convert_stops(SAMPLES / "gtfs_stops.txt")
    assert equipment["family"].tolist() == ["transit", "transit"]
    assert equipment["type_code"].tolist() == ["arret", "arret"]
    assert equipment[["x_l93_m", "y_l93_m"]].round(2).values.tolist() == [
        [497080.0, 6611060.0],
        [497800.0, 6613000.0],
    ]
    assert (report.rows_read, report.rows_kept, report.rows_left_aside) == (4, 2, 2)


def test_nearest_distances_with_the_spatial_index():
    equipment, _ = convert_bpe(SAMPLES / "bpe_86_extrait.csv")
    xs, ys = np.array([497000.0, 497000.0, 497600.0]), np.array([6611000.0, 6611100.0, 6611000.0])
    distances = nearest_distances(xs, ys, equipment)
    assert distances["dist_school_m"].tolist() == [500.0, 424.0, 500.0]
    assert distances["dist_health_m"].tolist() == [1000.0, 900.0, 1166.0]
    assert distances["dist_shops_m"].tolist() == [600.0, 608.0, 1200.0]
    assert set(distances) == {f.column for f in load_families().values()}
    empty = nearest_distances(xs, ys, equipment[equipment["family"] == "school"])
    assert np.isnan(empty["dist_health_m"]).all()


def test_a_bpe_without_its_columns_or_without_equipment_is_refused(tmp_path):
    path = tmp_path / "bpe.csv"
    path.write_text("DEPCOM;TYPE\n86194;C108\n")
    with pytest.raises(DataValidationError, match="TYPEQU introuvable"):
        convert_bpe(path)
    pd.DataFrame(
        {"DEPCOM": ["86194"], "TYPEQU": ["A101"], "LAMBERT_X": [497000], "LAMBERT_Y": [6611000]}
    ).to_csv(path, sep=";", index=False)
    with pytest.raises(DataValidationError, match="aucun équipement des familles retenues"):
        convert_bpe(path)
