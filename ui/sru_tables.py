"""The tables of the SRU page, with French headers, from the results of ``services.sru``.

No rule is computed here: the objectives, the CMS progress and the trajectories come from
:mod:`services.sru`; this module only selects, orders and names their columns for the screen and
the exports. No Streamlit.
"""

from __future__ import annotations

import pandas as pd

from config import load_toml
from services.sru import sru_objectives
from services.sru_rules import CONFIG_FILE, STATUS_COMPLIANT, STATUS_DEFICIT, SruRules

STATUS_NOT_SUBJECT = "non soumise"
STATUS_ORDER = {STATUS_DEFICIT: 0, "exemptée": 1, STATUS_COMPLIANT: 2, STATUS_NOT_SUBJECT: 3}
PCT = (1, "%")
COUNT = (0, "")
POINTS = (1, "")


def period_length(rules: SruRules) -> int:
    """Number of years of a catch-up period (that of the CMS, three years)."""
    return rules.cms.period[1] - rules.cms.period[0] + 1


def period_set_by(year: int, rules: SruRules) -> tuple[int, int]:
    """The period whose objectives the inventory of 1 January ``year`` would set."""
    start = year + rules.inventory_offset_years
    return start, start + period_length(rules) - 1


def is_triennial(period: tuple[int, int], rules: SruRules) -> bool:
    """Whether ``period`` is one of the legal triennial periods (aligned on the CMS period)."""
    return (period[0] - rules.cms.period[0]) % period_length(rules) == 0


def triennial_inventory_years(years: list[int], rules: SruRules) -> list[int]:
    """The inventory years among ``years`` that set the objectives of a triennial period."""
    return [y for y in years if is_triennial(period_set_by(y, rules), rules)]


def sru_situation(
    inventory: pd.DataFrame, communes: pd.DataFrame, year: int, rules: SruRules
) -> pd.DataFrame:
    """Every commune of the inventory of 1 January ``year``, subject or not.

    Subject communes carry the result of :func:`services.sru.sru_objectives` for the period
    that inventory sets; the others have ``status`` « non soumise » and no deficit.

    Returns
    -------
    DataFrame
        The columns of ``sru_objectives`` plus ``is_subject``, déficitaires first, then by rate.
    """
    subject = sru_objectives(inventory, period_set_by(year, rules), communes=communes, rules=rules)
    subject = subject.assign(is_subject=True)
    rows = inventory[
        (inventory["year"] == year) & ~inventory["commune_code"].isin(subject["commune_code"])
    ]
    names = pd.DataFrame(communes.drop(columns="geometry", errors="ignore"))
    names = names.set_index("commune_code")["commune_name"]
    others = pd.DataFrame(
        {
            "commune_code": rows["commune_code"].astype(str).to_numpy(),
            "commune_name": names.reindex(rows["commune_code"].astype(str)).to_numpy(),
            "inventory_year": year,
            "n_lls": rows["n_lls"].to_numpy(),
            "n_rp": rows["n_rp"].to_numpy(),
            "sru_rate_pct": rows["sru_rate_pct"].to_numpy(dtype=float),
            "target_pct": rules.target_pct,
            "status": STATUS_NOT_SUBJECT,
            "is_subject": False,
        }
    )
    out = pd.concat([subject, others], ignore_index=True) if len(others) else subject
    order = out["status"].map(STATUS_ORDER)
    return (
        out.assign(_order=order)
        .sort_values(["_order", "sru_rate_pct", "commune_name"])
        .drop(columns="_order")
        .reset_index(drop=True)
    )


def situation_table(
    situation: pd.DataFrame, rules: SruRules, *, with_objectives: bool
) -> tuple[pd.DataFrame, dict[str, tuple[int, str]]]:
    """The per-commune table of the page and its formats.

    Parameters
    ----------
    situation : DataFrame
        :func:`sru_situation`.
    rules : SruRules
        For the period labels.
    with_objectives : bool
        Add the catch-up share and the objectives (only for an inventory that sets a triennial
        period).

    Returns
    -------
    (DataFrame, dict)
        French headers; the formats for :func:`ui.tables.show_table`.
    """
    table = pd.DataFrame(
        {
            "Commune": situation["commune_name"].to_numpy(),
            "Code INSEE": situation["commune_code"].to_numpy(),
            "Soumise": situation["is_subject"].map({True: "oui", False: "non"}).to_numpy(),
            "Logements sociaux": situation["n_lls"].to_numpy(dtype=float),
            "Résidences principales": situation["n_rp"].to_numpy(dtype=float),
            "Taux SRU": situation["sru_rate_pct"].to_numpy(dtype=float),
            "Taux cible": situation["target_pct"].to_numpy(dtype=float),
            "Écart (pts)": situation["gap_points"].to_numpy(dtype=float),
            "Déficit (logements)": situation["deficit"].to_numpy(dtype=float),
            "Statut": situation["status"].to_numpy(),
        }
    )
    formats = {
        "Logements sociaux": COUNT,
        "Résidences principales": COUNT,
        "Taux SRU": PCT,
        "Taux cible": (0, "%"),
        "Écart (pts)": POINTS,
        "Déficit (logements)": COUNT,
    }
    if with_objectives:
        start = int(situation["period_start"].dropna().iloc[0])
        end = start + period_length(rules) - 1
        label = f"{start}–{end}"
        table["Part à rattraper"] = situation["catch_up_share_pct"].to_numpy(dtype=float)
        table[f"Droit commun {label}"] = situation["droit_commun_objective"].to_numpy(float)
        formats["Part à rattraper"] = (0, "%")
        formats[f"Droit commun {label}"] = COUNT
        if (start, end) == rules.cms.period:
            table[f"CMS {label}"] = situation["cms_objective"].to_numpy(dtype=float)
            formats[f"CMS {label}"] = COUNT
    return table, formats


def progress_table(progress: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, tuple[int, str]]]:
    """CMS progress at the last year with data, one row per commune, then the CMS total.

    Parameters
    ----------
    progress : DataFrame
        :func:`services.sru_progress.cms_progress` (with its total row, code ``total``).
    """
    known = progress.dropna(subset=["cum_agreed", "cum_delivered"], how="all")
    last = known.sort_values("year").groupby("commune_code", sort=False).tail(1)
    last = pd.concat([last[last["commune_code"] != "total"], last[last["commune_code"] == "total"]])
    table = pd.DataFrame(
        {
            "Commune": last["commune_name"].to_numpy(),
            "Dernière année connue": last["year"].astype(int).astype(str).to_numpy(),
            "Objectif CMS (logements)": last["cms_objective"].to_numpy(dtype=float),
            "Attendu à date (logements)": last["expected_to_date"].to_numpy(dtype=float),
            "Agréés (cumul)": last["cum_agreed"].to_numpy(dtype=float),
            "Agréés / objectif": last["agreed_progress_pct"].to_numpy(dtype=float),
            "Livrés (cumul)": last["cum_delivered"].to_numpy(dtype=float),
            "Livrés / objectif": last["delivered_progress_pct"].to_numpy(dtype=float),
        }
    )
    formats = {
        "Objectif CMS (logements)": COUNT,
        "Attendu à date (logements)": COUNT,
        "Agréés (cumul)": COUNT,
        "Agréés / objectif": (0, "%"),
        "Livrés (cumul)": COUNT,
        "Livrés / objectif": (0, "%"),
    }
    return table, formats


def progress_years_table(progress: pd.DataFrame) -> pd.DataFrame:
    """The yearly CMS progress of every commune (French headers, for the exports)."""
    return pd.DataFrame(
        {
            "Commune": progress["commune_name"].to_numpy(),
            "Code INSEE": progress["commune_code"].replace({"total": ""}).to_numpy(),
            "Année": progress["year"].astype(int).to_numpy(),
            "Objectif CMS (logements)": progress["cms_objective"]
            .round()
            .astype("Int64")
            .to_numpy(),
            "Attendu à date (logements)": progress["expected_to_date"].round(1).to_numpy(),
            "Agréés dans l'année": progress["n_agreed"].round().astype("Int64").to_numpy(),
            "Livrés dans l'année": progress["n_delivered"].round().astype("Int64").to_numpy(),
            "Agréés (cumul)": progress["cum_agreed"].round().astype("Int64").to_numpy(),
            "Livrés (cumul)": progress["cum_delivered"].round().astype("Int64").to_numpy(),
            "Agréés / objectif (%)": progress["agreed_progress_pct"].round(1).to_numpy(),
            "Livrés / objectif (%)": progress["delivered_progress_pct"].round(1).to_numpy(),
        }
    )


def trajectory_table(trajectory: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, tuple[int, str]]]:
    """Rate needed each year against the CMS pace, for one or several communes."""
    table = pd.DataFrame(
        {
            "Commune": trajectory["commune_name"].to_numpy(),
            "Fin d'année": trajectory["year"].astype(int).astype(str).to_numpy(),
            "Résidences principales": trajectory["n_rp"].to_numpy(dtype=float),
            "Logements sociaux nécessaires": trajectory["required_lls"].to_numpy(dtype=float),
            "Taux nécessaire": trajectory["required_rate_pct"].to_numpy(dtype=float),
            "Logements sociaux au rythme du CMS": trajectory["cms_pace_lls"].to_numpy(float),
            "Taux au rythme du CMS": trajectory["cms_pace_rate_pct"].to_numpy(dtype=float),
            "Taux observé (1er janvier suivant)": trajectory["observed_rate_pct"].to_numpy(float),
        }
    )
    formats = {
        "Résidences principales": COUNT,
        "Logements sociaux nécessaires": COUNT,
        "Taux nécessaire": (2, "%"),
        "Logements sociaux au rythme du CMS": COUNT,
        "Taux au rythme du CMS": (2, "%"),
        "Taux observé (1er janvier suivant)": PCT,
    }
    return table, formats


def rate_history(inventory: pd.DataFrame, communes: pd.DataFrame) -> pd.DataFrame:
    """SRU rate of every commune at 1 January of each inventory year (communes × years)."""
    names = pd.DataFrame(communes.drop(columns="geometry", errors="ignore"))
    names = names.set_index("commune_code")["commune_name"]
    wide = inventory.pivot_table(
        index="commune_code", columns="year", values="sru_rate_pct", aggfunc="first"
    )
    wide.columns = [f"Taux SRU au 1er janvier {y} (%)" for y in wide.columns]
    wide.insert(0, "Commune", names.reindex(wide.index).to_numpy())
    return wide.reset_index(names="Code INSEE").sort_values("Commune", ignore_index=True)


def exemption_notes() -> list[dict]:
    """The ``[[exemptions]]`` entries of ``config/sru.toml`` with their references and sources."""
    return [dict(entry) for entry in load_toml(CONFIG_FILE).get("exemptions", [])]
