"""Tab « Entrants et sortants » of the parc dashboard: who comes in, who leaves and who lives
there (profiles side by side), composition and age, flows year by year, and the attribution
objectives of the loi Égalité et Citoyenneté.

Every household figure is what the viewer may see on screen (:mod:`services.disclosure`), and the
public version in the CSV files (``export=True``), whoever downloads them; a masked cell reads
« s » and the caption names the rule.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from services.disclosure import (
    Access,
    cell_reason,
    footnote,
    reason_column,
    with_markers,
)
from services.disclosure.publish import SECRET_SUFFIX
from services.flows import COMPOSITION_SHARES, MEASURE_LABELS, age_bands
from ui import cache
from ui.fmt import fmt_int, fmt_number, fmt_pct
from ui.parc_data import survey_year_for
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
SECRET = "Secret statistique"
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


def _column(rows: list[tuple[pd.Series | None, str | None]]) -> tuple[list, list]:
    """Values and reasons of cells given as (row, column); no column: not asked (NaN)."""
    values = [value_at(row, col) if col else float("nan") for row, col in rows]
    reasons = [cell_reason(row, col) if col else "" for row, col in rows]
    return values, reasons


def _frames(columns: dict[str, list[tuple[pd.Series | None, str | None]]], first: dict):
    """A table of figures and the table of the reasons of its masked cells."""
    values, reasons = dict(first), {}
    for name, cells in columns.items():
        values[name], reasons[name] = _column(cells)
    return pd.DataFrame(values), pd.DataFrame(reasons)


def profile_frames(p: HouseholdProfiles, year: int, survey: int | None):
    """Shares of entrants, leavers and sitting tenants per indicator (French headers), and the
    reasons of the masked cells."""
    return _frames(
        {
            f"Entrants {year}": [(p.now_in, f"{m}_pct") for m, _ in PROFILE_MEASURES],
            f"Sortants {year}": [(p.now_out, f"{m}_pct") for m, _ in PROFILE_MEASURES],
            f"Locataires en place (OPS {survey})": [
                (p.now_sit, ops) for _, ops in PROFILE_MEASURES
            ],
        },
        {"Indicateur": [MEASURE_LABELS[m] for m, _ in PROFILE_MEASURES]},
    )


def profile_table(p: HouseholdProfiles, year: int, survey: int | None) -> pd.DataFrame:
    """The profile table as a file gives it: figures, « s » in the masked cells and why."""
    values, reasons = profile_frames(p, year, survey)
    return with_markers(values, reasons, cache.masking_rules().marker, explain=SECRET)


def _breakdown_frames(p: HouseholdProfiles, categories: dict[str, str], title: str, year: int):
    return _frames(
        {
            f"Entrants {year}": [(p.now_in, f"{c}_pct") for c in categories],
            f"Sortants {year}": [(p.now_out, f"{c}_pct") for c in categories],
        },
        {title: list(categories.values())},
    )


def _suffixed(rows: pd.DataFrame, suffix: str) -> pd.DataFrame:
    """Columns suffixed, the reason of ``x`` kept as the reason of ``x<suffix>``."""
    return rows.rename(
        columns=lambda c: (
            reason_column(c.removesuffix(SECRET_SUFFIX) + suffix)
            if c.endswith(SECRET_SUFFIX)
            else c + suffix
        )
    )


def _flows_frames(p: HouseholdProfiles):
    merged = _suffixed(p.entrants, "_in").merge(
        _suffixed(p.leavers, "_out"), left_on="year_in", right_on="year_out", how="outer"
    )
    rows = [row for _, row in merged.iterrows()]
    shares = (
        ("Mutations parmi les entrants", "mutation_pct_in"),
        ("1er quartile parmi les entrants", "q1_pct_in"),
        ("Taille moyenne des ménages entrants", "mean_household_size_in"),
        ("Ancienneté moyenne des sortants", "mean_tenure_years_out"),
    )
    return _frames(
        {name: [(row, column) for row in rows] for name, column in shares},
        {
            "Année": merged["year_in"].fillna(merged["year_out"]).astype(int).astype(str),
            "Entrants": merged["n_households_in"].to_numpy(),
            "Sortants": merged["n_households_out"].to_numpy(),
        },
    )


def _notes(*reasons: pd.DataFrame) -> str:
    """The footnote of the « s » of some reason tables (empty when nothing is masked)."""
    found = [r for frame in reasons for column in frame.columns for r in frame[column]]
    return footnote(found, cache.masking_rules().marker)


def _masked_notice(reasons: pd.DataFrame) -> None:
    """One notice naming why some profiles are masked."""
    note = _notes(reasons)
    if note:
        st.info(
            f"Profils masqués {note} Le bailleur de la résidence et le service habitat les voient.",
            icon=":material/lock:",
        )


def entrants_tab(sel: ParcSelection, is_demo: bool) -> None:
    """Profiles of entrants, leavers and sitting tenants; flows by year; equality objectives."""
    year = sel.year
    survey = survey_year_for(year, cache.parc_tables()["occupancy"])
    shown = HouseholdProfiles(sel, survey, export=False)
    public = HouseholdProfiles(sel, survey, export=True)
    values, reasons = profile_frames(shown, year, survey)
    _masked_notice(reasons)
    series = {c: values[c].tolist() for c in values.columns[1:]}
    colors = dict(zip(series, (ENTRANTS_COLOR, LEAVERS_COLOR, SITTING_COLOR), strict=True))
    if values[list(series)].notna().any().any():
        chart_block(
            grouped_shares(
                values["Indicateur"].tolist(),
                series,
                colors,
                title=f"Qui entre, qui sort, qui habite : {sel.name}, {year}",
            ),
            values,
            dict.fromkeys(series, PCT),
            file_stem=f"profils_{sel.code}_{year}",
            key="parc_profiles",
            is_demo=is_demo,
            caption=(
                f"Entrants : {fmt_int(value_at(shown.now_in, 'n_households'))} ménages ; "
                f"sortants : {fmt_int(value_at(shown.now_out, 'n_households'))} ; locataires en "
                f"place : {fmt_int(value_at(shown.now_sit, 'n_households'))} ménages enquêtés "
                f"(OPS au 1er janvier {survey}). Le premier quartile n'est pas demandé par "
                "l'enquête OPS. " + _notes(reasons)
            ).strip(),
            export_table=profile_table(public, year, survey),
            masked=reasons,
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
    values, reasons = _breakdown_frames(shown, categories, title, sel.year)
    series = {c: values[c].tolist() for c in values.columns[1:]}
    if not values[list(series)].notna().any().any():
        return
    marker = cache.masking_rules().marker
    colors = dict(zip(series, (ENTRANTS_COLOR, LEAVERS_COLOR), strict=True))
    exported, why = _breakdown_frames(public, categories, title, sel.year)
    chart_block(
        grouped_shares(values[title].tolist(), series, colors, title=f"{title}, {sel.year}"),
        values,
        dict.fromkeys(series, PCT),
        file_stem=f"{stem}_{sel.code}_{sel.year}",
        key=f"parc_{stem}",
        is_demo=is_demo,
        caption=_notes(reasons) or None,
        export_table=with_markers(exported, why, marker, explain=SECRET),
        masked=reasons,
    )


def _flows_by_year(
    sel: ParcSelection, shown: HouseholdProfiles, public: HouseholdProfiles, is_demo: bool
) -> None:
    values, reasons = _flows_frames(shown)
    exported, why = _flows_frames(public)
    marker = cache.masking_rules().marker
    chart_block(
        flows_by_year(
            values["Année"].astype(int),
            values["Entrants"],
            values["Sortants"],
            f"Entrants et sortants par année : {sel.name}",
        ),
        values,
        FLOW_FORMATS,
        file_stem=f"flux_{sel.code}",
        key="parc_flows",
        is_demo=is_demo,
        caption="Une année absente des fichiers d'attributions ou de départs est vide (« — »), "
        "jamais comptée zéro. " + _notes(reasons),
        export_table=with_markers(exported, why, marker, explain=SECRET),
        masked=reasons,
    )


def _equality(sel: ParcSelection) -> None:
    """The two attribution objectives of CCH L441-1 for the territory and year."""
    rules = cache.stock_rules()
    rows = cache.published_rows("equality", sel.level, sel.code, Access.of(sel.viewer))
    rows = rows[rows["year"] == sel.year]
    row = rows.iloc[0] if len(rows) else None
    marker = cache.masking_rules().marker
    st.markdown(f"**{rules.equality_rule_label}, {sel.year}**")
    left, right = st.columns(2)
    for column, label, share, count, target, where in (
        (left, "Attributions hors QPV au 1er quartile", "outside_qpv_q1_pct", "n_outside_qpv",
         rules.outside_qpv_q1_min_pct, "hors QPV"),
        (right, "Attributions en QPV aux quartiles 2 à 4", "in_qpv_q2_q4_pct", "n_in_qpv",
         rules.in_qpv_q2_q4_min_pct, "en QPV"),
    ):  # fmt: skip
        reason = cell_reason(row, share)
        column.metric(
            label,
            marker if reason else fmt_pct(value_at(row, share)),
            delta=f"objectif : au moins {fmt_number(target, 0, '%')}",
            delta_color="off",
            delta_arrow="off",
            border=True,
            help=f"{fmt_int(value_at(row, count))} attributions {where}."
            + (f" « {marker} » : {reason}." if reason else ""),
        )
    st.caption(
        f"{rules.equality_rule_reference}. « — » : aucune attribution de ce type ; "
        f"« {marker} » : chiffre masqué par le secret statistique."
    )
