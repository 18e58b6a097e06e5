"""The EPCI outline drawn on the exports: the union of its communes without the slivers their
simplified outlines leave between them."""

from __future__ import annotations

from shapely.geometry import MultiPolygon, Polygon, box

from services.export_data import SLIVER_M2, without_slivers


def _with_hole(side: float, hole: float) -> Polygon:
    """A square of ``side`` metres with a square hole of ``hole`` metres in its middle."""
    centre = side / 2
    inner = box(centre - hole / 2, centre - hole / 2, centre + hole / 2, centre + hole / 2)
    return box(0, 0, side, side).difference(inner)


def test_a_sliver_is_filled_and_an_enclave_kept():
    sliver = _with_hole(10_000, 50)  # 2 500 m²: a gap between two outlines
    enclave = _with_hole(10_000, 2_000)  # 4 km²: a commune outside the EPCI
    assert len(sliver.interiors) == 1 and Polygon(sliver.interiors[0]).area < SLIVER_M2
    filled = without_slivers(sliver)
    assert len(filled.interiors) == 0 and filled.area == 100_000_000
    kept = without_slivers(enclave)
    assert len(kept.interiors) == 1 and kept.area == enclave.area


def test_every_part_of_a_multipolygon_is_cleaned():
    parts = MultiPolygon([_with_hole(10_000, 50), box(20_000, 0, 21_000, 1_000)])
    cleaned = without_slivers(parts)
    assert [len(p.interiors) for p in cleaned.geoms] == [0, 0]
    assert cleaned.area == 100_000_000 + 1_000_000
