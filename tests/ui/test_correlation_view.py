"""The correlation heat map and its table, on the example of a repeated indicator."""

from __future__ import annotations

import pandas as pd
import pytest
from altair.utils import schemapi

from scoring.correlation import closest_partner, indicator_correlations, score_correlations
from scoring.index import CompositeIndex
from scoring.sensitivity import effective_weights
from scoring.spec import IndexSpec, Indicator, Method, Pillar
from services.cotation_weights import weight_table
from ui.chart_theme import chart_title
from ui.correlation_view import active_codes, correlation_chart, partner_table, table_html


@pytest.fixture
def index() -> CompositeIndex:
    spec = IndexSpec(
        name="doublon",
        pillars=(Pillar("p", "P", weight=1),),
        indicators=(
            Indicator("a", "Loyer", "p", 1, 1.0),
            Indicator("a2", "Loyer bis", "p", 1, 1.0),
            Indicator("b", "Ascenseur <b>", "p", 1, 1.0),
            Indicator("z", "Sans poids", "p", 1, 0.0),
        ),
        method=Method(normalisation="minmax", treatment="none"),
    )
    table = pd.DataFrame(
        {"a": [0.0, 1, 2, 4], "a2": [0.0, 1, 2, 4], "b": [4.0, 1, 0, 3], "z": [1.0, 2, 3, 5]},
        index=pd.Index(["r1", "r2", "r3", "r4"], name="residence_id"),
    )
    return CompositeIndex(spec).fit(table)


def test_the_table_reads_the_weights_and_the_correlations(index):
    weights = weight_table(index.spec, effective_weights(index))
    codes = active_codes(weights)
    assert codes == ["a", "a2", "b"]
    labels = {c: str(weights.loc[c, "label"]) for c in codes}
    corr = indicator_correlations(index)
    table = partner_table(weights, score_correlations(index), closest_partner(corr, codes), labels)
    assert table.to_dict("list") == {
        "Indicateur": ["Loyer", "Loyer bis", "Ascenseur <b>"],
        "Nominal": ["33,3\u00a0%", "33,3\u00a0%", "33,3\u00a0%"],
        "Effectif": ["40,2\u00a0%", "40,2\u00a0%", "19,5\u00a0%"],
        # 16,5 / √(8,75 × 41) and 8 / √(10 × 41).
        "r avec la note": ["0,87", "0,87", "0,40"],
        # −1 / √87,5.
        "Le plus lié à": ["Loyer bis (1,00)", "Loyer (1,00)", "Loyer (-0,11)"],
    }
    assert "Ascenseur &lt;b&gt;" in table_html(table) and "<b>" not in table_html(table)


def test_the_heat_map_is_valid_and_labelled_in_french(index):
    labels = {"a": "Loyer", "a2": "Loyer bis", "b": "Ascenseur"}
    chart = correlation_chart(indicator_correlations(index), labels)
    assert chart_title(chart) == "Corrélations entre les indicateurs du profil"
    with schemapi.debug_mode(True):
        spec = chart.to_dict(validate=True)
    rows = [row for rows in spec["datasets"].values() for row in rows]
    assert len(rows) == 9
    cell = next(r for r in rows if (r["ligne"], r["colonne"]) == ("Ascenseur", "Loyer"))
    assert cell["r_texte"] == "-0,11"
    assert spec["encoding"]["x"]["sort"] == ["Loyer", "Loyer bis", "Ascenseur"]
