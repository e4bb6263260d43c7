"""The read-only REST API: projects (JSON, CSV, XLSX), one project, IATI XML, stats, reference lists.

Views are thin: project_list() scopes visibility and applies the filters;
get_queryset() adds the region and the to-many lists the serializer reads (with_lists).
"""
from django.conf import settings
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import get_language
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, generics
from rest_framework.response import Response

from api.base import FORMAT_PARAM, StrictApiMixin, error_responses
from api.exports import XLSX_CONTENT_TYPE, export_rows, projects_csv_stream, projects_xlsx_file
from api.pagination import PAGINATION_PARAMS, ApiPagination
from api.renderers import CSVRenderer, IATIXMLRenderer, ORJSONRenderer, XLSXRenderer
from api.selectors import export_project_rows
from api.serializers import (
    DeadlineSerializer,
    ProjectSerializer,
    ProjectStatsSerializer,
    money_json,
)
from classifications.selectors import CLASSIFICATION_LISTS
from dashboards import facts
from deadlines.filters import DeadlineFilterSet
from deadlines.models import Deadline
from deadlines.selectors import deadlines_api_list
from finance.currencies import currency_codes, normalise_currency
from finance.selectors import money_by_stats_group, money_lists, money_of
from iati import writer as iati_writer
from iati.selectors import project_texts
from projects.filters import ProjectFilterSet
from projects.models import Project
from projects.selectors import (
    STATS_GROUPS,
    project_list,
    project_rows,
    project_stats,
    project_visible,
    sees_all_projects,
    with_lists,
)
from results.selectors import track_by_stats_group

FILTER_PARAMS = tuple(ProjectFilterSet.base_filters)
IATI_XML_RESPONSE = OpenApiResponse(OpenApiTypes.STR, description="IATI 2.03 iati-activities")
CSV_RESPONSE = OpenApiResponse(
    OpenApiTypes.STR, description="`?format=csv`: every matching project, one row each, lists joined with `; `."
)
XLSX_RESPONSE = OpenApiResponse(
    OpenApiTypes.BINARY,
    description="`?format=xlsx`: the CSV's columns and rows as an Excel workbook (one sheet; numbers and dates "
    "as typed cells, text as string cells), written in constant memory.",
)


class ProjectSchemaFilterBackend(DjangoFilterBackend):
    """Documents ProjectFilterSet in the OpenAPI schema; the filtering itself happens in project_list()."""

    def filter_queryset(self, request, queryset, view):
        return queryset


def with_api_lists(projects, *, user):
    """What the serializer reads, the money `user` may see included: one query for a page or a project,
    whatever the page size."""
    return with_lists(projects.select_related("region"), api_lists(user))


def api_lists(user) -> dict:
    """The JSON lists other apps add to a project's row: the money `user` may see, its sectors and markers."""
    return {**money_lists(user), **CLASSIFICATION_LISTS}


CURRENCY_PARAM = "currency"


def currency_of(request) -> str:
    """The `?currency=` of the request (ISO 4217, any case), else the PORTFOLIO_CURRENCY setting; else a 400."""
    values = request.query_params.getlist(CURRENCY_PARAM)
    if not values:
        return settings.PORTFOLIO_CURRENCY
    code = normalise_currency(values[0])
    if len(values) > 1 or code not in currency_codes():
        raise exceptions.ValidationError(
            {CURRENCY_PARAM: [f"Give one ISO 4217 currency code, such as USD, EUR or CHF; got {values[0][:20]!r}."]}
        )
    return code


def currency_parameter(description: str) -> OpenApiParameter:
    return OpenApiParameter(
        CURRENCY_PARAM, OpenApiTypes.STR, enum=sorted(currency_codes()), default=settings.PORTFOLIO_CURRENCY,
        description=f"{description} ISO 4217 code (lower case is accepted); the default is the "
        "PORTFOLIO_CURRENCY setting. Each amount converts at its value date by the European Central Bank's "
        "reference rates (a day without a rate takes the nearest earlier one); an amount that cannot be "
        "converted is left out and counted.",
    )


def project_pk(value: str) -> int:
    """The id in a project URL; anything else is a JSON 404 (not Django's HTML one)."""
    if not (value.isascii() and value.isdigit()) or len(value) > 18:
        raise exceptions.NotFound("No project has this id.")
    return int(value)


class ProjectListMixin(StrictApiMixin):
    """Projects visible to the caller, filtered by the query string; bad parameters raise a 400."""

    query_params_allowed = FILTER_PARAMS
    extra_params: tuple[str, ...] = ()  # parameters of the view that are not filters (also in query_params_allowed)
    filter_backends = [ProjectSchemaFilterBackend]
    filterset_class = ProjectFilterSet
    queryset = Project.objects.none()  # for the schema; get_queryset() or filtered_projects() is what runs

    def filtered_projects(self):
        known = {*PAGINATION_PARAMS, FORMAT_PARAM, *self.extra_params}
        filterset, projects = project_list(user=self.request.user, params=self.request.query_params, known_params=known)
        if not filterset.is_valid():
            raise exceptions.ValidationError(filterset.errors)
        return projects


@extend_schema(tags=["projects"])
class ProjectListView(ProjectListMixin, generics.ListAPIView):
    """Projects, filtered and paginated; `?format=csv` streams every matching project as CSV, `?format=xlsx`
    sends the same rows as an XLSX workbook."""

    serializer_class = ProjectSerializer
    pagination_class = ApiPagination
    renderer_classes = [ORJSONRenderer, CSVRenderer, XLSXRenderer]
    query_params_allowed = (*FILTER_PARAMS, CURRENCY_PARAM)
    extra_params = (CURRENCY_PARAM,)

    def get_queryset(self):
        return with_api_lists(self.filtered_projects(), user=self.request.user)

    @extend_schema(
        parameters=[
            currency_parameter("CSV and XLSX only: the currency of the budget, committed, disbursed and spent columns.")
        ],
        responses={
            (200, "application/json"): ProjectSerializer(many=True),
            (200, "text/csv"): CSV_RESPONSE,
            (200, XLSX_CONTENT_TYPE): XLSX_RESPONSE,
            **error_responses(400, 401, 404, 406, 429, media_type="application/json"),
        }
    )
    def get(self, request, *args, **kwargs):
        currency = currency_of(request)  # checked in JSON too: a bad ?currency= is a 400 everywhere
        if request.accepted_renderer.format in (CSVRenderer.format, XLSXRenderer.format):
            # An export holds every matching project, but a malformed page or page_size is still a 400.
            self.paginator.validate_params(request)
            rows = export_rows(self.filtered_projects(), user=request.user, currency=currency)
            if request.accepted_renderer.format == XLSXRenderer.format:
                file = projects_xlsx_file(rows, currency=currency)
                return FileResponse(file, as_attachment=True, filename="projects.xlsx", content_type=XLSX_CONTENT_TYPE)
            response = StreamingHttpResponse(
                projects_csv_stream(rows, currency=currency), content_type="text/csv; charset=utf-8"
            )
            response["Content-Disposition"] = 'attachment; filename="projects.csv"'
            return response
        return super().get(request, *args, **kwargs)


@extend_schema(tags=["projects"], responses={200: ProjectSerializer, **error_responses(400, 401, 404, 406, 429)})
class ProjectDetailView(StrictApiMixin, generics.RetrieveAPIView):
    """One project, with its region, countries, donors, partners, corridors, objectives, budgets and transactions."""

    serializer_class = ProjectSerializer
    queryset = Project.objects.none()

    def get_queryset(self):
        projects = with_api_lists(project_visible(user=self.request.user), user=self.request.user)
        return projects.select_related("iati_activity")  # its title and summary in other languages (iati.selectors)

    def get_object(self):
        return get_object_or_404(self.get_queryset(), pk=project_pk(self.kwargs["pk"]))

    def retrieve(self, request, *args, **kwargs):
        """The title and summary in the caller's language (Accept-Language) where an IATI import gave one."""
        project = self.get_object()
        data = self.get_serializer(project).data
        texts = project_texts(project, request.LANGUAGE_CODE)
        data["title"], data["summary"] = texts["project_title"], texts["project_summary"]
        return Response(data)


class XMLViewMixin:
    """Serves IATI XML only; any other representation asked for is a JSON 406 (StrictApiMixin)."""

    renderer_classes = [IATIXMLRenderer]
    pagination_class = None

    def xml_rows(self, projects, *, chunked: bool = False):
        """The rows of `projects` with the money the caller may see and their classifications, streamed:
        one query (project_rows()), or a chunk of projects at a time for a whole list (export_project_rows())."""
        read = export_project_rows if chunked else project_rows
        return read(projects, extra=api_lists(self.request.user))

    def xml_response(self, rows, filename):
        response = StreamingHttpResponse(
            iati_writer.activities_stream(rows), content_type="application/xml; charset=utf-8"
        )
        response["Content-Disposition"] = f'inline; filename="{filename}"'
        return response


@extend_schema(
    tags=["iati"],
    responses={
        (200, "application/xml"): IATI_XML_RESPONSE,
        **error_responses(400, 401, 406, 429, media_type="application/json"),
    },
)
class IatiActivitiesView(XMLViewMixin, ProjectListMixin, generics.GenericAPIView):
    """IATI 2.03 activity XML of every matching project (same filters as the project list), streamed."""

    def get(self, request):
        return self.xml_response(self.xml_rows(self.filtered_projects(), chunked=True), "activities.xml")


@extend_schema(
    tags=["iati"],
    responses={
        (200, "application/xml"): IATI_XML_RESPONSE,
        **error_responses(400, 401, 404, 406, 429, media_type="application/json"),
    },
)
class ProjectIatiView(XMLViewMixin, StrictApiMixin, generics.GenericAPIView):
    """One project as an IATI 2.03 activity (inside <iati-activities>)."""

    queryset = Project.objects.none()

    def get(self, request, pk):
        project = next(self.xml_rows(project_visible(user=request.user).filter(pk=project_pk(pk))), None)
        if project is None:
            raise Http404("No Project matches the given query.")  # as get_object_or_404
        return self.xml_response([project], f"{iati_writer.activity_identifier(project)}.xml")


@extend_schema(
    tags=["projects"],
    parameters=[
        OpenApiParameter(
            "group_by", OpenApiTypes.STR, enum=list(STATS_GROUPS), default="region",
            description="Break the counts down by region, donor, country, year (running in that year) or status. "
            "Money per year counts budgets in the year their period starts and transactions in the year of their date.",
        ),
        currency_parameter("The currency of the budget, committed, disbursed and spent sums."),
    ],
    responses={200: ProjectStatsSerializer, **error_responses(400, 401, 406, 429)},
)
class ProjectStatsView(ProjectListMixin, generics.GenericAPIView):
    """Counts of matching projects, funding per currency, and budget, committed, disbursed and spent
    converted to `?currency=`, in total and per group (same filters as the list).

    A project counts once in the total and once in each group it belongs to
    (each of its countries, donors, years), so groups can add up to more than the total.
    Each converted sum carries its note: the rates' source and dates, and the amounts left out.
    Only the money the caller may see is summed (internal rows count for staff only).
    `indicators` counts the projects' indicators on and off track (approved figures only), as /results/ does.
    """

    query_params_allowed = (*FILTER_PARAMS, "group_by", CURRENCY_PARAM)
    extra_params = ("group_by", CURRENCY_PARAM)
    pagination_class = None

    def get(self, request):
        group_by = request.query_params.get("group_by", "region")
        if group_by not in STATS_GROUPS:
            raise exceptions.ValidationError({"group_by": [f"Allowed values: {', '.join(STATS_GROUPS)}."]})
        currency = currency_of(request)
        projects = self.filtered_projects()
        version = facts.facts_version(currency)
        if version is None:  # another currency, or facts too far behind to catch up now: from every row
            total = money_of(projects, user=request.user, currency=currency)
            groups = money_by_stats_group(projects, user=request.user, group_by=group_by, currency=currency)
            return Response(self.stats(projects, group_by=group_by, total=total, groups=groups, currency=currency))

        def compute():
            total = facts.money_of(projects, user=request.user)
            groups = facts.money_by_stats_group(projects, user=request.user, group_by=group_by)
            return self.stats(projects, group_by=group_by, total=total, groups=groups, currency=currency)

        # The money from the facts, and the whole answer from the cache while nothing it reads changes:
        # every committed write moves the facts' version on first (dashboards.facts).
        key = (sees_all_projects(request.user), get_language(), timezone.localdate().isoformat(),
               sorted(request.query_params.lists()))
        return Response(facts.facts_cached("stats", version=version, key=key, compute=compute))

    @staticmethod
    def stats(projects, *, group_by: str, total, groups: dict, currency: str) -> dict:
        stats = project_stats(projects=projects, group_by=group_by)
        data = stats_with_money(stats, total=total, groups=groups, currency=currency)
        return stats_with_indicators(data, track_by_stats_group(projects, group_by=group_by))


def stats_with_indicators(stats: dict, tracks: dict) -> dict:
    """The stats with each total's and group's `indicators` on and off track (track_by_stats_group())."""
    def counts(found) -> dict:
        return {"on": found.on, "off": found.off, "no_data": found.no_data} if found else {"on": 0, "off": 0, "no_data": 0}

    groups = [{**group, "indicators": counts(tracks["groups"].get(group["key"]))} for group in stats["groups"]]
    return {**stats, "total": {**stats["total"], "indicators": counts(tracks["total"])}, "groups": groups}


def stats_with_money(stats: dict, *, total, groups: dict, currency: str) -> dict:
    """project_stats() with the money of the total and of each group (money_by_stats_group(), keyed as the groups).

    A year with money but no project running (a budget period after the project's end) is
    a group of its own, with no projects, so no visible amount is dropped from the groups.
    """
    rows = [{**group, "money": money_json(groups.get(group["key"]), currency)} for group in stats["groups"]]
    if stats["group_by"] == "year":
        shown = {group["key"] for group in rows}
        rows += [
            {"key": key, "label": key, "projects": 0, "funding": [], "money": money_json(found, currency)}
            for key, found in groups.items() if key not in shown
        ]
        rows.sort(key=lambda group: int(group["key"]))
    total = {**stats["total"], "money": money_json(total, currency)}
    return {**stats, "currency": currency, "total": total, "groups": rows}


class ReferenceListSchema(AutoSchema):
    """The list of the serializer its URL configures, with the API's JSON error responses."""

    def get_description(self):
        return f"Every {self.view.queryset.model._meta.verbose_name}, paginated."

    def get_response_serializers(self):
        return {200: self._get_serializer(), **error_responses(400, 401, 404, 406, 429)}


@extend_schema(tags=["reference data"])
class ReferenceListView(StrictApiMixin, generics.ListAPIView):
    """A paginated reference list (donors, partners, regions, countries, corridors).

    Each URL gives its `queryset` (ordered, with what the serializer reads select_related),
    its `serializer_class`, and `visible` (a selector taking `user=`) where some rows are
    known only to staff: `ReferenceListView.as_view(queryset=..., serializer_class=..., visible=...)`.
    """

    pagination_class = ApiPagination
    schema = ReferenceListSchema()
    visible = None

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.visible is None:
            return queryset
        return queryset.filter(pk__in=self.visible(user=self.request.user).values("pk"))


@extend_schema(tags=["deadlines"], responses={200: DeadlineSerializer(many=True), **error_responses(400, 401, 404, 406, 429)})
class DeadlineListView(StrictApiMixin, generics.ListAPIView):
    """Deadlines the caller may read, soonest first: officers all; a donor's users and tokens those of its
    donor on published projects it funds; anyone else none. Filter by project, state and due range."""

    serializer_class = DeadlineSerializer
    pagination_class = ApiPagination
    filter_backends = [DjangoFilterBackend]
    filterset_class = DeadlineFilterSet
    query_params_allowed = tuple(DeadlineFilterSet.base_filters)
    queryset = Deadline.objects.none()  # for the schema; get_queryset() is what runs

    def check_query_params(self, request):
        super().check_query_params(request)
        repeated = sorted(name for name in self.query_params_allowed if len(request.query_params.getlist(name)) > 1)
        if repeated:  # every filter here takes one value: none is silently dropped
            raise exceptions.ValidationError({name: ["Give this parameter once; it takes a single value."] for name in repeated})

    def get_queryset(self):
        return deadlines_api_list(user=self.request.user)
