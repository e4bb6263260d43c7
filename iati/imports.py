"""Importing an activity's results from an IATI file: the reader and the results service, joined.

The first piece of the IATI import (issue 16): one activity's results into one project.
Reading finishes before anything is written, and the write is one transaction, so a file
refused for any reason leaves the database as it was.
"""
from iati.reader import ReaderError, iter_activities, read_results
from results.imports import results_import


def results_from_file(*, project, source, identifier: str | None = None, user=None, replace: bool = False):
    """Import the results of the activity `identifier` of `source` (or its only activity) into `project`."""
    found = []
    for activity in iter_activities(source):
        if identifier is None or (activity.findtext("iati-identifier") or "").strip() == identifier:
            found.append(read_results(activity))
    if len(found) != 1:
        which = f"the activity {identifier!r}" if identifier else "exactly one activity"
        raise ReaderError(f"the file must hold {which}; it holds {len(found)} matching.")
    return results_import(project=project, results=found[0], user=user, replace=replace)
