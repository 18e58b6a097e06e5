"""Tab « Offre et demande » of the parc dashboard (document cadre, part IV.1.b, transparence sur
l'offre disponible): what is available at a date, what re-lets fast and what stays vacant, what
is asked for and how hard it is to get.

The offer and the re-letting are those of the residences of the selected territory; the demand
is that of its commune (the demand extract knows communes, not quartiers nor residences).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from services.offer import rent_band_labels
from ui import cache
from ui.exports import csv_button
from ui.fmt import fmt_date, fmt_int, fmt_number
from ui.offer_charts import demand_bars, offer_bars, relet_bars
from ui.parc_data import demand_commune, residences_of
from ui.parc_selection import ParcSelection
from ui.tables import chart_block, export_frame, show_table

TYPOLOGIES = ("T1", "T2", "T3", "T4", "T5+")
COUNT = (0, "")


def _place_column(sel: ParcSelection) -> tuple[str, str] | None:
    """The geographic breakdown of the territory: communes of the EPCI or Poitiers' quartiers."""
    if sel.level == "epci":
        return "commune_code", "Commune"
    inside = residences_of(cache.residences(), sel.level, sel.code)
    if sel.level == "commune" and inside["quartier_code"].notna().any():
        return "quartier_code", "Quartier"
    return None


def _labels(column: str, codes: pd.Series) -> list[str]:
    if column == "commune_code":
        names = cache.territory_names("commune")
    elif column == "quartier_code":
        names = cache.territory_names("quartier")
    else:
        return [str(c) for c in codes]
    return [names.get(str(c), str(c)) for c in codes]


def offer_tab(sel: ParcSelection, is_demo: bool) -> None:
    """Available offer, time to re-let and demand (see the module docstring)."""
    _available(sel, is_demo)
    _relet(sel, is_demo)
    _demand(sel, is_demo)


def _available(sel: ParcSelection, is_demo: bool) -> None:
    st.markdown("#### Logements disponibles à la location")
    as_of = cache.vacancy_extract_date()
    default = min(dt.date(sel.year, 12, 31), as_of)
    pick, summary = st.columns([1, 3])
    with pick:
        day = st.date_input(
            "Offre disponible au",
            value=default,
            max_value=as_of,
            format="DD/MM/YYYY",
            key=f"parc_offer_day_{sel.year}",
        )
    total = cache.offer_table(sel.level, sel.code, day, ())
    n_vacant = float(total["n_vacant"].sum()) if len(total) else 0.0
    n_long = float(total["n_vacant_long"].sum()) if len(total) else 0.0
    with summary:
        st.markdown(
            f"Au {fmt_date(day)} : **{fmt_int(n_vacant)} logements** vacants proposés à la "
            f"location, dont **{fmt_int(n_long)}** depuis plus de 3 mois "
            "(vacance pour travaux exclue)."
        )
    if n_vacant == 0:
        st.info(
            "Aucun logement disponible à cette date dans ce territoire.", icon=":material/info:"
        )
        return
    left, right = st.columns(2, gap="medium")
    bands = rent_band_labels(cache.stock_rules().rent_band_edges_eur_month)
    with left:
        _offer_chart(sel, day, "typology", "Typologie", list(TYPOLOGIES), is_demo, horizontal=False)
    with right:
        _offer_chart(sel, day, "rent_band", "Loyer hors charges", bands, is_demo)
    place = _place_column(sel)
    if place is not None:
        _offer_chart(sel, day, place[0], place[1], None, is_demo)


def _offer_chart(
    sel: ParcSelection,
    day: dt.date,
    column: str,
    label: str,
    order: list[str] | None,
    is_demo: bool,
    horizontal: bool = True,
) -> None:
    frame = cache.offer_table(sel.level, sel.code, day, (column,))
    frame = frame.assign(**{column: frame[column].astype(str)})
    if order is not None:
        frame = frame.set_index(column).reindex(order).reset_index()
    else:
        frame = frame.sort_values("n_vacant", ascending=False)
    labels = _labels(column, frame[column]) if order is None else list(frame[column])
    counts = frame[["n_vacant", "n_vacant_long"]].fillna(0)
    table = pd.DataFrame(
        {
            label: labels,
            "Logements disponibles": counts["n_vacant"].to_numpy(),
            "dont plus de 3 mois": counts["n_vacant_long"].to_numpy(),
            "Ancienneté médiane de la vacance": frame["median_vacant_days"].to_numpy(),
        }
    )
    title = f"Logements disponibles par {label.lower()} au {fmt_date(day)}"
    chart_block(
        offer_bars(
            labels,
            counts["n_vacant"] - counts["n_vacant_long"],
            counts["n_vacant_long"],
            title,
            horizontal=horizontal,
        ),
        table,
        {
            "Logements disponibles": COUNT,
            "dont plus de 3 mois": COUNT,
            "Ancienneté médiane de la vacance": (0, "j"),
        },
        file_stem=f"offre_{column}_{sel.code}_{day.isoformat()}",
        key=f"parc_offer_{column}",
        is_demo=is_demo,
    )


def _relet(sel: ParcSelection, is_demo: bool) -> None:
    st.markdown(
        f"#### Ce qui se reloue vite, ce qui reste vacant : logements libérés en {sel.year}"
    )
    choices = {"typology": "Typologie", "rent_band": "Loyer hors charges"}
    place = _place_column(sel)
    if place is not None:
        choices[place[0]] = place[1]
    by = st.segmented_control(
        "Regrouper par",
        list(choices),
        format_func=choices.get,
        default="typology",
        required=True,
        key="parc_relet_by",
    )
    frame = cache.relet_table(sel.level, sel.code, sel.year, (by,))
    if frame.empty:
        st.info(f"Aucun logement libéré en {sel.year} dans ce territoire.", icon=":material/info:")
        return
    frame = frame.assign(**{by: frame[by].astype(str)})
    if by == "typology":
        frame = frame.set_index(by).reindex(TYPOLOGIES).dropna(how="all").reset_index()
    elif by != "rent_band":
        frame = frame.sort_values("median_days", ascending=False)
    labels = _labels(by, frame[by]) if by not in ("typology", "rent_band") else list(frame[by])
    table = pd.DataFrame(
        {
            choices[by]: labels,
            "Logements libérés": frame["n_periods"].to_numpy(dtype=float),
            "Reloués": frame["n_relet"].to_numpy(dtype=float),
            "Encore vacants": frame["n_still_vacant"].to_numpy(dtype=float),
            "1er quartile": frame["q1_days"].to_numpy(),
            "Délai médian": frame["median_days"].to_numpy(),
            "3e quartile": frame["q3_days"].to_numpy(),
            "Encore vacants après 3 mois": frame["long_vacancy_pct"].to_numpy(),
        }
    )
    formats = {
        "Logements libérés": COUNT,
        "Reloués": COUNT,
        "Encore vacants": COUNT,
        "1er quartile": (0, "j"),
        "Délai médian": (0, "j"),
        "3e quartile": (0, "j"),
        "Encore vacants après 3 mois": (0, "%"),
    }
    chart_block(
        relet_bars(frame, labels, f"Délai de relocation par {choices[by].lower()} ({sel.year})"),
        table,
        formats,
        file_stem=f"relocation_{by}_{sel.code}_{sel.year}",
        key="parc_relet",
        is_demo=is_demo,
        caption="Délai entre le départ du locataire et le bail suivant (vacance pour travaux "
        "exclue). Les logements encore vacants à la date du fichier comptent (estimation de "
        "Kaplan-Meier) : « — » signifie que plus de la moitié (ou du quart) n'est pas relouée.",
    )


def _demand(sel: ParcSelection, is_demo: bool) -> None:
    commune = demand_commune(sel.level, sel.code, cache.residences())
    extract = cache.parc_tables()["demands"]["extract_date"].max()
    where = (
        "du Grand Poitiers"
        if commune is None
        else (f"de {cache.territory_names('commune').get(commune, commune)}")
    )
    st.markdown(f"#### Demande active {where} au {fmt_date(extract)}")
    rules = cache.stock_rules()
    total = cache.pressure_table(commune, ())
    if total.empty or not total["n_demands"].sum():
        st.info(
            "Aucune demande active dans l'extraction pour ce territoire.", icon=":material/info:"
        )
        return
    row = total.iloc[0]
    cells = st.columns(4)
    cells[0].metric(
        "Demandes actives",
        fmt_int(row["n_demands"]),
        border=True,
        help="Demandes dont le premier choix de commune est dans le territoire.",
    )
    cells[1].metric(
        "dont mutations",
        fmt_number(row["mutation_pct"], 1, "%"),
        border=True,
        help="Demandeurs déjà locataires du parc social.",
    )
    cells[2].metric(
        f"Plus de {rules.abnormal_delay_months} mois",
        f"{fmt_int(row['n_abnormally_long'])} ({fmt_number(row['abnormally_long_pct'], 1, '%')})",
        border=True,
        help=rules.abnormal_delay_label + ".",
    )
    cells[3].metric(
        "Demandes par attribution",
        fmt_number(row["pressure_ratio"], 1),
        border=True,
        help=f"Demandes actives / attributions des {rules.pressure_window_months} "
        "derniers mois (pression).",
    )
    by_type = cache.pressure_table(commune, ("typology",))
    by_type = by_type.set_index("typology").reindex(TYPOLOGIES).reset_index()
    table = _demand_table(by_type, "Typologie", by_type["typology"].tolist(), rules)
    chart_block(
        demand_bars(
            by_type["typology"].tolist(),
            by_type["n_demands"].fillna(0),
            by_type["n_attributions"].fillna(0),
            by_type["pressure_ratio"],
            "Demandes actives et attributions par typologie",
        ),
        table,
        _demand_formats(rules),
        file_stem=f"demande_typologie_{commune or 'epci'}",
        key="parc_demand",
        is_demo=is_demo,
        caption=f"Pression : demandes actives par attribution des {rules.pressure_window_months} "
        f"derniers mois. {rules.abnormal_delay_label}.",
    )
    if commune is None:
        by_commune = cache.pressure_table(None, ("commune_code",))
        by_commune = by_commune.sort_values("n_demands", ascending=False)
        names = _labels("commune_code", by_commune["commune_code"])
        table = _demand_table(by_commune, "Commune (1er choix)", names, rules)
        st.markdown("**Demande par commune demandée en premier**")
        show_table(table, _demand_formats(rules), key="parc_demand_communes", height=360)
        csv_button(
            export_frame(table, _demand_formats(rules)),
            "demande_par_commune",
            key="parc_demand_communes_csv",
            is_demo=is_demo,
        )


def _demand_headers(rules) -> dict[str, str]:
    """Column → French header of the demand tables (delays read from the configuration)."""
    return {
        "n_demands": "Demandes",
        "mutation_pct": "Mutations",
        "n_abnormally_long": f"> {rules.abnormal_delay_months} mois",
        "abnormally_long_pct": f"Part > {rules.abnormal_delay_months} mois",
        "n_attributions": f"Attributions {rules.pressure_window_months} mois",
        "pressure_ratio": "Pression",
    }


def _demand_formats(rules) -> dict[str, tuple[int, str]]:
    units = {"mutation_pct": (1, "%"), "abnormally_long_pct": (1, "%"), "pressure_ratio": (1, "")}
    return {header: units.get(c, COUNT) for c, header in _demand_headers(rules).items()}


def _demand_table(frame: pd.DataFrame, label: str, labels: list[str], rules) -> pd.DataFrame:
    headers = _demand_headers(rules)
    return pd.DataFrame(
        {label: labels, **{h: frame[c].to_numpy(dtype=float) for c, h in headers.items()}}
    )
