"""Hand-worked SRU inventories shared by the tests of the SRU objectives and their progress."""

from __future__ import annotations

import dataclasses

import pandas as pd

from services.sru_rules import SruRules

NAMES = pd.DataFrame(
    {
        "commune_code": ["00001", "00002", "00003", "00004", "00005", "00006", "00007"],
        "commune_name": ["Aval", "Bourg", "Caux", "Dune", "Eaux", "Fief", "Gué"],
    }
)


def inventory_rows(rows: list[tuple[str, int, int, int, bool]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["commune_code", "year", "n_lls", "n_rp", "is_subject"])
    frame["sru_rate_pct"] = (100 * frame["n_lls"] / frame["n_rp"]).round(1)
    return frame


# Hand-worked communes, inventory at 1 January 2022 (period 2023-2025):
# A 981/5003 = 19.6 %, 0.2 × 5003 − 981 = 19.6 → deficit 20, gap 0.4 → 100 % → 20
# B 501/2996 = 16.7 %, 0.2 × 2996 − 501 = 98.2 → deficit 99, gap 3.3 → 50 % → 49.5 → 50
# C 210/2801 = 7.5 %, 0.2 × 2801 − 210 = 350.2 → deficit 351, gap 12.5 → 33 % → 115.83 → 116
# D 250/1000 = 25 %, compliant; E is not subject.
INVENTORY = inventory_rows(
    [
        ("00001", 2022, 981, 5003, True),
        ("00002", 2022, 501, 2996, True),
        ("00003", 2022, 210, 2801, True),
        ("00004", 2022, 250, 1000, True),
        ("00005", 2022, 10, 900, False),
        ("00001", 2021, 900, 5000, True),
    ]
)


def with_cms(rules: SruRules, **changes) -> SruRules:
    """The rules with their CMS changed as given."""
    return dataclasses.replace(rules, cms=dataclasses.replace(rules.cms, **changes))
