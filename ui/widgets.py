"""Streamlit widgets shared by the pages: URL-synchronised pickers, legends, notices, key figures.

Pickers keep their value in the URL query parameters so that a link sent by e-mail reopens the
same view (``?indicateur=sru_rate_pct&commune=86041``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import streamlit as st

from geodata.schemas import DEMO_NOTICE
from ui.link_notices import choices_hint, link_notice, not_found_text
from ui.maps import LegendEntry

# Lists up to this length are picked without typing.
SHORT_LIST = 15


def query_choice(
    label: str,
    options: Sequence[str],
    param: str,
    default: str,
    format_func: Callable[[str], str] = str,
    widget: str = "selectbox",
    help: str | None = None,
    **kwargs,
) -> str:
    """A selectbox or radio whose value lives in the URL query parameter ``param``.

    An unknown value in the URL falls back to ``default``, says so under the page title
    (:mod:`ui.link_notices`) and is replaced in the URL.
    """
    options = list(options)
    key = f"qp_{param}"
    if key not in st.session_state:
        wanted = st.query_params.get(param)
        if wanted is not None and wanted not in options:
            hint = choices_hint(options, format_func)
            link_notice(not_found_text(label, wanted, format_func(default), hint))
        st.session_state[key] = wanted if wanted in options else default
    elif st.session_state[key] not in options:
        st.session_state[key] = default
    if widget == "radio":
        value = st.radio(label, options, key=key, format_func=format_func, help=help, **kwargs)
    else:
        value = st.selectbox(
            label,
            options,
            key=key,
            format_func=format_func,
            help=help,
            filter_mode=filter_mode(options),
            **kwargs,
        )
    st.query_params[param] = value
    return value


def filter_mode(options: Sequence[object]) -> str | None:
    """How a selectbox filters what is typed: not at all for a short list (nothing to type,
    hence no English « No results »), by subsequence for a long one (communes, résidences)."""
    return None if len(options) <= SHORT_LIST else "fuzzy"


def query_value(param: str) -> str | None:
    """The current value of a URL query parameter (None when absent)."""
    return st.query_params.get(param)


def set_query_value(param: str, value: str | None) -> None:
    """Set (or remove, with None) a URL query parameter."""
    if value is None:
        st.query_params.pop(param, None)
    else:
        st.query_params[param] = value


def demo_notice(is_demo: bool) -> None:
    """Say plainly that the figures come from the embedded demo data set."""
    if is_demo:
        st.warning(
            f"**{DEMO_NOTICE}.** Les résidences, bailleurs, occupations et attributions affichés "
            "sont générés pour la démonstration ; seuls les contours et populations des communes "
            "sont réels. Importez vos fichiers (RPLS, OPS, PSP, attributions) pour travailler sur "
            "le parc réel.",
            icon=":material/science:",
        )


def legend(title: str, entries: Sequence[LegendEntry], caption: str = "") -> None:
    """A classed legend drawn in Streamlit (readable by screen readers and tests)."""
    rows = "".join(
        f'<div class="legend-row"><span class="legend-swatch" style="background:{e.color}">'
        f"</span>{e.label}</div>"
        for e in entries
    )
    st.markdown(
        f'<div class="legend"><div class="legend-title">{title}</div>{rows}</div>',
        unsafe_allow_html=True,
    )
    if caption:
        st.caption(caption)


def key_figures(rows: Sequence[tuple[str, str, str]]) -> None:
    """A compact table of key figures: label, value, comparison (e.g. with the EPCI)."""
    body = "".join(
        f"<tr><th>{label}</th><td>{value}</td><td class='ref'>{reference}</td></tr>"
        for label, value, reference in rows
    )
    st.markdown(f"<table class='key-figures'>{body}</table>", unsafe_allow_html=True)


STYLE = """
<style>
.legend {font-size: 0.9rem; line-height: 1.5rem;}
.legend-title {font-weight: 600; margin-bottom: 0.2rem;}
.legend-swatch {display: inline-block; width: 1.1rem; height: 0.9rem; margin-right: 0.5rem;
  border: 1px solid #4d4d4d; vertical-align: middle;}
.key-figures {width: 100%; border-collapse: collapse; font-size: 0.95rem;}
.key-figures th {text-align: left; font-weight: 500; padding: 0.25rem 0.4rem 0.25rem 0;}
.key-figures td {text-align: right; padding: 0.25rem 0.4rem; font-variant-numeric: tabular-nums;}
.key-figures td.ref {color: #555; font-size: 0.85rem; white-space: nowrap;}
.key-figures td {white-space: nowrap;}
.key-figures tr {border-bottom: 1px solid #e6e6e6;}
/* Streamlit's element toolbar speaks English only (« Show/hide columns », « Download as CSV »,
   « Search », « Fullscreen »): hidden. Every table and chart has its own French download. */
[data-testid="stElementToolbar"] {display: none !important;}
/* Same for a table's column menu (« Sort ascending », « Pin column »…): a click on the header
   still sorts. */
[data-testid="stDataFrameColumnMenu"] {display: none !important;}
/* The « Stop » button Streamlit shows in the header of a run longer than half a second. */
[data-testid="stStatusWidget"] button {display: none !important;}
/* A picker that matches nothing says « Aucun résultat » (Streamlit writes « No results »). */
[role="listbox"][data-empty] [role="option"] > span {visibility: hidden; font-size: 0;}
[role="listbox"][data-empty] [role="option"] > span::after {
  content: "Aucun résultat"; visibility: visible; font-size: 0.875rem;}
</style>
"""


def page_style() -> None:
    """Inject the small stylesheet of every page: legends, key-figure tables, and French in
    place of Streamlit's English (element toolbar hidden, empty picker)."""
    st.markdown(STYLE, unsafe_allow_html=True)
