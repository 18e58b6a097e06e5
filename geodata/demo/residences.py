"""Demo residences: how many, of which kind, and their building characteristics.

Each area (a Poitiers quartier or another commune) receives residences until its share of the
2025 SRU count is reached. A residence has a *kind* that drives everything else: the large
1958-1978 ensembles (``grand_ensemble``) that dominate the quartiers prioritaires, ordinary
apartment buildings (``collectif``), small groups of houses (``petit``), recent programmes
(``neuf``, delivered 2018-2024) and old buildings bought and refurbished (``ancien``).

The frame returned keeps, beside the public columns of the ``residences`` table, the hidden traits
the rest of the generator needs (kind, class of area, fragility…); they are never written.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from geodata.demo.params import (
    BAILLEUR_WEIGHTS,
    BAILLEURS,
    CENTRE_QUARTIER,
    COMMUNE_PROFILES,
    DOMINANT_BAILLEUR,
    OPH,
    QPV_QUARTIERS,
    QUARTIER_SHARES,
    RESIDENCE_SHARE_OF_LLS,
    TYPOLOGY_SURFACE_M2,
    generator,
)
from geodata.schemas import DPE_LABELS

KINDS = ("grand_ensemble", "collectif", "petit", "neuf", "ancien")
# Probability of each kind (order of KINDS) by type of area.
KIND_MIX = {
    "qpv_quartier": (0.52, 0.37, 0.03, 0.05, 0.03),
    "centre": (0.00, 0.46, 0.03, 0.16, 0.35),
    "poitiers": (0.10, 0.63, 0.05, 0.17, 0.05),
    "first_ring": (0.03, 0.64, 0.08, 0.25, 0.00),
    "town": (0.00, 0.64, 0.16, 0.14, 0.06),
    "rural": (0.00, 0.20, 0.75, 0.00, 0.05),
}
# Share of each typology (T1…T5+) by kind; the centre of Poitiers has many studios.
TYPOLOGY_MIX = {
    "grand_ensemble": (0.05, 0.18, 0.37, 0.30, 0.10),
    "collectif": (0.14, 0.30, 0.34, 0.17, 0.05),
    "petit": (0.00, 0.16, 0.44, 0.34, 0.06),
    "neuf": (0.08, 0.36, 0.37, 0.16, 0.03),
    "ancien": (0.30, 0.34, 0.24, 0.10, 0.02),
    "centre": (0.34, 0.33, 0.22, 0.09, 0.02),
}
MISSING_DPE = 0.03
SURFACE_FACTOR = {
    "grand_ensemble": 0.97,
    "collectif": 1.0,
    "petit": 1.08,
    "neuf": 0.95,
    "ancien": 1.02,
}


def dwelling_targets(lls_2025: pd.Series) -> pd.Series:
    """Social dwellings held in residences per commune, a share of the 2025 SRU count.

    Parameters
    ----------
    lls_2025 : pandas.Series
        SRU count of social dwellings on 1 January 2025, by commune code.

    Returns
    -------
    pandas.Series
        94-96 % of the count in Poitiers, 87-95 % elsewhere (foyers, residences for the elderly
        and conventioned private dwellings make the rest); all but one or two dwellings in
        communes holding fewer than 30.
    """
    rng = generator("residences.targets")
    out = {}
    for code in sorted(lls_2025.index):
        n = int(lls_2025[code])
        low, high = RESIDENCE_SHARE_OF_LLS["poitiers" if code == "86194" else "other"]
        if n >= 30:
            out[code] = int(np.round(n * rng.uniform(low, high)))
        else:
            out[code] = n - int(rng.integers(0, 3)) if n >= 4 else n
    return pd.Series(out, dtype="int64")


def _draw_size(kind: str, rng: np.random.Generator) -> int:
    if kind == "grand_ensemble":
        return int(np.clip(round(rng.lognormal(np.log(95), 0.5)), 40, 420))
    if kind == "collectif":
        return int(np.clip(round(rng.lognormal(np.log(24), 0.55)), 11, 150))
    if kind == "neuf":
        return int(np.clip(round(rng.lognormal(np.log(22), 0.5)), 10, 80))
    if kind == "ancien":
        return int(rng.integers(6, 31))
    return int(rng.integers(3, 11))


def _area_residences(
    target: int, area_type: str, rng: np.random.Generator
) -> list[tuple[str, int]]:
    """Kinds and sizes of the residences of one area, summing exactly to ``target`` dwellings."""
    out: list[tuple[str, int]] = []
    left = target
    while left > 0:
        kind = KINDS[rng.choice(len(KINDS), p=KIND_MIX[area_type])]
        size = _draw_size(kind, rng)
        if size >= left:
            if left < 3 and out:
                kind, previous = out.pop()
                size, left = previous + left, 0
            else:
                size = left
            if kind in ("grand_ensemble", "collectif", "neuf") and size < 11:
                kind = "petit"
            out.append((kind, size))
            break
        out.append((kind, size))
        left -= size
    return out


def _areas(targets: pd.Series, quartiers: pd.DataFrame) -> list[tuple[str, str | None, str, int]]:
    """(commune_code, quartier_code, area_type, target) of every area holding social housing."""
    areas = []
    poitiers_total = int(targets.get("86194", 0))
    names = list(quartiers["quartier_name"])
    shares = np.array([QUARTIER_SHARES[n] for n in names])
    counts = np.floor(shares / shares.sum() * poitiers_total).astype(int)
    counts[np.argmax(shares)] += poitiers_total - counts.sum()
    for code, name, count in zip(quartiers["quartier_code"], names, counts, strict=True):
        if name in QPV_QUARTIERS:
            area_type = "qpv_quartier"
        elif name == CENTRE_QUARTIER:
            area_type = "centre"
        else:
            area_type = "poitiers"
        areas.append(("86194", code, area_type, int(count)))
    for code in sorted(targets.index):
        if code != "86194" and targets[code] > 0:
            areas.append((code, None, COMMUNE_PROFILES[code][0], int(targets[code])))
    return areas


def plan_residences(targets: pd.Series, quartiers: pd.DataFrame) -> pd.DataFrame:
    """Draw the residences of every area: kind and number of dwellings.

    Parameters
    ----------
    targets : pandas.Series
        Social dwellings in residences per commune code (Poitiers split over its quartiers).
    quartiers : pandas.DataFrame
        The schematic quartiers (``quartier_code``, ``quartier_name``).

    Returns
    -------
    pandas.DataFrame
        One row per residence: ``commune_code``, ``quartier_code``, ``quartier_name``,
        ``area_type``, ``klass`` (class of commune), ``kind``, ``n_dwellings``.
    """
    rng = generator("residences.plan")
    names = dict(zip(quartiers["quartier_code"], quartiers["quartier_name"], strict=True))
    rows = []
    for commune, quartier, area_type, target in _areas(targets, quartiers):
        for kind, size in _area_residences(target, area_type, rng):
            rows.append(
                (
                    commune,
                    quartier,
                    names.get(quartier),
                    area_type,
                    COMMUNE_PROFILES[commune][0],
                    kind,
                    size,
                )
            )
    columns = [
        "commune_code",
        "quartier_code",
        "quartier_name",
        "area_type",
        "klass",
        "kind",
        "n_dwellings",
    ]
    return pd.DataFrame(rows, columns=columns)


def _year_built(kind: np.ndarray, area: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    n = len(kind)
    years = np.empty(n, dtype=int)
    recent = rng.integers(1980, 2018, n)
    # Suburban and rural programmes are more recent than Poitiers' ones.
    suburban = np.isin(area, ("first_ring", "town", "rural"))
    recent = np.where(suburban, np.maximum(recent, rng.integers(1985, 2018, n)), recent)
    years[:] = recent
    years[kind == "grand_ensemble"] = rng.integers(1958, 1979, n)[kind == "grand_ensemble"]
    years[kind == "neuf"] = rng.integers(2018, 2025, n)[kind == "neuf"]
    years[kind == "ancien"] = rng.integers(1850, 1951, n)[kind == "ancien"]
    old_collectif = (kind == "collectif") & ~suburban & (rng.random(n) < 0.12)
    years[old_collectif] = rng.integers(1950, 1958, n)[old_collectif]
    return years


def _year_rehab(
    kind: np.ndarray, year_built: np.ndarray, is_qpv: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    n = len(kind)
    p = np.select(
        [kind == "grand_ensemble", kind == "ancien", year_built < 1990],
        [0.62, 0.85, 0.40],
        default=0.0,
    )
    done = rng.random(n) < p
    low = np.maximum(year_built + 15, 1990)
    low = np.where(is_qpv & (kind == "grand_ensemble"), np.maximum(low, 2006), low)
    low = np.where(kind == "ancien", np.maximum(year_built + 1, 1975), low)
    years = low + np.floor(rng.random(n) * (2026 - low)).astype(int)
    years = np.minimum(years, 2025)
    return np.where(done & (low <= 2025), years, -1)


def _dpe(
    kind: np.ndarray, year_built: np.ndarray, year_rehab: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    score = np.select(
        [year_built < 1975, year_built < 1990, year_built < 2006, year_built < 2013],
        [5.5, 4.4, 3.5, 2.9],
        default=2.1,
    )
    score = score - np.where(year_rehab >= 2006, 1.9, np.where(year_rehab > 0, 0.8, 0.0))
    score = score + np.where(kind == "petit", 0.3, 0.0) + rng.normal(0, 0.65, len(kind))
    index = np.clip(np.round(score), 1, 7).astype(int) - 1
    return np.array(DPE_LABELS, dtype=object)[index]


def _psp(
    kind: np.ndarray,
    dpe: np.ndarray,
    year_rehab: np.ndarray,
    is_qpv: np.ndarray,
    area: np.ndarray,
    rng: np.random.Generator,
) -> np.ndarray:
    n = len(kind)
    u = rng.random(n)
    recent_rehab = year_rehab >= 2008
    energy_poor = np.isin(dpe, ("E", "F", "G"))
    out = np.full(n, "conforter", dtype=object)
    ge = kind == "grand_ensemble"
    # Large ensembles not rehabilitated recently: rehabilitate, restructure or demolish.
    old_ge = ge & ~recent_rehab
    out[old_ge & (u < 0.5)] = "réhabiliter"
    out[old_ge & (u >= 0.5) & (u < 0.7)] = "restructurer"
    out[old_ge & (u >= 0.7) & (u < 0.7 + np.where(is_qpv, 0.16, 0.04))] = "démolir"
    new_ge = ge & recent_rehab
    out[new_ge & (u < 0.14)] = "restructurer"
    other = ~ge & energy_poor & ~recent_rehab
    out[other & (u < 0.6)] = "réhabiliter"
    houses = ~ge & ~other & (kind == "petit") & np.isin(area, ("town", "rural", "first_ring"))
    out[houses & (u < 0.12)] = "vendre"
    rest = ~ge & ~other & ~houses
    out[rest & (u < 0.05)] = "réhabiliter"
    return out


def _rent(
    kind: np.ndarray,
    year_built: np.ndarray,
    year_rehab: np.ndarray,
    klass: np.ndarray,
    rng: np.random.Generator,
) -> np.ndarray:
    n = len(kind)
    base = np.select(
        [
            kind == "grand_ensemble",
            kind == "neuf",
            kind == "petit",
            kind == "ancien",
            year_built < 2000,
        ],
        [4.75, 6.9, 5.7, 6.1, 5.45],
        default=6.2,
    )
    base = base + np.where(year_rehab >= 2008, 0.35, 0.0)
    base = base + np.where(np.isin(klass, ("town", "rural")), -0.3, 0.0)
    pls = (kind == "neuf") & (rng.random(n) < 0.1)
    base = np.where(pls, 9.0, base)
    spread = np.where(kind == "grand_ensemble", 0.3, 0.45)
    return np.round(np.clip(base + rng.normal(0, 1, n) * spread, 3.6, 12.0), 2)


def _lift(
    kind: np.ndarray, year_built: np.ndarray, n_dwellings: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    p = np.select(
        [
            kind == "grand_ensemble",
            (kind == "collectif") & (n_dwellings >= 20),
            (kind == "neuf") & (n_dwellings >= 15),
        ],
        [np.where(year_built >= 1963, 0.75, 0.35), np.where(year_built >= 1990, 0.7, 0.35), 0.9],
        default=0.04,
    )
    return rng.random(len(kind)) < p


def _typologies(
    kind: np.ndarray, area: np.ndarray, n_dwellings: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    counts = np.zeros((len(kind), 5), dtype=int)
    for i, (k, a, n) in enumerate(zip(kind, area, n_dwellings, strict=True)):
        mix = np.array(TYPOLOGY_MIX["centre" if a == "centre" and k != "neuf" else k])
        alpha = mix * 25.0 + 1e-3
        counts[i] = rng.multinomial(n, rng.dirichlet(alpha))
    return counts


def _bailleurs(frame: pd.DataFrame, rng: np.random.Generator) -> np.ndarray:
    n = len(frame)
    out = np.empty(n, dtype=object)
    for i, (klass, area, kind) in enumerate(
        zip(frame["klass"], frame["area_type"], frame["kind"], strict=True)
    ):
        weights = np.array(BAILLEUR_WEIGHTS[klass])
        if area == "qpv_quartier" and kind == "grand_ensemble":
            weights = np.array((0.8, 0.1, 0.04, 0.02, 0.04))
        out[i] = BAILLEURS[rng.choice(len(BAILLEURS), p=weights / weights.sum())]
    for code, dominant in DOMINANT_BAILLEUR.items():
        rows = np.flatnonzero(frame["commune_code"].to_numpy() == code)
        out[rows] = dominant
        if len(rows) >= 5:
            smallest = rows[np.argmin(frame["n_dwellings"].to_numpy()[rows])]
            out[smallest] = "Les Toits du Clain" if dominant != "Les Toits du Clain" else OPH
    return out


def _fragility(frame: pd.DataFrame, rng: np.random.Generator) -> np.ndarray:
    """Hidden fragility of each residence (about 0 on average, higher = more fragile)."""
    kind = frame["kind"].to_numpy()
    klass = frame["klass"].to_numpy()
    z = (
        1.15 * frame["is_qpv"].to_numpy()
        + 0.45 * (kind == "grand_ensemble")
        + 0.35 * (frame["rent_eur_m2"].to_numpy() < 5.0)
        + 0.30 * frame["dpe_label"].isin(["E", "F", "G"]).to_numpy()
        - 0.45 * (kind == "neuf")
        - 0.30 * np.isin(klass, ("town", "rural"))
        - 0.20 * (klass == "first_ring")
        - 0.40
    )
    return z + rng.normal(0, 0.55, len(frame))


def describe_residences(plan: pd.DataFrame) -> pd.DataFrame:
    """Add the building characteristics to the planned residences and number them.

    Parameters
    ----------
    plan : pandas.DataFrame
        Output of :func:`plan_residences`.

    Returns
    -------
    pandas.DataFrame
        Sorted by ``residence_id`` (``GP-0001``…): the building columns of the ``residences``
        table (without names, addresses, geometry, environment and flow rates) plus the hidden
        traits ``kind``, ``area_type``, ``klass``, ``fragility``.
    """
    rng = generator("residences.describe")
    frame = plan.copy()
    n = len(frame)
    kind = frame["kind"].to_numpy()
    area = frame["area_type"].to_numpy()
    klass = frame["klass"].to_numpy()
    u = rng.random(n)
    qpv_p = np.select([kind == "grand_ensemble", kind == "collectif"], [0.93, 0.4], default=0.15)
    frame["is_qpv"] = (area == "qpv_quartier") & (u < qpv_p)
    frame["year_built"] = _year_built(kind, area, rng)
    rehab = _year_rehab(kind, frame["year_built"].to_numpy(), frame["is_qpv"].to_numpy(), rng)
    frame["year_rehab"] = pd.array(np.where(rehab > 0, rehab, 0), dtype="Int64")
    frame.loc[rehab <= 0, "year_rehab"] = pd.NA
    frame["dpe_label"] = _dpe(kind, frame["year_built"].to_numpy(), rehab, rng)
    frame["psp_class"] = _psp(
        kind, frame["dpe_label"].to_numpy(), rehab, frame["is_qpv"].to_numpy(), klass, rng
    )
    frame["rent_eur_m2"] = _rent(kind, frame["year_built"].to_numpy(), rehab, klass, rng)
    frame["has_lift"] = _lift(
        kind, frame["year_built"].to_numpy(), frame["n_dwellings"].to_numpy(), rng
    )
    counts = _typologies(kind, area, frame["n_dwellings"].to_numpy(), rng)
    for j, column in enumerate(("n_t1", "n_t2", "n_t3", "n_t4", "n_t5_plus")):
        frame[column] = counts[:, j]
    shares = counts / counts.sum(axis=1, keepdims=True)
    factor = frame["kind"].map(SURFACE_FACTOR).to_numpy()
    surface = shares @ np.array(TYPOLOGY_SURFACE_M2) * factor + rng.normal(0, 2.0, n)
    frame["mean_surface_m2"] = np.round(surface, 1)
    frame["bailleur"] = _bailleurs(frame, rng)
    frame["fragility"] = _fragility(frame, rng)
    frame.loc[rng.random(n) < MISSING_DPE, "dpe_label"] = None

    frame["_quartier_sort"] = frame["quartier_code"].fillna("")
    frame = frame.sort_values(
        ["commune_code", "_quartier_sort", "year_built", "n_dwellings"],
        ascending=[True, True, True, False],
        kind="stable",
        ignore_index=True,
    ).drop(columns="_quartier_sort")
    frame.insert(0, "residence_id", [f"GP-{i + 1:04d}" for i in range(len(frame))])
    return frame
