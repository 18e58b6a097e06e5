"""What the attacker wants: the true figures behind every cell, computed from the raw tables.

Written independently of the services (plain pandas on the housing files): the residences with
their bailleur and territories, and for each published quantity the *atoms* it pools — one per
residence (OPS shares) or per residence and year (entrants, leavers) — with, per atom, the
households whose answer is known (the base) and those who have the characteristic (the count).
A figure is a set of atoms: its share is ``100 × Σ count / Σ base``.

:func:`protection` says whether a set of atoms is *protected* under the published rules, and
why: fewer than 11 households with a known answer, one bailleur over 85 % of its households or
of the dwellings of its territory, one residence (one bailleur) for the public.
"""

from __future__ import annotations

import itertools
import tomllib
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
MIN_HOUSEHOLDS = 11
DOMINANCE = 0.85
OPS_COLUMNS = (
    "res_below_20_pct",
    "res_below_40_pct",
    "res_below_60_pct",
    "single_parent_pct",
    "large_family_pct",
    "employed_adults_pct",
    "no_employment_pct",
    "housing_benefit_pct",
    "over_65_pct",
    "recent_movers_pct",
)
COMPOSITIONS = ("personne_seule", "couple_sans_enfant", "couple_avec_enfants")


def _age_edges() -> list[int]:
    with (ROOT / "config" / "stock.toml").open("rb") as fh:
        return list(tomllib.load(fh)["profiles"]["age_band_edges_years"])


def flow_measures(flows: pd.DataFrame) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Per flow row, for each measure the pages publish: (value, known) with value 0/1 (or a
    number for means) — a plain re-derivation from the raw columns."""
    out: dict[str, tuple[np.ndarray, np.ndarray]] = {}

    def flag(values, name):
        v = pd.to_numeric(pd.Series(values).astype("boolean"), errors="coerce")
        out[name] = (v.fillna(0).to_numpy(float), v.notna().to_numpy())

    resources = pd.to_numeric(flows["resources_pct_ceiling"], errors="coerce")
    for t in (20, 40, 60):
        out[f"resources_below_{t}"] = (
            (resources < t).to_numpy(float),
            resources.notna().to_numpy(),
        )
    flag(flows["is_q1"], "q1")
    employed = pd.to_numeric(flows["is_employed"].astype("boolean"), errors="coerce")
    out["employed"] = (employed.fillna(0).to_numpy(float), employed.notna().to_numpy())
    out["no_employment"] = ((1 - employed).fillna(0).to_numpy(float), employed.notna().to_numpy())
    composition = flows["composition"].astype(object)
    everyone = np.ones(len(flows), dtype=bool)
    out["single_parent"] = ((composition == "famille_monoparentale").to_numpy(float), everyone)
    out["famille_monoparentale"] = out["single_parent"]
    for value in COMPOSITIONS:
        out[value] = ((composition == value).to_numpy(float), everyone)
    flag(flows["is_large_family"], "large_family")
    age = pd.to_numeric(flows["holder_age"], errors="coerce")
    out["holder_65_plus"] = ((age >= 65).to_numpy(float), age.notna().to_numpy())
    edges = _age_edges()
    bounds = [-np.inf, *edges, np.inf]
    names = [f"age_under_{edges[0]}"]
    names += [f"age_{low}_{high - 1}" for low, high in itertools.pairwise(edges)]
    names += [f"age_{edges[-1]}_plus"]
    for name, (low, high) in zip(names, itertools.pairwise(bounds), strict=True):
        out[name] = (((age >= low) & (age < high)).to_numpy(float), age.notna().to_numpy())
    if "is_mutation" in flows:
        flag(flows["is_mutation"], "mutation")
    size = pd.to_numeric(flows["household_size"], errors="coerce")
    out["mean_household_size"] = (size.fillna(0).to_numpy(float), size.notna().to_numpy())
    if "tenure_years" in flows:
        tenure = pd.to_numeric(flows["tenure_years"], errors="coerce")
        out["mean_tenure_years"] = (tenure.fillna(0).to_numpy(float), tenure.notna().to_numpy())
    return out


@dataclass
class Truth:
    """The raw tables of one parc, and the atoms of every published quantity."""

    directory: Path
    residences: pd.DataFrame = field(init=False)
    occupancy: pd.DataFrame = field(init=False)
    attributions: pd.DataFrame = field(init=False)
    departures: pd.DataFrame = field(init=False)

    def __post_init__(self) -> None:
        read = lambda name: pd.read_parquet(self.directory / f"{name}.parquet")  # noqa: E731
        self.residences = read("residences").drop(columns="geometry", errors="ignore")
        self.residences = self.residences.sort_values("residence_id", ignore_index=True)
        self.occupancy = read("occupancy")
        self.attributions = read("attributions")
        self.departures = read("departures")

    # --- Residences and territories -----------------------------------------------------------

    @cached_property
    def ids(self) -> pd.Index:
        return pd.Index(self.residences["residence_id"].astype(str))

    @cached_property
    def bailleur(self) -> np.ndarray:
        return self.residences["bailleur"].astype(str).to_numpy()

    @cached_property
    def _members(self) -> dict[tuple[str, str], np.ndarray]:
        out = {("epci", "epci"): np.arange(len(self.ids))}
        for level, column in (("commune", "commune_code"), ("quartier", "quartier_code")):
            codes = self.residences[column].astype(object).fillna("").map(str).to_numpy()
            for code in sorted(set(codes) - {""}):
                out[(level, code)] = np.flatnonzero(codes == code)
        for i, rid in enumerate(self.ids):
            out[("residence", rid)] = np.array([i])
        return out

    def members(self, level: str, code: str) -> np.ndarray:
        """Positions of the residences of a territory (``epci`` holds them all)."""
        key = ("epci", "epci") if level == "epci" else (level, str(code))
        return self._members.get(key, np.zeros(0, dtype=int))

    @cached_property
    def bailleur_code(self) -> np.ndarray:
        return np.unique(self.bailleur, return_inverse=True)[1]

    def territories(self, level: str) -> list[str]:
        if level == "epci":
            return ["epci"]
        column = {"commune": "commune_code", "quartier": "quartier_code"}[level]
        return sorted(self.residences[column].dropna().astype(str).unique())

    def dwellings_dominated(self, level: str, code: str) -> bool:
        """One bailleur holds more than 85 % of the territory's dwellings."""
        atoms = self.members(level, code)
        if atoms.size == 0:
            return False
        dwellings = self.residences["n_dwellings"].to_numpy(float)[atoms]
        top = np.bincount(self.bailleur_code[atoms], weights=dwellings).max()
        return bool(top > DOMINANCE * dwellings.sum())

    # --- Atoms --------------------------------------------------------------------------------

    def ops_atoms(self, year: int, column: str) -> tuple[np.ndarray, np.ndarray]:
        """Base and count of one OPS share, per residence (zero base when not known)."""
        rows = self.occupancy[self.occupancy["survey_year"] == year]
        share = pd.to_numeric(rows[column], errors="coerce")
        n = pd.to_numeric(rows["n_households"], errors="coerce").fillna(0)
        known = share.notna() & (n > 0)
        where = self.ids.get_indexer(rows["residence_id"].astype(str))
        base, count = np.zeros(len(self.ids)), np.zeros(len(self.ids))
        ok = (where >= 0) & known.to_numpy()
        np.add.at(base, where[ok], n.to_numpy()[ok])
        np.add.at(count, where[ok], (share * n / 100).to_numpy()[ok])
        return base, count

    @cached_property
    def _flow_cache(self) -> dict:
        return {}

    def flow_atoms(self, kind: str, year: int, measure: str) -> tuple[np.ndarray, np.ndarray]:
        """Base and count (or sum, for a mean) of one flow measure of one year, per residence."""
        if (kind, year) not in self._flow_cache:
            table = self.attributions if kind == "entrants" else self.departures
            rows = table[table["year"] == year]
            where = self.ids.get_indexer(rows["residence_id"].astype(str))
            atoms = {}
            for name, (value, known) in flow_measures(rows).items():
                ok = (where >= 0) & known
                base = np.bincount(where[ok], minlength=len(self.ids)).astype(float)
                count = np.bincount(where[ok], weights=value[ok], minlength=len(self.ids))
                atoms[name] = (base, count)
            self._flow_cache[(kind, year)] = atoms
        empty = (np.zeros(len(self.ids)), np.zeros(len(self.ids)))
        return self._flow_cache[(kind, year)].get(measure, empty)

    @cached_property
    def latest_survey(self) -> pd.DataFrame:
        """The latest OPS row of every residence with at least one share (what the cotation
        reads), by residence id."""
        rows = self.occupancy[self.occupancy[list(OPS_COLUMNS)].notna().any(axis=1)]
        rows = rows.sort_values("survey_year").drop_duplicates("residence_id", keep="last")
        return rows.set_index(rows["residence_id"].astype(str))


def protection(
    truth: Truth,
    base: np.ndarray,
    atoms: np.ndarray,
    *,
    territory: tuple[str, str] | None = None,
    known: np.ndarray | None = None,
) -> str | None:
    """Why the pooled answer of ``atoms`` (residence positions) is protected, None if it is not.

    Parameters
    ----------
    truth : Truth
        The parc.
    base : numpy.ndarray
        Households with a known answer per residence.
    atoms : numpy.ndarray
        Residence positions of the set.
    territory : (level, code), optional
        The territory the set is a cell of (dwelling dominance, single residence).
    known : numpy.ndarray of bool, optional
        Residences the attacker knows already (a bailleur's own): they are removed first, and
        what is left is protected when it has fewer than 11 households or one residence holds
        more than 85 % of them.
    """
    atoms = np.asarray(atoms, dtype=int)
    if known is not None:
        atoms = atoms[~known[atoms]]
        weights = base[atoms]
        total = weights.sum()
        if total <= 0:
            return None
        if total < MIN_HOUSEHOLDS:
            return "moins de 11 ménages une fois retirées ses propres résidences"
        if weights.max() > DOMINANCE * total:
            return "une résidence d'un autre bailleur une fois retirées ses propres résidences"
        return None
    weights = base[atoms]
    total = weights.sum()
    if total <= 0:
        return None
    if territory is not None and territory[0] == "residence":
        return "une seule résidence"
    if total < MIN_HOUSEHOLDS:
        return f"{total:g} ménages"
    top = np.bincount(truth.bailleur_code[atoms], weights=weights).max()
    if top > DOMINANCE * total:
        return f"un bailleur détient {100 * top / total:.1f} % des ménages"
    if territory is not None and truth.dwellings_dominated(*territory):
        return "un bailleur détient plus de 85 % des logements"
    return None
