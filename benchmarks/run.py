#!/usr/bin/env python
"""Benchmark the product against raw-SQL baselines at several portfolio sizes.

    .venv/bin/python benchmarks/run.py --projects 1000 --projects 100000

For each N: starts its own PostgreSQL on 127.0.0.1 (scripts/pg_ctl, a temporary
data directory), migrates, loads the annex and the demo users, generates N
synthetic projects, serves the product under gunicorn (one sync worker,
DJANGO_DEBUG=0) with PORTFOLIO_BENCHMARK=1 (the X-Query-Count header and the
baseline views under /__benchmark__/), then times each scenario and its baseline,
interleaved, over a bounded number of requests on loopback. Writes
benchmarks/results.json and benchmarks/results.md. See benchmarks/README.md.
"""
import argparse
import datetime
import http.client
import json
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv" / "bin" / "python").exists() else sys.executable
PG_CTL = str(ROOT / "scripts" / "pg_ctl")
OUT = ROOT / "benchmarks"
ADMIN_USER, ADMIN_PASSWORD = "benchmark-admin", secrets.token_urlsafe(16)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


class Postgres:
    """A throw-away PostgreSQL on loopback (TCP only), started through scripts/pg_ctl like the test suite's."""

    def __init__(self, workdir: Path):
        self.data = workdir / "pgdata"
        self.logfile = workdir / "pglog" / "postgres.log"
        self.port = free_port()

    def __enter__(self):
        subprocess.run(
            [PG_CTL, "initdb", "-D", str(self.data), "-o", "--username=postgres --auth=trust --encoding=UTF8 --no-locale"],
            check=True, stdout=subprocess.DEVNULL,
        )
        subprocess.run(
            [PG_CTL, "start", "-w", "-D", str(self.data), "-l", str(self.logfile),
             "-o", f"-h 127.0.0.1 -p {self.port} -c unix_socket_directories=''"],
            check=True, stdout=subprocess.DEVNULL,
        )
        return self

    def __exit__(self, *exc):
        subprocess.run([PG_CTL, "stop", "-D", str(self.data), "-m", "fast"], stdout=subprocess.DEVNULL, check=False)

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def sql(self, statement: str) -> str:
        """Run one statement in the maintenance database; the first column of its first row, if any."""
        import psycopg

        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            cursor = conn.execute(statement)
            row = cursor.fetchone() if cursor.description else None
            return str(row[0]) if row else ""


def manage(env: dict, *args: str, capture: bool = False) -> str:
    result = subprocess.run(
        [PY, "manage.py", *args], cwd=ROOT, env=env, check=True, text=True,
        stdout=subprocess.PIPE if capture else None,
    )
    return result.stdout or ""


# HTTP ------------------------------------------------------------------------------


class Client:
    """One connection per request (gunicorn's sync worker closes it); cookies kept by hand."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: dict | None = None, headers: dict | None = None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=900)
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        data = None
        if body is not None:
            data = urlencode(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.perf_counter()
        conn.request(method, path, body=data, headers=headers)
        response = conn.getresponse()
        size = 0
        chunks = []
        keep = response.getheader("Content-Type", "").startswith(("text/html", "application/json"))
        while chunk := response.read(1 << 16):
            size += len(chunk)
            if keep and size < (8 << 20):
                chunks.append(chunk)
        elapsed = (time.perf_counter() - started) * 1000
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key.strip()] = rest.split(";", 1)[0]
        conn.close()
        return response.status, dict(response.getheaders()), b"".join(chunks), size, elapsed

    def get(self, path: str):
        return self.request("GET", path)

    def json(self, path: str):
        status, _headers, body, _size, _ms = self.get(path)
        if status != 200:
            raise RuntimeError(f"GET {path}: {status} {body[:300]!r}")
        return json.loads(body)


def wait_until_up(client: Client, proc: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("gunicorn exited; see its output above")
        try:
            if client.get("/__benchmark__/last/")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError("gunicorn did not answer in time")


def log_in(client: Client) -> None:
    status, _h, body, _s, _ms = client.get("/admin/login/")
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    if status != 200 or token is None:
        raise RuntimeError(f"admin login page: {status}")
    status, headers, *_ = client.request(
        "POST", "/admin/login/?next=/admin/",
        {"csrfmiddlewaretoken": token.group(1).decode(), "username": ADMIN_USER, "password": ADMIN_PASSWORD,
         "next": "/admin/"},
        headers={"Referer": f"http://127.0.0.1:{client.port}/admin/login/"},
    )
    if status != 302 or "sessionid" not in client.cookies:
        raise RuntimeError(f"admin log-in failed: {status}")


# Measuring --------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def queries_of(client: Client, headers: dict) -> int | None:
    value = headers.get("X-Query-Count")
    if value is None:
        return None
    if value == "streamed":
        return client.json("/__benchmark__/last/")["queries"]
    return int(value)


WRITE_PATH = "/__benchmark__/write/"


def measure(client: Client, path: str, repeat: int, warmup: int, memory: bool, write_first: bool = False) -> dict:
    """Time `repeat` GETs of `path` after `warmup` unmeasured ones; peak worker memory if asked.

    `write_first`: before each request (unmeasured) a real write (benchmarks/writes.py), so each
    measured request is the first after a write.
    """
    for _ in range(warmup):
        if write_first:
            client.json(WRITE_PATH)
        status, _headers, body, _size, _ms = client.get(path)
        if status != 200:
            raise RuntimeError(f"GET {path}: {status} {body[:300]!r}")
    times, queries, peaks, sizes = [], set(), [], set()
    for _ in range(repeat):
        if memory:
            before = client.json("/__benchmark__/memory/?reset=1")["VmRSS"]
        if write_first:
            client.json(WRITE_PATH)
        status, headers, body, size, elapsed = client.get(path)
        if status != 200:
            raise RuntimeError(f"GET {path}: {status} {body[:300]!r}")
        times.append(elapsed)
        sizes.add(size)
        queries.add(queries_of(client, headers))
        if memory:
            peak = client.json("/__benchmark__/memory/")["VmHWM"]
            peaks.append((peak, peak - before))
    result = {
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(percentile(times, 0.95), 1),
        "queries": max(q for q in queries if q is not None) if any(q is not None for q in queries) else None,
        "bytes": max(sizes),
    }
    if memory:
        result["peak_rss_mb"] = round(max(p for p, _ in peaks) / 1024, 1)
        result["peak_growth_mb"] = round(max(g for _, g in peaks) / 1024, 1)
    return result


def scenarios(total: int, donor: str, country: str, largest: int | None = None) -> list[tuple]:
    """(name, product path, baseline path or None, kind) for every scenario."""
    deep = max(1, int(total * 0.9) // 50)
    return [
        ("api_list_page1", "/api/v1/projects/", "/__benchmark__/projects/", "fast"),
        ("api_list_by_donor", f"/api/v1/projects/?donor={donor}", f"/__benchmark__/projects/?donor={donor}", "fast"),
        ("api_list_by_country", f"/api/v1/projects/?country={country}", f"/__benchmark__/projects/?country={country}", "fast"),
        ("api_list_active_on", "/api/v1/projects/?active_on=2015-06-30", "/__benchmark__/projects/?active_on=2015-06-30", "fast"),
        ("api_list_search", "/api/v1/projects/?search=domestic", "/__benchmark__/projects/?search=domestic", "fast"),
        ("api_list_deep_page", f"/api/v1/projects/?page={deep}", f"/__benchmark__/projects/?page={deep}", "fast"),
        ("api_stats_by_donor", "/api/v1/stats/?group_by=donor", "/__benchmark__/stats/?group_by=donor", "fast"),
        ("api_stats_by_country", "/api/v1/stats/?group_by=country", "/__benchmark__/stats/?group_by=country", "fast"),
        ("export_csv", "/api/v1/projects/?format=csv", "/__benchmark__/projects.csv", "export"),
        # Issue 17: the XLSX of every published project, against the product's own CSV of the same rows.
        ("export_xlsx", "/api/v1/projects/?format=xlsx", "/api/v1/projects/?format=csv", "export"),
        ("export_iati_xml", "/api/v1/iati/activities.xml", None, "export"),
        ("dashboard", "/", "/__benchmark__/dashboard/", "fast"),
        # Issue 18: the dashboard for each single filter, and the first request after a write.
        ("dashboard_by_donor", f"/?donor={donor}", f"/__benchmark__/dashboard/?donor={donor}", "fast"),
        ("dashboard_by_country", f"/?country={country}", f"/__benchmark__/dashboard/?country={country}", "fast"),
        ("dashboard_by_region", "/?region=asia-pacific", None, "fast"),
        ("dashboard_by_years", "/?year_from=2015&year_to=2016", None, "fast"),
        ("dashboard_after_write", "/", "/__benchmark__/dashboard/", "after_write"),
        ("dashboard_by_donor_after_write", f"/?donor={donor}", f"/__benchmark__/dashboard/?donor={donor}", "after_write"),
        ("api_stats_by_donor_after_write", "/api/v1/stats/?group_by=donor", "/__benchmark__/stats/?group_by=donor",
         "after_write"),
        ("admin_changelist", "/admin/projects/project/", "/__benchmark__/admin/", "admin"),
        # Money (benchmarks/money.py): the selectors the dashboard and stats/ call, against raw SQL.
        ("money_dashboard", "/__benchmark__/money/dashboard/", "/__benchmark__/money/dashboard/sql/", "money"),
        ("money_stats_by_donor_eur", "/__benchmark__/money/stats/?currency=EUR",
         "/__benchmark__/money/stats/sql/?currency=EUR", "money"),
        # Results (benchmarks/results.py): the project page's results of the generated project with the
        # most periods, and the /results/ summary over every published project, against raw SQL.
        *([("results_page_largest", f"/__benchmark__/results/page/?project={largest}",
            f"/__benchmark__/results/page/sql/?project={largest}", "fast")] if largest else []),
        ("results_summary", "/__benchmark__/results/summary/", "/__benchmark__/results/summary/sql/", "money"),
    ]


def run_size(pg: Postgres, workdir: Path, n: int, args) -> dict:
    database = f"bench_{n}"
    pg.sql(f"DROP DATABASE IF EXISTS {database}")
    pg.sql(f"CREATE DATABASE {database}")
    env = {
        **os.environ,
        "DATABASE_URL": pg.url(database),
        "DJANGO_DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "SECURE_SSL_REDIRECT": "0",  # plain HTTP on loopback
        "ALLOWED_HOSTS": "127.0.0.1",
        "STATIC_ROOT": str(workdir / "static"),
        "PORTFOLIO_VAR_DIR": str(workdir / "var"),
        "PORTFOLIO_BENCHMARK": "1",
        "API_THROTTLE_ANON": "1000000/minute",
        "API_THROTTLE_TOKEN": "1000000/minute",
        "AXES_ENABLED": "0",
        "LOG_LEVEL": "WARNING",
        "DJANGO_SUPERUSER_PASSWORD": ADMIN_PASSWORD,
    }
    log(f"N={n}: migrate, annex, demo users")
    manage(env, "migrate", "--no-input", "-v0")
    manage(env, "seed_annex", capture=True)
    manage(env, "seed_demo", capture=True)
    log(f"N={n}: generate_portfolio --projects {n} --seed {args.seed}")
    started = time.monotonic()
    summary = manage(env, "generate_portfolio", "--projects", str(n), "--seed", str(args.seed), capture=True).strip()
    generate_seconds = time.monotonic() - started
    log(summary)
    # Issue 18: the generator's COPY marked every project; build the dashboards' facts once, timed apart.
    started = time.monotonic()
    log(manage(env, "dashboards_facts_rebuild", capture=True).strip())
    facts_seconds = time.monotonic() - started
    manage(env, "createsuperuser", "--no-input", "--username", ADMIN_USER, "--email", "bench@example.org", capture=True)
    if not (workdir / "static" / "staticfiles.json").exists():
        manage(env, "collectstatic", "--no-input", "-v0")

    port = free_port()
    server = subprocess.Popen(
        [PY, "-m", "gunicorn", "portfolio.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers", "1",
         "--timeout", "900", "--log-level", "warning"],
        cwd=ROOT, env=env,
    )
    client = Client(port)
    try:
        wait_until_up(client, server)
        total = client.json("/api/v1/projects/?page_size=1&count=exact")["count"]
        donors = client.json("/api/v1/stats/?group_by=donor")["groups"]
        # A selective donor filter: the third-biggest donor (the biggest funds a large share of everything).
        donor = sorted(donors, key=lambda g: -g["projects"])[min(2, len(donors) - 1)]["key"]
        country = args.country
        largest = client.json("/__benchmark__/results/largest/")
        log(f"N={n}: results page of project {largest['project']} ({largest['periods']} periods)")
        results: dict = {}
        admin = Client(port)
        log_in(admin)
        only = {name for name in args.only.split(",") if name}
        for name, path, baseline, kind in scenarios(total, donor, country, largest["project"]):
            if only and name not in only:
                continue
            who = admin if kind == "admin" else client
            export = kind == "export"
            repeat = {"export": args.export_repeat, "money": args.money_repeat}.get(kind, args.repeat)
            warmup = {"export": args.export_warmup, "money": args.money_warmup}.get(kind, args.warmup)
            log(f"N={n}: {name} ({repeat} requests{' + baseline' if baseline else ''})")
            after_write = kind == "after_write"
            product = measure(who, path, repeat, warmup, memory=export, write_first=after_write)
            row = {**product, "path": path}
            if baseline:
                base = measure(who, baseline, repeat, warmup, memory=export, write_first=after_write)
                row.update(
                    baseline_p50_ms=base["p50_ms"], baseline_p95_ms=base["p95_ms"], baseline_queries=base["queries"],
                    ratio=round(product["p50_ms"] / base["p50_ms"], 2) if base["p50_ms"] else None,
                )
                if export:
                    row["baseline_peak_rss_mb"] = base["peak_rss_mb"]
            else:
                row.update(baseline_p50_ms=None, baseline_p95_ms=None, baseline_queries=None, ratio=None)
            results[name] = row
        return {
            "projects": total,
            "generated": n,
            "generate_seconds": round(generate_seconds, 1),
            "facts_rebuild_seconds": round(facts_seconds, 1),
            "generate_summary": summary,
            "donor_filter": donor,
            "country_filter": country,
            "scenarios": results,
        }
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()


def reminder_scan(pg: Postgres, n: int) -> dict:
    """Time the reminder scan in-process over the N-project database, rolled back afterwards."""
    env = {**os.environ, "DATABASE_URL": pg.url(f"bench_{n}"), "DJANGO_DEBUG": "0", "SECRET_KEY": "x" * 50,
           "SECURE_SSL_REDIRECT": "0", "LOG_LEVEL": "WARNING"}
    out = subprocess.run([PY, str(OUT / "reminder_scan.py")], cwd=ROOT, env=env, check=True, text=True,
                         stdout=subprocess.PIPE).stdout
    return json.loads(out.strip().splitlines()[-1])


def copy_baseline(pg: Postgres, n: int) -> dict:
    """COPY of every table each export reads, and of its queries (benchmarks/copy_baseline.py), in seconds."""
    env = {**os.environ, "DATABASE_URL": pg.url(f"bench_{n}"), "DJANGO_DEBUG": "0", "SECRET_KEY": "x" * 50,
           "SECURE_SSL_REDIRECT": "0", "LOG_LEVEL": "WARNING"}
    out = subprocess.run([PY, str(OUT / "copy_baseline.py")], cwd=ROOT, env=env, check=True, text=True,
                         stdout=subprocess.PIPE).stdout
    return json.loads(out.strip().splitlines()[-1])


EXPORT_PATHS = {"export_csv": "/api/v1/projects/?format=csv", "export_xlsx": "/api/v1/projects/?format=xlsx",
                "export_iati_xml": "/api/v1/iati/activities.xml"}


def export_memory(pg: Postgres, n: int) -> dict:
    """Each export's peak memory in a fresh process (benchmarks/export_memory.py), in MB."""
    env = {**os.environ, "DATABASE_URL": pg.url(f"bench_{n}"), "DJANGO_DEBUG": "0", "SECRET_KEY": "x" * 50,
           "SECURE_SSL_REDIRECT": "0", "LOG_LEVEL": "WARNING", "ALLOWED_HOSTS": "127.0.0.1",
           "API_THROTTLE_ANON": "1000000/minute"}
    found = {}
    for name, path in EXPORT_PATHS.items():
        out = subprocess.run([PY, str(OUT / "export_memory.py"), path], cwd=ROOT, env=env, check=True, text=True,
                             stdout=subprocess.PIPE).stdout
        found[name] = json.loads(out.strip().splitlines()[-1])
    return found


# Report ----------------------------------------------------------------------------


def machine(pg: Postgres) -> dict:
    meminfo = Path("/proc/meminfo").read_text()
    total_kb = int(re.search(r"MemTotal:\s+(\d+)", meminfo).group(1))
    cpu = re.search(r"model name\s*:\s*(.+)", Path("/proc/cpuinfo").read_text())
    import django

    return {
        "nproc": os.cpu_count(),
        "cpu": cpu.group(1).strip() if cpu else platform.processor(),
        "memory_gb": round(total_kb / 1024 / 1024, 1),
        "postgresql": pg.sql("SELECT current_setting('server_version')"),
        "python": platform.python_version(),
        "django": django.get_version(),
        "os": platform.platform(),
        "date": datetime.date.today().isoformat(),
    }


# The COPY baseline each export is held against (copy_baseline.py): the XLSX reads what the CSV reads.
EXPORT_COPY = {"export_csv": "csv", "export_xlsx": "csv", "export_iati_xml": "xml"}


def export_lines(rows: dict, run: dict) -> list[str]:
    """Issue 18's exports table: each export beside the COPY of every table it reads (summed) and of its own
    queries, with the ratios, its peak memory alone in a fresh process, and the XLSX against the CSV."""
    copy, memory = run.get("copy_baseline") or {}, run.get("export_memory") or {}
    names = [name for name in EXPORT_COPY if name in rows]
    if not names or not (copy or memory):
        return []
    lines = ["", "| export | p50 s | COPY of every table it reads s | × tables | COPY of its own queries s | × own queries "
                 "| peak MB alone (idle → peak) | vs CSV |", "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for name in names:
        seconds = rows[name]["p50_ms"] / 1000
        limit = copy.get(EXPORT_COPY[name], {})
        tables, own = limit.get("tables_s"), limit.get("query_s")
        alone = memory.get(name)
        csv = rows.get("export_csv")
        cells = [
            name, f"{seconds:.2f}",
            tables if tables is not None else "—", f"{seconds / tables:.1f}×" if tables else "—",
            own if own is not None else "—", f"{seconds / own:.1f}×" if own else "—",
            f"{alone['idle_mb']} → {alone['peak_mb']}" if alone else "—",
            f"{rows[name]['p50_ms'] / csv['p50_ms']:.2f}×" if name == "export_xlsx" and csv else "",
        ]
        lines.append("| " + " | ".join(str(c) for c in cells) + " |")
    return lines


def markdown(report: dict) -> str:
    meta = report["_meta"]
    m = meta["machine"]
    lines = [
        f"Machine: {m['nproc']} CPUs ({m['cpu']}), {m['memory_gb']} GB RAM, PostgreSQL {m['postgresql']} "
        f"(default settings), Python {m['python']}, Django {m['django']}; gunicorn with 1 sync worker; "
        f"client on loopback; run on {m['date']}.",
        "",
    ]
    sizes = [key for key in report if key != "_meta"]
    first = sizes[0] if sizes else None
    for size in sizes:
        run = meta["runs"][size]
        lines += [
            f"**N = {int(size):,}** generated ({run['projects']:,} published projects visible to the API; "
            f"generation {run['generate_seconds']} s, facts rebuild {run.get('facts_rebuild_seconds', '—')} s; donor filter `{run['donor_filter']}`, "
            f"country filter `{run['country_filter']}`; {run['repeat']} measured requests per scenario, "
            f"{run['export_repeat']} per export, {run.get('money_repeat', run['repeat'])} per money scenario)",
            "",
            "| scenario | p50 ms | p95 ms | baseline p50 ms | ratio | queries | baseline queries | peak RSS MB"
            + (" | p50 vs N=" + f"{int(first):,}" if size != first else "") + " |",
            "|---|---:|---:|---:|---:|---:|---:|---:" + ("|---:" if size != first else "") + "|",
        ]
        for name, row in report[size].items():
            peak = row.get("peak_rss_mb")
            peak_text = f"{peak} (baseline {row['baseline_peak_rss_mb']})" if "baseline_peak_rss_mb" in row else (
                str(peak) if peak is not None else "")
            cells = [
                name, row["p50_ms"], row["p95_ms"], row["baseline_p50_ms"] if row["baseline_p50_ms"] is not None else "—",
                f"{row['ratio']}×" if row["ratio"] is not None else "—", row["queries"],
                row["baseline_queries"] if row["baseline_queries"] is not None else "—", peak_text,
            ]
            if size != first:
                earlier = report[first].get(name)
                cells.append(f"{row['p50_ms'] / earlier['p50_ms']:.2f}×" if earlier and earlier["p50_ms"] else "")
            lines.append("| " + " | ".join(str(c) for c in cells) + " |")
        lines += export_lines(report[size], run)
        if run.get("copy_baseline"):
            copy = run["copy_baseline"]
            lines += ["", "Physical limit (`COPY ... TO STDOUT`, seconds): " + "; ".join(
                f"{name.upper()}: every table it reads {copy[name]['tables_s']}, its queries over every published "
                f"project at once {copy[name]['query_s']}, the former single query {copy[name]['single_query_s']}"
                for name in ("csv", "xml")) + "."]
        if run.get("export_memory"):
            lines += ["", "Peak memory of each export alone, in a fresh process (MB; idle → peak, the export's own "
                          "growth): " + "; ".join(f"{name} {m['idle_mb']} → {m['peak_mb']} (+{m['peak_mb'] - m['idle_mb']:.1f})"
                                                  for name, m in run["export_memory"].items()) + "."]
        if run.get("reminder_scan"):
            scan = run["reminder_scan"]
            lines += ["", f"Reminder scan (in-process, rolled back): {scan['deadlines']:,} deadlines, "
                          f"{scan['open_in_window']:,} open in the reminder window, {scan['seconds'] * 1000:.0f} ms, "
                          f"{scan['queries']} queries, {scan['reminders']:,} reminders in {scan['digests']} digests."]
        lines.append("")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--projects", type=int, action="append", help="Portfolio size; repeat for several.")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=20, help="Measured requests per scenario (default 20).")
    parser.add_argument("--export-repeat", type=int, default=3, help="Measured requests per export (default 3).")
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--export-warmup", type=int, default=1, help="Unmeasured requests per export (default 1).")
    parser.add_argument("--money-repeat", type=int, default=5,
                        help="Measured requests per money scenario (default 5: each sums every transaction).")
    parser.add_argument("--money-warmup", type=int, default=1, help="Unmeasured requests per money scenario.")
    parser.add_argument("--country", default="NP", help="Country filter of the country scenario.")
    parser.add_argument("--no-reminder-scan", action="store_true")
    parser.add_argument("--no-export-memory", action="store_true", help="Skip the exports' memory in fresh processes.")
    parser.add_argument("--no-copy-baseline", action="store_true", help="Skip the COPY baseline of the exports.")
    parser.add_argument("--only", default="", help="Comma-separated scenario names to run (default: all).")
    parser.add_argument("--out", type=Path, default=OUT, help="Where results.json and results.md go.")
    args = parser.parse_args(argv)
    sizes = args.projects or [1000]
    # Stop gunicorn and PostgreSQL on SIGTERM (and on SIGINT, which a background job ignores).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if shutil.which(PG_CTL) is None and not Path(PG_CTL).exists():
        parser.error("scripts/pg_ctl not found")
    workdir = Path(tempfile.mkdtemp(prefix="portfolio-bench-"))
    report: dict = {"_meta": {"runs": {}, "seed": args.seed}}
    try:
        with Postgres(workdir) as pg:
            report["_meta"]["machine"] = machine(pg)
            for n in sizes:
                run = run_size(pg, workdir, n, args)
                if not args.no_export_memory:
                    log(f"N={n}: peak memory of each export in a fresh process")
                    run["export_memory"] = export_memory(pg, n)
                if not args.no_copy_baseline:
                    log(f"N={n}: COPY baseline of the exports")
                    run["copy_baseline"] = copy_baseline(pg, n)
                if not args.no_reminder_scan:
                    log(f"N={n}: reminder scan")
                    run["reminder_scan"] = reminder_scan(pg, n)
                report[str(n)] = run.pop("scenarios")
                run.update(repeat=args.repeat, export_repeat=args.export_repeat, money_repeat=args.money_repeat)
                report["_meta"]["runs"][str(n)] = run
                # Written after every size, so a long run leaves its first results behind.
                args.out.mkdir(parents=True, exist_ok=True)
                (args.out / "results.json").write_text(json.dumps(report, indent=2, default=str) + "\n")
                (args.out / "results.md").write_text(markdown(report))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print(markdown(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
