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
ADDRESS_PARTS = (
    "commune_code",
    "bailleur",
    "street_number",
    "repetition",
    "street_type",
    "street_name",
    "place_name",
    "building",
    "block",
    "entrance",
    "programme",
)


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


def _normal_form(value: str, street_types: dict[str, str] | None) -> str:
    words = _fold(value).split()
    if street_types:
        words = [_fold(street_types.get(w, w)) for w in words]
    return " ".join(w.lstrip("0") or "0" if w.isdigit() else w for w in words)


def _memo(values: pd.Series, fn, memo: dict | None) -> pd.Series:
    """``fn`` of each distinct value, remembered in ``memo`` across chunks."""
    memo = {} if memo is None else memo
    text = values.fillna("").astype(object)
    codes, uniques = pd.factorize(text, use_na_sentinel=False)
    results = []
    for value in uniques:
        if value not in memo:
            memo[value] = fn(value)
        results.append(memo[value])
    return pd.Series(np.asarray(results, dtype=object)[codes], index=values.index, dtype=object)


def normalise(
    values: pd.Series, street_types: dict[str, str] | None = None, memo: dict | None = None
) -> pd.Series:
    """Comparable form of address parts: upper case, no accents, no punctuation, one space.

    Street type abbreviations are expanded when ``street_types`` is given; numbers lose their
    leading zeros. Computed once per distinct value (and remembered in ``memo`` when given).
    """
    return _memo(values, lambda v: _normal_form(str(v), street_types), memo)


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
    parts: dict[str, pd.Series],
    points: pd.Series,
    settings: GroupingSettings,
    memo: dict | None = None,
) -> pd.DataFrame:
    """Grouping key, display label and kind of key of each dwelling of a chunk.

    Parameters
    ----------
    parts : dict of Series
        ``commune_code``, ``bailleur`` and the address columns (``street_number``,
        ``repetition``, ``street_type``, ``street_name``, ``place_name``, ``building``,
        ``block``, ``entrance``, ``programme``), stripped text, aligned.
    points : pandas.Series
        Geocoded point of each dwelling as text (``"x,y"``, Lambert-93 metres): the key of the
        dwellings with neither street nor place name.
    settings : GroupingSettings
    memo : dict, optional
        Normal forms and titles already computed (kept by the caller from chunk to chunk).

    Returns
    -------
    pandas.DataFrame
        ``group_key`` (commune | bailleur | key), ``label`` (readable address) and ``kind``:
        ``adresse``, ``sans numéro``, ``lieu-dit``, ``position`` (no address at all),
        ``bâtiment`` or ``programme``.
    """
    index = parts["commune_code"].index
    names = [n for n in ADDRESS_PARTS if parts.get(n) is not None]
    factors = pd.DataFrame(
        {n: pd.factorize(parts[n].fillna(""))[0] for n in names}
        | {"point": pd.factorize(points)[0]}
    )
    codes = factors.groupby(list(factors.columns), sort=False).ngroup().to_numpy()
    first = pd.Series(np.arange(len(codes))).groupby(codes).first().to_numpy()
    distinct = {n: parts[n].iloc[first].reset_index(drop=True) for n in names}
    distinct_points = points.iloc[first].reset_index(drop=True)
    memo = {} if memo is None else memo
    known = memo.setdefault("keys", {})  # a dwelling's address and point → key, label, kind
    tuples = [
        "\x1f".join(t) for t in zip(*(distinct[n] for n in names), distinct_points, strict=True)
    ]
    new = [i for i, t in enumerate(tuples) if t not in known]
    if new:
        computed = _keys_of(
            {n: distinct[n].iloc[new].reset_index(drop=True) for n in names},
            distinct_points.iloc[new].reset_index(drop=True),
            settings,
            memo,
        )
        for i, row in zip(new, computed.itertuples(index=False), strict=True):
            known[tuples[i]] = (row.group_key, row.label, row.kind)
    values = np.array([known[t] for t in tuples], dtype=object)[codes]
    return pd.DataFrame(
        {"group_key": values[:, 0], "label": values[:, 1], "kind": values[:, 2]}, index=index
    )


def _keys_of(
    parts: dict, points: pd.Series, settings: GroupingSettings, memo: dict
) -> pd.DataFrame:
    """:func:`dwelling_keys` on distinct dwellings (one row per distinct address and point)."""
    empty = pd.Series("", index=points.index, dtype=object)

    def part(name: str) -> pd.Series:
        series = parts.get(name)
        return series.fillna("").astype(object) if series is not None else empty

    plain, typed = memo.setdefault("plain", {}), memo.setdefault("typed", {})
    titles = memo.setdefault("titles", {})
    number = normalise(part("street_number"), memo=plain)
    repetition = part("repetition").str.upper().map(lambda v: REPETITIONS.get(v, v))
    street = normalise(
        part("street_type") + " " + part("street_name"), settings.street_types, typed
    )
    place = normalise(part("place_name"), memo=plain)
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
    street_type = _memo(
        part("street_type"), lambda t: types.get(_fold(t), t), memo.setdefault("types", {})
    )
    label_parts = (
        part("street_number").str.lstrip("0")
        + " "
        + repetition.str.lower()
        + " "
        + street_type
        + " "
        + part("street_name")
    )
    label = _memo(label_parts.str.split().str.join(" "), french_title, titles)
    label = label.where(has_street, _memo(part("place_name"), french_title, titles))
    if settings.key == "batiment":
        building = normalise(
            part("building") + " " + part("block") + " " + part("entrance"), memo=plain
        )
        has_building = building.ne("")
        key = key.where(~has_building, key + " BAT " + building)
        kind = kind.where(~has_building, "bâtiment")
    elif settings.key == "programme":
        programme = part("programme")
        has_programme = programme.ne("")
        key = key.where(~has_programme, "PROGRAMME " + programme)
        kind = kind.where(~has_programme, "programme")
    group_key = part("commune_code") + "|" + part("bailleur") + "|" + key
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


def _residence_numbers(frame: pd.DataFrame, split_keys: set) -> np.ndarray:
    """A number per residence for each row: its group's, or its point's when the group is
    split (the split groups' points are numbered after all the groups)."""
    codes, uniques = pd.factorize(frame["group_key"])
    numbers = codes.astype(np.int64)
    split = frame["group_key"].isin(split_keys).to_numpy()
    if split.any():
        sub = frame[split].groupby(["group_key", "px", "py"], sort=True).ngroup().to_numpy()
        numbers[split] = len(uniques) + sub
    return numbers


def residences_from_partials(
    partials: pd.DataFrame, years: pd.DataFrame, settings: GroupingSettings
) -> tuple[pd.DataFrame, dict[str, int]]:
    """One row per residence from the partial sums of the dwellings.

    Parameters
    ----------
    partials : pandas.DataFrame
        Indexed by (``group_key``, ``px``, ``py``) — the group (any identifier) and the
        geocoded point (Lambert-93, metre): ``n`` dwellings, typology counts, surface and rent
        sums, QPV flags, DPE and financing counts, ``key_text`` (the grouping key as text),
        ``label``, ``kind``, ``commune_code``, ``bailleur``.
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
    frame["residence"] = _residence_numbers(frame, split_keys)
    is_split = frame["group_key"].isin(split_keys)
    frame["residence_key"] = frame["key_text"].where(
        ~is_split,
        frame["key_text"] + "@" + frame["px"].astype(str) + "," + frame["py"].astype(str),
    )
    frame["wx"], frame["wy"] = frame["px"] * frame["n"], frame["py"] * frame["n"]
    sums = [c for c in frame.columns if c.startswith(("n", "surf", "rent", "qpv", "dpe_", "fin_"))]
    sums = [c for c in sums if pd.api.types.is_numeric_dtype(frame[c])] + ["wx", "wy"]
    grouped = frame.groupby("residence", sort=True)
    out = grouped[sums].sum()
    described = ["group_key", "residence_key", "label", "kind", "commune_code", "bailleur"]
    out = out.join(grouped[described].first())
    out["x"], out["y"] = out["wx"] / out["n"], out["wy"] / out["n"]
    out["is_split"] = out["group_key"].isin(split_keys)
    if len(split_keys):
        rank = out[out["is_split"]].groupby("group_key").cumcount() + 1
        out.loc[rank.index, "label"] = (
            out.loc[rank.index, "label"] + " (lieu " + rank.astype(str) + ")"
        )
    years = years.merge(
        frame[["group_key", "px", "py", "residence"]], on=["group_key", "px", "py"], how="inner"
    )
    per_year = years.groupby(["residence", "year"])["n"].sum().reset_index()
    per_year = per_year.sort_values(["residence", "n", "year"], ascending=[True, False, True])
    mode = per_year.drop_duplicates("residence").set_index("residence")["year"]
    span = per_year.groupby("residence")["year"].agg(["min", "max"])
    gap = span["max"] - span["min"]
    out["year_built"] = mode.reindex(out.index).astype(int)
    out["year_gap"] = gap.reindex(out.index).astype(int)
    out["dpe_label"] = _mode(out, DPE_COLUMNS)
    fin_columns = tuple(c for c in out.columns if c.startswith("fin_"))
    out["financing"] = _mode(out, fin_columns) if fin_columns else None
    out["residence_id"] = [
        residence_id(c, k) for c, k in zip(out["commune_code"], out["residence_key"], strict=True)
    ]
    counts = {
        "residences": len(out),
        "split_keys": len(split_keys),
        "split_residences": int(out["is_split"].sum()),
        "wide_year_gap": int((out["year_gap"] > settings.max_year_gap).sum()),
    }
    return out.reset_index(drop=True), counts
