"""Static map snapshots: a :class:`services.map_content.MapContent` drawn with matplotlib.

Lambert-93, no browser. A full snapshot is an A4 landscape page: title and subtitle, the map
(areas, quartier outlines, EPCI outline, residence points, names that never collide, scale bar in
km, north arrow pointing to true north), the legend with class bounds and counts (« secret
statistique » hatched), the notes, the source and vintage line, the export date and the demo-data
notice. A compact map (:func:`render_map` with ``compact=True``) is the map alone, with its scale
bar and north arrow, for the fiches.

Formats: ``png`` (screen, 110 dpi), ``png300`` (print, 300 dpi), ``svg`` and ``pdf`` (text kept as
text). The pixel size of a PNG only depends on the format: no tight bounding box. A PNG is drawn
once, at its own resolution (the names are placed with the renderer that draws them), and written
as opaque RGB by :mod:`reports.png_file`.
"""

from __future__ import annotations

import io
import textwrap
from dataclasses import dataclass

import matplotlib
import matplotlib.patheffects as path_effects
import numpy as np
import shapely
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg
from matplotlib.collections import PatchCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import PathPatch, Rectangle
from matplotlib.path import Path
from matplotlib_scalebar.scalebar import ScaleBar
from pyproj import Proj

from reports.png_file import png_bytes
from services.fmt import fmt_date
from services.map_content import MapContent
from services.map_style import MASKED_HATCH, OUTLINE


@dataclass(frozen=True)
class SnapshotFormat:
    """An output format: file extension, MIME type, resolution and French label."""

    extension: str
    mime: str
    dpi: int
    label: str


FORMATS = {
    "png": SnapshotFormat("png", "image/png", 110, "PNG écran"),
    "png300": SnapshotFormat("png", "image/png", 300, "PNG 300 dpi (impression)"),
    "svg": SnapshotFormat("svg", "image/svg+xml", 72, "SVG (vectoriel)"),
    "pdf": SnapshotFormat("pdf", "application/pdf", 72, "PDF (vectoriel)"),
}
PAGE_SIZE_IN = (11.69, 8.27)  # A4 landscape
MAP_BOX = (0.02, 0.085, 0.67, 0.79)  # left, bottom, width, height (figure fraction)
LEGEND_BOX = (0.705, 0.085, 0.28, 0.79)
FONT = "DejaVu Sans"
QUARTIER_COLOR = "#6a3d9a"
HIGHLIGHT_COLOR = "#d7301f"
DEMO_COLOR = "#b30000"
POINT_SCALE = 0.8  # web-map pixels to typographic points for residence markers
RC = {
    "font.family": FONT,
    "svg.fonttype": "none",
    "pdf.fonttype": 3,  # glyphs embedded once, text still extractable; 42 takes 0.3 s more
    "hatch.linewidth": 0.6,
}
# Names are placed with the metrics of the glyph outlines at print resolution, whatever the
# format, so that every format of a view writes the same names (SVG and PDF text is unhinted).
PLACEMENT_DPI = 300
# From this resolution on a 7.5 pt letter is 20 pixels high or more: snapping its outline to the
# pixel grid (hinting) changes nothing visible and takes a third of the time spent on text.
UNHINTED_FROM_DPI = 200


def _rc(dpi: float) -> dict:
    """The matplotlib settings for drawing (or measuring) at ``dpi``."""
    return {**RC, "text.hinting": "no_hinting"} if dpi >= UNHINTED_FROM_DPI else RC


def snapshot_format(code: str) -> SnapshotFormat:
    """The format ``code`` (``png``, ``png300``, ``svg``, ``pdf``).

    Raises
    ------
    ValueError
        Unknown format (French message listing the valid ones).
    """
    if code not in FORMATS:
        raise ValueError(f"format inconnu : « {code} » (attendu : {', '.join(FORMATS)}).")
    return FORMATS[code]


# --- Geometry to matplotlib ---------------------------------------------------------------------


def _ring_codes(n: int) -> list[int]:
    return [Path.MOVETO, *[Path.LINETO] * (n - 2), Path.CLOSEPOLY]


def geometry_path(geometry) -> Path:
    """A compound matplotlib path of a (multi)polygon, holes included."""
    vertices, codes = [], []
    for polygon in shapely.get_parts(geometry):
        for ring in [polygon.exterior, *polygon.interiors]:
            coords = np.asarray(ring.coords)
            if len(coords) < 3:
                continue
            vertices.append(coords[:, :2])
            codes.extend(_ring_codes(len(coords)))
    if not vertices:
        return Path(np.zeros((1, 2)), [Path.MOVETO])
    return Path(np.concatenate(vertices), codes)


def _line_path(geometry) -> Path:
    vertices, codes = [], []
    for part in shapely.get_parts(shapely.boundary(geometry)):
        for line in shapely.get_parts(part):
            coords = np.asarray(line.coords)
            vertices.append(coords[:, :2])
            codes.extend([Path.MOVETO, *[Path.LINETO] * (len(coords) - 1)])
    return Path(np.concatenate(vertices), codes)


def _fit_extent(extent, box_w: float, box_h: float):
    """Widen ``extent`` so that it has the aspect of the map box (equal scale on both axes)."""
    minx, miny, maxx, maxy = extent
    width, height = maxx - minx, maxy - miny
    target = box_w / box_h
    if width / height < target:
        grow = (height * target - width) / 2
        minx, maxx = minx - grow, maxx + grow
    else:
        grow = (width / target - height) / 2
        miny, maxy = miny - grow, maxy + grow
    return minx, miny, maxx, maxy


# --- The map -------------------------------------------------------------------------------------


def draw_areas(ax, content: MapContent) -> PatchCollection:
    """The territories filled with their colours; masked ones hatched. Returns the collection
    (``gid`` « areas ``, its ``codes`` attribute gives the territory of each patch)."""
    areas = content.areas
    patches = [PathPatch(geometry_path(g)) for g in areas.geometry]
    masked = areas["is_masked"].to_numpy(dtype=bool)
    collection = PatchCollection(
        patches,
        facecolors=list(areas["fill"]),
        edgecolors=OUTLINE,
        linewidths=0.45,
        zorder=1,
    )
    collection.set_gid("areas")
    collection.codes = list(areas["code"])  # type: ignore[attr-defined]
    ax.add_collection(collection)
    if masked.any():
        hatched = PatchCollection(
            [PathPatch(geometry_path(g)) for g in areas.geometry[masked]],
            facecolors="none",
            edgecolors="#555555",
            linewidths=0.0,
            hatch=MASKED_HATCH,
            zorder=2,
        )
        ax.add_collection(hatched)
    return collection


def _draw_lines(ax, content: MapContent) -> None:
    # add_artist, not add_patch: the view is fixed, so the data limits need not follow each path
    if content.quartier_outlines is not None and len(content.quartier_outlines):
        for geometry in content.quartier_outlines:
            ax.add_artist(
                PathPatch(
                    _line_path(geometry),
                    fill=False,
                    edgecolor=QUARTIER_COLOR,
                    linewidth=0.9,
                    linestyle=(0, (4, 3)),
                    zorder=3,
                )
            )
    if content.epci_outline is not None:
        for geometry in content.epci_outline:
            ax.add_artist(
                PathPatch(
                    geometry_path(geometry), fill=False, edgecolor="#222222", lw=1.4, zorder=4
                )
            )
    if content.highlight is not None:
        for geometry in content.highlight:
            ax.add_artist(
                PathPatch(
                    geometry_path(geometry), fill=False, edgecolor=HIGHLIGHT_COLOR, lw=2.2, zorder=6
                )
            )


def _draw_points(ax, content: MapContent, scale: float) -> None:
    points = content.points
    if points is None or not len(points):
        return
    ax.scatter(
        points.geometry.x,
        points.geometry.y,
        s=(points["radius"].to_numpy(dtype=float) * POINT_SCALE * scale) ** 2,
        c=list(points["color"]),
        edgecolors="#222222",
        linewidths=0.35,
        zorder=5,
        gid="points",
    )


def place_labels(ax, content: MapContent, renderer, size: float) -> list:
    """Write the names, most important first, dropping any that would overlap a name already
    written or leave the map. Returns the text artists kept."""
    minx, maxx = ax.get_xlim()
    miny, maxy = ax.get_ylim()
    frame = ax.get_window_extent(renderer)
    placed, kept = [], []
    for label in sorted(content.labels, key=lambda lab: -lab.priority):
        if not (minx <= label.x <= maxx and miny <= label.y <= maxy):
            continue
        quartier = label.kind == "quartier"
        text = ax.text(
            label.x,
            label.y,
            label.text,
            fontsize=size * (0.92 if quartier else 1.0),
            fontstyle="italic" if quartier else "normal",
            color=QUARTIER_COLOR if quartier else "#1a1a1a",
            ha="center",
            va="center",
            zorder=7,
            path_effects=[path_effects.withStroke(linewidth=2.2, foreground="white")],
        )
        box = text.get_window_extent(renderer).expanded(1.06, 1.15)
        inside = frame.contains(box.x0, box.y0) and frame.contains(box.x1, box.y1)
        if not inside or any(box.overlaps(other) for other in placed):
            text.remove()
            continue
        placed.append(box)
        kept.append(text)
    return kept


def _north_arrow(ax, content: MapContent) -> None:
    minx, miny, maxx, maxy = content.extent
    lon, lat = Proj("EPSG:2154")((minx + maxx) / 2, (miny + maxy) / 2, inverse=True)
    convergence = Proj("EPSG:2154").get_factors(lon, lat).meridian_convergence
    angle = np.deg2rad(convergence)
    x0, y0, length = 0.95, 0.86, 0.08
    dx, dy = -length * np.sin(angle), length * np.cos(angle)
    ax.annotate(
        "",
        xy=(x0 + dx / 2, y0 + dy / 2),
        xytext=(x0 - dx / 2, y0 - dy / 2),
        xycoords="axes fraction",
        arrowprops={"arrowstyle": "-|>,head_width=0.35,head_length=0.8", "lw": 1.6, "color": "k"},
        zorder=8,
    )
    ax.text(
        x0 + dx * 0.75, y0 + dy * 0.75, "N", transform=ax.transAxes, ha="center", va="center",
        fontsize=10, fontweight="bold", zorder=8,
    )  # fmt: skip


def draw_map(ax, content: MapContent, renderer, label_size: float = 7.5, scale: float = 1.0):
    """Draw ``content`` in ``ax`` (areas, outlines, points, names, scale bar, north arrow).

    Returns the areas' collection and the names kept.
    """
    ax.set_axis_off()
    pos = ax.get_position()
    fig_w, fig_h = ax.figure.get_size_inches()
    minx, miny, maxx, maxy = _fit_extent(content.extent, pos.width * fig_w, pos.height * fig_h)
    ax.set_xlim(minx, maxx)
    ax.set_ylim(miny, maxy)
    ax.set_aspect("equal", adjustable="box")
    areas = draw_areas(ax, content)
    _draw_lines(ax, content)
    _draw_points(ax, content, scale)
    kept = place_labels(ax, content, renderer, label_size)
    ax.add_artist(
        ScaleBar(
            1.0,
            "m",
            location="lower left",
            length_fraction=0.22,
            box_alpha=0.75,
            font_properties={"size": 8 * scale},
            border_pad=0.6,
        )
    )
    _north_arrow(ax, content)
    return areas, kept


# --- Legend and texts ---------------------------------------------------------------------------


def _legend(fig: Figure, content: MapContent) -> None:
    """The legend blocks and the notes, in the legend box (figure coordinates, no axes)."""
    left, bottom, width, height = LEGEND_BOX

    def at(x: float, y: float) -> tuple[float, float]:
        return left + x * width, bottom + y * height

    def write(x: float, y: float, text: str, **kwargs) -> None:
        fig.text(*at(x, y), text, **kwargs)

    y, step = 1.0, 0.036
    for title, entries, shape in (
        (content.area_legend_title, content.area_legend, "box"),
        (content.point_legend_title, content.point_legend, "dot"),
    ):
        if not entries:
            continue
        for line in textwrap.wrap(title, 38):
            write(0, y, line, fontsize=9.5, fontweight="bold", va="top")
            y -= step * 0.9
        y -= step * 0.2
        for entry in entries:
            if shape == "box":
                fig.add_artist(
                    Rectangle(
                        at(0, y - 0.024), 0.09 * width, 0.022 * height, facecolor=entry.color,
                        edgecolor=OUTLINE, lw=0.6, hatch=entry.hatch or None,
                        transform=fig.transFigure,
                    )
                )  # fmt: skip
            else:
                fig.add_artist(
                    Line2D(
                        [at(0.045, 0)[0]], [at(0, y - 0.013)[1]], marker="o", markersize=7,
                        markerfacecolor=entry.color, markeredgecolor="#222222",
                        markeredgewidth=0.5, linestyle="none", transform=fig.transFigure,
                    )
                )  # fmt: skip
            count = f" ({entry.count})" if entry.count is not None else ""
            lines = textwrap.wrap(entry.label + count, 40) or [""]
            for i, line in enumerate(lines):
                write(0.12, y - 0.013 - i * step * 0.75, line, fontsize=8.5, va="center")
            y -= step * (1 + 0.75 * (len(lines) - 1))
        y -= step * 0.6
    for note in content.notes:
        for line in textwrap.wrap(note, 52):
            write(0, y, line, fontsize=7.5, color="#444444", va="top")
            y -= step * 0.72
        y -= step * 0.3


def _texts(fig: Figure, content: MapContent) -> None:
    fig.text(0.02, 0.955, content.title, fontsize=16, fontweight="bold", va="center")
    for i, line in enumerate(textwrap.wrap(content.subtitle, 150)[:2]):
        fig.text(0.02, 0.915 - i * 0.024, line, fontsize=9.5, color="#333333", va="center")
    if content.is_demo:
        fig.text(
            0.985, 0.955, content.demo_notice.upper(), fontsize=10, fontweight="bold",
            color=DEMO_COLOR, ha="right", va="center",
            bbox={"boxstyle": "round,pad=0.35", "fc": "#fff0f0", "ec": DEMO_COLOR, "lw": 1},
        )  # fmt: skip
    for i, line in enumerate(textwrap.wrap(content.source, 190)[:2]):
        fig.text(0.02, 0.052 - i * 0.018, line, fontsize=7.5, color="#333333", va="center")
    foot = f"Carte exportée le {fmt_date(content.edition_date)} — Lambert-93 (EPSG:2154)."
    if content.is_demo:
        foot += f" {content.demo_notice} : ne pas diffuser comme données réelles."
    fig.text(0.02, 0.016, foot, fontsize=7.5, color="#333333", va="center")


# --- Entry points --------------------------------------------------------------------------------


def snapshot_figure(
    content: MapContent, compact: bool = False, size_in=None, dpi: float | None = None
) -> Figure:
    """The figure of a snapshot (full page, or the map alone when ``compact``).

    ``dpi`` is the resolution the figure will be drawn at (:data:`PLACEMENT_DPI` when omitted).
    The names are placed at :data:`PLACEMENT_DPI` in every case; when the figure is drawn at that
    resolution the renderer that placed them draws it, so they are measured once.
    """
    with matplotlib.rc_context(_rc(PLACEMENT_DPI)):
        size = size_in or ((6.0, 6.0) if compact else PAGE_SIZE_IN)
        fig = Figure(figsize=size, dpi=PLACEMENT_DPI)
        FigureCanvasAgg(fig)
        if dpi is None or dpi == PLACEMENT_DPI:
            renderer = fig.canvas.get_renderer()
        else:  # measuring needs no pixels: no full-page buffer at a resolution not drawn
            renderer = RendererAgg(1, 1, PLACEMENT_DPI)
        if compact:
            ax = fig.add_axes((0.0, 0.0, 1.0, 1.0))
            draw_map(ax, content, renderer, label_size=7.0, scale=1.25)
            if content.is_demo:
                fig.text(
                    0.01, 0.985, content.demo_notice, fontsize=7, color=DEMO_COLOR,
                    va="top", path_effects=[path_effects.withStroke(linewidth=2, foreground="w")],
                )  # fmt: skip
        else:
            draw_map(fig.add_axes(MAP_BOX), content, renderer)
            _legend(fig, content)
            _texts(fig, content)
    if dpi is not None:
        fig.set_dpi(dpi)
    return fig


def render_map(
    content: MapContent,
    fmt: str = "png",
    compact: bool = False,
    size_in=None,
    dpi: int | None = None,
) -> bytes:
    """Draw ``content`` and return the file.

    Parameters
    ----------
    content : MapContent
        What to draw.
    fmt : str, default "png"
        A key of :data:`FORMATS`.
    compact : bool, default False
        The map alone (fiches) instead of the full page.
    size_in : (width, height), optional
        Figure size in inches (A4 landscape for a full page, 6 × 6 for a compact map).
    dpi : int, optional
        Overrides the resolution of the format (PNG).
    """
    spec = snapshot_format(fmt)
    metadata = {"Title": content.title or content.file_stem}
    if spec.extension == "png":
        resolution = dpi or spec.dpi
        fig = snapshot_figure(content, compact, size_in, dpi=resolution)
        with matplotlib.rc_context(_rc(resolution)):
            fig.canvas.draw()
        metadata["Software"] = f"Matplotlib version {matplotlib.__version__}"
        return png_bytes(np.asarray(fig.canvas.buffer_rgba()), resolution, metadata)
    fig = snapshot_figure(content, compact, size_in, dpi=dpi or spec.dpi)
    buffer = io.BytesIO()
    with matplotlib.rc_context(RC):
        fig.savefig(buffer, format=spec.extension, dpi=dpi or spec.dpi, metadata=metadata)
    return buffer.getvalue()


def file_name(content: MapContent, fmt: str) -> str:
    """The file name of a snapshot (``carte_commune_sru_rate_pct_2024_300dpi.png``)."""
    suffix = "_300dpi" if fmt == "png300" else ""
    return f"{content.file_stem}{suffix}.{snapshot_format(fmt).extension}"
