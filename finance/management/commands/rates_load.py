from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from finance.services import rates_load


class Command(BaseCommand):
    help = (
        "Install a newer ECB eurofxref-hist file (.csv or .zip, downloaded from the ECB by the operator) as the "
        "exchange rates in use. A bad file changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="The ECB's eurofxref-hist.csv or eurofxref-hist.zip.")

    def handle(self, *args, path: Path, **options):
        if not path.is_file():
            raise CommandError(f"{path}: no such file.")
        try:
            table, target = rates_load(path=path)
        except ValueError as exc:
            raise CommandError(f"{path}: {exc} Nothing was changed.") from None
        codes = sorted(table.currencies() - {"EUR"})
        self.stdout.write(
            f"Loaded rates of {len(codes)} currencies against the euro ({', '.join(codes)}) "
            f"from {table.first_day:%Y-%m-%d} to {table.last_day:%Y-%m-%d} into {target}."
        )
