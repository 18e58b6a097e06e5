"""CSV and Excel files of tables: French Excel conventions and the demo-data label."""

from __future__ import annotations

import io

import numpy as np
import openpyxl
import pandas as pd
import pytest

from geodata.schemas import DEMO_NOTICE
from reports.table_files import ORIGIN_COLUMN, csv_bytes, excel_bytes, sheet_name, with_origin

TABLE = pd.DataFrame(
    {
        "Commune": ["Buxerolles", "Montamisé"],
        "Taux SRU": [19.6, np.nan],
        "Déficit (logements)": [19, 155],
    }
)


def test_csv_is_utf8_with_bom_semicolons_and_decimal_commas():
    data = csv_bytes(TABLE, is_demo=False)
    assert data.startswith(b"\xef\xbb\xbf")
    lines = data.decode("utf-8-sig").splitlines()
    assert lines[0] == "Commune;Taux SRU;Déficit (logements)"
    assert lines[1] == "Buxerolles;19,6;19"


def test_a_missing_value_is_an_empty_cell_never_zero():
    lines = csv_bytes(TABLE, is_demo=False).decode("utf-8-sig").splitlines()
    assert lines[2] == "Montamisé;;155"


@pytest.mark.parametrize(
    ("is_demo", "expected"),
    [
        pytest.param(True, [ORIGIN_COLUMN, "Commune"], id="demo-labelled"),
        pytest.param(False, ["Commune"], id="imported-unlabelled"),
    ],
)
def test_demo_exports_carry_the_notice_on_every_row(is_demo, expected):
    frame = with_origin(TABLE, is_demo)
    assert list(frame.columns[: len(expected)]) == expected
    text = csv_bytes(TABLE, is_demo=is_demo).decode("utf-8-sig")
    assert text.count(DEMO_NOTICE) == (len(TABLE) if is_demo else 0)


def test_excel_workbook_has_a_notice_sheet_and_the_tables_for_demo_data():
    data = excel_bytes({"Situation 2022": TABLE}, is_demo=True, title="SRU")
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["Avertissement", "Situation 2022"]
    assert book["Avertissement"]["A2"].value == DEMO_NOTICE
    sheet = book["Situation 2022"]
    assert [c.value for c in sheet[1]] == [ORIGIN_COLUMN, *TABLE.columns]
    assert sheet["C2"].value == pytest.approx(19.6)
    assert sheet["C3"].value is None


def test_excel_workbook_of_imported_data_has_no_notice():
    data = excel_bytes({"Situation": TABLE}, is_demo=False, title="SRU")
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["Situation"]


def test_an_empty_workbook_is_refused():
    with pytest.raises(ValueError, match="aucune table"):
        excel_bytes({}, is_demo=True, title="SRU")


def test_sheet_names_follow_excel_rules():
    assert sheet_name("Objectifs 2023/2025 : [CMS]") == "Objectifs 2023-2025 - -CMS-"
    assert len(sheet_name("x" * 40)) == 31


def test_a_figure_beside_a_masked_cell_keeps_its_decimal_comma():
    frame = pd.DataFrame({"Commune": ["a", "b", "c"], "Part (%)": [12.5, "s", float("nan")]})
    text = csv_bytes(frame, is_demo=False).decode("utf-8-sig")
    assert text.splitlines() == ["Commune;Part (%)", "a;12,5", "b;s", "c;"]
