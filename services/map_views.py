"""The content of each map of the dashboard, for a static snapshot of the view the user sees.

One builder per map (territory, SRU, cotation, peer groups) and two for the fiches (locator map,
residences of a territory). Each takes the same choices as the interactive map (level,
indicator, year, classes, residence layer, extent) and the same classes and colours
(:mod:`services.map_style`), and returns a :class:`services.map_content.MapContent`. Occupancy
figures follow the export rules (:mod:`services.export_rules`) whoever asks.
"""

from __future__ import annotations

from collections.abc import Mapping

import geopandas as gpd
import pandas as pd

from geodata.communes import POITIERS_CODE
from services.classify import METHODS, classify_values
from services.disclosure.summary import export_note
from services.export_data import ExportData
from services.export_rules import EXPORT_ACCESS
from services.map_content import (
    MapContent,
    MapLabel,
    bounds_to_extent,
    frame_extent,
    polygon_labels,
    source_line,
)
from services.map_indicators import MAP_INDICATORS, available_years, map_values
from services.map_style import (
    AreaStyle,
    LegendEntry,
    PointStyle,
    class_point_style,
    group_point_style,
    indicator_style,
    residence_point_style,
    sru_style,
)

LEVEL_NAMES = {"commune": "communes", "quartier": "quartiers de Poitiers"}
BASE_FILL = "#f2f2f2"
HIGHLIGHT_FILL = "#d7301f"


def _areas(data: ExportData, level: str, style: AreaStyle | None) -> gpd.GeoDataFrame:
    if level == "commune":
        frame = data.communes_l93.rename(columns={"commune_code": "code", "commune_name": "name"})
    else:
        frame = data.quartiers_l93.rename(
            columns={"quartier_code": "code", "quartier_name": "name"}
        )
    frame = frame[["code", "name", "geometry"]].copy()
    if style is None:
        frame["fill"] = BASE_FILL
        frame["is_masked"] = False
    else:
        frame["fill"] = style.fill.reindex(frame["code"]).fillna(BASE_FILL).to_numpy()
        frame["is_masked"] = style.is_masked.reindex(frame["code"]).fillna(False).to_numpy()
    return frame


def _points(data: ExportData, style: PointStyle | None) -> gpd.GeoDataFrame | None:
    if style is None:
        return None
    points = data.residences_l93.reindex(style.color.index)
    frame = gpd.GeoDataFrame(
        {"color": style.color.to_numpy(), "radius": style.radius.reindex(style.color.index)},
        geometry=points.geometry.to_numpy(),
        index=style.color.index,
        crs=points.crs,
    )
    return frame.sort_values("radius", kind="stable")  # the larger points on top


def _labels(data: ExportData, level: str, with_quartiers: bool) -> list[MapLabel]:
    communes = data.communes_l93
    labels = []
    if level == "commune":
        labels = polygon_labels(communes, "commune_name", communes["population"], "commune")
        if with_quartiers:  # Poitiers' name gives way to its quartiers
            poitiers = _poitiers_name(data)
            labels = [lab for lab in labels if lab.text != poitiers]
    if level == "quartier" or with_quartiers:
        stock = data.quartier_table["n_dwellings"].reindex(data.quartiers_l93["quartier_code"])
        weights = 1e9 + stock.fillna(0).to_numpy()  # quartier names first inside Poitiers
        labels += polygon_labels(data.quartiers_l93, "quartier_name", weights, "quartier")
    return labels


def _poitiers_name(data: ExportData) -> str:
    names = data.communes_l93.set_index("commune_code")["commune_name"]
    return str(names.get(POITIERS_CODE, ""))


def _extent(data: ExportData, bounds: object, default: gpd.GeoDataFrame | gpd.GeoSeries):
    return bounds_to_extent(bounds) or frame_extent(default)


def _quartier_outlines(data: ExportData) -> gpd.GeoSeries:
    return data.quartiers_l93.geometry


def territory_map(
    data: ExportData,
    level: str,
    indicator: str,
    year: int | None = None,
    method: str = "quantiles",
    *,
    show_quartiers: bool = True,
    residence_mode: str = "none",
    selected: str | None = None,
    bounds: object = None,
    n_classes: int = 5,
) -> MapContent:
    """The élus' territory map: communes or quartiers coloured by one indicator.

    Parameters
    ----------
    data : ExportData
        The data set.
    level : str
        ``commune`` or ``quartier``.
    indicator : str
        A key of :data:`services.map_indicators.MAP_INDICATORS` available at ``level``.
    year : int, optional
        Year of indicators with years (the latest by default).
    method : str, default "quantiles"
        ``quantiles`` or ``natural_breaks``.
    show_quartiers : bool, default True
        Draw Poitiers' quartier outlines over the communes.
    residence_mode : str, default "none"
        Residence points: ``none``, ``qpv``, ``class`` or ``flag``.
    selected : str, optional
        Territory outlined in red.
    bounds : optional
        The web map's bounds (see :func:`services.map_content.bounds_to_extent`); the whole
        territory when absent.
    n_classes : int, default 5
        Classes of the legend.

    Raises
    ------
    ValueError
        Unknown level, indicator, year or method (French message listing the valid ones).
    """
    if level not in LEVEL_NAMES:
        raise ValueError(f"échelle inconnue : « {level} » (attendu : {', '.join(LEVEL_NAMES)}).")
    check_indicator(data, level, indicator, year)
    if method not in METHODS:
        raise ValueError(
            f"méthode de classement inconnue : « {method} » (attendu : {', '.join(METHODS)})."
        )
    spec = MAP_INDICATORS[indicator]
    if spec.has_years and year is None:
        year = available_years(data.map_inputs, indicator)[-1]
    values = map_values(data.map_inputs, level, indicator, year, EXPORT_ACCESS)
    classes = classify_values(values["value"], method, n_classes)
    # Greys under residence points, as on the screen.
    style = indicator_style(values, classes, spec.decimals, spec.unit, residence_mode != "none")
    areas = _areas(data, level, style)
    with_quartiers = level == "commune" and show_quartiers
    points = residence_point_style(
        residence_mode, data.residences, data.public_scores["score_class"], data.flags
    )
    notes = [
        f"Classes : {classes.method_label}, {classes.n_classes} classes "
        "(nombre de territoires entre parenthèses)."
    ]
    if spec.is_occupancy:
        notes.append(export_note(data.masking_rules))
    when = f" — {year}" if year else ""
    highlight = areas.loc[areas["code"] == selected, "geometry"] if selected else None
    return MapContent(
        title=f"{spec.label} — {LEVEL_NAMES[level]}",
        subtitle=f"{spec.label} ({spec.unit}){when}. {spec.description}",
        areas=areas,
        area_legend_title=f"{spec.label} ({spec.unit})",
        area_legend=list(style.legend),
        extent=_extent(data, bounds, areas),
        source=source_line([spec.source], data.boundaries_version, data.schematic_quartiers),
        is_demo=data.is_demo,
        points=_points(data, points),
        point_legend_title=points.title if points else "",
        point_legend=list(points.legend) if points else [],
        quartier_outlines=_quartier_outlines(data) if with_quartiers else None,
        epci_outline=data.epci_l93,
        highlight=highlight if highlight is not None and len(highlight) else None,
        labels=_labels(data, level, with_quartiers),
        notes=notes,
        edition_date=data.today,
        file_stem=f"carte_{level}_{indicator}" + (f"_{year}" if year else ""),
    )


def check_indicator(data: ExportData, level: str, indicator: str, year: int | None) -> None:
    """Fail with a French message listing the valid choices when ``indicator`` or ``year`` is
    not available at ``level``."""
    valid = [c for c, i in MAP_INDICATORS.items() if level in i.levels]
    if indicator not in valid:
        raise ValueError(
            f"indicateur inconnu à l'échelle « {level} » : « {indicator} » "
            f"(attendu : {', '.join(valid)})."
        )
    years = available_years(data.map_inputs, indicator)
    if year is not None and year not in years:
        choices = ", ".join(map(str, years)) if years else "aucune : indicateur sans millésime"
        raise ValueError(
            f"année indisponible pour « {indicator} » : « {year} » (années : {choices})."
        )


def sru_map(
    data: ExportData,
    situation: pd.DataFrame,
    target_pct: float,
    year: int,
    bounds: object = None,
) -> MapContent:
    """The SRU map: communes coloured by their rate at the inventory of 1 January ``year``.

    Parameters
    ----------
    situation : pandas.DataFrame
        ``commune_code``, ``sru_rate_pct``, ``is_subject`` of that inventory.
    target_pct : float
        The SRU target.
    """
    style = sru_style(situation, target_pct)
    areas = _areas(data, "commune", style)
    return MapContent(
        title=f"Taux SRU des communes au 1er janvier {year}",
        subtitle=(
            f"Logements sociaux décomptés rapportés aux résidences principales (%), inventaire "
            f"SRU au 1er janvier {year} ; taux cible {target_pct:g} %."
        ),
        areas=areas,
        area_legend_title=f"Taux SRU au 1er janvier {year}",
        area_legend=list(style.legend),
        extent=_extent(data, bounds, areas),
        source=source_line(
            [f"inventaire SRU au 1er janvier {year}"],
            data.boundaries_version,
            data.schematic_quartiers,
        ),
        is_demo=data.is_demo,
        epci_outline=data.epci_l93,
        labels=_labels(data, "commune", False),
        notes=["Classes fixées autour du taux cible (nombre de communes entre parenthèses)."],
        edition_date=data.today,
        file_stem=f"carte_sru_{year}",
    )


def _base_areas(data: ExportData) -> gpd.GeoDataFrame:
    return _areas(data, "commune", None)


def _commune_extent(data: ExportData, commune: str | None, bounds: object):
    communes = data.communes_l93
    if commune is not None and commune in set(communes["commune_code"]):
        communes = communes[communes["commune_code"] == commune]
    return _extent(data, bounds, communes)


def cotation_map(
    data: ExportData,
    score_class: pd.Series,
    labels: Mapping[str, str] | None = None,
    *,
    profile_note: str = "",
    commune: str | None = None,
    bounds: object = None,
) -> MapContent:
    """The cotation map: every residence coloured by its class under the weights in force.

    Parameters
    ----------
    score_class : pandas.Series
        Class of each residence (index ``residence_id``) under the weights shown.
    labels : mapping, optional
        Legend label of each class code (e.g. « A — très attractive (note ≥ 71,3) »).
    profile_note : str
        Which weights (profile, changes made in session), printed in the subtitle.
    commune : str, optional
        Commune the map is fitted to when no ``bounds`` are given.
    """
    dwellings = data.residences.set_index("residence_id")["n_dwellings"]
    style = class_point_style(score_class, dwellings, dict(labels or {}))
    areas = _base_areas(data)
    return MapContent(
        title="Cotation des résidences sociales",
        subtitle=(
            "Classe d'attractivité de chaque résidence (A = très attractive … E = très peu "
            "attractive)" + (f" ; {profile_note}" if profile_note else "") + "."
        ),
        areas=areas,
        area_legend_title="",
        area_legend=[],
        extent=_commune_extent(data, commune, bounds),
        source=source_line(
            ["cotation des résidences (RPLS, PSP, OPS, BPE)"],
            data.boundaries_version,
            data.schematic_quartiers,
        ),
        is_demo=data.is_demo,
        points=_points(data, style),
        point_legend_title="Classe de cotation (nombre de résidences)",
        point_legend=list(style.legend),
        quartier_outlines=_quartier_outlines(data),
        epci_outline=data.epci_l93,
        labels=_labels(data, "commune", True),
        notes=["Taille du point : nombre de logements."],
        edition_date=data.today,
        file_stem="carte_cotation",
    )


def peer_map(
    data: ExportData,
    groups: pd.Series,
    selected: int,
    names: Mapping[int, str] | None = None,
    bounds: object = None,
) -> MapContent:
    """The peer-group map: every residence coloured by its group, the chosen group larger.

    Parameters
    ----------
    groups : pandas.Series
        Peer group of each residence (index ``residence_id``; NaN: no group).
    selected : int
        The chosen group (0-based).
    names : mapping, optional
        Name of each group.
    """
    style = group_point_style(groups, selected, dict(names or {}))
    areas = _base_areas(data)
    chosen = (names or {}).get(selected, "")
    return MapContent(
        title="Groupes de pairs des résidences sociales",
        subtitle=(
            f"Groupe choisi : {selected + 1}" + (f" · {chosen}" if chosen else "") + " (points "
            "agrandis). Groupes formés sur la structure et le contexte des résidences, jamais "
            "sur leur occupation."
        ),
        areas=areas,
        area_legend_title="",
        area_legend=[],
        extent=_extent(data, bounds, areas),
        source=source_line(
            ["groupes de pairs (RPLS, PSP, BPE)"], data.boundaries_version, data.schematic_quartiers
        ),
        is_demo=data.is_demo,
        points=_points(data, style),
        point_legend_title="Groupes de pairs (nombre de résidences)",
        point_legend=list(style.legend),
        quartier_outlines=_quartier_outlines(data),
        epci_outline=data.epci_l93,
        labels=_labels(data, "commune", True),
        notes=["Couleurs Okabe-Ito, lisibles par les daltoniens."],
        edition_date=data.today,
        file_stem=f"carte_groupes_de_pairs_{selected + 1}",
    )


def locator_map(data: ExportData, level: str, code: str) -> MapContent:
    """The fiche's locator map: the EPCI with the territory in red (Poitiers' quartiers for a
    quartier); the whole EPCI for the EPCI itself."""
    areas = _base_areas(data)
    if level == "commune":
        areas.loc[areas["code"] == code, "fill"] = HIGHLIGHT_FILL
    outlines = None
    if level == "quartier":
        quartiers = _areas(data, "quartier", None)
        quartiers.loc[quartiers["code"] == code, "fill"] = HIGHLIGHT_FILL
        areas = pd.concat([areas[areas["code"] != POITIERS_CODE], quartiers], ignore_index=True)
        areas = gpd.GeoDataFrame(areas, geometry="geometry", crs=data.communes_l93.crs)
        outlines = _quartier_outlines(data)
    return MapContent(
        title="",
        subtitle="",
        areas=areas,
        area_legend_title="",
        area_legend=[],
        extent=frame_extent(data.epci_l93, 0.02),
        source="",
        is_demo=data.is_demo,
        quartier_outlines=outlines,
        epci_outline=data.epci_l93,
        edition_date=data.today,
        file_stem=f"situation_{code}",
    )


def residences_map(data: ExportData, level: str, code: str | None) -> MapContent:
    """The fiche's map of the residences of a territory, coloured by cotation class.

    Parameters
    ----------
    level : str
        ``epci``, ``commune`` or ``quartier``.
    code : str or None
        The territory (ignored for the EPCI).
    """
    areas = _base_areas(data)
    residences = data.residences
    if level == "epci":
        focus = data.epci_l93
        labels = _labels(data, "commune", False)
    elif level == "commune":
        focus = areas[areas["code"] == code].geometry
        residences = residences[residences["commune_code"] == code]
        labels = _labels(data, "commune", code == POITIERS_CODE)
    else:
        quartiers = data.quartiers_l93
        focus = quartiers[quartiers["quartier_code"] == code].geometry
        residences = residences[residences["quartier_code"] == code]
        labels = _labels(data, "quartier", False)
    ids = residences["residence_id"].astype(str)
    score_class = data.public_scores["score_class"].astype(str).reindex(ids)
    style = class_point_style(score_class, residences.set_index("residence_id")["n_dwellings"])
    with_quartiers = level == "quartier" or (level == "commune" and code == POITIERS_CODE)
    highlight = focus if level != "epci" else None
    return MapContent(
        title="",
        subtitle="",
        areas=areas,
        area_legend_title="",
        area_legend=[],
        extent=frame_extent(focus, 0.08),
        source="",
        is_demo=data.is_demo,
        points=_points(data, style),
        point_legend_title="Classe de cotation",
        point_legend=[e for e in style.legend if e.count],
        quartier_outlines=_quartier_outlines(data) if with_quartiers else None,
        epci_outline=data.epci_l93,
        highlight=highlight,
        labels=labels,
        edition_date=data.today,
        file_stem=f"residences_{code or 'epci'}",
    )


def legend_with_counts(entries: list[LegendEntry]) -> list[str]:
    """Legend lines as printed on snapshots: label and count (``de 1 à 5 % (8)``)."""
    return [f"{e.label} ({e.count})" if e.count is not None else e.label for e in entries]
