"""The results editor: one page per project, a constant number of queries to open and to save."""
import datetime
from decimal import Decimal

import pytest

from results.models import Indicator, Period, Result, Update, UpdateState
from results.services import update_create
from tests.results.builders import build_framework, synthetic_project

pytestmark = pytest.mark.django_db


def _url(project):
    return f"/admin/results/resultsframework/{project.pk}/change/"


def _post_data(response) -> dict:
    """Every field of the editor as the browser would send it back."""
    data = {}
    for formset in response.context["editor"].formsets:
        for name, value in formset.management_form.initial.items():
            data[f"{formset.prefix}-{name}"] = value
        for form in formset.forms:
            for field in form:
                value = field.value()
                if isinstance(field.field.widget, __import__("django").forms.CheckboxInput):
                    if value:
                        data[field.html_name] = "on"
                elif value is not None:
                    data[field.html_name] = getattr(value, "pk", value)
    return data


def _count_queries(client, project, django_assert_max_num_queries, change):
    response = client.get(_url(project))
    assert response.status_code == 200
    data = _post_data(response)
    change(data)
    return data


@pytest.fixture
def small(officer):
    project = synthetic_project("zz-small")
    build_framework(project, results=1, indicators=1, periods=2)
    return project


@pytest.fixture
def large(officer):
    project = synthetic_project("zz-large")
    build_framework(project)
    return project


def _queries(client, project, django_assert_num_queries, *, post=None):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        response = client.post(_url(project), post) if post is not None else client.get(_url(project))
    return response, len(captured)


def _edit(data, project):
    """Change the first result's title, the first indicator's baseline and the first period's target; add a period."""
    result = Result.objects.filter(project=project).order_by("order", "id").first()
    indicator = Indicator.objects.filter(result=result).order_by("order", "id").first()
    period = indicator.periods.order_by("start").first()
    forms_of = {}
    for key, value in data.items():
        if key.endswith("-id") and value == result.pk and key.startswith("results-"):
            forms_of["result"] = key.removesuffix("-id")
        if key.endswith("-id") and value == indicator.pk and key.startswith("indicators-"):
            forms_of["indicator"] = key.removesuffix("-id")
        if key.endswith("-id") and value == period.pk and key.startswith("periods-"):
            forms_of["period"] = key.removesuffix("-id")
    data[f"{forms_of['result']}-title"] = "Recruitment fees fall"
    data[f"{forms_of['indicator']}-baseline_value"] = "3.5"
    data[f"{forms_of['period']}-target_value"] = "12"
    new = f"periods-{data['periods-INITIAL_FORMS']}"
    data.update({f"{new}-indicator": indicator.pk, f"{new}-start": "2021-01-01", f"{new}-end": "2021-12-31",
                 f"{new}-target_value": "100"})
    return result, indicator, period


def test_the_editor_opens_and_saves_in_a_constant_number_of_queries(officer_client, small, large):
    counts = {}
    for name, project in (("small", small), ("large", large)):
        response, opened = _queries(officer_client, project, None)
        assert response.status_code == 200
        data = _post_data(response)
        result, indicator, period = _edit(data, project)
        response, saved = _queries(officer_client, project, None, post=data)
        assert response.status_code == 302, response.context and [f.errors for f in response.context["errors"]]
        counts[name] = (opened, saved)
        result.refresh_from_db(), indicator.refresh_from_db(), period.refresh_from_db()
        assert (result.title, indicator.baseline_value, period.target_value) == (
            "Recruitment fees fall", Decimal("3.5"), Decimal(12))
        assert indicator.periods.filter(start=datetime.date(2021, 1, 1), target_value=100).exists()
        assert period.history.first().history_user.username == "officer1"  # saved in bulk, with who did it
    assert counts["small"] == counts["large"]
    assert counts["large"] == (9, 19)  # pinned: the 10 × 5 × 12 project


def test_an_editor_error_names_the_row_and_saves_nothing(officer_client, small):
    data = _post_data(officer_client.get(_url(small)))
    period = Period.objects.filter(indicator__result__project=small).order_by("start").first()
    key = next(k.removesuffix("-id") for k, v in data.items() if k.startswith("periods-") and k.endswith("-id") and v == period.pk)
    data[f"{key}-end"] = "2019-01-01"
    data["results-0-title"] = "Changed"
    response = officer_client.post(_url(small), data)
    assert response.status_code == 200
    assert "must not be before its start" in response.content.decode()
    assert not Result.objects.filter(title="Changed").exists()


def test_a_foreign_indicator_cannot_be_chosen_for_a_period(officer_client, small, large):
    data = _post_data(officer_client.get(_url(small)))
    foreign = Indicator.objects.filter(result__project=large).first()
    new = f"periods-{data['periods-INITIAL_FORMS']}"
    data.update({f"{new}-indicator": foreign.pk, f"{new}-start": "2021-01-01", f"{new}-end": "2021-12-31"})
    assert officer_client.post(_url(small), data).status_code == 200
    assert not Period.objects.filter(indicator=foreign, start=datetime.date(2021, 1, 1)).exists()


def test_officers_approve_and_return_updates_in_the_admin(client, officer, second_officer, small):
    period = Period.objects.filter(indicator__result__project=small).first()
    update = update_create(period=period, user=officer, value=Decimal(3), submit=True)
    url = f"/admin/results/update/{update.pk}/change/"
    form = {"period": period.pk, "value": "3", "text": "", "comment": "", "review_comment": ""}

    client.force_login(officer)  # the reporter may not approve
    response = client.post(url, {**form, "decision": "approve"})
    assert response.status_code == 200 and "Another officer reviews" in response.content.decode()
    client.force_login(second_officer)
    response = client.post(url, {**form, "decision": "return"})
    assert "Say why" in response.content.decode()
    assert client.post(url, {**form, "decision": "return", "review_comment": "Which district?"}).status_code == 302
    update.refresh_from_db()
    assert (update.state, update.review_comment, update.reviewed_by) == (UpdateState.RETURNED, "Which district?",
                                                                         second_officer)
    client.force_login(officer)
    assert client.post(url, {**form, "decision": "submit"}).status_code == 302
    client.force_login(second_officer)
    response = client.post("/admin/results/update/", {"action": "approve_selected", "_selected_action": [update.pk]})
    assert response.status_code == 302
    assert Update.objects.get(pk=update.pk).state == UpdateState.APPROVED
    Period.objects.filter(pk=period.pk).update(is_locked=True)
    response = client.post("/admin/results/update/add/", {**form, "decision": "submit"})
    assert "locked" in response.content.decode() and Update.objects.count() == 1
