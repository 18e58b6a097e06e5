"""Fixed parameters of the demo data set: seed, dates, communes' profiles, fictional bailleurs.

Everything the generator draws comes from :func:`generator`, one ``numpy.random.Generator`` per
named stream, all derived from the single seed :data:`SEED`. A stream name is turned into an
integer with CRC-32 (never with ``hash``, which changes between processes), so that the data set
is the same on every machine and adding a stream does not shift the others.

The calibration targets (SRU rates of the contrat de mixité sociale, rotation, demand stock) come
from the two source documents of the product; the rest are plausible orders of magnitude for the
Grand Poitiers social housing stock.
"""

from __future__ import annotations

import zlib

import numpy as np

SEED = 86194

# --- Dates ------------------------------------------------------------------------------------

FLOW_START = np.datetime64("2018-01-01", "D")
EXTRACT_DATE = np.datetime64("2025-12-31", "D")
WARMUP_START = np.datetime64("2012-01-01", "D")
VACANCY_REFERENCE = np.datetime64("2025-01-01", "D")
ROTATION_YEAR = 2025
SRU_YEARS = tuple(range(2017, 2026))
PRODUCTION_YEARS = tuple(range(2020, 2026))

# --- SRU calibration (contrat de mixité sociale mutualisant) ---------------------------------
# The rules (target, threshold, catch-up shares, CMS period, total and uplift) are those of
# config/sru.toml (config.sru_rules), read by geodata.demo.sru: editing them recalibrates the
# demo. Here only the published rates of the ten deficit communes at the CMS signature, on the
# inventory the CMS period is computed from.

SEED_RATES_2022 = {
    "86041": 19.6,  # Buxerolles
    "86070": 16.7,  # Chauvigny
    "86115": 14.8,  # Jaunay-Marigny
    "86214": 14.6,  # Saint-Benoît
    "86157": 14.5,  # Mignaloux-Beauvoir
    "86158": 14.5,  # Migné-Auxances
    "86222": 11.0,  # Saint-Georges-lès-Baillargeaux
    "86100": 9.0,  # Fontaine-le-Comte
    "86163": 7.9,  # Montamisé
    "86297": 7.5,  # Vouneuil-sous-Biard
}

# --- Communes ---------------------------------------------------------------------------------
# class: "poitiers", "first_ring" (urban bus network), "town" (bourg-centre with services, poor
# transit) or "rural"; persons per household (population municipale / résidences principales,
# before the SRU calibration); approximate social housing rate in 2022 (%) for the communes
# whose rate is not fixed by the contrat de mixité sociale.

COMMUNE_PROFILES: dict[str, tuple[str, float, float | None]] = {
    "86194": ("poitiers", 1.78, 32.2),  # Poitiers
    "86041": ("first_ring", 2.10, None),  # Buxerolles
    "86214": ("first_ring", 2.35, None),  # Saint-Benoît
    "86062": ("first_ring", 2.30, 23.6),  # Chasseneuil-du-Poitou
    "86158": ("first_ring", 2.45, None),  # Migné-Auxances
    "86297": ("first_ring", 2.45, None),  # Vouneuil-sous-Biard
    "86157": ("first_ring", 2.40, None),  # Mignaloux-Beauvoir
    "86100": ("first_ring", 2.45, None),  # Fontaine-le-Comte
    "86163": ("first_ring", 2.45, None),  # Montamisé
    "86222": ("first_ring", 2.45, None),  # Saint-Georges-lès-Baillargeaux
    "86027": ("first_ring", 2.30, 5.0),  # Biard
    "86088": ("first_ring", 2.20, 6.5),  # Croutelle
    "86133": ("first_ring", 2.30, 9.5),  # Ligugé
    "86115": ("town", 2.40, None),  # Jaunay-Marigny
    "86070": ("town", 2.10, None),  # Chauvigny
    "86139": ("town", 2.20, 9.5),  # Lusignan
    "86095": ("town", 2.40, 5.5),  # Dissay
    "86019": ("town", 2.40, 4.5),  # Beaumont Saint-Cyr
    "86226": ("town", 2.35, 6.0),  # Saint-Julien-l'Ars
    "86213": ("town", 2.35, 4.0),  # Rouillé
    "86244": ("rural", 2.30, 3.5),  # Saint-Sauvant
    "86261": ("rural", 2.45, 2.5),  # Sèvres-Anxaumont
    "86031": ("rural", 2.35, 2.5),  # Bonnes
    "86024": ("rural", 2.40, 1.5),  # Béruges
    "86045": ("rural", 2.40, 2.0),  # Celle-Lévescault
    "86114": ("rural", 2.45, 1.0),  # Jardres
    "86124": ("rural", 2.45, 1.0),  # Lavoux
    "86256": ("rural", 2.45, 1.5),  # Savigny-Lévescault
    "86083": ("rural", 2.35, 2.5),  # Coulombiers
    "86268": ("rural", 2.45, 0.0),  # Tercé
    "86028": ("rural", 2.40, 1.5),  # Bignoux
    "86116": ("rural", 2.30, 2.0),  # Jazeneuil
    "86058": ("rural", 2.40, 0.0),  # Chapelle-Moulière
    "86198": ("rural", 2.40, 0.0),  # Pouillé
    "86202": ("rural", 2.30, 1.5),  # La Puye
    "86135": ("rural", 2.35, 0.0),  # Liniers
    "86253": ("rural", 2.25, 2.5),  # Sanxay
    "86080": ("rural", 2.40, 0.0),  # Cloué
    "86091": ("rural", 2.35, 0.0),  # Curzay-sur-Vonne
    "86239": ("rural", 2.30, 0.0),  # Sainte-Radégonde
}

# Yearly growth of the number of résidences principales, by class of commune.
RP_GROWTH = {"poitiers": 0.0035, "first_ring": 0.0075, "town": 0.006, "rural": 0.005}

# Share of the 2025 SRU count that is ordinary social housing in residences (the rest: foyers,
# residences for the elderly, conventioned private dwellings).
RESIDENCE_SHARE_OF_LLS = {"poitiers": (0.94, 0.96), "other": (0.87, 0.95)}

# --- Poitiers quartiers: share of the commune's social dwellings ------------------------------
# In the order of geodata.quartiers.QUARTIER_SEEDS. The six first-listed social-housing quartiers
# hold the quartiers prioritaires (QPV).

QUARTIER_SHARES = {
    "Centre-ville": 0.05,
    "Les Couronneries": 0.19,
    "Saint-Éloi": 0.10,
    "Breuil-Mingot": 0.05,
    "Beaulieu": 0.11,
    "Bel-Air": 0.09,
    "Les Trois-Cités": 0.16,
    "La Gibauderie": 0.07,
    "Montmidi": 0.05,
    "Pont-Neuf": 0.05,
    "Porteau": 0.05,
    "Saint-Cyprien": 0.03,
}
QPV_QUARTIERS = (
    "Les Couronneries",
    "Les Trois-Cités",
    "Beaulieu",
    "Bel-Air",
    "Saint-Éloi",
    "Breuil-Mingot",
)
CENTRE_QUARTIER = "Centre-ville"

# --- Bailleurs (all fictional) ----------------------------------------------------------------

OPH = "Office pictave de l'habitat"
BAILLEURS = (
    OPH,
    "Les Toits du Clain",
    "Boivre Logement",
    "Mélusine Habitat",
    "SEM Haut-Poitou Résidences",
)
# Weights of each bailleur by class of commune (same order as BAILLEURS).
BAILLEUR_WEIGHTS = {
    "poitiers": (0.64, 0.16, 0.08, 0.05, 0.07),
    "first_ring": (0.20, 0.35, 0.20, 0.20, 0.05),
    "town": (0.10, 0.25, 0.40, 0.20, 0.05),
    "rural": (0.05, 0.20, 0.45, 0.30, 0.00),
}
# Communes where one bailleur holds (nearly) all the stock, so that the dominance rule applies.
DOMINANT_BAILLEUR = {
    "86070": "Boivre Logement",  # Chauvigny
    "86139": "Mélusine Habitat",  # Lusignan
    "86163": "Les Toits du Clain",  # Montamisé
    "86095": "Boivre Logement",  # Dissay
}

# --- Typologies -------------------------------------------------------------------------------

TYPOLOGY_CODES = ("T1", "T2", "T3", "T4", "T5+")
TYPOLOGY_SURFACE_M2 = (31.0, 47.0, 65.0, 78.0, 93.0)


def generator(stream: str) -> np.random.Generator:
    """Return the random generator of one named stream of the demo data set.

    Parameters
    ----------
    stream : str
        Name of the stream (``"residences"``, ``"flows"``…).

    Returns
    -------
    numpy.random.Generator
        A PCG64 generator seeded with ``(SEED, crc32(stream))``: the same numbers on every machine.
    """
    return np.random.default_rng([SEED, zlib.crc32(stream.encode("utf-8"))])


def day(value: np.datetime64) -> int:
    """Days since 1970-01-01 of a date (the generator's time unit)."""
    return int(value.astype("datetime64[D]").astype(np.int64))


def days_to_dates(days: np.ndarray) -> np.ndarray:
    """Turn day numbers (``NaN`` for none) into ``datetime64[us]`` values (``NaT`` for none)."""
    values = np.asarray(days, dtype=float)
    out = np.full(values.shape, np.datetime64("NaT"), dtype="datetime64[us]")
    ok = ~np.isnan(values)
    out[ok] = values[ok].astype(np.int64).astype("datetime64[D]").astype("datetime64[us]")
    return out


def year_of(days: np.ndarray) -> np.ndarray:
    """Calendar year of day numbers."""
    return (
        np.asarray(days, dtype=np.int64)
        .astype("datetime64[D]")
        .astype("datetime64[Y]")
        .astype(np.int64)
        + 1970
    )
