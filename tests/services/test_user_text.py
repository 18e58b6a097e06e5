"""Text typed by users, made safe to keep and print (services/user_text.py)."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from services.user_text import clean_text, paragraphs


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        pytest.param(None, "", id="none"),
        pytest.param("  \n\t ", "", id="blank"),
        pytest.param("a\r\nb\rc\u2028d", "a\nb\nc\nd", id="line-endings"),
        pytest.param("a\u2029b", "a\n\nb", id="paragraph-separator"),
        pytest.param("a\n\n\n \n\nb", "a\n\nb", id="one-blank-line"),
        pytest.param("a  \nb\u00a0", "a\nb", id="trailing-spaces"),
        pytest.param("a\tb", "a b", id="tab"),
        pytest.param("a\x00b\x07c\x1bd\x7fe\x0cf\x0bg", "abcde\nf\ng", id="controls"),
        pytest.param("abc\u202edcba\u2066x\u2069", "abcdcbax", id="bidi-overrides"),
        pytest.param("e\u0301te\u0301", "été", id="nfc"),
        pytest.param("\ue000a\ufffeb\uffff", "ab", id="private-and-non-characters"),
        pytest.param("👨‍👩‍👧 🇫🇷 ✅ 中文 العربية", "👨‍👩‍👧 🇫🇷 ✅ 中文 العربية", id="kept-as-is"),
        pytest.param("#set *x* <w:p/> {{ a }} $b$", "#set *x* <w:p/> {{ a }} $b$", id="markup"),
    ],
)  # fmt: skip
def test_clean_text(typed, kept):
    assert clean_text(typed) == kept


def test_paragraphs_keep_their_line_breaks():
    assert paragraphs("Un\ndeux\n\n\n\nTrois\n") == ["Un\ndeux", "Trois"]
    assert paragraphs(" \n ") == []


@given(st.text())
def test_any_text_is_kept_clean_xml_safe_and_stable(text):
    cleaned = clean_text(text)
    assert clean_text(cleaned) == cleaned
    assert "\n\n\n" not in cleaned and "\r" not in cleaned
    assert all(c == "\n" or unicodedata.category(c) not in ("Cc", "Cs", "Co") for c in cleaned)
    element = etree.Element("t")
    element.text = cleaned  # lxml refuses any character XML cannot hold
    assert etree.fromstring(etree.tostring(element)).text in (cleaned, None)
