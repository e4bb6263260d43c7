"""Writes of results: an update's moves draft → submitted → approved, or returned with a comment.

Each service validates, then writes one row; simple-history records who (the request's
user, or `changed_by`) and when. A locked period refuses every move with a ValidationError
naming `period`, so the admin and any caller show the reason next to the field.
"""
import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from results.models import Dimension, Period, Update, UpdateState


def _check_open(period: Period) -> None:
    if period.is_locked:
        raise ValidationError({"period": _("This period is locked: it takes no updates. Unlock it first.")})


def _locked_row(update: Update) -> Update:
    """The update and its period read again under a row lock, so two reviewers cannot both move it."""
    return Update.objects.select_for_update().select_related("period__indicator").get(pk=update.pk)


def _save(update: Update, user) -> Update:
    update._history_user = user
    update.full_clean()
    update.save()
    return update


def update_create(
    *, period: Period, user, value: Decimal | None = None, text: str = "", dimension: Dimension | None = None,
    comment: str = "", submit: bool = False,
) -> Update:
    """Report an actual for `period` as a draft (or submitted at once with `submit`)."""
    _check_open(period)
    update = Update(period=period, dimension=dimension, value=value, text=text, comment=comment, created_by=user)
    if submit:
        update.state, update.submitted_at = UpdateState.SUBMITTED, timezone.now()
    return _save(update, user)


@transaction.atomic
def update_submit(*, update: Update, user) -> Update:
    """Send a draft, or a returned update, for review."""
    update = _locked_row(update)
    update_check(update=update, user=user, decision="submit")
    update.state, update.submitted_at = UpdateState.SUBMITTED, timezone.now()
    return _save(update, user)


DECISIONS = ("submit", "approve", "return")


def update_check(*, update: Update, user, decision: str, comment: str = "") -> None:
    """Raise the ValidationError that `decision` on `update` by `user` would meet; the admin's form asks first."""
    _check_open(update.period)
    if decision == "submit":
        if update.state not in (UpdateState.DRAFT, UpdateState.RETURNED):
            raise ValidationError({"state": _("Only a draft or a returned update can be submitted.")})
        return
    if decision not in DECISIONS:
        raise ValidationError({"state": _("Unknown decision.")})
    if update.state != UpdateState.SUBMITTED:
        raise ValidationError({"state": _("Only a submitted update can be approved or returned.")})
    if update.created_by_id is not None and update.created_by_id == user.pk:
        raise ValidationError({"reviewed_by": _("Another officer reviews an update: not the one who reported it.")})
    if decision == "return" and not comment.strip():
        raise ValidationError({"review_comment": _("Say why the update is returned.")})


def update_decide(*, update: Update, user, decision: str, comment: str = "") -> Update:
    """Submit, approve or return, by the decision's name (the admin's form)."""
    if decision == "submit":
        return update_submit(update=update, user=user)
    if decision == "approve":
        return update_approve(update=update, user=user, comment=comment)
    return update_return(update=update, user=user, comment=comment)


def _review(update: Update, user, state: str, comment: str, now: datetime.datetime | None) -> Update:
    update = _locked_row(update)
    update_check(update=update, user=user, decision="approve" if state == UpdateState.APPROVED else "return",
                 comment=comment)
    update.state, update.review_comment = state, comment
    update.reviewed_by, update.reviewed_at = user, now or timezone.now()
    return _save(update, user)


@transaction.atomic
def update_approve(*, update: Update, user, comment: str = "", now: datetime.datetime | None = None) -> Update:
    """Approve a submitted update: from now on it counts in the period's actual."""
    return _review(update, user, UpdateState.APPROVED, comment, now)


@transaction.atomic
def update_return(*, update: Update, user, comment: str, now: datetime.datetime | None = None) -> Update:
    """Return a submitted update to its reporter with the reason; it does not count."""
    return _review(update, user, UpdateState.RETURNED, comment, now)


Changes = tuple[list, list[tuple[object, list[str]]], list]  # created, (changed, its fields), deleted


@transaction.atomic
def framework_save(*, project, user, results: Changes, indicators: Changes, periods: Changes) -> int:
    """Write a project's results editor in bulk, with history: a fixed number of queries per model.

    Deletions go first (a deleted result takes its indicators and periods with it), then
    creations and changes, results before indicators before periods. Returns the rows written.
    """
    written = 0
    for created, changed, deleted in (periods, indicators, results):
        if deleted:
            model = type(deleted[0])
            model.objects.filter(pk__in=[obj.pk for obj in deleted]).delete()
            written += len(deleted)
    deleted_pks = {(type(obj), obj.pk) for _c, _ch, dl in (results, indicators, periods) for obj in dl}
    for created, changed, _deleted in (results, indicators, periods):
        for obj in created:
            if getattr(obj, "project_id", project.pk) != project.pk:
                raise ValidationError(_("A result belongs to the project being edited."))
        changed = [(obj, fields) for obj, fields in changed if (type(obj), obj.pk) not in deleted_pks]
        if created:
            bulk_create_with_history(created, type(created[0]), default_user=user)
        if changed:
            fields = sorted({field for _obj, names in changed for field in names})
            bulk_update_with_history([obj for obj, _names in changed], type(changed[0][0]), fields, default_user=user)
        written += len(created) + len(changed)
    return written
