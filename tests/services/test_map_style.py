"""Classes and colours shared by the interactive maps and the snapshots (services/map_style.py)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.classify import Classification, classify_values
from services.map_style import (
    CLASS_COLORS,
    MASKED,
    MASKED_HATCH,
    NO_DATA,
    SRU_NOT_SUBJECT_COLOR,
    class_colors,
    group_point_style,
    indicator_style,
    residence_point_style,
    sru_style,
)


def _values(values, masked):
    return pd.DataFrame(
        {"value": values, "is_masked": masked}, index=pd.Index(list("abcde"), name="code")
    )


def test_indicator_style_colours_classes_masked_and_missing_apart():
    values = _values([1.0, 5.0, np.nan, 9.0, np.nan], [False, False, True, False, False])
    classes = Classification("quantiles", (1.0, 5.0, 9.0))
    style = indicator_style(values, classes, 1, "%")
    colors = class_colors(2)
    assert list(style.fill) == [colors[0], colors[0], MASKED, colors[1], NO_DATA]
    assert list(style.class_index.astype("Float64").fillna(-1)) == [0, 0, -1, 1, -1]
    assert [(e.label, e.count, e.hatch) for e in style.legend] == [
        ("de 1,0 à 5,0\u00a0%", 2, ""),
        ("de 5,0 à 9,0\u00a0%", 1, ""),
        ("secret statistique", 1, MASKED_HATCH),
        ("non disponible", 1, ""),
    ]
    assert list(style.is_masked) == [False, False, True, False, False]


@settings(deadline=None, max_examples=60)
@given(
    st.lists(st.one_of(st.none(), st.floats(0, 100, allow_nan=False)), min_size=1, max_size=40),
    st.sampled_from(["quantiles", "natural_breaks"]),
)
def test_every_territory_is_counted_once_in_the_legend(raw, method):
    values = pd.DataFrame(
        {
            "value": [np.nan if v is None else v for v in raw],
            "is_masked": [v is None and i % 2 == 0 for i, v in enumerate(raw)],
        }
    )
    classes = classify_values(values["value"], method, 5)
    style = indicator_style(values, classes, 1, "%")
    assert sum(e.count for e in style.legend) == len(values)
    legend_colors = {e.color for e in style.legend}
    assert set(style.fill) <= legend_colors


def test_sru_style_puts_communes_around_the_target():
    situation = pd.DataFrame(
        {
            "commune_code": ["1", "2", "3", "4", "5"],
            "sru_rate_pct": [7.5, 16.7, 19.6, 25.0, 3.0],
            "is_subject": [True, True, True, True, False],
        }
    )
    style = sru_style(situation, 20.0)
    assert list(style.fill) == ["#b35806", "#fdb863", "#fee0b6", "#8073ac", SRU_NOT_SUBJECT_COLOR]
    assert [e.count for e in style.legend] == [1, 0, 1, 1, 1, 1]
    assert style.legend[-1].label == "commune non soumise à l'article 55"


def test_residence_points_by_class_and_flag():
    residences = pd.DataFrame(
        {
            "residence_id": ["r1", "r2", "r3"],
            "n_dwellings": [4, 100, 400],
            "is_qpv": [True, False, True],
        }
    )
    classes = pd.Series(["A", "E", None], index=["r1", "r2", "r3"])
    flags = pd.Series({"r1": "rebalance"})
    by_class = residence_point_style("class", residences, classes, flags)
    assert list(by_class.color) == [CLASS_COLORS["A"], CLASS_COLORS["E"], CLASS_COLORS["NC"]]
    assert list(by_class.radius) == [3.2, 5.8, 9.2]
    qpv = residence_point_style("qpv", residences, classes, flags)
    assert list(qpv.color.index) == ["r1", "r3"]
    by_flag = residence_point_style("flag", residences, classes, flags)
    assert [e.count for e in by_flag.legend] == [1, 0, 0, 2]
    assert residence_point_style("none", residences, classes, flags) is None
    with pytest.raises(ValueError, match="couche de résidences inconnue"):
        residence_point_style("tout", residences, classes, flags)


def test_group_points_enlarge_the_chosen_group():
    style = group_point_style(pd.Series([0, 1, np.nan, 1], index=list("wxyz")), 1, {1: "Centre"})
    assert list(style.color.index) == ["w", "x", "z"]
    assert list(style.radius) == [3.0, 6.5, 6.5]
    assert [(e.label, e.count) for e in style.legend] == [("1", 1), ("2 · Centre", 2)]
