"""RPLS at dwelling level → residences, on hand-made files in both published layouts."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from geodata.errors import DataValidationError
from geodata.official.grouping import residence_id
from geodata.official.rpls import convert_rpls
from geodata.schemas import RESIDENCES

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
COLUMNS = [
    "residence_name",
    "commune_code",
    "is_qpv",
    "n_dwellings",
    "n_t1",
    "n_t2",
    "n_t3",
    "n_t4",
    "n_t5_plus",
    "mean_surface_m2",
    "year_built",
    "dpe_label",
    "financing",
]


def _rows(residences: pd.DataFrame) -> dict:
    table = residences.set_index("residence_name")[COLUMNS[1:]].astype(object)
    table = table.where(table.notna(), None)
    return {name: list(values) for name, values in table.iterrows()}


@pytest.fixture(scope="module")
def older():
    return convert_rpls(SAMPLES / "rpls_ancien_cp1252.csv")


def test_older_layout_residences_are_exact(older):
    residences, _ = older
    assert _rows(residences) == {
        # name: commune, QPV, dwellings, T1..T5+, mean m², year, DPE, financing
        "12 Rue des Écoles": ["86194", True, 4, 1, 0, 2, 0, 1, 62.5, 1968, "D", "PLUS"],
        "3 bis Avenue du Cœur de Ville": ["86194", False, 2, 0, 1, 0, 1, 0, 62.0, 2005, "B", "PLS"],
        "Rue du Moulin (lieu 1)": ["86194", False, 2, 0, 2, 0, 0, 0, 51.0, 1990, "C", "PLUS"],
        "Rue du Moulin (lieu 2)": ["86194", False, 1, 0, 0, 0, 1, 0, 85.0, 1990, "C", "PLUS"],
        "L’Église": ["86041", False, 2, 0, 0, 2, 0, 0, 70.0, 1955, None, "avant 1977"],
        "5 Allée des Pins": ["86214", False, 1, 0, 1, 0, 0, 0, 50.0, 2015, "A", "PLI"],
    }
    assert list(residences.columns) == RESIDENCES.all_names
    assert residences.crs.to_epsg() == 4326
    ecoles = residences[residences["residence_name"] == "12 Rue des Écoles"].iloc[0]
    assert ecoles["address"] == "12 Rue des Écoles, Poitiers"
    assert ecoles["residence_id"] == residence_id(
        "86194", "86194|Bailleur non renseigné (RPLS)|12 RUE DES ECOLES"
    )
    assert ecoles["bailleur"] == "Bailleur non renseigné (RPLS)"
    point = residences.to_crs(2154).geometry[residences["residence_name"] == "12 Rue des Écoles"]
    assert (round(point.x.iloc[0]), round(point.y.iloc[0])) == (497000, 6611000)
    for column in ("rent_eur_m2", "psp_class", "has_lift", "dist_school_m", "quartier_code"):
        assert residences[column].isna().all(), column


def test_older_layout_report_counts_and_reasons(older):
    _, report = older
    assert (report.rows_read, report.rows_kept, report.rows_left_aside) == (18, 12, 2)
    assert report.rows_rejected == 4
    assert report.kind_label == "RPLS au logement (modèle antérieur à 2023)"
    assert report.format_label == "CSV (séparateur « ; », encodage Windows-1252)"
    examples = {e.line: str(e) for e in report.examples}
    assert "colonne « SURFHAB », valeur « abc »" in examples[16]
    assert "valeur « 498705 ; 6615154 » : point situé à Buxerolles (86041)" in examples[17]
    assert "colonne « X », valeur «  »" in examples[18]
    assert "colonne « NBPIECE », valeur « 0 »" in examples[19]
    notes = "\n".join(report.notes)
    assert "12 logements → 6 résidences" in notes
    assert "3 logements sans numéro de voie, regroupés par rue" in notes
    assert "1 adresse(s) dont les logements sont à plus de 250 m" in notes
    assert "séparées en 2 résidences" in notes
    assert "2 logements sans nom de voie, regroupés par lieu-dit" in notes
    assert "1 résidence(s) réunissent des logements construits à plus de 20 ans" in notes
    assert "DPEENERGIE : 1 valeur(s) non reconnue(s)" in notes and "« H »" in notes


def test_2023_layout_with_mixed_epsg_and_labels():
    residences, report = convert_rpls(SAMPLES / "rpls_2023_utf8_bom.csv")
    assert _rows(residences) == {
        "1 Rue André Malraux": ["86115", False, 3, 0, 1, 2, 0, 0, 60.0, 2012, "C", "PLUS"],
        "12 Rue des Écoles": ["86194", True, 2, 1, 1, 0, 0, 0, 35.0, 1968, "E", "PLAI"],
    }
    assert report.kind_label.startswith("RPLS au logement (modèle 2023")
    assert report.format_label == "CSV (séparateur « , », encodage UTF-8 avec BOM)"
    assert (report.rows_read, report.rows_kept, report.rows_left_aside) == (7, 5, 1)
    assert "colonne « EPSG », valeur « 999999 »" in str(report.examples[0])
    # The same address as in the older file: the same residence identifier across vintages.
    older, _ = convert_rpls(SAMPLES / "rpls_ancien_cp1252.csv")
    assert set(residences["residence_id"]) & set(older["residence_id"]) == {
        residence_id("86194", "86194|Bailleur non renseigné (RPLS)|12 RUE DES ECOLES")
    }


def test_grouping_by_building_splits_an_address(tmp_path, monkeypatch):
    text = (SAMPLES / "rpls_ancien_cp1252.csv").read_bytes().decode("cp1252").splitlines()
    header = text[0].split(";")
    rows = [r.split(";") for r in text[1:5]]  # the four dwellings of 12 rue des Écoles
    for row, building in zip(rows, ["A", "A", "B", "B"], strict=True):
        row[header.index("BAT")] = building
    path = tmp_path / "rpls.csv"
    path.write_text("\n".join([text[0], *(";".join(r) for r in rows)]) + "\n", encoding="utf-8")
    from geodata.official import grouping

    settings = grouping.load_grouping()
    monkeypatch.setattr(
        grouping,
        "load_grouping",
        lambda: grouping.GroupingSettings("batiment", 250, 20, (), settings.street_types),
    )
    monkeypatch.setattr("geodata.official.rpls.load_grouping", grouping.load_grouping)
    residences, report = convert_rpls(path)
    assert sorted(residences["n_dwellings"]) == [2, 2]
    assert "Regroupement par l'adresse et le bâtiment : 4 logements → 2 résidences." in report.notes


def test_a_file_without_the_rpls_columns_is_refused(tmp_path):
    path = tmp_path / "autre.csv"
    path.write_text("DEPCOM;NOMVOIE\n86194;RUE X\n")
    with pytest.raises(DataValidationError) as info:
        convert_rpls(path)
    assert "ligne 1" in str(info.value) and "« NBPIECE »" in str(info.value)


def test_a_file_with_no_dwelling_of_the_territory_is_refused(tmp_path):
    text = (SAMPLES / "rpls_ancien_cp1252.csv").read_bytes().decode("cp1252").splitlines()
    path = tmp_path / "chatellerault.csv"
    path.write_text("\n".join([text[0], *[r for r in text if r.startswith("86066")]]) + "\n")
    with pytest.raises(DataValidationError, match="aucun logement des 40 communes"):
        convert_rpls(path)
