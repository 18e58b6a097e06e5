"""Converters from the official files, as published, to the project's tables and layers.

One module per source: :mod:`~geodata.official.rpls` (social dwellings, grouped into residences
by :mod:`~geodata.official.grouping`), :mod:`~geodata.official.bpe` (INSEE equipment) and
:mod:`~geodata.official.gtfs` (transit stops), :mod:`~geodata.official.iris` (IRIS outlines as
quartiers), :mod:`~geodata.official.qpv` (QPV 2024 outlines), :mod:`~geodata.official.ops`
(occupancy surveys by residence or by commune). Each returns typed frames and a
:class:`~geodata.import_report.SourceReport`; none writes anything.
"""
