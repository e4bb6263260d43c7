from django.core.management.base import BaseCommand

from projects.services import ANNEX_FIXTURE, annex_seed


class Command(BaseCommand):
    help = "Load the annex portfolio (21 projects); rows that exist are left as they are."

    def add_arguments(self, parser):
        parser.add_argument("--fixture", default=str(ANNEX_FIXTURE), help="Fixture to load (default: the annex).")

    def handle(self, *args, fixture, **options):
        from pathlib import Path

        result = annex_seed(path=Path(fixture))
        self.stdout.write(f"seed_annex: {result.summary()}")
