"""The list query's rows (projects.selectors): each to-many list is read by name, in one query."""
import dataclasses
from typing import NamedTuple

import pytest

from projects.models import Project
from projects.selectors import (
    RELATED_LISTS,
    CorridorItem,
    DonorItem,
    ProjectLists,
    RelatedList,
    project_rows,
    project_visible,
)


class Pair(NamedTuple):
    first: str
    second: str


def test_the_sql_follows_the_shape_so_a_column_keeps_its_meaning_whatever_the_order_written():
    related = RelatedList(Pair, {"second": "t.b", "first": "t.a"}, "t WHERE t.project_id = {project}", ("t.a",))
    assert related.values == ["t.a", "t.b"]
    assert related.parse('[["a", "b"]]') == [Pair(first="a", second="b")]


def test_a_list_whose_columns_do_not_match_its_shape_is_refused_where_it_is_declared():
    with pytest.raises(TypeError, match="Pair"):
        RelatedList(Pair, {"first": "t.a", "third": "t.c"}, "t", ("t.a",))


def test_every_aggregated_list_has_a_typed_field():
    assert [field.name for field in dataclasses.fields(ProjectLists)] == list(RELATED_LISTS)


@pytest.mark.django_db
def test_rows_carry_typed_lists_in_the_apis_order(annex, django_assert_num_queries):
    with django_assert_num_queries(1):
        rows = {row.slug: row for row in project_rows(project_visible(user=None))}

    gap = rows["gap-migrant-domestic-workers"]
    assert len(rows) == Project.objects.filter(is_published=True).count() == 21
    assert all(isinstance(donor, DonorItem) for row in rows.values() for donor in row.donors)
    assert CorridorItem("NP", "AE", "Nepal", "United Arab Emirates") in gap.corridors
    assert [country.name for country in gap.countries] == sorted(country.name for country in gap.countries)
    objectives = Project.objects.get(slug=gap.slug).objectives.order_by("order").values_list("text", flat=True)
    assert gap.objectives == list(objectives)
