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
    _check_open(update.period)
    if update.state not in (UpdateState.DRAFT, UpdateState.RETURNED):
        raise ValidationError({"state": _("Only a draft or a returned update can be submitted.")})
    update.state, update.submitted_at = UpdateState.SUBMITTED, timezone.now()
    return _save(update, user)


def _review(update: Update, user, state: str, comment: str, now: datetime.datetime | None) -> Update:
    update = _locked_row(update)
    _check_open(update.period)
    if update.state != UpdateState.SUBMITTED:
        raise ValidationError({"state": _("Only a submitted update can be approved or returned.")})
    if update.created_by_id is not None and update.created_by_id == user.pk:
        raise ValidationError({"reviewed_by": _("Another officer reviews an update: not the one who reported it.")})
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
    if not comment.strip():
        raise ValidationError({"review_comment": _("Say why the update is returned.")})
    return _review(update, user, UpdateState.RETURNED, comment, now)
