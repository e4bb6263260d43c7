import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from deadlines.services import reminders_run


def parse_day(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--today must be a date as YYYY-MM-DD; got {value!r}.") from None


class Command(BaseCommand):
    help = "Run one reminder scan in-process and send the digests that are due (safe to run twice)."

    def add_arguments(self, parser):
        parser.add_argument("--today", type=parse_day, help="The day to scan for, YYYY-MM-DD (default: today).")

    def handle(self, *args, today=None, **options):
        result = reminders_run(today=today or timezone.localdate())
        self.stdout.write(result.summary())
