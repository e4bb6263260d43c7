"""Celery tasks for reminders: thin, acks_late, and safe to run twice."""
import datetime
import logging

from celery import shared_task
from celery.signals import beat_init
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
    digests left by a lost message or a dead worker are queued again here. Each run
    is recorded (ReminderScan) for /healthz.
    """
    started_at = timezone.now()
    day = datetime.date.fromisoformat(today) if today else timezone.localdate()
    with transaction.atomic():
        result = services.reminders_schedule(today=day)
        services.reminder_scan_record(run_on=day, started_at=started_at, result=result)
        transaction.on_commit(lambda: digests_enqueue(selectors.digests_to_send()))
    return day.toordinal()


@shared_task(bind=True, acks_late=True, max_retries=None)
def reminder_digest_send(self, digest_id: int) -> str:
    """Send one digest; the claim in the service makes a second delivery a no-op."""
    outcome = services.reminder_digest_send(digest_id=digest_id)
    if outcome.status == "retry":
        raise self.retry(countdown=outcome.retry_in)
    return outcome.status


@beat_init.connect
def reminders_scan_when_beat_starts(sender, **kwargs):
    """Scan as soon as beat starts: a scheduler that was down at the scan hour catches up now, not tomorrow.

    Safe beside the daily run: a second scan the same day sends nothing twice.
    """
    sender.app.send_task("deadlines.tasks.reminders_scan")
