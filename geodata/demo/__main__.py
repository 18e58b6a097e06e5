"""Command line: ``python -m geodata.demo [output_dir]`` writes the demo data set."""

from __future__ import annotations

import sys
import time

from geodata.demo.build import write_demo
from geodata.paths import DEMO_DIR


def main(argv: list[str] | None = None) -> int:
    """Write the demo data set into ``argv[0]`` (``geodata/demo/data`` by default)."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) > 1:
        print("usage : python -m geodata.demo [répertoire_de_sortie]", file=sys.stderr)
        return 2
    output = args[0] if args else DEMO_DIR
    started = time.perf_counter()
    written = write_demo(output)
    elapsed = time.perf_counter() - started
    for name, path in written.items():
        print(f"{name:15s} {path} ({path.stat().st_size / 1024:.0f} ko)")
    print(f"Données de démonstration écrites en {elapsed:.1f} s.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
