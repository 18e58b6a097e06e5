"""One commune of the CMS on the SRU page: its key figures, its trajectory to the target
against the pace of the CMS, and its yearly progress beside that of all the CMS communes."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from services.sru_rules import SruRules
from ui import cache
from ui.fmt import fmt_int, fmt_number, fmt_signed
from ui.sru_charts import cms_commune_figure, trajectory_figure
from ui.sru_tables import trajectory_table
from ui.sru_view import TOTAL_CODE, period_label
from ui.tables import chart_block
from ui.url_state import url_choice
from ui.widgets import key_figures


def commune_picker(objectives: pd.DataFrame) -> str | None:
    """The CMS commune of the trajectory, shared with the other pages (``commune`` parameter).

    None when no commune has a CMS objective.
    """
    cms = objectives[objectives["cms_objective"].fillna(0) > 0].sort_values("commune_name")
    names = dict(zip(cms["commune_code"], cms["commune_name"], strict=True))
    if not names:
        return None
    column, _ = st.columns([1, 3])
    with column:
        return url_choice("sru", "Commune", list(names), "commune", next(iter(names)), names.get)


def trajectory_section(
    code: str,
    objectives: pd.DataFrame,
    trajectory: pd.DataFrame,
    progress: pd.DataFrame,
    rules: SruRules,
    is_demo: bool,
) -> None:
    """Key figures and trajectory to the target of one commune, then its CMS progress beside
    that of all the CMS communes."""
    row = objectives.set_index("commune_code").loc[code]
    name = str(row["commune_name"])
    path = trajectory[trajectory["commune_code"] == code]
    history = cache.sru_inventory()
    history = history[history["commune_code"] == code].sort_values("year")
    figures_column, chart_column = st.columns([2, 3], gap="medium")
    with figures_column:
        key_figures(_commune_figures(row, path, progress[progress["commune_code"] == code], rules))
        st.page_link(
            "pages/parc.py",
            label=f"Parc social de {name}",
            icon=":material/apartment:",
            query_params={"echelle": "commune", "commune": code},
        )
        st.page_link(
            "pages/carte.py",
            label=f"{name} sur la carte du territoire",
            icon=":material/map:",
            query_params={"echelle": "commune", "commune": code, "indicateur": "sru_rate_pct"},
        )
    with chart_column:
        table, formats = trajectory_table(path)
        chart_block(
            trajectory_figure(path, history, rules.target_pct, name),
            table,
            formats,
            file_stem=f"trajectoire_sru_{code}",
            key="sru_trajectory",
            is_demo=is_demo,
            caption=f"Taux nécessaire : le déficit à la fin de {rules.horizon_year} réparti "
            "également sur chaque année depuis le début du CMS ; rythme du CMS : un tiers de "
            "l'objectif CMS par an, poursuivi au-delà de la période ; résidences principales "
            "constantes. Carrés noirs : taux observés dans l'inventaire SRU.",
        )
    left, right = st.columns(2, gap="medium")
    with left:
        _progress_block(progress[progress["commune_code"] == code], name, f"cms_{code}", is_demo)
    with right:
        total = progress[progress["commune_code"] == TOTAL_CODE]
        _progress_block(total, "Ensemble du CMS", "cms_total", is_demo)


def _commune_figures(
    row: pd.Series, path: pd.DataFrame, progress: pd.DataFrame, rules: SruRules
) -> list[tuple[str, str, str]]:
    """Label, value and comment of the commune's key figures."""
    reached = path.loc[path["is_target_reached_at_cms_pace"], "year"]
    known = progress.dropna(subset=["cum_agreed"])
    period = period_label(rules.cms.period)
    extra = row["cms_objective"] - row["droit_commun_objective"]
    rows = [
        (
            f"Taux SRU au 1er janvier {int(row['inventory_year'])}",
            fmt_number(row["sru_rate_pct"], 1, "%"),
            f"cible {fmt_number(rules.target_pct, 0, '%')}",
        ),
        ("Logements sociaux manquants", fmt_int(row["deficit"]), ""),
        (
            f"Objectif de droit commun {period}",
            fmt_int(row["droit_commun_objective"]),
            f"{fmt_number(row['catch_up_share_pct'], 0, '%')} du déficit",
        ),
        (
            f"Objectif CMS {period}",
            fmt_int(row["cms_objective"]),
            f"{fmt_signed(extra)} / droit commun",
        ),
        ("Rythme du CMS", fmt_number(path["cms_per_year"].iloc[0], 1), "logements par an"),
        (
            f"Rythme nécessaire (cible fin {rules.horizon_year})",
            fmt_number(path["required_per_year"].iloc[0], 1),
            "logements par an",
        ),
        (
            "Taux cible atteint au rythme du CMS",
            f"fin {int(reached.iloc[0])}" if len(reached) else "—",
            "" if len(reached) else f"pas avant fin {rules.horizon_year + 1}",
        ),
    ]
    if len(known):
        last = known.iloc[-1]
        year = int(last["year"])
        rows += [
            (
                f"Agréés fin {year}",
                fmt_int(last["cum_agreed"]),
                f"{fmt_number(last['agreed_progress_pct'], 0, '%')} de l'objectif CMS",
            ),
            (
                f"Livrés fin {year}",
                fmt_int(last["cum_delivered"]),
                f"{fmt_number(last['delivered_progress_pct'], 0, '%')} de l'objectif CMS",
            ),
        ]
    return rows


def _progress_block(rows: pd.DataFrame, name: str, stem: str, is_demo: bool) -> None:
    table = pd.DataFrame(
        {
            "Fin d'année": rows["year"].astype(int).astype(str).to_numpy(),
            "Agréés dans l'année": rows["n_agreed"].to_numpy(dtype=float),
            "Livrés dans l'année": rows["n_delivered"].to_numpy(dtype=float),
            "Agréés (cumul)": rows["cum_agreed"].to_numpy(dtype=float),
            "Livrés (cumul)": rows["cum_delivered"].to_numpy(dtype=float),
            "Attendu à date": rows["expected_to_date"].to_numpy(dtype=float),
            "Objectif CMS": rows["cms_objective"].to_numpy(dtype=float),
        }
    )
    formats = {c: (0, "") for c in table.columns if c != "Fin d'année"}
    chart_block(
        cms_commune_figure(rows, name),
        table,
        formats,
        file_stem=f"avancement_{stem}",
        key=f"sru_progress_{stem}",
        is_demo=is_demo,
        caption="Logements agréés (financement accordé) et livrés (mis en service), cumulés "
        "depuis le début du CMS ; « — » : année non encore renseignée.",
    )
