"""French wording of the rebalancing flags: numbers, reasons and recommendations.

Numbers follow the French conventions (decimal comma, narrow no-break space between thousands,
true minus sign); the reason of each flag quotes the residence's index, its reference median and
its robust gap, and the recommendation comes from ``[flags.texts]`` of ``config/peers.toml``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from scoring.flag_decision import FlagDecision
from scoring.flag_settings import FlagSettings

_MINUS = "\u2212"


def fr_number(value: float, decimals: int = 1) -> str:
    """Format a number the French way: ``1\u202f234,5``, ``−0,3``.

    Parameters
    ----------
    value : float
        The number.
    decimals : int, default 1
        Digits after the decimal comma.

    Returns
    -------
    str
        Decimal comma, narrow no-break space between thousands, true minus sign.
    """
    if -1000 < value < 1000:
        text = f"{value:.{decimals}f}"
    else:
        text = f"{value:,.{decimals}f}".replace(",", "\u202f")
    return text.replace(".", ",").replace("-", _MINUS)


def signed_number(value: float, decimals: int = 2) -> str:
    """Format a number with its sign, two decimals by default: ``+2,31``, ``−1,05``."""
    return ("+" if value >= 0 else "") + fr_number(value, decimals)


def with_unit(value: float, unit: str) -> str:
    """Format a value with its unit: percentages without decimals (``32 %``), else one decimal."""
    if unit == "%":
        return f"{fr_number(value, 0)} %"
    return f"{fr_number(value)} {unit}".rstrip()


def write_texts(
    d: FlagDecision,
    profile_recommendation: np.ndarray,
    group_name: np.ndarray,
    has_households: bool,
    s: FlagSettings,
) -> tuple[np.ndarray, np.ndarray]:
    """Write the French reason and recommendation of every row of a flag decision.

    Parameters
    ----------
    d : scoring.flag_decision.FlagDecision
        Per-row arrays of the decision (flag, rule, index, reference median and scale…).
    profile_recommendation : numpy.ndarray
        Per row, the recommendation naming the over-represented profile, or None when no
        profile stands out.
    group_name : numpy.ndarray
        French name of each row's peer group.
    has_households : bool
        Whether household counts were given (a « too few households » reason gets its own
        recommendation).
    s : FlagSettings
        Thresholds quoted in the reasons and recommendation texts.

    Returns
    -------
    tuple of numpy.ndarray
        Reasons and recommendations, one French text per row.
    """
    n = len(d.flag)
    reason = np.empty(n, dtype=object)
    recommendation = np.empty(n, dtype=object)
    for i in range(n):
        if not d.evaluated[i]:
            reason[i] = d.reasons[i]
            few = has_households and d.reasons[i].startswith("Moins de")
            recommendation[i] = s.texts.not_evaluated_small if few else s.texts.not_evaluated
            continue
        of = (
            f"du groupe « {group_name[i]} »"
            if d.reference.kind[i] == "group"
            else f"de l'ensemble du parc (groupe « {group_name[i]} » trop petit)"
        )
        figures = f"indice {fr_number(d.value[i])} contre {fr_number(d.median[i])} en médiane {of}"
        z_text = f"écart robuste {signed_number(d.z[i])}"
        if d.flag[i] == "rebalance":
            rise = rise_text(d.change[i], d.scale[i], s)
            if d.level[i]:
                reason[i] = (
                    "Fragilité d'occupation nettement au-dessus des résidences comparables : "
                    f"{figures} ({z_text}, seuil {signed_number(s.rebalance_z)})."
                )
                if d.rising[i]:
                    reason[i] += f" Elle est en outre en hausse de {rise}."
            else:
                reason[i] = (
                    f"Fragilité d'occupation en hausse de {rise}, alors qu'elle dépasse déjà la "
                    f"médiane {of} (indice {fr_number(d.value[i])} contre "
                    f"{fr_number(d.median[i])}, {z_text})."
                )
            recommendation[i] = profile_recommendation[i] or s.texts.rebalance_generic
        elif d.flag[i] == "capacity":
            reason[i] = (
                "Fragilité d'occupation nettement en dessous des résidences comparables : "
                f"{figures} ({z_text}, seuil {signed_number(s.capacity_z)}), et attractivité de "
                f"classe {d.classes[i]}."
            )
            recommendation[i] = s.texts.capacity
        elif d.low[i]:
            known = not pd.isna(d.classes[i])
            why = (
                f"attractivité de classe {d.classes[i]}"
                if known
                else "classe d'attractivité inconnue"
            )
            reason[i] = (
                f"Fragilité d'occupation en dessous des résidences comparables ({figures}, "
                f"{z_text}), mais {why} : pas de capacité d'accueil supplémentaire signalée."
            )
            recommendation[i] = s.texts.balanced
        else:
            reason[i] = (
                f"Fragilité d'occupation proche des résidences comparables : {figures} ({z_text})."
            )
            recommendation[i] = s.texts.balanced
    return reason, recommendation


def rise_text(change: float, scale: float, settings: FlagSettings) -> str:
    """Describe in French a rise of the index and the threshold it passed."""
    if settings.rise_unit == "scale":
        threshold = (
            f"{fr_number(settings.rise_min * scale)} points, soit {fr_number(settings.rise_min)} × "
            "la dispersion de référence"
        )
    else:
        threshold = f"{fr_number(settings.rise_min)} points"
    return f"{fr_number(change)} points depuis l'enquête précédente (seuil : {threshold})"


def _threshold(value: float) -> str:
    """A threshold with its sign, without useless decimals: ``+2``, ``−1``, ``+1,5``."""
    decimals = 0 if float(value).is_integer() else 1
    return ("+" if value >= 0 else "") + fr_number(value, decimals)


def rule_label(rule: object, settings: FlagSettings) -> str:
    """Short French name of the rule that flagged a residence « À rééquilibrer ».

    Parameters
    ----------
    rule : str or None
        ``level`` (robust gap to the group), ``rise`` (fragility rising while above the group
        median), ``level_and_rise``; anything else (``capacity``, None) gives "".
    settings : FlagSettings
        The threshold quoted.

    Returns
    -------
    str
        ``écart ≥ +2``, ``en hausse`` or ``écart ≥ +2 et en hausse``.
    """
    level = f"écart ≥ {_threshold(settings.rebalance_z)}"
    return {"level": level, "rise": "en hausse", "level_and_rise": f"{level} et en hausse"}.get(
        rule, ""
    )


def rules_text(settings: FlagSettings) -> str:
    """Both rules of « À rééquilibrer » and the rule of « Capacité d'accueil », in French.

    Parameters
    ----------
    settings : FlagSettings
        Thresholds quoted (``rebalance_z``, ``rise_min`` and its unit, ``capacity_z`` and
        ``capacity_classes``).

    Returns
    -------
    str
        Two sentences, e.g. « « À rééquilibrer » : écart robuste au groupe de +2 ou plus, ou
        fragilité en hausse de plus de 1 × la dispersion du groupe depuis l'enquête précédente
        alors qu'elle dépasse déjà la médiane du groupe. … »
    """
    if settings.rise_unit == "scale":
        rise = f"de plus de {fr_number(settings.rise_min, 1).removesuffix(',0')} × la dispersion"
        rise += " du groupe"
    else:
        rise = f"de plus de {fr_number(settings.rise_min, 1).removesuffix(',0')} points"
    classes = ", ".join(settings.capacity_classes)
    return (
        f"« À rééquilibrer » : écart robuste au groupe de {_threshold(settings.rebalance_z)} ou "
        f"plus, ou fragilité en hausse {rise} depuis l'enquête précédente alors qu'elle dépasse "
        "déjà la médiane du groupe. « Capacité d'accueil » : écart de "
        f"{_threshold(settings.capacity_z)} ou moins et attractivité de classe {classes}."
    )
