"""What the import page shows before confirming: previews, points and outlines, and the French
lines shared with the command line."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import box

from geodata.errors import DataValidationError
from geodata.import_report import SourceReport
from services import data_import, import_text
from services.import_preview import (
    import_bounds,
    import_outlines,
    import_points,
    preview_frame,
    previews,
)

SAMPLES = Path(__file__).resolve().parents[1] / "geodata" / "samples"


@pytest.fixture(scope="module")
def prepared():
    return data_import.prepare(
        {
            "rpls": SAMPLES / "rpls_ancien_cp1252.csv",
            "bpe": SAMPLES / "bpe_86_extrait.csv",
            "qpv": SAMPLES / "qp2024_extrait.geojson",
        }
    )


def test_a_preview_of_each_table_with_points_as_longitude_and_latitude(prepared):
    shown = previews(prepared)
    assert [(p.table, p.rows) for p in shown] == [("residences", 6), ("equipment", 4), ("qpv", 1)]
    residences = shown[0].frame
    assert list(residences.columns[-2:]) == ["longitude", "latitude"]
    assert "geometry" not in residences.columns and "geometry" not in shown[2].frame.columns
    first = residences.set_index("residence_name").loc["12 Rue des Écoles"]
    assert (first["longitude"], first["latitude"]) == (0.34915, 46.56836)
    assert len(preview_frame(prepared.supplied.frames["residences"], rows=2)) == 2


def test_every_point_of_the_import_with_its_layer(prepared):
    points = import_points(prepared)
    assert Counter(points["layer"]) == {
        "résidence": 6,
        "école": 1,
        "médecin généraliste": 1,
        "commerce alimentaire": 1,
        "arrêt de transport en commun": 1,
    }
    school = points.set_index("layer").loc["école"]
    assert (school["longitude"], school["latitude"], school["name"]) == (0.35289, 46.57205, "C108")
    assert points["longitude"].between(0.0, 1.0).all()  # WGS 84, in the Vienne
    assert {label: len(f) for label, f in import_outlines(prepared).items()} == {
        "Quartiers prioritaires (QPV)": 1
    }


def test_every_point_has_a_place_in_words_even_a_stop_without_commune():
    prepared = data_import.prepare(
        {"bpe": SAMPLES / "bpe_86_extrait.csv", "arrets": SAMPLES / "gtfs_stops.txt"}
    )
    points = import_points(prepared)
    assert list(points["place"]) == ["Poitiers"] * 4 + ["commune non renseignée"] * 2
    assert points[["layer", "name", "place"]].notna().all().all()


def test_an_import_without_points_has_an_empty_points_table():
    prepared = data_import.prepare([], reset=["tout"])
    assert import_points(prepared).empty and import_outlines(prepared) == {}
    assert import_bounds(import_points(prepared), {}) is None


def _flat(bounds):
    return [value for corner in bounds for value in corner]


def test_the_map_fits_the_points_and_outlines_and_at_least_a_small_area():
    points = pd.DataFrame({"longitude": [0.30, 0.40], "latitude": [46.50, 46.505]})
    assert _flat(import_bounds(points, {}, min_span_deg=0.02)) == pytest.approx(
        [46.4925, 0.30, 46.5125, 0.40]
    )
    outline = gpd.GeoDataFrame(geometry=[box(0.2, 46.4, 0.25, 46.6)], crs=4326)
    assert _flat(import_bounds(points, {"QPV": outline})) == pytest.approx([46.4, 0.2, 46.6, 0.4])
    single = points.head(1)
    assert _flat(import_bounds(single, {}, min_span_deg=0.02)) == pytest.approx(
        [46.49, 0.29, 46.51, 0.31]
    )


def test_the_lines_of_a_file_report():
    report = SourceReport("rpls.csv", "rpls", "RPLS au logement", "CSV (séparateur « ; »)")
    report.rows_read, report.rows_kept, report.rows_left_aside = 1500, 1490, 5
    error = DataValidationError(
        "fichier « rpls.csv », ligne 7, colonne « SURFHAB », valeur « abc » : attendu une surface."
    )
    report.reject("SURFHAB : une surface", error, count=5)
    report.notes.append("Regroupement par l'adresse normalisée.")
    assert import_text.file_lines(report) == [
        "Fichier « rpls.csv » : RPLS au logement, CSV (séparateur « ; »)",
        "lignes lues : 1\u202f500 ; gardées : 1\u202f490 ; hors du territoire : 5 ; rejetées : 5",
        "5 rejetée(s) : SURFHAB : une surface",
        "par exemple fichier « rpls.csv », ligne 7, colonne « SURFHAB », valeur « abc » : "
        "attendu une surface.",
        "Regroupement par l'adresse normalisée.",
    ]
