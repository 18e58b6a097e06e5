"""The method choices of a cotation working session, without Streamlit.

A working group may change four method choices of the profile during a meeting: the treatment
of extreme values, the normalisation of the indicators, their aggregation within a pillar and
the way classes are cut. This module gives the choices a working group may make for a profile,
with French labels; writes those that differ from the profile as a short text for a shareable
link (``extremes:none,classes:natural_breaks``) and reads it back with French errors; gives a
hashable key of the method for the caches and French sentences saying what was changed.

The values of the text are the engine's codes (those of the profile files), the names are French:
``extremes`` (:data:`scoring.TREATMENTS`), ``normalisation`` (:data:`scoring.NORMALISATIONS`),
``agregation`` (:data:`scoring.AGGREGATIONS`) and ``classes`` (:data:`scoring.CLASS_METHODS`:
``thresholds``, ``quantiles``, ``natural_breaks``).
"""

from __future__ import annotations

from dataclasses import dataclass

from scoring import (
    AGGREGATIONS,
    CLASS_METHODS,
    NORMALISATIONS,
    TREATMENTS,
    IndexSpec,
    SpecError,
)

# Name in a shared link → field of scoring.Method, in the order of the panel (and of the
# calculation: extreme values are treated before the normalisation).
METHOD_CHOICES: dict[str, str] = {
    "extremes": "treatment",
    "normalisation": "normalisation",
    "agregation": "aggregation",
    "classes": "class_method",
}
_LABELS: dict[str, dict[str, str]] = {
    "treatment": TREATMENTS,
    "normalisation": NORMALISATIONS,
    "aggregation": AGGREGATIONS,
    "class_method": CLASS_METHODS,
}
# Short French labels for a narrow sidebar: each is the start of the engine's label.
SHORT_LABELS: dict[str, dict[str, str]] = {
    "treatment": {"winsorise": "Valeurs extrêmes traitées", "none": "Aucun traitement"},
    "normalisation": {
        "minmax": "Min–max",
        "rank": "Rang centile",
        "zscore": "Score z",
        "goalposts": "Bornes fixes",
    },
    "aggregation": {"arithmetic": "Moyenne arithmétique", "geometric": "Moyenne géométrique"},
    "class_method": {
        "thresholds": "Seuils fixes",
        "quantiles": "Quintiles",
        "natural_breaks": "Seuils naturels",
    },
}
_NAMES: dict[str, str] = {
    "treatment": "valeurs extrêmes",
    "normalisation": "normalisation",
    "aggregation": "agrégation dans un pilier",
    "class_method": "classes",
}


@dataclass(frozen=True)
class MethodOverrides:
    """Method choices that differ from a profile, as read from a shared link.

    Attributes
    ----------
    changes : dict of str to str
        New value by field of :class:`scoring.Method` (``treatment``, ``normalisation``,
        ``aggregation``, ``class_method``); fields not named keep the profile's.
    problems : list of str
        French description of every part of the text that was ignored.
    """

    changes: dict[str, str]
    problems: list[str]


def method_options(base: IndexSpec) -> dict[str, list[str]]:
    """The values a working group may choose for each method field of ``base``.

    Parameters
    ----------
    base : IndexSpec
        The profile.

    Returns
    -------
    dict of str to list of str
        By field (``treatment``, ``normalisation``, ``aggregation``, ``class_method``), the
        engine's codes in catalogue order, keeping only those that give a valid spec (e.g.
        ``goalposts`` only when every indicator has fixed bounds).
    """
    options: dict[str, list[str]] = {}
    for field, labels in _LABELS.items():
        options[field] = [code for code in labels if _is_valid(base, field, code)]
    return options


def _is_valid(base: IndexSpec, field: str, code: str) -> bool:
    try:
        base.with_method(**{field: code})
    except SpecError:
        return False
    return True


def method_label(field: str, code: str, spec: IndexSpec) -> str:
    """Short French label of the value ``code`` of the method field ``field``.

    The start of the engine's label (:data:`scoring.NORMALISATIONS`,
    :data:`scoring.AGGREGATIONS`, :data:`scoring.CLASS_METHODS`), the whole of it for a value
    without a short label; fixed thresholds name those of ``spec``
    (``Seuils fixes 80 / 65 / 50 / 35``).
    """
    label = SHORT_LABELS[field].get(code) or _LABELS[field].get(code, code)
    if field == "class_method" and code == "thresholds":
        label += " " + " / ".join(_num(t) for t in spec.method.thresholds)
    return label


def format_method_overrides(spec: IndexSpec, base: IndexSpec) -> str:
    """The method choices of ``spec`` that differ from ``base``, as ``nom:valeur`` pairs.

    In the order of :data:`METHOD_CHOICES`, e.g. ``"extremes:none,classes:quantiles"``.
    Empty when ``spec`` has ``base``'s method.
    """
    return ",".join(
        f"{name}:{getattr(spec.method, field)}"
        for name, field in METHOD_CHOICES.items()
        if getattr(spec.method, field) != getattr(base.method, field)
    )


def parse_method_overrides(text: str | None, base: IndexSpec) -> MethodOverrides:
    """Read ``nom:valeur`` pairs written by :func:`format_method_overrides`.

    Unknown names, unknown values and values that would make an invalid spec are ignored and
    reported in ``problems`` (a shared link never breaks the page): those choices stay the
    profile's.

    Parameters
    ----------
    text : str or None
        E.g. ``"extremes:none,normalisation:rank,classes:natural_breaks"``.
    base : IndexSpec
        The profile the choices apply to.
    """
    changes: dict[str, str] = {}
    problems: list[str] = []
    options = method_options(base)
    for part in (text or "").split(","):
        part = part.strip()
        if not part:
            continue
        name, _, value = (s.strip() for s in part.partition(":"))
        field = METHOD_CHOICES.get(name)
        if field is None:
            problems.append(
                f"« {name} » : réglage de méthode inconnu ; le lien peut régler "
                + ", ".join(
                    n if n == _NAMES[f] else f"{n} ({_NAMES[f]})" for n, f in METHOD_CHOICES.items()
                )
                + "."
            )
        elif not value:
            problems.append(
                f"« {part} » : valeur manquante, attendu nom:valeur (par exemple "
                "classes:quantiles)."
            )
        elif value not in options[field]:
            problems.append(
                f"{_NAMES[field]} : valeur « {value} » inconnue ou impossible pour ce profil, "
                "choix possibles : "
                + ", ".join(f"« {method_label(field, code, base)} »" for code in options[field])
                + " ; celle du profil est gardée "
                + f"(« {method_label(field, getattr(base.method, field), base)} »)."
            )
        else:
            changes[field] = value
    return MethodOverrides(changes, problems)


def method_changes(spec: IndexSpec, base: IndexSpec) -> list[str]:
    """French sentences naming each method choice of ``spec`` that differs from ``base``.

    E.g. ``"classes : quintiles au lieu de seuils fixes 80 / 65 / 50 / 35"``; empty when the
    methods are the same.
    """
    out = []
    for field in METHOD_CHOICES.values():
        value, profile_value = getattr(spec.method, field), getattr(base.method, field)
        if value != profile_value:
            now = _lower_first(method_label(field, value, spec))
            was = _lower_first(method_label(field, profile_value, base))
            out.append(f"{_NAMES[field]} : {now} au lieu de {was}")
    return out


def method_key(spec: IndexSpec) -> tuple[str, ...]:
    """The method choices of ``spec`` a working group may change, as a hashable tuple."""
    return tuple(getattr(spec.method, field) for field in METHOD_CHOICES.values())


def with_method_key(spec: IndexSpec, key: tuple[str, ...]) -> IndexSpec:
    """Inverse of :func:`method_key`: ``spec`` with the method choices of ``key``."""
    fields = tuple(METHOD_CHOICES.values())
    if len(key) != len(fields):
        raise ValueError(
            f"méthode : attendu {len(fields)} valeurs ({', '.join(fields)}), reçu {len(key)}."
        )
    return spec.with_method(**dict(zip(fields, key, strict=True)))


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _num(value: float) -> str:
    return f"{value:g}".replace(".", ",")
