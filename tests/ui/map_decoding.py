"""What the browser decodes from the compact map layers, written again in Python for the tests.

Each function follows, step by step, the JavaScript of :mod:`ui.map_outlines` and
:mod:`ui.class_points`, so that the tests can check what a person will read in a tooltip.
"""

from __future__ import annotations

from ui.class_points import CODE_CHARS, TEXT_END


def decode_polyline(text: str, precision: int = 5) -> list[tuple[float, float]]:
    """The ``(lat, lon)`` points of an encoded polyline (the ``decode`` of the browser)."""
    points, at, lat, lng = [], 0, 0, 0
    while at < len(text):
        pair = []
        for _ in range(2):
            shift = value = 0
            while True:
                b = ord(text[at]) - 63
                at += 1
                value |= (b & 31) << shift
                shift += 5
                if b < 32:
                    break
            pair.append(~(value >> 1) if value & 1 else value >> 1)
        lat, lng = lat + pair[0], lng + pair[1]
        points.append((lat / 10**precision, lng / 10**precision))
    return points


def unpack_texts(value: str | list[str]) -> list[str]:
    """The texts of :func:`ui.class_points.pack_texts` (the ``texts`` of the browser)."""
    return value[1:].split(value[0]) if isinstance(value, str) else list(value)


def unpack_words(packed: dict) -> list[str]:
    """The texts of :func:`ui.class_points.pack_words` (the ``words`` of the browser)."""
    table, n = unpack_texts(packed["words"]), len(CODE_CHARS)
    single, out, words, at = n - packed["lead"], [], [], 0
    codes = packed["codes"]
    while at < len(codes):
        char = codes[at]
        if char == TEXT_END:
            out.append(" ".join(words))
            words = []
        else:
            c = CODE_CHARS.index(char)
            if c >= single:
                at += 1
                c = single + (c - single) * n + CODE_CHARS.index(codes[at])
            words.append(table[c])
        at += 1
    return out


def french(value: int | None, decimals: int) -> str:
    """The ``num`` of the browser: a scaled integer printed the French way."""
    if value is None:
        return "—"
    factor = 10**decimals
    whole, frac = divmod(abs(value), factor)
    digits, text = str(whole), ""
    while len(digits) > 3:
        text = "\u202f" + digits[-3:] + text
        digits = digits[:-3]
    text = ("-" if value < 0 else "") + digits + text
    return f"{text},{str(frac).zfill(decimals)}" if decimals else text


def class_points(payload: dict) -> list[dict]:
    """Each marker the browser draws: position, radius, fill, clicked id and tooltip."""
    ids, names = unpack_texts(payload["ids"]), unpack_words(payload["names"])
    points = decode_polyline(payload["xy"])
    markers = []
    for i, rid in enumerate(ids):
        c = int(payload["cls"][i], 36)
        score = payload["score"][i]
        note = french(score, 1) + ("" if score is None else "\u00a0/ 100")
        markers.append(
            {
                "latlng": points[i],
                "radius": payload["radius"][i] / 10,
                "fill": payload["colors"][c],
                "residence_id": rid,
                "tooltip": f"<b>{names[i]}</b><br>{payload['communes'][payload['commune'][i]]}"
                f"<br>Classe : {payload['classes'][c]}<br>Note : {note}"
                f"<br>Rang : {french(payload['rank'][i], 0)}",
            }
        )
    return markers
