"""The *Constats partagés* of a fiche territoriale: stock, vacancy and rotation, SRU,
occupancy and its trend, entrants against sitting tenants and leavers, attribution objectives.

Each function returns a :class:`services.fiche_model.Section` for one territory, from the
per-level tables of :mod:`services.fiche_figures` (already masked by the export rules).
"""

from __future__ import annotations

import pandas as pd

from services.export_data import ExportData
from services.fiche_cells import change_cell, figure_cell, share_cell, text_cell
from services.fiche_figures import AGE_BANDS, DPE_CLASSES, LevelFigures
from services.fiche_model import Cell, Section, Table
from services.fiche_territories import FicheTerritory
from services.flows import MEASURE_LABELS
from services.fmt import fmt_int
from services.residence_card import PROFILE_MEASURES
from services.sru import sru_objectives
from services.sru_rules import load_sru_rules

TYPOLOGY = {"T1": "n_t1", "T2": "n_t2", "T3": "n_t3", "T4": "n_t4", "T5 et plus": "n_t5_plus"}
OCCUPANCY = {
    "res_below_40_pct": "Ressources sous 40 % des plafonds",
    "no_employment_pct": "Sans emploi",
    "single_parent_pct": "Familles monoparentales",
    "large_family_pct": "Familles nombreuses",
    "over_65_pct": "Titulaire de 65 ans ou plus",
    "housing_benefit_pct": "Bénéficiaires de l'APL",
}
N_YEARS = 3


def span(years: tuple[int, ...]) -> str:
    """``2024-2025`` or ``2025``."""
    return f"{years[0]}-{years[-1]}" if len(years) > 1 else str(years[-1])


def stock_section(figures: LevelFigures, territory: FicheTerritory) -> Section:
    """Social dwellings by typology, construction period and energy label."""
    code = territory.code
    stock = figures.stock.reindex([code]).fillna(0).iloc[0]
    total = float(stock["n_dwellings"])
    if total == 0:
        return Section(
            "Le parc social", ("Aucune résidence sociale suivie sur ce territoire.",), ()
        )
    typology = Table(
        ("Typologie", "Logements", "Part"),
        tuple(
            (Cell(label), figure_cell(stock[col]), share_cell(stock[col], total))
            for label, col in TYPOLOGY.items()
        ),
        title="Typologie des logements",
        widths=(2.0, 1.0, 1.0),
    )
    age = figures.age.reindex([code]).fillna(0).iloc[0]
    periods = [label for label, _, _ in AGE_BANDS] + ["inconnue"]
    by_age = Table(
        ("Époque de construction", "Logements", "Part"),
        tuple(
            (Cell(label), figure_cell(age.get(label, 0)), share_cell(age.get(label, 0), total))
            for label in periods
            if label != "inconnue" or age.get(label, 0) > 0
        ),
        title="Âge du parc",
        widths=(2.0, 1.0, 1.0),
    )
    dpe = figures.dpe.reindex([code]).fillna(0).iloc[0]
    labels = [*DPE_CLASSES, "inconnue"]
    by_dpe = Table(
        ("Étiquette énergie", "Logements", "Part"),
        tuple(
            (Cell(label), figure_cell(dpe.get(label, 0)), share_cell(dpe.get(label, 0), total))
            for label in labels
            if label != "inconnue" or dpe.get(label, 0) > 0
        ),
        title="Étiquette énergie (DPE)",
        widths=(2.0, 1.0, 1.0),
    )
    text = (
        f"{fmt_int(stock['n_dwellings'])} logements sociaux dans "
        f"{fmt_int(stock['n_residences'])} résidences suivies, dont "
        f"{fmt_int(stock['n_dwellings_qpv'])} en quartier prioritaire de la politique de la ville."
    )
    return Section("Le parc social", (text,), (typology, by_age, by_dpe))


def _latest_years(table: pd.DataFrame, column: str) -> list[int]:
    known = table.dropna(subset=[column])
    return sorted(int(y) for y in known["year"].unique())[-N_YEARS:]


def dynamics_section(figures: LevelFigures, territory: FicheTerritory) -> Section:
    """Vacancy at 1 January and rotation over the last years."""
    code = territory.code
    vacancy = figures.vacancy[figures.vacancy["territory_code"] == code].set_index("year")
    rotation = figures.rotation[figures.rotation["territory_code"] == code].set_index("year")
    years = sorted(
        set(_latest_years(figures.vacancy, "vacancy_rate_pct"))
        | set(_latest_years(figures.rotation, "rotation_rate_pct"))
    )[-N_YEARS:]
    rows = []
    for year in years:
        rows.append(
            (
                Cell(str(year)),
                figure_cell(vacancy["vacancy_rate_pct"].get(year), 1, "%"),
                figure_cell(vacancy["long_vacancy_rate_pct"].get(year), 1, "%"),
                figure_cell(rotation["n_leavers"].get(year)),
                figure_cell(rotation["rotation_rate_pct"].get(year), 1, "%"),
            )
        )
    table = Table(
        (
            "Année",
            "Vacance au 1er janvier",
            "dont plus de 3 mois",
            "Départs de l'année",
            "Taux de rotation",
        ),
        tuple(rows),
        caption="Vacance : logements vacants au 1er janvier rapportés aux logements, toutes "
        "causes. Rotation : départs de l'année rapportés aux logements.",
        widths=(0.8, 1.3, 1.1, 1.1, 1.1),
    )
    return Section("Vacance et rotation", (), (table,))


def sru_section(data: ExportData, territory: FicheTerritory) -> Section | None:
    """The SRU situation of a commune (None for a quartier or the EPCI)."""
    if territory.level != "commune":
        return None
    rules = load_sru_rules()
    row = data.commune_table.loc[territory.code]
    rate = figure_cell(row["sru_rate_pct"], 1, "%")
    year = row["sru_year"]
    if not bool(row["is_sru_subject"]):
        text = (
            f"Commune non soumise à l'article 55 de la loi SRU (moins de "
            f"{fmt_int(rules.population_threshold)} habitants) ; taux de logements sociaux au "
            f"1er janvier {year} : {rate.text}."
        )
        return Section("Situation au regard de la loi SRU", (text,), ())
    period = rules.cms.period
    objectives = sru_objectives(data.sru_inventory, period, communes=data.communes, rules=rules)
    mine = objectives[objectives["commune_code"] == territory.code]
    lines = [
        (Cell(f"Taux SRU au 1er janvier {year}"), rate),
        (Cell("Taux cible"), figure_cell(rules.target_pct, 0, "%")),
    ]
    if len(mine):
        goal = mine.iloc[0]
        lines += [
            (Cell(f"Statut pour {period[0]}-{period[1]}"), text_cell(goal["status"])),
            (
                Cell(f"Logements manquants (inventaire {int(goal['inventory_year'])})"),
                figure_cell(goal["deficit"]),
            ),
            (
                Cell(f"Objectif de droit commun {period[0]}-{period[1]}"),
                figure_cell(goal["droit_commun_objective"], 0, "logements"),
            ),
            (
                Cell(f"Objectif du contrat de mixité sociale {period[0]}-{period[1]}"),
                figure_cell(goal["cms_objective"], 0, "logements"),
            ),
        ]
    table = Table(("Indicateur", "Valeur"), tuple(lines), widths=(3.0, 1.2), align="lr")
    text = "Commune soumise à l'article 55 de la loi SRU."
    return Section("Situation au regard de la loi SRU", (text,), (table,))


def occupancy_section(figures: LevelFigures, territory: FicheTerritory) -> Section:
    """The OPS shares of the territory over the surveys, with the latest change."""
    sitting = figures.sitting[figures.sitting["territory_code"] == territory.code]
    sitting = sitting.sort_values("survey_year")
    surveys = sitting.dropna(subset=["n_households"])
    if surveys.empty:
        return Section(
            "Occupation du parc social",
            ("Aucune enquête d'occupation (OPS) pour ce territoire.",),
            (),
        )
    years = [int(y) for y in surveys["survey_year"]]
    columns = ("Part des ménages", *map(str, years), "Évolution")
    rows = []
    for column, label in OCCUPANCY.items():
        cells = [figure_cell(r[column], 1, "%", r["mask_reason"]) for _, r in surveys.iterrows()]
        if len(surveys) > 1:
            last, before = surveys.iloc[-1], surveys.iloc[-2]
            reason = last["mask_reason"] if pd.notna(last["mask_reason"]) else before["mask_reason"]
            cells.append(change_cell(last[column], before[column], 1, "pt", reason))
        else:
            cells.append(Cell("—"))
        rows.append((Cell(label), *cells))
    rows.append(
        (Cell("Ménages enquêtés"), *[figure_cell(n) for n in surveys["n_households"]], Cell(""))
    )
    table = Table(
        columns,
        tuple(rows),
        caption="Parts des ménages locataires enquêtés ; évolution en points depuis l'enquête "
        "précédente.",
        widths=(2.2, *[0.8] * len(years), 0.9),
    )
    return Section("Occupation du parc social", (), (table,))


def flows_section(figures: LevelFigures, territory: FicheTerritory) -> Section:
    """Entrants of the attribution window against sitting tenants and leavers."""
    flows = figures.flows[figures.flows["territory_code"] == territory.code]
    by_kind = {kind: flows[flows["kind"] == kind] for kind in ("entrants", "sitting", "leavers")}
    period = span(figures.window)

    def cell(kind: str, measure: str) -> Cell:
        row = by_kind[kind]
        if row.empty:
            return Cell("—")
        return figure_cell(row[measure].iloc[0], 1, "%", row["mask_reason"].iloc[0])

    def count(kind: str) -> Cell:
        row = by_kind[kind]
        return figure_cell(row["n_households"].iloc[0] if len(row) else 0)

    rows = [
        (Cell(MEASURE_LABELS[m.removesuffix("_pct")]), *(cell(k, m) for k in by_kind))
        for m in PROFILE_MEASURES
    ]
    rows.append((Cell("Ménages"), *(count(k) for k in by_kind)))
    sitting_year = figures.sitting_year or "—"
    table = Table(
        ("Part des ménages", f"Entrants {period}", f"En place (OPS {sitting_year})",
         f"Sortants {period}"),
        tuple(rows),
        caption="Entrants : attributions de la période ; sortants : départs de la même période ; "
        "locataires en place : dernière enquête OPS.",
        widths=(2.2, 1.0, 1.0, 1.0),
    )  # fmt: skip
    return Section("Entrants, locataires en place et sortants", (), (table,))


def equality_section(data: ExportData, figures: LevelFigures, territory: FicheTerritory):
    """The two legal attribution objectives over the window."""
    rules = data.stock_rules
    period = span(figures.window)
    threshold = data.masking_rules.min_households
    if territory.code in figures.equality.index:
        row = figures.equality.loc[territory.code]
    else:
        row = pd.Series(dtype=object)

    def attributions(n: object) -> Cell:
        if pd.isna(n) or n == 0:
            return Cell("0")
        return Cell(fmt_int(n) if n >= threshold else f"moins de {threshold}")

    def verdict(value: object, target: float) -> Cell:
        if pd.isna(value):
            return Cell("—")
        return Cell("atteint" if value >= target - 1e-9 else "non atteint")

    outside = row.get("outside_qpv_q1_pct")
    inside = row.get("in_qpv_q2_q4_pct")
    rows = (
        (
            Cell("Attributions hors QPV au premier quartile"),
            attributions(row.get("n_outside_qpv")),
            figure_cell(outside, 1, "%", row.get("outside_reason")),
            figure_cell(rules.outside_qpv_q1_min_pct, 0, "%"),
            verdict(outside, rules.outside_qpv_q1_min_pct),
        ),
        (
            Cell("Attributions en QPV aux quartiles 2 à 4"),
            attributions(row.get("n_in_qpv")),
            figure_cell(inside, 1, "%", row.get("inside_reason")),
            figure_cell(rules.in_qpv_q2_q4_min_pct, 0, "%"),
            verdict(inside, rules.in_qpv_q2_q4_min_pct),
        ),
    )
    table = Table(
        ("Objectif", "Attributions", "Part", "Cible", "Objectif"),
        rows,
        title=f"Objectifs légaux d'attribution, {period}",
        caption=f"{rules.equality_rule_label} ({rules.equality_rule_reference}). « — » : aucune "
        "attribution de ce type sur la période.",
        widths=(2.6, 1.0, 0.8, 0.7, 0.9),
        align="lrrrr",
    )
    return Section("Objectifs d'attribution", (), (table,))
