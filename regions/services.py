import pycountry

from regions.ilo import REGIONS, country_name, region_of


def reference_data_ensure(*, region_model=None, country_model=None) -> int:
    """Create the ILO regions and any ISO 3166-1 country that is missing; return how many countries were added.

    Takes the model classes so the data migration can pass its historical models.
    Existing rows are left as they are (an officer may have renamed one).
    """
    if region_model is None or country_model is None:
        from regions.models import Country, Region

        region_model, country_model = Region, Country
    regions = {}
    for code, name, iati_code in REGIONS:
        regions[code], _ = region_model.objects.get_or_create(code=code, defaults={"name": name, "iati_code": iati_code})
    existing = set(country_model.objects.values_list("code", flat=True))
    created = country_model.objects.bulk_create(
        country_model(code=c.alpha_2, name=country_name(c), region=regions.get(region_of(c.alpha_2)))
        for c in pycountry.countries
        if c.alpha_2 not in existing
    )
    return len(created)
