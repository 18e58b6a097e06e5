"""Apply the suppression decisions to a table, for one viewer, and round what is published.

A table of figures (one row per territory, or per territory and year) leaves the services through
:func:`mask_columns`: each masked cell becomes NaN and its French reason is written in a
companion column ``<column>__secret`` (:func:`reason_column`); ``is_masked`` and ``mask_reason``
summarise each row. :func:`round_columns` rounds every figure to its published precision, so that
no page, chart or file carries more digits than the publication. :func:`with_markers` turns a
display table into what a reader sees: « s » in each masked cell, never a bare blank, and
:func:`footnote` names the rules behind the « s ».

Who sees what (:class:`Access`): a viewer without residence access (and every export) follows the
decisions; a bailleur also sees, at the residence level, the residences of its own bailleurs; the
service habitat sees everything on screen.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from services.access import PUBLIC, Viewer
from services.disclosure.rules import DisclosureRules
from services.disclosure.suppression import PRIMARY, SECONDARY

SECRET_SUFFIX = "__secret"


@dataclass(frozen=True)
class Access:
    """What a viewer may see of the figures about households.

    Attributes
    ----------
    kind : str
        ``public`` (the rules apply), ``own`` (the rules, except the viewer's own residences) or
        ``all`` (every figure, on screen only).
    bailleurs : frozenset of str
        For ``own``: the bailleurs whose residences the viewer sees in full.
    """

    kind: str = "public"
    bailleurs: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def of(cls, viewer: Viewer | None = None, *, export: bool = False) -> Access:
        """The access of ``viewer`` (the public when None); an export always follows the rules."""
        viewer = viewer or PUBLIC
        if export:
            return cls()
        access = viewer.role.residence_access
        if access == "all":
            return cls("all")
        if access == "own" and viewer.bailleurs:
            return cls("own", frozenset(viewer.bailleurs))
        return cls()

    @property
    def is_public(self) -> bool:
        """Whether every decision applies."""
        return self.kind == "public"

    def sees(self, bailleurs: Iterable[object]) -> np.ndarray:
        """Whether the viewer sees the residence-level figures of residences of ``bailleurs``."""
        values = list(bailleurs)
        if self.kind == "all":
            return np.ones(len(values), dtype=bool)
        if self.kind == "own":
            return np.array([str(b) in self.bailleurs for b in values], dtype=bool)
        return np.zeros(len(values), dtype=bool)


def reason_column(column: str) -> str:
    """Name of the column holding the reason why cells of ``column`` are masked."""
    return f"{column}{SECRET_SUFFIX}"


def reason_text(code: str, rules: DisclosureRules) -> str:
    """French reason of a rule code (``small_base``, ``dominance``…)."""
    texts = {
        "small_base": rules.small_base_reason,
        "dominance": rules.dominance_reason,
        "residence": rules.residence_reason,
        "insider": rules.insider_reason,
        "complementary": rules.complementary_reason,
        "linked": "secret secondaire : masqué avec les chiffres dont il se déduit",
        "group_size": rules.group_reason,
    }
    return texts.get(code, rules.complementary_reason)


def mask_columns(
    frame: pd.DataFrame,
    decisions: Mapping[str, tuple[np.ndarray, np.ndarray]],
    rules: DisclosureRules,
    *,
    visible: np.ndarray | None = None,
    decimals: Mapping[str, int] | None = None,
) -> pd.DataFrame:
    """Mask the cells the decisions hide, keep why, round what is published.

    Parameters
    ----------
    frame : pandas.DataFrame
        The figures, one row per cell of the tree.
    decisions : mapping
        Column → (status, reason code) arrays aligned with ``frame`` (see
        :class:`services.disclosure.suppression.Statuses`).
    rules : DisclosureRules
        For the French reasons.
    visible : numpy.ndarray of bool, optional
        Rows the viewer sees whatever the decisions (its own residences, or everything).
    decimals : mapping, optional
        Column → published decimals, for the columns of ``decisions`` to round.

    Returns
    -------
    pandas.DataFrame
        A copy: masked cells NaN, ``<column>__secret`` with the French reason of each masked
        cell (empty otherwise), ``is_masked`` and ``mask_reason`` (« ; »-joined reasons of the
        row, NA when none).
    """
    columns = list(decisions)
    values = frame[columns].to_numpy(dtype=float, copy=True) if columns else np.zeros((0, 0))
    texts = np.full(values.shape, "", dtype=object)
    hidden = np.zeros(values.shape, dtype=bool)
    seen: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    for j, column in enumerate(columns):
        status, codes = decisions[column]
        key = id(decisions[column])
        if key not in seen:
            hide = np.isin(np.asarray(status, dtype=object), (PRIMARY, SECONDARY))
            if visible is not None:
                hide &= ~visible
            lookup = {c: reason_text(str(c), rules) for c in pd.unique(np.asarray(codes))}
            seen[key] = hide, np.array([lookup[c] for c in codes], dtype=object)
        hide, reasons = seen[key]
        hide = hide & ~np.isnan(values[:, j])
        hidden[:, j] = hide
        texts[hide, j] = reasons[hide]
        if decimals and column in decimals:
            values[:, j] = np.round(values[:, j], decimals[column])
    values[hidden] = np.nan
    previous = frame["mask_reason"].to_numpy(dtype=object) if "mask_reason" in frame else None
    joined = np.full(len(frame), pd.NA, dtype=object)
    for i in np.flatnonzero(hidden.any(axis=1) | _has_text(previous)):
        found = set(texts[i][hidden[i]])
        if previous is not None and isinstance(previous[i], str):
            found |= {p.strip() for p in previous[i].split(";") if p.strip()}
        joined[i] = " ; ".join(sorted(found))
    data: dict[str, object] = {c: frame[c] for c in frame.columns}
    for j, column in enumerate(columns):
        data[column] = pd.Series(values[:, j], index=frame.index)
        data[reason_column(column)] = pd.Series(texts[:, j], index=frame.index, dtype=object)
    data["mask_reason"] = pd.Series(joined, index=frame.index, dtype=object)
    out = pd.DataFrame(data, index=frame.index)
    out["is_masked"] = out["mask_reason"].notna().to_numpy()
    return out


def _has_text(values: np.ndarray | None) -> np.ndarray | bool:
    if values is None:
        return False
    return np.array([isinstance(v, str) and bool(v) for v in values], dtype=bool)


def round_columns(frame: pd.DataFrame, decimals: Mapping[str, int]) -> pd.DataFrame:
    """Round each column of ``decimals`` to its published precision (a copy)."""
    out = frame.copy()
    by_places: dict[int, list[str]] = {}
    for column, places in decimals.items():
        if column in out:
            by_places.setdefault(places, []).append(column)
    for places, columns in by_places.items():
        out[columns] = np.round(out[columns].to_numpy(dtype=float), places)
    return out


def cell_reason(row: pd.Series | None, column: str) -> str:
    """The French reason a cell of ``row`` is masked, empty when it is not."""
    if row is None:
        return ""
    value = row.get(reason_column(column), "")
    return value if isinstance(value, str) else ""


def with_markers(
    table: pd.DataFrame, reasons: pd.DataFrame, marker: str, *, explain: str | None = None
) -> pd.DataFrame:
    """A table where every masked cell reads ``marker`` (« s »), for a file.

    Parameters
    ----------
    table : pandas.DataFrame
        The figures as shown (masked cells NaN).
    reasons : pandas.DataFrame
        Same shape and labels: the French reason of each masked cell, empty elsewhere.
    marker : str
        What a masked cell reads.
    explain : str, optional
        Name of a last column giving, on each row with a masked cell, the rules that mask it
        (e.g. « Secret statistique »), so that a file says why on its own.

    Returns
    -------
    pandas.DataFrame
        A copy; columns with a masked cell become ``object`` columns holding numbers and the
        marker.
    """
    out = table.copy()
    for column in reasons.columns:
        if column not in out:
            continue
        hidden = reasons[column].fillna("").astype(str).str.len().to_numpy() > 0
        if hidden.any():
            values = out[column].astype(object).to_numpy(copy=True)
            values[hidden] = marker
            out[column] = values
    if explain is not None:
        rows = reasons.fillna("").astype(str).to_numpy()
        out[explain] = [" ; ".join(sorted({r for r in row if r})) for row in rows]
    return out


def footnote(reasons: Iterable[str], marker: str) -> str:
    """« s : … » naming every distinct reason of the masked cells (empty when none)."""
    found = sorted({r for r in reasons if isinstance(r, str) and r})
    if not found:
        return ""
    return f"« {marker} » : " + " ; ".join(found) + "."
