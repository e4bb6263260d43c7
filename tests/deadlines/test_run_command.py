"""The run command, started fresh as a new user would: it schedules reminders by itself and stops whole.

scripts/run on its own SQLite file and port, a scan every second, mail to a real SMTP
server. Nobody types `send_reminders`: the scheduler it started beside the web server
sends the reminder, with links to the address it serves, and /healthz shows the run.
Ctrl-C (SIGINT to its process group, as a terminal sends it) stops the server and the
scheduler.
"""
import datetime
import json
import os
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from tests.deadlines.conftest import wait_for
from tests.live import free_port

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.services, pytest.mark.database_independent]  # its own SQLite file, once

# Exec the run command with Ctrl-C's signals at their defaults, as a terminal starts it (a shell
# started with them ignored could not trap them).
AS_FROM_A_TERMINAL = (
    "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); "
    "signal.signal(signal.SIGQUIT, signal.SIG_DFL); os.execv(sys.argv[1], sys.argv[1:])"
)

MAKE_DEADLINE = """
import datetime
from django.contrib.auth import get_user_model
from deadlines.models import Deadline
from projects.models import Project
today = datetime.date.today()
officer = get_user_model().objects.get(username="officer")
project = Project.objects.create(title="Run command project", short_name="runcmd", slug="runcmd",
    planned_start=today - datetime.timedelta(days=400), planned_end=today + datetime.timedelta(days=400),
    responsible_officer=officer)
print(Deadline.objects.create(project=project, title="Run command report", due_on=today + datetime.timedelta(days=7)).pk)
"""


def group_alive(pgid: int) -> list[str]:
    """Command lines of the live (not zombie) processes in a process group."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            found.append((stat.parent / "cmdline").read_bytes().replace(b"\0", b" ").decode())
    return found


def get_json(url: str):
    with urllib.request.urlopen(url, timeout=5) as response:
        return json.loads(response.read())


@pytest.fixture
def run_command(smtp_server, tmp_path):
    port = free_port()
    env = {
        **{key: value for key, value in os.environ.items()
           if key not in {"DATABASE_URL", "SITE_URL", "CELERY_BROKER_URL", "DJANGO_SETTINGS_MODULE"}},
        "PORTFOLIO_VAR_DIR": str(tmp_path / "var"),
        "PORTFOLIO_ADDR": f"127.0.0.1:{port}",
        "REMINDER_SCAN_INTERVAL": "1",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_server.port),
        "EMAIL_TIMEOUT": "5",
        "PYTHONUNBUFFERED": "1",
    }

    log = tmp_path / "run.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-c", AS_FROM_A_TERMINAL, str(ROOT / "scripts" / "run")], cwd=ROOT, env=env,
            stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )
    process.port, process.env, process.log = port, env, log
    yield process
    if group_alive(process.pid):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=10)


def test_run_command_sends_reminders_by_itself_and_stops_whole_on_ctrl_c(run_command, smtp_server):
    base = f"http://127.0.0.1:{run_command.port}"

    def serving():
        assert run_command.poll() is None, run_command.log.read_text()
        try:
            return get_json(f"{base}/healthz")
        except OSError:
            return None

    health = wait_for(serving, timeout=180, interval=0.5, message="the run command to serve /healthz")
    assert health["checks"]["broker"] == {"ok": True, "kind": "filesystem"}

    made = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "python"), "manage.py", "shell", "-c", MAKE_DEADLINE],
        cwd=ROOT, env=run_command.env, capture_output=True, text=True, timeout=60, check=True,
    )
    deadline_id = int(made.stdout.split()[-1])

    wait_for(lambda: smtp_server.mailbox.by_recipient().get("officer@example.org"), timeout=60,
             message="the reminder e-mail")
    _, _, message = next(item for item in smtp_server.mailbox.accepted if "officer@example.org" in item[1])
    text = message.get_payload()[0].get_payload(decode=True).decode()
    assert "Run command report" in text
    # SITE_URL follows the address the run command serves.
    assert f"{base}/admin/deadlines/deadline/{deadline_id}/change/" in text

    scheduler = get_json(f"{base}/healthz")["checks"]["scheduler"]
    last_run = datetime.datetime.fromisoformat(scheduler["last_run"])
    assert datetime.datetime.now(datetime.UTC) - last_run < datetime.timedelta(seconds=30)

    os.killpg(run_command.pid, signal.SIGINT)
    run_command.wait(timeout=30)
    wait_for(lambda: not group_alive(run_command.pid), timeout=20, message="the server and scheduler to stop")
