"""Money of projects, as IATI publishes it: budgets, transactions and planned disbursements.

Amounts are `Decimal`, each with its ISO 4217 currency (`finance.currencies`) and the
value date at which it converts (`finance.rates`). Amounts in different currencies are
never added as they are. A row marked internal is for staff only (`finance.selectors`).
"""
import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from finance.currencies import CurrencyField, currency_upper_constraint

MONEY = {"max_digits": 18, "decimal_places": 2}


class BudgetType(models.IntegerChoices):
    """IATI BudgetType codelist."""

    ORIGINAL = 1, _("Original")
    REVISED = 2, _("Revised")


class BudgetStatus(models.IntegerChoices):
    """IATI BudgetStatus codelist."""

    INDICATIVE = 1, _("Indicative")
    COMMITTED = 2, _("Committed")


class TransactionType(models.IntegerChoices):
    """IATI TransactionType codelist."""

    INCOMING_FUNDS = 1, _("Incoming Funds")
    OUTGOING_COMMITMENT = 2, _("Outgoing Commitment")
    DISBURSEMENT = 3, _("Disbursement")
    EXPENDITURE = 4, _("Expenditure")
    INTEREST_PAYMENT = 5, _("Interest Payment")
    LOAN_REPAYMENT = 6, _("Loan Repayment")
    REIMBURSEMENT = 7, _("Reimbursement")
    PURCHASE_OF_EQUITY = 8, _("Purchase of Equity")
    SALE_OF_EQUITY = 9, _("Sale of Equity")
    CREDIT_GUARANTEE = 10, _("Credit Guarantee")
    INCOMING_COMMITMENT = 11, _("Incoming Commitment")
    OUTGOING_PLEDGE = 12, _("Outgoing Pledge")
    INCOMING_PLEDGE = 13, _("Incoming Pledge")


def one_year_later(day: datetime.date) -> datetime.date:
    """The same day a year on; 29 February goes to 28 February."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, day=28)


class Budget(models.Model):
    """A project's budget for one period of at most a year (IATI `budget`)."""

    project = models.ForeignKey("projects.Project", models.CASCADE, related_name="budgets", verbose_name=_("project"))
    budget_type = models.PositiveSmallIntegerField(_("type"), choices=BudgetType.choices, default=BudgetType.ORIGINAL)
    status = models.PositiveSmallIntegerField(_("status"), choices=BudgetStatus.choices, default=BudgetStatus.INDICATIVE)
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"), help_text=_("At most a year after the start, as IATI requires."))
    value = models.DecimalField(_("value"), **MONEY)
    currency = CurrencyField(_("currency"), help_text=_("ISO 4217, e.g. CHF."))
    value_date = models.DateField(_("value date"), help_text=_("The day whose exchange rate converts the value."))
    is_internal = models.BooleanField(_("internal"), default=False, help_text=_("Seen by staff only, never counted in public figures."))

    history = HistoricalRecords()

    class Meta:
        ordering = ["project", "period_start", "budget_type", "id"]
        verbose_name = _("budget")
        verbose_name_plural = _("budgets")
        constraints = [
            models.CheckConstraint(condition=Q(period_end__gte=F("period_start")), name="budget_end_not_before_start"),
            models.CheckConstraint(condition=Q(budget_type__in=BudgetType.values), name="budget_type_valid"),
            models.CheckConstraint(condition=Q(status__in=BudgetStatus.values), name="budget_status_valid"),
            currency_upper_constraint("budget_currency_upper"),
        ]
        indexes = [
            # A project's budgets in period order: its admin page, its totals, its IATI XML.
            models.Index(fields=["project", "period_start"], name="budget_project_period_idx"),
        ]

    def __str__(self):
        return f"{self.period_start:%Y-%m-%d} – {self.period_end:%Y-%m-%d}: {self.value:,.2f} {self.currency}"

    def clean(self):
        if self.period_start and self.period_end:
            if self.period_end < self.period_start:
                raise ValidationError({"period_end": _("The period end must not be before its start.")})
            if self.period_end >= one_year_later(self.period_start):
                raise ValidationError({"period_end": _("A budget period is at most a year: end it before %(limit)s.")
                                       % {"limit": one_year_later(self.period_start).isoformat()}})


class ProviderReceiver(models.Model):
    """Provider and receiver of money: each a donor or partner of the product, or a name with
    an IATI organisation identifier when the organisation is not recorded here.

    Shared by transactions and planned disbursements, as IATI shares `provider-org` and
    `receiver-org` between them. A concrete model adds `one_organisation_constraints()` to its Meta.
    """

    provider_donor = models.ForeignKey(
        "donors.Donor", models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("provider (donor)")
    )
    provider_partner = models.ForeignKey(
        "donors.Partner", models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("provider (partner)")
    )
    provider_name = models.CharField(_("provider name"), max_length=200, blank=True)
    provider_ref = models.CharField(_("provider IATI identifier"), max_length=100, blank=True)
    receiver_donor = models.ForeignKey(
        "donors.Donor", models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("receiver (donor)")
    )
    receiver_partner = models.ForeignKey(
        "donors.Partner", models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("receiver (partner)")
    )
    receiver_name = models.CharField(_("receiver name"), max_length=200, blank=True)
    receiver_ref = models.CharField(_("receiver IATI identifier"), max_length=100, blank=True)

    class Meta:
        abstract = True

    @staticmethod
    def one_organisation_constraints(prefix: str) -> list[models.CheckConstraint]:
        """A donor or a partner on each side, never both (the database's half of `clean()`)."""
        return [
            models.CheckConstraint(
                condition=Q(provider_donor__isnull=True) | Q(provider_partner__isnull=True), name=f"{prefix}_one_provider"
            ),
            models.CheckConstraint(
                condition=Q(receiver_donor__isnull=True) | Q(receiver_partner__isnull=True), name=f"{prefix}_one_receiver"
            ),
        ]

    def clean(self):
        errors = {}
        for side in ("provider", "receiver"):
            if getattr(self, f"{side}_donor_id") and getattr(self, f"{side}_partner_id"):
                errors[f"{side}_partner"] = _("Give a donor or a partner, not both.")
        if errors:
            raise ValidationError(errors)

    def organisation(self, side: str) -> tuple[str, str]:
        """(name, IATI identifier) of the provider or receiver; empty strings when none is given."""
        recorded = getattr(self, f"{side}_donor") or getattr(self, f"{side}_partner")
        if recorded is not None:
            return recorded.name, recorded.iati_ref
        return getattr(self, f"{side}_name"), getattr(self, f"{side}_ref")


class Transaction(ProviderReceiver):
    """One IATI transaction of a project: a commitment, disbursement, expenditure and the rest."""

    project = models.ForeignKey("projects.Project", models.CASCADE, related_name="transactions", verbose_name=_("project"))
    transaction_type = models.PositiveSmallIntegerField(_("type"), choices=TransactionType.choices)
    date = models.DateField(_("date"))
    value = models.DecimalField(_("value"), **MONEY)
    currency = CurrencyField(_("currency"), help_text=_("ISO 4217, e.g. USD."))
    value_date = models.DateField(_("value date"), help_text=_("The day whose exchange rate converts the value."))
    description = models.TextField(_("description"), blank=True)
    is_internal = models.BooleanField(_("internal"), default=False, help_text=_("Seen by staff only, never counted in public figures."))

    history = HistoricalRecords()

    class Meta:
        ordering = ["project", "date", "id"]
        verbose_name = _("transaction")
        verbose_name_plural = _("transactions")
        # Finance staff only (the "Finance" group, finance.0002): the admin's CSV import page.
        permissions = [("import_transactions", _("Can import transactions from a CSV file"))]
        constraints = [
            models.CheckConstraint(condition=Q(transaction_type__in=TransactionType.values), name="transaction_type_valid"),
            *ProviderReceiver.one_organisation_constraints("transaction"),
            currency_upper_constraint("transaction_currency_upper"),
        ]
        indexes = [
            # A project's transactions in date order: its admin page and its IATI XML.
            models.Index(fields=["project", "date"], name="transaction_project_date_idx"),
            # Portfolio figures per type and year (committed, disbursed, spent; spending per year).
            models.Index(fields=["transaction_type", "date"], name="transaction_type_date_idx"),
        ]

    def __str__(self):
        return f"{self.get_transaction_type_display()} {self.date:%Y-%m-%d}: {self.value:,.2f} {self.currency}"


class PlannedDisbursement(ProviderReceiver):
    """A disbursement a project expects in a period (IATI `planned-disbursement`).

    Its type is IATI's BudgetType: a revised plan replaces the original of the same period.
    """

    project = models.ForeignKey(
        "projects.Project", models.CASCADE, related_name="planned_disbursements", verbose_name=_("project")
    )
    disbursement_type = models.PositiveSmallIntegerField(_("type"), choices=BudgetType.choices, default=BudgetType.ORIGINAL)
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    value = models.DecimalField(_("value"), **MONEY)
    currency = CurrencyField(_("currency"), help_text=_("ISO 4217, e.g. EUR."))
    value_date = models.DateField(_("value date"), help_text=_("The day whose exchange rate converts the value."))
    is_internal = models.BooleanField(_("internal"), default=False, help_text=_("Seen by staff only, never counted in public figures."))

    history = HistoricalRecords()

    class Meta:
        ordering = ["project", "period_start", "disbursement_type", "id"]
        verbose_name = _("planned disbursement")
        verbose_name_plural = _("planned disbursements")
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")), name="planned_disbursement_end_not_before_start"
            ),
            models.CheckConstraint(condition=Q(disbursement_type__in=BudgetType.values), name="planned_disbursement_type_valid"),
            *ProviderReceiver.one_organisation_constraints("planned_disbursement"),
            currency_upper_constraint("planned_disbursement_currency_upper"),
        ]
        indexes = [
            # A project's plan in period order: its admin page and its IATI XML.
            models.Index(fields=["project", "period_start"], name="planned_project_period_idx"),
        ]

    def __str__(self):
        return f"{self.period_start:%Y-%m-%d} – {self.period_end:%Y-%m-%d}: {self.value:,.2f} {self.currency}"

    def clean(self):
        super().clean()
        if self.period_start and self.period_end and self.period_end < self.period_start:
            raise ValidationError({"period_end": _("The period end must not be before its start.")})
