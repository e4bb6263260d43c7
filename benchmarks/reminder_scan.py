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

from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from deadlines.models import Deadline  # noqa: E402
from deadlines.selectors import deadlines_to_remind  # noqa: E402
from deadlines.services import reminders_schedule  # noqa: E402

TODAY = datetime.date.today()


class Rollback(Exception):
    pass


def main() -> None:
    deadlines = Deadline.objects.count()
    in_window = deadlines_to_remind(today=TODAY).count()
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
