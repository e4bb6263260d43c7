"""Projects get their IATI identifier as a field: the key an IATI import matches activities on.

Existing projects are given the identifier the writer has always made for them,
`<IATI_REPORTING_ORG_REF>-<slug>`, so their exports do not change and a re-import of
an export finds them. Empty stays allowed (the writer then makes it), unique otherwise.
"""
from django.conf import settings
from django.db import migrations, models
from django.db.models import Value
from django.db.models.functions import Concat


def fill_identifiers(apps, schema_editor):
    Project = apps.get_model("projects", "Project")
    Project.objects.filter(iati_identifier="").update(
        iati_identifier=Concat(Value(f"{settings.IATI_REPORTING_ORG_REF}-"), "slug", output_field=models.CharField())
    )


class Migration(migrations.Migration):

    dependencies = [
        ('donors', '0004_list_indexes'),
        ('projects', '0011_funding_currency_upper_case'),
        ('regions', '0002_load_regions_and_countries'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='historicalproject',
            name='iati_identifier',
            field=models.CharField(blank=True, help_text="The activity's key in IATI files; empty: <reporting org>-<slug>.", max_length=150, verbose_name='IATI identifier'),
        ),
        migrations.AddField(
            model_name='project',
            name='iati_identifier',
            field=models.CharField(blank=True, help_text="The activity's key in IATI files; empty: <reporting org>-<slug>.", max_length=150, verbose_name='IATI identifier'),
        ),
        migrations.RunPython(fill_identifiers, migrations.RunPython.noop, elidable=True),
        migrations.AddConstraint(
            model_name='project',
            constraint=models.UniqueConstraint(condition=models.Q(('iati_identifier', ''), _negated=True), fields=('iati_identifier',), name='project_unique_iati_identifier'),
        ),
    ]
