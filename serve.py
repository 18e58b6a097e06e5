"""Entry point of the server: ``streamlit run serve.py`` serves the dashboard of ``app.py``.

``app.py`` stays the picture frame (the script each session runs, and what ``AppTest`` loads);
this module wraps it in Streamlit's ASGI application with two middlewares:

- :class:`UnknownAddress` sends an address that is no page of the dashboard (``/carte``,
  ``/sru/x``) to the French « page introuvable » (``/introuvable?adresse=carte``), where Streamlit
  would open the home page under an English « Page not found » dialog (or stay blank for a
  nested address);
- :class:`BackendBaseUrl` tells the page where its server is. Streamlit's page looks for its
  server under the page's own path first: opened on ``/sru``, it asks ``/sru/_stcore/health`` and
  ``/sru/_stcore/host-config`` (two 404 in the browser console) before ``/_stcore/…``. It reads
  the server's address from ``window.__streamlit.BACKEND_BASE_URL`` when set (Streamlit issue
  7074): the middleware sets it in every page the server sends, to the server's root
  (``server.baseUrlPath`` included).

Nothing else changes: websocket, static files, components, Leaflet served from ``static/``.
The legacy ``pages/`` mode of Streamlit (a page script run without the frame when the first
visit of a fresh server opens a page address) is switched off before any session starts.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote

import streamlit as st
from starlette.middleware import Middleware
from starlette.responses import RedirectResponse
from streamlit import config, file_util
from streamlit.runtime.pages_manager import PagesManager

# Paths whose answer is not Streamlit's page (files, component frames, the API).
_NOT_PAGES = ("_stcore/", "static/", "app/static/", "media/", "component/")


def _root(base_url_path: str) -> str:
    """The server's root path: ``""`` at the root, ``"/tableau"`` under a base path."""
    base = base_url_path.strip("/")
    return f"/{base}" if base else ""


def page_path(path: str, base_url_path: str) -> str | None:
    """The page part of a request path (``"sru"``, ``""`` for the home page), or None when the
    path is not a page address (a file, a component frame, the API, outside the base path)."""
    base = base_url_path.strip("/")
    relative = path.lstrip("/")
    if base:
        if relative != base and not relative.startswith(base + "/"):
            return None
        relative = relative[len(base) :].lstrip("/")
    if relative.startswith(_NOT_PAGES) or (Path(file_util.get_static_dir()) / relative).is_file():
        return None
    return relative.rstrip("/")


def page_head(base_url_path: str) -> bytes:
    """What :class:`BackendBaseUrl` adds at the top of the page's ``<head>``: a script setting
    ``window.__streamlit.BACKEND_BASE_URL`` to the page's origin followed by the base path
    (keeping any other setting already there)."""
    root = json.dumps(_root(base_url_path))
    return (
        "<script>window.__streamlit=Object.assign(window.__streamlit||{},"
        f"{{BACKEND_BASE_URL:window.location.origin+{root}}});</script>"
    ).encode()


def inject_head(html: bytes, head: bytes) -> bytes:
    """``html`` with ``head`` right after its ``<head>`` tag (unchanged without one)."""
    marker = b"<head>"
    at = html.find(marker)
    if at < 0:
        return html
    at += len(marker)
    return html[:at] + head + html[at:]


def _base_url_path() -> str:
    return str(config.get_option("server.baseUrlPath") or "")


class UnknownAddress:
    """ASGI middleware sending ``GET`` requests of unknown page addresses to the « page
    introuvable » (:data:`ui.frame.NOT_FOUND`), the address asked for in ``adresse``."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        # Imported once Streamlit's runtime runs: ui.frame brings the caches of ui.cache.
        from ui.frame import NOT_FOUND, page_addresses

        base = _base_url_path()
        page = page_path(scope.get("path", ""), base) if scope["type"] == "http" else None
        if scope.get("method") != "GET" or page is None or page in page_addresses():
            await self.app(scope, receive, send)
            return
        target = f"{_root(base)}/{NOT_FOUND[3]}?adresse={quote(page, safe='')}"
        await RedirectResponse(target, status_code=303)(scope, receive, send)


class BackendBaseUrl:
    """ASGI middleware adding :func:`page_head` to the dashboard's page.

    Only ``GET`` requests of page addresses are concerned: the page is asked without
    compression so that it can be edited, and its ``Content-Length`` follows. Every other
    request and response goes through untouched.
    """

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        base = _base_url_path()
        if (
            scope["type"] != "http"
            or scope.get("method") != "GET"
            or page_path(scope.get("path", ""), base) is None
        ):
            await self.app(scope, receive, send)
            return
        headers = [(k, v) for k, v in scope.get("headers", []) if k.lower() != b"accept-encoding"]
        scope = {**scope, "headers": headers}
        start: dict | None = None
        body: list[bytes] = []

        async def edit(message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                content_type = dict(message.get("headers", [])).get(b"content-type", b"")
                if content_type.startswith(b"text/html"):
                    start = message
                    return
            elif message["type"] == "http.response.body" and start is not None:
                body.append(message.get("body", b""))
                if message.get("more_body", False):
                    return
                html = inject_head(b"".join(body), page_head(base))
                kept = [(k, v) for k, v in start["headers"] if k.lower() != b"content-length"]
                kept.append((b"content-length", str(len(html)).encode()))
                await send({**start, "headers": kept})
                await send({"type": "http.response.body", "body": html, "more_body": False})
                return
            await send(message)

        await self.app(scope, receive, edit)


# Every session runs app.py in st.navigation mode, the first visit of a page address included.
PagesManager.uses_pages_directory = False
app = st.App("app.py", middleware=[Middleware(UnknownAddress), Middleware(BackendBaseUrl)])
