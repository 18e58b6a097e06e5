"""Benchmark of the RPLS converter on a generated 1,000,000-dwelling file.

The file has the older published layout (47 columns, ``;``, Windows-1252, decimal commas): 70 %
of the dwellings in the 40 communes of the Grand Poitiers (about 60,000 addresses, points inside
their commune), 30 % in communes outside it (left aside, as in a departmental or national file).
Each conversion runs in a fresh process so that its peak resident memory is its own; the targets
are 30 s and 1 GiB. Three runs, medians reported with rows per second and the processor time
(the wall time of a busy machine says little; the processor time of one core does).
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import shapely

from bench.timing import markdown_table, section
from geodata.communes import load_communes

ROWS = 1_000_000
RUNS = 3
TARGET_S, TARGET_MIB = 30.0, 1024.0
ROOT = Path(__file__).resolve().parent.parent
HEADER = (
    "DEPCOM;CODEPOSTAL;LIBCOM;NUMVOIE;INDREP;TYPVOIE;NOMVOIE;NUMAPPT;NUMBOITE;ESC;COULOIR;"
    "ETAGE;COMPLIDENT;ENTREE;BAT;IMMEU;COMPLGEO;LIEUDIT;QPV;TYPECONST;NBPIECE;SURFHAB;CONSTRUCT;"
    "LOCAT;PATRIMOINE;ORIGINE;FINAN;FINANAUTRE;CONV;NUMCONV;DATCONV;NEWLOGT;CUS;DPEDATE;DPEENERGIE;"
    "DPESERRE;SRU_EXPIR;SRU_ALINEA;CODSEGPATRIM;LIBSEGPATRIM;REG;DEP;EPCI;LIBEPCI;X;Y;PLG_IRIS"
)
STREETS = ("RUE", "AV", "BD", "ALL", "PL", "IMP", "CHE")
NAMES = ("DES ÉCOLES", "DU CŒUR DE VILLE", "DE LA GARE", "DES LILAS", "JEAN JAURÈS", "DU MOULIN")


def _addresses(rng: np.random.Generator, n: int) -> list[tuple[str, float, float]]:
    """``n`` addresses (commune, x, y) with points inside their commune, in Lambert-93."""
    communes = load_communes().to_crs(2154)
    weights = communes["population"].to_numpy(float)
    picks = rng.choice(len(communes), n, p=weights / weights.sum())
    out = []
    for index in range(len(communes)):
        count = int((picks == index).sum())
        geom = communes.geometry.iloc[index]
        x0, y0, x1, y1 = geom.bounds
        found: list[tuple[float, float]] = []
        while len(found) < count:
            xs, ys = rng.uniform(x0, x1, 4 * count + 10), rng.uniform(y0, y1, 4 * count + 10)
            inside = shapely.contains_xy(geom, xs, ys)
            found += list(zip(xs[inside].round(), ys[inside].round(), strict=True))
        code = communes["commune_code"].iloc[index]
        out += [(code, x, y) for x, y in found[:count]]
    return out


def write_rpls(path: Path, rows: int = ROWS, seed: int = 7) -> None:
    """Write a synthetic RPLS file of ``rows`` dwellings in the older layout."""
    rng = np.random.default_rng(seed)
    addresses = _addresses(rng, rows // 12)
    width = HEADER.count(";") + 1
    with path.open("w", encoding="cp1252", newline="") as out:
        out.write(HEADER + "\r\n")
        block = 50_000
        for start in range(0, rows, block):
            n = min(block, rows - start)
            inside = rng.random(n) < 0.7
            picks = rng.integers(0, len(addresses), n)
            rooms = rng.choice([1, 2, 3, 4, 5, 6], n, p=[0.12, 0.25, 0.33, 0.2, 0.08, 0.02])
            surface = np.round(rng.normal(20 + rooms * 14, 6).clip(9, 250), 1)
            years = rng.integers(1950, 2024, n)
            lines = []
            for i in range(n):
                cells = [""] * width
                if inside[i]:
                    code, x, y = addresses[picks[i]]
                else:
                    code, x, y = f"79{picks[i] % 300:03d}", 420000.0, 6600000.0
                number = picks[i] % 97 + 1
                cells[0], cells[2] = code, "Commune"
                cells[3], cells[5] = str(number), STREETS[picks[i] % len(STREETS)]
                cells[6] = f"{NAMES[picks[i] % len(NAMES)]} {picks[i] // 97}"
                cells[20], cells[21] = str(rooms[i]), f"{surface[i]}".replace(".", ",")
                cells[22], cells[26] = str(years[i]), "13"
                cells[34] = "ABCDEFG"[years[i] % 7]
                cells[44], cells[45] = f"{x:.0f}", f"{y:.0f}"
                lines.append(";".join(cells))
            out.write("\r\n".join(lines) + "\r\n")


CHILD = """
import json, resource, sys, time
sys.path.insert(0, {root!r})
from geodata.official.rpls import convert_rpls
start, cpu = time.perf_counter(), time.process_time()
residences, report = convert_rpls({path!r})
seconds = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_SELF)
peak_mib = usage.ru_maxrss / 1024
print(json.dumps({{"seconds": seconds, "cpu_seconds": time.process_time() - cpu,
                  "peak_mib": peak_mib, "read": report.rows_read,
                  "kept": report.rows_kept, "residences": len(residences)}}))
"""


def convert_in_child(path: Path) -> dict:
    """Convert ``path`` in a fresh Python process; its time, peak memory and counts."""
    code = CHILD.format(root=str(ROOT), path=str(path))
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=600
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def run() -> str:
    """Generate the file, convert it three times, report medians against the targets."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "rpls_1M.csv"
        start = time.perf_counter()
        write_rpls(path)
        generated = time.perf_counter() - start
        size_mib = path.stat().st_size / 2**20
        runs = [convert_in_child(path) for _ in range(RUNS)]
    seconds = statistics.median(r["seconds"] for r in runs)
    cpu = statistics.median(r["cpu_seconds"] for r in runs)
    peak = statistics.median(r["peak_mib"] for r in runs)
    first = runs[0]
    rows = [
        ["conversion (médiane de 3, processus neuf)", f"{seconds:.1f} s", f"≤ {TARGET_S:.0f} s"],
        ["temps processeur (médiane)", f"{cpu:.1f} s", ""],
        ["logements par seconde", f"{first['read'] / seconds:,.0f}".replace(",", " "), ""],
        ["mémoire résidente maximale", f"{peak:.0f} Mio", f"≤ {TARGET_MIB:.0f} Mio"],
    ]
    body = (
        f"Fichier RPLS généré : {ROWS:,} logements".replace(",", " ")
        + f" ({size_mib:.0f} Mio, écrit en {generated:.0f} s), {first['kept']:,}".replace(",", " ")
        + f" dans le Grand Poitiers regroupés en {first['residences']:,} résidences.".replace(
            ",", " "
        )
        + "\n\n"
        + markdown_table(["mesure", "valeur", "objectif"], rows)
    )
    ok = seconds <= TARGET_S and peak <= TARGET_MIB
    body += "\n\n" + ("Objectifs tenus." if ok else "**Objectif manqué.**")
    return section("import", "Import RPLS (1 000 000 logements)", body)
