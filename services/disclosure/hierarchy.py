"""The territory tree the secret statistique protects: EPCI → commune → quartier → residence.

Every published figure about households is a cell of this tree (a territory, or one residence)
and is the sum of its residences' contributions. :func:`build_hierarchy` numbers the nodes, links
each to its parent (a residence to its quartier, or to its commune outside Poitiers' quartiers; a
quartier to its commune; a commune to the EPCI) and keeps, for each residence, its chain of
ancestors and its bailleur. It also measures the dominance of each territory's dwellings (share
held by its largest bailleur), the rule the README states for territories.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

LEVELS = ("epci", "commune", "quartier", "residence")


@dataclass(frozen=True, eq=False)
class Hierarchy:
    """Nodes of the tree and the residences under each.

    Attributes
    ----------
    level, code : numpy.ndarray of object
        Level and territory code (residence id at the residence level) of each node.
    parent : numpy.ndarray of int
        Position of each node's parent, -1 for the EPCI.
    depth : numpy.ndarray of int
        0 for the EPCI … 3 for a residence inside a quartier.
    residence_ids : pandas.Index
        The residences, in the order of every per-residence array.
    bailleur : numpy.ndarray of int
        Bailleur of each residence, as a position in :attr:`bailleur_names`.
    bailleur_names : numpy.ndarray of object
        The bailleurs' names.
    chain : numpy.ndarray of int, shape (n_residences, 4)
        Node of each residence, then its ancestors up to the EPCI, padded with -1.
    members : list of numpy.ndarray
        Positions of the residences under each node.
    top_dwellings_pct : numpy.ndarray of float
        Share of each node's dwellings held by its largest bailleur (100 for a residence).
    """

    level: np.ndarray
    code: np.ndarray
    parent: np.ndarray
    depth: np.ndarray
    residence_ids: pd.Index
    bailleur: np.ndarray
    bailleur_names: np.ndarray
    chain: np.ndarray
    members: list[np.ndarray]
    top_dwellings_pct: np.ndarray

    def __len__(self) -> int:
        return len(self.level)

    def node(self, level: str, code: str) -> int:
        """Position of the node ``(level, code)``, -1 when absent."""
        return self._index().get((level, str(code)), -1)

    def nodes_of(self, level: str) -> np.ndarray:
        """Positions of the nodes of ``level``."""
        return np.flatnonzero(self.level == level)

    def _index(self) -> dict[tuple[str, str], int]:
        cached = self.__dict__.get("_lookup")
        if cached is None:
            cached = {
                (lv, str(c)): i for i, (lv, c) in enumerate(zip(self.level, self.code, strict=True))
            }
            object.__setattr__(self, "_lookup", cached)
        return cached


def build_hierarchy(residences: pd.DataFrame, epci_code: str) -> Hierarchy:
    """The tree of the residences table.

    Parameters
    ----------
    residences : pandas.DataFrame
        ``residence_id``, ``bailleur``, ``commune_code``, ``quartier_code`` (missing outside
        Poitiers' quartiers) and ``n_dwellings``.
    epci_code : str
        Code of the root (the EPCI's SIREN).

    Returns
    -------
    Hierarchy
    """
    ids = residences["residence_id"].astype(str).to_numpy()
    communes = residences["commune_code"].astype(str).to_numpy()
    quartiers = residences["quartier_code"].astype(object).to_numpy()
    has_quartier = ~pd.isna(quartiers)
    names, bailleur = np.unique(residences["bailleur"].astype(str).to_numpy(), return_inverse=True)
    level, code, parent = ["epci"], [str(epci_code)], [-1]
    position: dict[tuple[str, str], int] = {}
    for commune in sorted(set(communes)):
        position[("commune", commune)] = len(level)
        level.append("commune")
        code.append(commune)
        parent.append(0)
    for quartier in sorted({str(q) for q in quartiers[has_quartier]}):
        holders = communes[has_quartier & (quartiers.astype(str) == quartier)]
        position[("quartier", quartier)] = len(level)
        level.append("quartier")
        code.append(quartier)
        parent.append(position[("commune", str(holders[0]))])
    chain = np.full((len(ids), 4), -1, dtype=np.intp)
    for r, rid in enumerate(ids):
        node = len(level)
        level.append("residence")
        code.append(rid)
        up = position[("commune", communes[r])]
        if has_quartier[r]:
            up = position[("quartier", str(quartiers[r]))]
        parent.append(up)
        steps = [node]
        while up >= 0:
            steps.append(up)
            up = parent[up]
        chain[r, : len(steps)] = steps
    parents = np.asarray(parent, dtype=np.intp)
    depth = np.zeros(len(level), dtype=np.intp)
    for i in range(1, len(level)):
        depth[i] = depth[parents[i]] + 1
    members: list[list[int]] = [[] for _ in level]
    for r in range(len(ids)):
        for node in chain[r]:
            if node >= 0:
                members[node].append(r)
    member_arrays = [np.asarray(m, dtype=np.intp) for m in members]
    dwellings = residences["n_dwellings"].to_numpy(dtype=float)
    return Hierarchy(
        level=np.asarray(level, dtype=object),
        code=np.asarray(code, dtype=object),
        parent=parents,
        depth=depth,
        residence_ids=pd.Index(ids, name="residence_id"),
        bailleur=bailleur.astype(np.intp),
        bailleur_names=names.astype(object),
        chain=chain,
        members=member_arrays,
        top_dwellings_pct=np.array(
            [_top_share(dwellings[m], bailleur[m]) for m in member_arrays], dtype=float
        ),
    )


def _top_share(values: np.ndarray, groups: np.ndarray) -> float:
    total = values.sum()
    if total <= 0:
        return 0.0
    return float(100.0 * np.bincount(groups, weights=values).max() / total)
