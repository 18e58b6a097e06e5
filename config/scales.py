"""Ordinal scales written out in French, and the ``[table.key]`` placeholders that name them.

A definition in a configuration file names a scale by its table (``(échelle
[scales.psp_class])``) rather than copying its values: the text the person reads is generated
here from the table itself, so a changed scale cannot leave a stale description behind
(« conforter 4, vendre 3, réhabiliter 2, restructurer 1, démolir 0 »).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from config import ConfigError

_PLACEHOLDER = re.compile(r"\[([a-z_]+(?:\.[a-z_]+)+)\]")


def scale_text(scale: Mapping[str, float]) -> str:
    """``"conforter 4, vendre 3, réhabiliter 2"``: each category with its value, in file order.

    Parameters
    ----------
    scale : mapping of str to number
        Category → value, as read from a ``[scales.*]`` or ``[groups.psp_levels]`` table.

    Returns
    -------
    str
        French numbers (decimal comma), categories as written in the file.
    """
    return ", ".join(f"{category} {_num(value)}" for category, value in scale.items())


def fill_scales(text: str, data: Mapping, where: str) -> str:
    """Replace every ``[table.key]`` placeholder of ``text`` by the scale it names in ``data``.

    ``« (échelle [scales.dpe_label]) »`` becomes ``« (échelle A 1, B 2 … G 7) »``; the
    surrounding words are the text's own.

    Parameters
    ----------
    text : str
        A French definition from a configuration file.
    data : mapping
        The whole file the placeholder refers to (its tables are looked up by dotted path).
    where : str
        Where ``text`` comes from, for the error message (``"config/indicators.toml, dpe_rank"``).

    Raises
    ------
    ConfigError
        When a placeholder names no table of numbers, with the placeholder and ``where``.
    """

    def replace(match: re.Match) -> str:
        table: object = data
        for part in match.group(1).split("."):
            table = table.get(part) if isinstance(table, Mapping) else None
        if not _is_scale(table):
            raise ConfigError(
                f"{where} : « [{match.group(1)}] » ne désigne aucune échelle du fichier, "
                "attendu une table « catégorie = nombre »."
            )
        return scale_text(table)  # type: ignore[arg-type]

    return _PLACEHOLDER.sub(replace, text)


def _is_scale(table: object) -> bool:
    return (
        isinstance(table, Mapping)
        and bool(table)
        and all(isinstance(v, int | float) and not isinstance(v, bool) for v in table.values())
    )


def _num(value: float) -> str:
    return f"{value:g}".replace(".", ",")
