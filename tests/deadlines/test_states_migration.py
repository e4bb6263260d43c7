"""The states migration (deadlines 0004) reads the old "done" by who closed it, and keeps 0002's history closed.

The database goes back to deadlines 0001 (before history was closed), is filled through
the historical models, and migrates forward to the latest state.
"""
import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("deadlines", "0001_initial")]
AT = datetime.datetime(2026, 3, 2, 6, 0, tzinfo=datetime.UTC)


def migrate(targets):
    MigrationExecutor(connection).migrate(targets)
    loader = MigrationExecutor(connection).loader
    return loader.project_state(list(loader.applied_migrations)).apps


def test_done_becomes_approved_or_closed_and_history_stays_closed():
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        old = migrate(BEFORE)
        User = old.get_model("auth", "User")
        Project = old.get_model("projects", "Project")
        Deadline = old.get_model("deadlines", "Deadline")
        History = old.get_model("deadlines", "HistoricalDeadline")
        closer = User.objects.create(username="closer", is_staff=True)
        ended = Project.objects.create(
            title="Ended before entry", short_name="old", slug="old", planned_start=datetime.date(2011, 1, 1),
            planned_end=datetime.date(2013, 12, 31),
        )
        running = Project.objects.create(
            title="Running", short_name="run", slug="run", planned_start=datetime.date(2024, 1, 1),
            planned_end=datetime.date(2030, 12, 31),
        )

        def make(project, key, state="open", closed_by=None, kind="project-end"):
            deadline = Deadline.objects.create(
                project=project, kind=kind, due_on=datetime.date(2013, 12, 31), state=state, generation_key=key,
                closed_by=closed_by, closed_at=AT if state != "open" else None,
            )
            History.objects.create(
                id=deadline.pk, project_id=project.pk, kind=kind, title="", due_on=deadline.due_on, state=state,
                generation_key=key, closed_by_id=deadline.closed_by_id, closed_at=deadline.closed_at,
                created_at=timezone.now(), history_date=AT, history_type="+",
            )
            return deadline.pk

        left_open = make(ended, "project-end")  # 0002 closes it as history; 0004 reads it as closed
        history = make(running, "project-start", state="done")  # done by nobody: closed with the project
        met = make(running, "project-end", state="done", closed_by=closer)  # an officer marked it done: met
        by_hand = make(running, "", state="done")  # a manual one done by nobody (its closer deleted): met
        waived = make(running, "mid-term", state="waived", closed_by=closer)
        still_open = make(running, "donor-1:final-report:end", kind="final-report")

        new = migrate(latest)

        Deadline = new.get_model("deadlines", "Deadline")
        states = dict(Deadline.objects.values_list("pk", "state"))
        assert states == {left_open: "closed", history: "closed", met: "approved", by_hand: "approved",
                          waived: "waived", still_open: "open"}
        assert Deadline.objects.get(pk=waived).reason == "Waived before reasons were recorded."
        History = new.get_model("deadlines", "HistoricalDeadline")
        assert set(History.objects.values_list("state", flat=True)) == {"closed", "approved", "waived", "open"}

        # Backwards: the old vocabulary again.
        back = migrate([("deadlines", "0003_reminder_scan")])
        assert set(back.get_model("deadlines", "Deadline").objects.values_list("state", flat=True)) == {
            "done", "waived", "open"}
    finally:
        migrate(latest)
