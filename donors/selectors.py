"""Reads about donors that other apps' pages show."""
from django.db import connection
from django.db.models import QuerySet, TextField
from django.db.models.expressions import RawSQL

from projects.selectors import RELATED_LISTS, RelatedList, json_list_sql

# A project's donors as the API lists them (by acronym), acronyms only.
DONOR_ACRONYMS = RelatedList(str, {"acronym": "d.acronym"}, RELATED_LISTS["donors"].source, ("d.acronym",))


def with_donor_acronyms(projects: QuerySet) -> QuerySet:
    """`projects` with `donor_acronyms_json`: in the page query, no prefetch building a Funding and a
    Donor per row only to join their acronyms (the project changelist, issue 18)."""
    sql = json_list_sql(DONOR_ACRONYMS, connection.vendor)
    return projects.annotate(donor_acronyms_json=RawSQL(sql, (), output_field=TextField()))


def donor_acronyms(project) -> str:
    """"SDC, EC" for a project from with_donor_acronyms()."""
    return ", ".join(DONOR_ACRONYMS.parse(project.donor_acronyms_json))
