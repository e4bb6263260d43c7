from django.core.management.base import BaseCommand, CommandError

from iati.services import RefreshError, codelists_refresh


class Command(BaseCommand):
    help = (
        "Download the IATI 2.03 codelists kept in iati/codelists/ again from IATI's official files "
        "(the only command that needs the network). A failure changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("names", nargs="*", help="Codelists to refresh, e.g. Sector; default: every kept one.")

    def handle(self, *args, names, **options):
        try:
            fetched = codelists_refresh(names=names or None)
        except RefreshError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Refreshed {len(fetched)} IATI 2.03 codelists: {', '.join(sorted(fetched))}.")
