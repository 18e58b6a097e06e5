"""The suppression decisions of a data set, computed once per table and kept.

:class:`Disclosure` holds the territory tree and the housing tables of one data version and
computes, on first use, the statuses of every node for each published family: one OPS share of
one survey, the entrants' or leavers' profile of one year, the attribution objectives of one
year, the entrants-versus-sitting comparison of one survey. The decisions do not depend on who
looks (they are the public rules); :mod:`services.disclosure.publish` applies them for a viewer.
"""

from __future__ import annotations

import threading

import numpy as np
import pandas as pd

from services.disclosure.families import (
    equality_family,
    flow_family,
    intake_family,
    ops_family,
)
from services.disclosure.hierarchy import Hierarchy, build_hierarchy
from services.disclosure.rules import DisclosureRules, load_rules
from services.disclosure.suppression import Statuses, suppress
from services.stock import StockRules, epci_code, load_stock_rules


class Disclosure:
    """Statuses of every node, per family, for one data set (thread-safe, computed lazily).

    Parameters
    ----------
    residences, occupancy : pandas.DataFrame
        The residences and the OPS surveys (never mutated).
    attributions, departures : pandas.DataFrame or None
        The entrants and the leavers (never mutated); None when no flow table is published.
    rules : DisclosureRules, optional
        ``config/disclosure.toml`` by default.
    stock_rules : StockRules, optional
        Intake indicators and age bands (``config/stock.toml`` by default).
    """

    def __init__(
        self,
        residences: pd.DataFrame,
        occupancy: pd.DataFrame,
        attributions: pd.DataFrame | None,
        departures: pd.DataFrame | None,
        *,
        rules: DisclosureRules | None = None,
        stock_rules: StockRules | None = None,
    ) -> None:
        self.rules = rules or load_rules()
        self.stock_rules = stock_rules or load_stock_rules()
        self.residences = residences
        self.occupancy = occupancy
        self.attributions = attributions
        self.departures = departures
        self.tree: Hierarchy = build_hierarchy(residences, epci_code())
        self._statuses: dict[tuple, Statuses] = {}
        self._lock = threading.Lock()

    def _get(self, key: tuple, compute) -> Statuses:
        with self._lock:
            found = self._statuses.get(key)
        if found is None:
            found = compute()
            with self._lock:
                self._statuses[key] = found
        return found

    def ops(self, survey_year: int, column: str) -> Statuses:
        """Statuses of one OPS share of one survey."""
        return self._get(
            ("ops", int(survey_year), column),
            lambda: suppress(
                self.tree, ops_family(self.tree, self.occupancy, survey_year, column), self.rules
            ),
        )

    def flows(self, kind: str, year: int) -> Statuses:
        """Statuses of the ``entrants`` or ``leavers`` profile of one year."""
        if kind not in ("entrants", "leavers"):
            raise ValueError(f"flux inconnu : « {kind} ».")
        table = self.attributions if kind == "entrants" else self.departures
        if table is None:
            raise ValueError(f"aucune table de flux « {kind} » pour décider du secret.")

        def compute() -> Statuses:
            family, _ = flow_family(self.tree, table, int(year), self.stock_rules)
            return suppress(self.tree, family, self.rules)

        return self._get((kind, int(year)), compute)

    def equality(self, year: int) -> Statuses:
        """Statuses of the attribution objectives of one year."""

        def compute() -> Statuses:
            allowed = ~self.flows("entrants", year).is_masked
            family = equality_family(
                self.tree, self.attributions, self.residences, int(year), allowed
            )
            return suppress(self.tree, family, self.rules)

        return self._get(("equality", int(year)), compute)

    def intake(self, survey_year: int) -> Statuses:
        """Statuses of the entrants of ``survey_year`` and the next, against the sitting tenants."""

        def compute() -> Statuses:
            allowed = ~(
                self.flows("entrants", survey_year).is_masked
                | self.flows("entrants", survey_year + 1).is_masked
            )
            measures = [i.entrant_measure for i in self.stock_rules.indicators]
            family = intake_family(
                self.tree,
                self.attributions,
                int(survey_year),
                measures,
                self.stock_rules,
                allowed,
            )
            return suppress(self.tree, family, self.rules)

        return self._get(("intake", int(survey_year)), compute)

    def lookup(self, statuses: Statuses, level: str, codes) -> tuple[np.ndarray, np.ndarray]:
        """Status and reason of the nodes ``(level, code)`` (``empty`` for unknown codes)."""
        nodes = np.array([self.tree.node(level, str(c)) for c in codes], dtype=np.intp)
        known = nodes >= 0
        status = np.full(len(nodes), "empty", dtype=object)
        reason = np.full(len(nodes), "", dtype=object)
        status[known] = statuses.status[nodes[known]]
        reason[known] = statuses.reason[nodes[known]]
        return status, reason
