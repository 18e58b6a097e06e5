"""The store: login, saving a profile, and what the store adds to every page run.

- Login, server side, scrypt included (production cost of ``config/settings.toml``). Budget:
  300 ms.
- Saving a new version of a weight profile (one write transaction with its audit line).
  Budget: 50 ms on SQLite.
- Store work of one page run, as the frame does it: the data version, the logged-in account
  re-read, the saved profiles the viewer may use. Budget: 20 ms.

On a fresh SQLite store in a temporary folder, and on a throwaway PostgreSQL (Debian's
``postgresql``, as in the tests) when its binaries are installed.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench.timing import fmt_ms, markdown_table, section
from scoring import load_profile
from services import accounts, data_state, profiles_store, users_admin
from services.access import Viewer
from store.engine import DATABASE_URL_ENV, dispose_engines

BUDGETS = {"login": 0.300, "save": 0.050, "rerun": 0.020}
ADMIN = Viewer("admin", "bench.admin", "Banc d'essai")
CIL = Viewer("cil", "bench.cil", "Membre de la CIL")


def _times(fn: Callable[[], object], repeat: int, warmup: int = 2) -> list[float]:
    for _ in range(warmup):
        fn()
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def _measure(url: str) -> dict[str, list[float]]:
    os.environ[DATABASE_URL_ENV] = url
    users_admin.create_account(
        ADMIN, username="bench.cil", display_name="Membre de la CIL", role_code="cil",
        password="un-secret-de-banc",
    )  # fmt: skip
    login = _times(lambda: accounts.login("bench.cil", "un-secret-de-banc", True), repeat=9)
    spec = load_profile("reference")
    first = profiles_store.save_profile(CIL, spec, "banc-essai", "Banc", "version 1")
    version = [first.version]

    def save() -> None:
        saved = profiles_store.save_profile(
            CIL, spec, "banc-essai", "Banc", "nouvelle version", version[0]
        )
        version[0] = saved.version

    saves = _times(save, repeat=30)

    def page_run() -> None:
        data_state.data_token()
        viewer = accounts.viewer_for("bench.cil", True)
        profiles_store.stored_profiles(viewer)
        profiles_store.stored_reference()

    reruns = _times(page_run, repeat=50, warmup=5)
    dispose_engines()
    return {"login": login, "save": saves, "rerun": reruns}


LABELS = {
    "login": ("connexion (scrypt compris)", "< 300 ms"),
    "save": ("enregistrer une version de profil", "< 50 ms (SQLite)"),
    "rerun": ("travail du magasin par exécution de page", "< 20 ms"),
}


def _postgres_url(stack: list) -> str | None:
    from tests.postgres import PostgresServer, postgres_bindir

    bindir = postgres_bindir()
    if bindir is None:
        return None
    server = PostgresServer(bindir).start()
    stack.append(server)
    return server.new_database()


def run() -> str:
    """Measure on SQLite (and PostgreSQL when installed); return the Markdown section."""
    previous = os.environ.get(DATABASE_URL_ENV)
    servers: list = []
    results: dict[str, dict[str, list[float]]] = {}
    try:
        with tempfile.TemporaryDirectory(prefix="bench-store-") as folder:
            results["SQLite (WAL)"] = _measure(f"sqlite:///{Path(folder) / 'store.sqlite3'}")
        url = _postgres_url(servers)
        if url is not None:
            results["PostgreSQL (fsync désactivé)"] = _measure(url)
    finally:
        for server in servers:
            server.stop()
        if previous is None:
            os.environ.pop(DATABASE_URL_ENV, None)
        else:
            os.environ[DATABASE_URL_ENV] = previous
    rows = []
    for backend, measures in results.items():
        for key, times in measures.items():
            label, goal = LABELS[key]
            median = statistics.median(times)
            held = "oui" if median < BUDGETS[key] else "non"
            if key == "save" and not backend.startswith("SQLite"):
                goal, held = "—", "—"
            rows.append(
                [f"{label} — {backend}", fmt_ms(median),
                 f"{fmt_ms(min(times))} à {fmt_ms(max(times))}", str(len(times)), goal, held]
            )  # fmt: skip
    body = markdown_table(["mesure", "médiane", "étendue", "essais", "objectif", "tenu"], rows)
    body += (
        "\n\nConnexion : `services.accounts.login` avec le coût scrypt livré (n = 2^15, r = 8, "
        "p = 1 : 32 Mio), lecture du compte, dérivation hors transaction, puis écriture de la "
        "connexion et de sa ligne de journal. Profil : nouvelle version d'un profil (contrôle "
        "de version, écriture, ligne de journal avec l'avant et l'après) en une transaction "
        "`BEGIN IMMEDIATE`. Exécution de page : version des données, relecture du compte "
        "connecté, profils enregistrés visibles et référence — ce que le cadre fait à chaque "
        "clic. PostgreSQL de test sans fsync : les écritures d'un serveur réel avec fsync "
        "coûtent davantage."
    )
    return section("store", "Magasin : connexion, enregistrement d'un profil, coût par page", body)
