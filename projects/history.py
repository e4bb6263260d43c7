"""Audit history of projects: reverting a project to a version, deleting it so that it can be restored, restoring it.

django-simple-history writes a historical row for every save and delete of a
project and of what is edited with it (objectives, funding, partners,
deadlines), with the user of the request. Deleting a project cascades to those
rows; `project_delete` labels the cascade's history records with the project, so
`project_restore` brings back exactly what was deleted with it, not an objective
an officer removed on purpose the week before.
"""
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max

from classifications.models import ProjectPolicyMarker, ProjectSector
from deadlines.models import Deadline
from donors.models import Donor, Partner
from projects.models import OBJECTIVE_ORDER_PARKING, Funding, Objective, Project, ProjectPartner

# What a project's deletion takes with it and its restore brings back. The reminder
# log of its deadlines is not kept: a restored deadline may be reminded of again.
PROJECT_CHILDREN = (Objective, Funding, ProjectPartner, ProjectSector, ProjectPolicyMarker, Deadline)


def _deleted_with(project_id: int) -> str:
    return f"deleted with project {project_id}"


def project_delete(*, project: Project) -> None:
    """Delete a project; label the history records of its cascade for `project_restore`."""
    with transaction.atomic():
        marks = {model: model.history.aggregate(last=Max("history_id"))["last"] or 0 for model in PROJECT_CHILDREN}
        project_id = project.pk
        project.delete()
        for model, mark in marks.items():
            model.history.filter(history_id__gt=mark, history_type="-", project_id=project_id).update(
                history_change_reason=_deleted_with(project_id)
            )


def deleted_projects():
    """The last deletion record of each project that is deleted now (one query)."""
    History = Project.history.model
    last = History.objects.values("id").annotate(last=Max("history_id")).values("last")
    return History.objects.filter(history_id__in=last, history_type="-").exclude(
        id__in=Project.objects.values("id")
    )


class RestoreError(Exception):
    pass


@transaction.atomic
def project_restore(*, project_id: int) -> Project:
    """Re-create a deleted project as it was when deleted, with what was deleted with it.

    Raises RestoreError when the project exists or was never recorded, or when a
    slug, donor or partner it needs has changed since (nothing is written then).
    """
    if Project.objects.filter(pk=project_id).exists():
        raise RestoreError(f"Project {project_id} exists; revert it from its history page instead.")
    records = Project.history.filter(id=project_id).order_by("-history_date", "-history_id")
    state = records.exclude(history_type="-").first()  # its countries and corridors (the deletion record has none)
    if state is None:
        raise RestoreError(f"No history of project {project_id}.")
    deletion = records.first()
    # The deletion record holds the fields as they were when deleted, the responsible officer included.
    project = (deletion if deletion.history_type == "-" else state).instance
    project._change_reason = "restored"
    try:
        with transaction.atomic():
            project.save(force_insert=True)
            _keep_created_at(project, state)
            project.countries.set([row.country_id for row in state.countries.all()])
            project.corridors.set([row.corridor_id for row in state.corridors.all()])
            for model in PROJECT_CHILDREN:
                rows = model.history.filter(project_id=project_id, history_change_reason=_deleted_with(project_id))
                last = rows.values("id").annotate(last=Max("history_id")).values("last")
                for record in rows.filter(history_id__in=last).order_by("history_id"):
                    child = record.instance
                    child._change_reason = "restored"
                    child.save(force_insert=True)
                    _keep_created_at(child, record)
    except IntegrityError as exc:  # names the constraint: a slug taken, a donor or partner gone
        raise RestoreError(f"Project {project_id} could not be restored: {exc}") from exc
    return project


def _keep_created_at(obj, record) -> None:
    # An insert stamps auto_now_add fields anew; the record knows the first creation.
    if hasattr(record, "created_at"):
        type(obj).objects.filter(pk=obj.pk).update(created_at=record.created_at)


# What a revert brings back with the project's own fields, countries and corridors.
REVERTED_CHILDREN = (Objective, Funding, ProjectPartner, ProjectSector, ProjectPolicyMarker)
REVERT_NOTE = (
    "Reverting brings back the project's fields, countries, corridors, objectives, funding, partners, sectors and "
    "policy markers as they were in this version. Deadlines are not reverted: generated ones follow the restored "
    "dates and donors, and ones added by hand stay. The responsible officer stays when this version had none."
)


class RevertError(Exception):
    pass


def _children_at(model, *, project_id: int, when) -> tuple[dict, set]:
    """The rows of `model` a project had at `when` (by id, as historical records), and the ids made after it.

    A row with no entry at or before `when` is in neither unless its history starts
    with its creation after `when`: rows made without history are left as they are.
    """
    history = model.history.filter(project_id=project_id)
    last = history.filter(history_date__lte=when).values("id").annotate(last=Max("history_id")).values("last")
    at = {record.id: record for record in model.history.filter(history_id__in=last).exclude(history_type="-")}
    later = set(
        history.filter(history_date__gt=when, history_type="+").exclude(id__in=history.filter(history_date__lte=when).values("id"))
        .values_list("id", flat=True)
    )
    return at, later


def _missing_references(children: dict) -> list[str]:
    """Donors and partners a version names that no longer exist (the database would refuse them at commit)."""
    donors = {r.donor_id for r in children[Funding].values()}
    partners = {r.partner_id for r in children[ProjectPartner].values()}
    missing = [f"donor {pk}" for pk in sorted(donors - set(Donor.objects.filter(pk__in=donors).values_list("pk", flat=True)))]
    missing += [
        f"partner {pk}" for pk in sorted(partners - set(Partner.objects.filter(pk__in=partners).values_list("pk", flat=True)))
    ]
    return missing


def project_revert(*, project: Project, record) -> Project:
    """Bring `project` back to the version `record` (a historical record of it), see REVERT_NOTE.

    One history entry; raises RevertError (and writes nothing) when the version cannot come back,
    e.g. its slug is taken now or a donor it names was deleted.
    """
    from projects.services import project_update

    if record.id != project.pk:
        raise RevertError("That version belongs to another project.")
    version = record.instance
    children, made_later = {}, {}
    for model in REVERTED_CHILDREN:
        children[model], made_later[model] = _children_at(model, project_id=project.pk, when=record.history_date)
    if missing := _missing_references(children):
        raise RevertError(f"This version cannot come back: it names {', '.join(missing)}, deleted since.")
    keep_officer = (
        version.responsible_officer_id is None
        or not get_user_model().objects.filter(pk=version.responsible_officer_id).exists()
    )

    def write():
        for field in Project._meta.concrete_fields:
            if field.name in {"id", "created_at", "updated_at"} or (field.name == "responsible_officer" and keep_officer):
                continue
            setattr(project, field.attname, getattr(version, field.attname))
        project.full_clean()
        project.save()
        project.countries.set([row.country_id for row in record.countries.all()])
        project.corridors.set([row.corridor_id for row in record.corridors.all()])
        for model, wanted in children.items():
            for child in model.objects.filter(project=project, pk__in=made_later[model]).exclude(pk__in=wanted):
                child.delete()
            if model is Objective:  # orders are unique per project: park the kept ones first
                for offset, pk in enumerate(model.objects.filter(project=project).values_list("pk", flat=True)):
                    model.objects.filter(pk=pk).update(order=OBJECTIVE_ORDER_PARKING + offset)
            for child_record in wanted.values():
                child_record.instance.save()

    reason = f"Reverted to the version of {record.history_date:%Y-%m-%d %H:%M:%S %Z}"
    try:
        return project_update(project=project, write=write, reason=reason.strip())
    except (IntegrityError, ValidationError) as exc:
        message = "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        raise RevertError(f"This version cannot come back: {message}") from exc
