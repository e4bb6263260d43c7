"""The embedded default's scheduler: scripts/scheduler, as scripts/run starts it, sends reminders by itself.

It runs a Celery worker with beat on kombu's filesystem transport (no Redis), on the
test database and a real SMTP server; nobody types a command. REMINDER_SCAN_INTERVAL
shortens the daily schedule to seconds.
"""
import datetime
import os
import signal
import subprocess
from pathlib import Path

import pytest
from django.utils import timezone

from deadlines.models import Deadline, ReminderDigest, ReminderScan
from tests.deadlines.conftest import make_project, wait_for
from tests.live import database_url

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def children_of(pid: int) -> set[int]:
    """The process's children, from /proc (the embedded beat is one)."""
    found = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        found |= {int(child) for child in (task / "children").read_text().split()}
    return found


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    stat = Path(f"/proc/{pid}/stat")
    return stat.exists() and stat.read_text().split(")")[-1].split()[0] != "Z"


@pytest.fixture
def scheduler(smtp_server, tmp_path):
    """scripts/scheduler with a scan every second, mail to the local SMTP server."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portfolio.settings",
        "DATABASE_URL": database_url(),
        "PORTFOLIO_VAR_DIR": str(tmp_path),
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_server.port),
        "EMAIL_TIMEOUT": "5",
        "REMINDER_SCAN_INTERVAL": "1",
        "SITE_URL": "http://127.0.0.1:8123",
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("CELERY_BROKER_URL", None)  # the script's own default: filesystem://
    log = tmp_path / "scheduler.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [str(ROOT / "scripts" / "scheduler")], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    process.log = log
    yield process
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def test_scheduler_sends_a_due_reminder_without_anyone_typing_a_command(scheduler, smtp_server, officer, client):
    today = timezone.localdate()
    project = make_project("sched", officer=officer, start=today - datetime.timedelta(days=400))
    deadline = Deadline.objects.create(project=project, title="Annual report", due_on=today + datetime.timedelta(days=7))

    def mailed():
        assert scheduler.poll() is None, scheduler.log.read_text()
        return smtp_server.mailbox.by_recipient()

    wait_for(mailed, timeout=60, message="a reminder e-mail")
    wait_for(lambda: ReminderScan.objects.count() >= 3, timeout=30, message="three scans")

    # Scans keep running every second; the reminder went out once, to the project's officer.
    assert smtp_server.mailbox.by_recipient() == {officer.email: 1}
    _, _, message = smtp_server.mailbox.accepted[0]
    text = message.get_payload()[0].get_payload(decode=True).decode()
    assert "Annual report" in text
    assert f"http://127.0.0.1:8123/admin/deadlines/deadline/{deadline.pk}/change/" in text
    assert ReminderDigest.objects.get().sent_at is not None

    health = client.get("/healthz").json()["checks"]["scheduler"]
    last = ReminderScan.objects.latest()
    assert health == {"ok": True, "last_run": last.finished_at.isoformat(), "late": False}
    assert "transport:   filesystem://" in scheduler.log.read_text()  # no Redis


def test_scheduler_stops_whole_with_a_term(scheduler):
    wait_for(lambda: ReminderScan.objects.exists() or scheduler.poll() is not None, timeout=60, message="a scan")
    assert scheduler.poll() is None, scheduler.log.read_text()
    beat = children_of(scheduler.pid)
    assert beat, "the embedded beat runs as a child process"

    scheduler.send_signal(signal.SIGTERM)
    scheduler.wait(timeout=30)

    assert not [pid for pid in beat if alive(pid)]
    assert "beat: Shutting down" in scheduler.log.read_text()
