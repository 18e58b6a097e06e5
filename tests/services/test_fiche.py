"""The content of a fiche territoriale (services/fiche.py): figures equal to the services', in
French, masked by the export rules whoever asks."""

from __future__ import annotations

import pandas as pd
import pytest

from services.export_data import load_export_data
from services.export_rules import export_secrecy
from services.fiche import build_fiche
from services.fiche_model import MASKED_TEXT
from services.fiche_territories import fiche_territories, resolve_territories
from services.flows import equality_rule
from services.fmt import fmt_int, fmt_number
from services.occupancy import sitting_profile
from services.stock import vacancy_rates
from services.territory import commune_figures, quartier_figures

BUXEROLLES, COURONNERIES, BERUGES = "86041", "86194Q02", "86024"


@pytest.fixture(scope="module")
def data():
    return load_export_data()


def _key(fiche, prefix: str) -> tuple[str, ...]:
    row = next(r for r in fiche.key_figures.rows if r[0].text.startswith(prefix))
    return tuple(c.text for c in row[1:])


def _ops(data, level: str, code: str, year: int, column: str) -> float:
    profile = sitting_profile(data.occupancy, data.residences, level)
    masked = export_secrecy(profile, [column], data.residences, level)
    row = masked[(masked["territory_code"] == code) & (masked["survey_year"] == year)]
    return float(row[column].iloc[0])


def test_buxerolles_key_figures_are_the_services_figures(data):
    fiche = build_fiche(data, BUXEROLLES)
    communes = commune_figures(data.communes, data.residences, data.sru_inventory)
    row = communes.loc[BUXEROLLES]
    assert fiche.name == "Buxerolles" and fiche.reference_name.startswith("Communauté urbaine")
    assert _key(fiche, "Logements sociaux")[0] == fmt_int(row["n_dwellings"]) == "858"
    assert _key(fiche, "Population municipale")[0] == fmt_number(row["population"], 0, "hab.")
    assert _key(fiche, "Taux SRU")[0] == fmt_number(row["sru_rate_pct"], 1, "%") == "19,9\u00a0%"
    vacancy = vacancy_rates(data.vacancies, data.residences, "commune")
    rate = vacancy[(vacancy["territory_code"] == BUXEROLLES) & (vacancy["year"] == 2025)]
    assert _key(fiche, "Taux de vacance au 1er janvier 2025")[0] == fmt_number(
        rate["vacancy_rate_pct"].iloc[0], 1, "%"
    )
    ops = _ops(data, "commune", BUXEROLLES, 2024, "res_below_40_pct")
    assert _key(fiche, "Ménages sous 40 % des plafonds (OPS 2024)")[0] == fmt_number(ops, 1, "%")
    window = data.attributions[data.attributions["year"].isin([2024, 2025])]
    rule = equality_rule(window.assign(year=2025), data.residences, "commune").set_index(
        "group_code"
    )
    assert _key(fiche, "Attributions hors QPV au 1er quartile (2024-2025)")[0] == fmt_number(
        rule.at[BUXEROLLES, "outside_qpv_q1_pct"], 1, "%"
    )
    epci = data.epci_row
    assert _key(fiche, "Logements sociaux")[1] == fmt_int(epci["n_dwellings"])
    assert _key(fiche, "Taux SRU")[1] == fmt_number(epci["sru_rate_pct"], 1, "%")


def test_les_couronneries_key_figures_are_the_services_figures(data):
    fiche = build_fiche(data, COURONNERIES)
    row = quartier_figures(data.quartiers, data.residences).loc[COURONNERIES]
    assert fiche.name == "Les Couronneries" and fiche.level == "quartier"
    assert _key(fiche, "Logements sociaux")[0] == fmt_int(row["n_dwellings"])
    assert _key(fiche, "Logements sociaux en QPV")[0] == fmt_number(row["qpv_share_pct"], 1, "%")
    assert _key(fiche, "Population municipale")[0] == "—"  # no population for a quartier
    ops = _ops(data, "quartier", COURONNERIES, 2024, "no_employment_pct")
    assert _key(fiche, "Ménages sans emploi (OPS 2024)")[0] == fmt_number(ops, 1, "%")
    identity = dict(fiche.identity)
    assert identity["Code du quartier"] == COURONNERIES
    assert identity["Commune"] == "Poitiers (86194)"


def test_a_commune_with_few_households_prints_s_with_the_rule(data):
    fiche = build_fiche(data, BERUGES)
    territory, epci = _key(fiche, "Ménages sous 40 % des plafonds")
    assert territory == MASKED_TEXT and epci != MASKED_TEXT
    occupancy = next(s for s in fiche.constats if s.title == "Occupation du parc social")
    cells = [c for row in occupancy.tables[0].rows[:-1] for c in row[1:]]
    assert cells and all(c.text == MASKED_TEXT and c.is_masked for c in cells)
    assert fiche.notes == [
        "Secret statistique : moins de 11 ménages (règle de diffusion publique de tout export)."
    ]
    # the households surveyed are printed, never a share computed on them
    profile = sitting_profile(data.occupancy, data.residences, "commune")
    raw = profile[profile["territory_code"] == BERUGES]
    assert (raw["n_households"] < 11).all() and raw["res_below_40_pct"].notna().any()


def test_every_fiche_follows_the_public_rules(data):
    """For every territory, an OPS survey of fewer than 11 households prints « s » only."""
    minimum = data.masking_rules.min_households
    profiles = {
        level: sitting_profile(data.occupancy, data.residences, level).set_index(
            ["territory_code", "survey_year"]
        )
        for level in ("epci", "commune", "quartier")
    }
    checked = 0
    for territory in fiche_territories(data):
        fiche = build_fiche(data, territory)
        section = next(s for s in fiche.constats if s.title == "Occupation du parc social")
        if not section.tables:
            continue
        table = section.tables[0]
        for position, year in enumerate(table.columns[1:-1], start=1):
            households = profiles[territory.level].at[(territory.code, int(year)), "n_households"]
            cells = [row[position] for row in table.rows[:-1]]
            if households < minimum:
                assert all(c.text == MASKED_TEXT and c.is_masked for c in cells), territory
                checked += 1
        for table in fiche.tables:
            for row in table.rows:
                assert all((c.text == MASKED_TEXT) == c.is_masked for c in row)
    assert checked >= 10  # small communes hide their surveys


def test_the_reference_territory_can_be_another_commune(data):
    fiche = build_fiche(data, BUXEROLLES, reference="86194")
    assert fiche.key_figures.columns == ("Indicateur", "Buxerolles", "Poitiers")
    poitiers = commune_figures(data.communes, data.residences, data.sru_inventory).loc["86194"]
    assert _key(fiche, "Logements sociaux")[1] == fmt_int(poitiers["n_dwellings"])


def test_unknown_codes_are_refused_with_the_valid_ones(data):
    with pytest.raises(ValueError) as error:
        resolve_territories(data, ["86041", "99999", "zz"])
    message = str(error.value)
    assert message.startswith("code(s) de territoire inconnu(s) : 99999, zz. Codes valides : epci")
    assert "86041 (Buxerolles)" in message and "86194Q02 (Les Couronneries)" in message


def test_all_territories_are_the_epci_the_communes_and_the_quartiers(data):
    keys = [t.key for t in fiche_territories(data)]
    assert keys[0] == "epci"
    assert len(keys) == 1 + 40 + len(data.quartier_table) == len(set(keys))
    assert pd.Index(keys[1:41]).isin(data.commune_table.index).all()


def test_the_epci_fiche_is_not_compared_with_itself(data):
    fiche = build_fiche(data, "epci")
    assert fiche.key_figures.columns == ("Indicateur", fiche.name)
    assert "Territoire de comparaison" not in dict(fiche.identity)
    assert _key(fiche, "Logements sociaux")[0] == fmt_int(data.epci_row["n_dwellings"])
