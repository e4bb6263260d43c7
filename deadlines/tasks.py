"""Celery tasks for reminders: thin, acks_late, and safe to run twice."""
import datetime
import logging

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from deadlines import selectors, services

logger = logging.getLogger(__name__)


def digests_enqueue(digest_ids: list[int]) -> None:
    """Queue a send of each digest; a broker that is down only delays them to the next scan."""
    for digest_id in digest_ids:
        try:
            reminder_digest_send.delay(digest_id)
        except Exception:  # broker down: the next scan re-queues the digest
            logger.exception("could not queue reminder digest %s; the next scan will", digest_id)


@shared_task(acks_late=True)
def reminders_scan(today: str | None = None) -> int:
    """Fill the outbox for `today` (ISO date, default today) and queue every digest still to send.

    Queues after commit, so a worker never looks for a digest that is not there yet;
    digests left by a lost message or a dead worker are queued again here.
    """
    day = datetime.date.fromisoformat(today) if today else timezone.localdate()
    with transaction.atomic():
        services.reminders_schedule(today=day)
        transaction.on_commit(lambda: digests_enqueue(selectors.digests_to_send()))
    return day.toordinal()


@shared_task(bind=True, acks_late=True, max_retries=None)
def reminder_digest_send(self, digest_id: int) -> str:
    """Send one digest; the claim in the service makes a second delivery a no-op."""
    outcome = services.reminder_digest_send(digest_id=digest_id)
    if outcome.status == "retry":
        raise self.retry(countdown=outcome.retry_in)
    return outcome.status
