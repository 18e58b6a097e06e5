"""The 25 % rule of the loi Égalité et Citoyenneté, and what the capacity residences can add to it.

CCH L441-1: at least 25 % of the attributions outside QPV go to households of the first quartile
of resources, and at least 50 % of the attributions in QPV to quartiles 2 to 4.
:func:`attribution_targets` follows both per year for the EPCI, each commune and each bailleur
(:func:`services.flows.equality_rule`, with the thresholds of ``[equality_rule]`` in
``config/stock.toml``).

:func:`capacity_contribution` says what the residences flagged « Capacité d'accueil » by
:func:`services.peers.peer_analysis` bring to the first objective, over the attribution window
ending in a given year (``window_years`` of ``[equality_rule]``, 2 by default: the span between
two OPS surveys). For each such residence outside QPV:

- ``lettings_per_year``: its attributions in the window divided by the number of window years
  present in the attributions data (the lettings its rotation produces, as observed);
- ``q1_per_year`` and ``q1_pct``: those that went to first-quartile households;
- ``extra_q1_per_year`` = max(0, target × ``lettings_per_year`` − ``q1_per_year``): the
  additional first-quartile attributions per year that would bring its own share to the target.
  The number of lettings does not change (a letting follows a departure): each extra
  first-quartile household takes a letting that would have gone to another household;
- ``epci_gain_points`` = 100 × ``extra_q1_per_year`` / the EPCI's attributions outside QPV per
  year over the window: how much the EPCI's outside-QPV first-quartile share would rise.

A capacity residence in QPV counts for the second objective, not the first: it is listed with
NaN for the last two figures.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from scoring.flag_texts import fr_number
from services.flows import equality_rule
from services.peers import PeerAnalysis
from services.stock import StockRules, epci_code, load_stock_rules

TARGET_LEVELS = ("epci", "commune", "bailleur")


def attribution_targets(
    attributions: pd.DataFrame,
    residences: pd.DataFrame,
    levels: Iterable[str] = TARGET_LEVELS,
    *,
    rules: StockRules | None = None,
) -> pd.DataFrame:
    """The two CCH L441-1 objectives per year for the EPCI, each commune and each bailleur.

    Parameters
    ----------
    attributions : pandas.DataFrame
        ``residence_id``, ``year``, ``is_q1``.
    residences : pandas.DataFrame
        ``residence_id``, ``is_qpv``, ``bailleur``, ``commune_code``.
    levels : iterable of str, default ("epci", "commune", "bailleur")
        Levels of :func:`services.flows.equality_rule`.
    rules : StockRules, optional
        The thresholds (``[equality_rule]`` of ``config/stock.toml`` when absent).

    Returns
    -------
    pandas.DataFrame
        ``level`` then the columns of :func:`services.flows.equality_rule`, levels in the given
        order.
    """
    rules = load_stock_rules() if rules is None else rules
    frames = []
    for level in levels:
        frame = equality_rule(attributions, residences, by=level, rules=rules)
        frame.insert(0, "level", level)
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


@dataclass(frozen=True)
class CapacityContribution:
    """What the capacity residences bring to the 25 % rule over an attribution window.

    Attributes
    ----------
    years : tuple of int
        The window years present in the attributions data.
    target_pct : float
        The objective (25 %).
    epci_share_pct : float
        The EPCI's share of attributions outside QPV to first-quartile households, window.
    epci_outside_qpv_per_year : float
        The EPCI's attributions outside QPV per year, window.
    extra_q1_per_year : float
        Sum of the residences' ``extra_q1_per_year``.
    epci_share_after_pct : float
        ``epci_share_pct`` plus the sum of the residences' gains.
    residences : pandas.DataFrame
        One row per capacity residence, indexed by ``residence_id`` (see the module docstring):
        ``residence_name``, ``commune_code``, ``bailleur``, ``is_qpv``, ``n_dwellings``,
        ``n_attributions``, ``n_q1``, ``lettings_per_year``, ``q1_per_year``, ``q1_pct``,
        ``extra_q1_per_year``, ``epci_gain_points`` and ``text`` (French sentence).
    text : str
        French summary for the page.
    """

    years: tuple[int, ...]
    target_pct: float
    epci_share_pct: float
    epci_outside_qpv_per_year: float
    extra_q1_per_year: float
    epci_share_after_pct: float
    residences: pd.DataFrame
    text: str


def _window(attributions: pd.DataFrame, year: int, window_years: int) -> tuple[int, ...]:
    present = set(pd.to_numeric(attributions["year"]).astype(int).unique())
    years = tuple(y for y in range(year - window_years + 1, year + 1) if y in present)
    if not years:
        raise ValueError(
            f"attributions : aucune attribution de {year - window_years + 1} à {year} "
            f"(années présentes : {', '.join(map(str, sorted(present))) or 'aucune'})."
        )
    return years


def _span(years: tuple[int, ...]) -> str:
    return str(years[0]) if len(years) == 1 else f"{years[0]}-{years[-1]}"


def capacity_contribution(
    attributions: pd.DataFrame,
    residences: pd.DataFrame,
    analysis: PeerAnalysis,
    year: int,
    *,
    rules: StockRules | None = None,
) -> CapacityContribution:
    """Contribution of each residence flagged « Capacité d'accueil » to the 25 % rule.

    Parameters
    ----------
    attributions : pandas.DataFrame
        ``residence_id``, ``year``, ``is_q1`` (``geodata.housing.load_attributions()``).
    residences : pandas.DataFrame
        The residences table (``residence_id``, ``is_qpv``, ``bailleur``, territory codes).
    analysis : PeerAnalysis
        Output of :func:`services.peers.peer_analysis`: which residences have capacity.
    year : int
        Last year of the attribution window.
    rules : StockRules, optional
        Target and window (``[equality_rule]`` of ``config/stock.toml`` when absent).

    Returns
    -------
    CapacityContribution
        Computed as the module docstring says.
    """
    rules = load_stock_rules() if rules is None else rules
    target = rules.outside_qpv_q1_min_pct
    years = _window(attributions, int(year), rules.equality_window_years)
    in_window = attributions[attributions["year"].isin(years)]
    epci = equality_rule(in_window, residences, by="epci", rules=rules)
    epci = epci[epci["group_code"] == epci_code()]
    outside = float(epci["n_outside_qpv"].sum())
    epci_share = 100.0 * float(epci["n_outside_qpv_q1"].sum()) / outside if outside else np.nan
    outside_per_year = outside / len(years)

    table = analysis.residences
    capacity = table[table["flag"] == "capacity"]
    shown = ["residence_name", "commune_code", "bailleur", "is_qpv", "n_dwellings"]
    out = capacity[[c for c in shown if c in capacity.columns]].copy()
    q1 = pd.Series(in_window["is_q1"].astype("boolean").to_numpy(), index=in_window.index)
    by_residence = pd.DataFrame(
        {"residence_id": in_window["residence_id"].astype(str), "q1": q1.fillna(False)}
    ).groupby("residence_id")["q1"]
    out["n_attributions"] = by_residence.size().reindex(out.index).fillna(0).astype(int)
    out["n_q1"] = by_residence.sum().reindex(out.index).fillna(0).astype(int)
    out["lettings_per_year"] = out["n_attributions"] / len(years)
    out["q1_per_year"] = out["n_q1"] / len(years)
    with np.errstate(invalid="ignore", divide="ignore"):
        out["q1_pct"] = np.where(
            out["n_attributions"] > 0, 100.0 * out["n_q1"] / out["n_attributions"], np.nan
        )
    is_qpv = out["is_qpv"].to_numpy(dtype=bool)
    extra = np.maximum(0.0, target / 100.0 * out["lettings_per_year"] - out["q1_per_year"])
    out["extra_q1_per_year"] = np.where(is_qpv, np.nan, extra)
    gain = 100.0 * out["extra_q1_per_year"] / outside_per_year if outside_per_year else np.nan
    out["epci_gain_points"] = gain
    qpv_target = rules.in_qpv_q2_q4_min_pct
    out["text"] = [_residence_text(row, years, target, qpv_target) for _, row in out.iterrows()]

    total_extra = float(np.nansum(out["extra_q1_per_year"]))
    after = epci_share + float(np.nansum(out["epci_gain_points"]))
    return CapacityContribution(
        years=years,
        target_pct=target,
        epci_share_pct=epci_share,
        epci_outside_qpv_per_year=outside_per_year,
        extra_q1_per_year=total_extra,
        epci_share_after_pct=after,
        residences=out,
        text=_summary_text(out, years, (target, qpv_target), epci_share, after, total_extra),
    )


def _qpv_rule(qpv_target: float) -> str:
    return f"au moins {fr_number(qpv_target, 0)} % des attributions aux quartiles 2 à 4"


def _residence_text(
    row: pd.Series, years: tuple[int, ...], target: float, qpv_target: float
) -> str:
    if bool(row["is_qpv"]):
        return (
            f"Résidence en QPV : ses attributions comptent pour l'objectif en QPV "
            f"({_qpv_rule(qpv_target)}), pas pour les {fr_number(target, 0)} % hors QPV."
        )
    if row["n_attributions"] == 0:
        return f"Aucune attribution sur {_span(years)} : pas de contribution possible à ce jour."
    head = (
        f"{row['n_attributions']} attribution(s) sur {_span(years)}, dont {row['n_q1']} au "
        f"premier quartile ({fr_number(row['q1_pct'], 0)} %)"
    )
    if row["extra_q1_per_year"] <= 0:
        return head + f" : part déjà au niveau de l'objectif de {fr_number(target, 0)} %."
    extra = fr_number(row["extra_q1_per_year"])
    gain = fr_number(row["epci_gain_points"], 2)
    return (
        f"{head} : {extra} attribution(s) de plus par an au premier quartile porterai(en)t sa "
        f"part à {fr_number(target, 0)} %, soit +{gain} point pour l'intercommunalité."
    )


def _summary_text(
    out: pd.DataFrame,
    years: tuple[int, ...],
    targets: tuple[float, float],
    share: float,
    after: float,
    extra: float,
) -> str:
    target, qpv_target = targets
    outside = out[~out["is_qpv"].to_numpy(dtype=bool)]
    n_qpv = len(out) - len(outside)
    lettings = float(outside["lettings_per_year"].sum())
    q1 = float(outside["q1_per_year"].sum())
    own = f" ({fr_number(100 * q1 / lettings, 0)} % de leurs attributions)" if lettings else ""
    text = (
        f"Sur {_span(years)}, les {len(outside)} résidences « Capacité d'accueil » hors QPV ont "
        f"accueilli en moyenne {fr_number(q1)} ménages du premier quartile de ressources par "
        f"an{own}. Porter chacune à l'objectif de {fr_number(target, 0)} % représenterait "
        f"{fr_number(extra)} attributions de plus par an au premier quartile, à nombre "
        "d'attributions inchangé : la part des attributions hors QPV au premier quartile dans "
        f"l'intercommunalité passerait de {fr_number(share)} % à {fr_number(after)} % (objectif "
        f"{fr_number(target, 0)} %)."
    )
    if n_qpv:
        text += (
            f" {n_qpv} autre(s) résidence(s) « Capacité d'accueil » en QPV relèvent de l'objectif "
            f"en QPV ({_qpv_rule(qpv_target)})."
        )
    return text
