from django.db import models
from django.db.models import F, Q


class RegionManager(models.Manager):
    def get_by_natural_key(self, code):
        return self.get(code=code)


class Region(models.Model):
    """An ILO region, as the annex groups its projects."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=100, unique=True)
    # OECD DAC region code (IATI Region vocabulary 1) used for recipient-region.
    iati_code = models.CharField(max_length=3, blank=True)

    objects = RegionManager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.code,)


class CountryManager(models.Manager):
    def get_by_natural_key(self, code):
        return self.get(code=code)


class Country(models.Model):
    """An ISO 3166-1 country, loaded from pycountry by a data migration."""

    code = models.CharField("ISO 3166-1 alpha-2", max_length=2, unique=True)
    name = models.CharField(max_length=100)
    region = models.ForeignKey(Region, models.PROTECT, null=True, blank=True, related_name="countries")

    objects = CountryManager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "countries"
        constraints = [
            models.CheckConstraint(condition=Q(code__regex=r"^[A-Z]{2}$"), name="country_code_alpha2"),
        ]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.code,)


class CorridorManager(models.Manager):
    def get_by_natural_key(self, origin_code, destination_code):
        return self.get(origin__code=origin_code, destination__code=destination_code)

    def get_queryset(self):
        return super().get_queryset().select_related("origin", "destination")


class Corridor(models.Model):
    """A labour-migration corridor: workers moving from origin to destination."""

    origin = models.ForeignKey(Country, models.PROTECT, related_name="corridors_out")
    destination = models.ForeignKey(Country, models.PROTECT, related_name="corridors_in")

    objects = CorridorManager()

    class Meta:
        ordering = ["origin__name", "destination__name"]
        constraints = [
            models.UniqueConstraint(fields=["origin", "destination"], name="corridor_unique_pair"),
            models.CheckConstraint(condition=~Q(origin=F("destination")), name="corridor_distinct_ends"),
        ]

    def __str__(self):
        return f"{self.origin.name} → {self.destination.name}"

    def natural_key(self):
        return (self.origin.code, self.destination.code)

    natural_key.dependencies = ["regions.country"]

    @property
    def code(self):
        """The corridor's code, e.g. NP-AE (costs two FK reads unless select_related)."""
        return f"{self.origin.code}-{self.destination.code}"
