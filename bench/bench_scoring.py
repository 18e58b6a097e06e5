"""Benchmarks of the cotation engine, side by side with a straightforward pandas implementation.

Measured: rescoring after a weight change (demo parc, 100,000 and 1,000,000 residences), a full
fit + transform, a fit that treats extreme values (1,000,000 residences with skewed indicators),
the explanation of one residence, a 1,000-draw sensitivity analysis and the class certainty from
1,000 draws of weights, normalisation and treatment. The demo parc is
``geodata.load_residences()`` when it exists, else 600 synthetic residences; the large sizes are
synthetic tables of 20 indicators in 4 pillars with about 3 % missing values.

The pandas baseline is what one would write without the engine: per-column normalisation with
``Series.min()``/``max()``, per-pillar weighted means accumulated column by column, ``pd.cut``
for the classes and ``Series.rank`` for the ranks; it re-normalises on every weight change. Its
scores are checked against the engine's before timing.
"""

from __future__ import annotations

import itertools
import platform

import numpy as np
import pandas as pd

from bench.timing import fmt_ms, markdown_table, median_seconds, section
from scoring import CompositeIndex, IndexSpec, Indicator, Method, Pillar, load_profile
from scoring.certainty import class_certainty
from scoring.draws import UNCERTAIN_TREATMENTS, uncertainty_normalisations
from scoring.sensitivity import run_sensitivity
from services.indicators import build_indicator_table

DEMO_SIZE = 600
LARGE_SIZES = (100_000, 1_000_000)
N_DRAWS = 1000
BASELINE_DRAWS = 50


# --- Data ------------------------------------------------------------------------------------


def _load_demo_residences() -> tuple[pd.DataFrame, str]:
    try:
        import geodata

        loader = getattr(geodata, "load_residences", None)
        if loader is None:
            from geodata.housing import load_residences as loader
        residences = loader()
        return pd.DataFrame(residences.drop(columns="geometry", errors="ignore")), (
            f"`{loader.__module__}.load_residences()` ({len(residences)} résidences)"
        )
    except (ImportError, AttributeError, FileNotFoundError, ValueError) as exc:
        reason = type(exc).__name__
        return _synthetic_residences(DEMO_SIZE, seed=7), (
            f"parc synthétique de {DEMO_SIZE} résidences (`geodata.load_residences()` "
            f"indisponible : {reason})"
        )


def _synthetic_residences(n: int, seed: int) -> pd.DataFrame:
    """Residences with every column the catalogue reads, plausible ranges, some gaps."""
    rng = np.random.default_rng(seed)
    typologies = rng.multinomial(40, [0.15, 0.3, 0.3, 0.18, 0.07], size=n)

    def pct(low: float, high: float, missing: float = 0.08) -> np.ndarray:
        values = rng.uniform(low, high, n).round(1)
        values[rng.random(n) < missing] = np.nan
        return values

    year_built = rng.integers(1955, 2022, n)
    rehab = np.where(rng.random(n) < 0.4, year_built + rng.integers(15, 40, n), 0)
    rehab_year = pd.array(np.where((rehab > 0) & (rehab <= 2023), rehab, 0), dtype="Int64")
    rehab_year[rehab_year == 0] = pd.NA
    dpe = rng.choice(list("ABCDEFG"), n, p=[0.03, 0.1, 0.25, 0.32, 0.18, 0.08, 0.04]).astype(object)
    dpe[rng.random(n) < 0.05] = None
    return pd.DataFrame(
        {
            "residence_id": [f"RES{i:05d}" for i in range(n)],
            "is_qpv": rng.random(n) < 0.35,
            "n_dwellings": typologies.sum(axis=1),
            "n_t1": typologies[:, 0],
            "n_t2": typologies[:, 1],
            "n_t3": typologies[:, 2],
            "n_t4": typologies[:, 3],
            "n_t5_plus": typologies[:, 4],
            "year_built": year_built,
            "year_rehab": rehab_year,
            "dpe_label": dpe,
            "rent_eur_m2": rng.uniform(4.5, 7.5, n).round(2),
            "psp_class": rng.choice(
                ["conforter", "réhabiliter", "restructurer", "démolir", "vendre"],
                n,
                p=[0.5, 0.3, 0.1, 0.05, 0.05],
            ),
            "has_lift": rng.random(n) < 0.4,
            "vacancy_rate_pct": pct(0, 12, 0.02),
            "rotation_rate_pct": pct(4, 25, 0.02),
            "dist_school_m": pct(50, 3000, 0.01),
            "dist_shops_m": pct(30, 3000, 0.01),
            "dist_health_m": pct(50, 4000, 0.01),
            "dist_transit_m": pct(20, 1500, 0.01),
            "tranquillity_reports_per_100": pct(0, 15, 0.1),
            "green_space_share_pct": pct(0, 45, 0.05),
            "private_rent_eur_m2": pct(7, 13, 0.05),
            "ops_survey_year": pd.array(np.full(n, 2022), dtype="Int64"),
            "res_below_40_pct": pct(10, 70),
            "single_parent_pct": pct(5, 35),
            "employed_adults_pct": pct(20, 80),
            "housing_benefit_pct": pct(25, 85),
            "recent_movers_pct": pct(5, 40),
        }
    )


def _large_spec() -> IndexSpec:
    pillars = ("patrimoine", "occupation", "equipements", "environnement")
    return IndexSpec(
        name="synthetique",
        pillars=tuple(
            Pillar(p, p.capitalize(), weight=w) for p, w in zip(pillars, (3, 3, 2, 2), strict=True)
        ),
        indicators=tuple(
            Indicator(
                f"i{j:02d}", f"Indicateur {j}", pillars[j // 5], 1 if j % 3 else -1, 1 + j % 3
            )
            for j in range(20)
        ),
        method=Method(),
    )


def _large_table(n: int, spec: IndexSpec, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    values = rng.normal(50, 15, (n, len(spec.codes)))
    values[rng.random(values.shape) < 0.03] = np.nan
    return pd.DataFrame(
        values, columns=list(spec.codes), index=pd.RangeIndex(n, name="residence_id")
    )


def _skewed_table(n: int, spec: IndexSpec, seed: int) -> pd.DataFrame:
    """Like :func:`_large_table`, with indicators the treatment must handle: three log-normal
    ones (logarithm) and three with a few far values (winsorisation)."""
    table = _large_table(n, spec, seed)
    rng = np.random.default_rng(seed + 1)
    for j in (0, 6, 12):
        table.iloc[:, j] = rng.lognormal(0.0, 1.2, n)
    for j in (3, 9, 15):
        table.iloc[rng.integers(0, n, 3), j] = rng.uniform(5e3, 1e4, 3)
    return table


# --- Straightforward pandas implementation ---------------------------------------------------


def _pandas_bounds(table: pd.DataFrame, spec: IndexSpec) -> dict[str, tuple[float, float]]:
    bounds = {}
    for ind in spec.indicators:
        if spec.normalisation_of(ind.code) == "goalposts":
            bounds[ind.code] = ind.bounds
        else:
            bounds[ind.code] = (table[ind.code].min(), table[ind.code].max())
    return bounds


def _pandas_normalise(value, ind: Indicator, bounds: tuple[float, float]):
    low, high = bounds
    z = (value - low) / (high - low) * 100 if high > low else value * 0 + 50
    z = z.clip(0, 100) if hasattr(z, "clip") else min(max(z, 0), 100)
    return 100 - z if ind.direction < 0 else z


def pandas_score(table: pd.DataFrame, spec: IndexSpec) -> pd.DataFrame:
    """Score ``table`` the straightforward pandas way (re-normalising every time)."""
    bounds = _pandas_bounds(table, spec)
    normalised = {
        i.code: _pandas_normalise(table[i.code], i, bounds[i.code]) for i in spec.indicators
    }
    pillar_total = sum(p.weight for p in spec.pillars)
    out = pd.DataFrame(index=table.index)
    score_sum = pd.Series(0.0, index=table.index)
    weight_sum = pd.Series(0.0, index=table.index)
    coverage = pd.Series(0.0, index=table.index)
    for pillar in spec.pillars:
        members = [i for i in spec.indicators if i.pillar == pillar.code]
        total = sum(i.weight for i in members)
        num = pd.Series(0.0, index=table.index)
        den = pd.Series(0.0, index=table.index)
        for ind in members:
            z = normalised[ind.code]
            num = num + z.fillna(0) * ind.weight
            den = den + z.notna() * ind.weight
            coverage = coverage + z.notna() * (pillar.weight / pillar_total) * (ind.weight / total)
        pillar_score = num / den.where(den > 0)
        out[f"score_{pillar.code}"] = pillar_score
        score_sum = score_sum + pillar_score.fillna(0) * pillar.weight
        weight_sum = weight_sum + pillar_score.notna() * pillar.weight
    score = (score_sum / weight_sum).where(coverage >= spec.method.min_coverage - 1e-9)
    out.insert(0, "score", score)
    a, b, c, d = spec.method.thresholds
    out.insert(
        1,
        "score_class",
        pd.cut(score, [-np.inf, d, c, b, a, np.inf], right=False, labels=list("EDCBA")),
    )
    out.insert(2, "rank", score.rank(ascending=False, method="min"))
    out["coverage_pct"] = coverage * 100
    return out


def pandas_explain_one(row: pd.Series, spec: IndexSpec, bounds: dict) -> pd.DataFrame:
    """Contributions of one residence, indicator by indicator, with plain Python and pandas."""
    pillar_total = sum(p.weight for p in spec.pillars)
    normalised = {}
    for ind in spec.indicators:
        value = row[ind.code]
        normalised[ind.code] = (
            np.nan if pd.isna(value) else _pandas_normalise(value, ind, bounds[ind.code])
        )
    pillar_available = {
        p.code: sum(
            i.weight
            for i in spec.indicators
            if i.pillar == p.code and not pd.isna(normalised[i.code])
        )
        for p in spec.pillars
    }
    shown = sum(p.weight for p in spec.pillars if pillar_available[p.code] > 0) / pillar_total
    rows = []
    for ind in spec.indicators:
        pillar = spec.pillar(ind.pillar)
        z = normalised[ind.code]
        if pd.isna(z) or pillar_available[ind.pillar] == 0:
            weight = 0.0
        else:
            weight = (
                pillar.weight / pillar_total / shown * ind.weight / pillar_available[ind.pillar]
            )
        contribution = 0.0 if pd.isna(z) else weight * z
        rows.append(
            {
                "code": ind.code,
                "pillar": ind.pillar,
                "value": row[ind.code],
                "normalised": z,
                "weight_pct": weight * 100,
                "contribution_pts": contribution,
                "impact_pts": contribution - weight * 50,
            }
        )
    frame = pd.DataFrame(rows)
    ordered = frame[frame["weight_pct"] > 0].sort_values("impact_pts")
    frame.attrs["strongest"] = list(ordered["code"].iloc[::-1][:3])
    frame.attrs["weakest"] = list(ordered["code"][:3])
    return frame


def _pandas_sensitivity(table: pd.DataFrame, spec: IndexSpec, n_draws: int) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    ranks = []
    for _ in range(n_draws):
        pillar_w = rng.dirichlet(np.array([p.weight for p in spec.pillars]) / 100 * 50)
        moved = spec.with_weights(
            pillars={p.code: w for p, w in zip(spec.pillars, pillar_w, strict=True)}
        )
        ranks.append(pandas_score(table, moved)["rank"])
    ranks = pd.concat(ranks, axis=1)
    return pd.DataFrame(
        {
            "median": ranks.median(axis=1),
            "p05": ranks.quantile(0.05, axis=1),
            "p95": ranks.quantile(0.95, axis=1),
        }
    )


# --- Runs ------------------------------------------------------------------------------------


def _weight_moves(spec: IndexSpec):
    """Alternating slider positions, so that no result can be cached between calls."""
    positions = itertools.cycle([10.0, 25.0, 40.0, 55.0])
    code = spec.pillar_codes[1]
    return lambda: spec.with_weights(pillars={code: next(positions)})


def _check(engine: pd.DataFrame, baseline: pd.DataFrame, what: str) -> None:
    np.testing.assert_allclose(
        engine["score"].to_numpy(float),
        baseline["score"].to_numpy(float),
        atol=1e-9,
        err_msg=f"{what} : le moteur et la référence pandas divergent",
    )


def _row(operation, size, engine_s, baseline_s, target_s, note="") -> list[str]:
    if baseline_s:
        ratio = baseline_s / engine_s
        ratio_text = f"× {ratio:.1f}" if ratio < 10 else f"× {ratio:,.0f}".replace(",", " ")
    else:
        ratio_text = "—"
    return [
        operation,
        size,
        fmt_ms(engine_s),
        (fmt_ms(baseline_s) + note) if baseline_s else "—",
        ratio_text,
        f"< {fmt_ms(target_s)}" if target_s else "—",
        ("oui" if engine_s < target_s else "**non**") if target_s else "—",
    ]


def _large_rows(n: int, spec: IndexSpec, target_rescore: float, with_fit: bool) -> list:
    table = _large_table(n, spec, seed=n)
    size = f"{n:,} × {len(spec.codes)}".replace(",", " ")
    index = CompositeIndex(spec).fit(table)
    move = _weight_moves(spec)
    _check(index.rescore(spec), pandas_score(table, spec), f"{n} résidences")
    repeat = 21 if n <= 100_000 else 9
    engine = median_seconds(lambda: index.rescore(move()), repeat=repeat, warmup=2)
    baseline = median_seconds(lambda: pandas_score(table, move()), repeat=5, warmup=1)
    rows = [_row("Nouvelle pondération (rescore)", size, engine, baseline, target_rescore)]
    if with_fit:
        engine = median_seconds(
            lambda: CompositeIndex(spec).fit(table).transform(table), repeat=5, warmup=1
        )
        rows.append(_row("Ajustement + notation (fit + transform)", size, engine, baseline, 1.0))
        treated = spec.with_method(treatment="winsorise")
        skewed = _skewed_table(n, spec, seed=n + 1)
        kinds = CompositeIndex(treated).fit(skewed).bounds_["treatment"].value_counts()
        assert kinds.get("log", 0) == 3 and kinds.get("winsorised", 0) == 3, kinds
        engine = median_seconds(lambda: CompositeIndex(treated).fit(skewed), repeat=5, warmup=1)
        rows.append(
            _row("Ajustement avec traitement des valeurs extrêmes (fit)", size, engine, None, 1.0)
        )
    return rows


def run() -> str:
    """Run the scoring benchmarks and return their Markdown section."""
    rows: list[list[str]] = []
    residences, demo_source = _load_demo_residences()
    demo = build_indicator_table(residences)
    spec = load_profile("reference")
    # The pandas baseline knows neither the treatment nor natural breaks: it is checked on the
    # profile without them, the engine is timed on the profile as shipped.
    plain = spec.with_method(treatment="none", class_method="thresholds")
    n_demo = f"{len(demo)} × {len(spec.codes)}"

    _check(CompositeIndex(plain).fit(demo).transform(), pandas_score(demo, plain), "démo")
    index = CompositeIndex(spec).fit(demo)
    move = _weight_moves(spec)
    plain_move = _weight_moves(plain)
    engine = median_seconds(lambda: index.rescore(move()), repeat=51, warmup=5)
    baseline = median_seconds(lambda: pandas_score(demo, plain_move()), repeat=15, warmup=2)
    rows.append(_row("Nouvelle pondération (rescore)", n_demo, engine, baseline, 0.005))

    engine = median_seconds(lambda: CompositeIndex(spec).fit(demo).transform(demo), repeat=21)
    rows.append(_row("Ajustement + notation (fit + transform)", n_demo, engine, baseline, None))

    position = len(demo) // 2
    one = demo.iloc[[position]]
    bounds = _pandas_bounds(demo, spec)
    engine = median_seconds(lambda: index.explain(one), repeat=101, warmup=5)
    baseline = median_seconds(
        lambda: pandas_explain_one(demo.iloc[position], spec, bounds), repeat=31, warmup=3
    )
    rows.append(_row("Explication d'une résidence", "1 résidence", engine, baseline, 0.001))

    draws = {"methods": uncertainty_normalisations(spec), "treatments": UNCERTAIN_TREATMENTS}
    engine = median_seconds(
        lambda: run_sensitivity(demo, spec, n_draws=N_DRAWS, **draws), repeat=3, warmup=1
    )
    baseline = median_seconds(
        lambda: _pandas_sensitivity(demo, plain, BASELINE_DRAWS), repeat=3, warmup=0
    ) * (N_DRAWS / BASELINE_DRAWS)
    rows.append(
        _row(
            f"Sensibilité, {N_DRAWS} tirages",
            n_demo,
            engine,
            baseline,
            2.0,
            note=f" (extrapolé de {BASELINE_DRAWS} tirages)",
        )
    )

    engine = median_seconds(
        lambda: class_certainty(demo, spec, n_draws=N_DRAWS, index=index), repeat=3, warmup=1
    )
    rows.append(_row(f"Certitude des classes, {N_DRAWS} tirages", n_demo, engine, None, 2.0))

    large_spec = _large_spec()
    for n, target in zip(LARGE_SIZES, (0.020, 0.200), strict=True):
        rows += _large_rows(n, large_spec, target, with_fit=n == max(LARGE_SIZES))

    header = [
        "Opération",
        "Taille",
        "Moteur (médiane)",
        "pandas direct (médiane)",
        "Rapport",
        "Objectif",
        "Tenu",
    ]
    body = "\n".join(
        [
            markdown_table(header, rows),
            "",
            f"Données : {demo_source} ; tailles 100 000 et 1 000 000 : tables synthétiques de "
            "20 indicateurs en 4 piliers, environ 3 % de valeurs manquantes.",
            "Moteur : `CompositeIndex(spec).fit(table)` une fois, puis "
            "`index.rescore(spec.with_weights(...))` à chaque mouvement de curseur "
            "(création du nouveau profil comprise) ; explication : `index.explain(une_ligne)`. "
            "Parc de démonstration : profil de référence tel qu'il est livré (valeurs extrêmes "
            "traitées, seuils naturels recalculés à chaque notation) ; sensibilité et certitude "
            "des classes : tirages de poids, de traitement (avec et sans) et de normalisation "
            "(toutes, les classes étant relatives), seuils naturels recalculés à chaque tirage. "
            "Ajustement avec traitement : 1 000 000 résidences dont 3 indicateurs log-normaux "
            "(logarithme) et 3 avec quelques valeurs lointaines (winsorisation).",
            "Référence pandas : normalisation colonne par colonne, moyennes pondérées par pilier "
            "accumulées colonne par colonne, `pd.cut` et `Series.rank`, sans traitement des "
            "valeurs extrêmes ni seuils naturels ; elle re-normalise à "
            "chaque changement de poids. Pour la ligne « Ajustement + notation », la référence "
            "est la même fonction (elle fait toujours tout le travail). Ses notes sont vérifiées "
            "égales à celles du moteur avant la mesure.",
            f"NumPy {np.__version__}, pandas {pd.__version__}, Python {platform.python_version()}.",
        ]
    )
    return section("scoring", "Moteur de cotation", body)
