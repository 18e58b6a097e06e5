"""French number formats."""

from __future__ import annotations

import datetime as dt

import pytest

from services.fmt import fmt_date, fmt_int, fmt_number, fmt_pct, fmt_rank, fmt_signed

NNBSP, NBSP = "\u202f", "\u00a0"


@pytest.mark.parametrize(
    ("value", "decimals", "unit", "expected"),
    [
        pytest.param(1234.5, 1, "%", f"1{NNBSP}234,5{NBSP}%", id="percent"),
        pytest.param(1234567.891, 2, "", f"1{NNBSP}234{NNBSP}567,89", id="millions"),
        pytest.param(-0.01, 1, "", "0,0", id="no-negative-zero"),
        pytest.param(-1500, 0, "€", f"-1{NNBSP}500{NBSP}€", id="negative"),
        pytest.param(None, 1, "%", "—", id="missing"),
        pytest.param(float("nan"), 0, "", "—", id="nan"),
    ],
)
def test_fmt_number(value, decimals, unit, expected):
    assert fmt_number(value, decimals, unit) == expected


def test_shortcuts():
    assert fmt_pct(32.04) == f"32,0{NBSP}%"
    assert fmt_int(19437, "logements") == f"19{NNBSP}437{NBSP}logements"
    assert fmt_date(dt.date(2026, 11, 25)) == "25 novembre 2026"


def test_ranks():
    assert fmt_rank(1, 541) == "1re sur 541"
    assert fmt_rank(430, 541) == "430e sur 541"
    assert fmt_rank(1234, 2000) == f"1{NNBSP}234e sur 2{NNBSP}000"
    assert fmt_rank(None, 541) == "non classée"
    assert fmt_rank(12) == "12e"
    assert fmt_rank(1.0) == "1re"


def test_signed_changes():
    assert fmt_signed(15.04, 0, "%") == "+15\u00a0%"
    assert fmt_signed(-3, 0, "logements") == "\u22123\u00a0logements"
    assert fmt_signed(1234.56, 1) == f"+1{NNBSP}234,6"
    assert fmt_signed(-0.04, 1, "points") == "0,0\u00a0points"  # no sign once rounded to zero
    assert fmt_signed(float("nan"), 1) == "—"
