"""Command line of the store: accounts (``python -m store users …``) and migrations.

::

    python -m store users add marie.dupont --nom "Marie Dupont" --role cil
    python -m store users add bailleur.tdc --nom "…" --role bailleur --bailleur "Les Toits du Clain"
    python -m store users list
    python -m store users passwd marie.dupont
    python -m store users unlock marie.dupont
    python -m store users role marie.dupont service_habitat --motif "…"
    python -m store db upgrade | downgrade | current

Passwords are typed twice at a hidden prompt, or read from standard input with
``--mot-de-passe-stdin`` (never on the command line, where other users could read them). Every
change is in the audit trail under « ligne de commande (utilisateur système) ».
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Sequence

from store import migrate
from store import users as users_store
from store.audit import Actor
from store.engine import create_store_engine, database_url, read_session, write_session
from store.errors import StoreError
from store.settings import load_account_settings
from store.users import list_users, role_access


class _FrenchFormatter(argparse.RawDescriptionHelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):
        super().add_usage(usage, actions, groups, "utilisation : " if prefix is None else prefix)


_ARGPARSE_WORDS = {
    "the following arguments are required": "arguments obligatoires manquants",
    "unrecognized arguments": "arguments inconnus",
    "invalid choice": "choix invalide",
    "choose from": "attendu l'un de",
    "expected one argument": "une valeur est attendue",
}


class _FrenchParser(argparse.ArgumentParser):
    def error(self, message: str):
        for english, french in _ARGPARSE_WORDS.items():
            message = message.replace(english, french)
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog} : erreur : {message}\n")


def _parser(prog: str, description: str, **kwargs) -> argparse.ArgumentParser:
    parser = _FrenchParser(
        prog=prog,
        description=description,
        formatter_class=_FrenchFormatter,
        add_help=False,
        **kwargs,
    )
    parser._positionals.title = "arguments"
    parser._optionals.title = "options"
    parser.add_argument("-h", "--help", action="help", help="afficher cette aide et quitter")
    return parser


def _sub(subparsers, name: str, description: str) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        name,
        help=description,
        description=description,
        formatter_class=_FrenchFormatter,
        add_help=False,
    )
    parser._positionals.title = "arguments"
    parser._optionals.title = "options"
    parser.add_argument("-h", "--help", action="help", help="afficher cette aide et quitter")
    return parser


def build_parser() -> argparse.ArgumentParser:
    """The argument parser, with French help."""
    roles = ", ".join(c for c in role_access() if c != "public")
    parser = _parser(
        "python -m store",
        "Magasin de l'outil : comptes, rôles et migrations de la base "
        "(COTATION_DATABASE_URL, sinon var/store.sqlite3).",
    )
    groups = parser.add_subparsers(
        dest="group", title="commandes", metavar="{users,db}", parser_class=_FrenchParser
    )
    users = _sub(groups, "users", "gérer les comptes")
    actions = users.add_subparsers(
        dest="action", title="actions", metavar="ACTION", parser_class=_FrenchParser
    )

    add = _sub(actions, "add", "créer un compte")
    add.add_argument("username", help="identifiant (minuscules, ex. marie.dupont)")
    add.add_argument("--nom", required=True, help="prénom et nom affichés")
    add.add_argument("--role", required=True, help=f"rôle : {roles}")
    add.add_argument("--courriel", help="adresse électronique (authentification unique)")
    add.add_argument(
        "--bailleur",
        action="append",
        default=[],
        help="bailleur du compte (rôle bailleur ; répétable), nommé comme dans la table des "
        "résidences",
    )
    add.add_argument(
        "--sans-mot-de-passe",
        action="store_true",
        help="compte sans mot de passe, pour l'authentification unique seulement",
    )
    add.add_argument("--motif", help="pourquoi ce compte (journal)")
    _password_option(add)

    _sub(actions, "list", "lister les comptes")

    passwd = _sub(actions, "passwd", "changer le mot de passe d'un compte (le déverrouille)")
    passwd.add_argument("username", help="identifiant du compte")
    passwd.add_argument("--motif", help="pourquoi (journal)")
    _password_option(passwd)

    unlock = _sub(actions, "unlock", "déverrouiller un compte après trop d'échecs")
    unlock.add_argument("username", help="identifiant du compte")
    unlock.add_argument("--motif", help="pourquoi (journal)")

    role = _sub(actions, "role", "changer le rôle (et les bailleurs) d'un compte")
    role.add_argument("username", help="identifiant du compte")
    role.add_argument("role", help=f"nouveau rôle : {roles}")
    role.add_argument("--bailleur", action="append", default=[], help="bailleur (répétable)")
    role.add_argument("--motif", required=True, help="pourquoi ce changement (journal)")

    for name, text in (("disable", "désactiver un compte"), ("enable", "réactiver un compte")):
        toggle = _sub(actions, name, text)
        toggle.add_argument("username", help="identifiant du compte")
        toggle.add_argument("--motif", help="pourquoi (journal)")

    db = _sub(groups, "db", "migrations de la base")
    db.add_argument(
        "step",
        choices=["upgrade", "downgrade", "current"],
        help="upgrade : dernière version ; downgrade : tout supprimer ; current : version",
    )
    return parser


def _password_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--mot-de-passe-stdin",
        action="store_true",
        help="lire le mot de passe sur l'entrée standard (scripts) au lieu de le demander",
    )


def _read_password(args: argparse.Namespace) -> str:
    if args.mot_de_passe_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("Mot de passe : ")
    if getpass.getpass("Mot de passe (confirmation) : ") != first:
        raise StoreError("les deux mots de passe diffèrent : rien n'a été changé.")
    return first


def command_line_actor() -> Actor:
    """The actor recorded for the command line: the system user who ran it."""
    user = getpass.getuser()
    return Actor(f"cli:{user}", f"ligne de commande ({user})", "cli")


def _users(args: argparse.Namespace) -> str:
    actor = command_line_actor()
    settings = load_account_settings()
    if args.action == "list":
        with read_session() as session:
            rows = list_users(session)
        lines = [f"{len(rows)} compte{'s' if len(rows) > 1 else ''} :"]
        for u in rows:
            state = "actif" if u.is_active else "désactivé"
            if u.is_locked():
                state += ", verrouillé"
            if u.is_demo:
                state += ", démonstration"
            extra = f" [{', '.join(u.bailleurs)}]" if u.bailleurs else ""
            lines.append(f"  {u.username:<24} {u.role_code:<16} {u.display_name}{extra} ({state})")
        return "\n".join(lines)
    if args.action == "add":
        password = None if args.sans_mot_de_passe else _read_password(args)
        with write_session() as session:
            user = users_store.create_user(
                session,
                actor,
                username=args.username,
                display_name=args.nom,
                role_code=args.role,
                password=password,
                settings=settings,
                email=args.courriel,
                bailleurs=args.bailleur,
                reason=args.motif,
            )
        return f"Compte « {user.username} » créé (rôle {user.role_code})."
    if args.action == "passwd":
        password = _read_password(args)
        with write_session() as session:
            users_store.set_password(session, actor, args.username, password, settings, args.motif)
        return f"Mot de passe de « {args.username} » changé."
    if args.action == "unlock":
        with write_session() as session:
            users_store.unlock(session, actor, args.username, args.motif)
        return f"Compte « {args.username} » déverrouillé."
    if args.action == "role":
        with write_session() as session:
            user = users_store.set_role(
                session, actor, args.username, args.role, args.bailleur, args.motif
            )
        return f"Compte « {user.username} » : rôle {user.role_code}."
    if args.action in ("disable", "enable"):
        active = args.action == "enable"
        with write_session() as session:
            users_store.set_active(session, actor, args.username, active, args.motif)
        return f"Compte « {args.username} » {'réactivé' if active else 'désactivé'}."
    raise StoreError("action manquante : add, list, passwd, unlock, role, disable ou enable.")


def _db(args: argparse.Namespace) -> str:
    url = database_url()
    engine = create_store_engine(url)
    try:
        if args.step == "upgrade":
            migrate.upgrade(engine)
            return "Base migrée à la dernière révision."
        if args.step == "downgrade":
            migrate.downgrade(engine, "base")
            return "Base ramenée avant la première révision : tables du magasin supprimées."
        revision = migrate.current_revision(engine) or "aucune"
        return f"Révision {revision} (dernière : {migrate.head_revision()})."
    finally:
        engine.dispose()


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status (0, 1 on a refused change, 2 on misuse)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.group is None or (args.group == "users" and args.action is None):
        parser.print_help()
        return 2
    try:
        print(_users(args) if args.group == "users" else _db(args))
    except StoreError as exc:
        print(f"Refusé : {exc}", file=sys.stderr)
        return 1
    return 0
