from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper
from simple_history.models import HistoricalRecords


def validate_email_list(value: str) -> None:
    """Accept addresses separated by commas or new lines; name the bad one."""
    for address in split_emails(value):
        try:
            validate_email(address)
        except ValidationError:
            raise ValidationError("%(address)s is not a valid e-mail address.", params={"address": address}) from None


def split_emails(value: str) -> list[str]:
    return [part.strip() for part in value.replace("\n", ",").split(",") if part.strip()]


class OrganisationKind(models.TextChoices):
    """Kinds of organisation, each mapped to an IATI OrganisationType code."""

    GOVERNMENT = "government", "Government or bilateral agency"
    EU_INSTITUTION = "eu", "EU institution"
    UN_AGENCY = "un", "UN agency"
    INTERGOVERNMENTAL = "igo", "Intergovernmental body"
    TRADE_UNION = "union", "Trade union"
    EMPLOYERS = "employers", "Employers' or business organisation"
    NGO = "ngo", "NGO"
    RESEARCH = "research", "Research institute"
    FOUNDATION = "foundation", "Foundation"
    PRIVATE = "private", "Private sector"
    OTHER = "other", "Other"

    @property
    def iati_type(self) -> str:
        return IATI_ORGANISATION_TYPE[self]


IATI_ORGANISATION_TYPE = {
    OrganisationKind.GOVERNMENT: "10",
    OrganisationKind.EU_INSTITUTION: "40",
    OrganisationKind.UN_AGENCY: "40",
    OrganisationKind.INTERGOVERNMENTAL: "40",
    OrganisationKind.TRADE_UNION: "21",
    OrganisationKind.EMPLOYERS: "21",
    OrganisationKind.NGO: "21",
    OrganisationKind.RESEARCH: "80",
    OrganisationKind.FOUNDATION: "60",
    OrganisationKind.PRIVATE: "70",
    OrganisationKind.OTHER: "90",
}


class DonorManager(models.Manager):
    def get_by_natural_key(self, acronym):
        return self.get(acronym=acronym)


class Donor(models.Model):
    """An organisation that funds projects."""

    name = models.CharField(max_length=200, unique=True)
    acronym = models.CharField(max_length=30, unique=True, help_text="Short name used in filters and URLs, e.g. SDC.")
    kind = models.CharField(max_length=20, choices=OrganisationKind.choices, default=OrganisationKind.GOVERNMENT)
    country = models.ForeignKey("regions.Country", models.PROTECT, null=True, blank=True, related_name="donors")
    iati_ref = models.CharField(
        "IATI organisation identifier", max_length=100, blank=True, help_text="e.g. CH-4 for SDC."
    )
    contact_emails = models.TextField(
        blank=True, validators=[validate_email_list], help_text="One or more addresses, separated by commas."
    )

    objects = DonorManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["acronym"]
        constraints = [
            models.UniqueConstraint(fields=["iati_ref"], condition=~Q(iati_ref=""), name="donor_unique_iati_ref"),
            models.CheckConstraint(condition=~Q(acronym=""), name="donor_acronym_not_empty"),
        ]
        # The project filters match acronyms case-insensitively (UPPER(acronym) = UPPER(%s)).
        indexes = [models.Index(Upper("acronym"), name="donor_upper_acronym_idx")]

    def __str__(self):
        return f"{self.name} ({self.acronym})"

    def natural_key(self):
        return (self.acronym,)

    @property
    def emails(self) -> list[str]:
        return split_emails(self.contact_emails)


class PartnerManager(models.Manager):
    def get_by_natural_key(self, name):
        return self.get(name=name)


class Partner(models.Model):
    """An organisation that implements or collaborates on projects."""

    name = models.CharField(max_length=200, unique=True)
    acronym = models.CharField(max_length=30, blank=True)
    kind = models.CharField(max_length=20, choices=OrganisationKind.choices, default=OrganisationKind.OTHER)
    iati_ref = models.CharField("IATI organisation identifier", max_length=100, blank=True)

    objects = PartnerManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["iati_ref"], condition=~Q(iati_ref=""), name="partner_unique_iati_ref"),
        ]
        # The project filters match acronyms and names case-insensitively.
        indexes = [
            models.Index(Upper("acronym"), name="partner_upper_acronym_idx"),
            models.Index(Upper("name"), name="partner_upper_name_idx"),
        ]

    def __str__(self):
        return f"{self.name} ({self.acronym})" if self.acronym else self.name

    def natural_key(self):
        return (self.name,)


class DonorUser(models.Model):
    """Links a log-in to the one donor whose private data it may read."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, models.CASCADE, related_name="donor_link")
    donor = models.ForeignKey(Donor, models.CASCADE, related_name="users")

    class Meta:
        verbose_name = "donor user"

    def __str__(self):
        return f"{self.user} → {self.donor.acronym}"


def donor_id_of(user) -> int | None:
    """The donor a signed-in donor user belongs to; None for anyone else (staff, anonymous, no link)."""
    link = getattr(user, "donor_link", None) if user is not None and user.is_authenticated else None
    return link.donor_id if link is not None else None


class ReportKind(models.TextChoices):
    """The reports a donor asks for; the values are also deadlines.DeadlineKind values."""

    PROGRESS_REPORT = "progress-report", "Progress report"
    FINANCIAL_REPORT = "financial-report", "Financial report"
    FINAL_REPORT = "final-report", "Final report"


class ReportingBasis(models.TextChoices):
    EACH_YEAR = "each-year", "after each project year"
    END = "end", "after the project's end"


class ReportingRule(models.Model):
    """A report a donor requires of the projects it funds, N days after a period."""

    donor = models.ForeignKey(Donor, models.CASCADE, related_name="reporting_rules")
    kind = models.CharField(max_length=30, choices=ReportKind.choices)
    basis = models.CharField(max_length=20, choices=ReportingBasis.choices, default=ReportingBasis.EACH_YEAR)
    days_after = models.PositiveSmallIntegerField(help_text="Days after the end of each project year, or of the project.")

    history = HistoricalRecords()

    class Meta:
        ordering = ["donor", "basis", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["donor", "kind", "basis"], name="reporting_rule_unique_kind_basis"),
            models.CheckConstraint(condition=Q(kind__in=ReportKind.values), name="reporting_rule_kind_valid"),
            models.CheckConstraint(condition=Q(basis__in=ReportingBasis.values), name="reporting_rule_basis_valid"),
        ]

    def __str__(self):
        return f"{self.donor.acronym}: {self.get_kind_display()} {self.days_after} days {self.get_basis_display()}"
