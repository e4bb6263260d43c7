from django.conf import settings
from django.core.management.base import BaseCommand

from deadlines.services import deadlines_demo_seed
from projects.services import demo_seed


class Command(BaseCommand):
    help = "Create the demo programme officer and donor users (idempotent) and print their log-ins."

    def handle(self, *args, **options):
        users, assigned = demo_seed()
        made = sum(created for _, created in users)
        self.stdout.write(
            f"seed_demo: created {made} users, {len(users) - made} already there; "
            f"officer made responsible for {assigned} projects"
        )
        rules, generated = deadlines_demo_seed()
        self.stdout.write(f"seed_demo: {rules} reporting rules added; {generated.summary()}")
        for demo, created in users:
            password = demo.password if created else f"{demo.password} (unless changed since)"
            donor = f" of {demo.donor}" if demo.donor else ""
            self.stdout.write(f"  {demo.role}{donor}: {demo.username} / {password}")
        self.stdout.write(f"  admin: {settings.SITE_URL}/admin/")
