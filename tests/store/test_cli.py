"""``python -m store``: French help, accounts created and changed from the command line."""

from __future__ import annotations

import io
import subprocess
import sys

import pytest

from store import audit as audit_store
from store import cli, read_session, users


def _main(monkeypatch, capsys, *argv, stdin=""):
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = cli.main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_the_help_is_in_french():
    result = subprocess.run(
        [sys.executable, "-m", "store", "users", "add", "--help"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.startswith("utilisation : python -m store users add")
    assert "afficher cette aide et quitter" in result.stdout
    assert "rôle : elu, cil, bailleur, service_habitat, admin" in result.stdout


def test_accounts_from_the_command_line(monkeypatch, capsys):
    code, out, _ = _main(
        monkeypatch,
        capsys,
        "users", "add", "Bailleur.TDC", "--nom", "Chargée TDC", "--role", "bailleur",
        "--bailleur", "Les Toits du Clain", "--mot-de-passe-stdin", "--motif", "convention",
        stdin="un-secret-assez-long\n",
    )  # fmt: skip
    assert (code, out) == (0, "Compte « bailleur.tdc » créé (rôle bailleur).\n")
    code, out, _ = _main(monkeypatch, capsys, "users", "list")
    assert "bailleur.tdc" in out and "[Les Toits du Clain]" in out
    with pytest.raises(SystemExit) as caught:
        _main(monkeypatch, capsys, "users", "role", "bailleur.tdc", "cil")
    assert caught.value.code == 2
    assert "arguments obligatoires manquants: --motif" in capsys.readouterr().err
    code, out, _ = _main(
        monkeypatch, capsys, "users", "role", "bailleur.tdc", "cil", "--motif", "mutation"
    )
    assert out == "Compte « bailleur.tdc » : rôle cil.\n"
    code, out, _ = _main(monkeypatch, capsys, "users", "unlock", "bailleur.tdc")
    assert out == "Compte « bailleur.tdc » déverrouillé.\n"
    with read_session() as session:
        account = users.get_user(session, "bailleur.tdc")
        lines = audit_store.query(session, target="bailleur.tdc")
    assert account.role_code == "cil" and account.bailleurs == ()
    assert {e.actor_role for e in lines} == {"cli"}
    assert [e.action for e in lines] == ["user_unlocked", "role_changed", "user_created"]


@pytest.mark.parametrize(
    ("argv", "stdin", "message"),
    [
        pytest.param(
            ["users", "add", "x.y", "--nom", "X", "--role", "cil", "--mot-de-passe-stdin"],
            "court\n",
            "Refusé : mot de passe trop court",
            id="short",
        ),
        pytest.param(
            ["users", "passwd", "inconnu", "--mot-de-passe-stdin"],
            "un-secret-assez-long\n",
            "Refusé : compte « inconnu » introuvable.",
            id="unknown",
        ),
    ],
)
def test_refusals_are_french_and_exit_1(monkeypatch, capsys, argv, stdin, message):
    code, _, err = _main(monkeypatch, capsys, *argv, stdin=stdin)
    assert code == 1 and err.startswith(message)


def test_database_revision(monkeypatch, capsys):
    code, out, _ = _main(monkeypatch, capsys, "db", "upgrade")
    assert code == 0
    code, out, _ = _main(monkeypatch, capsys, "db", "current")
    assert out == "Révision 0002 (dernière : 0002).\n"
