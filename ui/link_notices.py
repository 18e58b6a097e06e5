"""What a link asked for and the page could not show, said in French under the page title.

A picker that finds an unknown value in the URL (``/residence?residence=XYZ``,
``/sru?annee=1900``) shows something else and rewrites the link; :func:`link_notice` says so
(« Résidence « XYZ » introuvable… ») instead of substituting silently. The notices of a run are
kept in the run's values (:mod:`ui.run_state`, cleared by the frame at the start of each run);
the page opening calls :func:`show_notices`, which reserves their place under the title: those
raised before it (the sidebar) are shown there, those raised after it are added there.

The value quoted comes from the link: it is made inert (:func:`ui.fmt.quote_text`) so that a
crafted link cannot put a link or an image into the notice.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import streamlit as st

from ui.fmt import quote_text
from ui.run_state import run_values

ICON = ":material/link_off:"
_BOX, _PENDING = "link_notices_box", "link_notices_pending"


def show_notices() -> None:
    """Reserve the place of this run's notices here and show those already raised."""
    values = run_values()
    values[_BOX] = st.container()
    for text, replaced in values.pop(_PENDING, []):
        _write(text, replaced)


def link_notice(text: str, replaced: bool = False) -> None:
    """Show ``text`` among the notices of the page (later in the run if not yet placed).

    Parameters
    ----------
    text : str
        French Markdown; a value quoted from the link must go through ``quote_text``.
    replaced : bool, default False
        A choice replaced because it does not apply any more (an information), rather than a
        link that asked for something that does not exist (a warning).
    """
    values = run_values()
    if values.get(_BOX) is None:
        values.setdefault(_PENDING, []).append((text, replaced))
        return
    _write(text, replaced)


def _write(text: str, replaced: bool) -> None:
    with run_values()[_BOX]:
        if replaced:
            st.info(text, icon=":material/swap_horiz:")
        else:
            st.warning(text, icon=ICON)


def not_found_text(label: str, wanted: object, shown: str | None = None, hint: str = "") -> str:
    """« {label} « {wanted} » introuvable dans le lien » and what the page shows instead.

    Parameters
    ----------
    label : str
        What was asked for, capitalised (« Résidence », « Année »).
    wanted : object
        The value of the link (quoted inert).
    shown : str, optional
        What the page shows instead (already French).
    hint : str, optional
        What to do, appended as a sentence.
    """
    text = f"{label} « {quote_text(wanted)} » introuvable dans le lien"
    if shown is not None:
        text += f" ; la page montre « {shown} »"
    text += "."
    return f"{text} {hint}".strip()


def choices_hint(options: Sequence[str], format_func: Callable[[str], str] = str) -> str:
    """The possible values of a short list (« Choix possibles : 2016 à 2025. »), else ""."""
    options = list(options)
    if not options:
        return ""
    if all(o.isdigit() for o in options) and len(options) > 2:
        numbers = sorted(int(o) for o in options)
        if numbers == list(range(numbers[0], numbers[-1] + 1)):
            return f"Choix possibles : {numbers[0]} à {numbers[-1]}."
    if len(options) <= 6:
        return "Choix possibles : " + ", ".join(format_func(o) for o in options) + "."
    return ""
