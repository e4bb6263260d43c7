"""PDF reports (dashboards/pdf.py, issue 17): each PDF is downloaded, its text extracted with pypdf and
checked against the HTML page of the same address: the same figures, money as the page formats it, the
same projects, the viewer's language, and nothing the viewer may not see. WeasyPrint takes about a
second a render: each test renders one."""
import datetime
import io
import os
import re

import pytest
from django.utils import timezone, translation
from django.utils.formats import date_format
from pypdf import PdfReader

from dashboards import pdf, pdf_render
from results.models import Indicator, Period, Result, Update
from tests.money import INTERNAL_TEXT

pytestmark = pytest.mark.django_db
SDC_ONLY = "bangladesh-migration-policy"


def _plain(text: str) -> str:
    """Whitespace as single spaces: a PDF breaks lines, and locales group digits with no-break spaces."""
    return " ".join(text.replace("\u202f", " ").replace("\xa0", " ").split())


def pdf_text(response) -> str:
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    return _plain(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages))


def page_amounts(html: str) -> dict[str, str]:
    """The money cards of an HTML page: name → "195,570 USD", formatted as the page shows them."""
    found = re.findall(
        r'data-money-figure="([\w-]+)">.*?<span data-amount>(.*?)</span> <span class="figure__currency">(\w+)</span>',
        html, flags=re.DOTALL,
    )
    return {name: _plain(f"{amount} {currency}") for name, amount, currency in found}


def page_projects(response) -> list[str]:
    """The names the HTML page's table gives its projects (short name, else title)."""
    return [project.short_name or project.title for project in response.context["page"].object_list]


def test_donor_report_shows_what_the_donor_page_shows(client, money):
    page = client.get("/donors/SDC/")
    response = client.get("/donors/SDC/report.pdf")
    text = pdf_text(response)
    today = timezone.localdate()
    assert response["Content-Disposition"] == f'attachment; filename="portfolio-SDC-{today.isoformat()}.pdf"'
    figures = page.context["figures"]
    assert f"Projects {figures['projects']} Active now {figures['active']} Countries {figures['countries']}" in text
    assert f"{figures['projects']} projects" in text
    amounts = page_amounts(page.content.decode())
    assert set(amounts) == {"contribution-committed", "contribution-received", "budget", "committed", "disbursed", "spent"}
    assert amounts["budget"] == "195,570 USD"  # tests/money.py, converted at its fixed rates
    for label, name in (("Budget", "budget"), ("Committed", "committed"), ("Disbursed", "disbursed"),
                        ("Spent", "spent"), ("Received from SDC", "contribution-received")):
        assert f"{label} {amounts[name]}" in text, name
    for name in page_projects(page):
        assert name in text
    assert page.context["page"].paginator.count == figures["projects"] == 5
    # Public money only: the internal budget and expenditure of the SDC project count for staff alone.
    assert "777,778" not in text and "777,777" not in text and INTERNAL_TEXT not in text
    assert f"Generated on {date_format(today, 'DATE_FORMAT')}" in text
    assert "Filters: No filter" in text
    assert "Next reporting deadlines" not in text  # deadlines are its own users' and officers'


def test_dashboard_report_follows_the_page_filters_and_currency(client, money, monkeypatch, django_assert_num_queries):
    monkeypatch.setattr(pdf, "PDF_PROJECTS_LIMIT", 5)
    query = {"region": "asia-pacific", "currency": "EUR", "ordering": "short_name"}
    page = client.get("/", query)
    with django_assert_num_queries(26):  # a fixed number, however many projects match
        response = client.get("/report.pdf", query)
    text = pdf_text(response)
    assert response["Content-Disposition"] == f'attachment; filename="portfolio-{timezone.localdate().isoformat()}.pdf"'
    assert page.context["figures"]["projects"] == 7
    assert "7 projects" in text and "Region: Asia and the Pacific" in text
    assert "Money, in EUR" in text
    amounts = page_amounts(page.content.decode())
    assert amounts["budget"].endswith(" EUR")
    for label in ("Budget", "Committed", "Disbursed", "Spent"):
        assert f"{label} {amounts[label.lower()]}" in text, label
    shown = sorted(page_projects(page))  # the page's first 20, all seven here, by short name
    for name in shown[:5]:
        assert name in text
    for name in shown[5:]:
        assert name not in text
    assert "2 more projects not shown: a report lists 5 at most." in text
    assert "Lebanon WMDW" not in text  # Arab States: filtered out
    # The chart of regions has the one region; the donors' chart the filtered projects' donors.
    assert "Projects by region Asia and the Pacific 7" in text


def test_report_in_french_has_french_labels_country_names_and_numbers(client, money):
    client.cookies["django_language"] = "fr"
    page = client.get("/", {"region": "africa"})
    report = client.get("/report.pdf", {"region": "africa"})
    text = pdf_text(report)
    assert "Chiffres clés" in text and "Projets" in text and "Afrique" in text
    for country in ("Éthiopie", "Somalie", "Égypte", "Mauritanie"):
        assert country in text
    assert not re.search(r"\bEthiopia\b", text) and "Key figures" not in text and "Region:" not in text
    assert f"{page.context['figures']['projects']} projets" in text
    assert "Région : Afrique" in text or "Région: Afrique" in text
    with translation.override("fr"):
        assert f"Généré le {date_format(timezone.localdate(), 'DATE_FORMAT')}" in text
    assert "Page 1 sur" in text


def test_french_money_is_formatted_as_on_the_french_page(client, money):
    client.cookies["django_language"] = "fr"
    page = client.get(f"/projects/{SDC_ONLY}/")
    text = pdf_text(client.get(f"/projects/{SDC_ONLY}/sheet.pdf"))
    amounts = page_amounts(page.content.decode())
    assert amounts["budget"] == "195 570 USD"
    for name, amount in amounts.items():
        assert amount in text, name
    assert "Budget" in text and "Décaissé" in text and "Bangladesh" in text


def test_project_sheet_shows_what_the_project_page_shows(client, money):
    result = Result.objects.create(project=money.sdc, title="Recruiters trained in fair recruitment")
    indicator = Indicator.objects.create(result=result, title="Recruiters trained")
    period = Period.objects.create(indicator=indicator, start=datetime.date(2024, 1, 1), end=datetime.date(2024, 12, 31),
                                   target_value=400)
    Update.objects.create(period=period, value="123", state="approved")
    Update.objects.create(period=period, value="9876", state="submitted")
    page = client.get(f"/projects/{SDC_ONLY}/")
    response = client.get(f"/projects/{SDC_ONLY}/sheet.pdf")
    text = pdf_text(response)
    assert response["Content-Disposition"] == (
        f'attachment; filename="project-{SDC_ONLY}-{timezone.localdate().isoformat()}.pdf"')
    assert page.context["project_title"] in text
    amounts = page_amounts(page.content.decode())
    for label in ("Budget", "Committed", "Disbursed", "Spent"):
        assert f"{label} {amounts[label.lower()]}" in text, label
    assert "12,346 spent of a budget of 195,570 USD" in text
    for row in ("120,000.00 CHF", "50,000.00 EUR", "12,345.67 USD"):  # budget and transaction rows
        assert row in text
    assert "Bangladesh" in text and "Swiss Agency for Development and Cooperation (SDC)" in text
    assert "15190 Facilitation of orderly, safe, regular and responsible migration and mobility" in " ".join(text.split())
    assert "Recruiters trained" in text and "123 / 400" in text  # the approved actual against the target
    assert "9876" not in text and "9,876" not in text  # a submitted actual counts for nobody
    assert INTERNAL_TEXT not in text and "777,777.77" not in text


def test_a_sheet_and_a_report_are_404_where_their_page_is(client, annex):
    from projects.models import Project

    draft = Project.objects.get(slug=SDC_ONLY)
    Project.objects.filter(pk=draft.pk).update(is_published=False)
    assert client.get(f"/projects/{SDC_ONLY}/").status_code == 404
    assert client.get(f"/projects/{SDC_ONLY}/sheet.pdf").status_code == 404
    assert client.get(f"/projects/{draft.pk}/sheet.pdf").status_code == 404
    assert client.get("/donors/ZZNOSUCH/report.pdf").status_code == 404


def test_pages_link_to_their_pdf_with_the_same_filters(client, money):
    dashboard = client.get("/", {"region": "africa", "year_from": "2010", "currency": "EUR", "page": "1"}).content.decode()
    assert 'href="/report.pdf?region=africa&amp;year_from=2010&amp;currency=EUR" download data-pdf-link' in dashboard
    donor = client.get("/donors/SDC/", {"status": "4"}).content.decode()
    assert 'href="/donors/SDC/report.pdf?status=4" download data-pdf-link' in donor
    project = client.get(f"/projects/{SDC_ONLY}/", {"currency": "EUR"}).content.decode()
    assert f'href="/projects/{SDC_ONLY}/sheet.pdf?currency=EUR" download data-pdf-link' in project


def test_the_renderer_fetches_only_the_products_static_files():
    fetcher = pdf_render.LocalFetcher("https://portfolio.example/")
    css = fetcher.fetch("https://portfolio.example/static/dashboards/pdf.css")
    assert b"@page" in css.read()
    for url in ("https://example.org/static/dashboards/pdf.css", "http://169.254.169.254/latest/meta-data/",
                "file:///etc/passwd", "https://portfolio.example/static/../portfolio/settings.py",
                "https://portfolio.example/static/%2e%2e/portfolio/settings.py", "data:text/css,body{}",
                "https://portfolio.example/api/v1/projects/"):
        with pytest.raises(ValueError):
            fetcher.fetch(url)


def test_filenames_keep_only_safe_characters():
    day = datetime.date(2026, 11, 28)
    assert pdf.pdf_filename("portfolio", "SDC", today=day) == "portfolio-SDC-2026-11-28.pdf"
    assert pdf.pdf_filename("portfolio", 'Ä"; x/..', today=day) == "portfolio-x-2026-11-28.pdf"


@pytest.mark.database_independent
def test_no_process_pays_for_weasyprint_until_it_renders_a_pdf():
    """Importing WeasyPrint takes about a second and 45 MB: the URLconf (every web and worker process) must not."""
    import subprocess
    import sys

    code = ("import sys, django; django.setup(); import portfolio.urls, dashboards.views; "
            "sys.exit('weasyprint' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], env={**os.environ, "DJANGO_SETTINGS_MODULE": "portfolio.settings"},
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr or "the URLconf imported weasyprint"
