"""The reminder scan over a benchmark database, timed and rolled back; prints one JSON line.

Run by benchmarks/run.py with DATABASE_URL set; the scan runs for a fixed day,
inside a transaction that is rolled back, so the database is left as it was.
"""
import datetime
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portfolio.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from projects.models import Deadline  # noqa: E402
from projects.reminders import reminders_schedule  # noqa: E402

TODAY = datetime.date.today()


class Rollback(Exception):
    pass


def main() -> None:
    offsets = settings.REMINDER_OFFSETS
    earliest = TODAY - datetime.timedelta(days=settings.REMINDER_CATCH_UP_DAYS + max(offsets))
    latest = TODAY - datetime.timedelta(days=min(offsets))
    deadlines = Deadline.objects.count()
    in_window = Deadline.objects.open().filter(due_on__range=(earliest, latest)).count()
    try:
        with transaction.atomic(), CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            result = reminders_schedule(today=TODAY)
            seconds = time.perf_counter() - started
            raise Rollback
    except Rollback:
        pass
    print(json.dumps({
        "deadlines": deadlines, "open_in_window": in_window, "seconds": round(seconds, 3),
        "queries": len(queries), "reminders": result.reminders, "digests": len(result.digests),
    }))


if __name__ == "__main__":
    main()
