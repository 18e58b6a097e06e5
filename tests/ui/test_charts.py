"""Every Vega-Lite chart of the product, built from tiny tables with Altair's schema checks on.

Pages send their charts unchecked (:mod:`ui.chart_theme`): these tests are where a spec that
Vega-Lite would refuse is caught. They also check what a person reads: French numbers in the
labels and tooltips, the legend above the plot, missing values never drawn as zero, the SRU
values placed where the target line does not cross them.
"""

from __future__ import annotations

import math

import altair as alt
import pandas as pd
import pytest
from altair.utils import schemapi

from ui import (
    commune_charts,
    offer_charts,
    pairs_charts,
    residence_charts,
    sru_charts,
    stock_charts,
)
from ui.chart_theme import LOCALE, chart_title

NNBSP, NBSP = "\u202f", "\u00a0"


def _spec(chart: alt.TopLevelMixin) -> dict:
    """The spec, checked against the Vega-Lite schema."""
    with schemapi.debug_mode(True):
        return chart.to_dict(validate=True)


def _rows(spec: dict) -> list[dict]:
    return [row for rows in spec["datasets"].values() for row in rows]


def _layers(spec: dict) -> list[dict]:
    return spec.get("layer", [spec])


def _situation() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "commune_name": ["Poitiers", "Buxerolles", "Chauvigny", "Béruges"],
            "sru_rate_pct": [32.2, 19.6, 16.7, float("nan")],
            "is_subject": [True, True, True, False],
            "status": ["conforme", "déficitaire", "déficitaire", "non soumise"],
        }
    )


def test_sru_rates_are_written_in_a_column_the_target_line_never_crosses():
    spec = _spec(sru_charts.rate_bars(_situation(), 20.0, 2022))
    rows = [r for r in _rows(spec) if "commune" in r]
    assert [r["commune"] for r in rows] == ["Poitiers", "Buxerolles", "Chauvigny"]
    assert [r["text"] for r in rows] == [f"32,2{NBSP}%", f"19,6{NBSP}%", f"16,7{NBSP}%"]
    right = rows[0]["right"]
    assert right == pytest.approx(32.2 * 1.3)
    # The values stand at the right edge (right-aligned), beyond every bar and the target.
    text_layer = next(
        layer
        for layer in spec["layer"]
        if "mark" in layer
        and layer["mark"]["type"] == "text"
        and layer["encoding"]["x"]["field"] == "right"
    )
    assert text_layer["mark"]["align"] == "right"
    assert right > max(32.2, 20.0)
    assert spec["config"]["locale"] == LOCALE


def test_sru_trajectory_and_cms_charts_are_valid_and_french():
    trajectory = pd.DataFrame(
        {
            "year": [2023, 2024],
            "required_rate_pct": [19.65, 19.7],
            "cms_pace_rate_pct": [19.8, 20.1],
        }
    )
    history = pd.DataFrame({"year": [2022, 2023], "sru_rate_pct": [19.6, 19.62]})
    spec = _spec(sru_charts.trajectory_figure(trajectory, history, 20.0, "Buxerolles"))
    assert chart_title(sru_charts.trajectory_figure(trajectory, history, 20.0, "X")).startswith("X")
    texts = {r["text"] for r in _rows(spec) if "text" in r}
    assert f"19,65{NBSP}%" in texts and f"19,6{NBSP}%" in texts
    progress = pd.DataFrame(
        {
            "year": [2023, 2024],
            "cum_agreed": [11.0, 19.0],
            "cum_delivered": [13.0, 22.0],
            "expected_to_date": [7.3, 14.7],
            "cms_objective": [22.0, 22.0],
        }
    )
    spec = _spec(sru_charts.cms_commune_figure(progress, "Buxerolles"))
    assert any(r.get("label") == "Objectif CMS : 22 logements" for r in _rows(spec))
    last = pd.DataFrame(
        {
            "Commune": ["Buxerolles", "Chauvigny"],
            "Objectif CMS (logements)": [22.0, 1234.0],
            "Agréés (cumul)": [19.0, 68.0],
            "Livrés (cumul)": [22.0, 39.0],
            "Dernière année connue": [2025, 2025],
        }
    )
    spec = _spec(sru_charts.cms_overview_figure(last))
    assert f"1{NNBSP}234" in {r["text"] for r in _rows(spec)}


def test_grouped_shares_draw_no_bar_for_a_missing_share():
    chart = stock_charts.grouped_shares(
        ["Premier quartile", "Familles monoparentales"],
        {"Entrants": [31.6, 21.7], "Locataires en place": [float("nan"), 23.7]},
        {"Entrants": "#E69F00", "Locataires en place": "#0072B2"},
        title="Qui entre",
    )
    rows = _rows(_spec(chart))
    missing = next(
        r
        for r in rows
        if r["series"] == "Locataires en place" and r["category"] == "Premier quartile"
    )
    assert missing["value"] is None and missing["text"] == ""
    assert {r["text"] for r in rows} >= {f"31,6{NBSP}%", f"23,7{NBSP}%"}
    assert chart_title(chart) == "Qui entre"


def test_parc_charts_are_valid():
    frame = pd.DataFrame(
        {
            "year": [2024, 2025],
            "vacancy_rate_pct": [3.5, float("nan")],
            "long_vacancy_rate_pct": [1.8, 1.9],
            "mean_vacancy_rate_pct": [3.0, 3.1],
            "rotation_rate_pct": [12.4, 12.0],
        }
    )
    for chart in (
        stock_charts.flows_by_year([2024, 2025], [2851, float("nan")], [2447, 2374], "Flux"),
        stock_charts.vacancy_lines(frame, "Vacance"),
        stock_charts.rotation_bars(frame, "Rotation"),
        stock_charts.intake_dumbbell(
            pd.DataFrame(
                {
                    "name": ["Poitiers", "Buxerolles"],
                    "sitting_pct": [40.0, 30.0],
                    "entrants_pct": [50.0, 28.0],
                    "effect": ["renforce", None],
                }
            ),
            "Accueil",
        ),
        offer_charts.offer_bars(["T1", "T2"], [3, 1], [0, 2], "Offre"),
        offer_charts.demand_bars(["T1", "T2"], [1200, 300], [150, 90], [8.0, 3.3], "Demande"),
        offer_charts.relet_bars(
            pd.DataFrame(
                {
                    "q1_days": [10.0],
                    "median_days": [21.0],
                    "q3_days": [40.0],
                    "long_vacancy_pct": [12.0],
                }
            ),
            ["T3"],
            "Relocation",
        ),
    ):
        spec = _spec(chart)
        assert spec["config"]["locale"]["number"]["decimal"] == ","
    flows = _rows(_spec(stock_charts.flows_by_year([2024], [2851], [2447], "Flux")))
    assert {r["text"] for r in flows} == {f"2{NNBSP}851", f"2{NNBSP}447"}
    assert {r["year"] for r in flows} == {"2024"}  # a year, not « 2 024 »


def test_residence_waterfalls_add_up_to_the_score():
    pillars = pd.DataFrame(
        {
            "label": ["Patrimoine", "Occupation", "Équipements"],
            "pillar_score": [60.0, 41.0, float("nan")],  # no equipment indicator known
            "weight_pct": [50, 50, 0],
            "contribution_pts": [30.0, 20.5, 0.0],
        }
    )
    rows = _rows(_spec(residence_charts.pillar_waterfall(pillars, 50.5)))
    assert [(r["start"], r["end"]) for r in rows] == [(0.0, 30.0), (30.0, 50.5), (0.0, 50.5)]
    assert [r["text"] for r in rows] == ["+30,0", "+20,5", "50,5"]
    assert [r["label"] for r in rows] == ["Patrimoine (50 %)", "Occupation (50 %)", "Note"]
    indicators = pd.DataFrame(
        {
            "label": ["DPE", "Vacance", "Ascenseur"],
            "pillar_label": ["Patrimoine", "Occupation", "Patrimoine"],
            "impact_pts": [4.0, -3.0, 1.0],
        }
    )
    rows = _rows(_spec(residence_charts.impact_waterfall(indicators, 52.0, n_top=2)))
    assert [r["label"] for r in rows] == [
        "Milieu d'échelle",
        "DPE",
        "Vacance",
        "Autres indicateurs",
        "Note",
    ]
    assert rows[2]["kind"] == "baisse" and rows[2]["text"] == "\u22123,0"
    assert rows[-2]["end"] == pytest.approx(52.0)


def test_peer_boxes_show_quartiles_and_hide_the_residence_when_asked():
    comparison = pd.DataFrame(
        {
            "kind": "fragilité",
            "label": ["Indice"] * 5 + ["Ménages sous 40 %"] * 5,
            "unit": ["points"] * 5 + ["%"] * 5,
            "value": [10.0, 20.0, 30.0, 40.0, 33.0, 5.0, 15.0, 25.0, 95.0, 50.0],
            "is_selected": [False, False, False, False, True] * 2,
        }
    )
    stats = residence_charts.box_stats(pd.Series([10.0, 20.0, 30.0, 40.0]))
    assert (stats["q1"], stats["median"], stats["q3"]) == (17.5, 25.0, 32.5)
    shown = _spec(residence_charts.peer_boxes(comparison, True, "Les Lilas"))
    hidden = _spec(residence_charts.peer_boxes(comparison, False, "Les Lilas"))
    assert any(r.get("kind") == "Les Lilas" for r in _rows(shown))
    assert not any(r.get("kind") == "Les Lilas" for r in _rows(hidden))
    assert len(_layers(hidden)) == 3  # whiskers, boxes, medians: no residence, no outlier


def test_quartile_boxes_draw_the_published_quartiles_only():
    quartiles = pd.DataFrame(
        {
            "label": ["Indice", "Ménages sous 40 %", "Sans emploi"],
            "unit": ["points", "%", "%"],
            "q1": [17.5, 12.5, float("nan")],
            "median": [25.0, 20.0, float("nan")],
            "q3": [32.5, 40.0, float("nan")],
        }
    )
    own = pd.DataFrame(
        {
            "label": ["Indice", "Ménages sous 40 %"],
            "unit": ["points", "%"],
            "value": [33.04, float("nan")],
            "is_selected": [True, True],
        }
    )
    public = _spec(residence_charts.quartile_boxes(quartiles, None, "Les Lilas"))
    boxes = [r for r in _rows(public) if "q1" in r]
    assert [(r["label"], r["q1"], r["median"], r["q3"]) for r in boxes] == [
        ("Indice", 17.5, 25.0, 32.5),
        ("Ménages sous 40 %", 12.5, 20.0, 40.0),
    ]  # the withheld « Sans emploi » is not drawn
    assert len(_layers(public)) == 2  # boxes and medians: no whisker, no point
    assert public["layer"][0]["encoding"]["color"]["scale"]["domain"] == [
        "Résidences comparables (quartiles)"
    ]  # no legend line for a residence not drawn
    mine = _spec(residence_charts.quartile_boxes(quartiles, own, "Les Lilas"))
    assert [(r["label"], r["value"]) for r in _rows(mine) if r.get("kind") == "Les Lilas"] == [
        ("Indice", 33.0)
    ]


def test_occupancy_lines_break_at_a_missing_survey():
    history = pd.DataFrame(
        {
            "survey_year": [2020, 2022, 2024],
            "indicator": "res_below_40_pct",
            "label": "Ménages sous 40 %",
            "value": [40.1, float("nan"), 42.0],
            "n_households": [42.0, float("nan"), 39.0],
        }
    )
    spec = _spec(residence_charts.occupancy_lines(history, ["res_below_40_pct"]))
    assert spec["layer"][0]["mark"]["invalid"] == "break-paths-show-domains"
    assert f"40,1{NBSP}% (42 ménages enquêtés)" in {r["text"] for r in _rows(spec)}
    legend = spec["layer"][0]["encoding"]["color"]["legend"]
    assert legend["orient"] == "top"  # above the plot, not over the axis title


def test_flow_bars_and_commune_history_are_valid():
    flows = pd.DataFrame(
        {
            "label": ["Sous 40 %"],
            "entrants_pct": [47.6],
            "sitting_pct": [48.6],
            "leavers_pct": [float("nan")],
        }
    )
    counts = {"entrants": 17, "sitting": 39, "leavers": 16, "period": "2024-2025"}
    counts["sitting_year"] = 2024
    rows = _rows(_spec(residence_charts.flow_bars(flows, counts)))
    assert {r["series"] for r in rows} == {
        "Entrants 2024-2025 (17 ménages)",
        "Locataires en place, OPS 2024 (39 ménages enquêtés)",
    }  # the leavers have no share: no series
    history = pd.DataFrame(
        {"survey_year": [2022, 2024], "label": "Bénéficiaires de l'APL", "value": [52.0, math.nan]}
    )
    spec = _spec(commune_charts.occupancy_history_chart(history))
    assert spec["layer"][0]["encoding"]["color"]["legend"]["orient"] == "top"


def test_pair_scatters_are_valid():
    members = pd.DataFrame(
        {
            "score": [60.0, 70.0, 80.0],
            "fragility": [55.0, 30.0, float("nan")],
            "group": [0.0, 1.0, 1.0],
            "flag": ["rebalance", "capacity", "not_evaluated"],
            "residence_name": ["A", "B", "C"],
            "commune_name": ["Poitiers"] * 3,
        },
        index=["GP-0001", "GP-0002", "GP-0003"],
    )
    texts = pd.Series(
        ["À rééquilibrer (en hausse)", "Capacité d'accueil", "Non évaluée"], index=members.index
    )
    spec = _spec(pairs_charts.residence_scatter(members, 1, lambda g: "#0072B2", str, texts))
    rows = _rows(spec)
    assert [r["signal"] for r in rows] == ["À rééquilibrer (en hausse)", "Capacité d'accueil"]
    medians = pd.DataFrame(
        {"score": [61.0, 72.0], "fragility": [50.0, float("nan")], "n_residences": [97, 116]}
    )
    rows = _rows(_spec(pairs_charts.group_scatter(medians, 0, lambda g: "#0072B2", str)))
    assert [r["number"] for r in rows] == ["0"]  # a masked group has no disc
