"""The deadline filters of /api/v1/deadlines/; scope the queryset first (deadlines.selectors.deadlines_api_list)."""
import django_filters

from deadlines.models import Deadline, DeadlineState


class DeadlineFilterSet(django_filters.FilterSet):
    """By project id, state and due range (inclusive); a bad value is a 400 naming the parameter.

    A project the caller may not see is no error: it matches nothing, so an id tells nothing.
    """

    project = django_filters.NumberFilter(field_name="project_id", min_value=1, help_text="A project's id.")
    state = django_filters.ChoiceFilter(choices=DeadlineState.choices, help_text="open, done or waived.")
    due_after = django_filters.DateFilter(field_name="due_on", lookup_expr="gte", help_text="Due on or after, YYYY-MM-DD.")
    due_before = django_filters.DateFilter(field_name="due_on", lookup_expr="lte", help_text="Due on or before, YYYY-MM-DD.")

    class Meta:
        model = Deadline
        fields = ["project", "state", "due_after", "due_before"]
