"""The command line of the service habitat: fiches and map snapshots without the dashboard.

``python -m reports fiches [CODE …] --formats pdf,docx --out DOSSIER`` writes the fiches of the
territories given (all of them without a code); ``python -m reports carte --echelle commune
--indicateur CODE [--annee AAAA] --format png --out FICHIER`` writes a map. Help and errors are
in French; an unknown code, indicator or year fails before anything is written, with the list of
valid values; files are written to a temporary name and renamed when complete.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from reports.batch import check_formats, run_batch, write_atomic, write_files
from reports.map_snapshot import FORMATS, render_map
from services.classify import METHODS
from services.export_data import load_export_data
from services.map_style import RESIDENCE_LAYERS
from services.map_views import territory_map

EXIT_USAGE = 2
EXIT_ERROR = 1


class FrenchHelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Help in French: « utilisation : » instead of « usage: »."""

    def add_usage(self, usage, actions, groups, prefix=None):
        return super().add_usage(
            usage, actions, groups, "utilisation : " if prefix is None else prefix
        )


class FrenchParser(argparse.ArgumentParser):
    """An argument parser whose own messages are French."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("formatter_class", FrenchHelpFormatter)
        kwargs.setdefault("add_help", False)
        super().__init__(*args, **kwargs)
        self._positionals.title = "arguments"
        self._optionals.title = "options"
        self.add_argument("-h", "--help", action="help", help="affiche cette aide et quitte")

    def error(self, message: str):
        """Print the usage and a French error, exit with status 2."""
        replacements = {
            "the following arguments are required:": "arguments obligatoires manquants :",
            "unrecognized arguments": "arguments inconnus",
            "invalid choice": "choix invalide",
            "expected one argument": "une valeur est attendue",
            "argument ": "argument ",
            "choose from": "valeurs possibles :",
            "invalid int value": "entier invalide",
        }
        for english, french in replacements.items():
            message = message.replace(english, french)
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog} : erreur : {message}\n")


def build_parser() -> FrenchParser:
    """The parser of ``python -m reports``."""
    parser = FrenchParser(
        prog="python -m reports",
        description="Exports du tableau de bord des attributions du Grand Poitiers : fiches "
        "territoriales (PDF, Word) et cartes (PNG, SVG, PDF).",
    )
    commands = parser.add_subparsers(dest="commande", title="commandes", metavar="COMMANDE")
    commands.required = True
    fiches = commands.add_parser(
        "fiches",
        help="fiches territoriales (EPCI, communes, quartiers de Poitiers)",
        description="Écrit les fiches territoriales dans un dossier : une par territoire et "
        "par format. Sans code, toutes les fiches (l'EPCI, les 40 communes et chaque quartier "
        "de Poitiers). Chaque fiche reprend les orientations d'attribution et actions "
        "complémentaires enregistrées dans le tableau de bord, avec leur auteur et leur date. "
        "Les fiches suivent toujours les règles de diffusion publique (secret statistique).",
    )
    fiches.add_argument(
        "codes",
        nargs="*",
        metavar="CODE",
        help="code INSEE d'une commune (86041), code d'un quartier (86194Q02) ou « epci » ; "
        "aucun : tous les territoires",
    )
    fiches.add_argument(
        "--formats",
        default="pdf,docx",
        metavar="pdf,docx",
        help="formats séparés par des virgules (par défaut : pdf,docx)",
    )
    fiches.add_argument("--out", required=True, metavar="DOSSIER", help="dossier de sortie")
    fiches.add_argument(
        "--reference",
        default=None,
        metavar="CODE",
        help="territoire de comparaison des chiffres clés (par défaut : epci)",
    )
    carte = commands.add_parser(
        "carte",
        help="carte d'un indicateur par commune ou par quartier",
        description="Écrit la carte d'un indicateur (page A4 paysage avec titre, légende, "
        "échelle, orientation, sources). Les données d'occupation suivent les règles de "
        "diffusion publique (secret statistique).",
    )
    carte.add_argument(
        "--echelle", required=True, metavar="commune|quartier", help="communes ou quartiers"
    )
    carte.add_argument(
        "--indicateur", required=True, metavar="CODE", help="code de l'indicateur (taux SRU : "
        "sru_rate_pct ; logements sociaux : n_dwellings…)"
    )  # fmt: skip
    carte.add_argument(
        "--annee", type=int, default=None, metavar="AAAA", help="millésime (par défaut : le "
        "dernier)"
    )  # fmt: skip
    carte.add_argument(
        "--format",
        default="png",
        metavar="png|png300|svg|pdf",
        help="png (écran), png300 (impression), svg ou pdf (par défaut : png)",
    )
    carte.add_argument(
        "--classes",
        default="quantiles",
        metavar="|".join(METHODS),
        help="méthode des classes (par défaut : quantiles)",
    )
    carte.add_argument(
        "--residences",
        default="none",
        metavar="|".join(RESIDENCE_LAYERS),
        help="points des résidences (par défaut : none)",
    )
    carte.add_argument("--out", required=True, metavar="FICHIER", help="fichier de sortie")
    return parser


def _fiches(args: argparse.Namespace) -> int:
    formats = check_formats(args.formats.split(","))
    data = load_export_data()
    out = Path(args.out)
    batch = run_batch(data, args.codes, formats, args.reference)
    start, count = time.perf_counter(), 0
    for _, files in batch:
        for path in write_files(files, out):
            count += 1
            print(f"écrit : {path}")
    print(f"{count} fichier(s) en {time.perf_counter() - start:.1f} s dans {out}.")
    return 0


def _carte(args: argparse.Namespace) -> int:
    if args.format not in FORMATS:
        raise ValueError(f"format inconnu : « {args.format} » (attendu : {', '.join(FORMATS)}).")
    data = load_export_data()
    content = territory_map(
        data,
        args.echelle,
        args.indicateur,
        args.annee,
        args.classes,
        residence_mode=args.residences,
    )
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(out, render_map(content, args.format))
    print(f"écrit : {out}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (0, 1 on a data error, 2 on usage)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return _fiches(args) if args.commande == "fiches" else _carte(args)
    except ValueError as exc:
        print(f"python -m reports {args.commande} : erreur : {exc}", file=sys.stderr)
        return EXIT_ERROR
