"""Group RPLS dwellings into residences, and say what was done with ambiguous addresses.

The RPLS has no residence identifier. A residence is a group of dwellings of one commune (and
one bailleur when the file names it) sharing a key chosen in ``config/rpls.toml``: the
normalised street address, the address and building, or a programme column. Addresses are
normalised before they are compared: upper case, no accents or punctuation, street type
abbreviations expanded (``AV`` → ``AVENUE``), leading zeros of numbers dropped, repetition
indices spelled out (``B`` → ``BIS``).

Ambiguous cases, all counted in the grouping report:

- no street number: the dwellings of the street are grouped by street name;
- no street name: by place name (``LIEUDIT``), else by geocoded point;
- one key whose geocoded points lie further apart than ``max_spread_m``: the key names distinct
  places (a street name found twice, a number missing), and each point becomes a residence;
- a residence whose dwellings were built years apart (``max_year_gap``): kept as one, the year
  kept is the most frequent one.

:func:`dwelling_keys` works on a chunk of dwellings; :func:`residences_from_partials` turns the
partial sums of all chunks into one row per residence.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass

import numpy as np
import pandas as pd

from config import ConfigError, load_toml

KEYS = ("adresse", "batiment", "programme")
DPE_COLUMNS = tuple(f"dpe_{label}" for label in "ABCDEFG")
TYPOLOGY_COLUMNS = ("n_t1", "n_t2", "n_t3", "n_t4", "n_t5_plus")
REPETITIONS = {"B": "BIS", "T": "TER", "Q": "QUATER", "C": "QUINQUIES"}
SMALL_WORDS = {"de", "des", "du", "la", "le", "les", "et", "aux", "au", "sur", "sous", "en"}
SMALL_WORDS |= {"bis", "ter", "quater", "quinquies"}
NOT_WORD = re.compile(r"[^0-9A-Z]+")


@dataclass(frozen=True)
class GroupingSettings:
    """The ``[grouping]`` section of ``config/rpls.toml``."""

    key: str
    max_spread_m: float
    max_year_gap: int
    programme_columns: tuple[str, ...]
    street_types: dict[str, str]


def load_grouping() -> GroupingSettings:
    """Read and check the grouping settings.

    Raises
    ------
    ConfigError
        When ``key`` is not one of ``adresse``, ``batiment``, ``programme``.
    """
    raw = load_toml("rpls.toml")
    grouping = raw.get("grouping", {})
    key = grouping.get("key")
    if key not in KEYS:
        raise ConfigError(
            f"config/rpls.toml, [grouping] « key » : attendu {', '.join(KEYS)}, reçu « {key} »."
        )
    return GroupingSettings(
        key=key,
        max_spread_m=float(grouping.get("max_spread_m", 250)),
        max_year_gap=int(grouping.get("max_year_gap", 20)),
        programme_columns=tuple(grouping.get("programme", {}).get("columns", [])),
        street_types={k.upper(): v for k, v in raw.get("street_types", {}).items()},
    )


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.upper())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return NOT_WORD.sub(" ", plain.replace("Œ", "OE").replace("Æ", "AE")).strip()


def normalise(values: pd.Series, street_types: dict[str, str] | None = None) -> pd.Series:
    """Comparable form of address parts: upper case, no accents, no punctuation, one space.

    Street type abbreviations are expanded when ``street_types`` is given; numbers lose their
    leading zeros. Computed once per distinct value.
    """
    text = values.fillna("").astype(str)
    mapping = {}
    for value in pd.unique(text):
        words = _fold(value).split()
        if street_types:
            words = [_fold(street_types.get(w, w)) for w in words]
        words = [w.lstrip("0") or "0" if w.isdigit() else w for w in words]
        mapping[value] = " ".join(words)
    return text.map(mapping)


def french_title(text: str) -> str:
    """« RUE DES LILAS » → « Rue des Lilas » (small words in lower case, except the first)."""
    words = str(text).lower().split()
    out = []
    for i, word in enumerate(words):
        if i and word in SMALL_WORDS:
            out.append(word)
        elif "'" in word or "’" in word:
            head, sep, tail = re.split(r"(['’])", word, maxsplit=1)
            head = head.capitalize() if i == 0 else head
            out.append(head + sep + tail.capitalize() if len(head) <= 1 else word.capitalize())
        else:
            out.append("-".join(p.capitalize() for p in word.split("-")))
    return " ".join(out)


def dwelling_keys(
    parts: dict[str, pd.Series], points: pd.Series, settings: GroupingSettings
) -> pd.DataFrame:
    """Grouping key, display label and kind of key of each dwelling of a chunk.

    Parameters
    ----------
    parts : dict of Series
        ``commune_code``, ``bailleur`` and the address columns (``street_number``,
        ``repetition``, ``street_type``, ``street_name``, ``place_name``, ``building``,
        ``block``, ``entrance``, ``programme``), text, aligned.
    points : pandas.Series
        Geocoded point of each dwelling as text (``"x,y"``, Lambert-93 metres): the key of the
        dwellings with neither street nor place name.
    settings : GroupingSettings

    Returns
    -------
    pandas.DataFrame
        ``group_key`` (commune | bailleur | key), ``label`` (readable address) and ``kind``:
        ``adresse``, ``sans numéro``, ``lieu-dit``, ``position`` (no address at all),
        ``bâtiment`` or ``programme``.
    """

    def part(name: str) -> pd.Series:
        series = parts.get(name)
        return series.fillna("").astype(str).str.strip() if series is not None else empty

    empty = pd.Series("", index=parts["commune_code"].index)
    number = normalise(part("street_number"))
    repetition = part("repetition").str.upper().map(lambda v: REPETITIONS.get(v, v))
    street = normalise(part("street_type") + " " + part("street_name"), settings.street_types)
    place = normalise(part("place_name"))
    has_street, has_number = street.ne(""), number.ne("") & number.ne("0")
    address = (
        (number.where(has_number, "") + " " + repetition + " " + street).str.split().str.join(" ")
    )
    kind = pd.Series(
        np.select(
            [has_street & has_number, has_street, place.ne("")],
            ["adresse", "sans numéro", "lieu-dit"],
            "position",
        ),
        index=address.index,
    )
    key = address.where(has_street, ("LIEU DIT " + place).where(place.ne(""), "POSITION " + points))
    types = {_fold(k): v for k, v in settings.street_types.items()}
    street_type = part("street_type").map(lambda t: types.get(_fold(t), t))
    label_parts = (
        part("street_number").str.lstrip("0")
        + " "
        + repetition.str.lower()
        + " "
        + street_type
        + " "
        + part("street_name")
    )
    label = label_parts.str.split().str.join(" ").map(french_title)
    label = label.where(has_street, part("place_name").map(french_title))
    if settings.key == "batiment":
        building = normalise(part("building") + " " + part("block") + " " + part("entrance"))
        has_building = building.ne("")
        key = key.where(~has_building, key + " BAT " + building)
        kind = kind.where(~has_building, "bâtiment")
    elif settings.key == "programme":
        programme = part("programme")
        has_programme = programme.ne("")
        key = key.where(~has_programme, "PROGRAMME " + programme)
        kind = kind.where(~has_programme, "programme")
    group_key = parts["commune_code"].astype(str) + "|" + part("bailleur") + "|" + key
    return pd.DataFrame({"group_key": group_key, "label": label, "kind": kind})


def residence_id(commune_code: str, group_key: str) -> str:
    """Stable identifier of a residence: ``RPLS-<commune>-<10 hex of the key's SHA-1>``."""
    digest = hashlib.sha1(group_key.encode("utf-8"), usedforsecurity=False).hexdigest()
    return f"RPLS-{commune_code}-{digest[:10].upper()}"


def _mode(counts: pd.DataFrame, columns: tuple[str, ...]) -> pd.Series:
    values = counts[list(columns)].to_numpy(dtype=float)
    best = np.argmax(values, axis=1)
    labels = np.array([c.split("_", 1)[1] for c in columns], dtype=object)
    out = labels[best]
    out[values.max(axis=1) <= 0] = None
    return pd.Series(out, index=counts.index, dtype=object)


def residences_from_partials(
    partials: pd.DataFrame, years: pd.DataFrame, settings: GroupingSettings
) -> tuple[pd.DataFrame, dict[str, int]]:
    """One row per residence from the partial sums of the dwellings.

    Parameters
    ----------
    partials : pandas.DataFrame
        Indexed by (``group_key``, ``px``, ``py``) — the key and the geocoded point (Lambert-93,
        metre): ``n`` dwellings, typology counts, surface and rent sums, QPV flags, DPE and
        financing counts, ``label``, ``kind``, ``commune_code``, ``bailleur``.
    years : pandas.DataFrame
        Columns ``group_key``, ``px``, ``py``, ``year``, ``n``.
    settings : GroupingSettings

    Returns
    -------
    tuple
        Residences (``residence_id``, ``group_key``, ``label``, counts, ``x``, ``y`` in
        Lambert-93, ``year_built``, ``year_gap``, modes…) and the counts of the grouping report.
    """
    frame = partials.reset_index()
    extent = frame.groupby("group_key").agg(
        x0=("px", "min"), x1=("px", "max"), y0=("py", "min"), y1=("py", "max")
    )
    spread = np.maximum(extent["x1"] - extent["x0"], extent["y1"] - extent["y0"])
    split_keys = set(spread.index[spread > settings.max_spread_m])
    is_split = frame["group_key"].isin(split_keys)
    point = frame["px"].astype(str) + "," + frame["py"].astype(str)
    frame["residence_key"] = frame["group_key"].where(~is_split, frame["group_key"] + "@" + point)
    frame["wx"], frame["wy"] = frame["px"] * frame["n"], frame["py"] * frame["n"]
    sums = [c for c in frame.columns if c.startswith(("n", "surf", "rent", "qpv", "dpe_", "fin_"))]
    sums = [c for c in sums if pd.api.types.is_numeric_dtype(frame[c])] + ["wx", "wy"]
    grouped = frame.groupby("residence_key", sort=True)
    out = grouped[sums].sum()
    first = grouped[["group_key", "label", "kind", "commune_code", "bailleur"]].first()
    out = out.join(first)
    out["x"], out["y"] = out["wx"] / out["n"], out["wy"] / out["n"]
    out["is_split"] = out.index.to_series().str.contains("@", regex=False)
    if len(split_keys):
        rank = out[out["is_split"]].groupby("group_key").cumcount() + 1
        out.loc[rank.index, "label"] = (
            out.loc[rank.index, "label"] + " (lieu " + rank.astype(str) + ")"
        )
    years = years.copy()
    years_split = years["group_key"].isin(split_keys)
    years_point = years["px"].astype(str) + "," + years["py"].astype(str)
    years["residence_key"] = years["group_key"].where(
        ~years_split, years["group_key"] + "@" + years_point
    )
    per_year = years.groupby(["residence_key", "year"])["n"].sum().reset_index()
    per_year = per_year.sort_values(["residence_key", "n", "year"], ascending=[True, False, True])
    mode = per_year.drop_duplicates("residence_key").set_index("residence_key")["year"]
    gap = per_year.groupby("residence_key")["year"].agg(lambda y: int(y.max() - y.min()))
    out["year_built"] = mode.reindex(out.index).astype(int)
    out["year_gap"] = gap.reindex(out.index).astype(int)
    out["dpe_label"] = _mode(out, DPE_COLUMNS)
    fin_columns = tuple(c for c in out.columns if c.startswith("fin_"))
    out["financing"] = _mode(out, fin_columns) if fin_columns else None
    out["residence_id"] = [
        residence_id(c, k) for c, k in zip(out["commune_code"], out.index, strict=True)
    ]
    counts = {
        "residences": len(out),
        "split_keys": len(split_keys),
        "split_residences": int(out["is_split"].sum()),
        "wide_year_gap": int((out["year_gap"] > settings.max_year_gap).sum()),
    }
    return out.reset_index(), counts
