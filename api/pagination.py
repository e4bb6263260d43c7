"""Pages of API lists: DRF's count/next/previous/results envelope (plus count_exact) in one query per page."""
from functools import partial

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db.models import Field, Func, IntegerField, QuerySet, Subquery, Value
from django.db.models.expressions import RawSQL
from django.db.models.sql.where import WhereNode
from rest_framework import exceptions
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

PAGINATION_PARAMS = ("page", "page_size", "count")
EXACT = "exact"


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


def capped_count(queryset: QuerySet, cap: int) -> RawSQL | Value:
    """`SELECT COUNT(*) FROM (the filtered pks LIMIT cap + 1)` as an expression: the matches, counted up to
    one past `cap`, so the count's cost stops growing with the table (a plain count reads every match)."""
    inner = queryset.order_by().values("pk")[: cap + 1]
    try:
        sql, params = inner.query.get_compiler(using=queryset.db).as_sql()
    except EmptyResultSet:  # `.none()` or `pk__in=[]`: nothing to count
        return Value(0, output_field=IntegerField())
    return RawSQL(f"SELECT COUNT(*) FROM ({sql}) capped", params, output_field=IntegerField())


def _unfiltered(queryset: QuerySet) -> QuerySet:
    """`queryset` without its WHERE, for the page's rows once its ids carry the filters.

    Re-applying a filter costs little for most, but a search (`pk IN (the ids matching a word)`)
    would read every match a second time. Kept filtered when a join could repeat a row
    (a to-many join only its WHERE narrowed) or the queryset is empty (`.none()`).
    """
    query = queryset.query
    if query.is_empty() or query.distinct or any(
        not isinstance(getattr(join, "join_field", None), Field) or join.join_field.many_to_many
        for alias, join in query.alias_map.items() if alias != query.base_table
    ):
        return queryset
    clone = queryset.all()
    clone.query.where = WhereNode()
    return clone


class ListPage(Page):
    """A page that knows whether another follows from the rows read, not from the count (which may be a bound)."""

    def __init__(self, object_list, number, paginator, *, more: bool):
        super().__init__(object_list, number, paginator)
        self.more = more

    def has_next(self):
        return self.more

    def next_page_number(self):
        if not self.more:
            raise EmptyPage(self.paginator.error_messages["no_results"])
        return self.number + 1


class IdsFirstPaginator(Paginator):
    """Django's Paginator in one query per page, for querysets: the page's ids first, then their rows.

    The page query is `... WHERE pk IN (SELECT pk ... ORDER BY ... LIMIT n + 1 OFFSET k) ORDER BY ...`
    with the count of the filtered set as an uncorrelated scalar subquery, so a page
    costs one query (plus the caller's prefetches), the expensive select list runs for the
    page's rows only, and the count is computed without the select list's annotations.
    The one row past the page says whether a next page exists, whatever the count.

    The count is exact up to `count_limit` matches (0: always exact); above it the filtered
    set is counted only to `count_limit + 1`, `count_exact` is False and `count` is a lower
    bound (more than `count` match): an exact count reads every match, which is what grows
    with the portfolio. The last page knows the exact count from its own position.
    A page past the last one is an EmptyPage, as with Django's Paginator.
    """

    def __init__(self, *args, count_limit: int = 0, **kwargs):
        super().__init__(*args, **kwargs)
        self.count_limit = count_limit
        self.count_exact = True

    def page(self, number):
        if not isinstance(self.object_list, QuerySet):
            return super().page(number)
        number = self.validate_number_format(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        queryset = self.object_list
        ids = queryset.values("pk")[bottom : top + 1]
        if self.count_limit:
            total = capped_count(queryset, self.count_limit)
        else:
            total = Subquery(queryset.order_by().annotate(_total=_Count()).values("_total"))
        rows = list(_unfiltered(queryset).filter(pk__in=Subquery(ids)).annotate(_page_total=total))
        more = len(rows) > self.per_page
        rows = rows[: self.per_page]
        if rows:
            counted = rows[0]._page_total
            if self.count_limit and counted > self.count_limit:
                # More than count_limit match: exact only on the last page, which knows where it ends.
                self.count_exact = not more
                counted = bottom + len(rows) if not more else max(self.count_limit, top)
            self.count = counted  # overrides the cached_property: no COUNT query
        elif number == 1 and self.allow_empty_first_page:
            self.count = 0
        else:
            raise EmptyPage(self.error_messages["no_results"])
        return ListPage(rows, number, self, more=more)

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
    """DRF's count/next/previous/results envelope plus `count_exact`; `page_size` is capped at API_MAX_PAGE_SIZE.

    Pages come from IdsFirstPaginator: one query for the page and its count, the count exact
    up to API_EXACT_COUNT_LIMIT matches (a lower bound above it) unless the caller asks `?count=exact`.
    """

    django_paginator_class = IdsFirstPaginator
    page_size = settings.API_PAGE_SIZE
    page_size_query_param = "page_size"
    count_query_param = "count"
    max_page_size = settings.API_MAX_PAGE_SIZE
    last_page_strings = ()

    def get_page_size(self, request):
        size = _positive_int(request, self.page_size_query_param)
        return self.page_size if size is None else min(size, self.max_page_size)

    def exact_count_asked(self, request) -> bool:
        values = request.query_params.getlist(self.count_query_param)
        if not values:
            return False
        if len(values) > 1 or values[0] != EXACT:
            raise exceptions.ValidationError(
                {self.count_query_param: [f"Give {EXACT!r} (once) for an exact count, or leave the parameter out."]}
            )
        return True

    def validate_params(self, request) -> None:
        """Refuse a malformed page, page_size or count, also where no page is cut (CSV)."""
        _positive_int(request, self.page_query_param)
        self.get_page_size(request)
        self.exact_count_asked(request)

    def paginate_queryset(self, queryset, request, view=None):
        self.validate_params(request)
        limit = 0 if self.exact_count_asked(request) else settings.API_EXACT_COUNT_LIMIT
        self.django_paginator_class = partial(IdsFirstPaginator, count_limit=limit)
        return super().paginate_queryset(queryset, request, view)

    def get_paginated_response(self, data):
        return Response({
            "count": self.page.paginator.count,
            "count_exact": getattr(self.page.paginator, "count_exact", True),
            "next": self.get_next_link(),
            "previous": self.get_previous_link(),
            "results": data,
        })

    def get_paginated_response_schema(self, schema):
        response = super().get_paginated_response_schema(schema)
        properties = response["properties"]
        properties["count"]["description"] = (
            "How many match. Exact when `count_exact` is true; otherwise a lower bound (more than `count` "
            "match): above API_EXACT_COUNT_LIMIT (default 1,000) matches only that many are counted, "
            "unless `count=exact` is given."
        )
        response["properties"] = {
            "count": properties["count"],
            "count_exact": {
                "type": "boolean",
                "description": "Whether `count` is the exact number of matches (false: a lower bound).",
            },
            **{name: value for name, value in properties.items() if name != "count"},
        }
        response["required"] = ["count", "count_exact", "next", "previous", "results"]
        return response

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
            {
                "name": self.count_query_param,
                "required": False,
                "in": "query",
                "description": "`exact`: count every match. Without it the count stops past API_EXACT_COUNT_LIMIT "
                "matches (default 1,000) and says so with `count_exact: false`; `next` is right either way.",
                "schema": {"type": "string", "enum": [EXACT]},
            },
        ]
