"""CSV export of a project list: one row per project, multi-valued fields joined with "; "."""
import csv
from collections.abc import Iterable, Iterator

from projects.models import ActivityStatus

CSV_COLUMNS = [
    "id", "slug", "title", "short_name", "status_code", "status", "scope", "region", "countries",
    "planned_start", "planned_end", "actual_start", "actual_end", "donors", "partners", "corridors", "objectives",
]
JOIN = "; "


class _Echo:
    def write(self, value):
        return value


def _safe(value) -> str:
    """Keep spreadsheets from running a cell as a formula (CSV injection)."""
    # One physical line per project: line breaks inside a field become spaces.
    text = " ".join(("" if value is None else str(value)).splitlines())
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def project_row(project) -> list[str]:
    code = getattr(project, "status_code", None)
    status = ActivityStatus(code) if code is not None else project.status
    return [
        _safe(v)
        for v in (
            project.pk, project.slug, project.title, project.short_name, status.value, status.label, project.scope,
            project.region.code if project.region else "global",
            JOIN.join(c.code for c in project.countries.all()),
            project.planned_start, project.planned_end, project.actual_start or "", project.actual_end or "",
            JOIN.join(f.donor.acronym for f in project.fundings.all()),
            JOIN.join(p.partner.acronym or p.partner.name for p in project.project_partners.all()),
            JOIN.join(c.code for c in project.corridors.all()),
            JOIN.join(o.text for o in project.objectives.all()),
        )
    ]


def projects_csv_stream(projects: Iterable) -> Iterator[str]:
    """Yield CSV lines: a header, then one line per project (prefetched as in the API)."""
    writer = csv.writer(_Echo())
    yield writer.writerow(CSV_COLUMNS)
    for project in projects:
        yield writer.writerow(project_row(project))
