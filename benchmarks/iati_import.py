"""The IATI import of a generated ~50 MB file: time and peak memory, against a bare iterparse of the same file.

    .venv/bin/python benchmarks/iati_import.py [--megabytes 50] [--keep DIR]

Each measurement runs in a child process of its own, so its peak RSS (ru_maxrss) is its
own: the baseline parses the file with a bare iterparse, clearing each activity (what any
streaming reader costs), in a process with Django loaded like the import's; the import runs `iati.imports.iati_import` into a fresh SQLite
database (migrated first, outside the timing). Prints one JSON line; the README quotes it.
"""
import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TRANSACTIONS = 100  # per activity: real files carry most of their bytes in transactions


def generate(path: Path, megabytes: float, seed: int = 16) -> int:
    """An IATI 2.03 file of about `megabytes`, written as it grows; returns its activity count."""
    rng = random.Random(seed)
    countries = ["KE", "UG", "ET", "NP", "BD", "PH", "ID", "MX", "GT", "SN"]
    with path.open("w", encoding="utf-8") as out:
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n<iati-activities version="2.03">\n')
        n = 0
        while out.tell() < megabytes * 1_000_000:
            n += 1
            year = 2015 + n % 10
            lines = ['<iati-activity xml:lang="en" default-currency="USD" last-updated-datetime="2025-01-01T00:00:00">',
                     f"<iati-identifier>XX-BENCH-{n:06d}</iati-identifier>",
                     '<reporting-org ref="XX-BENCH" type="10"><narrative>Benchmark publisher</narrative></reporting-org>',
                     (f"<title><narrative>Benchmark activity {n}</narrative>"
                      f'<narrative xml:lang="fr">Activité de référence {n}</narrative></title>'),
                     f"<description><narrative>Generated activity {n} for the import benchmark.</narrative></description>",
                     f'<participating-org role="1" ref="XX-DONOR-{n % 40}" type="10"><narrative>Donor {n % 40}</narrative></participating-org>',
                     f'<participating-org role="4" ref="XX-NGO-{n % 300}" type="22"><narrative>Partner {n % 300}</narrative></participating-org>',
                     '<activity-status code="2"/>',
                     f'<activity-date type="1" iso-date="{year}-01-01"/><activity-date type="3" iso-date="{year + 3}-12-31"/>',
                     f'<recipient-country code="{countries[n % len(countries)]}" percentage="100"/>']
            for y in range(3):
                lines.append(f'<budget type="1" status="2"><period-start iso-date="{year + y}-01-01"/>'
                             f'<period-end iso-date="{year + y}-12-31"/>'
                             f'<value value-date="{year + y}-01-01">{rng.randint(10_000, 900_000)}.00</value></budget>')
            for t in range(TRANSACTIONS):
                day = f"{year + t % 3}-{1 + t % 12:02d}-{1 + t % 28:02d}"
                lines.append(f'<transaction><transaction-type code="{3 if t % 2 else 4}"/>'
                             f'<transaction-date iso-date="{day}"/><value value-date="{day}">'
                             f'{rng.randint(100, 99_999)}.{rng.randint(0, 99):02d}</value>'
                             f'<description><narrative>Payment {t}</narrative></description></transaction>')
            lines.append("</iati-activity>\n")
            out.write("\n".join(lines))
        out.write("</iati-activities>\n")
    return n


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portfolio.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def baseline(path: str) -> dict:
    """A bare iterparse in the same kind of process (Django loaded): lxml lives in iati/ (tests/portfolio/test_layout.py)."""
    _django()
    from iati.reader import bare_iterparse

    return {"activities": bare_iterparse(path)}


def run_import(path: str) -> dict:
    _django()
    from iati.imports import iati_import

    return iati_import([path]).counts


def child(phase: str, path: str) -> None:
    started = time.perf_counter()
    result = baseline(path) if phase == "baseline" else run_import(path)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(json.dumps({"seconds": round(seconds, 1), "peak_rss_mb": round(peak, 1), **result}))


def measure(phase: str, path: Path, env: dict) -> dict:
    output = subprocess.run([sys.executable, __file__, "--phase", phase, str(path)], env=env, check=True,
                            capture_output=True, text=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--megabytes", type=float, default=50)
    parser.add_argument("--keep", type=Path, help="Keep the file and database in this folder.")
    parser.add_argument("--phase", choices=["baseline", "import"])
    parser.add_argument("file", nargs="?")
    args = parser.parse_args()
    if args.phase:
        return child(args.phase, args.file)
    folder = args.keep or Path(tempfile.mkdtemp(prefix="iati-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "activities.xml"
    activities = generate(path, args.megabytes)
    env = {**os.environ, "PORTFOLIO_VAR_DIR": str(folder), "DATABASE_URL": f"sqlite:///{folder / 'bench.sqlite3'}"}
    subprocess.run([sys.executable, str(ROOT / "manage.py"), "migrate", "-v0"], env=env, check=True)
    result = {"file_mb": round(path.stat().st_size / 1_000_000, 1), "activities": activities,
              "transactions": activities * TRANSACTIONS,
              "baseline_iterparse": measure("baseline", path, env), "import": measure("import", path, env)}
    print(json.dumps(result))


if __name__ == "__main__":
    main()
