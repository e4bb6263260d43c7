"""Pages of API lists: DRF's count/next/previous/results envelope in one query per page."""
from django.conf import settings
from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db.models import Func, IntegerField, QuerySet, Subquery
from rest_framework import exceptions
from rest_framework.pagination import PageNumberPagination

PAGINATION_PARAMS = ("page", "page_size")


def _positive_int(request, name: str) -> int | None:
    values = request.query_params.getlist(name)
    if not values:
        return None
    if len(values) > 1:  # every copy is refused rather than the last one read
        raise exceptions.ValidationError({name: ["Give this parameter once; it takes a single value."]})
    raw = values[0].strip()
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 9 or int(raw) < 1:
        raise exceptions.ValidationError({name: [f"Give a whole number of at least 1; got {raw[:20]!r}."]})
    return int(raw)


class _Count(Func):
    """COUNT(*) that Django does not see as an aggregate (so it adds no GROUP BY): for a scalar subquery."""

    function = "COUNT"
    template = "COUNT(*)"
    output_field = IntegerField()
    contains_aggregate = False


class IdsFirstPaginator(Paginator):
    """Django's Paginator in one query per page, for querysets: the page's ids first, then their rows.

    The page query is `... WHERE pk IN (SELECT pk ... ORDER BY ... LIMIT n OFFSET k) ORDER BY ...`
    with the count of the whole filtered set as an uncorrelated scalar subquery, so a page
    costs one query (plus the caller's prefetches), the expensive select list runs for the
    page's rows only, and the count is computed without the select list's annotations.
    A page past the last one is an EmptyPage, as with Django's Paginator.
    """

    def page(self, number):
        if not isinstance(self.object_list, QuerySet):
            return super().page(number)
        number = self.validate_number_format(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        queryset = self.object_list
        ids = queryset.values("pk")[bottom:top]
        total = queryset.order_by().annotate(_total=_Count()).values("_total")
        rows = list(queryset.filter(pk__in=Subquery(ids)).annotate(_page_total=Subquery(total)))
        if rows:
            self.count = rows[0]._page_total  # overrides the cached_property: no COUNT query
        elif number == 1 and self.allow_empty_first_page:
            self.count = 0
        else:
            raise EmptyPage(self.error_messages["no_results"])
        return Page(rows, number, self)

    def validate_number_format(self, number):
        try:
            if isinstance(number, float) and not number.is_integer():
                raise ValueError
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from None
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        return number


class ApiPagination(PageNumberPagination):
    """DRF's count/next/previous/results envelope; `page_size` is capped at API_MAX_PAGE_SIZE.

    Pages come from IdsFirstPaginator: one query for the page and its count.
    """

    django_paginator_class = IdsFirstPaginator
    page_size = settings.API_PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = settings.API_MAX_PAGE_SIZE
    last_page_strings = ()

    def get_page_size(self, request):
        size = _positive_int(request, self.page_size_query_param)
        return self.page_size if size is None else min(size, self.max_page_size)

    def validate_params(self, request) -> None:
        """Refuse a malformed page or page_size, also where no page is cut (CSV)."""
        _positive_int(request, self.page_query_param)
        self.get_page_size(request)

    def paginate_queryset(self, queryset, request, view=None):
        self.validate_params(request)
        return super().paginate_queryset(queryset, request, view)

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.page_query_param,
                "required": False,
                "in": "query",
                "description": "Page number, from 1. A page past the last one is a 404.",
                "schema": {"type": "integer", "minimum": 1, "maximum": 999999999},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": f"Results per page: {self.page_size} by default, at most {self.max_page_size} "
                "(larger values are capped).",
                "schema": {"type": "integer", "minimum": 1, "maximum": 999999999},
            },
        ]
