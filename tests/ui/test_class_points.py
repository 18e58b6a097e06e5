"""The compact residence layer of the cotation map: what the browser decodes is exactly what the
tooltips always showed."""

from __future__ import annotations

import folium
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.ui.map_decoding import class_points, french, unpack_texts, unpack_words
from ui.class_points import CODE_CHARS, ClassPoints, class_point_payload, pack_texts, pack_words
from ui.fmt import fmt_int, fmt_number

CLASSES = {"A": ("A", "#2c7bb6"), "E": ("E", "#d7191c"), "NC": ("non cotée", "#bdbdbd")}


def tiny_table() -> tuple[pd.DataFrame, pd.DataFrame]:
    table = pd.DataFrame(
        {
            "residence_name": ["Les Jardins des Mésanges", "Cité <Rouge> & Fils", "Les Jardins"],
            "commune_name": ["Poitiers", "Buxerolles", "Poitiers"],
            "score_class": ["A", "E", "NC"],
            "score": [85.65, 3.04, float("nan")],
            "rank": pd.array([1, 1234, None], dtype="Int64"),
        },
        index=pd.Index(["GP-0434", "GP-1|2", "GP-0001"], name="residence_id"),
    )
    coords = pd.DataFrame(
        {"lon": [0.33082, 0.3349, 0.31931], "lat": [46.57166, 46.58057, 46.56872]},
        index=table.index,
    )
    return table, coords


def test_each_marker_has_its_place_colour_click_and_the_tooltip_of_always():
    table, coords = tiny_table()
    payload = class_point_payload(table, coords, [5.2, 3.0, 4.44], CLASSES)
    markers = class_points(payload)
    assert [m["latlng"] for m in markers] == [
        (46.57166, 0.33082),
        (46.58057, 0.3349),
        (46.56872, 0.31931),
    ]
    assert [m["radius"] for m in markers] == [5.2, 3.0, 4.4]
    assert [m["fill"] for m in markers] == ["#2c7bb6", "#d7191c", "#bdbdbd"]
    assert [m["residence_id"] for m in markers] == ["GP-0434", "GP-1|2", "GP-0001"]
    assert [m["tooltip"] for m in markers] == [
        "<b>Les Jardins des Mésanges</b><br>Poitiers<br>Classe : A"
        "<br>Note : 85,7\u00a0/ 100<br>Rang : 1",
        "<b>Cité &lt;Rouge&gt; &amp; Fils</b><br>Buxerolles<br>Classe : E"
        "<br>Note : 3,0\u00a0/ 100<br>Rang : 1\u202f234",
        "<b>Les Jardins</b><br>Poitiers<br>Classe : non cotée<br>Note : —<br>Rang : —",
    ]
    # the same texts as the French formats of the interface
    for marker, score, rank in zip(markers, table["score"], table["rank"], strict=True):
        assert (
            f"Note : {fmt_number(score, 1, '/ 100')}<br>Rang : {fmt_int(rank)}"
            in (marker["tooltip"])
        )
    assert payload["communes"] == ["Poitiers", "Buxerolles"] and payload["commune"] == [0, 1, 0]
    assert payload["cls"] == "012" and payload["score"] == [857, 30, None]


def test_the_layer_script_carries_the_payload_safely():
    table, coords = tiny_table()
    table.loc["GP-0434", "residence_name"] = "{{ 7*7 }}"
    group = folium.FeatureGroup()
    ClassPoints(class_point_payload(table, coords, [5, 5, 5], CLASSES), "#333333").add_to(group)
    fmap = folium.Map()
    group.add_to(fmap)
    page = fmap.get_root().render()
    assert "</script>" not in page.split("var p = ", 1)[1].split(";\n", 1)[0]
    assert "49" not in page.split("var p = ", 1)[1].split(";\n", 1)[0]


def test_a_class_code_outside_the_table_is_refused():
    table, coords = tiny_table()
    with pytest.raises(ValueError):
        class_point_payload(table, coords, [5, 5, 5], {"A": ("A", "#000")})


def test_pack_texts_picks_a_separator_absent_from_the_texts():
    assert pack_texts(["GP-1", "GP-2"]) == "|GP-1|GP-2"
    assert pack_texts(["a|b", "c"]) == "~a|b~c"
    assert pack_texts(["|~^`;"]) == ["|~^`;"]
    assert pack_texts([]) == []
    assert unpack_texts(pack_texts([""])) == [""]


def test_frequent_words_take_one_character_and_rare_ones_two():
    texts = ["Les Jardins", *[f"Les mot{i}" for i in range(len(CODE_CHARS) + 5)]]
    packed = pack_words(texts)
    assert packed["lead"] == 1
    assert unpack_words(packed) == texts
    assert packed["codes"].startswith(CODE_CHARS[0])  # « Les », the most frequent word


@given(st.lists(st.text(max_size=30), max_size=40))
def test_any_texts_come_back_exactly(texts):
    assert unpack_words(pack_words(texts)) == texts
    assert unpack_texts(pack_texts(texts)) == texts


@given(st.integers(min_value=-(10**7), max_value=10**7))
def test_the_browser_prints_numbers_as_the_interface_does(value):
    assert french(value, 1) == fmt_number(value / 10, 1)
    assert french(value, 0) == fmt_int(value)
