"""Secret statistique: which figures a role may see, and why a cell is hidden.

Two rules, thresholds in ``[masking]`` of ``config/settings.toml``:

- **Small counts.** An occupancy figure computed on fewer than ``min_households`` (11) households
  is hidden from a role without residence-level access, and from every export (the national OPS
  map portal's rule).
- **Dominance.** A territory figure where one bailleur holds more than ``dominance_pct`` (85 %)
  of the dwellings is hidden from a role without residence-level access and from exports: it
  would disclose that bailleur's own data.

Roles (:data:`ROLES`): ``public`` (élus in a public meeting, published documents) has no
residence-level access; ``bailleur`` and ``service_habitat`` work with residence-level data under
their data-sharing agreement and see every figure on screen. An export (``export=True``) always
follows the ``public`` rules, whoever asks for it.

Masked cells become NaN; ``is_masked`` says whether a row lost figures and ``mask_reason`` says
why, in French.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from config import ConfigError, load_toml
from services.stock import territory_codes


@dataclass(frozen=True)
class Role:
    """A user role and its access to residence-level figures."""

    code: str
    label: str
    has_residence_access: bool


ROLES: dict[str, Role] = {
    r.code: r
    for r in (
        Role("public", "Public (élus, diffusion)", False),
        Role("bailleur", "Bailleur social", True),
        Role("service_habitat", "Service habitat", True),
    )
}


@dataclass(frozen=True)
class MaskingRules:
    """Thresholds of the secret statistique."""

    min_households: int
    dominance_pct: float

    @property
    def small_count_reason(self) -> str:
        """French reason of the small-count rule."""
        return f"secret statistique : moins de {self.min_households} ménages"

    @property
    def dominance_reason(self) -> str:
        """French reason of the dominance rule."""
        pct = f"{self.dominance_pct:g}"
        return f"règle de dominance : un bailleur détient plus de {pct} % des logements"


def load_masking_rules() -> MaskingRules:
    """Read ``[masking]`` of ``config/settings.toml``.

    Raises
    ------
    ConfigError
        When a threshold is missing or out of range (French message).
    """
    section = load_toml("settings.toml").get("masking", {})
    n, pct = section.get("min_households"), section.get("dominance_pct")
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ConfigError(
            "config/settings.toml, [masking] « min_households » : attendu un entier ≥ 1, "
            f"reçu « {n} »."
        )
    if isinstance(pct, bool) or not isinstance(pct, int | float) or not 0 < pct <= 100:
        raise ConfigError(
            "config/settings.toml, [masking] « dominance_pct » : attendu un pourcentage entre 0 et "
            f"100, reçu « {pct} »."
        )
    return MaskingRules(min_households=n, dominance_pct=float(pct))


def _role(role: str) -> Role:
    if role not in ROLES:
        raise ValueError(f"rôle inconnu : « {role} » (attendu : {', '.join(ROLES)}).")
    return ROLES[role]


def applies_public_rules(role: str, export: bool = False) -> bool:
    """Whether the secret statistique applies: a role without residence access, or an export."""
    return export or not _role(role).has_residence_access


def bailleur_dominance(residences: pd.DataFrame, level: str) -> pd.DataFrame:
    """Share of the dwellings held by the largest bailleur in each territory.

    Returns
    -------
    DataFrame
        Indexed by ``territory_code``: ``n_dwellings``, ``top_bailleur``,
        ``top_bailleur_share_pct``.
    """
    frame = pd.DataFrame(
        {
            "territory_code": territory_codes(residences, level),
            "bailleur": residences["bailleur"].astype(object).to_numpy(),
            "n_dwellings": residences["n_dwellings"].to_numpy(dtype=float),
        }
    ).dropna(subset=["territory_code"])
    per_bailleur = frame.groupby(["territory_code", "bailleur"])["n_dwellings"].sum()
    total = per_bailleur.groupby(level="territory_code").sum()
    top = per_bailleur.sort_values(ascending=False, kind="stable").groupby(level=0).head(1)
    top = top.reset_index(level="bailleur").sort_index()
    return pd.DataFrame(
        {
            "n_dwellings": total,
            "top_bailleur": top["bailleur"],
            "top_bailleur_share_pct": 100.0 * top["n_dwellings"] / total,
        }
    )


def _apply(
    frame: pd.DataFrame, value_columns: Sequence[str], hide: np.ndarray, reason: str
) -> pd.DataFrame:
    out = frame.copy()
    if "is_masked" not in out:
        out["is_masked"] = False
        out["mask_reason"] = pd.Series(pd.NA, index=out.index, dtype="string")
    # a row without any figure (e.g. no survey) has nothing to hide, unless a rule already hid it
    has_figures = out[list(value_columns)].notna().any(axis=1).to_numpy()
    hide = hide & (has_figures | out["is_masked"].to_numpy(dtype=bool))
    for col in value_columns:
        out[col] = out[col].astype(float).mask(hide)
    previous = out["mask_reason"].astype("string")
    joined = (previous + " ; " + reason).fillna(reason)
    out["mask_reason"] = previous.mask(hide, joined)
    out["is_masked"] = out["is_masked"].to_numpy(dtype=bool) | hide
    return out


def mask_small_counts(
    frame: pd.DataFrame,
    value_columns: Sequence[str],
    *,
    count_column: str = "n_households",
    role: str = "public",
    export: bool = False,
    rules: MaskingRules | None = None,
) -> pd.DataFrame:
    """Hide the figures computed on fewer than ``min_households`` households.

    Parameters
    ----------
    frame : DataFrame
        Aggregated figures with a household count per row.
    value_columns : sequence of str
        The figures to hide (counts of territories, e.g. dwellings, stay visible).
    count_column : str, default "n_households"
        Households the figures were computed on; NaN (no survey) masks nothing.
    role : str, default "public"
        One of :data:`ROLES`.
    export : bool, default False
        An export follows the public rules whatever the role.
    rules : MaskingRules, optional
        Read from ``config/settings.toml`` by default.

    Returns
    -------
    DataFrame
        A copy with the hidden cells set to NaN, ``is_masked`` and ``mask_reason``.
    """
    rules = load_masking_rules() if rules is None else rules
    hide = np.zeros(len(frame), dtype=bool)
    if applies_public_rules(role, export):
        counts = pd.to_numeric(frame[count_column]).to_numpy(dtype=float)
        hide = counts < rules.min_households  # NaN compares False
    return _apply(frame, value_columns, hide, rules.small_count_reason)


def mask_dominance(
    frame: pd.DataFrame,
    value_columns: Sequence[str],
    dominance: pd.DataFrame,
    *,
    key: str = "territory_code",
    role: str = "public",
    export: bool = False,
    rules: MaskingRules | None = None,
) -> pd.DataFrame:
    """Hide the figures of territories where one bailleur holds too many dwellings.

    Parameters
    ----------
    frame : DataFrame
        Figures per territory, with the territory code in ``key``.
    value_columns : sequence of str
        The figures to hide.
    dominance : DataFrame
        :func:`bailleur_dominance` of the same level (indexed by territory code).
    key : str, default "territory_code"
        Column of ``frame`` holding the territory code.
    role, export, rules
        As in :func:`mask_small_counts`.

    Returns
    -------
    DataFrame
        A copy with the hidden cells set to NaN, ``is_masked`` and ``mask_reason``.
    """
    rules = load_masking_rules() if rules is None else rules
    hide = np.zeros(len(frame), dtype=bool)
    if applies_public_rules(role, export):
        share = dominance["top_bailleur_share_pct"].reindex(frame[key].to_numpy())
        hide = share.to_numpy(dtype=float) > rules.dominance_pct
    return _apply(frame, value_columns, hide, rules.dominance_reason)


def apply_secrecy(
    frame: pd.DataFrame,
    value_columns: Sequence[str],
    residences: pd.DataFrame,
    level: str,
    *,
    count_column: str | None = "n_households",
    key: str = "territory_code",
    role: str = "public",
    export: bool = False,
    rules: MaskingRules | None = None,
) -> pd.DataFrame:
    """Apply both rules to figures per territory of ``level`` (small counts, then dominance).

    ``count_column=None`` applies the dominance rule only (figures not based on households).
    """
    rules = load_masking_rules() if rules is None else rules
    out = frame
    if count_column is not None:
        out = mask_small_counts(
            out, value_columns, count_column=count_column, role=role, export=export, rules=rules
        )
    dominance = bailleur_dominance(residences, level)
    return mask_dominance(
        out, value_columns, dominance, key=key, role=role, export=export, rules=rules
    )
