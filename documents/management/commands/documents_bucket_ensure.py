from django.core.management.base import BaseCommand

from documents.services import documents_bucket_ensure


class Command(BaseCommand):
    help = "Create the documents bucket when PORTFOLIO_DOCUMENTS_STORAGE=s3 and it does not exist yet."

    def add_arguments(self, parser):
        parser.add_argument("--wait", type=float, default=0, help="Seconds to retry while the object store starts.")

    def handle(self, *args, wait, **options):
        self.stdout.write(documents_bucket_ensure(wait=wait))
