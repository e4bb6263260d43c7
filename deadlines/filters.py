"""The deadline filters of /api/v1/deadlines/; scope the queryset first (deadlines.selectors.deadlines_api_list)."""
import django_filters
from django import forms
from drf_spectacular.utils import extend_schema_field

from deadlines.models import Deadline, DeadlineState


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": 2**63 - 1})
class IdFilter(django_filters.NumberFilter):
    """A whole number of at least 1 (a number filter reads decimals)."""

    field_class = forms.IntegerField


class DeadlineFilterSet(django_filters.FilterSet):
    """By project id, state and due range (inclusive); a bad value is a 400 naming the parameter.

    A project the caller may not see is no error: it matches nothing, so an id tells nothing.
    """

    project = IdFilter(field_name="project_id", min_value=1, max_value=2**63 - 1, help_text="A project's id.")
    state = django_filters.ChoiceFilter(choices=DeadlineState.choices, help_text="open, done or waived.")
    due_after = django_filters.DateFilter(field_name="due_on", lookup_expr="gte", help_text="Due on or after, YYYY-MM-DD.")
    due_before = django_filters.DateFilter(field_name="due_on", lookup_expr="lte", help_text="Due on or before, YYYY-MM-DD.")

    class Meta:
        model = Deadline
        fields = ["project", "state", "due_after", "due_before"]
