"""The secret statistique in words and in numbers: its rules and what they mask.

:func:`rules_markdown` writes every rule with its scope and what the public sees instead, from
``config/disclosure.toml`` (the *Méthode et sources* page prints it; the README says the same).
:func:`masked_counts` counts the cells each family masks, primarily and secondarily, per level
and year: what the closing note of the secret statistique reports.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from services.disclosure.context import Disclosure
from services.disclosure.rules import DisclosureRules
from services.disclosure.suppression import PRIMARY, SECONDARY

FAMILY_NAMES = {
    "ops": "Occupation (OPS)",
    "entrants": "Profils des entrants",
    "leavers": "Profils des sortants",
    "equality": "Objectifs d'attribution",
    "intake": "Entrants face aux locataires en place",
}


def _pct(value: float) -> str:
    return f"{value:g}".replace(".", ",") + " %"


def export_note(rules: DisclosureRules) -> str:
    """The secret statistique in one French sentence, for a file (map snapshot, fiche)."""
    n, share, marker = rules.min_households, _pct(rules.dominance_pct), rules.marker
    return (
        f"Secret statistique (règles de diffusion publique de tout fichier, quel que soit le "
        f"compte) : « {marker} » remplace tout chiffre d'occupation ou d'attribution calculé sur "
        f"moins de {n} ménages ayant répondu, où un bailleur détient plus de {share} des "
        "logements ou des ménages, qu'un bailleur retrouverait en ôtant ses propres résidences, "
        "ou qui se déduirait des chiffres voisins (secret secondaire) ; la note d'attractivité "
        "est la note publique (pilier Occupation d'un seul tenant)."
    )


def rules_markdown(rules: DisclosureRules) -> str:
    """Every rule, its scope and what a viewer without access sees instead (French Markdown)."""
    n, share, marker = rules.min_households, _pct(rules.dominance_pct), rules.marker
    scope = "\n".join(f"  - *{entry.label}* : {_scope_text(entry.rules)}." for entry in rules.scope)
    return f"""
- **Petite base** : aucun chiffre calculé sur moins de {n} ménages *ayant répondu à la question*
  (la base de chaque part, pas le nombre de ménages enquêtés) n'est montré ni exporté.
- **Dominance** : un chiffre où un bailleur détient plus de {share} des logements du territoire
  ou des ménages sur lesquels il est calculé est masqué ; une résidence appartient à un seul
  bailleur, ses chiffres d'occupation ne sont montrés qu'à ce bailleur et au service habitat.
- **Règle de l'initié** : ce qu'un bailleur ignore d'un chiffre (le chiffre moins ses propres
  résidences) doit encore compter {n} ménages et aucune résidence d'un autre bailleur n'y pèse
  plus de {share} : un bailleur ne retrouve jamais une résidence d'un autre par soustraction.
- **Secret secondaire** : quand un chiffre est masqué, assez de chiffres voisins (même indicateur,
  même année, sur l'arbre Grand Poitiers → commune → quartier → résidence) le sont aussi pour
  qu'aucun chiffre masqué ne se déduise d'un total et de ses parties visibles ; les tableaux liés
  (deux années mises en commun, attributions en QPV et hors QPV) sont vérifiés ensemble.
- **Précision publiée** : les parts sont arrondies à {rules.decimals["share"]} décimale, les notes
  à {rules.decimals["score"]} décimale, dans les services, avant d'atteindre une page, un
  graphique ou un fichier.
- **Cotation publique** : une note vue sans droit sur la résidence ne lit jamais ses parts de
  ménages une à une : le pilier Occupation y entre d'un seul tenant (poids internes du profil de
  référence) s'il compte au moins {n} ménages enquêtés et {rules.min_known_indicators} indicateurs
  d'enquête connus ; sinon il est retiré et la note calculée sur les autres piliers. Ses
  indicateurs ne se pondèrent pas un à un.
- **Groupes de résidences** : médianes et quartiles d'un groupe publiés seulement avec au moins
  {rules.min_group_residences} résidences, de plusieurs bailleurs, sans extrêmes ni points.
- Chaque chiffre masqué se lit « {marker} », avec la règle qui le masque (note ou infobulle).
  Les fichiers téléchargés suivent toujours les règles publiques, quel que soit le compte.

Champ de chaque règle :
{scope}
"""


_RULE_NAMES = {
    "small_base": "petite base",
    "dominance": "dominance",
    "insider": "règle de l'initié",
    "complementary": "secret secondaire",
    "residence": "réservé au bailleur de la résidence",
    "group_size": "taille des groupes",
    "pillar": "cotation publique",
}


def _scope_text(codes: Iterable[str]) -> str:
    codes = list(codes)
    if codes == ["none"]:
        return "données ouvertes, publiées telles quelles (arrondies)"
    return ", ".join(_RULE_NAMES.get(c, c) for c in codes)


def masked_counts(
    d: Disclosure, survey_years: Iterable[int], flow_years: Iterable[int], ops_columns
) -> pd.DataFrame:
    """Cells masked primarily and secondarily per family, year and level (residences apart).

    Parameters
    ----------
    d : Disclosure
        The decisions of the data set.
    survey_years, flow_years : iterable of int
        OPS surveys, years of entrants and leavers.
    ops_columns : iterable of str
        The OPS shares published (one family each).

    Returns
    -------
    pandas.DataFrame
        ``family``, ``measure``, ``year``, ``level``, ``cells``, ``primary``, ``secondary``.
    """
    found = []
    for year in survey_years:
        for column in ops_columns:
            found.append(("ops", column, year, d.ops(year, column)))
        if year in set(flow_years) and year + 1 in set(flow_years):
            found.append(("intake", "", year, d.intake(year)))
    for year in flow_years:
        found.append(("entrants", "", year, d.flows("entrants", year)))
        found.append(("leavers", "", year, d.flows("leavers", year)))
        found.append(("equality", "", year, d.equality(year)))
    rows = []
    for family, measure, year, statuses in found:
        frame = statuses.frame(d.tree)
        for level, part in frame.groupby("level", sort=False):
            if level == "residence":
                continue
            rows.append(
                {
                    "family": family,
                    "measure": measure,
                    "year": int(year),
                    "level": level,
                    "cells": int((part["status"] != "empty").sum()),
                    "primary": int((part["status"] == PRIMARY).sum()),
                    "secondary": int((part["status"] == SECONDARY).sum()),
                }
            )
    return pd.DataFrame(rows)
