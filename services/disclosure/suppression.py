"""Primary and complementary (secondary) suppression of one family of cells over the tree.

A *family* is one table published for every node of the tree: e.g. the OPS share of households
under 40 % of the ceilings in 2024, or the entrants' profile of 2023. Each residence contributes,
for each *type* of its households (a year, in or outside a QPV, surveyed or not…) and each
measure, a number of households with a known answer. A published cell of node *P* publishes the
pooled answer of P's residences over each *slice* (a set of types, e.g. « year 2024 » and
« year 2025 » and « both years, surveyed residences only »); every set of types in the linear
span of the slices is then derivable for P (:func:`derivable_subsets`).

**Primary suppression.** A node is masked when one of its derivable sets is sensitive
(:func:`services.disclosure.sensitivity.set_reason`), when one bailleur holds more than the
dominance threshold of its dwellings, when it is a residence (one bailleur), or when a linked
family forbids it (``allowed``).

**Complementary suppression (greedy, with pruning).** Published cells of a tree make derivable
exactly the *remainder* of each published node *P*: its residences that no published descendant
covers (P minus its published children, recursively). Every derivable set of every remainder must
pass the rules, because a remainder is what « the total minus its visible parts » gives, and
derivable sets are unions of remainders' sets (the rules are closed under union). When a
remainder fails, the published descendants nearest to *P* are masked too, cheapest first (fewest
households), until it passes; those that turn out unnecessary are published again.

Why greedy rather than linear programming: the tree is small (a few hundred nodes, depth four),
each fix only enlarges one remainder, and one top-down pass ends with every remainder safe (at
worst *P*'s whole set, which passed the primary rules); the cost-ordered greedy with pruning
masks few cells, is exact with respect to the rules, and runs in milliseconds per family, where
an LP (τ-ARGUS' optimal method) needs a solver for a gain in masked cells that is small on a
single hierarchy.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
import pandas as pd

from services.disclosure.hierarchy import Hierarchy
from services.disclosure.rules import DisclosureRules
from services.disclosure.sensitivity import set_reason

SHOWN = "shown"
EMPTY = "empty"
PRIMARY = "primary"
SECONDARY = "secondary"
RESIDENCE = "residence"
LINKED = "linked"
DOMINANCE = "dominance"
COMPLEMENTARY = "complementary"


@dataclass(frozen=True, eq=False)
class Family:
    """The contributions behind one published table.

    Attributes
    ----------
    base : numpy.ndarray, shape (n_residences, n_types, n_measures)
        Households with a known answer, by residence, type of household and measure.
    slices : tuple of numpy.ndarray of bool
        Sets of types published together for each node (one slice = all types by default).
    allowed : numpy.ndarray of bool, optional
        Nodes that may be published at all (e.g. those where a linked table is published).
    allowed_reason : str
        Reason given to the nodes not allowed.
    """

    base: np.ndarray
    slices: tuple[np.ndarray, ...] = ()
    allowed: np.ndarray | None = None
    allowed_reason: str = LINKED

    @property
    def n_types(self) -> int:
        """Number of household types."""
        return self.base.shape[1]

    def all_slices(self) -> tuple[np.ndarray, ...]:
        """The slices, or one slice of every type."""
        return self.slices or (np.ones(self.n_types, dtype=bool),)


def derivable_subsets(slices: tuple[np.ndarray, ...], n_types: int) -> list[np.ndarray]:
    """Every non-empty set of types whose pooled answer follows from the slices' answers.

    A set is derivable when its indicator vector lies in the linear span of the slices'
    indicator vectors (e.g. slices « 2024 », « 2025 » and « surveyed, both years » make
    « not surveyed, both years » derivable).

    Parameters
    ----------
    slices : tuple of numpy.ndarray of bool
        The published sets of types.
    n_types : int
        Number of types (at most 12).

    Returns
    -------
    list of numpy.ndarray of bool
    """
    if n_types > 12:
        raise ValueError(f"trop de types de ménages ({n_types}) pour énumérer les ensembles.")
    matrix = np.array([s.astype(float) for s in slices])
    rank = np.linalg.matrix_rank(matrix)
    found = []
    for bits in itertools.product((0.0, 1.0), repeat=n_types):
        vector = np.array(bits)
        if not vector.any():
            continue
        if np.linalg.matrix_rank(np.vstack([matrix, vector])) == rank:
            found.append(vector.astype(bool))
    return found


@dataclass(frozen=True, eq=False)
class Statuses:
    """What each node of the tree may publish for one family.

    Attributes
    ----------
    status : numpy.ndarray of object
        ``shown``, ``empty`` (nothing to publish), ``primary`` or ``secondary``.
    reason : numpy.ndarray of object
        Rule code of a masked node (``small_base``, ``dominance``, ``insider``, ``residence``,
        ``linked`` or ``complementary``), empty otherwise.
    """

    status: np.ndarray
    reason: np.ndarray

    @property
    def is_masked(self) -> np.ndarray:
        """Nodes whose cells are masked."""
        return np.isin(self.status, (PRIMARY, SECONDARY))

    def counts(self) -> dict[str, int]:
        """Number of nodes masked primarily and secondarily."""
        return {
            PRIMARY: int((self.status == PRIMARY).sum()),
            SECONDARY: int((self.status == SECONDARY).sum()),
        }

    def frame(self, tree: Hierarchy) -> pd.DataFrame:
        """One row per node: ``level``, ``code``, ``status``, ``reason``."""
        return pd.DataFrame(
            {"level": tree.level, "code": tree.code, "status": self.status, "reason": self.reason}
        )


class _Checker:
    """Sensitivity of sets of residences for one family (cached per set of types)."""

    def __init__(self, tree: Hierarchy, family: Family, rules: DisclosureRules) -> None:
        self.tree = tree
        self.rules = rules
        self.subsets = derivable_subsets(family.all_slices(), family.n_types)
        self.by_subset = [family.base[:, s, :].sum(axis=1) for s in self.subsets]

    def reason(self, residences: np.ndarray) -> str | None:
        if residences.size == 0:
            return None
        bailleurs = self.tree.bailleur[residences]
        for bases in self.by_subset:
            found = set_reason(bases[residences], bailleurs, self.rules)
            if found is not None:
                return found
        return None


def suppress(tree: Hierarchy, family: Family, rules: DisclosureRules) -> Statuses:
    """Primary then complementary suppression of one family (module docstring).

    Parameters
    ----------
    tree : Hierarchy
        The territories and residences.
    family : Family
        The contributions of every residence.
    rules : DisclosureRules
        Thresholds.

    Returns
    -------
    Statuses
        The status of every node; a published node never lets a sensitive set be derived.
    """
    checker = _Checker(tree, family, rules)
    total = family.base.sum(axis=(1, 2))
    n = len(tree)
    status = np.full(n, SHOWN, dtype=object)
    reason = np.full(n, "", dtype=object)
    cost = np.array([total[m].sum() for m in tree.members])
    for node in range(n):
        if cost[node] <= 0:
            status[node] = EMPTY
            continue
        found = _primary(tree, family, checker, rules, node)
        if found:
            status[node], reason[node] = PRIMARY, found
    _complement(tree, checker, status, reason, cost)
    return Statuses(status, reason)


def _primary(
    tree: Hierarchy, family: Family, checker: _Checker, rules: DisclosureRules, node: int
) -> str | None:
    if family.allowed is not None and not family.allowed[node]:
        return family.allowed_reason
    if tree.level[node] == "residence":
        return RESIDENCE
    if tree.top_dwellings_pct[node] > rules.dominance_pct:
        return DOMINANCE
    return checker.reason(tree.members[node])


def _owners(tree: Hierarchy, published: np.ndarray) -> np.ndarray:
    """Nearest published node (or self) of every residence, -1 when none."""
    chain = tree.chain
    ok = (chain >= 0) & published[np.where(chain >= 0, chain, 0)]
    first = ok.argmax(axis=1)
    owner = chain[np.arange(len(chain)), first]
    return np.where(ok.any(axis=1), owner, -1)


def _frontier(tree: Hierarchy, published: np.ndarray, node: int) -> list[int]:
    """Published nodes whose nearest published ancestor is ``node``."""
    out = []
    for residence in tree.members[node]:
        for up in tree.chain[residence]:
            if up < 0 or up == node:
                break
            if published[up]:
                out.append(int(up))
                break
    return sorted(set(out))


def _complement(
    tree: Hierarchy,
    checker: _Checker,
    status: np.ndarray,
    reason: np.ndarray,
    cost: np.ndarray,
) -> None:
    published = status == SHOWN

    def safe(node: int) -> bool:
        return checker.reason(np.flatnonzero(_owners(tree, published) == node)) is None

    def safe_without(node: int, candidate: int) -> bool:
        published[candidate] = False
        ok = safe(node)
        published[candidate] = True
        return ok

    for node in np.argsort(tree.depth, kind="stable"):
        if not published[node] or safe(node):
            continue
        chosen: list[int] = []
        while not safe(node):
            candidates = sorted(_frontier(tree, published, node), key=lambda c: (cost[c], c))
            if not candidates:  # cannot happen: the node itself passed the primary rules
                break
            enough = [c for c in candidates if safe_without(node, c)]
            pick = enough[0] if enough else candidates[0]
            published[pick] = False
            chosen.append(pick)
        for candidate in sorted(chosen, key=lambda c: (-cost[c], c)):
            published[candidate] = True  # prune: publish it again when the remainder stays safe
            if not safe(node):
                published[candidate] = False
        for candidate in chosen:
            if not published[candidate]:
                status[candidate], reason[candidate] = SECONDARY, COMPLEMENTARY
