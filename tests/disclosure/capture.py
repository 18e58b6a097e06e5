"""Everything a page sends to the browser, read from an AppTest run as an attacker would read it.

- tables: the data of every ``st.dataframe`` (the full values, not the formatted text);
- charts: every Plotly trace, its arrays decoded (Plotly ships them base64-encoded);
- metrics, Markdown, captions, notices: their text;
- maps: the GeoJSON features of every folium map (tooltips included) and the compact point
  arrays of the cotation map;
- downloads: the bytes of every download button, its deferred callable run as a click would.
"""

from __future__ import annotations

import base64
import gc
import io
import json
import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest

_NUMBER = re.compile(r"[−-]?\d[\d\u202f\u00a0 ]*(?:,\d+)?")
_DTYPES = {"f8": "<f8", "f4": "<f4", "i4": "<i4", "i2": "<i2", "i1": "i1", "u1": "u1", "i8": "<i8"}


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


def _decode(value):
    if isinstance(value, dict) and "bdata" in value and "dtype" in value:
        data = base64.b64decode(value["bdata"])
        array = np.frombuffer(data, dtype=_DTYPES.get(value["dtype"], value["dtype"]))
        return array.astype(float).tolist()
    if isinstance(value, dict):
        return {k: _decode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_decode(v) for v in value]
    return value


def chart_traces(app: AppTest) -> list[dict]:
    """Every Plotly trace of the run, arrays decoded."""
    traces = []
    for chart in elements(app, "plotly_chart"):
        spec = json.loads(chart.proto.spec)
        traces.extend(_decode(trace) for trace in spec.get("data", []))
    return traces


def tables(app: AppTest) -> list[pd.DataFrame]:
    """The data of every ``st.dataframe`` / ``st.table``."""
    out = []
    for kind in ("dataframe", "table"):
        for element in elements(app, kind):
            try:
                out.append(element.value)
            except Exception:
                continue
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


def map_features(app: AppTest) -> list[dict]:
    """Properties of every GeoJSON feature of the folium maps of the run."""
    features = []
    for component in elements(app, "component_instance"):
        script = json.loads(component.proto.json_args).get("script", "")
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


def map_point_rows(app: AppTest) -> list[list]:
    """Rows of the compact point arrays (``var rows = [...]``) of the cotation map."""
    rows = []
    for component in elements(app, "component_instance"):
        script = json.loads(component.proto.json_args).get("script", "")
        for match in re.finditer(r"var rows = (\[.*?\]);\n", script, flags=re.S):
            try:
                rows.extend(json.loads(match.group(1)))
            except json.JSONDecodeError:
                continue
    return rows


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
