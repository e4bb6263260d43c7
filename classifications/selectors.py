"""Reads of sectors and policy markers: the list query's JSON lists, their names, the dashboard options."""
from typing import NamedTuple

from django.db.models import QuerySet

from classifications.models import SECTOR_CODELISTS, ProjectSector, SectorVocabulary, sector_name
from iati.codelists import codelist
from projects.selectors import RelatedList


class SectorItem(NamedTuple):
    vocabulary: str
    code: str
    percentage: str  # the exact decimal as text

    @property
    def name(self) -> str:
        return sector_name(self.vocabulary, self.code)


class PolicyMarkerItem(NamedTuple):
    vocabulary: str
    code: str
    significance: int

    @property
    def name(self) -> str:
        return codelist("PolicyMarker").translated(self.code)


# For projects.selectors.with_lists(extra=) and project_rows(extra=): public fields, the same for every caller.
CLASSIFICATION_LISTS: dict[str, RelatedList] = {
    "sectors": RelatedList(
        SectorItem,
        {"vocabulary": "ps.vocabulary", "code": "ps.code", "percentage": "CAST(ps.percentage AS TEXT)"},
        "classifications_projectsector ps WHERE ps.project_id = {project}",
        ("ps.vocabulary", "ps.percentage DESC", "ps.code"),
    ),
    "policy_markers": RelatedList(
        PolicyMarkerItem,
        {"vocabulary": "pm.vocabulary", "code": "pm.code", "significance": "pm.significance"},
        "classifications_projectpolicymarker pm WHERE pm.project_id = {project}",
        ("pm.vocabulary", "pm.code"),
    ),
}


def project_classification_lists(project) -> dict[str, list]:
    """The sectors and policy markers of a project annotated by with_lists(extra=CLASSIFICATION_LISTS)."""
    return {name: related.parse(getattr(project, f"{name}_json")) for name, related in CLASSIFICATION_LISTS.items()}


def sector_choices(projects: QuerySet) -> list[tuple[str, str]]:
    """Options of the dashboards' sector filter: the codes `projects` use, with the DAC categories above them.

    One query. Own codes (vocabulary 99) are left out: the filter does not take them.
    """
    used = ProjectSector.objects.filter(project__in=projects.order_by().values("pk")).exclude(
        vocabulary=SectorVocabulary.OWN
    ).values_list("vocabulary", "code").distinct()
    codes = {}
    for vocabulary, code in used:
        codes[code] = SECTOR_CODELISTS[vocabulary]
        category = codelist("Sector").codes.get(code) if vocabulary == SectorVocabulary.DAC else None
        if category is not None and category.category:
            codes[category.category] = "SectorCategory"
    return [(code, f"{code} — {codelist(name).translated(code)}") for code, name in sorted(codes.items(), key=_sector_order)]


def _sector_order(item):
    code, name = item
    # DAC codes in numeric order, each category before its codes; SDG goals and targets after them.
    return (0, code.ljust(5, "0"), len(code)) if name.startswith("Sector") else (1, *map(_natural, code.split(".")))


def _natural(part: str):
    return (0, int(part), "") if part.isdigit() else (1, 0, part)
