"""The embedded demo "parc social" of Grand Poitiers: fictional, deterministic, labelled.

``python -m geodata.demo [output_dir]`` regenerates the eight tables of the data dictionary
(residences, OPS occupancy, vacancies, attributions, departures, demands, SRU inventory and
production) into ``geodata/demo/data`` by default. One seed drives everything, so the files are
the same on every machine. Residences, bailleurs, households and demands are invented; the SRU
rates of the ten deficit communes in the 2022 inventory are those of the contrat de mixité sociale
mutualisant, and the communes' outlines and populations are real.
"""

from geodata.demo.build import build_demo, write_demo

__all__ = ["build_demo", "write_demo"]
