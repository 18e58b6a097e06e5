"""The residences of the cotation map, coloured by class, in the fewest bytes the browser needs.

This layer is what a weight change sends again (with the base map, in the same component
message), so each residence costs a few bytes: its position in one encoded polyline (5 decimals,
≈ 1 m), its class as one character indexing the class table, its note ×10 and its rank as
integers, its radius ×10, its commune as an index into the table of communes, and the
identifiers and names each as one string joined by a separator they do not contain. The
browser rebuilds the markers and exactly the tooltip the interface always showed (« Note :
85,7 / 100 », « Rang : 1 234 », French formats of :mod:`ui.fmt`); a click on a marker returns
``{"properties": {"residence_id": ...}}`` through the map's ``last_active_drawing``.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence

import pandas as pd
from branca.element import MacroElement
from jinja2 import Template

from ui.map_outlines import encode_polyline
from ui.maps import script_json

CLASS_CHARS = "0123456789abcdefghijklmnopqrstuvwxyz"
SEPARATORS = "|~^`;"
SCORE_DECIMALS = 1
# Characters of the word codes: printable ASCII but for what JSON, HTML or Jinja would escape
# (" \\ < > & { }), the separator of the codes of two texts (!) and those of SEPARATORS.
CODE_CHARS = "".join(
    c for c in map(chr, range(33, 127)) if c not in '"\\<>&{}!' and c not in SEPARATORS
)
TEXT_END = "!"


def pack_texts(texts: Sequence[str]) -> str | list[str]:
    """``texts`` as one string: a separator none of them contains, then the texts joined by it.

    ``["GP-1", "GP-2"]`` → ``"|GP-1|GP-2"`` (the browser splits ``s.slice(1)`` on ``s[0]``).
    When every candidate separator occurs in some text, or there is no text, the list itself.
    """
    if not texts:
        return []
    for separator in SEPARATORS:
        if not any(separator in text for text in texts):
            return separator + separator.join(texts)
    return list(texts)


def pack_words(texts: Sequence[str]) -> dict:
    """``texts`` as a table of their words and, per text, the codes of its words.

    Residence names repeat their words (« Les », « des », « Résidence », street names): each
    distinct word is sent once (:func:`pack_texts`), the most frequent first, and each text as
    the codes of its words, one character of :data:`CODE_CHARS` for the most frequent words and
    two for the others (the first one of the ``lead`` last characters). Texts are split on
    single spaces, so ``" ".join`` of the decoded words gives each text back exactly.

    Returns
    -------
    dict
        ``words`` (packed table), ``lead`` (number of two-character lead characters) and
        ``codes`` (the texts' codes, each followed by :data:`TEXT_END`).
    """
    split = [text.split(" ") for text in texts]
    counts: dict[str, int] = {}
    for words in split:
        for word in words:
            counts[word] = counts.get(word, 0) + 1
    table = sorted(counts, key=lambda w: (-counts[w], w))
    n_chars = len(CODE_CHARS)
    lead = 0
    while (n_chars - lead) + lead * n_chars < len(table):
        lead += 1
        if lead == n_chars:
            raise ValueError(f"{len(table)} mots distincts : trop pour les codes de la carte")
    single = n_chars - lead
    code = {}
    for i, word in enumerate(table):
        if i < single:
            code[word] = CODE_CHARS[i]
        else:
            high, low = divmod(i - single, n_chars)
            code[word] = CODE_CHARS[single + high] + CODE_CHARS[low]
    codes = "".join("".join(code[w] for w in words) + TEXT_END for words in split)
    return {"words": pack_texts(table), "lead": lead, "codes": codes}


def scaled(value: object, decimals: int) -> int | None:
    """``value`` rounded as :func:`ui.fmt.fmt_number` prints it, times ``10**decimals``.

    None when the value is missing or infinite (the browser prints « — »).
    """
    if value is None or pd.isna(value) or math.isinf(float(value)):
        return None
    return int(f"{float(value):.{decimals}f}".replace(".", ""))


def class_point_payload(
    table: pd.DataFrame,
    coords: pd.DataFrame,
    radius: Sequence[float],
    classes: dict[str, tuple[str, str]],
) -> dict:
    """What :class:`ClassPoints` sends for the residences of ``table``, in its order.

    Parameters
    ----------
    table : DataFrame
        Indexed by ``residence_id``, with ``residence_name``, ``commune_name``,
        ``score_class``, ``score`` and ``rank``.
    coords : DataFrame
        ``lon`` and ``lat`` of the same residences (same index order).
    radius : sequence of float
        Radius of each point, in pixels.
    classes : dict
        Class code → (text of the tooltip, fill colour), for every code of ``score_class``.

    Returns
    -------
    dict
        ``xy`` (encoded polyline of the points), ``ids`` (see :func:`pack_texts`), ``names``
        (see :func:`pack_words`),
        ``communes`` and ``commune`` (table and index), ``classes``, ``colors`` and ``cls``
        (one character of :data:`CLASS_CHARS` per residence), ``score`` (×10), ``rank`` and
        ``radius`` (×10).
    """
    codes = list(classes)
    if len(codes) > len(CLASS_CHARS):
        raise ValueError(f"{len(codes)} classes : au plus {len(CLASS_CHARS)} sur la carte")
    communes = [html.escape(str(c)) for c in table["commune_name"].to_numpy()]
    commune_table = list(dict.fromkeys(communes))
    commune_index = {name: i for i, name in enumerate(commune_table)}
    return {
        "xy": encode_polyline(zip(coords["lat"].to_numpy(), coords["lon"].to_numpy(), strict=True)),
        "ids": pack_texts([str(rid) for rid in table.index]),
        "names": pack_words([html.escape(str(n)) for n in table["residence_name"].to_numpy()]),
        "communes": commune_table,
        "commune": [commune_index[name] for name in communes],
        "classes": [html.escape(classes[code][0]) for code in codes],
        "colors": [classes[code][1] for code in codes],
        "cls": "".join(CLASS_CHARS[codes.index(code)] for code in table["score_class"]),
        "score": [scaled(v, SCORE_DECIMALS) for v in table["score"].to_numpy()],
        "rank": [scaled(v, 0) for v in table["rank"].astype("Float64").to_numpy(na_value=None)],
        "radius": [scaled(r, 1) for r in radius],
    }


class ClassPoints(MacroElement):
    """The residences as circle markers coloured by class, built by the browser from
    :func:`class_point_payload`.

    Parameters
    ----------
    payload : dict
        See :func:`class_point_payload`.
    outline : str
        Colour of the markers' outline.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function (group) {
            var p = {{ this.payload_json }};
            function texts(v) { return typeof v === "string" ? v.slice(1).split(v[0]) : v; }
            function words(w) {
                var table = texts(w.words), n = {{ this.code_chars_json }}, index = {}, out = [];
                var single = n.length - w.lead, text = [];
                for (var k = 0; k < n.length; k++) index[n[k]] = k;
                for (var j = 0; j < w.codes.length; j++) {
                    var ch = w.codes[j];
                    if (ch === "{{ this.text_end }}") {
                        out.push(text.join(" "));
                        text = [];
                        continue;
                    }
                    var c = index[ch];
                    text.push(table[c < single ? c : single + (c - single) * n.length
                        + index[w.codes[++j]]]);
                }
                return out;
            }
            function num(v, d) {
                if (v === null) return "\u2014";
                var f = Math.pow(10, d), a = Math.abs(v), i = String(Math.floor(a / f)), t = "";
                while (i.length > 3) { t = "\u202f" + i.slice(-3) + t; i = i.slice(0, -3); }
                t = (v < 0 ? "-" : "") + i + t;
                return d ? t + "," + String(a % f).padStart(d, "0") : t;
            }
            var ids = texts(p.ids), names = words(p.names), lat = 0, lng = 0, at = 0;
            function next() {
                var shift = 0, value = 0, b;
                do {
                    b = p.xy.charCodeAt(at++) - 63;
                    value |= (b & 31) << shift;
                    shift += 5;
                } while (b >= 32);
                return (value & 1) ? ~(value >> 1) : (value >> 1);
            }
            for (var i = 0; i < ids.length; i++) {
                lat += next();
                lng += next();
                var c = parseInt(p.cls[i], 36), s = p.score[i];
                var marker = L.circleMarker([lat / 1e5, lng / 1e5], {
                    radius: p.radius[i] / 10, color: "{{ this.outline }}", weight: 0.8,
                    fillColor: p.colors[c], fillOpacity: 0.95
                });
                marker.feature = {type: "Feature", properties: {residence_id: ids[i]}};
                marker.bindTooltip(
                    "<b>" + names[i] + "</b><br>" + p.communes[p.commune[i]]
                    + "<br>Classe : " + p.classes[c]
                    + "<br>Note : " + num(s, 1) + (s === null ? "" : "\u00a0/ 100")
                    + "<br>Rang : " + num(p.rank[i], 0),
                    {sticky: true}
                );
                group.addLayer(marker);
            }
        })({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, payload: dict, outline: str) -> None:
        super().__init__()
        self._name = "ClassPoints"
        self.payload_json = script_json(payload)
        self.code_chars_json = script_json(CODE_CHARS)
        self.text_end = TEXT_END
        self.outline = outline
