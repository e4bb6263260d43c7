"""The deadline models moved to the `deadlines` app (see deadlines.0001): drop them from this app's state only.

Nothing happens in the database: the tables stay, under their names, now the
`deadlines` models' tables.
"""
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("deadlines", "0001_initial"),
        ("projects", "0008_published_list_index"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                # Reminders first: they point at deadlines and digests.
                migrations.DeleteModel(name="Reminder"),
                migrations.DeleteModel(name="ReminderDigest"),
                migrations.DeleteModel(name="HistoricalDeadline"),
                migrations.DeleteModel(name="Deadline"),
                migrations.DeleteModel(name="CalendarFeed"),
            ],
        ),
    ]
