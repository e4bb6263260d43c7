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

from donors.models import Donor, Partner
from projects.models import ActivityStatus, Funding, OrganisationRole, Project, ProjectPartner
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


class ProjectLinksSerializer(serializers.Serializer):
    self = serializers.URLField()
    dashboard = serializers.URLField()
    iati = serializers.URLField()


class ProjectSerializer(serializers.ModelSerializer):
    """A project with its region, countries, donors, partners, corridors and objectives.

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
    links = serializers.SerializerMethodField()

    class Meta:
        model = Project
        fields = [
            "id", "slug", "title", "short_name", "summary", "status", "scope", "region", "countries",
            "planned_start", "planned_end", "actual_start", "actual_end",
            "donors", "partners", "corridors", "objectives", "links",
        ]

    def to_representation(self, project):
        lists = project_lists(project)
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
    role = OrganisationRole(code)
    return {"code": role.value, "label": str(role.label)}


# Statistics


class MoneySerializer(serializers.Serializer):
    currency = serializers.CharField()
    amount = serializers.DecimalField(max_digits=18, decimal_places=2, coerce_to_string=True)


class StatsTotalSerializer(serializers.Serializer):
    projects = serializers.IntegerField()
    funding = MoneySerializer(many=True)


class StatsGroupSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField(allow_null=True)
    projects = serializers.IntegerField()
    funding = MoneySerializer(many=True)


class ProjectStatsSerializer(serializers.Serializer):
    group_by = serializers.ChoiceField(choices=STATS_GROUPS)
    total = StatsTotalSerializer()
    groups = StatsGroupSerializer(many=True)


class DeadlineProjectSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    title = serializers.CharField()


class DeadlineSerializer(serializers.Serializer):
    """A deadline of a project: what is due, when, to which donor, and whether it is closed."""

    id = serializers.IntegerField()
    project = DeadlineProjectSerializer()
    kind = serializers.SerializerMethodField()
    title = serializers.CharField(source="label")
    due_on = serializers.DateField()
    state = serializers.CharField()
    donor = serializers.CharField(source="donor.acronym", default=None, allow_null=True)

    @extend_schema_field(CodeLabelSerializer)
    def get_kind(self, deadline) -> dict:
        return {"code": deadline.kind, "label": str(deadline.get_kind_display())}
