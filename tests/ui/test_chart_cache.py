"""Charts built once per distinct data and shared by every session, their spec with them."""

from __future__ import annotations

import altair as alt
import pandas as pd

from ui import cache

calls: list[int] = []


@cache.figure
def _bars(frame: pd.DataFrame, title: str) -> alt.Chart:
    calls.append(1)
    return alt.Chart(frame, title=title).mark_bar().encode(x="commune:N", y="logements:Q")


def _frame(first: int) -> pd.DataFrame:
    return pd.DataFrame({"commune": ["Poitiers", "Buxerolles"], "logements": [first, 12]})


def test_the_same_data_gives_the_same_chart_built_once():
    calls.clear()
    first = _bars(_frame(7), "Logements")
    again = _bars(_frame(7), "Logements")  # a new frame with the same content
    assert again is first
    assert len(calls) == 1


def test_other_data_or_arguments_give_another_chart():
    calls.clear()
    base = _bars(_frame(8), "Logements")
    assert _bars(_frame(9), "Logements") is not base
    assert _bars(_frame(8), "Autre titre") is not base
    assert len(calls) == 3


def test_the_spec_is_the_chart_s_own_and_callers_cannot_spoil_it():
    chart = _bars(_frame(10), "Logements")
    spec = cache.chart_spec(chart)
    assert spec == chart.to_dict(validate=False)
    name = spec["data"]["name"]
    assert spec["datasets"][name][0] == {"commune": "Poitiers", "logements": 10}
    spec["autosize"] = "pad"  # what Streamlit does to the spec it receives
    del spec["datasets"]
    again = cache.chart_spec(chart)
    assert "autosize" not in again and again["datasets"][name][0]["logements"] == 10


def test_a_chart_built_without_the_cache_gets_its_spec_written_out():
    chart = alt.Chart(_frame(11)).mark_point().encode(x="commune:N")
    assert cache.chart_spec(chart) == chart.to_dict(validate=False)
