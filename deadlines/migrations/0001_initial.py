"""The deadline models, moved from `projects` with their tables: state only, plus their content types.

The tables keep their names (`projects_deadline`, ...: `Meta.db_table`) and so do
their indexes and constraints, so the database is not touched: no table is
created and no row copied. `projects.0009` then drops the models from the
`projects` state.

The content types of the moved models take the new app label here, before
post_migrate could make new ones for `deadlines`, so the permissions, the
officers' group and admin log entries that point at them keep working.
"""
import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models

MOVED = ("calendarfeed", "deadline", "historicaldeadline", "reminder", "reminderdigest")


def content_types_move(apps, schema_editor):
    """Relabel the moved models' content types from projects to deadlines, keeping their ids."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    types = ContentType.objects.db_manager(schema_editor.connection.alias)
    # A deadlines row already there (made by post_migrate) is left as it is, as Django's
    # RenameModel does; remove_stale_contenttypes then offers to delete the old one.
    taken = set(types.filter(app_label="deadlines", model__in=MOVED).values_list("model", flat=True))
    types.filter(app_label="projects", model__in=set(MOVED) - taken).update(app_label="deadlines")
    types.clear_cache()


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("donors", "0004_list_indexes"),
        ("projects", "0008_published_list_index"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='CalendarFeed',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('token_hash', models.CharField(max_length=64, unique=True)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('user', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='calendar_feed', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'calendar feed',
                        'db_table': 'projects_calendarfeed',
                    },
                ),
                migrations.CreateModel(
                    name='Deadline',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('progress-report', 'Progress report'), ('financial-report', 'Financial report'), ('final-report', 'Final report'), ('mid-term-evaluation', 'Mid-term evaluation'), ('project-start', 'Project start'), ('project-end', 'Project end'), ('other', 'Other')], default='other', max_length=30)),
                        ('title', models.CharField(blank=True, help_text='Optional; the kind is shown when empty.', max_length=200)),
                        ('due_on', models.DateField(verbose_name='due')),
                        ('state', models.CharField(choices=[('open', 'Open'), ('done', 'Done'), ('waived', 'Waived')], default='open', max_length=10)),
                        ('closed_at', models.DateTimeField(blank=True, editable=False, null=True)),
                        ('generation_key', models.CharField(blank=True, editable=False, help_text='Set on generated deadlines; empty for manual ones.', max_length=100)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                        ('closed_by', models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('donor', models.ForeignKey(blank=True, help_text="The donor a report is owed to; empty for the project's own dates. Only that donor's users see it.", null=True, on_delete=django.db.models.deletion.CASCADE, related_name='deadlines', to='donors.donor')),
                        ('owner', models.ForeignKey(blank=True, help_text="A programme officer. Empty: the project's responsible officer, else every programme officer, is reminded.", limit_choices_to={'is_staff': True}, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='deadlines', to=settings.AUTH_USER_MODEL)),
                        ('project', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='deadlines', to='projects.project')),
                    ],
                    options={
                        'db_table': 'projects_deadline',
                        'ordering': ['due_on', 'id'],
                    },
                ),
                migrations.CreateModel(
                    name='HistoricalDeadline',
                    fields=[
                        ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('progress-report', 'Progress report'), ('financial-report', 'Financial report'), ('final-report', 'Final report'), ('mid-term-evaluation', 'Mid-term evaluation'), ('project-start', 'Project start'), ('project-end', 'Project end'), ('other', 'Other')], default='other', max_length=30)),
                        ('title', models.CharField(blank=True, help_text='Optional; the kind is shown when empty.', max_length=200)),
                        ('due_on', models.DateField(verbose_name='due')),
                        ('state', models.CharField(choices=[('open', 'Open'), ('done', 'Done'), ('waived', 'Waived')], default='open', max_length=10)),
                        ('closed_at', models.DateTimeField(blank=True, editable=False, null=True)),
                        ('generation_key', models.CharField(blank=True, editable=False, help_text='Set on generated deadlines; empty for manual ones.', max_length=100)),
                        ('created_at', models.DateTimeField(blank=True, editable=False)),
                        ('history_id', models.AutoField(primary_key=True, serialize=False)),
                        ('history_date', models.DateTimeField(db_index=True)),
                        ('history_change_reason', models.CharField(max_length=100, null=True)),
                        ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                        ('closed_by', models.ForeignKey(blank=True, db_constraint=False, editable=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('donor', models.ForeignKey(blank=True, db_constraint=False, help_text="The donor a report is owed to; empty for the project's own dates. Only that donor's users see it.", null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='donors.donor')),
                        ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('owner', models.ForeignKey(blank=True, db_constraint=False, help_text="A programme officer. Empty: the project's responsible officer, else every programme officer, is reminded.", limit_choices_to={'is_staff': True}, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('project', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='projects.project')),
                    ],
                    options={
                        'verbose_name': 'historical deadline',
                        'verbose_name_plural': 'historical deadlines',
                        'db_table': 'projects_historicaldeadline',
                        'ordering': ('-history_date', '-history_id'),
                        'get_latest_by': ('history_date', 'history_id'),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name='ReminderDigest',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('email', models.EmailField(help_text='The address at the time the digest was made.', max_length=254)),
                        ('run_on', models.DateField(help_text='The day of the scan that made it.')),
                        ('message_id', models.CharField(max_length=200, unique=True)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('claimed_at', models.DateTimeField(blank=True, null=True)),
                        ('attempts', models.PositiveSmallIntegerField(default=0)),
                        ('next_attempt_at', models.DateTimeField(blank=True, null=True)),
                        ('last_error', models.TextField(blank=True)),
                        ('sent_at', models.DateTimeField(blank=True, null=True)),
                        ('failed_at', models.DateTimeField(blank=True, null=True)),
                        ('recipient', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='reminder_digests', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'reminder e-mail',
                        'db_table': 'projects_reminderdigest',
                        'ordering': ['-created_at', '-id'],
                    },
                ),
                migrations.CreateModel(
                    name='Reminder',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('due_on', models.DateField(help_text="The deadline's due date the reminder was for.")),
                        ('offset_days', models.SmallIntegerField(help_text='Days relative to the due date; negative is before.')),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('deadline', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='reminders', to='deadlines.deadline')),
                        ('recipient', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='reminders', to=settings.AUTH_USER_MODEL)),
                        ('digest', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='reminders', to='deadlines.reminderdigest')),
                    ],
                    options={
                        'db_table': 'projects_reminder',
                        'ordering': ['deadline', 'due_on', 'offset_days'],
                    },
                ),
                migrations.AddIndex(
                    model_name='deadline',
                    index=models.Index(condition=models.Q(('state', 'open')), fields=['due_on'], name='deadline_open_due_idx'),
                ),
                migrations.AddConstraint(
                    model_name='deadline',
                    constraint=models.UniqueConstraint(condition=models.Q(('generation_key', ''), _negated=True), fields=('project', 'generation_key'), name='deadline_unique_generation_key'),
                ),
                migrations.AddConstraint(
                    model_name='deadline',
                    constraint=models.CheckConstraint(condition=models.Q(('kind__in', ['progress-report', 'financial-report', 'final-report', 'mid-term-evaluation', 'project-start', 'project-end', 'other'])), name='deadline_kind_valid'),
                ),
                migrations.AddConstraint(
                    model_name='deadline',
                    constraint=models.CheckConstraint(condition=models.Q(('state__in', ['open', 'done', 'waived'])), name='deadline_state_valid'),
                ),
                migrations.AddIndex(
                    model_name='reminderdigest',
                    index=models.Index(condition=models.Q(('failed_at__isnull', True), ('sent_at__isnull', True)), fields=['created_at'], name='reminderdigest_pending_idx'),
                ),
                migrations.AddIndex(
                    model_name='reminder',
                    index=models.Index(condition=models.Q(('digest__isnull', True)), fields=['recipient'], name='reminder_unbundled_idx'),
                ),
                migrations.AddConstraint(
                    model_name='reminder',
                    constraint=models.UniqueConstraint(fields=('deadline', 'due_on', 'offset_days', 'recipient'), name='reminder_unique_offset_recipient'),
                ),
            ],
        ),
        migrations.RunPython(content_types_move, migrations.RunPython.noop),
    ]
