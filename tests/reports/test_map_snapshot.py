"""Static map snapshots: formats, size, content, names, secret statistique (map_snapshot)."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET

import matplotlib
import numpy as np
import pytest
from PIL import Image
from pypdf import PdfReader

from reports.map_snapshot import FORMATS, PAGE_SIZE_IN, RC, render_map, snapshot_figure
from services import map_views
from services.classify import classify_values
from services.export_rules import EXPORT_ACCESS
from services.map_indicators import map_values
from services.map_style import MASKED_HATCH, MUTED_MASKED, class_labels


@pytest.fixture(scope="module")
def occupancy_map(data):
    return map_views.territory_map(data, "commune", "res_below_40_pct", residence_mode="class")


@pytest.mark.parametrize("fmt", ["png", "png300"])
def test_png_has_the_page_size_and_is_not_blank(occupancy_map, fmt):
    image = Image.open(io.BytesIO(render_map(occupancy_map, fmt)))
    dpi = FORMATS[fmt].dpi
    # A4 landscape, truncated to whole pixels: 1285 × 909 on screen, 3507 × 2481 at 300 dpi
    assert image.size == (int(PAGE_SIZE_IN[0] * dpi), int(PAGE_SIZE_IN[1] * dpi))
    assert image.size == {"png": (1285, 909), "png300": (3507, 2481)}[fmt]
    pixels = np.asarray(image.convert("L"), dtype=float)
    assert pixels.std() > 20  # a blank or single-colour image has ~0
    # opaque: no alpha channel; the resolution is written in the file, for printing at size
    assert image.mode == "RGB"
    assert image.info["dpi"] == pytest.approx((dpi, dpi), abs=0.01)
    assert image.info["Title"] == occupancy_map.title


def test_the_png_holds_the_pixels_matplotlib_draws(data):
    content = map_views.locator_map(data, "commune", "86041")
    ours = Image.open(io.BytesIO(render_map(content, "png", compact=True, size_in=(2, 2), dpi=90)))
    buffer = io.BytesIO()
    with matplotlib.rc_context(RC):
        snapshot_figure(content, compact=True, size_in=(2, 2), dpi=90).savefig(buffer, dpi=90)
    reference = Image.open(buffer)
    assert ours.size == reference.size == (180, 180)
    assert np.array_equal(np.asarray(ours), np.asarray(reference.convert("RGB")))


def test_svg_and_pdf_open_and_carry_the_title_and_the_demo_notice(occupancy_map):
    svg = render_map(occupancy_map, "svg").decode("utf-8")
    ET.fromstring(svg)  # well-formed
    assert "Ménages sous 40 % des plafonds — communes" in svg
    pdf = PdfReader(io.BytesIO(render_map(occupancy_map, "pdf")))
    text = pdf.pages[0].extract_text()
    assert "Ménages sous 40 % des plafonds — communes" in text
    assert "DONNÉES DE DÉMONSTRATION (FICTIVES)" in text
    assert "Carte exportée le" in text and "10 km" in text


def test_masked_territories_are_hatched_and_their_values_never_printed(data, occupancy_map):
    shown = map_values(data.map_inputs, "commune", "res_below_40_pct", access=EXPORT_ACCESS)
    hidden = shown.index[shown["is_masked"]]
    assert len(hidden) > 0
    areas = occupancy_map.areas.set_index("code")
    assert set(areas.index[areas["is_masked"]]) == set(hidden)
    # residence points are drawn: the classes are greys and a hidden figure pale beige
    assert (areas.loc[hidden, "fill"] == MUTED_MASKED).all()
    # the classes, their bounds and their counts come from the figures shown only
    public = shown["value"].dropna()
    expected = class_labels(classify_values(public, "quantiles", 5), 1, "%")
    assert [e.label for e in occupancy_map.area_legend[: len(expected)]] == expected
    assert sum(e.count for e in occupancy_map.area_legend[: len(expected)]) == len(public)
    masked = [e for e in occupancy_map.area_legend if e.label == "secret statistique"]
    assert [(e.count, e.hatch) for e in masked] == [(len(hidden), MASKED_HATCH)]
    # what the map writes: names (drawn as outlined paths), legend, notes; never a figure of a
    # territory
    svg = render_map(occupancy_map, "svg").decode("utf-8")
    names = set(data.commune_table["commune_name"]) | set(data.quartier_table["quartier_name"])
    written = {t.text for t in ET.fromstring(svg).iter("{http://www.w3.org/2000/svg}text")}
    legend_lines = {f"{e.label} ({e.count})" for e in occupancy_map.area_legend}
    figures = [t for t in written if t and t[0].isdigit() and t not in legend_lines]
    assert figures == ["10 km"] or set(figures) <= {"10 km"}
    assert {label.text for label in occupancy_map.labels} <= names  # names on the map, no figure


def test_names_never_overlap(data):
    content = map_views.territory_map(data, "commune", "n_dwellings")
    fig = snapshot_figure(content)
    renderer = fig.canvas.get_renderer()
    ax = fig.axes[0]
    boxes = [t.get_window_extent(renderer) for t in ax.texts if t.get_text() not in ("N", "")]
    assert len(boxes) >= 30  # most of the 40 communes and the quartiers are named
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert not a.overlaps(b)


def test_every_format_writes_the_same_names(occupancy_map):
    def names(dpi):
        fig = snapshot_figure(occupancy_map, dpi=dpi)
        return sorted(t.get_text() for t in fig.axes[0].texts if t.get_text() not in ("N", ""))

    print_names = names(FORMATS["png300"].dpi)
    assert len(print_names) >= 30
    assert "Les Couronneries" in print_names and "Bel-Air" in print_names
    for fmt in ("png", "svg", "pdf"):
        assert names(FORMATS[fmt].dpi) == print_names, fmt


def test_the_view_extent_is_kept(data):
    bounds = {"_southWest": {"lat": 46.56, "lng": 0.31}, "_northEast": {"lat": 46.60, "lng": 0.38}}
    content = map_views.territory_map(data, "quartier", "n_dwellings", bounds=bounds)
    fig = snapshot_figure(content)
    minx, maxx = fig.axes[0].get_xlim()
    miny, maxy = fig.axes[0].get_ylim()
    x0, y0, x1, y1 = content.extent
    assert minx <= x0 and x1 <= maxx and miny <= y0 and y1 <= maxy
    # widened on one axis only, to the aspect of the map box
    assert (x1 - x0) == pytest.approx(maxx - minx) or (y1 - y0) == pytest.approx(maxy - miny)


def test_unknown_indicator_year_or_format_fail_in_french(data):
    with pytest.raises(ValueError, match=r"indicateur inconnu.*attendu : population"):
        map_views.territory_map(data, "commune", "taux")
    with pytest.raises(ValueError, match=r"année indisponible.*années : 2018, 2020, 2022, 2024"):
        map_views.territory_map(data, "commune", "res_below_40_pct", 2019)
    with pytest.raises(ValueError, match=r"format inconnu.*png, png300, svg, pdf"):
        render_map(map_views.locator_map(data, "commune", "86041"), "gif")
