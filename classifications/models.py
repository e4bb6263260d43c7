"""What a project is about, in IATI's terms: its sectors (with their shares) and its policy markers.

DESIGN.md places these with the project; they live in their own app because projects/ is
kept under 2,000 lines. Codes are checked against the IATI 2.03 codelists (iati.codelists)
in clean(), so the admin, the services and the importer refuse the same unknown codes.
"""
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from iati.codelists import codelist

MIGRATION_SECTOR = "15190"  # DAC 5: facilitation of orderly, safe, regular and responsible migration and mobility


class SectorVocabulary(models.TextChoices):
    """The IATI SectorVocabulary codes a project's sectors may use."""

    DAC = "1", "OECD DAC CRS purpose code (5 digit)"
    DAC_3 = "2", "OECD DAC CRS purpose code (3 digit)"
    SDG_GOAL = "7", "UN Sustainable Development Goal"
    SDG_TARGET = "8", "UN Sustainable Development Goal target"
    OWN_2 = "98", "Reporting organisation 2 (own code)"
    OWN = "99", "Reporting organisation (own code)"


# The codelist each vocabulary's codes come from; an own code (98, 99) is any text.
SECTOR_CODELISTS = {
    SectorVocabulary.DAC: "Sector", SectorVocabulary.DAC_3: "SectorCategory",
    SectorVocabulary.SDG_GOAL: "UNSDG-Goals", SectorVocabulary.SDG_TARGET: "UNSDG-Targets",
}


class PolicyMarkerVocabulary(models.TextChoices):
    DAC = "1", "OECD DAC CRS"


class PolicySignificance(models.IntegerChoices):
    """IATI PolicySignificance codelist."""

    NOT_TARGETED = 0, "not targeted"
    SIGNIFICANT = 1, "significant objective"
    PRINCIPAL = 2, "principal objective"
    PRINCIPAL_AND_ACTION_PROGRAMME = 3, "principal objective and in support of an action programme"
    PRIMARY = 4, "explicit primary objective"


def sector_name(vocabulary: str, code: str, language: str | None = None) -> str:
    """A sector code's name in the active language; the code itself for an own (99) or unknown code."""
    name = SECTOR_CODELISTS.get(vocabulary)
    return codelist(name).translated(code, language) if name else code


class ProjectSectorManager(models.Manager):
    def get_by_natural_key(self, project_slug, vocabulary, code):
        return self.get(project__slug=project_slug, vocabulary=vocabulary, code=code)


class ProjectSector(models.Model):
    """A sector of a project and its share; the shares of one vocabulary add up to 100 (checked by the writers)."""

    project = models.ForeignKey("projects.Project", models.CASCADE, related_name="sectors")
    vocabulary = models.CharField(max_length=2, choices=SectorVocabulary.choices, default=SectorVocabulary.DAC)
    code = models.CharField(max_length=40)
    percentage = models.DecimalField(
        max_digits=5, decimal_places=2, default=100, validators=[MinValueValidator(0), MaxValueValidator(100)],
    )

    objects = ProjectSectorManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["project", "vocabulary", "-percentage", "code"]
        verbose_name = "sector"
        constraints = [
            models.UniqueConstraint(fields=["project", "vocabulary", "code"], name="project_sector_unique_code"),
            models.CheckConstraint(condition=Q(vocabulary__in=SectorVocabulary.values), name="project_sector_vocabulary_valid"),
            models.CheckConstraint(condition=Q(percentage__gte=0, percentage__lte=100), name="project_sector_percentage_range"),
            models.CheckConstraint(condition=~Q(code=""), name="project_sector_code_given"),
        ]
        indexes = [
            # The sector filter: projects with a code, or with a code under a 3-digit category (prefix).
            models.Index(fields=["vocabulary", "code", "project"], name="project_sector_code_idx"),
        ]

    def __str__(self):
        return f"{self.code} {self.name} ({self.percentage:g}%)"

    @property
    def name(self) -> str:
        return sector_name(self.vocabulary, self.code)

    def natural_key(self):
        return (self.project.slug, self.vocabulary, self.code)

    natural_key.dependencies = ["projects.project"]

    def clean(self):
        self.code = (self.code or "").strip()
        name = SECTOR_CODELISTS.get(self.vocabulary)
        if name and self.code not in codelist(name):
            raise ValidationError({"code": f"{self.code!r} is not a code of the IATI {name} codelist "
                                           f"(vocabulary {self.vocabulary})."})


class ProjectPolicyMarkerManager(models.Manager):
    def get_by_natural_key(self, project_slug, vocabulary, code):
        return self.get(project__slug=project_slug, vocabulary=vocabulary, code=code)


class ProjectPolicyMarker(models.Model):
    """How much a project targets a DAC policy objective (gender equality, environment, ...)."""

    project = models.ForeignKey("projects.Project", models.CASCADE, related_name="policy_markers")
    vocabulary = models.CharField(max_length=2, choices=PolicyMarkerVocabulary.choices, default=PolicyMarkerVocabulary.DAC)
    code = models.CharField(max_length=10)
    significance = models.PositiveSmallIntegerField(choices=PolicySignificance.choices)

    objects = ProjectPolicyMarkerManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["project", "vocabulary", "code"]
        verbose_name = "policy marker"
        constraints = [
            models.UniqueConstraint(fields=["project", "vocabulary", "code"], name="project_policy_marker_unique_code"),
            models.CheckConstraint(condition=Q(vocabulary__in=PolicyMarkerVocabulary.values),
                                   name="project_policy_marker_vocabulary_valid"),
            models.CheckConstraint(condition=Q(significance__in=PolicySignificance.values),
                                   name="project_policy_marker_significance_valid"),
        ]

    def __str__(self):
        return f"{self.code} {self.name}: {self.get_significance_display()}"

    @property
    def name(self) -> str:
        return codelist("PolicyMarker").translated(self.code)

    @property
    def significance_name(self) -> str:
        """The significance in the active language (the IATI codelist's name, through the catalogues)."""
        return codelist("PolicySignificance").translated(self.significance)

    def natural_key(self):
        return (self.project.slug, self.vocabulary, self.code)

    natural_key.dependencies = ["projects.project"]

    def clean(self):
        self.code = (self.code or "").strip()
        if self.code not in codelist("PolicyMarker"):
            raise ValidationError({"code": f"{self.code!r} is not a code of the IATI PolicyMarker codelist."})
