"""Key figures of the *Tableau de bord du parc social* and its tab « Vacance et rotation », for
the selected territory and year; the rows of the per-level tables for that territory.

Household figures are those the viewer may see (:mod:`services.disclosure`): a masked figure
reads « s » with its reason; a year without data reads « — », never 0. Stock figures (dwellings,
vacancy, rotation: RPLS open data) are shown to everyone, rounded to their published decimals.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from services.disclosure import Access, cell_reason
from ui import cache
from ui.fmt import fmt_date, fmt_int, fmt_number, is_missing
from ui.parc_data import demand_commune
from ui.parc_selection import ParcSelection
from ui.stock_charts import rotation_bars, vacancy_lines
from ui.tables import chart_block

PCT = (1, "%")


def territory_rows(name: str, sel: ParcSelection, *, export: bool = False) -> pd.DataFrame:
    """Rows of a per-level table for the selected territory, all years, as the viewer (or, for
    ``export``, the public) may see them."""
    return cache.published_rows(name, sel.level, sel.code, Access.of(sel.viewer, export=export))


def year_row(rows: pd.DataFrame, year: int | None, column: str = "year") -> pd.Series | None:
    """The row of ``year`` (None when absent or no year)."""
    if year is None:
        return None
    hit = rows[rows[column] == year]
    return hit.iloc[0] if len(hit) else None


def value_at(row: pd.Series | None, column: str) -> float:
    """A figure of a row as float, NaN without row."""
    return float("nan") if row is None else float(row[column])


def _delta(now: float, before: float, decimals: int, unit: str, year: int) -> tuple:
    """The change since ``year`` as French text, and the arrow it deserves."""
    if is_missing(now) or is_missing(before):
        return None, "off"
    diff = round(now - before, decimals)
    if diff == 0:
        return f"stable par rapport à {year}", "off"
    sign = "+" if diff > 0 else "−"
    text = f"{sign}{fmt_number(abs(diff), decimals, unit)} par rapport à {year}"
    return text, "up" if diff > 0 else "down"


# Key figures: (group, column, label with {year}, decimals, unit of the change, help).
KEY_FIGURES = (
    ("in", "n_households", "Entrants en {year}", 0, "",
     "Ménages entrés dans le parc (attributions suivies d'un bail) dans l'année."),
    ("out", "n_households", "Sortants en {year}", 0, "",
     "Ménages ayant quitté leur logement social dans l'année."),
    ("in", "mutation_pct", "Mutations (entrants)", 1, "pt",
     "Part des ménages déjà locataires du parc social parmi les entrants de l'année."),
    ("rot", "rotation_rate_pct", "Rotation {year}", 1, "pt",
     "Départs de l'année / logements du territoire."),
    ("vac", "vacancy_rate_pct", "Vacance au 1er janvier", 1, "pt",
     "Logements vacants au 1er janvier de l'année (toutes causes) / logements."),
    ("vac", "long_vacancy_rate_pct", "dont plus de 3 mois", 1, "pt",
     "Logements vacants depuis plus de 3 mois au 1er janvier / logements."),
)  # fmt: skip


def parc_key_figures(sel: ParcSelection) -> None:
    """Who comes in, who leaves, what stays empty and what is asked for, in eight figures."""
    year = sel.year
    stock = cache.parc_level_table("stock", sel.level).loc[sel.code]
    rows = {
        "in": territory_rows("entrants", sel),
        "out": territory_rows("leavers", sel),
        "rot": territory_rows("rotation", sel),
        "vac": territory_rows("vacancy", sel),
    }
    cells = [*st.columns(4), *st.columns(4)]
    cells[0].metric(
        "Logements sociaux",
        fmt_int(stock["n_dwellings"]),
        delta=f"{fmt_int(stock['n_residences'])} résidence"
        + ("s" if stock["n_residences"] > 1 else ""),
        delta_color="off",
        delta_arrow="off",
        border=True,
        help="Parc actuel du territoire (un seul état du parc : les taux des années passées "
        "sont rapportés au parc actuel).",
    )
    for cell, (group, column, label, decimals, delta_unit, help_text) in zip(
        cells[1:7], KEY_FIGURES, strict=True
    ):
        now = year_row(rows[group], year)
        value = value_at(now, column)
        delta, arrow = _delta(
            value, value_at(year_row(rows[group], year - 1), column), decimals, delta_unit, year - 1
        )
        reason = cell_reason(now, column)
        if reason:
            help_text += f" « {cache.masking_rules().marker} » : {reason}."
        unit = "%" if column.endswith("_pct") else ""
        cell.metric(
            label.format(year=year),
            cache.masking_rules().marker if reason else fmt_number(value, decimals, unit),
            delta=delta,
            delta_color="off",
            delta_arrow=arrow,
            border=True,
            help=help_text,
        )
    _demand_figure(cells[7], sel)


def _demand_figure(column, sel: ParcSelection) -> None:
    commune = demand_commune(sel.level, sel.code, cache.residences())
    demand = cache.pressure_table(commune, ())
    row = demand.iloc[0] if len(demand) else None
    extract = cache.parc_tables()["demands"]["extract_date"].max()
    where = "" if sel.level in ("epci", "commune") else " (commune)"
    column.metric(
        f"Demandes actives{where}",
        fmt_int(value_at(row, "n_demands")),
        delta=f"{fmt_number(value_at(row, 'pressure_ratio'), 1)} par attribution",
        delta_color="off",
        delta_arrow="off",
        border=True,
        help=f"Demandes en cours au {fmt_date(extract)} dont le premier choix est dans le "
        "territoire (la commune, pour un quartier ou une résidence) ; pression : demandes / "
        f"attributions des {cache.stock_rules().pressure_window_months} derniers mois.",
    )


def vacancy_tab(sel: ParcSelection, is_demo: bool) -> None:
    """Vacancy at 1 January and over the year, and rotation, year by year."""
    vacancy, rotation = territory_rows("vacancy", sel), territory_rows("rotation", sel)
    left, right = st.columns(2, gap="medium")
    with left:
        table = pd.DataFrame(
            {
                "Année": vacancy["year"].astype(int).astype(str),
                "Logements": vacancy["n_dwellings"],
                "Vacants au 1er janvier": vacancy["n_vacant"],
                "dont plus de 3 mois": vacancy["n_vacant_long"],
                "dont vacance technique": vacancy["n_vacant_technical"],
                "Taux de vacance": vacancy["vacancy_rate_pct"],
                "Taux de plus de 3 mois": vacancy["long_vacancy_rate_pct"],
                "Vacance moyenne sur l'année": vacancy["mean_vacancy_rate_pct"],
            }
        )
        formats = {c: (0, "") for c in table.columns[1:5]} | dict.fromkeys(table.columns[5:], PCT)
        chart_block(
            vacancy_lines(vacancy, f"Vacance : {sel.name}"),
            table,
            formats,
            file_stem=f"vacance_{sel.code}",
            key="parc_vacancy",
            is_demo=is_demo,
            caption="Vacance au 1er janvier : logements vacants ce jour-là, toutes causes (dont "
            "travaux) ; moyenne sur l'année : jours vacants / jours × logements. Années "
            "antérieures au fichier des vacances : « — ».",
        )
    with right:
        table = pd.DataFrame(
            {
                "Année": rotation["year"].astype(int).astype(str),
                "Logements": rotation["n_dwellings"],
                "Départs": rotation["n_leavers"],
                "Taux de rotation": rotation["rotation_rate_pct"],
            }
        )
        chart_block(
            rotation_bars(rotation, f"Rotation : {sel.name}"),
            table,
            {"Logements": (0, ""), "Départs": (0, ""), "Taux de rotation": PCT},
            file_stem=f"rotation_{sel.code}",
            key="parc_rotation",
            is_demo=is_demo,
            caption="Départs de l'année rapportés aux logements actuels du territoire.",
        )
