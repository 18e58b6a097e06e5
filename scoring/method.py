"""The method choices of a cotation: what may be chosen, the defaults, and their validation.

A :class:`Method` gathers every choice of a profile that is not a weight: the normalisation of
the indicators, the treatment of their extreme values before it, the aggregation within a
pillar, the minimum coverage and the way classes A to E are cut. The engine's codes are the keys
of the dictionaries below, their values the French labels shown by the pages.

The engine's defaults change nothing silently: no treatment of extreme values, min–max, fixed
thresholds. Profiles (``config/profiles``) switch the treatment on by default (see
:mod:`scoring.profiles`).
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

NORMALISATIONS: dict[str, str] = {
    "minmax": "Min–max sur la population de référence (0 à 100)",
    "rank": "Rang centile dans la population de référence (0 à 100)",
    "zscore": "Score z ramené sur 0 à 100 (moyenne = 50)",
    "goalposts": "Bornes fixes du catalogue, valeurs écrêtées (0 à 100)",
}
AGGREGATIONS: dict[str, str] = {
    "arithmetic": "Moyenne arithmétique pondérée",
    "geometric": "Moyenne géométrique pondérée (calculée sur 1 à 100)",
}
CLASS_METHODS: dict[str, str] = {
    "thresholds": "Seuils fixes",
    "quantiles": "Quintiles de la population de référence",
    "natural_breaks": "Seuils naturels (Jenks–Fisher) des notes de la population de référence",
}
TREATMENTS: dict[str, str] = {
    "none": "Aucun traitement : valeurs brutes",
    "winsorise": "Valeurs extrêmes traitées : winsorisation, puis logarithme si elle ne suffit pas",
}
# What the catalogue may say of one indicator's treatment (key ``treatment``).
INDICATOR_TREATMENTS: dict[str, str] = {
    "goalposts": "bornes du catalogue, qui font foi (valeurs écrêtées)",
    "none": "jamais traité",
}
CLASSES: tuple[str, ...] = ("A", "B", "C", "D", "E")
NOT_RATED = "NC"
NOT_RATED_LABEL = "non cotée — données insuffisantes"
DEFAULT_THRESHOLDS: tuple[float, ...] = (80.0, 65.0, 50.0, 35.0)
# The usual rule of composite-indicator practice (JRC/OECD handbook, COINr): an indicator is
# treated when |skewness| > 2 and kurtosis > 3.5, by winsorising up to 5 values.
DEFAULT_WINSOR_MAX = 5
DEFAULT_SKEW_THRESHOLD = 2.0
DEFAULT_KURTOSIS_THRESHOLD = 3.5


def fmt_value(value: object) -> str:
    """A value as written in a French message: ``80`` rather than ``80.0``."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def is_number(value: object) -> bool:
    """Whether ``value`` is an int or a float (not a bool)."""
    return isinstance(value, int | float) and not isinstance(value, bool)


@dataclass(frozen=True)
class Method:
    """Method choices of a profile.

    Parameters
    ----------
    normalisation : str, default ``"minmax"``
        One of ``minmax``, ``rank``, ``zscore``, ``goalposts`` (see :data:`NORMALISATIONS`).
    aggregation : str, default ``"arithmetic"``
        Aggregation of the indicators within a pillar: ``arithmetic`` or ``geometric``.
    min_coverage : float, default 0.7
        Minimum share (0 to 1) of the weighted indicators that must be available for a residence
        to be rated; below it the residence is *non cotée*.
    class_method : str, default ``"thresholds"``
        ``thresholds`` (fixed thresholds), ``quantiles`` (quintiles of the reference
        population) or ``natural_breaks`` (Jenks–Fisher breaks of the reference scores).
    thresholds : tuple of float, default (80, 65, 50, 35)
        Lower bounds of classes A, B, C and D (E below the last one), for ``thresholds``.
    zscore_span : float, default 3.0
        For the ``zscore`` normalisation, the number of standard deviations mapped to each end of
        the 0–100 scale (50 ± 50 · z / span, clipped).
    treatment : str, default ``"none"``
        Treatment of extreme values before normalisation: ``none`` or ``winsorise`` (see
        :mod:`scoring.treatment`).
    winsor_max : int, default 5
        Largest number of values of one indicator that winsorisation may change.
    skew_threshold, kurtosis_threshold : float, default 2 and 3.5
        An indicator is treated when its |skewness| and its (excess) kurtosis both exceed them.
    """

    normalisation: str = "minmax"
    aggregation: str = "arithmetic"
    min_coverage: float = 0.7
    class_method: str = "thresholds"
    thresholds: tuple[float, ...] = DEFAULT_THRESHOLDS
    zscore_span: float = 3.0
    treatment: str = "none"
    winsor_max: int = DEFAULT_WINSOR_MAX
    skew_threshold: float = DEFAULT_SKEW_THRESHOLD
    kurtosis_threshold: float = DEFAULT_KURTOSIS_THRESHOLD

    @property
    def treatment_key(self) -> tuple:
        """What a fitted treatment depends on (nothing but ``none`` when it is off)."""
        if self.treatment == "none":
            return ("none",)
        return (
            self.treatment,
            int(self.winsor_max),
            float(self.skew_threshold),
            float(self.kurtosis_threshold),
        )


def _choice_problem(value: object, choices: dict[str, str], what: str) -> list[str]:
    """``what`` names the choice, gendered in French: « normalisation « {value} » inconnue »."""
    if value in choices:
        return []
    return [f"méthode : {what}, attendu l'une de : {', '.join(choices)}.".format(value=value)]


def method_problems(method: Method) -> list[str]:
    """Return the French list of problems of ``method`` (empty when it is valid)."""
    problems = _choice_problem(
        method.normalisation, NORMALISATIONS, "normalisation « {value} » inconnue"
    )
    problems += _choice_problem(method.aggregation, AGGREGATIONS, "agrégation « {value} » inconnue")
    problems += _choice_problem(
        method.class_method, CLASS_METHODS, "classement « {value} » inconnu"
    )
    problems += _choice_problem(
        method.treatment, TREATMENTS, "traitement des valeurs extrêmes « {value} » inconnu"
    )
    if not (is_number(method.min_coverage) and 0.0 <= method.min_coverage <= 1.0):
        problems.append(
            f"méthode : couverture minimale « {fmt_value(method.min_coverage)} » invalide, "
            "attendu une part entre 0 et 1 (par exemple 0.7 pour 70 %)."
        )
    problems += _threshold_problems(method.thresholds)
    if not (is_number(method.zscore_span) and method.zscore_span > 0):
        problems.append(
            f"méthode : amplitude du score z « {fmt_value(method.zscore_span)} » invalide, "
            "attendu un nombre strictement positif d'écarts types."
        )
    problems += _treatment_problems(method)
    return problems


def _threshold_problems(thresholds: object) -> list[str]:
    ok = (
        isinstance(thresholds, tuple)
        and len(thresholds) == len(CLASSES) - 1
        and all(is_number(t) and 0.0 < t < 100.0 for t in thresholds)
        and all(a > b for a, b in itertools.pairwise(thresholds))
    )
    if ok:
        return []
    shown = (
        ", ".join(fmt_value(t) for t in thresholds) if isinstance(thresholds, tuple) else thresholds
    )
    return [
        f"méthode : seuils de classes [{shown}] invalides, attendu 4 seuils strictement "
        "décroissants entre 0 et 100 (bas des classes A, B, C et D)."
    ]


def _treatment_problems(method: Method) -> list[str]:
    problems = []
    winsor_max = method.winsor_max
    if not (isinstance(winsor_max, int) and not isinstance(winsor_max, bool) and winsor_max >= 0):
        problems.append(
            f"méthode : nombre maximal de valeurs winsorisées « {fmt_value(winsor_max)} » "
            "invalide, attendu un entier positif ou nul (0 : logarithme directement)."
        )
    if not (is_number(method.skew_threshold) and method.skew_threshold > 0):
        problems.append(
            f"méthode : seuil d'asymétrie « {fmt_value(method.skew_threshold)} » invalide, "
            "attendu un nombre strictement positif (2 d'ordinaire)."
        )
    kurtosis = method.kurtosis_threshold
    if not (is_number(kurtosis) and math.isfinite(kurtosis)):
        problems.append(
            f"méthode : seuil d'aplatissement « {fmt_value(kurtosis)} » invalide, attendu un "
            "nombre (3,5 d'ordinaire)."
        )
    return problems
