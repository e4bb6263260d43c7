"""JSON shape of a project. The queryset must come from ProjectViewSet.get_queryset()
(select_related region; prefetched countries, corridors, fundings, partners, objectives)."""
from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

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
