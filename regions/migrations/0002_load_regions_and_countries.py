"""Load the ILO regions and every ISO 3166-1 country from pycountry."""
from django.db import migrations

from regions.services import reference_data_ensure


def forward(apps, schema_editor):
    reference_data_ensure(region_model=apps.get_model("regions", "Region"), country_model=apps.get_model("regions", "Country"))


class Migration(migrations.Migration):
    dependencies = [("regions", "0001_initial")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
