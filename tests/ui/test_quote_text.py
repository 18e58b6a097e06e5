"""Text from outside (a link, a file) made inert before it goes into a French message."""

from __future__ import annotations

import pytest

from ui.fmt import quote_text


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param("GP-9999", "GP\\-9999", id="identifier"),
        pytest.param("**gras** :red[x] $x$", "\\*\\*gras\\*\\* \\:red\\[x\\] \\$x\\$", id="markup"),
        pytest.param(
            "![i](http://x.org/a.png)", "\\!\\[i\\]\\(http\\:\u2060//x\\.org/a\\.png\\)", id="image"
        ),
        pytest.param("www.x.fr a@b.fr", "www\u2060\\.x\\.fr a\u2060@b\\.fr", id="bare-links"),
        pytest.param("ligne\nsuivante\t", "ligne suivante", id="controls"),
        pytest.param("é" * 80, "é" * 59 + "…", id="cut"),
    ],
)
def test_quote_text_makes_outside_text_inert(value, expected):
    assert quote_text(value) == expected
