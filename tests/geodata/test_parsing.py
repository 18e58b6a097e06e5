"""French cell conventions, strictly: numbers, dates, booleans."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from geodata.parsing import parse_booleans, parse_dates, parse_numbers


@pytest.mark.parametrize(
    ("text", "value"),
    [
        pytest.param("12", 12.0, id="int"),
        pytest.param("12,5", 12.5, id="decimal-comma"),
        pytest.param("12.5", 12.5, id="decimal-point"),
        pytest.param("1 234,5", 1234.5, id="space-thousands"),
        pytest.param("1\u00a0234", 1234.0, id="nbsp-thousands"),
        pytest.param("1\u202f234,25", 1234.25, id="narrow-nbsp"),
        pytest.param("-3", -3.0, id="negative"),
        pytest.param("1,5E+03", 1500.0, id="exponent"),
        pytest.param("", np.nan, id="empty-is-missing"),
    ],
)
def test_numbers_read(text, value):
    values, bad = parse_numbers(pd.Series([text]))
    assert not bad[0]
    assert values[0] == value or (np.isnan(value) and np.isnan(values[0]))


@pytest.mark.parametrize(
    "text",
    ["inf", "-inf", "nan", "NaN", "Infinity", "1,234.5", "12,5,3", "douze", "1 23", "12 %", "0x1F"],
)
def test_numbers_refused(text):
    _, bad = parse_numbers(pd.Series([text]))
    assert bad[0]


def test_an_overflowing_exponent_reads_as_infinite_for_the_validator_to_refuse():
    values, bad = parse_numbers(pd.Series(["1e400", "100000000000000000000"]))
    assert not bad.any()
    assert np.isinf(values[0]) and values[1] == 1e20


@pytest.mark.parametrize(
    ("text", "day"),
    [
        pytest.param("01/02/2024", "2024-02-01", id="jj-mm-aaaa"),
        pytest.param("2024-02-01", "2024-02-01", id="iso"),
        pytest.param("29/02/2024", "2024-02-29", id="leap-day"),
    ],
)
def test_dates_read(text, day):
    values, bad = parse_dates(pd.Series([text]))
    assert not bad[0] and values.iloc[0] == pd.Timestamp(day)


@pytest.mark.parametrize(
    "text",
    [
        "01/02/24",
        "12/31/2024",
        "2024",
        "31/02/2024",
        "2024/02/01",
        "1/2/2024",
        "01-02-2024",
        "hier",
    ],
)
def test_dates_refused(text):
    _, bad = parse_dates(pd.Series([text]))
    assert bad[0]


def test_booleans():
    words = pd.Series(["oui", "NON", "Vrai", "faux", "x", "1", "0", "o", "n", "", "peut-être"])
    values, bad = parse_booleans(words, empty_is_false=True)
    assert values.tolist()[:10] == [True, False, True, False, True, True, False, True, False, False]
    assert bad.tolist() == [False] * 10 + [True]
    values, _ = parse_booleans(pd.Series([""]), empty_is_false=False)
    assert values.iloc[0] is None


@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e12, max_value=1e12))
def test_french_writing_of_any_number_reads_back(value):
    text = f"{value:.6f}".replace(".", ",")
    values, bad = parse_numbers(pd.Series([text]))
    assert not bad[0]
    assert values[0] == pytest.approx(round(value, 6), abs=1e-6)


@given(st.dates(min_value=pd.Timestamp("1900-01-01").date()))
def test_any_date_written_jj_mm_aaaa_reads_back(day):
    values, bad = parse_dates(pd.Series([day.strftime("%d/%m/%Y")]))
    assert not bad[0] and values.iloc[0].date() == day
