"""WeasyPrint's part of the PDF reports (dashboards.pdf): HTML and CSS to A4 PDF, fetching nothing outside.

`LocalFetcher` serves our own static files from disk and refuses every other address (http,
file, data, ...), so a report renders offline and no text in a project can make the server
fetch a URL.
"""
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from weasyprint import CSS, HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

STYLESHEET = "dashboards/pdf.css"


class LocalFetcher(URLFetcher):
    """Serves `STATIC_URL` paths from the static files' directories; refuses anything else.

    WeasyPrint logs a refused resource and leaves it out: the report still renders.
    """

    def __init__(self, base_url: str):
        super().__init__(fail_on_errors=False)
        self.static_prefix = urlsplit(base_url)._replace(path="/" + settings.STATIC_URL.strip("/") + "/").geturl()

    def fetch(self, url, headers=None):
        if not url.startswith(self.static_prefix):
            raise ValueError(f"not fetched (only the product's static files are): {url[:200]}")
        name = unquote(urlsplit(url).path[len(urlsplit(self.static_prefix).path):])
        path = finders.find(name) if ".." not in name.split("/") else None
        if not path:
            raise ValueError(f"no such static file: {name[:200]}")
        with open(path, "rb") as file:
            return URLFetcherResponse(url, file.read(), {"Content-Type": _content_type(name)})


def _content_type(name: str) -> str:
    return {"css": "text/css", "svg": "image/svg+xml", "png": "image/png"}.get(name.rsplit(".", 1)[-1], "")


def render_pdf(request, template: str, context: dict) -> bytes:
    """The template rendered in the request's language, as A4 PDF bytes (about a second each)."""
    base_url = request.build_absolute_uri("/")
    html = render_to_string(template, context, request=request)
    stylesheet = CSS(filename=finders.find(STYLESHEET), url_fetcher=LocalFetcher(base_url))
    return HTML(string=html, base_url=base_url, url_fetcher=LocalFetcher(base_url)).write_pdf(stylesheets=[stylesheet])
