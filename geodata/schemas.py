"""Data dictionary: every table the product reads, column by column.

Each column has a type, a unit, a French description (shown in the *Méthode et sources* page),
its source, whether it may be missing, and its bounds or allowed values. Loaders and importers
validate what they read against these tables with :func:`validate_table`
(:mod:`geodata.validation`), which raises a :class:`DataValidationError` whose French message
names the file, the line, the column, the value and what was expected.

Bounds are those of plausible data for the Grand Poitiers parc: they refuse what would break a
page (a count of 10²⁰ households, a date in year 20 000) and let every real value through.

Naming follows one convention: units are in the names (``rent_eur_m2``, ``vacancy_rate_pct``),
``_id`` is an opaque identifier, ``_code`` an official code, ``_name`` a label, booleans start
with ``is_`` or ``has_``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from geodata.errors import DataValidationError
from geodata.validation import validate_table

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
FINANCING_FAMILIES = ("PLAI", "PLUS", "PLS", "PLI", "avant 1977", "autre")
MAX_COUNT = 100_000  # dwellings, households or flows in one row: far above any real figure
__all__ = ["DataValidationError", "validate_table"]


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
    """A table of the data dictionary: its columns, its primary key and its optional columns.

    ``extra`` columns came after the first data sets (the demo among them): a file may leave
    them out, they are then read as missing everywhere.
    """

    name: str
    label: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = field(default_factory=tuple)
    extra: tuple[Column, ...] = field(default_factory=tuple)

    @property
    def names(self) -> list[str]:
        """Names of the columns every file has, in dictionary order."""
        return [c.name for c in self.columns]

    @property
    def all_columns(self) -> tuple[Column, ...]:
        """Every column, the optional ones last but before a geometry."""
        core = tuple(c for c in self.columns if c.dtype != "geometry")
        geometry = tuple(c for c in self.columns if c.dtype == "geometry")
        return core + self.extra + geometry

    @property
    def all_names(self) -> list[str]:
        """Names of :attr:`all_columns`."""
        return [c.name for c in self.all_columns]

    def column(self, name: str) -> Column:
        """Return the column called ``name``."""
        for col in self.all_columns:
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
        Column(
            "population",
            "int",
            "habitants",
            "Population municipale",
            "INSEE",
            minimum=0,
            maximum=10_000_000,
        ),
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
        Column(
            "n_dwellings",
            "int",
            "logements",
            "Nombre de logements sociaux",
            "RPLS",
            minimum=1,
            maximum=MAX_COUNT,
        ),
        Column("n_t1", "int", "logements", "Logements T1", "RPLS", minimum=0, maximum=MAX_COUNT),
        Column("n_t2", "int", "logements", "Logements T2", "RPLS", minimum=0, maximum=MAX_COUNT),
        Column("n_t3", "int", "logements", "Logements T3", "RPLS", minimum=0, maximum=MAX_COUNT),
        Column("n_t4", "int", "logements", "Logements T4", "RPLS", minimum=0, maximum=MAX_COUNT),
        Column(
            "n_t5_plus",
            "int",
            "logements",
            "Logements T5 et plus",
            "RPLS",
            minimum=0,
            maximum=MAX_COUNT,
        ),
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
            minimum=1500,
            maximum=2030,
        ),
        Column(
            "year_rehab",
            "int",
            "année",
            "Année de la dernière réhabilitation",
            "PSP",
            nullable=True,
            minimum=1900,
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
            "RPLS (version complète) / bailleur",
            nullable=True,
            minimum=0,
            maximum=30,
        ),
        Column(
            "psp_class",
            "string",
            "",
            "Orientation du plan stratégique de patrimoine",
            "PSP",
            nullable=True,
            allowed=PSP_CLASSES,
        ),
        Column("has_lift", "bool", "", "Présence d'un ascenseur", "bailleur", nullable=True),
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
            maximum=100_000,
        ),
        Column(
            "dist_shops_m",
            "float",
            "m",
            "Distance au commerce alimentaire le plus proche",
            "BPE",
            True,
            minimum=0,
            maximum=100_000,
        ),
        Column(
            "dist_health_m",
            "float",
            "m",
            "Distance au médecin généraliste le plus proche",
            "BPE",
            True,
            minimum=0,
            maximum=100_000,
        ),
        Column(
            "dist_transit_m",
            "float",
            "m",
            "Distance à l'arrêt de transport en commun le plus proche",
            "GTFS Vitalis",
            True,
            minimum=0,
            maximum=100_000,
        ),
        Column(
            "tranquillity_reports_per_100",
            "float",
            "signalements / 100 logements / an",
            "Signalements de troubles de voisinage et de tranquillité",
            "bailleur",
            True,
            minimum=0,
            maximum=1_000,
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
    extra=(
        Column(
            "financing",
            "string",
            "",
            "Financement initial le plus fréquent des logements (famille)",
            "RPLS",
            nullable=True,
            allowed=FINANCING_FAMILIES,
        ),
        Column(
            "qpv_code",
            "string",
            "",
            "Code du quartier prioritaire (QPV 2024) où se trouve la résidence",
            "ANCT / RPLS",
            nullable=True,
        ),
    ),
)

# --- OPS: occupancy surveys, one row per residence and survey -------------------------------------

OCCUPANCY = Table(
    "occupancy",
    "Enquêtes d'occupation du parc social (OPS)",
    (
        Column("residence_id", "string", "", "Identifiant de la résidence", "bailleur"),
        Column(
            "survey_year",
            "int",
            "année",
            "Année de l'enquête OPS",
            "OPS",
            minimum=2000,
            maximum=2100,
        ),
        Column(
            "n_households",
            "int",
            "ménages",
            "Ménages ayant répondu",
            "OPS",
            minimum=0,
            maximum=MAX_COUNT,
        ),
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
            "rent_eur_month",
            "float",
            "€/mois",
            "Loyer hors charges du logement",
            "RPLS",
            minimum=0,
            maximum=10_000,
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
        Column("year", "int", "année", "Année de l'attribution", "SNE", minimum=1900, maximum=2100),
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
        Column("year", "int", "année", "Année du départ", "bailleur", minimum=1900, maximum=2100),
        *_HOUSEHOLD,
        Column(
            "tenure_years",
            "float",
            "ans",
            "Ancienneté dans le logement",
            "bailleur",
            minimum=0,
            maximum=100,
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
            "year",
            "int",
            "année",
            "Année de l'inventaire (au 1er janvier)",
            "DDT / inventaire SRU",
            minimum=1900,
            maximum=2100,
        ),
        Column(
            "n_lls",
            "int",
            "logements",
            "Logements sociaux décomptés au titre de la loi SRU",
            "DDT / inventaire SRU",
            minimum=0,
            maximum=10_000_000,
        ),
        Column(
            "n_rp",
            "int",
            "logements",
            "Résidences principales",
            "INSEE / DGFiP",
            minimum=1,
            maximum=10_000_000,
        ),
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
        Column("year", "int", "année", "Année", "DDT / SISAL", minimum=1900, maximum=2100),
        Column(
            "n_agreed",
            "int",
            "logements",
            "Logements sociaux agréés (financés)",
            "DDT / SISAL",
            minimum=0,
            maximum=MAX_COUNT,
        ),
        Column(
            "n_delivered",
            "int",
            "logements",
            "Logements sociaux livrés",
            "DDT / SISAL",
            minimum=0,
            maximum=MAX_COUNT,
        ),
    ),
    key=("commune_code", "year"),
)

# --- Reference layers of an import: QPV outlines, equipment points, OPS by commune --------------

QPV = Table(
    "qpv",
    "Quartiers prioritaires de la politique de la ville (QPV 2024)",
    (
        Column("qpv_code", "string", "", "Code du quartier prioritaire", "ANCT"),
        Column("qpv_name", "string", "", "Nom du quartier prioritaire", "ANCT"),
        Column("commune_code", "string", "", "Code INSEE de la commune principale", "ANCT"),
        Column("geometry", "geometry", "", "Contour du quartier prioritaire", "ANCT"),
    ),
    key=("qpv_code",),
)

EQUIPMENT_FAMILIES = ("school", "health", "shops", "transit")

EQUIPMENT = Table(
    "equipment",
    "Équipements du quotidien (écoles, santé, commerces, arrêts)",
    (
        Column(
            "family",
            "string",
            "",
            "Famille d'équipement du catalogue",
            "config/equipment.toml",
            allowed=EQUIPMENT_FAMILIES,
        ),
        Column(
            "type_code", "string", "", "Type d'équipement (TYPEQU de la BPE, ou « arret »)", "BPE"
        ),
        Column("commune_code", "string", "", "Code INSEE de la commune", "BPE", nullable=True),
        Column("x_l93_m", "float", "m", "Abscisse Lambert-93", "BPE / GTFS"),
        Column("y_l93_m", "float", "m", "Ordonnée Lambert-93", "BPE / GTFS"),
        Column("source", "string", "", "Fichier d'origine", "import"),
    ),
)

OCCUPANCY_COMMUNES = Table(
    "occupancy_communes",
    "Occupation du parc social par commune (OPS)",
    (
        Column("commune_code", "string", "", "Code INSEE de la commune", "OPS"),
        *(c for c in OCCUPANCY.columns if c.name not in ("residence_id",)),
    ),
    key=("commune_code", "survey_year"),
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
        QPV,
        EQUIPMENT,
        OCCUPANCY_COMMUNES,
    )
}
