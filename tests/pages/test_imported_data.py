"""A running dashboard picks up an import without a restart, and says it is no longer demo data."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from geodata import housing
from services.data_import import command_line_actor, import_files
from services.data_state import current_version_dir
from tests.pages.conftest import open_page


def test_an_import_replaces_the_demo_figures_on_the_next_run(tmp_path):
    app = open_page()
    assert "Données de démonstration (fictives)" in app.warning[0].value
    sru = housing.load_table("sru_inventory")
    sru.loc[(sru["commune_code"] == "86194") & (sru["year"] == 2025), "sru_rate_pct"] = 41.0
    path = tmp_path / "sru_inventory.csv"
    pd.DataFrame(sru).to_csv(path, index=False)
    import_files(command_line_actor(), {"sru_inventory": path})
    app.selectbox(key="qp_indicateur").select("sru_rate_pct").run()
    legend = next(m.value for m in app.markdown if 'class="legend"' in m.value)
    assert "41,0\u00a0%" in legend  # Poitiers' imported rate closes the top class


def test_every_page_runs_on_a_parc_converted_from_the_official_files():
    samples = Path(__file__).resolve().parents[1] / "geodata" / "samples"
    files = {
        "rpls": "rpls_ancien_cp1252.csv",
        "bpe": "bpe_86_extrait.csv",
        "arrets": "gtfs_stops.txt",
        "iris": "contours_iris.geojson",
        "qpv": "qp2024_extrait.geojson",
        "ops": "ops_communes_cp1252.txt",
    }
    import_files(command_line_actor(), {kind: samples / name for kind, name in files.items()})
    residences = housing.load_residences(current_version_dir())
    residence = residences.set_index("residence_name").loc["12 Rue des Écoles"]
    for page in (None, "sru", "parc", "cotation", "pairs", "methode"):
        open_page(page)  # asserts that no exception was raised
    app = open_page("residence", {"residence": residence["residence_id"]})
    facts = "\n".join(m.value for m in app.markdown if "fiche-faits" in m.value)
    assert "<th>Ascenseur</th><td>—</td>" in facts  # unknown, not « non »
    assert "<th>Orientation du PSP</th><td>—</td>" in facts
    assert "<th>Logements sociaux</th><td>4 " in facts
    # Scored on these samples alone, the residence has too few indicators to be rated: its
    # card says why instead of decomposing a score it does not have.
    assert [m.value for m in app.metric if m.label == "Note d'attractivité"] == ["—"]
    assert any("non cotée — données insuffisantes" in i.value for i in app.info)
    assert not any("Milieu" in str(c.proto.spec) for c in app.get("vega_lite_chart"))
