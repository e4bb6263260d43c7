"""Writes that span several models: saving a project, seeding the annex portfolio and the demo users."""
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core import serializers
from django.db import transaction

from donors.models import Donor, DonorUser
from projects.models import PROJECT_HISTORY, Project
from regions.services import reference_data_ensure

ANNEX_FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "annex.json"
OFFICERS_GROUP = "Programme officers"
OFFICER_APPS = ("projects", "classifications", "deadlines", "donors", "regions", "finance", "results", "documents")
# Permissions of those apps that belong to another group: the CSV import is for the "Finance" group.
NOT_FOR_OFFICERS = {("finance", "import_transactions")}


@transaction.atomic
def project_update(
    *, project: Project, write: Callable[[], None] | None = None, reason: Callable[[], str] | str | None = None
) -> Project:
    """Save a project, record it once in its history, then bring its generated deadlines in line.

    Every write path goes through here: the admin's change form and revert, and
    later imports and API writes. `write` saves the project with what comes with
    it (the admin's many-to-many fields and inlines); without it the project is
    validated and saved alone. The history gets one entry, written after
    everything is saved, so it holds the countries and corridors as saved;
    `reason` (text, or a callable run after `write`) says what changed, inlines included.
    """
    from deadlines.services import deadlines_generate_for_project

    created = project.pk is None
    project.skip_history_when_saving = True  # no entry per save() and per many-to-many change
    try:
        if write is None:
            project.full_clean()
            project.save()
        else:
            write()
    finally:
        del project.skip_history_when_saving
    project._change_reason = (reason() if callable(reason) else reason) or None
    PROJECT_HISTORY.create_historical_record(project, "+" if created else "~")
    del project._change_reason
    deadlines_generate_for_project(project=project)
    return project


@dataclass
class SeedResult:
    created: Counter = field(default_factory=Counter)
    unchanged: int = 0

    def summary(self) -> str:
        made = ", ".join(f"{n} {label}" for label, n in sorted(self.created.items())) or "nothing"
        return f"created {made}; left {self.unchanged} existing rows unchanged"


@transaction.atomic
def annex_seed(*, path: Path = ANNEX_FIXTURE) -> SeedResult:
    """Create the annex rows that are missing, and touch nothing that exists.

    Rows are matched by natural key. A project already in the database keeps
    whatever officers made of it: its objectives, funding and partners in the
    fixture are skipped too, so a deleted objective does not come back.
    Each created row gets its first history entry (a fixture load writes none),
    so a revert knows what a project had when it was seeded.
    """
    result = SeedResult()
    seeded = []
    if added := reference_data_ensure():
        result.created["countries"] += added
    existing_projects = set(Project.objects.values_list("slug", flat=True))
    with path.open(encoding="utf-8") as stream:
        for deserialized in serializers.deserialize("json", stream, handle_forward_references=True):
            instance = deserialized.object
            parent = getattr(instance, "project", None) if not isinstance(instance, Project) else None
            if instance.pk is not None or (parent is not None and parent.slug in existing_projects):
                result.unchanged += 1
                continue
            instance.skip_history_when_saving = True  # no entry per many-to-many set; one entry below
            deserialized.save()
            del instance.skip_history_when_saving
            seeded.append(instance)
            result.created[instance._meta.verbose_name_plural] += 1
    # After the load, so a project's countries and corridors are set; children first, so the
    # project's first entry comes after them and a revert to it finds them.
    for instance in sorted(seeded, key=lambda instance: isinstance(instance, Project)):
        if isinstance(instance, Project):
            instance._change_reason = "seeded from the annex"
            PROJECT_HISTORY.create_historical_record(instance, "+")
        elif hasattr(type(instance), "history"):
            type(instance).history.bulk_history_create([instance], default_change_reason="seeded from the annex")
    return result


@dataclass(frozen=True)
class DemoUser:
    username: str
    password: str
    role: str
    donor: str | None = None
    group: str | None = None  # staff only: the group that carries their permissions; None = programme officers


DEMO_OFFICER = DemoUser("officer", "officer-demo-2026", "programme officer")
DEMO_USERS = [
    DEMO_OFFICER,
    # A second officer, so that a report one officer submits can be approved by another.
    DemoUser("reviewer", "reviewer-demo-2026", "programme officer (reviewer)"),
    DemoUser("finance", "finance-demo-2026", "finance officer", group="Finance"),
    DemoUser("donor-sdc", "sdc-demo-2026", "donor user", donor="SDC"),
    DemoUser("donor-ec", "ec-demo-2026", "donor user", donor="EC"),
]


def officers_group_ensure() -> Group:
    """The group that carries programme officers' model permissions."""
    group, _ = Group.objects.get_or_create(name=OFFICERS_GROUP)
    permissions = Permission.objects.filter(content_type__app_label__in=OFFICER_APPS)
    for app_label, codename in NOT_FOR_OFFICERS:
        permissions = permissions.exclude(content_type__app_label=app_label, codename=codename)
    group.permissions.add(*permissions)
    return group


@transaction.atomic
def demo_seed() -> tuple[list[tuple[DemoUser, bool]], int]:
    """Create the demo log-ins if missing; give officer-less projects the demo officer.

    Returns each demo user with whether it was created now, and how many
    projects received the officer. Existing users keep their passwords.
    """
    User = get_user_model()
    group = officers_group_ensure()
    users = []
    for demo in DEMO_USERS:
        user = User.objects.filter(username=demo.username).first()
        created = user is None
        if created:
            user = User.objects.create_user(
                demo.username, email=f"{demo.username}@example.org", password=demo.password,
                is_staff=demo.donor is None,
            )
            if demo.donor is None:
                user.groups.add(Group.objects.get(name=demo.group) if demo.group else group)
            else:
                DonorUser.objects.create(user=user, donor=Donor.objects.get(acronym=demo.donor))
        users.append((demo, created))
    officer = User.objects.get(username=DEMO_OFFICER.username)
    # With a history entry each, so a revert or a restore brings the officer back too.
    unassigned = list(Project.objects.filter(responsible_officer__isnull=True))
    Project.objects.filter(pk__in=[project.pk for project in unassigned]).update(responsible_officer=officer)
    for project in unassigned:
        project.responsible_officer = officer
        project._change_reason = "demo officer made responsible"
        PROJECT_HISTORY.create_historical_record(project, "~")
    return users, len(unassigned)
