"""A deadline becomes a piece of work: states people act on, a reason, and report submissions (issue 14).

The old "done" is split by who closed it: generated deadlines closed by nobody were
closed with the project when it was entered (deadlines 0002, history_before_entry),
the rest were met (approved). Their history rows read the same way. Backwards,
approved and closed are done again, skipped is waived (earlier waived ones get a reason saying so), submitted and returned are open.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

WAIVED_BEFORE = "Waived before reasons were recorded."


def split_done(apps, schema_editor):
    for name in ("Deadline", "HistoricalDeadline"):
        model = apps.get_model("deadlines", name)
        model.objects.filter(state="done", closed_by__isnull=True).exclude(generation_key="").update(state="closed")
        model.objects.filter(state="done").update(state="approved")
        # Waived needs a reason now; earlier ones had none to give.
        model.objects.filter(state="waived", reason="").update(reason=WAIVED_BEFORE)


def join_done(apps, schema_editor):
    for name in ("Deadline", "HistoricalDeadline"):
        model = apps.get_model("deadlines", name)
        model.objects.filter(state__in=["approved", "closed"]).update(state="done")
        model.objects.filter(state="skipped").update(state="waived")
        model.objects.filter(state__in=["submitted", "returned"]).update(state="open", closed_by=None, closed_at=None)


class Migration(migrations.Migration):

    dependencies = [
        ('deadlines', '0003_reminder_scan'),
        ('documents', '0001_initial'),
        ('donors', '0004_list_indexes'),
        ('projects', '0011_funding_currency_upper_case'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='ReportSubmission',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('version', models.PositiveSmallIntegerField()),
                ('state', models.CharField(choices=[('submitted', 'Submitted'), ('returned', 'Returned'), ('approved', 'Approved')], default='submitted', max_length=10)),
                ('submitted_at', models.DateTimeField()),
                ('reviewed_at', models.DateTimeField(blank=True, null=True)),
                ('comment', models.TextField(blank=True, help_text="The reviewer's comment; required when the report is returned.")),
            ],
            options={
                'verbose_name': 'report submission',
                'ordering': ['deadline', '-version'],
            },
        ),
        migrations.RemoveConstraint(
            model_name='deadline',
            name='deadline_state_valid',
        ),
        migrations.RemoveIndex(
            model_name='deadline',
            name='deadline_open_due_idx',
        ),
        migrations.AddField(
            model_name='deadline',
            name='reason',
            field=models.TextField(blank=True, help_text='Why it was waived or skipped.'),
        ),
        migrations.AddField(
            model_name='historicaldeadline',
            name='reason',
            field=models.TextField(blank=True, help_text='Why it was waived or skipped.'),
        ),
        migrations.AlterField(
            model_name='deadline',
            name='state',
            field=models.CharField(choices=[('open', 'Open'), ('submitted', 'Submitted'), ('returned', 'Returned'), ('approved', 'Approved (met)'), ('waived', 'Waived'), ('skipped', 'Skipped'), ('closed', 'Closed with the project')], default='open', max_length=10),
        ),
        migrations.AlterField(
            model_name='historicaldeadline',
            name='state',
            field=models.CharField(choices=[('open', 'Open'), ('submitted', 'Submitted'), ('returned', 'Returned'), ('approved', 'Approved (met)'), ('waived', 'Waived'), ('skipped', 'Skipped'), ('closed', 'Closed with the project')], default='open', max_length=10),
        ),
        migrations.RunPython(split_done, join_done),
        migrations.AddIndex(
            model_name='deadline',
            index=models.Index(condition=models.Q(('state__in', ('open', 'returned'))), fields=['due_on'], name='deadline_open_due_idx'),
        ),
        migrations.AddConstraint(
            model_name='deadline',
            constraint=models.CheckConstraint(condition=models.Q(('state__in', ['open', 'submitted', 'returned', 'approved', 'waived', 'skipped', 'closed'])), name='deadline_state_valid'),
        ),
        migrations.AddConstraint(
            model_name='deadline',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('state__in', ('waived', 'skipped')), _negated=True), models.Q(('reason', ''), _negated=True), _connector='OR'), name='deadline_reason_when_waived_or_skipped'),
        ),
        migrations.AddField(
            model_name='reportsubmission',
            name='deadline',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='submissions', to='deadlines.deadline'),
        ),
        migrations.AddField(
            model_name='reportsubmission',
            name='document',
            field=models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='report_submission', to='documents.document'),
        ),
        migrations.AddField(
            model_name='reportsubmission',
            name='reviewed_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='reportsubmission',
            name='submitted_by',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddConstraint(
            model_name='reportsubmission',
            constraint=models.UniqueConstraint(fields=('deadline', 'version'), name='reportsubmission_unique_version'),
        ),
        migrations.AddConstraint(
            model_name='reportsubmission',
            constraint=models.CheckConstraint(condition=models.Q(('version__gte', 1)), name='reportsubmission_version_positive'),
        ),
        migrations.AddConstraint(
            model_name='reportsubmission',
            constraint=models.CheckConstraint(condition=models.Q(('state__in', ['submitted', 'returned', 'approved'])), name='reportsubmission_state_valid'),
        ),
        migrations.AddConstraint(
            model_name='reportsubmission',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('state', 'returned'), _negated=True), models.Q(('comment', ''), _negated=True), _connector='OR'), name='reportsubmission_returned_comment'),
        ),
    ]
