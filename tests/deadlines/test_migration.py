"""Moving the deadline models from `projects` to `deadlines` keeps every table, row and reference as it was.

The database is taken back to the migrations before the move (projects 0008, no
`deadlines` app), filled through the historical models of that state, and
migrated forward; then every row is read again through the new app's models
and compared field by field.
"""
import datetime

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

# Before the move: projects at 0008 and no deadlines app; every other app stays at its latest
# (unless one of its migrations needs the move, which then goes back too).
BEFORE_MOVE = [("projects", "0008_published_list_index"), ("deadlines", None)]
# Every app at its latest but deadlines, just after the move (and 0002, 0003 that followed it): deadlines 0004
# changes the rows and the table on purpose (test_states_migration.py).
DEADLINES_AFTER_MOVE = ("deadlines", "0003_reminder_scan")
# Model name: its table, the same before and after.
TABLES = {
    "Deadline": "projects_deadline",
    "HistoricalDeadline": "projects_historicaldeadline",
    "ReminderDigest": "projects_reminderdigest",
    "Reminder": "projects_reminder",
    "CalendarFeed": "projects_calendarfeed",
}
AT = datetime.datetime(2026, 3, 2, 6, 0, 12, 345678, tzinfo=datetime.UTC)


def migrate(targets):
    """Migrate to `targets`; the models of the state the database is in now."""
    MigrationExecutor(connection).migrate(targets)
    loader = MigrationExecutor(connection).loader  # a fresh loader: what is applied now
    return loader.project_state(list(loader.applied_migrations)).apps


def rows(model) -> list[dict]:
    return list(model.objects.order_by("pk").values())


def schema(table: str):
    with connection.cursor() as cursor:
        columns = [(c.name, c.type_code, c.null_ok) for c in connection.introspection.get_table_description(cursor, table)]
        return columns, connection.introspection.get_constraints(cursor, table)


def fill(apps) -> dict:
    """Rows of every moved model, made through the historical models of projects 0008."""
    User = apps.get_model("auth", "User")
    Donor = apps.get_model("donors", "Donor")
    Project = apps.get_model("projects", "Project")
    Funding = apps.get_model("projects", "Funding")
    Deadline = apps.get_model("projects", "Deadline")
    HistoricalDeadline = apps.get_model("projects", "HistoricalDeadline")
    ReminderDigest = apps.get_model("projects", "ReminderDigest")
    Reminder = apps.get_model("projects", "Reminder")
    CalendarFeed = apps.get_model("projects", "CalendarFeed")

    owner = User.objects.create(username="owner", email="owner@example.org", is_staff=True)
    closer = User.objects.create(username="closer", email="closer@example.org", is_staff=True)
    donor_user = User.objects.create(username="donor-user", email="donor@example.org")
    donor = Donor.objects.create(name="Migration Test Donor", acronym="MTD")
    project = Project.objects.create(
        title="A project", short_name="proj", slug="proj", planned_start=datetime.date(2024, 1, 1),
        planned_end=datetime.date(2027, 12, 31), responsible_officer=owner,
    )
    Funding.objects.create(project=project, donor=donor)
    report = Deadline.objects.create(
        project=project, kind="progress-report", title="Progress report to MTD (year 1)",
        due_on=datetime.date(2025, 3, 2), owner=owner, donor=donor, generation_key=f"donor-{donor.pk}:progress-report:year-1",
    )
    done = Deadline.objects.create(
        project=project, kind="project-start", due_on=datetime.date(2024, 1, 1), state="done",
        closed_by=closer, closed_at=AT, generation_key="project-start",
    )
    waived = Deadline.objects.create(
        project=project, kind="other", title="Steering committée\n", due_on=datetime.date(2026, 6, 30),
        state="waived", closed_by=closer, closed_at=AT,
    )
    Deadline.objects.create(project=project, kind="project-end", due_on=datetime.date(2027, 12, 31), generation_key="project-end")
    for deadline, kind in ((report, "+"), (done, "+"), (done, "~"), (waived, "-")):
        HistoricalDeadline.objects.create(
            id=deadline.pk, kind=deadline.kind, title=deadline.title, due_on=deadline.due_on, state=deadline.state,
            closed_at=deadline.closed_at, closed_by_id=deadline.closed_by_id, generation_key=deadline.generation_key,
            created_at=deadline.created_at, project_id=project.pk, owner_id=deadline.owner_id, donor_id=deadline.donor_id,
            history_date=AT, history_type=kind, history_user=closer,
            history_change_reason=f"deleted with project {project.pk}" if kind == "-" else None,
        )
    sent = ReminderDigest.objects.create(
        recipient=owner, email=owner.email, run_on=datetime.date(2025, 2, 1), message_id="<reminders.1.a@localhost>",
        claimed_at=AT, attempts=1, sent_at=AT,
    )
    failed = ReminderDigest.objects.create(
        recipient=closer, email=closer.email, run_on=datetime.date(2025, 2, 1), message_id="<reminders.2.b@localhost>",
        attempts=5, next_attempt_at=AT, last_error="attempt 5: SMTPDataError: 451", failed_at=AT,
    )
    Reminder.objects.create(deadline=report, recipient=owner, due_on=report.due_on, offset_days=-30, digest=sent)
    Reminder.objects.create(deadline=report, recipient=closer, due_on=report.due_on, offset_days=-7, digest=failed)
    Reminder.objects.create(deadline=report, recipient=owner, due_on=report.due_on, offset_days=-1)
    CalendarFeed.objects.create(user=donor_user, token_hash="f" * 64)
    return {"officer": closer, "deadline": report}


def test_moving_the_deadline_models_keeps_every_row_and_table():
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        old = migrate(BEFORE_MOVE)
        assert "deadlines" not in old.app_configs
        # The content types as they were before the move: of the projects app, same ids.
        ContentType.objects.filter(app_label="deadlines").update(app_label="projects")
        ContentType.objects.clear_cache()
        made = fill(old)
        moved = [name.lower() for name in TABLES]
        type_ids = dict(ContentType.objects.filter(app_label="projects", model__in=moved).values_list("model", "pk"))
        assert len(type_ids) == len(TABLES)
        officers = Group.objects.create(name="Migration test officers")
        officers.permissions.add(Permission.objects.get(content_type__app_label="projects", codename="change_deadline"))
        officer = get_user_model().objects.get(pk=made["officer"].pk)
        officer.groups.add(officers)
        entry = LogEntry.objects.create(
            user_id=officer.pk, content_type_id=type_ids["deadline"], object_id=str(made["deadline"].pk),
            object_repr="report", action_flag=CHANGE, change_message="[]",
        )
        before = {name: rows(old.get_model("projects", name)) for name in TABLES}
        schemas = {table: schema(table) for table in TABLES.values()}

        new = migrate([node for node in latest if node[0] != "deadlines"] + [DEADLINES_AFTER_MOVE])

        for name, table in TABLES.items():
            model = new.get_model("deadlines", name)
            assert model._meta.db_table == table
            after = rows(model)
            assert len(after) == len(before[name]) > 0, name
            for old_row, new_row in zip(before[name], after, strict=True):
                assert new_row == old_row, f"{name} {old_row['id']}"
            assert schema(table) == schemas[table], f"{table}: the table, its indexes or constraints changed"
        # No projects model is left on the moved tables.
        assert not {model._meta.db_table for model in new.get_app_config("projects").get_models()} & set(TABLES.values())

        # Same content types (ids), now of the deadlines app: permissions, groups and the admin log follow.
        ContentType.objects.clear_cache()
        assert dict(ContentType.objects.filter(app_label="deadlines").values_list("model", "pk")) == type_ids
        assert not ContentType.objects.filter(app_label="projects", model__in=type_ids).exists()
        migrate(latest)  # the live models below read the latest tables
        from deadlines.models import Deadline

        assert get_user_model().objects.get(pk=officer.pk).has_perm("deadlines.change_deadline")
        entry = LogEntry.objects.get(pk=entry.pk)
        assert isinstance(entry.get_edited_object(), Deadline)
        assert entry.get_admin_url() == f"/admin/deadlines/deadline/{made['deadline'].pk}/change/"
        assert Deadline.history.filter(history_type="-").count() == 1
    finally:
        migrate(latest)
        ContentType.objects.clear_cache()
