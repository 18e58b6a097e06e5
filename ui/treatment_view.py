"""The treatment of extreme values and the check of the catalogue's bounds, on the Méthode page.

One table, one row per indicator: what the treatment did (winsorisation, logarithm, the
catalogue's authoritative bounds, nothing), why, which values it changed, and the skewness and
kurtosis before and after, as fitted on the parc (:attr:`scoring.CompositeIndex.bounds_`); above
it, one warning listing the indicators with more than 5 % of their values outside the
catalogue's plausible bounds (:attr:`scoring.CompositeIndex.bounds_check_`), saying whether the
normalisation in force clips them.
"""

from __future__ import annotations

import html

import pandas as pd
import streamlit as st

from scoring import NORMALISATIONS, CompositeIndex, IndexSpec
from services.cotation_method import SHORT_LABELS
from services.method_catalogue import bounds_alerts, treatment_table
from ui.fmt import MISSING, fmt_int, fmt_number, fmt_pct
from ui.methode_view import STYLE

TREATMENT_HEADERS = {
    "label": ("Indicateur", 16),
    "treatment": ("Traitement", 10),
    "reason": ("Pourquoi", 22),
    "changed": ("Valeurs modifiées", 18),
    "skew": ("Asymétrie avant → après", 12),
    "kurtosis": ("Aplatissement avant → après", 12),
}


def _changed_text(row: pd.Series) -> str:
    """What the treatment did to the values of one indicator, in words."""
    unit = row["unit"] if row["unit"] and len(row["unit"]) <= 12 else ""
    if row["kind"] == "winsorised":
        parts = [
            f"{_values(row[count])} ramenée{'s' if row[count] > 1 else ''} à "
            f"{_value(row[bound], unit)}"
            for count, bound in (("n_low", "winsor_lower"), ("n_high", "winsor_upper"))
            if row[count]
        ]
        return " ; ".join(parts)
    if row["kind"] == "log":
        return f"toutes ({_values(row['n_values'])}), passées en logarithme"
    if row["kind"] == "goalposts" and row["n_winsorised"]:
        n = row["n_winsorised"]
        return f"{_values(n)} hors des bornes, écrêtée{'s' if n > 1 else ''}"
    return MISSING


def _values(n: int) -> str:
    return f"{fmt_int(n)} valeur{'s' if n > 1 else ''}"


def _value(value: float, unit: str) -> str:
    decimals = 0 if float(value).is_integer() else 1
    return fmt_number(value, decimals, unit)


def _pair(before: float, after: float, changed: bool) -> str:
    """``2,44 → 1,65`` (two decimals: the thresholds are 2 and 3,5)."""
    if not changed:
        return fmt_number(before, 2).replace("-", "−")
    return f"{fmt_number(before, 2)} → {fmt_number(after, 2)}".replace("-", "−")


def treatment_html(table: pd.DataFrame) -> str:
    """The table of the treatment of extreme values, as HTML (one row per indicator)."""
    total = sum(width for _, width in TREATMENT_HEADERS.values())
    widths = "".join(
        f"<col style='width:{100 * width / total:.1f}%'>" for _, width in TREATMENT_HEADERS.values()
    )
    head = "".join(f"<th>{title}</th>" for title, _ in TREATMENT_HEADERS.values())
    body = []
    for _, row in table.iterrows():
        changed = row["kind"] in ("winsorised", "log")
        cells = [
            f"<td class='indicator'>{html.escape(row['label'])}</td>",
            f"<td>{html.escape(row['treatment'])}</td>",
            f"<td>{html.escape(row['reason'])}</td>",
            f"<td>{html.escape(_changed_text(row))}</td>",
            f"<td class='num'>{_pair(row['skew_before'], row['skew_after'], changed)}</td>",
            f"<td class='num'>{_pair(row['kurtosis_before'], row['kurtosis_after'], changed)}</td>",
        ]
        body.append("<tr>" + "".join(cells) + "</tr>")
    return (
        f"<table class='method-table' lang='fr'><colgroup>{widths}</colgroup><tr>{head}</tr>"
        f"{''.join(body)}</table>"
    )


def bounds_warning_text(row: pd.Series, spec: IndexSpec) -> str:
    """The French warning of an indicator with too many values outside its catalogue bounds."""
    unit = row["unit"] if row["unit"] and len(row["unit"]) <= 12 else ""
    bounds = f"[{_value(row['lower'], '')} ; {_value(row['upper'], unit)}]"
    n_outside = int(row["n_below"] + row["n_above"])
    text = (
        f"**{row['label']}** : {fmt_pct(row['outside_pct'])} des valeurs "
        f"({fmt_int(n_outside)} sur {fmt_int(row['n_values'])} : {fmt_int(row['n_below'])} en "
        f"dessous, {fmt_int(row['n_above'])} au-dessus) sont hors des bornes plausibles du "
        f"catalogue {bounds}. "
    )
    if row["is_clipped"]:
        return text + (
            "La normalisation en cours s'appuie sur ces bornes : ces valeurs sont écrêtées et ne "
            "se distinguent plus entre elles. Vérifiez les bornes du catalogue ou les données."
        )
    code = spec.method.normalisation
    normalisation = SHORT_LABELS["normalisation"].get(code, NORMALISATIONS[code]).lower()
    return text + (
        f"Ces bornes ne servent pas avec la normalisation en cours ({normalisation}) ; elles "
        "écrêteraient ces valeurs avec les bornes fixes. Vérifiez les bornes du catalogue ou les "
        "données."
    )


def treatment_section(spec: IndexSpec, index: CompositeIndex) -> None:
    """Warnings on the catalogue's bounds, then what was done to each indicator's extreme
    values, with its skewness and kurtosis before and after."""
    alerts = bounds_alerts(index.bounds_check_, spec)
    if len(alerts):
        lines = "\n".join(f"- {bounds_warning_text(row, spec)}" for _, row in alerts.iterrows())
        st.warning(
            f"**Bornes plausibles du catalogue à vérifier** : {fmt_int(len(alerts))} "
            f"indicateur{'s' if len(alerts) > 1 else ''} ont plus de 5 % de leurs valeurs hors "
            f"de leurs bornes.\n\n{lines}",
            icon=":material/warning:",
        )
    table = treatment_table(index.bounds_, spec)
    st.markdown(STYLE, unsafe_allow_html=True)
    st.markdown(treatment_html(table), unsafe_allow_html=True)
    treated = table[table["kind"].isin(["winsorised", "log"])]
    summary = (
        f"{fmt_int(len(treated))} indicateur(s) traité(s) : "
        + ", ".join(treated["label"].str.lower())
        if len(treated)
        else "Aucun indicateur traité"
    )
    st.caption(
        f"{summary}. Asymétrie et aplatissement (excès par rapport à une loi normale) mesurés "
        "sur les résidences du territoire qui ont une valeur ; un indicateur est traité quand "
        "les deux dépassent leur seuil. Une alerte s'affiche quand plus de 5 % des valeurs d'un "
        "indicateur sortent des bornes plausibles du catalogue."
    )
