"""Several server processes on one shared store behind nginx, as ``make serve`` and the README's
proxy run them in production.

:func:`served` starts ``processes`` servers (``streamlit run serve.py``, the server of
``make run``) on free loopback ports, all on the same data folder and store, then nginx in front
of them (:func:`bench.proxy.nginx_proxy`), and stops everything on exit, even on error.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

from bench.proxy import Proxy, nginx_proxy, upstreams_by_path
from tests.e2e.conftest import streamlit_server


@dataclass(frozen=True)
class Cluster:
    """Server processes behind one proxy.

    Attributes
    ----------
    url : str
        The proxy's URL: what users open.
    server_urls : tuple of str
        Each server process's own URL (to warm its caches directly).
    proxy : Proxy
        The running nginx (its access log tells which process answered).
    """

    url: str
    server_urls: tuple[str, ...]
    proxy: Proxy


@contextmanager
def served(processes: int, workdir: Path, env: dict[str, str] | None = None) -> Iterator[Cluster]:
    """Start ``processes`` servers on one store under ``workdir`` behind nginx; yield them.

    Parameters
    ----------
    processes : int
        Number of server processes (one per core in production).
    workdir : pathlib.Path
        Folder of the shared data folder and store, and of the servers' logs.
    env : dict, optional
        Variables of every server (e.g. a shared ``COTATION_DATABASE_URL``).
    """
    if processes < 1:
        raise ValueError(f"processes : au moins 1 processus attendu, reçu {processes}")
    shared = {"COTATION_DATA_DIR": str(workdir / "data")} | (env or {})
    with ExitStack() as stack:
        urls = tuple(
            stack.enter_context(streamlit_server(workdir, shared, log_name=f"serveur-{i}"))
            for i in range(1, processes + 1)
        )
        proxy = stack.enter_context(nginx_proxy(urls))
        yield Cluster(proxy.url, urls, proxy)


def sessions_by_server(
    cluster: Cluster, before: Counter[str], expected: int, timeout: float = 10.0
) -> Counter[str]:
    """Websocket sessions each server process served since ``before`` (an earlier count of
    :func:`bench.proxy.upstreams_by_path`), keyed by the server's URL.

    nginx logs a websocket when it closes: wait up to ``timeout`` seconds for ``expected``
    sessions to be logged.
    """
    deadline = time.monotonic() + timeout
    while True:
        counts = upstreams_by_path(cluster.proxy.read_access_log())
        counts.subtract(before)
        served_by = Counter({f"http://{k}": v for k, v in counts.items() if v > 0})
        if served_by.total() >= expected or time.monotonic() > deadline:
            return served_by
        time.sleep(0.1)
