"""OPS surveys by commune and by residence."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from geodata.errors import DataValidationError
from geodata.official.ops import convert_ops

SAMPLES = Path(__file__).resolve().parents[1] / "samples"


def test_ops_by_commune_with_withheld_cells():
    level, frame, lines, report = convert_ops(SAMPLES / "ops_communes_cp1252.txt")
    assert lines.tolist() == [2, 3]
    assert level == "occupancy_communes"
    assert frame["commune_code"].tolist() == ["86194", "86041"]
    assert frame["n_households"].tolist() == [9850, 1020]
    assert frame["res_below_40_pct"].tolist() == [38.0, 27.4]
    assert np.isnan(frame["housing_benefit_pct"].iloc[0])  # « s »: secret statistique
    assert frame["housing_benefit_pct"].iloc[1] == 41.2
    assert (report.rows_read, report.rows_kept, report.rows_left_aside) == (3, 2, 1)
    assert "1 valeur(s) couverte(s) par le secret laissée(s) vide(s)." in report.notes


def test_proportions_are_turned_into_percentages(tmp_path):
    path = tmp_path / "ops.csv"
    path.write_text("residence_id;annee;menages;apl_pct\nR1;2024;20;0,5\nR2;2024;15;0,25\n")
    level, frame, _, report = convert_ops(path)
    assert level == "occupancy"
    assert frame["housing_benefit_pct"].tolist() == [50.0, 25.0]
    assert any("proportions" in n for n in report.notes)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        pytest.param("residence_id;menages;apl_pct\nR1;20;12\n", "année", id="no-year"),
        pytest.param("code;menages\nR1;20\n", "ni identifiant", id="no-key"),
        pytest.param("residence_id;annee;menages;apl_pct\nR1;2024;vingt;12\n", "ménages", id="n"),
        pytest.param("residence_id;annee;menages;apl_pct\nR1;2024;20;150\n", "100", id="share"),
        pytest.param("residence_id;annee;menages\nR1;2024;20\n", "aucune colonne de parts", id="x"),
    ],
)
def test_bad_ops_files_are_refused(tmp_path, text, fragment):
    path = tmp_path / "ops.csv"
    path.write_text(text)
    with pytest.raises(DataValidationError, match=fragment):
        convert_ops(path)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param(
            "DEPCOM;annee;nb_menages;part_ressources_inf_20\n86194;2024;9850;150\n",
            "fichier « ops.csv », ligne 2, colonne « part_ressources_inf_20 », valeur « 150 » : "
            "attendu un nombre inférieur ou égal à 100 % (ménages sous 20 % des plafonds plus).",
            id="share",
        ),
        pytest.param(
            "DEPCOM;annee;nb_menages;part_ressources_inf_20\n86194;24;9850;12,5\n",
            "fichier « ops.csv », ligne 2, colonne « annee », valeur « 24 » : attendu un nombre "
            "supérieur ou égal à 2000 (année de l'enquête ops).",
            id="year",
        ),
    ],
)
def test_a_value_out_of_range_is_quoted_with_the_column_and_cell_of_the_file(
    tmp_path, text, message
):
    path = tmp_path / "ops.csv"
    path.write_text(text)
    with pytest.raises(DataValidationError) as caught:
        convert_ops(path)
    assert str(caught.value) == message
