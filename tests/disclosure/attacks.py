"""The attacks: from what the pages showed, recover a protected figure.

Every attack returns :class:`Recovery` records naming the territory, the year and the indicator
of each protected figure it recovered, with the true value and the attacker's estimate.

- :func:`small_cells`: a protected figure shown as it is (small base, dominance, one residence).
- :func:`differencing`: a protected figure derived from the published ones — a total minus its
  visible parts, siblings pooled, years pooled, parts in and outside QPV — by linear algebra over
  the atoms (residences, or residences × years), at the printed precision; a bailleur also knows
  its own residences, and must not recover another bailleur's residence nor fewer than 11
  households.
- :func:`cotation_attacks`: a residence's hidden OPS shares or its unpublishable Occupation
  pillar, from the ranking (scores and pillar scores), the explanation of its score with the
  published weights and bounds, weights chosen to isolate one OPS indicator, pairs of weight
  settings subtracted, the interval a published pillar leaves to each share; and any score shown
  that still moves with a residence's unpublishable shares.
- :func:`peer_attacks`: individual residences' values shipped with a box plot, medians of too
  small groups.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass

import numpy as np
import pandas as pd

from tests.disclosure.crawl import OBSERVATION_FAMILIES, Observation
from tests.disclosure.truth import Truth, protection

SHARE_PRECISION = 0.5  # an estimate within ± 0.5 point is a recovery
MISREAD: list[Observation] = []  # figures whose value is not that of their label
MEAN_PRECISION = {"mean_household_size": 0.05, "mean_tenure_years": 0.5}


@dataclass(frozen=True)
class Recovery:
    """One protected figure an attack recovered."""

    attack: str
    where: str
    family: str
    measure: str
    year: int | None
    level: str
    code: str
    true: float
    estimate: float
    why: str

    def line(self) -> str:
        year = "" if self.year is None else f" {self.year}"
        return (
            f"[{self.attack}] {self.level} {self.code}{year} · {self.family}/{self.measure} : "
            f"vrai {self.true:.4f}, estimé {self.estimate:.4f} ({self.why}) — {self.where}"
        )


def _precision(measure: str) -> float:
    return MEAN_PRECISION.get(measure, SHARE_PRECISION)


# --- The atoms of each cell -------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    """The atoms a figure pools and its true base and value."""

    atoms: np.ndarray  # positions in the space's atom list
    base: float
    value: float
    scale: float  # 100 for shares, 1 for means


_SPACES: dict[tuple, Space] = {}


def space_of(truth: Truth, family: str, measure: str, years: list[int]) -> Space:
    """The atoms of a quantity over some years (kept per parc)."""
    key = (id(truth), family, measure, tuple(sorted(years)))
    if key not in _SPACES:
        _SPACES[key] = Space(truth, family, measure, list(years))
    return _SPACES[key]


class Space:
    """Atoms of one quantity (one OPS share of one survey, or one flow measure over years)."""

    def __init__(self, truth: Truth, family: str, measure: str, years: list[int]) -> None:
        self.truth, self.family, self.measure = truth, family, measure
        self.years = sorted(years)
        n = len(truth.ids)
        self.n_res = n
        bases, counts = [], []
        for year in self.years:
            if family == "ops":
                base, count = truth.ops_atoms(year, measure)
            else:
                base, count = truth.flow_atoms(family, year, measure)
            bases.append(base)
            counts.append(count)
        self.base = np.concatenate(bases) if bases else np.zeros(0)
        self.count = np.concatenate(counts) if counts else np.zeros(0)
        self.scale = 1.0 if measure.startswith("mean_") else 100.0
        self.qpv = np.tile(truth.residences["is_qpv"].to_numpy(bool), len(self.years))

    def positions(self, residences: np.ndarray, years: list[int]) -> np.ndarray:
        out = [self.years.index(y) * self.n_res + residences for y in years if y in self.years]
        return np.concatenate(out) if out else np.zeros(0, dtype=int)

    def cell(self, obs_family: str, year: int, level: str, code: str) -> Cell | None:
        residences = self.truth.members(level, code)
        atoms = self.positions(residences, _years_of_family(obs_family, year))
        if obs_family.startswith("equality_"):
            atoms = atoms[self.qpv[atoms] == _is_equality_in(obs_family)]
        if atoms.size == 0:
            return None
        base = float(self.base[atoms].sum())
        if base <= 0:
            return None
        count = float(self.count[atoms].sum())
        if _is_equality_in(obs_family):
            count = base - count  # quartiles 2 to 4
        return Cell(atoms, base, self.scale * count / base, self.scale)

    def residence_bases(self, atoms: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Base per residence of a set of atoms, and the residences."""
        residences = atoms % self.n_res
        base = np.bincount(residences, weights=self.base[atoms], minlength=self.n_res)
        present = np.bincount(residences, minlength=self.n_res) > 0
        return base, np.flatnonzero(present)


# Families pooling a year and the next: the entrants compared with the sitting tenants, and the
# attribution window of the fiches territoriales (entrants, leavers, objectives).
POOLED = frozenset({"intake", "leavers2", "equality_out2", "equality_in2"})
ENTRANT_FAMILIES = frozenset(
    {"entrants", "intake", "equality_out", "equality_in", "equality_out2", "equality_in2"}
)


def _years_of_family(family: str, year: int) -> list[int]:
    return [year, year + 1] if family in POOLED else [year]


def _is_equality_in(family: str) -> bool:
    return family in ("equality_in", "equality_in2")


def _space_key(obs: Observation) -> tuple[str, str] | None:
    if obs.family == "ops":
        return ("ops", obs.measure)
    if obs.family in ENTRANT_FAMILIES:
        return ("entrants", obs.measure)
    if obs.family in ("leavers", "leavers2"):
        return ("leavers", obs.measure)
    return None


def _years_of(obs: Observation) -> list[int]:
    return _years_of_family(obs.family, obs.year)


def _level_code(truth: Truth, obs: Observation) -> tuple[str, str]:
    return obs.level, obs.code


# --- Small cells --------------------------------------------------------------------------------


def small_cells(truth: Truth, observations: list[Observation]) -> list[Recovery]:
    """Protected figures shown as they are."""
    found = []
    spaces: dict[tuple, Space] = {}
    for obs in observations:
        key = _space_key(obs)
        if key is None or not obs.shown or obs.year is None:
            continue
        years = _years_of(obs)
        space_key = (*key, tuple(years)) if key[0] != "ops" else (*key, (obs.year,))
        space = spaces.get(space_key) or spaces.setdefault(
            space_key, space_of(truth, key[0], key[1], list(space_key[2]))
        )
        cell = space.cell(obs.family, obs.year, obs.level, obs.code)
        if cell is None:
            continue
        base, residences = space.residence_bases(cell.atoms)
        why = protection(truth, base, residences, territory=(obs.level, obs.code))
        tolerance = 0.5 * 10 ** (-obs.decimals) + 1e-6
        if why and abs(obs.value - cell.value) <= tolerance:
            found.append(
                Recovery(
                    "petite case",
                    obs.element,
                    obs.family,
                    obs.measure,
                    obs.year,
                    obs.level,
                    obs.code,
                    cell.value,
                    obs.value,
                    why,
                )
            )
    return found


# --- Differencing ------------------------------------------------------------------------------


def differencing(
    truth: Truth, observations: list[Observation], own: np.ndarray | None = None
) -> list[Recovery]:
    """Protected figures derived from published ones (linear algebra over the atoms).

    Parameters
    ----------
    truth : Truth
        The parc.
    observations : list of Observation
        What the pages showed.
    own : numpy.ndarray of bool, optional
        Residences the attacker knows (a bailleur's own).
    """
    groups: dict[tuple, list[Observation]] = defaultdict(list)
    for obs in observations:
        key = _space_key(obs)
        if key is not None and obs.year is not None:
            if key[0] == "ops":
                key = (*key, obs.year)
            groups[key].append(obs)
    found: list[Recovery] = []
    for key, group in groups.items():
        years = sorted({y for o in group for y in _years_of(o)}) if key[0] != "ops" else [key[2]]
        found += _solve(truth, space_of(truth, key[0], key[1], years), group, own)
    return found


def _solve(truth: Truth, space: Space, group: list[Observation], own) -> list[Recovery]:
    """Every protected set the published cells determine, estimated at printed precision.

    Atoms that belong to exactly the same published cells cannot be told apart: they form a
    class, and a set is determined only if it is a union of whole classes whose indicator lies
    in the span of the published cells (checked in the small space of the classes).
    """
    active = np.flatnonzero(space.base > 0)
    position = np.full(len(space.base), -1)
    position[active] = np.arange(active.size)
    rows, rhs, err, shown = [], [], [], {}
    best: dict[tuple, Observation] = {}
    for obs in group:
        if not obs.shown:
            continue
        cell = space.cell(obs.family, obs.year, obs.level, obs.code)
        if cell is None:
            continue
        if abs(obs.value - cell.value) > 0.5 * 10 ** (-obs.decimals) + 1e-6:
            MISREAD.append(obs)  # not the figure its label says: the crawl misread it
            continue
        key = (obs.family, obs.year, obs.level, obs.code)
        if key not in best or obs.decimals > best[key].decimals:
            best[key] = obs  # one equation per cell: its most precise reading
    for obs in best.values():
        cell = space.cell(obs.family, obs.year, obs.level, obs.code)
        count = obs.value * cell.base / cell.scale
        if _is_equality_in(obs.family):
            count = cell.base - count
        rows.append(position[cell.atoms[space.base[cell.atoms] > 0]])
        rhs.append(count)
        err.append((0.5 * 10 ** (-obs.decimals)) * cell.base / cell.scale)
        shown[(obs.family, obs.year, obs.level, obs.code)] = cell
    if own is not None:
        for atom in np.flatnonzero(np.tile(own, len(space.years)) & (space.base > 0)):
            rows.append(np.array([position[atom]]))
            rhs.append(space.count[atom])
            err.append(0.0)
    if not rows:
        return []
    membership = np.zeros((len(rows), active.size), dtype=bool)
    for i, members in enumerate(rows):
        membership[i, members] = True
    signatures, atom_class = np.unique(membership.T, axis=0, return_inverse=True)
    atom_class = atom_class.ravel()
    sizes = np.bincount(atom_class, minlength=len(signatures))
    visible = signatures.any(axis=1)  # classes in at least one published cell
    matrix = signatures.T.astype(float)  # cells × classes
    matrix[:, ~visible] = 0.0
    inverse = np.linalg.pinv(matrix[:, visible].T)
    full = np.zeros((inverse.shape[0], len(signatures)))
    full[:, visible] = inverse
    inverse = full
    rhs, err = np.array(rhs), np.array(err)
    found = []
    single = np.zeros(len(space.base), dtype=bool)  # atoms alone in a class the cells see
    single[active] = (sizes[atom_class] == 1) & visible[atom_class]
    for atoms, label in _candidates(truth, space, group, shown, single):
        atoms = atoms[space.base[atoms] > 0]
        if atoms.size == 0:
            continue
        classes = np.bincount(atom_class[position[atoms]], minlength=len(signatures))
        touched = np.flatnonzero(classes)
        if (classes[touched] != sizes[touched]).any() or not visible[touched].all():
            continue  # not a union of classes the published cells see: undetermined
        target = np.zeros(len(signatures))
        target[touched] = 1.0
        coefficients = inverse @ target
        if np.abs(coefficients @ matrix - target).max() > 1e-6:
            continue
        base_total, residences = space.residence_bases(atoms)
        why = protection(truth, base_total, residences, territory=label[4], known=own)
        if not why:
            continue
        base = space.base[atoms].sum()
        count = coefficients @ rhs
        bound = np.abs(coefficients) @ err
        family, year, level, code = label[:4]
        true_count = space.count[atoms].sum()
        if _is_equality_in(family):
            count, true_count = base - count, base - true_count
        estimate, true = space.scale * count / base, space.scale * true_count / base
        half_width = space.scale * bound / base
        if half_width <= _precision(space.measure):
            if abs(estimate - true) > half_width + 1e-6:
                raise AssertionError(f"attaque incohérente sur {label}: {estimate} / {true}")
            found.append(
                Recovery(
                    "différence",
                    "totaux et parties publiés",
                    family,
                    space.measure,
                    year,
                    level,
                    code,
                    true,
                    estimate,
                    why,
                )
            )
    return found


def _candidates(truth: Truth, space: Space, group, shown, single: np.ndarray):
    """Sets the attacker tries: every cell of every territory, and what each published total
    leaves once its published parts are taken away. A residence's cell of one year is one
    atom: only those the published cells single out are tried."""
    families = sorted({o.family for o in group})
    years = sorted({o.year for o in group})
    for family in families:
        for year in years:
            for level in ("epci", "commune", "quartier"):
                codes = ["epci"] if level == "epci" else truth.territories(level)
                for code in codes:
                    cell = space.cell(family, year, level, code)
                    if cell is not None:
                        yield cell.atoms, (family, year, level, code, (level, code))
            if family in ("ops", "entrants", "leavers"):
                for atom in np.flatnonzero(single[space.positions(np.arange(space.n_res), [year])]):
                    code = str(truth.ids[atom])
                    yield (
                        space.positions(np.array([atom]), [year]),
                        (family, year, "residence", code, ("residence", code)),
                    )
    for (family, year, level, code), cell in shown.items():
        inside = [
            other.atoms
            for (f, y, _, _), other in shown.items()
            if f == family
            and y == year
            and other.atoms.size < cell.atoms.size
            and np.isin(other.atoms, cell.atoms).all()
        ]
        if inside:
            rest = np.setdiff1d(cell.atoms, np.concatenate(inside))
            label = f"{level} {code} moins ses parties publiées"
            yield rest, (family, year, "reste", label, None)


# --- Cotation -----------------------------------------------------------------------------------


@dataclass
class CotationTruth:
    """What the attacker wants of the cotation and the published method it knows."""

    table: pd.DataFrame  # raw indicators by residence
    scores: pd.DataFrame  # full reference cotation
    perturbed: pd.Series  # full scores with the unpublishable shares of each residence moved
    publishable: pd.Series  # pillar publishable (≥ 11 households, ≥ 2 OPS indicators known)
    bounds: pd.DataFrame  # fitted lower / upper bounds by indicator
    directions: pd.Series
    weights: pd.Series  # reference indicator weights
    pillar: str = "occupation"


def cotation_truth(truth: Truth) -> CotationTruth:
    """The full reference cotation of the parc (the product's published method)."""
    import geodata.housing as housing
    from scoring import CompositeIndex, load_profile
    from services.data_state import current_version_dir
    from services.indicators import build_indicator_table

    residences = housing.load_residences(current_version_dir())  # the parc in force
    table = build_indicator_table(residences)
    spec = load_profile("reference")
    index = CompositeIndex(spec).fit(table)
    scores = index.transform()
    ops = [c for c in table.columns if c in OBSERVATION_FAMILIES["ops_indicators"]]
    households = pd.Series(
        pd.to_numeric(residences["n_households"], errors="coerce").to_numpy(float),
        index=residences["residence_id"].astype(str).to_numpy(),
    ).reindex(table.index)
    publishable = (households >= 11) & (table[ops].notna().sum(axis=1) >= 2)
    bounds = index.bounds_
    moved = table.copy()
    hidden = ~publishable
    for code in ops:
        lower, upper = _bounds(bounds, code)
        moved.loc[hidden, code] = lower + upper - moved.loc[hidden, code]
    perturbed = index.transform(moved)["score"]
    return CotationTruth(
        table=table,
        scores=scores,
        perturbed=perturbed,
        publishable=publishable,
        bounds=bounds,
        directions=pd.Series({i.code: i.direction for i in spec.indicators}),
        weights=pd.Series({i.code: float(i.weight) for i in spec.indicators}),
    )


def _bounds(bounds: pd.DataFrame, code: str) -> tuple[float, float]:
    row = bounds.loc[code]
    lower = next(float(row[c]) for c in ("lower", "min", "low") if c in row.index)
    upper = next(float(row[c]) for c in ("upper", "max", "high") if c in row.index)
    return lower, upper


def _raw(ct: CotationTruth, code: str, normalised: float) -> float:
    lower, upper = _bounds(ct.bounds, code)
    z = normalised if ct.directions[code] > 0 else 100 - normalised
    return lower + z / 100 * (upper - lower)


def cotation_attacks(
    truth: Truth, ct: CotationTruth, rankings: dict[str, pd.DataFrame], ops_codes: list[str]
) -> list[Recovery]:
    """Every attack on the ranking tables of the weight probes (see the module docstring)."""
    found = []
    default = rankings.get("défaut")
    if default is None:
        return found
    column = f"score_{ct.pillar}"
    full_pillar = ct.scores[column]
    # 1. the pillar of a residence whose pillar may not be published, shown in the ranking
    if column in default:
        shown = pd.to_numeric(default[column], errors="coerce")
        for rid in ct.publishable.index[~ct.publishable]:
            value = shown.get(rid, np.nan)
            if not math.isnan(value) and abs(value - full_pillar[rid]) <= 0.051:
                found.append(
                    Recovery(
                        "classement",
                        "cotation:classement",
                        "pillar",
                        ct.pillar,
                        None,
                        "residence",
                        rid,
                        full_pillar[rid],
                        value,
                        "pilier d'une résidence sous le seuil",
                    )
                )
    # 2. scores that still move with a residence's unpublishable shares
    for name, table in rankings.items():
        if "score" not in table or (name != "défaut" and not name.endswith(":carte")):
            continue
        scores = pd.to_numeric(table["score"], errors="coerce")
        shown = [(rid, scores.get(rid, np.nan)) for rid in ct.publishable.index[~ct.publishable]]
        found += _full_scores(ct, shown, f"cotation:{name}")
    # 3. weights isolating one OPS indicator (sliders or the « poids » link parameter)
    for prefix in ("isoler", "isoler-rang"):
        probes = {c: rankings.get(f"{prefix}:{c}") for c in ops_codes}
        probes = {c: t for c, t in probes.items() if t is not None and "score" in t}
        if len(probes) < 2:
            continue
        vectors = {c: pd.to_numeric(t["score"], errors="coerce") for c, t in probes.items()}
        first = next(iter(vectors.values()))
        if all(
            np.allclose(v.reindex(first.index), first, equal_nan=True) for v in vectors.values()
        ):
            continue  # the weights do not isolate anything: nothing to read
        for code, scores in vectors.items():
            found += _read_raw(truth, ct, code, scores, f"poids isolant ({prefix})")
    # 4. pairs of weight settings: one OPS weight raised, the pillar scores subtracted
    if column in default:
        before = pd.to_numeric(default[column], errors="coerce")
        for code in ops_codes:
            table = rankings.get(f"plus:{code}")
            if table is None or column not in table:
                continue
            after = pd.to_numeric(table[column], errors="coerce").reindex(before.index)
            if np.nanmax(np.abs((after - before).to_numpy(float)), initial=0) <= 0.05:
                continue  # the weight has no effect on what is shown
            occupation = [c for c in ct.weights.index if c in OBSERVATION_FAMILIES["occupation"]]
            available = ct.table[occupation].notna()
            weight = (available * ct.weights[occupation]).sum(axis=1)
            delta = 10 - ct.weights[code]
            normalised = (after * (weight + delta) - before * weight) / delta
            found += _read_raw(truth, ct, code, normalised, "paire de pondérations")
    # 5. the interval a published pillar leaves to each OPS share
    if column in default:
        found += _pillar_intervals(truth, ct, pd.to_numeric(default[column], errors="coerce"))
    return found


def shown_scores(
    truth: Truth, ct: CotationTruth, observations: list[Observation], communes: dict[str, str]
) -> list[Recovery]:
    """Scores shown elsewhere (map points, a territory's residences) that still move with a
    residence's unpublishable shares."""
    by_key = {}
    names = truth.residences["residence_name"].astype(str).to_numpy()
    codes = truth.residences["commune_code"].astype(str).to_numpy()
    for rid, name, commune in zip(truth.ids, names, codes, strict=True):
        by_key[f"{commune}|{name}"] = rid
        by_key[f"{communes.get(commune, commune)}|{name}"] = rid
    by_element: dict[str, list] = defaultdict(list)
    for obs in observations:
        rid = by_key.get(obs.code) if obs.family == "score" and obs.shown else None
        if rid is not None and not ct.publishable.get(rid, True):
            by_element[obs.element].append((rid, obs.value))
    found = []
    for element, shown in by_element.items():
        found += _full_scores(ct, shown, element)
    return found


def _full_scores(ct: CotationTruth, shown: list[tuple[str, float]], where: str) -> list:
    """Scores of residences whose pillar is withheld that are their full scores.

    A withheld pillar leaves the score on the other pillars, which may equal the full score by
    chance for a few residences; the full score is what a page shows when most of the scores
    it shows for such residences equal it (and would move with their hidden shares).
    """
    hits, tried = [], 0
    for rid, value in shown:
        full, moved = ct.scores.at[rid, "score"], ct.perturbed.get(rid, np.nan)
        if math.isnan(value) or not abs(full - moved) > 0.15:
            continue
        tried += 1
        if abs(value - full) <= 0.051:
            why = "la note publiée dépend de parts non publiables"
            hits.append(
                Recovery("note", where, "score", "score", None, "residence", rid, full, value, why)
            )
    return hits if tried and len(hits) > tried / 2 else []


def _read_raw(truth, ct: CotationTruth, code: str, normalised: pd.Series, attack: str) -> list:
    found = []
    for rid, value in normalised.items():
        if math.isnan(value) or rid not in ct.table.index or not 0.0 < value < 100.0:
            continue
        true = ct.table.at[rid, code]
        if math.isnan(true):
            continue
        estimate = _raw(ct, code, value)
        if abs(estimate - true) <= SHARE_PRECISION:
            found.append(
                Recovery(
                    attack,
                    "cotation:classement",
                    "raw",
                    code,
                    None,
                    "residence",
                    str(rid),
                    true,
                    estimate,
                    "part OPS d'une résidence",
                )
            )
    return found


def _pillar_intervals(truth, ct: CotationTruth, pillar: pd.Series) -> list[Recovery]:
    """Published pillar P, known vacancy and rotation: bounds on each OPS share."""
    found = []
    occupation = [c for c in ct.weights.index if c in OBSERVATION_FAMILIES["occupation"]]
    ops = [c for c in occupation if c in OBSERVATION_FAMILIES["ops_indicators"]]
    public = [c for c in occupation if c not in ops]
    for rid, value in pillar.items():
        if math.isnan(value) or rid not in ct.table.index:
            continue
        row = ct.table.loc[rid]
        known = [c for c in occupation if not math.isnan(row[c])]
        total = ct.weights[known].sum()
        rest = value * total
        for code in [c for c in public if c in known]:
            lower, upper = _bounds(ct.bounds, code)
            z = 100 * (row[code] - lower) / (upper - lower) if upper > lower else 50.0
            z = min(max(z, 0.0), 100.0)
            rest -= ct.weights[code] * (z if ct.directions[code] > 0 else 100 - z)
        unknown = [c for c in ops if c in known]
        slack = 0.05 * total
        for code in unknown:
            w = ct.weights[code]
            others = sum(ct.weights[c] * 100 for c in unknown if c != code)
            low = max(0.0, (rest - slack - others) / w)
            high = min(100.0, (rest + slack) / w)
            lo_raw, hi_raw = sorted((_raw(ct, code, low), _raw(ct, code, high)))
            true = row[code]
            if hi_raw - lo_raw <= 2 * SHARE_PRECISION and lo_raw - 1e-6 <= true <= hi_raw + 1e-6:
                found.append(
                    Recovery(
                        "intervalle du pilier",
                        "cotation:classement",
                        "raw",
                        code,
                        None,
                        "residence",
                        str(rid),
                        true,
                        (lo_raw + hi_raw) / 2,
                        "part OPS bornée par le pilier publié",
                    )
                )
    return found


def explanation_attacks(
    truth: Truth,
    ct: CotationTruth,
    observations: list[Observation],
    labels: dict[str, str],
    own: frozenset[str] = frozenset(),
) -> list[Recovery]:
    """Invert « Pourquoi cette note » with the published weights and bounds (a bailleur's own
    residences apart)."""
    found = []
    share = _nominal_shares(ct)
    for obs in observations:
        if obs.family != "impact" or obs.code in own:
            continue
        rid = obs.code
        if rid not in ct.table.index:
            continue
        code = labels.get(obs.measure)
        if code in OBSERVATION_FAMILIES["ops_indicators"]:
            true = ct.table.at[rid, code]
            weight = _weight_share(ct, rid, code, share)
            if math.isnan(true) or not weight:
                continue
            normalised = obs.value / weight + 50.0
            estimate = _raw(ct, code, normalised)
            if 0 < normalised < 100 and abs(estimate - true) <= SHARE_PRECISION:
                found.append(
                    Recovery(
                        "explication",
                        obs.element,
                        "raw",
                        code,
                        None,
                        "residence",
                        rid,
                        true,
                        estimate,
                        "part OPS d'une résidence",
                    )
                )
        elif (
            re.match(r"Occupation \(\d", obs.measure)  # the pillar's bar: « Occupation (30 %) »
            and not ct.publishable.get(rid, True)
        ):
            pillar_share = float(obs.measure.split("(")[1].split(" ")[0].replace(",", ".")) / 100
            full = ct.scores.at[rid, f"score_{ct.pillar}"]
            if pillar_share and abs(obs.value / pillar_share - full) <= 0.1:
                found.append(
                    Recovery(
                        "explication",
                        obs.element,
                        "pillar",
                        ct.pillar,
                        None,
                        "residence",
                        rid,
                        full,
                        obs.value / pillar_share,
                        "pilier d'une résidence sous le seuil",
                    )
                )
    return found


def _nominal_shares(ct: CotationTruth) -> pd.Series:
    from scoring import load_profile

    spec = load_profile("reference")
    return pd.Series(spec.nominal_weights, index=list(spec.codes))


def _weight_share(ct: CotationTruth, rid: str, code: str, nominal: pd.Series) -> float:
    row = ct.table.loc[rid]
    available = [c for c in nominal.index if not math.isnan(row[c])]
    total = nominal[available].sum()
    return float(nominal[code] / total) if total else 0.0


# --- Peers --------------------------------------------------------------------------------------


def peer_attacks(observations: list[Observation], own: set[str] = frozenset()) -> list[Recovery]:
    """Residences' own values shipped with a box plot, another residence's fragility."""
    found = []
    for obs in observations:
        if obs.family == "fragility" and obs.code in own:
            continue  # a bailleur sees its own residences
        if obs.family == "peer_values":
            found.append(
                Recovery(
                    "boîtes",
                    obs.element,
                    "peer_values",
                    obs.measure,
                    None,
                    "residence",
                    obs.code,
                    obs.value,
                    obs.value,
                    "valeur d'une résidence du groupe envoyée au navigateur",
                )
            )
        if obs.family == "fragility" and obs.shown:
            found.append(
                Recovery(
                    "membres",
                    obs.element,
                    "fragility",
                    "fragility",
                    None,
                    "residence",
                    obs.code,
                    obs.value,
                    obs.value,
                    "fragilité d'une résidence",
                )
            )
    return found
