from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from iati.imports import iati_import


class Command(BaseCommand):
    help = (
        "Import IATI activity files (2.01–2.03): each activity is created, updated, left unchanged, skipped "
        "(not newer than what we have) or failed with its line and reason. --dry-run saves nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", type=Path, help="IATI activity XML files.")
        parser.add_argument("--dry-run", action="store_true", help="Read and check everything, save nothing.")
        parser.add_argument("--no-progress", action="store_true", help="No progress bar on stderr.")

    def handle(self, *args, files: list[Path], dry_run: bool, no_progress: bool, **options):
        missing = [str(path) for path in files if not path.is_file()]
        if missing:
            raise CommandError(f"no such file: {', '.join(missing)}")
        with tqdm(total=0, unit="activity", disable=no_progress, file=self.stderr._out) as bar:
            report = iati_import(files, dry_run=dry_run, progress=bar)
        for line in report.lines():
            self.stdout.write(line)
        if report.refused and not report.activities:
            raise CommandError("every file was refused; nothing was imported.")
