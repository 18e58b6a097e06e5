"""Command line of the data import: ``python -m services.data_import``.

::

    python -m services.data_import rpls=rpls_2024.csv bpe=bpe_86.csv iris=contours_iris.zip
    python -m services.data_import rpls_2024.csv ops_2024.csv      # kind recognised from content
    python -m services.data_import ops=ops_2024.csv --annee-ops 2024 --commentaire "OPS 2024"
    python -m services.data_import --versions                        # the one in force marked *
    python -m services.data_import --revenir 12 --commentaire "erreur dans l'OPS"   # or demo
    python -m services.data_import --reset residences                # or --reset tout

It prints the same report as the « Import des données » page (:mod:`services.import_text`) and
acts as ``ligne de commande (<system user>)`` in the audit trail. Exit codes: 0 done, 1 refused
(nothing changed), 2 bad usage, 3 unexpected defect (said plainly, never a traceback).
"""

from __future__ import annotations

from pathlib import Path

from geodata.detect import detect_kind
from geodata.importer import KINDS, ImportFile
from services import data_import, import_text

USAGE = (
    "Usage : python -m services.data_import [type=]fichier [[type=]fichier …] "
    "[--annee-ops ANNÉE]\n"
    "                                       [--ecarter-orphelins] [--commentaire TEXTE]\n"
    "        python -m services.data_import --reset TABLE   (ou --reset tout)\n"
    "        python -m services.data_import --versions\n"
    "        python -m services.data_import --revenir N --commentaire TEXTE   (ou --revenir demo)\n"
    f"Types : {', '.join(KINDS)} (reconnu au contenu quand il n'est pas donné)."
)
VALUED = ("--reset", "--revenir", "--annee-ops", "--commentaire")


def _file_argument(arg: str) -> ImportFile:
    kind, sep, path = arg.partition("=")
    if sep and kind.strip() in KINDS:
        return ImportFile(kind.strip(), Path(path))
    if sep and not Path(arg).exists():
        raise ValueError(
            f"type de fichier inconnu « {kind.strip()} », attendu l'un de : {', '.join(KINDS)}"
        )
    detection = detect_kind(Path(arg))
    if detection.kind is None:
        raise ValueError(f"fichier « {arg} » non reconnu ({detection.reason}) ; précisez type=")
    return ImportFile(detection.kind, Path(arg))


def parse(argv: list[str]) -> dict:
    """The options of ``argv``; raises ValueError with a French message on bad usage."""
    options = {"files": [], "reset": [], "year": None, "drop": False, "comment": None}
    args = list(argv)
    while args:
        arg = args.pop(0)
        if arg in VALUED:
            if not args:
                raise ValueError(f"{arg} attend une valeur")
            value = args.pop(0)
            if arg == "--reset":
                options["reset"].append(value)
            elif arg == "--revenir":
                options["rollback"] = value
            elif arg == "--commentaire":
                options["comment"] = value
            elif not value.isdigit() or not 2000 <= int(value) <= 2100:
                raise ValueError(f"--annee-ops attend une année, reçu « {value} »")
            else:
                options["year"] = int(value)
        elif arg == "--versions":
            options["list"] = True
        elif arg == "--ecarter-orphelins":
            options["drop"] = True
        elif arg.startswith("-"):
            raise ValueError(f"option non reconnue « {arg} »")
        else:
            options["files"].append(_file_argument(arg))
    return options


def _rollback_target(value: str) -> int | None:
    if value == "demo":
        return None
    if not value.isdigit():
        raise ValueError(f"--revenir attend un numéro de version ou « demo », reçu « {value} »")
    return int(value)


def _list() -> int:
    print("Versions des données (* : en service) :")
    rows = data_import.list_versions()
    current = any(row.is_current for row in rows)
    print(f"{' ' if current else '*'} demo : données de démonstration (fictives, embarquées)")
    for row in rows:
        print(import_text.version_line(row))
    return 0


def _run(options: dict) -> int:
    actor = data_import.command_line_actor()
    if "rollback" in options:
        target = _rollback_target(options["rollback"])
        report = data_import.rollback(actor, target, options["comment"] or "")
        print(import_text.rollback_line(report))
        return 0
    if not options["files"] and not options["reset"]:
        print(USAGE)
        return 2
    prepared = data_import.prepare(
        options["files"], survey_year=options["year"], reset=options["reset"]
    )
    for report in prepared.reports:
        print("\n  ".join(import_text.file_lines(report)))
    report = data_import.commit(actor, prepared, options["comment"], drop_orphans=options["drop"])
    print("\n".join(import_text.outcome_lines(report)))
    return 0


def main(argv: list[str]) -> int:
    """Run the command line; returns the exit code."""
    try:
        options = parse(argv)
        if "rollback" in options:
            _rollback_target(options["rollback"])
    except ValueError as exc:
        print(f"{exc}.\n{USAGE}")
        return 2
    try:
        return _list() if options.get("list") else _run(options)
    except data_import.REFUSALS as exc:
        print(f"Refusé, aucune donnée modifiée : {exc}")
        return 1
    except Exception as exc:  # a defect of the importer itself: said plainly, never a traceback
        print(
            "Interrompu par une erreur inattendue, aucune donnée modifiée "
            f"({type(exc).__name__} : {exc}). Signalez-la au service informatique avec le "
            "fichier en cause."
        )
        return 3
