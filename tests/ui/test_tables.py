"""Tables of the pages made ready for export: rounded as shown, units in the headers."""

from __future__ import annotations

import pandas as pd
import pytest

from ui.tables import export_frame, html_table


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


def test_html_table_writes_french_numbers_escapes_text_and_marks_the_total():
    frame = pd.DataFrame(
        {
            "Commune": ["<b>Saint-Benoît</b>", "Total"],
            "Taux SRU": [14.6, float("nan")],  # a total row sums no rate
            "Déficit (logements)": [1234.0, 1234.0],
        }
    )
    text = html_table(
        frame, {"Taux SRU": (1, "%"), "Déficit (logements)": (0, "")}, total_last=True
    )
    assert "<th scope='col'>Commune</th><th class='num' scope='col'>Taux SRU</th>" in text
    assert "<td>&lt;b&gt;Saint-Benoît&lt;/b&gt;</td>" in text
    assert "<td class='num'>14,6\u00a0%</td>" in text
    assert "<td class='num'>1\u202f234</td>" in text
    assert "<tr class='total'><td>Total</td><td class='num'></td>" in text
    assert "<td class='num'>—</td>" not in text  # Saint-Benoît's rate is known
    assert text.count("<tr class='total'>") == 1
