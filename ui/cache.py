"""Every Streamlit cache of the product, in one place.

Static data (boundaries, their simplified GeoJSON, the housing tables) is loaded once per server
process with ``st.cache_resource`` and must never be mutated by callers. Derived tables that depend
on user choices are cached with ``st.cache_data`` keyed on those choices.
"""

from __future__ import annotations

import datetime as dt
import functools
import gc
import threading
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path

import altair as alt
import geopandas as gpd
import pandas as pd
import streamlit as st

import geodata
from geodata import housing
from scoring import (
    ClassCertainty,
    CompositeIndex,
    IndexSpec,
    SensitivityResult,
    load_catalogue,
    load_profile,
    run_sensitivity,
)
from scoring import class_certainty as compute_class_certainty
from scoring.draws import UNCERTAIN_TREATMENTS, uncertainty_normalisations
from services import cotation as cotation_service
from services import (
    cotation_method,
    cotation_weights,
    data_state,
    map_indicators,
    profiles_store,
    sru_progress,
)
from services import residence_card as card_service
from services import simulation as simulation_service
from services import sru as sru_service
from services import sru_rules as sru_rules_service
from services.access import Viewer
from services.disclosure import (
    Access,
    Disclosure,
    DisclosureRules,
    load_rules,
    published_equality,
    published_flows,
    published_intake,
    published_sitting,
    round_columns,
)
from services.disclosure import cotation as public_cotation
from services.export_data import ExportData
from services.indicators import build_indicator_table
from services.map_indicators import TerritoryInputs
from services.peers import PeerAnalysis, peer_analysis
from services.simulation_score import CotationChange, simulate_cotation
from services.territory import commune_figures, epci_figures, quartier_figures
from ui import parc_data, profile_catalogue, sru_tables
from ui.maps import polygons_geojson

_loaded: data_state.DataSource | None = None
# Runs of this process, and the run at which the heap is next frozen (see settle_heap).
_heap = {"runs": 0, "next_freeze": 1}
_heap_lock = threading.Lock()
MAX_FREEZE_RUN = 4096


def data_version() -> tuple:
    """The store's address and data version (:func:`services.data_state.data_token`): it moves
    on every import, rollback and new reference profile, whichever server did it."""
    return data_state.data_token()


def loaded_data_token() -> tuple | None:
    """The data version the caches of this process were computed for."""
    return None if _loaded is None else _loaded.token


def refresh_if_data_changed() -> bool:
    """Read the data in force from the store; drop every cache when the data version moved
    since they were computed.

    Called once per run by the frame; returns whether the caches were cleared.
    """
    global _loaded
    source = data_state.current_source()
    changed = _loaded is not None and source.token != _loaded.token
    if changed:
        st.cache_resource.clear()
        st.cache_data.clear()
        # the old caches' objects go back to the collector
        gc.unfreeze()
    _loaded = source
    settle_heap(restart=changed)
    return changed


def settle_heap(restart: bool = False) -> bool:
    """Move the objects alive now (the cached tables, geometries and fitted indexes) out of
    the garbage collector's sight, at runs 1, 2, 4, 8… of the process (up to
    :data:`MAX_FREEZE_RUN`), as the caches fill.

    Python's full collections scan every tracked object: on this heap a pause of 0.3 to 0.7 s
    during which every session of the process waits. Frozen objects (:func:`gc.freeze`) are
    never scanned; they are still freed by reference counting when a cache drops them. The
    temporary objects of runs under way at that moment are frozen too: a few, a dozen times in
    the life of a process. ``restart`` (new data, caches cleared) starts the schedule again.
    Called by :func:`refresh_if_data_changed` once per run; returns whether it froze the heap.
    """
    with _heap_lock:
        if restart:
            _heap.update(runs=0, next_freeze=1)
        _heap["runs"] += 1
        if _heap["runs"] < _heap["next_freeze"] or _heap["next_freeze"] > MAX_FREEZE_RUN:
            return False
        _heap["next_freeze"] *= 2
    gc.freeze()
    return True


def data_source() -> data_state.DataSource:
    """The data in force, as read from the store at the start of this run."""
    if _loaded is None:
        refresh_if_data_changed()
    return _loaded


def version_dir() -> Path | None:
    """The directory of the dataset version in force (None: the demo data)."""
    return data_source().directory


def data_problem() -> str | None:
    """A French message when the files of the version in force are missing on this server."""
    return data_source().missing_files()


def housing_table(name: str) -> pd.DataFrame:
    """A housing table of the version in force (shared, read-only; see
    :func:`geodata.housing.load_table`)."""
    return _housing_table(name, version_dir())


@st.cache_resource(show_spinner=False)
def _housing_table(name: str, directory: Path | None) -> pd.DataFrame:
    return housing.load_table(name, directory)


@st.cache_resource(show_spinner=False)
def communes() -> gpd.GeoDataFrame:
    """The 40 communes with their boundaries."""
    return geodata.load_communes()


@st.cache_resource(show_spinner=False)
def communes_geojson() -> dict:
    """Simplified GeoJSON of the communes (built once; properties are added per render)."""
    return polygons_geojson(communes(), "commune_code")


def quartiers() -> gpd.GeoDataFrame:
    """The Poitiers quartiers (schematic or imported)."""
    return _quartiers(version_dir())


@st.cache_resource(show_spinner=False)
def _quartiers(directory: Path | None) -> gpd.GeoDataFrame:
    return geodata.load_quartiers(directory)


@st.cache_resource(show_spinner=False)
def quartiers_geojson() -> dict:
    """Simplified GeoJSON of the quartiers."""
    return polygons_geojson(quartiers(), "quartier_code", tolerance=0.0002)


def residences() -> gpd.GeoDataFrame:
    """One row per residence, with the latest OPS survey."""
    return _residences(version_dir())


@st.cache_resource(show_spinner=False)
def _residences(directory: Path | None) -> gpd.GeoDataFrame:
    return housing.load_residences(directory)


@st.cache_resource(show_spinner=False)
def sru_inventory() -> pd.DataFrame:
    """The SRU inventory, all years."""
    return housing_table("sru_inventory")


def is_demo() -> bool:
    """Whether the housing data shown is the embedded demo data set (the residences in force
    are the demo ones)."""
    return not data_source().holds("residences")


@st.cache_resource(show_spinner=False)
def commune_table() -> pd.DataFrame:
    """Key figures per commune."""
    return commune_figures(communes(), residences(), sru_inventory())


@st.cache_resource(show_spinner=False)
def quartier_table() -> pd.DataFrame:
    """Key figures per Poitiers quartier."""
    return quartier_figures(quartiers(), residences())


@st.cache_resource(show_spinner=False)
def epci_row() -> pd.Series:
    """Totals of the EPCI, for comparisons."""
    return epci_figures(commune_table(), sru_inventory())


@st.cache_resource(show_spinner=False)
def map_inputs() -> TerritoryInputs:
    """Every table the map indicators are computed from, with the reference cotation."""
    return TerritoryInputs(
        communes=communes(),
        quartiers=quartiers(),
        residences=residences(),
        sru_inventory=sru_inventory(),
        occupancy=housing_table("occupancy"),
        vacancies=housing_table("vacancies"),
        departures=housing_table("departures"),
        scores=reference_scores(),
        flags=peer_flags(),
        public_scores=public_reference_scores(),
        disclosure=disclosure(),
    )


@st.cache_resource(show_spinner=False, max_entries=256)
def territory_values(level: str, indicator: str, year: int | None, access: Access) -> pd.DataFrame:
    """One map indicator for every territory of ``level``, as ``access`` may see it."""
    return map_indicators.map_values(map_inputs(), level, indicator, year, access)


@st.cache_resource(show_spinner=False, max_entries=256)
def territory_history(level: str, code: str, access: Access) -> pd.DataFrame:
    """The main OPS shares of one territory over the surveys, as ``access`` may see them."""
    return map_indicators.occupancy_history(map_inputs(), level, code, access)


@st.cache_resource(show_spinner=False)
def peers() -> PeerAnalysis:
    """Peer groups and rebalancing flags of the parc (classes of the reference cotation)."""
    classes = reference_scores()["score_class"]
    return peer_analysis(residences(), housing_table("occupancy"), classes)


@st.cache_resource(show_spinner=False)
def peer_flags() -> pd.Series:
    """Flag of each residence (``rebalance``, ``capacity``, ``balanced``, ``not_evaluated``)."""
    return peers().residences["flag"]


@st.cache_resource(show_spinner=False)
def reference_scores() -> pd.DataFrame:
    """Cotation of every residence with the reference profile (indexed by ``residence_id``)."""
    return fitted_index("reference").transform()


# --- Cotation ---------------------------------------------------------------------------------


@st.cache_resource(show_spinner=False)
def indicator_table() -> pd.DataFrame:
    """Raw indicator values per residence (one column per catalogue code)."""
    return build_indicator_table(residences())


def profile_token(name: str) -> tuple[int, int] | None:
    """Id and version of the saved profile behind ``name`` (None: a shipped profile).

    Part of the cache keys of everything computed from a profile, so that a new version saved
    on any server is used at the next run.
    """
    record = profile_catalogue.stored_record(name)
    return None if record is None else (record.id, record.version)


def profile(name: str) -> IndexSpec:
    """A validated weight profile: shipped in ``config/profiles`` or saved in the store;
    ``"reference"`` is the CIL's saved reference when there is one."""
    return _profile(name, profile_token(name))


@st.cache_resource(show_spinner=False)
def _profile(name: str, token: tuple[int, int] | None) -> IndexSpec:
    if token is None:
        return load_profile(name)
    record = profile_catalogue.stored_record(name)
    return profiles_store.spec_of(record, as_reference=name == profiles_store.REFERENCE)


def fitted_index(name: str) -> CompositeIndex:
    """The index of profile ``name`` fitted on the whole territory (shared, read-only).

    Re-weighting calls :meth:`CompositeIndex.rescore`, which reuses this fit and never
    re-normalises; another normalisation needs another fit (:func:`refitted_index`).
    """
    return _fitted_index(name, profile_token(name))


@st.cache_resource(show_spinner=False)
def _fitted_index(name: str, token: tuple[int, int] | None) -> CompositeIndex:
    return CompositeIndex(profile(name)).fit(indicator_table())


def refitted_index(name: str, normalisation: str, treatment: str | None = None) -> CompositeIndex:
    """The index of profile ``name`` with the normalisation ``normalisation`` and the treatment
    of extreme values ``treatment`` (the profile's when None), fitted on the whole territory
    (shared, read-only).

    The method panel of the cotation page may change the normalisation and the treatment: the
    treatment and the bounds are fitted again on the reference population (a few milliseconds),
    once per profile, normalisation and treatment. Weights, aggregation and classes are then
    re-weightings of this fit (:meth:`CompositeIndex.reweight`). The profile's own method is
    :func:`fitted_index`.
    """
    return _refitted_index(name, normalisation, treatment, profile_token(name))


@st.cache_resource(show_spinner=False)
def _refitted_index(
    name: str, normalisation: str, treatment: str | None, token: tuple[int, int] | None
) -> CompositeIndex:
    base = profile(name)
    treatment = treatment or base.method.treatment
    if (normalisation, treatment) == (base.method.normalisation, base.method.treatment):
        return fitted_index(name)
    spec = base.with_method(normalisation=normalisation, treatment=treatment)
    return CompositeIndex(spec).fit(indicator_table())


# --- SRU et contrat de mixité sociale ; Tableau de bord du parc social ------------------------
# Per-level tables (all territories of a level, all years) are few and read-only: cache_resource.
# Results keyed on a territory, a year or a date: cache_data.


@st.cache_resource(show_spinner=False)
def sru_rules() -> sru_rules_service.SruRules:
    """The SRU rules of ``config/sru.toml``, checked."""
    return sru_rules_service.load_sru_rules()


@st.cache_resource(show_spinner=False)
def sru_exemption_notes() -> list[dict]:
    """The exemptions of ``config/sru.toml`` with their legal references (rule box)."""
    return sru_tables.exemption_notes()


@st.cache_resource(show_spinner=False)
def sru_production() -> pd.DataFrame:
    """Social dwellings agreed and delivered, per commune and year."""
    return housing_table("sru_production")


@st.cache_data(show_spinner=False)
def sru_situation(year: int) -> pd.DataFrame:
    """Every commune at the SRU inventory of 1 January ``year`` and the objectives it sets."""
    return sru_tables.sru_situation(sru_inventory(), communes(), year, sru_rules())


@st.cache_resource(show_spinner=False)
def cms_objectives() -> pd.DataFrame:
    """Objectives of the CMS period for the subject communes."""
    rules = sru_rules()
    return sru_service.sru_objectives(
        sru_inventory(), rules.cms.period, communes=communes(), rules=rules
    )


@st.cache_resource(show_spinner=False)
def cms_summary() -> sru_service.SruSummary:
    """Droit-commun total, mutualised total and uplift of the CMS period."""
    return sru_service.sru_summary(cms_objectives(), rules=sru_rules())


@st.cache_resource(show_spinner=False)
def cms_progress() -> pd.DataFrame:
    """Yearly progress of the CMS communes (and their total) against their objective."""
    return sru_progress.cms_progress(cms_objectives(), sru_production())


@st.cache_resource(show_spinner=False)
def sru_trajectories() -> pd.DataFrame:
    """Rate needed each year against the CMS pace, for every deficit commune."""
    return sru_progress.sru_trajectory(sru_inventory(), cms_objectives(), rules=sru_rules())


@st.cache_resource(show_spinner=False)
def stock_rules() -> parc_data.StockRules:
    """Definitions and thresholds of the dashboard (``config/stock.toml``)."""
    return parc_data.stock_rules()


@st.cache_resource(show_spinner=False)
def masking_rules() -> DisclosureRules:
    """The rules of the secret statistique (``config/disclosure.toml``)."""
    return load_rules()


@st.cache_resource(show_spinner=False)
def disclosure() -> Disclosure:
    """The suppression decisions of the data set (computed per table on first use, kept)."""
    tables = parc_tables()
    return Disclosure(
        tables["residences"],
        tables["occupancy"],
        tables["attributions"],
        tables["departures"],
        rules=masking_rules(),
        stock_rules=stock_rules(),
    )


@st.cache_resource(show_spinner=False)
def parc_tables() -> dict[str, pd.DataFrame]:
    """The housing tables of the dashboard, loaded once (never mutate them)."""
    return {
        "residences": residences(),
        "occupancy": housing_table("occupancy"),
        "attributions": housing_table("attributions"),
        "departures": housing_table("departures"),
        "vacancies": housing_table("vacancies"),
        "demands": housing_table("demands"),
    }


@st.cache_resource(show_spinner=False)
def parc_years() -> list[int]:
    """Years of the dashboard: those of the attributions and departures."""
    tables = parc_tables()
    return parc_data.parc_years(tables["attributions"], tables["departures"])


@st.cache_resource(show_spinner=False)
def territory_names(level: str) -> dict[str, str]:
    """Code → name of the territories of ``level`` holding social dwellings."""
    return parc_data.territory_names(level, residences(), communes(), quartiers())


@st.cache_resource(show_spinner=False)
def parc_level_table(name: str, level: str) -> pd.DataFrame:
    """A per-level table of the dashboard (see :func:`ui.parc_data.per_level`)."""
    return parc_data.per_level(name, level, parc_tables(), parc_years(), stock_rules())


@st.cache_resource(show_spinner=False, max_entries=512)
def published_rows(name: str, level: str, code: str, access: Access) -> pd.DataFrame:
    """The rows of one territory of a per-level table, all years, as ``access`` may see them
    (shared, read-only).

    ``entrants`` and ``leavers`` profiles and the ``sitting`` OPS shares go through the secret
    statistique (:mod:`services.disclosure.tables`); the other tables (stock, vacancy,
    rotation: RPLS open data) are rounded only.
    """
    table = parc_level_table(name, level)
    if name == "equality":
        rows = table[table["group_code"] == code]
        return published_equality(disclosure(), rows, level, access)
    rows = table[table["territory_code"] == code]
    if name in ("entrants", "leavers"):
        return published_flows(disclosure(), rows, name, level, access)
    if name == "sitting":
        return published_sitting(disclosure(), rows, level, access)
    decimals = masking_rules().decimals["share"]
    return round_columns(rows, {c: decimals for c in rows.columns if c.endswith("_pct")})


@st.cache_resource(show_spinner=False, max_entries=64)
def published_intake_table(level: str, survey_year: int, access: Access) -> pd.DataFrame:
    """Entrants against sitting tenants of every territory of ``level``, as ``access`` may see
    them (the median of the published shares)."""
    return published_intake(
        disclosure(),
        intake_table(level, survey_year),
        level,
        access,
        stock_rules().tolerance_points,
    )


@st.cache_data(show_spinner=False)
def intake_table(level: str, survey_year: int) -> pd.DataFrame:
    """Entrants against sitting tenants of one OPS survey, every territory of ``level``."""
    return parc_data.intake(parc_tables(), level, survey_year, stock_rules())


@st.cache_data(show_spinner=False)
def fragile_table(survey_year: int) -> pd.DataFrame:
    """Residences where the intake reinforces an already fragile occupancy."""
    return parc_data.fragile(parc_tables(), survey_year, stock_rules())


@st.cache_resource(show_spinner=False)
def vacancy_extract_date() -> dt.date:
    """Extract date of the vacancy table."""
    return parc_data.latest_date(parc_tables()["vacancies"])


@st.cache_data(show_spinner=False)
def offer_table(level: str, code: str, day: dt.date, by: tuple[str, ...]) -> pd.DataFrame:
    """Dwellings available at ``day`` in a territory."""
    return parc_data.offer_table(parc_tables(), level, code, day, by, stock_rules())


@st.cache_data(show_spinner=False)
def relet_table(level: str, code: str, year: int, by: tuple[str, ...]) -> pd.DataFrame:
    """Time to re-let the dwellings of a territory that fell vacant in ``year``."""
    return parc_data.relet_table(
        parc_tables(), level, code, year, by, vacancy_extract_date(), stock_rules()
    )


@st.cache_data(show_spinner=False)
def pressure_table(commune: str | None, by: tuple[str, ...]) -> pd.DataFrame:
    """Active demand and pressure for a commune (None: the whole EPCI)."""
    return parc_data.pressure_table(parc_tables(), commune, by, stock_rules())


# --- Cotation des résidences ; Méthode et sources ---------------------------------------------
# The public cotation hangs on the reference profile: a new reference moves the data version,
# which clears every cache (refresh_if_data_changed); other profiles key on their saved version.


@st.cache_resource(show_spinner=False)
def publishable_pillar() -> pd.Series:
    """Whether each residence's Occupation pillar may be published (by ``residence_id``)."""
    return public_cotation.publishable_pillar(
        residences(), indicator_table(), profile("reference"), masking_rules()
    )


@st.cache_resource(show_spinner=False)
def public_pillar() -> pd.Series:
    """The published Occupation pillar of every residence (NaN where withheld)."""
    reference = fitted_index("reference")
    return public_cotation.public_pillar(
        reference, indicator_table(), publishable_pillar(), masking_rules()
    )


@st.cache_resource(show_spinner=False)
def own_index() -> CompositeIndex:
    """The reference index that scores a residence for a viewer who sees it but not every
    residence (:func:`services.disclosure.cotation.own_index`)."""
    return public_cotation.own_index(
        profile("reference"), indicator_table(), publishable_pillar(), masking_rules()
    )


@st.cache_resource(show_spinner=False)
def public_indicator_table() -> pd.DataFrame:
    """The indicator table of the public cotation (the pillar as one published value)."""
    return public_cotation.public_indicator_table(
        indicator_table(), catalogue(), public_pillar(), masking_rules()
    )


def public_fitted_index(
    name: str, normalisation: str, treatment: str | None = None
) -> CompositeIndex:
    """The public index of profile ``name`` with ``normalisation`` and the treatment of extreme
    values ``treatment`` (the profile's when None), fitted on the whole parc.

    What a viewer without access to every residence is scored with
    (:mod:`services.disclosure.cotation`); weights are re-weightings of this fit.
    """
    return _public_fitted_index(name, normalisation, treatment, profile_token(name))


@st.cache_resource(show_spinner=False)
def _public_fitted_index(
    name: str, normalisation: str, treatment: str | None, token: tuple[int, int] | None
) -> CompositeIndex:
    base = profile(name)
    method = base.with_method(
        normalisation=normalisation, treatment=treatment or base.method.treatment
    )
    spec = public_cotation.public_spec(method, masking_rules())
    return CompositeIndex(spec).fit(public_indicator_table())


def publishable_index(
    name: str, normalisation: str, treatment: str | None = None
) -> CompositeIndex:
    """The full index of profile ``name`` fitted with the Occupation pillar's OPS indicators
    blanked where the pillar is withheld (:func:`services.disclosure.cotation.publishable_table`).

    Its treatment of extreme values and its bounds check are what the Méthode page reports to a
    viewer who does not see every residence: a winsorisation bound is one residence's share.
    """
    return _publishable_index(name, normalisation, treatment, profile_token(name))


@st.cache_resource(show_spinner=False)
def _publishable_index(
    name: str, normalisation: str, treatment: str | None, token: tuple[int, int] | None
) -> CompositeIndex:
    base = profile(name)
    spec = base.with_method(
        normalisation=normalisation, treatment=treatment or base.method.treatment
    )
    table = public_cotation.publishable_table(
        indicator_table(), spec, publishable_pillar(), masking_rules()
    )
    return CompositeIndex(spec).fit(table)


@st.cache_resource(show_spinner=False)
def public_reference_scores() -> pd.DataFrame:
    """The public cotation of every residence with the reference profile."""
    base = profile("reference")
    return public_fitted_index(
        "reference", base.method.normalisation, base.method.treatment
    ).transform()


@st.cache_resource(show_spinner=False)
def scores_for(sees_all: bool) -> pd.DataFrame:
    """Reference scores as a viewer sees them (the full ones, or the public ones), rounded to
    their published decimals."""
    scores = reference_scores() if sees_all else public_reference_scores()
    return public_cotation.published_scores(scores, masking_rules())


@st.cache_resource(show_spinner=False)
def catalogue() -> IndexSpec:
    """The indicator catalogue with its default weights and method."""
    return load_catalogue()


@st.cache_resource(show_spinner=False)
def residence_directory() -> pd.DataFrame:
    """Name, address, bailleur, commune and quartier of every residence, by ``residence_id``."""
    return cotation_service.residence_directory(residences(), communes(), quartiers())


@st.cache_resource(show_spinner=False)
def residence_labels() -> dict[str, str]:
    """« name — commune (identifier) » of every residence, for the pickers (read-only)."""
    return cotation_service.residence_labels(residence_directory())


@st.cache_resource(show_spinner=False)
def residence_coordinates() -> pd.DataFrame:
    """Longitude and latitude (WGS 84, 5 decimals) of every residence, by ``residence_id``."""
    points = residences()
    if points.crs is not None and points.crs.to_epsg() != 4326:
        points = points.to_crs(4326)
    return pd.DataFrame(
        {
            "lon": points.geometry.x.round(5).to_numpy(),
            "lat": points.geometry.y.round(5).to_numpy(),
        },
        index=pd.Index(points["residence_id"].to_numpy(), name="residence_id"),
    )


def sensitivity(
    profile_name: str, weights: tuple[float, ...], method: tuple[str, ...], public: bool = False
) -> SensitivityResult:
    """Sensitivity of the ranking around profile ``profile_name`` with ``weights`` and
    ``method``.

    ``weights``: pillars then indicators, see :func:`services.cotation_weights.weight_key`;
    ``method``: treatment of extreme values, normalisation, aggregation and classes, see
    :func:`services.cotation_method.method_key`; ``public``: on the public cotation (the
    Occupation pillar as one published value). The draws are those of :func:`class_certainty`
    (weights, normalisation, treatment). From 0.5 s to 2 s (natural breaks recomputed on every
    draw), kept per weighting and method.
    """
    return _sensitivity(profile_name, profile_token(profile_name), weights, method, public)


@st.cache_resource(show_spinner=False, max_entries=32)
def _sensitivity(
    profile_name: str,
    token: tuple[int, int] | None,
    weights: tuple[float, ...],
    method: tuple[str, ...],
    public: bool,
) -> SensitivityResult:
    spec = _session_spec(profile_name, weights, method, public)
    table = public_indicator_table() if public else indicator_table()
    return run_sensitivity(
        table,
        spec,
        methods=uncertainty_normalisations(spec),
        treatments=UNCERTAIN_TREATMENTS,
    )


def _session_spec(
    profile_name: str, weights: tuple[float, ...], method: tuple[str, ...], public: bool = False
) -> IndexSpec:
    spec = cotation_weights.with_weight_key(profile(profile_name), weights)
    spec = cotation_method.with_method_key(spec, method)
    return public_cotation.public_spec(spec, masking_rules()) if public else spec


def class_certainty(
    profile_name: str, weights: tuple[float, ...], method: tuple[str, ...], public: bool = False
) -> ClassCertainty:
    """How sure each residence's class is around profile ``profile_name`` with ``weights`` and
    ``method`` (keys as for :func:`sensitivity`): 1,000 draws of weights, normalisation and
    treatment (:func:`scoring.class_certainty`); ``public``: of the public cotation (the draws
    never move the Occupation pillar's internal weights). From 0.2 s (fixed thresholds) to
    1.5 s (natural breaks, recomputed on every draw), kept per weighting and method.
    """
    return _class_certainty(profile_name, profile_token(profile_name), weights, method, public)


@st.cache_resource(show_spinner=False, max_entries=32)
def _class_certainty(
    profile_name: str,
    token: tuple[int, int] | None,
    weights: tuple[float, ...],
    method: tuple[str, ...],
    public: bool,
) -> ClassCertainty:
    spec = _session_spec(profile_name, weights, method, public)
    if public:
        fitted = public_fitted_index(profile_name, spec.method.normalisation, spec.method.treatment)
        return compute_class_certainty(public_indicator_table(), spec, index=fitted)
    index = refitted_index(profile_name, spec.method.normalisation, spec.method.treatment)
    return compute_class_certainty(indicator_table(), spec, index=index)


def reference_certainty(public: bool = False) -> ClassCertainty:
    """How sure each residence's class is under the reference profile (fiche résidence);
    ``public``: of the public cotation."""
    spec = profile("reference")
    return class_certainty(
        "reference", cotation_weights.weight_key(spec), cotation_method.method_key(spec), public
    )


# --- Fiche résidence ; Groupes de pairs --------------------------------------------------------


@st.cache_resource(show_spinner=False)
def residence_card_inputs() -> card_service.CardInputs:
    """The tables every fiche résidence is assembled from (shared, read-only)."""
    tables = parc_tables()
    reference = profile("reference").method
    return card_service.CardInputs(
        directory=residence_directory(),
        residences=residences(),
        indicator_table=indicator_table(),
        index=fitted_index("reference"),
        scores=reference_scores(),
        analysis=peers(),
        occupancy=tables["occupancy"],
        attributions=tables["attributions"],
        departures=tables["departures"],
        rules=masking_rules(),
        stock_rules=stock_rules(),
        public_index=public_fitted_index("reference", reference.normalisation, reference.treatment),
        public_table=public_indicator_table(),
        public_scores=public_reference_scores(),
        own_index=own_index(),
    )


@st.cache_resource(show_spinner=False, max_entries=64)
def residence_card(residence_id: str, viewer: Viewer) -> card_service.ResidenceCard:
    """The fiche of one residence for one viewer (read-only)."""
    return card_service.residence_card(residence_card_inputs(), residence_id, viewer)


@st.cache_resource(show_spinner=False)
def simulation_context() -> simulation_service.SimulationContext:
    """The fitted fragility index and the surveys the attribution simulator starts from."""
    return simulation_service.simulation_context(peers(), parc_tables()["occupancy"])


@st.cache_resource(show_spinner=False)
def applicant_quartiles() -> pd.DataFrame:
    """Bounds and typical resources (% of the PLUS ceilings) of each quartile of the applicants."""
    demands = parc_tables()["demands"]
    return simulation_service.quartile_resources(demands["resources_pct_ceiling"])


@st.cache_data(show_spinner=False, max_entries=64)
def simulated_cotation(
    residence_id: str,
    entering: simulation_service.Household | None,
    leaving: simulation_service.Household | None = None,
    public: bool = False,
) -> CotationChange:
    """Score, class and rank of a residence after a simulated move, with the fiche's index.

    ``public``: scored with :func:`own_index` and ranked among the other residences' public
    scores (a viewer who does not see every residence must not probe the others' full scores
    through its rank, nor their shares through the bounds).
    """
    inputs = residence_card_inputs()
    others = inputs.public_scores["score"] if public else None
    return simulate_cotation(
        inputs.own_index if public else inputs.index,
        inputs.indicator_table,
        inputs.residences,
        residence_id,
        entering,
        leaving,
        others=others,
    )


@st.cache_resource(show_spinner=False)
def peer_members(sees_all: bool = True) -> pd.DataFrame:
    """Every residence with its place, cotation, peer group, fragility and flag (read-only).

    ``sees_all``: the full cotation, else the public one (fragility is masked by the page).
    """
    analysis = peers().residences
    table = residence_directory()[["residence_name", "commune_name", "bailleur", "n_dwellings"]]
    table = table.join(scores_for(sees_all)[["score", "score_class"]])
    table["score_class"] = table["score_class"].astype(str)
    for column in ("group", "group_name", "n_households", "fragility", "robust_z", "flag", "rule"):
        table[column] = analysis[column].reindex(table.index)
    table["flag"] = table["flag"].fillna("not_evaluated")
    return table.join(residence_coordinates())


# --- Exports (map snapshots, fiches territoriales) --------------------------------------------


@st.cache_resource(show_spinner=False)
def export_data() -> ExportData:
    """The data of the exports, built from the tables cached above (nothing computed twice)."""
    tables = parc_tables()
    return ExportData(
        communes=communes(),
        quartiers=quartiers(),
        residences=residences(),
        sru_inventory=sru_inventory(),
        occupancy=tables["occupancy"],
        attributions=tables["attributions"],
        departures=tables["departures"],
        vacancies=tables["vacancies"],
        is_demo=is_demo(),
        scores=reference_scores(),
        analysis=peers(),
        public_scores=public_reference_scores(),
        disclosure=disclosure(),
    )


# --- Charts ------------------------------------------------------------------------------------

# Building an Altair chart copies its parts deeply at every step (layer, properties,
# configure), then its Vega-Lite spec is written out: 20 to 100 ms per chart of the suivi pages,
# several per page. A chart is a pure function of its data, so it is built once per distinct
# input (content-hashed) and shared by every session of the process, its spec with it.
FIGURES = 512
_chart_specs: OrderedDict[int, tuple[object, dict]] = OrderedDict()
_chart_specs_lock = threading.Lock()


def figure(build: Callable[..., alt.TopLevelMixin]) -> Callable[..., alt.TopLevelMixin]:
    """Decorate a function building a chart from its arguments only (no session, no cache
    read): the chart is built once per distinct arguments, compared by content, and its
    Vega-Lite spec computed then (:func:`chart_spec`). Callers must not change it."""

    @st.cache_resource(show_spinner=False, max_entries=FIGURES)
    @functools.wraps(build)
    def cached(*args, **kwargs):
        chart = build(*args, **kwargs)
        spec = chart.to_dict(validate=False)
        with _chart_specs_lock:
            _chart_specs[id(chart)] = (chart, spec)
            while len(_chart_specs) > FIGURES:
                _chart_specs.popitem(last=False)
        return chart

    return cached


def chart_spec(chart: alt.TopLevelMixin) -> dict:
    """The Vega-Lite spec of ``chart``: the one computed when :func:`figure` built it, else
    written out now. A new dict at its top level (Streamlit edits that level)."""
    with _chart_specs_lock:
        known = _chart_specs.get(id(chart))
    if known is not None and known[0] is chart:
        return dict(known[1])
    return chart.to_dict(validate=False)
