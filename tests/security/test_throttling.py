"""API throttles count per caller across every web process, and a caller cannot pick its bucket.

The live tests start gunicorn with three sync workers on the suite's database, once
with the cache of a deployment (Redis, started by pytest-redis, `CACHE_URL=redis://`)
and once with the embedded default (a file cache under PORTFOLIO_VAR_DIR). Rates are
set low through the environment. Gunicorn's access log records which worker (pid)
served each request, so a test can show that the bucket holds whichever worker answers.
"""
import http.client
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from pytest_redis import factories

from tests.live import database_url, free_port

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")
WORKERS = 3
RATE = 5  # requests per minute for every scope in the live server
URL = "/api/v1/regions/"

redis_server = factories.redis_proc(executable=shutil.which("redis-server") or "/usr/bin/redis-server")


def _get(port: int, path: str, **headers: str) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    try:
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


class LiveServer:
    """gunicorn on the suite's database; the access log line of a request is `<pid> <X-Seq> <status>`."""

    def __init__(self, tmp_path: Path, cache_url: str | None):
        self.port = free_port()
        self.var_dir = tmp_path / "var"
        self.access_log = tmp_path / "access.log"
        self.error_log = tmp_path / "error.log"
        self.cache_url = cache_url
        self.seq, self.seq_lock = 0, threading.Lock()
        env = {key: value for key, value in os.environ.items()
               if key not in {"CELERY_BROKER_URL", "CACHE_URL", "TRUSTED_PROXIES"} and not key.startswith("API_THROTTLE_")}
        env.update(
            DATABASE_URL=database_url(),
            PORTFOLIO_VAR_DIR=str(self.var_dir),
            API_THROTTLE_ANON=f"{RATE}/minute",
            API_THROTTLE_USER=f"{RATE}/minute",
            API_THROTTLE_TOKEN=f"{RATE}/minute",
            XDG_RUNTIME_DIR=str(tmp_path),  # gunicorn's control socket: its own, not the user's shared one
        )
        if cache_url:
            env["CACHE_URL"] = cache_url
        env.pop("PORTFOLIO_TEST_START_POSTGRES", None)
        self.process = subprocess.Popen(
            [str(GUNICORN), "portfolio.wsgi:application", "--bind", f"127.0.0.1:{self.port}",
             "--workers", str(WORKERS), "--access-logfile", str(self.access_log),
             "--access-logformat", "%(p)s %({x-seq}i)s %(s)s", "--error-logfile", str(self.error_log)],
            cwd=ROOT, env=env, start_new_session=True,
        )

    def wait_for_every_worker(self, timeout: float = 60) -> None:
        """Probe /healthz until each worker has answered at least once."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"gunicorn exited with {self.process.returncode}:\n{self.error_log.read_text()}")
            try:
                self.get("/healthz")
            except OSError:
                time.sleep(0.2)
                continue
            if len({pid for pid, _, _ in self._log_lines()}) >= WORKERS:
                return
        raise AssertionError(f"not every gunicorn worker answered within {timeout}s:\n{self.error_log.read_text()}")

    def get(self, path: str = URL, **headers: str) -> int:
        with self.seq_lock:  # requests may be sent from several threads at once
            self.seq += 1
            seq = self.seq
        return _get(self.port, path, **{"X-Seq": str(seq), **headers})

    def _log_lines(self) -> list[tuple[str, str, str]]:
        if not self.access_log.exists():
            return []
        return [tuple(line.split()) for line in self.access_log.read_text().splitlines() if line.count(" ") == 2]

    def workers_of(self, first_seq: int, last_seq: int) -> set[str]:
        """The pids of the workers that served requests first_seq..last_seq (as logged)."""
        wanted = {str(seq) for seq in range(first_seq, last_seq + 1)}
        deadline = time.monotonic() + 10
        while True:
            served = {seq: pid for pid, seq, _ in self._log_lines() if seq in wanted}
            if len(served) == len(wanted) or time.monotonic() > deadline:
                assert len(served) == len(wanted), "gunicorn did not log every request"
                return set(served.values())
            time.sleep(0.05)

    def clear_cache(self) -> None:
        """Empty the throttle buckets between tests."""
        if self.cache_url:
            import redis

            client = redis.Redis.from_url(self.cache_url)
            client.flushdb()
            client.close()
        else:
            shutil.rmtree(self.var_dir / "cache", ignore_errors=True)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


@pytest.fixture(scope="module", params=["redis", "file"])
def live(request, django_db_setup, tmp_path_factory):
    """gunicorn with several workers and the shared cache: Redis (deployment) or the file cache (embedded)."""
    if request.param == "redis":
        redis = request.getfixturevalue("redis_server")
        cache_url = f"redis://{redis.host}:{redis.port}/1"
    else:
        cache_url = None  # the embedded default: a file cache under PORTFOLIO_VAR_DIR
    server = LiveServer(tmp_path_factory.mktemp(f"throttle-{request.param}"), cache_url)
    try:
        server.wait_for_every_worker()
        yield server
    finally:
        server.stop()


@pytest.fixture
def server(live):
    live.clear_cache()
    yield live
    live.clear_cache()


def _statuses(server, count, **headers) -> tuple[list[int], set[str]]:
    """Send `count` requests; return their statuses and the workers that served the 429s.

    The first RATE go one after another; the rest in bursts of WORKERS at once, so that
    several workers serve them (sequential requests may all land on one idle worker).
    """
    first = server.seq + 1
    statuses = [server.get(**headers) for _ in range(min(count, RATE))]
    with ThreadPoolExecutor(WORKERS) as pool:
        while len(statuses) < count:
            burst = min(WORKERS, count - len(statuses))
            statuses += list(pool.map(lambda _n: server.get(**headers), range(burst)))
    throttled = [first + i for i, status in enumerate(statuses) if status == 429]
    workers = set().union(*(server.workers_of(seq, seq) for seq in throttled)) if throttled else set()
    return statuses, workers


# ---------------------------------------------------------------------------
# Live: several gunicorn workers share one bucket per caller
# ---------------------------------------------------------------------------


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_anonymous_bucket_is_shared_by_every_worker(server):
    statuses, workers = _statuses(server, RATE + 4 * WORKERS)
    assert statuses == [200] * RATE + [429] * 4 * WORKERS
    assert len(workers) >= 2, "the 429s all came from one worker; the test proves nothing"


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_made_up_forwarded_for_does_not_open_a_new_bucket(server):
    """Without a trusted proxy (TRUSTED_PROXIES=0) the address is REMOTE_ADDR, whatever X-Forwarded-For says."""
    statuses = [server.get(**{"X-Forwarded-For": f"198.51.100.{n}"}) for n in range(1, RATE + 5)]
    assert statuses == [200] * RATE + [429] * 4
    assert server.get(**{"X-Forwarded-For": "203.0.113.7, 198.51.100.99"}) == 429


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_donor_users_session_is_throttled_and_an_officers_is_not(server, sdc_client, officer_client):
    donor = {"Cookie": f"{settings.SESSION_COOKIE_NAME}={sdc_client.cookies[settings.SESSION_COOKIE_NAME].value}"}
    officer = {"Cookie": f"{settings.SESSION_COOKIE_NAME}={officer_client.cookies[settings.SESSION_COOKIE_NAME].value}"}

    statuses, workers = _statuses(server, RATE + 2 * WORKERS, **donor)
    assert statuses == [200] * RATE + [429] * 2 * WORKERS
    assert len(workers) >= 2
    # The donor's bucket is the donor's: anonymous callers from the same address still get theirs.
    assert server.get() == 200
    # Officers' sessions are not throttled.
    assert [server.get(**officer) for _ in range(3 * RATE)] == [200] * 3 * RATE


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_token_is_throttled_across_workers(server, sdc_token_client):
    statuses, workers = _statuses(server, RATE + 2 * WORKERS, Authorization=f"Bearer {sdc_token_client.secret}")
    assert statuses == [200] * RATE + [429] * 2 * WORKERS
    assert len(workers) >= 2


# ---------------------------------------------------------------------------
# In-process: the user scope, the client address behind proxies, the cache settings
# ---------------------------------------------------------------------------


def _rates(settings, **rates):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "1000/minute", "token": "1000/minute", "user": "1000/minute", **rates},
    }


@pytest.fixture
def _fresh_buckets():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.mark.django_db
def test_donor_sessions_have_their_own_rate(settings, sdc_client, ec_client, _fresh_buckets):
    _rates(settings, user="2/minute")
    assert [sdc_client.get(URL).status_code for _ in range(3)] == [200, 200, 429]
    assert ec_client.get(URL).status_code == 200  # one bucket per user
    response = sdc_client.get(URL)
    assert response.status_code == 429 and int(response["Retry-After"]) > 0


@pytest.mark.django_db
def test_officer_sessions_are_exempt_but_officer_tokens_are_not(settings, officer_client, officer_token_client,
                                                                _fresh_buckets):
    _rates(settings, user="1/minute", token="1/minute")
    assert [officer_client.get(URL).status_code for _ in range(5)] == [200] * 5
    assert [officer_token_client.get(URL).status_code for _ in range(2)] == [200, 429]


@pytest.mark.database_independent
def test_trusted_proxies_setting_feeds_drf():
    assert settings.REST_FRAMEWORK["NUM_PROXIES"] == settings.TRUSTED_PROXIES
    assert isinstance(settings.TRUSTED_PROXIES, int)


@pytest.mark.database_independent
@pytest.mark.parametrize(
    ("trusted", "forwarded_for", "address"),
    [
        (0, None, "10.0.0.9"),
        (0, "198.51.100.1", "10.0.0.9"),  # nobody is trusted to say who the client is
        (1, None, "10.0.0.9"),  # e.g. the compose healthcheck, straight to gunicorn
        (1, "198.51.100.1", "198.51.100.1"),  # what the proxy appended
        (1, "203.0.113.66, 198.51.100.1", "198.51.100.1"),  # a client's own entry is ignored
        (2, "203.0.113.66, 198.51.100.1, 10.1.1.1", "198.51.100.1"),  # TLS terminator + proxy
    ],
)
def test_client_address_trusts_only_the_configured_proxies(settings, trusted, forwarded_for, address):
    from django.test import RequestFactory

    from integrations.throttling import client_address

    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": trusted}
    extra = {"HTTP_X_FORWARDED_FOR": forwarded_for} if forwarded_for else {}
    assert client_address(RequestFactory().get("/", REMOTE_ADDR="10.0.0.9", **extra)) == address


def _login(client, forwarded_for):
    data = {"username": "officer1", "password": "wrong", "next": "/admin/"}
    return client.post(reverse("admin:login"), data, HTTP_X_FORWARDED_FOR=forwarded_for)


@pytest.mark.django_db
def test_login_lockouts_use_the_client_address_behind_the_proxy(client, officer, settings):
    """Behind the proxy every request comes from the proxy's address: a lockout must not lock out everyone."""
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _login(client, "198.51.100.1").status_code == 200
    assert _login(client, "198.51.100.1").status_code == 429
    assert _login(client, "203.0.113.5, 198.51.100.1").status_code == 429  # a made-up first entry changes nothing
    assert _login(client, "198.51.100.2").status_code == 200  # another client behind the same proxy


def _settings_run(tmp_path, code, **env):
    environment = {key: value for key, value in os.environ.items() if key not in {"CACHE_URL", "TRUSTED_PROXIES"}}
    environment.update(
        DJANGO_SETTINGS_MODULE="portfolio.settings",
        DATABASE_URL=f"sqlite:///{tmp_path / 'settings.sqlite3'}",
        PORTFOLIO_VAR_DIR=str(tmp_path / "var"),
        **env,
    )
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); from django.conf import settings; {code}"],
        cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120,
    )


@pytest.mark.database_independent
@pytest.mark.parametrize(
    ("cache_url", "backend", "location"),
    [
        (None, "django.core.cache.backends.filebased.FileBasedCache", "{var}/cache"),
        ("redis://redis:6379/1", "django.core.cache.backends.redis.RedisCache", "redis://redis:6379/1"),
        ("rediss://:secret@cache.example.org:6380/0", "django.core.cache.backends.redis.RedisCache",
         "rediss://:secret@cache.example.org:6380/0"),
        ("file:///srv/portfolio/cache", "django.core.cache.backends.filebased.FileBasedCache", "/srv/portfolio/cache"),
    ],
)
def test_cache_url_picks_a_shared_cache(tmp_path, cache_url, backend, location):
    env = {"CACHE_URL": cache_url} if cache_url else {}
    result = _settings_run(tmp_path, "c = settings.CACHES['default']; print(c['BACKEND']); print(c['LOCATION'])", **env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [backend, location.format(var=tmp_path / "var")]


@pytest.mark.database_independent
@pytest.mark.parametrize("cache_url", ["memcached://127.0.0.1:11211", "locmem://", "file://relative/cache", "redis"])
def test_an_unusable_cache_url_stops_start_up_naming_the_variable(tmp_path, cache_url):
    result = _settings_run(tmp_path, "print(settings.CACHES)", CACHE_URL=cache_url)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and "CACHE_URL" in result.stderr


@pytest.mark.database_independent
def test_an_unusable_cache_url_does_not_echo_a_password(tmp_path):
    result = _settings_run(tmp_path, "print(settings.CACHES)", CACHE_URL="memcache://user:hunter2@cache:11211")
    assert result.returncode != 0 and "CACHE_URL" in result.stderr
    assert "hunter2" not in result.stderr


@pytest.mark.database_independent
@pytest.mark.parametrize("value", ["-1", "one"])
def test_a_bad_trusted_proxies_value_stops_start_up(tmp_path, value):
    result = _settings_run(tmp_path, "print(settings.TRUSTED_PROXIES)", TRUSTED_PROXIES=value)
    assert result.returncode != 0 and "TRUSTED_PROXIES" in result.stderr


@pytest.mark.database_independent
def test_throttle_classes_cover_anonymous_callers_tokens_and_sessions():
    assert settings.REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"] == [
        "integrations.throttling.AnonymousThrottle",
        "integrations.throttling.IntegrationTokenThrottle",
        "integrations.throttling.UserSessionThrottle",
    ]
    assert re.fullmatch(r"\d+/minute", settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["user"])
