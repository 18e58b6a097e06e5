"""The weights of a cotation working session, without Streamlit.

The weight changes a working group makes, written as a short text for a shareable link and read
back with French errors; a hashable key of the weights for the caches; the nominal and effective
weight of every indicator and pillar as tables for the sliders.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from scoring import (
    IndexSpec,
)


@dataclass(frozen=True)
class WeightOverrides:
    """Weights that differ from a profile, as read from a shared link.

    Attributes
    ----------
    pillars, indicators : dict of str to float
        New weights by pillar and indicator code.
    problems : list of str
        French description of every part of the text that was ignored.
    """

    pillars: dict[str, float]
    indicators: dict[str, float]
    problems: list[str]


def format_weight_overrides(spec: IndexSpec, base: IndexSpec) -> str:
    """The weights of ``spec`` that differ from ``base``, as ``code:poids`` pairs.

    Pillars come first, then indicators, in catalogue order; e.g.
    ``"occupation:40,is_qpv:1"``. Empty when ``spec`` has ``base``'s weights.
    """
    parts = [
        f"{p.code}:{p.weight:g}"
        for p, b in zip(spec.pillars, base.pillars, strict=True)
        if p.weight != b.weight
    ]
    parts += [
        f"{i.code}:{i.weight:g}"
        for i, b in zip(spec.indicators, base.indicators, strict=True)
        if i.weight != b.weight
    ]
    return ",".join(parts)


def parse_weight_overrides(
    text: str | None,
    spec: IndexSpec,
    pillar_max: float = 100.0,
    indicator_max: float = 10.0,
) -> WeightOverrides:
    """Read ``code:poids`` pairs written by :func:`format_weight_overrides`.

    Unknown codes, values that are not numbers or are out of ``[0, max]`` are ignored and
    reported in ``problems`` (a shared link never breaks the page).

    Parameters
    ----------
    text : str or None
        E.g. ``"occupation:40,is_qpv:1"``.
    spec : IndexSpec
        Gives the known pillar and indicator codes.
    pillar_max, indicator_max : float
        Largest weight accepted for a pillar and for an indicator.
    """
    pillars: dict[str, float] = {}
    indicators: dict[str, float] = {}
    problems: list[str] = []
    for part in (text or "").split(","):
        part = part.strip()
        if not part:
            continue
        code, _, raw = part.partition(":")
        code = code.strip()
        try:
            value = float(raw.strip().replace(",", "."))
        except ValueError:
            problems.append(f"« {part} » : poids illisible, attendu code:nombre.")
            continue
        if code in spec.pillar_codes:
            target, upper = pillars, pillar_max
            what = f"pilier « {spec.pillar(code).label} »"
        elif code in spec.codes:
            target, upper = indicators, indicator_max
            what = f"indicateur « {spec.indicator(code).label} »"
        else:
            problems.append(f"« {code} » : ni un pilier ni un indicateur du catalogue.")
            continue
        if not (math.isfinite(value) and 0.0 <= value <= upper):
            problems.append(f"{what} : poids {raw.strip()} hors de l'intervalle 0 à {_num(upper)}.")
            continue
        target[code] = value
    return WeightOverrides(pillars, indicators, problems)


def weight_key(spec: IndexSpec) -> tuple[float, ...]:
    """All the weights of ``spec`` (pillars then indicators) as a hashable tuple."""
    return (*(float(p.weight) for p in spec.pillars), *(float(i.weight) for i in spec.indicators))


def with_weight_key(spec: IndexSpec, key: tuple[float, ...]) -> IndexSpec:
    """Inverse of :func:`weight_key`: ``spec`` with the weights of ``key``."""
    n = len(spec.pillars)
    if len(key) != n + len(spec.indicators):
        raise ValueError(
            f"poids : attendu {n + len(spec.indicators)} valeurs (piliers puis indicateurs), "
            f"reçu {len(key)}."
        )
    return spec.with_weights(
        pillars=dict(zip(spec.pillar_codes, key[:n], strict=True)),
        indicators=dict(zip(spec.codes, key[n:], strict=True)),
    )


def weight_table(spec: IndexSpec, effective_pct: pd.Series) -> pd.DataFrame:
    """Nominal and effective weight of every indicator.

    Parameters
    ----------
    spec : IndexSpec
        The current weights.
    effective_pct : pandas.Series
        Output of :func:`scoring.effective_weights` for ``spec`` (indexed by code, in %).

    Returns
    -------
    pandas.DataFrame
        Indexed by indicator code: ``pillar``, ``label``, ``weight``, ``nominal_pct`` (share of
        the score when nothing is missing) and ``effective_pct`` (share of the variance of the
        score).
    """
    return pd.DataFrame(
        {
            "pillar": [i.pillar for i in spec.indicators],
            "label": [i.label for i in spec.indicators],
            "weight": [float(i.weight) for i in spec.indicators],
            "nominal_pct": spec.nominal_weights * 100.0,
            "effective_pct": effective_pct.reindex(list(spec.codes)).to_numpy(dtype=float),
        },
        index=pd.Index(spec.codes, name="code"),
    )


def pillar_weight_table(weights: pd.DataFrame, spec: IndexSpec) -> pd.DataFrame:
    """Nominal and effective weight of every pillar (sums of its indicators' weights).

    Parameters
    ----------
    weights : pandas.DataFrame
        Output of :func:`weight_table`.
    spec : IndexSpec
        Gives the pillars, their labels and weights.
    """
    sums = weights.groupby("pillar", sort=False)[["nominal_pct", "effective_pct"]].sum(min_count=1)
    return pd.DataFrame(
        {
            "label": [p.label for p in spec.pillars],
            "weight": [float(p.weight) for p in spec.pillars],
            "nominal_pct": sums["nominal_pct"].reindex(list(spec.pillar_codes)).to_numpy(),
            "effective_pct": sums["effective_pct"].reindex(list(spec.pillar_codes)).to_numpy(),
        },
        index=pd.Index(spec.pillar_codes, name="pillar"),
    )


def _num(value: float) -> str:
    return f"{value:g}".replace(".", ",")
