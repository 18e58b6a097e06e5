"""The printable fiche résidence: the card of one residence as texts and tables, ready to print.

Built from :func:`services.residence_card.residence_card` for the export role
(:data:`services.export_rules.EXPORT_ROLE`): a printed card can be forwarded to anyone, so it
follows the public rules whoever prints it; the residence's occupancy figures are then « s » with
their rule, or one sentence when the whole table is hidden.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from services.export_rules import EXPORT_ROLE
from services.fiche_cells import figure_cell, footnote_text, text_cell
from services.fiche_model import Cell, Table
from services.fmt import MISSING, fmt_int, fmt_number, fmt_pct, fmt_rank
from services.residence_card import CardInputs, ResidenceCard, residence_card


@dataclass(frozen=True)
class ResidencePrint:
    """What the printed card shows.

    Attributes
    ----------
    residence_id, name, subtitle : str
        Identifier, name and where it is (address, commune, quartier, bailleur, QPV).
    headline : tuple of (str, str)
        Score, class, rank and coverage: label and value.
    facts : Table
        The residence (dwellings, construction, energy label, PSP, rent…).
    flag : tuple of str
        Flag label, its reason, the recommendation, the peer group.
    pillars : pandas.DataFrame
        ``label`` and ``contribution_pts`` of each pillar (chart).
    impacts : pandas.DataFrame
        ``label`` and ``impact_pts`` of the indicators that move the score most (chart).
    score : float
        The score.
    occupancy : Table or None
        OPS shares over the surveys (None when every figure is hidden).
    flows : Table or None
        Entrants, sitting tenants and leavers (None when every figure is hidden).
    hidden_note : str
        Why the occupancy is not printed, when it is not.
    is_demo : bool
        Demo data.
    edition_date : date
        Date of the print.
    """

    residence_id: str
    name: str
    subtitle: str
    headline: tuple[tuple[str, str], ...]
    facts: Table
    flag: tuple[str, ...]
    pillars: pd.DataFrame
    impacts: pd.DataFrame
    score: float
    occupancy: Table | None
    flows: Table | None
    hidden_note: str
    is_demo: bool
    edition_date: dt.date

    @property
    def notes(self) -> list[str]:
        """Rules of the masked cells, in order."""
        tables = [t for t in (self.occupancy, self.flows) if t is not None]
        return list(dict.fromkeys(n for t in tables for n in t.notes))


def _facts(card: ResidenceCard) -> Table:
    who = card.identity
    types = " · ".join(f"{t} {fmt_int(n)}" for t, n in who["typologies"].items())
    rehab = who["year_rehab"]
    rows = [
        ("Logements sociaux", f"{fmt_int(who['n_dwellings'])} ({types})"),
        ("Surface moyenne", fmt_number(who["mean_surface_m2"], 0, "m²")),
        ("Construction", f"{who['year_built'] or MISSING}"
         + (f", réhabilitée en {rehab}" if rehab else "")),
        ("Étiquette énergie (DPE)", who["dpe_label"] or MISSING),
        ("Orientation du PSP", (who["psp_class"] or MISSING).capitalize()),
        ("Loyer moyen hors charges", fmt_number(who["rent_eur_m2"], 2, "€/m²/mois")),
        ("Ascenseur", "oui" if who["has_lift"] else "non"),
        ("Taux de vacance (1er janvier)", fmt_pct(who["vacancy_rate_pct"])),
        ("Taux de rotation (dernière année)", fmt_pct(who["rotation_rate_pct"])),
    ]  # fmt: skip
    return Table(
        ("Caractéristique", "Valeur"),
        tuple((Cell(k), text_cell(v)) for k, v in rows),
        widths=(1.4, 2.0),
        align="ll",
    )


def _occupancy(card: ResidenceCard, reason: str | None) -> Table | None:
    history = card.occupancy
    if history["value"].notna().sum() == 0:
        return None
    years = sorted(int(y) for y in history["survey_year"].unique())
    rows = []
    for _, part in history.groupby("indicator", sort=False):
        by_year = part.set_index("survey_year")
        cells = [figure_cell(by_year["value"].get(y), 1, "%", reason) for y in years]
        rows.append((Cell(str(part["label"].iloc[0])), *cells))
    return Table(
        ("Part des ménages", *map(str, years)),
        tuple(rows),
        title="Occupation au fil des enquêtes OPS",
        widths=(2.4, *[0.8] * len(years)),
    )


def _flows(card: ResidenceCard, reason: str | None) -> Table | None:
    flows = card.flows
    values = flows[["entrants_pct", "sitting_pct", "leavers_pct"]]
    if values.notna().sum().sum() == 0:
        return None
    counts = card.flow_counts
    rows = tuple(
        (
            Cell(row.label),
            figure_cell(row.entrants_pct, 1, "%", reason),
            figure_cell(row.sitting_pct, 1, "%", reason),
            figure_cell(row.leavers_pct, 1, "%", reason),
        )
        for row in flows.itertuples(index=False)
    )
    return Table(
        ("Part des ménages", f"Entrants {counts['period']}",
         f"En place (OPS {counts['sitting_year'] or MISSING})", f"Sortants {counts['period']}"),
        rows,
        title="Entrants, locataires en place et sortants",
        widths=(2.4, 1.0, 1.0, 1.0),
    )  # fmt: skip


def residence_print(inputs: CardInputs, residence_id: str, is_demo: bool) -> ResidencePrint:
    """The printable card of ``residence_id``, under the export rules.

    Raises
    ------
    KeyError
        For an unknown residence (French message).
    """
    card = residence_card(inputs, residence_id, EXPORT_ROLE)
    who, cot, peer = card.identity, card.cotation, card.peer
    parts = [who["address"]]
    if who["commune_name"] not in who["address"]:
        parts.append(who["commune_name"])
    if who["quartier_name"]:
        parts.append(f"quartier {who['quartier_name']}")
    parts += [who["bailleur"], "en QPV" if who["is_qpv"] else "hors QPV", residence_id]
    reason = footnote_text(card.mask_reasons[0]) if card.mask_reasons else None
    occupancy, flows = _occupancy(card, reason), _flows(card, reason)
    hidden = (
        "Occupation et profils des ménages non diffusés dans un document imprimé ("
        + " ; ".join(card.mask_reasons)
        + ") : ils sont réservés aux bailleurs et au service habitat, à l'écran."
        if card.mask_reasons and (occupancy is None or flows is None)
        else ""
    )
    size = f" ({fmt_int(peer['group_size'])} résidences)" if peer["group_size"] else ""
    return ResidencePrint(
        residence_id=residence_id,
        name=who["residence_name"],
        subtitle=" · ".join(p for p in parts if p),
        headline=(
            ("Note d'attractivité", fmt_number(cot["score"], 1, "/ 100")),
            ("Classe", cot["class_label"]),
            ("Rang", fmt_rank(cot["rank"], cot["n_rated"])),
            ("Couverture des indicateurs", fmt_pct(cot["coverage_pct"], 0)),
        ),
        facts=_facts(card),
        flag=(
            str(peer["flag_label"]),
            str(peer["not_evaluated_reason"] or peer["reason"] or ""),
            str(peer["recommendation"] or ""),
            f"Groupe de pairs : {peer['group_name'] or MISSING}{size}",
        ),
        pillars=card.pillars[["label", "weight_pct", "contribution_pts"]].copy(),
        impacts=card.indicators.dropna(subset=["impact_pts"]).head(8)[["label", "impact_pts"]],
        score=float(cot["score"]),
        occupancy=occupancy,
        flows=flows,
        hidden_note=hidden,
        is_demo=is_demo,
        edition_date=dt.date.today(),
    )
