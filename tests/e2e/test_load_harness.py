"""The load benchmark's harness works: two server processes on one store behind nginx (the
repository's template), sessions that load the page and keep its cookie, each session kept on
one process, both processes serving, no error (bench/cluster.py, bench/proxy.py)."""

from __future__ import annotations

import asyncio

import pytest

from bench.cluster import served
from bench.load_client import Link, Session, page_cookies, run_coroutine
from bench.proxy import logged_requests, nginx_binary

pytestmark = pytest.mark.e2e
LINKS = [
    Link("cotation", "poids=patrimoine:40,occupation:10,equipements:25,environnement:25"),
    Link("", "echelle=quartier&indicateur=n_dwellings"),
    Link("residence", "residence=GP-0042"),
]
# Not a timing: a cold process on a machine busy with other work may take a while to answer.
RUN_TIMEOUT_S = 300.0


@pytest.fixture()
def cluster(tmp_path):
    if nginx_binary() is None:
        pytest.skip("nginx absent : « make setup » l'installe (paquet Debian nginx)")
    with served(2, tmp_path) as running:
        yield running


def _route_per_server(cluster) -> dict[str, str]:
    """One route cookie value per server process, found by loading the page with new values."""
    for i in range(64):
        page_cookies(cluster.url + "/", cookie=f"cotation_route=essai-{i}")
        routes = {}
        for request in logged_requests(cluster.proxy.read_access_log()):
            routes.setdefault(request.upstream, request.route)
        if len(routes) == len(cluster.server_urls):
            return routes
    raise AssertionError(
        f"nginx n'a envoyé aucune des 64 visites vers l'un des serveurs : {routes}"
    )


async def _sessions(url: str, cookies: list[str | None]) -> list:
    async def one(cookie):
        async with Session(url, RUN_TIMEOUT_S, load_page=True, cookie=cookie) as session:
            return [await session.open(link) for link in LINKS]

    runs = await asyncio.gather(*(one(cookie) for cookie in cookies))
    return [run for session_runs in runs for run in session_runs]


def test_two_processes_behind_nginx_serve_sticky_sessions_without_error(cluster):
    routes = _route_per_server(cluster)
    cookies = [f"cotation_route={route}" for route in routes.values()] + [None]
    runs = run_coroutine(_sessions(cluster.url, cookies))

    assert len(runs) == 3 * len(LINKS)
    assert [(str(r.link), r.errors) for r in runs if not r.ok] == []
    assert all(r.received_bytes > 10_000 for r in runs)
    requests = logged_requests(cluster.proxy.read_access_log())
    streams = [r for r in requests if r.path == "/_stcore/stream"]
    assert {r.upstream for r in streams} == set(routes), "each process served a session"
    for upstream, route in routes.items():
        assert {r.upstream for r in requests if r.route == route} == {upstream}
    # the first visit without a cookie got a route, and kept its process for the websocket
    fresh = {r.route for r in requests if r.path == "/" and not r.route.startswith("essai-")}
    assert len(fresh) == 1
    assert len({r.upstream for r in requests if r.route in fresh}) == 1
