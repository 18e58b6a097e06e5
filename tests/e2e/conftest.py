"""Browser tests: a real ``streamlit run serve.py`` on a free loopback port (the server of
``make run``), driven by Debian's Chromium.

Playwright drives ``/usr/bin/chromium`` (never a downloaded browser). Each test saves a
screenshot under ``artifacts/screens/`` so that a person can look at what users see.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCREENS = ROOT / "artifacts" / "screens"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def server_command(port: int) -> list[str]:
    """The command of ``make run`` (``streamlit run serve.py``) on ``port``, loopback only."""
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(ROOT / "serve.py"),
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
    ]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_healthy(url: str, process: subprocess.Popen, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit s'est arrêté (code {process.returncode})")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"streamlit ne répond pas sur {url} après {timeout:.0f} s")


@contextmanager
def streamlit_server(workdir: Path, env: dict[str, str] | None = None, log_name: str = "streamlit"):
    """Start ``streamlit run serve.py`` (the server of ``make run``) on a free port; yield its
    base URL.

    By default on the demo data, with its own data folder and store under ``workdir``; ``env``
    overrides variables (e.g. a shared ``COTATION_DATABASE_URL``).
    """
    port = _free_port()
    environment = dict(os.environ)
    environment["COTATION_DATA_DIR"] = str(workdir / "data")
    environment.pop("COTATION_DATABASE_URL", None)
    environment.update(env or {})
    log = (workdir / f"{log_name}.log").open("w")
    process = subprocess.Popen(
        server_command(port),
        cwd=ROOT,
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, process)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


@pytest.fixture(scope="session")
def server_url(tmp_path_factory) -> str:
    """The dashboard served once for the whole session (demo data)."""
    with streamlit_server(tmp_path_factory.mktemp("e2e")) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    """A headless Debian Chromium driven by Playwright."""
    if not Path(CHROMIUM).exists() and shutil.which("chromium") is None:
        pytest.fail(
            f"Chromium introuvable ({CHROMIUM}) : lancez « make setup » qui l'installe "
            "(paquet Debian chromium)."
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture()
def page(browser, tmp_path):
    """A fresh browser page of 1440×1400 with its own context; records external requests."""
    context = browser.new_context(viewport={"width": 1440, "height": 1400}, locale="fr-FR")
    tab = context.new_page()
    tab.external_requests = []  # type: ignore[attr-defined]

    def record(request):
        if not request.url.startswith(("http://127.0.0.1", "data:", "blob:", "about:")):
            tab.external_requests.append(request.url)  # type: ignore[attr-defined]

    context.on("request", record)
    yield tab
    context.close()


def expand_to_content(page, max_height: int = 12_000) -> None:
    """Grow the viewport to the page's content so that the screenshot shows all of it."""
    script = (
        "() => document.querySelector('[data-testid=\"stMainBlockContainer\"]')"
        ".getBoundingClientRect().height"
    )
    page.wait_for_timeout(1000)
    height = page.evaluate(script)
    page.set_viewport_size({"width": 1440, "height": min(int(height) + 200, max_height)})
    page.wait_for_timeout(1500)


def screenshot(page, name: str) -> Path:
    """Save a full-page screenshot under artifacts/screens/ and return its path."""
    SCREENS.mkdir(parents=True, exist_ok=True)
    path = SCREENS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def wait_for_app(page, timeout: float = 30_000) -> None:
    """Wait until Streamlit is connected, has drawn the page title and is not running the script."""
    page.wait_for_selector(
        "[data-testid='stApp'][data-test-connection-state='CONNECTED']", timeout=timeout
    )
    page.wait_for_selector("h1", timeout=timeout)
    # A rerun asked by the script (st.rerun) leaves a short gap in which the script is "not
    # running": the state must hold for a moment before the page counts as settled.
    idle = (
        "() => document.querySelector('[data-testid=\"stApp\"]')"
        ".getAttribute('data-test-script-state') === 'notRunning'"
    )
    for _ in range(20):
        page.wait_for_function(idle, timeout=timeout)
        page.wait_for_timeout(300)
        if page.evaluate(idle):
            return
    raise AssertionError("the app never stayed idle for 300 ms")


CHART = "[data-testid='stVegaLiteChart']"


def wait_for_charts(page, count: int, timeout: float = 30_000) -> None:
    """Wait until ``count`` Vega-Lite charts are drawn (an SVG of marks, or a canvas)."""
    drawn = page.locator(f"{CHART} :is(svg.marks, canvas)")
    drawn.nth(count - 1).wait_for(state="attached", timeout=timeout)


def assert_no_exception(page) -> None:
    """Fail when Streamlit shows an exception box on the page."""
    count = page.locator("[data-testid='stException']").count()
    assert count == 0, page.locator("[data-testid='stException']").first.inner_text()


# Demonstration accounts (config/demo_accounts.toml): username and password per role.
DEMO_LOGINS = {
    "elu": ("demo.elu", "demo-elu-86"),
    "cil": ("demo.cil", "demo-cil-86"),
    "bailleur": ("demo.bailleur", "demo-bailleur-86"),
    "service_habitat": ("demo.habitat", "demo-habitat-86"),
    "admin": ("demo.admin", "demo-admin-86"),
}


def log_in(page, role: str) -> None:
    """Log in with the demo account of ``role`` from the sidebar's folded form: the page and
    its link stay, now shown with the role's rights (the session lives in the server's
    ``st.session_state``: a reload or a new address starts a public session again)."""
    username, password = DEMO_LOGINS[role]
    sidebar = page.locator("[data-testid='stSidebar']")
    sidebar.locator("[data-testid='stExpander'] summary").filter(has_text="Se connecter").click()
    sidebar.get_by_label("Identifiant").fill(username)
    sidebar.get_by_label("Mot de passe").fill(password)
    sidebar.get_by_role("button", name="Se connecter").click()
    sidebar.get_by_role("button", name="Se déconnecter").wait_for(timeout=30_000)
    wait_for_app(page)
