"""Fixtures of the deadline tests: a real SMTP server, projects, and officers beyond the two personas.

The personas (`officer`, `second_officer`, the donor users...) are in tests/conftest.py.
The Redis server and the Celery worker live in test_delivery.py, the only module
that needs them.
"""
import asyncio
import datetime
import email
import threading
import time
from collections import Counter

import django
import pytest
from aiosmtpd.controller import Controller

from portfolio.mailers import SMTP_BACKEND, default_mailer, legacy_email_settings
from tests.live import free_port

TODAY = datetime.date(2026, 3, 2)


def wait_for(condition, *, timeout: float = 30, interval: float = 0.05, message: str = "condition"):
    """Poll `condition` until it returns something truthy; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {message}")
        time.sleep(interval)


class Mailbox:
    """An aiosmtpd handler that keeps what it accepted, and can refuse or hold messages."""

    def __init__(self):
        self.lock = threading.Lock()
        self.accepted = []  # (message-id, recipients, message)
        self.refused = []  # (message-id, monotonic time)
        self.held = []
        self.refuse_all = False
        self.hold_next = False
        self.release = threading.Event()

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content)
        message_id = message["Message-ID"]
        with self.lock:
            if self.refuse_all:
                self.refused.append((message_id, time.monotonic()))
                return "451 4.3.0 Mailbox busy, try again later"
            hold = self.hold_next
            if hold:
                self.hold_next = False
                self.held.append(message_id)
        if hold:
            # Never answer this one: the client is killed while waiting.
            while not self.release.is_set():
                await asyncio.sleep(0.02)
            return "451 4.3.0 Not accepted"
        with self.lock:
            self.accepted.append((message_id, tuple(envelope.rcpt_tos), message))
        return "250 OK"

    def counts(self) -> Counter:
        with self.lock:
            return Counter(message_id for message_id, _, _ in self.accepted)

    def by_recipient(self) -> Counter:
        with self.lock:
            return Counter(rcpt for _, rcpts, _ in self.accepted for rcpt in rcpts)


@pytest.fixture
def smtp_server():
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port(), ready_timeout=10)
    controller.start()
    controller.mailbox = mailbox
    try:
        yield controller
    finally:
        mailbox.release.set()
        controller.stop()


@pytest.fixture
def smtp_settings(settings, smtp_server):
    """Send this process's mail to the real SMTP server on loopback (MAILERS from Django 6.1, EMAIL_* before)."""
    mailer = default_mailer(backend=SMTP_BACKEND, host="127.0.0.1", port=smtp_server.port, username="", password="",
                            use_tls=False, timeout=5)
    if django.VERSION >= (6, 1):
        settings.MAILERS = {"default": mailer}
    else:
        for name, value in legacy_email_settings(mailer).items():
            setattr(settings, name, value)
    return smtp_server.mailbox


def make_officer(username: str):
    """A further programme officer, for tests that need more than `officer` and `second_officer`."""
    from django.contrib.auth import get_user_model

    from projects.services import officers_group_ensure

    user = get_user_model().objects.create_user(username, f"{username}@example.org", "pw", is_staff=True)
    user.groups.add(officers_group_ensure())
    return user


def make_project(slug: str, *, officer=None, start=datetime.date(2024, 1, 1), end=datetime.date(2026, 12, 31)):
    from projects.models import Project

    return Project.objects.create(
        title=f"Project {slug}", short_name=slug, slug=slug, planned_start=start, planned_end=end,
        responsible_officer=officer,
    )


# Reports (test_reports.py, test_report_admin.py) ---------------------------------------

SDC_ONLY = "bangladesh-migration-policy"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def pdf(name="report.pdf", body=b""):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, PDF + body, content_type="application/pdf")


def stored(directory) -> list:
    return [path for path in directory.rglob("*") if path.is_file()]


def documents_in(settings, directory):
    """Store documents in `directory` for this test (the storage alias follows a settings change)."""
    settings.STORAGES = {
        **settings.STORAGES,
        "documents": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                      "OPTIONS": {"location": str(directory), "base_url": None}},
    }
    return directory


@pytest.fixture
def storage_dir(settings, tmp_path):
    """Documents stored in a directory of this test, to see what is (not) left in it."""
    return documents_in(settings, tmp_path)


@pytest.fixture
def report(annex, storage_dir):
    """A progress report owed to SDC by a published project SDC alone funds, due in 60 days."""
    from django.utils import timezone

    from deadlines.models import Deadline, DeadlineKind
    from donors.models import Donor
    from projects.models import Project

    return Deadline.objects.create(
        project=Project.objects.get(slug=SDC_ONLY), donor=Donor.objects.get(acronym="SDC"),
        kind=DeadlineKind.PROGRESS_REPORT, title="Progress report to SDC (year 1)",
        due_on=timezone.localdate() + datetime.timedelta(days=60),
    )
