"""The indicator catalogue (``config/indicators.toml``): parsing and validation.

The catalogue is the single source of truth for the indicators and pillars. It parses into an
:class:`~scoring.spec.IndexSpec` carrying the default weights and the default method; profiles
(:mod:`scoring.profiles`) start from it. It also carries the ordinal scales used to turn
categories (DPE label, PSP class) into numbers; a description that names one
(``[scales.psp_class]``) reads its values (:func:`config.scales.fill_scales`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from config import ConfigError, load_toml
from config.scales import fill_scales
from scoring.spec import IndexSpec, Indicator, Method, Pillar, SpecError

CATALOGUE_FILE = "indicators.toml"
CATALOGUE_NAME = "catalogue"

_PILLAR_FIELDS = {"code": str, "label": str, "description": str, "weight": float}
_INDICATOR_FIELDS = {
    "code": str,
    "label": str,
    "description": str,
    "pillar": str,
    "unit": str,
    "direction": int,
    "source": str,
    "weight": float,
}
_OPTIONAL_INDICATOR_FIELDS = {"normalisation", "bounds", "treatment"}
_SECTIONS = {"catalogue", "pillars", "indicators", "scales"}


def _number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _check_fields(
    entry: object, required: dict[str, type], optional: set[str], what: str, position: int
) -> tuple[dict, list[str]]:
    if not isinstance(entry, Mapping):
        return {}, [f"{what} n° {position} : attendu une table TOML."]
    code = entry.get("code")
    name = f"{what} « {code} »" if isinstance(code, str) and code else f"{what} n° {position}"
    problems = []
    for key, kind in required.items():
        if key not in entry:
            problems.append(f"{name} : champ « {key} » manquant.")
            continue
        value = entry[key]
        if kind is str and not isinstance(value, str):
            problems.append(f"{name} : champ « {key} » invalide, attendu un texte.")
        if kind in (int, float) and not _number(value):
            problems.append(f"{name} : champ « {key} » invalide (« {value} »), attendu un nombre.")
    for key in entry:
        if key not in required and key not in optional:
            problems.append(f"{name} : champ « {key} » inconnu.")
    return dict(entry), problems


def _bounds(value: object) -> tuple | object:
    if isinstance(value, list):
        return tuple(float(v) if _number(v) else v for v in value)
    return value


def parse_catalogue(data: Mapping) -> IndexSpec:
    """Build the catalogue spec from the content of ``indicators.toml``.

    Parameters
    ----------
    data : mapping
        The parsed TOML: ``[[pillars]]`` and ``[[indicators]]`` arrays, optional ``[catalogue]``
        and ``[scales]`` tables.

    Returns
    -------
    IndexSpec
        Named ``catalogue``, with the default weights and :class:`~scoring.spec.Method` defaults.

    Raises
    ------
    SpecError
        Listing every problem in French, each naming the offending code (unknown pillar,
        direction not ±1, negative weight, duplicate code, all weights of a pillar zero…).
    """
    problems: list[str] = []
    for key in data:
        if key not in _SECTIONS:
            problems.append(
                f"section « {key} » inconnue (attendu : {', '.join(sorted(_SECTIONS))})."
            )
    raw_pillars = data.get("pillars", [])
    raw_indicators = data.get("indicators", [])
    if not isinstance(raw_pillars, list) or not isinstance(raw_indicators, list):
        raise SpecError(
            "attendu des tableaux [[pillars]] et [[indicators]].", f"catalogue « {CATALOGUE_FILE} »"
        )
    pillars = []
    for n, entry in enumerate(raw_pillars, start=1):
        fields, found = _check_fields(entry, _PILLAR_FIELDS, set(), "pilier", n)
        problems += found
        if not found:
            pillars.append(
                Pillar(
                    code=fields["code"],
                    label=fields["label"],
                    description=fields["description"],
                    weight=float(fields["weight"]),
                )
            )
    indicators = []
    for n, entry in enumerate(raw_indicators, start=1):
        fields, found = _check_fields(
            entry, _INDICATOR_FIELDS, _OPTIONAL_INDICATOR_FIELDS, "indicateur", n
        )
        problems += found
        if not found:
            try:
                fields["description"] = fill_scales(
                    fields["description"], data, f"indicateur « {fields['code']} »"
                )
            except ConfigError as exc:
                problems.append(str(exc))
            direction = fields["direction"]
            indicators.append(
                Indicator(
                    code=fields["code"],
                    label=fields["label"],
                    description=fields["description"],
                    pillar=fields["pillar"],
                    unit=fields["unit"],
                    direction=int(direction) if float(direction).is_integer() else direction,
                    source=fields["source"],
                    weight=float(fields["weight"]),
                    normalisation=fields.get("normalisation"),
                    bounds=_bounds(fields.get("bounds")),  # type: ignore[arg-type]
                    treatment=fields.get("treatment"),
                )
            )
    problems += _scale_problems(data.get("scales", {}))
    if problems:
        raise SpecError(problems, f"catalogue « {CATALOGUE_FILE} »")
    try:
        return IndexSpec(
            name=CATALOGUE_NAME,
            label=str(data.get("catalogue", {}).get("title", "Catalogue des indicateurs")),
            pillars=tuple(pillars),
            indicators=tuple(indicators),
            method=Method(),
        )
    except SpecError as exc:
        raise SpecError(exc.problems, f"catalogue « {CATALOGUE_FILE} »") from None


def _scale_problems(scales: object) -> list[str]:
    if not isinstance(scales, Mapping):
        return ["section « scales » : attendu une table de barèmes."]
    problems = []
    for name, scale in scales.items():
        if not isinstance(scale, Mapping) or not scale:
            problems.append(f"barème « {name} » : attendu une table « catégorie = nombre ».")
            continue
        for category, value in scale.items():
            if not _number(value) or not math.isfinite(value):
                problems.append(
                    f"barème « {name} » : valeur « {value} » de « {category} » invalide, "
                    "attendu un nombre."
                )
    return problems


def load_catalogue() -> IndexSpec:
    """Read and validate ``config/indicators.toml``.

    Returns
    -------
    IndexSpec
        The catalogue with its default weights and the default method.

    Raises
    ------
    SpecError
        When the catalogue is invalid (French message naming the codes).
    config.ConfigError
        When the file is missing or is not valid TOML.
    """
    return parse_catalogue(load_toml(CATALOGUE_FILE))


def load_scales() -> dict[str, dict[str, float]]:
    """Return the ordinal scales of the catalogue (``[scales.<name>]``), validated.

    Returns
    -------
    dict
        ``{scale name: {category: value}}``, e.g. ``{"dpe_label": {"A": 1.0, ...}}``.
    """
    data = load_toml(CATALOGUE_FILE)
    scales = data.get("scales", {})
    problems = _scale_problems(scales)
    if problems:
        raise SpecError(problems, f"catalogue « {CATALOGUE_FILE} »")
    return {name: {str(k): float(v) for k, v in scale.items()} for name, scale in scales.items()}
