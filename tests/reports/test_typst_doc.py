"""Long words made breakable for Typst (reports/typst_doc.py)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reports.typst_doc import breakable

Z = "\u200b"
FAMILY = "👨\u200d👩\u200d👧"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("Un texte court.", "Un texte court.", id="short-words"),
        pytest.param("a" * 30, "a" * 30, id="thirty-letters-kept"),
        pytest.param("a" * 45, "a" * 20 + Z + "a" * 20 + Z + "a" * 5, id="every-twenty"),
        pytest.param("x " + "b" * 31, "x " + "b" * 20 + Z + "b" * 11, id="only-the-long-word"),
        pytest.param("e\u0301" * 16, "e\u0301" * 10 + Z + "e\u0301" * 6, id="accent-kept"),
        pytest.param(FAMILY * 8, FAMILY * 4 + Z + FAMILY * 4, id="emoji-sequence-kept"),
        pytest.param("🇫🇷" * 16, "🇫🇷" * 10 + Z + "🇫🇷" * 6, id="flags-kept"),
    ],
)
def test_breakable(text, expected):
    assert breakable(text) == expected


@given(st.text())
def test_breaks_are_only_added(text):
    assert breakable(text).replace(Z, "") == text.replace(Z, "")


@given(st.text(alphabet="aé/- \n", max_size=300))
def test_no_word_is_left_longer_than_a_third_of_a_line(text):
    assert all(len(word) <= 30 for word in breakable(text).replace(Z, " ").split())
