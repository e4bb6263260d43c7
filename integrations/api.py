"""Plumbing shared by every REST endpoint: pagination, strict parameters, JSON errors."""
import orjson
from django.conf import settings
from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db.models import Func, IntegerField, QuerySet, Subquery
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions
from rest_framework.pagination import PageNumberPagination
from rest_framework.renderers import JSONRenderer
from rest_framework.utils import encoders

PAGINATION_PARAMS = ("page", "page_size")
# DRF's URL_FORMAT_OVERRIDE: ?format=json always works, other formats where a view renders them.
FORMAT_PARAM = "format"

ERROR_RESPONSE = OpenApiResponse(
    response=OpenApiTypes.OBJECT,
    description="Bad request: an object mapping each bad parameter to messages saying what is allowed.",
)
NOT_FOUND_RESPONSE = OpenApiResponse(
    response=OpenApiTypes.OBJECT, description="Not found: no such object visible to you, or a page past the last one."
)
UNAUTHORIZED_RESPONSE = OpenApiResponse(response=OpenApiTypes.OBJECT, description="Invalid, revoked or expired token.")
THROTTLED_RESPONSE = OpenApiResponse(response=OpenApiTypes.OBJECT, description="Too many requests; retry later.")


def error_responses(*codes: int, media_type: str | None = None) -> dict:
    """The JSON error responses of an endpoint, for extend_schema(responses=...)."""
    known = {400: ERROR_RESPONSE, 401: UNAUTHORIZED_RESPONSE, 404: NOT_FOUND_RESPONSE, 429: THROTTLED_RESPONSE}
    return {((code, media_type) if media_type else code): known[code] for code in codes}


def _positive_int(request, name: str) -> int | None:
    raw = request.query_params.get(name)
    if raw is None:
        return None
    raw = raw.strip()
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 9 or int(raw) < 1:
        raise exceptions.ValidationError({name: [f"Give a whole number of at least 1; got {raw[:20]!r}."]})
    return int(raw)


class ORJSONRenderer(JSONRenderer):
    """DRF's JSONRenderer through orjson, several times faster on a page of projects.

    Compact UTF-8, as DRF's defaults. What orjson does not encode the same way (lazy
    translations, Decimals, sets, and datetimes, which DRF writes with a "Z") goes
    through DRF's encoder; a request for indented JSON gets DRF's renderer.
    """

    _default = encoders.JSONEncoder().default

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        if self.get_indent(accepted_media_type or "", renderer_context or {}):
            return super().render(data, accepted_media_type, renderer_context)
        return orjson.dumps(data, default=self._default, option=orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_NON_STR_KEYS)


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


class StrictApiMixin:
    """Reject unknown query parameters and unsupported formats with a 400; errors are always JSON.

    A view lists its filter parameters in `query_params_allowed`; pagination
    parameters are added for list views.
    """

    query_params_allowed: tuple[str, ...] = ()
    metadata_class = None  # read-only API: OPTIONS is a 405, never a body in CSV or XML

    def allowed_query_params(self) -> set[str]:
        allowed = {*self.query_params_allowed, FORMAT_PARAM}
        if getattr(self, "pagination_class", None) and getattr(self, "action", "list") == "list":
            allowed.update(PAGINATION_PARAMS)
        return allowed

    def check_query_params(self, request):
        allowed = self.allowed_query_params()
        unknown = sorted(key for key in request.query_params if key not in allowed)
        if unknown:
            message = f"Unknown parameter. Allowed parameters: {', '.join(sorted(allowed))}."
            raise exceptions.ValidationError({name[:100]: [message] for name in unknown})
        empty = sorted(key for key, values in request.query_params.lists() if any(v == "" for v in values))
        if empty:
            raise exceptions.ValidationError({name: ["Give a value, or leave the parameter out."] for name in empty})

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.check_query_params(request)

    def perform_content_negotiation(self, request, force=False):
        try:
            return super().perform_content_negotiation(request, force)
        except (exceptions.NotFound, Http404):
            formats = ", ".join(sorted({r.format for r in self.get_renderers()}))
            raise exceptions.ValidationError({FORMAT_PARAM: [f"Unsupported format. Allowed formats: {formats}."]}) from None

    def handle_exception(self, exc):
        response = super().handle_exception(exc)
        renderer = getattr(self.request, "accepted_renderer", None)
        if renderer is not None and renderer.media_type != "application/json":
            self.request.accepted_renderer = ORJSONRenderer()
            self.request.accepted_media_type = "application/json"
        return response
