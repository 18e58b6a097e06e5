"""The attacker's suite: no protected figure is shown, and none can be recovered.

Each case opens every page in AppTest as one viewer on one parc, writes down every figure that
would reach the browser (:mod:`tests.disclosure.crawl`) and runs every attack
(:mod:`tests.disclosure.attacks`): small cells, differencing at printed precision (totals,
siblings, years pooled, QPV parts), the cotation (ranking, explanation, weights isolating an OPS
indicator, pairs of weight settings, intervals left by the published pillar, scores moving with
unpublishable shares) and the peer groups. Any recovery is listed with its territory, year and
indicator, and the test fails.

Cases: the demo parc and a second parc drawn with another seed, as the public, with every fiche
territoriale and every downloaded territory map (the files anyone may receive); as a bailleur
against the other bailleurs' residences (it knows its own exactly); as the public opening links
that carry another role. And the suite can fail: the same crawl of pages rendered without the
rules (a session that sees every residence, read by an outsider) finds protected figures.
"""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import streamlit as st
from threadpoolctl import threadpool_limits

from geodata.demo.build import write_demo
from geodata.paths import DEMO_DIR
from services.access import Viewer
from tests.disclosure import attacks, crawl
from tests.disclosure.truth import Truth
from tests.pages.conftest import navigation_mode
from tests.services.version_cases import publish

SECOND_SEED = 2024
OTHER_BAILLEUR = "Mélusine Habitat"
ROLE_LINK = {"profil_acces": "service_habitat", "role": "service_habitat", "compte": "admin"}
_CRAWLS: dict[tuple[str, str], dict] = {}


@pytest.fixture(scope="module")
def second_parc(tmp_path_factory) -> Path:
    """A second demo parc, drawn with another seed: its tables, put in force by :func:`_use`."""
    directory = tmp_path_factory.mktemp("graine")
    write_demo(directory, SECOND_SEED)
    return directory


def _use(directory: Path | None, monkeypatch) -> Path:
    """Put a parc in force (the demo when None; else the tables of ``directory``, published as
    the dataset version in force, as an import leaves them) and start from empty caches."""
    if directory is not None:
        tables = {path.stem: pd.read_parquet(path) for path in directory.glob("*.parquet")}
        tables["residences"] = gpd.read_parquet(directory / "residences.parquet")
        publish(**tables)
    monkeypatch.setattr("ui.cache._loaded", None)  # the data in force read again at the next run
    st.cache_data.clear()
    st.cache_resource.clear()
    return directory or DEMO_DIR


def _plan(truth: Truth, full: bool) -> dict:
    """What the crawl visits: every level, year and indicator; territories sampled."""
    years = sorted(int(y) for y in truth.attributions["year"].unique())
    surveys = sorted(int(y) for y in truth.occupancy["survey_year"].unique())
    communes, quartiers = truth.territories("commune"), truth.territories("quartier")
    poitiers = max(communes, key=lambda c: len(truth.members("commune", c)))
    # every year for the EPCI and Poitiers, the latest for every other commune and quartier
    # (the map shows every territory's OPS shares of every survey)
    visits = [("epci", "epci", y) for y in years] + [("commune", poitiers, y) for y in years]
    visits += [
        (lv, c, years[-1])
        for lv, codes in (("commune", communes), ("quartier", quartiers))
        for c in codes
        if (lv, c) != ("commune", poitiers)
    ]
    # the intake of every commune and quartier, in the tables of the EPCI and of Poitiers
    chosen = [years[-1], years[-4]] if full else [years[-1]]
    intake = {("epci", "epci", y) for y in chosen} | {("commune", poitiers, y) for y in chosen}
    households = truth.latest_survey["n_households"]
    small = sorted(households.index[households < 11])
    rng = np.random.default_rng(7)
    sample = list(rng.choice(small, size=min(len(small), 20 if full else 10), replace=False))
    sample += list(rng.choice(sorted(households.index[households >= 11]), 5, replace=False))
    panels = {"commune": communes, "quartier": quartiers}
    if not full:  # the second parc: the panels of a sample (the map shows every territory)
        panels = {"commune": communes[::3], "quartier": quartiers[::2]}
    return {
        "surveys": surveys,
        "territories": panels,
        "visits": visits,
        "intake": intake,
        "residences": sorted(sample),
        "epci_code": None,
    }


def _crawl(truth: Truth, plan: dict, browser: crawl.Browser) -> dict:
    from ui import cache

    epci = str(cache.parc_level_table("stock", "epci").index[0])
    visits = [(lv, epci if lv == "epci" else c, y) for lv, c, y in plan["visits"]]
    intake = {(lv, epci if lv == "epci" else c, y) for lv, c, y in plan["intake"]}
    observations = crawl.crawl_carte(browser, plan["surveys"], plan["territories"])
    observations += crawl.crawl_residence_layer(browser)
    poitiers = next(c for lv, c, _ in visits if lv == "commune")
    subs = {("epci", epci), ("commune", poitiers)}
    observations += crawl.crawl_parc(browser, visits, intake, subs)
    observations += crawl.crawl_residences(browser, plan["residences"])
    groups = range(1, len(cache.peers().groups) + 1)
    observations += crawl.crawl_pairs(browser, groups)
    rankings = crawl.crawl_cotation(browser, crawl.weight_probes())
    browser.start()
    observations += crawl.crawl_fiches()
    browser.seconds["fiches"] = time.perf_counter() - browser._clock
    browser.start()
    observations += crawl.crawl_snapshots(plan["surveys"])
    browser.seconds["cartes téléchargées"] = time.perf_counter() - browser._clock
    observations = [
        crawl.Observation(
            o.page,
            o.element,
            o.family,
            o.measure,
            o.year,
            o.level,
            "epci" if o.level == "epci" else o.code,
            o.value,
            o.decimals,
        )
        for o in observations
    ]
    return {
        "observations": observations,
        "rankings": rankings,
        "visits": browser.visits,
        "seconds": browser.seconds,
    }


def _attack(truth: Truth, found: dict, own: np.ndarray | None = None) -> list:
    with threadpool_limits(1):  # many small systems: threads cost more than they give
        return _attacks(truth, found, own)


def _attacks(truth: Truth, found: dict, own: np.ndarray | None) -> list:
    attacks.MISREAD.clear()
    observations, rankings = found["observations"], found["rankings"]
    ct = attacks.cotation_truth(truth)
    labels = _indicator_labels()
    own_ids = frozenset(truth.ids[own]) if own is not None else frozenset()
    # a bailleur reads its own residences' figures: not a recovery, but known to its sums
    theirs = [o for o in observations if not (o.level == "residence" and o.code in own_ids)]
    recovered = attacks.small_cells(truth, theirs)
    recovered += attacks.differencing(truth, observations, own)
    recovered += attacks.cotation_attacks(truth, ct, rankings, list(crawl.OPS_INDICATORS))
    recovered += attacks.explanation_attacks(truth, ct, observations, labels, own_ids)
    recovered += attacks.shown_scores(truth, ct, observations, _commune_names())
    recovered += attacks.peer_attacks(observations, own_ids)
    return recovered


def _commune_names() -> dict[str, str]:
    from ui import cache

    communes = cache.communes()
    return dict(zip(communes["commune_code"], communes["commune_name"], strict=True))


def _indicator_labels() -> dict[str, str]:
    from scoring import load_catalogue

    return {i.label: i.code for i in load_catalogue().indicators}


def _report(recovered: list, found: dict, case: str) -> str:
    by_attack = Counter(r.attack for r in recovered)
    shown = sum(o.shown for o in found["observations"])
    timing = ", ".join(f"{k} {v:.0f} s" for k, v in found.get("seconds", {}).items())
    lines = [
        f"{case} : {found['visits']} pages ouvertes ({timing}), "
        f"{len(found['observations'])} chiffres lus "
        f"({shown} affichés), {len(recovered)} chiffres protégés retrouvés "
        f"({', '.join(f'{k} : {v}' for k, v in by_attack.most_common()) or 'aucun'})."
    ]
    if attacks.MISREAD:
        lines.append(
            f"{len(attacks.MISREAD)} chiffres lus ne sont pas ceux que leur libellé annonce, "
            f"par exemple {attacks.MISREAD[0]}."
        )
    lines += [r.line() for r in recovered[:60]]
    if len(recovered) > 60:
        lines.append(f"… et {len(recovered) - 60} autres.")
    return "\n".join(lines)


def _public(name: str, directory: Path | None, monkeypatch) -> tuple[Truth, dict]:
    truth_dir = _use(directory, monkeypatch)
    truth = Truth(truth_dir)
    if (name, "public") not in _CRAWLS:
        with navigation_mode():
            _CRAWLS[(name, "public")] = _crawl(truth, _plan(truth, name == "démo"), crawl.Browser())
    return truth, _CRAWLS[(name, "public")]


@pytest.mark.parametrize("parc", ["démo", f"graine {SECOND_SEED}"])
def test_the_public_recovers_no_protected_figure(parc, second_parc, monkeypatch):
    directory = None if parc == "démo" else second_parc
    truth, found = _public(parc, directory, monkeypatch)
    recovered = _attack(truth, found)
    print(_report(recovered, found, f"public, parc {parc}"))
    assert not recovered, _report(recovered, found, f"public, parc {parc}")
    assert not attacks.MISREAD, _report(recovered, found, f"public, parc {parc}")


def test_a_bailleur_recovers_no_residence_of_another_bailleur(monkeypatch):
    truth, public = _public("démo", None, monkeypatch)
    own = truth.bailleur == OTHER_BAILLEUR
    viewer = Viewer("bailleur", "b", "Bailleur", frozenset({OTHER_BAILLEUR}))
    monkeypatch.setattr("ui.auth.open_session", lambda *args, **kwargs: (viewer, []))
    if ("démo", "bailleur") not in _CRAWLS:
        browser = crawl.Browser()
        others = sorted(truth.ids[~own][:: max(1, int((~own).sum() // 6))][:6])
        mine = sorted(truth.ids[own][:4])
        with navigation_mode():
            observations = crawl.crawl_residences(browser, [*mine, *others])
            observations += crawl.crawl_pairs(browser, range(1, 3))
            rankings = crawl.crawl_cotation(browser, {"défaut": {}})
        _CRAWLS[("démo", "bailleur")] = {
            "observations": observations,
            "rankings": rankings,
            "visits": browser.visits,
        }
    found = _CRAWLS[("démo", "bailleur")]
    merged = {
        "observations": public["observations"] + found["observations"],
        "rankings": {**public["rankings"], **found["rankings"]},
        "visits": public["visits"] + found["visits"],
    }
    recovered = _attack(truth, merged, own=own)
    print(_report(recovered, found, f"bailleur « {OTHER_BAILLEUR} »"))
    assert not recovered, _report(recovered, found, f"bailleur « {OTHER_BAILLEUR} »")


def test_a_link_carrying_another_role_opens_nothing_more(monkeypatch):
    truth_dir = _use(None, monkeypatch)
    truth = Truth(truth_dir)
    households = truth.latest_survey["n_households"]
    small = sorted(households.index[households < 11])[:3]
    browser = crawl.Browser(link=ROLE_LINK)
    with navigation_mode():
        smallest = min(truth.territories("commune"), key=lambda c: len(truth.members("commune", c)))
        observations = crawl.crawl_carte(browser, [], {"commune": [smallest], "quartier": []})
        observations += crawl.crawl_residences(browser, small)
        observations += crawl.crawl_pairs(browser, [1])
        rankings = crawl.crawl_cotation(browser, {"défaut": {}})
    found = {"observations": observations, "rankings": rankings, "visits": browser.visits}
    recovered = _attack(truth, found)
    print(_report(recovered, found, "lien portant un autre rôle"))
    assert not recovered, _report(recovered, found, "lien portant un autre rôle")


def test_the_suite_finds_the_figures_of_an_unprotected_rendering(monkeypatch):
    """The pages as a session that sees every residence renders them (no rule applied), read
    as if the public could: the attacks must find protected figures in them, by every route
    they take (small cells, differencing, the cotation and its explanation)."""
    truth = Truth(_use(None, monkeypatch))
    viewer = Viewer("service_habitat", "h", "Service habitat")
    monkeypatch.setattr("ui.auth.open_session", lambda *args, **kwargs: (viewer, []))
    households = truth.latest_survey["n_households"]
    small = sorted(households.index[households < 11])[::15]  # about ten residences
    surveys = [int(truth.occupancy["survey_year"].max())]
    browser = crawl.Browser()
    with navigation_mode():
        observations = crawl.crawl_carte(browser, surveys, {"commune": [], "quartier": []})
        observations += crawl.crawl_residences(browser, small)
        probes = {k: v for k, v in crawl.weight_probes().items() if k in ("défaut", "pilier seul")}
        probes["isoler:res_below_40_pct"] = crawl.weight_probes()["isoler:res_below_40_pct"]
        rankings = crawl.crawl_cotation(browser, probes)
    found = {"observations": observations, "rankings": rankings, "visits": browser.visits}
    recovered = _attack(truth, found)
    by_attack = Counter(r.attack for r in recovered)
    print(_report(recovered, found, "rendu sans protection"))
    assert by_attack["petite case"] > 0, by_attack
    assert by_attack["explication"] > 0, by_attack
    assert by_attack["classement"] > 0, by_attack
