from django import template

register = template.Library()


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
