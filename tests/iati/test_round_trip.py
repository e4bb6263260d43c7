"""Round trip: our own IATI export, imported into an empty database and exported again, gives the same activities."""
import copy

import pytest
from lxml import etree

from deadlines.models import Deadline
from donors.models import Donor, Partner
from finance.selectors import money_lists
from iati.imports import iati_import
from iati.writer import activities_document
from projects.models import Project
from projects.selectors import project_rows, project_visible
from regions.models import Corridor
from tests.iati.test_writer import iati_schema  # noqa: F401  (a fixture)
from tests.results.builders import build_framework, synthetic_project


def export(projects) -> etree._Element:
    return etree.fromstring(activities_document(project_rows(projects, extra=money_lists(None))))


def comparable(activity) -> bytes:
    """An activity without its time stamp, participating organisations in a stable order.

    Donors are listed by acronym, which an import makes from the IATI identifier (the file has no acronym).
    """
    activity = copy.deepcopy(activity)
    activity.attrib.pop("last-updated-datetime")
    organisations = activity.findall("participating-org")
    anchor = organisations[0].getprevious()
    for element in organisations:
        activity.remove(element)
    for element in sorted(organisations, key=lambda e: (e.get("role"), e.get("ref") or "", e.findtext("narrative")),
                          reverse=True):
        anchor.addnext(element)
    return etree.tostring(activity, method="c14n")


@pytest.mark.django_db
def test_export_import_export_gives_the_same_activities(annex, money, tmp_path, iati_schema):  # noqa: F811
    build_framework(synthetic_project("zz-round-trip"), results=2, indicators=2, periods=2)
    first = export(project_visible(user=None))
    iati_schema.assertValid(first)
    path = tmp_path / "export.xml"
    path.write_bytes(etree.tostring(first, xml_declaration=True, encoding="UTF-8"))

    Deadline.objects.all().delete()
    Project.objects.all().delete()
    Donor.objects.all().delete()
    Partner.objects.all().delete()
    Corridor.objects.all().delete()

    report = iati_import([path])
    assert report.counts["created"] == len(first) == 22 and report.ok, report.lines()
    second = export(Project.objects.with_status())
    iati_schema.assertValid(second)
    assert [comparable(a) for a in second] == [comparable(a) for a in first]
    assert iati_import([path]).counts["unchanged"] == 22
