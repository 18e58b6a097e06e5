"""The attacker's crawl: open every page as a viewer and write down every figure it shows.

Each figure becomes an :class:`Observation`: where it was read, which quantity it is (family,
measure, year, territory) as the page labels it, its value as shown (NaN when the page masks it)
and the precision it was shown with. The crawl covers every territory level, every year and every
indicator of each page; territories are sampled where the page shows one at a time (all communes
and quartiers for the years given, every year for the EPCI and Poitiers).

The labels are those a reader sees on the pages (the French texts below), so the crawl reads the
pages as they are, whatever the code behind them.
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from streamlit.testing.v1 import AppTest

from tests.disclosure.capture import _NUMBER as _NUMBERS
from tests.disclosure.capture import (
    charts,
    class_point_scores,
    downloads,
    elements,
    french_number,
    map_features,
    map_points,
    metrics,
    tables,
)
from tests.html_tables import RANKING_COLUMNS
from ui.pairs_view import PAIRS_TABS

ROOT = Path(__file__).resolve().parents[2]
OPS_LABELS = {
    "Ménages sous 40 % des plafonds": "res_below_40_pct",
    "Ménages sans emploi": "no_employment_pct",
    "Familles monoparentales": "single_parent_pct",
    "Bénéficiaires de l'APL": "housing_benefit_pct",
}
MAP_OPS = tuple(OPS_LABELS.values())
# Rows of the profile table: label → (entrants/leavers measure, OPS column of the sitting tenants)
PROFILE_ROWS = {
    "Premier quartile de ressources": ("q1", None),
    "Ressources sous 20 % des plafonds PLUS": ("resources_below_20", "res_below_20_pct"),
    "Ressources sous 40 % des plafonds PLUS": ("resources_below_40", "res_below_40_pct"),
    "Ressources sous 60 % des plafonds PLUS": ("resources_below_60", "res_below_60_pct"),
    "Aucun adulte en emploi": ("no_employment", "no_employment_pct"),
    "Familles monoparentales": ("single_parent", "single_parent_pct"),
    "Familles nombreuses": ("large_family", "large_family_pct"),
    "Titulaire de 65 ans ou plus": ("holder_65_plus", "over_65_pct"),
}
BREAKDOWN_ROWS = {
    "Personnes seules": "personne_seule",
    "Couples sans enfant": "couple_sans_enfant",
    "Couples avec enfants": "couple_avec_enfants",
    "Familles monoparentales": "famille_monoparentale",
    "Moins de 25 ans": "age_under_25",
    "25 à 39 ans": "age_25_39",
    "40 à 64 ans": "age_40_64",
    "65 ans et plus": "age_65_plus",
}
FLOW_COLUMNS = {
    "Mutations parmi les entrants": ("entrants", "mutation", 1),
    "1er quartile parmi les entrants": ("entrants", "q1", 1),
    "Taille moyenne des ménages entrants": ("entrants", "mean_household_size", 2),
    "Ancienneté moyenne des sortants": ("leavers", "mean_tenure_years", 1),
}
INTAKE_ROWS = {
    "Ménages à faibles ressources (1er quartile / moins de 40 % des plafonds PLUS)": (
        "q1",
        "res_below_40_pct",
    ),
    "Ménages sans emploi": ("no_employment", "no_employment_pct"),
    "Familles monoparentales": ("single_parent", "single_parent_pct"),
}
OCCUPATION_INDICATORS = (
    "res_below_40_pct",
    "single_parent_pct",
    "employed_adults_pct",
    "housing_benefit_pct",
    "recent_movers_pct",
    "vacancy_rate_pct",
    "rotation_rate_pct",
)
OPS_INDICATORS = OCCUPATION_INDICATORS[:5]
OTHER_PILLARS = ("patrimoine", "equipements", "environnement")
OBSERVATION_FAMILIES = {"ops_indicators": OPS_INDICATORS, "occupation": OCCUPATION_INDICATORS}


@dataclass(frozen=True)
class Observation:
    """One figure as a page shows it.

    ``family``: ``ops``, ``entrants``, ``leavers``, ``intake`` (entrants of a survey year and the
    next), ``equality_out`` (first quartile among attributions outside QPV), ``equality_in``
    (quartiles 2–4 among those in QPV), ``pillar`` / ``score`` (a residence's cotation), ``raw``
    (a residence's raw indicator value), ``impact`` (an indicator's points in a residence's
    explanation), ``peer_values`` (values of a group's residences).
    """

    page: str
    element: str
    family: str
    measure: str
    year: int | None
    level: str
    code: str
    value: float
    decimals: int = 1
    extra: tuple = ()

    @property
    def shown(self) -> bool:
        return not math.isnan(self.value)


def _shown(cell: object) -> float:
    """A table cell as a number, NaN when masked (« s ») or missing."""
    if cell is None:
        return float("nan")
    if isinstance(cell, str):
        text = cell.strip()
        if not text or text in ("s", "—") or text.startswith("s "):
            return float("nan")
        try:
            return float(text.replace(",", "."))
        except ValueError:
            return french_number(text)
    try:
        return float(cell)
    except (TypeError, ValueError):
        return float("nan")


@dataclass
class Browser:
    """Opens pages with AppTest as one viewer (by its URL parameters), one app per page."""

    link: dict[str, str] = field(default_factory=dict)
    visits: int = 0
    seconds: dict[str, float] = field(default_factory=dict)
    _apps: dict[str, AppTest] = field(default_factory=dict)

    def fresh(self, page: str | None, query: dict[str, str]) -> AppTest:
        """A new session opened on ``page`` by a link carrying ``query``."""
        app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
        for key, value in {**self.link, **query}.items():
            app.query_params[key] = value
        app.run()
        if page is not None:
            app.switch_page(f"pages/{page}.py")
            app.run()
        self.visits += 1
        self._check(app, page, query)
        return app

    def again(self, page: str | None, query: dict[str, str], state: dict | None = None) -> AppTest:
        """The same session, moved to ``query`` and ``state`` (as the pickers would)."""
        app = self._apps.get(page or "")
        if app is None:
            app = self._apps[page or ""] = self.fresh(page, query)
            if not state:
                return app
        for key, value in query.items():
            app.query_params[key] = value
        for key, value in (state or {}).items():
            app.session_state[key] = value
        app.run()
        self.visits += 1
        self._check(app, page, query)
        return app

    def _check(self, app: AppTest, page, query) -> None:
        if app.exception:
            raise AssertionError(f"{page} {query}: {[e.value for e in app.exception]}")
        now = time.perf_counter()
        name = page or "carte"
        self.seconds[name] = self.seconds.get(name, 0.0) + now - self._clock
        self._clock = now

    def __post_init__(self) -> None:
        self._clock = time.perf_counter()

    def start(self) -> None:
        """Restart the clock (time spent outside the pages is not counted)."""
        self._clock = time.perf_counter()


# --- Carte du territoire ----------------------------------------------------------------------


def crawl_carte(browser: Browser, surveys: Iterable[int], territories: dict) -> list[Observation]:
    """Every OPS indicator, survey and level of the map; every territory's panel."""
    found = []
    for level in ("commune", "quartier"):
        for indicator in MAP_OPS:
            for year in surveys:
                query = {"echelle": level, "indicateur": indicator, "annee": str(year)}
                app = browser.again(
                    None, query, {f"qp_{k}": v for k, v in query.items() if k != "commune"}
                )
                for props in map_features(app):
                    if "valeur" in props and "code" in props:
                        found.append(
                            Observation(
                                "carte",
                                "carte:infobulle",
                                "ops",
                                indicator,
                                year,
                                level,
                                str(props["code"]),
                                _shown(props["valeur"]),
                            )
                        )
        for code in territories[level]:
            query = {"echelle": level, "indicateur": "n_dwellings", level: code}
            app = browser.again(None, query, {"qp_echelle": level, "qp_indicateur": "n_dwellings"})
            found += _panel(app, level, code)
    return found


def _panel(app: AppTest, level: str, code: str) -> list[Observation]:
    found = []
    for chart in charts(app):
        for _, row in chart.rows("year", "series", "value").iterrows():
            indicator = OPS_LABELS.get(str(row["series"]))
            if indicator is None:
                continue
            value = float("nan") if pd.isna(row["value"]) else float(row["value"])
            found.append(
                Observation(
                    "carte", "carte:panneau", "ops", indicator, int(row["year"]), level, code, value
                )
            )
    for table in tables(app):
        note = next((c for c in ("Note (/ 100)", "Note") if c in table.columns), None)
        if note is not None and "Résidence" in table.columns:
            for name, value in zip(table["Résidence"], table[note], strict=True):
                found.append(
                    Observation(
                        "carte",
                        "carte:résidences",
                        "score",
                        "score",
                        None,
                        "residence_name",
                        f"{code}|{name}",
                        _shown(value),
                    )
                )
    return found


def crawl_residence_layer(browser: Browser) -> list[Observation]:
    """The residence points of the map (tooltips: score, class, flag)."""
    app = browser.fresh(None, {"residences": "class"})
    found = []
    for point in map_points(app):
        if "Note" in point:
            key = f"{point.get('Commune', '')}|{point['Résidence']}"
            found.append(
                Observation(
                    "carte",
                    "carte:points",
                    "score",
                    "score",
                    None,
                    "residence_commune",
                    key,
                    _shown(point["Note"]),
                )
            )
    return found


# --- Parc social -------------------------------------------------------------------------------

PARC_OPEN = (
    "parc_profiles",
    "parc_composition",
    "parc_age",
    "parc_flows",
    "parc_intake",
    "parc_intake_sub",
)


def crawl_parc(
    browser: Browser,
    visits: list[tuple[str, str, int]],
    intake: set[tuple[str, str, int]],
    subs: set[tuple[str, str]] = frozenset(),
) -> list[Observation]:
    """Entrants and leavers and equality of each (level, code, year) visited; the intake tab
    of those in ``intake``, every indicator of the sub-territory table for ``subs``."""
    found = []
    for level, code, year in visits:
        state = {
            "parc_echelle": level,
            "parc_annee": str(year),
            "parc_onglet": "Entrants et sortants",
            **{f"{k}_open": True for k in PARC_OPEN},
        }
        if level != "epci":
            state[f"parc_{level}"] = code
        query = {"echelle": level, "annee": str(year), **({level: code} if level != "epci" else {})}
        app = browser.again("parc", query, state)
        found += _parc_entrants(app, level, code, year)
        if (level, code, year) in intake:
            state = {**state, "parc_onglet": "Accueil et occupation"}
            for indicator in ("low_resources", "no_employment", "single_parent"):
                state["parc_intake_indicator"] = indicator
                app = browser.again("parc", query, state)
                found += _parc_intake(app, level, code)
                if (level, code) not in subs:
                    break  # the other indicators only switch the sub-territory table
    return found


def _survey_of(column: str) -> int | None:
    digits = "".join(c for c in column if c.isdigit())
    return int(digits[:4]) if len(digits) >= 4 else None


def _parc_entrants(app: AppTest, level: str, code: str, year: int) -> list[Observation]:
    found = []
    shown = metrics(app)
    if "Mutations (entrants)" in shown:
        found.append(
            Observation(
                "parc",
                "parc:chiffres clés",
                "entrants",
                "mutation",
                year,
                level,
                code,
                _shown(shown["Mutations (entrants)"][0]),
            )
        )
    for label, family in (
        ("Attributions hors QPV au 1er quartile", "equality_out"),
        ("Attributions en QPV aux quartiles 2 à 4", "equality_in"),
    ):
        if label in shown:
            found.append(
                Observation(
                    "parc",
                    "parc:objectifs",
                    family,
                    "q1",
                    year,
                    level,
                    code,
                    _shown(shown[label][0]),
                )
            )
    frames = [("parc:tableau", t) for t in tables(app)]
    frames += [(f"parc:fichier {d.name}", d.table()) for d in downloads(app)]
    for where, table in frames:
        if table is None or table.empty:
            continue
        table = table.drop(columns=["Origine des données"], errors="ignore")
        columns = {str(c).split(" (")[0] if "OPS" not in str(c) else str(c): c for c in table}
        if "Indicateur" in table.columns:
            for _, row in table.iterrows():
                pair = PROFILE_ROWS.get(str(row["Indicateur"]))
                if pair is None:
                    continue
                for name, column in columns.items():
                    if name == f"Entrants {year}":
                        found.append(
                            Observation(
                                "parc",
                                where,
                                "entrants",
                                pair[0],
                                year,
                                level,
                                code,
                                _shown(row[column]),
                            )
                        )
                    elif name == f"Sortants {year}":
                        found.append(
                            Observation(
                                "parc",
                                where,
                                "leavers",
                                pair[0],
                                year,
                                level,
                                code,
                                _shown(row[column]),
                            )
                        )
                    elif name.startswith("Locataires en place (OPS") and pair[1]:
                        survey = _survey_of(name)
                        found.append(
                            Observation(
                                "parc",
                                where,
                                "ops",
                                pair[1],
                                survey,
                                level,
                                code,
                                _shown(row[column]),
                            )
                        )
        first = table.columns[0]
        if first in ("Composition des ménages", "Âge du titulaire"):
            for _, row in table.iterrows():
                measure = BREAKDOWN_ROWS.get(str(row[first]))
                for name, column in columns.items():
                    kind = {"Entrants": "entrants", "Sortants": "leavers"}.get(name.split(" ")[0])
                    if measure and kind and name.endswith(str(year)):
                        found.append(
                            Observation(
                                "parc", where, kind, measure, year, level, code, _shown(row[column])
                            )
                        )
        if "Année" in table.columns:
            for _, row in table.iterrows():
                row_year = int(_shown(row["Année"]))
                for name, column in columns.items():
                    spec = FLOW_COLUMNS.get(name)
                    if spec:
                        found.append(
                            Observation(
                                "parc",
                                where,
                                spec[0],
                                spec[1],
                                row_year,
                                level,
                                code,
                                _shown(row[column]),
                                spec[2],
                            )
                        )
    return found


def _parc_intake(app: AppTest, level: str, code: str) -> list[Observation]:
    found = []
    names = {}
    for sub in ("commune", "quartier", "residence"):
        names.update({v: (sub, k) for k, v in _territory_names(sub).items()})
    frames = [("parc:accueil", t) for t in tables(app)]
    frames += [(f"parc:fichier {d.name}", d.table()) for d in downloads(app)]
    for where, table in frames:
        if table is None or table.empty:
            continue
        table = table.drop(columns=["Origine des données"], errors="ignore")
        if "Indicateur" in table.columns:
            for _, row in table.iterrows():
                pair = INTAKE_ROWS.get(str(row["Indicateur"]))
                if pair is None:
                    continue
                for column in table.columns:
                    name = str(column)
                    survey = _survey_of(name)
                    if name.startswith("Entrants ") and survey:
                        found.append(
                            Observation(
                                "parc",
                                where,
                                "intake",
                                pair[0],
                                survey,
                                level,
                                code,
                                _shown(row[column]),
                            )
                        )
                    elif name.startswith("Locataires en place (OPS") and survey:
                        found.append(
                            Observation(
                                "parc",
                                where,
                                "ops",
                                pair[1],
                                survey,
                                level,
                                code,
                                _shown(row[column]),
                            )
                        )
        if "Territoire" in table.columns:
            pair, survey = _sub_context(app)
            if pair is None:
                continue
            for _, row in table.iterrows():
                sub_level, sub_code = names.get(
                    str(row["Territoire"]), ("?", str(row["Territoire"]))
                )
                for column, family, measure in (
                    ("Locataires en place", "ops", pair[1]),
                    ("Entrants", "intake", pair[0]),
                ):
                    match = [c for c in table.columns if str(c).split(" (")[0] == column]
                    if match:
                        found.append(
                            Observation(
                                "parc",
                                where,
                                family,
                                measure,
                                survey,
                                sub_level,
                                sub_code,
                                _shown(row[match[0]]),
                            )
                        )
    return found


def _sub_context(app: AppTest):
    """The indicator of the sub-territory comparison, and its survey year."""
    try:
        choice = app.session_state["parc_intake_indicator"]
    except KeyError:
        return None, None
    codes = {
        "low_resources": INTAKE_ROWS[next(iter(INTAKE_ROWS))],
        "no_employment": ("no_employment", "no_employment_pct"),
        "single_parent": ("single_parent", "single_parent_pct"),
    }
    survey = None
    for caption in elements(app, "caption"):
        text = str(caption.value)
        if "enquête OPS au 1er janvier" in text:
            survey = _survey_of(text.split("1er janvier", 1)[1])
    return codes.get(choice), survey


def _territory_names(level: str) -> dict[str, str]:
    from ui import cache  # the names the pages print

    return cache.territory_names(level)


# --- Cotation ------------------------------------------------------------------------------------


def crawl_cotation(browser: Browser, probes: dict[str, dict[str, str]]) -> dict[str, pd.DataFrame]:
    """The ranking table (scores and pillar scores of every residence) under each probe.

    The ranking shows 25 residences a page; an attacker reads every page, which the crawl does
    in one run with pages as long as the ranking (the same rows, the same values).
    """
    from ui import cotation_ranking

    size = cotation_ranking.PAGE_SIZE
    cotation_ranking.PAGE_SIZE = 100_000
    try:
        return _crawl_cotation(browser, probes)
    finally:
        cotation_ranking.PAGE_SIZE = size


def _crawl_cotation(browser: Browser, probes: dict[str, dict[str, str]]) -> dict[str, pd.DataFrame]:
    out = {}
    for name, query in probes.items():
        app = browser.fresh("cotation", query)
        ranking = next((t for t in tables(app) if "Identifiant" in t.columns), None)
        if ranking is not None:
            frame = ranking.rename(columns=RANKING_COLUMNS).set_index("residence_id")
            for column in [c for c in frame.columns if str(c).startswith("score")]:
                if column != "score_class":
                    frame[column] = [_shown(v) for v in frame[column]]
            out[name] = frame
        scores = class_point_scores(app)
        if scores:
            out[f"{name}:carte"] = pd.DataFrame({"score": pd.Series(scores, dtype=float)})
    return out


def weight_probes() -> dict[str, dict[str, str]]:
    """Weight settings an attacker tries through the ``poids`` link parameter."""
    zero_pillars = ",".join(f"{p}:0" for p in OTHER_PILLARS)
    probes = {"défaut": {}}
    for code in OPS_INDICATORS:
        others = ",".join(f"{c}:0" for c in OCCUPATION_INDICATORS if c != code)
        probes[f"isoler:{code}"] = {"poids": f"{zero_pillars},occupation:1,{others},{code}:10"}
        probes[f"plus:{code}"] = {"poids": f"{code}:10"}
        probes[f"isoler-rang:{code}"] = {
            "poids": f"{zero_pillars},occupation:1,{others},{code}:10",
            "methode": "normalisation:goalposts",
        }
    probes["pilier seul"] = {"poids": f"{zero_pillars},occupation:1"}
    return probes


# --- Fiche résidence, groupes de pairs ------------------------------------------------------------


def _ops_columns() -> dict[str, str]:
    """OPS share columns by the label the fiche résidence gives them."""
    from geodata.schemas import OCCUPANCY

    return {c.description: c.name for c in OCCUPANCY.columns if c.name.endswith("_pct")}


def crawl_residences(browser: Browser, residences: Iterable[str]) -> list[Observation]:
    """The explanation, peer boxes and occupancy of each residence's card."""
    found = []
    ops = _ops_columns()
    for rid in residences:
        app = browser.again("residence", {"residence": rid})

        def add(element, family, measure, year, value, rid=rid) -> None:
            if not pd.isna(value):
                found.append(
                    Observation(
                        "residence", element, family, str(measure), year, "residence", rid, value
                    )
                )

        for chart in charts(app):
            # waterfalls: each step's points (end − start), the totals left out
            steps = chart.rows("label", "start", "end", "kind")
            for _, row in steps[steps["kind"] != "total"].iterrows():
                add("fiche:explication", "impact", row["label"], None, row["end"] - row["start"])
            # boxes: whiskers and points beyond them are values of single residences
            for column in ("low", "high"):
                for _, row in chart.rows("label", column).iterrows():
                    add("fiche:boîtes", "peer_values", row["label"], None, float(row[column]))
            for frame in chart.data:
                if set(frame.columns) == {"label", "value"}:  # points beyond the whiskers
                    for _, row in frame.iterrows():
                        add("fiche:boîtes", "peer_values", row["label"], None, float(row["value"]))
            # occupancy over the surveys: the residence's own OPS shares
            for _, row in chart.rows("year", "series", "value", "text").iterrows():
                column = ops.get(str(row["series"]))
                if column is not None and "ménages enquêtés" in str(row["text"]):
                    add("fiche:occupation", "ops", column, int(row["year"]), float(row["value"]))
    return found


def crawl_pairs(browser: Browser, groups: Iterable[int]) -> list[Observation]:
    """Group medians of the scatter and the members' fragility, per group."""
    found = []
    for group in groups:
        scatter, members = ({"qp_groupe": str(group), "vue": tab} for tab in PAIRS_TABS)
        app = browser.again("pairs", {"groupe": str(group)}, scatter)
        for chart in charts(app):
            points = chart.rows("group", "fragility")
            residence_level = "name" in points.columns
            for _, row in points.iterrows():
                if pd.isna(row["fragility"]):
                    continue
                found.append(
                    Observation(
                        "pairs",
                        "paires:nuage",
                        "fragility" if residence_level else "group_median",
                        "fragility",
                        None,
                        "residence_commune" if residence_level else "group",
                        f"{row['commune']}|{row['name']}" if residence_level else row["group"],
                        float(row["fragility"]),
                    )
                )
        app = browser.again("pairs", {"groupe": str(group)}, members)
        assert tables(app), f"pairs {group}: the members' tab shows no table"
        for table in tables(app):
            if "Fragilité (points)" in table.columns:
                for fiche, value in zip(table["Fiche"], table["Fragilité (points)"], strict=True):
                    rid = str(fiche).split("=")[-1]
                    found.append(
                        Observation(
                            "pairs",
                            "paires:membres",
                            "fragility",
                            "fragility",
                            None,
                            "residence",
                            rid,
                            _shown(value),
                        )
                    )
    return found


def numbers(observations: list[Observation]) -> np.ndarray:
    """Values shown, for counting."""
    return np.array([o.value for o in observations if o.shown])


# --- Fiches territoriales (files) ---------------------------------------------------------------

FICHE_OPS = {
    "Ressources sous 40 % des plafonds": "res_below_40_pct",
    "Sans emploi": "no_employment_pct",
    "Familles monoparentales": "single_parent_pct",
    "Familles nombreuses": "large_family_pct",
    "Titulaire de 65 ans ou plus": "over_65_pct",
    "Bénéficiaires de l'APL": "housing_benefit_pct",
}
FICHE_KEY_OPS = {
    "Ménages sous 40 % des plafonds": "res_below_40_pct",
    "Ménages sans emploi": "no_employment_pct",
}
# Rows of the fiche's flows table: label → (entrants/leavers measure, OPS column)
FICHE_FLOWS = {
    "Ressources sous 20 % des plafonds PLUS": ("resources_below_20", "res_below_20_pct"),
    "Ressources sous 40 % des plafonds PLUS": ("resources_below_40", "res_below_40_pct"),
    "Ressources sous 60 % des plafonds PLUS": ("resources_below_60", "res_below_60_pct"),
    "Aucun adulte en emploi": ("no_employment", "no_employment_pct"),
    "Familles monoparentales": ("single_parent", "single_parent_pct"),
    "Familles nombreuses": ("large_family", "large_family_pct"),
    "Titulaire de 65 ans ou plus": ("holder_65_plus", "over_65_pct"),
}


def _years(text: str) -> list[int]:
    return [int(y) for y in re.findall(r"\b(20\d\d)\b", text)]


def crawl_fiches() -> list[Observation]:
    """Every figure of every fiche territoriale (the EPCI, the communes, the quartiers), as a
    downloaded PDF or Word file prints it (the fiche's cells: the files are tested to print
    exactly them). The attribution window pools two years: entrants are family ``intake``
    (entrants of a year and the next), leavers ``leavers2``, the objectives ``equality_*2``."""
    from services.export_data import export_data_from_files
    from services.fiche import build_fiche
    from services.fiche_territories import fiche_territories

    data = export_data_from_files()
    found: list[Observation] = []

    def add(element, family, measure, year, territory, cell) -> None:
        code = "epci" if territory.level == "epci" else territory.code
        value = _shown(cell.text)
        found.append(
            Observation("fiche", element, family, measure, year, territory.level, code, value)
        )

    for territory in fiche_territories(data):
        fiche = build_fiche(data, territory)
        for row in fiche.key_figures.rows:
            label, cell = row[0].text, row[1]
            for prefix, column in FICHE_KEY_OPS.items():
                if label.startswith(prefix) and _years(label):
                    add("fiche:chiffres clés", "ops", column, _years(label)[0], territory, cell)
            if label.startswith("Attributions hors QPV au 1er quartile") and _years(label):
                year = _years(label)[0]
                add("fiche:chiffres clés", "equality_out2", "q1", year, territory, cell)
        for section in fiche.constats:
            for table in section.tables:
                head = table.columns
                if head and head[0] == "Part des ménages" and "Évolution" in head:
                    years = [int(y) for y in head[1:-1]]
                    for row in table.rows:
                        column = FICHE_OPS.get(row[0].text)
                        for year, cell in zip(years, row[1:-1], strict=False):
                            if column:
                                add("fiche:occupation", "ops", column, year, territory, cell)
                elif head and head[0] == "Part des ménages":  # entrants, sitting, leavers
                    window = _years(head[1])
                    sitting = _years(head[2])
                    for row in table.rows:
                        if row[0].text not in FICHE_FLOWS:
                            continue
                        measure, column = FICHE_FLOWS[row[0].text]
                        if window:
                            add("fiche:entrants", "intake", measure, window[0], territory, row[1])
                            add("fiche:sortants", "leavers2", measure, window[0], territory, row[3])
                        if sitting:
                            add("fiche:en place", "ops", column, sitting[0], territory, row[2])
                elif head and head[0] == "Objectif":
                    window = _years(table.title or "")
                    for row in table.rows:
                        family = "equality_out2" if "hors QPV" in row[0].text else "equality_in2"
                        if window:
                            add("fiche:objectifs", family, "q1", window[0], territory, row[2])
    return found


# --- Map snapshots (files) ----------------------------------------------------------------------


def crawl_snapshots(surveys: Iterable[int]) -> list[Observation]:
    """What a downloaded territory map (PNG, SVG, PDF) prints of every OPS indicator, survey and
    level, with both class methods: a hatched territory is masked; a territory alone in its
    class of natural breaks is given by the class's upper bound (the largest value of the
    class). Other territories are known by their class only, not written down."""
    from services import map_views
    from services.export_data import export_data_from_files
    from services.map_indicators import MAP_INDICATORS

    data = export_data_from_files()
    found: list[Observation] = []
    for level in ("commune", "quartier"):
        for indicator in MAP_OPS:
            decimals = MAP_INDICATORS[indicator].decimals
            for year in surveys:
                for method in ("quantiles", "natural_breaks"):
                    content = map_views.territory_map(data, level, indicator, year, method)
                    legend = {entry.color: entry for entry in content.area_legend}
                    for code, fill, masked in zip(
                        content.areas["code"],
                        content.areas["fill"],
                        content.areas["is_masked"],
                        strict=True,
                    ):
                        entry = legend.get(fill)
                        bounds = _NUMBERS.findall(entry.label) if entry is not None else []
                        if masked:
                            value = float("nan")
                        elif method == "natural_breaks" and entry.count == 1 and bounds:
                            value = french_number(bounds[-1])
                        else:
                            continue
                        found.append(
                            Observation(
                                "carte téléchargée",
                                f"carte téléchargée:{method}",
                                "ops",
                                indicator,
                                int(year),
                                level,
                                str(code),
                                value,
                                decimals,
                            )
                        )
    return found
