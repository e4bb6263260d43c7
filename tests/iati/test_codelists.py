"""The IATI 2.03 codelists kept in iati/codelists/: what they are, that the product's codes are in them, their refresh."""
import shutil

import pytest
from django.core.management import CommandError, call_command

from classifications.models import MIGRATION_SECTOR, PolicySignificance, SectorVocabulary
from documents.models import DocumentCategory
from donors.models import OrganisationKind
from finance.models import BudgetType, TransactionType
from iati import codelists
from iati.codelists import UnknownCode, codelist, manifest
from iati.services import RefreshError, codelists_refresh
from iati.writer import REGION_UNSPECIFIED
from projects.models import ActivityStatus, OrganisationRole

pytestmark = pytest.mark.database_independent

REQUIRED = {
    "Sector", "SectorCategory", "SectorVocabulary", "PolicyMarker", "PolicySignificance", "PolicyMarkerVocabulary",
    "UNSDG-Goals", "UNSDG-Targets", "DocumentCategory", "ActivityStatus", "OrganisationRole", "OrganisationType",
    "Region", "TransactionType", "BudgetType", "Currency", "Language", "Version",
}


def test_the_kept_files_are_the_iati_203_codelists_each_under_its_own_name():
    assert manifest()["version"] == "2.03"
    assert set(manifest()["codelists"]) == REQUIRED
    assert {path.stem for path in codelists.FOLDER.glob("*.xml")} == REQUIRED
    for name in REQUIRED:
        assert codelist(name).name == name and codelist(name).codes, name
    # What 2.03 has that 2.02 had not: the standard's own version, the pledges, the SDG sector vocabularies.
    assert "2.03" in codelist("Version")
    assert {"12", "13"} <= set(codelist("TransactionType").codes)
    assert {"7", "8", "9"} <= set(codelist("SectorVocabulary").codes)
    assert len(codelist("UNSDG-Goals").codes) == 17 and len(codelist("UNSDG-Targets").codes) == 169
    assert {target.category for target in codelist("UNSDG-Targets").codes.values()} == set(codelist("UNSDG-Goals").codes)
    sectors = codelist("Sector").codes.values()
    assert {sector.category for sector in sectors} <= set(codelist("SectorCategory").codes)


def test_every_code_the_product_uses_is_in_its_codelist():
    uses = {
        "ActivityStatus": ActivityStatus.values, "OrganisationRole": OrganisationRole.values,
        "TransactionType": TransactionType.values, "BudgetType": BudgetType.values,
        "DocumentCategory": DocumentCategory.values, "OrganisationType": [kind.iati_type for kind in OrganisationKind],
        "PolicySignificance": PolicySignificance.values, "Region": [REGION_UNSPECIFIED],
        "SectorVocabulary": SectorVocabulary.values, "Sector": [MIGRATION_SECTOR], "Currency": ["CHF", "EUR", "USD"],
        "Language": ["en", "fr", "es"],
    }
    for name, codes in uses.items():
        missing = [code for code in codes if str(code) not in codelist(name)]
        assert missing == [], f"{name}: {missing}"
        assert not any(codelist(name)[code].withdrawn for code in codes), name


def test_a_code_has_its_names_its_category_and_whether_it_is_withdrawn():
    category = codelist("SectorCategory")["151"]
    assert category.name("en") == "Government and civil society, general"
    assert category.name("fr-ch") == "Gouvernement et société civile, général"
    assert category.name("es") == category.name("en")  # no Spanish in the codelists: the catalogues give it
    assert codelist("Sector")[MIGRATION_SECTOR].category == "151"
    withdrawn = [code for code in codelist("Sector").codes.values() if code.withdrawn]
    assert withdrawn and all(code.code not in dict(codelist("Sector").choices()) for code in withdrawn)
    assert withdrawn[0].code in dict(codelist("Sector").choices(keep={withdrawn[0].code}))
    with pytest.raises(UnknownCode, match="not a code of the IATI Sector codelist"):
        codelist("Sector")["99999"]


def test_the_names_the_product_shows_are_translated(settings):
    from django.utils import translation

    with translation.override("es"):
        assert codelist("Sector").translated(MIGRATION_SECTOR).startswith("Facilitación de una migración")
        assert codelist("SectorCategory").translated("151") == "Gobierno y sociedad civil, general"
    with translation.override("fr"):
        assert codelist("Sector").translated(MIGRATION_SECTOR).startswith("Faciliter une migration")
        assert codelist("SectorCategory").translated("151") == "Gouvernement et société civile, général"  # its own


@pytest.fixture
def folder(tmp_path):
    copy = tmp_path / "codelists"
    shutil.copytree(codelists.FOLDER, copy)
    yield copy
    codelists.codelist.cache_clear()


def fake_iati(overrides=None):
    """IATI's sources as a dict: each kept file at the non-embedded address (the embedded branch answers 404)."""
    def fetch(url):
        name = url.rsplit("/", 1)[1].removesuffix(".xml")
        if (overrides or {}).get(name) is not None:
            return overrides[name]
        if "NonEmbedded" not in url:
            return None
        return (codelists.FOLDER / f"{name}.xml").read_bytes().replace(b"Gender Equality", b"Gender equality (new)")
    return fetch


def test_refresh_replaces_every_file_and_records_where_each_came_from(folder):
    fetched = codelists_refresh(fetch=fake_iati(), folder=folder)
    assert set(fetched) == REQUIRED
    assert all("IATI-Codelists-NonEmbedded/master/xml/" in url for url in fetched.values())
    assert b"Gender equality (new)" in (folder / "PolicyMarker.xml").read_bytes()
    kept = (folder / "MANIFEST.json").read_text(encoding="utf-8")
    assert '"version": "2.03"' in kept and "raw.githubusercontent.com/IATI/IATI-Codelists-NonEmbedded" in kept


@pytest.mark.parametrize("bad, message", [
    (b"<html>Not found</html>", "is not an IATI codelist"),
    (b"<codelist name='Currency'><codelist-items/></codelist>", "holds the codelist 'Currency'"),
    (b"<codelist", "is not an IATI codelist"),
])
def test_a_bad_download_changes_nothing(folder, bad, message):
    before = {path.name: path.read_bytes() for path in folder.iterdir()}
    with pytest.raises(RefreshError, match=message):
        codelists_refresh(fetch=fake_iati({"Sector": bad}), folder=folder)
    assert {path.name: path.read_bytes() for path in folder.iterdir()} == before


def test_the_command_reports_a_network_failure_and_changes_nothing(folder, monkeypatch):
    def offline(url):
        raise OSError("Network is unreachable")

    monkeypatch.setattr(codelists, "FOLDER", folder)
    monkeypatch.setattr("iati.services._fetch", offline)
    before = (folder / "Sector.xml").read_bytes()
    with pytest.raises(CommandError, match="could not be fetched .*Network is unreachable.*Nothing was changed"):
        call_command("iati_codelists_refresh", "Sector")
    assert (folder / "Sector.xml").read_bytes() == before
