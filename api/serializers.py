"""The JSON shapes of the API: projects, statistics and the reference lists.

Project querysets come from api.views (select_related region; the to-many lists
annotated by projects.selectors.with_lists).
"""
from decimal import Decimal
from urllib.parse import quote

from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.http import RFC3986_SUBDELIMS
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from classifications.models import (
    PolicySignificance,
    ProjectPolicyMarker,
    ProjectSector,
)
from classifications.selectors import (
    PolicyMarkerItem,
    SectorItem,
    project_classification_lists,
)
from deadlines.models import OCDS_MILESTONE_STATUS, DeadlineStatus, SubmissionState
from deadlines.selectors import report_visible_to
from donors.models import Donor, Partner
from finance.models import (
    Budget,
    BudgetStatus,
    BudgetType,
    PlannedDisbursement,
    Transaction,
    TransactionType,
)
from finance.rates import ConvertedTotal, converted_total
from finance.selectors import (
    BudgetItem,
    PlannedDisbursementItem,
    ProjectMoney,
    TransactionItem,
    project_money_lists,
)
from projects.models import (
    ActivityStatus,
    Funding,
    OrganisationRole,
    Project,
    ProjectPartner,
)
from projects.selectors import STATS_GROUPS, project_lists
from regions.models import Corridor, Country, Region

# Reference data


class RegionRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = ["code", "name"]


class CountryRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Country
        fields = ["code", "name"]


class RegionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = ["code", "name", "iati_code"]


class CountrySerializer(serializers.ModelSerializer):
    region = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = Country
        fields = ["code", "name", "region"]


class CorridorSerializer(serializers.ModelSerializer):
    """A corridor; its origin and destination must be select_related."""

    code = serializers.CharField(read_only=True)
    origin = CountryRefSerializer(read_only=True)
    destination = CountryRefSerializer(read_only=True)

    class Meta:
        model = Corridor
        fields = ["code", "origin", "destination"]


class DonorSerializer(serializers.ModelSerializer):
    """A donor's public fields (contact e-mails stay private)."""

    country = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = Donor
        fields = ["id", "name", "acronym", "kind", "country", "iati_ref"]


class PartnerSerializer(serializers.ModelSerializer):
    class Meta:
        model = Partner
        fields = ["id", "name", "acronym", "kind", "iati_ref"]


# Projects


class CodeLabelSerializer(serializers.Serializer):
    code = serializers.IntegerField()
    label = serializers.CharField()


@extend_schema_field(CodeLabelSerializer)
class StatusField(serializers.Field):
    """The IATI ActivityStatus, from the `status_code` annotation when present."""

    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, project):
        code = getattr(project, "status_code", None)
        status = ActivityStatus(code) if code is not None else project.status
        return {"code": status.value, "label": status.label}


@extend_schema_field(CodeLabelSerializer)
class RoleField(serializers.Field):
    def __init__(self, **kwargs):
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, value):
        role = OrganisationRole(value)
        return {"code": role.value, "label": role.label}


class ProjectDonorSerializer(serializers.ModelSerializer):
    """A donor as it funds the project (a Funding row)."""

    id = serializers.IntegerField(source="donor.id", read_only=True)
    name = serializers.CharField(source="donor.name", read_only=True)
    acronym = serializers.CharField(source="donor.acronym", read_only=True)
    iati_ref = serializers.CharField(source="donor.iati_ref", read_only=True)

    class Meta:
        model = Funding
        fields = ["id", "name", "acronym", "iati_ref", "amount", "currency"]


class ProjectPartnerSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(source="partner.id", read_only=True)
    name = serializers.CharField(source="partner.name", read_only=True)
    acronym = serializers.CharField(source="partner.acronym", read_only=True)
    iati_ref = serializers.CharField(source="partner.iati_ref", read_only=True)
    role = RoleField()

    class Meta:
        model = ProjectPartner
        fields = ["id", "name", "acronym", "iati_ref", "role"]


@extend_schema_field(CodeLabelSerializer)
class CodeLabelField(serializers.Field):
    """A value of an IATI codelist (`choices`, IntegerChoices) as {code, label}."""

    def __init__(self, choices, **kwargs):
        self.codelist = choices
        codes = ", ".join(f"{item.value} {item.label}" for item in choices)
        kwargs.setdefault("help_text", f"IATI {choices.__name__} codelist: {codes}.")
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, value):
        return _code_label(self.codelist, value)


class OrganisationRefSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="The organisation's name; empty when none is given.")
    ref = serializers.CharField(help_text="Its IATI organisation identifier; empty when not known.")


@extend_schema_field(OrganisationRefSerializer)
class OrganisationField(serializers.Field):
    """The provider or receiver of a transaction: a recorded donor or partner, else the name given."""

    def __init__(self, side: str, **kwargs):
        self.side = side
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, transaction):
        name, ref = transaction.organisation(self.side)
        return {"name": name, "ref": ref}


INTERNAL_HELP = "Marked internal by an officer: only staff callers see such rows, and only staff figures count them."


class BudgetSerializer(serializers.ModelSerializer):
    """A budget as IATI publishes it (`budget`): BudgetType and BudgetStatus codes, a period of at most a year."""

    type = CodeLabelField(BudgetType, source="budget_type")
    status = CodeLabelField(BudgetStatus)
    internal = serializers.BooleanField(source="is_internal", read_only=True, help_text=INTERNAL_HELP)

    class Meta:
        model = Budget
        fields = ["id", "type", "status", "period_start", "period_end", "value", "currency", "value_date", "internal"]


class TransactionSerializer(serializers.ModelSerializer):
    """A transaction as IATI publishes it (`transaction`): a TransactionType code, its date, value and organisations."""

    type = CodeLabelField(TransactionType, source="transaction_type")
    provider = OrganisationField("provider")
    receiver = OrganisationField("receiver")
    internal = serializers.BooleanField(source="is_internal", read_only=True, help_text=INTERNAL_HELP)

    class Meta:
        model = Transaction
        fields = ["id", "type", "date", "value", "currency", "value_date", "description", "provider", "receiver",
                  "internal"]


class PlannedDisbursementSerializer(serializers.ModelSerializer):
    """A disbursement the project expects in a period (IATI `planned-disbursement`; its type is a BudgetType code)."""

    type = CodeLabelField(BudgetType, source="disbursement_type")
    provider = OrganisationField("provider")
    receiver = OrganisationField("receiver")
    internal = serializers.BooleanField(source="is_internal", read_only=True, help_text=INTERNAL_HELP)

    class Meta:
        model = PlannedDisbursement
        fields = ["id", "type", "period_start", "period_end", "value", "currency", "value_date", "provider", "receiver",
                  "internal"]


class SectorSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True, help_text="The code's name in its IATI codelist; the code for an own one.")

    class Meta:
        model = ProjectSector
        fields = ["vocabulary", "code", "name", "percentage"]


class PolicyMarkerSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True, help_text="The marker's name in the IATI PolicyMarker codelist.")
    significance = CodeLabelField(PolicySignificance)

    class Meta:
        model = ProjectPolicyMarker
        fields = ["vocabulary", "code", "name", "significance"]


class ProjectLinksSerializer(serializers.Serializer):
    self = serializers.URLField()
    dashboard = serializers.URLField()
    iati = serializers.URLField()


class ProjectSerializer(serializers.ModelSerializer):
    """A project with its region, countries, donors, partners, corridors, objectives, sectors, markers and money.

    The declared fields document the shape (OpenAPI); to_representation() builds it
    straight from the typed lists the page's query aggregated (project_lists()),
    because DRF's field-by-field walk over nested serializers cost more than the query.
    tests/api/test_serializer.py holds the two to the same output, field by field.
    """

    status = StatusField()
    region = RegionRefSerializer(read_only=True, allow_null=True)
    countries = CountryRefSerializer(many=True, read_only=True)
    donors = ProjectDonorSerializer(source="fundings", many=True, read_only=True)
    partners = ProjectPartnerSerializer(source="project_partners", many=True, read_only=True)
    corridors = CorridorSerializer(many=True, read_only=True)
    objectives = serializers.SlugRelatedField(slug_field="text", many=True, read_only=True)
    sectors = SectorSerializer(many=True, read_only=True)
    policy_markers = PolicyMarkerSerializer(many=True, read_only=True)
    budgets = BudgetSerializer(many=True, read_only=True)
    transactions = TransactionSerializer(many=True, read_only=True)
    planned_disbursements = PlannedDisbursementSerializer(many=True, read_only=True)
    links = serializers.SerializerMethodField()

    class Meta:
        model = Project
        fields = [
            "id", "slug", "title", "short_name", "summary", "status", "scope", "region", "countries",
            "planned_start", "planned_end", "actual_start", "actual_end",
            "donors", "partners", "corridors", "objectives", "sectors", "policy_markers", "budgets", "transactions", "planned_disbursements",
            "links",
        ]

    def to_representation(self, project):
        lists = project_lists(project)
        money = project_money_lists(project)
        classifications = project_classification_lists(project)
        status = ActivityStatus(project.status_code)
        region = project.region
        return {
            "id": project.pk,
            "slug": project.slug,
            "title": project.title,
            "short_name": project.short_name,
            "summary": project.summary,
            "status": {"code": status.value, "label": str(status.label)},
            "scope": project.scope,
            "region": {"code": region.code, "name": region.name} if region is not None else None,
            "countries": [{"code": country.code, "name": country.name} for country in lists.countries],
            "planned_start": _iso(project.planned_start),
            "planned_end": _iso(project.planned_end),
            "actual_start": _iso(project.actual_start),
            "actual_end": _iso(project.actual_end),
            "donors": [
                {"id": donor.id, "name": donor.name, "acronym": donor.acronym, "iati_ref": donor.iati_ref,
                 "amount": _amount(donor.amount), "currency": donor.currency}
                for donor in lists.donors
            ],
            "partners": [
                {"id": partner.id, "name": partner.name, "acronym": partner.acronym, "iati_ref": partner.iati_ref,
                 "role": _role(partner.role)}
                for partner in lists.partners
            ],
            "corridors": [
                {"code": corridor.code,
                 "origin": {"code": corridor.origin_code, "name": corridor.origin_name},
                 "destination": {"code": corridor.destination_code, "name": corridor.destination_name}}
                for corridor in lists.corridors
            ],
            "objectives": lists.objectives,
            "sectors": [_sector(sector) for sector in classifications["sectors"]],
            "policy_markers": [_policy_marker(marker) for marker in classifications["policy_markers"]],
            "budgets": [_budget(budget) for budget in money["budgets"]],
            "transactions": [_transaction(transaction) for transaction in money["transactions"]],
            "planned_disbursements": [_planned(planned) for planned in money["planned_disbursements"]],
            "links": self.get_links(project),
        }

    @extend_schema_field(ProjectLinksSerializer)
    def get_links(self, project) -> dict:
        arguments = {"self": str(project.pk), "dashboard": quote(project.slug, safe=URL_ARGUMENT_SAFE),
                     "iati": str(project.pk)}
        return {name: f"{before}{arguments[name]}{after}" for name, (before, after) in self._links.items()}

    @cached_property
    def _links(self) -> dict[str, tuple[str, str]]:
        """Each link as the absolute URL before and after its argument.

        reverse() once per serializer (a page shares one), not three times a project:
        it cost more than all the rest of a project's JSON.
        """
        request = self.context.get("request")
        urls = {
            "self": reverse("api:project-detail", args=[LINK_ARGUMENT]),
            "dashboard": reverse("dashboards:project", args=[LINK_ARGUMENT]),
            "iati": reverse("api:project-iati", args=[LINK_ARGUMENT]),
        }
        if request is not None:
            urls = {name: request.build_absolute_uri(url) for name, url in urls.items()}
        return {name: url.rpartition(LINK_ARGUMENT)[::2] for name, url in urls.items()}


LINK_ARGUMENT = "__argument__"
URL_ARGUMENT_SAFE = RFC3986_SUBDELIMS + "/~:@"  # what reverse() leaves unquoted in an argument


def _iso(day) -> str | None:
    return day.isoformat() if day is not None else None


CENT = Decimal("0.01")


def _amount(text: str | None) -> str | None:
    """An amount as DRF's DecimalField gives it: two decimals, as a string (SQLite drops trailing zeros)."""
    return str(Decimal(text).quantize(CENT)) if text is not None else None


def _role(code: int) -> dict:
    return _code_label(OrganisationRole, code)


def _code_label(codelist, code: int) -> dict:
    item = codelist(code)
    return {"code": item.value, "label": str(item.label)}


def _sector(sector: SectorItem) -> dict:
    return {"vocabulary": sector.vocabulary, "code": sector.code, "name": sector.name,
            "percentage": _amount(sector.percentage)}


def _policy_marker(marker: PolicyMarkerItem) -> dict:
    return {"vocabulary": marker.vocabulary, "code": marker.code, "name": marker.name,
            "significance": _code_label(PolicySignificance, marker.significance)}


def _budget(budget: BudgetItem) -> dict:
    return {
        "id": budget.id, "type": _code_label(BudgetType, budget.budget_type),
        "status": _code_label(BudgetStatus, budget.status), "period_start": budget.period_start,
        "period_end": budget.period_end, "value": str(budget.amount), "currency": budget.currency,
        "value_date": budget.value_date, "internal": bool(budget.is_internal),
    }


def _transaction(transaction: TransactionItem) -> dict:
    return {
        "id": transaction.id, "type": _code_label(TransactionType, transaction.transaction_type),
        "date": transaction.date, "value": str(transaction.amount), "currency": transaction.currency,
        "value_date": transaction.value_date, "description": transaction.description,
        "provider": {"name": transaction.provider_name, "ref": transaction.provider_ref},
        "receiver": {"name": transaction.receiver_name, "ref": transaction.receiver_ref},
        "internal": bool(transaction.is_internal),
    }


def _planned(planned: PlannedDisbursementItem) -> dict:
    return {
        "id": planned.id, "type": _code_label(BudgetType, planned.disbursement_type),
        "period_start": planned.period_start, "period_end": planned.period_end, "value": str(planned.amount),
        "currency": planned.currency, "value_date": planned.value_date,
        "provider": {"name": planned.provider_name, "ref": planned.provider_ref},
        "receiver": {"name": planned.receiver_name, "ref": planned.receiver_ref},
        "internal": bool(planned.is_internal),
    }


# Statistics


class MoneySerializer(serializers.Serializer):
    currency = serializers.CharField()
    amount = serializers.DecimalField(max_digits=18, decimal_places=2, coerce_to_string=True)


class ConvertedSumSerializer(serializers.Serializer):
    """A sum converted to the response's `currency` (finance.rates.ConvertedTotal), with what it rests on."""

    amount = serializers.DecimalField(max_digits=20, decimal_places=2, coerce_to_string=True)
    counted = serializers.IntegerField(help_text="How many budgets or transactions the amount adds up.")
    left_out = serializers.IntegerField(help_text="How many could not be converted and are not in the amount.")
    rates_from = serializers.DateField(allow_null=True, help_text="The earliest day of the rates used; null if none.")
    rates_to = serializers.DateField(allow_null=True, help_text="The latest day of the rates used; null if none.")
    source = serializers.CharField(help_text="The source of the exchange rates.")
    note = serializers.CharField(
        help_text="The line to show under the amount: the rates' source and dates, what was left out."
    )


class StatsMoneySerializer(serializers.Serializer):
    """Budget (a revised budget replaces the original of its period), outgoing commitments, disbursements
    and expenditure, each converted at its value date."""

    budget = ConvertedSumSerializer()
    committed = ConvertedSumSerializer()
    disbursed = ConvertedSumSerializer()
    spent = ConvertedSumSerializer()


class StatsIndicatorsSerializer(serializers.Serializer):
    """Indicators of the projects by their latest verdict (the /results/ summary's rule, approved figures only)."""

    on = serializers.IntegerField(help_text="On track against the target's pace.")
    off = serializers.IntegerField(help_text="Off track.")
    no_data = serializers.IntegerField(help_text="No verdict yet: no target, no approved actual, or qualitative.")


class StatsTotalSerializer(serializers.Serializer):
    projects = serializers.IntegerField()
    funding = MoneySerializer(many=True)
    money = StatsMoneySerializer()
    indicators = StatsIndicatorsSerializer()


class StatsGroupSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField(allow_null=True)
    projects = serializers.IntegerField()
    funding = MoneySerializer(many=True)
    money = StatsMoneySerializer()
    indicators = StatsIndicatorsSerializer()


class ProjectStatsSerializer(serializers.Serializer):
    group_by = serializers.ChoiceField(choices=STATS_GROUPS)
    currency = serializers.CharField(help_text="The ISO 4217 currency of every `money` sum.")
    total = StatsTotalSerializer()
    groups = StatsGroupSerializer(many=True)


def converted_json(total: ConvertedTotal) -> dict:
    return {
        "amount": f"{total.total:.2f}", "counted": total.counted, "left_out": total.left_out,
        "rates_from": _iso(total.rates_from), "rates_to": _iso(total.rates_to), "source": total.source,
        "note": total.note,
    }


def money_json(money: ProjectMoney | None, currency: str) -> dict:
    """The four figures as StatsMoneySerializer documents them; zero (counting nothing) for None."""
    if money is None:
        zero = converted_total((), currency=currency)
        money = ProjectMoney(zero, zero, zero, zero)
    return {name: converted_json(getattr(money, name)) for name in ProjectMoney.FIELDS}


class DeadlineProjectSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    title = serializers.CharField()


class DeadlineReportSerializer(serializers.Serializer):
    version = serializers.IntegerField(help_text="The latest version submitted.")
    state = serializers.ChoiceField(choices=SubmissionState.choices, help_text="The latest version's state.")
    approved_version = serializers.IntegerField(allow_null=True)
    approved_file = serializers.URLField(allow_null=True, help_text="Where the approved version's file is downloaded.")


class DeadlineSerializer(serializers.Serializer):
    """A deadline of a project: what is due, when, to which donor, its state, and its report where the caller may read it.

    `report` is shown to staff and to the donor the report is owed to (the deadline's donor), else null.
    """

    id = serializers.IntegerField()
    project = DeadlineProjectSerializer()
    kind = serializers.SerializerMethodField()
    title = serializers.CharField(source="label")
    due_on = serializers.DateField()
    state = serializers.SerializerMethodField()
    ocds_status = serializers.SerializerMethodField()
    donor = serializers.CharField(source="donor.acronym", default=None, allow_null=True)
    report = serializers.SerializerMethodField()

    @extend_schema_field(CodeLabelSerializer)
    def get_kind(self, deadline) -> dict:
        return {"code": deadline.kind, "label": str(deadline.get_kind_display())}

    @extend_schema_field(serializers.ChoiceField(choices=DeadlineStatus.choices))
    def get_state(self, deadline) -> str:
        return deadline.status(self.context.get("today"))

    @extend_schema_field(serializers.ChoiceField(choices=["scheduled", "met", "notMet"], allow_null=True,
                                                 help_text="The OCDS milestone status this state reads as."))
    def get_ocds_status(self, deadline) -> str | None:
        return OCDS_MILESTONE_STATUS.get(deadline.status(self.context.get("today")))

    @extend_schema_field(DeadlineReportSerializer(allow_null=True))
    def get_report(self, deadline) -> dict | None:
        request = self.context.get("request")
        if deadline.report_version is None or request is None or not report_visible_to(user=request.user, deadline=deadline):
            return None
        url = reverse("api:report-file", args=[deadline.approved_report_id]) if deadline.approved_report_id else None
        return {
            "version": deadline.report_version,
            "state": deadline.report_state,
            "approved_version": deadline.approved_report_version,
            "approved_file": request.build_absolute_uri(url) if url else None,
        }
