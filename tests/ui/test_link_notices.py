"""The French texts of the link notices: what was asked, what is shown, what is possible."""

from __future__ import annotations

import pytest

from ui.link_notices import choices_hint, not_found_text


def test_not_found_text_quotes_the_link_value_inert():
    assert not_found_text("Année", "1900", "2022", "Choix possibles : 2017 à 2025.") == (
        "Année « 1900 » introuvable dans le lien ; la page montre « 2022 ». "
        "Choix possibles : 2017 à 2025."
    )
    assert (
        not_found_text("Résidence", "[x](y)")
        == "Résidence « \\[x\\]\\(y\\) » introuvable dans le lien."
    )


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        pytest.param(["2017", "2018", "2019"], "Choix possibles : 2017 à 2019.", id="years"),
        pytest.param(["2016", "2018", "2020"], "Choix possibles : 2016, 2018, 2020.", id="gaps"),
        pytest.param(["a", "b"], "Choix possibles : A, B.", id="short-list"),
        pytest.param([str(i) for i in range(1, 9)], "Choix possibles : 1 à 8.", id="numbers"),
        pytest.param([f"c{i}" for i in range(7)], "", id="long-list"),
        pytest.param([], "", id="empty"),
    ],
)
def test_choices_hint(options, expected):
    assert choices_hint(options, str.upper) == expected
