"""How the API writes its bodies: JSON through orjson; CSV, XLSX and IATI XML are written by their views."""
import orjson
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.utils import encoders


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


class StreamedRenderer(BaseRenderer):
    """Negotiates a format its view streams itself; errors are JSON (api.base.StrictApiMixin)."""

    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):  # pragma: no cover - never reached
        raise NotImplementedError(f"{self.format} is streamed by the view.")


class CSVRenderer(StreamedRenderer):
    """`?format=csv` (or `Accept: text/csv`) on the project list: api.exports writes the body."""

    media_type = "text/csv"
    format = "csv"


class XLSXRenderer(StreamedRenderer):
    """`?format=xlsx` on the project list: api.exports writes the workbook (the CSV's columns and rows)."""

    media_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    format = "xlsx"
    charset = None


class IATIXMLRenderer(StreamedRenderer):
    """IATI 2.03 activity XML: iati.writer writes the body."""

    media_type = "application/xml"
    format = "xml"
