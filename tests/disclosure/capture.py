"""Everything a page sends to the browser, read from an AppTest run as an attacker would read it.

- tables: the data of every ``st.dataframe`` (the full values, not the formatted text) and the
  texts of every table written as HTML;
- charts: every Vega-Lite chart and every row of its datasets (sent as Arrow beside the spec);
- metrics, Markdown, captions, notices: their text;
- maps: the GeoJSON features of every folium map and of its feature groups (tooltips
  included), the compact point arrays of the cotation map and the residence points of the other
  maps (their tooltips' texts);
- downloads: the bytes of every download button, its deferred callable run as a click would.
"""

from __future__ import annotations

import gc
import html
import io
import json
import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest

from tests.html_tables import html_tables

_NUMBER = re.compile(r"[−-]?\d[\d\u202f\u00a0 ]*(?:,\d+)?")


def french_number(text: object) -> float:
    """The first number of a French text (``57,1 %`` → 57.1), NaN when there is none."""
    if isinstance(text, int | float | np.number):
        return float(text)
    found = _NUMBER.search(str(text or ""))
    if not found:
        return float("nan")
    raw = found.group(0).replace("\u202f", "").replace("\u00a0", "").replace(" ", "")
    return float(raw.replace("−", "-").replace(",", "."))


def _walk(node, kind: str, found: list) -> list:
    if getattr(node, "type", None) == kind:
        found.append(node)
    for child in getattr(node, "children", {}).values() if hasattr(node, "children") else []:
        _walk(child, kind, found)
    return found


def elements(app: AppTest, kind: str) -> list:
    """Every element of ``kind`` of the last run, sidebar included."""
    return _walk(app._tree, kind, [])


@dataclass
class Chart:
    """A Vega-Lite chart as the browser receives it: its title and every row of its data."""

    title: str
    spec: dict = field(repr=False)
    data: list[pd.DataFrame] = field(repr=False)

    def rows(self, *columns: str) -> pd.DataFrame:
        """The rows of the datasets holding every one of ``columns`` (empty when none does)."""
        frames = [d for d in self.data if set(columns) <= set(d.columns)]
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)


def charts(app: AppTest) -> list[Chart]:
    """Every Vega-Lite chart of the run, its datasets decoded (those sent apart as Arrow and
    those written inside the spec)."""
    from streamlit import dataframe_util

    found = []
    for element in elements(app, "vega_lite_chart"):
        proto = element.proto
        spec = json.loads(proto.spec) if proto.spec else {}
        data = [
            dataframe_util.convert_arrow_bytes_to_pandas_df(d.data.data) for d in proto.datasets
        ]
        data += [pd.DataFrame(v) for v in (spec.get("datasets") or {}).values()]
        inline = (spec.get("data") or {}).get("values")
        if inline:
            data.append(pd.DataFrame(inline))
        found.append(Chart(str(proto.alt or ""), spec, data))
    return found


def tables(app: AppTest) -> list[pd.DataFrame]:
    """The data of every ``st.dataframe`` / ``st.table``, and every table written as HTML
    (:func:`ui.tables.html_table`: the texts shown, numbers in French)."""
    out = []
    for kind in ("dataframe", "table"):
        for element in elements(app, kind):
            try:
                out.append(element.value)
            except Exception:
                continue
    for element in elements(app, "markdown"):
        if "<table class='plain-table'" in str(element.value):
            out += html_tables(str(element.value))
    return out


def texts(app: AppTest) -> str:
    """All text of the run: Markdown, captions, notices, metrics, titles, help."""
    parts = []
    for kind in ("markdown", "caption", "info", "warning", "error", "success", "subheader"):
        parts += [str(e.value) for e in elements(app, kind)]
    for metric in elements(app, "metric"):
        parts += [str(metric.label), str(metric.value), str(metric.delta or "")]
        parts.append(str(getattr(metric.proto, "help", "")))
    return "\n".join(parts)


def metrics(app: AppTest) -> dict[str, tuple[str, str]]:
    """Label → (value, help) of every metric."""
    return {m.label: (m.value, getattr(m.proto, "help", "")) for m in elements(app, "metric")}


def _map_scripts(app: AppTest) -> list[str]:
    """The JavaScript of every folium map of the run: the base map and its feature groups."""
    scripts = []
    for component in elements(app, "component_instance"):
        args = json.loads(component.proto.json_args)
        scripts += [str(args.get(key) or "") for key in ("script", "feature_group")]
    return scripts


def map_features(app: AppTest) -> list[dict]:
    """Properties of every GeoJSON feature of the folium maps of the run."""
    features = []
    for script in _map_scripts(app):
        for match in re.finditer(r'"features"\s*:\s*\[', script):
            start = match.end() - 1
            depth, end = 0, start
            for end in range(start, len(script)):
                depth += {"[": 1, "]": -1}.get(script[end], 0)
                if depth == 0:
                    break
            try:
                for feature in json.loads(script[start : end + 1]):
                    features.append(feature.get("properties", {}))
            except json.JSONDecodeError:
                continue
    return features


def _payloads(app: AppTest) -> list[dict]:
    """The JSON payloads (``var p = {...};``) of the compact point layers of the run."""
    found = []
    for script in _map_scripts(app):
        for match in re.finditer(r"var p = (\{.*?\});\n", script, flags=re.S):
            try:
                found.append(json.loads(match.group(1)))
            except json.JSONDecodeError:
                continue
    return found


def class_point_scores(app: AppTest) -> dict[str, float]:
    """Score of every residence of the cotation map (:class:`ui.class_points.ClassPoints`),
    decoded as the browser does (:mod:`tests.ui.map_decoding`)."""
    from tests.ui.map_decoding import unpack_texts

    scores = {}
    for p in _payloads(app):
        if "ids" in p and "score" in p:
            for rid, score in zip(unpack_texts(p["ids"]), p["score"], strict=True):
                scores[rid] = float("nan") if score is None else score / 10
    return scores


def map_points(app: AppTest) -> list[dict[str, str]]:
    """Tooltips of the residence points sent as one compact array (:class:`ui.maps.CompactPoints`):
    one dict per point, label → text (the first field, in bold, under « Résidence »)."""
    points = []
    for p in _payloads(app):
        if "rows" in p and "labels" in p:
            labels, tables = p["labels"], p["tables"]
            for row in p["rows"]:
                texts = [
                    tables[j][v] if tables[j] is not None and isinstance(v, int) else v
                    for j, v in enumerate(row[4])
                ]
                point = {
                    html.unescape(str(label)): html.unescape(str(t))
                    for label, t in zip(labels, texts, strict=True)
                }
                point["Résidence"] = html.unescape(str(texts[0]))
                points.append(point)
    return points


@dataclass
class Download:
    """A file a download button would give."""

    key: str
    name: str
    content: bytes = field(repr=False)

    def table(self) -> pd.DataFrame | None:
        """The CSV read back (``;`` and decimal comma), None for another format."""
        if not self.name.endswith(".csv"):
            return None
        text = self.content.decode("utf-8-sig")
        return pd.read_csv(io.StringIO(text), sep=";", decimal=",", dtype=str)


def downloads(app: AppTest) -> list[Download]:
    """Every download button's file, as a click would produce it."""
    managers = [o for o in gc.get_objects() if isinstance(o, MediaFileManager)]
    found = []
    for button in elements(app, "download_button"):
        proto = button.proto
        file_id = getattr(proto, "deferred_file_id", "")
        for manager in managers:
            if file_id and file_id in manager._deferred_callables:
                url = manager.execute_deferred(file_id)
                stored = manager.read_file(url.rsplit("/", 1)[-1].split(".")[0])
                if stored is not None:
                    name = stored.filename or url
                    found.append(Download(button.key or proto.id, name, stored.content))
                break
    return found
