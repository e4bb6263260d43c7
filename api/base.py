"""What every API view shares: strict parameters, content negotiation, JSON errors, cache headers."""
from django.http import Http404
from django.utils.cache import patch_cache_control, patch_vary_headers
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions
from rest_framework.renderers import JSONRenderer

from api.pagination import PAGINATION_PARAMS
from api.renderers import CSVRenderer, IATIXMLRenderer, ORJSONRenderer, XLSXRenderer

# DRF's URL_FORMAT_OVERRIDE: ?format=<format> picks one of the formats a view renders. A value
# that is no format of the API is a bad parameter (400); one of them that the view does not
# render is not acceptable there (406), as an Accept header it cannot satisfy.
FORMAT_PARAM = "format"
API_FORMATS = (ORJSONRenderer.format, CSVRenderer.format, XLSXRenderer.format, IATIXMLRenderer.format)

ERROR_RESPONSES = {
    400: OpenApiResponse(
        response=OpenApiTypes.OBJECT,
        description="Bad request: an object mapping each bad parameter to messages saying what is allowed.",
    ),
    401: OpenApiResponse(response=OpenApiTypes.OBJECT, description="Invalid, revoked or expired token."),
    404: OpenApiResponse(
        response=OpenApiTypes.OBJECT, description="Not found: no such object visible to you, or a page past the last one."
    ),
    406: OpenApiResponse(
        response=OpenApiTypes.OBJECT,
        description="Not acceptable: the Accept header or `format` asks for a representation this endpoint does not "
        "serve; `detail` names those it does.",
    ),
    429: OpenApiResponse(response=OpenApiTypes.OBJECT, description="Too many requests; retry later."),
}


def error_responses(*codes: int, media_type: str | None = None) -> dict:
    """The JSON error responses of an endpoint, for extend_schema(responses=...)."""
    return {((code, media_type) if media_type else code): ERROR_RESPONSES[code] for code in codes}


class StrictApiMixin:
    """Strict parameters and negotiation for a DRF view; errors are always JSON.

    - An unknown or empty query parameter is a 400. A view lists its filter parameters
      in `query_params_allowed`; pagination parameters are added for list views.
    - A representation the view does not render (by `Accept`, or `?format=` one of the
      API's formats) is a 406 naming those it does; any other `?format=` is a 400.
    - The body depends on who asks, so every response varies on Authorization and
      Cookie, and one made for a token or a logged-in user is `Cache-Control: private`:
      a shared cache never hands it to someone else.
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
        # DRF raises a 404 for a ?format= the view does not render, a 406 for an Accept header.
        except (exceptions.NotFound, Http404, exceptions.NotAcceptable):
            renderers = self.get_renderers()
            asked = request.query_params.get(FORMAT_PARAM)
            if asked is not None and asked not in API_FORMATS:
                formats = ", ".join(sorted(r.format for r in renderers))
                raise exceptions.ValidationError(
                    {FORMAT_PARAM: [f"Unsupported format. Allowed formats: {formats}."]}
                ) from None
            served = ", ".join(f"{r.media_type} (?{FORMAT_PARAM}={r.format})" for r in renderers)
            raise exceptions.NotAcceptable(
                f"This endpoint does not serve the representation asked for (Accept header or ?{FORMAT_PARAM}=). "
                f"It serves: {served}."
            ) from None

    def handle_exception(self, exc):
        response = super().handle_exception(exc)
        # Errors are JSON whatever was negotiated (or failed to be): the CSV and XML renderers
        # only announce formats their views stream.
        if not isinstance(getattr(self.request, "accepted_renderer", None), JSONRenderer):
            self.request.accepted_renderer = ORJSONRenderer()
            self.request.accepted_media_type = ORJSONRenderer.media_type
        return response

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        patch_vary_headers(response, ("Authorization", "Cookie"))
        # DRF sets the Django request's user to the one it authenticated (token or session).
        user = getattr(request._request, "user", None)
        if request.META.get("HTTP_AUTHORIZATION") or (user is not None and user.is_authenticated):
            patch_cache_control(response, private=True)
        return response
