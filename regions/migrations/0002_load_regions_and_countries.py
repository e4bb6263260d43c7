"""Load the ILO regions and every ISO 3166-1 country from pycountry."""
import pycountry
from django.db import migrations

from regions.ilo import REGIONS, country_name, region_of


def forward(apps, schema_editor):
    Region = apps.get_model("regions", "Region")
    Country = apps.get_model("regions", "Country")
    regions = {}
    for code, name, iati_code in REGIONS:
        regions[code], _ = Region.objects.get_or_create(code=code, defaults={"name": name, "iati_code": iati_code})
    existing = set(Country.objects.values_list("code", flat=True))
    Country.objects.bulk_create(
        Country(code=c.alpha_2, name=country_name(c), region=regions.get(region_of(c.alpha_2)))
        for c in pycountry.countries
        if c.alpha_2 not in existing
    )


class Migration(migrations.Migration):
    dependencies = [("regions", "0001_initial")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
