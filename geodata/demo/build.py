"""Assemble and write the demo data set.

:func:`build_demo` runs the generator's steps in order (SRU, residences, places, dynamics,
simulation, households, flows, surveys, demands) and returns the eight tables of the data
dictionary; :func:`write_demo` writes them as Parquet files (GeoParquet for the residences) named
after their table, the names the loaders of :mod:`geodata.housing` look for.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd

from geodata.communes import CRS_WGS84, POITIERS_CODE, load_communes
from geodata.demo.demands import build_demands, demand_count, draw_demand_resources, q1_threshold
from geodata.demo.dynamics import residence_dynamics
from geodata.demo.flows import build_flows, expand_dwellings
from geodata.demo.names import name_residences
from geodata.demo.occupancy import build_occupancy
from geodata.demo.occupants import draw_occupants
from geodata.demo.params import SEED, generator, seeded
from geodata.demo.places import describe_surroundings, locate_residences
from geodata.demo.residences import describe_residences, dwelling_targets, plan_residences
from geodata.demo.sru import build_sru
from geodata.demo.tenancies import simulate
from geodata.housing import file_name
from geodata.paths import DEMO_DIR
from geodata.quartiers import schematic_quartiers
from geodata.schemas import TABLES, validate_table


def _residences(stock: pd.DataFrame, points: gpd.GeoSeries) -> gpd.GeoDataFrame:
    columns = [c for c in TABLES["residences"].names if c != "geometry"]
    frame = stock[columns].copy()
    for column in (
        "residence_id",
        "residence_name",
        "address",
        "bailleur",
        "commune_code",
        "quartier_code",
        "dpe_label",
        "psp_class",
    ):
        frame[column] = frame[column].astype("str")
    for column in ("n_dwellings", "n_t1", "n_t2", "n_t3", "n_t4", "n_t5_plus", "year_built"):
        frame[column] = frame[column].astype("int64")
    frame["is_qpv"] = frame["is_qpv"].astype(bool)
    frame["has_lift"] = frame["has_lift"].astype(bool)
    frame["year_rehab"] = frame["year_rehab"].astype("Int64")
    return gpd.GeoDataFrame(frame, geometry=points.to_numpy(), crs=CRS_WGS84)


def build_demo(seed: int = SEED) -> dict[str, pd.DataFrame]:
    """Generate the eight tables of the demo data set.

    Parameters
    ----------
    seed : int, default :data:`geodata.demo.params.SEED`
        Another seed draws another parc with the same parameters (same communes and targets).

    Returns
    -------
    dict of pandas.DataFrame
        Keyed by table name (``residences`` is a GeoDataFrame), each checked against the data
        dictionary and sorted by its key.
    """
    with seeded(seed):
        return _build()


def _build() -> dict[str, pd.DataFrame]:
    communes = load_communes()
    poitiers = communes.loc[communes["commune_code"] == POITIERS_CODE, "geometry"].iloc[0]
    quartiers = schematic_quartiers(poitiers)
    sru = build_sru(communes)
    stock = describe_residences(plan_residences(dwelling_targets(sru.lls_2025), quartiers))
    points = locate_residences(stock, communes, quartiers)
    stock = stock.join(describe_surroundings(stock, points, communes, quartiers))
    stock = stock.join(name_residences(stock, communes.set_index("commune_code")["commune_name"]))

    dynamics = residence_dynamics(stock)
    dwellings = expand_dwellings(stock)
    demand_resources = draw_demand_resources(demand_count())
    threshold = q1_threshold(demand_resources)
    simulation = simulate(
        dwellings["residence"].to_numpy(),
        dwellings["typology"].to_numpy(),
        dynamics,
        generator("tenancies"),
    )
    occupants = draw_occupants(
        simulation.tenancies,
        dwellings["residence"].to_numpy(),
        dwellings["typology"].to_numpy(),
        stock,
        dynamics,
        threshold,
    )
    flows = build_flows(stock, dwellings, simulation, occupants, dynamics, threshold)
    stock = stock.join(flows.rates)
    occupancy = build_occupancy(stock, simulation.tenancies, occupants, dynamics)
    by_commune = stock.groupby("commune_code")["n_dwellings"].sum()
    demands = build_demands(communes, by_commune, demand_resources, threshold)

    tables = {
        "residences": _residences(stock, points),
        "occupancy": occupancy,
        "vacancies": flows.vacancies,
        "attributions": flows.attributions,
        "departures": flows.departures,
        "demands": demands,
        "sru_inventory": sru.inventory,
        "sru_production": sru.production,
    }
    for name, frame in tables.items():
        validate_table(frame, TABLES[name], file=file_name(name))
    return tables


def write_demo(output_dir: str | Path = DEMO_DIR, seed: int = SEED) -> dict[str, Path]:
    """Generate the demo data set and write it.

    Parameters
    ----------
    output_dir : str or Path, default ``geodata/demo/data``
        Directory to write into (created if needed).
    seed : int, default :data:`geodata.demo.params.SEED`
        The seed of the parc (see :func:`build_demo`).

    Returns
    -------
    dict of Path
        The file written for each table.
    """
    output = Path(output_dir)
    output.mkdir(parents=True, exist_ok=True)
    written = {}
    for name, frame in build_demo(seed).items():
        path = output / file_name(name)
        tmp = path.with_suffix(".tmp")
        frame.to_parquet(tmp, index=False, compression="zstd")
        tmp.replace(path)
        written[name] = path
    return written
