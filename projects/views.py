"""Read-only REST API for projects: list (JSON, CSV), detail, IATI XML, stats.

Views are thin: project_list() scopes visibility and applies the filters;
get_queryset() adds the region and the to-many lists the serializer reads (with_api_lists).
"""
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, generics, serializers
from rest_framework.renderers import BaseRenderer
from rest_framework.response import Response

from integrations.api import PAGINATION_PARAMS, ApiPagination, ORJSONRenderer, StrictApiMixin, error_responses
from projects import iati
from projects.exports import export_rows, projects_csv_stream, with_lists
from projects.filters import ProjectFilterSet
from projects.models import Project
from projects.selectors import STATS_GROUPS, project_list, project_stats, project_visible
from projects.serializers import ProjectSerializer

FILTER_PARAMS = tuple(ProjectFilterSet.base_filters)


class CSVRenderer(BaseRenderer):
    """Negotiates ?format=csv; the list view streams the body itself."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):  # pragma: no cover - never reached
        raise NotImplementedError("CSV is streamed by the view.")


class IATIXMLRenderer(BaseRenderer):
    media_type = "application/xml"
    format = "xml"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):  # pragma: no cover - never reached
        raise NotImplementedError("IATI XML is streamed by the view.")


class ProjectSchemaFilterBackend(DjangoFilterBackend):
    """Documents ProjectFilterSet in the OpenAPI schema; the filtering itself happens in project_list()."""

    def filter_queryset(self, request, queryset, view):
        return queryset


def with_api_lists(projects):
    """What the serializer reads: one query for a page or a project, whatever the page size."""
    return with_lists(projects.select_related("region"))


class ProjectListMixin(StrictApiMixin):
    """Projects visible to the caller, filtered by the query string; bad parameters raise a 400."""

    query_params_allowed = FILTER_PARAMS
    extra_params: tuple[str, ...] = ()

    def filtered_projects(self):
        _, projects = self.filtered()
        return projects

    def filtered(self):
        known = {*PAGINATION_PARAMS, "format", *self.extra_params}
        filterset, projects = project_list(user=self.request.user, params=self.request.query_params, known_params=known)
        if not filterset.is_valid():
            raise exceptions.ValidationError(filterset.errors)
        return filterset, projects


@extend_schema(tags=["projects"])
class ProjectListView(ProjectListMixin, generics.ListAPIView):
    """Projects, filtered and paginated; `?format=csv` streams every matching project as CSV."""

    serializer_class = ProjectSerializer
    pagination_class = ApiPagination
    renderer_classes = [ORJSONRenderer, CSVRenderer]
    filter_backends = [ProjectSchemaFilterBackend]
    filterset_class = ProjectFilterSet
    queryset = Project.objects.none()  # for the schema; get_queryset() is what runs

    def get_queryset(self):
        return with_api_lists(self.filtered_projects())

    @extend_schema(responses={200: ProjectSerializer(many=True), **error_responses(400, 401, 404, 429)})
    def get(self, request, *args, **kwargs):
        if request.accepted_renderer.format == "csv":
            # CSV holds every matching project, but a malformed page or page_size is still a 400.
            self.paginator.validate_params(request)
            projects = export_rows(self.filtered_projects())
            response = StreamingHttpResponse(projects_csv_stream(projects), content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = 'attachment; filename="projects.csv"'
            return response
        return super().get(request, *args, **kwargs)


@extend_schema(tags=["projects"], responses={200: ProjectSerializer, **error_responses(400, 401, 404, 429)})
class ProjectDetailView(StrictApiMixin, generics.RetrieveAPIView):
    serializer_class = ProjectSerializer
    queryset = Project.objects.none()

    def get_queryset(self):
        return with_api_lists(project_visible(user=self.request.user))

    def get_object(self):
        return get_object_or_404(self.get_queryset(), pk=project_pk(self.kwargs["pk"]))


def project_pk(value: str) -> int:
    """The id in a project URL; anything else is a JSON 404 (not Django's HTML one)."""
    if not (value.isascii() and value.isdigit()) or len(value) > 18:
        raise exceptions.NotFound("No project has this id.")
    return int(value)


class XMLViewMixin:
    renderer_classes = [IATIXMLRenderer]

    def xml_response(self, projects, filename):
        response = StreamingHttpResponse(iati.activities_stream(projects), content_type="application/xml; charset=utf-8")
        response["Content-Disposition"] = f'inline; filename="{filename}"'
        return response


@extend_schema(
    tags=["iati"],
    responses={(200, "application/xml"): OpenApiResponse(OpenApiTypes.STR, description="IATI 2.03 iati-activities"),
               **error_responses(400, 401, 429, media_type="application/json")},
)
class IatiActivitiesView(XMLViewMixin, ProjectListMixin, generics.GenericAPIView):
    """IATI 2.03 activity XML of every matching project (same filters as the project list), streamed."""

    filter_backends = [ProjectSchemaFilterBackend]
    filterset_class = ProjectFilterSet
    queryset = Project.objects.none()
    pagination_class = None

    def get(self, request):
        return self.xml_response(export_rows(self.filtered_projects()), "activities.xml")


@extend_schema(
    tags=["iati"],
    responses={(200, "application/xml"): OpenApiResponse(OpenApiTypes.STR, description="IATI 2.03 iati-activities"),
               **error_responses(400, 401, 404, 429, media_type="application/json")},
)
class ProjectIatiView(XMLViewMixin, StrictApiMixin, generics.GenericAPIView):
    """One project as an IATI 2.03 activity (inside <iati-activities>)."""

    queryset = Project.objects.none()

    def get(self, request, pk):
        project = next(export_rows(project_visible(user=request.user).filter(pk=project_pk(pk))), None)
        if project is None:
            raise Http404("No Project matches the given query.")  # as get_object_or_404
        return self.xml_response([project], f"{iati.activity_identifier(project)}.xml")


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


@extend_schema(
    tags=["projects"],
    parameters=[
        OpenApiParameter(
            "group_by", OpenApiTypes.STR, enum=list(STATS_GROUPS), default="region",
            description="Break the counts down by region, donor, country, year (running in that year) or status.",
        )
    ],
    responses={200: ProjectStatsSerializer, **error_responses(400, 401, 429)},
)
class ProjectStatsView(ProjectListMixin, generics.GenericAPIView):
    """Counts of matching projects, and funding per currency, in total and per group (same filters as the list).

    A project counts once in the total and once in each group it belongs to
    (each of its countries, donors, years), so groups can add up to more than the total.
    """

    query_params_allowed = (*FILTER_PARAMS, "group_by")
    extra_params = ("group_by",)
    filter_backends = [ProjectSchemaFilterBackend]
    filterset_class = ProjectFilterSet
    queryset = Project.objects.none()
    pagination_class = None

    def get(self, request):
        group_by = request.query_params.get("group_by", "region")
        if group_by not in STATS_GROUPS:
            raise exceptions.ValidationError({"group_by": [f"Allowed values: {', '.join(STATS_GROUPS)}."]})
        return Response(project_stats(projects=self.filtered_projects(), group_by=group_by))
