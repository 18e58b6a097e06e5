"""Scales written out from their tables, and the placeholders that name them."""

from __future__ import annotations

import pytest

from config import ConfigError
from config.scales import fill_scales, scale_text

DATA = {
    "scales": {"psp": {"conforter": 4, "démolir": 0}, "half": {"bas": 0.5}},
    "groups": {"levels": {"conforter": 0, "démolir": 3}, "words": {"a": "x"}},
}


def test_a_scale_reads_in_file_order_with_french_numbers():
    assert scale_text({"conforter": 4, "vendre": 3.0, "démolir": 0}) == (
        "conforter 4, vendre 3, démolir 0"
    )
    assert scale_text(DATA["scales"]["half"]) == "bas 0,5"


def test_placeholders_are_replaced_by_the_scale_they_name():
    text = "Points (échelle : [scales.psp]) ; travaux (niveau : [groups.levels])."
    assert fill_scales(text, DATA, "x") == (
        "Points (échelle : conforter 4, démolir 0) ; travaux (niveau : conforter 0, démolir 3)."
    )
    assert fill_scales("Sans échelle [note].", DATA, "x") == "Sans échelle [note]."


@pytest.mark.parametrize("name", ["scales.absente", "groups.words", "scales.psp.conforter"])
def test_a_placeholder_naming_no_scale_is_refused_in_french(name):
    with pytest.raises(ConfigError) as error:
        fill_scales(f"Voir [{name}].", DATA, "config/x.toml, [t]")
    assert str(error.value) == (
        f"config/x.toml, [t] : « [{name}] » ne désigne aucune échelle du fichier, "
        "attendu une table « catégorie = nombre »."
    )
