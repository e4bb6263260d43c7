"""Exactly-once delivery against the real parts: Redis, a Celery worker process, SMTP.

Each test starts `celery -A portfolio worker` on the test database (committed rows:
transactional tests) and the session's Redis server, and counts messages by
Message-ID at a local aiosmtpd server. Beat is played by the test, which sends the
daily tick the way beat does (`send_task` through Redis).
"""
import datetime
import os
import shutil
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from celery import Celery
from kombu.exceptions import OperationalError
from pytest_redis import factories

from deadlines.models import Deadline, Reminder, ReminderDigest
from tests.deadlines.conftest import TODAY, make_officer, make_project, wait_for
from tests.live import database_url

ROOT = Path(__file__).resolve().parents[2]
SCAN = "deadlines.tasks.reminders_scan"

redis_server = factories.redis_proc(executable=shutil.which("redis-server") or "/usr/bin/redis-server")

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


class Worker:
    """A real Celery worker process; `kill()` is SIGKILL, no goodbye."""

    def __init__(self, env: dict, log: Path, pool: str, concurrency: int):
        self.env, self.log, self.pool, self.concurrency = env, log, pool, concurrency
        self.process = None
        self.starts = 0

    def start(self):
        self.starts += 1
        offset = self.log.stat().st_size if self.log.exists() else 0
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "portfolio", "worker", "--pool", self.pool,
                 "--concurrency", str(self.concurrency), "--loglevel", "info", "--without-gossip",
                 "--without-mingle", "--without-heartbeat", "--hostname", f"test{self.starts}@%h"],
                cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            )

        def ready():
            if self.process.poll() is not None:
                raise AssertionError(f"worker exited early:\n{self.log.read_text()[offset:]}")
            return b" ready." in self.log.read_bytes()[offset:]

        wait_for(ready, timeout=60, message="the Celery worker to be ready")

    def kill(self):
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture
def broker_url(redis_server):
    return f"redis://{redis_server.host}:{redis_server.port}/0"


@pytest.fixture
def beat(broker_url):
    """Sends ticks through Redis as celery beat does; a tick fails fast when Redis is down."""
    client = Celery("beat-in-test", broker=broker_url)
    client.conf.broker_connection_retry_on_startup = False

    class Beat:
        app = client

        def tick(self, day=TODAY):
            client.send_task(SCAN, args=[day.isoformat()], retry=False)

    yield Beat()
    client.close()


@pytest.fixture
def start_worker(broker_url, smtp_server, tmp_path):
    workers = []

    def start(*, pool="solo", concurrency=1, **extra_env):
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "portfolio.settings",
            "DATABASE_URL": database_url(),
            "CELERY_BROKER_URL": broker_url,
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(smtp_server.port),
            "EMAIL_TIMEOUT": "5",
            "PORTFOLIO_VAR_DIR": str(tmp_path),
            "REMINDER_CLAIM_TIMEOUT": "2",
            "PYTHONUNBUFFERED": "1",
            **{key: str(value) for key, value in extra_env.items()},
        }
        worker = Worker(env, tmp_path / "worker.log", pool, concurrency)
        worker.start()
        workers.append(worker)
        return worker

    yield start
    for worker in workers:
        worker.stop()


def broker_of(redis_server):
    import redis

    return redis.Redis(host=redis_server.host, port=redis_server.port)


def wait_idle(redis_server, *, orphans=frozenset()):
    """Wait until no task is queued or held by a live worker, twice in a row.

    With acks_late a task stays in kombu's "unacked" hash until it has run (and a
    retry waiting for its countdown stays there too), so both empty means idle.
    `orphans` are the delivery tags a killed worker left there: Redis hands them
    out again only after the visibility timeout (an hour), and the scan does not
    wait for that.
    """
    broker = broker_of(redis_server)

    def idle():
        return broker.llen("celery") == 0 and not set(broker.hkeys("unacked")) - orphans

    wait_for(lambda: idle() and idle(), timeout=30, interval=0.1, message="the worker to be idle")
    broker.close()


@pytest.fixture
def officers(officer, second_officer):
    """The two officer personas and two more."""
    return [officer, second_officer, make_officer("officer3"), make_officer("officer4")]


def make_due_deadlines(count: int, officers: list):
    """`count` deadlines with a reminder due on TODAY, spread over four officers and an orphan project."""
    projects = [make_project(f"p{n}", officer=officer) for n, officer in enumerate(officers[:3])]
    projects.append(make_project("orphan"))
    offsets = [30, 7, 1, -1, -7]
    deadlines = [
        Deadline(project=projects[n % 4], title=f"Report {n}", owner=officers[3] if n % 10 == 0 else None,
                 due_on=TODAY + datetime.timedelta(days=offsets[n % 5]))
        for n in range(count)
    ]
    Deadline.objects.bulk_create(deadlines)
    expected = Counter()
    for deadline in Deadline.objects.select_related("owner", "project__responsible_officer"):
        if deadline.owner:
            expected[deadline.owner.email] += 1
        elif deadline.project.responsible_officer:
            expected[deadline.project.responsible_officer.email] += 1
        else:
            expected.update(officer.email for officer in officers)
    return expected


def assert_exactly_once(mailbox, officers, expected):
    counts = mailbox.counts()
    assert counts and set(counts.values()) == {1}, f"duplicated Message-IDs: {counts}"
    sent = set(ReminderDigest.objects.filter(sent_at__isnull=False).values_list("message_id", flat=True))
    assert set(counts) == sent
    assert not ReminderDigest.objects.filter(sent_at__isnull=True).exists()
    per_recipient = Counter(
        Reminder.objects.filter(digest__sent_at__isnull=False).values_list("recipient__email", flat=True)
    )
    assert per_recipient == expected
    assert mailbox.by_recipient() == {officer.email: 1 for officer in officers}


def test_200_due_deadlines_give_every_officer_exactly_their_digest(smtp_server, start_worker, beat, redis_server, officers):
    expected = make_due_deadlines(200, officers)
    start_worker(pool="threads", concurrency=2)

    beat.tick()
    wait_for(lambda: ReminderDigest.objects.filter(sent_at__isnull=False).count() == 4, message="4 digests sent")
    wait_idle(redis_server)

    assert_exactly_once(smtp_server.mailbox, officers, expected)
    assert sum(expected.values()) == Reminder.objects.count() > 200


def test_two_beat_ticks_at_once_send_nothing_twice(smtp_server, start_worker, beat, redis_server, officers):
    expected = make_due_deadlines(60, officers)
    start_worker(pool="threads", concurrency=4)

    for _ in range(4):
        beat.tick()
    wait_for(lambda: ReminderDigest.objects.filter(sent_at__isnull=False).count() == 4, message="4 digests sent")
    wait_idle(redis_server)

    assert_exactly_once(smtp_server.mailbox, officers, expected)
    assert ReminderDigest.objects.count() == 4


def test_worker_killed_mid_run_and_redis_down_lose_nothing_and_duplicate_nothing(
    smtp_server, start_worker, beat, redis_server, officers
):
    mailbox = smtp_server.mailbox
    expected = make_due_deadlines(40, officers)
    mailbox.hold_next = True  # the first digest's DATA never gets an answer
    worker = start_worker(pool="solo")

    beat.tick()
    wait_for(lambda: mailbox.held, message="a digest in the middle of its SMTP session")
    worker.kill()
    mailbox.release.set()
    orphans = set(broker_of(redis_server).hkeys("unacked"))
    assert ReminderDigest.objects.filter(claimed_at__isnull=False, sent_at__isnull=True).exists()

    start_worker(pool="solo")
    redis_server.stop()
    try:
        with pytest.raises(OperationalError):
            beat.tick()  # a tick lost while Redis is down
    finally:
        redis_server.start()
    # Deliveries held when Redis stopped come back from its dump with dead delivery tags.
    orphans |= set(broker_of(redis_server).hkeys("unacked"))

    # Later ticks catch up: queued messages lost with Redis, and the killed worker's claim.
    def all_sent():
        if ReminderDigest.objects.filter(sent_at__isnull=True).exists():
            beat.tick()
            return False
        return True

    wait_for(all_sent, timeout=60, interval=1, message="every digest sent after the restarts")
    wait_idle(redis_server, orphans=orphans)

    assert_exactly_once(mailbox, officers, expected)
    held = mailbox.held[0]
    assert held in mailbox.counts()  # the interrupted digest went out later, under the same Message-ID


def test_smtp_failure_is_retried_with_backoff_then_recorded_failed(
    smtp_server, start_worker, beat, redis_server, officer, officer_client
):
    mailbox = smtp_server.mailbox
    mailbox.refuse_all = True
    Deadline.objects.create(project=make_project("p1", officer=officer), title="Final report", due_on=TODAY)
    start_worker(pool="solo", REMINDER_SEND_ATTEMPTS=3, REMINDER_RETRY_BASE_SECONDS=1)

    beat.tick()
    digest = wait_for(lambda: ReminderDigest.objects.filter(failed_at__isnull=False).first(), message="a failed digest")

    assert digest.attempts == 3 and digest.sent_at is None
    assert "451" in digest.last_error
    assert not mailbox.accepted
    assert [message_id for message_id, _ in mailbox.refused] == [digest.message_id] * 3
    times = [at for _, at in mailbox.refused]
    gaps = [later - earlier for earlier, later in zip(times, times[1:])]
    assert gaps[0] >= 0.9 and gaps[1] >= 1.9, f"no backoff between attempts: {gaps}"

    # Visible to officers in the admin (through the officers' group's permissions).
    page = officer_client.get("/admin/deadlines/reminderdigest/?status=failed")
    assert page.status_code == 200
    assert "officer1@example.org" in page.text and "451" in page.text
