"""Reads of what IATI imports keep: a project's related activities as projects, its texts in a language."""
from iati.models import RelatedActivity, RelationType
from projects.models import Project


def related_projects(project: Project) -> dict[str, list[Project]]:
    """The projects a project's related-activity links name, by relation ("parents", "children", ...), in two queries.

    A link is kept by identifier, so it resolves once the other activity is imported too;
    a link whose other side is also the other's link (a parent naming its child) is found from either side.
    """
    links = list(RelatedActivity.objects.filter(project=project).values_list("ref", "relation"))
    # The reverse side: those that name this project as their child are its parents, and the other way round.
    mirror = {RelationType.PARENT: RelationType.CHILD, RelationType.CHILD: RelationType.PARENT}
    if project.iati_identifier:
        links += [(ref, mirror.get(relation, relation)) for ref, relation in RelatedActivity.objects.filter(
            ref=project.iati_identifier).values_list("project__iati_identifier", "relation")]
    found = {p.iati_identifier: p for p in Project.objects.filter(iati_identifier__in={ref for ref, _r in links})}
    names = {RelationType.PARENT: "parents", RelationType.CHILD: "children", RelationType.SIBLING: "siblings",
             RelationType.CO_FUNDED: "co_funded", RelationType.THIRD_PARTY: "third_party"}
    related: dict[str, list[Project]] = {name: [] for name in names.values()}
    for ref, relation in dict.fromkeys(links):
        if ref in found and found[ref] not in related[names[relation]]:
            related[names[relation]].append(found[ref])
    return related


def text_in(texts: dict[str, str], language: str, default: str) -> str:
    """The text in `language` (its base, "es" for "es-ar"), else `default`: what a page shows its viewer."""
    return texts.get(language) or texts.get((language or "").split("-")[0]) or default


def project_texts(project: Project, language: str) -> dict[str, str]:
    """`project_title` and `project_summary` in the viewer's language where an IATI import gave one, else the project's own.

    Reads `project.iati_activity` (select it with the project: no query of its own).
    """
    activity = getattr(project, "iati_activity", None)
    if activity is None:
        return {"project_title": project.title, "project_summary": project.summary}
    return {"project_title": text_in(activity.titles, language, project.title),
            "project_summary": text_in(activity.descriptions, language, project.summary)}
