"""`/api/v1/projects/{id}/results/`: a project's results framework, approved actuals only;
`?format=csv` there, and `/api/v1/results.csv` for every matching project: one row per indicator period.

Kept beside the project views rather than in them: its own serializers over the rows of
results.selectors.results_of(), which reads the whole framework in six queries.
Everyone sees approved actuals only; officers also get each period's other updates
(`updates`: drafts, submitted, returned) to review them.
"""
import csv
from collections.abc import Iterable, Iterator
from decimal import Decimal
from itertools import batched

from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import generics, serializers
from rest_framework.response import Response

from api.base import StrictApiMixin, error_responses
from api.exports import _Echo, csv_cell
from api.renderers import CSVRenderer, ORJSONRenderer
from api.views import CSV_RESPONSE, ProjectListMixin, project_pk
from projects.models import Project
from projects.selectors import project_visible, sees_all_projects
from results.selectors import periods_flat, progress, project_results, results_of, track


@extend_schema_field(OpenApiTypes.STR)
class DecimalText(serializers.Field):
    """A decimal as a string without trailing zeros ("12.5"), or null."""

    def to_representation(self, value: Decimal | None):
        return None if value is None else format(value.normalize(), "f")


class DimensionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    value = serializers.CharField()


class DimensionFigureSerializer(serializers.Serializer):
    dimension = serializers.IntegerField(help_text="Id of one of the indicator's dimensions.")
    value = DecimalText(allow_null=True)
    texts = serializers.ListField(child=serializers.CharField(), required=False)


class UpdateSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    state = serializers.CharField()
    dimension = serializers.IntegerField(source="dimension_id", allow_null=True)
    value = DecimalText(allow_null=True)
    text = serializers.CharField()
    comment = serializers.CharField()
    review_comment = serializers.CharField()


class TargetSerializer(serializers.Serializer):
    value = DecimalText(allow_null=True)
    comment = serializers.CharField()
    dimensions = DimensionFigureSerializer(many=True)


class ActualSerializer(serializers.Serializer):
    value = DecimalText(allow_null=True, help_text="Sum (unit, nominal) or latest (percentage, ordinal) of approved updates.")
    texts = serializers.ListField(child=serializers.CharField(), help_text="Approved reports of a qualitative indicator.")
    dimensions = DimensionFigureSerializer(many=True)


class PeriodSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    start = serializers.DateField()
    end = serializers.DateField()
    locked = serializers.BooleanField()
    target = TargetSerializer()
    actual = ActualSerializer()
    progress = serializers.IntegerField(allow_null=True, help_text="The actual as a percentage of the target, 0-100.")
    track = serializers.ChoiceField(choices=["on", "off"], allow_null=True,
                                    help_text="On or off track against the target's pace; null without both figures.")
    updates = UpdateSerializer(many=True, required=False, help_text="Officers only: updates not yet approved.")


class BaselineSerializer(serializers.Serializer):
    year = serializers.IntegerField(allow_null=True)
    value = DecimalText(allow_null=True)
    comment = serializers.CharField()


class ReferenceSerializer(serializers.Serializer):
    vocabulary = serializers.CharField(help_text="IATI IndicatorVocabulary code, e.g. 8 for SDG targets.")
    code = serializers.CharField()


class IndicatorSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    description = serializers.CharField()
    measure = serializers.ChoiceField(choices=["unit", "percentage", "nominal", "ordinal", "qualitative"])
    ascending = serializers.BooleanField()
    baseline = BaselineSerializer()
    reference = ReferenceSerializer(allow_null=True)
    dimensions = DimensionSerializer(many=True)
    periods = PeriodSerializer(many=True)


class ResultSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    type = serializers.ChoiceField(choices=["output", "outcome", "impact", "other"])
    title = serializers.CharField()
    description = serializers.CharField()
    aggregation_status = serializers.BooleanField()
    objective = serializers.CharField(allow_null=True, help_text="The project objective the result serves.")
    indicators = IndicatorSerializer(many=True)


class ProjectResultsSerializer(serializers.Serializer):
    project = serializers.IntegerField()
    results = ResultSerializer(many=True)


def _figures(figures: dict, *, texts=False) -> list[dict]:
    return [{"dimension": d, "value": DecimalText().to_representation(a.value), **({"texts": a.texts} if texts else {})}
            for d, a in sorted(figures.items())]


def _decimal(value):
    return DecimalText().to_representation(value)


def results_data(project: Project, *, staff: bool) -> dict:
    """The response body, built straight from the selector's rows (DRF's field walk over 600 periods costs more)."""
    results = []
    for row in project_results(project, staff=staff):
        result = row.result
        indicators = []
        for indicator_row in row.indicators:
            indicator = indicator_row.indicator
            periods = []
            for period_row in indicator_row.periods:
                period = period_row.period
                item = {
                    "id": period.id, "start": period.start.isoformat(), "end": period.end.isoformat(),
                    "locked": period.is_locked,
                    "target": {"value": _decimal(period.target_value), "comment": period.target_comment,
                               "dimensions": _figures({t.dimension_id: _Target(t.value)
                                                       for t in period.dimension_targets.all()})},
                    "actual": {"value": _decimal(period_row.actual.value), "texts": period_row.actual.texts,
                               "dimensions": _figures(period_row.dimension_actuals, texts=indicator.is_qualitative)},
                    "progress": progress(period_row), "track": track(indicator, period_row),
                }
                if staff:
                    item["updates"] = [
                        {"id": u.id, "state": u.state, "dimension": u.dimension_id, "value": _decimal(u.value),
                         "text": u.text, "comment": u.comment, "review_comment": u.review_comment}
                        for u in period_row.pending
                    ]
                periods.append(item)
            indicators.append({
                "id": indicator.id, "title": indicator.title, "description": indicator.description,
                "measure": indicator.get_measure_display().lower(), "ascending": indicator.ascending,
                "baseline": {"year": indicator.baseline_year, "value": _decimal(indicator.baseline_value),
                             "comment": indicator.baseline_comment},
                "reference": ({"vocabulary": indicator.reference_vocabulary, "code": indicator.reference_code}
                              if indicator.reference_vocabulary else None),
                "dimensions": [{"id": d.id, "name": d.name, "value": d.value} for d in indicator_row.dimensions],
                "periods": periods,
            })
        results.append({
            "id": result.id, "type": result.get_result_type_display().lower(), "title": result.title,
            "description": result.description, "aggregation_status": result.aggregation_status,
            "objective": result.objective.text if result.objective_id else None, "indicators": indicators,
        })
    return {"project": project.pk, "results": results}


class _Target:
    """A disaggregated target read as an actual is, for _figures()."""

    def __init__(self, value):
        self.value, self.texts = value, []


RESULTS_CSV_COLUMNS = [
    "project_id", "project_slug", "result_type", "result", "indicator", "measure", "ascending", "baseline_year",
    "baseline_value", "period_start", "period_end", "target", "actual", "progress", "track",
]
RESULTS_BATCH = 500  # projects whose results are read together (six queries a batch)


def results_csv_stream(projects: Iterable[tuple[int, str]]) -> Iterator[str]:
    """CSV lines: a header, then one line per indicator period of each (id, slug) project; approved actuals only."""
    writer = csv.writer(_Echo())
    today = timezone.localdate()
    yield writer.writerow(RESULTS_CSV_COLUMNS)
    for batch in batched(projects, RESULTS_BATCH):
        results = results_of([project_id for project_id, _slug in batch])
        for project_id, slug in batch:
            for result, indicator_row, row in periods_flat(results.get(project_id, ())):
                indicator = indicator_row.indicator
                actual = "; ".join(row.actual.texts) if indicator.is_qualitative else _decimal(row.actual.value)
                yield writer.writerow([csv_cell(value) for value in (
                    project_id, slug, result.get_result_type_display(), result.title, indicator.title,
                    indicator.get_measure_display(), int(indicator.ascending), indicator.baseline_year,
                    _decimal(indicator.baseline_value), row.period.start, row.period.end,
                    _decimal(row.period.target_value) or row.period.target_comment, actual, progress(row),
                    track(indicator, row, today),
                )])


def _csv_response(lines, filename):
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@extend_schema(tags=["projects"], responses={
    (200, "application/json"): ProjectResultsSerializer, (200, "text/csv"): CSV_RESPONSE,
    **error_responses(400, 401, 404, 406, 429, media_type="application/json"),
})
class ProjectResultsView(StrictApiMixin, generics.GenericAPIView):
    """A project's results, indicators (baseline, dimensions), periods, targets and approved actuals.

    A 404 for a project the caller may not see, exactly as the project itself. `?format=csv`:
    one row per indicator period.
    """

    serializer_class = ProjectResultsSerializer
    queryset = Project.objects.none()
    pagination_class = None
    renderer_classes = [ORJSONRenderer, CSVRenderer]

    def get(self, request, pk):
        project = get_object_or_404(project_visible(user=request.user).only("id", "slug"), pk=project_pk(pk))
        if request.accepted_renderer.format == CSVRenderer.format:
            return _csv_response(results_csv_stream([(project.pk, project.slug)]), f"{project.slug}-results.csv")
        return Response(results_data(project, staff=sees_all_projects(request.user)))


@extend_schema(tags=["projects"], responses={
    (200, "text/csv"): OpenApiTypes.STR, **error_responses(400, 401, 406, 429, media_type="application/json"),
})
class ResultsCsvView(ProjectListMixin, generics.GenericAPIView):
    """Results of every matching project (same filters as the project list) as CSV, one row per indicator period."""

    renderer_classes = [CSVRenderer]
    pagination_class = None

    def get(self, request):
        projects = self.filtered_projects().values_list("id", "slug").iterator(chunk_size=2000)
        return _csv_response(results_csv_stream(projects), "results.csv")
