"""The SRU page's rule box (parameters and legal references, read from ``config/sru.toml``) and
its exports (CSV of the per-commune table, Excel workbook of every table)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from services.sru_rules import SruRules
from ui.exports import csv_button, excel_button
from ui.fmt import fmt_int, fmt_number
from ui.sru_tables import (
    progress_table,
    progress_years_table,
    rate_history,
    situation_table,
    trajectory_table,
)
from ui.tables import export_frame


def _period(period: tuple[int, int]) -> str:
    return f"{period[0]}–{period[1]}"


def _years(n: int) -> str:
    return f"{n} an" if n == 1 else f"{n} ans"


def rules_box(rules: SruRules, exemptions: list[dict], names: dict[str, str]) -> None:
    """The rules the page applies, their parameters and legal references.

    Parameters
    ----------
    rules : SruRules
        The checked rules.
    exemptions : list of dict
        The ``[[exemptions]]`` entries of the configuration (period, communes, references).
    names : dict
        INSEE code → commune name.
    """
    pct = lambda v: fmt_number(v, 0, "%")  # noqa: E731
    texts = rules.texts
    modulations = "".join(f"\n    - {m.label}" for m in rules.modulations)
    cms = rules.cms
    if cms.objectives:
        split = "objectifs adaptés par commune inscrits dans la configuration"
    else:
        split = (
            "faute d'objectifs par commune dans la configuration, l'objectif global est réparti "
            "au prorata des objectifs de droit commun (méthode des plus forts restes)"
        )
    lines = [
        f"**{texts['rule_label']}** — taux cible : {pct(rules.target_pct)} des résidences "
        f"principales, pour les communes de {fmt_int(rules.population_threshold)} habitants et "
        "plus ; les objectifs d'une période triennale sont calculés sur l'inventaire au "
        f"1er janvier, {_years(rules.inventory_offset_years)} avant son début.  \n"
        f"*{texts['rule_legal_reference']}.*",
        f"**{texts['catch_up_label']}** — {texts['catch_up_description']} Part par défaut : "
        f"{pct(rules.default_share_pct)} des logements manquants ; modulations :{modulations}\n\n"
        f"  *{texts['catch_up_legal_reference']}.*",
        f"**{cms.label}** — période {_period(cms.period)}, objectif global de "
        f"{fmt_int(cms.total_dwellings)} logements, majoration annoncée de "
        f"{pct(cms.announced_uplift_pct)} par rapport au droit commun ; {split}.  \n"
        f"*{cms.legal_reference}. Source : {cms.source}.*",
        f"**Trajectoire** — horizon : fin {rules.horizon_year} ({texts['horizon_label']}) ; "
        f"évolution annuelle supposée des résidences principales : "
        f"{fmt_number(rules.rp_growth_pct_per_year, 1, '%')}.",
    ]
    for entry in exemptions:
        communes = ", ".join(names.get(c, c) for c in entry.get("communes", []))
        period = entry.get("period", [0, 0])
        lines.append(
            f"**Exemption {_period(tuple(period))}** — {communes}.  \n"
            f"*{entry.get('legal_reference', '')}. Source : {entry.get('source', '')}.*"
        )
    with st.container(border=True):
        st.subheader("Règles appliquées", anchor=False)
        st.markdown("\n\n".join(f"- {line}" for line in lines))
        st.caption(
            "Paramètres et références lus dans le fichier de configuration « config/sru.toml », "
            "modifiable sans toucher au programme."
        )


def exports_section(
    year: int,
    situation: pd.DataFrame,
    cms: tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame] | None,
    inventory: pd.DataFrame,
    communes: pd.DataFrame,
    rules: SruRules,
    is_demo: bool,
) -> None:
    """CSV of the per-commune table of ``year``; Excel workbook with every table of the page.

    Parameters
    ----------
    year : int
        Inventory year of the table.
    situation : DataFrame
        :func:`ui.sru_tables.sru_situation` of that year.
    cms : (objectives, progress, trajectories) or None
        The CMS tables (None when the inventory that sets them is missing).
    inventory, communes : DataFrame
        For the rates of every year.
    rules : SruRules
        For the labels.
    is_demo : bool
        Label the files as demo data.
    """
    st.subheader("Exporter", anchor=False)
    table, formats = situation_table(situation, rules, with_objectives=False)
    situation_export = export_frame(table, formats)

    def sheets() -> dict[str, pd.DataFrame]:
        out = {f"Situation {year}": situation_export}
        if cms is not None:
            objectives, progress, trajectory = cms
            cms_table, cms_formats = situation_table(
                objectives.assign(is_subject=True), rules, with_objectives=True
            )
            progress_last, progress_formats = progress_table(progress)
            trajectory_export, trajectory_formats = trajectory_table(trajectory)
            out[f"Objectifs {_period(rules.cms.period)}"] = export_frame(cms_table, cms_formats)
            out["Avancement CMS"] = export_frame(progress_last, progress_formats)
            out["Avancement CMS par année"] = progress_years_table(progress)
            out["Trajectoires"] = export_frame(trajectory_export, trajectory_formats)
        out["Taux SRU par année"] = rate_history(inventory, communes)
        return out

    with st.container(horizontal=True):
        csv_button(
            situation_export,
            f"situation_sru_{year}",
            key="sru_export_csv",
            is_demo=is_demo,
            label=f"Situation au 1er janvier {year} (CSV)",
        )
        excel_button(
            sheets,
            f"sru_cms_{year}",
            key="sru_export_xlsx",
            is_demo=is_demo,
            title="Article 55 de la loi SRU et contrat de mixité sociale mutualisant",
            label="Toutes les tables (Excel)",
        )
    if is_demo:
        st.caption(
            "Chaque fichier exporté porte la mention « Données de démonstration (fictives) » : "
            "colonne « Origine des données » et, dans le classeur, feuille « Avertissement »."
        )
