from django.core.management.base import BaseCommand, CommandError

from benchmarks.synthetic import DEMO_PROJECTS, demo_generate, demo_projects


class Command(BaseCommand):
    help = (
        "Load synthetic demo projects (\"[Demo] ...\", slugs demo-...) with budgets and transactions next to "
        "the annex, so every page has something to show. Idempotent: adds only the missing ones."
    )

    def add_arguments(self, parser):
        parser.add_argument("--projects", type=int, default=DEMO_PROJECTS,
                            help=f"How many demo projects there should be (default {DEMO_PROJECTS}).")

    def handle(self, *args, projects, **options):
        if projects < 0:
            raise CommandError("--projects must be zero or more.")
        result = demo_generate(projects=projects)
        self.stdout.write(
            f"demo_load: {demo_projects().count()} demo projects (\"[Demo] ...\"), {result.projects} added now; "
            f"{result.budgets} budgets and {result.transactions} transactions added"
        )
