"""Tables written as HTML in a page (``ui.tables.html_table``), read back as the reader sees
them: one DataFrame of texts per table, headers as shown."""

from __future__ import annotations

from html.parser import HTMLParser

import pandas as pd


class _Tables(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tables: list[tuple[list[str], list[list[str]]]] = []
        self._cell: list[str] | None = None
        self._row: list[str] | None = None
        self._head = False

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag == "table":
            self.tables.append(([], []))
        elif tag == "tr":
            self._row, self._head = [], False
        elif tag in ("td", "th") and self.tables:
            self._cell, self._head = [], tag == "th"

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        elif tag == "tr" and self._row is not None and self.tables:
            headers, rows = self.tables[-1]
            if self._head and not headers:
                headers.extend(self._row)
            elif self._row:
                rows.append(self._row)
            self._row = None


def html_tables(text: str) -> list[pd.DataFrame]:
    """Every ``<table>`` of ``text``, cells as the texts shown (numbers written in French)."""
    parser = _Tables()
    parser.feed(text)
    return [pd.DataFrame(rows, columns=headers) for headers, rows in parser.tables]


# The ranking of the cotation page: header shown → column of the cotation table.
RANKING_COLUMNS = {
    "Rang": "rank",
    "Résidence": "residence_name",
    "Commune": "commune_name",
    "Note (/ 100)": "score",
    "Classe": "class_shown",
    "Sûre à": "class_probability_pct",
    "Classes possibles": "class_range",
    "Écart de rang": "rank_shift",
    "Rang (référence)": "rank_reference",
    "Patrimoine (/ 100)": "score_patrimoine",
    "Occupation (/ 100)": "score_occupation",
    "Équipements (/ 100)": "score_equipements",
    "Environnement (/ 100)": "score_environnement",
    "Logements": "n_dwellings",
    "Quartier": "quartier_name",
    "Bailleur": "bailleur",
    "Identifiant": "residence_id",
}
TEXT_COLUMNS = {"residence_name", "commune_name", "class_shown", "class_range", "quartier_name"}
TEXT_COLUMNS |= {"bailleur", "residence_id"}


def read_number(text: str) -> float | str:
    """A number written in French (« 1 234,5 % », « −3 », « +2 ») back as a float, « — » as
    NaN; another text (« s ») as it is."""
    if text == "—":
        return float("nan")
    digits = text.replace("\u202f", "").replace("\u00a0", "").replace("%", "").strip()
    try:
        return float(digits.replace("−", "-").replace(",", "."))
    except ValueError:
        return text
