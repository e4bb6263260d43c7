"""The conditions of the shared ProjectFilterSet's `sector` and `policy_marker` filters (projects.filters)."""
import re

from django.db.models import Exists, OuterRef, Q

from classifications.models import PolicySignificance, ProjectPolicyMarker, ProjectSector, SectorVocabulary

# What a `?sector=` value is, by its shape: DAC 5-digit, DAC 3-digit, SDG goal, SDG target.
SECTOR_CODE_RE = re.compile(r"[0-9]{5}|[0-9]{3}|[0-9]{1,2}|[0-9]{1,2}\.[0-9a-z]{1,2}")
POLICY_MARKER_RE = re.compile(r"[0-9]{1,2}")


def _sector_condition(code: str) -> Q:
    if "." in code:
        return Q(vocabulary=SectorVocabulary.SDG_TARGET, code=code)
    if len(code) == 5:
        return Q(vocabulary=SectorVocabulary.DAC, code=code)
    if len(code) == 3:  # a DAC category and the 5-digit codes under it
        return Q(vocabulary=SectorVocabulary.DAC_3, code=code) | Q(vocabulary=SectorVocabulary.DAC, code__startswith=code)
    return Q(vocabulary=SectorVocabulary.SDG_GOAL, code=code) | Q(vocabulary=SectorVocabulary.SDG_TARGET,
                                                                  code__startswith=f"{code}.")


def sector_match(codes: list[str]) -> Exists:
    """Projects with any of the sectors `codes` (shapes: SECTOR_CODE_RE); a 3-digit DAC code or an SDG goal
    also matches the codes under it (151 matches 15190, 8 matches 8.8)."""
    condition = Q()
    for code in codes:
        condition |= _sector_condition(code)
    return Exists(ProjectSector.objects.filter(condition, project_id=OuterRef("pk")))


def policy_marker_match(codes: list[str]) -> Exists:
    """Projects that target any of the DAC policy markers `codes` (significance 1 or more; 0 is "not targeted")."""
    return Exists(ProjectPolicyMarker.objects.filter(
        project_id=OuterRef("pk"), code__in=codes, significance__gte=PolicySignificance.SIGNIFICANT,
    ))
