"""nginx in front of several server processes, as in production, for the load benchmark.

The site configuration is the template of the repository (``deploy/nginx.conf``, the one the
README shows: sticky sessions by cookie, websocket upgrade), filled in with a free loopback port
and the servers' addresses. :func:`nginx_proxy` wraps it in a complete configuration whose every
path (prefix, pid, logs, temporary files) lies in a temporary folder, starts Debian's nginx
unprivileged on it in the foreground and stops it on exit, even on error. The access log names
the server process that answered each request (:func:`upstreams_by_path`).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "deploy" / "nginx.conf"
NGINX = os.environ.get("NGINX", "/usr/sbin/nginx")
PLACEHOLDERS = ("@LISTEN@", "@SERVER_NAME@", "@SERVERS@")
# One line per request: the path asked for, the server process that answered it, the status and
# the sticky route (the cookie, or the fresh identifier of a first visit).
LOG_FORMAT = "$request_uri $upstream_addr $status $cotation_route"

MAIN_CONF = """\
daemon off;
worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{
    worker_connections 1024;
}}
http {{
    log_format upstreams '{log_format}';
    access_log {prefix}/access.log upstreams;
    client_body_temp_path {prefix}/client_body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    include {prefix}/site.conf;
}}
"""


class ProxyError(RuntimeError):
    """nginx is missing, refuses its configuration or does not answer."""


def nginx_binary() -> str | None:
    """Path of Debian's nginx (``NGINX`` overrides it), or None when it is not installed."""
    if Path(NGINX).is_file():
        return NGINX
    return shutil.which("nginx")


def site_config(listen: str, upstreams: Sequence[str], server_name: str = "localhost") -> str:
    """The repository's nginx template (``deploy/nginx.conf``) filled in.

    Parameters
    ----------
    listen : str
        The ``listen`` parameters, e.g. ``"127.0.0.1:8080"`` or ``"443 ssl"``.
    upstreams : sequence of str
        ``host:port`` of each server process, at least one.
    server_name : str, default "localhost"
        The ``server_name`` of the site.

    Returns
    -------
    str
        The site configuration, to include in nginx's ``http`` block.
    """
    if not upstreams:
        raise ValueError("upstreams : au moins un serveur attendu, liste vide reçue")
    template = TEMPLATE.read_text(encoding="utf-8")
    missing = [p for p in PLACEHOLDERS if p not in template]
    if missing:
        raise ProxyError(f"{TEMPLATE} : emplacements {', '.join(missing)} absents du modèle")
    servers = "\n".join(f"    server {address};" for address in upstreams)
    return (
        template.replace("@LISTEN@", listen)
        .replace("@SERVER_NAME@", server_name)
        .replace("@SERVERS@", servers)
    )


def main_config(prefix: Path) -> str:
    """The complete nginx configuration around ``site.conf``, every path under ``prefix``."""
    return MAIN_CONF.format(prefix=prefix, log_format=LOG_FORMAT)


def free_port() -> int:
    """A free TCP port on the loopback interface."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def nginx_proxy(server_urls: Sequence[str], timeout: float = 20.0) -> Iterator[Proxy]:
    """Start nginx on a free loopback port in front of ``server_urls``; yield the :class:`Proxy`.

    Parameters
    ----------
    server_urls : sequence of str
        ``http://host:port`` of each server process.
    timeout : float, default 20
        Seconds to wait for nginx to answer.

    Raises
    ------
    ProxyError
        nginx is not installed, refuses the configuration or does not answer in time.
    """
    binary = nginx_binary()
    if binary is None:
        raise ProxyError("nginx est absent : « make setup » l'installe (paquet Debian nginx).")
    with tempfile.TemporaryDirectory(prefix="nginx-") as tmp:
        prefix = Path(tmp)
        # run as root, nginx's workers drop to « nobody »: they must reach the temporary folder
        prefix.chmod(0o755)
        port = free_port()
        upstreams = [urlsplit(url).netloc for url in server_urls]
        (prefix / "site.conf").write_text(site_config(f"127.0.0.1:{port}", upstreams))
        (prefix / "nginx.conf").write_text(main_config(prefix))
        command = [binary, "-p", str(prefix), "-c", str(prefix / "nginx.conf")]
        command += ["-e", str(prefix / "error.log")]
        checked = subprocess.run([*command, "-t", "-q"], capture_output=True, text=True)
        if checked.returncode != 0:
            raise ProxyError(f"configuration nginx refusée : {checked.stderr.strip()}")
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        proxy = Proxy(f"http://127.0.0.1:{port}", prefix)
        try:
            _wait_listening(port, process, timeout)
            yield proxy
        finally:
            _stop(process)
            proxy.keep_logs()


class Proxy:
    """A running nginx: its URL and its access log (kept after it stops)."""

    def __init__(self, url: str, prefix: Path) -> None:
        self.url = url
        self.prefix = prefix
        self.access_log = ""

    def read_access_log(self) -> str:
        """The access log so far (the copy kept at exit once nginx has stopped)."""
        path = self.prefix / "access.log"
        return path.read_text(encoding="utf-8") if path.exists() else self.access_log

    def keep_logs(self) -> None:
        """Copy the access log in memory before the temporary folder goes."""
        self.access_log = self.read_access_log()


@dataclass(frozen=True)
class LoggedRequest:
    """One line of the proxy's access log."""

    path: str
    upstream: str
    status: int
    route: str


def logged_requests(access_log: str) -> list[LoggedRequest]:
    """The requests of an access log written with :data:`LOG_FORMAT` (query strings dropped)."""
    requests = []
    for line in access_log.splitlines():
        fields = line.split()
        if len(fields) == 4 and fields[2].isdigit():
            path, upstream, status, route = fields
            requests.append(LoggedRequest(path.split("?")[0], upstream, int(status), route))
    return requests


def upstreams_by_path(access_log: str, path: str = "/_stcore/stream") -> Counter[str]:
    """How many requests for ``path`` each server process (``host:port``) answered."""
    return Counter(r.upstream for r in logged_requests(access_log) if r.path == path)


def _wait_listening(port: int, process: subprocess.Popen, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            error = process.stderr.read().decode(errors="replace").strip()
            raise ProxyError(f"nginx s'est arrêté (code {process.returncode}) : {error}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.05)
    raise ProxyError(f"nginx ne répond pas sur le port {port} après {timeout:.0f} s")


def _stop(process: subprocess.Popen) -> None:
    """Fast shutdown (SIGTERM: open websockets are closed, not waited for), then kill."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    if process.stderr is not None:
        process.stderr.close()
