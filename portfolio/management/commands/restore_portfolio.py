from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from portfolio.backup import portfolio_restore


class Command(BaseCommand):
    help = (
        "Replace every row of the database with a backup_portfolio file and put back its stored files. "
        "Run `migrate` first; on any error nothing changes."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="A file written by backup_portfolio.")
        parser.add_argument("--database", default="default", help="The database alias to restore into.")
        parser.add_argument("--no-input", action="store_false", dest="interactive", help="Do not ask to confirm.")

    def handle(self, *args, file, database, interactive, **options):
        if interactive:
            answer = input(f"This deletes every row of the {database!r} database and loads {file}. Type 'yes' to go on: ")
            if answer != "yes":
                raise CommandError("Restore cancelled.")
        try:
            result = portfolio_restore(path=file, using=database)
        except (ValueError, FileNotFoundError) as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"restore_portfolio: {result.rows} rows and {result.files} stored files restored from {file}")
