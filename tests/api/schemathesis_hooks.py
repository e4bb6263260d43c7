"""Schemathesis hooks for the live API run (loaded through SCHEMATHESIS_HOOKS by test_openapi.py).

OpenAPI cannot say that `year_to` must not be before `year_from`; such a range is a
400 by design (tests/dashboards/test_pages.py holds it). Every phase (the coverage
phase too) sends its requests through `before_call`, which puts a reversed range in
order, so that 400 is not counted as valid data refused.
"""
import schemathesis


@schemathesis.hook
def before_call(ctx, case, **kwargs):
    query = case.query
    if not query or "year_from" not in query or "year_to" not in query:
        return
    try:
        first, last = int(query["year_from"]), int(query["year_to"])
    except (TypeError, ValueError):
        return  # not both years: the checks apply as they are
    if last < first:
        query["year_from"], query["year_to"] = query["year_to"], query["year_from"]
