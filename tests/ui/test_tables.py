"""Tables of the pages made ready for export: rounded as shown, units in the headers."""

from __future__ import annotations

import pandas as pd
import pytest

from ui.tables import export_frame


def test_export_frame_rounds_as_shown_and_names_the_unit():
    out = export_frame(
        pd.DataFrame({"Taux SRU": [19.6149], "Écart": [0.44], "Nom": ["a"]}),
        {"Taux SRU": (1, "%"), "Écart": (1, "pts")},
    )
    assert list(out.columns) == ["Taux SRU (%)", "Écart (points)", "Nom"]
    assert out.iloc[0, 0] == pytest.approx(19.6)


def test_counts_are_exported_as_whole_numbers():
    from reports.table_files import csv_bytes

    table = pd.DataFrame({"Logements": [156.0, 2076.0, None], "Taux": [12.34, 5.0, 1.0]})
    out = export_frame(table, {"Logements": (0, ""), "Taux": (1, "%")})
    text = csv_bytes(out, is_demo=False).decode("utf-8-sig")
    assert text.splitlines() == ["Logements;Taux (%)", "156;12,3", "2076;5,0", ";1,0"]
