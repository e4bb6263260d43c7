"""The annex portfolio as loaded by seed_annex, checked against the source text.

The table is transcribed from the annex of shared/seeds/004_96a8878eedd05a2a.txt:
years as printed ("2012/2014" reads as 2012-2014), the heading the project sits
under, the donor each paragraph names, countries the text names (groups such as
"six EU countries" or "South Asia" give none), the PARTNER lines and partners
named in the text, corridors stated as origin -> destination, and the number of
objectives the text lists.
"""
import datetime
import io

import pytest
from django.core import serializers
from django.core.management import call_command

from donors.models import Donor, Partner
from projects.models import Funding, Objective, Project, ProjectPartner, Scope
from regions.models import Corridor

pytestmark = pytest.mark.django_db

ANNEX = {
    # slug: (years, region, donors, countries, partners, corridors, objectives)
    "sri-lanka-labour-migration-policy-2": ("2013-2015", "asia-pacific", {"SDC"}, {"LK"}, set(), set(), 3),
    "gms-triangle": ("2010-2015", "asia-pacific", {"AusAID"}, {"KH", "CN", "LA", "MY", "TH", "VN"}, set(), set(), 2),
    "asean-triangle": ("2012-2016", "asia-pacific", {"CIDA"}, {"KH", "ID", "MM", "LA", "PH", "TH", "VN"}, set(), set(), 1),
    "decent-work-across-borders": ("2010-2014", "asia-pacific", {"EC"}, {"PH", "IN", "VN"}, {"PSI"}, set(), 2),
    "bangladesh-migration-policy": ("2011-2014", "asia-pacific", {"SDC"}, {"BD"}, {"UN Women"}, set(), 3),
    "pacific-labour-governance-migration": (
        "2012-2014", "asia-pacific", {"AusAID"}, {"KI", "WS", "PG", "TV", "VU", "NZ", "AU"}, set(), set(), 3),
    "south-asia-labour-migration-governance": ("2013-2016", "asia-pacific", {"EC"}, set(), set(), set(), 3),
    "labour-migration-governance-development": ("2009-2013", "africa", {"AECID"}, {"SN", "MR", "ML"}, set(), set(), 3),
    "migsec": ("2008-2011", "africa", {"BMZ"}, {"ML", "SN"}, {"MIIF"}, set(), 3),
    "north-africa-labour-migration-governance": ("2013-2015", "africa", {"SDC"}, {"TN", "MA", "LY", "EG"}, {"OHCHR"}, set(), 3),
    "ethiopian-somali-domestic-workers": (
        "2013-2016", "africa", {"EC"}, {"ET", "SO", "LB", "SD"}, {"UN Women", "IOM"},
        {"ET-LB", "ET-SD", "SO-LB", "SO-SD"}, 3),
    "middle-east-labour-migration-governance": ("2012/2014", "arab-states", {"SDC"}, set(), set(), set(), 3),
    "arab-states-domestic-workers-advocacy": (
        "2012/2014", "arab-states", {"SDC"}, {"BH", "JO", "SA", "KW", "OM"}, set(), set(), 2),
    "lebanon-women-migrant-domestic-workers": ("2010-2013", "arab-states", {"EC"}, {"LB"}, set(), set(), 2),
    "jordan-migrant-workers-rights": ("2012-2013", "arab-states", {"USDOS"}, {"JO"}, {"BSR"}, set(), 3),
    "capsa": ("2013/2018", "arab-states", {"DFID"}, {"IN", "NP", "BD", "AE", "LB"}, set(), set(), 3),
    "gender-sensitive-migration-policies-central-america": (
        "2011-2014", "americas", {"EC"}, {"CR", "HT", "NI", "PA", "DO"}, {"OAS", "ISCOD"}, set(), 3),
    "migrant-domestic-workers-europe": (
        "2011-2013", "europe-central-asia", {"EC"}, {"BE", "FR", "IT", "ES"},
        {"FIERI", "Fondo Ortega-Gasset", "ETUC"}, set(), 2),
    "moldova-ukraine-migration-skills": ("2010-2013", "europe-central-asia", {"EC"}, {"MD", "UA"}, {"IOM", "WB"}, set(), 4),
    "new-immigrants-labour-market-integration": ("2012-2014", "europe-central-asia", {"EC"}, set(), {"MPI"}, set(), 2),
    "gap-migrant-domestic-workers": (
        "2013-2016", None, {"EC"}, {"NP", "AE", "ID", "MY", "ZW", "ZA", "UA", "PL", "PY", "AR"},
        {"UN Women", "OHCHR", "KSBSI"}, {"NP-AE", "ID-MY", "ZW-ZA", "UA-PL", "PY-AR"}, 3),
}


def _years(text):
    first, last = text.replace("/", "-").split("-")
    return datetime.date(int(first), 1, 1), datetime.date(int(last), 12, 31)


def test_annex_has_21_projects_all_published(annex):
    assert set(Project.objects.values_list("slug", flat=True)) == set(ANNEX)
    assert Project.objects.published().count() == 21


@pytest.mark.parametrize("slug", sorted(ANNEX))
def test_annex_project_matches_the_source(annex, slug):
    years, region, donors, countries, partners, corridors, objectives = ANNEX[slug]
    project = Project.objects.get(slug=slug)
    assert (project.planned_start, project.planned_end) == _years(years)
    assert (project.region.code if project.region else None) == region
    assert {d.acronym for d in project.donors.all()} == donors
    assert set(project.countries.values_list("code", flat=True)) == countries
    assert {p.acronym for p in project.partners.all()} == partners
    assert {c.code for c in project.corridors.all()} == corridors
    assert project.objectives.count() == objectives
    assert project.summary and project.title and project.short_name
    if region is None:
        assert project.scope == Scope.GLOBAL


def test_sdc_funds_five_annex_projects(annex):
    assert Project.objects.filter(fundings__donor__acronym="SDC").count() == 5


def test_donors_carry_their_iati_identifiers(annex):
    assert dict(Donor.objects.values_list("acronym", "iati_ref")) == {
        "SDC": "CH-4", "AusAID": "AU-5", "CIDA": "CA-3", "EC": "XI-IATI-EC_DEVCO", "AECID": "ES-DIR3-EA0035768",
        "BMZ": "DE-1", "USDOS": "US-GOV-11", "DFID": "GB-GOV-1",
    }


def test_global_action_programme_corridors_read_origin_to_destination(annex):
    corridor = Corridor.objects.get_by_natural_key("NP", "AE")
    assert str(corridor) == "Nepal → United Arab Emirates"
    assert corridor.code == "NP-AE"


def _snapshot():
    """Every annex-related row, serialised with natural keys, for before/after comparison."""
    rows = []
    for model in (Donor, Partner, Corridor, Project, Objective, Funding, ProjectPartner):
        data = serializers.serialize("json", model.objects.all(), use_natural_foreign_keys=True, use_natural_primary_keys=True)
        rows.append((model.__name__, model.objects.count(), data))
    return rows


def test_seed_annex_twice_leaves_the_same_rows(annex):
    before = _snapshot()
    out = io.StringIO()
    call_command("seed_annex", stdout=out)
    assert _snapshot() == before
    assert out.getvalue().strip() == "seed_annex: created nothing; left 168 existing rows unchanged"


def test_seed_annex_prints_a_one_line_summary_on_an_empty_database(db):
    out = io.StringIO()
    call_command("seed_annex", stdout=out)
    lines = out.getvalue().strip().splitlines()
    assert len(lines) == 1
    assert "21 projects" in lines[0] and "56 objectives" in lines[0]


def test_seed_annex_does_not_overwrite_officer_edits(annex):
    project = Project.objects.get(slug="capsa")
    project.title = "CAPSA (edited by an officer)"
    project.planned_end = datetime.date(2019, 6, 30)
    project.save()
    project.objectives.filter(order=3).delete()
    project.countries.remove(project.countries.get(code="LB"))
    Funding.objects.filter(project=project).update(amount=1000, currency="GBP")
    sdc = Donor.objects.get(acronym="SDC")
    sdc.name = "SDC (renamed)"
    sdc.save()

    call_command("seed_annex", stdout=io.StringIO())

    project.refresh_from_db()
    assert project.title == "CAPSA (edited by an officer)"
    assert project.planned_end == datetime.date(2019, 6, 30)
    assert project.objectives.count() == 2
    assert not project.countries.filter(code="LB").exists()
    assert Funding.objects.get(project=project).currency == "GBP"
    assert Donor.objects.get(acronym="SDC").name == "SDC (renamed)"


def test_seed_annex_restores_a_deleted_project_only(annex):
    Project.objects.get(slug="migsec").delete()
    out = io.StringIO()
    call_command("seed_annex", stdout=out)
    assert "1 projects" in out.getvalue()
    assert Project.objects.get(slug="migsec").objectives.count() == 3
    assert Project.objects.count() == 21


def test_annex_fixture_also_loads_with_loaddata(db):
    call_command("loaddata", "fixtures/annex.json", verbosity=0)
    assert Project.objects.count() == 21
