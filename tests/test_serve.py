"""The server's entry point: unknown addresses sent to « introuvable », the page told where its
server is. The middlewares are driven as an ASGI server would, with a fake application."""

from __future__ import annotations

import pytest

import serve
from bench.load_client import run_coroutine

INDEX = b"<!DOCTYPE html><html><head><meta charset='UTF-8'><title>x</title></head><body></body>"


def _call(middleware, path: str, *, content_type: bytes = b"text/html", method: str = "GET"):
    """Run ``middleware`` around an app answering ``INDEX``; return (status, headers, body, seen
    request headers)."""
    seen = {}

    async def app(scope, receive, send):
        seen["headers"] = dict(scope["headers"])
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-type", content_type), (b"content-length", b"76")],
            }
        )
        await send({"type": "http.response.body", "body": INDEX[:40], "more_body": True})
        await send({"type": "http.response.body", "body": INDEX[40:], "more_body": False})

    messages = []

    async def send(message):
        messages.append(message)

    async def receive():
        return {"type": "http.request"}

    scope = {
        "type": "http",
        "method": method,
        "path": path,
        "query_string": b"",
        "headers": [(b"accept-encoding", b"gzip"), (b"host", b"x")],
    }
    run_coroutine(middleware(app)(scope, receive, send))  # beside the browser tests' loop
    start = messages[0]
    body = b"".join(m.get("body", b"") for m in messages[1:])
    return start["status"], dict(start["headers"]), body, seen.get("headers", {})


@pytest.mark.parametrize(
    ("path", "base", "expected"),
    [
        pytest.param("/", "", "", id="home"),
        pytest.param("/sru", "", "sru", id="page"),
        pytest.param("/sru/", "", "sru", id="trailing-slash"),
        pytest.param("/sru/x", "", "sru/x", id="nested"),
        pytest.param("/_stcore/health", "", None, id="api"),
        pytest.param("/static/js/index.js", "", None, id="bundle"),
        pytest.param("/app/static/leaflet/leaflet.js", "", None, id="leaflet"),
        pytest.param("/component/streamlit_folium.st_folium/index.html", "", None, id="frame"),
        pytest.param("/favicon.png", "", None, id="file-at-the-root"),
        pytest.param("/tableau/sru", "tableau", "sru", id="base-path"),
        pytest.param("/ailleurs", "tableau", None, id="outside-the-base-path"),
    ],
)
def test_page_path(path, base, expected):
    assert serve.page_path(path, base) == expected


def test_the_page_is_told_the_server_root():
    status, headers, body, request = _call(serve.BackendBaseUrl, "/cotation")
    assert status == 200
    head = serve.page_head("")
    assert body == INDEX.replace(b"<head>", b"<head>" + head)
    assert b'BACKEND_BASE_URL:window.location.origin+""' in head
    assert headers[b"content-length"] == str(len(body)).encode()
    assert b"accept-encoding" not in request  # asked uncompressed, to be edited


def test_under_a_base_path_the_root_includes_it():
    assert b'window.location.origin+"/tableau"' in serve.page_head("/tableau/")


def test_files_and_other_contents_go_through_untouched():
    _, headers, body, request = _call(serve.BackendBaseUrl, "/static/js/a.js")
    assert (body, headers[b"content-length"]) == (INDEX, b"76")
    assert request[b"accept-encoding"] == b"gzip"
    _, headers, body, _ = _call(serve.BackendBaseUrl, "/sru", content_type=b"application/json")
    assert (body, headers[b"content-length"]) == (INDEX, b"76")


def test_an_unknown_address_goes_to_the_page_introuvable():
    status, headers, _, _ = _call(serve.UnknownAddress, "/carte/ancienne")
    assert status == 303
    assert headers[b"location"] == b"/introuvable?adresse=carte%2Fancienne"


@pytest.mark.parametrize("path", ["/", "/sru", "/residence", "/introuvable", "/_stcore/health"])
def test_known_addresses_are_served(path):
    status, _, body, _ = _call(serve.UnknownAddress, path)
    assert (status, body) == (200, INDEX)


def test_inject_head_leaves_a_document_without_head_alone():
    assert serve.inject_head(b"<p>x</p>", b"<script></script>") == b"<p>x</p>"
