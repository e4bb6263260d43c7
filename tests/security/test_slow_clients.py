"""Slow clients cannot starve the site: nginx (deploy/nginx.conf) buffers requests for gunicorn.

gunicorn's sync workers (as in docker-compose.yml) serve one connection each from its first
byte on, so a few clients that dribble their request hold every worker. The tests start
gunicorn with two sync workers on the suite's database and, in front of it, nginx from the
Debian package (scripts/system-packages) with deploy/nginx.conf, changing only its `listen`
address and upstream. Twelve connections then send a header line (or a few body bytes) every
half second while /healthz is probed, with bounded timeouts: straight to gunicorn it gets no
answer; through nginx it answers at once.
"""
import http.client
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.live import database_url, free_port

# django_db: the suite creates its test database, which gunicorn serves (/healthz checks its migrations).
pytestmark = [pytest.mark.services, pytest.mark.django_db]

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
WORKERS = 2
SLOW_CLIENTS = 12
DRIBBLE_EVERY = 0.5  # seconds between two lines of a slow client
ANON_RATE = 3  # per minute, for the forwarded-address test


def _get(port: int, path: str = "/healthz", timeout: float = 5, **headers: str) -> tuple[int, float]:
    """(status, seconds); raises TimeoutError when no answer comes within `timeout`."""
    started = time.monotonic()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        response.read()
        return response.status, time.monotonic() - started
    finally:
        conn.close()


def _wait_until_served(port: int, process: subprocess.Popen, log: Path, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the server exited with {process.returncode}:\n{log.read_text()}")
        try:
            if _get(port, timeout=2)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"/healthz on port {port} did not answer 200 within {timeout}s:\n{log.read_text()}")


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


class Server:
    def __init__(self, port, process, log, access_log=None):
        self.port, self.process, self.log, self.access_log = port, process, log, access_log


@pytest.fixture(scope="module")
def gunicorn(django_db_setup, tmp_path_factory):
    """gunicorn's sync workers on the suite's database, configured as the compose file's web service."""
    tmp = tmp_path_factory.mktemp("gunicorn")
    port, log, access_log = free_port(), tmp / "error.log", tmp / "access.log"
    env = {key: value for key, value in os.environ.items() if key not in {"CELERY_BROKER_URL", "CACHE_URL"}}
    env.pop("PORTFOLIO_TEST_START_POSTGRES", None)
    env.update(DATABASE_URL=database_url(), PORTFOLIO_VAR_DIR=str(tmp / "var"), TRUSTED_PROXIES="1",
               API_THROTTLE_ANON=f"{ANON_RATE}/minute",
               XDG_RUNTIME_DIR=str(tmp))  # gunicorn's control socket: its own, not the user's shared one
    process = subprocess.Popen(
        [str(GUNICORN), "portfolio.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers", str(WORKERS),
         "--error-logfile", str(log), "--access-logfile", str(access_log),
         "--access-logformat", "%(U)s|%(s)s|%({x-forwarded-for}i)s|%({x-forwarded-proto}i)s"],
        cwd=ROOT, env=env, start_new_session=True,
    )
    try:
        _wait_until_served(port, process, log)
        yield Server(port, process, log, access_log)
    finally:
        _stop(process)


def nginx_config(tmp: Path, listen_port: int, upstream_port: int) -> Path:
    """A main nginx.conf (pid, logs and temp files under `tmp`) that includes deploy/nginx.conf."""
    site = (ROOT / "deploy" / "nginx.conf").read_text()
    site, listens = re.subn(r"^(\s*)listen 8000;$", rf"\1listen 127.0.0.1:{listen_port};", site, flags=re.M)
    site, upstreams = re.subn(r"^(\s*)server web:8000;", rf"\1server 127.0.0.1:{upstream_port};", site, flags=re.M)
    assert (listens, upstreams) == (1, 1), "deploy/nginx.conf no longer has the lines this test adapts"
    (tmp / "portfolio.conf").write_text(site)
    temp_paths = "\n".join(f"    {kind}_temp_path {tmp / kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    main = tmp / "nginx.conf"
    main.write_text(f"""
daemon off;
{"user root;" if os.geteuid() == 0 else ""}
worker_processes 1;
pid {tmp / "nginx.pid"};
error_log {tmp / "error.log"} info;
events {{ worker_connections 512; }}
http {{
    access_log {tmp / "access.log"};
{temp_paths}
    include {tmp / "portfolio.conf"};
}}
""")
    return main


@pytest.fixture(scope="module")
def proxy(gunicorn, tmp_path_factory):
    """nginx with deploy/nginx.conf in front of the gunicorn above."""
    tmp = tmp_path_factory.mktemp("nginx")
    port = free_port()
    config = nginx_config(tmp, port, gunicorn.port)
    log = tmp / "error.log"
    check = subprocess.run([NGINX, "-t", "-p", str(tmp), "-e", str(log), "-c", str(config)],
                           capture_output=True, text=True, timeout=30)
    assert check.returncode == 0, check.stderr
    process = subprocess.Popen([NGINX, "-p", str(tmp), "-e", str(log), "-c", str(config)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        _wait_until_served(port, process, log)
        yield Server(port, process, log)
    finally:
        _stop(process)


class SlowClients:
    """Connections that each send a request a little at a time and never finish it.

    Two in three dribble header lines; the others send complete headers announcing a form
    body and dribble the body. A background thread sends one piece to each every DRIBBLE_EVERY.
    """

    def __init__(self, port: int, count: int = SLOW_CLIENTS):
        self.sockets = []
        for n in range(count):
            sock = socket.create_connection(("127.0.0.1", port), timeout=5)
            if n % 3 == 2:
                sock.sendall(b"POST /accounts/login/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                             b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 100000\r\n\r\n")
            else:
                sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            self.sockets.append((sock, n % 3 == 2))
        self.dropped = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._dribble, daemon=True)
        self._thread.start()

    def _dribble(self):
        line = 0
        while not self._stop.wait(DRIBBLE_EVERY):
            line += 1
            for sock, body in self.sockets:
                try:
                    sock.sendall(b"username=x&" if body else f"X-Slow-{line}: still typing\r\n".encode())
                except OSError:
                    self.dropped += 1

    def close(self):
        self._stop.set()
        self._thread.join(timeout=5)
        for sock, _ in self.sockets:
            sock.close()


@pytest.fixture
def slow_clients():
    opened = []

    def open_(port):
        clients = SlowClients(port)
        opened.append(clients)
        time.sleep(3 * DRIBBLE_EVERY)  # the servers have taken the connections and read some lines
        return clients

    yield open_
    for clients in opened:
        clients.close()


def _probe(port: int, times: int = 4, timeout: float = 3) -> list[int | str]:
    """Probe /healthz `times` times; a probe that gets no answer within `timeout` is 'timeout'."""
    results = []
    for _ in range(times):
        try:
            status, seconds = _get(port, timeout=timeout)
            results.append(status if seconds < 2 else f"{status} after {seconds:.1f}s")
        except TimeoutError:
            results.append("timeout")
    return results


def test_slow_clients_starve_gunicorn_sync_workers_on_their_own(gunicorn, slow_clients):
    """The problem the proxy solves: with no proxy, twelve slow clients hold both workers."""
    _wait_until_served(gunicorn.port, gunicorn.process, gunicorn.log)  # a previous test's clients are gone
    slow_clients(gunicorn.port)
    assert _probe(gunicorn.port, times=1) == ["timeout"]


def test_healthz_answers_through_the_proxy_while_slow_clients_dribble(proxy, gunicorn, slow_clients):
    _wait_until_served(gunicorn.port, gunicorn.process, gunicorn.log)
    clients = slow_clients(proxy.port)
    assert _probe(proxy.port) == [200] * 4
    # nginx still holds every slow connection: they wait there instead of in a worker.
    assert clients.dropped == 0
    assert _probe(gunicorn.port, times=1) == [200]  # the workers themselves are free


def test_the_proxy_passes_the_client_address_and_scheme_and_made_up_entries_do_not_count(proxy, gunicorn):
    """Behind the proxy (TRUSTED_PROXIES=1) a made-up X-Forwarded-For neither changes the bucket nor the address."""
    statuses = [
        _get(proxy.port, "/api/v1/regions/", **{"X-Forwarded-For": f"198.51.100.{n}"})[0]
        for n in range(1, ANON_RATE + 3)
    ]
    assert statuses == [200] * ANON_RATE + [429, 429]
    _get(proxy.port, "/healthz", **{"X-Forwarded-Proto": "https"})
    _get(proxy.port, "/healthz", **{"X-Forwarded-Proto": "gopher"})
    time.sleep(0.5)
    lines = [line.split("|") for line in gunicorn.access_log.read_text().splitlines()]
    regions = [forwarded for path, _, forwarded, _ in lines if path == "/api/v1/regions/"]
    # Workers write their access lines each on its own: compare as sets, not in order.
    assert sorted(regions[-ANON_RATE - 2:]) == sorted(f"198.51.100.{n}, 127.0.0.1" for n in range(1, ANON_RATE + 3))
    assert [proto for path, _, _, proto in lines if path == "/healthz"][-2:] == ["https", "http"]
