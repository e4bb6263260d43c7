import time

from django.core.management.base import BaseCommand

from dashboards.facts import facts_rebuild


class Command(BaseCommand):
    help = (
        "Recompute the dashboards' per-project facts from every project, budget and transaction: after a bulk "
        "load, new rates (rates_load) or a new PORTFOLIO_CURRENCY on a large portfolio."
    )

    def handle(self, *args, **options):
        started = time.monotonic()
        count = facts_rebuild()
        self.stdout.write(f"dashboards_facts_rebuild: {count} projects in {time.monotonic() - started:.1f} s")
