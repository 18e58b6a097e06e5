"""Weight profiles (``config/profiles/<name>.toml``): loading and validation.

A profile is an immutable spec of the cotation agreed by a working group: who wrote it, when and
why, the pillar weights, the indicator weights and the method choices. It is applied on top of
the catalogue: an indicator or pillar the profile does not name keeps the catalogue's default
weight, a method choice it does not name keeps :data:`PROFILE_METHOD_DEFAULTS` (extreme values
treated) or else :class:`~scoring.method.Method`'s default. File format::

    [profile]
    name = "reference"            # must match the file name
    label = "Profil de référence"
    author = "Service habitat de Grand Poitiers"
    date = 2024-06-01
    comment = "Pourquoi ce profil"

    [method]                      # every key optional, defaults of scoring.spec.Method
    normalisation = "minmax"      # minmax | rank | zscore | goalposts
    aggregation = "arithmetic"    # arithmetic | geometric
    min_coverage = 0.7
    class_method = "thresholds"   # thresholds | quantiles | natural_breaks
    thresholds = [80, 65, 50, 35]
    treatment = "winsorise"       # winsorise (default of a profile) | none
    winsor_max = 5                # at most 5 values winsorised per indicator, then log
    skew_threshold = 2.0          # treated when |skewness| > 2 …
    kurtosis_threshold = 3.5      # … and kurtosis > 3.5

    [pillar_weights]
    patrimoine = 30

    [indicator_weights]
    dpe_rank = 2
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Mapping

from config import load_toml
from scoring.catalogue import load_catalogue
from scoring.spec import IndexSpec, Method, SpecError

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
_SECTIONS = ("profile", "method", "pillar_weights", "indicator_weights")
_REQUIRED_META = ("name", "author", "date", "comment")
_OPTIONAL_META = ("label",)
_METHOD_FIELDS = {f.name for f in dataclasses.fields(Method)}
# A profile treats extreme values unless it says otherwise (the engine's Method does not).
PROFILE_METHOD_DEFAULTS: dict[str, object] = {"treatment": "winsorise"}
_FLOAT_FIELDS = ("min_coverage", "zscore_span", "skew_threshold", "kurtosis_threshold")


def _number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _meta_problems(meta: object, expected_name: str | None) -> tuple[dict, list[str]]:
    if not isinstance(meta, Mapping):
        return {}, ["section [profile] manquante (nom, auteur, date, commentaire)."]
    problems = []
    out: dict[str, str] = {}
    for key in _REQUIRED_META:
        value = meta.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            label = {"name": "nom", "author": "auteur", "date": "date", "comment": "commentaire"}
            problems.append(f"[profile] : {label[key]} manquant (clé « {key} »).")
            continue
        if key == "date":
            if isinstance(value, dt.datetime):
                value = value.date()
            if isinstance(value, dt.date):
                out[key] = value.isoformat()
                continue
            try:
                out[key] = dt.date.fromisoformat(str(value)).isoformat()
            except ValueError:
                problems.append(f"[profile] : date « {value} » invalide, attendu AAAA-MM-JJ.")
            continue
        if not isinstance(value, str):
            problems.append(f"[profile] : « {key} » invalide, attendu un texte.")
            continue
        out[key] = value.strip()
    for key in meta:
        if key not in _REQUIRED_META and key not in _OPTIONAL_META:
            problems.append(f"[profile] : clé « {key} » inconnue.")
    label = meta.get("label", "")
    out["label"] = label if isinstance(label, str) else ""
    name = out.get("name")
    if name is not None and not _NAME.match(name):
        problems.append(
            f"[profile] : nom « {name} » invalide, attendu lettres, chiffres, « - » ou « _ »."
        )
    if name is not None and expected_name is not None and name != expected_name:
        problems.append(
            f"[profile] : le nom « {name} » ne correspond pas au fichier « {expected_name}.toml »."
        )
    return out, problems


def _weights(section: object, known: tuple[str, ...], what: str, table: str) -> tuple[dict, list]:
    if section is None:
        return {}, []
    if not isinstance(section, Mapping):
        return {}, [f"[{table}] : attendu une table « code = poids »."]
    problems = []
    weights = {}
    for code, value in section.items():
        if code not in known:
            problems.append(f"[{table}] : {what} « {code} » inconnu du catalogue.")
        elif not _number(value):
            problems.append(
                f"[{table}] : poids « {value} » de « {code} » invalide, attendu un nombre."
            )
        else:
            weights[code] = float(value)
    return weights, problems


def _method(section: object) -> tuple[dict, list[str]]:
    if section is None:
        return {}, []
    if not isinstance(section, Mapping):
        return {}, ["[method] : attendu une table de réglages."]
    problems = []
    changes: dict[str, object] = {}
    for key, value in section.items():
        if key not in _METHOD_FIELDS:
            expected = ", ".join(sorted(_METHOD_FIELDS))
            problems.append(f"[method] : réglage « {key} » inconnu (attendu : {expected}).")
            continue
        if key == "thresholds" and isinstance(value, list):
            value = tuple(float(v) if _number(v) else v for v in value)
        elif key in _FLOAT_FIELDS and _number(value):
            value = float(value)
        changes[key] = value
    return changes, problems


def parse_profile(
    data: Mapping, catalogue: IndexSpec, expected_name: str | None = None
) -> IndexSpec:
    """Apply the content of a profile file to the catalogue and validate the result.

    Parameters
    ----------
    data : mapping
        The parsed TOML of the profile.
    catalogue : IndexSpec
        The catalogue (see :func:`scoring.catalogue.load_catalogue`).
    expected_name : str, optional
        The file name without ``.toml``; ``[profile] name`` must match it.

    Returns
    -------
    IndexSpec
        The validated spec of the profile.

    Raises
    ------
    SpecError
        Listing every problem in French (missing author/date/comment, unknown pillar or
        indicator, negative weight, invalid method…).
    """
    context = f"profil « {expected_name or data.get('profile', {}).get('name', '?')} »"
    problems = [
        f"section « {key} » inconnue (attendu : {', '.join(_SECTIONS)})."
        for key in data
        if key not in _SECTIONS
    ]
    meta, found = _meta_problems(data.get("profile"), expected_name)
    problems += found
    pillar_w, found = _weights(
        data.get("pillar_weights"), catalogue.pillar_codes, "pilier", "pillar_weights"
    )
    problems += found
    indicator_w, found = _weights(
        data.get("indicator_weights"), catalogue.codes, "indicateur", "indicator_weights"
    )
    problems += found
    method_changes, found = _method(data.get("method"))
    problems += found
    if problems:
        raise SpecError(problems, context)
    try:
        method = dataclasses.replace(
            catalogue.method, **{**PROFILE_METHOD_DEFAULTS, **method_changes}
        )
        pillars = tuple(
            dataclasses.replace(p, weight=pillar_w.get(p.code, p.weight)) for p in catalogue.pillars
        )
        indicators = tuple(
            dataclasses.replace(i, weight=indicator_w.get(i.code, i.weight))
            for i in catalogue.indicators
        )
        return IndexSpec(
            name=meta["name"],
            label=meta.get("label") or meta["name"],
            author=meta["author"],
            date=meta["date"],
            comment=meta["comment"],
            pillars=pillars,
            indicators=indicators,
            method=method,
        )
    except SpecError as exc:
        raise SpecError(exc.problems, context) from None


def load_profile(name: str) -> IndexSpec:
    """Return the validated spec of ``config/profiles/<name>.toml``.

    Parameters
    ----------
    name : str
        Profile name, e.g. ``"reference"``.

    Returns
    -------
    IndexSpec
        The catalogue with the profile's weights and method applied.

    Raises
    ------
    SpecError
        When the name, the catalogue or the profile is invalid (French message).
    config.ConfigError
        When the file is missing or is not valid TOML.
    """
    if not isinstance(name, str) or not _NAME.match(name):
        raise SpecError(
            f"nom de profil « {name} » invalide, attendu lettres, chiffres, « - » ou « _ »."
        )
    return parse_profile(load_toml(f"profiles/{name}.toml"), load_catalogue(), expected_name=name)
