"""Deadline filters: of /api/v1/deadlines/ and of a donor's reporting page. Scope the queryset first
(deadlines.selectors.deadlines_api_list, deadlines_readable_by): a filter never widens what a caller reads."""
import django_filters
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field

from deadlines.models import Deadline, DeadlineStatus

STATE_HELP = (
    "upcoming, due or overdue (open or returned deadlines, by the date: due within DEADLINE_DUE_SOON_DAYS), "
    "submitted, returned, approved (met), waived, skipped or closed (with the project, before it was entered)."
)


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": 2**63 - 1})
class IdFilter(django_filters.NumberFilter):
    """A whole number of at least 1 (a number filter reads decimals)."""

    field_class = forms.IntegerField


class StatusFilterMixin:
    """`state` by DeadlineStatus, on the day the filter set was made for (`today=`, else the local date)."""

    def __init__(self, *args, today=None, **kwargs):
        self.today = today or timezone.localdate()
        super().__init__(*args, **kwargs)

    def filter_status(self, queryset, name, value):
        return queryset.with_status(value, today=self.today) if value else queryset


class DeadlineFilterSet(StatusFilterMixin, django_filters.FilterSet):
    """By project id, state and due range (inclusive); a bad value is a 400 naming the parameter.

    A project the caller may not see is no error: it matches nothing, so an id tells nothing.
    """

    project = IdFilter(field_name="project_id", min_value=1, max_value=2**63 - 1, help_text="A project's id.")
    state = django_filters.ChoiceFilter(choices=DeadlineStatus.choices, method="filter_status", help_text=STATE_HELP)
    due_after = django_filters.DateFilter(field_name="due_on", lookup_expr="gte", help_text="Due on or after, YYYY-MM-DD.")
    due_before = django_filters.DateFilter(field_name="due_on", lookup_expr="lte", help_text="Due on or before, YYYY-MM-DD.")

    class Meta:
        model = Deadline
        fields = ["project", "state", "due_after", "due_before"]


class ReportingFilterSet(StatusFilterMixin, django_filters.FilterSet):
    """A donor's reporting page: by project (of the deadlines listed), state and year due."""

    project = django_filters.ChoiceFilter(field_name="project__slug", label=_("Project"), empty_label=_("All projects"))
    state = django_filters.ChoiceFilter(
        choices=DeadlineStatus.choices, method="filter_status", label=_("State"), empty_label=_("All states"),
    )
    year = django_filters.NumberFilter(
        field_name="due_on__year", label=_("Year due"), min_value=1900, max_value=2200,
    )

    class Meta:
        model = Deadline
        fields = ["project", "state", "year"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        projects = self.queryset.order_by("project__title").values_list("project__slug", "project__title").distinct()
        self.filters["project"].extra["choices"] = list(projects)
