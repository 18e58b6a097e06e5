"""Command line: ``python -m geodata.demo [output_dir] [--seed N]`` writes the demo data set."""

from __future__ import annotations

import sys
import time

from geodata.demo.build import write_demo
from geodata.demo.params import SEED
from geodata.paths import DEMO_DIR

USAGE = "usage : python -m geodata.demo [répertoire_de_sortie] [--seed N]"


def main(argv: list[str] | None = None) -> int:
    """Write the demo data set into ``argv[0]`` (``geodata/demo/data`` by default); ``--seed N``
    draws another parc."""
    args = list(sys.argv[1:] if argv is None else argv)
    seed = SEED
    if "--seed" in args:
        at = args.index("--seed")
        try:
            seed = int(args[at + 1])
        except (IndexError, ValueError):
            print(f"{USAGE} (« --seed » attend un entier)", file=sys.stderr)
            return 2
        del args[at : at + 2]
    if len(args) > 1:
        print(USAGE, file=sys.stderr)
        return 2
    output = args[0] if args else DEMO_DIR
    started = time.perf_counter()
    written = write_demo(output, seed)
    elapsed = time.perf_counter() - started
    for name, path in written.items():
        print(f"{name:15s} {path} ({path.stat().st_size / 1024:.0f} ko)")
    print(f"Données de démonstration écrites en {elapsed:.1f} s.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
