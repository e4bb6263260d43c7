from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from portfolio.backup import portfolio_backup


class Command(BaseCommand):
    help = "Write every row of the database, and the stored files its rows name, to an XML file (.xml, .xml.gz, .xml.bz2 or .xml.xz) that restore_portfolio reads."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="The backup file to write, e.g. portfolio-2025-01-31.xml.gz.")
        parser.add_argument("--database", default="default", help="The database alias to back up.")

    def handle(self, *args, file, database, **options):
        try:
            result = portfolio_backup(path=file, using=database)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        for missing in result.missing:
            self.stderr.write(f"backup_portfolio: a row names a file the storage does not have, left out: {missing}")
        self.stdout.write(f"backup_portfolio: {result.rows} rows and {result.files} stored files written to {file}")
