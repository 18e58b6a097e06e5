"""Pickers whose value is shared between pages through a URL query parameter.

Several pages read the same parameter with different options (``annee``: SRU inventory years on
one page, flow years on another; ``echelle``: two levels on the map, four on the dashboard). A
widget key shared by those pages would carry one page's options into the other, and Streamlit
would reset the picker. Each page therefore keys its picker on its own name, and takes its first
value from the URL: opening a page, or coming back to it, reads the selection the other pages
(or a link) left in the URL.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import streamlit as st

from ui.link_notices import choices_hint, link_notice, not_found_text
from ui.widgets import filter_mode


def url_choice(
    page: str,
    label: str,
    options: Sequence[str],
    param: str,
    default: str,
    format_func: Callable[[str], str] = str,
    help: str | None = None,
) -> str:
    """A selectbox kept in the URL parameter ``param`` and keyed ``<page>_<param>``.

    Parameters
    ----------
    page : str
        Short name of the page (part of the widget key).
    label : str
        French label of the picker.
    options : sequence of str
        The choices; a URL value outside them falls back to ``default``.
    param : str
        The URL query parameter.
    default : str
        Value when the URL has none (must be one of ``options``).
    format_func : callable, optional
        French label of each option.
    help : str, optional
        Tooltip.

    Returns
    -------
    str
        The chosen option, also written to the URL. A URL value outside ``options`` is said
        under the page title (:mod:`ui.link_notices`) when the picker first reads it.
    """
    options = list(options)
    key = f"{page}_{param}"
    if key not in st.session_state or st.session_state[key] not in options:
        wanted = st.query_params.get(param)
        if wanted is not None and wanted not in options and key not in st.session_state:
            hint = choices_hint(options, format_func)
            link_notice(not_found_text(label, wanted, format_func(default), hint))
        st.session_state[key] = wanted if wanted in options else default
    value = st.selectbox(
        label,
        options,
        key=key,
        format_func=format_func,
        help=help,
        filter_mode=filter_mode(options),
    )
    st.query_params[param] = value
    return value
