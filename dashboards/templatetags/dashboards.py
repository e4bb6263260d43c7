from django import template

from dashboards import labels

register = template.Library()


@register.filter
def status_label(code):
    return labels.status_label(code)


@register.filter
def deadline_kind_label(kind):
    return labels.DEADLINE_KIND_LABELS.get(kind, kind)


@register.filter
def deadline_state_label(state):
    return labels.DEADLINE_STATE_LABELS.get(state, state)


@register.filter
def role_label(role):
    return labels.ROLE_LABELS.get(role, role)


@register.filter
def scope_label(scope):
    return labels.SCOPE_LABELS.get(scope, scope)


@register.simple_tag
def sort_query(query, ordering, field):
    """The query string that sorts by `field`, reversing it when it is the current order."""
    from django.http import QueryDict

    params = QueryDict(query, mutable=True)
    params.pop("page", None)
    params["ordering"] = f"-{field}" if ordering == field else field
    return params.urlencode()


@register.simple_tag
def page_query(query, number):
    from django.http import QueryDict

    params = QueryDict(query, mutable=True)
    params["page"] = number
    return params.urlencode()
