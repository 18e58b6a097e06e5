"""Whether a set of residences' contributions may be published: the primary rules on one set.

A published figure, or anything derivable from published figures (a total minus its visible
parts), is the pooled answer of a set of residences. :func:`set_reason` says whether that set is
*sensitive*, and why, from the households with a known answer that each residence contributes to
each measure:

- ``small_base``: fewer than ``min_households`` households for a measure;
- ``dominance``: one bailleur holds more than ``dominance_pct`` % of them;
- ``insider``: once one bailleur's residences are removed, what is left has fewer than
  ``min_households`` households, or one residence holds more than ``dominance_pct`` % of it
  (a bailleur knows its own residences: it must not recover another one by subtraction).

A set without any household (nothing known) reveals nothing and is never sensitive. The three
rules are closed under union: the union of non-sensitive sets is non-sensitive, so checking the
smallest derivable sets is enough.
"""

from __future__ import annotations

import numpy as np

from services.disclosure.rules import DisclosureRules

SMALL_BASE = "small_base"
DOMINANCE = "dominance"
INSIDER = "insider"


def set_reason(bases: np.ndarray, bailleurs: np.ndarray, rules: DisclosureRules) -> str | None:
    """Why the pooled answer of some residences may not be published (None when it may).

    Parameters
    ----------
    bases : numpy.ndarray, shape (n_residences, n_measures)
        Households with a known answer contributed by each residence to each measure.
    bailleurs : numpy.ndarray of int, shape (n_residences,)
        Bailleur of each residence.
    rules : DisclosureRules
        Thresholds.

    Returns
    -------
    str or None
        ``small_base``, ``dominance`` or ``insider``; None when the set may be published.
    """
    bases = np.asarray(bases, dtype=float)
    if bases.ndim == 1:
        bases = bases[:, None]
    totals = bases.sum(axis=0)
    active = totals > 0
    if not active.any():
        return None
    bases, totals = bases[:, active], totals[active]
    if (totals < rules.min_households).any():
        return SMALL_BASE
    share = rules.dominance_pct / 100.0
    groups, position = np.unique(bailleurs, return_inverse=True)
    per_bailleur = np.zeros((len(groups), bases.shape[1]))
    np.add.at(per_bailleur, position, bases)
    if (per_bailleur.max(axis=0) > share * totals).any():
        return DOMINANCE
    if rules.insider:
        for k in range(len(groups)):
            rest = bases[position != k]
            left = totals - per_bailleur[k]
            known = left > 0
            if not known.any():
                continue
            if (left[known] < rules.min_households).any():
                return INSIDER
            if (rest.max(axis=0)[known] > share * left[known]).any():
                return INSIDER
    return None
