"""Deadlines of projects that had ended before they were entered are history, not overdue alarms.

New ones are made closed by deadlines_generate_for_project (history_before_entry); this closes
the open generated ones that earlier code left open (the annex's, after seed_demo). Once only:
a deadline an officer reopens later stays open.
"""
from django.db import migrations
from django.db.models import F
from django.db.models.functions import Coalesce, TruncDate


def close_history(apps, schema_editor):
    Deadline = apps.get_model("deadlines", "Deadline")
    history = (
        Deadline.objects.filter(state="open")
        .exclude(generation_key="")
        .annotate(entered=TruncDate("project__created_at"), end=Coalesce("project__actual_end", "project__planned_end"))
        .filter(end__lt=F("entered"), due_on__lt=F("entered"))
        .select_related("project")
    )
    for deadline in history:
        Deadline.objects.filter(pk=deadline.pk).update(state="done", closed_at=deadline.project.created_at)


class Migration(migrations.Migration):
    dependencies = [("deadlines", "0001_initial")]

    operations = [migrations.RunPython(close_history, migrations.RunPython.noop)]
