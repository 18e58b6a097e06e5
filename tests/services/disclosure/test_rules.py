"""The rules of the secret statistique as data: read, checked, and their French reasons."""

from __future__ import annotations

import copy

import pytest

from config import ConfigError, load_toml
from services.disclosure.rules import load_rules, parse_rules
from services.disclosure.summary import rules_markdown

RAW = load_toml("disclosure.toml")


def test_the_shipped_rules():
    rules = load_rules()
    assert (rules.min_households, rules.dominance_pct, rules.insider) == (11, 85.0, True)
    assert rules.marker == "s"
    assert rules.decimals["share"] == 1
    assert {e.code for e in rules.scope} >= {"ops", "entrants", "leavers", "cotation", "stock"}
    assert rules.scope_of("stock").rules == ("none",)
    assert "moins de 11 ménages" in rules.small_base_reason
    assert "85 %" in rules.dominance_reason


@pytest.mark.parametrize(
    ("section", "key", "value", "message"),
    [
        pytest.param("thresholds", "min_households", 0, "entier ≥ 1", id="no-threshold"),
        pytest.param("thresholds", "dominance_pct", 120, "entre 50 et 100", id="pct"),
        pytest.param("insider", "enabled", "oui", "true ou false", id="insider"),
        pytest.param("publication", "marker", " ", "texte attendu", id="marker"),
        pytest.param("publication", "share_decimals", -1, "entier ≥ 0", id="decimals"),
    ],
)
def test_a_bad_value_is_refused_with_a_french_message(section, key, value, message):
    raw = copy.deepcopy(RAW)
    raw[section][key] = value
    with pytest.raises(ConfigError, match=message) as error:
        parse_rules(raw)
    assert f"[{section}] « {key} »" in str(error.value)
    assert "config/disclosure.toml" in str(error.value)


def test_an_unknown_rule_in_the_scope_is_named():
    raw = copy.deepcopy(RAW)
    raw["scope"][0]["rules"] = ["small_base", "arrondi"]
    with pytest.raises(ConfigError, match="règle\\(s\\) inconnue\\(s\\) arrondi"):
        parse_rules(raw)


def test_the_rules_are_written_out_with_their_scope():
    text = rules_markdown(load_rules())
    assert "11 ménages *ayant répondu à la question*" in text
    assert "Secret secondaire" in text and "Règle de l'initié" in text
    assert "données ouvertes, publiées telles quelles" in text
