"""Audit history of projects: deleting a project so that it can be restored, and restoring it.

django-simple-history writes a historical row for every save and delete of a
project and of what is edited with it (objectives, funding, partners,
deadlines), with the user of the request. Deleting a project cascades to those
rows; `project_delete` labels the cascade's history records with the project, so
`project_restore` brings back exactly what was deleted with it, not an objective
an officer removed on purpose the week before.
"""
from django.db import IntegrityError, transaction
from django.db.models import Max

from projects.models import Deadline, Funding, Objective, Project, ProjectPartner

# What a project's deletion takes with it and its restore brings back. The reminder
# log of its deadlines is not kept: a restored deadline may be reminded of again.
PROJECT_CHILDREN = (Objective, Funding, ProjectPartner, Deadline)


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
    state = records.exclude(history_type="-").first()
    if state is None:
        raise RestoreError(f"No history of project {project_id}.")
    project = state.instance
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
