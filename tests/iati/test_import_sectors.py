"""An imported activity's sectors and policy markers become the project's own; bad ones are notes."""
import pytest

from iati.imports import iati_import
from projects.models import Project

pytestmark = pytest.mark.django_db

ACTIVITY = """<?xml version="1.0" encoding="UTF-8"?>
<iati-activities version="2.03">
 <iati-activity last-updated-datetime="2026-01-01T00:00:00Z">
  <iati-identifier>XM-DAC-41302-SECTORS-1</iati-identifier>
  <reporting-org ref="XM-DAC-41302" type="40"><narrative>ILO</narrative></reporting-org>
  <title><narrative>Sectors</narrative></title>
  <activity-status code="2"/>
  <activity-date iso-date="2024-01-01" type="1"/>
  <activity-date iso-date="2027-12-31" type="3"/>
  {sectors}
 </iati-activity>
</iati-activities>
"""


def _import(tmp_path, sectors: str):
    path = tmp_path / "a.xml"
    path.write_text(ACTIVITY.format(sectors=sectors), encoding="utf-8")
    return iati_import([path])


def test_sectors_and_markers_are_written(tmp_path):
    report = _import(tmp_path, """
  <sector vocabulary="1" code="15190" percentage="60"/>
  <sector vocabulary="1" code="16020" percentage="40"/>
  <sector vocabulary="7" code="8"/>
  <policy-marker vocabulary="1" code="1" significance="2"/>""")
    assert [a.outcome for a in report.activities] == ["created"]
    project = Project.objects.get(iati_identifier="XM-DAC-41302-SECTORS-1")
    assert sorted(project.sectors.values_list("vocabulary", "code", "percentage")) == [
        ("1", "15190", 60), ("1", "16020", 40), ("7", "8", 100),
    ]
    assert list(project.policy_markers.values_list("code", "significance")) == [("1", 2)]


def test_an_unknown_sector_code_is_a_note_and_the_activity_still_imports(tmp_path):
    report = _import(tmp_path, '<sector vocabulary="1" code="99999" percentage="100"/>')
    activity = report.activities[0]
    assert activity.outcome == "created"
    assert any("sectors of vocabulary 1 not kept" in note and "99999" in note for note in activity.warnings)
    assert not Project.objects.get(iati_identifier="XM-DAC-41302-SECTORS-1").sectors.exists()


def test_a_bad_vocabulary_or_marker_drops_only_itself(tmp_path):
    report = _import(tmp_path, """
  <sector vocabulary="1" code="15190" percentage="100"/>
  <sector vocabulary="2" code="151" percentage="70"/>
  <sector vocabulary="2" code="999" percentage="30"/>
  <sector vocabulary="98" code="01"/>
  <policy-marker vocabulary="1" code="1" significance="2"/>
  <policy-marker vocabulary="1" code="4" significance=""/>""")
    activity = report.activities[0]
    project = Project.objects.get(iati_identifier="XM-DAC-41302-SECTORS-1")
    assert sorted(project.sectors.values_list("vocabulary", "code")) == [("1", "15190"), ("98", "01")]
    assert list(project.policy_markers.values_list("code", flat=True)) == ["1"]
    assert any("vocabulary 2 not kept" in note and "'999'" in note for note in activity.warnings)
    assert any("policy markers not kept" in note and "Policy marker 1 (1 4)" in note for note in activity.warnings)


def test_the_real_files_sectors_are_all_kept(tmp_path):
    """The numbers of sectors in the database equal those in the real publishers' files (issue 16)."""
    from classifications.models import ProjectSector
    from tests.iati.test_import import SHARED

    files = [*sorted((SHARED / "real").glob("*.xml")), SHARED / "iom-activity-XM-DAC-47066-DP.2154.xml"]
    report = iati_import(files)
    assert not [a for a in report.activities if a.outcome == "failed"]
    in_files = sum(path.read_text(encoding="utf-8").count("<sector ") for path in files)
    assert ProjectSector.objects.count() == in_files
