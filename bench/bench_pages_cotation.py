"""Benchmark of the *Cotation des résidences* page: rerun time after a weight change and payload.

Measured with Streamlit's AppTest on the demo parc (the page run headless, as in the tests):

- the server-side time of a rerun after moving a weight slider (median of 9 reruns, after two
  untimed ones), in the normal view and in the projector mode, after a change of profile and
  after a change of method (normalisation and classes, each normalisation fitted once);
- what a rerun sends: the map component's arguments (the base map script, the same on every
  rerun, and the feature group of residences that a weight change replaces), the ranked table
  and every element of the page;
- the baseline for the residence layer: the same points as a folium ``GeoJson`` layer with a
  style function and a tooltip, which is what the page sent first.
"""

from __future__ import annotations

import json
import statistics
import time
from pathlib import Path

import folium

from bench.timing import fmt_ms, markdown_table, section

ROOT = Path(__file__).resolve().parent.parent
REPEAT = 9
WARMUP = 2
TARGET_RERUN_S = 0.3
TARGET_MAP_BYTES = 1.5 * 1024 * 1024


def _open(query: dict[str, str] | None = None):
    from streamlit.testing.v1 import AppTest

    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    for key, value in (query or {}).items():
        app.query_params[key] = value
    app.run()
    app.switch_page("pages/cotation.py")
    app.run()
    if app.exception:
        raise RuntimeError(app.exception[0].value)
    return app


def _rerun_times(app, move) -> list[float]:
    times = []
    for i in range(WARMUP + REPEAT):
        start = time.perf_counter()
        move(app, i)
        times.append(time.perf_counter() - start)
        if app.exception:
            raise RuntimeError(app.exception[0].value)
    return times[WARMUP:]


def _move_weight(app, i: int) -> None:
    app.slider(key="poids_pilier_occupation").set_value(10 + 9 * i).run()


def _switch_method(app, i: int) -> None:
    choices = (("rank", "quantiles"), ("zscore", "thresholds"), ("minmax", "quantiles"))
    normalisation, classes = choices[i % len(choices)]
    app.selectbox(key="methode_normalisation").select(normalisation)
    app.selectbox(key="methode_classes").select(classes).run()


def _switch_profile(app, i: int) -> None:
    names = ("cadre_de_vie", "occupation_sociale", "reference")
    app.selectbox(key="qp_profil").select(names[i % len(names)]).run()


def _elements(node):
    proto = getattr(node, "proto", None)
    if proto is not None and hasattr(proto, "ByteSize"):
        yield node
    for child in getattr(node, "children", {}).values():
        yield from _elements(child)


def _kio(n_bytes: float) -> str:
    return f"{n_bytes / 1024:.0f} kio".replace(".", ",")


def _baseline_layer_bytes(app) -> int:
    """Size of the residence layer written as a folium GeoJson layer (the straightforward way)."""
    from streamlit_folium import generate_leaflet_string

    from ui import cache
    from ui.charts import CLASS_COLORS
    from ui.cotation_map import map_bounds

    scores = cache.reference_scores()
    directory = cache.residence_directory()
    coords = cache.residence_coordinates()
    features = [
        {
            "type": "Feature",
            "id": rid,
            "geometry": {
                "type": "Point",
                "coordinates": [float(coords.at[rid, "lon"]), float(coords.at[rid, "lat"])],
            },
            "properties": {
                "residence_id": rid,
                "nom": directory.at[rid, "residence_name"],
                "commune": directory.at[rid, "commune_name"],
                "classe": str(scores.at[rid, "score_class"]),
                "note": f"{scores.at[rid, 'score']:.1f}".replace(".", ","),
                "rang": str(scores.at[rid, "rank"]),
            },
        }
        for rid in scores.index
    ]
    styles = {
        rid: {
            "fillColor": CLASS_COLORS[str(scores.at[rid, "score_class"])],
            "radius": round(3.0 + min(float(directory.at[rid, "n_dwellings"]), 400) ** 0.5 / 3, 1),
        }
        for rid in scores.index
    }
    fmap = folium.Map(location=[46.58, 0.34], zoom_start=10, tiles=None)
    group = folium.FeatureGroup(name="Résidences")
    folium.GeoJson(
        {"type": "FeatureCollection", "features": features},
        marker=folium.CircleMarker(radius=5, weight=0.8, fill=True, fill_opacity=0.95),
        style_function=lambda feature: styles[feature["id"]],
        tooltip=folium.GeoJsonTooltip(fields=["nom", "commune", "classe", "note", "rang"]),
    ).add_to(group)
    group.add_to(fmap)
    fmap.fit_bounds(map_bounds(None))
    fmap.get_root().render()
    return len(generate_leaflet_string(group, base_id="feature_group_0").encode())


def run() -> str:
    """Run the page benchmark and return its Markdown section."""
    app = _open()
    weight_times = _rerun_times(app, _move_weight)
    component = app.get("component_instance")[0].proto
    args = json.loads(component.json_args)
    script_bytes = len(args["script"].encode())
    layer_bytes = len(args["feature_group"].encode())
    component_bytes = component.ByteSize()
    table_bytes = app.dataframe[0].proto.ByteSize()
    page_bytes = sum(node.proto.ByteSize() for node in _elements(app._tree))
    baseline_bytes = _baseline_layer_bytes(app)

    profile_times = _rerun_times(app, _switch_profile)
    method_times = _rerun_times(_open(), _switch_method)
    projector = _open({"projecteur": "1"})
    projector_times = _rerun_times(projector, _move_weight)
    projector_bytes = sum(node.proto.ByteSize() for node in _elements(projector._tree))

    def row(label: str, times: list[float]) -> list[str]:
        median = statistics.median(times)
        held = "oui" if median < TARGET_RERUN_S else "non"
        return [
            label,
            fmt_ms(median),
            f"{fmt_ms(min(times))} à {fmt_ms(max(times))}",
            f"< {fmt_ms(TARGET_RERUN_S)}",
            held,
        ]

    timing = markdown_table(
        ["rerun (AppTest, parc de démonstration)", "médiane", "étendue", "objectif", "tenu"],
        [
            row("après un déplacement de poids (vue normale, onglet Classement)", weight_times),
            row("après un déplacement de poids (mode projecteur)", projector_times),
            row("après un changement de profil", profile_times),
            row("après un changement de méthode (normalisation et classes)", method_times),
        ],
    )
    map_held = "oui" if component_bytes < TARGET_MAP_BYTES else "non"
    payload = markdown_table(
        ["envoyé à chaque rerun", "taille", "remarque"],
        [
            [
                "carte : script de la carte de base (communes, quartiers)",
                _kio(script_bytes),
                "identique d'un rerun à l'autre : la carte n'est pas remontée, les contours "
                "ne sont pas redessinés",
            ],
            [
                "carte : groupe des résidences (couleurs de classe)",
                _kio(layer_bytes),
                f"le même en couche folium GeoJson : {_kio(baseline_bytes)} "
                f"(× {baseline_bytes / layer_bytes:.1f})".replace(".", ","),
            ],
            [
                "carte : élément complet (arguments du composant)",
                _kio(component_bytes),
                f"objectif < 1,5 Mio : {map_held}",
            ],
            ["tableau classé (541 lignes, valeurs affichées en français)", _kio(table_bytes), ""],
            ["page entière, vue normale", _kio(page_bytes), "tous les éléments du rerun"],
            ["page entière, mode projecteur", _kio(projector_bytes), "carte et changements"],
        ],
    )
    body = (
        f"{timing}\n\n{payload}\n\n"
        f"Médianes de {REPEAT} reruns après {WARMUP} non chronométrés. Streamlit renvoie tous "
        "les arguments du composant carte à chaque rerun (le script de la carte de base compris) "
        "; le navigateur garde pourtant la carte montée tant que ce script ne change pas et ne "
        "remplace que le groupe des résidences, envoyé sous forme d'un tableau compact "
        "(coordonnées, identifiant, nom, commune, classe, note, rang, rayon)."
    )
    return section("pages_cotation", "Page cotation : temps de réexécution et charge utile", body)
