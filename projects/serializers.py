"""JSON shape of a project. The queryset must come from the API views' get_queryset()
(select_related region; the to-many lists annotated by projects.exports.with_lists)."""
from decimal import Decimal

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from projects.exports import related_lists
from projects.models import ActivityStatus, Funding, OrganisationRole, Project, ProjectPartner
from regions.serializers import CorridorSerializer, CountryRefSerializer, RegionRefSerializer


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
    straight from the lists the page's query aggregated (projects.exports.with_lists),
    because DRF's field-by-field walk over nested serializers cost more than the query.
    tests/api/test_serializer.py holds the two to the same output.
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
        countries, donors, partners, corridors, objectives = related_lists(project)
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
            "countries": [{"code": code, "name": name} for code, name in countries],
            "planned_start": _iso(project.planned_start),
            "planned_end": _iso(project.planned_end),
            "actual_start": _iso(project.actual_start),
            "actual_end": _iso(project.actual_end),
            "donors": [
                {"id": pk, "name": name, "acronym": acronym, "iati_ref": iati_ref, "amount": _amount(amount),
                 "currency": currency}
                for acronym, name, iati_ref, _kind, pk, amount, currency in donors
            ],
            "partners": [
                {"id": pk, "name": name, "acronym": acronym, "iati_ref": iati_ref, "role": _role(role)}
                for acronym, name, iati_ref, _kind, role, pk in partners
            ],
            "corridors": [
                {"code": f"{origin}-{destination}", "origin": {"code": origin, "name": origin_name},
                 "destination": {"code": destination, "name": destination_name}}
                for origin, destination, origin_name, destination_name in corridors
            ],
            "objectives": [text for (text,) in objectives],
            "links": self.get_links(project),
        }

    @extend_schema_field(ProjectLinksSerializer)
    def get_links(self, project) -> dict:
        request = self.context.get("request")

        def absolute(path):
            return request.build_absolute_uri(path) if request is not None else path

        return {
            "self": absolute(reverse("api:project-detail", args=[project.pk])),
            # The dashboards' project page (issue 4 owns that URL).
            "dashboard": absolute(f"/projects/{project.slug}/"),
            "iati": absolute(reverse("api:project-iati", args=[project.pk])),
        }


def _iso(day) -> str | None:
    return day.isoformat() if day is not None else None


CENT = Decimal("0.01")


def _amount(text: str | None) -> str | None:
    """An amount as DRF's DecimalField gives it: two decimals, as a string (SQLite drops trailing zeros)."""
    return str(Decimal(text).quantize(CENT)) if text is not None else None


def _role(code: int) -> dict:
    role = OrganisationRole(code)
    return {"code": role.value, "label": str(role.label)}
