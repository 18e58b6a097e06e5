"""The rebalancing flags as every page shows them: the flag, and the rule that raised it.

A residence is « À rééquilibrer » by either of two rules: its fragility is well above its peer
group's (robust gap of +2 or more), or it is rising while already above the group median. A
table sorted by the gap would otherwise show a residence at +1,06 flagged and one at +1,90 not,
with no reason given: the rule is named beside the flag (« À rééquilibrer (en hausse) »), and
both rules are spelled out wherever flags are shown (:func:`rules_help`).
"""

from __future__ import annotations

import pandas as pd

from scoring.flag_texts import rule_label, rules_text
from services.peers import FLAG_LABELS
from ui import cache


def flag_text(flag: object, rule: object) -> str:
    """« À rééquilibrer (écart ≥ +2) », « Capacité d'accueil »…: the flag and its rule."""
    label = FLAG_LABELS.get(flag, FLAG_LABELS["not_evaluated"])
    why = rule_label(rule, cache.peers().settings.flags) if flag == "rebalance" else ""
    return f"{label} ({why})" if why else label


def flag_labels(members: pd.DataFrame) -> pd.Series:
    """:func:`flag_text` of every row of ``members`` (columns ``flag`` and ``rule``)."""
    flags = members["flag"].fillna("not_evaluated")
    rules = members["rule"] if "rule" in members else pd.Series(None, index=members.index)
    return pd.Series(
        [flag_text(f, r) for f, r in zip(flags, rules, strict=True)],
        index=members.index,
        dtype=object,
    )


def legend_label(flag: str) -> str:
    """The flag in a legend, both rules named for « À rééquilibrer »
    (« À rééquilibrer (écart ≥ +2 ou en hausse) »)."""
    if flag != "rebalance":
        return FLAG_LABELS[flag]
    level = rule_label("level", cache.peers().settings.flags)
    return f"{FLAG_LABELS[flag]} ({level} ou {rule_label('rise', cache.peers().settings.flags)})"


def rules_help() -> str:
    """The rules of the flags with the thresholds in force (one French paragraph)."""
    return rules_text(cache.peers().settings.flags)
