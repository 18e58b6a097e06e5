"""A running dashboard picks up an import without a restart, and says it is no longer demo data."""

from __future__ import annotations

import pandas as pd

from geodata import housing
from services.data_import import command_line_actor, import_files
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
