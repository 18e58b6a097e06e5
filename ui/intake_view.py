"""Tab « Accueil et occupation » of the parc dashboard: does the intake reinforce or correct the
occupancy of the territory, of its sub-territories, and which residences already fragile receive
an intake that reinforces their fragility.

Entrants are compared with the sitting tenants of the latest OPS survey at or before the chosen
year (``services.occupancy``). Figures are those the viewer may see
(:func:`services.disclosure.published_intake`; the median the territories are compared with is
that of the published shares); residence figures belong to one bailleur, so a viewer sees the
list of its own residences only (every residence for the service habitat).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from services.disclosure import Access, footnote, with_markers
from services.occupancy import EFFECT_CORRECTS, EFFECT_REINFORCES
from ui import cache
from ui.exports import csv_button
from ui.fmt import fmt_number
from ui.parc_data import residences_of, survey_year_for
from ui.parc_selection import ParcSelection
from ui.stock_charts import (
    ENTRANTS_COLOR,
    SITTING_COLOR,
    grouped_shares,
    intake_dumbbell,
)
from ui.tables import chart_block, export_frame, show_table

SUB_LEVEL = {"epci": "commune", "commune": "residence", "quartier": "residence"}
EFFECT_TEXT = {
    EFFECT_REINFORCES: ":red[**renforce**]",
    EFFECT_CORRECTS: ":green[**corrige**]",
    "neutre": "**ne modifie guère**",
}
PCT = (1, "%")


def masked_intake(level: str, survey: int, access: Access) -> pd.DataFrame:
    """Entrants against sitting tenants of every territory of ``level``, as ``access`` sees
    them (masked cells, reasons in ``<column>__secret``, published median)."""
    return cache.published_intake_table(level, survey, access)


def reasons(frame: pd.DataFrame) -> list[str]:
    """The distinct French reasons why rows of a masked frame lost figures."""
    found = frame.loc[frame["is_masked"].astype(bool), "mask_reason"].dropna()
    return sorted({p.strip() for text in found for p in str(text).split(";") if p.strip()})


def _reasons(rows: pd.DataFrame, columns: dict[str, str]) -> pd.DataFrame:
    """The reasons of the masked cells of a display table (column shown → column of rows)."""
    return pd.DataFrame(
        {
            shown: rows[f"{source}__secret"].fillna("").to_numpy()
            for shown, source in columns.items()
        }
    )


def _marked(table: pd.DataFrame, rows: pd.DataFrame, columns: dict[str, str]) -> pd.DataFrame:
    """``table`` with « s » in the cells masked in ``rows`` (for a file)."""
    out = with_markers(table, _reasons(rows, columns), cache.masking_rules().marker)
    if "Secret statistique" not in out:
        out["Secret statistique"] = rows["mask_reason"].fillna("").to_numpy()
    return out


def intake_tab(sel: ParcSelection, is_demo: bool) -> None:
    """The three parts of the tab (see the module docstring)."""
    survey = survey_year_for(sel.year, cache.parc_tables()["occupancy"])
    if survey is None:
        st.info(
            f"Aucune enquête d'occupation (OPS) au plus tard en {sel.year} : choisissez une "
            "année plus récente.",
            icon=":material/info:",
        )
        return
    st.caption(
        f"Locataires en place : enquête OPS au 1er janvier {survey} ; entrants : attributions "
        f"{survey} et {survey + 1} du territoire. L'accueil « renforce » "
        f"l'occupation quand la part des entrants dépasse celle des locataires en place de plus "
        f"de {fmt_number(cache.stock_rules().tolerance_points, 0)} points, la « corrige » quand "
        "elle est plus basse d'autant."
    )
    shown = masked_intake(sel.level, survey, Access.of(sel.viewer))
    public = masked_intake(sel.level, survey, Access())
    rows = shown[shown["territory_code"] == sel.code].reset_index(drop=True)
    public = public[public["territory_code"] == sel.code].reset_index(drop=True)
    _territory_comparison(sel, rows, public, survey, is_demo)
    if sel.level in SUB_LEVEL:
        _sub_territories(sel, survey, is_demo)
    _fragile_residences(sel, survey)


def _comparison_table(rows: pd.DataFrame, survey: int, marked: bool = True) -> pd.DataFrame:
    """The comparison as a table; ``marked``: « s » in masked cells (for a file)."""
    hidden = rows["is_masked"].to_numpy(dtype=bool)
    entrants, sitting = f"Entrants {survey}–{survey + 1}", f"Locataires en place (OPS {survey})"
    table = pd.DataFrame(
        {
            "Indicateur": rows["indicator_label"].to_numpy(),
            entrants: rows["entrants_pct"].to_numpy(),
            sitting: rows["sitting_pct"].to_numpy(),
            "Écart (points)": rows["gap_points"].to_numpy(),
            "Médiane des territoires publiés": rows["reference_pct"].to_numpy(),
            "Occupation fragile": rows["is_fragile"]
            .map({True: "oui", False: "non"})
            .mask(hidden)
            .to_numpy(),
            "Effet de l'accueil": rows["effect"].fillna("non comparable").to_numpy(),
            "Entrants (ménages)": rows["n_entrants"].to_numpy(dtype=float),
            "Secret statistique": rows["mask_reason"].fillna("").to_numpy(),
        }
    )
    if not marked:
        return table
    return _marked(table, rows, {entrants: "entrants_pct", sitting: "sitting_pct"})


def _territory_comparison(
    sel: ParcSelection, rows: pd.DataFrame, public: pd.DataFrame, survey: int, is_demo: bool
) -> None:
    found = reasons(rows)
    if found:
        st.info(f"Comparaison masquée : {' ; '.join(found)}.", icon=":material/lock:")
        return
    table = _comparison_table(rows, survey, marked=False).drop(columns="Secret statistique")
    labels = table["Indicateur"].tolist()
    series = {c: table[c].tolist() for c in table.columns[1:3]}
    colors = dict(zip(series, (ENTRANTS_COLOR, SITTING_COLOR), strict=True))
    formats = {
        **dict.fromkeys(series, PCT),
        "Écart (points)": (1, "pts"),
        "Médiane des territoires publiés": PCT,
        "Entrants (ménages)": (0, ""),
    }
    chart_column, text_column = st.columns([3, 2], gap="medium")
    with chart_column:
        chart_block(
            grouped_shares(
                labels, series, colors, title=f"Entrants et locataires en place : {sel.name}"
            ),
            table,
            formats,
            file_stem=f"accueil_{sel.code}_{survey}",
            key="parc_intake",
            is_demo=is_demo,
            export_table=_comparison_table(public, survey),
        )
    with text_column:
        st.markdown("**Ce que fait l'accueil**")
        for _, row in rows.iterrows():
            effect = row["effect"]
            if effect is None or pd.isna(effect):
                verdict = "ne peut être qualifié (moins de 5 entrants)"
            else:
                verdict = f"{EFFECT_TEXT[effect]} l'occupation"
            fragile = " (occupation déjà fragile)" if row["is_fragile"] else ""
            st.markdown(
                f"- {row['indicator_label']} : {fmt_number(row['entrants_pct'], 1, '%')} des "
                f"entrants contre {fmt_number(row['sitting_pct'], 1, '%')} des locataires en "
                f"place — l'accueil {verdict}{fragile}."
            )


def _sub_territories(sel: ParcSelection, survey: int, is_demo: bool) -> None:
    level = SUB_LEVEL[sel.level]
    if sel.level == "commune" and _codes_inside(sel, "quartier"):
        level = "quartier"
    access = Access.of(sel.viewer)
    compared = masked_intake(level, survey, access)
    inside = _codes_inside(sel, level)
    rows = compared[compared["territory_code"].isin(inside)]
    names = cache.territory_names(level)
    plural = {"commune": "communes", "quartier": "quartiers", "residence": "résidences"}[level]
    singular = {"commune": "commune", "quartier": "quartier", "residence": "résidence"}[level]
    st.markdown(f"**Par {singular} du territoire**")
    indicators = dict(zip(rows["indicator"], rows["indicator_label"], strict=False))
    if not indicators:
        return
    choice = st.segmented_control(
        "Indicateur",
        list(indicators),
        format_func=indicators.get,
        key="parc_intake_indicator",
        default=next(iter(indicators)),
        required=True,
    )
    part = rows[rows["indicator"] == choice]
    shown = part.dropna(subset=["sitting_pct", "entrants_pct", "effect"])
    hidden = len(part) - len(shown)
    if hidden:
        masked = footnote(reasons(part), cache.masking_rules().marker)
        why = masked or "moins de 5 entrants ou pas d'enquête"
        st.caption(f"{hidden} {plural} sans comparaison possible ou masqués — {why}")
    if shown.empty:
        return
    if level == "residence" and sel.level != "epci":
        frame = cache.residences().set_index("residence_id")["residence_name"]
        names = {code: str(frame.get(code, code)) for code in shown["territory_code"]}
    shown = shown.assign(name=shown["territory_code"].map(names))
    limit = 40
    if len(shown) > limit:
        st.caption(
            f"Les {limit} {plural} aux plus grands écarts (en valeur absolue), sur {len(shown)}."
        )
        shown = shown.loc[shown["gap_points"].abs().nlargest(limit).index]
    shown = shown.sort_values("gap_points", ascending=False)
    every = masked_intake(level, survey, Access())
    every = every[every["indicator"] == choice].set_index("territory_code")
    public = every.loc[shown["territory_code"]].reset_index()
    table = _sub_table(shown, shown["name"], marked=False)
    chart_block(
        intake_dumbbell(shown, f"{indicators[choice]} : entrants et locataires en place"),
        table,
        {
            "Locataires en place": PCT,
            "Entrants": PCT,
            "Écart (points)": (1, "pts"),
            "Entrants (ménages)": (0, ""),
        },
        file_stem=f"accueil_{level}_{sel.code}_{choice}",
        key="parc_intake_sub",
        is_demo=is_demo,
        export_table=_sub_table(public, shown["name"]).assign(
            **{"Secret statistique": public["mask_reason"].fillna("").to_numpy()}
        ),
    )


def _sub_table(rows: pd.DataFrame, names: pd.Series, marked: bool = True) -> pd.DataFrame:
    """The sub-territories as a table; ``marked``: « s » in masked cells (for a file)."""
    table = pd.DataFrame(
        {
            "Territoire": names.to_numpy(),
            "Locataires en place": rows["sitting_pct"].to_numpy(),
            "Entrants": rows["entrants_pct"].to_numpy(),
            "Écart (points)": rows["gap_points"].to_numpy(),
            "Effet de l'accueil": rows["effect"].fillna("non comparable").to_numpy(),
            "Entrants (ménages)": rows["n_entrants"].to_numpy(dtype=float),
        }
    )
    if not marked:
        return table
    return _marked(table, rows, {"Locataires en place": "sitting_pct", "Entrants": "entrants_pct"})


def _codes_inside(sel: ParcSelection, level: str) -> set[str]:
    residences = residences_of(cache.residences(), sel.level, sel.code)
    column = {"commune": "commune_code", "quartier": "quartier_code", "residence": "residence_id"}[
        level
    ]
    return set(residences[column].dropna().astype(str))


def _fragile_residences(sel: ParcSelection, survey: int) -> None:
    st.markdown("**Résidences où l'accueil renforce une occupation déjà fragile**")
    inside = _codes_inside(sel, "residence")
    fragile = cache.fragile_table(survey)
    fragile = fragile[fragile["residence_id"].isin(inside)]
    access = Access.of(sel.viewer)
    fragile = fragile[access.sees(fragile["bailleur"])]
    if access.is_public:
        st.info(
            "La liste repose sur l'occupation de chaque résidence, qui relève d'un seul "
            "bailleur : elle est réservée au bailleur de la résidence et au service habitat "
            "(secret statistique, règle de dominance).",
            icon=":material/lock:",
        )
        return
    if fragile.empty:
        mine = " de vos bailleurs" if access.kind == "own" else ""
        st.success(
            f"Aucune résidence{mine} de ce territoire ne reçoit un accueil qui renforce une "
            "occupation déjà fragile.",
            icon=":material/check_circle:",
        )
        return
    communes = cache.territory_names("commune")
    share = cache.masking_rules().decimals["share"]
    table = pd.DataFrame(
        {
            "Résidence": fragile["residence_name"].to_numpy(),
            "Commune": fragile["commune_code"].map(communes).to_numpy(),
            "Bailleur": fragile["bailleur"].to_numpy(),
            "Indicateur": fragile["indicator_label"].to_numpy(),
            "En place": fragile["sitting_pct"].round(share).to_numpy(),
            "Entrants": fragile["entrants_pct"].round(share).to_numpy(),
            "Écart": fragile["gap_points"].round(share).to_numpy(),
            "Seuil": fragile["reference_pct"].round(share).to_numpy(),
            "Nb entrants": fragile["n_entrants"].to_numpy(dtype=float),
            "Nb enquêtés": fragile["n_households"].to_numpy(dtype=float),
        }
    )
    if sel.level != "epci":
        table = table.drop(columns="Commune")
    formats = {
        "En place": PCT,
        "Entrants": PCT,
        "Écart": (1, "pts"),
        "Seuil": PCT,
        "Nb entrants": (0, ""),
        "Nb enquêtés": (0, ""),
    }
    show_table(table, formats, key="parc_fragile_table", height=min(35 * (len(table) + 1) + 3, 420))
    rules = cache.masking_rules()
    hidden = pd.DataFrame({c: [rules.residence_reason] * len(table) for c in MASKED_COLUMNS})
    public = with_markers(table, hidden, rules.marker)
    public["Secret statistique"] = rules.residence_reason
    csv_button(
        export_frame(public, formats),
        f"residences_accueil_fragile_{sel.code}_{survey}",
        key="parc_fragile_csv",
        is_demo=cache.is_demo(),
    )
    st.caption(
        "En place : part des locataires en place (OPS) ; entrants : part des entrants ; écart en "
        "points. Seuil de fragilité : médiane des résidences du Grand Poitiers (ou seuil fixé "
        "dans la configuration). Le fichier exporté suit les règles de diffusion publique : "
        f"les parts d'occupation des résidences y sont masquées (« {rules.marker} »)."
    )


MASKED_COLUMNS = ("En place", "Entrants", "Écart", "Seuil")
