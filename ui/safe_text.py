"""Text written by users shown in a page as plain text, never as Markdown or HTML.

A text typed by one person (a fiche's orientations, a comment, a display name) is read by
others: shown as Markdown it could draw an image from another site (a request carrying the
reader's address), a link dressed as something else, or a heading the size of the page.
:func:`text_box` shows it escaped with its line breaks; :func:`md_escape` makes a short text
safe inside a Markdown caption.
"""

from __future__ import annotations

import html
import re

import streamlit as st

_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~:$=^])")
_BOX = (
    "white-space: pre-wrap; overflow-wrap: anywhere; font-size: 0.95rem; line-height: 1.45; "
    "margin: 0;"
)


def md_escape(text: str) -> str:
    """``text`` with every Markdown mark escaped and its lines joined (for captions)."""
    return _MARKDOWN.sub(r"\\\1", " ".join(str(text).split()))


def text_box(text: str, empty: str) -> None:
    """``text`` as typed (line breaks kept, long words wrapped), or ``empty`` in grey italics
    when there is none."""
    if text:
        st.html(f'<div class="texte-saisi" style="{_BOX}">{html.escape(text)}</div>')
    else:
        st.html(
            f'<div class="texte-saisi" style="{_BOX} color: #666;">'
            f"<em>{html.escape(empty)}</em></div>"
        )
