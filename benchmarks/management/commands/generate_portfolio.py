from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from benchmarks.synthetic import portfolio_generate


class Command(BaseCommand):
    help = "Add N synthetic projects (with countries, donors, funding, deadlines, budgets and transactions) for benchmarks."

    def add_arguments(self, parser):
        parser.add_argument("--projects", type=int, required=True, help="How many projects to add.")
        parser.add_argument("--seed", type=int, default=0, help="Random seed; the same seed gives the same portfolio.")
        parser.add_argument("--no-progress", action="store_true", help="Hide the progress bar.")

    def handle(self, *args, projects, seed, no_progress, **options):
        if projects < 0:
            raise CommandError("--projects must be zero or more.")
        with tqdm(total=projects, unit="project", disable=no_progress, file=self.stderr._out) as bar:

            def progress(written: int) -> None:
                bar.update(written)
                if bar.n >= projects:
                    # What follows the last batch (indexes, keys, statistics) takes a while at scale.
                    bar.set_postfix_str("indexing")

            result = portfolio_generate(projects=projects, seed=seed, progress=progress)
        self.stdout.write(f"generate_portfolio: {result.summary()}")
