"""The README's first command, run for real: it serves the seeded admin on SQLite."""
import http.cookiejar
import os
import re
import signal
import subprocess
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from tests.live import free_port

pytestmark = pytest.mark.database_independent

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def served(tmp_path):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "DJANGO_", "PORTFOLIO_", "CELERY_", "EMAIL_"))}
    env.update(PORTFOLIO_VAR_DIR=str(tmp_path / "var"), PORTFOLIO_ADDR=f"127.0.0.1:{port}")
    log = (tmp_path / "run.log").open("w+")
    process = subprocess.Popen([str(ROOT / "scripts" / "run")], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            assert process.poll() is None, (tmp_path / "run.log").read_text()
            try:
                urllib.request.urlopen(base + "/admin/login/", timeout=2)
                break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("the run command did not serve within 120 s:\n" + (tmp_path / "run.log").read_text())
        yield base, tmp_path / "run.log"
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=20)
        log.close()


def test_run_command_serves_the_annex_and_prints_how_to_log_in(served):
    base, log_path = served
    output = log_path.read_text()
    assert "seed_annex: created" in output and "21 projects" in output
    assert "programme officer: officer / officer-demo-2026" in output
    assert f"{base}/admin/" in output

    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    login_page = opener.open(base + "/admin/login/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login_page).group(1)
    form = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token, "username": "officer", "password": "officer-demo-2026", "next": "/admin/"}
    ).encode()
    opener.open(urllib.request.Request(base + "/admin/login/", data=form, headers={"Referer": base + "/admin/login/"}))
    changelist = opener.open(base + "/admin/projects/project/").read().decode()
    assert "21 projects" in changelist
    assert "Global Action Programme on Migrant Domestic Workers" in changelist
