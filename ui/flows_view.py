"""Tab « Entrants et sortants » of the parc dashboard: who comes in, who leaves and who lives
there (profiles side by side), composition and age, flows year by year, and the attribution
objectives of the loi Égalité et Citoyenneté.

Every household figure is masked for the current access profile on screen, and with the public
rules in the CSV files (``export=True``), whoever downloads them.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from services.flows import COMPOSITION_SHARES, MEASURE_LABELS, age_bands
from ui import cache
from ui.fmt import fmt_int, fmt_number, fmt_pct
from ui.parc_data import survey_year_for
from ui.parc_masking import mask_rows, reasons
from ui.parc_selection import ParcSelection
from ui.stock_charts import (
    ENTRANTS_COLOR,
    LEAVERS_COLOR,
    SITTING_COLOR,
    flows_by_year,
    grouped_shares,
)
from ui.stock_view import territory_rows, value_at, year_row
from ui.tables import chart_block

# Profile indicators: entrants/leavers measure, OPS column of the sitting tenants (None: not asked).
PROFILE_MEASURES = (
    ("q1", None),
    ("resources_below_20", "res_below_20_pct"),
    ("resources_below_40", "res_below_40_pct"),
    ("resources_below_60", "res_below_60_pct"),
    ("no_employment", "no_employment_pct"),
    ("single_parent", "single_parent_pct"),
    ("large_family", "large_family_pct"),
    ("holder_65_plus", "over_65_pct"),
)
PCT = (1, "%")
FLOW_FORMATS = {
    "Entrants": (0, ""),
    "Sortants": (0, ""),
    "Mutations parmi les entrants": PCT,
    "1er quartile parmi les entrants": PCT,
    "Taille moyenne des ménages entrants": (2, "pers."),
    "Ancienneté moyenne des sortants": (1, "ans"),
}


class HouseholdProfiles:
    """The territory's entrants, leavers and sitting tenants rows, masked for screen or export."""

    def __init__(self, sel: ParcSelection, survey: int | None, export: bool) -> None:
        self.entrants = territory_rows("entrants", sel, export=export)
        self.leavers = territory_rows("leavers", sel, export=export)
        self.sitting = territory_rows("sitting", sel, export=export)
        self.now_in = year_row(self.entrants, sel.year)
        self.now_out = year_row(self.leavers, sel.year)
        self.now_sit = year_row(self.sitting, survey, "survey_year")


def profile_table(p: HouseholdProfiles, year: int, survey: int | None) -> pd.DataFrame:
    """Shares of entrants, leavers and sitting tenants per indicator (French headers)."""
    return pd.DataFrame(
        {
            "Indicateur": [MEASURE_LABELS[m] for m, _ in PROFILE_MEASURES],
            f"Entrants {year}": [value_at(p.now_in, f"{m}_pct") for m, _ in PROFILE_MEASURES],
            f"Sortants {year}": [value_at(p.now_out, f"{m}_pct") for m, _ in PROFILE_MEASURES],
            f"Locataires en place (OPS {survey})": [
                value_at(p.now_sit, ops) if ops else float("nan") for _, ops in PROFILE_MEASURES
            ],
        }
    )


def _breakdown_table(p: HouseholdProfiles, categories: dict[str, str], title: str, year: int):
    return pd.DataFrame(
        {
            title: list(categories.values()),
            f"Entrants {year}": [value_at(p.now_in, f"{c}_pct") for c in categories],
            f"Sortants {year}": [value_at(p.now_out, f"{c}_pct") for c in categories],
        }
    )


def _flows_table(p: HouseholdProfiles) -> pd.DataFrame:
    merged = p.entrants.add_suffix("_in").merge(
        p.leavers.add_suffix("_out"), left_on="year_in", right_on="year_out", how="outer"
    )
    return pd.DataFrame(
        {
            "Année": merged["year_in"].fillna(merged["year_out"]).astype(int).astype(str),
            "Entrants": merged["n_households_in"],
            "Sortants": merged["n_households_out"],
            "Mutations parmi les entrants": merged["mutation_pct_in"],
            "1er quartile parmi les entrants": merged["q1_pct_in"],
            "Taille moyenne des ménages entrants": merged["mean_household_size_in"],
            "Ancienneté moyenne des sortants": merged["mean_tenure_years_out"],
        }
    )


def _masked_notice(p: HouseholdProfiles, year: int, survey: int | None) -> None:
    """One notice naming the masked profiles and why."""
    frames = {
        f"entrants {year}": p.entrants[p.entrants["year"] == year],
        f"sortants {year}": p.leavers[p.leavers["year"] == year],
        f"locataires en place, OPS {survey}": p.sitting[p.sitting["survey_year"] == survey],
    }
    masked = {label: reasons(frame) for label, frame in frames.items()}
    masked = {label: found for label, found in masked.items() if found}
    if masked:
        why = sorted({r for found in masked.values() for r in found})
        st.info(
            f"Profils masqués ({', '.join(masked)}) — {' ; '.join(why)}. Les profils bailleur "
            "social et service habitat les voient.",
            icon=":material/lock:",
        )


def entrants_tab(sel: ParcSelection, is_demo: bool) -> None:
    """Profiles of entrants, leavers and sitting tenants; flows by year; equality objectives."""
    year = sel.year
    survey = survey_year_for(year, cache.parc_tables()["occupancy"])
    shown = HouseholdProfiles(sel, survey, export=False)
    public = HouseholdProfiles(sel, survey, export=True)
    _masked_notice(shown, year, survey)
    table = profile_table(shown, year, survey)
    series = {c: table[c].tolist() for c in table.columns[1:]}
    colors = dict(zip(series, (ENTRANTS_COLOR, LEAVERS_COLOR, SITTING_COLOR), strict=True))
    if table[list(series)].notna().any().any():
        chart_block(
            grouped_shares(
                table["Indicateur"].tolist(),
                series,
                colors,
                title=f"Qui entre, qui sort, qui habite : {sel.name}, {year}",
            ),
            table,
            dict.fromkeys(series, PCT),
            file_stem=f"profils_{sel.code}_{year}",
            key="parc_profiles",
            is_demo=is_demo,
            caption=(
                f"Entrants : {fmt_int(value_at(shown.now_in, 'n_households'))} ménages ; "
                f"sortants : {fmt_int(value_at(shown.now_out, 'n_households'))} ; locataires en "
                f"place : {fmt_int(value_at(shown.now_sit, 'n_households'))} ménages enquêtés "
                f"(OPS au 1er janvier {survey}). Le premier quartile n'est pas demandé par "
                "l'enquête OPS."
            ),
            export_table=profile_table(public, year, survey),
        )
    else:
        st.info(
            "Aucun profil disponible pour ce territoire et cette année : choisissez une "
            "autre année ou un territoire plus large.",
            icon=":material/info:",
        )
    left, right = st.columns(2, gap="medium")
    bands = age_bands(cache.stock_rules().age_band_edges_years)
    for column, categories, title, stem in (
        (left, COMPOSITION_SHARES, "Composition des ménages", "composition"),
        (right, bands, "Âge du titulaire", "age"),
    ):
        with column:
            _breakdown(sel, shown, public, categories, title, stem, is_demo)
    _flows_by_year(sel, shown, public, is_demo)
    _equality(sel)


def _breakdown(
    sel: ParcSelection,
    shown: HouseholdProfiles,
    public: HouseholdProfiles,
    categories: dict[str, str],
    title: str,
    stem: str,
    is_demo: bool,
) -> None:
    table = _breakdown_table(shown, categories, title, sel.year)
    series = {c: table[c].tolist() for c in table.columns[1:]}
    if not table[list(series)].notna().any().any():
        return
    colors = dict(zip(series, (ENTRANTS_COLOR, LEAVERS_COLOR), strict=True))
    chart_block(
        grouped_shares(table[title].tolist(), series, colors, title=f"{title}, {sel.year}"),
        table,
        dict.fromkeys(series, PCT),
        file_stem=f"{stem}_{sel.code}_{sel.year}",
        key=f"parc_{stem}",
        is_demo=is_demo,
        export_table=_breakdown_table(public, categories, title, sel.year),
    )


def _flows_by_year(
    sel: ParcSelection, shown: HouseholdProfiles, public: HouseholdProfiles, is_demo: bool
) -> None:
    table = _flows_table(shown)
    chart_block(
        flows_by_year(
            table["Année"].astype(int),
            table["Entrants"],
            table["Sortants"],
            f"Entrants et sortants par année : {sel.name}",
        ),
        table,
        FLOW_FORMATS,
        file_stem=f"flux_{sel.code}",
        key="parc_flows",
        is_demo=is_demo,
        caption="Une année absente des fichiers d'attributions ou de départs est vide (« — »), "
        "jamais comptée zéro.",
        export_table=_flows_table(public),
    )


def _equality(sel: ParcSelection) -> None:
    """The two attribution objectives of CCH L441-1 for the territory and year."""
    rules = cache.stock_rules()
    table = cache.parc_level_table("equality", sel.level)
    rows = table[(table["group_code"] == sel.code) & (table["year"] == sel.year)]
    for share, count in (("outside_qpv_q1_pct", "n_outside_qpv"), ("in_qpv_q2_q4_pct", "n_in_qpv")):
        rows = mask_rows(rows, [share], sel.level, sel.role, count_column=count, key="group_code")
    row = rows.iloc[0] if len(rows) else None
    st.markdown(f"**{rules.equality_rule_label}, {sel.year}**")
    left, right = st.columns(2)
    for column, label, share, count, target, where in (
        (left, "Attributions hors QPV au 1er quartile", "outside_qpv_q1_pct", "n_outside_qpv",
         rules.outside_qpv_q1_min_pct, "hors QPV"),
        (right, "Attributions en QPV aux quartiles 2 à 4", "in_qpv_q2_q4_pct", "n_in_qpv",
         rules.in_qpv_q2_q4_min_pct, "en QPV"),
    ):  # fmt: skip
        column.metric(
            label,
            fmt_pct(value_at(row, share)),
            delta=f"objectif : au moins {fmt_number(target, 0, '%')}",
            delta_color="off",
            delta_arrow="off",
            border=True,
            help=f"{fmt_int(value_at(row, count))} attributions {where}.",
        )
    st.caption(
        f"{rules.equality_rule_reference}. « — » : aucune attribution de ce type, ou "
        "chiffre masqué par le secret statistique."
    )
