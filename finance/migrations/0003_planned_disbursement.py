"""Planned disbursements (IATI `planned-disbursement`), with their history."""

import django.db.models.deletion
import django.db.models.functions.text
import simple_history.models
from django.conf import settings
from django.db import migrations, models

import finance.currencies


class Migration(migrations.Migration):

    dependencies = [
        ('donors', '0004_list_indexes'),
        ('finance', '0002_finance_group'),
        ('projects', '0011_funding_currency_upper_case'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='HistoricalPlannedDisbursement',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('provider_name', models.CharField(blank=True, max_length=200, verbose_name='provider name')),
                ('provider_ref', models.CharField(blank=True, max_length=100, verbose_name='provider IATI identifier')),
                ('receiver_name', models.CharField(blank=True, max_length=200, verbose_name='receiver name')),
                ('receiver_ref', models.CharField(blank=True, max_length=100, verbose_name='receiver IATI identifier')),
                ('disbursement_type', models.PositiveSmallIntegerField(choices=[(1, 'Original'), (2, 'Revised')], default=1, verbose_name='type')),
                ('period_start', models.DateField(verbose_name='period start')),
                ('period_end', models.DateField(verbose_name='period end')),
                ('value', models.DecimalField(decimal_places=2, max_digits=18, verbose_name='value')),
                ('currency', finance.currencies.CurrencyField(help_text='ISO 4217, e.g. EUR.', max_length=3, verbose_name='currency')),
                ('value_date', models.DateField(help_text='The day whose exchange rate converts the value.', verbose_name='value date')),
                ('is_internal', models.BooleanField(default=False, help_text='Seen by staff only, never counted in public figures.', verbose_name='internal')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('project', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='projects.project', verbose_name='project')),
                ('provider_donor', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='donors.donor', verbose_name='provider (donor)')),
                ('provider_partner', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='donors.partner', verbose_name='provider (partner)')),
                ('receiver_donor', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='donors.donor', verbose_name='receiver (donor)')),
                ('receiver_partner', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='donors.partner', verbose_name='receiver (partner)')),
            ],
            options={
                'verbose_name': 'historical planned disbursement',
                'verbose_name_plural': 'historical planned disbursements',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='PlannedDisbursement',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('provider_name', models.CharField(blank=True, max_length=200, verbose_name='provider name')),
                ('provider_ref', models.CharField(blank=True, max_length=100, verbose_name='provider IATI identifier')),
                ('receiver_name', models.CharField(blank=True, max_length=200, verbose_name='receiver name')),
                ('receiver_ref', models.CharField(blank=True, max_length=100, verbose_name='receiver IATI identifier')),
                ('disbursement_type', models.PositiveSmallIntegerField(choices=[(1, 'Original'), (2, 'Revised')], default=1, verbose_name='type')),
                ('period_start', models.DateField(verbose_name='period start')),
                ('period_end', models.DateField(verbose_name='period end')),
                ('value', models.DecimalField(decimal_places=2, max_digits=18, verbose_name='value')),
                ('currency', finance.currencies.CurrencyField(help_text='ISO 4217, e.g. EUR.', max_length=3, verbose_name='currency')),
                ('value_date', models.DateField(help_text='The day whose exchange rate converts the value.', verbose_name='value date')),
                ('is_internal', models.BooleanField(default=False, help_text='Seen by staff only, never counted in public figures.', verbose_name='internal')),
                ('project', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='planned_disbursements', to='projects.project', verbose_name='project')),
                ('provider_donor', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='donors.donor', verbose_name='provider (donor)')),
                ('provider_partner', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='donors.partner', verbose_name='provider (partner)')),
                ('receiver_donor', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='donors.donor', verbose_name='receiver (donor)')),
                ('receiver_partner', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='donors.partner', verbose_name='receiver (partner)')),
            ],
            options={
                'verbose_name': 'planned disbursement',
                'verbose_name_plural': 'planned disbursements',
                'ordering': ['project', 'period_start', 'disbursement_type', 'id'],
                'indexes': [models.Index(fields=['project', 'period_start'], name='planned_project_period_idx')],
                'constraints': [models.CheckConstraint(condition=models.Q(('period_end__gte', models.F('period_start'))), name='planned_disbursement_end_not_before_start'), models.CheckConstraint(condition=models.Q(('disbursement_type__in', [1, 2])), name='planned_disbursement_type_valid'), models.CheckConstraint(condition=models.Q(('provider_donor__isnull', True), ('provider_partner__isnull', True), _connector='OR'), name='planned_disbursement_one_provider'), models.CheckConstraint(condition=models.Q(('receiver_donor__isnull', True), ('receiver_partner__isnull', True), _connector='OR'), name='planned_disbursement_one_receiver'), models.CheckConstraint(condition=models.Q(('currency', django.db.models.functions.text.Upper('currency'))), name='planned_disbursement_currency_upper')],
            },
        ),
    ]
