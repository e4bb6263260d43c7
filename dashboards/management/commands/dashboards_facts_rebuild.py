from django.core.management.base import BaseCommand

from dashboards.facts import facts_rebuild


class Command(BaseCommand):
    help = "Recompute the dashboards' per-project facts from every project, budget and transaction."

    def handle(self, *args, **options):
        seconds = facts_rebuild_timed()
        self.stdout.write(f"dashboards_facts_rebuild: {seconds[0]} projects in {seconds[1]:.1f} s")


def facts_rebuild_timed() -> tuple[int, float]:
    import time

    started = time.monotonic()
    count = facts_rebuild()
    return count, time.monotonic() - started
