"""Data dictionary: every table the product reads, column by column.

Each column has a type, a unit, a French description (shown in the *Méthode et sources* page) and
its source. Loaders and importers validate what they read against these tables with
:func:`validate_table`, which raises a :class:`DataValidationError` whose French message names the
file, the line, the column, the value and what was expected.

Naming follows one convention: units are in the names (``rent_eur_m2``, ``vacancy_rate_pct``),
``_id`` is an opaque identifier, ``_code`` an official code, ``_name`` a label, booleans start
with ``is_`` or ``has_``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

TYPOLOGIES = ("T1", "T2", "T3", "T4", "T5+")
DPE_LABELS = ("A", "B", "C", "D", "E", "F", "G")
PSP_CLASSES = ("conforter", "réhabiliter", "restructurer", "démolir", "vendre")
COMPOSITIONS = (
    "personne_seule",
    "couple_sans_enfant",
    "couple_avec_enfants",
    "famille_monoparentale",
)
OPS_SURVEY_YEARS = (2018, 2020, 2022, 2024)
DEMO_NOTICE = "Données de démonstration (fictives)"


@dataclass(frozen=True)
class Column:
    """One column of the data dictionary.

    Parameters
    ----------
    name : str
        Column name in the tables and files.
    dtype : str
        One of ``string``, ``int``, ``float``, ``bool``, ``date``, ``geometry``.
    unit : str
        Unit in French (``€/m²/mois``, ``%``, ``m``…), empty when none.
    description : str
        Meaning, in French.
    source : str
        Where the value comes from (RPLS, OPS, PSP, SNE, BPE, INSEE, IGN, bailleur…).
    nullable : bool
        Whether missing values are allowed.
    allowed : tuple, optional
        The only values allowed (categorical columns).
    minimum, maximum : float, optional
        Closed bounds for numeric columns.
    """

    name: str
    dtype: str
    unit: str
    description: str
    source: str
    nullable: bool = False
    allowed: tuple | None = None
    minimum: float | None = None
    maximum: float | None = None


@dataclass(frozen=True)
class Table:
    """A table of the data dictionary: its columns and its primary key."""

    name: str
    label: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = field(default_factory=tuple)

    @property
    def names(self) -> list[str]:
        """Column names, in dictionary order."""
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        """Return the column called ``name``."""
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(f"colonne inconnue dans la table {self.name} : {name!r}")


def _pct(name: str, description: str, source: str, nullable: bool = True) -> Column:
    return Column(name, "float", "%", description, source, nullable, None, 0.0, 100.0)


# --- Territory ---------------------------------------------------------------------------------

COMMUNES = Table(
    "communes",
    "Communes du Grand Poitiers",
    (
        Column("commune_code", "string", "", "Code INSEE de la commune", "INSEE COG"),
        Column("commune_name", "string", "", "Nom de la commune", "INSEE COG"),
        Column("population", "int", "habitants", "Population municipale", "INSEE", minimum=0),
        Column("geometry", "geometry", "", "Contour de la commune", "IGN Admin Express"),
    ),
    key=("commune_code",),
)

QUARTIERS = Table(
    "quartiers",
    "Quartiers de Poitiers",
    (
        Column("quartier_code", "string", "", "Code du quartier (ou de l'IRIS)", "Grand Poitiers"),
        Column("quartier_name", "string", "", "Nom du quartier", "Grand Poitiers"),
        Column("commune_code", "string", "", "Code INSEE de la commune", "INSEE COG"),
        Column(
            "geometry_source",
            "string",
            "",
            "Origine du contour : schématique (par défaut) ou importé",
            "Grand Poitiers",
            allowed=("schematic", "imported"),
        ),
        Column("geometry", "geometry", "", "Contour du quartier", "Grand Poitiers"),
    ),
    key=("quartier_code",),
)

# --- Social housing stock: one row per residence -----------------------------------------------

RESIDENCES = Table(
    "residences",
    "Résidences du parc social",
    (
        Column(
            "residence_id",
            "string",
            "",
            "Identifiant de la résidence (groupe / programme)",
            "bailleur",
        ),
        Column("residence_name", "string", "", "Nom de la résidence", "bailleur"),
        Column("address", "string", "", "Adresse principale", "RPLS"),
        Column("bailleur", "string", "", "Bailleur social gestionnaire", "RPLS"),
        Column("commune_code", "string", "", "Code INSEE de la commune", "RPLS"),
        Column(
            "quartier_code",
            "string",
            "",
            "Quartier (Poitiers seulement)",
            "Grand Poitiers",
            nullable=True,
        ),
        Column(
            "is_qpv", "bool", "", "Résidence située en quartier prioritaire (QPV)", "RPLS / ANCT"
        ),
        Column("n_dwellings", "int", "logements", "Nombre de logements sociaux", "RPLS", minimum=1),
        Column("n_t1", "int", "logements", "Logements T1", "RPLS", minimum=0),
        Column("n_t2", "int", "logements", "Logements T2", "RPLS", minimum=0),
        Column("n_t3", "int", "logements", "Logements T3", "RPLS", minimum=0),
        Column("n_t4", "int", "logements", "Logements T4", "RPLS", minimum=0),
        Column("n_t5_plus", "int", "logements", "Logements T5 et plus", "RPLS", minimum=0),
        Column(
            "mean_surface_m2",
            "float",
            "m²",
            "Surface habitable moyenne",
            "RPLS",
            minimum=10,
            maximum=200,
        ),
        Column(
            "year_built",
            "int",
            "année",
            "Année de construction",
            "RPLS",
            minimum=1850,
            maximum=2030,
        ),
        Column(
            "year_rehab",
            "int",
            "année",
            "Année de la dernière réhabilitation",
            "PSP",
            nullable=True,
            minimum=1950,
            maximum=2030,
        ),
        Column(
            "dpe_label",
            "string",
            "",
            "Étiquette énergie (DPE)",
            "RPLS",
            nullable=True,
            allowed=DPE_LABELS,
        ),
        Column(
            "rent_eur_m2",
            "float",
            "€/m²/mois",
            "Loyer moyen hors charges",
            "RPLS",
            minimum=0,
            maximum=30,
        ),
        Column(
            "psp_class",
            "string",
            "",
            "Orientation du plan stratégique de patrimoine",
            "PSP",
            allowed=PSP_CLASSES,
        ),
        Column("has_lift", "bool", "", "Présence d'un ascenseur", "bailleur"),
        _pct(
            "vacancy_rate_pct",
            "Taux de vacance au 1er janvier de la dernière année (logements dont "
            "la vacance a commencé ce jour-là ou avant et finit après, ou dure encore, pour 100 "
            "logements)",
            "RPLS",
        ),
        _pct(
            "rotation_rate_pct",
            "Taux de rotation de la dernière année (départs de l'année pour 100 logements)",
            "RPLS",
        ),
        Column(
            "dist_school_m",
            "float",
            "m",
            "Distance à l'école la plus proche",
            "BPE",
            True,
            minimum=0,
        ),
        Column(
            "dist_shops_m",
            "float",
            "m",
            "Distance au commerce alimentaire le plus proche",
            "BPE",
            True,
            minimum=0,
        ),
        Column(
            "dist_health_m",
            "float",
            "m",
            "Distance au médecin généraliste le plus proche",
            "BPE",
            True,
            minimum=0,
        ),
        Column(
            "dist_transit_m",
            "float",
            "m",
            "Distance à l'arrêt de transport en commun le plus proche",
            "GTFS Vitalis",
            True,
            minimum=0,
        ),
        Column(
            "tranquillity_reports_per_100",
            "float",
            "signalements / 100 logements / an",
            "Signalements de troubles de voisinage et de tranquillité",
            "bailleur",
            True,
            minimum=0,
        ),
        Column(
            "green_space_share_pct",
            "float",
            "%",
            "Part d'espaces verts dans un rayon de 300 m",
            "Grand Poitiers",
            True,
            minimum=0,
            maximum=100,
        ),
        Column(
            "private_rent_eur_m2",
            "float",
            "€/m²/mois",
            "Loyer du parc privé environnant",
            "Observatoire des loyers",
            True,
            minimum=0,
            maximum=40,
        ),
        Column("geometry", "geometry", "", "Localisation (point)", "RPLS"),
    ),
    key=("residence_id",),
)

# --- OPS: occupancy surveys, one row per residence and survey -------------------------------------

OCCUPANCY = Table(
    "occupancy",
    "Enquêtes d'occupation du parc social (OPS)",
    (
        Column("residence_id", "string", "", "Identifiant de la résidence", "bailleur"),
        Column(
            "survey_year", "int", "année", "Année de l'enquête OPS", "OPS", allowed=OPS_SURVEY_YEARS
        ),
        Column("n_households", "int", "ménages", "Ménages ayant répondu", "OPS", minimum=0),
        _pct("res_below_20_pct", "Ménages sous 20 % des plafonds PLUS", "OPS"),
        _pct("res_below_40_pct", "Ménages sous 40 % des plafonds PLUS", "OPS"),
        _pct("res_below_60_pct", "Ménages sous 60 % des plafonds PLUS", "OPS"),
        _pct("single_parent_pct", "Familles monoparentales", "OPS"),
        _pct("large_family_pct", "Familles nombreuses (3 enfants ou plus)", "OPS"),
        _pct("employed_adults_pct", "Adultes (18-64 ans) occupant un emploi", "OPS"),
        _pct("no_employment_pct", "Ménages sans aucun adulte en emploi", "OPS"),
        _pct("housing_benefit_pct", "Ménages bénéficiaires de l'APL", "OPS"),
        _pct("over_65_pct", "Titulaires du bail âgés de 65 ans ou plus", "OPS"),
        _pct("recent_movers_pct", "Ménages emménagés depuis moins de 2 ans", "OPS"),
    ),
    key=("residence_id", "survey_year"),
)

OCCUPANCY_SHARES = tuple(c.name for c in OCCUPANCY.columns if c.name.endswith("_pct"))

# --- Flows: vacancies, attributions (entrants), departures (sortants) -----------------------------

_HOUSEHOLD = (
    Column("typology", "string", "", "Typologie du logement", "SNE", allowed=TYPOLOGIES),
    Column(
        "resources_pct_ceiling",
        "float",
        "%",
        "Ressources en % du plafond PLUS",
        "SNE",
        True,
        minimum=0,
        maximum=400,
    ),
    Column("is_q1", "bool", "", "Ménage du premier quartile de ressources par UC", "SNE"),
    Column("composition", "string", "", "Composition du ménage", "SNE", allowed=COMPOSITIONS),
    Column("household_size", "int", "personnes", "Taille du ménage", "SNE", minimum=1, maximum=15),
    Column("is_large_family", "bool", "", "Famille de 3 enfants ou plus", "SNE"),
    Column("is_employed", "bool", "", "Au moins un adulte en emploi", "SNE"),
    Column("holder_age", "int", "ans", "Âge du titulaire", "SNE", minimum=18, maximum=110),
)

VACANCIES = Table(
    "vacancies",
    "Périodes de vacance des logements",
    (
        Column("vacancy_id", "string", "", "Identifiant de la période de vacance", "bailleur"),
        Column("residence_id", "string", "", "Identifiant de la résidence", "bailleur"),
        Column("typology", "string", "", "Typologie du logement", "RPLS", allowed=TYPOLOGIES),
        Column(
            "rent_eur_month", "float", "€/mois", "Loyer hors charges du logement", "RPLS", minimum=0
        ),
        Column("start_date", "date", "", "Début de la vacance (départ du locataire)", "bailleur"),
        Column(
            "end_date",
            "date",
            "",
            "Fin de la vacance (relocation ou début de travaux), vide si encore vacant",
            "bailleur",
            nullable=True,
        ),
        Column(
            "cause",
            "string",
            "",
            "Origine : rotation (départ du locataire) ou vacance technique (travaux, démolition)",
            "bailleur",
            allowed=("rotation", "technique"),
        ),
    ),
    key=("vacancy_id",),
)

ATTRIBUTIONS = Table(
    "attributions",
    "Attributions (ménages entrants)",
    (
        Column("attribution_id", "string", "", "Identifiant de l'attribution", "SNE"),
        Column("residence_id", "string", "", "Identifiant de la résidence", "bailleur"),
        Column(
            "vacancy_id",
            "string",
            "",
            "Période de vacance close par l'attribution, vide pour une première mise en location",
            "bailleur",
            True,
        ),
        Column("date", "date", "", "Date d'entrée dans les lieux", "SNE"),
        Column("year", "int", "année", "Année de l'attribution", "SNE"),
        *_HOUSEHOLD,
        Column("is_mutation", "bool", "", "Demande de mutation (ménage déjà locataire HLM)", "SNE"),
    ),
    key=("attribution_id",),
)

DEPARTURES = Table(
    "departures",
    "Départs (ménages sortants)",
    (
        Column("departure_id", "string", "", "Identifiant du départ", "bailleur"),
        Column("residence_id", "string", "", "Identifiant de la résidence", "bailleur"),
        Column(
            "vacancy_id", "string", "", "Période de vacance ouverte par le départ", "bailleur", True
        ),
        Column("date", "date", "", "Date de départ", "bailleur"),
        Column("year", "int", "année", "Année du départ", "bailleur"),
        *_HOUSEHOLD,
        Column(
            "tenure_years", "float", "ans", "Ancienneté dans le logement", "bailleur", minimum=0
        ),
    ),
    key=("departure_id",),
)

DEMANDS = Table(
    "demands",
    "Demandes actives (extrait SNE)",
    (
        Column("demand_id", "string", "", "Numéro unique de la demande", "SNE"),
        Column("filing_date", "date", "", "Date de dépôt de la demande", "SNE"),
        Column("extract_date", "date", "", "Date de l'extraction", "SNE"),
        Column(
            "requested_communes",
            "string",
            "",
            "Communes demandées (codes INSEE séparés par « ; », la première est le premier choix)",
            "SNE",
        ),
        *_HOUSEHOLD,
        Column("is_mutation", "bool", "", "Demande de mutation (ménage déjà locataire HLM)", "SNE"),
    ),
    key=("demand_id",),
)

# --- SRU ------------------------------------------------------------------------------------------

SRU_INVENTORY = Table(
    "sru_inventory",
    "Inventaire SRU au 1er janvier",
    (
        Column("commune_code", "string", "", "Code INSEE de la commune", "DDT / inventaire SRU"),
        Column(
            "year", "int", "année", "Année de l'inventaire (au 1er janvier)", "DDT / inventaire SRU"
        ),
        Column(
            "n_lls",
            "int",
            "logements",
            "Logements sociaux décomptés au titre de la loi SRU",
            "DDT / inventaire SRU",
            minimum=0,
        ),
        Column("n_rp", "int", "logements", "Résidences principales", "INSEE / DGFiP", minimum=1),
        _pct(
            "sru_rate_pct",
            "Taux de logements sociaux (LLS / RP)",
            "DDT / inventaire SRU",
            nullable=False,
        ),
        Column(
            "is_subject",
            "bool",
            "",
            "Commune soumise à l'article 55 (3 500 habitants et plus)",
            "DDT / inventaire SRU",
        ),
    ),
    key=("commune_code", "year"),
)

SRU_PRODUCTION = Table(
    "sru_production",
    "Production de logements sociaux (agréments et livraisons)",
    (
        Column("commune_code", "string", "", "Code INSEE de la commune", "DDT / SISAL"),
        Column("year", "int", "année", "Année", "DDT / SISAL"),
        Column(
            "n_agreed",
            "int",
            "logements",
            "Logements sociaux agréés (financés)",
            "DDT / SISAL",
            minimum=0,
        ),
        Column(
            "n_delivered", "int", "logements", "Logements sociaux livrés", "DDT / SISAL", minimum=0
        ),
    ),
    key=("commune_code", "year"),
)

TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        COMMUNES,
        QUARTIERS,
        RESIDENCES,
        OCCUPANCY,
        VACANCIES,
        ATTRIBUTIONS,
        DEPARTURES,
        DEMANDS,
        SRU_INVENTORY,
        SRU_PRODUCTION,
    )
}


# --- Validation -----------------------------------------------------------------------------------


class DataValidationError(ValueError):
    """Input data that does not match the data dictionary; the message is in French."""


def _where(file: str | None, line: int | None, column: str, value: object) -> str:
    parts = []
    if file:
        parts.append(f"fichier « {file} »")
    if line is not None:
        parts.append(f"ligne {line}")
    parts.append(f"colonne « {column} »")
    parts.append(f"valeur « {value} »")
    return ", ".join(parts)


def _first_bad(mask: np.ndarray) -> int | None:
    idx = np.flatnonzero(mask)
    return int(idx[0]) if idx.size else None


def validate_table(
    df: pd.DataFrame,
    table: Table,
    *,
    file: str | None = None,
    first_line: int = 2,
    columns: Iterable[str] | None = None,
) -> None:
    """Check ``df`` against the data dictionary ``table``.

    Parameters
    ----------
    df : pandas.DataFrame
        The data to check (a GeoDataFrame for tables with geometry).
    table : Table
        The dictionary entry to check against.
    file : str, optional
        File name quoted in the message.
    first_line : int, default 2
        Line number of the first data row in ``file`` (2 for a CSV with one header line).
    columns : iterable of str, optional
        Only check these columns (all of the table by default).

    Raises
    ------
    DataValidationError
        On the first problem found, with a French message naming the file, line, column, value
        and what was expected.
    """
    names = list(columns) if columns is not None else table.names
    missing = [n for n in names if n not in df.columns]
    if missing:
        where = f"fichier « {file} » : " if file else ""
        raise DataValidationError(
            f"{where}colonne(s) manquante(s) pour la table « {table.label} » : "
            + ", ".join(f"« {m} »" for m in missing)
            + f". Colonnes attendues : {', '.join(names)}."
        )
    for name in names:
        col = table.column(name)
        if col.dtype == "geometry":
            continue
        values = df[name]
        isna = values.isna().to_numpy()
        if not col.nullable and isna.any():
            row = _first_bad(isna)
            raise DataValidationError(
                f"{_where(file, row + first_line, name, '')} : valeur manquante, attendu : "
                f"{col.description.lower()} (obligatoire)."
            )
        present = values[~isna]
        offsets = np.flatnonzero(~isna)
        if col.dtype in ("int", "float"):
            numeric = pd.to_numeric(present, errors="coerce")
            bad = numeric.isna().to_numpy()
            if col.dtype == "int":
                bad = bad | ~np.isclose(numeric.fillna(0).to_numpy(float) % 1, 0)
            row = _first_bad(bad)
            if row is not None:
                kind = "un nombre entier" if col.dtype == "int" else "un nombre"
                raise DataValidationError(
                    f"{_where(file, offsets[row] + first_line, name, present.iloc[row])} : "
                    f"attendu {kind} ({col.description.lower()})."
                )
            arr = numeric.to_numpy(float)
            for bound, test, word in (
                (
                    col.minimum,
                    arr < (col.minimum if col.minimum is not None else 0),
                    "supérieur ou égal",
                ),
                (
                    col.maximum,
                    arr > (col.maximum if col.maximum is not None else 0),
                    "inférieur ou égal",
                ),
            ):
                if bound is None:
                    continue
                row = _first_bad(test)
                if row is not None:
                    unit = f" {col.unit}" if col.unit else ""
                    raise DataValidationError(
                        f"{_where(file, offsets[row] + first_line, name, present.iloc[row])} : "
                        f"attendu un nombre {word} à {bound:g}{unit} ({col.description.lower()})."
                    )
        if col.dtype == "bool":
            ok = present.isin([True, False]).to_numpy()
            row = _first_bad(~ok)
            if row is not None:
                raise DataValidationError(
                    f"{_where(file, offsets[row] + first_line, name, present.iloc[row])} : "
                    "attendu vrai ou faux."
                )
        if col.dtype == "date":
            parsed = pd.to_datetime(present, errors="coerce")
            row = _first_bad(parsed.isna().to_numpy())
            if row is not None:
                raise DataValidationError(
                    f"{_where(file, offsets[row] + first_line, name, present.iloc[row])} : "
                    "attendu une date au format AAAA-MM-JJ."
                )
        if col.allowed is not None:
            ok = present.isin(col.allowed).to_numpy()
            row = _first_bad(~ok)
            if row is not None:
                raise DataValidationError(
                    f"{_where(file, offsets[row] + first_line, name, present.iloc[row])} : "
                    f"attendu l'une des valeurs {', '.join(map(str, col.allowed))}."
                )
    if table.key and all(k in df.columns for k in table.key):
        dup = df.duplicated(list(table.key)).to_numpy()
        row = _first_bad(dup)
        if row is not None:
            key_value = " / ".join(str(df[k].iloc[row]) for k in table.key)
            raise DataValidationError(
                f"{_where(file, row + first_line, ' + '.join(table.key), key_value)} : "
                "identifiant en double, attendu une seule ligne par identifiant."
            )
