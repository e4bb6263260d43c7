import pycountry
import pytest

from regions.models import Country, Region

pytestmark = pytest.mark.django_db


def test_every_iso_country_is_loaded_from_pycountry():
    assert Country.objects.count() == len(pycountry.countries)
    assert set(Country.objects.values_list("code", flat=True)) == {c.alpha_2 for c in pycountry.countries}


def test_the_five_ilo_regions_exist_with_their_dac_codes():
    assert dict(Region.objects.values_list("name", "iati_code")) == {
        "Africa": "298",
        "Americas": "498",
        "Arab States": "589",
        "Asia and the Pacific": "798",
        "Europe and Central Asia": "89",
    }


@pytest.mark.parametrize(
    "code, region",
    [("NP", "Asia and the Pacific"), ("AE", "Arab States"), ("LB", "Arab States"), ("EG", "Africa"),
     ("ZA", "Africa"), ("PY", "Americas"), ("UA", "Europe and Central Asia"), ("KZ", "Europe and Central Asia"),
     ("PG", "Asia and the Pacific"), ("AQ", None)],
)
def test_countries_carry_their_ilo_region(code, region):
    country = Country.objects.select_related("region").get(code=code)
    assert (country.region.name if country.region else None) == region


def test_countries_use_un_style_names_not_iso_inverted_ones():
    names = dict(Country.objects.filter(code__in=["VN", "MD", "KR", "TZ", "LA"]).values_list("code", "name"))
    assert names == {
        "VN": "Viet Nam",
        "MD": "Republic of Moldova",
        "KR": "South Korea",
        "TZ": "United Republic of Tanzania",
        "LA": "Lao People's Democratic Republic",
    }
